# The upload a program using Python's standard library writes: urllib.request.urlopen with the
# file's octets as the POST's data, at the module's defaults (it sends no Expect of its own and
# follows a 303 with a GET) but for a 30 s timeout on each socket wait (urlopen has none). It prints the final response's content, which the suite reads.
# A status urllib treats as an error (4xx, 5xx, an unexpected 1xx) raises: the program says so
# in one line on stderr (the exception's type and message, no traceback) and exits 1.
import sys
import urllib.request

url, path = sys.argv[1], sys.argv[2]
try:
    with open(path, "rb") as f:
        data = f.read()
    req = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        sys.stdout.buffer.write(resp.read())
except Exception as e:
    print(f"upload: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)

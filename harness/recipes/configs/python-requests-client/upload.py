# The upload a program using requests writes: requests.post with the open file as data, at the
# library's defaults (it streams the file with a Content-Length, sends no Expect of its own and
# follows a 303 with a GET) but for a 30 s timeout on each socket wait (requests has none). It prints the final response's content, which the suite reads.
# requests returns any final status without raising; an exception (a connection error) is said
# in one line on stderr (its type and message, no traceback) and exits 1.
import sys
import requests

url, path = sys.argv[1], sys.argv[2]
try:
    with open(path, "rb") as f:
        r = requests.post(url, data=f, timeout=30)
    sys.stdout.buffer.write(r.content)
except Exception as e:
    print(f"upload: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)

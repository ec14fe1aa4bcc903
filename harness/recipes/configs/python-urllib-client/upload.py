# The upload a program using Python's standard library writes: urllib.request.urlopen with the
# file's octets as the POST's data, at the module's defaults (it sends no Expect of its own and
# follows a 303 with a GET). It prints the final response's content, which the suite reads.
# A status urllib treats as an error (4xx, 5xx, an unexpected 1xx) raises, and the exit status is 1.
import sys
import urllib.request

url, path = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    data = f.read()
req = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/octet-stream"})
with urllib.request.urlopen(req, timeout=30) as resp:
    sys.stdout.buffer.write(resp.read())

# An S3 upload with boto3, pointed at the suite's server as its S3 endpoint: put_object with the
# open file as Body. botocore itself adds "Expect: 100-continue" to a PUT whose body is a file
# (any size, even empty), and its connection waits a while for the 100 before it sends the
# content anyway. The program chooses only what reaching a non-AWS endpoint needs:
# endpoint_url is {url}'s scheme and authority, path-style addressing (so the request line
# keeps {url}'s path: the bucket is its first segment, the key the rest), dummy credentials
# and a region. boto3's defaults are kept otherwise (its retries included).
#
# The suite's server is not S3: its 200 carries a line of text, where S3 answers PutObject with
# no content, and botocore parses any content of a success as XML, so put_object raises
# ResponseParserError after the upload went through. put_object returns no content either. So
# the program listens to botocore's own history recorder (botocore.history, what `aws` uses for
# its history) for the last HTTP response botocore received, the one it went on to parse, and
# prints that response's content on stdout, which is how the suite sees which response botocore
# took as final. A ResponseParserError on a 2xx is said on stderr and exits 0 (the upload
# succeeded); any other error (a ClientError on a 4xx or 5xx, a connection error) is said in
# one line on stderr (its type and message) and exits 1.
import sys
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.parsers import ResponseParserError
from botocore.history import BaseHistoryHandler, get_global_history_recorder


class LastResponse(BaseHistoryHandler):
    status, body = None, b""

    def emit(self, event_type, payload, source):
        if event_type == "HTTP_RESPONSE":
            self.status, self.body = payload["status_code"], payload["body"] or b""


last = LastResponse()
recorder = get_global_history_recorder()
recorder.add_handler(last)
recorder.enable()

url, path = sys.argv[1], sys.argv[2]
u = urlsplit(url)
bucket, _, key = u.path.lstrip("/").partition("/")
code = 0
try:
    s3 = boto3.client(
        "s3",
        endpoint_url=f"{u.scheme}://{u.netloc}",
        region_name="us-east-1",
        aws_access_key_id="expectspec",
        aws_secret_access_key="expectspec",
        config=Config(s3={"addressing_style": "path"}),
    )
    with open(path, "rb") as f:
        s3.put_object(Bucket=bucket, Key=key, Body=f)
except ResponseParserError as e:
    if not (last.status and 200 <= last.status < 300):
        print(f"upload: ResponseParserError: {e}", file=sys.stderr)
        code = 1
    else:
        print(f"upload: botocore could not parse the {last.status}'s content as S3's XML; the upload went through",
              file=sys.stderr)
except Exception as e:
    print(f"upload: {type(e).__name__}: {e}", file=sys.stderr)
    code = 1
sys.stdout.buffer.write(last.body if isinstance(last.body, bytes) else str(last.body).encode())
sys.exit(code)

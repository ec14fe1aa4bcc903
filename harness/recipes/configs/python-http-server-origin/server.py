# Python's own http.server, as a Python user writes an upload endpoint, run as:
#   /usr/bin/python3 server.py PORT
# ThreadingHTTPServer and a BaseHTTPRequestHandler whose do_POST reads Content-Length octets from
# rfile and answers 200; do_GET answers 200 on /upload too (the suite also sends GET there).
# Other paths get send_error(404), the module's own error page (which also closes the connection).
#
# One deviation from the module's defaults: protocol_version = "HTTP/1.1". The default
# ("HTTP/1.0") answers every request as HTTP/1.0 and closes, and http.server handles
# Expect: 100-continue (handle_expect_100, sending 100 Continue before do_POST runs) only when
# protocol_version is HTTP/1.1 or later: with the default there would be nothing to measure.
# The handler does not de-chunk: http.server leaves Transfer-Encoding to the application, and a
# user who reads Content-Length octets reads none of a chunked request's content.
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, text):
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path != "/upload":
            self.send_error(404)
            return
        n = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(n)
        self._answer("ok %d\n" % len(data))

    def do_GET(self):
        if self.path != "/upload":
            self.send_error(404)
            return
        self._answer("ok 0\n")


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()

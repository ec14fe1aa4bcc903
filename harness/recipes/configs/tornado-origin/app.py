# tornado origin, run as: /usr/bin/python3 app.py PORT
# /upload: tornado receives all of the request's content before the handler runs (self.request.body);
# the handler answers 200 with the number of octets, for every method (the suite also sends GET).
# Unknown paths get tornado's own 404 (after the content, like every non-streaming handler).
#
# /denied is the early resource: a @stream_request_body handler whose prepare() refuses with 403.
# With that decorator tornado runs prepare() once the header section has arrived, before any
# content (tornado.web.stream_request_body docs), which is tornado's way to refuse an upload early;
# tornado then sends no 100 (Continue) and reads and discards the declared content itself.
import asyncio
import sys

import tornado.web


class Upload(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")

    def _answer(self):
        self.set_header("Content-Type", "text/plain")
        self.write("ok %d\n" % len(self.request.body))

    get = post = put = delete = patch = options = _answer


@tornado.web.stream_request_body
class Denied(tornado.web.RequestHandler):
    def prepare(self):
        raise tornado.web.HTTPError(403)


async def main():
    app = tornado.web.Application([(r"/upload", Upload), (r"/denied", Denied)])
    app.listen(int(sys.argv[1]), address="127.0.0.1")  # tornado's HTTPServer defaults otherwise
    await asyncio.Event().wait()


asyncio.run(main())

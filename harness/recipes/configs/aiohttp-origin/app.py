# aiohttp origin, run as: /usr/bin/python3 app.py PORT
# /upload awaits all of the request's content (request.read()) and answers 200 with the number of
# octets read; every method is accepted there (the suite also sends GET). Unknown paths get
# aiohttp's own 404.
#
# /denied is the early resource: it refuses from the header section with 403. This is aiohttp's
# documented way to do it ("Expect Header" in the aiohttp.web advanced docs): a per-route
# expect_handler that runs once the header section has arrived, before the handler, and raises an
# HTTP error instead of sending 100 Continue. A request without Expect skips the expect_handler,
# and the handler refuses it the same way without reading the content.
import sys

from aiohttp import web


async def upload(request):
    data = await request.read()
    return web.Response(text="ok %d\n" % len(data))


async def refuse_before_continue(request):
    # The documented pattern checks credentials here; this resource has none to give.
    raise web.HTTPForbidden()


async def denied(request):
    raise web.HTTPForbidden()


app = web.Application()
app.router.add_route("*", "/upload", upload)
app.router.add_route("*", "/denied", denied, expect_handler=refuse_before_continue)
# print=None: no banner; access log at aiohttp's default (off unless logging is configured).
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)

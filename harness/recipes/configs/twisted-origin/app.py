# twisted.web origin, run as: /usr/bin/python3 app.py PORT
# twisted.web receives all of a request's content (into request.content) before it renders the
# resource. /upload answers 200 with the number of octets received, for every method (the suite
# also sends GET there); other paths get twisted.web's own 404 (NoResource). twisted.web sends
# 100 Continue itself as soon as the header section of an HTTP/1.1 request with
# Expect: 100-continue has arrived, so no resource can answer before the content is sent.
import sys

from twisted.internet import endpoints, reactor
from twisted.web import resource, server


class Upload(resource.Resource):
    isLeaf = True

    def render(self, request):
        return b"ok %d\n" % len(request.content.read())


root = resource.Resource()
root.putChild(b"upload", Upload())
site = server.Site(root)  # twisted.web's defaults (no access log file, 60 s idle timeout)
endpoints.serverFromString(reactor, "tcp:%s:interface=127.0.0.1" % sys.argv[1]).listen(site)
reactor.run()

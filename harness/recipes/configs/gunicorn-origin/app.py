# The WSGI application gunicorn serves: /upload reads all of the request's content from
# wsgi.input (gunicorn de-chunks it) and answers 200 with the number of octets read; any other
# path answers 404 without reading the content, as a WSGI application that does not want it does.
# Every method is accepted on /upload: the suite also sends GET there.


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/upload":
        n = len(environ["wsgi.input"].read())
        body = b"ok %d\n" % n
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]
    body = b"not found\n"
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]

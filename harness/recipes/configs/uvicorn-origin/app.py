# The ASGI application uvicorn serves: /upload receives every http.request message until
# more_body is false (all of the content) and answers 200 with the number of octets read; any
# other path answers 404 without receiving the content. uvicorn sends 100 Continue only when the
# application first awaits receive(), so the 404 goes out without one.
# Every method is accepted on /upload: the suite also sends GET there.


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    if scope["path"] == "/upload":
        n, more = 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            n += len(message.get("body", b""))
            more = message.get("more_body", False)
        await respond(send, 200, b"ok %d\n" % n)
    else:
        await respond(send, 404, b"not found\n")


async def respond(send, status, body):
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))]})
    await send({"type": "http.response.body", "body": body})

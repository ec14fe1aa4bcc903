# The upload a program using aiohttp's client writes when it asks for 100-continue:
# session.post with the file's octets as data and expect100=True (aiohttp adds the Expect
# header itself then, and writes the content once a 100 arrives). Everything else is the
# library's default: it follows a 303 with a GET, and its only timer is the session's total
# timeout (300 s), longer than any case. It prints the final response's content, which the
# suite reads; aiohttp returns any final status without raising, and an exception (a
# connection or protocol error) is said in one line on stderr (its type and message) and exits 1.
import asyncio
import sys

import aiohttp


async def upload(url, path):
    with open(path, "rb") as f:
        data = f.read()
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=data, expect100=True,
                                headers={"Content-Type": "application/octet-stream"}) as r:
            sys.stdout.buffer.write(await r.read())


try:
    asyncio.run(upload(sys.argv[1], sys.argv[2]))
except Exception as e:
    print(f"upload: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)

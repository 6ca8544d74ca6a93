#!/usr/bin/env python3
"""asyncio_hello.py: the Python asyncio and uvloop peers for `make bench-net`.

Course idea: the course's own async server, as Python writes it. Like
uv_hello.c it answers every request end ("\\r\\n\\r\\n") with a fixed /hello
response, all answers of one read in one write.

Usage: asyncio_hello.py PORT [--uvloop]
"""
import asyncio, sys

REPLY = (b"HTTP/1.1 200 OK\r\nServer: asyncio\r\nContent-Type: text/plain\r\n"
         b"Content-Length: 14\r\n\r\nHello, world!\n")

class Hello(asyncio.Protocol):
    def connection_made(self, transport):
        self.t = transport
        self.tail = b""

    def data_received(self, data):
        data = self.tail + data
        n = data.count(b"\r\n\r\n")
        self.tail = data[data.rfind(b"\r\n\r\n") + 4:][-3:] if n else data[-3:]
        if n:
            self.t.write(REPLY * n)

async def main(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Hello, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()

if __name__ == "__main__":
    if "--uvloop" in sys.argv:
        import uvloop
        uvloop.install()
    asyncio.run(main(int(sys.argv[1])))

#!/usr/bin/python3
# echo_server.py: the line echo server (the Python twin of echo-server.c)
#
# Seed topic: "other event-loop implementations" (the uvloop example): the
# handler reads a line, writes it back, drains and closes. Plain asyncio on
# glib-coro's loop (GCoro.install(), as uvloop.install()), serving with
# glib-coro's stream server, which C code could share.
#
# Run: python3 echo_server.py [--port=9000] [--backend=glib|epoll]
#                                             then: echo hi | nc 127.0.0.1 9000
#      python3 echo_server.py --demo           (an in-process client)
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro  # noqa: E402


async def connected(stream):
    line = await stream.read_line_async()
    stream.write(line.get_data())
    await stream.drain_async()
    await stream.close_async()


async def main(demo, port):
    server = GCoro.StreamServer.new()
    # The server closes each connection once the future its handler returns
    # settles: here, the asyncio task handed to C by GCoro.from_asyncio().
    server.connect('incoming', lambda _server, stream: GCoro.from_asyncio(connected(stream)))
    server.listen_tcp('127.0.0.1', 0 if demo else port)
    server.start()

    if demo:
        stream = await GCoro.Stream.connect_tcp_async('127.0.0.1', server.get_port())
        stream.write(b'Hello, echo!\n')
        reply = await stream.read_line_async()
        print(f'got {reply.get_data()!r}')
        await stream.close_async()
    else:
        print(f'Start: listening on 127.0.0.1:{server.get_port()}')
        await asyncio.get_running_loop().create_future()     # serve until interrupted
    server.close()
    await server.wait_closed_async()


# The socket backend, chosen before anything uses the loop (uvloop.install()).
backend = next((a.split('=', 1)[1] for a in sys.argv if a.startswith('--backend=')), None)
if backend is not None:
    GCoro.set_backend(getattr(GCoro.Backend, backend.upper()))
GCoro.install()
asyncio.run(main('--demo' in sys.argv,
                 next((int(a.split('=', 1)[1]) for a in sys.argv if a.startswith('--port=')), 9000)))

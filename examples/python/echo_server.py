#!/usr/bin/python3
# echo_server.py: the line echo server (the Python twin of echo-server.c)
#
# Seed topic: "other event-loop implementations" (the uvloop example): the
# handler reads a line, writes it back, drains and closes.
#
# Run: python3 echo_server.py [--port=9000] [--backend=glib|epoll]
#                                             then: echo hi | nc 127.0.0.1 9000
#      python3 echo_server.py --demo           (an in-process client)
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib  # noqa: E402


async def connected(stream):
    line = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
    stream.write(line.get_data())
    await GCoro.future_of(stream.drain_async, stream.drain_finish)
    await GCoro.future_of(stream.close_async, stream.close_finish)


# The socket backend, chosen before anything uses the loop (uvloop.install()).
backend = next((a.split('=', 1)[1] for a in sys.argv if a.startswith('--backend=')), None)
if backend is not None:
    GCoro.set_backend(getattr(GCoro.Backend, backend.upper()))

server = GCoro.StreamServer.new()
server.connect('incoming', lambda _server, stream: GCoro.spawn(connected(stream)))
demo = '--demo' in sys.argv
port = next((int(a.split('=', 1)[1]) for a in sys.argv if a.startswith('--port=')), 9000)
server.listen_tcp('127.0.0.1', 0 if demo else port)
server.start()

if demo:
    async def client():
        stream = await GCoro.future_of(GCoro.Stream.connect_tcp_async, GCoro.Stream.connect_tcp_finish,
                                       '127.0.0.1', server.get_port())
        stream.write(b'Hello, echo!\n')
        reply = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
        print(f'got {reply.get_data()!r}')
        await GCoro.future_of(stream.close_async, stream.close_finish)

    GCoro.run(client())
    while server.get_n_connections() > 0:
        GLib.MainContext.default().iteration(True)
else:
    print(f'Start: listening on 127.0.0.1:{server.get_port()}')
    GLib.MainLoop().run()
server.close()

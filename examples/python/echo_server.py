#!/usr/bin/python3
# echo_server.py: the line echo server (the Python twin of echo-server.c)
#
# Seed topic: "other event-loop implementations" (the uvloop example): the
# handler reads a line, writes it back, drains and closes. Like its C twin
# it holds at most 1,000 clients, each silent for 30 s at most, answers an
# overlong line with an error line, logs every connection's error with its
# peer, and stops in order on SIGINT or SIGTERM (exit status 0).
#
# Run: python3 echo_server.py [--port=9000] [--backend=glib|epoll]
#                                             then: echo hi | nc 127.0.0.1 9000
#      python3 echo_server.py --demo           (in-process clients)
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib  # noqa: E402


async def discard_until_eof(stream):
    # Closing a socket with unread data resets the connection, and the reply with it.
    while (await GCoro.future_of(stream.read_async, stream.read_finish, 65536)).get_size() > 0:
        pass


async def connected(stream):
    try:
        line = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
    except GLib.Error as error:
        # Who, and what went wrong (a timeout, a reset, a line too long).
        print(f'{stream.get_peer_address().to_string()}: {error.message}')
        if error.matches(GCoro.stream_error_quark(), GCoro.StreamError.LIMIT_OVERRUN):
            stream.write(f'error: line too long (the limit is {stream.get_limit()} bytes)\n'.encode())
            await GCoro.future_of(stream.write_eof_async, stream.write_eof_finish)   # the reply, then EOF
            await discard_until_eof(stream)
    else:
        stream.write(line.get_data())
        await GCoro.future_of(stream.drain_async, stream.drain_finish)
    await GCoro.future_of(stream.close_async, stream.close_finish)


# The socket backend, chosen before anything uses the loop (uvloop.install()).
backend = next((a.split('=', 1)[1] for a in sys.argv if a.startswith('--backend=')), None)
if backend is not None:
    GCoro.set_backend(getattr(GCoro.Backend, backend.upper()))
sys.stdout.reconfigure(line_buffering=True)   # a server's log: a line at a time

server = GCoro.StreamServer.new()
server.set_max_connections(1000)
server.set_idle_timeout(30 * 1000)
server.connect('incoming', lambda _server, stream: GCoro.spawn(connected(stream)))
demo = '--demo' in sys.argv
port = next((int(a.split('=', 1)[1]) for a in sys.argv if a.startswith('--port=')), 9000)
server.listen_tcp('127.0.0.1', 0 if demo else port)
server.start()

if demo:
    async def client(data):
        stream = await GCoro.future_of(GCoro.Stream.connect_tcp_async, GCoro.Stream.connect_tcp_finish,
                                       '127.0.0.1', server.get_port())
        stream.write(data)
        reply = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
        print(f'got {reply.get_data()!r}')
        await GCoro.future_of(stream.close_async, stream.close_finish)

    for data in (b'Hello, echo!\n', b'x' * 70000 + b'\n'):
        GCoro.run(client(data))
        while server.get_n_connections() > 0:
            GLib.MainContext.default().iteration(True)
    server.close()
else:
    print(f'Start: listening on 127.0.0.1:{server.get_port()}')

    async def serve():
        # Until SIGINT or SIGTERM, then an orderly shutdown.
        await GCoro.future_of(server.serve_forever_async, server.serve_forever_finish)

    GCoro.run(serve())
    print('Stopped: every connection closed')

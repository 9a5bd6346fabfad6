#!/usr/bin/python3
# context_var_server.py: each client's address in a context variable
#
# Seed topic: "context variables". The Python twin of
# examples/context-var-server.c (and of the text's asyncio Server): the
# handler stores the client's address in a GCoro.ContextVar; the task it
# spawns to listen for messages sees that client's address. What it logs
# is a bytes repr (NUL bytes and all); a connection's error is logged with
# its client, a line too long is answered with an error line, and SIGINT
# or SIGTERM stop it in order (exit status 0).
#
# Run: python3 context_var_server.py [--port=9000]   then: nc 127.0.0.1 9000
#      python3 context_var_server.py --demo           (clients in-process)
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib  # noqa: E402

user_address = GCoro.ContextVar.new('user_address')


def describe(address):
    return f"('{address.get_address().to_string()}', {address.get_port()})"


async def report_error(stream, error):
    print(f'error from {describe(user_address.dup_object())}: {error.message}')
    if error.matches(GCoro.stream_error_quark(), GCoro.StreamError.LIMIT_OVERRUN):
        stream.write(f'error: line too long (the limit is {stream.get_limit()} bytes)\n'.encode())
        await GCoro.future_of(stream.write_eof_async, stream.write_eof_finish)   # the answer, then EOF
        # Read and drop the rest: closing with unread data resets the connection.
        while (await GCoro.future_of(stream.read_async, stream.read_finish, 65536)).get_size() > 0:
            pass


async def listen_for_messages(stream):
    while True:
        try:
            data = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
        except GLib.Error as error:
            await report_error(stream, error)
            break
        if data.get_size() == 0:
            break
        print(f'received {data.get_data()!r} from {describe(user_address.dup_object())}')


async def client_connected(stream):
    user_address.set_object(stream.get_peer_address())
    await GCoro.spawn(listen_for_messages(stream))


sys.stdout.reconfigure(line_buffering=True)   # a server's log: a line at a time
server = GCoro.StreamServer.new()
server.set_max_connections(1000)
server.set_idle_timeout(5 * 60 * 1000)        # a chat: quiet for a while
server.connect('incoming', lambda _server, stream: GCoro.spawn(client_connected(stream)))
demo = '--demo' in sys.argv
port = next((int(a.split('=', 1)[1]) for a in sys.argv if a.startswith('--port=')), 9000)
server.listen_tcp('127.0.0.1', 0 if demo else port)
server.start()

if demo:
    async def connect():
        return await GCoro.future_of(GCoro.Stream.connect_tcp_async, GCoro.Stream.connect_tcp_finish,
                                     '127.0.0.1', server.get_port())

    async def demo_client():
        stream = await connect()
        stream.write(b'Hello!\r\n')
        stream.write(b'Nul\0byte\n')
        stream.write(b'Bye!\r\n')
        await GCoro.future_of(stream.close_async, stream.close_finish)

    async def overlong_client():
        stream = await connect()
        stream.write(b'x' * 70000 + b'\n')
        answer = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
        print(f'got {answer.get_data()!r}')
        await GCoro.future_of(stream.close_async, stream.close_finish)

    for client in (demo_client, overlong_client):
        GCoro.run(client())
        while server.get_n_connections() > 0:
            GLib.MainContext.default().iteration(True)
    server.close()
else:
    print(f'listening on 127.0.0.1:{server.get_port()}')

    async def serve():
        # Until SIGINT or SIGTERM, then an orderly shutdown.
        await GCoro.future_of(server.serve_forever_async, server.serve_forever_finish)

    GCoro.run(serve())
    print('stopped: every connection closed')

#!/usr/bin/python3
# context_var_server.py: each client's address in a context variable
#
# Seed topic: "context variables". The Python twin of
# examples/context-var-server.c (and of the text's asyncio Server): the
# handler stores the client's address in a GCoro.ContextVar; the task it
# spawns to listen for messages sees that client's address.
#
# Run: python3 context_var_server.py [--port=9000]   then: nc 127.0.0.1 9000
#      python3 context_var_server.py --demo           (an in-process client)
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib  # noqa: E402

user_address = GCoro.ContextVar.new('user_address')


def describe(address):
    return f"('{address.get_address().to_string()}', {address.get_port()})"


async def listen_for_messages(stream):
    while True:
        data = await GCoro.future_of(stream.read_line_async, stream.read_line_finish)
        if data.get_size() == 0:
            break
        print(f'received {data.get_data()!r} from {describe(user_address.dup_object())}')


async def client_connected(stream):
    user_address.set_object(stream.get_peer_address())
    await GCoro.spawn(listen_for_messages(stream))


server = GCoro.StreamServer.new()
server.connect('incoming', lambda _server, stream: GCoro.spawn(client_connected(stream)))
demo = '--demo' in sys.argv
port = next((int(a.split('=', 1)[1]) for a in sys.argv if a.startswith('--port=')), 9000)
server.listen_tcp('127.0.0.1', 0 if demo else port)
server.start()

if demo:
    async def demo_client():
        stream = await GCoro.future_of(GCoro.Stream.connect_tcp_async, GCoro.Stream.connect_tcp_finish,
                                       '127.0.0.1', server.get_port())
        stream.write(b'Hello!\r\n')
        stream.write(b'Bye!\r\n')
        await GCoro.future_of(stream.close_async, stream.close_finish)

    GCoro.run(demo_client())
    while server.get_n_connections() > 0:
        GLib.MainContext.default().iteration(True)
else:
    print(f'listening on 127.0.0.1:{server.get_port()}')
    GLib.MainLoop().run()
server.close()

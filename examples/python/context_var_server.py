#!/usr/bin/python3
# context_var_server.py: each client's address in a context variable
#
# Seed topic: "context variables". The Python twin of
# examples/context-var-server.c (and of the text's asyncio Server): the
# handler stores the client's address in a GCoro.ContextVar; the asyncio
# task it creates to listen for messages sees that client's address, as
# with contextvars (the variable follows asyncio tasks, and C code sees it).
#
# Run: python3 context_var_server.py [--port=9000]   then: nc 127.0.0.1 9000
#      python3 context_var_server.py --demo           (an in-process client)
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro  # noqa: E402

user_address = GCoro.ContextVar.new('user_address')


def describe(address):
    return f"('{address.get_address().to_string()}', {address.get_port()})"


async def listen_for_messages(stream):
    while True:
        data = await stream.read_line_async()
        if data.get_size() == 0:
            break
        print(f'received {data.get_data()!r} from {describe(user_address.dup_object())}')


async def client_connected(stream):
    user_address.set_object(stream.get_peer_address())
    await asyncio.create_task(listen_for_messages(stream))


async def main(demo, port):
    server = GCoro.StreamServer.new()
    server.connect('incoming', lambda _server, stream: GCoro.from_asyncio(client_connected(stream)))
    server.listen_tcp('127.0.0.1', 0 if demo else port)
    server.start()

    if demo:
        stream = await GCoro.Stream.connect_tcp_async('127.0.0.1', server.get_port())
        stream.write(b'Hello!\r\n')
        stream.write(b'Bye!\r\n')
        await stream.close_async()
    else:
        print(f'listening on 127.0.0.1:{server.get_port()}')
        await asyncio.get_running_loop().create_future()     # serve until interrupted
    server.close()
    await server.wait_closed_async()


GCoro.install()
asyncio.run(main('--demo' in sys.argv,
                 next((int(a.split('=', 1)[1]) for a in sys.argv if a.startswith('--port=')), 9000)))

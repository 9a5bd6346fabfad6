#!/usr/bin/python3
# context_var_server.py: each client's address in a context variable
#
# Seed topic: "context variables". The Python twin of
# examples/context-var-server.c, and the text's asyncio Server as it is,
# after GCoro.install(): the handler stores the client's address in a
# ContextVar; the task it creates to listen for messages sees that
# client's address, no other task does. On glib-coro's loop a
# GCoro.ContextVar follows asyncio tasks the same way, and C code the task
# calls sees it too (docs/bindings.md); nothing in C reads this one, so it
# is Python's own. What it logs is a bytes repr (NUL bytes and all); a
# connection's error is logged with its client, a line too long is
# answered with an error line, and SIGINT or SIGTERM stop it in order
# (exit status 0).
#
# Run: python3 context_var_server.py [--port=9000]   then: nc 127.0.0.1 9000
#      python3 context_var_server.py --demo           (clients in-process)
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import signal
import sys
from contextvars import ContextVar

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro  # noqa: E402

LIMIT = 65536              # asyncio's stream limit: the longest line read
MAX_CONNECTIONS = 1000
IDLE_TIMEOUT = 5 * 60      # seconds: a chat is quiet for a while
GRACE_PERIOD = 10          # seconds the handlers get at shutdown

user_address = ContextVar('user_address')
connections = set()        # the handlers' tasks
ended = asyncio.Semaphore(0)   # released as each handler ends (the demo waits for it)


async def report_error(reader, writer, what, overlong=False):
    # No argument says whose connection this is: the context does.
    print(f'error from {user_address.get()}: {what}')
    if overlong:
        writer.write(f'error: line too long (the limit is {LIMIT} bytes)\n'.encode())
        writer.write_eof()                  # the answer, then EOF
        # Read and drop the rest: closing with unread data resets the connection.
        while await reader.read(65536):
            pass


async def listen_for_messages(reader, writer):
    while True:
        try:
            async with asyncio.timeout(IDLE_TIMEOUT):
                data = await reader.readuntil(b'\n')
        except asyncio.IncompleteReadError as eof:
            data = eof.partial              # the end: a last line without its newline
        except asyncio.LimitOverrunError:
            await report_error(reader, writer, f"No separator within the stream's limit of {LIMIT} bytes",
                               overlong=True)
            break
        except TimeoutError:
            await report_error(reader, writer, f'silent for {IDLE_TIMEOUT} s')
            break
        except OSError as error:            # a reset
            await report_error(reader, writer, error.strerror or error)
            break
        if not data:
            break
        print(f'received {data!r} from {user_address.get()}')


async def client_connected(reader, writer):
    if len(connections) >= MAX_CONNECTIONS:
        writer.close()                      # refused past the limit
        return
    task = asyncio.current_task()
    connections.add(task)
    task.add_done_callback(connections.discard)
    task.add_done_callback(lambda _task: ended.release())
    # This task's context only; the listener gets a copy.
    user_address.set(writer.get_extra_info('peername'))
    try:
        await asyncio.create_task(listen_for_messages(reader, writer))
    finally:
        writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass                                # reset meanwhile: closed all the same


async def stop_in_order(server):
    """Once the server no longer accepts: the handlers get a grace
    period, those left are cancelled."""
    if connections:
        _done, late = await asyncio.wait(connections, timeout=GRACE_PERIOD)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    await server.wait_closed()


async def demo(server):
    port = server.sockets[0].getsockname()[1]

    async def demo_client():
        _reader, writer = await asyncio.open_connection('127.0.0.1', port)
        writer.write(b'Hello!\r\n')
        writer.write(b'Nul\0byte\n')
        writer.write(b'Bye!\r\n')
        writer.close()
        await writer.wait_closed()

    async def overlong_client():
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        writer.write(b'x' * 70000 + b'\n')
        answer = await reader.readline()
        print(f'got {answer!r}')
        writer.close()
        await writer.wait_closed()

    for client in (demo_client, overlong_client):
        await client()
        await ended.acquire()               # the server is done with it too
    server.close()
    await stop_in_order(server)


async def main(demo_mode, port):
    server = await asyncio.start_server(client_connected, '127.0.0.1', 0 if demo_mode else port,
                                        limit=LIMIT)
    if demo_mode:
        await demo(server)
        return
    print(f'listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}')
    serving = asyncio.create_task(server.serve_forever())
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, serving.cancel)
    await asyncio.wait([serving])           # until a signal
    await stop_in_order(server)
    print('stopped: every connection closed')


sys.stdout.reconfigure(line_buffering=True)   # a server's log: a line at a time
port = next((int(a.split('=', 1)[1]) for a in sys.argv if a.startswith('--port=')), 9000)

GCoro.install()
asyncio.run(main('--demo' in sys.argv, port))

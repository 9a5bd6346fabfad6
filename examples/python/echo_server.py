#!/usr/bin/python3
# echo_server.py: the line echo server (the Python twin of echo-server.c)
#
# Seed topic: "other event-loop implementations": the text's uvloop
# example, with GCoro.install() where it calls uvloop.install(). After it,
# asyncio.run() makes a GCoro.EventLoop: plain asyncio, run by glib-coro's
# scheduler on the GMainContext, its sockets on glib-coro's backend (GLib's
# poll, or one epoll descriptor with --backend=epoll, chosen, as uvloop is,
# before the loop exists). The handler reads a line, writes it back,
# drains and closes. Like its C twin it holds at most 1,000 clients, each
# silent for 30 s at most, answers an overlong line with an error line,
# logs every connection's error with its peer, and stops in order on
# SIGINT or SIGTERM: stop accepting, give the handlers a grace period,
# cancel those left, exit status 0.
#
# Run: python3 echo_server.py [--port=9000] [--backend=glib|epoll]
#                                             then: echo hi | nc 127.0.0.1 9000
#      python3 echo_server.py --demo           (in-process clients)
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import signal
import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro  # noqa: E402

LIMIT = 65536              # asyncio's stream limit: the longest line read
MAX_CONNECTIONS = 1000
IDLE_TIMEOUT = 30          # seconds a client may stay silent
GRACE_PERIOD = 10          # seconds the handlers get at shutdown

connections = set()        # the handlers' tasks


async def read_line(reader):
    """reader.readline(), but a line over the limit is an error of its own
    (asyncio.LimitOverrunError) rather than a ValueError."""
    try:
        return await reader.readuntil(b'\n')
    except asyncio.IncompleteReadError as eof:
        return eof.partial                  # the last line, without its newline


async def discard_until_eof(reader):
    # Closing a socket with unread data resets the connection, and the reply with it.
    while await reader.read(65536):
        pass


async def connected(reader, writer):
    if len(connections) >= MAX_CONNECTIONS:
        writer.close()                      # refused, as the C server does past its limit
        return
    task = asyncio.current_task()
    connections.add(task)
    task.add_done_callback(connections.discard)
    peer = '{}:{}'.format(*writer.get_extra_info('peername'))
    try:
        async with asyncio.timeout(IDLE_TIMEOUT):
            try:
                line = await read_line(reader)
            except asyncio.LimitOverrunError:
                # Who, and what went wrong (also below: a timeout, a reset).
                print(f"{peer}: No separator within the stream's limit of {LIMIT} bytes")
                writer.write(f'error: line too long (the limit is {LIMIT} bytes)\n'.encode())
                writer.write_eof()          # the reply, then EOF
                await discard_until_eof(reader)
            else:
                writer.write(line)
                await writer.drain()
    except TimeoutError:
        print(f'{peer}: silent for {IDLE_TIMEOUT} s')
    except OSError as error:                # a reset, a broken pipe
        print(f'{peer}: {error.strerror or error}')
    finally:
        writer.close()                      # also when cancelled at shutdown
    try:
        await writer.wait_closed()
    except OSError:
        pass                                # reset meanwhile: closed all the same


async def stop_in_order(server):
    """After serve_forever() (which closes the listening socket): the
    handlers get a grace period, those left are cancelled."""
    if connections:
        _done, late = await asyncio.wait(connections, timeout=GRACE_PERIOD)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    await server.wait_closed()


async def demo(server):
    port = server.sockets[0].getsockname()[1]
    for data in (b'Hello, echo!\n', b'x' * 70000 + b'\n'):
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        writer.write(data)
        reply = await reader.readline()
        print(f'got {reply!r}')
        writer.close()
        await writer.wait_closed()
        if connections:                     # the server is done with it too
            await asyncio.wait(connections)
    server.close()
    await stop_in_order(server)


async def main(demo_mode, port):
    server = await asyncio.start_server(connected, '127.0.0.1', 0 if demo_mode else port,
                                        limit=LIMIT)
    if demo_mode:
        await demo(server)
        return
    print(f'Start: listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}')
    serving = asyncio.create_task(server.serve_forever())
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, serving.cancel)
    await asyncio.wait([serving])           # until a signal
    await stop_in_order(server)
    print('Stopped: every connection closed')


# The socket backend, chosen before the loop is made (as uvloop.install()).
backend = next((a.split('=', 1)[1] for a in sys.argv if a.startswith('--backend=')), None)
if backend is not None:
    GCoro.set_backend(getattr(GCoro.Backend, backend.upper()))
sys.stdout.reconfigure(line_buffering=True)   # a server's log: a line at a time
port = next((int(a.split('=', 1)[1]) for a in sys.argv if a.startswith('--port=')), 9000)

GCoro.install()
asyncio.run(main('--demo' in sys.argv, port))

#!/usr/bin/python3
# The asyncio line echo server of the benchmark: on asyncio's own loop, on
# uvloop (--uvloop) or on GCoro.EventLoop (--gcoro; the backend from
# GCORO_BACKEND).
# Usage: echo_server_asyncio.py [--uvloop|--gcoro] PORT
# SPDX-License-Identifier: LGPL-2.1-or-later
import asyncio
import sys


async def echo(reader, writer):
    try:
        while line := await reader.readline():
            writer.write(line)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def main(port):
    server = await asyncio.start_server(echo, '127.0.0.1', port, backlog=1024)
    await server.serve_forever()


if '--uvloop' in sys.argv:
    import uvloop
    uvloop.install()
elif '--gcoro' in sys.argv:
    import gi
    gi.require_version('GCoro', '1.0')
    from gi.repository import GCoro
    GCoro.install()
asyncio.run(main(int(sys.argv[-1])))

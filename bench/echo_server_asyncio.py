#!/usr/bin/python3
# The asyncio (or, with --uvloop, uvloop) line echo server of the benchmark.
# Usage: echo_server_asyncio.py [--uvloop] PORT
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
asyncio.run(main(int(sys.argv[-1])))

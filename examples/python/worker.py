#!/usr/bin/python3
# worker.py: a long computation on a worker thread, the main loop stays live
#
# Seed topic: "schedulers on other contexts" (issue 8). The Python twin of
# examples/worker.c: the primes below a limit are counted by a coroutine
# on a GCoro.Worker (a thread with its own context and scheduler), which
# reports each quarter through a promise; the main thread, plain asyncio
# on glib-coro's loop, draws "frames" meanwhile and prints the progress,
# awaiting the worker's futures as it would asyncio's. The worker's
# coroutine is a GCoro task (GCoro.yield_() is its asyncio.sleep(0)): the
# worker thread runs glib-coro's scheduler, not an asyncio loop. Python
# code on the worker takes turns with the main thread's through the GIL,
# so the frames keep coming, but the counting is no faster than on the
# main thread: see docs/workers.md.
# There is no GJS twin: GJS runs JavaScript on its main thread only.
#
# Run: python3 worker.py [--limit=N]
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro  # noqa: E402

QUARTERS = 4
LIMIT = 3000000
for arg in sys.argv[1:]:
    if arg.startswith('--limit='):
        LIMIT = int(arg.split('=', 1)[1])


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


async def count_primes(progress):
    """Runs on the worker thread, as a task of the worker's scheduler."""
    count = 0
    for q in range(QUARTERS):
        for n in range(LIMIT * q // QUARTERS, LIMIT * (q + 1) // QUARTERS):
            count += is_prime(n)
            if n % 65536 == 0:
                await GCoro.yield_()        # a cancellation point now and then
        progress[q].resolve_int64(count)    # to the main thread
    return count


async def draw_frames(frames):
    """The UI: a frame every 16 ms, for as long as the main loop is free."""
    while True:
        await asyncio.sleep(0.016)
        frames[0] += 1


async def main(worker):
    progress = [GCoro.Promise.new() for _ in range(QUARTERS)]
    frames = [0]
    ui = asyncio.create_task(draw_frames(frames))
    print(f"main: counting the primes below {LIMIT} on worker '{worker.get_name()}'")
    total = worker.spawn(count_primes(progress))     # a GCoro.Future

    # Each await lets the main loop run: frames keep coming meanwhile.
    for q in range(QUARTERS):
        so_far = await progress[q]
        print(f'ui: {100 * (q + 1) // QUARTERS:3d}% done, {so_far} primes so far')
    print(f'main: {await total} primes below {LIMIT}')

    ui.cancel()
    await asyncio.wait([ui])
    print(f'(the UI drew {frames[0]} frames while the worker counted)', file=sys.stderr)


worker = GCoro.Worker.new('primes')
GCoro.install()
asyncio.run(main(worker))
worker.stop()                               # its tasks are over; the thread exits
print('main: worker stopped')

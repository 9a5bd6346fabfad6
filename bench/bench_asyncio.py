#!/usr/bin/python3
# Per-operation costs of an asyncio event loop: asyncio's own, uvloop's or
# GCoro.EventLoop (on the backend GCORO_BACKEND names).
#
# Usage: bench_asyncio.py asyncio|uvloop|gcoro [N] [REPEATS]
# Prints one line per operation: its name and the median over REPEATS runs
# of the time per operation in µs (each run does N operations).
# bench/run-asyncio.sh runs it for every loop, in turns, and prints the table.
# SPDX-License-Identifier: LGPL-2.1-or-later
import asyncio
import statistics
import sys
import time


def call_soon_chain(loop, n):
    """A callback that schedules the next: the round trip of call_soon()."""
    left = [n]

    def step():
        left[0] -= 1
        if left[0]:
            loop.call_soon(step)
        else:
            loop.stop()
    loop.call_soon(step)
    start = time.perf_counter()
    loop.run_forever()
    return time.perf_counter() - start


def run_coro(loop, coro_fn, n):
    start = time.perf_counter()
    loop.run_until_complete(coro_fn(n))
    return time.perf_counter() - start


async def sleep0(n):
    for _ in range(n):
        await asyncio.sleep(0)


async def nothing():
    pass


async def create_task_await(n):
    create_task = asyncio.get_running_loop().create_task
    for _ in range(n):
        await create_task(nothing())


async def await_future(n):
    loop = asyncio.get_running_loop()
    for _ in range(n):
        fut = loop.create_future()
        loop.call_soon(fut.set_result, 1)
        await fut


def operations(kind):
    ops = [
        ('call_soon round trip', lambda loop, n: call_soon_chain(loop, n)),
        ('asyncio.sleep(0)', lambda loop, n: run_coro(loop, sleep0, n)),
        ('create_task + await', lambda loop, n: run_coro(loop, create_task_await, n)),
        ('await asyncio future', lambda loop, n: run_coro(loop, await_future, n)),
    ]
    if kind == 'gcoro':
        from gi.repository import GCoro

        async def await_gcoro_future(n):
            # Resolved by C (gcoro_promise_resolve_int64()), from a callback.
            call_soon = asyncio.get_running_loop().call_soon
            for _ in range(n):
                p = GCoro.Promise.new()
                call_soon(p.resolve_int64, 1)
                await p

        async def await_gcoro_future_made(n):
            # The same, the promises made beforehand: the cost of the await
            # alone (what awaiting a future that C code made costs).
            call_soon = asyncio.get_running_loop().call_soon
            promises = [GCoro.Promise.new() for _ in range(n)]
            start = time.perf_counter()
            for p in promises:
                call_soon(p.resolve_int64, 1)
                await p
            return time.perf_counter() - start

        async def await_gcoro_yield(n):
            for _ in range(n):
                await GCoro.yield_()
        ops += [
            ('await GCoro future (C)', lambda loop, n: run_coro(loop, await_gcoro_future, n)),
            ('  of which the await', lambda loop, n: loop.run_until_complete(await_gcoro_future_made(n))),
            ('await GCoro.yield_()', lambda loop, n: run_coro(loop, await_gcoro_yield, n)),
        ]
    return ops


def make_loop(kind):
    if kind == 'uvloop':
        import uvloop
        return uvloop.new_event_loop()
    if kind == 'gcoro':
        import gi
        gi.require_version('GCoro', '1.0')
        from gi.repository import GCoro
        return GCoro.EventLoop()
    return asyncio.SelectorEventLoop()


def main():
    kind = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    loop = make_loop(kind)
    asyncio.set_event_loop(loop)
    for name, op in operations(kind):
        op(loop, n // 10)      # warm-up
        times = [op(loop, n) / n * 1e6 for _ in range(repeats)]
        print(f'{name}\t{statistics.median(times):.3f}')
    loop.close()


if __name__ == '__main__':
    main()

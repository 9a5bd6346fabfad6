#!/usr/bin/python3
# cancellation.py: what cancelling a task releases
#
# Seed topic: tasks and their cancellation (asyncio's Task.cancel(),
# Semaphore, Queue, TaskGroup, wait_for()).
# The Python twin of examples/cancellation.c, in asyncio on glib-coro's
# loop. The semaphore, queue and task group are glib-coro's, which C code
# can share; cancelling an asyncio task that waits on one raises
# CancelledError at its await and takes back what the wait would have
# given (no permit, no item). A task that wants glib-coro's own
# cancellation, level-triggered with shields as C tasks have it, is run
# with GCoro.spawn() (scene 3).
#
# Run: python3 cancellation.py
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio

import gi

gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib  # noqa: E402

TIMEOUT_MS = 10


async def until(cond):
    """Waits (giving the loop a turn at a time) until cond() holds."""
    while not cond():
        await asyncio.sleep(0)


# --- 1. fetch many, at most two at a time ---------------------------------------

async def fetch_many():
    print('-- fetch many, two at a time, cancelled after two results')
    permits = GCoro.Semaphore.new(2)
    results = GCoro.Queue.new(0)
    replies = [GCoro.Promise.new() for _ in range(5)]   # the "network"
    started = 0

    async def fetcher(n):
        nonlocal started
        try:
            await permits.acquire_async()
        except asyncio.CancelledError:
            print(f'fetcher {n}: cancelled before it got a permit')
            raise
        print(f'fetcher {n}: fetching')
        started += 1
        try:
            await replies[n]
            results.put_nowait(n * 100)
        except asyncio.CancelledError:
            print(f'fetcher {n}: cancelled while fetching')
            raise
        finally:
            permits.release()

    # A glib-coro task group, with asyncio tasks in it: C code could add
    # its own, and cancel() stops them all, from outside the group.
    group = GCoro.TaskGroup()
    for i in range(5):
        group.create_task(fetcher(i))
    # The replies arrive one by one, each once two fetchers are at work;
    # after two results, enough.
    for i in range(2):
        await until(lambda: started >= i + 2)
        replies[i].resolve(None)
        await until(lambda: results.get_length() > i)
    await until(lambda: started >= 4)
    group.cancel()
    try:
        await group.wait_async()            # until every member has ended
        print('the group ended: ok')
    except GLib.Error as error:
        print(f'the group ended: {error.message}')
    print(f'results: {results.get_length()}, permits back: {permits.get_value()} of 2')


# --- 2. a cancelled getter takes nothing -----------------------------------------

async def queue_scene():
    print('-- a getter cancelled while it waits')
    queue = GCoro.Queue.new(0)
    waiting = 0

    async def getter(name):
        nonlocal waiting
        waiting += 1
        try:
            item = await queue.get()
            print(f"{name} got '{item}'")
        except asyncio.CancelledError:
            print(f"{name}: Task '{asyncio.current_task().get_name()}' was cancelled")
            raise

    first = asyncio.create_task(getter('first getter'), name='first getter')
    await until(lambda: waiting >= 1)
    first.cancel()
    await asyncio.wait([first])             # it ends cancelled

    second = asyncio.create_task(getter('second getter'), name='second getter')
    queue.put_nowait('the only item')
    await second


# --- 3. goodbye from a cancelled task ---------------------------------------------

async def await_works(future):
    """Whether awaiting future succeeds (a cancelled GCoro task's awaits
    fail)."""
    try:
        await future
        return True
    except (GLib.Error, asyncio.CancelledError):
        return False


async def shield_scene():
    print('-- cleanup after cancellation')
    never = GCoro.Promise.new()

    # An asyncio task may await again once it has caught its CancelledError.
    # A GCoro task may not: once cancelled, its every await fails, except in
    # a shield, so cleanup cannot wait on something that never comes by
    # accident. GCoro.spawn() runs a coroutine as such a task.
    async def polite():
        try:
            await never
            return
        except GLib.Error:
            pass
        fails = not await await_works(GCoro.yield_())
        print(f"polite: cancelled; an await now fails: {'yes' if fails else 'no'}")
        with GCoro.shielded():
            works = await await_works(GCoro.yield_())
            print(f"polite: in a shield, an await works: {'yes' if works else 'no'}")
            print('polite: goodbye sent')

    task = GCoro.spawn(polite())
    await asyncio.sleep(0)
    task.cancel()
    await await_works(task)
    cancelled = task.get_state() == GCoro.FutureState.CANCELLED
    print(f"polite ended {'cancelled' if cancelled else '?'}")


# --- 4. a timeout waits for the work to stop ---------------------------------------

async def timeout_scene():
    print('-- a timeout')
    stopped = False

    async def slow():
        nonlocal stopped
        try:
            await GCoro.Promise.new()       # never settled
        except asyncio.CancelledError:
            await asyncio.sleep(0)          # cleanup that takes a moment
            stopped = True
            raise

    task = asyncio.create_task(slow())
    try:
        async with asyncio.timeout(TIMEOUT_MS / 1000):
            await task                      # cancelled on expiry, and waited for
    except TimeoutError:
        print(f"Timed out after {TIMEOUT_MS} ms; the slow task had stopped by then: "
              f"{'yes' if stopped else 'no'}")


async def main():
    await fetch_many()
    await queue_scene()
    await shield_scene()
    await timeout_scene()


GCoro.install()
asyncio.run(main())

# cancellation.py: what cancelling a task releases
#
# Seed topic: tasks and their cancellation (asyncio's Task.cancel(),
# Semaphore, Queue, TaskGroup, wait_for()).
# The Python twin of examples/cancellation.c: a wait started with
# GCoro.future_of() inside a task is cancelled with the task.
#
# Run: python3 cancellation.py
# SPDX-License-Identifier: LGPL-2.1-or-later

import gi

gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib  # noqa: E402


async def until(cond):
    """Waits (yielding to the loop) until cond() holds."""
    while not cond():
        await GCoro.yield_()


async def await_works(future):
    """Whether awaiting future succeeds (a cancelled task's awaits fail)."""
    try:
        await future
        return True
    except GLib.Error:
        return False


# --- 1. fetch many, at most two at a time ---------------------------------------

async def fetch_many():
    print('-- fetch many, two at a time, cancelled after two results')
    permits = GCoro.Semaphore.new(2)
    results = GCoro.Queue.new(0)
    replies = [GCoro.Promise.new() for _ in range(5)]   # the "network"
    group = GCoro.TaskGroup.new()
    started = 0

    async def fetcher(n):
        nonlocal started
        try:
            await GCoro.future_of(permits.acquire_async, permits.acquire_finish)
        except GLib.Error:
            print(f'fetcher {n}: cancelled before it got a permit')
            return
        print(f'fetcher {n}: fetching')
        started += 1
        try:
            await replies[n]
            results.try_put(n * 100)
        except GLib.Error:
            print(f'fetcher {n}: cancelled while fetching')
        finally:
            permits.release()

    for i in range(5):
        group.add(GCoro.spawn(fetcher(i)))
    # The replies arrive one by one, each once two fetchers are at work;
    # after two results, enough.
    for i in range(2):
        await until(lambda: started >= i + 2)
        replies[i].resolve(None)
        await until(lambda: results.get_length() > i)
    await until(lambda: started >= 4)
    group.cancel()
    try:
        await GCoro.future_of(group.wait_async, group.wait_finish)
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
            _ok, item = await GCoro.future_of(queue.get_async, queue.get_finish)
            print(f"{name} got '{item}'")
        except GLib.Error as error:
            print(f'{name}: {error.message}')

    first = GCoro.spawn(getter('first getter'), name='first getter')
    await until(lambda: waiting >= 1)
    first.cancel()
    await await_works(first)      # it ends cancelled

    second = GCoro.spawn(getter('second getter'), name='second getter')
    queue.try_put('the only item')
    await second


# --- 3. goodbye from a cancelled task ---------------------------------------------

async def shield_scene():
    print('-- cleanup after cancellation')
    never = GCoro.Promise.new()

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
    await GCoro.yield_()
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
            await GCoro.Promise.new()
            return
        except GLib.Error:
            pass
        with GCoro.shielded():
            await GCoro.yield_()       # cleanup that takes a moment
            stopped = True

    task = GCoro.spawn(slow())
    try:
        await GCoro.future_with_timeout(task, 10)
    except GLib.Error as error:
        print(f"{error.message}; the slow task had stopped by then: {'yes' if stopped else 'no'}")


async def main():
    await fetch_many()
    await queue_scene()
    await shield_scene()
    await timeout_scene()


GCoro.run(main())

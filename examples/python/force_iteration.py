#!/usr/bin/python3
# force_iteration.py: letting new tasks start at once with asyncio.sleep(0)
#
# Seed topic: "forcing an iteration of the event loop" (asyncio.sleep(0)).
# The Python twin of examples/force-iteration.c, in plain asyncio on
# glib-coro's loop: creating a task only queues it; awaiting
# asyncio.sleep(0) gives the loop an iteration (the scheduler's yield, as
# gcoro_yield() in C), so each task starts before the creator goes on.
#
# Run: python3 force_iteration.py [--unit=MSEC]
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro  # noqa: E402

UNIT = 1000
for arg in sys.argv[1:]:
    if arg.startswith('--unit='):
        UNIT = int(arg.split('=', 1)[1])


async def delay(seconds):
    print(f'sleeping for {seconds} second(s)')
    await asyncio.sleep(seconds * UNIT / 1000)
    print(f'finished sleeping for {seconds} second(s)')
    return seconds


async def wait_both(task1, task2):
    print('awaiting the tasks')
    await task1
    await task2


async def create_tasks_no_yield():
    task1 = asyncio.create_task(delay(1))
    task2 = asyncio.create_task(delay(2))
    await wait_both(task1, task2)


async def create_tasks_yield():
    task1 = asyncio.create_task(delay(1))
    await asyncio.sleep(0)        # task1 starts now
    task2 = asyncio.create_task(delay(2))
    await asyncio.sleep(0)        # and task2
    await wait_both(task1, task2)


async def main():
    print('--- without gcoro_yield() ---')
    await create_tasks_no_yield()
    print('--- with gcoro_yield() ---')
    await create_tasks_yield()


GCoro.install()
asyncio.run(main())

#!/usr/bin/python3
# force_iteration.py: letting new tasks start at once with GCoro.yield_()
#
# Seed topic: "forcing an iteration of the event loop" (asyncio.sleep(0)).
# The Python twin of examples/force-iteration.c: spawning only queues a
# task; awaiting GCoro.yield_() gives the loop an iteration, so each task
# starts before the spawner goes on.
#
# Run: python3 force_iteration.py [--unit=MSEC]
# SPDX-License-Identifier: LGPL-2.1-or-later

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
    await GCoro.sleep(seconds * UNIT)
    print(f'finished sleeping for {seconds} second(s)')
    return seconds


async def wait_both(task1, task2):
    print('awaiting the tasks')
    await task1
    await task2


async def create_tasks_no_yield():
    task1 = GCoro.spawn(delay(1))
    task2 = GCoro.spawn(delay(2))
    await wait_both(task1, task2)


async def create_tasks_yield():
    task1 = GCoro.spawn(delay(1))
    await GCoro.yield_()          # task1 starts now
    task2 = GCoro.spawn(delay(2))
    await GCoro.yield_()          # and task2
    await wait_both(task1, task2)


async def main():
    print('--- without gcoro_yield() ---')
    await create_tasks_no_yield()
    print('--- with gcoro_yield() ---')
    await create_tasks_yield()


GCoro.run(main())

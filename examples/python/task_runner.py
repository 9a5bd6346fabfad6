#!/usr/bin/python3
# task_runner.py: one runner for coroutines and plain functions alike
#
# Seed topic: "APIs that accept both coroutines and plain functions". The
# Python twin of examples/task-runner.c: the runner (a GCoro.TaskRunner,
# which C code could fill too) waits for asyncio coroutines, handed to it
# as GCoro tasks, and runs the plain function "soon" on the loop, after the
# coroutines took their first step.
#
# Run: python3 task_runner.py [--unit=MSEC]
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


async def coroutine_function():
    print('Coroutine running, going to sleep!')
    await asyncio.sleep(UNIT / 1000)
    print('Woke up')


def regular_function():
    print('Hello from the regular function!')


async def main():
    runner = GCoro.TaskRunner.new()
    runner.add_future(GCoro.from_asyncio(coroutine_function()))
    runner.add_future(GCoro.from_asyncio(asyncio.create_task(coroutine_function())))
    runner.add_callback(regular_function)                  # a plain function
    await runner.run_async()


GCoro.install()
asyncio.run(main())

#!/usr/bin/python3
# three_styles.py: one glib-coro operation, called three ways from Python
#
# Seed topic: "APIs that accept both coroutines and plain functions". The
# C example writes an operation once and exposes it three ways; a binding
# cannot write such an operation, but calls them. Here the operation is
# glib-coro's own task runner, whose run exists as a future (for
# coroutines), as run_async()/run_finish() (callbacks) and as run_sync()
# (plain blocking code). Its one item counts the lines of a file.
#
# Run: python3 three_styles.py FILE
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib  # noqa: E402

path = sys.argv[1]


def counting_runner(results):
    def count_lines():
        with open(path, encoding='utf-8') as f:
            results.append(sum(1 for _ in f))
    runner = GCoro.TaskRunner.new()
    runner.add_callback(count_lines)
    return runner


# 1. From a coroutine (asyncio, on glib-coro's loop): await the run's future.
async def coroutine_caller():
    results = []
    await counting_runner(results).run()
    print(f'coroutine: {results[0]} lines')

GCoro.install()
asyncio.run(coroutine_caller())

# 2. From callback code: run_async() / run_finish().
loop = GLib.MainLoop()
results = []
runner = counting_runner(results)


def done(source, result):
    source.run_finish(result)
    print(f'callback: {results[0]} lines')
    loop.quit()


runner.run_async(None, done)
loop.run()

# 3. From plain blocking code: run_sync() (a private context; the caller's
#    loop is left alone).
results = []
counting_runner(results).run_sync(None)
print(f'blocking: {results[0]} lines')

#!/usr/bin/python3
# mini_loop.py: an event loop of your own, from poll() and custom awaitables
#
# Seed topic: "building your own event loop from custom awaitables". The
# Python twin of examples/mini-loop.c: coroutines are generators (made
# GCoro.Generators) that yield what they wait for, a MiniWait; the loop
# keeps a ready queue, polls for fds and the earliest deadline, and resumes
# whoever's wait is over with next(). MiniWait also implements
# GCoro.Awaitable, so an ordinary asyncio task on glib-coro's loop
# (GCoro.install()) can await it too, as C tasks can: that last line is
# where this transcript differs from the C one (python/mini-loop.expected).
#
# Run: python3 mini_loop.py [--unit=MSEC]   (one tick lasts MSEC ms, default 5)
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import os
import select
import sys

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, GObject  # noqa: E402

UNIT = 5
for arg in sys.argv[1:]:
    if arg.startswith('--unit='):
        UNIT = int(arg.split('=', 1)[1])


class MiniWait(GObject.Object, GCoro.Awaitable):
    def __init__(self, fd=-1, ticks=0):
        super().__init__()
        self.fd = fd
        self.deadline = GLib.get_monotonic_time() + ticks * UNIT * 1000
        self.coro = None

    def do_get_future(self):       # for `await`: the GLib main loop settles it
        promise = GCoro.Promise.new()
        delay = max(0, self.deadline - GLib.get_monotonic_time()) // 1000
        GLib.timeout_add(delay, lambda: promise.resolve(None) and False)
        return promise


def mini_loop_run(ready):
    waiting = []
    while True:
        for coro in ready:                    # run until it waits again (or returns)
            for wait in coro:
                wait.coro = coro
                waiting.append(wait)
                break
        ready = []
        if not waiting:
            return
        waiting.sort(key=lambda w: (w.fd < 0, w.deadline))   # fd waits first, then deadlines
        poller = select.poll()
        timeout = None
        now = GLib.get_monotonic_time()
        for w in waiting:
            if w.fd >= 0:
                poller.register(w.fd, select.POLLIN)
            elif timeout is None:
                timeout = max(0, (w.deadline - now + 999) // 1000)
        readable = {fd for fd, _ in poller.poll(timeout)}
        now = GLib.get_monotonic_time()
        over = [w for w in waiting if (w.fd in readable if w.fd >= 0 else w.deadline <= now)]
        waiting = [w for w in waiting if w not in over]
        ready = [w.coro for w in over]


pipe_r, pipe_w = os.pipe()


def countdown(name, count, ticks):
    for i in range(count, 0, -1):
        print(f'{name}: {i}')
        yield MiniWait(ticks=ticks)
    print(f'{name}: done')


def writer():
    yield MiniWait(ticks=7)
    print('writer: writing')
    os.write(pipe_w, b'hello')


def reader():
    print('reader: waiting for the pipe')
    yield MiniWait(fd=pipe_r)
    print(f"reader: got '{os.read(pipe_r, 15).decode()}'")


# In ticks: A prints at 0, 4, 8 and ends at 12; B at 0, 5 and ends at 10;
# the writer writes at 7 and the reader wakes up right after.
mini_loop_run([GCoro.generator(countdown('A', 3, 4)), GCoro.generator(countdown('B', 2, 5)),
               GCoro.generator(writer()), GCoro.generator(reader())])
print('mini loop: all coroutines finished')


async def task():
    await MiniWait(ticks=2)
    print('an asyncio task awaited a MiniWait too')


GCoro.install()
asyncio.run(task())
os.close(pipe_r)
os.close(pipe_w)

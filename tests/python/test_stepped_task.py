#!/usr/bin/python3
# Stepped tasks from Python: a Python coroutine (async def) driven as a
# glib-coro task, one step per awaited future, on the main stack. This is
# the mechanism the GCoro Python override builds its spawn() on.
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, GObject, Gio  # noqa: E402

from gcorotest import settle  # noqa: E402


class Awaitable:
    """Makes a GCoro.Future awaitable from an async def."""

    def __init__(self, future):
        self.future = future

    def __await__(self):
        return (yield self.future)


def spawn(coro, name=None):
    """Drives @coro as a stepped task: each await yields a future; the
    next step sends its value, or throws its error, into the coroutine."""

    def step(task, completed, _data):
        try:
            if completed is None:
                future = coro.send(None)
            else:
                try:
                    ok, value = completed.get_value()
                except GLib.Error as e:
                    future = coro.throw(e)
                else:
                    future = coro.send(value)
        except StopIteration as stop:
            if stop.value is not None:
                v = GObject.Value(GObject.TYPE_PYOBJECT if not isinstance(stop.value, (int, str)) else
                                  (GObject.TYPE_INT64 if isinstance(stop.value, int) else GObject.TYPE_STRING))
                v.set_value(stop.value)
                task.return_value(v)
            return None
        except GLib.Error as e:
            task.return_error(e)
            return None
        return future

    return GCoro.spawn_stepped(name, step, None)


class SteppedTaskTest(unittest.TestCase):
    def test_async_def_runs_as_a_task(self):
        log = []

        async def main():
            log.append('start')
            a = GCoro.Promise.new()
            GLib.idle_add(lambda: a.resolve_int64(40) and False)
            value = await Awaitable(a)
            log.append(value)
            b = GCoro.Promise.new()
            b.resolve_int64(2)
            return value + await Awaitable(b)

        task = spawn(main(), 'main')
        self.assertEqual(log, [])              # starts at the next dispatch
        self.assertTrue(GCoro.run_until_complete(task))
        self.assertEqual(log, ['start', 40])
        self.assertEqual(task.get_value(), (True, 42))
        self.assertEqual(task.get_name(), 'main')

    def test_errors_and_cancellation_reach_the_coroutine(self):
        seen = []

        async def waits_forever():
            try:
                await Awaitable(GCoro.Promise.new())
            except GLib.Error as e:
                seen.append((e.domain, e.code))
                raise

        task = spawn(waits_forever())
        settle()
        task.cancel()
        with self.assertRaises(GLib.Error) as cm:
            GCoro.run_until_complete(task)
        self.assertEqual(cm.exception.code, Gio.IOErrorEnum.CANCELLED)
        self.assertEqual(seen, [('g-io-error-quark', Gio.IOErrorEnum.CANCELLED)])
        self.assertEqual(task.get_state(), GCoro.FutureState.CANCELLED)

    def test_context_variables_follow_the_coroutine(self):
        var = GCoro.ContextVar.new('request')
        ctx = GCoro.Context.new()
        result = []

        def in_ctx():
            var.set_string('outer')

            async def child():
                result.append(var.get_or(None))
                var.set_string('child')
                later = GCoro.Promise.new()
                GLib.idle_add(lambda: later.resolve(None) and False)
                await Awaitable(later)
                result.append(var.get_or(None))
            t = spawn(child())
            result.append('spawned')
            result.append(t)
        ctx.run(in_ctx)
        task = result.pop()
        self.assertTrue(GCoro.run_until_complete(task))
        self.assertEqual(result, ['spawned', 'outer', 'child'])
        self.assertEqual(ctx.lookup(var), (True, 'outer'))


if __name__ == '__main__':
    unittest.main()

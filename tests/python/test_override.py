#!/usr/bin/python3
# The Python override: async def coroutines as GCoro tasks.
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, Gio  # noqa: E402

from gcorotest import settle  # noqa: E402


class OverrideTest(unittest.TestCase):
    def test_await_futures_and_run(self):
        async def main():
            await GCoro.sleep(1)
            await GCoro.yield_()
            await GCoro.idle_yield()
            p = GCoro.Promise.new()
            GLib.idle_add(lambda: p.resolve_int64(41) and False)
            return await p + 1

        self.assertEqual(GCoro.run(main()), 42)

    def test_tasks_are_awaitable(self):
        async def child(n):
            await GCoro.yield_()
            return n * 2

        async def parent():
            tasks = [GCoro.spawn(child(i)) for i in range(5)]
            await GCoro.all(tasks, GCoro.AllFlags.DEFAULT)
            return sum([t.get_value()[1] for t in tasks])

        self.assertEqual(GCoro.run(parent()), 20)

    def test_generator_based_coroutine(self):
        def gen():
            p = GCoro.Promise.new()
            p.resolve_string('from a generator')
            value = yield from p
            return value

        self.assertEqual(GCoro.run(gen()), 'from a generator')

    def test_errors_surface_as_glib_error(self):
        async def fails():
            p = GCoro.Promise.new()
            p.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND, 'gone')
            await p

        with self.assertRaises(GLib.Error) as cm:
            GCoro.run(fails())
        self.assertEqual((cm.exception.domain, cm.exception.code),
                         ('g-io-error-quark', Gio.IOErrorEnum.NOT_FOUND))

        async def raises():
            raise ValueError('boom')

        # A Python exception: GCoro.run() raises it (like asyncio.run()), C
        # sees a GCORO_ERROR_FAILED that names it.
        with self.assertRaises(ValueError):
            GCoro.run(raises())
        task = GCoro.spawn(raises())
        with self.assertRaises(GLib.Error) as cm:
            GCoro.run_until_complete(task)
        self.assertEqual(cm.exception.code, GCoro.Error.FAILED)
        self.assertTrue(cm.exception.message.startswith('ValueError: boom'))

    def test_cancellation_raises_at_the_await(self):
        seen = []

        async def waits():
            try:
                await GCoro.sleep(60000)
            except GLib.Error as e:
                seen.append(e.code)
                raise

        task = GCoro.spawn(waits(), name='waiter')
        settle()
        task.cancel()
        with self.assertRaises(GLib.Error):
            GCoro.run_until_complete(task)
        self.assertEqual(seen, [Gio.IOErrorEnum.CANCELLED])
        self.assertEqual(task.get_state(), GCoro.FutureState.CANCELLED)

    def test_context_variables_follow_the_task(self):
        var = GCoro.ContextVar.new('peer')

        async def handler(peer):
            var.set_string(peer)
            await GCoro.sleep(1)
            return var.get_or(None)

        async def server():
            tasks = [GCoro.spawn(handler(p)) for p in ('a', 'b', 'c')]
            await GCoro.all(tasks, GCoro.AllFlags.DEFAULT)
            return [t.get_value()[1] for t in tasks]

        self.assertEqual(GCoro.run(server()), ['a', 'b', 'c'])

    def test_awaiting_something_else_is_an_error(self):
        class NotAFuture:
            def __await__(self):
                yield 'nope'

        async def confused():
            await NotAFuture()

        with self.assertRaises(GLib.Error) as cm:
            GCoro.run(confused())
        self.assertIn('can only await GCoro futures', cm.exception.message)


if __name__ == '__main__':
    unittest.main()

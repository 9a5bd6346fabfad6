#!/usr/bin/python3
# Generators and awaitables from Python: GCoro.Generator as an iterator and
# async iterator, Python (async) generators as GCoro.Generators, `await`
# on any GCoro.Awaitable.
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc
import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, GObject, Gio  # noqa: E402


class Ticket(GObject.Object, GCoro.Awaitable):
    """A user-defined awaitable, implemented in Python."""

    def __init__(self):
        super().__init__()
        self.promise = GCoro.Promise.new()

    def do_get_future(self):
        return self.promise


class GeneratorTest(unittest.TestCase):
    def test_lazy_iterator(self):
        produced = []

        def numbers():
            for i in range(5):
                produced.append(i)
                yield i

        gen = GCoro.generator(numbers, name='numbers')
        self.assertEqual(gen.get_name(), 'numbers')
        self.assertEqual(produced, [])
        self.assertEqual(next(gen), 0)
        self.assertEqual(produced, [0])
        self.assertEqual(list(gen), [1, 2, 3, 4])
        self.assertTrue(gen.is_finished())
        self.assertEqual(gen.next(), (False, None))

    def test_pipeline_of_generators(self):
        source = GCoro.generator(range(1000))
        squares = GCoro.generator(x * x for x in source)
        odd = GCoro.generator(x for x in squares if x % 2)
        self.assertEqual(sum(odd), sum(x * x for x in range(1, 1000, 2)))

    def test_abandoned_generator_runs_cleanup(self):
        log = []

        def body():
            try:
                for i in range(100):
                    yield i
            finally:
                log.append('cleanup')

        gen = GCoro.generator(body)
        self.assertEqual([next(gen), next(gen)], [0, 1])
        del gen
        gc.collect()
        self.assertEqual(log, ['cleanup'])

        gen = GCoro.generator(body)
        next(gen)
        self.assertTrue(gen.close())
        self.assertEqual(log, ['cleanup', 'cleanup'])
        self.assertEqual(list(gen), [])

    def test_errors_reach_the_consumer(self):
        def body():
            yield 1
            raise ValueError('bad item')

        gen = GCoro.generator(body)
        self.assertEqual(next(gen), 1)
        with self.assertRaises(GLib.Error) as cm:
            next(gen)
        self.assertIn('ValueError: bad item', cm.exception.message)
        self.assertEqual(list(gen), [])

    def test_async_generator(self):
        async def ticks():
            for i in range(3):
                await GCoro.sleep(1)
                yield i * 10

        async def main():
            return [v async for v in GCoro.generator(ticks())]

        self.assertEqual(GCoro.run(main()), [0, 10, 20])

    def test_async_body_cannot_be_iterated_synchronously(self):
        async def waits():
            await GCoro.Promise.new()
            yield 1

        gen = GCoro.generator(waits())
        with self.assertRaises(GLib.Error) as cm:
            next(gen)
        self.assertTrue(cm.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.WOULD_BLOCK))

    def test_async_errors_and_exhaustion(self):
        async def body():
            yield 'a'
            raise GLib.Error.new_literal(Gio.io_error_quark(), 'broken', Gio.IOErrorEnum.BROKEN_PIPE)

        async def main():
            gen = GCoro.generator(body())
            got = [await gen.next_future()]
            try:
                await gen.next_future()
            except GLib.Error as e:
                got.append(e.code)
            try:
                await gen.next_future()
            except GLib.Error as e:
                got.append('exhausted' if e.matches(GCoro.error_quark(), GCoro.Error.EXHAUSTED) else e)
            return got

        self.assertEqual(GCoro.run(main()), ['a', Gio.IOErrorEnum.BROKEN_PIPE, 'exhausted'])


class AwaitableTest(unittest.TestCase):
    def test_await_any_awaitable(self):
        async def main():
            event = GCoro.Event.new()
            GLib.idle_add(lambda: event.set() and False)
            await event
            cancellable = Gio.Cancellable.new()
            GLib.idle_add(lambda: cancellable.cancel() and False)
            await GCoro.CancellableAwaitable.new(cancellable)
            ticket = Ticket()
            GLib.idle_add(lambda: ticket.promise.resolve_string('admitted') and False)
            return await ticket

        self.assertEqual(GCoro.run(main()), 'admitted')

    def test_generator_based_coroutine_yields_an_awaitable(self):
        def main():
            ticket = Ticket()
            ticket.promise.resolve_int64(5)
            value = yield ticket
            return value * 2

        self.assertEqual(GCoro.run(main()), 10)


if __name__ == '__main__':
    unittest.main()

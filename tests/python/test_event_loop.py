#!/usr/bin/python3
# GCoro.EventLoop: asyncio on the scheduler, driven by asyncio or by GLib.
# (CPython's own suites run against it in cpython_asyncio.py; these are the
# behaviours they cannot see: the GMainContext around the loop.)
# SPDX-License-Identifier: LGPL-2.1-or-later

import asyncio
import gc
import os
import resource
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, GObject, Gio  # noqa: E402

SAFETY_MS = 10000


def guard_main_loop(ml):
    """Quits ml if a test hangs; returns a function that reports whether
    it had to."""
    fired = []

    def expire():
        fired.append(True)
        ml.quit()
        return False
    source = GLib.timeout_add(SAFETY_MS, expire)

    def check():
        if not fired:
            GLib.source_remove(source)
        return bool(fired)
    return check


class _OnEventLoopTest(unittest.TestCase):
    """A test with a GCoro.EventLoop of its own (closed after it)."""

    def setUp(self):
        self.loop = GCoro.EventLoop()
        self.addCleanup(self.loop.close)

    def run_main(self, coro):
        return self.loop.run_until_complete(coro)


class AsyncioDrivesTest(_OnEventLoopTest):
    """asyncio.run() / run_until_complete() iterate the GMainContext."""

    def test_a_complete_asyncio_loop(self):
        self.assertIsInstance(self.loop, asyncio.AbstractEventLoop)
        self.assertIsInstance(self.loop, asyncio.SelectorEventLoop)
        self.assertEqual(self.loop.get_context(), GLib.MainContext.default())

        async def main():
            self.assertIs(asyncio.get_running_loop(), self.loop)
            await asyncio.sleep(0.01)
            return 42
        self.assertEqual(self.loop.run_until_complete(main()), 42)
        self.assertFalse(self.loop.is_running())

    def test_glib_sources_run_meanwhile(self):
        log = []

        def tick():
            log.append('glib')
            return log.count('glib') < 3
        GLib.timeout_add(1, tick)

        async def main():
            fut = self.loop.create_future()
            GLib.idle_add(lambda: fut.set_result('from an idle') and False)
            log.append(await fut)
            while log.count('glib') < 3:
                await asyncio.sleep(0.005)
        self.loop.run_until_complete(main())
        self.assertIn('from an idle', log)
        self.assertEqual(log.count('glib'), 3)

    def test_gcoro_tasks_take_turns(self):
        log = []

        async def gcoro_body():
            for i in range(3):
                log.append(f'gcoro {i}')
                await GCoro.yield_()

        async def main():
            task = GCoro.spawn(gcoro_body(), name='stepped')
            for i in range(3):
                log.append(f'asyncio {i}')
                await asyncio.sleep(0)
            while not task.is_done():
                await asyncio.sleep(0)
        self.loop.run_until_complete(main())
        self.assertEqual(sorted(log), sorted([f'{w} {i}' for w in ('gcoro', 'asyncio')
                                              for i in range(3)]))
        # Interleaved, not one after the other.
        self.assertLess(log.index('gcoro 0'), log.index('asyncio 2'))

    def test_call_soon_is_fifo_and_batched(self):
        order = []

        def later(i):
            order.append(i)
            if i < 3:
                self.loop.call_soon(later, i + 10)
        for i in range(4):
            self.loop.call_soon(later, i)
        self.loop.call_soon(self.loop.stop)
        self.loop.run_forever()
        # The first batch, then what it scheduled: asyncio's iteration.
        self.assertEqual(order, [0, 1, 2, 3])
        self.loop.call_soon(self.loop.stop)
        self.loop.run_forever()
        self.assertEqual(order, [0, 1, 2, 3, 10, 11, 12])

    def test_timers_in_order(self):
        order = []
        t0 = self.loop.time()
        for delay in (0.03, 0.01, 0.02, 0.01):
            self.loop.call_later(delay, lambda d=delay: order.append((d, self.loop.time() - t0)))
        self.loop.call_later(0.04, self.loop.stop)
        self.loop.run_forever()
        self.assertEqual([d for d, _ in order], [0.01, 0.01, 0.02, 0.03])
        for delay, elapsed in order:
            self.assertGreaterEqual(elapsed, delay)

    def test_cancelled_timers(self):
        fired = []
        handles = [self.loop.call_later(0.001 * i, fired.append, i) for i in range(300)]
        for h in handles[::2]:
            h.cancel()
        self.loop.call_later(0.4, self.loop.stop)
        self.loop.run_forever()
        self.assertEqual(fired, list(range(1, 300, 2)))

    def test_threadsafe_wakes_a_blocking_iteration(self):
        def from_thread():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.loop.call_soon(threading.Thread(target=from_thread).start)
        self.loop.run_forever()

    def test_readers_and_writers(self):
        a, b = socket.socketpair()
        a.setblocking(False)
        b.setblocking(False)
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        got = []

        def readable():
            got.append(a.recv(100))
            if b''.join(got) == b'ping pong':
                self.loop.remove_reader(a)
                self.loop.stop()

        def writable():
            b.send(b'ping pong')
            self.loop.remove_writer(b)
        self.loop.add_reader(a, readable)
        self.loop.add_writer(b, writable)
        self.loop.run_forever()
        self.assertEqual(b''.join(got), b'ping pong')
        self.assertFalse(self.loop.remove_reader(a))

    def test_keyboard_interrupt_ends_run_until_complete(self):
        def interrupt():
            raise KeyboardInterrupt
        self.loop.call_soon(interrupt)
        with self.assertRaises(KeyboardInterrupt):
            self.loop.run_until_complete(asyncio.sleep(10))
        # The loop still works.
        self.assertEqual(self.loop.run_until_complete(asyncio.sleep(0, 'ok')), 'ok')

    def test_streams_echo(self):
        handlers = []

        async def handle(reader, writer):
            handlers.append(asyncio.current_task())
            while line := await reader.readline():
                writer.write(line)
                await writer.drain()
            writer.close()

        async def main():
            server = await asyncio.start_server(handle, '127.0.0.1', 0)
            port = server.sockets[0].getsockname()[1]
            replies = []
            for _ in range(3):
                reader, writer = await asyncio.open_connection('127.0.0.1', port)
                for word in (b'a\n', b'bb\n'):
                    writer.write(word)
                    replies.append(await reader.readline())
                writer.close()
                await writer.wait_closed()
            server.close()
            await server.wait_closed()
            await asyncio.gather(*handlers)
            return replies
        self.assertEqual(self.loop.run_until_complete(main()), [b'a\n', b'bb\n'] * 3)


class GLibDrivesTest(unittest.TestCase):
    """After GCoro.install(), a GLib.MainLoop (or a Gio.Application) runs the
    thread's loop, which counts as running meanwhile."""

    def setUp(self):
        self.old_policy = asyncio.get_event_loop_policy()
        GCoro.install()
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)

    def tearDown(self):
        asyncio.set_event_loop(None)
        self.loop.close()
        asyncio.set_event_loop_policy(self.old_policy)

    def run_main_loop(self, ml):
        expired = guard_main_loop(ml)
        ml.run()
        self.assertFalse(expired(), 'the main loop was not quit in time')

    def test_running_loop_in_glib_callbacks(self):
        ml = GLib.MainLoop()
        seen = {}

        async def job():
            await asyncio.sleep(0.01)
            seen['task'] = asyncio.current_task() is not None
            ml.quit()

        def idle():
            seen['loop'] = asyncio.get_running_loop()
            seen['running'] = self.loop.is_running()
            asyncio.create_task(job())
            return False
        GLib.idle_add(idle)
        self.run_main_loop(ml)
        self.assertIs(seen['loop'], self.loop)
        self.assertTrue(seen['running'])
        self.assertTrue(seen['task'])
        self.assertFalse(self.loop.is_running())
        with self.assertRaises(RuntimeError):
            asyncio.get_running_loop()

    def test_stop_quits_the_main_loop(self):
        ml = GLib.MainLoop()
        self.loop.call_later(0.01, self.loop.stop)
        self.run_main_loop(ml)

    def test_a_loop_for_a_thread_without_one(self):
        asyncio.set_event_loop(None)
        ml = GLib.MainLoop()
        seen = []
        GLib.idle_add(lambda: seen.append(asyncio.get_running_loop()) or ml.quit())
        self.run_main_loop(ml)
        self.assertIsInstance(seen[0], GCoro.EventLoop)
        self.assertIs(asyncio.get_event_loop_policy().get_event_loop(), seen[0])
        seen[0].close()

    def test_base_exception_ends_the_main_loop(self):
        ml = GLib.MainLoop()

        def interrupt():
            raise KeyboardInterrupt
        self.loop.call_soon(interrupt)
        with self.assertRaises(KeyboardInterrupt):
            self.run_main_loop(ml)

    def test_application_run(self):
        app = Gio.Application(application_id=None, flags=Gio.ApplicationFlags.NON_UNIQUE)
        seen = []

        async def job():
            await asyncio.sleep(0.01)
            seen.append(asyncio.get_running_loop())
            app.release()

        def activate(_app):
            app.hold()
            asyncio.create_task(job())
        app.connect('activate', activate)
        self.assertEqual(app.run([]), 0)
        self.assertEqual(seen, [self.loop])

    def test_signal_handlers_while_glib_drives(self):
        ml = GLib.MainLoop()
        got = []
        self.loop.add_signal_handler(signal.SIGUSR1, lambda: (got.append('usr1'), ml.quit()))
        self.addCleanup(self.loop.remove_signal_handler, signal.SIGUSR1)
        GLib.timeout_add(10, lambda: os.kill(os.getpid(), signal.SIGUSR1) and False)
        self.run_main_loop(ml)
        self.assertEqual(got, ['usr1'])


class NobodyToldTest(unittest.TestCase):
    """Whoever iterates the context runs the loop's callbacks, and they see
    it running, even without install() (a main loop of C code)."""

    def test_iterating_by_hand(self):
        loop = GCoro.EventLoop()
        self.addCleanup(loop.close)
        seen = []
        loop.call_soon(lambda: seen.append(asyncio.get_running_loop()))
        ctx = GLib.MainContext.default()
        while not seen:
            ctx.iteration(True)
        self.assertEqual(seen, [loop])
        self.assertFalse(loop.is_running())

    def test_other_context(self):
        ctx = GLib.MainContext.new()
        ctx.push_thread_default()
        try:
            loop = GCoro.EventLoop()
            self.assertEqual(loop.get_context(), ctx)
            hits = []
            source = GLib.idle_source_new()
            source.set_callback(lambda *_: hits.append('idle') and False)
            source.attach(ctx)
            self.assertEqual(loop.run_until_complete(asyncio.sleep(0.01, 'done')), 'done')
            self.assertEqual(hits, ['idle'])
            loop.close()
        finally:
            ctx.pop_thread_default()


class FuturesCrossTest(_OnEventLoopTest):
    """One world: asyncio tasks await GCoro futures, C awaits asyncio."""

    def test_await_a_promise_settled_from_another_thread(self):
        async def main():
            p = GCoro.Promise.new()
            threading.Timer(0.01, p.resolve_int64, (7,)).start()
            return await p
        self.assertEqual(self.run_main(main()), 7)

    def test_await_gcoro_tasks_keeps_values_and_exceptions(self):
        class Oops(Exception):
            pass
        raised = Oops('boom')

        async def gcoro_value():
            await GCoro.yield_()
            return 'value'

        async def gcoro_failure():
            await GCoro.yield_()
            raise raised

        async def main():
            value = await GCoro.spawn(gcoro_value())
            with self.assertRaises(Oops) as cm:
                await GCoro.spawn(gcoro_failure())
            self.assertIs(cm.exception, raised)
            broken = GCoro.Promise.new()
            broken.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.BROKEN_PIPE, 'gone')
            with self.assertRaises(GLib.Error) as cm:
                await broken            # a C failure stays a GLib.Error
            self.assertTrue(cm.exception.matches(Gio.io_error_quark(),
                                                 Gio.IOErrorEnum.BROKEN_PIPE))
            return value
        self.assertEqual(self.run_main(main()), 'value')

    def test_cancelling_the_asyncio_task_cancels_what_it_awaits(self):
        sem = GCoro.Semaphore.new(0)
        awaited = []

        async def waiter():
            fut = GCoro.future_of(sem.acquire_async, sem.acquire_finish)
            awaited.append(fut)
            await fut

        async def main():
            task = asyncio.create_task(waiter())
            await asyncio.sleep(0.01)
            task.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await task
            self.assertTrue(task.cancelled())
            self.assertEqual(awaited[0].get_state(), GCoro.FutureState.CANCELLED)
            # The cancelled acquire took nothing: a release is still there.
            sem.release()
            await GCoro.future_of(sem.acquire_async, sem.acquire_finish)
        self.run_main(main())

    def test_asyncio_combinators_take_gcoro_futures(self):
        async def main():
            values = await asyncio.gather(GCoro.sleep(1), asyncio.sleep(0, 'x'))
            sleep = GCoro.sleep(60000)
            with self.assertRaises(asyncio.TimeoutError):
                await asyncio.wait_for(sleep, 0.01)
            self.assertTrue(sleep.cancelled())
            event = GCoro.Event.new()
            self.loop.call_later(0.01, event.set)
            await event              # any GCoro.Awaitable
            return values
        self.assertEqual(self.run_main(main()), [True, 'x'])

    def test_from_asyncio_hands_asyncio_work_to_c(self):
        class Oops(Exception):
            pass
        raised = Oops('boom')

        async def job(n):
            await asyncio.sleep(0.001 * n)
            return n

        async def failing():
            await asyncio.sleep(0)
            raise raised

        async def main():
            tasks = [GCoro.from_asyncio(job(n)) for n in (3, 1, 2)]
            every = GCoro.all(tasks, GCoro.AllFlags.DEFAULT)   # a C combinator
            await every
            self.assertEqual([t.get_value()[1] for t in tasks], [3, 1, 2])
            failed = GCoro.from_asyncio(failing())
            with self.assertRaises(Oops) as cm:
                await failed
            self.assertIs(cm.exception, raised)
            # C sees a GError naming the exception.
            self.assertIn('Oops: boom', failed.peek_error().message)
        self.run_main(main())

    def test_cancelling_from_asyncio_ends_after_the_asyncio_task(self):
        log = []

        async def slow():
            try:
                await asyncio.sleep(60)
            finally:
                log.append('asyncio cleanup')
                await asyncio.sleep(0.01)    # cleanup may await
                log.append('asyncio cleanup done')

        async def main():
            task = GCoro.from_asyncio(slow(), name='slow')
            self.assertEqual(task.get_name(), 'slow')
            await asyncio.sleep(0.01)
            task.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await task
            log.append('gcoro task ended')
        self.run_main(main())
        self.assertEqual(log, ['asyncio cleanup', 'asyncio cleanup done', 'gcoro task ended'])

    def test_gcoro_task_awaits_asyncio_futures(self):
        async def gcoro_body(fut):
            return await fut

        async def main():
            fut = self.loop.create_future()
            task = GCoro.spawn(gcoro_body(fut))
            self.loop.call_later(0.01, fut.set_result, 'asyncio value')
            return await task
        self.assertEqual(self.run_main(main()), 'asyncio value')

    def test_stock_loop_refuses_clearly(self):
        loop = asyncio.SelectorEventLoop()
        self.addCleanup(loop.close)

        async def main():
            await GCoro.sleep(1)
        with self.assertRaisesRegex(RuntimeError, 'GCoro.EventLoop'):
            loop.run_until_complete(main())


class AwaitingGCoroFuturesTest(_OnEventLoopTest):
    """The compiled await of a GCoro future (gi.overrides._gcoro_accel):
    values, failures, cancellation, and the generator protocol around it."""

    def settle_later(self, promise, value):
        holder = GObject.Value(GObject.TYPE_PYOBJECT)
        holder.set_value(value)
        self.loop.call_soon(promise.resolve, holder)

    def test_values_of_every_shape(self):
        async def main():
            got = []
            for value in [(1, 2), None, 'text', [3], StopIteration('not raised')]:
                p = GCoro.Promise.new()
                self.settle_later(p, value)
                got.append(await p)
            p = GCoro.Promise.new()
            self.loop.call_soon(p.resolve_int64, -5)
            got.append(await p)
            obj = GCoro.Event.new()
            p = GCoro.Promise.new()
            self.loop.call_soon(p.resolve_object, obj)
            got.append(await p)
            p = GCoro.Promise.new()
            self.loop.call_soon(p.resolve, None)   # no value
            got.append(await p)
            done = GCoro.Promise.new()
            done.resolve_int64(9)
            got.append(await done)                # settled already: no suspension
            return got, obj
        got, obj = self.run_main(main())
        self.assertEqual(got[:4], [(1, 2), None, 'text', [3]])
        self.assertIsInstance(got[4], StopIteration)
        self.assertEqual(got[5:], [-5, obj, None, 9])
        self.assertIs(got[6], obj)      # the same wrapper

    def test_two_tasks_await_one_future(self):
        async def main():
            p = GCoro.Promise.new()
            first = asyncio.create_task(self.await_it(p))
            second = asyncio.create_task(self.await_it(p))
            await asyncio.sleep(0)
            p.resolve_int64(3)
            return await asyncio.gather(first, second)
        self.assertEqual(self.run_main(main()), [3, 3])

    async def await_it(self, future):
        return await future

    def test_cancelling_waits_for_the_gcoro_task_to_end(self):
        log = []

        async def c_side():
            try:
                await GCoro.sleep(60000)
            except GLib.Error:
                log.append('gcoro task cancelled')
                with GCoro.shielded():
                    await GCoro.sleep(1)     # cleanup that takes a while
                log.append('gcoro cleanup done')
                raise

        async def main():
            gtask = GCoro.spawn(c_side())
            task = asyncio.create_task(self.await_it(gtask))
            await asyncio.sleep(0.01)
            self.assertTrue(task.cancel())
            with self.assertRaises(asyncio.CancelledError):
                await task
            log.append('asyncio task ended')
            self.assertTrue(gtask.is_done())
        self.run_main(main())
        self.assertEqual(log, ['gcoro task cancelled', 'gcoro cleanup done', 'asyncio task ended'])

    def test_cancelled_after_the_future_settled(self):
        async def main():
            p = GCoro.Promise.new()
            task = asyncio.create_task(self.await_it(p))
            await asyncio.sleep(0)
            p.resolve_int64(1)          # settled; the task has not woken yet
            self.assertTrue(task.cancel())
            with self.assertRaises(asyncio.CancelledError):
                await task
            self.assertTrue(task.cancelled())
            self.assertEqual(p.get_state(), GCoro.FutureState.RESOLVED)
        self.run_main(main())

    def test_closing_a_waiting_coroutine(self):
        async def main():
            p = GCoro.Promise.new()
            coro = self.await_it(p)
            waiter = coro.send(None)      # suspended at the await
            self.assertIsInstance(waiter, asyncio.Future)
            coro.close()
            p.resolve_int64(1)            # the loop resolves a waiter nobody waits on
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            self.assertEqual(p.get_state(), GCoro.FutureState.RESOLVED)
        self.run_main(main())

    def test_throwing_into_a_waiting_coroutine(self):
        class Oops(Exception):
            pass

        async def main():
            p = GCoro.Promise.new()
            coro = self.await_it(p)
            coro.send(None)
            with self.assertRaises(Oops):
                coro.throw(Oops('in'))
            it = p.__await__()
            with self.assertRaises(ValueError):
                it.throw(ValueError, 'by type')
            with self.assertRaises(RuntimeError):
                next(it)                  # over: an awaiter is used once
        self.run_main(main())

    def test_reading_failed_futures_leaks_nothing(self):
        # PyGObject 3.42 leaks the GValue of a get_value() call that
        # throws: the override reads failures with peek_error() instead.
        def rss_kib():
            gc.collect()
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        def read_failures(n):
            for _ in range(n):
                p = GCoro.Promise.new()
                p.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.FAILED, 'no')
                with self.assertRaises(GLib.Error):
                    p.result()
                self.assertIsInstance(p.exception(), GLib.Error)
        read_failures(20000)        # warm up the allocators
        before = rss_kib()
        read_failures(100000)       # leaking, this grew by about 6 MiB
        self.assertLess(rss_kib() - before, 1024)

    def test_yield_from_in_generator_based_coroutines(self):
        def legacy(future):
            return (yield from future)

        async def main():
            p = GCoro.Promise.new()
            self.loop.call_soon(p.resolve_int64, 4)
            return await asyncio.ensure_future(self.wrap(legacy(p)))
        self.assertEqual(self.run_main(main()), 4)

    async def wrap(self, gen):
        return await _GeneratorAwaitable(gen)


class LoopBridgeNewsTest(unittest.TestCase):
    """GCoro.LoopBridge's begin_iteration()/has_news()/end_iteration(),
    through PyGObject (GCoro.EventLoop calls them through _gcoro_accel)."""

    def test_settled_during_the_iteration_is_news(self):
        calls = []

        def iterate(bridge, has_events):
            calls.append(list(bridge.take_events()) if has_events else [])
            return GCoro.LOOP_BRIDGE_NO_DEADLINE
        bridge = GCoro.LoopBridge.new(None, iterate)
        self.addCleanup(bridge.close)
        p, q = GCoro.Promise.new(), GCoro.Promise.new()
        bridge.watch_future(p, 7)
        bridge.watch_future(q, 8)
        bridge.begin_iteration()
        self.assertFalse(bridge.has_news())
        p.resolve_int64(1)              # on the owner thread: noted at once
        self.assertTrue(bridge.has_news())
        self.assertEqual(list(bridge.take_events()), [GCoro.LOOP_BRIDGE_FUTURE, 7])
        self.assertFalse(bridge.has_news())
        q.resolve_int64(2)              # left untaken: reported after the end
        bridge.end_iteration()
        ctx = GLib.MainContext.default()
        for _ in range(100):
            if calls:
                break
            ctx.iteration(True)
        self.assertEqual(calls, [[GCoro.LOOP_BRIDGE_FUTURE, 8]])


class _GeneratorAwaitable:
    def __init__(self, gen):
        self.gen = gen

    def __await__(self):
        return (yield from self.gen)


class ContextVarsFollowTasksTest(_OnEventLoopTest):
    """GCoro.ContextVar values follow asyncio tasks as contextvars do."""

    def setUp(self):
        super().setUp()
        self.var = GCoro.ContextVar.new('who')

    def test_copied_at_create_task(self):
        var = self.var

        async def child(name):
            before = var.get()
            var.set_string(name)
            await asyncio.sleep(0.001)
            return before, var.get()

        async def main():
            var.set_string('parent')
            results = await asyncio.gather(child('a'), child('b'))
            return results, var.get()
        results, parent = self.loop.run_until_complete(main())
        self.assertEqual(results, [('parent', 'a'), ('parent', 'b')])
        self.assertEqual(parent, 'parent')

    def test_c_code_called_from_a_task_sees_its_values(self):
        var = self.var

        async def gcoro_body():
            return var.get()

        async def task(name):
            var.set_string(name)
            await asyncio.sleep(0)
            # A GCoro task spawned here copies the asyncio task's values.
            return await GCoro.spawn(gcoro_body())

        async def main():
            return await asyncio.gather(task('x'), task('y'))
        self.assertEqual(self.loop.run_until_complete(main()), ['x', 'y'])

    def test_not_seen_outside(self):
        var = self.var

        async def task():
            var.set_string('inside')
            await asyncio.sleep(0)
            return var.get()

        def body():
            self.assertEqual(self.loop.run_until_complete(task()), 'inside')
            with self.assertRaises(LookupError):   # no value outside the task
                var.get()
        # A fresh context for the code that runs the loop.
        self.assertTrue(GCoro.Context.new().run(body))


class PythonShapedTest(_OnEventLoopTest):
    """GCoro's primitives read as asyncio's do."""

    def test_async_methods_without_a_callback_are_awaitable(self):
        async def main():
            queue = GCoro.Queue.new(0)
            self.assertTrue(queue.try_put('a'))
            item = await queue.get_async()            # the item, not (ok, item)
            self.assertTrue(await GCoro.sleep_async(1))
            event = GCoro.Event.new()
            self.loop.call_soon(event.set)
            await event.wait_async()
            # With a callback: the plain GIO-style call.
            done = self.loop.create_future()
            GCoro.sleep_async(1, None, lambda _s, r: done.set_result(GCoro.sleep_finish(r)))
            return item, await done
        self.assertEqual(self.run_main(main()), ('a', True))

    def test_cancelled_awaitable_async_takes_nothing(self):
        sem = GCoro.Semaphore.new(0)

        async def main():
            acquire = sem.acquire_async()
            task = asyncio.create_task(asyncio.wait_for(acquire, 0.01))
            with self.assertRaises(asyncio.TimeoutError):
                await task
            sem.release()
            self.assertTrue(sem.try_acquire())      # the permit was not taken
        self.run_main(main())

    def test_async_with_lock_and_semaphore(self):
        lock = GCoro.Lock.new()
        sem = GCoro.Semaphore.new(2)
        inside = []

        async def worker(i):
            async with sem:
                async with lock:
                    inside.append(i)
                    self.assertTrue(lock.is_locked())
                    await asyncio.sleep(0)
                self.assertEqual(sem.get_value(), 0 if i < 2 else sem.get_value())

        async def main():
            await asyncio.gather(*(worker(i) for i in range(4)))
            self.assertFalse(lock.is_locked())
            self.assertEqual(sem.get_value(), 2)
        self.run_main(main())
        self.assertEqual(sorted(inside), [0, 1, 2, 3])

    def test_queue_get_and_put(self):
        async def main():
            queue = GCoro.Queue.new(1)
            consumer = asyncio.create_task(queue.get())
            await queue.put('x')
            await queue.put('y')                     # waits for room
            first = await consumer
            with self.assertRaises(asyncio.QueueFull):
                queue.put_nowait('z')
            second = queue.get_nowait()
            with self.assertRaises(asyncio.QueueEmpty):
                queue.get_nowait()
            return first, second
        self.assertEqual(self.run_main(main()), ('x', 'y'))

    def test_task_group(self):
        class Oops(Exception):
            pass
        raised = Oops('no')
        log = []

        async def job(n):
            await asyncio.sleep(0.001 * n)
            return n

        async def failing():
            await asyncio.sleep(0)
            raise raised

        async def forever():
            try:
                await asyncio.sleep(60)
            finally:
                log.append('cancelled')

        async def main():
            async with GCoro.TaskGroup() as group:
                tasks = [group.create_task(job(n)) for n in (2, 1)]
                group.add(GCoro.sleep(1))            # any GCoro future
            self.assertEqual([t.result() for t in tasks], [2, 1])
            with self.assertRaises(Oops) as cm:
                async with GCoro.TaskGroup() as group:
                    group.create_task(forever())
                    group.create_task(failing())
            self.assertIs(cm.exception, raised)
        self.run_main(main())
        self.assertEqual(log, ['cancelled'])

    def test_gio_async_methods_after_install(self):
        self.addCleanup(asyncio.set_event_loop_policy, asyncio.get_event_loop_policy())
        GCoro.install()

        async def main():
            contents, _etag = await Gio.File.new_for_path(__file__).load_contents_async()
            self.assertIn(b'PythonShapedTest', contents)
            listener = Gio.SocketListener()
            port = listener.add_any_inet_port(None)
            accept = listener.accept_async()
            with self.assertRaises(asyncio.TimeoutError):
                await asyncio.wait_for(accept, 0.01)
            self.assertTrue(accept.cancelled())
            # A connection is accepted by the next accept, not the cancelled one.
            client = Gio.SocketClient()
            connecting = asyncio.ensure_future(client.connect_to_host_async('127.0.0.1', port))
            connection, _source = await listener.accept_async()
            await connecting
            connection.close()
            listener.close()
        self.run_main(main())

    def test_in_gcoro_coroutines_too(self):
        async def body():
            lock = GCoro.Lock.new()
            async with lock:
                queue = GCoro.Queue.new(0)
                await queue.put(5)
                return await queue.get()
        self.assertEqual(GCoro.run(body()), 5)


class ProcessTest(unittest.TestCase):
    """Behaviours that need a process of their own."""

    def run_script(self, script):
        env = dict(os.environ)
        return subprocess.run([sys.executable, '-c', textwrap.dedent(script)], env=env,
                              capture_output=True, text=True, timeout=30)

    def test_ctrl_c_ends_asyncio_run(self):
        result = self.run_script('''
            import asyncio, os, signal, threading
            import gi
            gi.require_version('GCoro', '1.0')
            from gi.repository import GCoro
            GCoro.install()

            async def main():
                threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()
                await asyncio.sleep(30)
            try:
                asyncio.run(main())
            except KeyboardInterrupt:
                print('interrupted')
        ''')
        self.assertEqual(result.stdout.strip(), 'interrupted', result.stderr)

    def test_ctrl_c_ends_a_glib_main_loop(self):
        result = self.run_script('''
            import asyncio, os, signal, threading
            import gi
            gi.require_version('GCoro', '1.0')
            from gi.repository import GCoro, GLib
            GCoro.install()
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()
            try:
                GLib.MainLoop().run()
            except KeyboardInterrupt:
                print('interrupted')
        ''')
        self.assertEqual(result.stdout.strip(), 'interrupted', result.stderr)


if __name__ == '__main__':
    unittest.main()

#!/usr/bin/python3
# Workers from Python: Python code run on another thread's scheduler and
# awaited on the main thread.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import threading
import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, Gio  # noqa: E402

from gcorotest import Call  # noqa: E402


def run_value(future):
    """Waits (iterating the main context) and returns the future's value."""
    async def wait():
        return await future
    return GCoro.run(wait())


class WorkerTest(unittest.TestCase):
    def setUp(self):
        self.worker = GCoro.Worker.new('py-worker')

    def tearDown(self):
        self.worker.stop()
        del self.worker

    def test_call_runs_on_the_worker_thread(self):
        main = threading.get_ident()
        seen = run_value(self.worker.call(threading.get_ident))
        self.assertNotEqual(seen, main)
        self.assertEqual(run_value(self.worker.call(pow, 3, 4)), 81)
        self.assertEqual(run_value(self.worker.call(lambda: 'text')), 'text')
        self.assertIsNone(run_value(self.worker.call(lambda: None)))

    def test_coroutine_awaits_on_the_worker(self):
        worker = self.worker

        async def job(n):
            threads = {threading.get_ident()}
            await GCoro.sleep(1)               # the worker's timer heap
            await GCoro.yield_()
            threads.add(threading.get_ident())
            self.assertTrue(worker.is_worker_thread())
            return (len(threads), n * 2)

        async def main():
            results = [await worker.spawn(job(n)) for n in range(3)]
            self.assertFalse(worker.is_worker_thread())
            return results
        self.assertEqual(GCoro.run(main()), [(1, 0), (1, 2), (1, 4)])

    def test_many_calls(self):
        futures = [self.worker.call(lambda i=i: i * i) for i in range(200)]

        async def main():
            return [await f for f in futures]
        self.assertEqual(GCoro.run(main()), [i * i for i in range(200)])

    def test_exceptions_reject(self):
        def broken():
            raise ValueError('bad input')
        # A Python awaiter gets the exception itself; C, a GCORO_ERROR_FAILED
        # that names it.
        with self.assertRaises(ValueError):
            run_value(self.worker.call(broken))
        failing = self.worker.call(broken)
        w = Call(failing.wait_async, failing.wait_finish).wait()
        self.assertEqual(w.error.code, GCoro.Error.FAILED)
        self.assertIn('ValueError: bad input', w.error.message)

        def denied():
            raise GLib.Error.new_literal(Gio.io_error_quark(), 'no', Gio.IOErrorEnum.PERMISSION_DENIED)
        with self.assertRaises(GLib.Error) as cm:
            run_value(self.worker.call(denied))
        self.assertTrue(cm.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.PERMISSION_DENIED))

    def test_context_is_copied(self):
        var = GCoro.ContextVar.new('user')
        worker = self.worker

        def on_worker():
            seen = var.get()
            var.set_string('worker')           # stays in the worker's copy
            return seen

        async def main():
            var.set_string('alice')
            seen = await worker.call(on_worker)
            mine = var.get()
            return seen, mine
        self.assertEqual(GCoro.run(main()), ('alice', 'alice'))

    def test_cancel_reaches_the_worker(self):
        started = GCoro.Promise.new()
        never = GCoro.Promise.new()
        seen = []

        async def blocked():
            started.resolve(None)
            try:
                await never
            except GLib.Error as error:
                seen.append(error.code)
                raise

        job = self.worker.spawn(blocked())

        async def main():
            await started
            job.cancel()
            try:
                await job
            except GLib.Error as error:
                return error.code
        self.assertEqual(GCoro.run(main()), Gio.IOErrorEnum.CANCELLED)
        self.assertEqual(seen, [Gio.IOErrorEnum.CANCELLED])
        self.assertEqual(job.get_state(), GCoro.FutureState.CANCELLED)

    def test_stop_cancels_and_refuses(self):
        started = GCoro.Promise.new()
        never = GCoro.Promise.new()

        async def blocked():
            started.resolve(None)
            await never

        job = self.worker.spawn(blocked())
        run_value(started)
        self.worker.stop()
        self.assertFalse(self.worker.is_running())
        self.assertEqual(job.get_state(), GCoro.FutureState.CANCELLED)
        with self.assertRaises(GLib.Error) as cm:
            run_value(self.worker.call(lambda: 1))
        self.assertTrue(cm.exception.matches(GCoro.error_quark(), GCoro.Error.CLOSED))

    def test_stop_async(self):
        started = GCoro.Promise.new()

        async def sleeper():
            started.resolve(None)
            await GCoro.sleep(60000)           # on the worker's timer heap

        job = self.worker.spawn(sleeper())
        run_value(started)
        call = Call(self.worker.stop_async, self.worker.stop_finish).wait()
        self.assertTrue(call.result)
        self.assertEqual(job.get_state(), GCoro.FutureState.CANCELLED)


class WorkerLifeTest(unittest.TestCase):
    def test_dropping_the_last_reference_stops(self):
        worker = GCoro.Worker.new('py-dropped')
        started = GCoro.Promise.new()

        async def blocked():
            started.resolve(None)
            await GCoro.sleep(60000)

        job = worker.spawn(blocked())
        run_value(started)
        del worker          # finalize stops and joins (PyGObject drops the GIL meanwhile)
        self.assertEqual(job.get_state(), GCoro.FutureState.CANCELLED)

    def test_cycles_leave_no_descriptors(self):
        def cycle():
            worker = GCoro.Worker.new('py-cycle')
            started = GCoro.Promise.new()

            async def sleeper():
                started.resolve(None)
                await GCoro.sleep(60000)       # left behind when cancelled

            worker.spawn(sleeper())
            run_value(started)
            worker.stop()

        cycle()
        before = len(os.listdir('/proc/self/fd'))
        for _ in range(20):
            cycle()
        self.assertEqual(len(os.listdir('/proc/self/fd')), before)

    def test_gobject_construction(self):
        worker = GCoro.Worker(name='py-props')   # GInitable: init() starts it
        worker.init(None)
        self.assertEqual(worker.props.name, 'py-props')
        self.assertEqual(run_value(worker.call(lambda: 5)), 5)
        worker.stop()


if __name__ == '__main__':
    unittest.main()

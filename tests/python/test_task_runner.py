#!/usr/bin/python3
# The task runner from Python: callbacks run soon on the loop, futures
# (already-started work) waited for with the rest, outcomes in order.
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, Gio  # noqa: E402


class TaskRunnerTest(unittest.TestCase):
    def test_callbacks_and_futures_in_order(self):
        runner = GCoro.TaskRunner.new()
        log = []
        started = GCoro.Promise.new()
        GCoro.sleep_async(1, None, lambda _s, r: (GCoro.sleep_finish(r), log.append('slept'),
                                                    started.resolve_string('woke')))
        runner.add_future(started)
        runner.add_callback(lambda: log.append('callback'))
        failing = GCoro.Promise.new()
        failing.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND, 'missing')
        runner.add_future(failing)
        self.assertEqual(runner.get_n_items(), 3)

        with self.assertRaises(GLib.Error) as cm:
            runner.run_until_complete()
        self.assertEqual(cm.exception.code, Gio.IOErrorEnum.NOT_FOUND)
        # Both ran; which first depends on the clock (a 1 ms sleep against
        # a loaded machine), so the order of the log is not asserted.
        self.assertCountEqual(log, ['callback', 'slept'])

        futures = runner.get_futures()
        self.assertEqual(futures[0].get_value(), (True, 'woke'))
        self.assertEqual(futures[1].get_state(), GCoro.FutureState.RESOLVED)
        self.assertEqual(futures[2].get_state(), GCoro.FutureState.REJECTED)

    def test_run_returns_a_future(self):
        runner = GCoro.TaskRunner.new()
        hits = []
        runner.add_callback(lambda: hits.append(1))
        run = runner.run()
        self.assertEqual(hits, [])          # soon, not now
        self.assertTrue(GCoro.run_until_complete(run))
        self.assertEqual(hits, [1])


    def test_run_async_and_sync(self):
        from gcorotest import Call
        runner = GCoro.TaskRunner.new()
        hits = []
        runner.add_callback(lambda: hits.append('async'))
        call = Call(runner.run_async, runner.run_finish).wait()
        self.assertTrue(call.result)
        self.assertEqual(hits, ['async'])

        blocking = GCoro.TaskRunner.new()
        blocking.add_callback(lambda: hits.append('sync'))
        self.assertTrue(blocking.run_sync(None))
        self.assertEqual(hits, ['async', 'sync'])


if __name__ == '__main__':
    unittest.main()

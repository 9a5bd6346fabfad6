#!/usr/bin/python3
# The scheduler from Python: sleep, yield, idle-yield, contexts, dump.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import time
import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, Gio  # noqa: E402

from gcorotest import Call, iterate_until  # noqa: E402

REDRAW_PRIORITY = GLib.PRIORITY_HIGH_IDLE + 20


class SchedulerTest(unittest.TestCase):
    def test_one_per_context(self):
        default = GCoro.Scheduler.get_default()
        self.assertIs(GCoro.Scheduler.get_for_context(None), default)
        ctx = GLib.MainContext.new()
        other = GCoro.Scheduler.get_for_context(ctx)
        self.assertIsNot(other, default)
        self.assertEqual(other.get_priority(), GLib.PRIORITY_DEFAULT)
        self.assertIn('0 live tasks', default.dump())
        self.assertEqual(default.get_n_tasks(), 0)

    def test_sleep_and_cancel(self):
        self.assertTrue(Call(GCoro.sleep_async, GCoro.sleep_finish, 1).wait().result)
        c = Gio.Cancellable()
        call = Call(GCoro.sleep_async, GCoro.sleep_finish, 60000, cancellable=c)
        c.cancel()
        err = call.wait().error
        self.assertEqual((err.domain, err.code), ('g-io-error-quark', Gio.IOErrorEnum.CANCELLED))

    def test_sleeps_wake_in_deadline_order(self):
        order = []
        for ms in (30, 10, 20):
            GCoro.sleep_async(ms, None, lambda _s, r, ms=ms: (GCoro.sleep_finish(r), order.append(ms)))
        iterate_until(lambda: len(order) == 3)
        self.assertEqual(order, [10, 20, 30])

    def test_yield_runs_after_ready_sources(self):
        # The order of one iteration, by GLib's priorities: with the frame
        # budget off, so that a slow machine cannot spend it meanwhile.
        scheduler = GCoro.Scheduler.get_default()
        budget = scheduler.props.frame_budget
        scheduler.props.frame_budget = 0
        self.addCleanup(setattr, scheduler.props, 'frame_budget', budget)
        log = []
        GCoro.idle_yield_async(None, lambda _s, r: (GCoro.idle_yield_finish(r), log.append('I')))
        GLib.idle_add(lambda: log.append('H') and False, priority=REDRAW_PRIORITY)
        GCoro.yield_async(None, lambda _s, r: (GCoro.yield_finish(r), log.append('Y')))
        self.assertEqual(log, [])
        iterate_until(lambda: len(log) == 3)
        self.assertEqual(log, ['Y', 'H', 'I'])

    def test_frame_budget_property(self):
        scheduler = GCoro.Scheduler.get_for_context(GLib.MainContext.new())
        if 'GCORO_FRAME_BUDGET' not in os.environ:
            self.assertEqual(scheduler.props.frame_budget, 4000)
        scheduler.props.frame_budget = 0
        self.assertEqual(scheduler.get_frame_budget(), 0)
        scheduler.set_frame_budget(2500)
        self.assertEqual(scheduler.props.frame_budget, 2500)

    def test_frame_budget_lets_redraw_priority_run(self):
        # Callbacks that keep the scheduler busy, each spinning 250 µs:
        # with a 2 ms budget, the redraw priority gets a turn at least
        # every 8 of them, however slow the machine.
        scheduler = GCoro.Scheduler.get_default()
        self.addCleanup(setattr, scheduler.props, 'frame_budget', scheduler.props.frame_budget)
        scheduler.props.frame_budget = 2000
        steps, turns = [0], [0]

        def redraw():
            turns.append(steps[0])
            return GLib.SOURCE_CONTINUE

        def step(_source, result):
            GCoro.yield_finish(result)
            end = time.monotonic() + 0.000250
            while time.monotonic() < end:
                pass
            steps[0] += 1
            if steps[0] < 80:
                GCoro.yield_async(None, step)

        source = GLib.idle_add(redraw, priority=REDRAW_PRIORITY)
        self.addCleanup(GLib.source_remove, source)
        GCoro.yield_async(None, step)
        iterate_until(lambda: steps[0] == 80)
        turns.append(steps[0])
        self.assertLessEqual(max(b - a for a, b in zip(turns, turns[1:])), 8)

    def test_yield_cancelled(self):
        c = Gio.Cancellable()
        call = Call(GCoro.yield_async, GCoro.yield_finish, cancellable=c)
        c.cancel()
        self.assertEqual(call.wait().error.code, Gio.IOErrorEnum.CANCELLED)


if __name__ == '__main__':
    unittest.main()

#!/usr/bin/python3
# all / any / race / shield / with_timeout and task groups from Python.
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, Gio  # noqa: E402

from gcorotest import Call, settle  # noqa: E402


def wait(future):
    return Call(future.wait_async, future.wait_finish).wait()


class CombineTest(unittest.TestCase):
    def test_all(self):
        ps = [GCoro.Promise.new() for _ in range(3)]
        both = GCoro.all(ps, GCoro.AllFlags.DEFAULT)
        for i, p in enumerate(reversed(ps)):
            p.resolve_int64(i)
        self.assertEqual(wait(both).result, (True, None))

    def test_all_cancel_on_error(self):
        ps = [GCoro.Promise.new() for _ in range(3)]
        fut = GCoro.all(ps, GCoro.AllFlags.CANCEL_ON_ERROR)
        ps[0].reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.BROKEN_PIPE, 'gone')
        self.assertEqual(wait(fut).error.code, Gio.IOErrorEnum.BROKEN_PIPE)
        self.assertEqual(ps[1].get_state(), GCoro.FutureState.CANCELLED)

    def test_any_and_race(self):
        ps = [GCoro.Promise.new() for _ in range(2)]
        any_ = GCoro.any(ps, True)
        race = GCoro.race(ps, False)
        ps[1].reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.FAILED, 'first')
        ps[0].resolve_string('second')
        self.assertEqual(wait(any_).result, (True, 'second'))
        self.assertEqual(wait(race).error.message, 'first')

    def test_shield_and_timeout(self):
        inner = GCoro.Promise.new()
        shield = GCoro.shield(inner)
        shield.cancel()
        self.assertEqual(inner.get_state(), GCoro.FutureState.PENDING)
        limited = inner.with_timeout(5)
        self.assertEqual(wait(limited).error.code, Gio.IOErrorEnum.TIMED_OUT)
        self.assertEqual(inner.get_state(), GCoro.FutureState.CANCELLED)


class TaskGroupTest(unittest.TestCase):
    def test_failure_cancels_members_and_reports(self):
        group = GCoro.TaskGroup.new()
        a, b = GCoro.Promise.new(), GCoro.Promise.new()
        group.add(a)
        group.add(b)
        w = Call(group.wait_async, group.wait_finish)
        settle()
        a.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.FAILED, 'a failed')
        w.wait()
        self.assertEqual(w.error.message, 'a failed')
        self.assertEqual(b.get_state(), GCoro.FutureState.CANCELLED)
        errors = group.get_errors()
        self.assertEqual([e.message for e in errors], ['a failed'])
        self.assertTrue(group.is_closed())

    def test_all_ok(self):
        group = GCoro.TaskGroup.new()
        p = GCoro.Promise.new()
        group.add(p)
        w = Call(group.wait_async, group.wait_finish)
        p.resolve_int64(1)
        self.assertTrue(w.wait().result)


if __name__ == '__main__':
    unittest.main()

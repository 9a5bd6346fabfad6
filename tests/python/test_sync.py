#!/usr/bin/python3
# Event, Lock, Semaphore, Condition, Queue and Barrier from Python, through
# their _async/_finish twins.
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, GObject, Gio  # noqa: E402

from gcorotest import Call, settle  # noqa: E402


def value(gtype, v):
    gv = GObject.Value(gtype)
    gv.set_value(v)
    return gv


class EventTest(unittest.TestCase):
    def test_set_wakes_waiters_and_cancel(self):
        event = GCoro.Event.new()
        a = Call(event.wait_async, event.wait_finish)
        c = Gio.Cancellable()
        b = Call(event.wait_async, event.wait_finish, cancellable=c)
        c.cancel()
        b.wait()
        self.assertTrue(b.error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
        self.assertFalse(a.done)
        event.set()
        self.assertTrue(event.is_set())
        self.assertTrue(a.wait().result)


class LockTest(unittest.TestCase):
    def test_fifo_and_cancel(self):
        lock = GCoro.Lock.new()
        self.assertTrue(lock.try_acquire())
        order = []
        calls = []
        cancels = [None, Gio.Cancellable(), None]
        for i in range(3):
            calls.append(Call(lock.acquire_async, lock.acquire_finish, cancellable=cancels[i]))
        cancels[1].cancel()
        calls[1].wait()
        self.assertEqual(calls[1].error.code, Gio.IOErrorEnum.CANCELLED)
        lock.release()
        calls[0].wait()
        order.append(0)
        self.assertFalse(calls[2].done)
        lock.release()
        calls[2].wait()
        order.append(2)
        lock.release()
        self.assertEqual(order, [0, 2])
        self.assertFalse(lock.is_locked())


class SemaphoreTest(unittest.TestCase):
    def test_permits(self):
        sem = GCoro.Semaphore.new(1)
        a = Call(sem.acquire_async, sem.acquire_finish).wait()
        self.assertTrue(a.result)
        self.assertEqual(sem.get_value(), 0)
        b = Call(sem.acquire_async, sem.acquire_finish)
        settle()
        self.assertFalse(b.done)
        sem.release()
        self.assertTrue(b.wait().result)
        self.assertTrue(sem.release())
        self.assertEqual(sem.get_value(), 1)


class ConditionTest(unittest.TestCase):
    def test_wait_notify_holds_lock_again(self):
        cond = GCoro.Condition.new(None)
        lock = cond.get_lock()
        self.assertTrue(lock.try_acquire())
        w = Call(cond.wait_async, cond.wait_finish)
        settle()
        self.assertFalse(lock.is_locked())  # released while waiting
        cond.notify(1)
        self.assertTrue(w.wait().result)
        self.assertTrue(lock.is_locked())
        lock.release()


class QueueTest(unittest.TestCase):
    def test_values_order_and_close(self):
        q = GCoro.Queue.new(2)
        self.assertTrue(q.try_put(value(GObject.TYPE_STRING, 'a')))
        self.assertTrue(q.try_put(value(GObject.TYPE_INT64, 2)))
        self.assertFalse(q.try_put(value(GObject.TYPE_STRING, 'full')))
        blocked = Call(q.put_async, q.put_finish, value(GObject.TYPE_DOUBLE, 3.5))
        settle()
        self.assertFalse(blocked.done)
        got = [Call(q.get_async, q.get_finish).wait().result for _ in range(3)]
        self.assertEqual(got, [(True, 'a'), (True, 2), (True, 3.5)])
        self.assertTrue(blocked.wait().result)
        q.close()
        closed = Call(q.get_async, q.get_finish).wait()
        self.assertEqual(closed.error.domain, 'gcoro-error-quark')
        self.assertEqual(closed.error.code, GCoro.Error.CLOSED)


class BarrierTest(unittest.TestCase):
    def test_round_and_abort(self):
        barrier = GCoro.Barrier.new(2)
        a = Call(barrier.wait_async, barrier.wait_finish)
        settle()
        self.assertFalse(a.done)
        b = Call(barrier.wait_async, barrier.wait_finish)
        self.assertEqual(sorted([a.wait().result, b.wait().result]), [0, 1])
        c = Call(barrier.wait_async, barrier.wait_finish)
        settle()
        barrier.abort()
        self.assertEqual(c.wait().error.code, GCoro.Error.BROKEN)


if __name__ == '__main__':
    unittest.main()

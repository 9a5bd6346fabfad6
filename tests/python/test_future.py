#!/usr/bin/python3
# Promises and futures from Python: resolve, reject, wait, cancel, errors,
# cross-thread resolution, run_until_complete.
# SPDX-License-Identifier: LGPL-2.1-or-later

import threading
import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, GObject, Gio  # noqa: E402

from gcorotest import Call, settle  # noqa: E402


def wait(future, cancellable=None):
    return Call(future.wait_async, future.wait_finish, cancellable=cancellable).wait()


class PromiseTest(unittest.TestCase):
    def test_values_of_every_kind(self):
        obj = GObject.Object()
        cases = [
            (lambda p: p.resolve_int64(1 << 40), 1 << 40),
            (lambda p: p.resolve_string('hello'), 'hello'),
            (lambda p: p.resolve_boolean(True), True),
            (lambda p: p.resolve_double(2.5), 2.5),
            (lambda p: p.resolve_object(obj), obj),
            (lambda p: p.resolve(None), None),
        ]
        for resolve, expected in cases:
            p = GCoro.Promise.new()
            self.assertEqual(p.get_state(), GCoro.FutureState.PENDING)
            resolve(p)
            self.assertEqual(p.get_state(), GCoro.FutureState.RESOLVED)
            self.assertEqual(p.get_value(), (True, expected))
            self.assertEqual(wait(p).result, (True, expected))

    def test_reject_domain_and_code(self):
        p = GCoro.Promise.new()
        p.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND, 'nope')
        self.assertEqual(p.get_state(), GCoro.FutureState.REJECTED)
        with self.assertRaises(GLib.Error) as cm:
            p.get_value()
        self.assertEqual(cm.exception.domain, 'g-io-error-quark')
        self.assertEqual(cm.exception.code, Gio.IOErrorEnum.NOT_FOUND)
        self.assertEqual(cm.exception.message, 'nope')
        err = wait(p).error
        self.assertTrue(err.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND))

    def test_reject_with_glib_error(self):
        p = GCoro.Promise.new()
        self.assertTrue(p.reject(GLib.Error.new_literal(GCoro.error_quark(), 'custom', GCoro.Error.FAILED)))
        self.assertEqual(wait(p).error.domain, 'gcoro-error-quark')

    def test_first_settle_wins(self):
        p = GCoro.Promise.new()
        self.assertTrue(p.resolve_int64(1))
        self.assertFalse(p.resolve_int64(2))
        self.assertFalse(p.reject_literal(Gio.io_error_quark(), 0, 'late'))
        p.cancel()
        self.assertEqual(p.get_value(), (True, 1))

    def test_pending_read_is_an_error(self):
        with self.assertRaises(GLib.Error) as cm:
            GCoro.Promise.new().get_value()
        self.assertEqual(cm.exception.code, Gio.IOErrorEnum.PENDING)


class WaitTest(unittest.TestCase):
    def test_callback_is_deferred(self):
        p = GCoro.Promise.new()
        call = Call(p.wait_async, p.wait_finish)
        p.resolve_string('later')
        self.assertFalse(call.done)          # never inside resolve()
        self.assertEqual(call.wait().result, (True, 'later'))

    def test_waiters_in_order(self):
        p, q = GCoro.Promise.new(), GCoro.Promise.new()
        order = []
        for name, fut in (('p1', p), ('q', q), ('p2', p)):
            fut.wait_async(None, lambda f, r, name=name: (f.wait_finish(r), order.append(name)))
        q.resolve(None)
        p.resolve(None)
        settle()
        self.assertEqual(order, ['q', 'p1', 'p2'])

    def test_cancel_the_wait_not_the_future(self):
        p = GCoro.Promise.new()
        c = Gio.Cancellable()
        call = Call(p.wait_async, p.wait_finish, cancellable=c)
        c.cancel()
        err = call.wait().error
        self.assertTrue(err.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
        self.assertEqual(p.get_state(), GCoro.FutureState.PENDING)

    def test_cancel_the_future(self):
        p = GCoro.Promise.new()
        call = Call(p.wait_async, p.wait_finish)
        p.cancel()
        self.assertEqual(p.get_state(), GCoro.FutureState.CANCELLED)
        self.assertEqual(call.wait().error.code, Gio.IOErrorEnum.CANCELLED)

    def test_resolved_from_a_thread(self):
        p = GCoro.Promise.new()
        call = Call(p.wait_async, p.wait_finish)
        t = threading.Thread(target=lambda: p.resolve_int64(99))
        t.start()
        call.wait()     # blocking iterations: only the thread's wake-up ends them
        t.join()
        self.assertEqual(call.result, (True, 99))


class RunTest(unittest.TestCase):
    def test_run_until_complete(self):
        p = GCoro.Promise.new()
        GCoro.sleep_async(1, None, lambda _s, r: (GCoro.sleep_finish(r), p.resolve_string('ran')))
        self.assertTrue(GCoro.run_until_complete(p))
        self.assertEqual(p.get_value(), (True, 'ran'))

    def test_run_until_complete_raises(self):
        p = GCoro.Promise.new()
        p.reject_literal(Gio.io_error_quark(), Gio.IOErrorEnum.EXISTS, 'exists')
        with self.assertRaises(GLib.Error) as cm:
            GCoro.run_until_complete(p)
        self.assertEqual(cm.exception.code, Gio.IOErrorEnum.EXISTS)


if __name__ == '__main__':
    unittest.main()

#!/usr/bin/python3
# Context variables from Python: PEP 567 semantics on glib-coro's contexts.
# SPDX-License-Identifier: LGPL-2.1-or-later

import threading
import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, GObject  # noqa: E402


def gvalue(gtype, value):
    v = GObject.Value(gtype)
    v.set_value(value)
    return v


class ContextVarTest(unittest.TestCase):
    def setUp(self):
        # Each test runs its body in a fresh context, so the thread's own
        # context does not carry values from one test to the next.
        self.ctx = GCoro.Context.new()

    def run_fresh(self, func):
        result = []
        self.assertTrue(self.ctx.run(lambda: result.append(func())))
        return result[0]

    def test_missing_value_is_lookup_error(self):
        var = GCoro.ContextVar.new('user')

        def body():
            with self.assertRaises(LookupError) as cm:
                var.get()
            self.assertEqual(var.get('fallback'), 'fallback')
            return cm.exception
        err = self.run_fresh(body)
        self.assertIsInstance(err, GLib.Error)
        self.assertEqual(err.domain, 'gcoro-error-quark')
        self.assertEqual(err.code, GCoro.Error.NO_VALUE)
        self.assertIn('user', err.message)

    def test_set_get_reset_with_tokens(self):
        var = GCoro.ContextVar.new('answer')

        def body():
            t1 = var.set(gvalue(GObject.TYPE_INT64, 1))
            t2 = var.set_string('two')
            self.assertEqual(var.get(), 'two')
            missing, old = t1.get_old_value()
            self.assertFalse(missing)
            self.assertIsNone(old)
            self.assertEqual(t2.get_old_value(), (True, 1))
            self.assertEqual(t2.get_var().get_name(), 'answer')
            self.assertTrue(var.reset(t2))
            self.assertTrue(t2.is_used())
            self.assertEqual(var.get(), 1)
            with self.assertRaises(GLib.Error) as cm:
                var.reset(t2)
            self.assertEqual(cm.exception.code, GCoro.Error.TOKEN_USED)
            self.assertTrue(var.reset(t1))
            with self.assertRaises(GLib.Error):
                var.get()
        self.run_fresh(body)

    def test_default_and_fallback(self):
        var = GCoro.ContextVar.new_with_default('d', gvalue(GObject.TYPE_STRING, 'dflt'))

        def body():
            self.assertEqual(var.get(), 'dflt')
            self.assertEqual(var.get_or(gvalue(GObject.TYPE_STRING, 'fb')), 'fb')
            self.assertEqual(var.get_or(None), 'dflt')
            var.set_string('set')
            self.assertEqual(var.get_or(gvalue(GObject.TYPE_STRING, 'fb')), 'set')
        self.run_fresh(body)

    def test_values_of_many_types(self):
        var = GCoro.ContextVar.new('any')
        obj = GObject.Object()

        def body():
            var.set_object(obj)
            self.assertIs(var.dup_object(), obj)
            self.assertIs(var.get(), obj)
            var.set_int64(1 << 40)
            self.assertEqual(var.get_int64(0), 1 << 40)
            var.set(gvalue(GObject.TYPE_DOUBLE, 2.5))
            self.assertEqual(var.get(), 2.5)
            var.set(gvalue(GObject.TYPE_BOOLEAN, True))
            self.assertEqual(var.get(), True)
        self.run_fresh(body)

    def test_token_from_another_context_is_refused(self):
        var = GCoro.ContextVar.new('v')

        def body():
            token = var.set_string('here')
            other = GCoro.Context.copy_current()
            errors = []

            def elsewhere():
                try:
                    var.reset(token)
                except GLib.Error as e:
                    errors.append(e)
            other.run(elsewhere)
            self.assertEqual(len(errors), 1)
            self.assertEqual(errors[0].code, GCoro.Error.INVALID_TOKEN)
            self.assertFalse(token.is_used())
        self.run_fresh(body)

    def test_run_keeps_changes_in_the_context(self):
        var = GCoro.ContextVar.new('where')

        def body():
            var.set_string('outside')
            ctx = GCoro.Context.copy_current()
            self.assertEqual(ctx.get_length(), 1)
            self.assertEqual([v.get_name() for v in ctx.list_vars()], ['where'])
            seen = []

            def inside():
                seen.append(var.get())
                var.set_string('inside')
                self.assertTrue(ctx.is_entered())
                with self.assertRaises(GLib.Error) as cm:
                    ctx.run(lambda: None)
                self.assertEqual(cm.exception.code, GCoro.Error.CONTEXT_ENTERED)
            self.assertTrue(ctx.run(inside))
            self.assertEqual(seen, ['outside'])
            self.assertEqual(var.get(), 'outside')
            self.assertEqual(ctx.lookup(var), (True, 'inside'))
            self.assertTrue(ctx.contains(var))
            self.assertFalse(GCoro.Context.new().contains(var))
        self.run_fresh(body)

    def test_threads_have_their_own_context(self):
        var = GCoro.ContextVar.new('t')

        def body():
            var.set_string('main')
            seen = {}
            snapshot = GCoro.Context.copy_current()

            def thread():
                seen['own'] = var.get_or(None)
                var.set_string('thread')
                seen['after'] = var.get()
                # A copy of the caller's context, as the thread pool gives.
                snapshot.run(lambda: seen.setdefault('copy', var.get()))
            t = threading.Thread(target=thread)
            t.start()
            t.join()
            self.assertIsNone(seen['own'])
            self.assertEqual(seen['after'], 'thread')
            self.assertEqual(seen['copy'], 'main')
            self.assertEqual(var.get(), 'main')
        self.run_fresh(body)

    def test_async_callback_runs_in_starting_context(self):
        var = GCoro.ContextVar.new('op')
        loop = GLib.MainLoop()
        seen = []

        def body():
            token = var.set_string('at-start')

            def slept(_src, res):
                GCoro.sleep_finish(res)
                seen.append(var.get_or(None))
                loop.quit()
            GCoro.sleep_async(1, None, slept)
            var.reset(token)
        self.run_fresh(body)
        guard = GLib.timeout_add_seconds(10, lambda: self.fail('timed out'))
        loop.run()
        GLib.source_remove(guard)
        self.assertEqual(seen, ['at-start'])


if __name__ == '__main__':
    unittest.main()

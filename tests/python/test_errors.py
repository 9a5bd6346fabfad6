#!/usr/bin/python3
# Errors keep their identity: a Python exception raised in a GCoro task
# reaches the Python coroutines that await it as the same object, with its
# traceback, also through C (all(), task groups, with_timeout()); C sees a
# GError that names it; a failure nobody retrieves is logged.
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import subprocess
import sys
import textwrap
import unittest

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, Gio  # noqa: E402

from gcorotest import iterate_until  # noqa: E402


def overrides():
    return sys.modules['gi.overrides.GCoro']


def traceback_chain(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


class Failing:
    """A task that raises ZeroDivisionError; keeps the exception and the
    traceback it had where it was raised."""

    def __init__(self, name='failing'):
        self.raised = []

        async def divide():
            try:
                return 1 / 0
            except ZeroDivisionError as e:
                self.raised.append((e, e.__traceback__))
                raise
        self.task = GCoro.spawn(divide(), name=name)

    @property
    def exception(self):
        return self.raised[0][0]

    @property
    def traceback(self):
        return self.raised[0][1]


def caught_by(await_it):
    """Runs `await await_it()` in a GCoro coroutine and returns what it raised."""
    async def awaiter():
        try:
            await await_it()
        except BaseException as e:   # noqa: B902 -- whatever arrives is the subject
            return e
        return None
    return GCoro.run(awaiter())


class IdentityTest(unittest.TestCase):
    def check_same(self, failing, caught):
        self.assertIs(caught, failing.exception)
        self.assertIs(type(caught), ZeroDivisionError)
        # The traceback it was raised with is still there: the frames of the
        # awaiter come on top of it, the frame that raised is at its end.
        self.assertIn(failing.traceback, list(traceback_chain(caught.__traceback__)))
        self.assertEqual(list(traceback_chain(caught.__traceback__))[-1].tb_frame.f_code.co_name,
                         'divide')

    def test_awaiting_the_task(self):
        f = Failing()
        self.check_same(f, caught_by(lambda: f.task))

    def test_two_awaiters_get_the_same_exception(self):
        f = Failing()
        first = caught_by(lambda: f.task)
        second = caught_by(lambda: f.task)
        self.assertIs(first, second)
        self.check_same(f, second)

    def test_through_all(self):
        f = Failing()
        self.check_same(f, caught_by(lambda: GCoro.all([f.task], GCoro.AllFlags.DEFAULT)))

    def test_through_a_task_group(self):
        f = Failing()
        group = GCoro.TaskGroup.new()
        group.add(f.task)
        self.check_same(f, caught_by(lambda: GCoro.future_of(group.wait_async,
                                                             group.wait_finish)))

    def test_through_with_timeout(self):
        f = Failing()
        # The task fails at its first step; the timeout never comes into play.
        self.check_same(f, caught_by(lambda: GCoro.future_with_timeout(f.task, 600000)))

    def test_through_future_wait_finish(self):
        f = Failing()
        self.check_same(f, caught_by(lambda: GCoro.future_of(f.task.wait_async,
                                                             f.task.wait_finish)))

    def test_through_run(self):
        raised = []

        async def fails():
            try:
                {}['missing']
            except KeyError as e:
                raised.append(e)
                raise
        with self.assertRaises(KeyError) as cm:
            GCoro.run(fails())
        self.assertIs(cm.exception, raised[0])

    def test_through_a_worker_thread(self):
        worker = GCoro.Worker.new('errors')
        raised = []

        def broken():
            try:
                raise ValueError('bad input')
            except ValueError as e:
                raised.append(e)
                raise
        try:
            caught = caught_by(lambda: worker.call(broken))
        finally:
            worker.stop()
        self.assertIs(caught, raised[0])

    def test_in_an_async_generator_body(self):
        f = Failing()
        seen = []

        async def body():
            try:
                await f.task
            except ZeroDivisionError as e:
                seen.append(e)
            yield 'after'

        gen = GCoro.generator(body())

        async def consume():
            return [x async for x in gen]
        self.assertEqual(GCoro.run(consume()), ['after'])
        self.assertIs(seen[0], f.exception)

    def test_glib_error_raised_in_python_stays_itself(self):
        raised = []

        async def denied():
            e = GLib.Error.new_literal(Gio.io_error_quark(), 'no entry',
                                       Gio.IOErrorEnum.PERMISSION_DENIED)
            raised.append(e)
            raise e
        task = GCoro.spawn(denied())
        self.assertIs(caught_by(lambda: task), raised[0])


class CSideTest(unittest.TestCase):
    def test_c_sees_a_gerror_naming_the_exception(self):
        f = Failing()
        with self.assertRaises(GLib.Error) as cm:
            GCoro.run_until_complete(f.task)     # C's view: no Python in between
        error = cm.exception
        self.assertEqual(error.domain, 'gcoro-error-quark')
        self.assertEqual(error.code, GCoro.Error.FAILED)
        self.assertTrue(error.message.startswith('ZeroDivisionError: division by zero'),
                        error.message)
        self.assertEqual(f.task.get_state(), GCoro.FutureState.REJECTED)

    def test_several_failures_stay_one_glib_error(self):
        group = GCoro.TaskGroup.new()
        a, b = Failing('a'), Failing('b')
        group.add(a.task)
        group.add(b.task)
        caught = caught_by(lambda: GCoro.future_of(group.wait_async, group.wait_finish))
        self.assertIsInstance(caught, GLib.Error)
        self.assertEqual(caught.code, GCoro.Error.FAILED)
        self.assertEqual(caught.message.count('ZeroDivisionError: division by zero'), 2)

    def test_the_registry_is_bounded(self):
        module = overrides()
        first = Failing()
        iterate_until(first.task.is_done)
        for _ in range(module._REMEMBERED_MAX + 5):
            module._error_for_exception(ValueError('filler'), None)
        self.assertLessEqual(len(module._remembered), module._REMEMBERED_MAX)
        # Through C (a copy of the GError), the oldest is no longer found:
        # it arrives as the GLib.Error, with its message.
        caught = caught_by(lambda: GCoro.all([first.task], GCoro.AllFlags.DEFAULT))
        self.assertIsInstance(caught, GLib.Error)
        self.assertTrue(caught.message.startswith('ZeroDivisionError: division by zero'))
        # Awaited directly, the task still has it.
        self.assertIs(caught_by(lambda: first.task), first.exception)


UNRETRIEVED = textwrap.dedent('''
    import gc
    import gi
    gi.require_version('GCoro', '1.0')
    from gi.repository import GCoro, GLib
    from gcorotest import iterate_until

    async def divide():
        return 1 / 0

    async def waits():
        await GCoro.future_of(GCoro.Event.new().wait_async, lambda r: None)

    async def main():
        awaited = GCoro.spawn(divide(), name='awaited')
        try:
            await awaited
        except ZeroDivisionError:
            pass

    lonely = GCoro.spawn(divide(), name='lonely')
    cancelled = GCoro.spawn(waits(), name='cancelled')
    GCoro.run(main())
    cancelled.cancel()
    iterate_until(lambda: lonely.is_done() and cancelled.is_done())
    print('settled', flush=True)
    del lonely, cancelled
    gc.collect()
    print('released', flush=True)
''')


class UnretrievedTest(unittest.TestCase):
    def test_failure_nobody_retrieved_is_logged_with_the_task_name(self):
        env = dict(os.environ)
        env.pop('G_DEBUG', None)          # a warning, not a fatal one
        env['PYTHONPATH'] = os.pathsep.join([os.path.dirname(os.path.abspath(__file__)),
                                             env.get('PYTHONPATH', '')])
        proc = subprocess.run([sys.executable, '-c', UNRETRIEVED], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        lines = proc.stdout.splitlines()
        warnings = [line for line in lines if 'never retrieved' in line]
        self.assertEqual(len(warnings), 1, proc.stdout)
        self.assertIn("Task 'lonely' failed and its error was never retrieved: "
                      "ZeroDivisionError: division by zero", warnings[0])
        self.assertIn('WARNING', warnings[0])
        # Logged when the task goes (its last reference), not at exit; the
        # task that was awaited and the cancelled one are not logged.
        self.assertEqual([line for line in lines if line in ('settled', 'released')],
                         ['settled', 'released'])
        self.assertLess(lines.index('settled'), lines.index(warnings[0]))
        self.assertLess(lines.index(warnings[0]), lines.index('released'))
        self.assertNotIn('awaited', proc.stdout)
        self.assertNotIn("'cancelled'", proc.stdout)

if __name__ == '__main__':
    unittest.main()

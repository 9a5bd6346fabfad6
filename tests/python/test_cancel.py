#!/usr/bin/python3
# Cancelling a Python task cancels what it waits on, and leaks nothing:
# no semaphore permit, lock or queue item; a task group's members are
# cancelled and awaited; a timeout ends the work it bounds before it
# reports. Callbacks of glib-coro's _async calls run in the context
# (GCoro.ContextVar values) they were started in.
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc
import unittest
import warnings

import gi
gi.require_version('GCoro', '1.0')
from gi.repository import GCoro, GLib, GObject, Gio  # noqa: E402

from gcorotest import iterate_until, settle  # noqa: E402


def gvalue(gtype, v):
    gv = GObject.Value(gtype)
    gv.set_value(v)
    return gv


def is_cancelled(error):
    return isinstance(error, GLib.Error) and error.matches(Gio.io_error_quark(),
                                                           Gio.IOErrorEnum.CANCELLED)


def finish(task):
    iterate_until(task.is_done, f"task '{task.get_name()}'")


class Recorder:
    """Runs one await of a coroutine and records how it ended: ('value', v)
    or ('error', exception); then awaits once more (a cancelled task's next
    await fails: cancellation is level-triggered) and records that too."""

    def __init__(self, make_future, then=None):
        self.log = []

        async def body():
            try:
                value = await make_future()
            except GLib.Error as e:
                self.log.append(('error', e))
                raise
            self.log.append(('value', value))
            if then is not None:
                then(value)
            try:
                await GCoro.yield_()
            except GLib.Error as e:
                self.log.append(('next await', e))
                raise
        self.task = GCoro.spawn(body(), name='recorder')


class CancelWaitTest(unittest.TestCase):
    def test_cancelled_acquire_leaks_no_permit(self):
        sem = GCoro.Semaphore.new(1)
        self.assertTrue(sem.try_acquire())            # the holder
        r = Recorder(lambda: GCoro.future_of(sem.acquire_async, sem.acquire_finish))
        settle()
        self.assertEqual(r.log, [])                   # waiting for the permit
        r.task.cancel()
        finish(r.task)
        self.assertEqual(len(r.log), 1)
        self.assertTrue(is_cancelled(r.log[0][1]))    # at its await
        self.assertEqual(r.task.get_state(), GCoro.FutureState.CANCELLED)
        sem.release()                                 # the holder is done
        self.assertEqual(sem.get_value(), 1)

    def test_permit_granted_just_before_the_cancel_is_delivered(self):
        # The holder's release grants the permit to the waiting task; the
        # task is cancelled before it could run. It gets the permit (and
        # gives it back), then its next await fails: nothing is lost.
        sem = GCoro.Semaphore.new(1)
        self.assertTrue(sem.try_acquire())
        r = Recorder(lambda: GCoro.future_of(sem.acquire_async, sem.acquire_finish),
                     then=lambda _ok: sem.release())
        settle()
        sem.release()
        r.task.cancel()                               # no iteration in between
        finish(r.task)
        self.assertEqual([entry[0] for entry in r.log], ['value', 'next await'])
        self.assertIs(r.log[0][1], True)
        self.assertTrue(is_cancelled(r.log[1][1]))
        self.assertEqual(sem.get_value(), 1)

    def test_cancelled_lock_acquire_leaves_it_free(self):
        lock = GCoro.Lock.new()
        self.assertTrue(lock.try_acquire())
        r = Recorder(lambda: GCoro.future_of(lock.acquire_async, lock.acquire_finish))
        settle()
        r.task.cancel()
        finish(r.task)
        self.assertTrue(is_cancelled(r.log[0][1]))
        lock.release()
        self.assertFalse(lock.is_locked())
        self.assertTrue(lock.try_acquire())

    def test_cancelled_get_loses_no_item(self):
        q = GCoro.Queue.new(0)
        r = Recorder(lambda: GCoro.future_of(q.get_async, q.get_finish))
        settle()
        r.task.cancel()
        finish(r.task)
        self.assertTrue(is_cancelled(r.log[0][1]))
        self.assertTrue(q.try_put(gvalue(GObject.TYPE_STRING, 'next')))

        async def next_getter():
            return await GCoro.future_of(q.get_async, q.get_finish)
        self.assertEqual(GCoro.run(next_getter()), (True, 'next'))
        self.assertEqual(q.get_length(), 0)

    def test_item_handed_over_just_before_the_cancel_is_delivered(self):
        q = GCoro.Queue.new(0)
        r = Recorder(lambda: GCoro.future_of(q.get_async, q.get_finish))
        settle()
        self.assertTrue(q.try_put(gvalue(GObject.TYPE_STRING, 'item')))
        r.task.cancel()                               # no iteration in between
        finish(r.task)
        # Exactly one place has the item: the task (if the put handed it
        # over before the cancel: then the task's next await fails) or the
        # queue (the cancelled get took nothing).
        delivered = [v for kind, v in r.log if kind == 'value']
        left = [q.try_get()] if q.get_length() > 0 else []
        self.assertEqual(delivered + left, [(True, 'item')])
        self.assertEqual(q.get_length(), 0)
        self.assertTrue(is_cancelled(r.log[-1][1]))

    def test_cancelled_put_does_not_put(self):
        q = GCoro.Queue.new(1)
        self.assertTrue(q.try_put(gvalue(GObject.TYPE_STRING, 'first')))
        r = Recorder(lambda: GCoro.future_of(q.put_async, q.put_finish,
                                             gvalue(GObject.TYPE_STRING, 'second')))
        settle()
        r.task.cancel()
        finish(r.task)
        self.assertTrue(is_cancelled(r.log[0][1]))
        self.assertEqual(q.try_get(), (True, 'first'))
        self.assertEqual(q.get_length(), 0)
        self.assertFalse(q.try_get()[0])

    def test_cancelled_barrier_wait_leaves_no_seat(self):
        barrier = GCoro.Barrier.new(2)
        r = Recorder(lambda: GCoro.future_of(barrier.wait_async, barrier.wait_finish))
        settle()
        self.assertEqual(barrier.get_n_waiting(), 1)
        r.task.cancel()
        finish(r.task)
        self.assertTrue(is_cancelled(r.log[0][1]))
        self.assertEqual(barrier.get_n_waiting(), 0)
        # Two new parties make the round; the cancelled one is not counted.
        b = Recorder(lambda: GCoro.future_of(barrier.wait_async, barrier.wait_finish))
        settle()
        self.assertFalse(b.task.is_done())
        c = Recorder(lambda: GCoro.future_of(barrier.wait_async, barrier.wait_finish))
        finish(b.task)
        finish(c.task)
        self.assertEqual(sorted([b.log[0][1], c.log[0][1]]), [0, 1])
        self.assertFalse(barrier.is_broken())

    def test_cancelled_condition_wait_holds_the_lock_again(self):
        cond = GCoro.Condition.new(None)
        lock = cond.get_lock()
        seen = []

        async def waiter():
            await GCoro.future_of(lock.acquire_async, lock.acquire_finish)
            try:
                await GCoro.future_of(cond.wait_async, cond.wait_finish)
            except GLib.Error as e:
                seen.append((is_cancelled(e), lock.is_locked()))
                raise
            finally:
                lock.release()
        task = GCoro.spawn(waiter())
        settle()
        self.assertFalse(lock.is_locked())              # released while waiting
        task.cancel()
        finish(task)
        self.assertEqual(seen, [(True, True)])          # as asyncio's Condition.wait()
        self.assertFalse(lock.is_locked())

    def test_cancelled_sleep_ends_its_timer(self):
        futures = []

        def sleep():
            futures.append(GCoro.sleep(600000))
            return futures[0]
        r = Recorder(sleep)
        settle()
        r.task.cancel()
        finish(r.task)
        self.assertTrue(is_cancelled(r.log[0][1]))
        # The sleep itself was cancelled (its future has settled), not only
        # the task's wait for it.
        self.assertTrue(futures[0].is_done())

    def test_gio_operations_get_the_tasks_cancellable(self):
        # A GIO accept with no client would wait forever; cancelling the task
        # must cancel it (the task sees the error once GIO has reported).
        listener = Gio.SocketListener()
        address = Gio.InetSocketAddress.new_from_string('127.0.0.1', 0)
        _ok, _effective = listener.add_address(address, Gio.SocketType.STREAM,
                                               Gio.SocketProtocol.TCP, None)
        r = Recorder(lambda: GCoro.future_of(listener.accept_async, listener.accept_finish))
        settle()
        r.task.cancel()
        finish(r.task)
        self.assertTrue(is_cancelled(r.log[0][1]))
        listener.close()

    def test_explicit_cancellable_cancels_the_operation_only(self):
        event = GCoro.Event.new()
        c = Gio.Cancellable()
        results = []

        async def body():
            try:
                await GCoro.future_of(event.wait_async, event.wait_finish, cancellable=c)
            except GLib.Error as e:
                results.append(is_cancelled(e))
            await GCoro.yield_()        # the task itself was not cancelled
            return 'carried on'
        task = GCoro.spawn(body())
        settle()
        c.cancel()
        finish(task)
        self.assertEqual(results, [True])
        self.assertEqual(task.get_value(), (True, 'carried on'))

    def test_cancelling_the_future_cancels_the_operation(self):
        sem = GCoro.Semaphore.new(1)
        self.assertTrue(sem.try_acquire())
        acquire = GCoro.future_of(sem.acquire_async, sem.acquire_finish)   # outside any task
        settle()
        acquire.cancel()
        self.assertEqual(acquire.get_state(), GCoro.FutureState.CANCELLED)
        settle()
        sem.release()
        self.assertEqual(sem.get_value(), 1)          # no permit went to the cancelled wait


class TaskGroupCancelTest(unittest.TestCase):
    def test_cancelling_the_waiter_cancels_and_awaits_the_members(self):
        group = GCoro.TaskGroup.new()
        observed = []
        ended = []

        async def member(i):
            try:
                event = GCoro.Event.new()
                await GCoro.future_of(event.wait_async, event.wait_finish)
            except GLib.Error as e:
                observed.append((i, is_cancelled(e)))
                # Cleanup that awaits: the group's wait lasts until it is done.
                with GCoro.shielded():
                    await GCoro.yield_()
                raise
            finally:
                ended.append(i)

        members = [GCoro.spawn(member(i), name=f'member-{i}') for i in range(3)]
        for m in members:
            group.add(m)
        at_wait_error = []

        async def waiter():
            try:
                await GCoro.future_of(group.wait_async, group.wait_finish)
            except GLib.Error as e:
                at_wait_error.append((e, [m.is_done() for m in members], sorted(ended)))
                raise

        w = GCoro.spawn(waiter(), name='waiter')
        settle()
        self.assertEqual(observed, [])
        w.cancel()
        finish(w)
        self.assertEqual(len(at_wait_error), 1)
        error, done, ended_then = at_wait_error[0]
        self.assertTrue(is_cancelled(error))
        self.assertEqual(done, [True, True, True])    # all ended when the wait returned
        self.assertEqual(ended_then, [0, 1, 2])
        self.assertEqual(sorted(observed), [(0, True), (1, True), (2, True)])
        self.assertTrue(group.is_closed())


class CancelledBeforeItsFirstStepTest(unittest.TestCase):
    def test_the_coroutine_is_closed_without_a_warning(self):
        # As asyncio's tasks do: the body never runs, the coroutine is
        # closed, and Python does not warn that it was never awaited.
        ran = []

        async def body():
            ran.append(True)

        coro = body()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            task = GCoro.spawn(coro, name='early')
            task.cancel()
            finish(task)
            del task
            gc.collect()
        self.assertEqual(ran, [])
        self.assertIsNone(coro.cr_frame)               # closed
        self.assertEqual([str(w.message) for w in caught
                          if issubclass(w.category, RuntimeWarning)], [])


class TimeoutTest(unittest.TestCase):
    def test_timeout_ends_the_inner_task_before_it_reports(self):
        log = []

        async def inner():
            try:
                event = GCoro.Event.new()
                await GCoro.future_of(event.wait_async, event.wait_finish)
            finally:
                log.append('inner ended')

        async def outer():
            task = GCoro.spawn(inner(), name='inner')
            try:
                await GCoro.future_with_timeout(task, 1)
            except GLib.Error as e:
                log.append(('timed out', e.code, task.is_done(), task.get_state()))
            return 'ok'

        self.assertEqual(GCoro.run(outer()), 'ok')
        self.assertEqual(log, ['inner ended',
                               ('timed out', Gio.IOErrorEnum.TIMED_OUT, True,
                                GCoro.FutureState.CANCELLED)])

    def test_timeout_cancels_the_inner_operation(self):
        sem = GCoro.Semaphore.new(1)
        self.assertTrue(sem.try_acquire())
        seen = []

        async def outer():
            acquire = GCoro.future_of(sem.acquire_async, sem.acquire_finish)
            try:
                await GCoro.future_with_timeout(acquire, 1)
            except GLib.Error as e:
                seen.append((e.code, acquire.get_state()))

        GCoro.run(outer())
        self.assertEqual(seen, [(Gio.IOErrorEnum.TIMED_OUT, GCoro.FutureState.CANCELLED)])
        settle()
        sem.release()
        self.assertEqual(sem.get_value(), 1)           # the abandoned acquire took nothing


class ShieldTest(unittest.TestCase):
    def test_outside_a_task_is_an_error(self):
        with self.assertRaises(RuntimeError) as cm:
            with GCoro.shielded():
                pass
        self.assertIn('GCoro task', str(cm.exception))

    def test_cancelled_task_awaits_inside_the_shield_only(self):
        log = []

        async def body():
            event = GCoro.Event.new()
            try:
                await GCoro.future_of(event.wait_async, event.wait_finish)
            except GLib.Error as e:
                log.append(('cancelled', is_cancelled(e)))
            with GCoro.shielded() as task:
                log.append(('shielded', task is GCoro.Task.get_current()))
                await GCoro.yield_()
                q = GCoro.Queue.new(0)
                q.try_put(gvalue(GObject.TYPE_STRING, 'cleanup'))
                log.append(await GCoro.future_of(q.get_async, q.get_finish))
            try:
                await GCoro.yield_()
            except GLib.Error as e:
                log.append(('after the shield', is_cancelled(e)))
                raise

        task = GCoro.spawn(body())
        settle()
        task.cancel()
        finish(task)
        self.assertEqual(log, [('cancelled', True), ('shielded', True), (True, 'cleanup'),
                               ('after the shield', True)])
        self.assertEqual(task.get_state(), GCoro.FutureState.CANCELLED)

    def test_cancellation_during_the_shield_waits_for_its_end(self):
        log = []
        event = GCoro.Event.new()
        inside = GCoro.Event.new()

        async def body():
            with GCoro.shielded():
                inside.set()
                # Started inside the shield: the task's cancellation does not
                # reach this wait, which ends when the event is set.
                log.append(await GCoro.future_of(event.wait_async, event.wait_finish))
            try:
                await GCoro.yield_()
            except GLib.Error as e:
                log.append(('after the shield', is_cancelled(e)))
                raise

        task = GCoro.spawn(body())
        iterate_until(inside.is_set)
        settle()
        task.cancel()
        settle()
        self.assertEqual(log, [])                     # still waiting for the event
        event.set()
        finish(task)
        self.assertEqual(log, [True, ('after the shield', True)])


class CallbackContextTest(unittest.TestCase):
    """A library _async call's callback sees the context variables of the
    code that started it, and what the callback sets stays there."""

    def start_in_context(self, start, *args, cancellable=None):
        var = GCoro.ContextVar.new('request')
        ctx = GCoro.Context.new()
        seen = []

        def callback(_source, _result):
            seen.append(var.get_or(None))
            var.set_string('set by the callback')
            seen.append(var.get_or(None))

        def in_ctx():
            var.set_string('caller')
            start(*args, cancellable, callback)
            seen.append('started')                    # never called back from inside
        ctx.run(in_ctx)
        return var, ctx, seen

    def check(self, var, ctx, seen):
        iterate_until(lambda: len(seen) == 3, 'the callback')
        self.assertEqual(seen, ['started', 'caller', 'set by the callback'])
        self.assertEqual(ctx.lookup(var), (True, 'caller'))
        self.assertIsNone(var.get_or(None))           # nothing leaked into the loop's context

    def test_immediate_completion(self):
        q = GCoro.Queue.new(0)
        self.assertTrue(q.try_put(gvalue(GObject.TYPE_STRING, 'ready')))
        self.check(*self.start_in_context(q.get_async))

    def test_later_completion(self):
        q = GCoro.Queue.new(0)
        var, ctx, seen = self.start_in_context(q.get_async)
        settle()
        self.assertEqual(seen, ['started'])
        self.assertTrue(q.try_put(gvalue(GObject.TYPE_STRING, 'later')))
        self.check(var, ctx, seen)

    def test_cancellation(self):
        q = GCoro.Queue.new(0)
        c = Gio.Cancellable()
        var, ctx, seen = self.start_in_context(q.get_async, cancellable=c)
        settle()
        c.cancel()
        self.check(var, ctx, seen)

    def test_immediate_completion_of_other_operations(self):
        barrier = GCoro.Barrier.new(1)                       # the last party
        self.check(*self.start_in_context(barrier.wait_async))
        group = GCoro.TaskGroup.new()                        # no members
        self.check(*self.start_in_context(group.wait_async))

    def test_cancellation_of_other_operations(self):
        def barrier():
            b = GCoro.Barrier.new(2)
            return b.wait_async

        def condition():
            cond = GCoro.Condition.new(None)
            self.assertTrue(cond.get_lock().try_acquire())
            return cond.wait_async

        def generator_next():
            async def never():
                event = GCoro.Event.new()
                await GCoro.future_of(event.wait_async, event.wait_finish)
                yield 1
            return GCoro.generator(never()).next_async

        def task_group():
            group = GCoro.TaskGroup.new()
            group.add(GCoro.Promise.new())                  # cancelled with the wait
            return group.wait_async

        def task_runner():
            runner = GCoro.TaskRunner.new()
            runner.add_future(GCoro.Promise.new())
            return runner.run_async

        for make in (barrier, condition, generator_next, task_group, task_runner):
            with self.subTest(make.__name__):
                c = Gio.Cancellable()
                var, ctx, seen = self.start_in_context(make(), cancellable=c)
                settle()
                self.assertEqual(seen, ['started'])
                c.cancel()
                self.check(var, ctx, seen)

    def test_from_a_task_through_future_of(self):
        var = GCoro.ContextVar.new('request')
        q = GCoro.Queue.new(0)
        self.assertTrue(q.try_put(gvalue(GObject.TYPE_STRING, 'ready')))
        seen = []

        def finish_in_context(result):
            seen.append(var.get_or(None))
            var.set_string('set by finish')
            return q.get_finish(result)

        async def body():
            var.set_string('task')
            value = await GCoro.future_of(q.get_async, finish_in_context)
            seen.append(var.get_or(None))
            return value

        self.assertEqual(GCoro.run(body()), (True, 'ready'))
        self.assertEqual(seen, ['task', 'task'])
        self.assertIsNone(var.get_or(None))


if __name__ == '__main__':
    unittest.main()

# GCoro.py: the PyGObject override of glib-coro
#
# Copyright 2026 The glib-coro authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""glib-coro for Python: asyncio on glib-coro's scheduler, futures that cross.

    import asyncio
    import gi
    gi.require_version('GCoro', '1.0')
    from gi.repository import GCoro

    async def main():
        await asyncio.sleep(0.1)                # asyncio, on the GMainContext
        value = await some_promise              # any GCoro.Future
        async with lock:                        # a GCoro.Lock, shared with C
            ...
        return value

    GCoro.install()                             # as uvloop.install()
    result = asyncio.run(main())

Python code is asyncio, C code is fibers, futures cross: install() makes
GCoro.EventLoop (_gcoro_event_loop.py) asyncio's loop; GCoro futures are
awaitable from asyncio tasks, from_asyncio() hands asyncio work to C,
_async methods called without a callback return awaitables, and
GCoro.ContextVar values follow asyncio tasks. GErrors surface as
GLib.Error, and a Python exception raised in one task reaches the
coroutines that await it as the same object.

GCoro.spawn() and GCoro.run() run a coroutine as a glib-coro *stepped*
task instead, with glib-coro's level-triggered cancellation: each step
runs on the main stack (never on a fiber), from the scheduler of the
thread-default GMainContext; cancelling the task raises
G_IO_ERROR_CANCELLED inside the coroutine at its current await, and at
every await after it but those in a GCoro.shielded() block, and cancels
the operation it was waiting for (see future_of()).
"""

import asyncio
import collections
import contextlib
import itertools
import re
import threading
import types

from asyncio import events as _asyncio_events

from gi.repository import GLib, GObject, Gio

from .._gi import FunctionInfo
from ..module import get_introspection_module
from ..overrides import override

GCoro = get_introspection_module('GCoro')

__all__ = []


def _running_loop():
    """asyncio's running loop: the GCoro.EventLoop running on this thread
    (a thread-local read, where asyncio's own check costs a getpid()), or
    whichever asyncio's is."""
    loop = getattr(_event_loop._running, 'loop', None)
    return loop if loop is not None else _asyncio_events._get_running_loop()


def _check_gcoro_loop(loop):
    if not hasattr(loop, '_watch_gcoro_future'):
        raise RuntimeError('asyncio code waits for a GCoro future on GCoro.EventLoop '
                           'only (call GCoro.install() before asyncio.run(), or use '
                           f'GCoro.EventLoop()), not on {type(loop).__name__}')


_RESOLVED = GCoro.FutureState.RESOLVED
_PENDING = GCoro.FutureState.PENDING


def _outcome(future):
    """(True, value) or (False, the GLib.Error) of a settled future; a
    pending one gives G_IO_ERROR_PENDING's. Not through get_value()'s
    exception: PyGObject 3.42 leaks the caller-allocated GValue of a call
    that throws (about 30 bytes per failed future read)."""
    state = future.get_state()
    if state == _RESOLVED:
        return True, future.get_value()[1]
    if state == _PENDING:
        return False, GLib.Error.new_literal(Gio.io_error_quark(),
                                             'The future has not settled yet; await it first',
                                             Gio.IOErrorEnum.PENDING)
    return False, future.peek_error()


class Awaitable(GCoro.Awaitable):
    """Anything a task can wait for (futures, tasks, events,
    GCoro.CancellableAwaitable, your own GObject types implementing
    GCoro.Awaitable with do_get_future()): `await obj` waits for the future
    obj.get_future() returns."""

    def __await__(self):
        return (yield from self.get_future().__await__())


Awaitable = override(Awaitable)
__all__.append('Awaitable')


class Future(GCoro.Future):
    """A GCoro.Future that Python coroutines can await: asyncio tasks (on
    GCoro.EventLoop) and GCoro stepped tasks alike. It also speaks asyncio's
    future protocol (done(), result(), add_done_callback(), cancel(msg),
    ...), so asyncio.gather(), wait(), wait_for() and ensure_future() take
    it as they take an asyncio future."""

    # __await__ (and __iter__, for generator-based coroutines' `yield
    # from future`) is compiled (_gcoro_accel.install() below): in an
    # asyncio task on GCoro.EventLoop, a pending future is awaited through
    # an asyncio future the loop resolves once the bridge reports this one
    # settled (cancelling the task cancels this future, and the task sees
    # the outcome once it has settled); in a GCoro stepped task, the step
    # function waits for the future itself.

    # asyncio's future protocol. asyncio's tasks recognise a future by this
    # attribute (and set it to False once they wait on it).
    _asyncio_future_blocking = property(lambda self: True, lambda self, value: None)

    def get_loop(self):
        """The asyncio loop that reports this future's completion: the
        running one, or the thread's."""
        loop = _running_loop()
        return loop if loop is not None else asyncio.get_event_loop_policy().get_event_loop()

    def done(self):
        return self.is_done()

    def cancelled(self):
        """Whether the future settled by cancellation: cancelled, or
        failed with G_IO_ERROR_CANCELLED after cancel() was called."""
        state = self.get_state()
        if state == GCoro.FutureState.CANCELLED:
            return True
        return (state == GCoro.FutureState.REJECTED and
                getattr(self, '_gcoro_cancel_requested', False) and
                self.peek_error().matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))

    def result(self):
        """The value, as for asyncio's futures: raises InvalidStateError if
        pending, CancelledError if cancelled, or the exception it failed
        with (the Python exception behind a GError, else the GLib.Error)."""
        ok, value = _outcome(self)
        if ok:
            return value
        raise self._asyncio_failure(value)

    def exception(self):
        ok, error = _outcome(self)
        if ok:
            return None
        failure = self._asyncio_failure(error)
        if isinstance(failure, (asyncio.InvalidStateError, asyncio.CancelledError)):
            raise failure
        return failure

    def _asyncio_failure(self, error):
        state = self.get_state()
        if state == GCoro.FutureState.PENDING:
            return asyncio.InvalidStateError('Result is not ready.')
        if state == GCoro.FutureState.CANCELLED or (
                getattr(self, '_gcoro_cancel_requested', False) and
                error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)):
            return asyncio.CancelledError()
        return _exception_of(self, error)

    def add_done_callback(self, fn, *, context=None):
        """Calls fn(self) from the asyncio loop once the future settles (at
        its next iteration if it has)."""
        loop = _running_loop()
        if loop is None:
            loop = self.get_loop()
        watch = getattr(loop, '_watch_gcoro_future', None)
        if watch is None:
            _check_gcoro_loop(loop)
        watch(self, fn, context)

    def remove_done_callback(self, fn):
        loop = self.get_loop()
        unwatch = getattr(loop, '_unwatch_gcoro_future', None)
        return unwatch(self, fn) if unwatch is not None else 0

    def cancel(self, msg=None):
        """Requests cancellation (gcoro_future_cancel()); returns whether the
        future was pending, as asyncio's cancel() does. msg is accepted for
        asyncio's sake and not kept."""
        if self.is_done():
            return False
        self._gcoro_cancel_requested = True
        GCoro.Future.cancel(self)
        return True


Future = override(Future)
__all__.append('Future')


class Task(GCoro.Task):
    """A GCoro.Task: a GCoro.Future driven by a coroutine or a C function."""

    def cancel(self, msg=None):
        """Asks the task to stop (gcoro_task_cancel()); returns whether it
        had not ended, as asyncio's Task.cancel() does."""
        if self.is_done():
            return False
        self._gcoro_cancel_requested = True
        GCoro.Task.cancel(self)
        return True


Task = override(Task)
__all__.append('Task')


def _asyncio_task_needs_context():
    """Before Python code sets a GCoro context variable: inside an asyncio
    task on GCoro.EventLoop, the task gets a GCoro.Context of its own (a
    copy of the current one, entered while its steps run), so that what it
    sets stays in the task, as with contextvars."""
    loop = _asyncio_events._get_running_loop()
    enter = getattr(loop, '_task_gcoro_context', None)
    if enter is not None and asyncio.current_task(loop) is not None:
        enter()


class NoValueError(GLib.Error, LookupError):
    """What GCoro.ContextVar.get() raises when the variable has no value:
    a GLib.Error (GCORO_ERROR_NO_VALUE) and a LookupError, as
    contextvars.ContextVar.get() raises."""


__all__.append('NoValueError')

_NO_DEFAULT = object()


class ContextVar(GCoro.ContextVar):
    """A GCoro.ContextVar: C's context variables (PEP 567 semantics). In
    an asyncio task on GCoro.EventLoop, values follow the task: a task
    sees those of the code that created it, and what it sets is its own."""

    def get(self, default=_NO_DEFAULT):
        """The value in the current context, else the variable's default,
        else default if given, as contextvars.ContextVar.get(); raises
        NoValueError (a LookupError) otherwise."""
        try:
            _ok, value = GCoro.ContextVar.get(self)
        except GLib.Error as error:
            if not error.matches(GCoro.error_quark(), GCoro.Error.NO_VALUE):
                raise
            if default is not _NO_DEFAULT:
                return default
            missing = NoValueError(error.message, error.domain, error.code)
        else:
            return value
        raise missing

    def set(self, value):
        _asyncio_task_needs_context()
        return GCoro.ContextVar.set(self, value)

    def set_int64(self, value):
        _asyncio_task_needs_context()
        return GCoro.ContextVar.set_int64(self, value)

    def set_object(self, value):
        _asyncio_task_needs_context()
        return GCoro.ContextVar.set_object(self, value)

    def set_string(self, value):
        _asyncio_task_needs_context()
        return GCoro.ContextVar.set_string(self, value)


ContextVar = override(ContextVar)
__all__.append('ContextVar')


def _is_exhausted(error):
    return error.matches(GCoro.error_quark(), GCoro.Error.EXHAUSTED)


class Generator(GCoro.Generator):
    """A GCoro.Generator is a Python iterator (`for x in gen`, next(gen):
    each item runs the body synchronously) and an async iterator (`async
    for x in gen` inside a GCoro coroutine: each item is a future, and the
    body may await between items)."""

    def __iter__(self):
        return self

    def __next__(self):
        ok, value = self.next()
        if not ok:
            raise StopIteration
        return value

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await self.next_future()
        except GLib.Error as error:
            if _is_exhausted(error):
                raise StopAsyncIteration from None
            raise


Generator = override(Generator)
__all__.append('Generator')


def _to_gvalue(value):
    if isinstance(value, GObject.Value):
        return value
    if isinstance(value, bool):
        gtype = GObject.TYPE_BOOLEAN
    elif isinstance(value, int):
        gtype = GObject.TYPE_INT64
    elif isinstance(value, float):
        gtype = GObject.TYPE_DOUBLE
    elif isinstance(value, str):
        gtype = GObject.TYPE_STRING
    elif isinstance(value, GObject.Object):
        gtype = type(value).__gtype__
    else:
        gtype = GObject.TYPE_PYOBJECT
    gvalue = GObject.Value(gtype)
    gvalue.set_value(value)
    return gvalue


# --- errors keep their identity --------------------------------------------------
#
# A Python exception that ends a task crosses C as a GError: C code, GJS and
# the warning about a failure nobody retrieved read its message. A Python
# coroutine awaiting the task gets the exception object itself back, with
# the traceback it was raised with, as asyncio's awaiters do. Two ways back,
# tried in this order:
# - the task's Python wrapper carries the exception in an attribute
#   (PyGObject keeps a wrapper that has attributes alive as long as its
#   GObject, through a toggle reference): awaiting the task itself;
# - the GError's message ends with a marker, " (Python exception #N)", that
#   names an entry of a bounded registry of the last exceptions that crossed:
#   a copy of the GError made in C (all(), a task group, with_timeout(), a
#   _finish function) finds its exception while the entry lasts. Only the
#   exact message counts, so a task group's summary of several failures
#   stays a GLib.Error.

_REMEMBERED_MAX = 256
_remembered = collections.OrderedDict()     # N -> (message, exception, traceback)
_remembered_lock = threading.Lock()         # workers fail tasks on their own threads
_exception_numbers = itertools.count(1)
_MARKER = re.compile(r' \(Python exception #(\d+)\)\Z')


def _error_for_exception(exc, tb):
    """The GLib.Error that carries the Python exception exc through C:
    GCORO_ERROR_FAILED, "ZeroDivisionError: division by zero (Python
    exception #N)"."""
    number = next(_exception_numbers)
    message = f'{type(exc).__name__}: {exc} (Python exception #{number})'
    with _remembered_lock:
        _remembered[number] = (message, exc, tb)
        if len(_remembered) > _REMEMBERED_MAX:
            _remembered.popitem(last=False)
    return GLib.Error.new_literal(GCoro.error_quark(), message, GCoro.Error.FAILED)


def _without_driver_frames(tb):
    """tb without the frames of this module at its head (the step function
    that caught the exception): the exception keeps the frames of the code
    that raised it, not of the machinery (whose locals hold the task)."""
    while tb is not None and tb.tb_frame.f_globals is globals():
        tb = tb.tb_next
    return tb


def _fail(task, exc):
    """Ends task with exc: a GLib.Error as it is, another exception as the
    GLib.Error that carries it. Python awaiters get exc back."""
    tb = _without_driver_frames(exc.__traceback__)
    exc.__traceback__ = tb
    error = exc if isinstance(exc, GLib.Error) else _error_for_exception(exc, tb)
    task._gcoro_failure = (error.domain, error.code, error.message, exc, tb)
    task.return_error(error)


def _exception_of(future, error):
    """The exception to raise for future's GLib.Error: the Python exception
    behind it (with the traceback it was raised with), or error itself."""
    failure = getattr(future, '_gcoro_failure', None)
    if failure is not None and failure[:3] == (error.domain, error.code, error.message):
        return failure[3].with_traceback(failure[4])
    match = _MARKER.search(error.message)
    if match is None or not error.matches(GCoro.error_quark(), GCoro.Error.FAILED):
        return error
    with _remembered_lock:
        entry = _remembered.get(int(match.group(1)))
    if entry is None or entry[0] != error.message:
        return error
    return entry[1].with_traceback(entry[2])


def _as_task_cancellation(task, completed):
    """The operation the task waited on reported its cancellation: the
    coroutine sees the task's own, as at any other await."""
    if completed.get_state() != GCoro.FutureState.CANCELLED and not (
            completed.get_state() == GCoro.FutureState.REJECTED and
            completed.peek_error().matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)):
        return completed
    cancelled = GCoro.Promise.new()
    cancelled.reject(GLib.Error.new_literal(Gio.io_error_quark(),
                                            f"Task '{task.get_name()}' was cancelled",
                                            Gio.IOErrorEnum.CANCELLED))
    return cancelled


def _resume(coro, completed):
    """Sends completed's value into coro, or throws its failure there;
    returns what coro awaits next."""
    ok, value = _outcome(completed)
    if ok:
        return coro.send(value)
    return coro.throw(_exception_of(completed, value))


# --- stepped tasks -----------------------------------------------------------------


def _future_to_wait(awaited):
    if isinstance(awaited, GCoro.Awaitable) and not isinstance(awaited, GCoro.Future):
        awaited = awaited.get_future()
    if isinstance(awaited, GCoro.Future):
        return awaited
    if getattr(awaited, '_asyncio_future_blocking', None) is not None:
        # An asyncio future or task, awaited by a GCoro stepped task.
        return from_asyncio(awaited)
    return None


def _winding_down(future):
    """Whether future is a future_of() whose operation was told to stop and
    has not reported yet."""
    op = _operations.get(future)
    return op is not None and op.pending and op.cancellable.is_cancelled()


class _Unstarted:
    """Held by a stepped task's step function until its first step: a task
    cancelled before that (its body never runs) lets go of it, and it
    closes the coroutine, as asyncio's tasks throw into theirs, so Python
    does not warn that the coroutine was never awaited."""

    __slots__ = ('coro',)

    def __init__(self, coro):
        self.coro = coro

    def __del__(self):
        if self.coro is not None:
            self.coro.close()


def _step_function(coro):
    awaiting = [None, False]   # the future coro waits for; whether the step drains it
    unstarted = _Unstarted(coro)

    def step(task, completed, _data):
        try:
            if completed is None:
                unstarted.coro = None
                awaited = coro.send(None)
            elif awaiting[1]:
                awaiting[1] = False
                task.shield_end()
                awaited = _resume(coro, _as_task_cancellation(task, completed))
            elif completed is not awaiting[0] and _winding_down(awaiting[0]):
                # Cancelled while waiting in a future_of(): its operation was
                # cancelled with the task, but it may have been granted
                # something (a permit, a queue item) a moment before. Wait,
                # shielded, for it to report, and give the coroutine that
                # outcome: nothing taken is lost, and the task's next await
                # fails (cancellation is level-triggered). A task group's
                # wait also ends only once its members have ended.
                awaiting[1] = True
                task.shield_begin()
                return awaiting[0]
            else:
                awaited = _resume(coro, completed)
        except StopIteration as stop:
            if stop.value is not None:
                task.return_value(_to_gvalue(stop.value))
            return None
        except BaseException as error:   # a GLib.Error, or a Python exception
            _fail(task, error)
            return None
        future = _future_to_wait(awaited)
        if future is None:
            coro.close()
            task.return_error(GLib.Error.new_literal(
                GCoro.error_quark(),
                f'a GCoro task can only await GCoro futures and asyncio futures, '
                f'not {type(awaited).__name__}',
                GCoro.Error.FAILED))
            return None
        awaiting[0] = future
        return future
    return step


def spawn(coro, name=None):
    """Runs the coroutine (an `async def` call or a generator) as a task on
    the thread-default context's scheduler and returns the GCoro.Task.
    Awaiting the task from a Python coroutine returns its value or raises
    the very exception it raised (a GLib.Error for C's failures); C sees
    a Python exception as GCORO_ERROR_FAILED, "Type: message (Python
    exception #N)". A task that fails with nobody retrieving its error is
    logged as a warning when it goes, like asyncio's "Task exception was
    never retrieved"."""
    if isinstance(coro, types.FunctionType) or callable(coro) and not hasattr(coro, 'send'):
        coro = coro()
    if not hasattr(coro, 'send'):
        raise TypeError(f'GCoro.spawn() needs a coroutine or generator, not {type(coro).__name__}')
    return GCoro.spawn_stepped(name, _step_function(coro), None)


__all__.append('spawn')


def from_asyncio(awaitable, name=None):
    """Hands an asyncio coroutine, task or future to C: returns a
    GCoro.Task that settles as it does (its value, the same exception, or
    cancelled), so that C code, GCoro.TaskGroup, GCoro.TaskRunner and the
    combinators wait for asyncio work. A coroutine becomes an asyncio task
    first (asyncio.ensure_future(): on the running loop, or the thread's).
    Cancelling the GCoro task cancels the asyncio one, and the GCoro task
    ends once that has ended (its finally blocks have run)."""
    fut = asyncio.ensure_future(awaitable)
    loop = fut.get_loop()
    done = GCoro.Promise.new()
    fut.add_done_callback(lambda _f: done.resolve(None))
    shielded = []

    def cancel_it(*_args):
        if loop.is_closed():
            return
        if _asyncio_events._get_running_loop() is loop or threading.get_ident() == getattr(loop, '_thread_id', None):
            fut.cancel()
        else:
            loop.call_soon_threadsafe(fut.cancel)

    def step(task, completed, _data):
        if fut.done():
            if shielded:
                task.shield_end()
            if fut.cancelled():
                task.return_error(GLib.Error.new_literal(
                    Gio.io_error_quark(), f"Task '{task.get_name()}' was cancelled",
                    Gio.IOErrorEnum.CANCELLED))
            elif fut.exception() is not None:
                _fail(task, fut.exception())
            elif fut.result() is not None:
                task.return_value(_to_gvalue(fut.result()))
            return None
        if completed is not None and not shielded:
            # Cancelled (the asyncio future was told through the task's
            # cancellable): wait, shielded, for it to end.
            shielded.append(True)
            task.shield_begin()
        return done

    task = GCoro.spawn_stepped(name or _asyncio_name(fut), step, None)
    task.get_cancellable().connect(cancel_it)
    return task


def _asyncio_name(fut):
    get_name = getattr(fut, 'get_name', None)
    return get_name() if get_name is not None else None


__all__.append('from_asyncio')


def run(coro, name=None):
    """Runs the coroutine to completion from plain code (asyncio.run()):
    returns its value, or raises its exception (the Python exception it
    raised, or the GLib.Error it failed with)."""
    task = spawn(coro, name)
    try:
        GCoro.run_until_complete(task)
    except GLib.Error:
        pass        # the task's outcome, read below, says what failed
    ok, value = _outcome(task)
    if ok:
        return value
    raise _exception_of(task, value)


__all__.append('run')


@contextlib.contextmanager
def shielded():
    """A shielded scope for cleanup after cancellation (Trio's
    CancelScope(shield=True)): inside `with GCoro.shielded():` the current
    task's awaits work even if it was cancelled, so a cancelled handler can
    still flush its last reply or close a TLS stream properly. Cancellation
    is level-triggered: a cancelled task's every await fails with
    G_IO_ERROR_CANCELLED, except inside a shield; after the block, the next
    await fails again. Operations started with future_of() inside the block
    use the scope's own cancellable, so the task's cancellation does not
    reach them either. Bound the cleanup with GCoro.future_with_timeout().
    Raises RuntimeError outside a GCoro task."""
    task = GCoro.Task.get_current()
    if task is None:
        raise RuntimeError('GCoro.shielded() is for the body of a GCoro task (a coroutine '
                           'run with GCoro.spawn() or GCoro.run()): no task is running here')
    task.shield_begin()
    try:
        yield task
    finally:
        # A coroutine closed outside its task's steps (collected unfinished)
        # has no scope to close: its task is over.
        if GCoro.Task.get_current() is task:
            task.shield_end()


__all__.append('shielded')


# --- GIO-style operations as futures ------------------------------------------------


# The future_of() operations still running, by their future (the step
# function looks up what its task awaits here).
_operations = {}


def _cancel_followers(followers):
    for op in list(followers):
        op.cancellable.cancel()


class _Operation:
    """One future_of() call: the cancellable it passes, and the sets of
    followers of the cancellables that cancel it (the caller's, the running
    task's). A cancellable gets one handler for all the operations that
    follow it, not one per operation."""

    __slots__ = ('cancellable', 'links', 'pending')

    def __init__(self):
        self.cancellable = Gio.Cancellable()
        self.links = []
        self.pending = True

    def follow(self, source):
        if source is None:
            return
        followers = getattr(source, '_gcoro_followers', None)
        if followers is None:
            # Kept on the wrapper (so with the cancellable) with its handler.
            followers = source._gcoro_followers = set()
            Gio.Cancellable.connect(source, lambda: _cancel_followers(followers), None)
        if source.is_cancelled():
            self.cancellable.cancel()
            return
        followers.add(self)
        self.links.append(followers)

    def end(self):
        self.pending = False
        for followers in self.links:
            followers.discard(self)
        self.links = None


def future_of(start, finish, *args, cancellable=None):
    """Starts a GIO-style operation, start(*args, cancellable, callback),
    and returns a GCoro future of finish(result): a coroutine awaits any
    _async/_finish pair with `await GCoro.future_of(obj.read_line_async,
    obj.read_line_finish)`. The future resolves with finish()'s return
    value (any Python object) or rejects with its GLib.Error.

    The operation gets a GCancellable of its own, cancelled by any of:
    the cancellable= given here; the running task's cancellation (called
    from a GCoro task: GCoro.get_cancellable(), which inside a shielded()
    scope is the scope's); cancelling the returned future (a timeout, a
    race's losers, future.cancel()). A task cancelled while it awaits the
    future sees G_IO_ERROR_CANCELLED at its await once the operation has
    reported, so nothing it was granted meanwhile (a permit, a queue item)
    is lost: if the operation completed anyway, its value is delivered and
    the task's next await fails."""
    promise = GCoro.Promise.new()
    op = _Operation()
    op.follow(cancellable)
    op.follow(GCoro.get_cancellable())

    def done(_source, result):
        op.end()
        _operations.pop(promise, None)
        try:
            value = finish(result)
        except GLib.Error as error:
            promise.reject(error)
        except Exception as exc:   # a broken finish must not leave the future pending
            promise.reject(_error_for_exception(exc, exc.__traceback__))
        else:
            holder = GObject.Value(GObject.TYPE_PYOBJECT)
            holder.set_value(value)
            promise.resolve(holder)

    def settled(future, _result):
        if op.pending and future.get_state() == GCoro.FutureState.CANCELLED:
            op.cancellable.cancel()

    _operations[promise] = op
    try:
        start(*args, op.cancellable, done)
    except BaseException:
        op.end()
        del _operations[promise]
        raise
    # Cancelling the future cancels the operation. This wait ends when the
    # future settles, or with the operation if that is cancelled first.
    promise.wait_async(op.cancellable, settled)
    return promise


__all__.append('future_of')


def sleep(msec):
    """A future that resolves after msec milliseconds (the scheduler's
    timer heap); cancellable like any future_of()."""
    return future_of(GCoro.sleep_async, GCoro.sleep_finish, msec)


def _next_turn(start, finish):
    """future_of() for the waits that end at the scheduler's next turn
    (yield, idle-yield): nothing to give back if the future is cancelled,
    so no cancellable of their own, and the calling task's cancellation
    reaches them in C. Half the cost of a future_of()."""
    promise = GCoro.Promise.new()

    def done(_source, result):
        try:
            value = finish(result)
        except GLib.Error as error:
            promise.reject(error)
        else:
            promise.resolve_boolean(value)
    start(None, done)
    return promise


def yield_():
    """asyncio.sleep(0): resumes after the other ready sources."""
    return _next_turn(GCoro.yield_async, GCoro.yield_finish)


def idle_yield():
    """Resumes once nothing of a higher priority (GTK drawing) is pending."""
    return _next_turn(GCoro.idle_yield_async, GCoro.idle_yield_finish)


__all__ += ['sleep', 'yield_', 'idle_yield']


def future_with_timeout(future, timeout_msec):
    """gcoro_future_with_timeout() under its C name (future.with_timeout()
    is the same): a future that settles like future within timeout_msec,
    or else cancels it and, once it has ended (a task's body has returned,
    a future_of()'s operation was cancelled), rejects with
    G_IO_ERROR_TIMED_OUT. Accepts any GCoro.Awaitable."""
    if not isinstance(future, GCoro.Future):
        future = future.get_future()
    return future.with_timeout(timeout_msec)


__all__.append('future_with_timeout')


# --- generators ------------------------------------------------------------------


def _glib_error(error):
    if isinstance(error, GLib.Error):
        return error
    return GLib.Error.new_literal(GCoro.error_quark(), f'{type(error).__name__}: {error}',
                                  GCoro.Error.FAILED)


def _sync_step(iterator):
    def step(gen, _completed, _data):
        try:
            if gen.is_closing():
                close = getattr(iterator, 'close', None)
                if close is not None:
                    close()
                return None
            value = next(iterator)
        except StopIteration:
            return None
        except BaseException as error:   # the body failed: the consumer gets it
            gen.return_error(_glib_error(error))
            return None
        gen.emit(_to_gvalue(value))
        return None
    return step


def _async_step(agen):
    pending = []     # the __anext__() awaitable of the item in progress

    def step(gen, completed, _data):
        try:
            if gen.is_closing():
                if pending:
                    # Stopped at an await of an item: closing that awaitable
                    # throws GeneratorExit into the body there.
                    pending.pop().close()
                    return None
                closing = agen.aclose()
                try:
                    closing.send(None)
                except StopIteration:
                    return None
                closing.close()      # cleanup that awaits cannot be waited for here
                return None
            if completed is None:
                pending.append(agen.__anext__())
                awaited = pending[0].send(None)
            else:
                awaited = _resume(pending[0], completed)
        except StopIteration as stop:       # an item
            pending.clear()
            gen.emit(_to_gvalue(stop.value))
            return None
        except StopAsyncIteration:
            pending.clear()
            return None
        except BaseException as error:
            pending.clear()
            gen.return_error(_glib_error(error))
            return None
        if isinstance(awaited, GCoro.Awaitable) and not isinstance(awaited, GCoro.Future):
            awaited = awaited.get_future()
        if not isinstance(awaited, GCoro.Future):
            pending.pop().close()
            gen.return_error(_glib_error(TypeError(
                f'a GCoro generator can only await GCoro futures, not {type(awaited).__name__}')))
            return None
        return awaited
    return step


def generator(source, name=None):
    """Makes a GCoro.Generator of a Python iterable, generator or async
    generator (or a function returning one). Its items are consumed from C,
    Python or JavaScript like those of any GCoro.Generator; closing it
    closes the Python generator (running its finally blocks)."""
    if callable(source) and not hasattr(source, '__next__') and not hasattr(source, '__anext__'):
        source = source()
    if hasattr(source, '__anext__'):
        step = _async_step(source)
    else:
        step = _sync_step(iter(source))
    gen = GCoro.Generator.new_stepped(step, None)
    if name is not None:
        gen.set_name(name)
    return gen


__all__.append('generator')


# --- workers -----------------------------------------------------------------------


def _call_step(func, args, kwargs):
    def step(task, _completed, _data):
        try:
            value = func(*args, **kwargs)
        except BaseException as error:   # the task's failure; awaiters get error back
            _fail(task, error)
            return None
        if value is not None:
            task.return_value(_to_gvalue(value))
        return None
    return step


class Worker(GCoro.Worker):
    """A thread running its own GMainContext and scheduler.

        worker = GCoro.Worker.new('cruncher')
        total = await worker.call(sum, range(10**6))   # runs on the worker
        value = await worker.spawn(some_coroutine())   # a coroutine there
        worker.stop()

    Python code on the worker takes turns with the main thread's through
    the GIL: PyGObject takes it for every call from the worker thread, and
    releases it while the main thread waits in GLib (a main loop iteration,
    GCoro.run()). So a worker helps when its functions spend their time in
    C (I/O, GLib, NumPy...) or to keep a blocking library off the main
    loop; pure-Python number crunching does not run in parallel. Context
    variables are copied from the caller, as for GCoro.spawn(). Stop
    workers explicitly (stop() or stop_async()): do not leave the last
    reference to a running worker to the garbage collector."""

    def spawn(self, coro, name=None):
        """Runs the coroutine (an `async def` call or a generator) as a task
        on the worker's scheduler; returns the GCoro.Future of its result.
        Its awaits (GCoro.sleep(), any future) wait on the worker."""
        if isinstance(coro, types.FunctionType) or callable(coro) and not hasattr(coro, 'send'):
            coro = coro()
        if not hasattr(coro, 'send'):
            raise TypeError(f'Worker.spawn() needs a coroutine or generator, not {type(coro).__name__}')
        return self.spawn_stepped(name, _step_function(coro), None)

    def call(self, func, *args, name=None, **kwargs):
        """Runs func(*args, **kwargs) once on the worker thread; returns the
        GCoro.Future of its return value (or of its exception, as a
        GLib.Error)."""
        return self.spawn_stepped(name, _call_step(func, args, kwargs), None)


Worker = override(Worker)
__all__.append('Worker')


# --- _async methods as awaitables ------------------------------------------------------


def _value_of_finish(finish_info, finish):
    """finish, returning what a Python caller wants: a _finish that returns
    a gboolean and throws (FALSE always comes with an error) and has out
    values gives the out value (or a tuple of them) alone."""
    from gi._gi import Direction, TypeTag
    outs = [a for a in finish_info.get_arguments() if a.get_direction() != Direction.IN]
    if not (outs and finish_info.can_throw_gerror() and
            finish_info.get_return_type().get_tag() == TypeTag.BOOLEAN):
        return finish
    if len(outs) == 1:
        return lambda *args: finish(*args)[1]
    return lambda *args: finish(*args)[1:]


class _AwaitableAsync:
    """An _async function or method of GCoro that, called without a
    callback, returns a GCoro future of its outcome (GCoro.future_of()):
    `await lock.acquire_async()`, `item = await queue.get_async()`,
    `line = await stream.read_line_async()` in asyncio tasks and GCoro
    coroutines alike; cancelling the future (or the task) cancels the
    operation. Called with a callback, it is the plain GIO-style call.
    Everything else (get_arguments(), ...) is the function's."""

    def __init__(self, start, finish):
        self._start = start
        self._finish = _value_of_finish(finish, finish)
        args = start.get_arguments()
        # Python callers do not pass the lengths of arrays.
        lengths = {a.get_type().get_array_length() for a in args} - {-1}
        names = [a.get_name() for i, a in enumerate(args) if i not in lengths]
        self._cancellable_at = names.index('cancellable')
        self._is_method = start.is_method()
        self.__name__ = start.__name__
        self.__doc__ = start.__doc__

    def __get__(self, obj, cls=None):
        if obj is None or not self._is_method:
            return self
        return types.MethodType(self, obj)

    def __getattr__(self, name):
        return getattr(self._start, name)

    def __call__(self, *args, **kwargs):
        given = len(args) - self._is_method
        if given > self._cancellable_at + 1 or 'callback' in kwargs:
            return self._start(*args, **kwargs)
        cancellable = kwargs.pop('cancellable', None)
        if given > self._cancellable_at:
            cancellable = args[-1]
            args = args[:-1]
        if kwargs:
            raise TypeError(f'{self.__name__}() got unexpected keyword arguments {sorted(kwargs)}')
        finish = self._finish
        if self._is_method:
            obj = args[0]
            return future_of(self._start, lambda result: finish(obj, result), *args,
                             cancellable=cancellable)
        return future_of(self._start, finish, *args, cancellable=cancellable)


def _awaitable_methods(cls):
    """Makes the _async methods of a class (or interface) that have a
    _finish twin _AwaitableAsync ones."""
    for attr, start in list(vars(cls).items()):
        if not attr.endswith('_async') or isinstance(start, _AwaitableAsync):
            continue
        finish = vars(cls).get(attr[:-6] + '_finish')
        if finish is None or not isinstance(start, FunctionInfo):
            continue    # not a twin, or a virtual function (do_*_async)
        try:
            setattr(cls, attr, _AwaitableAsync(start, finish))
        except ValueError:
            pass    # no argument called cancellable: left as it is


def _awaitable_asyncs():
    """Makes every _async function and method of GCoro with a _finish twin
    an _AwaitableAsync."""
    for name in dir(GCoro):
        obj = getattr(GCoro, name, None)
        if name.endswith('_async') and callable(obj) and hasattr(GCoro, name[:-6] + '_finish'):
            globals()[name] = _AwaitableAsync(obj, getattr(GCoro, name[:-6] + '_finish'))
            __all__.append(name)
        elif isinstance(obj, type) and issubclass(obj, (GObject.Object, GObject.GInterface)):
            _awaitable_methods(obj)


_awaitable_asyncs()


def _awaitable_gio():
    """Makes the _async methods of Gio's classes and interfaces, those made
    already and those made from now on, _AwaitableAsync ones (as PyGObject
    3.50 does for every namespace)."""
    from gi import module
    if getattr(module.IntrospectionModule, '_gcoro_awaitable', False):
        return
    gio = get_introspection_module('Gio')
    for obj in list(vars(gio).values()):
        if isinstance(obj, type):
            _awaitable_methods(obj)
    make = module.IntrospectionModule.__getattr__

    def getattr_awaitable(self, name):
        wrapper = make(self, name)
        if self._namespace == 'Gio' and isinstance(wrapper, type):
            _awaitable_methods(wrapper)
        return wrapper
    module.IntrospectionModule.__getattr__ = getattr_awaitable
    module.IntrospectionModule._gcoro_awaitable = True


# --- Python-shaped primitives ---------------------------------------------------------


class Lock(GCoro.Lock):
    """A GCoro.Lock: `async with lock:` (asyncio tasks and GCoro
    coroutines)."""

    async def __aenter__(self):
        await self.acquire_async()

    async def __aexit__(self, *exc_info):
        self.release()


Lock = override(Lock)
__all__.append('Lock')


class Semaphore(GCoro.Semaphore):
    """A GCoro.Semaphore: `async with sem:`."""

    async def __aenter__(self):
        await self.acquire_async()

    async def __aexit__(self, *exc_info):
        self.release()


Semaphore = override(Semaphore)
__all__.append('Semaphore')


class Queue(GCoro.Queue):
    """A GCoro.Queue: `item = await queue.get()`, `await queue.put(item)`,
    as asyncio.Queue's coroutines (a cancelled get takes nothing, a
    cancelled put puts nothing)."""

    async def get(self):
        return await self.get_async()

    async def put(self, item):
        return await self.put_async(item)

    def get_nowait(self):
        """An item if one is there, else asyncio.QueueEmpty."""
        ok, item = self.try_get()
        if not ok:
            raise asyncio.QueueEmpty()
        return item

    def put_nowait(self, item):
        """Puts item if there is room, else raises asyncio.QueueFull."""
        if not self.try_put(item):
            raise asyncio.QueueFull()


Queue = override(Queue)
__all__.append('Queue')


class TaskGroup(GCoro.TaskGroup):
    """A GCoro.TaskGroup (structured concurrency shared with C: a member
    that fails cancels the others; the group waits for all):

        async with GCoro.TaskGroup() as group:
            group.create_task(fetch(url))      # an asyncio coroutine
            group.add(some_c_future)

    Leaving the block waits for every member; a member's failure is raised
    (the exception itself, or a GLib.Error summing up several). An
    exception in the block cancels the members."""

    def __new__(cls, *args, **kwargs):
        return GCoro.TaskGroup.new()

    def __init__(self, *args, **kwargs):
        pass

    def create_task(self, coro, name=None):
        """Runs the coroutine as an asyncio task (GCoro.from_asyncio()) in
        the group; returns the GCoro.Task."""
        task = from_asyncio(coro, name=name)
        self.add(task)
        return task

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        if exc is not None:
            self.cancel()
        waited = self.wait_async()
        try:
            await waited
        except GLib.Error as error:
            if exc is None:
                failure = _exception_of(waited, error)
                raise failure from None
        return False


TaskGroup = override(TaskGroup)
__all__.append('TaskGroup')


# --- asyncio ------------------------------------------------------------------------

from . import _gcoro_event_loop as _event_loop  # noqa: E402
from ._gcoro_event_loop import EventLoop, EventLoopPolicy  # noqa: E402

_event_loop._accel.install(Future, _event_loop._running, _check_gcoro_loop, _event_loop._Waiter)


def install():
    """Makes GCoro.EventLoop asyncio's event loop, as uvloop.install() does:
    sets a GCoro.EventLoopPolicy, so asyncio.run() and
    asyncio.new_event_loop() make GCoro.EventLoop loops; makes
    GLib.MainLoop.run() and Gio.Application.run() (so Gtk.Application.run())
    run the thread's loop, so asyncio.get_running_loop() and create_task()
    work in GLib callbacks and GTK signal handlers; and makes Gio's _async
    methods, called without a callback, return awaitable futures
    (`data, etag = await file.load_contents_async()`), cancelled with the
    task that awaits them."""
    _event_loop.install()
    _awaitable_gio()


__all__ += ['EventLoop', 'EventLoopPolicy', 'install']


# GCoro.py: the PyGObject override of glib-coro
#
# Copyright 2026 The glib-coro authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python's own coroutines as glib-coro tasks.

    import gi
    gi.require_version('GCoro', '1.0')
    from gi.repository import GCoro

    async def main():
        await GCoro.sleep(100)                  # a GCoro.Future
        value = await some_promise              # any GCoro.Future
        return value

    result = GCoro.run(main())                  # like asyncio.run()
    task = GCoro.spawn(main(), name='main')     # a GCoro.Task, awaitable too

Coroutines run as *stepped* tasks: each step runs on the main stack (never
on a fiber), from the scheduler of the thread-default GMainContext, so they
take turns with GTK and every other source. Context variables follow the
task, GErrors surface as GLib.Error, and cancelling the task raises
G_IO_ERROR_CANCELLED inside the coroutine at its current await.
"""

import types

from gi.repository import GLib, GObject

from ..module import get_introspection_module
from ..overrides import override

GCoro = get_introspection_module('GCoro')

__all__ = []


class Awaitable(GCoro.Awaitable):
    """Anything a task can wait for (futures, tasks, events,
    GCoro.CancellableAwaitable, your own GObject types implementing
    GCoro.Awaitable with do_get_future()): `await obj` waits for the future
    obj.get_future() returns."""

    def __await__(self):
        return (yield self.get_future())


Awaitable = override(Awaitable)
__all__.append('Awaitable')


class Future(GCoro.Future):
    """A GCoro.Future that Python coroutines can await."""

    def __await__(self):
        return (yield self)

    __iter__ = __await__   # generator-based coroutines: `yield from future`


Future = override(Future)
__all__.append('Future')


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


def _step_function(coro):
    def step(task, completed, _data):
        try:
            if completed is None:
                awaited = coro.send(None)
            else:
                try:
                    _ok, value = completed.get_value()
                except GLib.Error as error:
                    awaited = coro.throw(error)
                else:
                    awaited = coro.send(value)
        except StopIteration as stop:
            if stop.value is not None:
                task.return_value(_to_gvalue(stop.value))
            return None
        except GLib.Error as error:
            task.return_error(error)
            return None
        except BaseException as error:   # a Python exception: report, then fail the task
            task.return_error(GLib.Error.new_literal(GCoro.error_quark(),
                                                     f'{type(error).__name__}: {error}',
                                                     GCoro.Error.FAILED))
            return None
        if isinstance(awaited, GCoro.Awaitable) and not isinstance(awaited, GCoro.Future):
            awaited = awaited.get_future()
        if not isinstance(awaited, GCoro.Future):
            coro.close()
            task.return_error(GLib.Error.new_literal(
                GCoro.error_quark(),
                f'a GCoro task can only await GCoro futures, not {type(awaited).__name__} '
                '(an asyncio coroutine needs an asyncio event loop)',
                GCoro.Error.FAILED))
            return None
        return awaited
    return step


def spawn(coro, name=None):
    """Runs the coroutine (an `async def` call or a generator) as a task on
    the thread-default context's scheduler and returns the GCoro.Task."""
    if isinstance(coro, types.FunctionType) or callable(coro) and not hasattr(coro, 'send'):
        coro = coro()
    if not hasattr(coro, 'send'):
        raise TypeError(f'GCoro.spawn() needs a coroutine or generator, not {type(coro).__name__}')
    return GCoro.spawn_stepped(name, _step_function(coro), None)


__all__.append('spawn')


def run(coro, name=None):
    """Runs the coroutine to completion from plain code (asyncio.run()):
    returns its value, or raises its GLib.Error."""
    task = spawn(coro, name)
    GCoro.run_until_complete(task)
    _ok, value = task.get_value()
    return value


__all__.append('run')


def future_of(start, finish, *args):
    """Starts a GIO-style operation, start(*args, cancellable, callback),
    and returns a GCoro future of finish(result): a coroutine awaits any
    _async/_finish pair with `await GCoro.future_of(obj.read_line_async,
    obj.read_line_finish)`. The future resolves with finish()'s return
    value (any Python object) or rejects with its GLib.Error."""
    promise = GCoro.Promise.new()

    def done(_source, result):
        try:
            value = finish(result)
        except GLib.Error as error:
            promise.reject(error)
        else:
            holder = GObject.Value(GObject.TYPE_PYOBJECT)
            holder.set_value(value)
            promise.resolve(holder)
    start(*args, None, done)
    return promise


__all__.append('future_of')


def sleep(msec):
    """A future that resolves after msec milliseconds (the scheduler's
    timer heap)."""
    return future_of(GCoro.sleep_async, GCoro.sleep_finish, msec)


def yield_():
    """asyncio.sleep(0): resumes after the other ready sources."""
    return future_of(GCoro.yield_async, GCoro.yield_finish)


def idle_yield():
    """Resumes once nothing of a higher priority (GTK drawing) is pending."""
    return future_of(GCoro.idle_yield_async, GCoro.idle_yield_finish)


__all__ += ['sleep', 'yield_', 'idle_yield']


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
                try:
                    _ok, value = completed.get_value()
                except GLib.Error as error:
                    awaited = pending[0].throw(error)
                else:
                    awaited = pending[0].send(value)
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
        except BaseException as error:   # reported as the task's GLib.Error
            task.return_error(_glib_error(error))
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

# _gcoro_event_loop.py: asyncio's event loop on glib-coro's scheduler
#
# Copyright 2026 The glib-coro authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""GCoro.EventLoop: an asyncio event loop whose iterations are run by the
glib-coro scheduler of a GMainContext.

    import asyncio
    import gi
    gi.require_version('GCoro', '1.0')
    from gi.repository import GCoro

    GCoro.install()            # like uvloop.install()
    asyncio.run(main())        # iterates the GMainContext: GTK keeps drawing

asyncio's own loop (SelectorEventLoop) is kept whole: its transports,
servers, TLS, subprocesses, signals, executors and datagram endpoints run
unchanged. What changes is underneath, in a GCoro.LoopBridge:

- call_soon() puts the handle in the loop's ready deque as before; the
  first one of a batch queues the bridge in the scheduler's ready queue
  (one entry per batch, not a GSource per callback); call_soon_threadsafe()
  wakes the bridge from any thread;
- call_later()/call_at() keep asyncio's heap of TimerHandles; its earliest
  deadline is the bridge's one entry in the scheduler's timer heap;
- readers and writers are descriptor watches of the bridge, registered
  once per descriptor on the scheduler's socket backend (glib or epoll);
- one iteration of the loop (the ready descriptors, the expired timers, a
  snapshot of the ready callbacks: what asyncio's _run_once() does after
  select()) runs from the scheduler's dispatch.

Whoever iterates the GMainContext runs the loop: run_forever() (so
asyncio.run() and run_until_complete()) iterates it, and so does a
GLib.MainLoop or Gtk.Application.run(). While a GLib.MainLoop or a
Gio.Application runs after install(), the loop counts as running:
asyncio.get_running_loop() and asyncio.create_task() work in GTK signal
handlers.
"""

import asyncio
import collections.abc
import contextlib
import contextvars
import errno
import functools
import heapq
import selectors
import signal
import sys
import threading
import warnings
import weakref

from asyncio import events
from asyncio import unix_events

from gi.repository import GLib, Gio

from ..module import get_introspection_module

GCoro = get_introspection_module('GCoro')

try:
    from . import _gcoro_accel as _accel
except ImportError as error:     # pragma: no cover - a broken installation
    raise ImportError(
        "glib-coro's Python override needs its compiled half, "
        "gi.overrides._gcoro_accel, which is built with the library "
        "(-Dpython_overrides=true, the default; it needs python3-dev and "
        "python-gi-dev) and installed next to GCoro.py. Uninstalled, put "
        "both introspection/python and <builddir>/introspection/python on "
        f"PYTHONPATH. ({error})") from error

__all__ = ['EventLoop', 'EventLoopPolicy', 'install']

# The GCoro.EventLoop running on each thread (`loop`), set and cleared
# with asyncio's running loop: GCoro futures read it where asyncio's
# _get_running_loop() would cost a getpid() system call.
_running = threading.local()

# The GCoro.Context of the asyncio task (or callback) whose contextvars
# hold it; None: the thread's own. See EventLoop._task_gcoro_context().
_TASK_CONTEXT = contextvars.ContextVar('gcoro_task_context', default=None)

_IN = int(GLib.IOCondition.IN)
_OUT = int(GLib.IOCondition.OUT)
# selectors' events -> the GIOCondition of the watch
_CONDITION = {events: GLib.IOCondition((_IN if events & selectors.EVENT_READ else 0) |
                                       (_OUT if events & selectors.EVENT_WRITE else 0))
              for events in range(4)}
_NO_DEADLINE = GCoro.LOOP_BRIDGE_NO_DEADLINE
_KEEP = GCoro.LOOP_BRIDGE_KEEP
_BATCHES = 4
_EVENTS = int(GCoro.LoopBridgeIterateFlags.EVENTS)

# GFileError codes back to errno values (the bridge reports a refused
# descriptor in the errno-shaped G_FILE_ERROR domain).
_ERRNO_OF_FILE_ERROR = {
    int(getattr(GLib.FileError, name)): getattr(errno, 'E' + name)
    for name in ('EXIST', 'ISDIR', 'ACCES', 'NAMETOOLONG', 'NOENT', 'NOTDIR', 'NXIO',
                 'NODEV', 'ROFS', 'TXTBSY', 'FAULT', 'LOOP', 'NOSPC', 'NOMEM', 'MFILE',
                 'NFILE', 'BADF', 'INVAL', 'PIPE', 'AGAIN', 'INTR', 'IO', 'PERM', 'NOSYS')
}


def _os_error(error):
    code = _ERRNO_OF_FILE_ERROR.get(error.code, errno.EINVAL)
    return OSError(code, error.message)


def _usec(when):
    """A loop time (time.monotonic(), in seconds) as a deadline for the
    scheduler (g_get_monotonic_time(), the same clock in microseconds),
    rounded up so that the loop finds its timer due when it fires."""
    return int(when * 1_000_000) + 1


class _Keys(collections.abc.Mapping):
    """The selector's get_map(): a read-only view of its keys."""

    __slots__ = ('_keys',)

    def __init__(self, keys):
        self._keys = keys

    def __len__(self):
        return len(self._keys)

    def __getitem__(self, fileobj):
        fd = selectors._fileobj_to_fd(fileobj)
        return self._keys[fd]

    def __iter__(self):
        return iter(self._keys)


class _BridgeSelector(selectors.BaseSelector):
    """The selector asyncio's SelectorEventLoop keeps its readers and
    writers in: each key is a descriptor watch of the loop's bridge. The
    loop never calls select(): readiness comes from the scheduler."""

    def __init__(self, bridge):
        self._bridge = bridge
        self._keys = {}                 # fd -> SelectorKey
        self._map = _Keys(self._keys)

    def _fd(self, fileobj):
        fd = selectors._fileobj_to_fd(fileobj)
        return fd

    def _watch(self, fd, events):
        try:
            self._bridge.watch_fd(fd, _CONDITION[events])
        except GLib.Error as error:
            if error.domain == GLib.file_error_quark():
                raise _os_error(error) from None
            raise

    def register(self, fileobj, events, data=None):
        if not events or events & ~(selectors.EVENT_READ | selectors.EVENT_WRITE):
            raise ValueError(f'Invalid events: {events!r}')
        fd = self._fd(fileobj)
        if fd in self._keys:
            raise KeyError(f'{fileobj!r} (FD {fd}) is already registered')
        key = selectors.SelectorKey(fileobj, fd, events, data)
        self._watch(fd, events)
        self._keys[fd] = key
        return key

    def unregister(self, fileobj):
        fd = self._fd(fileobj)
        try:
            key = self._keys.pop(fd)
        except KeyError:
            raise KeyError(f'{fileobj!r} is not registered') from None
        if self._bridge is not None:
            self._bridge.watch_fd(fd, _CONDITION[0])
        return key

    def modify(self, fileobj, events, data=None):
        fd = self._fd(fileobj)
        try:
            key = self._keys[fd]
        except KeyError:
            raise KeyError(f'{fileobj!r} is not registered') from None
        if not events or events & ~(selectors.EVENT_READ | selectors.EVENT_WRITE):
            raise ValueError(f'Invalid events: {events!r}')
        if events != key.events:
            self._watch(fd, events)
        if events != key.events or data is not key.data:
            key = key._replace(events=events, data=data)
            self._keys[fd] = key
        return key

    def select(self, timeout=None):
        # The scheduler reports readiness to the loop; nothing polls here.
        return []

    def get_map(self):
        return self._map

    def get_key(self, fileobj):
        try:
            return self._keys[self._fd(fileobj)]
        except KeyError:
            raise KeyError(f'{fileobj!r} is not registered') from None

    def close(self):
        self._keys.clear()
        self._bridge = None


def _iterate_weakly(loop_ref):
    """The bridge's function: a weak reference to the loop, so that a loop
    nobody closed can still be collected (and warn, as asyncio's do)."""
    def iterate(_bridge, has_events):
        loop = loop_ref()
        if loop is None:
            return _NO_DEADLINE
        return loop._iterate_batches(has_events)
    return iterate


class EventLoop(unix_events.SelectorEventLoop):
    """An asyncio event loop on the glib-coro scheduler of a GMainContext
    (by default the thread-default one), with everything asyncio's
    SelectorEventLoop has on Linux.

    run_forever() (asyncio.run(), run_until_complete()) iterates the
    context, so every GSource of it (GTK drawing, GLib timeouts, GCoro
    tasks) runs meanwhile; and whoever else iterates the context (a
    GLib.MainLoop, Gtk.Application.run()) runs the loop's callbacks too.
    """

    def __init__(self, context=None):
        if context is None:
            context = GLib.MainContext.ref_thread_default()
        self._gcoro_context = context
        self._bridge = GCoro.LoopBridge.new(context, _iterate_weakly(weakref.ref(self)))
        self._dispatching = False     # inside _iterate()
        self._wake_pending = False    # the bridge will run: no need to wake it
        self._armed = None            # the deadline the bridge holds (µs), if any
        self._pending_exc = None      # a BaseException for whoever drives the loop
        self._in_run_forever = False
        self._glib_quit = None        # quits the GLib main loop that drives us
        self._next = _KEEP            # what run_forever() tells the bridge next
        # token -> the asyncio future an asyncio task awaiting a GCoro
        # future waits on (_gcoro_accel), or (GCoro future, callback,
        # context) for add_done_callback()
        self._future_watches = {}
        self._task_contexts = False   # some task has a GCoro.Context of its own
        self._entered = None          # the GCoro.Context entered for a callback
        super().__init__(selector=_BridgeSelector(self._bridge))

    def get_context(self):
        """The GMainContext this loop runs on."""
        return self._gcoro_context

    # --- scheduling ---------------------------------------------------------------

    def _call_soon(self, callback, args, context):
        handle = events.Handle(callback, args, self, context)
        if handle._source_traceback:
            del handle._source_traceback[-1]
        self._ready.append(handle)
        if not self._dispatching and not self._wake_pending:
            # The first of a batch, outside an iteration (which tells the
            # bridge itself what comes next): queue the bridge.
            self._wake_pending = True
            self._bridge.wakeup()
        return handle

    def call_at(self, when, callback, *args, context=None):
        timer = super().call_at(when, callback, *args, context=context)
        if timer._source_traceback:
            del timer._source_traceback[-1]
        if not self._dispatching and self._scheduled[0] is timer:
            deadline = _usec(timer._when)
            if self._armed is None or deadline < self._armed:
                self._armed = deadline
                self._bridge.wake_at(deadline)
        return timer

    def _write_to_self(self):
        # call_soon_threadsafe(), signals: any thread may wake the bridge.
        bridge = self._bridge
        if bridge is not None:
            bridge.wakeup()

    # --- running ------------------------------------------------------------------

    def run_forever(self):
        self._in_run_forever = True
        outer = getattr(_running, 'loop', None)
        if outer is None:
            _running.loop = self
        try:
            super().run_forever()
        finally:
            self._in_run_forever = False
            _running.loop = outer

    def _run_once(self):
        # run_forever()'s step: one iteration of the GMainContext, in which
        # the scheduler reaches the bridge if the loop is due; then the
        # loop's own iteration, here rather than in a call back from C.
        deadline = self._next
        self._next = _KEEP
        due = _accel.iterate(self._bridge, deadline, not self._stopping)
        if due:
            self._next = self._iterate_batches(due & _EVENTS)
        exc = self._pending_exc
        if exc is not None:
            self._pending_exc = None
            raise exc

    def _iterate_batches(self, has_events):
        """What the scheduler runs when the loop is due: up to
        _BATCHES iterations of the loop in a row while callbacks keep
        being ready (or GCoro futures it watches settled in one of them:
        the bridge notes those at once) and no task of the scheduler is,
        so that the cost of a context iteration is shared by several
        (asyncio's loop polls once per iteration, a GMainContext iteration
        costs about three times as much). Other sources of the same
        priority wait at most that many iterations; GTK's, of a lower
        priority, do not run while the loop has callbacks ready anyway."""
        bridge = self._bridge
        _accel.begin_iteration(bridge)
        try:
            deadline = self._iterate(has_events)
            n = 1
            while n < _BATCHES and not self._stopping and self._pending_exc is None:
                news = _accel.has_news(bridge)
                if (deadline != 0 and not news) or _accel.has_company(bridge):
                    break
                deadline = self._iterate(news)
                n += 1
        finally:
            _accel.end_iteration(bridge)
        return deadline

    def _iterate(self, has_events):
        """One iteration of asyncio's loop (what _run_once() does once
        select() has returned): the ready descriptors and settled futures,
        the expired timers, a snapshot of the ready callbacks. Run from the
        scheduler's dispatch, or by run_forever() right after the context's
        iteration. Returns when the bridge should run it again."""
        if self._closed:
            return _NO_DEADLINE
        self._wake_pending = False
        entered = None
        if self._thread_id is None and events._get_running_loop() is None:
            # Run by a main loop nobody told us about (the context iterated
            # by hand, a main loop of C code): running for this iteration.
            entered = self._enter_running()
        self._dispatching = True
        ready = self._ready
        try:
            if has_events:
                self._take_events()
            if self._scheduled:
                self._expire_timers()
            # A snapshot: what callbacks schedule runs at the next
            # iteration, after the other sources of the context.
            n = len(ready)
            if self._debug or self._task_contexts:
                self._run_ready_slowly(n)
            else:
                while n:
                    n -= 1
                    handle = ready.popleft()
                    if handle._cancelled:
                        continue
                    handle._run()
                    if self._task_contexts:
                        # The callback gave its task a context of its own:
                        # the others run in theirs.
                        self._run_ready_slowly(n)
                        break
            handle = None
        except BaseException as exc:   # KeyboardInterrupt, SystemExit out of a callback
            self._raise_in_driver(exc)
        finally:
            self._dispatching = False
            if entered is not None:
                self._leave_running(entered)
        if ready:
            self._armed = 0
        elif self._scheduled:
            self._armed = _usec(self._scheduled[0]._when)
        else:
            self._armed = None
            return _NO_DEADLINE
        return self._armed

    def _take_events(self):
        # Settled futures' waiters are resolved on the way (their tasks'
        # wake-ups join _ready); ready descriptors come as (key, events).
        ready, settled = _accel.take_events(self._bridge, self._selector._keys,
                                            self._future_watches)
        if settled is not None:
            for future, fn, context in settled:
                self._ready.append(events.Handle(fn, (future,), self, context))
        if ready is not None:
            self._process_events(ready)

    def _expire_timers(self):
        scheduled = self._scheduled
        n = len(scheduled)
        if n > 100 and self._timer_cancelled_count * 2 > n:
            # Most of the heap is cancelled timers: rebuild it.
            kept = []
            for timer in scheduled:
                if timer._cancelled:
                    timer._scheduled = False
                else:
                    kept.append(timer)
            heapq.heapify(kept)
            self._scheduled = scheduled = kept
            self._timer_cancelled_count = 0
        end = self.time() + self._clock_resolution
        ready = self._ready
        while scheduled:
            timer = scheduled[0]
            if timer._cancelled:
                self._timer_cancelled_count -= 1
            elif timer._when >= end:
                break
            heapq.heappop(scheduled)
            timer._scheduled = False
            if not timer._cancelled:
                ready.append(timer)

    def _run_ready_slowly(self, n):
        """Runs the next n ready callbacks, each with its task's
        GCoro.Context entered, and in debug mode timed."""
        ready = self._ready
        debug = self._debug
        try:
            while n:
                n -= 1
                handle = ready.popleft()
                if handle._cancelled:
                    continue
                if self._task_contexts:
                    context = handle._context.get(_TASK_CONTEXT)
                    if context is not self._entered:
                        self._enter_gcoro_context(context)
                if debug:
                    self._run_debug(handle)
                else:
                    handle._run()
        finally:
            if self._entered is not None:
                self._enter_gcoro_context(None)

    def _enter_gcoro_context(self, context):
        self._entered = context
        self._bridge.enter_context(context)

    def _task_gcoro_context(self):
        """Called before Python code in an asyncio task sets a GCoro context
        variable: gives the task a GCoro.Context of its own, a copy of the
        current one, kept in its contextvars (so copied, as they are, by
        the tasks it creates: see create_task())."""
        if _TASK_CONTEXT.get() is not None:
            return
        context = GCoro.Context.copy_current()
        _TASK_CONTEXT.set(context)
        self._task_contexts = True
        self._enter_gcoro_context(context)

    def create_task(self, coro, *, name=None, context=None):
        if context is None:
            parent = _TASK_CONTEXT.get()
            if parent is not None:
                # The new task starts with a copy of the creator's values.
                context = contextvars.copy_context()
                context.run(_TASK_CONTEXT.set, parent.copy())
        return super().create_task(coro, name=name, context=context)

    def _run_debug(self, handle):
        try:
            self._current_handle = handle
            t0 = self.time()
            handle._run()
            dt = self.time() - t0
            if dt >= self.slow_callback_duration:
                asyncio.log.logger.warning('Executing %s took %.3f seconds',
                                           asyncio.base_events._format_handle(handle), dt)
        finally:
            self._current_handle = None

    def _raise_in_driver(self, exc):
        """A callback raised a BaseException that is not an Exception: it
        ends run_forever() as with asyncio's loop, or the GLib main loop
        that drives this one (GLib.MainLoop.run() or Gio.Application.run()
        raise it once they return, after install())."""
        if self._in_run_forever:
            self._pending_exc = exc
        elif self._glib_quit is not None:
            self._pending_exc = exc
            self._glib_quit()
        else:
            self.call_exception_handler({
                'message': 'Exception in a callback run from a GLib main loop',
                'exception': exc,
            })

    def _enter_running(self):
        """Marks the loop as running in this thread (as run_forever() does)
        while something else iterates its context; returns what
        _leave_running() restores."""
        self._check_closed()
        if events._get_running_loop() is not None:
            raise RuntimeError('Cannot run the event loop while another loop is running')
        saved = sys.get_asyncgen_hooks()
        self._thread_id = threading.get_ident()
        sys.set_asyncgen_hooks(firstiter=self._asyncgen_firstiter_hook,
                               finalizer=self._asyncgen_finalizer_hook)
        events._set_running_loop(self)
        _running.loop = self
        self._set_coroutine_origin_tracking(self._debug)
        return saved

    def _leave_running(self, saved):
        self._thread_id = None
        events._set_running_loop(None)
        _running.loop = None
        self._set_coroutine_origin_tracking(False)
        sys.set_asyncgen_hooks(*saved)

    @contextlib.contextmanager
    def _driven_by_glib(self, quit):
        """While a GLib main loop runs this loop's context: the loop is
        running, stop() quits that main loop, and signals wake it."""
        if self.is_running() or self.is_closed() or events._get_running_loop() is not None:
            yield False
            return
        saved = self._enter_running()
        self._glib_quit = quit
        try:
            with self._signals_wake_loop():
                yield True
        finally:
            self._glib_quit = None
            self._stopping = False
            self._leave_running(saved)
        exc = self._pending_exc
        if exc is not None:
            self._pending_exc = None
            raise exc

    @contextlib.contextmanager
    def _signals_wake_loop(self):
        """PyGObject's main loops point Python's signal wake-up descriptor at
        a socket of their own, so that Python signal handlers run while GLib
        waits; the loop's self-pipe does the same job, and is where asyncio's
        signal handlers (add_signal_handler()) learn of their signals. Keep
        it (or make it) the wake-up descriptor for the main loop's run."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        from gi import _ossighelper
        previous = signal.set_wakeup_fd(self._csock.fileno())
        was_active = _ossighelper._wakeup_fd_is_active
        _ossighelper._wakeup_fd_is_active = True
        try:
            yield
        finally:
            _ossighelper._wakeup_fd_is_active = was_active
            if not self._signal_handlers:
                signal.set_wakeup_fd(previous)

    def stop(self):
        """Stops run_forever() after the current iteration; while a GLib
        main loop drives this loop (after install()), quits it instead."""
        if self._glib_quit is not None:
            self._glib_quit()
            return
        super().stop()

    def __del__(self, _warn=warnings.warn, _finalizing=sys.is_finalizing):
        # At interpreter exit the bridge goes with the process; closing the
        # loop then would only fail on half-torn-down modules (as would a
        # look-up of sys here).
        if not _finalizing():
            super().__del__(_warn)

    def close(self):
        if self.is_running():
            raise RuntimeError('Cannot close a running event loop')
        if self.is_closed():
            return
        bridge = self._bridge
        super().close()
        self._future_watches.clear()
        self._bridge = None
        bridge.close()

    # --- futures of C ---------------------------------------------------------------

    def _watch_gcoro_future(self, future, fn, context=None):
        """GCoro.Future.add_done_callback(): fn(future) runs in this loop
        once the future settles (reported by the bridge, no callback of its
        own per future)."""
        if self._closed:
            raise RuntimeError('Event loop is closed')
        if context is None:
            context = contextvars.copy_context()
        token = _accel.next_token()
        self._future_watches[token] = (future, fn, context)
        self._bridge.watch_future(future, token)

    def _unwatch_gcoro_future(self, future, fn):
        tokens = [token for token, watch in self._future_watches.items()
                  if type(watch) is tuple and watch[0] is future and watch[1] == fn]
        for token in tokens:
            del self._future_watches[token]
            self._bridge.unwatch_future(token)
        return len(tokens)


class _Waiter(asyncio.Future):
    """What an asyncio task awaiting a pending GCoro future waits on
    (GCoro.Future.__await__, in _gcoro_accel): an asyncio future the loop
    resolves with None once the bridge reports the GCoro future settled,
    so that the task waits with asyncio's own machinery. Task.cancel()
    cancels the GCoro future instead of the waiter, at once, as it cancels
    an awaited asyncio future: whatever that future's operation was granted
    meanwhile is not lost, and the task sees the outcome (CancelledError
    when the cancellation took) once the future has settled."""

    __slots__ = ('_gcoro_future',)

    def cancel(self, msg=None):
        return self._gcoro_future.cancel(msg)


class EventLoopPolicy(unix_events.DefaultEventLoopPolicy):
    """asyncio's default policy, making GCoro.EventLoop loops (on the
    thread-default GMainContext of the thread that asks)."""

    _loop_factory = EventLoop

    def _loop_for_context(self, context):
        """The loop of this thread for a GLib main loop that runs context:
        the thread's current loop if it runs on context, else a new one
        (the thread's current loop from now on) if the thread has none."""
        loop = self._local._loop
        if isinstance(loop, EventLoop) and not loop.is_closed():
            return loop if loop._gcoro_context == context else None
        if loop is not None and not loop.is_closed():
            return None
        if context != GLib.MainContext.ref_thread_default():
            return None
        loop = self.new_event_loop()
        self.set_event_loop(loop)
        return loop


def _driving(policy, context, quit):
    loop = policy._loop_for_context(context) if isinstance(policy, EventLoopPolicy) else None
    if loop is None:
        return contextlib.nullcontext()
    return loop._driven_by_glib(quit)


_patched = {}


def _patch_main_loops():
    """GLib.MainLoop.run() and Gio.Application.run() mark the thread's
    GCoro.EventLoop as running while they run (once install() was called)."""
    if _patched:
        return
    main_loop_run = GLib.MainLoop.run
    application_run = Gio.Application.run

    @functools.wraps(main_loop_run)
    def run_main_loop(self, *args, **kwargs):
        with _driving(asyncio.get_event_loop_policy(), self.get_context(), self.quit):
            return main_loop_run(self, *args, **kwargs)

    @functools.wraps(application_run)
    def run_application(self, *args, **kwargs):
        with _driving(asyncio.get_event_loop_policy(), GLib.MainContext.default(), self.quit):
            return application_run(self, *args, **kwargs)

    _patched[GLib.MainLoop] = main_loop_run
    _patched[Gio.Application] = application_run
    GLib.MainLoop.run = run_main_loop
    Gio.Application.run = run_application


def install():
    """Makes GCoro.EventLoop asyncio's event loop, as uvloop.install() does:
    sets a GCoro.EventLoopPolicy, so asyncio.run() and
    asyncio.new_event_loop() make GCoro.EventLoop loops, and makes
    GLib.MainLoop.run() and Gio.Application.run() (so Gtk.Application.run())
    run the thread's loop: asyncio.get_running_loop() and create_task()
    work in GLib callbacks and GTK signal handlers."""
    if not isinstance(asyncio.get_event_loop_policy(), EventLoopPolicy):
        asyncio.set_event_loop_policy(EventLoopPolicy())
    _patch_main_loops()

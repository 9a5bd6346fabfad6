/* gcoro-loop-bridge.c: another language's event loop, run by a scheduler
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroLoopBridge:
 *
 * Runs an event loop written in another language (Python's asyncio loop,
 * `GCoro.EventLoop`) on a scheduler, so that its callbacks, timers and
 * descriptor watches take turns with tasks, GTK and every other source of
 * the [struct@GLib.MainContext].
 *
 * The hosted loop keeps its own queue of ready callbacks and its own
 * timers, and gives the bridge one function, a [callback@GCoro.LoopBridgeFunc]
 * that runs one iteration of it (the ready callbacks, the expired timers,
 * the descriptors that became ready) and returns when it wants to run
 * again. The bridge calls it from the scheduler's dispatch:
 *
 * - at the scheduler's next turn when the function asked for it (more
 *   callbacks are ready) or after [method@GCoro.LoopBridge.wakeup], which
 *   any thread may call (asyncio's `call_soon_threadsafe()`);
 * - when the deadline it returned, or one given to
 *   [method@GCoro.LoopBridge.wake_at], comes: an entry in the scheduler's
 *   timer heap, not a [struct@GLib.Source];
 * - when a descriptor watched with [method@GCoro.LoopBridge.watch_fd]
 *   becomes ready (one registration per descriptor on the scheduler's
 *   socket backend, level-triggered, as asyncio's selectors are), or a
 *   future watched with [method@GCoro.LoopBridge.watch_future] settles.
 *   [method@GCoro.LoopBridge.take_events] then lists them.
 *
 * |[<!-- language="C" -->
 * static gint64
 * iterate (GCoroLoopBridge *bridge,
 *          gboolean         has_events,
 *          gpointer         user_data)
 * {
 *   MyLoop *loop = user_data;
 *
 *   if (has_events)
 *     {
 *       gsize n;
 *       g_autofree gint64 *events = gcoro_loop_bridge_take_events (bridge, &n);
 *
 *       for (gsize i = 0; i < n; i += 2)
 *         if (events[i] == GCORO_LOOP_BRIDGE_FUTURE)
 *           my_loop_future_done (loop, events[i + 1]);
 *         else
 *           my_loop_fd_ready (loop, (int) events[i], (GIOCondition) events[i + 1]);
 *     }
 *   my_loop_run_expired_timers (loop);
 *   my_loop_run_ready_callbacks (loop);
 *
 *   if (my_loop_has_ready_callbacks (loop))
 *     return 0;
 *   return my_loop_next_deadline (loop);   // or GCORO_LOOP_BRIDGE_NO_DEADLINE
 * }
 * ]|
 *
 * The bridge belongs to the thread that runs its context; only
 * [method@GCoro.LoopBridge.wakeup] may be called from other threads.
 */

/* NOTES:
 * - One runnable per bridge, not one per callback: the hosted loop batches
 *   its ready callbacks as asyncio's own _run_once() does, so a burst of
 *   call_soon() costs one trip through C, and the runnable sits in the
 *   scheduler's ready queue in FIFO order with tasks. Measured from Python
 *   (debug build): a context iteration costs ≈ 0.65 µs, one that calls
 *   the bridge's function back into Python ≈ 1.2 µs, asyncio's whole
 *   call_soon() round trip ≈ 1.2 µs; a trip per callback would double it.
 * - gcoro_loop_bridge_iterate(): when the hosted loop drives the context
 *   (run_forever()), its iteration runs after the context's, in the
 *   caller, rather than through a call back from C (the round trip went
 *   from 2.8 to 2.2 µs). The Python loop then runs up to 4 of its
 *   iterations in a row while it has callbacks ready and the scheduler
 *   nothing else (gcoro_loop_bridge_has_company()): 1.1 µs, asyncio's cost.
 *   With 8 in a row the per-operation figures were a little better and the
 *   streams echo a little worse; with 1, the echo lost 20%.
 * - One timer per bridge, at the hosted loop's earliest deadline: asyncio
 *   keeps its heap of TimerHandles (cancelling one is a flag, as before),
 *   the scheduler's heap holds the one deadline that matters.
 * - Readiness is level-triggered (asyncio's transports read a bounded
 *   amount per callback and count on being called again); the registration
 *   lives as long as the descriptor has a reader or a writer, like a key of
 *   a selector.
 * - Settled futures come back as tokens, in the same list as descriptors,
 *   so a Python task awaiting a C future costs no GAsyncResult and no
 *   extra call into Python.
 */

#include "gcoro-config.h"

#include <errno.h>

#include "gcoro-context-private.h"
#include "gcoro-error.h"
#include "gcoro-future-private.h"
#include "gcoro-io-watch-private.h"
#include "gcoro-loop-bridge.h"
#include "gcoro-scheduler-private.h"

typedef struct _FdWatch     FdWatch;
typedef struct _FutureWatch FutureWatch;

/* A descriptor with a reader and/or a writer. */
struct _FdWatch
{
  GCoroIOWatch     io;          /* first: the watch function finds us */
  GCoroLoopBridge *bridge;
  GIOCondition     condition;   /* what the hosted loop watches for */
  GIOCondition     ready;       /* reported, not yet taken */
  FdWatch         *ready_next;  /* in the bridge's ready list while ready != 0 */
  FdWatch        **ready_prevp;
};

/* A future whose settling the hosted loop waits for. */
struct _FutureWatch
{
  GCoroWaiter      waiter;      /* first */
  GCoroLoopBridge *bridge;      /* a reference while in flight */
  GCoroFuture     *future;      /* a reference */
  gint64           token;
  gboolean         abandoned;   /* unwatched while in flight */
};

struct _GCoroLoopBridge
{
  GObject              parent_instance;

  GMainContext        *context;
  GCoroScheduler      *scheduler;     /* owns our runnable's queue and the timer */
  GCoroBand           *band;
  GCoroLoopBridgeFunc  func;
  gpointer             user_data;
  GDestroyNotify       notify;

  GCoroRunnable        runnable;
  int                  queued;        /* atomic: the runnable is queued or in the inbox */
  GCoroTimer           timer;

  GHashTable          *fds;           /* fd -> FdWatch */
  FdWatch             *ready_head;
  FdWatch            **ready_tailp;
  GHashTable          *futures;       /* &token -> FutureWatch */
  GArray              *settled;       /* tokens of settled futures, not yet taken */

  GCoroContext        *entered;       /* see gcoro_loop_bridge_enter_context() */
  GCoroContextCell    *left_cell;     /* current before it was entered */

  int                  driving;       /* inside gcoro_loop_bridge_iterate() */
  guint                iterating : 1; /* between begin_iteration() and end_iteration() */
  guint                news : 1;      /* futures settled meanwhile, not posted */
  guint                in_func : 1;
  guint                again : 1;     /* woken while func ran */
  guint                due : 1;       /* reached while driving: iterate() tells */
  guint                closed : 1;
};

G_DEFINE_FINAL_TYPE (GCoroLoopBridge, gcoro_loop_bridge, G_TYPE_OBJECT)

static void bridge_run (GCoroRunnable *runnable);

static inline GCoroLoopBridge *
bridge_of_runnable (GCoroRunnable *runnable)
{
  return (GCoroLoopBridge *) ((char *) runnable - G_STRUCT_OFFSET (GCoroLoopBridge, runnable));
}

static inline GCoroLoopBridge *
bridge_of_timer (GCoroTimer *timer)
{
  return (GCoroLoopBridge *) ((char *) timer - G_STRUCT_OFFSET (GCoroLoopBridge, timer));
}

/* Queues the runnable unless it is queued already; any thread. The queue
 * holds a reference, dropped once it has run. */
static void
bridge_post (GCoroLoopBridge *self)
{
  if (_gcoro_scheduler_is_owner_thread (self->scheduler) && self->driving > 0)
    {
      /* The hosted loop runs its iteration once the context's returns:
       * no need to go through the queue. */
      self->due = TRUE;
      return;
    }
  if (!g_atomic_int_compare_and_exchange (&self->queued, FALSE, TRUE))
    return;
  g_object_ref (self);
  self->runnable.func = bridge_run;
  _gcoro_scheduler_post (self->scheduler, self->band, &self->runnable);
}

/* --- descriptors -------------------------------------------------------------- */

static void
fd_watch_unready (FdWatch *w)
{
  GCoroLoopBridge *self = w->bridge;

  if (w->ready_prevp == NULL)
    return;
  *w->ready_prevp = w->ready_next;
  if (w->ready_next != NULL)
    w->ready_next->ready_prevp = w->ready_prevp;
  else
    self->ready_tailp = w->ready_prevp;
  w->ready_next = NULL;
  w->ready_prevp = NULL;
  w->ready = 0;
}

static void
fd_watch_free (gpointer data)
{
  FdWatch *w = data;

  fd_watch_unready (w);
  _gcoro_io_watch_clear (&w->io);
  g_free (w);
}

/* From the poller's dispatch, before the scheduler runs its queue. */
static GIOCondition
fd_watch_ready (GCoroIOWatch *watch,
                GIOCondition  ready)
{
  FdWatch *w = (FdWatch *) watch;
  GCoroLoopBridge *self = w->bridge;

  /* A hang-up or an error is news for readers and writers alike, as
   * selectors report it. */
  if (ready & (G_IO_HUP | G_IO_ERR | G_IO_NVAL))
    ready |= G_IO_IN | G_IO_OUT;
  ready &= w->condition;
  if (ready == 0)
    return w->condition;

  w->ready |= ready;
  if (w->ready_prevp == NULL)
    {
      w->ready_next = NULL;
      w->ready_prevp = self->ready_tailp;
      *self->ready_tailp = w;
      self->ready_tailp = &w->ready_next;
    }
  bridge_post (self);
  return w->condition;
}

static gboolean
set_errno_error (GError     **error,
                 int          errsv,
                 int          fd)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
               "Cannot watch descriptor %d: %s", fd, g_strerror (errsv));
  return FALSE;
}

/* --- futures ------------------------------------------------------------------ */

static void
future_watch_free (FutureWatch *fw)
{
  g_clear_object (&fw->future);
  g_clear_object (&fw->bridge);
  g_free (fw);
}

/* On the owner thread, from dispatch, or inside the call that settled the
 * future (the waiter is at_once: this only takes note): the future
 * settled. */
static void
future_watch_delivered (GCoroWaiter *waiter,
                        GCoroFuture *future)
{
  FutureWatch *fw = (FutureWatch *) waiter;
  GCoroLoopBridge *self = fw->bridge;

  if (!fw->abandoned && !self->closed)
    {
      g_hash_table_steal (self->futures, &fw->token);
      g_array_append_val (self->settled, fw->token);
      if (self->iterating)
        self->news = TRUE;     /* the hosted loop takes it before it stops */
      else
        bridge_post (self);
    }
  future_watch_free (fw);
}

/* Unlinks @fw from its future; a watch in flight is freed on delivery. */
static void
future_watch_abandon (FutureWatch *fw)
{
  if (_gcoro_future_remove_waiter (fw->future, &fw->waiter))
    future_watch_free (fw);
  else
    fw->abandoned = TRUE;
}

/* --- running the hosted loop ---------------------------------------------------- */

static void
bridge_schedule (GCoroLoopBridge *self,
                 gint64           next)
{
  if (next < 0)
    return;
  if (next <= g_get_monotonic_time ())
    {
      bridge_post (self);
      return;
    }
  _gcoro_scheduler_add_timer (self->scheduler, &self->timer, next);
}

static void
bridge_call (GCoroLoopBridge *self)
{
  gboolean has_events;
  gint64 next;

  if (self->in_func)
    {
      /* Woken from inside its own iteration (a nested main loop): once it
       * returns. */
      self->again = TRUE;
      return;
    }

  _gcoro_scheduler_remove_timer (self->scheduler, &self->timer);
  has_events = self->ready_head != NULL || self->settled->len > 0;

  g_object_ref (self);
  self->in_func = TRUE;
  self->again = FALSE;
  next = self->func (self, has_events, self->user_data);
  self->in_func = FALSE;

  if (!self->closed)
    {
      if (self->again)
        next = 0;
      bridge_schedule (self, next);
    }
  g_object_unref (self);
}

static void
bridge_run (GCoroRunnable *runnable)
{
  GCoroLoopBridge *self = bridge_of_runnable (runnable);

  g_atomic_int_set (&self->queued, FALSE);
  if (self->closed)
    ;
  else if (self->driving > 0)
    {
      /* The hosted loop iterates the context itself: it runs its
       * iteration once the context's returns, without a call back. */
      _gcoro_scheduler_remove_timer (self->scheduler, &self->timer);
      self->due = TRUE;
    }
  else
    bridge_call (self);
  g_object_unref (self);
}

static void
bridge_timer_expired (GCoroTimer *timer)
{
  /* Expired timers are run before the ready queue's snapshot is taken:
   * the iteration runs in this dispatch. */
  bridge_post (bridge_of_timer (timer));
}

/* --- life cycle ---------------------------------------------------------------- */

static void
gcoro_loop_bridge_finalize (GObject *object)
{
  GCoroLoopBridge *self = GCORO_LOOP_BRIDGE (object);

  gcoro_loop_bridge_close (self);
  g_clear_pointer (&self->fds, g_hash_table_unref);
  g_clear_pointer (&self->futures, g_hash_table_unref);
  g_clear_pointer (&self->settled, g_array_unref);
  g_clear_object (&self->scheduler);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (gcoro_loop_bridge_parent_class)->finalize (object);
}

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gcoro_loop_bridge_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  GCoroLoopBridge *self = GCORO_LOOP_BRIDGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_boxed (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_loop_bridge_class_init (GCoroLoopBridgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcoro_loop_bridge_finalize;
  G_OBJECT_CLASS (klass)->get_property = gcoro_loop_bridge_get_property;

  /**
   * GCoroLoopBridge:context: (getter get_context)
   *
   * The [struct@GLib.MainContext] whose scheduler the bridge runs on, as given to
   * [ctor@GCoro.LoopBridge.new].
   */
  properties[PROP_CONTEXT] =
    g_param_spec_boxed ("context", NULL, NULL, G_TYPE_MAIN_CONTEXT,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, properties);
}

static void
gcoro_loop_bridge_init (GCoroLoopBridge *self)
{
  self->fds = g_hash_table_new_full (NULL, NULL, NULL, fd_watch_free);
  self->ready_tailp = &self->ready_head;
  self->futures = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->settled = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->timer.func = bridge_timer_expired;
}

/**
 * gcoro_loop_bridge_new:
 * @context: (nullable): the [struct@GLib.MainContext] to run on, or %NULL for the
 *   thread-default one
 * @func: (scope notified) (closure user_data) (destroy notify): runs one
 *   iteration of the hosted loop
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the bridge is closed
 *
 * Creates a bridge that calls @func from the scheduler of @context. Call it
 * on the thread that runs @context. @func is first called once woken
 * ([method@GCoro.LoopBridge.wakeup], [method@GCoro.LoopBridge.wake_at]) or
 * when something it watches is ready.
 *
 * Returns: (transfer full): a new [class@GCoro.LoopBridge]
 */
GCoroLoopBridge *
gcoro_loop_bridge_new (GMainContext        *context,
                       GCoroLoopBridgeFunc  func,
                       gpointer             user_data,
                       GDestroyNotify       notify)
{
  GCoroLoopBridge *self;

  g_return_val_if_fail (func != NULL, NULL);

  if (context == NULL)
    context = g_main_context_get_thread_default ();
  if (context == NULL)
    context = g_main_context_default ();

  self = g_object_new (GCORO_TYPE_LOOP_BRIDGE, NULL);
  self->context = g_main_context_ref (context);
  self->scheduler = g_object_ref (gcoro_scheduler_get_for_context (context));
  self->band = _gcoro_scheduler_get_main_band (self->scheduler);
  self->func = func;
  self->user_data = user_data;
  self->notify = notify;

  if (self->band == NULL)
    {
      /* The context is being destroyed: nothing will ever run. */
      self->closed = TRUE;
    }

  return self;
}

/**
 * gcoro_loop_bridge_get_context:
 * @self: a [class@GCoro.LoopBridge]
 *
 * Gets the context @self bridges.
 *
 * Returns: (transfer none): the [struct@GLib.MainContext] @self runs on
 */
GMainContext *
gcoro_loop_bridge_get_context (GCoroLoopBridge *self)
{
  g_return_val_if_fail (GCORO_IS_LOOP_BRIDGE (self), NULL);

  return self->context;
}

/**
 * gcoro_loop_bridge_wakeup:
 * @self: a [class@GCoro.LoopBridge]
 *
 * Has the bridge's function called at the scheduler's next turn (once,
 * however many times this is called before it runs). Any thread: from
 * another thread, the context is woken up ([method@GLib.MainContext.wakeup]). Does
 * nothing once @self is closed.
 */
void
gcoro_loop_bridge_wakeup (GCoroLoopBridge *self)
{
  g_return_if_fail (GCORO_IS_LOOP_BRIDGE (self));

  if (self->closed)
    return;
  bridge_post (self);
}

static gboolean
check_owner (GCoroLoopBridge *self,
             const char      *func)
{
  if (G_LIKELY (_gcoro_scheduler_is_owner_thread (self->scheduler)))
    return TRUE;
  g_critical ("%s() called from a thread that does not run the bridge's context; "
              "only gcoro_loop_bridge_wakeup() may be called from other threads", func);
  return FALSE;
}

/**
 * gcoro_loop_bridge_wake_at:
 * @self: a [class@GCoro.LoopBridge]
 * @deadline: a monotonic time in microseconds ([func@GLib.get_monotonic_time])
 *
 * Has the bridge's function called no later than @deadline, for a timer
 * the hosted loop added outside its function (which returns its next
 * deadline itself). An earlier deadline already set stays; a later one
 * only costs the function a call that finds nothing to do. Owner thread.
 */
void
gcoro_loop_bridge_wake_at (GCoroLoopBridge *self,
                           gint64           deadline)
{
  g_return_if_fail (GCORO_IS_LOOP_BRIDGE (self));

  if (!check_owner (self, G_STRFUNC) || self->closed || self->in_func)
    return;
  if (_gcoro_timer_is_armed (&self->timer))
    {
      if (_gcoro_timer_get_deadline (&self->timer) <= deadline)
        return;
      _gcoro_scheduler_remove_timer (self->scheduler, &self->timer);
    }
  bridge_schedule (self, deadline);
}

/**
 * gcoro_loop_bridge_watch_fd:
 * @self: a [class@GCoro.LoopBridge]
 * @fd: a descriptor (a socket, a pipe, ...)
 * @condition: [G_IO_IN][flags@GLib.IOCondition], [G_IO_OUT][flags@GLib.IOCondition], both, or 0 to stop watching @fd
 * @error: return location for a [struct@GLib.Error]
 *
 * Watches @fd for @condition, replacing what it was watched for before.
 * While @fd is ready the bridge's function is called at every turn of the
 * scheduler, and [method@GCoro.LoopBridge.take_events] reports it
 * (level-triggered, like poll() and asyncio's selectors); a hang-up or an
 * error is reported as every condition watched. Stop watching @fd before
 * it is closed. Owner thread.
 *
 * Errors: [GCORO_ERROR_CLOSED][error@GCoro.Error] once @self is closed
 * ([method@GCoro.LoopBridge.close]); a descriptor the socket backend
 * refuses (the epoll backend refuses regular files) in GLib's
 * errno-shaped [error@GLib.FileError] domain, which the Python event loop turns
 * back into the `OSError` asyncio expects.
 *
 * Returns: %TRUE on success; %FALSE with @error set
 */
gboolean
gcoro_loop_bridge_watch_fd (GCoroLoopBridge  *self,
                            int               fd,
                            GIOCondition      condition,
                            GError          **error)
{
  FdWatch *w;

  g_return_val_if_fail (GCORO_IS_LOOP_BRIDGE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_owner (self, G_STRFUNC))
    return FALSE;
  if (fd < 0)
    return set_errno_error (error, EBADF, fd);
  if (self->closed)
    {
      g_set_error (error, GCORO_ERROR, GCORO_ERROR_CLOSED, "The loop bridge is closed");
      return FALSE;
    }

  condition &= G_IO_IN | G_IO_OUT;
  w = g_hash_table_lookup (self->fds, GINT_TO_POINTER (fd));

  if (condition == 0)
    {
      if (w != NULL)
        g_hash_table_remove (self->fds, GINT_TO_POINTER (fd));
      return TRUE;
    }

  if (w != NULL)
    {
      if (!_gcoro_io_watch_set_level (&w->io, condition))
        return set_errno_error (error, errno, fd);
      w->condition = condition;
      w->ready &= condition;
      if (w->ready == 0)
        fd_watch_unready (w);
      return TRUE;
    }

  w = g_new0 (FdWatch, 1);
  w->bridge = self;
  w->condition = condition;
  if (!_gcoro_io_watch_init_level (&w->io, _gcoro_scheduler_get_poller (self->scheduler),
                                   fd, condition, fd_watch_ready))
    {
      int errsv = errno;

      g_free (w);
      return set_errno_error (error, errsv, fd);
    }
  g_hash_table_insert (self->fds, GINT_TO_POINTER (fd), w);
  return TRUE;
}

/**
 * gcoro_loop_bridge_watch_future:
 * @self: a [class@GCoro.LoopBridge]
 * @future: a [class@GCoro.Future]
 * @token: a number the hosted loop chooses, unique among its watched
 *   futures
 *
 * Reports @token in [method@GCoro.LoopBridge.take_events] once @future has
 * settled (at once if it has): that is how an asyncio task awaits a
 * future, without a callback per future. Owner thread.
 */
void
gcoro_loop_bridge_watch_future (GCoroLoopBridge *self,
                                GCoroFuture     *future,
                                gint64           token)
{
  FutureWatch *fw;

  g_return_if_fail (GCORO_IS_LOOP_BRIDGE (self));
  g_return_if_fail (GCORO_IS_FUTURE (future));

  if (!check_owner (self, G_STRFUNC) || self->closed)
    return;
  if (g_hash_table_contains (self->futures, &token))
    {
      g_critical ("%s(): token %" G_GINT64_FORMAT " is already watched", G_STRFUNC, token);
      return;
    }

  fw = g_new0 (FutureWatch, 1);
  fw->bridge = g_object_ref (self);
  fw->future = g_object_ref (future);
  fw->token = token;
  fw->waiter.scheduler = self->scheduler;
  fw->waiter.band = self->band;
  fw->waiter.func = future_watch_delivered;
  fw->waiter.at_once = TRUE;

  if (!_gcoro_future_add_waiter (future, &fw->waiter))
    {
      /* Settled already: reported like any other. */
      g_array_append_val (self->settled, token);
      future_watch_free (fw);
      bridge_post (self);
      return;
    }
  g_hash_table_insert (self->futures, &fw->token, fw);
}

/**
 * gcoro_loop_bridge_unwatch_future:
 * @self: a [class@GCoro.LoopBridge]
 * @token: the token given to [method@GCoro.LoopBridge.watch_future]
 *
 * Stops watching the future of @token: it will not be reported. Owner
 * thread.
 *
 * Returns: %TRUE if it was watched and not reported yet
 */
gboolean
gcoro_loop_bridge_unwatch_future (GCoroLoopBridge *self,
                                  gint64           token)
{
  FutureWatch *fw;

  g_return_val_if_fail (GCORO_IS_LOOP_BRIDGE (self), FALSE);

  if (!check_owner (self, G_STRFUNC))
    return FALSE;

  fw = g_hash_table_lookup (self->futures, &token);
  if (fw != NULL)
    {
      g_hash_table_remove (self->futures, &token);
      future_watch_abandon (fw);
      return TRUE;
    }

  /* Settled but not taken yet. */
  for (guint i = 0; i < self->settled->len; i++)
    if (g_array_index (self->settled, gint64, i) == token)
      {
        g_array_remove_index (self->settled, i);
        return TRUE;
      }
  return FALSE;
}

/**
 * gcoro_loop_bridge_take_events:
 * @self: a [class@GCoro.LoopBridge]
 * @n_events: (out): the length of the returned array
 *
 * Takes what happened since the last call, as pairs of numbers: a ready
 * descriptor and its [flags@GLib.IOCondition] ([G_IO_IN][flags@GLib.IOCondition], [G_IO_OUT][flags@GLib.IOCondition] or both, among
 * those it is watched for), or [const@GCoro.LOOP_BRIDGE_FUTURE] and the token of
 * a watched future that settled (it is no longer watched). Descriptors
 * come first, in the order they became ready. Owner thread.
 *
 * Returns: (transfer full) (array length=n_events): the pairs, flat
 */
gint64 *
gcoro_loop_bridge_take_events (GCoroLoopBridge *self,
                               gsize           *n_events)
{
  GArray *out;

  g_return_val_if_fail (GCORO_IS_LOOP_BRIDGE (self), NULL);
  g_return_val_if_fail (n_events != NULL, NULL);

  out = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (check_owner (self, G_STRFUNC))
    {
      while (self->ready_head != NULL)
        {
          FdWatch *w = self->ready_head;
          gint64 pair[2] = { w->io.pfd.fd, w->ready };

          g_array_append_vals (out, pair, 2);
          fd_watch_unready (w);
        }
      for (guint i = 0; i < self->settled->len; i++)
        {
          gint64 pair[2] = { GCORO_LOOP_BRIDGE_FUTURE, g_array_index (self->settled, gint64, i) };

          g_array_append_vals (out, pair, 2);
        }
      g_array_set_size (self->settled, 0);
      self->news = FALSE;
    }

  *n_events = out->len;
  return (gint64 *) g_array_free (out, FALSE);
}

/**
 * gcoro_loop_bridge_iterate:
 * @self: a [class@GCoro.LoopBridge]
 * @deadline: what the hosted loop's last iteration returned (see
 *   [callback@GCoro.LoopBridgeFunc]), or [const@GCoro.LOOP_BRIDGE_KEEP] if it did
 *   not run since the last call
 * @may_block: whether to wait for something to happen
 *
 * Runs one iteration of the bridge's context ([method@GLib.MainContext.iteration])
 * for a hosted loop that drives the context itself (asyncio's
 * `run_forever()`). When the hosted loop is due during it, the bridge does
 * not call its function but says so: the caller runs the iteration of its
 * loop itself, after the context's, and gives the deadline it computed to
 * the next call. Owner thread.
 *
 * Returns: whether the hosted loop is due, and whether it has events
 */
GCoroLoopBridgeIterateFlags
gcoro_loop_bridge_iterate (GCoroLoopBridge *self,
                           gint64           deadline,
                           gboolean         may_block)
{
  GCoroLoopBridgeIterateFlags flags = GCORO_LOOP_BRIDGE_ITERATE_NONE;

  g_return_val_if_fail (GCORO_IS_LOOP_BRIDGE (self), GCORO_LOOP_BRIDGE_ITERATE_NONE);

  if (!check_owner (self, G_STRFUNC) || self->closed)
    return GCORO_LOOP_BRIDGE_ITERATE_NONE;

  if (deadline != GCORO_LOOP_BRIDGE_KEEP)
    {
      _gcoro_scheduler_remove_timer (self->scheduler, &self->timer);
      if (deadline >= 0 && (deadline == 0 || deadline <= g_get_monotonic_time ()))
        {
          /* Due again at once: the context's iteration only gives the
           * other sources their turn. */
          self->due = TRUE;
          may_block = FALSE;
        }
      else
        bridge_schedule (self, deadline);
    }

  g_object_ref (self);
  self->driving++;
  g_main_context_iteration (self->context, may_block);
  self->driving--;

  if (self->due && self->driving == 0)
    {
      self->due = FALSE;
      flags = GCORO_LOOP_BRIDGE_ITERATE_DUE;
      if (self->ready_head != NULL || self->settled->len > 0)
        flags |= GCORO_LOOP_BRIDGE_ITERATE_EVENTS;
    }
  g_object_unref (self);

  return flags;
}

/**
 * gcoro_loop_bridge_enter_context:
 * @self: a [class@GCoro.LoopBridge]
 * @context: (nullable): the context of the callback about to run, or %NULL
 *   for the one that was current before
 *
 * Makes @context the current [class@GCoro.Context] (what context variables read
 * and set) of the code that runs from now on, for a hosted loop whose
 * tasks each have their own context variables: asyncio's tasks carry a
 * [class@GCoro.Context] of their own, entered while their steps run, so that
 * values set in one task are not seen by others and C code called from a
 * task (spawning a task, an `_async` call) sees the task's values.
 * Entering a context leaves the one entered before; %NULL leaves it for
 * the context that was current before the first one was entered. Owner
 * thread; the hosted loop leaves its contexts before it returns to the
 * main loop.
 */
void
gcoro_loop_bridge_enter_context (GCoroLoopBridge *self,
                                 GCoroContext    *context)
{
  g_return_if_fail (GCORO_IS_LOOP_BRIDGE (self));
  g_return_if_fail (context == NULL || GCORO_IS_CONTEXT (context));

  if (!check_owner (self, G_STRFUNC) || context == self->entered)
    return;

  if (self->entered != NULL)
    {
      _gcoro_context_cell_swap_current (self->left_cell);
      self->left_cell = NULL;
      g_clear_object (&self->entered);
    }
  if (context != NULL)
    {
      self->entered = g_object_ref (context);
      self->left_cell = _gcoro_context_cell_swap_current (_gcoro_context_get_cell (context));
    }
}

/**
 * gcoro_loop_bridge_has_company:
 * @self: a [class@GCoro.LoopBridge]
 *
 * Whether the scheduler has other work ready to run (tasks, deliveries to
 * waiters), queued at @self's priority or handed over by another thread.
 * A hosted loop that runs several iterations in a row to spare the cost
 * of the context's iterations stops when it has company, so that tasks
 * take turns with its callbacks. Sources of the context other than the
 * scheduler's are not seen. Owner thread.
 *
 * Returns: %TRUE if other work is ready
 */
gboolean
gcoro_loop_bridge_has_company (GCoroLoopBridge *self)
{
  g_return_val_if_fail (GCORO_IS_LOOP_BRIDGE (self), FALSE);

  if (self->closed)
    return FALSE;
  return _gcoro_scheduler_has_queued (self->scheduler, self->band);
}

/**
 * gcoro_loop_bridge_begin_iteration:
 * @self: a [class@GCoro.LoopBridge]
 *
 * Tells the bridge that the hosted loop runs its own iterations now (its
 * callbacks, one iteration or several in a row), until
 * [method@GCoro.LoopBridge.end_iteration]. Meanwhile a watched future that
 * settles on the owner thread (from one of those callbacks, typically) is
 * only noted: [method@GCoro.LoopBridge.has_news] says so and
 * [method@GCoro.LoopBridge.take_events] lists it, so the hosted loop can
 * run another iteration for it at once instead of after a trip through
 * the scheduler's queue and the context's next iteration. Owner thread.
 */
void
gcoro_loop_bridge_begin_iteration (GCoroLoopBridge *self)
{
  g_return_if_fail (GCORO_IS_LOOP_BRIDGE (self));

  if (!check_owner (self, G_STRFUNC))
    return;
  self->iterating = TRUE;
}

/**
 * gcoro_loop_bridge_has_news:
 * @self: a [class@GCoro.LoopBridge]
 *
 * Whether watched futures settled since the hosted loop began its
 * iterations ([method@GCoro.LoopBridge.begin_iteration]) and
 * [method@GCoro.LoopBridge.take_events] has not listed them yet. Owner
 * thread.
 *
 * Returns: %TRUE if there are settled futures to take
 */
gboolean
gcoro_loop_bridge_has_news (GCoroLoopBridge *self)
{
  g_return_val_if_fail (GCORO_IS_LOOP_BRIDGE (self), FALSE);

  return self->news && self->settled->len > 0;
}

/**
 * gcoro_loop_bridge_end_iteration:
 * @self: a [class@GCoro.LoopBridge]
 *
 * Ends what [method@GCoro.LoopBridge.begin_iteration] began. What settled
 * meanwhile and was not taken makes the hosted loop due again, as any
 * settled future does. Owner thread.
 */
void
gcoro_loop_bridge_end_iteration (GCoroLoopBridge *self)
{
  g_return_if_fail (GCORO_IS_LOOP_BRIDGE (self));

  if (!check_owner (self, G_STRFUNC) || !self->iterating)
    return;
  self->iterating = FALSE;
  if (self->news)
    {
      self->news = FALSE;
      if (self->settled->len > 0 && !self->closed)
        bridge_post (self);
    }
}

/**
 * gcoro_loop_bridge_close:
 * @self: a [class@GCoro.LoopBridge]
 *
 * Stops everything: the function is not called again, every descriptor and
 * future is unwatched, the timer removed, and the data given to
 * [ctor@GCoro.LoopBridge.new] freed. Owner thread; idempotent.
 */
void
gcoro_loop_bridge_close (GCoroLoopBridge *self)
{
  GHashTableIter iter;
  gpointer value;
  GDestroyNotify notify;

  g_return_if_fail (GCORO_IS_LOOP_BRIDGE (self));

  if (self->func == NULL)
    return;
  if (!check_owner (self, G_STRFUNC))
    return;

  gcoro_loop_bridge_enter_context (self, NULL);
  self->closed = TRUE;
  _gcoro_scheduler_remove_timer (self->scheduler, &self->timer);
  g_hash_table_remove_all (self->fds);

  g_hash_table_iter_init (&iter, self->futures);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_hash_table_iter_steal (&iter);
      future_watch_abandon (value);
    }
  g_array_set_size (self->settled, 0);

  notify = g_steal_pointer (&self->notify);
  self->func = NULL;
  if (notify != NULL)
    notify (g_steal_pointer (&self->user_data));
}

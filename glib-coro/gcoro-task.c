/* gcoro-task.c: a future driven by a coroutine
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroTask:
 *
 * A coroutine running on a [class@GCoro.Scheduler], and the future of its result.
 *
 * A fiber task runs its body (a [callback@GCoro.TaskFunc]) on a stack of its own, so
 * it can suspend at any call depth and read like straight-line code:
 *
 * |[<!-- language="C" -->
 * static void
 * fetch (GCoroTask *task, gpointer user_data)
 * {
 *   GFile *file = user_data;
 *   g_autoptr(GError) error = NULL;
 *   g_autoptr(GAsyncResult) res = NULL;
 *   g_autofree char *data = NULL;
 *
 *   res = GCORO_AWAIT_ASYNC (&error, g_file_load_contents_async, file,
 *                            gcoro_get_cancellable ());
 *   if (res == NULL ||
 *       !g_file_load_contents_finish (file, res, &data, NULL, NULL, &error))
 *     return gcoro_task_return_error (task, g_steal_pointer (&error));
 *
 *   gcoro_sleep (100, NULL);                    // other tasks run meanwhile
 *   gcoro_task_return_string (task, data);
 * }
 *
 * g_autoptr(GCoroTask) t = gcoro_spawn (fetch, g_object_ref (file), g_object_unref);
 * ]|
 *
 * Spawning queues the task on the scheduler of the thread-default
 * [struct@GLib.MainContext] (or the one in [struct@GCoro.SpawnOptions]); it starts at the
 * scheduler's next dispatch. Until it ends, the scheduler keeps it alive,
 * so dropping your reference (or calling [method@GCoro.Task.detach]) does not stop
 * it. Its result is read like any future's: [func@GCoro.await] from another
 * task, [method@GCoro.Future.wait_async] from callbacks, [func@GCoro.run_until_complete]
 * from plain code.
 *
 * Cancellation is cooperative and level-triggered: [method@GCoro.Task.cancel]
 * (or [method@GCoro.Future.cancel], or the disposal of the task's owner object)
 * makes the task's current await, and every await after it, fail with
 * [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum], and cancels the task's [class@Gio.Cancellable]
 * ([func@GCoro.get_cancellable]) so GIO operations it started stop too. A task
 * cancelled before it started never runs its body.
 *
 * A task belongs to the thread of its scheduler: spawn, cancel and await it
 * there ([method@GCoro.Task.cancel] may be called from any thread; it is handed
 * over). Python and JavaScript never run on a fiber stack: they use
 * stepped tasks and the `_async` twins of the suspending calls.
 */

/* NOTES:
 * - Spawn cost matters (a task is the unit of concurrency, like a GSource):
 *   no properties (see gcoro-future.c), no GCancellable until someone asks
 *   for one, no name string unless given (the default name is formatted
 *   into an inline buffer), no stack until the first run (a task cancelled
 *   before it starts never gets one), and stacks come warm from a per-thread
 *   pool.
 * - One waiter and one timer are embedded in the task: awaiting allocates
 *   nothing, except when the embedded waiter is still in flight from an
 *   await that was interrupted (cancel or timeout racing a settle on
 *   another thread); then a heap waiter serves.
 * - A waiter carries the task's wait_id from when it was armed; the task
 *   bumps wait_id every time it resumes, so a late delivery is recognised
 *   and ignored rather than resuming the task a second time.
 */

#include "gcoro-config.h"

#include "gcoro-tls-private.h"
#include "gcoro-context-cell-private.h"
#include "gcoro-debug-private.h"
#include "gcoro-fiber-private.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-task-private.h"

typedef enum
{
  TASK_CREATED,
  TASK_RUNNING,
  TASK_SUSPENDED,
  TASK_FINISHED,
} TaskState;

typedef struct
{
  GCoroWaiter  base;
  GCoroTask   *task;      /* a reference while listed or in flight */
  guint        wait_id;
  gboolean     embedded;
} TaskWaiter;

struct _GCoroTask
{
  GCoroFuture      parent_instance;

  GCoroRunnable    runnable;      /* resumes the task; queued at most once */
  GCoroScheduler  *scheduler;     /* owned */
  GCoroBand       *band;
  GCoroFiber      *fiber;         /* from the first run to the end; while a
                                   * generator body runs for the task, the
                                   * body's fiber (see _gcoro_task_lend_fiber()) */
  GCoroFiber      *home_fiber;    /* the task's own fiber while another is lent */
  GCoroFiber      *caller;        /* where the task switches back to */

  GCoroTaskFunc    func;         /* a fiber task's body, or ... */
  GCoroStepFunc    step_func;    /* ... a stepped task's step */
  gpointer         user_data;
  GDestroyNotify   notify;
  GCoroFuture     *awaiting;     /* stepped: the future the next step gets */
  TaskWaiter      *step_waiter;  /* stepped: armed on @awaiting */

  char            *name;          /* owned, or points into auto_name */
  char             auto_name[24];
  gsize            stack_size;
  GCancellable    *cancellable;   /* lazily created */
  GObject         *owner;         /* weak */
  GCoroLive        live;          /* on the scheduler's list from spawn to
                                   * reap, holding a reference on the task */

  GCoroContextCell  cell;         /* the task's context (a copy of its spawner's) */
  GCoroContextCell *cellp;        /* current while the task runs: its own cell,
                                   * or a GCoroContext's inside gcoro_context_run() */

  GValue           result;
  GError          *error;

  GCoroTimer       timer;
  TaskWaiter       waiter;
  GCoroPromise    *async_promise;

  const char      *await_what;    /* static string, for dump */
  gpointer         await_target;

  guint            wait_id;
  guint            scope_cancels;  /* expired timeout scopes still open */
  guint            shields;        /* open shielded scopes */
  GCancellable    *shield_cancellable; /* what gcoro_get_cancellable() gives inside them */
  guint8           state;
  guint8           wake;
  guint            queued           : 1;
  guint            cancel_requested : 1;
  guint            returned         : 1;
  guint            detached         : 1;
  guint            waiter_busy      : 1;
};

G_DEFINE_FINAL_TYPE (GCoroTask, gcoro_task, GCORO_TYPE_FUTURE)

/* Not static: read inline by _gcoro_task_current(). */
GCORO_TLS GCoroTask *_gcoro_task_tls_current;
#define current_task _gcoro_task_tls_current
/* The stepped task whose step runs on this thread right now, if any. */
static GCORO_TLS GCoroTask *stepping_task;
static guint64 task_counter;

static void task_cancel_on_owner_thread (GCoroTask *self);

/* The task layer's side of the scheduler's live list (GCoroLive). */
#define TASK_OF_LIVE(l) ((GCoroTask *) G_STRUCT_MEMBER_P ((l), -G_STRUCT_OFFSET (GCoroTask, live)))

static void task_describe (GCoroLive *live,
                           GString   *out);

/* The scheduler ended with its context: the task will never run again;
 * it ends, without unwinding, when its last user lets go. */
static void
task_orphan (GCoroLive *live)
{
  g_object_unref (TASK_OF_LIVE (live));
}

static const GCoroLiveFuncs task_live_funcs = {
  task_describe,
  task_orphan,
};

/* Whether the task's awaits fail now: cancelled (for good or by an expired
 * timeout scope) and not inside a shielded scope. */
static inline gboolean
task_cancelled_now (GCoroTask *self)
{
  return (self->cancel_requested || self->scope_cancels > 0) && self->shields == 0;
}

static void
gcoro_task_real_cancel (GCoroFuture *future)
{
  gcoro_task_cancel (GCORO_TASK (future));
}

static void
owner_disposed (gpointer  data,
                GObject  *where_the_object_was)
{
  GCoroTask *self = data;

  self->owner = NULL;
  GCORO_DEBUG ("task '%s': owner %p disposed, cancelling", self->name, where_the_object_was);
  gcoro_task_cancel (self);
}

static void
gcoro_task_finalize (GObject *object)
{
  GCoroTask *self = GCORO_TASK (object);

  /* As asyncio's "Task exception was never retrieved": a failure nobody
   * looked at is not lost silently (detached tasks said so already). */
  if (!self->detached &&
      gcoro_future_get_state (GCORO_FUTURE (self)) == GCORO_FUTURE_REJECTED &&
      !_gcoro_future_was_retrieved (GCORO_FUTURE (self)))
    g_warning ("Task '%s' failed and its error was never retrieved: %s", self->name,
               gcoro_future_peek_error (GCORO_FUTURE (self))->message);

  /* A task that never finished (its scheduler died) ends here without
   * unwinding its stack. */
  if (self->scheduler != NULL)
    _gcoro_scheduler_remove_timer (self->scheduler, &self->timer);
  /* A lent fiber belongs to its generator. */
  if (self->home_fiber != NULL)
    self->fiber = g_steal_pointer (&self->home_fiber);
  g_clear_pointer (&self->fiber, gcoro_fiber_free);
  if (self->owner != NULL)
    g_object_weak_unref (self->owner, owner_disposed, self);
  if (self->notify != NULL)
    g_clear_pointer (&self->user_data, self->notify);
  if (G_IS_VALUE (&self->result))
    g_value_unset (&self->result);
  g_clear_error (&self->error);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->shield_cancellable);
  g_clear_object (&self->async_promise);
  g_clear_object (&self->awaiting);
  _gcoro_context_cell_clear (&self->cell);
  if (self->name != self->auto_name)
    g_free (self->name);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (gcoro_task_parent_class)->finalize (object);
}

enum {
  PROP_0,
  PROP_NAME,
  PROP_SCHEDULER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gcoro_task_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  GCoroTask *self = GCORO_TASK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SCHEDULER:
      g_value_set_object (value, self->scheduler);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_task_class_init (GCoroTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GCoroFutureClass *future_class = GCORO_FUTURE_CLASS (klass);

  object_class->finalize = gcoro_task_finalize;
  object_class->get_property = gcoro_task_get_property;
  future_class->cancel = gcoro_task_real_cancel;

  /**
   * GCoroTask:name: (getter get_name)
   *
   * The task's name, given at spawn time (or "task-N"): it names the task
   * in [method@GCoro.Scheduler.dump], in logs and in stack overflow reports.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * GCoroTask:scheduler: (getter get_scheduler)
   *
   * The [class@GCoro.Scheduler] that runs the task, the one of the thread
   * that spawned it.
   */
  properties[PROP_SCHEDULER] =
    g_param_spec_object ("scheduler", NULL, NULL, GCORO_TYPE_SCHEDULER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcoro_task_init (GCoroTask *self)
{
}

/* --- life cycle ------------------------------------------------------------ */

static void
task_settle (GCoroTask *self)
{
  GCoroFuture *future = GCORO_FUTURE (self);

  if (self->error != NULL)
    {
      gboolean cancelled = g_error_matches (self->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      if (!cancelled && self->detached)
        g_warning ("Task '%s' failed and nobody awaits it (it was detached): %s",
                   self->name, self->error->message);
      GCORO_DEBUG ("task '%s' %s: %s", self->name,
                   cancelled ? "cancelled" : "failed", self->error->message);
      _gcoro_future_settle (future,
                            cancelled ? GCORO_FUTURE_CANCELLED : GCORO_FUTURE_REJECTED,
                            NULL, g_steal_pointer (&self->error));
    }
  else if (!self->returned && self->cancel_requested)
    {
      GCORO_DEBUG ("task '%s' cancelled", self->name);
      _gcoro_future_settle (future, GCORO_FUTURE_CANCELLED, NULL,
                            g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         "Task '%s' was cancelled", self->name));
    }
  else
    {
      GCORO_DEBUG ("task '%s' finished", self->name);
      _gcoro_future_settle (future, GCORO_FUTURE_RESOLVED, &self->result, NULL);
    }
}

/* Runs on the thread stack once the task's fiber has exited (or when a
 * task is cancelled before it started). */
static void
task_reap (GCoroTask *self)
{
  self->state = TASK_FINISHED;
  g_clear_pointer (&self->fiber, gcoro_fiber_free);
  if (self->owner != NULL)
    {
      g_object_weak_unref (self->owner, owner_disposed, self);
      self->owner = NULL;
    }
  if (self->notify != NULL)
    g_clear_pointer (&self->user_data, self->notify);
  _gcoro_context_cell_clear (&self->cell);

  /* Drops the live reference: may finalize self. */
  _gcoro_scheduler_remove_live (self->scheduler, &self->live);
  g_object_unref (self);
}

G_NORETURN static void
task_fiber_main (gpointer data)
{
  GCoroTask *self = data;

  self->func (self, self->user_data);

  task_settle (self);
  self->state = TASK_FINISHED;
  self->await_what = NULL;
  gcoro_fiber_exit_to (self->fiber, self->caller);
}

static void
task_resume (GCoroTask *self)
{
  GCoroTask *prev = current_task;
  GCoroContextCell *prev_cell;

  /* Usually the thread fiber (dispatch); a generator body's when a task is
   * resumed from inside one. */
  self->caller = gcoro_fiber_get_current ();
  self->state = TASK_RUNNING;
  current_task = self;
  prev_cell = _gcoro_context_cell_swap_current (self->cellp);
  gcoro_fiber_switch (self->caller, self->fiber);
  self->cellp = _gcoro_context_cell_swap_current (prev_cell);
  current_task = prev;

  if (self->state == TASK_FINISHED)
    task_reap (self);
}

static void stepped_step (GCoroTask *self);

/* Goes on with a suspended task: switches into its fiber, or runs its
 * next step. */
static void
task_continue (GCoroTask *self)
{
  if (self->step_func != NULL)
    stepped_step (self);
  else
    task_resume (self);
}

static void
task_run (GCoroRunnable *runnable)
{
  GCoroTask *self = G_STRUCT_MEMBER_P (runnable, -G_STRUCT_OFFSET (GCoroTask, runnable));

  self->queued = FALSE;

  if (self->state == TASK_CREATED)
    {
      if (self->cancel_requested)
        {
          task_settle (self);
          task_reap (self);
          return;
        }
      if (self->step_func != NULL)
        {
          stepped_step (self);
          return;
        }
      self->fiber = gcoro_fiber_new (task_fiber_main, self, self->stack_size);
      gcoro_fiber_set_name (self->fiber, self->name);
    }
  else if (self->state != TASK_SUSPENDED)
    return;

  task_continue (self);
}

static void
task_queue (GCoroTask *self,
            GCoroBand *band)
{
  g_assert (!self->queued);

  self->queued = TRUE;
  _gcoro_band_push (band, &self->runnable);
}

/* --- suspend and wake (gcoro-task-private.h) -------------------------------- */

GCoroTask *
_gcoro_task_require_current (const char *func,
                             const char *instead)
{
  if (G_LIKELY (current_task != NULL))
    return current_task;

  g_critical ("%s() suspends the calling fiber task, but it was called outside "
              "any task; spawn a task with gcoro_spawn(), or use %s",
              func, instead);
  return NULL;
}

gboolean
_gcoro_task_check_cancelled (GCoroTask  *task,
                             GError    **error)
{
  if (G_LIKELY (!task_cancelled_now (task)))
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
               "Task '%s' was cancelled", task->name);
  return FALSE;
}

GCoroWake
_gcoro_task_suspend (GCoroTask  *task,
                     const char *what,
                     gpointer    target)
{
  g_assert (task == current_task);

  task->state = TASK_SUSPENDED;
  task->wake = GCORO_WAKE_NONE;
  task->await_what = what;
  task->await_target = target;

  gcoro_fiber_switch (task->fiber, task->caller);

  /* Resumed: anything armed for the previous wait is now stale. */
  task->wait_id++;
  task->await_what = NULL;
  task->await_target = NULL;

  return (GCoroWake) task->wake;
}

/* Queues a suspended task to resume with @reason; does nothing if it is
 * already queued or not suspended. */
static void
task_wake (GCoroTask *task,
           GCoroWake  reason)
{
  if (task->state != TASK_SUSPENDED || task->queued)
    return;

  task->wake = reason;
  task_queue (task, task->band);
}

void
_gcoro_task_enqueue_on (GCoroTask *task,
                        GCoroBand *band)
{
  task_queue (task, band != NULL ? band : task->band);
}

GCoroFiber *
_gcoro_task_lend_fiber (GCoroTask  *task,
                        GCoroFiber *fiber)
{
  GCoroFiber *prev = task->fiber;

  g_assert (task == current_task);

  if (task->home_fiber == NULL)
    task->home_fiber = prev;
  if (fiber == task->home_fiber)
    task->home_fiber = NULL;
  task->fiber = fiber;

  return prev;
}

GCoroScheduler *
_gcoro_task_peek_scheduler (GCoroTask *task)
{
  return task->scheduler;
}

GCoroPromise **
_gcoro_task_async_slot (GCoroTask *task)
{
  return &task->async_promise;
}

static void
task_timer_fired (GCoroTimer *timer)
{
  GCoroTask *self = G_STRUCT_MEMBER_P (timer, -G_STRUCT_OFFSET (GCoroTask, timer));

  task_wake (self, GCORO_WAKE_TIMER);
}

GCoroWake
_gcoro_task_wait_until (GCoroTask  *task,
                        gint64      deadline,
                        const char *what)
{
  GCoroWake wake;

  task->timer.func = task_timer_fired;
  _gcoro_scheduler_add_timer (task->scheduler, &task->timer, deadline);
  wake = _gcoro_task_suspend (task, what, NULL);
  _gcoro_scheduler_remove_timer (task->scheduler, &task->timer);

  return wake;
}

static void
task_waiter_release (TaskWaiter *waiter)
{
  GCoroTask *task = waiter->task;

  waiter->task = NULL;
  if (waiter->embedded)
    task->waiter_busy = FALSE;
  else
    g_free (waiter);
  g_object_unref (task);
}

/* Delivery of a settled future, on the task's thread, from dispatch: the
 * task resumes right here unless something else woke it first. */
static void
task_waiter_fired (GCoroWaiter *base,
                   GCoroFuture *future)
{
  TaskWaiter *waiter = (TaskWaiter *) base;
  GCoroTask *task = g_object_ref (waiter->task);
  gboolean current = waiter->wait_id == task->wait_id;

  task_waiter_release (waiter);

  if (task->step_waiter == waiter)
    task->step_waiter = NULL;
  if (current && task->state == TASK_SUSPENDED && !task->queued)
    {
      task->wake = GCORO_WAKE_FUTURE;
      task_continue (task);
    }
  g_object_unref (task);
}

/* The task's embedded waiter when it is free, else a heap one (the
 * embedded one may still be in flight from an interrupted wait). */
static TaskWaiter *
acquire_waiter (GCoroTask *task)
{
  TaskWaiter *waiter;

  if (!task->waiter_busy)
    {
      waiter = &task->waiter;
      waiter->embedded = TRUE;
      task->waiter_busy = TRUE;
    }
  else
    waiter = g_new0 (TaskWaiter, 1);

  waiter->base.scheduler = task->scheduler;
  waiter->base.band = task->band;
  waiter->base.func = task_waiter_fired;
  waiter->task = g_object_ref (task);
  waiter->wait_id = task->wait_id;
  return waiter;
}

GCoroWake
_gcoro_task_wait_future (GCoroTask   *task,
                         GCoroFuture *future,
                         gint64       deadline)
{
  TaskWaiter *waiter = acquire_waiter (task);
  GCoroWake wake;

  if (!_gcoro_future_add_waiter (future, &waiter->base))
    {
      task_waiter_release (waiter);
      return GCORO_WAKE_FUTURE;
    }

  if (deadline >= 0)
    {
      task->timer.func = task_timer_fired;
      _gcoro_scheduler_add_timer (task->scheduler, &task->timer, deadline);
    }

  wake = _gcoro_task_suspend (task, "future", future);

  if (deadline >= 0)
    _gcoro_scheduler_remove_timer (task->scheduler, &task->timer);

  /* Woken by something else than the delivery: unlink, or let the
   * in-flight delivery arrive and find a stale wait_id. */
  if (wake != GCORO_WAKE_FUTURE && _gcoro_future_remove_waiter (future, &waiter->base))
    task_waiter_release (waiter);

  return wake;
}

void
_gcoro_task_wait_uncancellable (GCoroTask   *task,
                                GCoroFuture *future)
{
  while (!gcoro_future_is_done (future))
    _gcoro_task_wait_future (task, future, -1);
}

void
_gcoro_task_scope_cancel (GCoroTask *task)
{
  task->scope_cancels++;
  if (task->cancellable != NULL)
    g_cancellable_cancel (task->cancellable);
  if (task->shields == 0)
    task_wake (task, GCORO_WAKE_CANCEL);
}

void
_gcoro_task_scope_uncancel (GCoroTask *task)
{
  g_return_if_fail (task->scope_cancels > 0);

  if (--task->scope_cancels > 0 || task->cancel_requested || task->cancellable == NULL)
    return;

  /* Operations still holding the old cancellable stay cancelled; the task
   * goes on with a fresh one (resetting one in use is undefined). */
  g_clear_object (&task->cancellable);
}

/* --- stepped tasks -------------------------------------------------------------- */

/* Arms the wait for @next (taking it) without suspending anything: the
 * next step runs from dispatch once it settles (or the task is woken by
 * cancellation). */
static void
stepped_wait (GCoroTask   *self,
              GCoroFuture *next)
{
  TaskWaiter *waiter;

  self->awaiting = next;
  self->state = TASK_SUSPENDED;
  self->wake = GCORO_WAKE_NONE;
  self->await_what = "future";
  self->await_target = next;

  if (task_cancelled_now (self))
    {
      self->wake = GCORO_WAKE_CANCEL;
      task_queue (self, self->band);
      return;
    }

  waiter = acquire_waiter (self);
  if (!_gcoro_future_add_waiter (next, &waiter->base))
    {
      /* Settled already: the next step runs at the next dispatch, not
       * from inside this one (no unbounded recursion). */
      task_waiter_release (waiter);
      self->wake = GCORO_WAKE_FUTURE;
      task_queue (self, self->band);
      return;
    }
  self->step_waiter = waiter;
}

static GCoroFuture *
cancelled_future (GCoroTask *self)
{
  GCoroPromise *p = gcoro_promise_new ();

  gcoro_promise_reject (p, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                        "Task '%s' was cancelled", self->name));
  return GCORO_FUTURE (p);
}

static void
stepped_step (GCoroTask *self)
{
  GCoroFuture *completed = g_steal_pointer (&self->awaiting);
  GCoroContextCell *prev_cell;
  GCoroTask *prev_task;
  GCoroFuture *next;

  /* Whatever was armed for the previous wait is stale from here on. */
  self->wait_id++;
  if (self->step_waiter != NULL)
    {
      if (_gcoro_future_remove_waiter (completed, &self->step_waiter->base))
        task_waiter_release (self->step_waiter);
      self->step_waiter = NULL;
    }

  /* Level-triggered cancellation, as for fiber tasks: once cancelled,
   * every step is told so. A future that settled before the step could
   * run is delivered as it is (what a wait was granted is not lost); the
   * cancellation then fails the next await. */
  if (completed != NULL && task_cancelled_now (self) && !gcoro_future_is_done (completed))
    {
      g_object_unref (completed);
      completed = cancelled_future (self);
    }

  self->state = TASK_RUNNING;
  self->await_what = NULL;
  self->await_target = NULL;

  prev_task = stepping_task;
  stepping_task = self;
  prev_cell = _gcoro_context_cell_swap_current (self->cellp);
  next = self->step_func (self, completed, self->user_data);
  self->cellp = _gcoro_context_cell_swap_current (prev_cell);
  stepping_task = prev_task;
  g_clear_object (&completed);

  if (next == NULL)
    {
      task_settle (self);
      task_reap (self);   /* may finalize self */
      return;
    }
  if (!GCORO_IS_FUTURE (next))
    {
      g_critical ("The step function of task '%s' returned something that is not a "
                  "GCoroFuture; it must return the future to wait for, or NULL when done",
                  self->name);
      task_settle (self);
      task_reap (self);
      return;
    }

  stepped_wait (self, next);
}

/* --- spawning -------------------------------------------------------------- */

static void
format_auto_name (char    *buf,
                  gsize    size,
                  guint64  id)
{
  char digits[21];
  int n = 0;
  gsize i = 0;

  do
    digits[n++] = '0' + id % 10;
  while ((id /= 10) != 0);

  memcpy (buf, "task-", 5);
  i = 5;
  while (n > 0 && i + 1 < size)
    buf[i++] = digits[--n];
  buf[i] = '\0';
}

static GCoroTask *
task_spawn (const GCoroSpawnOptions *options,
            GCoroTaskFunc            func,
            GCoroStepFunc            step_func,
            gpointer                 user_data,
            GDestroyNotify           notify,
            const char              *caller)
{
  static const GCoroSpawnOptions defaults = { 0, };
  GCoroScheduler *scheduler;
  GCoroTask *self;

  if (options == NULL)
    options = &defaults;

  if (options->context != NULL)
    scheduler = gcoro_scheduler_get_for_context (options->context);
  else if (current_task != NULL)
    scheduler = current_task->scheduler;
  else
    scheduler = _gcoro_scheduler_get_for_thread_default ();

  if (!_gcoro_scheduler_is_owner_thread (scheduler))
    {
      g_critical ("%s() called on another thread than the one running the "
                  "scheduler of context %p; spawn from that thread (post a "
                  "callback to its context with g_main_context_invoke())",
                  caller, gcoro_scheduler_get_context (scheduler));
      return NULL;
    }
  if (gcoro_scheduler_get_context (scheduler) == NULL)
    {
      g_critical ("%s(): the context of this scheduler has been destroyed", caller);
      return NULL;
    }

  self = g_object_new (GCORO_TYPE_TASK, NULL);
  self->scheduler = g_object_ref (scheduler);
  self->band = _gcoro_scheduler_get_band (scheduler, options->priority);
  self->func = func;
  self->step_func = step_func;
  self->user_data = user_data;
  self->notify = notify;
  self->stack_size = options->stack_size;
  self->runnable.func = task_run;
  self->live.funcs = &task_live_funcs;
  _gcoro_context_cell_init_copy (&self->cell, NULL);
  self->cellp = &self->cell;

  if (options->name != NULL)
    self->name = g_strdup (options->name);
  else
    {
      format_auto_name (self->auto_name, sizeof self->auto_name,
                        g_atomic_pointer_add (&task_counter, 1) + 1);
      self->name = self->auto_name;
    }

  if (options->owner != NULL)
    {
      self->owner = options->owner;
      g_object_weak_ref (self->owner, owner_disposed, self);
    }

  /* Live until reaped: a running task never vanishes under its own
   * feet, dropping every other reference does not stop it. */
  _gcoro_scheduler_add_live (scheduler, &self->live);
  g_object_ref (self);
  task_queue (self, self->band);

  GCORO_DEBUG ("task '%s' spawned on scheduler %p", self->name, scheduler);

  return self;
}

/**
 * gcoro_spawn_full: (skip)
 * @options: (nullable): how to spawn, or %NULL for the defaults
 * @func: the body of the task
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the task has ended
 *
 * Creates a fiber task and queues it on its scheduler (see
 * [struct@GCoro.SpawnOptions]). It starts at the scheduler's next dispatch, never
 * inside this call. Must be called on the thread that runs the scheduler's
 * context.
 *
 * Returns: (transfer full): the task; drop the reference when you no longer
 *   need its result (the task keeps running)
 */
GCoroTask *
gcoro_spawn_full (const GCoroSpawnOptions *options,
                  GCoroTaskFunc            func,
                  gpointer                 user_data,
                  GDestroyNotify           notify)
{
  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (options == NULL || options->owner == NULL || G_IS_OBJECT (options->owner), NULL);

  return task_spawn (options, func, NULL, user_data, notify, G_STRFUNC);
}

/**
 * gcoro_spawn_stepped:
 * @name: (nullable): a name for debugging, or %NULL for "task-N"
 * @func: (scope notified): the step function
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the task has ended
 *
 * Spawns a stepped task on the scheduler of the thread-default context:
 * @func runs on the main stack once per step (see [callback@GCoro.StepFunc]), never
 * on a fiber, which is what makes it safe for language bindings. Its
 * scheduling, cancellation, context variables and result are those of any
 * task; like a fiber task it starts at the scheduler's next dispatch.
 *
 * Returns: (transfer full): the task
 */
GCoroTask *
gcoro_spawn_stepped (const char     *name,
                     GCoroStepFunc   func,
                     gpointer        user_data,
                     GDestroyNotify  notify)
{
  GCoroSpawnOptions opts = { .name = name };

  g_return_val_if_fail (func != NULL, NULL);

  return task_spawn (&opts, NULL, func, user_data, notify, G_STRFUNC);
}

/**
 * gcoro_spawn: (skip)
 * @func: the body of the task
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the task has ended
 *
 * Spawns a fiber task with default options on the scheduler of the current
 * task, or else of the thread-default [struct@GLib.MainContext]. See
 * [func@GCoro.spawn_full].
 *
 * Returns: (transfer full): the task
 */
GCoroTask *
gcoro_spawn (GCoroTaskFunc  func,
             gpointer       user_data,
             GDestroyNotify notify)
{
  return gcoro_spawn_full (NULL, func, user_data, notify);
}

/**
 * gcoro_task_detach: (skip)
 * @task: (transfer full): a task
 *
 * Gives up your reference to @task, saying nobody will await it: if it
 * fails (other than by cancellation), the error is logged as a warning
 * with the task's name instead of passing unnoticed.
 */
void
gcoro_task_detach (GCoroTask *task)
{
  g_return_if_fail (GCORO_IS_TASK (task));

  task->detached = TRUE;
  if (gcoro_future_get_state (GCORO_FUTURE (task)) == GCORO_FUTURE_REJECTED)
    g_warning ("Task '%s' failed and nobody awaits it (it was detached): %s",
               task->name, gcoro_future_peek_error (GCORO_FUTURE (task))->message);
  g_object_unref (task);
}

/* --- accessors -------------------------------------------------------------- */

/**
 * gcoro_task_get_current:
 *
 * Gets the task running on this thread: the fiber task whose body runs, or
 * the stepped task whose step function runs (a Python coroutine or a GJS
 * generator task, between two of its awaits), like asyncio's
 * `current_task()`.
 *
 * Returns: (transfer none) (nullable): the running task, or %NULL
 */
GCoroTask *
gcoro_task_get_current (void)
{
  return current_task != NULL ? current_task : stepping_task;
}

/**
 * gcoro_task_get_name:
 * @self: a [class@GCoro.Task]
 *
 * Gets the name given at spawn, or the generated "task-N".
 *
 * Returns: the name
 */
const char *
gcoro_task_get_name (GCoroTask *self)
{
  g_return_val_if_fail (GCORO_IS_TASK (self), NULL);

  return self->name;
}

/**
 * gcoro_task_get_scheduler:
 * @self: a [class@GCoro.Task]
 *
 * Gets the scheduler that runs @self.
 *
 * Returns: (transfer none): the scheduler
 */
GCoroScheduler *
gcoro_task_get_scheduler (GCoroTask *self)
{
  g_return_val_if_fail (GCORO_IS_TASK (self), NULL);

  return self->scheduler;
}

/**
 * gcoro_task_get_cancellable:
 * @self: a [class@GCoro.Task]
 *
 * Gets the [class@Gio.Cancellable] that is cancelled when @self is: pass it to the
 * GIO operations the task starts. Created on first use.
 *
 * Returns: (transfer none): the task's cancellable
 */
GCancellable *
gcoro_task_get_cancellable (GCoroTask *self)
{
  g_return_val_if_fail (GCORO_IS_TASK (self), NULL);

  if (self->shields > 0)
    {
      if (self->shield_cancellable == NULL)
        self->shield_cancellable = g_cancellable_new ();
      return self->shield_cancellable;
    }

  if (self->cancellable == NULL)
    {
      self->cancellable = g_cancellable_new ();
      if (self->cancel_requested || self->scope_cancels > 0)
        g_cancellable_cancel (self->cancellable);
    }

  return self->cancellable;
}

/**
 * gcoro_get_cancellable:
 *
 * Gets the [class@Gio.Cancellable] of the running fiber task (see
 * [method@GCoro.Task.get_cancellable]).
 *
 * Returns: (transfer none) (nullable): the cancellable, or %NULL outside
 *   a task
 */
GCancellable *
gcoro_get_cancellable (void)
{
  GCoroTask *task = gcoro_task_get_current ();

  return task != NULL ? gcoro_task_get_cancellable (task) : NULL;
}

/**
 * gcoro_task_shield_begin:
 * @self: the running task (see [func@GCoro.Task.get_current])
 *
 * Opens a shielded scope: until the matching [method@GCoro.Task.shield_end], a
 * cancellation of @self does not reach its awaits. This is how a cancelled
 * task cleans up — flushes a last reply, sends a TLS close_notify, tells a
 * peer goodbye — with awaits that work:
 *
 * |[<!-- language="C" -->
 * if (!gcoro_stream_read_line (stream, &error))   // fails: we were cancelled
 *   {
 *     gcoro_task_shield_begin (task);
 *     gcoro_stream_write (stream, "bye\n", 4, NULL);
 *     gcoro_stream_drain (stream, NULL);           // really waits
 *     gcoro_stream_close (stream, NULL);
 *     gcoro_task_shield_end (task);
 *   }
 * ]|
 *
 * Cancellation in glib-coro is level-triggered (once cancelled, every await
 * fails), like Trio's and unlike asyncio's (delivered once, then the task
 * may carry on): a task cannot miss it by catching one error, and cleanup
 * says explicitly that it must finish. Inside the scope,
 * [func@GCoro.get_cancellable] gives a cancellable of the scope's own, so the
 * GIO operations started there are not cancelled either; a cancellation
 * that arrives during the scope is not lost: after the last
 * [method@GCoro.Task.shield_end] the next await fails. Scopes nest. Timeout scopes
 * opened outside a shield do not reach inside it either; to bound cleanup,
 * await it through [method@GCoro.Future.with_timeout].
 *
 * From Python: `with GCoro.shielded(): ...`; from JavaScript (a generator
 * task): `yield* Coro.shielded(function* () { ... })`.
 */
void
gcoro_task_shield_begin (GCoroTask *self)
{
  g_return_if_fail (GCORO_IS_TASK (self));
  g_return_if_fail (self == gcoro_task_get_current ());

  self->shields++;
}

/**
 * gcoro_task_shield_end:
 * @self: the running task
 *
 * Closes the shielded scope opened last by [method@GCoro.Task.shield_begin].
 */
void
gcoro_task_shield_end (GCoroTask *self)
{
  g_return_if_fail (GCORO_IS_TASK (self));
  g_return_if_fail (self == gcoro_task_get_current ());
  g_return_if_fail (self->shields > 0);

  if (--self->shields == 0)
    g_clear_object (&self->shield_cancellable);
}

/**
 * gcoro_task_is_cancelled:
 * @self: a [class@GCoro.Task]
 *
 * Checks whether @self was asked to stop.
 *
 * Returns: %TRUE once [method@GCoro.Task.cancel] was called
 */
gboolean
gcoro_task_is_cancelled (GCoroTask *self)
{
  g_return_val_if_fail (GCORO_IS_TASK (self), FALSE);

  return self->cancel_requested;
}

static void
task_cancel_on_owner_thread (GCoroTask *self)
{
  if (self->state == TASK_FINISHED || self->cancel_requested)
    return;

  GCORO_DEBUG ("task '%s': cancel requested", self->name);
  self->cancel_requested = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->shields == 0)
    task_wake (self, GCORO_WAKE_CANCEL);
}

typedef struct
{
  GCoroRunnable  runnable;
  GCoroTask     *task;
} CancelHandOff;

static void
cancel_hand_off_run (GCoroRunnable *runnable)
{
  CancelHandOff *h = (CancelHandOff *) runnable;

  task_cancel_on_owner_thread (h->task);
  g_object_unref (h->task);
  g_free (h);
}

/**
 * gcoro_task_cancel:
 * @self: a [class@GCoro.Task]
 *
 * Asks @self to stop. Its current await (or, if it is running, its next
 * one) fails with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum], as does every await after that;
 * its [class@Gio.Cancellable] is cancelled. A task that has not started yet ends
 * without running its body. The task settles as [GCORO_FUTURE_CANCELLED][enum@GCoro.FutureState]
 * when its body returns without a result (or with a cancellation error).
 *
 * May be called from any thread; from another thread than the task's, the
 * request is handed over to the task's scheduler.
 */
void
gcoro_task_cancel (GCoroTask *self)
{
  g_return_if_fail (GCORO_IS_TASK (self));

  if (_gcoro_scheduler_is_owner_thread (self->scheduler))
    {
      task_cancel_on_owner_thread (self);
      return;
    }

  {
    CancelHandOff *h = g_new0 (CancelHandOff, 1);

    h->runnable.func = cancel_hand_off_run;
    h->task = g_object_ref (self);
    _gcoro_scheduler_post (self->scheduler,
                           _gcoro_scheduler_get_main_band (self->scheduler),
                           &h->runnable);
  }
}

void
_gcoro_task_cancel_all (GCoroScheduler *scheduler)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert (_gcoro_scheduler_is_owner_thread (scheduler));

  /* Cancelling runs GCancellable handlers, which may spawn or end tasks:
   * take the list first. */
  for (GCoroLive *live = _gcoro_scheduler_peek_live (scheduler); live != NULL; live = live->next)
    {
      GCoroTask *task;

      if (live->funcs != &task_live_funcs)
        continue;
      task = TASK_OF_LIVE (live);
      if (!gcoro_task_is_cancelled (task))
        g_ptr_array_add (tasks, g_object_ref (task));
    }
  for (guint i = 0; i < tasks->len; i++)
    gcoro_task_cancel (g_ptr_array_index (tasks, i));
}

/* --- results ----------------------------------------------------------------- */

static gboolean
task_may_return (GCoroTask  *self,
                 const char *func)
{
  if (self->returned || self->error != NULL)
    {
      g_critical ("%s(): task '%s' already has a result; a task returns once",
                  func, self->name);
      return FALSE;
    }
  if (self->state == TASK_FINISHED)
    {
      g_critical ("%s(): task '%s' has already finished", func, self->name);
      return FALSE;
    }
  return TRUE;
}

#define RETURN_WITH(gtype, setter, v)                                          \
  G_STMT_START {                                                               \
    g_return_if_fail (GCORO_IS_TASK (self));                                   \
    if (!task_may_return (self, G_STRFUNC))                                    \
      return;                                                                  \
    g_value_init (&self->result, gtype);                                       \
    setter (&self->result, v);                                                 \
    self->returned = TRUE;                                                     \
  } G_STMT_END

/**
 * gcoro_task_return_value:
 * @self: a [class@GCoro.Task]
 * @value: (nullable): the result (copied), or %NULL for none
 *
 * Sets the value the task resolves with when its body returns.
 */
void
gcoro_task_return_value (GCoroTask    *self,
                         const GValue *value)
{
  g_return_if_fail (GCORO_IS_TASK (self));
  g_return_if_fail (value == NULL || G_IS_VALUE (value));

  if (!task_may_return (self, G_STRFUNC))
    return;
  if (value != NULL)
    {
      g_value_init (&self->result, G_VALUE_TYPE (value));
      g_value_copy (value, &self->result);
    }
  self->returned = TRUE;
}

/**
 * gcoro_task_return_boolean:
 * @self: a [class@GCoro.Task]
 * @value: the result
 *
 * Sets a `G_TYPE_BOOLEAN` result.
 */
void
gcoro_task_return_boolean (GCoroTask *self,
                           gboolean   value)
{
  RETURN_WITH (G_TYPE_BOOLEAN, g_value_set_boolean, value);
}

/**
 * gcoro_task_return_int64:
 * @self: a [class@GCoro.Task]
 * @value: the result
 *
 * Sets a `G_TYPE_INT64` result.
 */
void
gcoro_task_return_int64 (GCoroTask *self,
                         gint64     value)
{
  RETURN_WITH (G_TYPE_INT64, g_value_set_int64, value);
}

/**
 * gcoro_task_return_double:
 * @self: a [class@GCoro.Task]
 * @value: the result
 *
 * Sets a `G_TYPE_DOUBLE` result.
 */
void
gcoro_task_return_double (GCoroTask *self,
                          double     value)
{
  RETURN_WITH (G_TYPE_DOUBLE, g_value_set_double, value);
}

/**
 * gcoro_task_return_string:
 * @self: a [class@GCoro.Task]
 * @value: (nullable): the result (copied)
 *
 * Sets a `G_TYPE_STRING` result.
 */
void
gcoro_task_return_string (GCoroTask  *self,
                          const char *value)
{
  RETURN_WITH (G_TYPE_STRING, g_value_set_string, value);
}

/**
 * gcoro_task_return_object:
 * @self: a [class@GCoro.Task]
 * @object: (type GObject) (nullable): the result (a reference is taken)
 *
 * Sets an object result; the value's type is the object's type.
 */
void
gcoro_task_return_object (GCoroTask *self,
                          gpointer   object)
{
  g_return_if_fail (object == NULL || G_IS_OBJECT (object));

  RETURN_WITH (object ? G_OBJECT_TYPE (object) : G_TYPE_OBJECT, g_value_set_object, object);
}

/**
 * gcoro_task_return_pointer: (skip)
 * @self: a [class@GCoro.Task]
 * @pointer: (nullable): the result
 * @destroy: (nullable): frees @pointer with the task
 *
 * Sets a C pointer result owned by the task from now on; read it with
 * [func@GCoro.await_pointer].
 */
void
gcoro_task_return_pointer (GCoroTask      *self,
                           gpointer        pointer,
                           GDestroyNotify  destroy)
{
  g_return_if_fail (GCORO_IS_TASK (self));

  if (!task_may_return (self, G_STRFUNC))
    {
      if (destroy != NULL && pointer != NULL)
        destroy (pointer);
      return;
    }

  _gcoro_value_take_pointer (&self->result, pointer, destroy);
  self->returned = TRUE;
}

/**
 * gcoro_task_return_error:
 * @self: a [class@GCoro.Task]
 * @error: (transfer full): the error
 *
 * Makes the task reject with @error when its body returns (cancel with
 * it, if it is [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]).
 */
void
gcoro_task_return_error (GCoroTask *self,
                         GError    *error)
{
  g_return_if_fail (GCORO_IS_TASK (self));
  g_return_if_fail (error != NULL);

  if (!task_may_return (self, G_STRFUNC))
    {
      g_error_free (error);
      return;
    }
  self->error = error;
}

/**
 * gcoro_task_return_new_error: (skip)
 * @self: a [class@GCoro.Task]
 * @domain: the error domain
 * @code: the error code
 * @format: printf()-style message
 * @...: arguments for @format
 *
 * Like [method@GCoro.Task.return_error] with a new [struct@GLib.Error].
 */
void
gcoro_task_return_new_error (GCoroTask  *self,
                             GQuark      domain,
                             int         code,
                             const char *format,
                             ...)
{
  va_list args;
  GError *error;

  g_return_if_fail (GCORO_IS_TASK (self));
  g_return_if_fail (format != NULL);

  va_start (args, format);
  error = g_error_new_valist (domain, code, format, args);
  va_end (args);

  gcoro_task_return_error (self, error);
}

/* --- debugging --------------------------------------------------------------- */

static void
task_describe (GCoroLive *live,
               GString   *out)
{
  static const char *states[] = { "not started", "running", "suspended", "finished" };
  GCoroTask *task = TASK_OF_LIVE (live);

  g_string_append_printf (out, "task '%s' (%p): %s", task->name, task,
                          task->queued ? "ready" : states[task->state]);
  if (task->cancel_requested)
    g_string_append (out, ", cancel requested");

  if (task->state != TASK_SUSPENDED || task->await_what == NULL)
    return;

  if (_gcoro_timer_is_armed (&task->timer))
    g_string_append_printf (out, ", in %s (deadline in %" G_GINT64_FORMAT " ms)",
                            task->await_what,
                            (_gcoro_timer_get_deadline (&task->timer) - g_get_monotonic_time ()) / 1000);
  else
    g_string_append_printf (out, ", in %s", task->await_what);

  if (GCORO_IS_TASK (task->await_target))
    g_string_append_printf (out, ", awaiting task '%s'", GCORO_TASK (task->await_target)->name);
  else if (task->await_target != NULL)
    g_string_append_printf (out, ", awaiting %s %p",
                            G_OBJECT_TYPE_NAME (task->await_target), task->await_target);
}

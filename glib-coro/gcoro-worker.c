/* gcoro-worker.c: a thread with its own context and scheduler
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroWorker:
 *
 * A thread that runs a [struct@GLib.MainContext] of its own, and the [class@GCoro.Scheduler]
 * of that context, so that tasks can run beside the main loop instead of
 * on it.
 *
 * A task belongs to the thread that created it, so a worker does not take
 * tasks made elsewhere: you give it a task *body*, from any thread, and
 * it creates the task on its own thread. What you get back is a
 * [class@GCoro.Future] that settles with the task's outcome, which a task on any
 * other scheduler awaits like any future:
 *
 * |[<!-- language="C" -->
 * static void
 * crunch (GCoroTask *task, gpointer user_data)     // runs on the worker
 * {
 *   gint64 sum = 0;
 *
 *   for (gint64 i = 0; i < 100000000; i++)
 *     {
 *       sum += i % 7;
 *       if (i % 1000000 == 0 && !gcoro_yield (NULL))  // a cancellation point
 *         return;
 *     }
 *   gcoro_task_return_int64 (task, sum);
 * }
 *
 * static void
 * ui_task (GCoroTask *task, gpointer user_data)    // runs on the main loop
 * {
 *   GCoroWorker *worker = user_data;
 *   g_autoptr(GCoroFuture) job = gcoro_worker_spawn (worker, crunch, NULL, NULL);
 *   g_autoptr(GError) error = NULL;
 *   gint64 sum = gcoro_await_int64 (job, &error);  // the main loop goes on
 *   ...
 * }
 *
 * g_autoptr(GCoroWorker) worker = gcoro_worker_new ("cruncher", &error);
 * ...
 * gcoro_worker_stop (worker);
 * ]|
 *
 * The task runs in a copy of the spawner's context variables, taken at
 * the spawn, exactly as [func@GCoro.spawn] does within a thread. Cancelling the
 * returned future ([method@GCoro.Future.cancel]) cancels the task on the worker;
 * the future then settles with whatever the task ends with (usually
 * [GCORO_FUTURE_CANCELLED][enum@GCoro.FutureState]), so once the future has settled the task has
 * ended and its data has been freed.
 *
 * Stopping is graceful and by cancellation: [method@GCoro.Worker.stop] (or
 * [method@GCoro.Worker.stop_async], or dropping the last reference) refuses new
 * spawns (their futures reject with [GCORO_ERROR_CLOSED][error@GCoro.Error]), cancels every
 * task on the worker's scheduler (also tasks those tasks spawned), waits
 * until they have all ended, then ends the scheduler, and the thread
 * exits. A task that ignores its cancellation holds the stop up: the
 * worker cannot end a task from outside, only ask.
 *
 * Threads: everything here may be called from any thread, except that
 * the worker's own thread cannot wait for its own end
 * ([method@GCoro.Worker.join], [method@GCoro.Worker.stop], [method@GCoro.Worker.stop_async],
 * or dropping the last reference there are critical errors; a task on the
 * worker may call [method@GCoro.Worker.request_stop]).
 *
 * Language bindings: Python can run Python code on a worker through
 * [method@GCoro.Worker.spawn_stepped] (PyGObject takes the GIL for a callback
 * from another thread; the override adds `worker.spawn(coroutine)` and
 * `worker.call(function, *args)`). GJS cannot run JavaScript on any
 * thread but its main one: from GJS a worker is only useful through C
 * code that spawns C task bodies on it. See docs/workers.md.
 */

/* NOTES:
 * - A spawn is a future (GCoroWorkerJob) with two embedded hand-offs, so it
 *   allocates nothing else: a runnable posted to the worker scheduler's
 *   inbox (the task is created there, in the spawner's copied context),
 *   and a waiter on the task that copies its outcome into the job. The
 *   copy happens on the worker; the job's own waiters are then woken on
 *   their schedulers by the usual future machinery.
 * - The job does not resolve early when cancelled (unlike a promise): it
 *   mirrors its task, so that "the future settled" means "the task is
 *   over", as for gcoro_to_thread().
 * - Everything a spawn or a cancellation posts to the worker is posted
 *   under the core lock while the worker is still accepting posts; the
 *   worker stops accepting (EXITED) only once no request, task or outcome
 *   forward is left, and runs whatever is still queued before it ends its
 *   scheduler. So no hand-off is ever lost with its references.
 * - The state the thread needs is a separate reference-counted core, not
 *   the GObject: a worker finalized on its own thread (a critical) cannot
 *   join itself, and the thread then finishes its shutdown on the core.
 * - The context lives as long as the core (gcoro_worker_get_context()
 *   stays valid for the worker's life); the scheduler is ended explicitly
 *   on the worker thread before it exits, since nothing runs the context
 *   afterwards.
 */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-context-cell-private.h"
#include "gcoro-error.h"
#include "gcoro-future-private.h"
#include "gcoro-promise.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-task-private.h"
#include "gcoro-worker.h"

typedef enum
{
  WORKER_STARTING,
  WORKER_RUNNING,    /* accepts spawns */
  WORKER_STOPPING,   /* refuses spawns, cancels and waits for its tasks */
  WORKER_EXITED,     /* accepts no post at all */
  WORKER_FINISHED,   /* scheduler ended; the thread is returning */
} WorkerState;

typedef struct
{
  gatomicrefcount  ref;
  GMutex           lock;
  GCond            cond;
  int              state;        /* WorkerState: written under lock, read atomically */
  char            *name;
  GMainContext    *context;      /* owned, for the core's whole life */
  GCoroScheduler  *scheduler;    /* owned; set before RUNNING */
  GThread         *thread_self;  /* identity only, valid until FINISHED */
  guint            n_requests;   /* under lock: spawns posted, not yet taken */
  guint            n_forwards;   /* worker thread only: outcomes not yet copied */
  GCoroPromise    *stopped;      /* resolves once the thread has finished */
} WorkerCore;

struct _GCoroWorker
{
  GObject      parent_instance;

  char        *name;
  WorkerCore  *core;      /* NULL until initialised */
  GThread     *thread;    /* under core->lock: until joined */
  gboolean     joined;    /* under core->lock */
};

static void gcoro_worker_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GCoroWorker, gcoro_worker, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      gcoro_worker_initable_init))

enum { PROP_0, PROP_NAME, PROP_CONTEXT, PROP_SCHEDULER, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* --- the core ---------------------------------------------------------------- */

static WorkerCore *
worker_core_new (const char *name)
{
  WorkerCore *core = g_new0 (WorkerCore, 1);

  g_atomic_ref_count_init (&core->ref);
  g_mutex_init (&core->lock);
  g_cond_init (&core->cond);
  core->name = g_strdup (name);
  core->context = g_main_context_new ();
  core->stopped = gcoro_promise_new ();

  return core;
}

static WorkerCore *
worker_core_ref (WorkerCore *core)
{
  g_atomic_ref_count_inc (&core->ref);
  return core;
}

static void
worker_core_unref (WorkerCore *core)
{
  if (!g_atomic_ref_count_dec (&core->ref))
    return;

  /* The thread has finished (it held a reference), so the scheduler has
   * ended: dropping it and the context here is safe on any thread. */
  g_clear_object (&core->scheduler);
  g_main_context_unref (core->context);
  g_object_unref (core->stopped);
  g_free (core->name);
  g_mutex_clear (&core->lock);
  g_cond_clear (&core->cond);
  g_free (core);
}

static inline void
worker_core_set_state (WorkerCore  *core,
                       WorkerState  state)
{
  g_atomic_int_set (&core->state, state);
  g_cond_broadcast (&core->cond);
}

static gboolean
worker_core_is_current_thread (WorkerCore *core)
{
  return g_atomic_int_get (&core->state) < WORKER_FINISHED &&
         g_atomic_pointer_get (&core->thread_self) == g_thread_self ();
}

static void
worker_core_request_stop (WorkerCore *core)
{
  gboolean wake;

  g_mutex_lock (&core->lock);
  wake = core->state == WORKER_RUNNING;
  if (wake)
    worker_core_set_state (core, WORKER_STOPPING);
  g_mutex_unlock (&core->lock);

  if (wake)
    g_main_context_wakeup (core->context);
}

/* --- the thread --------------------------------------------------------------- */

static gboolean
worker_is_busy (WorkerCore     *core,
                GCoroScheduler *scheduler)
{
  return core->n_requests > 0 || core->n_forwards > 0 ||
         gcoro_scheduler_get_n_tasks (scheduler) > 0;
}

/* Cancel everything, and iterate until nothing is left that could still
 * post to us or settle a job; then stop accepting posts. */
static void
worker_wind_down (WorkerCore     *core,
                  GCoroScheduler *scheduler)
{
  for (;;)
    {
      gboolean busy;

      /* Again every turn: tasks may spawn tasks while they unwind. */
      _gcoro_task_cancel_all (scheduler);

      g_mutex_lock (&core->lock);
      busy = worker_is_busy (core, scheduler);
      if (!busy)
        worker_core_set_state (core, WORKER_EXITED);
      g_mutex_unlock (&core->lock);

      if (!busy)
        return;
      g_main_context_iteration (core->context, TRUE);
    }
}

static gpointer
worker_thread_main (gpointer data)
{
  WorkerCore *core = data;   /* the thread's own reference */
  GCoroScheduler *scheduler;

  g_main_context_push_thread_default (core->context);
  scheduler = gcoro_scheduler_get_for_context (core->context);

  g_mutex_lock (&core->lock);
  core->scheduler = g_object_ref (scheduler);
  g_atomic_pointer_set (&core->thread_self, g_thread_self ());
  worker_core_set_state (core, WORKER_RUNNING);
  g_mutex_unlock (&core->lock);

  while (g_atomic_int_get (&core->state) == WORKER_RUNNING)
    g_main_context_iteration (core->context, TRUE);

  worker_wind_down (core, scheduler);
  _gcoro_scheduler_destroy (scheduler);
  /* The callback-style operations the destroy completed (a binding's
   * sleep, say) deliver from idle sources, and each holds a reference to
   * the context: let them run. Bounded, so that a source that is always
   * ready does not hold the stop up. */
  for (int i = 0; i < 64 && g_main_context_iteration (core->context, FALSE); i++)
    ;
  g_main_context_pop_thread_default (core->context);

  g_mutex_lock (&core->lock);
  worker_core_set_state (core, WORKER_FINISHED);
  g_mutex_unlock (&core->lock);

  gcoro_promise_resolve (core->stopped, NULL);
  worker_core_unref (core);

  return NULL;
}

/* --- jobs: the futures of spawns ---------------------------------------------- */

#define GCORO_TYPE_WORKER_JOB (gcoro_worker_job_get_type ())
G_DECLARE_FINAL_TYPE (GCoroWorkerJob, gcoro_worker_job, GCORO, WORKER_JOB, GCoroFuture)

struct _GCoroWorkerJob
{
  GCoroFuture       parent_instance;

  WorkerCore       *core;              /* owned */
  GCoroRunnable     request;           /* the spawn, posted to the worker */
  GCoroWaiter       forward;           /* on the task: copies its outcome here */
  GCoroTask        *task;              /* under core->lock: spawned, not yet forwarded */
  gboolean          cancel_requested;  /* under core->lock */

  GCoroTaskFunc     func;              /* a fiber body, or ... */
  GCoroStepFunc     step_func;         /* ... a stepped one */
  gpointer          user_data;         /* ours until the task takes it */
  GDestroyNotify    notify;
  char             *name;
  gsize             stack_size;
  int               priority;
  GCoroContextCell  cell;              /* the spawner's context, copied */
};

G_DEFINE_FINAL_TYPE (GCoroWorkerJob, gcoro_worker_job, GCORO_TYPE_FUTURE)

static void
job_drop_data (GCoroWorkerJob *job)
{
  GDestroyNotify notify = g_steal_pointer (&job->notify);
  gpointer data = g_steal_pointer (&job->user_data);

  if (notify != NULL)
    notify (data);
}

static void
gcoro_worker_job_cancel (GCoroFuture *future)
{
  GCoroWorkerJob *job = GCORO_WORKER_JOB (future);
  WorkerCore *core = job->core;
  gboolean here = worker_core_is_current_thread (core);
  GCoroTask *task = NULL;

  g_mutex_lock (&core->lock);
  job->cancel_requested = TRUE;   /* seen by the request if it has not run */
  if (job->task != NULL)
    {
      if (here)
        task = g_object_ref (job->task);
      else if (core->state < WORKER_EXITED)
        gcoro_task_cancel (job->task);   /* posts a hand-off; see NOTES */
    }
  g_mutex_unlock (&core->lock);

  /* On the worker, the cancellation runs right here (GCancellable
   * handlers included): not under our lock. */
  if (task != NULL)
    {
      gcoro_task_cancel (task);
      g_object_unref (task);
    }
}

static void
gcoro_worker_job_finalize (GObject *object)
{
  GCoroWorkerJob *job = GCORO_WORKER_JOB (object);

  g_assert (job->task == NULL);

  job_drop_data (job);
  g_free (job->name);
  _gcoro_context_cell_clear (&job->cell);
  worker_core_unref (job->core);

  G_OBJECT_CLASS (gcoro_worker_job_parent_class)->finalize (object);
}

static void
gcoro_worker_job_class_init (GCoroWorkerJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_worker_job_finalize;
  GCORO_FUTURE_CLASS (klass)->cancel = gcoro_worker_job_cancel;
}

static void
gcoro_worker_job_init (GCoroWorkerJob *job)
{
}

/* Worker thread: the task settled. Consumes the job reference the waiter
 * held. */
static void
job_forward_outcome (GCoroWaiter *waiter,
                     GCoroFuture *task)
{
  GCoroWorkerJob *job = G_STRUCT_MEMBER_P (waiter, -G_STRUCT_OFFSET (GCoroWorkerJob, forward));
  GCoroTask *spawned;

  g_mutex_lock (&job->core->lock);
  spawned = g_steal_pointer (&job->task);
  g_mutex_unlock (&job->core->lock);

  _gcoro_future_settle_like (GCORO_FUTURE (job), task);
  job->core->n_forwards--;

  g_clear_object (&spawned);
  g_object_unref (job);
}

static GCoroTask *
job_spawn_task (GCoroWorkerJob *job)
{
  GCoroContextCell *prev = _gcoro_context_cell_swap_current (&job->cell);
  GCoroTask *task;

  /* The task copies the current context: the spawner's, swapped in. */
  if (job->step_func != NULL)
    task = gcoro_spawn_stepped (job->name, job->step_func, job->user_data, job->notify);
  else
    {
      GCoroSpawnOptions opts = {
        .context = job->core->context,
        .name = job->name,
        .stack_size = job->stack_size,
        .priority = job->priority,
      };

      task = gcoro_spawn_full (&opts, job->func, job->user_data, job->notify);
    }
  _gcoro_context_cell_swap_current (prev);

  if (task != NULL)
    {
      job->user_data = NULL;
      job->notify = NULL;
    }

  return task;
}

/* Worker thread, from dispatch: create the task. Consumes the reference
 * the request held (it passes to the forwarding waiter). */
static void
job_request_run (GCoroRunnable *runnable)
{
  GCoroWorkerJob *job = G_STRUCT_MEMBER_P (runnable, -G_STRUCT_OFFSET (GCoroWorkerJob, request));
  WorkerCore *core = job->core;
  gboolean closing, cancelled;
  GCoroTask *task;

  g_mutex_lock (&core->lock);
  core->n_requests--;
  closing = core->state != WORKER_RUNNING;
  cancelled = job->cancel_requested;
  g_mutex_unlock (&core->lock);

  if (closing || cancelled)
    {
      job_drop_data (job);
      _gcoro_future_settle (GCORO_FUTURE (job),
                            cancelled ? GCORO_FUTURE_CANCELLED : GCORO_FUTURE_REJECTED, NULL,
                            cancelled
                              ? g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "Cancelled before it started on worker '%s'",
                                             core->name)
                              : g_error_new (GCORO_ERROR, GCORO_ERROR_CLOSED,
                                             "Worker '%s' is stopping", core->name));
      g_object_unref (job);
      return;
    }

  task = job_spawn_task (job);
  if (task == NULL)
    {
      job_drop_data (job);
      _gcoro_future_settle (GCORO_FUTURE (job), GCORO_FUTURE_REJECTED, NULL,
                            g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                         "Could not spawn the task on worker '%s'", core->name));
      g_object_unref (job);
      return;
    }

  g_mutex_lock (&core->lock);
  job->task = g_object_ref (task);
  cancelled = job->cancel_requested;   /* a cancel that came in meanwhile */
  g_mutex_unlock (&core->lock);
  if (cancelled)
    gcoro_task_cancel (task);

  core->n_forwards++;
  job->forward.scheduler = core->scheduler;
  job->forward.band = _gcoro_scheduler_get_main_band (core->scheduler);
  job->forward.func = job_forward_outcome;
  if (!_gcoro_future_add_waiter (GCORO_FUTURE (task), &job->forward))
    job_forward_outcome (&job->forward, GCORO_FUTURE (task));

  g_object_unref (task);
}

static WorkerCore *
worker_get_core (GCoroWorker *self,
                 const char  *func)
{
  if (G_UNLIKELY (self->core == NULL))
    g_critical ("%s(): GCoroWorker %p was not initialised; create workers with "
                "gcoro_worker_new()", func, self);
  return self->core;
}

static GCoroFuture *
worker_submit (GCoroWorker    *self,
               GCoroWorkerJob *job)
{
  WorkerCore *core = self->core;
  gboolean accepted;

  job->core = worker_core_ref (core);
  job->request.func = job_request_run;
  _gcoro_context_cell_init_copy (&job->cell, NULL);

  g_mutex_lock (&core->lock);
  accepted = core->state == WORKER_RUNNING;
  if (accepted)
    {
      core->n_requests++;
      g_object_ref (job);   /* the request's */
      _gcoro_scheduler_post (core->scheduler, _gcoro_scheduler_get_main_band (core->scheduler),
                             &job->request);
    }
  g_mutex_unlock (&core->lock);

  if (!accepted)
    {
      job_drop_data (job);
      _gcoro_future_settle (GCORO_FUTURE (job), GCORO_FUTURE_REJECTED, NULL,
                            g_error_new (GCORO_ERROR, GCORO_ERROR_CLOSED,
                                         "Worker '%s' has been stopped", core->name));
    }

  return GCORO_FUTURE (job);
}

/**
 * gcoro_worker_spawn_full: (skip)
 * @self: a [class@GCoro.Worker]
 * @options: (nullable): how to spawn, or %NULL for the defaults; its
 *   context must be %NULL (or the worker's) and its owner %NULL (an owner
 *   object belongs to one thread: cancel the returned future instead)
 * @func: the body of the task
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the task has ended (on the
 *   worker thread), or once the spawn was refused
 *
 * Creates a fiber task on the worker's thread and scheduler, in a copy of
 * the calling thread's current context variables (taken now), and
 * returns a future that settles with the task's outcome: its value, its
 * error, or its cancellation. Any thread may call this, including the
 * worker's own tasks.
 *
 * Cancelling the future cancels the task (wherever it has got to); the
 * future still settles only once the task has ended. When the worker is
 * stopping or stopped, the future rejects with [GCORO_ERROR_CLOSED][error@GCoro.Error] and the
 * body never runs.
 *
 * Returns: (transfer full): the future of the task
 */
GCoroFuture *
gcoro_worker_spawn_full (GCoroWorker             *self,
                         const GCoroSpawnOptions *options,
                         GCoroTaskFunc            func,
                         gpointer                 user_data,
                         GDestroyNotify           notify)
{
  GCoroWorkerJob *job;

  g_return_val_if_fail (GCORO_IS_WORKER (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);
  if (worker_get_core (self, G_STRFUNC) == NULL)
    return NULL;
  if (options != NULL && options->context != NULL && options->context != self->core->context)
    {
      g_critical ("%s(): the spawn options name another context than the worker's; leave "
                  "the context NULL", G_STRFUNC);
      return NULL;
    }
  if (options != NULL && options->owner != NULL)
    {
      g_critical ("%s(): an owner object cannot be given to a task on another thread; "
                  "cancel the returned future when the owner goes away", G_STRFUNC);
      return NULL;
    }

  job = g_object_new (GCORO_TYPE_WORKER_JOB, NULL);
  job->func = func;
  job->user_data = user_data;
  job->notify = notify;
  if (options != NULL)
    {
      job->name = g_strdup (options->name);
      job->stack_size = options->stack_size;
      job->priority = options->priority;
    }

  return worker_submit (self, job);
}

/**
 * gcoro_worker_spawn: (skip)
 * @self: a [class@GCoro.Worker]
 * @func: the body of the task
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the task has ended
 *
 * Spawns a fiber task with default options on the worker, from any
 * thread. See [method@GCoro.Worker.spawn_full].
 *
 * Returns: (transfer full): the future of the task
 */
GCoroFuture *
gcoro_worker_spawn (GCoroWorker    *self,
                    GCoroTaskFunc   func,
                    gpointer        user_data,
                    GDestroyNotify  notify)
{
  return gcoro_worker_spawn_full (self, NULL, func, user_data, notify);
}

/**
 * gcoro_worker_spawn_stepped:
 * @self: a [class@GCoro.Worker]
 * @name: (nullable): a name for debugging, or %NULL for "task-N"
 * @func: (scope notified): the step function, called on the worker thread
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the task has ended (on the
 *   worker thread)
 *
 * Spawns a stepped task (see [callback@GCoro.StepFunc] and [func@GCoro.spawn_stepped]) on
 * the worker, from any thread, in a copy of the caller's context
 * variables; returns the future of its outcome, as
 * [method@GCoro.Worker.spawn_full] does.
 *
 * This is the form language bindings can call, but @func runs on the
 * worker thread. PyGObject supports that (it takes the GIL for the call,
 * so Python code on the worker runs in turns with the main thread's);
 * GJS does not (JavaScript runs on its main thread only), so never pass
 * a JavaScript function here.
 *
 * Returns: (transfer full): the future of the task
 */
GCoroFuture *
gcoro_worker_spawn_stepped (GCoroWorker    *self,
                            const char     *name,
                            GCoroStepFunc   func,
                            gpointer        user_data,
                            GDestroyNotify  notify)
{
  GCoroWorkerJob *job;

  g_return_val_if_fail (GCORO_IS_WORKER (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);
  if (worker_get_core (self, G_STRFUNC) == NULL)
    return NULL;

  job = g_object_new (GCORO_TYPE_WORKER_JOB, NULL);
  job->step_func = func;
  job->user_data = user_data;
  job->notify = notify;
  job->name = g_strdup (name);

  return worker_submit (self, job);
}

/* --- the object ------------------------------------------------------------- */

static gboolean
gcoro_worker_initable_init_impl (GInitable     *initable,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  GCoroWorker *self = GCORO_WORKER (initable);
  WorkerCore *core;
  GThread *thread;

  if (self->core != NULL)
    return TRUE;

  core = worker_core_new (self->name);
  thread = g_thread_try_new (self->name, worker_thread_main, worker_core_ref (core), error);
  if (thread == NULL)
    {
      worker_core_unref (core);   /* the thread's */
      worker_core_unref (core);
      return FALSE;
    }

  g_mutex_lock (&core->lock);
  while (core->state == WORKER_STARTING)
    g_cond_wait (&core->cond, &core->lock);
  self->thread = thread;
  g_mutex_unlock (&core->lock);
  self->core = core;

  return TRUE;
}

static void
gcoro_worker_initable_init (GInitableIface *iface)
{
  iface->init = gcoro_worker_initable_init_impl;
}

static void
worker_join (GCoroWorker *self)
{
  WorkerCore *core = self->core;
  GThread *thread;

  g_mutex_lock (&core->lock);
  while (core->state != WORKER_FINISHED)
    g_cond_wait (&core->cond, &core->lock);
  thread = g_steal_pointer (&self->thread);
  if (thread == NULL)
    {
      /* Another thread is joining: wait until the thread has exited. */
      while (!self->joined)
        g_cond_wait (&core->cond, &core->lock);
      g_mutex_unlock (&core->lock);
      return;
    }
  g_mutex_unlock (&core->lock);

  g_thread_join (thread);

  g_mutex_lock (&core->lock);
  self->joined = TRUE;
  g_cond_broadcast (&core->cond);
  g_mutex_unlock (&core->lock);
}

static void
gcoro_worker_finalize (GObject *object)
{
  GCoroWorker *self = GCORO_WORKER (object);

  if (self->core != NULL)
    {
      worker_core_request_stop (self->core);
      if (worker_core_is_current_thread (self->core))
        {
          g_critical ("The last reference to GCoroWorker '%s' was dropped on the worker's "
                      "own thread, which cannot wait for its own end; stop the worker "
                      "(gcoro_worker_stop()) and release it from another thread. The "
                      "thread now winds down on its own.", self->core->name);
          g_clear_pointer (&self->thread, g_thread_unref);
        }
      else
        worker_join (self);
      g_clear_pointer (&self->core, worker_core_unref);
    }
  g_free (self->name);

  G_OBJECT_CLASS (gcoro_worker_parent_class)->finalize (object);
}

static void
gcoro_worker_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  GCoroWorker *self = GCORO_WORKER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_CONTEXT:
      g_value_set_boxed (value, gcoro_worker_get_context (self));
      break;
    case PROP_SCHEDULER:
      g_value_set_object (value, gcoro_worker_get_scheduler (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_worker_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  GCoroWorker *self = GCORO_WORKER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      if (self->name == NULL)
        self->name = g_strdup ("gcoro-worker");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_worker_class_init (GCoroWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcoro_worker_finalize;
  object_class->get_property = gcoro_worker_get_property;
  object_class->set_property = gcoro_worker_set_property;

  /**
   * GCoroWorker:name: (getter get_name)
   *
   * The name of the worker, which is also its thread's name (as far as
   * the system keeps it: Linux keeps 15 bytes).
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         "gcoro-worker",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GCoroWorker:context: (getter get_context)
   *
   * The [struct@GLib.MainContext] of the worker's thread, made when the worker is
   * created ([ctor@GCoro.Worker.new]).
   */
  properties[PROP_CONTEXT] =
    g_param_spec_boxed ("context", NULL, NULL, G_TYPE_MAIN_CONTEXT,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * GCoroWorker:scheduler: (getter get_scheduler)
   *
   * The [class@GCoro.Scheduler] of the worker's context. Like every
   * scheduler it belongs to its thread: use it from the worker's tasks.
   */
  properties[PROP_SCHEDULER] =
    g_param_spec_object ("scheduler", NULL, NULL, GCORO_TYPE_SCHEDULER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcoro_worker_init (GCoroWorker *self)
{
  self->name = g_strdup ("gcoro-worker");
}

/**
 * gcoro_worker_new:
 * @name: (nullable): a name for the worker and its thread, or %NULL for
 *   "gcoro-worker"
 * @error: return location for a [struct@GLib.Error]
 *
 * Starts a worker thread with a new [struct@GLib.MainContext] (its thread-default
 * context there) and that context's scheduler, and returns once the
 * scheduler exists, ready for spawns.
 *
 * Errors: GLib's [G_THREAD_ERROR_AGAIN][error@GLib.ThreadError] when the system cannot create the
 * thread.
 *
 * Returns: (transfer full): the running worker, or %NULL with @error set
 *   when the thread could not be created
 */
GCoroWorker *
gcoro_worker_new (const char  *name,
                  GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (GCORO_TYPE_WORKER, NULL, error, "name", name, NULL);
}

/**
 * gcoro_worker_get_name:
 * @self: a [class@GCoro.Worker]
 *
 * Gets the name given at creation.
 *
 * Returns: the name
 */
const char *
gcoro_worker_get_name (GCoroWorker *self)
{
  g_return_val_if_fail (GCORO_IS_WORKER (self), NULL);

  return self->name;
}

/**
 * gcoro_worker_get_context:
 * @self: a [class@GCoro.Worker]
 *
 * Gets the [struct@GLib.MainContext] the worker thread runs. It stays valid as long
 * as @self, but is only iterated until the worker stops. Attach sources
 * to it to run callbacks on the worker thread.
 *
 * Returns: (transfer none) (nullable): the context, or %NULL for a worker
 *   that was not initialised
 */
GMainContext *
gcoro_worker_get_context (GCoroWorker *self)
{
  g_return_val_if_fail (GCORO_IS_WORKER (self), NULL);

  return self->core != NULL ? self->core->context : NULL;
}

/**
 * gcoro_worker_get_scheduler:
 * @self: a [class@GCoro.Worker]
 *
 * Gets the scheduler of the worker's context. Like every scheduler it
 * belongs to its thread: use it from there (from the worker's tasks), or
 * read it from anywhere. Once the worker has stopped, the scheduler has
 * no context any more ([method@GCoro.Scheduler.get_context] returns %NULL).
 *
 * Returns: (transfer none) (nullable): the scheduler, or %NULL for a
 *   worker that was not initialised
 */
GCoroScheduler *
gcoro_worker_get_scheduler (GCoroWorker *self)
{
  g_return_val_if_fail (GCORO_IS_WORKER (self), NULL);

  return self->core != NULL ? self->core->scheduler : NULL;
}

/**
 * gcoro_worker_is_running:
 * @self: a [class@GCoro.Worker]
 *
 * Checks whether the worker accepts spawns: %FALSE as soon as a stop was
 * requested.
 *
 * Returns: %TRUE while the worker runs
 */
gboolean
gcoro_worker_is_running (GCoroWorker *self)
{
  g_return_val_if_fail (GCORO_IS_WORKER (self), FALSE);

  return self->core != NULL && g_atomic_int_get (&self->core->state) == WORKER_RUNNING;
}

/**
 * gcoro_worker_is_worker_thread:
 * @self: a [class@GCoro.Worker]
 *
 * Checks whether the caller runs on the worker's thread (in one of its
 * tasks, say).
 *
 * Returns: %TRUE on the worker thread
 */
gboolean
gcoro_worker_is_worker_thread (GCoroWorker *self)
{
  g_return_val_if_fail (GCORO_IS_WORKER (self), FALSE);

  return self->core != NULL && worker_core_is_current_thread (self->core);
}

/**
 * gcoro_worker_request_stop:
 * @self: a [class@GCoro.Worker]
 *
 * Asks the worker to stop, without waiting: from now on spawns are
 * refused (their futures reject with [GCORO_ERROR_CLOSED][error@GCoro.Error]), the tasks on
 * the worker are cancelled, and once they have all ended the thread
 * exits. Any thread, including the worker's own (a task may stop its
 * worker). Wait for the end with [method@GCoro.Worker.join] or
 * [method@GCoro.Worker.stop_async].
 */
void
gcoro_worker_request_stop (GCoroWorker *self)
{
  g_return_if_fail (GCORO_IS_WORKER (self));
  if (worker_get_core (self, G_STRFUNC) == NULL)
    return;

  worker_core_request_stop (self->core);
}

static gboolean
worker_check_not_own_thread (GCoroWorker *self,
                             const char  *func)
{
  if (worker_get_core (self, func) == NULL)
    return FALSE;
  if (G_UNLIKELY (worker_core_is_current_thread (self->core)))
    {
      g_critical ("%s() called on the thread of worker '%s', which cannot wait for its "
                  "own end; call gcoro_worker_request_stop() there and wait from another "
                  "thread", func, self->core->name);
      return FALSE;
    }
  return TRUE;
}

/**
 * gcoro_worker_join:
 * @self: a [class@GCoro.Worker]
 *
 * Blocks the calling thread until the worker has stopped: its tasks have
 * ended, its scheduler is gone and its thread has exited. Only returns
 * after a stop was requested ([method@GCoro.Worker.request_stop], perhaps by a
 * task on the worker). Not on the worker's own thread.
 */
void
gcoro_worker_join (GCoroWorker *self)
{
  g_return_if_fail (GCORO_IS_WORKER (self));
  if (!worker_check_not_own_thread (self, G_STRFUNC))
    return;

  worker_join (self);
}

/**
 * gcoro_worker_stop:
 * @self: a [class@GCoro.Worker]
 *
 * Stops the worker and waits for it: [method@GCoro.Worker.request_stop] then
 * [method@GCoro.Worker.join]. It blocks the calling thread while the worker's
 * tasks unwind, so from a task (whose scheduler would be blocked) prefer
 * [method@GCoro.Worker.stop_async]. Not on the worker's own thread. Stopping a
 * stopped worker does nothing.
 */
void
gcoro_worker_stop (GCoroWorker *self)
{
  g_return_if_fail (GCORO_IS_WORKER (self));
  if (!worker_check_not_own_thread (self, G_STRFUNC))
    return;

  worker_core_request_stop (self->core);
  worker_join (self);
}

/**
 * gcoro_worker_stop_async:
 * @self: a [class@GCoro.Worker]
 * @cancellable: (nullable): cancels the wait (the stop goes on)
 * @callback: (scope async) (nullable): called once the worker has stopped
 * @user_data: data for @callback
 *
 * Requests the worker to stop (see [method@GCoro.Worker.request_stop]) and
 * calls @callback on the caller's thread-default [struct@GLib.MainContext] once its
 * thread has exited, without blocking. Not on the worker's own thread.
 */
void
gcoro_worker_stop_async (GCoroWorker         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GCoroAsyncResult *result;

  g_return_if_fail (GCORO_IS_WORKER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  if (!worker_check_not_own_thread (self, G_STRFUNC))
    return;

  result = _gcoro_async_result_new (self, cancellable, callback, user_data, gcoro_worker_stop_async);
  worker_core_request_stop (self->core);
  _gcoro_async_result_wait (result, g_object_ref (GCORO_FUTURE (self->core->stopped)),
                            _gcoro_async_leave, NULL, NULL);   /* the stop goes on */
}

/**
 * gcoro_worker_stop_finish:
 * @self: a [class@GCoro.Worker]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Worker.stop_async].
 *
 * Returns: %TRUE once the worker has stopped, %FALSE with
 *   [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] if the wait was cancelled
 */
gboolean
gcoro_worker_stop_finish (GCoroWorker   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (GCORO_IS_WORKER (self), FALSE);

  if (!_gcoro_async_propagate (result, self, gcoro_worker_stop_async, error))
    return FALSE;
  /* The thread resolved the promise as its last act: this join is short. */
  worker_join (self);
  return TRUE;
}

/* gcoro-thread.c: blocking functions in GLib's thread pool, awaited
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* asyncio's `await asyncio.to_thread(f)` for C: a plain blocking function
 * runs in GLib's thread pool (through GTask) while the calling task waits
 * and the main loop goes on.
 *
 *   static gpointer
 *   hash_file (GCancellable *cancellable, gpointer path, GError **error)
 *   {
 *     ...   // blocking reads, checking cancellable
 *     return g_strdup (digest);
 *   }
 *
 *   // in a fiber task:
 *   g_autofree char *digest = gcoro_to_thread (hash_file, path, g_free, &error);
 *
 * The function runs in a copy of its caller's context variables (taken
 * when it is sent), receives a GCancellable that is cancelled when the job
 * is cancelled (cancelling the future, or the task that started it), and
 * reports failure as a GError. The outcome is delivered on the caller's
 * GMainContext, never on the worker thread: the worker settles the job's
 * future, whose waiters are woken through their own scheduler. A cancelled job keeps running
 * until the function checks its cancellable and returns; its late result
 * is freed, not lost in a leak.
 *
 * Thread functions are C only (skipped by introspection): Python and
 * JavaScript callbacks must not run on worker threads. */

#include "gcoro-config.h"

#include "gcoro-await.h"
#include "gcoro-context-cell-private.h"
#include "gcoro-future-private.h"
#include "gcoro-task-private.h"
#include "gcoro-thread.h"

typedef struct _GCoroThreadJob GCoroThreadJob;

struct _GCoroThreadJob
{
  GCoroFuture       parent_instance;
  GCancellable     *cancellable;     /* the job's own */
  GCancellable     *caller;          /* the spawning task's, forwarded */
  gulong            caller_handler;
  GCoroThreadFunc   func;
  gpointer          user_data;
  GDestroyNotify    notify;
  GDestroyNotify    result_destroy;
  GCoroContextCell  cell;            /* the caller's context, copied */
};

#define GCORO_TYPE_THREAD_JOB (gcoro_thread_job_get_type ())
G_DECLARE_FINAL_TYPE (GCoroThreadJob, gcoro_thread_job, GCORO, THREAD_JOB, GCoroFuture)
G_DEFINE_FINAL_TYPE (GCoroThreadJob, gcoro_thread_job, GCORO_TYPE_FUTURE)

static void
gcoro_thread_job_cancel (GCoroFuture *future)
{
  GCoroThreadJob *self = GCORO_THREAD_JOB (future);

  g_cancellable_cancel (self->cancellable);
  GCORO_FUTURE_CLASS (gcoro_thread_job_parent_class)->cancel (future);
}

static void
gcoro_thread_job_finalize (GObject *object)
{
  GCoroThreadJob *self = GCORO_THREAD_JOB (object);

  if (self->caller != NULL)
    g_cancellable_disconnect (self->caller, self->caller_handler);
  g_clear_object (&self->caller);
  g_clear_object (&self->cancellable);
  if (self->notify != NULL)
    g_clear_pointer (&self->user_data, self->notify);
  _gcoro_context_cell_clear (&self->cell);

  G_OBJECT_CLASS (gcoro_thread_job_parent_class)->finalize (object);
}

static void
gcoro_thread_job_class_init (GCoroThreadJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_thread_job_finalize;
  GCORO_FUTURE_CLASS (klass)->cancel = gcoro_thread_job_cancel;
}

static void
gcoro_thread_job_init (GCoroThreadJob *self)
{
  self->cancellable = g_cancellable_new ();
}

/* In the worker thread. The future is settled right here (futures may be
 * settled from any thread): its waiters are told through their
 * scheduler, on the caller's context, without the extra main-loop hop of
 * a GTask callback. */
static void
job_run (GTask        *task,
         gpointer      source_object,
         gpointer      task_data,
         GCancellable *cancellable)
{
  GCoroThreadJob *self = source_object;
  GCoroContextCell *prev = _gcoro_context_cell_swap_current (&self->cell);
  GError *error = NULL;
  gpointer result;
  GValue value = G_VALUE_INIT;

  result = self->func (self->cancellable, self->user_data, &error);
  _gcoro_context_cell_swap_current (prev);

  if (error != NULL)
    _gcoro_future_settle (GCORO_FUTURE (self),
                          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                            ? GCORO_FUTURE_CANCELLED : GCORO_FUTURE_REJECTED,
                          NULL, error);
  else
    {
      /* Owned by the future from now on; freed at once if the job was
       * cancelled meanwhile (settle refuses it). */
      _gcoro_value_take_pointer (&value, result, self->result_destroy);
      _gcoro_future_settle (GCORO_FUTURE (self), GCORO_FUTURE_RESOLVED, &value, NULL);
    }

  g_task_return_boolean (task, TRUE);
}

static void
caller_cancelled (GCancellable *caller,
                  gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

/**
 * gcoro_run_in_thread: (skip)
 * @func: the blocking function
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the job is over
 * @result_destroy: (nullable): frees @func's result when the future goes
 *
 * Runs @func in GLib's thread pool, in a copy of the caller's context
 * variables. The future resolves with @func's result (read it with
 * [func@GCoro.await_pointer]) or rejects with its error, on the caller's
 * thread-default [struct@GLib.MainContext]. Cancelling the future cancels @func's
 * [class@Gio.Cancellable]; so does cancelling the task that called this.
 *
 * Returns: (transfer full): the future of the job
 */
GCoroFuture *
gcoro_run_in_thread (GCoroThreadFunc func,
                     gpointer        user_data,
                     GDestroyNotify  notify,
                     GDestroyNotify  result_destroy)
{
  GCoroThreadJob *self;
  GCoroTask *current = _gcoro_task_current ();
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (GCORO_TYPE_THREAD_JOB, NULL);
  self->func = func;
  self->user_data = user_data;
  self->notify = notify;
  self->result_destroy = result_destroy;
  _gcoro_context_cell_init_copy (&self->cell, NULL);

  if (current != NULL)
    {
      self->caller = g_object_ref (gcoro_task_get_cancellable (current));
      self->caller_handler = g_cancellable_connect (self->caller, G_CALLBACK (caller_cancelled),
                                                    self->cancellable, NULL);
    }

  /* The GTask only borrows GLib's thread pool: no cancellable (a cancelled
   * job still runs to its end and frees its result), no callback. */
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, gcoro_run_in_thread);
  g_task_set_name (task, "[gcoro] run_in_thread");
  g_task_run_in_thread (task, job_run);

  return GCORO_FUTURE (self);
}

/**
 * gcoro_to_thread: (skip)
 * @func: the blocking function
 * @user_data: data for @func (it stays the caller's: this function does
 *   not return before @func has)
 * @result_destroy: (nullable): frees the result of a job whose caller was
 *   cancelled
 * @error: return location for a [struct@GLib.Error]
 *
 * Runs @func in GLib's thread pool and suspends the calling fiber task
 * until it returns: asyncio's `await to_thread(func)`. A cancellation
 * point: when the task is cancelled, @func's cancellable is cancelled and
 * this returns [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] as soon as @func has returned (so
 * @user_data can be freed safely); a result it still produced is freed.
 *
 * Returns: (transfer full) (nullable): @func's result, or %NULL with @error
 *   set
 */
gpointer
gcoro_to_thread (GCoroThreadFunc   func,
                 gpointer          user_data,
                 GDestroyNotify    result_destroy,
                 GError          **error)
{
  GCoroTask *current = _gcoro_task_require_current (G_STRFUNC, "gcoro_run_in_thread()");
  g_autoptr(GCoroFuture) job = NULL;
  gpointer result;

  if (current == NULL)
    return NULL;   /* a programmer error: the critical says it */

  /* The result travels without a destroy notify: the caller takes it. */
  job = gcoro_run_in_thread (func, user_data, NULL, NULL);
  if (!gcoro_await (job, error))
    {
      /* Cancelled. @user_data is the caller's and may be freed as soon as
       * we return, so tell the function to stop and wait (uncancellably)
       * until it has; then drop whatever it produced. */
      g_cancellable_cancel (GCORO_THREAD_JOB (job)->cancellable);
      _gcoro_task_wait_uncancellable (current, job);
      if (gcoro_future_get_state (job) == GCORO_FUTURE_RESOLVED && result_destroy != NULL)
        {
          result = _gcoro_value_get_pointer (gcoro_future_peek_value (job));
          if (result != NULL)
            result_destroy (result);
        }
      return NULL;
    }

  result = _gcoro_value_get_pointer (gcoro_future_peek_value (job));
  return result;
}

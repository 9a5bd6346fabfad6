/* gcoro-sleep.c: suspending for a while
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* A sleep is an entry in the scheduler's timer heap, embedded in the task:
 * no GSource, no allocation. The scheduler's prepare() turns the earliest
 * deadline into the poll timeout, so a thousand sleeping tasks cost the
 * main loop one timeout, not a thousand. */

#include "gcoro-config.h"

#include "gcoro-context-cell-private.h"
#include "gcoro-sleep.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-task-private.h"

/**
 * gcoro_sleep_until: (skip)
 * @deadline: when to wake up, on the g_get_monotonic_time() clock (µs)
 * @error: return location for a #GError
 *
 * Suspends the calling fiber task until @deadline. A cancellation point.
 *
 * Returns: %TRUE, or %FALSE with %G_IO_ERROR_CANCELLED if the task was
 *   cancelled before or while sleeping
 */
gboolean
gcoro_sleep_until (gint64   deadline,
                   GError **error)
{
  GCoroTask *task = _gcoro_task_require_current (G_STRFUNC, "gcoro_sleep_async()");

  if (task == NULL)
    return FALSE;
  if (!_gcoro_task_check_cancelled (task, error))
    return FALSE;

  _gcoro_task_wait_until (task, deadline, "sleep");

  return _gcoro_task_check_cancelled (task, error);
}

/**
 * gcoro_sleep: (skip)
 * @msec: how long, in milliseconds
 * @error: return location for a #GError
 *
 * Suspends the calling fiber task for @msec milliseconds while the rest of
 * the main loop runs. A cancellation point. Binding twin:
 * gcoro_sleep_async().
 *
 * Returns: %TRUE, or %FALSE with %G_IO_ERROR_CANCELLED
 */
gboolean
gcoro_sleep (guint    msec,
             GError **error)
{
  return gcoro_sleep_until (g_get_monotonic_time () + (gint64) msec * 1000, error);
}

/* --- binding twin ------------------------------------------------------------- */

/* Owned by its GTask (task data). The timer path and the cancel path each
 * hold a GTask reference while armed; whichever runs first on the
 * scheduler thread completes the GTask, the other finds done set. */
typedef struct
{
  GCoroTimer       timer;
  GCoroRunnable    cancel_runnable;
  GCoroScheduler  *scheduler;
  GTask           *task;
  gulong           cancel_id;
  gboolean         done;
} SleepOp;

static void
sleep_op_free (gpointer data)
{
  SleepOp *op = data;

  g_object_unref (op->scheduler);
  g_free (op);
}

static void
sleep_op_fired (GCoroTimer *timer)
{
  SleepOp *op = (SleepOp *) timer;
  GTask *task = op->task;

  if (!op->done)
    {
      op->done = TRUE;
      g_cancellable_disconnect (g_task_get_cancellable (task), op->cancel_id);
      g_task_return_boolean (task, TRUE);
    }
  g_object_unref (task);
}

static void
sleep_op_cancel_run (GCoroRunnable *runnable)
{
  SleepOp *op = G_STRUCT_MEMBER_P (runnable, -G_STRUCT_OFFSET (SleepOp, cancel_runnable));
  GTask *task = op->task;

  if (!op->done)
    {
      op->done = TRUE;
      _gcoro_scheduler_remove_timer (op->scheduler, &op->timer);
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);   /* the timer's reference */
    }
  g_object_unref (task);       /* ours */
}

/* Any thread. */
static void
sleep_op_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  SleepOp *op = g_task_get_task_data (task);

  g_object_ref (task);
  op->cancel_runnable.func = sleep_op_cancel_run;
  _gcoro_scheduler_post (op->scheduler, _gcoro_scheduler_get_main_band (op->scheduler),
                         &op->cancel_runnable);
}

/**
 * gcoro_sleep_async:
 * @msec: how long, in milliseconds
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (nullable): called after @msec, on the
 *   thread-default context
 * @user_data: data for @callback
 *
 * The callback form of gcoro_sleep(), for GIO-style code and bindings.
 * Uses the scheduler's timer heap like gcoro_sleep().
 */
void
gcoro_sleep_async (guint                msec,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GCoroScheduler *scheduler = gcoro_scheduler_get_default ();
  SleepOp *op;
  GTask *task;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!_gcoro_scheduler_is_owner_thread (scheduler))
    {
      g_critical ("%s() called on another thread than the one that runs the "
                  "scheduler of its thread-default context; push a context of "
                  "this thread with g_main_context_push_thread_default() first",
                  G_STRFUNC);
      return;
    }

  task = _gcoro_context_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gcoro_sleep_async);
  g_task_set_name (task, "[gcoro] sleep");

  op = g_new0 (SleepOp, 1);
  op->scheduler = g_object_ref (scheduler);
  op->task = task;            /* the timer's reference */
  op->timer.func = sleep_op_fired;
  g_task_set_task_data (task, op, sleep_op_free);

  _gcoro_scheduler_add_timer (scheduler, &op->timer,
                              g_get_monotonic_time () + (gint64) msec * 1000);
  if (cancellable != NULL)
    op->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (sleep_op_cancelled),
                                           task, NULL);
}

/**
 * gcoro_sleep_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes gcoro_sleep_async().
 *
 * Returns: %TRUE, or %FALSE with %G_IO_ERROR_CANCELLED
 */
gboolean
gcoro_sleep_finish (GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gcoro_sleep_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

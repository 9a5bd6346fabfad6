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

#include "gcoro-async-result-private.h"
#include "gcoro-sleep.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-task-private.h"

/**
 * gcoro_sleep_until: (skip)
 * @deadline: when to wake up, on the [func@GLib.get_monotonic_time] clock (µs)
 * @error: return location for a [struct@GLib.Error]
 *
 * Suspends the calling fiber task until @deadline. A cancellation point.
 *
 * Returns: %TRUE, or %FALSE with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] if the task was
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
 * @error: return location for a [struct@GLib.Error]
 *
 * Suspends the calling fiber task for @msec milliseconds while the rest of
 * the main loop runs. A cancellation point. Binding twin:
 * [func@GCoro.sleep_async].
 *
 * Returns: %TRUE, or %FALSE with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]
 */
gboolean
gcoro_sleep (guint    msec,
             GError **error)
{
  return gcoro_sleep_until (g_get_monotonic_time () + (gint64) msec * 1000, error);
}

/* --- binding twin ------------------------------------------------------------- */

/* The result's operation data: a promise the timer resolves. */
typedef struct
{
  GCoroTimer      timer;
  GCoroPromise   *promise;
  GCoroScheduler *scheduler;
} SleepOp;

static void
sleep_op_free (gpointer data)
{
  SleepOp *op = data;

  _gcoro_scheduler_remove_timer (op->scheduler, &op->timer);
  g_object_unref (op->promise);
  g_object_unref (op->scheduler);
  g_free (op);
}

static void
sleep_op_fired (GCoroTimer *timer)
{
  SleepOp *op = (SleepOp *) timer;

  gcoro_promise_resolve (op->promise, NULL);
}

static void
sleep_op_cancel (GCoroAsyncResult *result,
                 GCoroFuture      *future,
                 gpointer          data)
{
  SleepOp *op = data;

  _gcoro_scheduler_remove_timer (op->scheduler, &op->timer);
  gcoro_future_cancel (future);
}

/**
 * gcoro_sleep_async:
 * @msec: how long, in milliseconds
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called after @msec, on the
 *   thread-default context
 * @user_data: data for @callback
 *
 * The callback form of [func@GCoro.sleep], for GIO-style code and bindings.
 * Uses the scheduler's timer heap like [func@GCoro.sleep].
 */
void
gcoro_sleep_async (guint                msec,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GCoroScheduler *scheduler = gcoro_scheduler_get_default ();
  SleepOp *op;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (!_gcoro_scheduler_is_owner_thread (scheduler))
    {
      g_critical ("%s() called on another thread than the one that runs the "
                  "scheduler of its thread-default context; push a context of "
                  "this thread with g_main_context_push_thread_default() first",
                  G_STRFUNC);
      return;
    }

  op = g_new0 (SleepOp, 1);
  op->scheduler = g_object_ref (scheduler);
  op->promise = gcoro_promise_new ();
  op->timer.func = sleep_op_fired;
  _gcoro_scheduler_add_timer (scheduler, &op->timer,
                              g_get_monotonic_time () + (gint64) msec * 1000);
  _gcoro_async_result_wait (_gcoro_async_result_new (NULL, cancellable, callback, user_data,
                                                     gcoro_sleep_async),
                            g_object_ref (GCORO_FUTURE (op->promise)), sleep_op_cancel,
                            op, sleep_op_free);
}

/**
 * gcoro_sleep_finish:
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [func@GCoro.sleep_async].
 *
 * Returns: %TRUE, or %FALSE with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]
 */
gboolean
gcoro_sleep_finish (GAsyncResult  *result,
                    GError       **error)
{
  return _gcoro_async_finish (result, NULL, gcoro_sleep_async, NULL, error);
}

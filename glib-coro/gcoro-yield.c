/* gcoro-yield.c: giving the main loop a turn
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Two ways to let others run in the middle of a long task:
 *
 * - gcoro_yield() is asyncio's `await asyncio.sleep(0)`: the task goes to
 *   the back of its scheduler's queue and runs again in the scheduler's
 *   next dispatch, after the other sources that were ready in this
 *   iteration of the main loop. Ready sources of a *lower* priority (GTK's
 *   redraw at 120, idle callbacks) may still wait: GLib dispatches only the
 *   highest-priority ready sources of an iteration.
 *
 * - gcoro_idle_yield() resumes the task from the scheduler's idle band
 *   (priority %G_PRIORITY_DEFAULT_IDLE), that is only once nothing of a
 *   higher priority is pending. A computation sliced with it lets GTK
 *   lay out and draw a frame between every two slices.
 */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-yield.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-task-private.h"

static gboolean
yield_on (GCoroBand   *band,
          GCoroTask   *task,
          const char  *what,
          GError     **error)
{
  if (!_gcoro_task_check_cancelled (task, error))
    return FALSE;

  _gcoro_task_enqueue_on (task, band);
  _gcoro_task_suspend (task, what, NULL);

  return _gcoro_task_check_cancelled (task, error);
}

/**
 * gcoro_yield: (skip)
 * @error: return location for a [struct@GLib.Error]
 *
 * Lets the rest of the main loop run: the calling fiber task goes to the
 * back of its scheduler's queue and resumes in the scheduler's next
 * dispatch, after the other ready sources of the context had their turn.
 * Like asyncio's `await asyncio.sleep(0)`.
 *
 * A cancellation point: fails with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] once the task is
 * cancelled. Binding twin: [func@GCoro.yield_async].
 *
 * Returns: %TRUE, or %FALSE if the task was cancelled
 */
gboolean
gcoro_yield (GError **error)
{
  GCoroTask *task = _gcoro_task_require_current (G_STRFUNC, "gcoro_yield_async()");

  if (task == NULL)
    return FALSE;

  return yield_on (NULL, task, "yield", error);
}

/**
 * gcoro_idle_yield: (skip)
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [func@GCoro.yield], but the task resumes only once nothing of a higher
 * priority than [const@GLib.PRIORITY_DEFAULT_IDLE] is pending, so GTK redraws (120)
 * and other idle work of higher priority run between two slices of a long
 * computation. Binding twin: [func@GCoro.idle_yield_async].
 *
 * Errors: [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the calling task is cancelled.
 *
 * Returns: %TRUE, or %FALSE if the task was cancelled
 */
gboolean
gcoro_idle_yield (GError **error)
{
  GCoroTask *task = _gcoro_task_require_current (G_STRFUNC, "gcoro_idle_yield_async()");

  if (task == NULL)
    return FALSE;

  return yield_on (_gcoro_scheduler_get_idle_band (_gcoro_task_peek_scheduler (task)),
                   task, "idle-yield", error);
}

/* --- binding twins ------------------------------------------------------------ */

static void
yield_async_on (gboolean             idle,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  GCoroScheduler *scheduler = gcoro_scheduler_get_default ();
  GCoroBand *band = idle ? _gcoro_scheduler_get_idle_band (scheduler)
                         : _gcoro_scheduler_get_main_band (scheduler);

  _gcoro_async_result_wait_band (_gcoro_async_result_new (NULL, cancellable, callback,
                                                          user_data, source_tag),
                                 band);
}

/**
 * gcoro_yield_async:
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called in the scheduler's next
 *   dispatch
 * @user_data: data for @callback
 *
 * The callback form of [func@GCoro.yield]: @callback runs on the thread-default
 * context after the other sources that are ready now had their turn. From
 * Python, `await GCoro.yield_()`-style code is built on this.
 */
void
gcoro_yield_async (GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  yield_async_on (FALSE, cancellable, callback, user_data, gcoro_yield_async);
}

/**
 * gcoro_yield_finish:
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [func@GCoro.yield_async].
 *
 * Returns: %TRUE, or %FALSE with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]
 */
gboolean
gcoro_yield_finish (GAsyncResult  *result,
                    GError       **error)
{
  return _gcoro_async_finish (result, NULL, gcoro_yield_async, NULL, error);
}

/**
 * gcoro_idle_yield_async:
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once nothing of a higher
 *   priority than [const@GLib.PRIORITY_DEFAULT_IDLE] is pending
 * @user_data: data for @callback
 *
 * The callback form of [func@GCoro.idle_yield].
 */
void
gcoro_idle_yield_async (GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  yield_async_on (TRUE, cancellable, callback, user_data, gcoro_idle_yield_async);
}

/**
 * gcoro_idle_yield_finish:
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [func@GCoro.idle_yield_async].
 *
 * Returns: %TRUE, or %FALSE with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]
 */
gboolean
gcoro_idle_yield_finish (GAsyncResult  *result,
                         GError       **error)
{
  return _gcoro_async_finish (result, NULL, gcoro_idle_yield_async, NULL, error);
}

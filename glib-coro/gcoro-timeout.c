/* gcoro-timeout.c: a deadline for a block of code
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* asyncio's `async with asyncio.timeout(delay):` for fiber tasks:
 *
 *   GCoroTimeoutScope *scope = gcoro_timeout_scope_enter (500);
 *   ok = fetch_everything (&error);        // any number of awaits
 *   if (!gcoro_timeout_scope_leave (scope, &error2))
 *     ...                                   // took longer than 500 ms
 *
 * When the deadline passes, the task's current await (and every await
 * until the scope is left) fails with G_IO_ERROR_CANCELLED and the task's
 * GCancellable is cancelled, so GIO operations inside the block stop too.
 * Leaving the scope turns that back: it reports G_IO_ERROR_TIMED_OUT, and
 * the task awaits normally again with a fresh GCancellable. Scopes nest;
 * a real gcoro_task_cancel() is not undone by leaving a scope.
 *
 * For one future, gcoro_future_with_timeout() is simpler and also works
 * from bindings. */

#include "gcoro-config.h"

#include "gcoro-scheduler-private.h"
#include "gcoro-task-private.h"
#include "gcoro-timeout.h"

struct _GCoroTimeoutScope
{
  GCoroTimer  timer;
  GCoroTask  *task;
  guint       timeout_msec;
  gboolean    expired;
};

static void
scope_expired (GCoroTimer *timer)
{
  GCoroTimeoutScope *scope = (GCoroTimeoutScope *) timer;

  scope->expired = TRUE;
  _gcoro_task_scope_cancel (scope->task);
}

/**
 * gcoro_timeout_scope_enter: (skip)
 * @timeout_msec: the time the block may take, in milliseconds
 *
 * Opens a deadline for the code that follows, in the running fiber task.
 * Every scope must be closed with [method@GCoro.TimeoutScope.leave], in the
 * reverse order of opening, before the task ends.
 *
 * Returns: (transfer full): the open scope, or %NULL outside a task
 */
GCoroTimeoutScope *
gcoro_timeout_scope_enter (guint timeout_msec)
{
  GCoroTask *task = _gcoro_task_require_current (G_STRFUNC, "gcoro_future_with_timeout()");
  GCoroTimeoutScope *scope;

  if (task == NULL)
    return NULL;

  scope = g_new0 (GCoroTimeoutScope, 1);
  scope->task = g_object_ref (task);
  scope->timeout_msec = timeout_msec;
  scope->timer.func = scope_expired;
  _gcoro_scheduler_add_timer (_gcoro_task_peek_scheduler (task), &scope->timer,
                              g_get_monotonic_time () + (gint64) timeout_msec * 1000);
  return scope;
}

/**
 * gcoro_timeout_scope_has_expired:
 * @scope: an open scope
 *
 * Tells whether the deadline of @scope has passed.
 *
 * Returns: %TRUE once the deadline of @scope has passed
 */
gboolean
gcoro_timeout_scope_has_expired (GCoroTimeoutScope *scope)
{
  g_return_val_if_fail (scope != NULL, FALSE);

  return scope->expired;
}

/**
 * gcoro_timeout_scope_leave: (skip)
 * @scope: (transfer full): the scope [func@GCoro.TimeoutScope.enter] returned
 * @error: return location for a [struct@GLib.Error]
 *
 * Closes @scope (and frees it). If its deadline passed, fails with
 * [G_IO_ERROR_TIMED_OUT][error@Gio.IOErrorEnum] and lifts the cancellation the deadline caused.
 *
 * Returns: %TRUE if the block finished in time
 */
gboolean
gcoro_timeout_scope_leave (GCoroTimeoutScope  *scope,
                           GError            **error)
{
  gboolean expired;

  g_return_val_if_fail (scope != NULL, FALSE);

  _gcoro_scheduler_remove_timer (_gcoro_task_peek_scheduler (scope->task), &scope->timer);
  expired = scope->expired;
  if (expired)
    {
      _gcoro_task_scope_uncancel (scope->task);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "Timed out after %u ms", scope->timeout_msec);
    }

  g_object_unref (scope->task);
  g_free (scope);
  return !expired;
}

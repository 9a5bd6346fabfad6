/* gcoro-run.c: driving futures to completion from plain code
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* gcoro_run_until_complete() is asyncio's run_until_complete(): plain
 * synchronous code (main(), a test, a command-line tool) iterates the
 * context until a future settles.
 *
 * What it refuses, and why:
 * - inside a fiber task: the task would block its own scheduler; it should
 *   gcoro_await() instead. A programming error: a critical, no GError;
 * - inside a callback dispatched by the scheduler of the context it would
 *   iterate (a wait_async callback, say): GLib does not re-enter a source
 *   that is dispatching, so no task could run and the wait would never
 *   end: G_IO_ERROR_WOULD_RECURSE (a runtime condition: the same code may
 *   run from a plain main loop elsewhere);
 * - a context that another thread is running: G_IO_ERROR_BUSY.
 * What it allows: being called from another source's callback while a
 * GMainLoop runs the same context higher up the stack. That iterates the
 * context recursively, like gtk_dialog_run() did: sources that are in the
 * middle of a dispatch (the caller's own) do not run until it returns. */

#include "gcoro-config.h"

#include "gcoro-future-private.h"
#include "gcoro-run.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-task-private.h"

/* A waiter whose only job is to wake the context we iterate: a future
 * settled on another thread (a promise, a worker's job) has no other way
 * to interrupt our poll. */
typedef struct
{
  GCoroWaiter waiter;
  gboolean    delivered;
} WakeWaiter;

static void
wake_delivered (GCoroWaiter *waiter,
                GCoroFuture *future)
{
  ((WakeWaiter *) waiter)->delivered = TRUE;
}

/**
 * gcoro_run_until_complete:
 * @future: a [class@GCoro.Future]
 * @error: return location for the future's error
 *
 * Iterates a [struct@GLib.MainContext] until @future settles, then reads its outcome
 * like [method@GCoro.Future.get_value]. The context is the task's own for a
 * [class@GCoro.Task], the thread-default one otherwise. If nothing will ever
 * settle @future, this never returns.
 *
 * Calling it inside a fiber task is a programming error (a critical, and
 * %FALSE without an error): await there. Calling it from another source's callback while a
 * [struct@GLib.MainLoop] runs the same context iterates the context recursively; the
 * caller's own source does not run again until it returns.
 *
 * Errors: the future's own error; [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] if it was
 * cancelled; [G_IO_ERROR_WOULD_RECURSE][error@Gio.IOErrorEnum] when called from a callback of the
 * context's scheduler (where the tasks it waits for could not run);
 * [G_IO_ERROR_BUSY][error@Gio.IOErrorEnum] when another thread is running the context.
 *
 * Returns: %TRUE if @future resolved
 */
gboolean
gcoro_run_until_complete (GCoroFuture  *future,
                          GError      **error)
{
  GCoroTask *current = _gcoro_task_current ();
  GCoroScheduler *scheduler;
  GMainContext *context;

  g_return_val_if_fail (GCORO_IS_FUTURE (future), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (current != NULL)
    {
      g_critical ("%s() called inside task '%s': it would block the task's own "
                  "scheduler; use gcoro_await() there",
                  G_STRFUNC, gcoro_task_get_name (current));
      return FALSE;   /* a programmer error: the critical alone says it */
    }

  scheduler = GCORO_IS_TASK (future) ? gcoro_task_get_scheduler (GCORO_TASK (future))
                                     : gcoro_scheduler_get_default ();
  context = gcoro_scheduler_get_context (scheduler);

  if (!gcoro_future_is_done (future))
    {
      if (_gcoro_scheduler_is_dispatching (scheduler))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_RECURSE,
                       "%s() was called from a callback of the scheduler it would "
                       "have to run; wait with gcoro_future_wait_async() instead",
                       G_STRFUNC);
          return FALSE;
        }
      if (context == NULL || !g_main_context_acquire (context))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                       "The context %p is being run by another thread", context);
          return FALSE;
        }

      {
        WakeWaiter wake = { { { 0, }, }, FALSE };

        wake.waiter.scheduler = scheduler;
        wake.waiter.band = _gcoro_scheduler_get_main_band (scheduler);
        wake.waiter.func = wake_delivered;
        if (!_gcoro_future_add_waiter (future, &wake.waiter))
          wake.delivered = TRUE;

        while (!gcoro_future_is_done (future))
          g_main_context_iteration (context, TRUE);

        /* The waiter lives on this stack: unlink it, or let its delivery
         * (already on its way) arrive before returning. */
        if (!wake.delivered && !_gcoro_future_remove_waiter (future, &wake.waiter))
          while (!wake.delivered)
            g_main_context_iteration (context, TRUE);
      }

      g_main_context_release (context);
    }

  return gcoro_future_get_value (future, NULL, error);
}

/**
 * gcoro_run: (skip)
 * @func: the body of the main task
 * @user_data: data for @func
 * @value: (out caller-allocates) (optional): an unset [struct@GObject.Value] for the result
 * @error: return location for a [struct@GLib.Error]
 *
 * Spawns @func as a fiber task on the thread-default context and runs the
 * context until it ends: the `asyncio.run(main())` of C programs.
 *
 * Errors: the task's own error; [G_IO_ERROR_FAILED][error@Gio.IOErrorEnum] when it cannot be spawned;
 * those of [func@GCoro.run_until_complete].
 *
 * Returns: %TRUE if the task resolved
 */
gboolean
gcoro_run (GCoroTaskFunc   func,
           gpointer        user_data,
           GValue         *value,
           GError        **error)
{
  g_autoptr(GCoroTask) task = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (func != NULL, FALSE);

  task = gcoro_spawn (func, user_data, NULL);
  if (task == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not spawn the task");
      return FALSE;
    }
  if (!gcoro_run_until_complete (GCORO_FUTURE (task), &local_error) &&
      !gcoro_future_is_done (GCORO_FUTURE (task)))
    {
      /* Refused to run (recursion, busy context). */
      if (value != NULL)
        g_value_init (value, G_TYPE_OBJECT);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return gcoro_future_get_value (GCORO_FUTURE (task), value, error);
}

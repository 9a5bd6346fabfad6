/* gcoro-operation.c: one coroutine, three calling styles
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* A library author writes an operation once, as a fiber task body, and
 * offers it three ways (see docs/three-styles.md for the whole pattern):
 *
 *   (a) to C coroutines: spawn the body and await it, or call the body's
 *       helpers directly from a fiber;
 *   (b) GIO style, which is also what every language binding uses:
 *       thing_do_async() / thing_do_finish(), a few lines each on
 *       gcoro_operation_start_async() and gcoro_operation_finish();
 *   (c) plain blocking code: thing_do_sync() on gcoro_operation_run_sync(),
 *       which runs the body on a private GMainContext of its own, so it
 *       neither deadlocks nor re-enters the caller's main context, from
 *       inside a running GMainLoop or from any thread.
 *
 * The _async form spawns the body on the caller's thread-default context,
 * through the helper every `_async` of the library is built on
 * (gcoro-async-result-private.h): cancelling the GCancellable, or the task
 * that made the call, cancels the body's task; the callback runs in the
 * caller's context variables, always from a later dispatch; its
 * #GAsyncResult (source object, g_async_result_is_tagged()) has the task's
 * outcome.
 */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-future-private.h"
#include "gcoro-operation.h"
#include "gcoro-run.h"
#include "gcoro-task.h"

/**
 * gcoro_operation_start_async: (skip)
 * @source_object: (nullable) (type GObject): the object the operation is
 *   about, given to the callback
 * @func: the operation, written as a fiber task body
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data when the task ends
 * @cancellable: (nullable): cancels the task
 * @callback: (scope async) (nullable): called on the caller's thread-default
 *   context when the operation ends
 * @callback_data: data for @callback
 * @source_tag: the `_async` function, checked by [func@GCoro.operation_finish]
 *
 * The body of an `_async` function: spawns @func as a task and calls
 * @callback with its outcome (see the rules at the top of this file).
 * Finish it with [func@GCoro.operation_finish].
 */
void
gcoro_operation_start_async (gpointer             source_object,
                             GCoroTaskFunc        func,
                             gpointer             user_data,
                             GDestroyNotify       notify,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             callback_data,
                             gpointer             source_tag)
{
  g_return_if_fail (func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _gcoro_async_start_task (source_object, func, user_data, notify, NULL, cancellable,
                           callback, callback_data, source_tag);
}

/**
 * gcoro_operation_finish: (skip)
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @source_tag: the `_async` function that started the operation
 * @value: (out caller-allocates) (optional): receives the task's value
 * @error: return location for the task's error
 *
 * The body of a `_finish` function: the outcome of the task.
 *
 * Returns: %TRUE if the operation succeeded
 */
gboolean
gcoro_operation_finish (GAsyncResult  *result,
                        gpointer       source_tag,
                        GValue        *value,
                        GError       **error)
{
  return _gcoro_async_finish (result, _gcoro_async_peek_source_object (result),
                              source_tag, value, error);
}

/**
 * gcoro_operation_finish_pointer: (skip)
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @source_tag: the `_async` function that started the operation
 * @error: return location for the task's error
 *
 * Like [func@GCoro.operation_finish] for an operation that returned a pointer
 * with [method@GCoro.Task.return_pointer]. The pointer stays owned by the task:
 * copy it, or return with a %NULL destroy notify to hand it over.
 *
 * Returns: (nullable) (transfer none): the pointer, or %NULL with @error
 *   set
 */
gpointer
gcoro_operation_finish_pointer (GAsyncResult  *result,
                                gpointer       source_tag,
                                GError       **error)
{
  if (!_gcoro_async_propagate (result, _gcoro_async_peek_source_object (result),
                               source_tag, error))
    return NULL;
  return gcoro_future_peek_pointer (_gcoro_async_get_future (result));
}

static void
sync_cancelled (GCancellable *cancellable,
                gpointer      data)
{
  gcoro_task_cancel (data);
}

/**
 * gcoro_operation_run_sync: (skip)
 * @func: the operation, written as a fiber task body
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data when the task ends
 * @cancellable: (nullable): cancels the task (from any thread)
 * @value: (out caller-allocates) (optional): receives the task's value
 * @error: return location for the task's error
 *
 * The body of a `_sync` function: runs @func to completion on a private
 * [struct@GLib.MainContext] pushed as thread-default for the duration (so the GIO
 * calls it makes complete there), blocking the caller. It never iterates
 * the caller's own context: calling it from a callback of a running
 * [struct@GLib.MainLoop], or from any thread, neither deadlocks nor re-enters that
 * loop's sources.
 *
 * Returns: %TRUE if the operation succeeded
 */
gboolean
gcoro_operation_run_sync (GCoroTaskFunc   func,
                          gpointer        user_data,
                          GDestroyNotify  notify,
                          GCancellable   *cancellable,
                          GValue         *value,
                          GError        **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GCoroTask) task = NULL;
  GCoroSpawnOptions opts = { 0, };
  gulong cancel_id = 0;
  gboolean ok;

  g_return_val_if_fail (func != NULL, FALSE);

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  opts.context = context;
  task = gcoro_spawn_full (&opts, func, user_data, notify);
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (sync_cancelled), task, NULL);

  while (!gcoro_future_is_done (GCORO_FUTURE (task)))
    g_main_context_iteration (context, TRUE);

  g_cancellable_disconnect (cancellable, cancel_id);
  ok = gcoro_future_get_value (GCORO_FUTURE (task), value, error);

  g_main_context_pop_thread_default (context);
  /* Let what the task started on this context (late GIO callbacks after a
   * cancellation) finish before the context goes. */
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);

  return ok;
}

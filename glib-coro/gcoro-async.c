/* gcoro-async.c: awaiting GIO's _async/_finish operations from a fiber
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Any GIO `_async` call becomes one line of straight-line code: the
 * callback hands the GAsyncResult to the task, which waits for it and
 * gives it to the matching `_finish`. Cancellation of the task wakes it at
 * once (the await fails with G_IO_ERROR_CANCELLED) and, through the
 * task's GCancellable passed to the call, stops the operation; its late
 * callback then only frees the call record.
 *
 * NOTES: GCORO_AWAIT_ASYNC() uses a plain call record of the task (see
 * _gcoro_task_call_begin()), not a GCoroPromise: a GObject born and
 * finalized per call cost about 1,500 instructions, a quarter of what
 * awaiting a thread-pool GIO call added to the plain callback chain
 * (bench/bench-floor.c). The explicit form (gcoro_promise_async_ready_callback()
 * with gcoro_await_async_result()) keeps the promise, which others may
 * await too. */

#include "gcoro-config.h"

#include "gcoro-async.h"
#include "gcoro-await.h"
#include "gcoro-error.h"
#include "gcoro-task-private.h"

/**
 * gcoro_await_async_result: (skip)
 * @promise: a [class@GCoro.Promise] given (with a reference) as the user data of
 *   [func@GCoro.Promise.async_ready_callback]
 * @error: return location for a [struct@GLib.Error]
 *
 * Suspends the calling fiber task until the GIO operation whose callback
 * is [func@GCoro.Promise.async_ready_callback] completes.
 *
 * Returns: (transfer full) (nullable): the [iface@Gio.AsyncResult] for the
 *   operation's `_finish` function, or %NULL with @error set when the task
 *   was cancelled first
 */
GAsyncResult *
gcoro_await_async_result (GCoroPromise  *promise,
                          GError       **error)
{
  gpointer result;

  g_return_val_if_fail (GCORO_IS_PROMISE (promise), NULL);

  result = gcoro_await_object (GCORO_FUTURE (promise), error);
  if (result != NULL && !G_IS_ASYNC_RESULT (result))
    {
      g_set_error (error, GCORO_ERROR, GCORO_ERROR_NO_VALUE,
                   "The promise resolved with a %s, not a GAsyncResult",
                   G_OBJECT_TYPE_NAME (result));
      g_clear_object (&result);
    }

  return result;
}

/**
 * _gcoro_async_begin: (skip)
 *
 * First step of [func@GCoro.AWAIT_ASYNC]: arms a call record in the current
 * task.
 */
void
_gcoro_async_begin (void)
{
  GCoroTask *task = _gcoro_task_require_current ("GCORO_AWAIT_ASYNC", "the operation's callback form");

  if (task != NULL)
    _gcoro_task_call_begin (task);
}

/**
 * _gcoro_async_handle: (skip)
 *
 * Second step of [func@GCoro.AWAIT_ASYNC]: the callback's user data.
 *
 * Returns: the armed call record, for _gcoro_async_ready()
 */
gpointer
_gcoro_async_handle (void)
{
  GCoroTask *task = _gcoro_task_current ();

  return task != NULL ? _gcoro_task_call_peek (task) : NULL;
}

/**
 * _gcoro_async_ready: (skip)
 * @source_object: (nullable): the source object of the operation
 * @result: the result of the operation
 * @user_data: the call record from _gcoro_async_handle()
 *
 * The callback of [func@GCoro.AWAIT_ASYNC]: the task resumes in this dispatch
 * when it is one of the task's context on its thread (see
 * [func@GCoro.Promise.async_ready_callback]), else at its scheduler's next.
 */
void
_gcoro_async_ready (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_return_if_fail (user_data != NULL);

  _gcoro_task_call_complete (user_data, result);
}

/**
 * _gcoro_async_end: (skip)
 * @error: return location for a [struct@GLib.Error]
 *
 * Last step of [func@GCoro.AWAIT_ASYNC]: waits for the operation's callback.
 *
 * Returns: (transfer full) (nullable): the [iface@Gio.AsyncResult]
 */
GAsyncResult *
_gcoro_async_end (GError **error)
{
  GCoroTask *task = _gcoro_task_current ();

  if (task == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "GCORO_AWAIT_ASYNC() can only be used in a fiber task");
      return NULL;
    }

  return _gcoro_task_call_end (task, error);
}

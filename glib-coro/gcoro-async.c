/* gcoro-async.c: awaiting GIO's _async/_finish operations from a fiber
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Any GIO `_async` call becomes one line of straight-line code: the
 * callback resolves a promise with the GAsyncResult, the task awaits the
 * promise, and the result goes to the matching `_finish`. Cancellation of
 * the task wakes it at once (the await fails with G_IO_ERROR_CANCELLED)
 * and, through the task's GCancellable passed to the call, stops the
 * operation; its late callback then resolves a promise nobody waits on. */

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
 * First step of [func@GCoro.AWAIT_ASYNC]: arms a promise in the current task.
 */
void
_gcoro_async_begin (void)
{
  GCoroTask *task = _gcoro_task_require_current ("GCORO_AWAIT_ASYNC", "the operation's callback form");
  GCoroPromise **slot;

  if (task == NULL)
    return;

  slot = _gcoro_task_async_slot (task);
  g_clear_object (slot);
  *slot = gcoro_promise_new ();
}

/**
 * _gcoro_async_handle: (skip)
 *
 * Second step of [func@GCoro.AWAIT_ASYNC]: the callback's user data.
 *
 * Returns: a new reference to the armed promise
 */
gpointer
_gcoro_async_handle (void)
{
  GCoroTask *task = _gcoro_task_current ();

  if (task == NULL || *_gcoro_task_async_slot (task) == NULL)
    return NULL;

  return g_object_ref (*_gcoro_task_async_slot (task));
}

/**
 * _gcoro_async_end: (skip)
 * @error: return location for a [struct@GLib.Error]
 *
 * Last step of [func@GCoro.AWAIT_ASYNC]: awaits the armed promise.
 *
 * Returns: (transfer full) (nullable): the [iface@Gio.AsyncResult]
 */
GAsyncResult *
_gcoro_async_end (GError **error)
{
  GCoroTask *task = _gcoro_task_current ();
  g_autoptr(GCoroPromise) promise = NULL;

  if (task == NULL || *_gcoro_task_async_slot (task) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "GCORO_AWAIT_ASYNC() can only be used in a fiber task");
      return NULL;
    }

  promise = g_steal_pointer (_gcoro_task_async_slot (task));
  return gcoro_await_async_result (promise, error);
}

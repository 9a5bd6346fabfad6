/* gcoro-async.h: awaiting GIO's _async/_finish operations from a fiber
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include "gcoro-promise.h"

G_BEGIN_DECLS

GCORO_AVAILABLE_IN_ALL
GAsyncResult *gcoro_await_async_result (GCoroPromise  *promise,
                                        GError       **error);

/**
 * GCORO_AWAIT_ASYNC:
 * @error: a `GError **` for cancellation of the wait
 * @func: a GIO `_async` function
 * @...: the arguments of @func up to (and including) its [class@Gio.Cancellable],
 *   without the callback and user data
 *
 * Starts @func and suspends the current fiber task until its callback
 * fires; evaluates to the [iface@Gio.AsyncResult] (transfer full) to give to the
 * matching `_finish` function, or %NULL with @error set when the task was
 * cancelled while waiting (the operation itself is cancelled through its
 * [class@Gio.Cancellable], which should be [func@GCoro.get_cancellable]).
 *
 * |[<!-- language="C" -->
 * g_autoptr(GAsyncResult) res =
 *   GCORO_AWAIT_ASYNC (&error, g_file_load_contents_async, file,
 *                      gcoro_get_cancellable ());
 * if (res == NULL || !g_file_load_contents_finish (file, res, &data, &len, NULL, &error))
 *   return gcoro_task_return_error (task, g_steal_pointer (&error));
 * ]|
 */
#define GCORO_AWAIT_ASYNC(error, func, ...)                                   \
  (_gcoro_async_begin (),                                                     \
   func (__VA_ARGS__, gcoro_promise_async_ready_callback, _gcoro_async_handle ()), \
   _gcoro_async_end (error))

/* The steps of GCORO_AWAIT_ASYNC(); the comma operator orders them. */
GCORO_AVAILABLE_IN_ALL
void          _gcoro_async_begin  (void);
GCORO_AVAILABLE_IN_ALL
gpointer      _gcoro_async_handle (void);
GCORO_AVAILABLE_IN_ALL
GAsyncResult *_gcoro_async_end    (GError **error);

G_END_DECLS

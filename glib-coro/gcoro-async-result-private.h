/* gcoro-async-result-private.h: the one way an _async twin is built
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every `_async`/`_finish` pair of the library is written on these calls.
 * An operation is a future (a promise it settles, a task running its fiber
 * form, a wait queue's waiter, or a future it was given); the helper turns
 * that future into a GAsyncResult and a callback, with the same rules for
 * every operation:
 *
 * - the caller's context variables and thread-default GMainContext are
 *   captured at the call; the callback runs there, with those variables
 *   current, from the scheduler's dispatch on the main stack: never from
 *   inside the `_async` call, never from inside the call that settled the
 *   future, whether it settles at once, later, with an error or cancelled;
 * - the caller's GCancellable and, when the call is made while a task runs
 *   (a fiber task, or a stepped task's step), that task's cancellation are
 *   linked: either one cancels the operation, through its cancel function
 *   (default: gcoro_future_cancel() on the future), on the owner thread;
 * - the `_finish` side reads the future's outcome.
 */
#pragma once

#include <gio/gio.h>

#include "gcoro-future.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-task.h"

G_BEGIN_DECLS

#define GCORO_TYPE_ASYNC_RESULT (_gcoro_async_result_get_type ())
G_DECLARE_FINAL_TYPE (GCoroAsyncResult, _gcoro_async_result, GCORO, ASYNC_RESULT, GObject)

/* Cancels the operation behind @self (owner thread, at most once, only
 * while its future is pending): settle the future cancelled and give back
 * whatever the operation holds, or keep waiting (a task group cancels its
 * members and still waits for them), or _gcoro_async_result_abandon(). */
typedef void (*GCoroAsyncCancelFunc) (GCoroAsyncResult *self,
                                      GCoroFuture      *future,
                                      gpointer          op_data);

/* Starts the bookkeeping of an _async call: captures the caller's context
 * and thread-default main context. Returns a reference the caller hands to
 * one of the _gcoro_async_result_wait*() calls. */
GCoroAsyncResult *_gcoro_async_result_new       (gpointer              source_object,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data,
                                                 gpointer              source_tag);

/* Completes @self with @future's outcome once it settles; takes @self and
 * @future. @op_data (freed with @op_data_free when @self goes) is the
 * operation's own state, for @on_cancel and the _finish function. */
void              _gcoro_async_result_wait      (GCoroAsyncResult     *self,
                                                 GCoroFuture          *future,
                                                 GCoroAsyncCancelFunc  on_cancel,
                                                 gpointer              op_data,
                                                 GDestroyNotify        op_data_free);

/* Completes @self successfully (no value) when the scheduler reaches
 * @band: yield and idle-yield; takes @self. */
void              _gcoro_async_result_wait_band (GCoroAsyncResult     *self,
                                                 GCoroBand            *band);

/* For cancel functions: stop waiting and complete @self with
 * G_IO_ERROR_CANCELLED, leaving the future alone. _gcoro_async_leave() is
 * a cancel function that does just that (waits that must not cancel what
 * they wait for). */
void              _gcoro_async_result_abandon   (GCoroAsyncResult     *self);
void              _gcoro_async_leave            (GCoroAsyncResult     *self,
                                                 GCoroFuture          *future,
                                                 gpointer              op_data);

/* The common cases in one call each: an operation whose outcome is
 * @future (default cancellation), and one that runs @func as a fiber task
 * (its fiber form: cancelling the operation cancels the task, or calls
 * @on_cancel with @func_data when given; mind that a task cancelled before
 * it started never runs its body). */
void              _gcoro_async_start            (gpointer              source_object,
                                                 GCoroFuture          *future,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data,
                                                 gpointer              source_tag);
/* An operation that failed before it started: called back later with
 * @error (taken), like every other. */
void              _gcoro_async_start_error      (gpointer              source_object,
                                                 GError               *error,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data,
                                                 gpointer              source_tag);
void              _gcoro_async_start_task       (gpointer              source_object,
                                                 GCoroTaskFunc         func,
                                                 gpointer              func_data,
                                                 GDestroyNotify        func_data_free,
                                                 GCoroAsyncCancelFunc  on_cancel,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data,
                                                 gpointer              source_tag);

/* The _finish side. Each checks that @result came from the _async
 * function @source_tag about @source_object (a critical otherwise).
 * _gcoro_async_finish() reads the outcome like gcoro_future_get_value();
 * _gcoro_async_propagate() only says whether it succeeded (the future is
 * then there to read, with _gcoro_async_get_future()). */
gboolean          _gcoro_async_finish           (GAsyncResult         *result,
                                                 gpointer              source_object,
                                                 gpointer              source_tag,
                                                 GValue               *value,
                                                 GError              **error);
gboolean          _gcoro_async_propagate        (GAsyncResult         *result,
                                                 gpointer              source_object,
                                                 gpointer              source_tag,
                                                 GError              **error);
GCoroFuture      *_gcoro_async_get_future       (GAsyncResult         *result);
gpointer          _gcoro_async_peek_source_object (GAsyncResult       *result);
gpointer          _gcoro_async_get_op_data      (GAsyncResult         *result);

G_END_DECLS

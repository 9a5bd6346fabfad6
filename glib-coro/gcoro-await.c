/* gcoro-await.c: waiting until a future settles
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Most of these are the C-only suspension points (hence `(skip)`): they
 * switch the calling fiber away and let the scheduler run other tasks
 * until the future settles. Language bindings and GIO-style code use their
 * twin gcoro_future_wait_async(), at the end of this file: the same wait,
 * built on the `_async` helper (gcoro-async-result-private.h). */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-await.h"
#include "gcoro-error.h"
#include "gcoro-future-private.h"
#include "gcoro-task-private.h"

static gboolean
wait_settled (GCoroFuture  *future,
              gint64        deadline,
              const char   *func,
              GError      **error)
{
  GCoroTask *task = _gcoro_task_require_current (func, "gcoro_future_wait_async()");
  GCoroWake wake;

  /* Outside a task or awaiting itself: programmer errors, said by the
   * critical alone (no GError). */
  if (task == NULL)
    return FALSE;
  if (!_gcoro_task_check_cancelled (task, error))
    return FALSE;
  if (gcoro_future_is_done (future))
    return TRUE;
  if (future == GCORO_FUTURE (task))
    {
      g_critical ("%s(): task '%s' awaits itself and would never wake up",
                  func, gcoro_task_get_name (task));
      return FALSE;
    }

  wake = _gcoro_task_wait_future (task, future, deadline);

  if (!_gcoro_task_check_cancelled (task, error))
    return FALSE;
  if (wake == GCORO_WAKE_TIMER && !gcoro_future_is_done (future))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "Timed out waiting for %s %p", G_OBJECT_TYPE_NAME (future), future);
      return FALSE;
    }

  g_assert (gcoro_future_is_done (future));
  return TRUE;
}

/**
 * gcoro_await: (skip)
 * @future: a [class@GCoro.Future]
 * @error: return location for the future's error, or the cancellation of
 *   the calling task
 *
 * Suspends the calling fiber task until @future settles; other tasks and
 * sources of the context run meanwhile. Returns at once if @future has
 * settled already. Fails with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the calling task
 * is cancelled (before or during the wait); @future itself is left alone.
 *
 * Only fiber tasks can suspend: outside one this is a programming error.
 * Use [method@GCoro.Future.wait_async] from callbacks and language bindings.
 *
 * Returns: %TRUE if @future resolved
 */
gboolean
gcoro_await (GCoroFuture  *future,
             GError      **error)
{
  g_return_val_if_fail (GCORO_IS_FUTURE (future), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!wait_settled (future, -1, G_STRFUNC, error))
    return FALSE;

  return gcoro_future_get_value (future, NULL, error);
}

/**
 * gcoro_await_timeout: (skip)
 * @future: a [class@GCoro.Future]
 * @timeout_msec: how long to wait, in milliseconds
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [func@GCoro.await], but gives up after @timeout_msec with
 * [G_IO_ERROR_TIMED_OUT][error@Gio.IOErrorEnum]. Giving up does not cancel @future: cancel it
 * yourself if nobody else needs it.
 *
 * Returns: %TRUE if @future resolved in time
 */
gboolean
gcoro_await_timeout (GCoroFuture  *future,
                     guint         timeout_msec,
                     GError      **error)
{
  gint64 deadline;

  g_return_val_if_fail (GCORO_IS_FUTURE (future), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  deadline = g_get_monotonic_time () + (gint64) timeout_msec * 1000;
  if (!wait_settled (future, deadline, G_STRFUNC, error))
    return FALSE;

  return gcoro_future_get_value (future, NULL, error);
}

/**
 * gcoro_await_value: (skip)
 * @future: a [class@GCoro.Future]
 * @value: (out caller-allocates) (optional): an unset [struct@GObject.Value] to receive a
 *   copy of the value (see [method@GCoro.Future.get_value])
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [func@GCoro.await], and copies the value.
 *
 * Errors: those of [func@GCoro.await].
 *
 * Returns: %TRUE if @future resolved
 */
gboolean
gcoro_await_value (GCoroFuture  *future,
                   GValue       *value,
                   GError      **error)
{
  g_return_val_if_fail (GCORO_IS_FUTURE (future), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!wait_settled (future, -1, G_STRFUNC, error))
    return FALSE;

  return gcoro_future_get_value (future, value, error);
}

/* Awaits and converts the value to @type (transformations such as int to
 * int64 are allowed). */
static gboolean
await_as (GCoroFuture  *future,
          GType         type,
          GValue       *out,
          const char   *func,
          GError      **error)
{
  const GValue *value;

  if (!wait_settled (future, -1, func, error))
    return FALSE;
  if (!gcoro_future_get_value (future, NULL, error))
    return FALSE;

  value = gcoro_future_peek_value (future);
  g_value_init (out, type);
  if (value == NULL || !g_value_type_transformable (G_VALUE_TYPE (value), type) ||
      !g_value_transform (value, out))
    {
      g_set_error (error, GCORO_ERROR, GCORO_ERROR_NO_VALUE,
                   "%s %p resolved with %s, not %s",
                   G_OBJECT_TYPE_NAME (future), future,
                   value ? G_VALUE_TYPE_NAME (value) : "no value",
                   g_type_name (type));
      g_value_unset (out);
      return FALSE;
    }

  return TRUE;
}

/**
 * gcoro_await_boolean: (skip)
 * @future: a [class@GCoro.Future] resolving with a boolean
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [func@GCoro.await], returning the boolean value. A value of another type
 * is a [GCORO_ERROR_NO_VALUE][error@GCoro.Error] error.
 *
 * Returns: the value, or %FALSE with @error set
 */
gboolean
gcoro_await_boolean (GCoroFuture  *future,
                     GError      **error)
{
  GValue v = G_VALUE_INIT;
  gboolean ret;

  g_return_val_if_fail (GCORO_IS_FUTURE (future), FALSE);

  if (!await_as (future, G_TYPE_BOOLEAN, &v, G_STRFUNC, error))
    return FALSE;
  ret = g_value_get_boolean (&v);
  g_value_unset (&v);

  return ret;
}

/**
 * gcoro_await_int64: (skip)
 * @future: a [class@GCoro.Future] resolving with an integer
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [func@GCoro.await], returning the value as a 64-bit integer.
 *
 * Errors: those of [func@GCoro.await]; [GCORO_ERROR_NO_VALUE][error@GCoro.Error] when the value is not
 * of that type.
 *
 * Returns: the value, or 0 with @error set
 */
gint64
gcoro_await_int64 (GCoroFuture  *future,
                   GError      **error)
{
  GValue v = G_VALUE_INIT;
  gint64 ret;

  g_return_val_if_fail (GCORO_IS_FUTURE (future), 0);

  if (!await_as (future, G_TYPE_INT64, &v, G_STRFUNC, error))
    return 0;
  ret = g_value_get_int64 (&v);
  g_value_unset (&v);

  return ret;
}

/**
 * gcoro_await_double: (skip)
 * @future: a [class@GCoro.Future] resolving with a number
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [func@GCoro.await], returning the value as a double.
 *
 * Errors: those of [func@GCoro.await]; [GCORO_ERROR_NO_VALUE][error@GCoro.Error] when the value is not
 * of that type.
 *
 * Returns: the value, or 0.0 with @error set
 */
double
gcoro_await_double (GCoroFuture  *future,
                    GError      **error)
{
  GValue v = G_VALUE_INIT;
  double ret;

  g_return_val_if_fail (GCORO_IS_FUTURE (future), 0.0);

  if (!await_as (future, G_TYPE_DOUBLE, &v, G_STRFUNC, error))
    return 0.0;
  ret = g_value_get_double (&v);
  g_value_unset (&v);

  return ret;
}

/**
 * gcoro_await_string: (skip)
 * @future: a [class@GCoro.Future] resolving with a string
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [func@GCoro.await], returning a copy of the string value.
 *
 * Errors: those of [func@GCoro.await]; [GCORO_ERROR_NO_VALUE][error@GCoro.Error] when the value is not
 * of that type.
 *
 * Returns: (transfer full) (nullable): the string, or %NULL with @error set
 */
char *
gcoro_await_string (GCoroFuture  *future,
                    GError      **error)
{
  GValue v = G_VALUE_INIT;
  char *ret;

  g_return_val_if_fail (GCORO_IS_FUTURE (future), NULL);

  if (!await_as (future, G_TYPE_STRING, &v, G_STRFUNC, error))
    return NULL;
  ret = g_value_dup_string (&v);
  g_value_unset (&v);

  return ret;
}

/**
 * gcoro_await_object: (skip)
 * @future: a [class@GCoro.Future] resolving with an object
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [func@GCoro.await], returning the object value.
 *
 * Errors: those of [func@GCoro.await]; [GCORO_ERROR_NO_VALUE][error@GCoro.Error] when the value is not
 * of that type.
 *
 * Returns: (transfer full) (nullable) (type GObject): a reference to the
 *   object, or %NULL with @error set
 */
gpointer
gcoro_await_object (GCoroFuture  *future,
                    GError      **error)
{
  GValue v = G_VALUE_INIT;
  gpointer ret;

  g_return_val_if_fail (GCORO_IS_FUTURE (future), NULL);

  if (!await_as (future, G_TYPE_OBJECT, &v, G_STRFUNC, error))
    return NULL;
  ret = g_value_dup_object (&v);
  g_value_unset (&v);

  return ret;
}

/**
 * gcoro_await_pointer: (skip)
 * @future: a [class@GCoro.Future] resolved with [method@GCoro.Promise.resolve_pointer]
 *   or [method@GCoro.Task.return_pointer]
 * @error: return location for a [struct@GLib.Error]
 *
 * Like [func@GCoro.await], returning the C pointer value. The pointer still
 * belongs to @future: keep a reference to @future while you use it.
 *
 * Errors: those of [func@GCoro.await]; [GCORO_ERROR_NO_VALUE][error@GCoro.Error] when @future has no
 * pointer value.
 *
 * Returns: (transfer none) (nullable): the pointer, or %NULL with @error set
 */
gpointer
gcoro_await_pointer (GCoroFuture  *future,
                     GError      **error)
{
  const GValue *value;

  g_return_val_if_fail (GCORO_IS_FUTURE (future), NULL);

  if (!wait_settled (future, -1, G_STRFUNC, error))
    return NULL;
  if (!gcoro_future_get_value (future, NULL, error))
    return NULL;

  value = gcoro_future_peek_value (future);
  if (value == NULL ||
      !(G_VALUE_HOLDS_POINTER (value) || G_VALUE_HOLDS (value, _gcoro_owned_pointer_get_type ())))
    {
      g_set_error (error, GCORO_ERROR, GCORO_ERROR_NO_VALUE,
                   "%s %p resolved with %s, not a pointer",
                   G_OBJECT_TYPE_NAME (future), future,
                   value ? G_VALUE_TYPE_NAME (value) : "no value");
      return NULL;
    }

  return _gcoro_value_get_pointer (value);
}

/* --- awaiting any awaitable ------------------------------------------------------ */

/**
 * gcoro_await_awaitable: (skip)
 * @awaitable: (type GCoroAwaitable): a [iface@GCoro.Awaitable]: a future, a task,
 *   an event, a [class@GCoro.CancellableAwaitable], an object of your own
 * @value: (out caller-allocates) (optional): an unset [struct@GObject.Value] for the
 *   value of the awaited future (see [method@GCoro.Future.get_value])
 * @error: return location for a [struct@GLib.Error]
 *
 * Suspends the calling fiber task until @awaitable is ready, like
 * [func@GCoro.await_value] on [method@GCoro.Awaitable.get_future]. A cancellation
 * point; only callable from a fiber task.
 *
 * Errors: those of [func@GCoro.await_value].
 *
 * Returns: %TRUE if the future of @awaitable resolved
 */
gboolean
gcoro_await_awaitable (gpointer   awaitable,
                       GValue    *value,
                       GError   **error)
{
  g_autoptr(GCoroFuture) future = NULL;

  g_return_val_if_fail (GCORO_IS_AWAITABLE (awaitable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  future = gcoro_awaitable_get_future (awaitable);
  if (future == NULL)
    {
      if (value != NULL)
        g_value_init (value, G_TYPE_OBJECT);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s %p gave nothing to wait for",
                   G_OBJECT_TYPE_NAME (awaitable), awaitable);
      return FALSE;
    }

  return gcoro_await_value (future, value, error);
}

/* --- waiting from callbacks (GIO style, used by bindings) ------------------ */

/* Declared with the future's methods (gcoro-future.h); here because they
 * are built on the `_async` helper, which sits above tasks. */

/**
 * gcoro_future_wait_async:
 * @self: a [class@GCoro.Future]
 * @cancellable: (nullable): cancels the wait (not @self)
 * @callback: (scope async) (nullable): called once @self settles
 * @user_data: data for @callback
 *
 * Waits for @self to settle without suspending anything: @callback runs on
 * the thread-default [struct@GLib.MainContext] of the caller. This is how GIO-style C
 * code and language bindings wait; fiber tasks use [func@GCoro.await].
 *
 * Cancelling @cancellable ends the wait with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] and
 * leaves @self alone; use [method@GCoro.Future.cancel] to cancel @self itself.
 */
void
gcoro_future_wait_async (GCoroFuture         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_FUTURE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _gcoro_async_result_wait (_gcoro_async_result_new (self, cancellable, callback, user_data,
                                                     gcoro_future_wait_async),
                            g_object_ref (self), _gcoro_async_leave, NULL, NULL);
}

/**
 * gcoro_future_wait_finish:
 * @self: a [class@GCoro.Future]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @value: (out caller-allocates) (optional): where to copy the value
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Future.wait_async]: the outcome of @self, as
 * [method@GCoro.Future.get_value] reads it, or [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] if the wait
 * itself was cancelled.
 *
 * Returns: %TRUE if @self resolved
 */
gboolean
gcoro_future_wait_finish (GCoroFuture   *self,
                          GAsyncResult  *result,
                          GValue        *value,
                          GError       **error)
{
  g_return_val_if_fail (GCORO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _gcoro_async_finish (result, self, gcoro_future_wait_async, value, error);
}

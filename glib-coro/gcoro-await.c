/* gcoro-await.c: suspending the current fiber task until a future settles
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* These are the C-only suspension points (hence `(skip)`): they switch the
 * calling fiber away and let the scheduler run other tasks until the
 * future settles. Language bindings and GIO-style code use
 * gcoro_future_wait_async() instead. */

#include "gcoro-config.h"

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
 * @future: a #GCoroFuture
 * @error: return location for the future's error, or the cancellation of
 *   the calling task
 *
 * Suspends the calling fiber task until @future settles; other tasks and
 * sources of the context run meanwhile. Returns at once if @future has
 * settled already. Fails with %G_IO_ERROR_CANCELLED when the calling task
 * is cancelled (before or during the wait); @future itself is left alone.
 *
 * Only fiber tasks can suspend: outside one this is a programming error.
 * Use gcoro_future_wait_async() from callbacks and language bindings.
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
 * @future: a #GCoroFuture
 * @timeout_msec: how long to wait, in milliseconds
 * @error: return location for a #GError
 *
 * Like gcoro_await(), but gives up after @timeout_msec with
 * %G_IO_ERROR_TIMED_OUT. Giving up does not cancel @future: cancel it
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
 * @future: a #GCoroFuture
 * @value: (out caller-allocates) (optional): an unset #GValue to receive a
 *   copy of the value (see gcoro_future_get_value())
 * @error: return location for a #GError
 *
 * Like gcoro_await(), and copies the value.
 *
 * Errors: those of gcoro_await().
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
 * @future: a #GCoroFuture resolving with a boolean
 * @error: return location for a #GError
 *
 * Like gcoro_await(), returning the boolean value. A value of another type
 * is a %GCORO_ERROR_NO_VALUE error.
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
 * @future: a #GCoroFuture resolving with an integer
 * @error: return location for a #GError
 *
 * Like gcoro_await(), returning the value as a 64-bit integer.
 *
 * Errors: those of gcoro_await(); %GCORO_ERROR_NO_VALUE when the value is not
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
 * @future: a #GCoroFuture resolving with a number
 * @error: return location for a #GError
 *
 * Like gcoro_await(), returning the value as a double.
 *
 * Errors: those of gcoro_await(); %GCORO_ERROR_NO_VALUE when the value is not
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
 * @future: a #GCoroFuture resolving with a string
 * @error: return location for a #GError
 *
 * Like gcoro_await(), returning a copy of the string value.
 *
 * Errors: those of gcoro_await(); %GCORO_ERROR_NO_VALUE when the value is not
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
 * @future: a #GCoroFuture resolving with an object
 * @error: return location for a #GError
 *
 * Like gcoro_await(), returning the object value.
 *
 * Errors: those of gcoro_await(); %GCORO_ERROR_NO_VALUE when the value is not
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
 * @future: a #GCoroFuture resolved with gcoro_promise_resolve_pointer()
 *   or gcoro_task_return_pointer()
 * @error: return location for a #GError
 *
 * Like gcoro_await(), returning the C pointer value. The pointer still
 * belongs to @future: keep a reference to @future while you use it.
 *
 * Errors: those of gcoro_await(); %GCORO_ERROR_NO_VALUE when @future has no
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

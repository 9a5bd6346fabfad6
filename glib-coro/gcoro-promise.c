/* gcoro-promise.c: a future settled by hand, from any thread
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroPromise:
 *
 * A [class@GCoro.Future] that you settle yourself.
 *
 * A promise is how work that is not a coroutine (a callback, a worker
 * thread, a signal handler) hands a result to whoever awaits it:
 *
 * |[<!-- language="C" -->
 * static gpointer
 * worker (gpointer data)
 * {
 *   GCoroPromise *promise = data;
 *
 *   gcoro_promise_resolve_int64 (promise, compute_answer ());  // any thread
 *   g_object_unref (promise);
 *   return NULL;
 * }
 *
 * // in a fiber task:
 * g_autoptr(GCoroPromise) promise = gcoro_promise_new ();
 * g_thread_unref (g_thread_new ("worker", worker, g_object_ref (promise)));
 * gint64 answer = gcoro_await_int64 (GCORO_FUTURE (promise), &error);
 * ]|
 *
 * The first call that settles a promise wins; later ones return %FALSE and
 * change nothing, so a producer racing a cancellation needs no lock of its
 * own.
 */

#include "gcoro-config.h"

#include "gcoro-promise.h"
#include "gcoro-future-private.h"

struct _GCoroPromise
{
  GCoroFuture parent_instance;
};

G_DEFINE_FINAL_TYPE (GCoroPromise, gcoro_promise, GCORO_TYPE_FUTURE)

static void
gcoro_promise_class_init (GCoroPromiseClass *klass)
{
}

static void
gcoro_promise_init (GCoroPromise *self)
{
}

/**
 * gcoro_promise_new:
 *
 * Creates a pending promise.
 *
 * Returns: (transfer full): a new [class@GCoro.Promise]
 */
GCoroPromise *
gcoro_promise_new (void)
{
  return g_object_new (GCORO_TYPE_PROMISE, NULL);
}

/**
 * gcoro_promise_resolve:
 * @self: a [class@GCoro.Promise]
 * @value: (nullable): the value (copied), or %NULL to resolve without one
 *
 * Resolves @self. Any thread.
 *
 * Returns: %TRUE if this call settled @self, %FALSE if it had settled
 *   already (the value is then dropped)
 */
gboolean
gcoro_promise_resolve (GCoroPromise *self,
                       const GValue *value)
{
  GValue copy = G_VALUE_INIT;

  g_return_val_if_fail (GCORO_IS_PROMISE (self), FALSE);
  g_return_val_if_fail (value == NULL || G_IS_VALUE (value), FALSE);

  if (value != NULL)
    {
      g_value_init (&copy, G_VALUE_TYPE (value));
      g_value_copy (value, &copy);
    }

  return _gcoro_future_settle (GCORO_FUTURE (self), GCORO_FUTURE_RESOLVED, &copy, NULL);
}

#define RESOLVE_WITH(gtype, setter, v)                                        \
  G_STMT_START {                                                              \
    GValue gv = G_VALUE_INIT;                                                 \
    g_return_val_if_fail (GCORO_IS_PROMISE (self), FALSE);                    \
    g_value_init (&gv, gtype);                                                \
    setter (&gv, v);                                                          \
    return _gcoro_future_settle (GCORO_FUTURE (self), GCORO_FUTURE_RESOLVED, &gv, NULL); \
  } G_STMT_END

/**
 * gcoro_promise_resolve_boolean:
 * @self: a [class@GCoro.Promise]
 * @value: the value
 *
 * Resolves @self with a `G_TYPE_BOOLEAN` value.
 *
 * Returns: %TRUE if this call settled @self
 */
gboolean
gcoro_promise_resolve_boolean (GCoroPromise *self,
                               gboolean      value)
{
  RESOLVE_WITH (G_TYPE_BOOLEAN, g_value_set_boolean, value);
}

/**
 * gcoro_promise_resolve_int64:
 * @self: a [class@GCoro.Promise]
 * @value: the value
 *
 * Resolves @self with a `G_TYPE_INT64` value.
 *
 * Returns: %TRUE if this call settled @self
 */
gboolean
gcoro_promise_resolve_int64 (GCoroPromise *self,
                             gint64        value)
{
  RESOLVE_WITH (G_TYPE_INT64, g_value_set_int64, value);
}

/**
 * gcoro_promise_resolve_double:
 * @self: a [class@GCoro.Promise]
 * @value: the value
 *
 * Resolves @self with a `G_TYPE_DOUBLE` value.
 *
 * Returns: %TRUE if this call settled @self
 */
gboolean
gcoro_promise_resolve_double (GCoroPromise *self,
                              double        value)
{
  RESOLVE_WITH (G_TYPE_DOUBLE, g_value_set_double, value);
}

/**
 * gcoro_promise_resolve_string:
 * @self: a [class@GCoro.Promise]
 * @value: (nullable): the string (copied)
 *
 * Resolves @self with a `G_TYPE_STRING` value.
 *
 * Returns: %TRUE if this call settled @self
 */
gboolean
gcoro_promise_resolve_string (GCoroPromise *self,
                              const char   *value)
{
  RESOLVE_WITH (G_TYPE_STRING, g_value_set_string, value);
}

/**
 * gcoro_promise_resolve_object:
 * @self: a [class@GCoro.Promise]
 * @object: (type GObject) (nullable): the object (a reference is taken)
 *
 * Resolves @self with an object; the value's type is the object's type.
 *
 * Returns: %TRUE if this call settled @self
 */
gboolean
gcoro_promise_resolve_object (GCoroPromise *self,
                              gpointer      object)
{
  g_return_val_if_fail (object == NULL || G_IS_OBJECT (object), FALSE);

  RESOLVE_WITH (object ? G_OBJECT_TYPE (object) : G_TYPE_OBJECT, g_value_set_object, object);
}

/**
 * gcoro_promise_resolve_pointer: (skip)
 * @self: a [class@GCoro.Promise]
 * @pointer: (nullable): the pointer
 * @destroy: (nullable): frees @pointer when @self is finalized (or at once
 *   if @self had already settled)
 *
 * Resolves @self with a C pointer that it owns from now on. Read it back
 * with [func@GCoro.await_pointer].
 *
 * Returns: %TRUE if this call settled @self
 */
gboolean
gcoro_promise_resolve_pointer (GCoroPromise   *self,
                               gpointer        pointer,
                               GDestroyNotify  destroy)
{
  GValue gv = G_VALUE_INIT;

  g_return_val_if_fail (GCORO_IS_PROMISE (self), FALSE);

  _gcoro_value_take_pointer (&gv, pointer, destroy);

  return _gcoro_future_settle (GCORO_FUTURE (self), GCORO_FUTURE_RESOLVED, &gv, NULL);
}

/**
 * gcoro_promise_reject:
 * @self: a [class@GCoro.Promise]
 * @error: (transfer full): the error
 *
 * Rejects @self with @error. A [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] error settles @self
 * as [GCORO_FUTURE_CANCELLED][enum@GCoro.FutureState]. Any thread.
 *
 * Returns: %TRUE if this call settled @self (otherwise @error is freed)
 */
gboolean
gcoro_promise_reject (GCoroPromise *self,
                      GError       *error)
{
  GCoroFutureState state;

  g_return_val_if_fail (GCORO_IS_PROMISE (self), FALSE);
  g_return_val_if_fail (error != NULL, FALSE);

  state = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
        ? GCORO_FUTURE_CANCELLED : GCORO_FUTURE_REJECTED;

  return _gcoro_future_settle (GCORO_FUTURE (self), state, NULL, error);
}

/**
 * gcoro_promise_reject_literal:
 * @self: a [class@GCoro.Promise]
 * @domain: the error domain
 * @code: the error code
 * @message: the error message
 *
 * Rejects @self with a new [struct@GLib.Error]. Convenient from language bindings.
 *
 * Returns: %TRUE if this call settled @self
 */
gboolean
gcoro_promise_reject_literal (GCoroPromise *self,
                              GQuark        domain,
                              int           code,
                              const char   *message)
{
  g_return_val_if_fail (GCORO_IS_PROMISE (self), FALSE);
  g_return_val_if_fail (domain != 0, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  return gcoro_promise_reject (self, g_error_new_literal (domain, code, message));
}

/**
 * gcoro_promise_async_ready_callback: (skip)
 * @source_object: (nullable): the source object of the operation
 * @result: the result of the operation
 * @user_data: a [class@GCoro.Promise] (its reference is consumed)
 *
 * A [callback@Gio.AsyncReadyCallback] that resolves the promise passed as @user_data
 * with @result, to bridge any GIO `_async` call to a future:
 *
 * |[<!-- language="C" -->
 * g_autoptr(GCoroPromise) p = gcoro_promise_new ();
 * g_file_read_async (file, G_PRIORITY_DEFAULT, gcoro_get_cancellable (),
 *                    gcoro_promise_async_ready_callback, g_object_ref (p));
 * g_autoptr(GAsyncResult) res = gcoro_await_async_result (p, &error);
 * ]|
 */
void
gcoro_promise_async_ready_callback (GObject      *source_object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(GCoroPromise) self = user_data;

  g_return_if_fail (GCORO_IS_PROMISE (self));

  gcoro_promise_resolve_object (self, result);
}

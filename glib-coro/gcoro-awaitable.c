/* gcoro-awaitable.c: anything a task can await
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroAwaitable:
 *
 * An object that tasks can wait for.
 *
 * Futures are the one currency every waiting mechanism of glib-coro
 * understands; #GCoroAwaitable is how other objects take part: an
 * implementation says which future settles when the wait is over
 * (#GCoroAwaitableInterface.get_future). #GCoroFuture (hence #GCoroTask and
 * #GCoroPromise) implements it by returning itself, #GCoroEvent by a future
 * that resolves once the event is set, #GCoroCancellableAwaitable by one
 * that resolves when a #GCancellable is cancelled, and your own types can
 * too:
 *
 * |[<!-- language="C" -->
 * static GCoroFuture *
 * door_get_future (GCoroAwaitable *awaitable)
 * {
 *   Door *self = DOOR (awaitable);
 *
 *   if (self->opened == NULL)            // a GCoroPromise, resolved by door_open()
 *     self->opened = gcoro_promise_new ();
 *   return g_object_ref (GCORO_FUTURE (self->opened));
 * }
 *
 * static void
 * door_awaitable_iface_init (GCoroAwaitableInterface *iface)
 * {
 *   iface->get_future = door_get_future;
 * }
 *
 * G_DEFINE_FINAL_TYPE_WITH_CODE (Door, door, G_TYPE_OBJECT,
 *   G_IMPLEMENT_INTERFACE (GCORO_TYPE_AWAITABLE, door_awaitable_iface_init))
 *
 * // in a fiber task:
 * gcoro_await_awaitable (door, NULL, &error);
 * ]|
 *
 * Fiber tasks wait with gcoro_await_awaitable(); the Python override makes
 * every awaitable work with `await`, the GJS module makes it a thenable,
 * and a stepped task's step returns gcoro_awaitable_get_future().
 *
 * A loop of your own (see `examples/mini-loop.c`) can define its own
 * awaitables, which tell it what to poll for, and still implement this
 * interface so that ordinary tasks can await them too.
 */

#include "gcoro-config.h"

#include "gcoro-awaitable.h"
#include "gcoro-await.h"
#include "gcoro-future.h"

G_DEFINE_INTERFACE (GCoroAwaitable, gcoro_awaitable, G_TYPE_OBJECT)

static void
gcoro_awaitable_default_init (GCoroAwaitableInterface *iface)
{
}

/**
 * gcoro_awaitable_get_future:
 * @self: a #GCoroAwaitable
 *
 * Gets the future that settles when waiting for @self is over: what a
 * task actually waits on when it awaits @self.
 *
 * Returns: (transfer full): the future
 */
GCoroFuture *
gcoro_awaitable_get_future (GCoroAwaitable *self)
{
  GCoroAwaitableInterface *iface;
  GCoroFuture *future;

  g_return_val_if_fail (GCORO_IS_AWAITABLE (self), NULL);

  iface = GCORO_AWAITABLE_GET_IFACE (self);
  g_return_val_if_fail (iface->get_future != NULL, NULL);

  future = iface->get_future (self);
  if (!GCORO_IS_FUTURE (future))
    {
      g_critical ("%s: the get_future() of %s returned %p, not a GCoroFuture",
                  G_STRFUNC, G_OBJECT_TYPE_NAME (self), future);
      return NULL;
    }

  return future;
}

/**
 * gcoro_await_awaitable: (skip)
 * @awaitable: (type GCoroAwaitable): a #GCoroAwaitable: a future, a task,
 *   an event, a #GCoroCancellableAwaitable, an object of your own
 * @value: (out caller-allocates) (optional): an unset #GValue for the
 *   value of the awaited future (see gcoro_future_get_value())
 * @error: return location for a #GError
 *
 * Suspends the calling fiber task until @awaitable is ready, like
 * gcoro_await_value() on gcoro_awaitable_get_future(). A cancellation
 * point; only callable from a fiber task.
 *
 * Errors: those of gcoro_await_value().
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

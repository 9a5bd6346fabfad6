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
 * understands; [iface@GCoro.Awaitable] is how other objects take part: an
 * implementation says which future settles when the wait is over
 * ([vfunc@GCoro.Awaitable.get_future]). [class@GCoro.Future] (hence [class@GCoro.Task] and
 * [class@GCoro.Promise]) implements it by returning itself, [class@GCoro.Event] by a future
 * that resolves once the event is set, [class@GCoro.CancellableAwaitable] by one
 * that resolves when a [class@Gio.Cancellable] is cancelled, and your own types can
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
 * Fiber tasks wait with [func@GCoro.await_awaitable]; the Python override makes
 * every awaitable work with `await`, the GJS module makes it a thenable,
 * and a stepped task's step returns [method@GCoro.Awaitable.get_future].
 *
 * A loop of your own (see `examples/mini-loop.c`) can define its own
 * awaitables, which tell it what to poll for, and still implement this
 * interface so that ordinary tasks can await them too.
 */

#include "gcoro-config.h"

#include "gcoro-awaitable.h"

/* The interface only: futures implement it, so it sits below them. Its
 * dispatcher gcoro_awaitable_get_future() checks that it got a future and
 * lives with them in gcoro-future.c; gcoro_await_awaitable() suspends a
 * task and lives with the other awaits in gcoro-await.c. */

G_DEFINE_INTERFACE (GCoroAwaitable, gcoro_awaitable, G_TYPE_OBJECT)

static void
gcoro_awaitable_default_init (GCoroAwaitableInterface *iface)
{
}

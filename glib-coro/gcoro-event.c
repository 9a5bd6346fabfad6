/* gcoro-event.c: a flag tasks can wait for
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroEvent:
 *
 * A flag that tasks wait for, like asyncio's `Event`: [method@GCoro.Event.set]
 * wakes every waiter (in the order they came) and lets later waits pass
 * at once until [method@GCoro.Event.clear].
 *
 * Used from the thread of its scheduler.
 *
 * An event is a [iface@GCoro.Awaitable]: its future resolves once it is set, so
 * [func@GCoro.await_awaitable], Python's `await event` and GJS's
 * `await event` wait for it too.
 */

#include "gcoro-config.h"

#include "gcoro-error.h"
#include "gcoro-event.h"
#include "gcoro-promise.h"
#include "gcoro-wait-queue-private.h"

struct _GCoroEvent
{
  GObject        parent_instance;
  GCoroWaitQueue waiters;
  GCoroPromise  *set_promise;   /* handed out by get_future() until set */
  gboolean       is_set;
};

static void gcoro_event_awaitable_init (GCoroAwaitableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GCoroEvent, gcoro_event, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCORO_TYPE_AWAITABLE,
                                                      gcoro_event_awaitable_init))

static GCoroFuture *
gcoro_event_get_future (GCoroAwaitable *awaitable)
{
  GCoroEvent *self = GCORO_EVENT (awaitable);
  GCoroPromise *p;

  if (self->is_set)
    {
      p = gcoro_promise_new ();
      gcoro_promise_resolve (p, NULL);
      return GCORO_FUTURE (p);
    }
  if (self->set_promise == NULL)
    self->set_promise = gcoro_promise_new ();

  return g_object_ref (GCORO_FUTURE (self->set_promise));
}

static void
gcoro_event_awaitable_init (GCoroAwaitableInterface *iface)
{
  iface->get_future = gcoro_event_get_future;
}

static void
gcoro_event_finalize (GObject *object)
{
  GCoroEvent *self = GCORO_EVENT (object);

  _gcoro_wait_queue_fail_all (&self->waiters,
                              g_error_new_literal (GCORO_ERROR, GCORO_ERROR_DESTROYED,
                                                   "The event was destroyed"));
  if (self->set_promise != NULL)
    gcoro_promise_reject_literal (self->set_promise, GCORO_ERROR, GCORO_ERROR_DESTROYED,
                                  "The event was destroyed");
  g_clear_object (&self->set_promise);

  G_OBJECT_CLASS (gcoro_event_parent_class)->finalize (object);
}

static void
gcoro_event_class_init (GCoroEventClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_event_finalize;
}

static void
gcoro_event_init (GCoroEvent *self)
{
  _gcoro_wait_queue_init (&self->waiters);
}

/**
 * gcoro_event_new:
 *
 * Creates an event that is not set.
 *
 * Returns: (transfer full): a new [class@GCoro.Event]
 */
GCoroEvent *
gcoro_event_new (void)
{
  return g_object_new (GCORO_TYPE_EVENT, NULL);
}

/**
 * gcoro_event_is_set:
 * @self: a [class@GCoro.Event]
 *
 * Tells whether @self is set.
 *
 * Returns: %TRUE if @self is set
 */
gboolean
gcoro_event_is_set (GCoroEvent *self)
{
  g_return_val_if_fail (GCORO_IS_EVENT (self), FALSE);

  return self->is_set;
}

/**
 * gcoro_event_set:
 * @self: a [class@GCoro.Event]
 *
 * Sets @self and wakes every task waiting for it.
 */
void
gcoro_event_set (GCoroEvent *self)
{
  GCoroWait *wait;

  g_return_if_fail (GCORO_IS_EVENT (self));

  self->is_set = TRUE;
  if (self->set_promise != NULL)
    {
      gcoro_promise_resolve (self->set_promise, NULL);
      g_clear_object (&self->set_promise);
    }
  while ((wait = _gcoro_wait_queue_pop (&self->waiters)) != NULL)
    _gcoro_wait_grant (wait);
}

/**
 * gcoro_event_clear:
 * @self: a [class@GCoro.Event]
 *
 * Clears @self: waits block again until the next [method@GCoro.Event.set].
 */
void
gcoro_event_clear (GCoroEvent *self)
{
  g_return_if_fail (GCORO_IS_EVENT (self));

  self->is_set = FALSE;
}

/**
 * gcoro_event_wait: (skip)
 * @self: a [class@GCoro.Event]
 * @error: return location for a [struct@GLib.Error]
 *
 * Suspends the calling fiber task until @self is set (returns at once if
 * it is). A cancellation point. Binding twin: [method@GCoro.Event.wait_async].
 *
 * Errors: [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the calling task is cancelled;
 * [GCORO_ERROR_DESTROYED][error@GCoro.Error] when @self is finalized meanwhile.
 *
 * Returns: %TRUE, or %FALSE if the task was cancelled
 */
gboolean
gcoro_event_wait (GCoroEvent  *self,
                  GError     **error)
{
  GCoroWait wait = { 0, };

  g_return_val_if_fail (GCORO_IS_EVENT (self), FALSE);

  if (self->is_set)
    return TRUE;

  return _gcoro_wait_queue_wait (&self->waiters, &wait, self, NULL,
                                 G_STRFUNC, "gcoro_event_wait_async()", error);
}

/**
 * gcoro_event_wait_async:
 * @self: a [class@GCoro.Event]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once @self is set
 * @user_data: data for @callback
 *
 * Waits for @self to be set.
 */
void
gcoro_event_wait_async (GCoroEvent          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_EVENT (self));

  if (self->is_set)
    _gcoro_wait_return_now (self, NULL, gcoro_event_wait_async, cancellable, callback, user_data);
  else
    _gcoro_wait_queue_wait_async (&self->waiters, self, NULL, NULL, 0, gcoro_event_wait_async,
                                  cancellable, callback, user_data);
}

/**
 * gcoro_event_wait_finish:
 * @self: a [class@GCoro.Event]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Event.wait_async].
 *
 * Returns: %TRUE, or %FALSE with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]
 */
gboolean
gcoro_event_wait_finish (GCoroEvent    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (GCORO_IS_EVENT (self), FALSE);

  return _gcoro_wait_queue_wait_finish (self, result, gcoro_event_wait_async, NULL, error);
}

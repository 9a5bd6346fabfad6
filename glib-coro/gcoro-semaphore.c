/* gcoro-semaphore.c: counting permits for tasks
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroSemaphore:
 *
 * A number of permits, like asyncio's `Semaphore`: acquiring takes one,
 * suspending the task while there are none; releasing gives one back, to
 * the first waiter if any (FIFO). A bounded semaphore
 * ([ctor@GCoro.Semaphore.new_bounded]) refuses to be released above its
 * initial value, which catches releases without acquires.
 *
 * Used from the thread of its scheduler.
 */

#include "gcoro-config.h"

#include "gcoro-error.h"
#include "gcoro-semaphore.h"
#include "gcoro-wait-queue-private.h"

struct _GCoroSemaphore
{
  GObject        parent_instance;
  GCoroWaitQueue waiters;
  guint          value;
  guint          bound;     /* 0: unbounded */
};

G_DEFINE_FINAL_TYPE (GCoroSemaphore, gcoro_semaphore, G_TYPE_OBJECT)

static void
gcoro_semaphore_finalize (GObject *object)
{
  GCoroSemaphore *self = GCORO_SEMAPHORE (object);

  _gcoro_wait_queue_fail_all (&self->waiters,
                              g_error_new_literal (GCORO_ERROR, GCORO_ERROR_DESTROYED,
                                                   "The semaphore was destroyed"));

  G_OBJECT_CLASS (gcoro_semaphore_parent_class)->finalize (object);
}

static void
gcoro_semaphore_class_init (GCoroSemaphoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_semaphore_finalize;
}

static void
gcoro_semaphore_init (GCoroSemaphore *self)
{
  _gcoro_wait_queue_init (&self->waiters);
}

/**
 * gcoro_semaphore_new:
 * @value: the number of permits
 *
 * Creates a semaphore with @value permits.
 *
 * Returns: (transfer full): a new [class@GCoro.Semaphore]
 */
GCoroSemaphore *
gcoro_semaphore_new (guint value)
{
  GCoroSemaphore *self = g_object_new (GCORO_TYPE_SEMAPHORE, NULL);

  self->value = value;
  return self;
}

/**
 * gcoro_semaphore_new_bounded:
 * @value: the number of permits, and the most there can ever be (at
 *   least 1)
 *
 * Creates a semaphore that [method@GCoro.Semaphore.release] cannot raise above
 * @value.
 *
 * Returns: (transfer full): a new [class@GCoro.Semaphore]
 */
GCoroSemaphore *
gcoro_semaphore_new_bounded (guint value)
{
  GCoroSemaphore *self;

  g_return_val_if_fail (value > 0, NULL);

  self = gcoro_semaphore_new (value);
  self->bound = value;
  return self;
}

/**
 * gcoro_semaphore_get_value:
 * @self: a [class@GCoro.Semaphore]
 *
 * Gets how many permits of @self are free.
 *
 * Returns: the number of free permits
 */
guint
gcoro_semaphore_get_value (GCoroSemaphore *self)
{
  g_return_val_if_fail (GCORO_IS_SEMAPHORE (self), 0);

  return self->value;
}

/**
 * gcoro_semaphore_try_acquire:
 * @self: a [class@GCoro.Semaphore]
 *
 * Takes a permit if one is free and nobody waits, without suspending.
 *
 * Returns: %TRUE if a permit was taken
 */
gboolean
gcoro_semaphore_try_acquire (GCoroSemaphore *self)
{
  g_return_val_if_fail (GCORO_IS_SEMAPHORE (self), FALSE);

  if (self->value == 0 || !_gcoro_wait_queue_is_empty (&self->waiters))
    return FALSE;

  self->value--;
  return TRUE;
}

static void
undo_grant (gpointer   primitive,
            GCoroWait *wait)
{
  gcoro_semaphore_release (primitive);
}

/**
 * gcoro_semaphore_acquire: (skip)
 * @self: a [class@GCoro.Semaphore]
 * @error: return location for a [struct@GLib.Error]
 *
 * Takes a permit, suspending the calling fiber task until one is free. A
 * cancellation point. Binding twin: [method@GCoro.Semaphore.acquire_async].
 *
 * Errors: [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the calling task is cancelled;
 * [GCORO_ERROR_DESTROYED][error@GCoro.Error] when @self is finalized meanwhile.
 *
 * Returns: %TRUE if a permit was taken
 */
gboolean
gcoro_semaphore_acquire (GCoroSemaphore  *self,
                         GError         **error)
{
  GCoroWait wait = { 0, };

  g_return_val_if_fail (GCORO_IS_SEMAPHORE (self), FALSE);

  if (gcoro_semaphore_try_acquire (self))
    return TRUE;

  return _gcoro_wait_queue_wait (&self->waiters, &wait, self, undo_grant,
                                 G_STRFUNC, "gcoro_semaphore_acquire_async()", error);
}

/**
 * gcoro_semaphore_acquire_async:
 * @self: a [class@GCoro.Semaphore]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once a permit is taken
 * @user_data: data for @callback
 *
 * Takes a permit, waiting in line for one.
 */
void
gcoro_semaphore_acquire_async (GCoroSemaphore      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_SEMAPHORE (self));

  if (gcoro_semaphore_try_acquire (self))
    _gcoro_wait_return_now (self, NULL, gcoro_semaphore_acquire_async, cancellable, callback, user_data);
  else
    _gcoro_wait_queue_wait_async (&self->waiters, self, NULL, NULL, 1,
                                  gcoro_semaphore_acquire_async, cancellable, callback, user_data);
}

/**
 * gcoro_semaphore_acquire_finish:
 * @self: a [class@GCoro.Semaphore]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Semaphore.acquire_async].
 *
 * Errors: those of [method@GCoro.Semaphore.acquire].
 *
 * Returns: %TRUE if a permit was taken
 */
gboolean
gcoro_semaphore_acquire_finish (GCoroSemaphore  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (GCORO_IS_SEMAPHORE (self), FALSE);

  return _gcoro_wait_queue_wait_finish (self, result, gcoro_semaphore_acquire_async, NULL, error);
}

/**
 * gcoro_semaphore_release:
 * @self: a [class@GCoro.Semaphore]
 *
 * Gives a permit back: to the first waiter if there is one. On a bounded
 * semaphore already at its bound this is refused with a critical (a
 * release without an acquire).
 *
 * Returns: %TRUE if the permit was given back
 */
gboolean
gcoro_semaphore_release (GCoroSemaphore *self)
{
  GCoroWait *next;

  g_return_val_if_fail (GCORO_IS_SEMAPHORE (self), FALSE);

  next = _gcoro_wait_queue_pop (&self->waiters);
  if (next != NULL)
    {
      _gcoro_wait_grant (next);
      return TRUE;
    }

  if (self->bound != 0 && self->value >= self->bound)
    {
      g_critical ("%s(): the bounded semaphore already has all its %u permits; "
                  "release only what you acquired", G_STRFUNC, self->bound);
      return FALSE;
    }

  self->value++;
  return TRUE;
}

/* gcoro-lock.c: an async mutex, FIFO-fair
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroLock:
 *
 * A mutual-exclusion lock for tasks, like asyncio's `Lock`: acquiring a
 * held lock suspends the task (not the thread) until the holder releases
 * it. Fair: the lock goes to waiters in the order they asked, handed over
 * directly on release, so a task that releases and re-acquires at once
 * queues behind the others instead of barging in.
 *
 * |[<!-- language="C" -->
 * if (!gcoro_lock_acquire (lock, &error))   // cancelled while waiting
 *   return gcoro_task_return_error (task, g_steal_pointer (&error));
 * update_shared_state ();                  // may suspend; others wait
 * gcoro_lock_release (lock);
 * ]|
 *
 * A task cancelled while waiting leaves the queue, and never ends up
 * holding the lock without knowing it. Used from the thread of its
 * scheduler.
 */

/* NOTES: an uncontended acquire is a flag test and set, no allocation;
 * only waiting costs a promise. */

#include "gcoro-config.h"

#include "gcoro-error.h"
#include "gcoro-lock-private.h"
#include "gcoro-task-private.h"
#include "gcoro-wait-queue-private.h"

struct _GCoroLock
{
  GObject        parent_instance;
  GCoroWaitQueue waiters;
  gboolean       locked;
};

G_DEFINE_FINAL_TYPE (GCoroLock, gcoro_lock, G_TYPE_OBJECT)

static void
gcoro_lock_finalize (GObject *object)
{
  GCoroLock *self = GCORO_LOCK (object);

  _gcoro_wait_queue_fail_all (&self->waiters,
                              g_error_new_literal (GCORO_ERROR, GCORO_ERROR_DESTROYED,
                                                   "The lock was destroyed"));

  G_OBJECT_CLASS (gcoro_lock_parent_class)->finalize (object);
}

static void
gcoro_lock_class_init (GCoroLockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_lock_finalize;
}

static void
gcoro_lock_init (GCoroLock *self)
{
  _gcoro_wait_queue_init (&self->waiters);
}

/**
 * gcoro_lock_new:
 *
 * Creates an unlocked lock.
 *
 * Returns: (transfer full): a new [class@GCoro.Lock]
 */
GCoroLock *
gcoro_lock_new (void)
{
  return g_object_new (GCORO_TYPE_LOCK, NULL);
}

/**
 * gcoro_lock_is_locked:
 * @self: a [class@GCoro.Lock]
 *
 * Tells whether a task holds @self.
 *
 * Returns: %TRUE if some task holds @self
 */
gboolean
gcoro_lock_is_locked (GCoroLock *self)
{
  g_return_val_if_fail (GCORO_IS_LOCK (self), FALSE);

  return self->locked;
}

/**
 * gcoro_lock_try_acquire:
 * @self: a [class@GCoro.Lock]
 *
 * Takes @self if it is free and nobody is waiting for it, without
 * suspending.
 *
 * Returns: %TRUE if the caller now holds @self
 */
gboolean
gcoro_lock_try_acquire (GCoroLock *self)
{
  g_return_val_if_fail (GCORO_IS_LOCK (self), FALSE);

  if (self->locked || !_gcoro_wait_queue_is_empty (&self->waiters))
    return FALSE;

  self->locked = TRUE;
  return TRUE;
}

/* A waiter that got the lock but gave up: pass it on. */
static void
undo_grant (gpointer   primitive,
            GCoroWait *wait)
{
  gcoro_lock_release (primitive);
}

/**
 * gcoro_lock_acquire: (skip)
 * @self: a [class@GCoro.Lock]
 * @error: return location for a [struct@GLib.Error]
 *
 * Takes @self, suspending the calling fiber task while another holds it.
 * A cancellation point: a task cancelled while waiting does not get the
 * lock. Binding twin: [method@GCoro.Lock.acquire_async].
 *
 * Errors: [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the calling task is cancelled;
 * [GCORO_ERROR_DESTROYED][error@GCoro.Error] when @self is finalized meanwhile.
 *
 * Returns: %TRUE if the caller now holds @self
 */
gboolean
gcoro_lock_acquire (GCoroLock  *self,
                    GError    **error)
{
  GCoroWait wait = { 0, };

  g_return_val_if_fail (GCORO_IS_LOCK (self), FALSE);

  if (gcoro_lock_try_acquire (self))
    return TRUE;

  return _gcoro_wait_queue_wait (&self->waiters, &wait, self, undo_grant,
                                 G_STRFUNC, "gcoro_lock_acquire_async()", error);
}

void
_gcoro_lock_acquire_uncancellable (GCoroLock *self)
{
  GCoroTask *task = _gcoro_task_current ();
  GCoroWait wait = { 0, };

  if (gcoro_lock_try_acquire (self))
    return;

  g_return_if_fail (task != NULL);

  /* Queued like anyone else; only the waiting ignores cancellation. */
  _gcoro_wait_queue_link (&self->waiters, &wait);
  _gcoro_task_wait_uncancellable (task, GCORO_FUTURE (wait.promise));
  g_clear_object (&wait.promise);
}

/**
 * gcoro_lock_acquire_async:
 * @self: a [class@GCoro.Lock]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once the caller holds @self
 * @user_data: data for @callback
 *
 * Takes @self, waiting in line while another holds it.
 */
void
gcoro_lock_acquire_async (GCoroLock           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_LOCK (self));

  if (gcoro_lock_try_acquire (self))
    _gcoro_wait_return_now (self, NULL, gcoro_lock_acquire_async, cancellable, callback, user_data);
  else
    _gcoro_wait_queue_wait_async (&self->waiters, self, NULL, NULL, 0,
                                  gcoro_lock_acquire_async, cancellable, callback, user_data);
}

/**
 * gcoro_lock_acquire_finish:
 * @self: a [class@GCoro.Lock]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Lock.acquire_async].
 *
 * Errors: those of [method@GCoro.Lock.acquire].
 *
 * Returns: %TRUE if the caller now holds @self
 */
gboolean
gcoro_lock_acquire_finish (GCoroLock     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (GCORO_IS_LOCK (self), FALSE);

  return _gcoro_wait_queue_wait_finish (self, result, gcoro_lock_acquire_async, NULL, error);
}

/**
 * gcoro_lock_release:
 * @self: a [class@GCoro.Lock]
 *
 * Releases @self: the first waiter, if any, holds it now (it resumes in
 * the scheduler's next dispatch). Releasing a lock nobody holds is a
 * programming error.
 */
void
gcoro_lock_release (GCoroLock *self)
{
  GCoroWait *next;

  g_return_if_fail (GCORO_IS_LOCK (self));

  if (!self->locked)
    {
      g_critical ("%s(): the lock is not held; release only what you acquired", G_STRFUNC);
      return;
    }

  next = _gcoro_wait_queue_pop (&self->waiters);
  if (next != NULL)
    _gcoro_wait_grant (next);   /* still locked: ownership moves */
  else
    self->locked = FALSE;
}

/* gcoro-condition.c: waiting for a state change under a lock
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroCondition:
 *
 * A condition variable for tasks, like asyncio's `Condition`: a task that
 * holds the condition's [class@GCoro.Lock] waits for another task to change some
 * state and notify it.
 *
 * |[<!-- language="C" -->
 * gcoro_lock_acquire (gcoro_condition_get_lock (cond), NULL);
 * while (!ready)
 *   if (!gcoro_condition_wait (cond, &error))   // releases, waits, re-acquires
 *     break;
 * gcoro_lock_release (gcoro_condition_get_lock (cond));
 * ]|
 *
 * A wait always returns with the lock held again, even when the task was
 * cancelled while waiting (then it fails with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]). A
 * notification that reaches a waiter that was cancelled at that moment is
 * passed on to the next waiter, so none is lost. Used from the thread of
 * its scheduler.
 */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-condition.h"
#include "gcoro-error.h"
#include "gcoro-lock-private.h"
#include "gcoro-wait-queue-private.h"

struct _GCoroCondition
{
  GObject        parent_instance;
  GCoroLock     *lock;
  GCoroWaitQueue waiters;
};

G_DEFINE_FINAL_TYPE (GCoroCondition, gcoro_condition, G_TYPE_OBJECT)

static void
gcoro_condition_finalize (GObject *object)
{
  GCoroCondition *self = GCORO_CONDITION (object);

  _gcoro_wait_queue_fail_all (&self->waiters,
                              g_error_new_literal (GCORO_ERROR, GCORO_ERROR_DESTROYED,
                                                   "The condition was destroyed"));
  g_clear_object (&self->lock);

  G_OBJECT_CLASS (gcoro_condition_parent_class)->finalize (object);
}

enum {
  PROP_0,
  PROP_LOCK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gcoro_condition_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GCoroCondition *self = GCORO_CONDITION (object);

  switch (prop_id)
    {
    case PROP_LOCK:
      g_value_set_object (value, self->lock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_condition_class_init (GCoroConditionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_condition_finalize;
  G_OBJECT_CLASS (klass)->get_property = gcoro_condition_get_property;

  /**
   * GCoroCondition:lock: (getter get_lock)
   *
   * The [class@GCoro.Lock] a waiter holds, as given to
   * [ctor@GCoro.Condition.new].
   */
  properties[PROP_LOCK] =
    g_param_spec_object ("lock", NULL, NULL, GCORO_TYPE_LOCK,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, properties);
}

static void
gcoro_condition_init (GCoroCondition *self)
{
  _gcoro_wait_queue_init (&self->waiters);
}

/**
 * gcoro_condition_new:
 * @lock: (nullable): the lock that guards the state, or %NULL for a new one
 *
 * Creates a condition.
 *
 * Returns: (transfer full): a new [class@GCoro.Condition]
 */
GCoroCondition *
gcoro_condition_new (GCoroLock *lock)
{
  GCoroCondition *self;

  g_return_val_if_fail (lock == NULL || GCORO_IS_LOCK (lock), NULL);

  self = g_object_new (GCORO_TYPE_CONDITION, NULL);
  self->lock = lock ? g_object_ref (lock) : gcoro_lock_new ();
  return self;
}

/**
 * gcoro_condition_get_lock:
 * @self: a [class@GCoro.Condition]
 *
 * Gets the lock that waiting on @self releases and takes again.
 *
 * Returns: (transfer none): the lock of @self
 */
GCoroLock *
gcoro_condition_get_lock (GCoroCondition *self)
{
  g_return_val_if_fail (GCORO_IS_CONDITION (self), NULL);

  return self->lock;
}

static void
pass_on_notification (gpointer   primitive,
                      GCoroWait *wait)
{
  gcoro_condition_notify (primitive, 1);
}

/* Waiting without the lock is a programmer error: a critical. */
static gboolean
check_lock_held (GCoroCondition *self,
                 const char     *func)
{
  if (gcoro_lock_is_locked (self->lock))
    return TRUE;

  g_critical ("%s(): acquire the condition's lock before waiting on it", func);
  return FALSE;
}

/**
 * gcoro_condition_wait: (skip)
 * @self: a [class@GCoro.Condition]
 * @error: return location for a [struct@GLib.Error]
 *
 * Releases the lock, suspends the calling fiber task until notified, and
 * takes the lock again before returning (also when cancelled). The caller
 * must hold the lock. Binding twin: [method@GCoro.Condition.wait_async].
 *
 * Errors: [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the calling task is cancelled;
 * [GCORO_ERROR_DESTROYED][error@GCoro.Error] when @self is finalized meanwhile.
 *
 * Returns: %TRUE if notified, %FALSE if the task was cancelled
 */
gboolean
gcoro_condition_wait (GCoroCondition  *self,
                      GError         **error)
{
  GCoroWait wait = { 0, };
  gboolean ok;

  g_return_val_if_fail (GCORO_IS_CONDITION (self), FALSE);

  if (!check_lock_held (self, G_STRFUNC))
    return FALSE;

  gcoro_lock_release (self->lock);
  ok = _gcoro_wait_queue_wait (&self->waiters, &wait, self, pass_on_notification,
                               G_STRFUNC, "gcoro_condition_wait_async()", error);
  _gcoro_lock_acquire_uncancellable (self->lock);

  return ok;
}

/* The async twin releases the lock and queues its waiter at the call (a
 * notification right after it is not missed), then a fiber task awaits
 * the waiter and takes the lock back, whatever happened. Cancelling it
 * unlinks the waiter, so even a task that never got to run leaves nothing
 * in the queue; the lock is taken back in every case. */
typedef struct
{
  GCoroCondition *self;
  GCoroWait       wait;
} CondOp;

static void
cond_op_free (gpointer data)
{
  CondOp *op = data;

  _gcoro_wait_queue_unlink_pending (&op->self->waiters, &op->wait);
  g_clear_object (&op->wait.promise);
  g_object_unref (op->self);
  g_free (op);
}

static void
cond_wait_body (GCoroTask *task,
                gpointer   data)
{
  CondOp *op = data;
  GError *error = NULL;
  gboolean ok;

  ok = _gcoro_wait_queue_await_linked (&op->self->waiters, &op->wait, op->self,
                                       pass_on_notification, &error);
  _gcoro_lock_acquire_uncancellable (op->self->lock);
  if (ok)
    gcoro_task_return_boolean (task, TRUE);
  else
    gcoro_task_return_error (task, error);
}

static void
cond_wait_cancel (GCoroAsyncResult *result,
                  GCoroFuture      *future,
                  gpointer          data)
{
  CondOp *op = data;

  _gcoro_wait_queue_unlink_pending (&op->self->waiters, &op->wait);
}

/**
 * gcoro_condition_wait_async:
 * @self: a [class@GCoro.Condition]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once notified and holding
 *   the lock again
 * @user_data: data for @callback
 *
 * Releases the lock, waits to be notified, and takes the lock again before
 * @callback runs (also when cancelled). The caller must hold the lock.
 */
void
gcoro_condition_wait_async (GCoroCondition      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  CondOp *op;

  g_return_if_fail (GCORO_IS_CONDITION (self));

  if (!check_lock_held (self, G_STRFUNC))
    {
      /* The one place a programmer error also sets a GError: an _async
       * twin always calls its callback (a binding's wait must end). */
      _gcoro_async_start_error (self,
                                g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                             "%s() needs the condition's lock to be held",
                                             G_STRFUNC),
                                cancellable, callback, user_data, gcoro_condition_wait_async);
      return;
    }

  op = g_new0 (CondOp, 1);
  op->self = g_object_ref (self);
  gcoro_lock_release (self->lock);
  _gcoro_wait_queue_link (&self->waiters, &op->wait);
  _gcoro_async_start_task (self, cond_wait_body, op, cond_op_free, cond_wait_cancel,
                           cancellable, callback, user_data, gcoro_condition_wait_async);
}

/**
 * gcoro_condition_wait_finish:
 * @self: a [class@GCoro.Condition]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Condition.wait_async]. The caller holds the lock again
 * either way.
 *
 * Errors: those of [method@GCoro.Condition.wait], and [G_IO_ERROR_FAILED][error@Gio.IOErrorEnum] when the
 * lock was not held (after a critical).
 *
 * Returns: %TRUE if notified
 */
gboolean
gcoro_condition_wait_finish (GCoroCondition  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (GCORO_IS_CONDITION (self), FALSE);

  return _gcoro_async_finish (result, self, gcoro_condition_wait_async, NULL, error);
}

/**
 * gcoro_condition_notify:
 * @self: a [class@GCoro.Condition]
 * @n: how many waiters to wake
 *
 * Wakes up to @n waiting tasks, first come first served. Each resumes once
 * it has the lock again.
 */
void
gcoro_condition_notify (GCoroCondition *self,
                        guint           n)
{
  g_return_if_fail (GCORO_IS_CONDITION (self));

  for (guint i = 0; i < n; i++)
    {
      GCoroWait *wait = _gcoro_wait_queue_pop (&self->waiters);

      if (wait == NULL)
        break;
      _gcoro_wait_grant (wait);
    }
}

/**
 * gcoro_condition_notify_all:
 * @self: a [class@GCoro.Condition]
 *
 * Wakes every waiting task.
 */
void
gcoro_condition_notify_all (GCoroCondition *self)
{
  g_return_if_fail (GCORO_IS_CONDITION (self));

  gcoro_condition_notify (self, G_MAXUINT);
}

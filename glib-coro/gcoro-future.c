/* gcoro-future.c: the one awaitable currency
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroFuture:
 *
 * A value that will be there later.
 *
 * A future starts pending and settles exactly once: resolved with a value
 * (a [struct@GObject.Value], possibly empty), rejected with a [struct@GLib.Error], or cancelled. Every
 * waiting mechanism of glib-coro waits on futures: a fiber task suspends on
 * one with [func@GCoro.await], GIO-style code and language bindings use
 * [method@GCoro.Future.wait_async], and plain code can drive one to completion with
 * [func@GCoro.run_until_complete].
 *
 * |[<!-- language="C" -->
 * static void
 * consumer (GCoroTask *task, gpointer user_data)
 * {
 *   GCoroFuture *answer = user_data;
 *   g_autoptr(GError) error = NULL;
 *   gint64 v = gcoro_await_int64 (answer, &error);   // suspends this task only
 *
 *   if (error != NULL)
 *     return gcoro_task_return_error (task, g_steal_pointer (&error));
 *   g_print ("the answer is %" G_GINT64_FORMAT "\n", v);
 * }
 * ]|
 *
 * [class@GCoro.Promise] is the future you settle by hand (from any thread);
 * [class@GCoro.Task] is the future a coroutine settles when its body returns.
 * Every future is a [iface@GCoro.Awaitable] (it is its own wait).
 *
 * Completion is always deferred: whoever waits is told from its scheduler's
 * next dispatch, never from inside the call that settled the future. So
 * resolving a promise while holding a lock, or from another thread, never
 * runs someone else's code in the middle of yours.
 *
 * Threading: a future may be settled and inspected from any thread. Waiters
 * are told on the thread (and [struct@GLib.MainContext]) they started waiting from.
 */

/* NOTES:
 * - Waiters are an intrusive doubly-linked list under the future's mutex, so
 *   a fiber awaiting a future allocates nothing (its waiter is embedded in
 *   the task) and cancellation unlinks in O(1).
 * - Settling detaches the whole list under the lock, then posts each waiter
 *   to its scheduler outside the lock. A waiter that is no longer listed is
 *   "in flight": its owner must let it arrive (see GCoroWaiter).
 * - No GObject properties: a class with properties makes g_object_new()
 *   freeze notifications (a qdata allocation), which showed up as a third of
 *   the cost of spawning a trivial task.
 */

#include "gcoro-config.h"

#include "gcoro-error.h"
#include "gcoro-future-private.h"
#include "gcoro-scheduler-private.h"

typedef struct
{
  GMutex            lock;
  GCoroFutureState  state;     /* written under lock; read atomically */
  GValue            value;
  GError           *error;
  GCoroWaiter      *head;
  GCoroWaiter      *tail;
  gint              retrieved;  /* atomic: someone awaited or read the outcome */
} GCoroFuturePrivate;

static void gcoro_future_awaitable_init (GCoroAwaitableInterface *iface);

G_DEFINE_TYPE_WITH_CODE (GCoroFuture, gcoro_future, G_TYPE_OBJECT,
                         G_ADD_PRIVATE (GCoroFuture)
                         G_IMPLEMENT_INTERFACE (GCORO_TYPE_AWAITABLE,
                                                gcoro_future_awaitable_init))

/* A future is its own wait. */
static GCoroFuture *
gcoro_future_get_future (GCoroAwaitable *awaitable)
{
  return g_object_ref (GCORO_FUTURE (awaitable));
}

static void
gcoro_future_awaitable_init (GCoroAwaitableInterface *iface)
{
  iface->get_future = gcoro_future_get_future;
}

/**
 * gcoro_awaitable_get_future:
 * @self: a [iface@GCoro.Awaitable]
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

static void
gcoro_future_real_cancel (GCoroFuture *self)
{
  _gcoro_future_settle (self, GCORO_FUTURE_CANCELLED, NULL,
                        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "The operation was cancelled"));
}

static void
gcoro_future_finalize (GObject *object)
{
  GCoroFuture *self = GCORO_FUTURE (object);
  GCoroFuturePrivate *priv = gcoro_future_get_instance_private (self);

  /* Whoever waits holds a reference, so nobody can be listed here. */
  g_assert (priv->head == NULL);

  /* Internal values are zeroed or initialised: no G_IS_VALUE() type
   * look-up on the way out. */
  if (G_VALUE_TYPE (&priv->value) != G_TYPE_INVALID)
    g_value_unset (&priv->value);
  g_clear_error (&priv->error);
  g_mutex_clear (&priv->lock);

  G_OBJECT_CLASS (gcoro_future_parent_class)->finalize (object);
}

static void
gcoro_future_class_init (GCoroFutureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcoro_future_finalize;
  klass->cancel = gcoro_future_real_cancel;
}

static void
gcoro_future_init (GCoroFuture *self)
{
  GCoroFuturePrivate *priv = gcoro_future_get_instance_private (self);

  g_mutex_init (&priv->lock);
}

gboolean
_gcoro_future_add_waiter (GCoroFuture *self,
                          GCoroWaiter *waiter)
{
  GCoroFuturePrivate *priv = gcoro_future_get_instance_private (self);

  g_mutex_lock (&priv->lock);
  if (priv->state != GCORO_FUTURE_PENDING)
    {
      g_mutex_unlock (&priv->lock);
      return FALSE;
    }

  waiter->future = self;
  waiter->listed = TRUE;
  waiter->next = NULL;
  waiter->prev = priv->tail;
  if (priv->tail != NULL)
    priv->tail->next = waiter;
  else
    priv->head = waiter;
  priv->tail = waiter;
  g_mutex_unlock (&priv->lock);

  return TRUE;
}

gboolean
_gcoro_future_remove_waiter (GCoroFuture *self,
                             GCoroWaiter *waiter)
{
  GCoroFuturePrivate *priv = gcoro_future_get_instance_private (self);
  gboolean removed = FALSE;

  g_mutex_lock (&priv->lock);
  if (waiter->listed)
    {
      if (waiter->prev != NULL)
        waiter->prev->next = waiter->next;
      else
        priv->head = waiter->next;
      if (waiter->next != NULL)
        waiter->next->prev = waiter->prev;
      else
        priv->tail = waiter->prev;
      waiter->prev = waiter->next = NULL;
      waiter->listed = FALSE;
      waiter->future = NULL;
      removed = TRUE;
    }
  g_mutex_unlock (&priv->lock);

  return removed;
}

/* Runs on the waiter's scheduler thread, from dispatch. The future was
 * reffed for the trip when it settled. */
static void
waiter_deliver (GCoroRunnable *runnable)
{
  GCoroWaiter *waiter = (GCoroWaiter *) runnable;
  GCoroFuture *future = g_steal_pointer (&waiter->future);
  GCoroFuturePrivate *priv = gcoro_future_get_instance_private (future);

  g_atomic_int_set (&priv->retrieved, TRUE);
  waiter->func (waiter, future);
  g_object_unref (future);
}

static gboolean
settle (GCoroFuture      *self,
        GCoroFutureState  state,
        GValue           *value,
        GError           *error,
        gboolean          in_dispatch)
{
  GCoroFuturePrivate *priv = gcoro_future_get_instance_private (self);
  GCoroWaiter *waiters;

  g_assert (state != GCORO_FUTURE_PENDING);
  g_assert ((state == GCORO_FUTURE_RESOLVED) == (error == NULL));

  g_mutex_lock (&priv->lock);
  if (priv->state != GCORO_FUTURE_PENDING)
    {
      g_mutex_unlock (&priv->lock);
      if (value != NULL && G_VALUE_TYPE (value) != G_TYPE_INVALID)
        g_value_unset (value);
      g_clear_error (&error);
      return FALSE;
    }

  if (value != NULL && G_VALUE_TYPE (value) != G_TYPE_INVALID)
    {
      /* Steal: a GValue is plain memory plus the data it owns. */
      priv->value = *value;
      memset (value, 0, sizeof *value);
    }
  priv->error = error;
  g_atomic_int_set ((int *) &priv->state, state);

  waiters = priv->head;
  priv->head = priv->tail = NULL;
  for (GCoroWaiter *w = waiters; w != NULL; w = w->next)
    w->listed = FALSE;
  g_mutex_unlock (&priv->lock);

  /* From here on the waiters are in flight and ours alone to post. Read
   * next before posting: on the owner thread a post may be followed by
   * nothing, but another thread may run the waiter (and reuse it) at once. */
  while (waiters != NULL)
    {
      GCoroWaiter *w = waiters;

      waiters = w->next;
      w->prev = w->next = NULL;
      w->future = g_object_ref (self);
      w->runnable.func = waiter_deliver;
      if (w->at_once && _gcoro_scheduler_is_owner_thread (w->scheduler))
        waiter_deliver (&w->runnable);
      else if (!in_dispatch || !_gcoro_scheduler_run_in_dispatch (w->scheduler, w->band, &w->runnable))
        _gcoro_scheduler_post (w->scheduler, w->band, &w->runnable);
    }

  return TRUE;
}

gboolean
_gcoro_future_settle (GCoroFuture      *self,
                      GCoroFutureState  state,
                      GValue           *value,
                      GError           *error)
{
  return settle (self, state, value, error, FALSE);
}

gboolean
_gcoro_future_settle_in_dispatch (GCoroFuture      *self,
                                  GCoroFutureState  state,
                                  GValue           *value,
                                  GError           *error)
{
  return settle (self, state, value, error, TRUE);
}

GCoroFutureState
_gcoro_future_peek_state (GCoroFuture *self)
{
  GCoroFuturePrivate *priv = gcoro_future_get_instance_private (self);

  return (GCoroFutureState) g_atomic_int_get ((int *) &priv->state);
}

gboolean
_gcoro_future_was_retrieved (GCoroFuture *self)
{
  GCoroFuturePrivate *priv = gcoro_future_get_instance_private (self);

  return g_atomic_int_get (&priv->retrieved);
}

void
_gcoro_future_reset (GCoroFuture *self)
{
  GCoroFuturePrivate *priv = gcoro_future_get_instance_private (self);

  g_mutex_lock (&priv->lock);
  g_assert (priv->head == NULL);
  if (G_IS_VALUE (&priv->value))
    g_value_unset (&priv->value);
  g_clear_error (&priv->error);
  g_atomic_int_set (&priv->retrieved, FALSE);
  g_atomic_int_set ((int *) &priv->state, GCORO_FUTURE_PENDING);
  g_mutex_unlock (&priv->lock);
}

gboolean
_gcoro_future_settle_like (GCoroFuture *self,
                           GCoroFuture *from)
{
  GCoroFutureState state = gcoro_future_get_state (from);
  const GValue *value;
  GValue copy = G_VALUE_INIT;

  g_return_val_if_fail (state != GCORO_FUTURE_PENDING, FALSE);

  if (state != GCORO_FUTURE_RESOLVED)
    return _gcoro_future_settle (self, state, NULL, g_error_copy (gcoro_future_peek_error (from)));

  value = gcoro_future_peek_value (from);
  if (value != NULL)
    {
      g_value_init (&copy, G_VALUE_TYPE (value));
      g_value_copy (value, &copy);
    }
  return _gcoro_future_settle (self, GCORO_FUTURE_RESOLVED, &copy, NULL);
}

/**
 * gcoro_future_get_state:
 * @self: a [class@GCoro.Future]
 *
 * Gets where @self is in its life. Any thread.
 *
 * Returns: the state of @self
 */
GCoroFutureState
gcoro_future_get_state (GCoroFuture *self)
{
  GCoroFuturePrivate *priv;

  g_return_val_if_fail (GCORO_IS_FUTURE (self), GCORO_FUTURE_PENDING);

  priv = gcoro_future_get_instance_private (self);
  return (GCoroFutureState) g_atomic_int_get ((int *) &priv->state);
}

/**
 * gcoro_future_is_done:
 * @self: a [class@GCoro.Future]
 *
 * Checks whether @self has settled (resolved, rejected or cancelled).
 *
 * Returns: %TRUE once @self is no longer pending
 */
gboolean
gcoro_future_is_done (GCoroFuture *self)
{
  return gcoro_future_get_state (self) != GCORO_FUTURE_PENDING;
}

/**
 * gcoro_future_get_value:
 * @self: a [class@GCoro.Future]
 * @value: (out caller-allocates) (optional): an unset [struct@GObject.Value] that receives
 *   a copy of the value; when @self resolved without a value, or did not
 *   resolve, it holds a %NULL [class@GObject.Object] instead (None or null in bindings).
 *   Unset it when done
 * @error: return location for the error of a rejected or cancelled future
 *
 * Reads the outcome of a settled future. Reading a pending future fails
 * with [G_IO_ERROR_PENDING][error@Gio.IOErrorEnum].
 *
 * Returns: %TRUE if @self resolved, %FALSE with @error set otherwise
 */
gboolean
gcoro_future_get_value (GCoroFuture  *self,
                        GValue       *value,
                        GError      **error)
{
  GCoroFuturePrivate *priv;
  gboolean ret = FALSE;

  g_return_val_if_fail (GCORO_IS_FUTURE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  priv = gcoro_future_get_instance_private (self);
  g_atomic_int_set (&priv->retrieved, TRUE);

  g_mutex_lock (&priv->lock);

  /* Always hand back an initialised value: bindings convert out values
   * even when an error is thrown, and a typeless GValue cannot be
   * converted. An empty result reads as a NULL object (None, null). */
  if (value != NULL)
    {
      if (priv->state == GCORO_FUTURE_RESOLVED && G_IS_VALUE (&priv->value))
        {
          g_value_init (value, G_VALUE_TYPE (&priv->value));
          g_value_copy (&priv->value, value);
        }
      else
        g_value_init (value, G_TYPE_OBJECT);
    }

  switch (priv->state)
    {
    case GCORO_FUTURE_PENDING:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           "The future has not settled yet; await it first");
      break;

    case GCORO_FUTURE_RESOLVED:
      ret = TRUE;
      break;

    case GCORO_FUTURE_REJECTED:
    case GCORO_FUTURE_CANCELLED:
    default:
      if (error != NULL)
        *error = g_error_copy (priv->error);
      break;
    }
  g_mutex_unlock (&priv->lock);

  return ret;
}

/**
 * gcoro_future_peek_value:
 * @self: a [class@GCoro.Future]
 *
 * Gets the value of a resolved future without copying it. The value lives
 * as long as @self.
 *
 * Returns: (nullable) (transfer none): the value, or %NULL if @self is not
 *   resolved or resolved without a value
 */
const GValue *
gcoro_future_peek_value (GCoroFuture *self)
{
  GCoroFuturePrivate *priv;

  g_return_val_if_fail (GCORO_IS_FUTURE (self), NULL);

  priv = gcoro_future_get_instance_private (self);
  if (gcoro_future_get_state (self) != GCORO_FUTURE_RESOLVED ||
      !G_IS_VALUE (&priv->value))
    return NULL;

  /* Settled futures never change, so no lock is needed past this point. */
  return &priv->value;
}

/* --- values that own a C pointer --------------------------------------------- */

typedef struct
{
  gpointer       pointer;
  GDestroyNotify destroy;
} OwnedPointer;

static OwnedPointer *
owned_pointer_copy (OwnedPointer *p)
{
  /* The boxed value is shared, never duplicated: the pointer has one owner. */
  return g_atomic_rc_box_acquire (p);
}

static void
owned_pointer_clear (gpointer data)
{
  OwnedPointer *p = data;

  if (p->destroy != NULL && p->pointer != NULL)
    p->destroy (p->pointer);
}

static void
owned_pointer_free (OwnedPointer *p)
{
  g_atomic_rc_box_release_full (p, owned_pointer_clear);
}

typedef OwnedPointer GCoroOwnedPointer;

G_DEFINE_BOXED_TYPE (GCoroOwnedPointer, _gcoro_owned_pointer, owned_pointer_copy, owned_pointer_free)

/* The raw pointer inside a value made by gcoro_promise_resolve_pointer()
 * or gcoro_task_return_pointer(); plain G_TYPE_POINTER values too. */
gpointer
_gcoro_value_get_pointer (const GValue *value)
{
  if (G_VALUE_HOLDS (value, _gcoro_owned_pointer_get_type ()))
    {
      OwnedPointer *p = g_value_get_boxed (value);
      return p ? p->pointer : NULL;
    }
  if (G_VALUE_HOLDS_POINTER (value))
    return g_value_get_pointer (value);
  return NULL;
}

void
_gcoro_value_take_pointer (GValue         *value,
                           gpointer        pointer,
                           GDestroyNotify  destroy)
{
  OwnedPointer *p = g_atomic_rc_box_new0 (OwnedPointer);

  p->pointer = pointer;
  p->destroy = destroy;
  g_value_init (value, _gcoro_owned_pointer_get_type ());
  g_value_take_boxed (value, p);
}

/**
 * gcoro_future_peek_pointer: (skip)
 * @self: a [class@GCoro.Future]
 *
 * Gets the C pointer a future resolved with ([method@GCoro.Promise.resolve_pointer],
 * [method@GCoro.Task.return_pointer], [func@GCoro.run_in_thread]) without waiting: the
 * plain-code counterpart of [func@GCoro.await_pointer]. The pointer belongs to
 * @self.
 *
 * Returns: (nullable) (transfer none): the pointer, or %NULL if @self did
 *   not resolve with one
 */
gpointer
gcoro_future_peek_pointer (GCoroFuture *self)
{
  const GValue *value = gcoro_future_peek_value (self);

  return value != NULL ? _gcoro_value_get_pointer (value) : NULL;
}

/**
 * gcoro_future_peek_error:
 * @self: a [class@GCoro.Future]
 *
 * Gets the error of a rejected or cancelled future without copying it.
 *
 * Returns: (nullable) (transfer none): the error, or %NULL if @self is
 *   pending or resolved
 */
const GError *
gcoro_future_peek_error (GCoroFuture *self)
{
  GCoroFuturePrivate *priv;
  GCoroFutureState state;

  g_return_val_if_fail (GCORO_IS_FUTURE (self), NULL);

  priv = gcoro_future_get_instance_private (self);
  state = gcoro_future_get_state (self);
  if (state != GCORO_FUTURE_REJECTED && state != GCORO_FUTURE_CANCELLED)
    return NULL;
  g_atomic_int_set (&priv->retrieved, TRUE);

  return priv->error;
}

/**
 * gcoro_future_cancel:
 * @self: a [class@GCoro.Future]
 *
 * Requests cancellation. A pending promise settles as
 * [GCORO_FUTURE_CANCELLED][enum@GCoro.FutureState] at once; a task is asked to stop, and its current
 * await fails with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] (see [method@GCoro.Task.cancel]).
 * Cancelling a settled future does nothing.
 */
void
gcoro_future_cancel (GCoroFuture *self)
{
  g_return_if_fail (GCORO_IS_FUTURE (self));

  if (gcoro_future_is_done (self))
    return;

  GCORO_FUTURE_GET_CLASS (self)->cancel (self);
}

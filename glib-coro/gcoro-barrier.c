/* gcoro-barrier.c: a meeting point for a number of tasks
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroBarrier:
 *
 * A barrier for a fixed number of tasks ("parties"), like asyncio's
 * `Barrier`: each task that waits is held until the last one arrives, then
 * all go on together, and the barrier is ready for the next round. Each
 * wait returns the task's arrival index in its round (0 for the first).
 *
 * A task cancelled while waiting leaves the round (the others still wait
 * for a full party). [method@GCoro.Barrier.abort] breaks the barrier: waiting and
 * later waits fail with [GCORO_ERROR_BROKEN][error@GCoro.Error]. Used from the thread of its
 * scheduler.
 */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-barrier.h"
#include "gcoro-error.h"
#include "gcoro-wait-queue-private.h"

#define PASSED G_MAXSIZE   /* wait.amount of a waiter whose round completed */

struct _GCoroBarrier
{
  GObject        parent_instance;
  GCoroWaitQueue waiters;   /* wait.item holds the arrival index */
  guint          parties;
  guint          arrived;
  gboolean       broken;
};

G_DEFINE_FINAL_TYPE (GCoroBarrier, gcoro_barrier, G_TYPE_OBJECT)

static void
gcoro_barrier_finalize (GObject *object)
{
  GCoroBarrier *self = GCORO_BARRIER (object);

  _gcoro_wait_queue_fail_all (&self->waiters,
                              g_error_new_literal (GCORO_ERROR, GCORO_ERROR_DESTROYED,
                                                   "The barrier was destroyed"));

  G_OBJECT_CLASS (gcoro_barrier_parent_class)->finalize (object);
}

enum {
  PROP_0,
  PROP_PARTIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gcoro_barrier_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  GCoroBarrier *self = GCORO_BARRIER (object);

  switch (prop_id)
    {
    case PROP_PARTIES:
      g_value_set_uint (value, self->parties);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_barrier_class_init (GCoroBarrierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_barrier_finalize;
  G_OBJECT_CLASS (klass)->get_property = gcoro_barrier_get_property;

  /**
   * GCoroBarrier:parties: (getter get_parties)
   *
   * How many tasks each round waits for, as given to
   * [ctor@GCoro.Barrier.new].
   */
  properties[PROP_PARTIES] =
    g_param_spec_uint ("parties", NULL, NULL, 1, G_MAXUINT, 1,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, properties);
}

static void
gcoro_barrier_init (GCoroBarrier *self)
{
  _gcoro_wait_queue_init (&self->waiters);
}

/**
 * gcoro_barrier_new:
 * @parties: how many tasks each round waits for (at least 1)
 *
 * Creates a barrier.
 *
 * Returns: (transfer full): a new [class@GCoro.Barrier]
 */
GCoroBarrier *
gcoro_barrier_new (guint parties)
{
  GCoroBarrier *self;

  g_return_val_if_fail (parties > 0, NULL);

  self = g_object_new (GCORO_TYPE_BARRIER, NULL);
  self->parties = parties;
  return self;
}

/**
 * gcoro_barrier_get_parties:
 * @self: a [class@GCoro.Barrier]
 *
 * Gets how many tasks complete a round of @self.
 *
 * Returns: the number of tasks per round
 */
guint
gcoro_barrier_get_parties (GCoroBarrier *self)
{
  g_return_val_if_fail (GCORO_IS_BARRIER (self), 0);

  return self->parties;
}

/**
 * gcoro_barrier_get_n_waiting:
 * @self: a [class@GCoro.Barrier]
 *
 * Gets how many tasks wait for the current round to complete.
 *
 * Returns: the number of tasks waiting in the current round
 */
guint
gcoro_barrier_get_n_waiting (GCoroBarrier *self)
{
  g_return_val_if_fail (GCORO_IS_BARRIER (self), 0);

  return _gcoro_wait_queue_length (&self->waiters);
}

/**
 * gcoro_barrier_is_broken:
 * @self: a [class@GCoro.Barrier]
 *
 * Tells whether @self was aborted.
 *
 * Returns: %TRUE once [method@GCoro.Barrier.abort] was called
 */
gboolean
gcoro_barrier_is_broken (GCoroBarrier *self)
{
  g_return_val_if_fail (GCORO_IS_BARRIER (self), FALSE);

  return self->broken;
}

/* Completes the round: everyone waiting goes on. */
static void
release_round (GCoroBarrier *self)
{
  GCoroWait *wait;

  self->arrived = 0;
  while ((wait = _gcoro_wait_queue_pop (&self->waiters)) != NULL)
    _gcoro_wait_grant (wait);
}

/* The round completed just as this waiter was cancelled: it passed. */
static void
mark_passed (gpointer   primitive,
             GCoroWait *wait)
{
  wait->amount = PASSED;
}

static gboolean
fail_if_broken (GCoroBarrier  *self,
                GError       **error)
{
  if (!self->broken)
    return FALSE;

  g_set_error_literal (error, GCORO_ERROR, GCORO_ERROR_BROKEN, "The barrier is broken");
  return TRUE;
}

/* Arrives; TRUE (with *index) if this arrival completed the round. */
static gboolean
arrive (GCoroBarrier *self,
        int          *index)
{
  *index = (int) self->arrived++;
  if (self->arrived < self->parties)
    return FALSE;

  release_round (self);
  return TRUE;
}

/* A waiter that left the round before it completed (a GCoroWaitUndo). */
static void
leave (gpointer   primitive,
       GCoroWait *wait)
{
  GCoroBarrier *self = primitive;

  if (wait->amount != PASSED && !self->broken && self->arrived > 0)
    self->arrived--;
}

/**
 * gcoro_barrier_wait: (skip)
 * @self: a [class@GCoro.Barrier]
 * @error: return location for a [struct@GLib.Error]
 *
 * Suspends the calling fiber task until the round is complete. Fails with
 * [GCORO_ERROR_BROKEN][error@GCoro.Error] on a broken barrier and [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when
 * the task is cancelled first. Binding twin: [method@GCoro.Barrier.wait_async].
 *
 * Returns: the arrival index (0 to parties - 1), or -1 with @error set
 */
int
gcoro_barrier_wait (GCoroBarrier  *self,
                    GError       **error)
{
  GCoroWait wait = { 0, };
  int index;

  g_return_val_if_fail (GCORO_IS_BARRIER (self), -1);

  if (fail_if_broken (self, error))
    return -1;
  if (arrive (self, &index))
    return index;

  if (!_gcoro_wait_queue_wait (&self->waiters, &wait, self, mark_passed,
                               G_STRFUNC, "gcoro_barrier_wait_async()", error))
    {
      leave (self, &wait);
      return -1;
    }

  return index;
}

/**
 * gcoro_barrier_wait_async:
 * @self: a [class@GCoro.Barrier]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once the round is complete
 * @user_data: data for @callback
 *
 * Arrives at @self and waits for the rest of the round.
 */
void
gcoro_barrier_wait_async (GCoroBarrier        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GError *error = NULL;
  int index;

  g_return_if_fail (GCORO_IS_BARRIER (self));

  if (fail_if_broken (self, &error))
    _gcoro_async_start_error (self, error, cancellable, callback, user_data,
                              gcoro_barrier_wait_async);
  else if (arrive (self, &index))
    _gcoro_wait_return_now (self, GINT_TO_POINTER (index), gcoro_barrier_wait_async,
                            cancellable, callback, user_data);
  else
    _gcoro_wait_queue_wait_async (&self->waiters, self, leave, GINT_TO_POINTER (index), 0,
                                  gcoro_barrier_wait_async, cancellable, callback, user_data);
}

/**
 * gcoro_barrier_wait_finish:
 * @self: a [class@GCoro.Barrier]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.Barrier.wait_async].
 *
 * Errors: those of [method@GCoro.Barrier.wait].
 *
 * Returns: the arrival index, or -1 with @error set
 */
int
gcoro_barrier_wait_finish (GCoroBarrier  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  gpointer index;

  g_return_val_if_fail (GCORO_IS_BARRIER (self), -1);

  if (!_gcoro_wait_queue_wait_finish (self, result, gcoro_barrier_wait_async, &index, error))
    return -1;
  return GPOINTER_TO_INT (index);
}

/**
 * gcoro_barrier_abort:
 * @self: a [class@GCoro.Barrier]
 *
 * Breaks @self: every waiting task fails with [GCORO_ERROR_BROKEN][error@GCoro.Error], and so
 * does every later wait.
 */
void
gcoro_barrier_abort (GCoroBarrier *self)
{
  g_return_if_fail (GCORO_IS_BARRIER (self));

  self->broken = TRUE;
  self->arrived = 0;
  _gcoro_wait_queue_fail_all (&self->waiters,
                              g_error_new_literal (GCORO_ERROR, GCORO_ERROR_BROKEN,
                                                   "The barrier was aborted"));
}

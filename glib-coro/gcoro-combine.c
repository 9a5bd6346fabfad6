/* gcoro-combine.c: futures made of other futures
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* gcoro_all(), gcoro_any(), gcoro_race(), gcoro_shield() and
 * gcoro_future_with_timeout() each return a future that follows some input
 * futures, like asyncio's gather()/wait()/shield()/wait_for() and the
 * JavaScript Promise combinators. Being futures, they are awaited the
 * same way from C fibers (gcoro_await()), GIO-style code and bindings
 * (gcoro_future_wait_async()).
 *
 * Cancellation: cancelling an all/any/race future cancels its inputs that
 * are still pending; cancelling a shield future leaves its input alone
 * (that is the point of a shield: `gcoro_await (gcoro_shield (f))` in a
 * cancelled task gives up waiting, f goes on); cancelling a timeout future
 * cancels its input, as does the timeout expiring.
 *
 * These futures watch their inputs from the scheduler of the thread that
 * created them, and are cancelled from that thread.
 */

/* NOTES: one private future class serves all five; its per-input waiters
 * are allocated with it and each holds a reference to it while listed or
 * in flight, so a settled combination unlinks what is still listed and the
 * late deliveries find it alive and done. */

#include "gcoro-config.h"

#include "gcoro-combine.h"
#include "gcoro-error.h"
#include "gcoro-future-private.h"
#include "gcoro-scheduler-private.h"

typedef enum
{
  KIND_ALL,
  KIND_ANY,
  KIND_RACE,
  KIND_SHIELD,
  KIND_TIMEOUT,
} Kind;

typedef struct _GCoroCombined GCoroCombined;

typedef struct
{
  GCoroWaiter    base;
  GCoroCombined *self;     /* a reference while listed or in flight */
  guint          index;
} InputWaiter;

struct _GCoroCombined
{
  GCoroFuture      parent_instance;
  Kind             kind;
  GCoroAllFlags    flags;
  gboolean         cancel_losers;
  guint            n;
  GCoroFuture    **inputs;
  InputWaiter     *waiters;
  guint            n_settled;
  guint            n_failed;
  GCoroScheduler  *scheduler;
  GCoroTimer       timer;
  guint            timeout_msec;
  gboolean         timed_out;
};

#define GCORO_TYPE_COMBINED (gcoro_combined_get_type ())
G_DECLARE_FINAL_TYPE (GCoroCombined, gcoro_combined, GCORO, COMBINED, GCoroFuture)
G_DEFINE_FINAL_TYPE (GCoroCombined, gcoro_combined, GCORO_TYPE_FUTURE)

static void
cancel_pending_inputs (GCoroCombined *self)
{
  for (guint i = 0; i < self->n; i++)
    gcoro_future_cancel (self->inputs[i]);   /* no-op on settled ones */
}

/* Unlinks the waiters still listed (their references go with them). */
static void
stop_watching (GCoroCombined *self)
{
  _gcoro_scheduler_remove_timer (self->scheduler, &self->timer);
  for (guint i = 0; i < self->n; i++)
    if (_gcoro_future_remove_waiter (self->inputs[i], &self->waiters[i].base))
      g_object_unref (self);
}

static void
settle (GCoroCombined    *self,
        GCoroFutureState  state,
        GValue           *value,
        GError           *error)
{
  if (_gcoro_future_settle (GCORO_FUTURE (self), state, value, error))
    stop_watching (self);
}

/* Settles @self exactly as @input did. */
static void
mirror (GCoroCombined *self,
        GCoroFuture   *input)
{
  if (_gcoro_future_settle_like (GCORO_FUTURE (self), input))
    stop_watching (self);
}

static void
input_settled (GCoroCombined *self,
               guint          index)
{
  GCoroFuture *input = self->inputs[index];
  gboolean resolved = gcoro_future_get_state (input) == GCORO_FUTURE_RESOLVED;

  if (gcoro_future_is_done (GCORO_FUTURE (self)))
    return;

  self->n_settled++;
  switch (self->kind)
    {
    case KIND_ALL:
      if (!resolved && !(self->flags & GCORO_ALL_RETURN_ERRORS))
        {
          settle (self, GCORO_FUTURE_REJECTED, NULL, g_error_copy (gcoro_future_peek_error (input)));
          if (self->flags & GCORO_ALL_CANCEL_ON_ERROR)
            cancel_pending_inputs (self);
        }
      else if (self->n_settled == self->n)
        settle (self, GCORO_FUTURE_RESOLVED, NULL, NULL);
      break;

    case KIND_ANY:
      if (resolved)
        {
          mirror (self, input);
          if (self->cancel_losers)
            cancel_pending_inputs (self);
        }
      else if (++self->n_failed == self->n)
        settle (self, GCORO_FUTURE_REJECTED, NULL,
                g_error_new (GCORO_ERROR, GCORO_ERROR_FAILED,
                             "All %u futures failed; the last one: %s",
                             self->n, gcoro_future_peek_error (input)->message));
      break;

    case KIND_RACE:
      mirror (self, input);
      if (self->cancel_losers)
        cancel_pending_inputs (self);
      break;

    case KIND_TIMEOUT:
      /* After the deadline the input was cancelled; what it did is
       * reported only now that it has ended, and as a timeout unless it
       * resolved all the same. */
      if (self->timed_out && !resolved)
        settle (self, GCORO_FUTURE_REJECTED, NULL,
                g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                             "Timed out after %u ms", self->timeout_msec));
      else
        mirror (self, input);
      break;

    case KIND_SHIELD:
    default:
      mirror (self, input);
      break;
    }
}

static void
waiter_delivered (GCoroWaiter *base,
                  GCoroFuture *future)
{
  InputWaiter *waiter = (InputWaiter *) base;
  GCoroCombined *self = waiter->self;

  input_settled (self, waiter->index);
  g_object_unref (self);
}

static void
timer_fired (GCoroTimer *timer)
{
  GCoroCombined *self = G_STRUCT_MEMBER_P (timer, -G_STRUCT_OFFSET (GCoroCombined, timer));

  /* Settles once the input has ended (input_settled()). */
  self->timed_out = TRUE;
  cancel_pending_inputs (self);
}

static void
gcoro_combined_cancel (GCoroFuture *future)
{
  GCoroCombined *self = GCORO_COMBINED (future);

  g_object_ref (self);
  settle (self, GCORO_FUTURE_CANCELLED, NULL,
          g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The operation was cancelled"));
  if (self->kind != KIND_SHIELD)
    cancel_pending_inputs (self);
  g_object_unref (self);
}

static void
gcoro_combined_finalize (GObject *object)
{
  GCoroCombined *self = GCORO_COMBINED (object);

  /* No waiter can be listed: each would hold a reference. */
  if (self->scheduler != NULL)
    _gcoro_scheduler_remove_timer (self->scheduler, &self->timer);
  for (guint i = 0; i < self->n; i++)
    g_object_unref (self->inputs[i]);
  g_free (self->inputs);
  g_free (self->waiters);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (gcoro_combined_parent_class)->finalize (object);
}

static void
gcoro_combined_class_init (GCoroCombinedClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_combined_finalize;
  GCORO_FUTURE_CLASS (klass)->cancel = gcoro_combined_cancel;
}

static void
gcoro_combined_init (GCoroCombined *self)
{
}

static GCoroFuture *
combine (Kind          kind,
         GCoroFuture **futures,
         guint         n,
         GCoroAllFlags flags,
         gboolean      cancel_losers)
{
  GCoroCombined *self = g_object_new (GCORO_TYPE_COMBINED, NULL);
  GCoroBand *band;

  self->kind = kind;
  self->flags = flags;
  self->cancel_losers = cancel_losers;
  self->n = n;
  self->inputs = g_new (GCoroFuture *, MAX (n, 1));
  self->waiters = g_new0 (InputWaiter, MAX (n, 1));
  self->scheduler = g_object_ref (gcoro_scheduler_get_default ());
  band = _gcoro_scheduler_get_main_band (self->scheduler);

  for (guint i = 0; i < n; i++)
    self->inputs[i] = g_object_ref (futures[i]);

  if (n == 0)
    {
      if (kind == KIND_ALL)
        settle (self, GCORO_FUTURE_RESOLVED, NULL, NULL);
      else if (kind == KIND_ANY)
        settle (self, GCORO_FUTURE_REJECTED, NULL,
                g_error_new_literal (GCORO_ERROR, GCORO_ERROR_FAILED, "No futures to wait for"));
      /* A race of nothing never settles, as in JavaScript. */
      return GCORO_FUTURE (self);
    }

  for (guint i = 0; i < n && !gcoro_future_is_done (GCORO_FUTURE (self)); i++)
    {
      InputWaiter *w = &self->waiters[i];

      w->base.scheduler = self->scheduler;
      w->base.band = band;
      w->base.func = waiter_delivered;
      w->self = g_object_ref (self);
      w->index = i;
      if (!_gcoro_future_add_waiter (futures[i], &w->base))
        {
          /* Settled already: count it now. */
          input_settled (self, i);
          g_object_unref (self);
        }
    }

  return GCORO_FUTURE (self);
}

static gboolean
check_futures (GCoroFuture **futures,
               guint         n,
               const char   *func)
{
  if (n > 0 && futures == NULL)
    {
      g_critical ("%s(): %u futures announced but the array is NULL", func, n);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (!GCORO_IS_FUTURE (futures[i]))
      {
        g_critical ("%s(): element %u is not a GCoroFuture", func, i);
        return FALSE;
      }
  return TRUE;
}

/**
 * gcoro_all:
 * @futures: (array length=n_futures): the futures to wait for
 * @n_futures: how many
 * @flags: how to treat failures
 *
 * A future that resolves (without a value) once every future in @futures
 * resolved, like asyncio's `gather()`. By default it rejects with the
 * first error as soon as a future fails; with
 * [GCORO_ALL_RETURN_ERRORS][flags@GCoro.AllFlags] it waits for all and never rejects, and with
 * [GCORO_ALL_CANCEL_ON_ERROR][flags@GCoro.AllFlags] a failure cancels the futures still pending.
 * The results are read from the futures themselves.
 *
 * Returns: (transfer full): the combined future
 */
GCoroFuture *
gcoro_all (GCoroFuture   **futures,
           guint           n_futures,
           GCoroAllFlags   flags)
{
  g_return_val_if_fail (check_futures (futures, n_futures, G_STRFUNC), NULL);

  return combine (KIND_ALL, futures, n_futures, flags, FALSE);
}

/**
 * gcoro_any:
 * @futures: (array length=n_futures): the futures to wait for
 * @n_futures: how many
 * @cancel_losers: cancel the others once one resolved
 *
 * A future that resolves with the value of the first future to resolve,
 * like JavaScript's `Promise.any()`; it rejects ([GCORO_ERROR_FAILED][error@GCoro.Error],
 * naming the last error) only if all of them fail.
 *
 * Returns: (transfer full): the combined future
 */
GCoroFuture *
gcoro_any (GCoroFuture **futures,
           guint         n_futures,
           gboolean      cancel_losers)
{
  g_return_val_if_fail (check_futures (futures, n_futures, G_STRFUNC), NULL);

  return combine (KIND_ANY, futures, n_futures, GCORO_ALL_DEFAULT, cancel_losers);
}

/**
 * gcoro_race:
 * @futures: (array length=n_futures): the futures to wait for
 * @n_futures: how many
 * @cancel_losers: cancel the others once one settled
 *
 * A future that settles like the first of @futures to settle, whatever the
 * outcome, like JavaScript's `Promise.race()`.
 *
 * Returns: (transfer full): the combined future
 */
GCoroFuture *
gcoro_race (GCoroFuture **futures,
            guint         n_futures,
            gboolean      cancel_losers)
{
  g_return_val_if_fail (check_futures (futures, n_futures, G_STRFUNC), NULL);

  return combine (KIND_RACE, futures, n_futures, GCORO_ALL_DEFAULT, cancel_losers);
}

/**
 * gcoro_shield:
 * @future: the future to protect
 *
 * A future that settles like @future, but whose cancellation does not
 * reach @future, like asyncio's `shield()`: a task cancelled while it
 * awaits the shield stops waiting, and @future goes on.
 *
 * Returns: (transfer full): the shielding future
 */
GCoroFuture *
gcoro_shield (GCoroFuture *future)
{
  g_return_val_if_fail (GCORO_IS_FUTURE (future), NULL);

  return combine (KIND_SHIELD, &future, 1, GCORO_ALL_DEFAULT, FALSE);
}

/**
 * gcoro_future_with_timeout:
 * @future: a [class@GCoro.Future]
 * @timeout_msec: how long to wait for it, in milliseconds
 *
 * A future that settles like @future if it does so within @timeout_msec;
 * otherwise it cancels @future and, once @future has ended, rejects with
 * [G_IO_ERROR_TIMED_OUT][error@Gio.IOErrorEnum] (or resolves like @future, if it resolved all the
 * same), as asyncio's `wait_for()` does: when the timeout is reported, the
 * work it bounded has stopped. The timer lives in the scheduler's heap.
 *
 * Returns: (transfer full): the future with a deadline
 */
GCoroFuture *
gcoro_future_with_timeout (GCoroFuture *future,
                           guint        timeout_msec)
{
  GCoroCombined *self;

  g_return_val_if_fail (GCORO_IS_FUTURE (future), NULL);

  self = GCORO_COMBINED (combine (KIND_TIMEOUT, &future, 1, GCORO_ALL_DEFAULT, FALSE));
  if (!gcoro_future_is_done (GCORO_FUTURE (self)))
    {
      self->timeout_msec = timeout_msec;
      self->timer.func = timer_fired;
      _gcoro_scheduler_add_timer (self->scheduler, &self->timer,
                                  g_get_monotonic_time () + (gint64) timeout_msec * 1000);
    }

  return GCORO_FUTURE (self);
}

/* gcoro-async-result.c: the one way an _async twin is built
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* NOTES:
 * - Not a GTask. GTask decides by itself whether a callback runs at once
 *   or from an idle source of its own (same iteration, cancelled
 *   cancellable, another thread), and its idle knows nothing of context
 *   variables. Each of the four ways twins were built before this file
 *   worked around that differently, and the bugs lived between them (a
 *   queue get on a non-empty queue called back in the wrong context; a
 *   cancelled wait's idle ran after the task that was waiting had moved
 *   on, so the grant it carried was lost). Here the callback runs exactly
 *   when the scheduler delivers the operation's future, in the caller's
 *   captured context: one rule, no exceptions.
 * - Cancellation on the owner thread runs the operation's cancel function
 *   synchronously, inside g_cancellable_cancel(): by the time a cancelled
 *   task is queued to see its cancellation, the wait it left has been
 *   unlinked, so nothing can be granted to it any more. From another
 *   thread the cancel function is posted to the owner's scheduler.
 * - A pending result holds one reference for the path that completes it
 *   (the future's waiter, or the runnable that completes it early); the
 *   _async function's caller holds none.
 */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-context-cell-private.h"
#include "gcoro-future-private.h"
#include "gcoro-promise.h"
#include "gcoro-task.h"

struct _GCoroAsyncResult
{
  GObject               parent_instance;

  GCoroWaiter           waiter;          /* on @future; or the band runnable */
  GCoroRunnable         done_runnable;   /* completes early (settled, abandoned) */
  GCoroRunnable         cancel_runnable; /* a cancellation from another thread */
  GCoroScheduler       *scheduler;       /* of the caller's thread-default context */

  GObject              *source_object;
  GAsyncReadyCallback   callback;
  gpointer              user_data;
  gpointer              source_tag;
  GCoroContextCell      cell;            /* the caller's context variables */

  GCoroFuture          *future;          /* the outcome, unless @error is set */
  GError               *error;           /* set when the wait was abandoned */
  GCoroAsyncCancelFunc  on_cancel;
  gpointer              op_data;
  GDestroyNotify        op_data_free;

  GCancellable         *cancellables[2]; /* the caller's, the calling task's */
  gulong                cancel_ids[2];
  gint                  cancel_claimed;  /* atomic: the cancel function runs once */
  guint                 completed : 1;
  guint                 early_posted : 1;
};

static void gcoro_async_result_iface_init (GAsyncResultIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GCoroAsyncResult, _gcoro_async_result, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_RESULT,
                                                      gcoro_async_result_iface_init))

static void
gcoro_async_result_finalize (GObject *object)
{
  GCoroAsyncResult *self = GCORO_ASYNC_RESULT (object);

  if (self->op_data_free != NULL)
    g_clear_pointer (&self->op_data, self->op_data_free);
  g_clear_object (&self->future);
  g_clear_error (&self->error);
  for (guint i = 0; i < G_N_ELEMENTS (self->cancellables); i++)
    g_clear_object (&self->cancellables[i]);
  _gcoro_context_cell_clear (&self->cell);
  g_clear_object (&self->source_object);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (_gcoro_async_result_parent_class)->finalize (object);
}

static void
_gcoro_async_result_class_init (GCoroAsyncResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_async_result_finalize;
}

static void
_gcoro_async_result_init (GCoroAsyncResult *self)
{
}

static gpointer
gcoro_async_result_get_user_data (GAsyncResult *result)
{
  return GCORO_ASYNC_RESULT (result)->user_data;
}

static GObject *
gcoro_async_result_get_source_object (GAsyncResult *result)
{
  GCoroAsyncResult *self = GCORO_ASYNC_RESULT (result);

  return self->source_object != NULL ? g_object_ref (self->source_object) : NULL;
}

static gboolean
gcoro_async_result_is_tagged (GAsyncResult *result,
                              gpointer      source_tag)
{
  return GCORO_ASYNC_RESULT (result)->source_tag == source_tag;
}

static void
gcoro_async_result_iface_init (GAsyncResultIface *iface)
{
  iface->get_user_data = gcoro_async_result_get_user_data;
  iface->get_source_object = gcoro_async_result_get_source_object;
  iface->is_tagged = gcoro_async_result_is_tagged;
}

/* --- completing ----------------------------------------------------------------- */

/* Owner thread, from dispatch. Never inside the cancellation handler, so
 * disconnecting cannot deadlock. */
static void
complete (GCoroAsyncResult *self)
{
  GCoroContextCell *prev;

  if (self->completed)
    return;
  self->completed = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (self->cancellables); i++)
    if (self->cancel_ids[i] != 0)
      g_cancellable_disconnect (self->cancellables[i], g_steal_pointer (&self->cancel_ids[i]));

  if (self->callback == NULL)
    return;

  prev = _gcoro_context_cell_swap_current (&self->cell);
  self->callback (self->source_object, G_ASYNC_RESULT (self), self->user_data);
  _gcoro_context_cell_swap_current (prev);
}

static void
delivered (GCoroWaiter *waiter,
           GCoroFuture *future)
{
  GCoroAsyncResult *self = G_STRUCT_MEMBER_P (waiter, -G_STRUCT_OFFSET (GCoroAsyncResult, waiter));

  complete (self);
  g_object_unref (self);   /* the pending reference */
}

static void
band_reached (GCoroRunnable *runnable)
{
  GCoroAsyncResult *self = G_STRUCT_MEMBER_P (runnable, -G_STRUCT_OFFSET (GCoroAsyncResult, waiter.runnable));

  complete (self);
  g_object_unref (self);
}

static void
early_run (GCoroRunnable *runnable)
{
  GCoroAsyncResult *self = G_STRUCT_MEMBER_P (runnable, -G_STRUCT_OFFSET (GCoroAsyncResult, done_runnable));

  complete (self);
  g_object_unref (self);
}

/* Completes @self at the scheduler's next dispatch; takes a reference. */
static void
post_early (GCoroAsyncResult *self)
{
  g_assert (!self->early_posted);

  self->early_posted = TRUE;
  self->done_runnable.func = early_run;
  _gcoro_scheduler_post (self->scheduler, _gcoro_scheduler_get_main_band (self->scheduler),
                         &self->done_runnable);
}

void
_gcoro_async_result_abandon (GCoroAsyncResult *self)
{
  if (self->completed || self->error != NULL)
    return;

  if (self->future != NULL && !_gcoro_future_remove_waiter (self->future, &self->waiter))
    return;   /* in flight: it arrives with the future's outcome */

  self->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The operation was cancelled");
  if (self->future != NULL)
    post_early (self);                      /* the waiter's reference moves here */
  else if (!self->early_posted)
    post_early (g_object_ref (self));       /* a band wait: its runnable still comes */
}

void
_gcoro_async_leave (GCoroAsyncResult *self,
                    GCoroFuture      *future,
                    gpointer          op_data)
{
  _gcoro_async_result_abandon (self);
}

/* --- cancelling ----------------------------------------------------------------- */

static void
run_cancel (GCoroAsyncResult *self)
{
  if (self->completed || self->error != NULL)
    return;
  if (self->future != NULL && gcoro_future_is_done (self->future))
    return;

  if (self->on_cancel != NULL)
    self->on_cancel (self, self->future, self->op_data);
  else if (self->future != NULL)
    gcoro_future_cancel (self->future);
  else
    _gcoro_async_result_abandon (self);
}

static void
cancel_run (GCoroRunnable *runnable)
{
  GCoroAsyncResult *self = G_STRUCT_MEMBER_P (runnable, -G_STRUCT_OFFSET (GCoroAsyncResult, cancel_runnable));

  run_cancel (self);
  g_object_unref (self);
}

/* Any thread: whichever called g_cancellable_cancel(). */
static void
cancelled (GCancellable *cancellable,
           gpointer      data)
{
  GCoroAsyncResult *self = data;

  if (!g_atomic_int_compare_and_exchange (&self->cancel_claimed, 0, 1))
    return;

  if (_gcoro_scheduler_is_owner_thread (self->scheduler))
    {
      run_cancel (self);
      return;
    }

  g_object_ref (self);
  self->cancel_runnable.func = cancel_run;
  _gcoro_scheduler_post (self->scheduler, _gcoro_scheduler_get_main_band (self->scheduler),
                         &self->cancel_runnable);
}

/* Connects last: a cancellable that is cancelled already runs the cancel
 * function right here, with everything in place. */
static void
link_cancellation (GCoroAsyncResult *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->cancellables); i++)
    if (self->cancellables[i] != NULL && !self->completed)
      self->cancel_ids[i] = g_cancellable_connect (self->cancellables[i], G_CALLBACK (cancelled),
                                                   self, NULL);
}

/* --- starting ------------------------------------------------------------------- */

GCoroAsyncResult *
_gcoro_async_result_new (gpointer             source_object,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data,
                         gpointer             source_tag)
{
  GCoroAsyncResult *self = g_object_new (GCORO_TYPE_ASYNC_RESULT, NULL);
  GCoroTask *task = gcoro_task_get_current ();

  self->scheduler = g_object_ref (_gcoro_scheduler_get_for_thread_default ());
  self->source_object = source_object != NULL ? g_object_ref (source_object) : NULL;
  self->callback = callback;
  self->user_data = user_data;
  self->source_tag = source_tag;
  _gcoro_context_cell_init_copy (&self->cell, NULL);

  if (cancellable != NULL)
    self->cancellables[0] = g_object_ref (cancellable);
  if (task != NULL)
    {
      GCancellable *own = gcoro_task_get_cancellable (task);

      if (own != cancellable)
        self->cancellables[1] = g_object_ref (own);
    }

  return self;
}

void
_gcoro_async_result_wait (GCoroAsyncResult     *self,
                          GCoroFuture          *future,
                          GCoroAsyncCancelFunc  on_cancel,
                          gpointer              op_data,
                          GDestroyNotify        op_data_free)
{
  g_return_if_fail (GCORO_IS_ASYNC_RESULT (self));
  g_return_if_fail (GCORO_IS_FUTURE (future));

  self->future = future;
  self->on_cancel = on_cancel;
  self->op_data = op_data;
  self->op_data_free = op_data_free;

  self->waiter.scheduler = self->scheduler;
  self->waiter.band = _gcoro_scheduler_get_main_band (self->scheduler);
  self->waiter.func = delivered;
  if (!_gcoro_future_add_waiter (future, &self->waiter))
    {
      post_early (self);   /* settled already: still called back later */
      return;
    }
  link_cancellation (self);
}

void
_gcoro_async_result_wait_band (GCoroAsyncResult *self,
                               GCoroBand        *band)
{
  g_return_if_fail (GCORO_IS_ASYNC_RESULT (self));

  self->waiter.runnable.func = band_reached;
  _gcoro_scheduler_post (self->scheduler, band, &self->waiter.runnable);
  link_cancellation (self);
}

void
_gcoro_async_start (gpointer             source_object,
                    GCoroFuture         *future,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data,
                    gpointer             source_tag)
{
  _gcoro_async_result_wait (_gcoro_async_result_new (source_object, cancellable, callback,
                                                     user_data, source_tag),
                            future, NULL, NULL, NULL);
}

void
_gcoro_async_start_error (gpointer             source_object,
                          GError              *error,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data,
                          gpointer             source_tag)
{
  GCoroPromise *failed = gcoro_promise_new ();

  gcoro_promise_reject (failed, error);
  _gcoro_async_start (source_object, GCORO_FUTURE (failed), cancellable, callback, user_data,
                      source_tag);
}

void
_gcoro_async_start_task (gpointer             source_object,
                         GCoroTaskFunc        func,
                         gpointer             func_data,
                         GDestroyNotify       func_data_free,
                         GCoroAsyncCancelFunc on_cancel,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data,
                         gpointer             source_tag)
{
  GCoroAsyncResult *self = _gcoro_async_result_new (source_object, cancellable, callback,
                                                    user_data, source_tag);
  GCoroSpawnOptions opts = { 0, };

  /* The task owns @func_data, and lives while the result may cancel it. */
  opts.context = g_main_context_ref_thread_default ();
  _gcoro_async_result_wait (self, GCORO_FUTURE (gcoro_spawn_full (&opts, func, func_data,
                                                                  func_data_free)),
                            on_cancel, on_cancel != NULL ? func_data : NULL, NULL);
  g_main_context_unref (opts.context);
}

/* --- finishing ------------------------------------------------------------------ */

static gboolean
async_is_valid (GAsyncResult *result,
                       gpointer      source_object,
                       gpointer      source_tag)
{
  GCoroAsyncResult *self;

  if (!GCORO_IS_ASYNC_RESULT (result))
    return FALSE;
  self = GCORO_ASYNC_RESULT (result);
  return self->source_tag == source_tag && (gpointer) self->source_object == source_object;
}

static GCoroAsyncResult *
check_result (GAsyncResult *result,
              gpointer      source_object,
              gpointer      source_tag)
{
  if (G_UNLIKELY (!async_is_valid (result, source_object, source_tag)))
    {
      g_critical ("The GAsyncResult given to a glib-coro _finish function does not come from "
                  "the matching _async call (pass the result its callback received)");
      return NULL;
    }
  return GCORO_ASYNC_RESULT (result);
}

gboolean
_gcoro_async_propagate (GAsyncResult  *result,
                        gpointer       source_object,
                        gpointer       source_tag,
                        GError       **error)
{
  GCoroAsyncResult *self = check_result (result, source_object, source_tag);

  if (self == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Not the result of this operation");
      return FALSE;
    }
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return self->future == NULL || gcoro_future_get_value (self->future, NULL, error);
}

gboolean
_gcoro_async_finish (GAsyncResult  *result,
                     gpointer       source_object,
                     gpointer       source_tag,
                     GValue        *value,
                     GError       **error)
{
  GCoroFuture *future;

  if (!_gcoro_async_propagate (result, source_object, source_tag, error))
    {
      if (value != NULL)
        g_value_init (value, G_TYPE_OBJECT);   /* see gcoro_future_get_value() */
      return FALSE;
    }

  future = GCORO_ASYNC_RESULT (result)->future;
  if (future == NULL)
    {
      if (value != NULL)
        g_value_init (value, G_TYPE_OBJECT);
      return TRUE;
    }
  return gcoro_future_get_value (future, value, error);
}

GCoroFuture *
_gcoro_async_get_future (GAsyncResult *result)
{
  g_return_val_if_fail (GCORO_IS_ASYNC_RESULT (result), NULL);

  return GCORO_ASYNC_RESULT (result)->future;
}

/* NULL (and no critical) for a result of something else: the check that
 * follows names the problem. */
gpointer
_gcoro_async_peek_source_object (GAsyncResult *result)
{
  return GCORO_IS_ASYNC_RESULT (result) ? GCORO_ASYNC_RESULT (result)->source_object : NULL;
}

gpointer
_gcoro_async_get_op_data (GAsyncResult *result)
{
  g_return_val_if_fail (GCORO_IS_ASYNC_RESULT (result), NULL);

  return GCORO_ASYNC_RESULT (result)->op_data;
}

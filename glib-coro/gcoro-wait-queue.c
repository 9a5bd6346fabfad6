/* gcoro-wait-queue.c: FIFO queues of suspended waiters
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* NOTES:
 * - A waiter is linked exactly while its promise is pending: the granter
 *   pops it and resolves it in one synchronous step, the waiter unlinks
 *   itself only while its promise is still pending. So "is it still
 *   queued?" is read from the promise, with no flag of its own.
 * - Fiber waiters live on the waiting task's stack: they cost one promise
 *   and nothing else.
 */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-await.h"
#include "gcoro-error.h"
#include "gcoro-task-private.h"
#include "gcoro-wait-queue-private.h"

void
_gcoro_wait_queue_init (GCoroWaitQueue *self)
{
  g_queue_init (&self->queue);
}

gboolean
_gcoro_wait_queue_is_empty (GCoroWaitQueue *self)
{
  return g_queue_is_empty (&self->queue);
}

guint
_gcoro_wait_queue_length (GCoroWaitQueue *self)
{
  return g_queue_get_length (&self->queue);
}

GCoroWait *
_gcoro_wait_queue_peek (GCoroWaitQueue *self)
{
  return g_queue_peek_head (&self->queue);
}

GCoroWait *
_gcoro_wait_queue_pop (GCoroWaitQueue *self)
{
  GList *link = g_queue_pop_head_link (&self->queue);

  return link != NULL ? link->data : NULL;
}

void
_gcoro_wait_grant (GCoroWait *wait)
{
  gcoro_promise_resolve (wait->promise, NULL);
}

void
_gcoro_wait_queue_fail_all (GCoroWaitQueue *self,
                            GError         *error)
{
  GCoroWait *wait;

  while ((wait = _gcoro_wait_queue_pop (self)) != NULL)
    gcoro_promise_reject (wait->promise, g_error_copy (error));
  g_error_free (error);
}

void
_gcoro_wait_queue_link (GCoroWaitQueue *self,
                        GCoroWait      *wait)
{
  wait->promise = gcoro_promise_new ();
  wait->link.data = wait;
  wait->link.prev = wait->link.next = NULL;
  g_queue_push_tail_link (&self->queue, &wait->link);
}

/* After a failed wait: give back a grant that came too late, or leave the
 * queue. */
static void
settle_failed_wait (GCoroWaitQueue *self,
                    GCoroWait      *wait,
                    gpointer        primitive,
                    GCoroWaitUndo   undo)
{
  switch (gcoro_future_get_state (GCORO_FUTURE (wait->promise)))
    {
    case GCORO_FUTURE_RESOLVED:
      if (undo != NULL)
        undo (primitive, wait);
      break;
    case GCORO_FUTURE_PENDING:
      g_queue_unlink (&self->queue, &wait->link);
      gcoro_future_cancel (GCORO_FUTURE (wait->promise));
      break;
    case GCORO_FUTURE_REJECTED:
    case GCORO_FUTURE_CANCELLED:
    default:
      break;
    }
}

gboolean
_gcoro_wait_queue_await_linked (GCoroWaitQueue *self,
                                GCoroWait      *wait,
                                gpointer        primitive,
                                GCoroWaitUndo   undo,
                                GError        **error)
{
  gboolean ok = gcoro_await (GCORO_FUTURE (wait->promise), error);

  if (!ok)
    settle_failed_wait (self, wait, primitive, undo);
  g_clear_object (&wait->promise);

  return ok;
}

gboolean
_gcoro_wait_queue_wait (GCoroWaitQueue *self,
                        GCoroWait      *wait,
                        gpointer        primitive,
                        GCoroWaitUndo   undo,
                        const char     *func,
                        const char     *instead,
                        GError        **error)
{
  if (_gcoro_task_current () == NULL)
    {
      g_critical ("%s() suspends the calling fiber task, but it was called outside "
                  "any task; spawn a task with gcoro_spawn(), or use %s",
                  func, instead);
      return FALSE;   /* a programmer error: the critical alone says it */
    }

  _gcoro_wait_queue_link (self, wait);
  return _gcoro_wait_queue_await_linked (self, wait, primitive, undo, error);
}

/* Cancel function of waits linked ahead of their await (see
 * gcoro-async-result-private.h): still queued, leave now. */
void
_gcoro_wait_queue_unlink_pending (GCoroWaitQueue *self,
                                  GCoroWait      *wait)
{
  if (wait->promise != NULL &&
      gcoro_future_get_state (GCORO_FUTURE (wait->promise)) == GCORO_FUTURE_PENDING)
    {
      g_queue_unlink (&self->queue, &wait->link);
      gcoro_future_cancel (GCORO_FUTURE (wait->promise));
    }
}

/* --- the async flavour -------------------------------------------------------- */

typedef struct
{
  GCoroWait       wait;
  GCoroWaitQueue *queue;    /* lives in the primitive, the result's source object */
  GCoroWaitUndo   leave;
  gpointer        primitive;
} AsyncWait;

static void
async_wait_free (gpointer data)
{
  AsyncWait *aw = data;

  g_clear_object (&aw->wait.promise);
  g_free (aw);
}

/* Still queued (the result checked that the promise is pending): leave.
 * A grant that came first is delivered instead, and the caller keeps it. */
static void
async_wait_cancel (GCoroAsyncResult *result,
                   GCoroFuture      *future,
                   gpointer          data)
{
  AsyncWait *aw = data;

  _gcoro_wait_queue_unlink_pending (aw->queue, &aw->wait);
  if (aw->leave != NULL)
    aw->leave (aw->primitive, &aw->wait);
}

/* @self NULL: granted at once (_gcoro_wait_return_now()). What was granted
 * at once is not given back: the result is settled before any cancellation
 * is linked. */
void
_gcoro_wait_queue_wait_async (GCoroWaitQueue      *self,
                              gpointer             primitive,
                              GCoroWaitUndo        leave,
                              gpointer             item,
                              gsize                amount,
                              gpointer             source_tag,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GCoroAsyncResult *result = _gcoro_async_result_new (primitive, cancellable, callback,
                                                      user_data, source_tag);
  AsyncWait *aw = g_new0 (AsyncWait, 1);

  aw->queue = self;
  aw->leave = leave;
  aw->primitive = primitive;
  aw->wait.item = item;
  aw->wait.amount = amount;
  if (self != NULL)
    _gcoro_wait_queue_link (self, &aw->wait);
  else
    {
      aw->wait.promise = gcoro_promise_new ();
      gcoro_promise_resolve (aw->wait.promise, NULL);
    }
  _gcoro_async_result_wait (result, g_object_ref (GCORO_FUTURE (aw->wait.promise)),
                            async_wait_cancel, aw, async_wait_free);
}

void
_gcoro_wait_return_now (gpointer             primitive,
                        gpointer             item,
                        gpointer             source_tag,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  _gcoro_wait_queue_wait_async (NULL, primitive, NULL, item, 0, source_tag, cancellable,
                                callback, user_data);
}

gboolean
_gcoro_wait_queue_wait_finish (gpointer       primitive,
                               GAsyncResult  *result,
                               gpointer       source_tag,
                               gpointer      *item,
                               GError       **error)
{
  AsyncWait *aw;

  if (!_gcoro_async_propagate (result, primitive, source_tag, error))
    return FALSE;

  aw = _gcoro_async_get_op_data (result);
  if (item != NULL)
    *item = aw->wait.item;
  return TRUE;
}

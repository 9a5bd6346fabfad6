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

#include "gcoro-await.h"
#include "gcoro-context-cell-private.h"
#include "gcoro-error.h"
#include "gcoro-task.h"
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
_gcoro_wait_queue_wait (GCoroWaitQueue *self,
                        GCoroWait      *wait,
                        gpointer        primitive,
                        GCoroWaitUndo   undo,
                        const char     *func,
                        const char     *instead,
                        GError        **error)
{
  gboolean ok;

  if (gcoro_task_get_current () == NULL)
    {
      g_critical ("%s() suspends the calling fiber task, but it was called outside "
                  "any task; spawn a task with gcoro_spawn(), or use %s",
                  func, instead);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s() can only be called from a fiber task", func);
      return FALSE;
    }

  _gcoro_wait_queue_link (self, wait);
  ok = gcoro_await (GCORO_FUTURE (wait->promise), error);
  if (!ok)
    settle_failed_wait (self, wait, primitive, undo);
  g_clear_object (&wait->promise);

  return ok;
}

/* --- the async flavour -------------------------------------------------------- */

typedef struct
{
  GCoroWait       wait;
  GCoroWaitQueue *queue;    /* lives in the primitive, the GTask's source object */
  GCoroWaitUndo   undo;
} AsyncWait;

static void
async_wait_free (gpointer data)
{
  AsyncWait *aw = data;

  g_clear_object (&aw->wait.promise);
  g_free (aw);
}

static void
async_wait_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  AsyncWait *aw = g_task_get_task_data (task);
  GError *error = NULL;

  if (gcoro_future_wait_finish (GCORO_FUTURE (source), result, NULL, &error))
    g_task_return_pointer (task, aw->wait.item, NULL);
  else
    {
      settle_failed_wait (aw->queue, &aw->wait, g_task_get_source_object (task), aw->undo);
      g_task_return_error (task, error);
    }
  g_object_unref (task);
}

void
_gcoro_wait_queue_wait_async (GCoroWaitQueue      *self,
                              gpointer             primitive,
                              GCoroWaitUndo        undo,
                              gpointer             item,
                              gsize                amount,
                              gpointer             source_tag,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = _gcoro_context_task_new (primitive, cancellable, callback, user_data);
  AsyncWait *aw = g_new0 (AsyncWait, 1);

  g_task_set_source_tag (task, source_tag);
  /* Cancellation is decided by the wait on the promise (a grant that beat
   * it is handed back there), not again by GTask. */
  g_task_set_check_cancellable (task, FALSE);
  aw->queue = self;
  aw->undo = undo;
  aw->wait.item = item;
  aw->wait.amount = amount;
  g_task_set_task_data (task, aw, async_wait_free);

  _gcoro_wait_queue_link (self, &aw->wait);
  gcoro_future_wait_async (GCORO_FUTURE (aw->wait.promise), cancellable, async_wait_done, task);
}

gboolean
_gcoro_wait_queue_wait_finish (gpointer       primitive,
                               GAsyncResult  *result,
                               gpointer       source_tag,
                               gpointer      *item,
                               GError       **error)
{
  gpointer ret;
  GError *local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, primitive), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  ret = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (item != NULL)
    *item = ret;
  return TRUE;
}

void
_gcoro_wait_return_now (gpointer             primitive,
                        gpointer             item,
                        gpointer             source_tag,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = _gcoro_context_task_new (primitive, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  /* No cancellation check: what was granted at once is not given back. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_return_pointer (task, item, NULL);
  g_object_unref (task);
}

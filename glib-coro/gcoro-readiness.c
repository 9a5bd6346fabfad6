/* gcoro-readiness.c: waiting until a socket or a pollable stream is ready
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* NOTES:
 * - A wait is a promise, so a fiber waits on it as on any future (the
 *   task layer's future wait) and resumes from the scheduler's next
 *   dispatch, as it did when the stream woke it by hand; cancellation and
 *   the idle timeout reach it the way they reach any other await.
 * - A fiber's wait never lets its promise out, so each direction keeps one
 *   and makes it pending again for the next wait (_gcoro_future_reset())
 *   instead of allocating a GObject per wait, and the hot path calls the
 *   future and task layers' private doors rather than the checked public
 *   calls: a wait per request is the echo server's hot path, and a GObject
 *   created and finalized per wait was most of what the futures cost it.
 * - The socket's registration stays for the descriptor's whole life: a
 *   wait only asks the watch for its direction, and the watch function
 *   settles the waits that the report satisfies.
 * - waits[] borrows: the promise belongs to promises[], which a fiber still
 *   suspended on it keeps (see _gcoro_readiness_clear()).
 */

#include "gcoro-config.h"

#include "gcoro-future-private.h"
#include "gcoro-readiness-private.h"
#include "gcoro-task-private.h"

static int
direction (GIOCondition condition)
{
  g_assert (condition == G_IO_IN || condition == G_IO_OUT);
  return condition == G_IO_IN ? 0 : 1;
}

/* Takes wait @i off the books (its source too); returns its future. */
static GCoroFuture *
take_wait (GCoroReadiness *self,
           int             i)
{
  if (self->sources[i] != NULL)
    {
      g_source_destroy (self->sources[i]);
      g_clear_pointer (&self->sources[i], g_source_unref);
    }
  return (GCoroFuture *) g_steal_pointer (&self->waits[i]);
}

static void
resolve_wait (GCoroReadiness *self,
              int             i)
{
  _gcoro_future_settle (take_wait (self, i), GCORO_FUTURE_RESOLVED, NULL, NULL);
}

static void
cancel_wait (GCoroReadiness *self,
             int             i)
{
  gcoro_future_cancel (take_wait (self, i));
}

/* The watch's function, from the scheduler's dispatch. */
static GIOCondition
socket_ready (GCoroIOWatch *watch,
              GIOCondition  ready)
{
  static const GIOCondition directions[2] = { G_IO_IN, G_IO_OUT };
  GCoroReadiness *self = G_STRUCT_MEMBER_P (watch, -G_STRUCT_OFFSET (GCoroReadiness, watch));
  gboolean failed = (ready & (G_IO_HUP | G_IO_ERR)) != 0;
  GIOCondition want = 0;
  GIOCondition idle = 0;

  for (int i = 0; i < 2; i++)
    {
      if (self->waits[i] == NULL || self->sources[i] != NULL)
        idle |= directions[i];
      else if (failed || (ready & directions[i]))
        resolve_wait (self, i);
      else
        want |= directions[i];
    }

  if (self->func != NULL)
    want |= self->func (self, ready, idle);
  return want;
}

/* GPollableSourceFuncs: the stream comes first. */
static gboolean
source_readable (GObject  *pollable_stream,
                 gpointer  data)
{
  resolve_wait (data, 0);
  return G_SOURCE_REMOVE;
}

static gboolean
source_writable (GObject  *pollable_stream,
                 gpointer  data)
{
  resolve_wait (data, 1);
  return G_SOURCE_REMOVE;
}

void
_gcoro_readiness_init (GCoroReadiness     *self,
                       GCoroReadinessFunc  func)
{
  self->func = func;
}

gboolean
_gcoro_readiness_register (GCoroReadiness *self,
                           GCoroScheduler *scheduler,
                           int             fd)
{
  return _gcoro_io_watch_init (&self->watch, _gcoro_scheduler_get_poller (scheduler), fd,
                               socket_ready);
}

void
_gcoro_readiness_clear (GCoroReadiness *self)
{
  for (int i = 0; i < 2; i++)
    {
      if (self->waits[i] != NULL)
        {
          /* A fiber is suspended on the promise (another task closes the
           * stream): it reads the outcome once it runs, so the promise
           * stays until the next clear, at finalize. */
          _gcoro_future_settle (take_wait (self, i), GCORO_FUTURE_REJECTED, NULL,
                                g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                                     "The stream was closed while waiting"));
          continue;
        }
      g_clear_object (&self->promises[i]);
    }
  _gcoro_io_watch_clear (&self->watch);
}

/* Makes @promise the wait for direction @i. */
static void
begin_wait (GCoroReadiness *self,
            int             i,
            GCoroPromise   *promise,
            GSource        *source)
{
  g_assert (self->waits[i] == NULL);
  g_assert (source != NULL || _gcoro_readiness_is_registered (self));

  self->waits[i] = promise;
  if (source != NULL)
    {
      /* Destroyed with the wait, before @self can go. */
      g_source_set_callback (source, i == 0 ? G_SOURCE_FUNC (source_readable)
                                            : G_SOURCE_FUNC (source_writable),
                             self, NULL);
      g_source_set_static_name (source, "[gcoro] stream readiness");
      g_source_attach (source, g_main_context_get_thread_default ());
      self->sources[i] = source;
    }
  else
    _gcoro_io_watch_want (&self->watch, i == 0 ? G_IO_IN : G_IO_OUT);
}

void
_gcoro_readiness_fail (GCoroReadiness *self,
                       GIOCondition    condition,
                       GError         *error)
{
  int i = direction (condition);

  if (self->waits[i] == NULL)
    {
      g_error_free (error);
      return;
    }
  _gcoro_future_settle (take_wait (self, i), GCORO_FUTURE_REJECTED, NULL, error);
}

gboolean
_gcoro_readiness_await (GCoroReadiness  *self,
                        GIOCondition     condition,
                        GSource         *source,
                        GError         **error)
{
  GCoroTask *task = _gcoro_task_current ();
  int i = direction (condition);
  GCoroPromise *promise;
  GCoroFuture *future;
  GCoroFutureState state;

  g_assert (task != NULL);

  if (!_gcoro_task_check_cancelled (task, error))
    {
      g_clear_pointer (&source, g_source_unref);
      return FALSE;
    }

  promise = self->promises[i];
  if (promise == NULL)
    promise = self->promises[i] = gcoro_promise_new ();
  else
    _gcoro_future_reset ((GCoroFuture *) promise);
  future = (GCoroFuture *) promise;

  begin_wait (self, i, promise, source);
  while (_gcoro_task_wait_future (task, future, -1) != GCORO_WAKE_FUTURE &&
         _gcoro_task_check_cancelled (task, NULL))
    ;   /* woken for something else: the wait goes on */

  if (!_gcoro_task_check_cancelled (task, error))
    {
      if (self->waits[i] != NULL)
        cancel_wait (self, i);   /* still pending: forgotten */
      return FALSE;
    }

  state = gcoro_future_get_state (future);
  if (state != GCORO_FUTURE_RESOLVED)
    {
      g_propagate_error (error, g_error_copy (gcoro_future_peek_error (future)));
      return FALSE;
    }
  return TRUE;
}

/* gcoro-readiness.c: waiting until a socket or a pollable stream is ready
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* NOTES:
 * - A wait is a promise, so a fiber waits with the ordinary future await
 *   (its waiter is embedded in the task: no allocation beyond the
 *   promise) and resumes from the scheduler's next dispatch, as it did
 *   when the stream woke it by hand; cancellation and the idle timeout
 *   reach it the way they reach any other await.
 * - The socket's registration stays for the descriptor's whole life: a
 *   wait only asks the watch for its direction, and the watch function
 *   settles the waits that the report satisfies.
 */

#include "gcoro-config.h"

#include "gcoro-await.h"
#include "gcoro-readiness-private.h"

static int
direction (GIOCondition condition)
{
  g_assert (condition == G_IO_IN || condition == G_IO_OUT);
  return condition == G_IO_IN ? 0 : 1;
}

/* Takes wait @i off the books (its source too); returns its promise. */
static GCoroPromise *
take_wait (GCoroReadiness *self,
           int             i)
{
  if (self->sources[i] != NULL)
    {
      g_source_destroy (self->sources[i]);
      g_clear_pointer (&self->sources[i], g_source_unref);
    }
  return g_steal_pointer (&self->waits[i]);
}

static void
resolve_wait (GCoroReadiness *self,
              int             i)
{
  GCoroPromise *promise = take_wait (self, i);

  gcoro_promise_resolve (promise, NULL);
  g_object_unref (promise);
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
  return _gcoro_io_watch_init (&self->watch, scheduler, fd, socket_ready);
}

void
_gcoro_readiness_clear (GCoroReadiness *self)
{
  for (int i = 0; i < 2; i++)
    if (self->waits[i] != NULL)
      {
        GCoroPromise *promise = take_wait (self, i);

        gcoro_future_cancel (GCORO_FUTURE (promise));
        g_object_unref (promise);
      }
  _gcoro_io_watch_clear (&self->watch);
}

GCoroFuture *
_gcoro_readiness_wait (GCoroReadiness *self,
                       GIOCondition    condition,
                       GSource        *source)
{
  int i = direction (condition);

  g_assert (self->waits[i] == NULL);
  g_assert (source != NULL || _gcoro_readiness_is_registered (self));

  self->waits[i] = gcoro_promise_new ();
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
    _gcoro_io_watch_want (&self->watch, condition);

  return g_object_ref (GCORO_FUTURE (self->waits[i]));
}

void
_gcoro_readiness_end_wait (GCoroReadiness *self,
                           GIOCondition    condition,
                           GCoroFuture    *future)
{
  int i = direction (condition);
  GCoroPromise *promise;

  if (self->waits[i] == NULL || GCORO_FUTURE (self->waits[i]) != future)
    return;   /* settled, and maybe a new wait since */

  promise = take_wait (self, i);
  gcoro_future_cancel (GCORO_FUTURE (promise));
  g_object_unref (promise);
}

void
_gcoro_readiness_fail (GCoroReadiness *self,
                       GIOCondition    condition,
                       GError         *error)
{
  int i = direction (condition);
  GCoroPromise *promise;

  if (self->waits[i] == NULL)
    {
      g_error_free (error);
      return;
    }

  promise = take_wait (self, i);
  gcoro_promise_reject (promise, error);
  g_object_unref (promise);
}

gboolean
_gcoro_readiness_await (GCoroReadiness  *self,
                        GIOCondition     condition,
                        GSource         *source,
                        GError         **error)
{
  GCoroFuture *ready = _gcoro_readiness_wait (self, condition, source);
  gboolean ok = gcoro_await (ready, error);

  _gcoro_readiness_end_wait (self, condition, ready);
  g_object_unref (ready);
  return ok;
}

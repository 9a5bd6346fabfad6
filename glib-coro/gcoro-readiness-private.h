/* gcoro-readiness-private.h: waiting until a socket or a pollable stream is ready
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The door between the stream layer and the readiness backends. A
 * transport asks for "readable" or "writable" and gets a future, which a
 * fiber awaits like any other future (_gcoro_readiness_await() does that
 * and cleans up) and an _async operation can hand to the _async helper
 * (gcoro-async-result-private.h). Nothing suspends or wakes a task by
 * hand.
 *
 * A socket keeps ONE registration (a GCoroIOWatch) for its whole life,
 * made by _gcoro_readiness_register(); a stream without a socket (TLS,
 * pipes) waits through its pollable source instead, a GSource per wait
 * attached to the thread-default context and destroyed when the wait
 * ends. Either way each direction has at most one wait at a time (the
 * owner sees to it); a wait resolves once its condition, a hang-up or an
 * error is reported, is rejected by _gcoro_readiness_fail() (an idle
 * timeout), and is cancelled when its waiter gives up.
 *
 * What the socket reports for a direction nobody waits on goes to the
 * owner's function (a transport sends what write() left behind, notes
 * that data may have arrived).
 *
 * Owner thread only.
 */
#pragma once

#include <gio/gio.h>

#include "gcoro-future.h"
#include "gcoro-io-watch-private.h"
#include "gcoro-promise.h"
#include "gcoro-scheduler.h"

G_BEGIN_DECLS

typedef struct _GCoroReadiness GCoroReadiness;

/* From the scheduler's dispatch, at every report of the socket: @ready is
 * what was reported (G_IO_IN, G_IO_OUT, G_IO_HUP, G_IO_ERR), @idle the
 * directions (G_IO_IN, G_IO_OUT) that no wait claimed. Returns the
 * directions the owner itself still wants to hear about. It must not
 * clear the registration. */
typedef GIOCondition (*GCoroReadinessFunc) (GCoroReadiness *self,
                                            GIOCondition    ready,
                                            GIOCondition    idle);

/* Embedded in its owner; zero-filled, then _gcoro_readiness_init(). */
struct _GCoroReadiness
{
  GCoroIOWatch        watch;
  GCoroReadinessFunc  func;
  GCoroPromise       *waits[2];    /* readable, writable: pending while waited for (borrowed) */
  GSource            *sources[2];  /* a pollable stream's wait, with its promise */
  GCoroPromise       *fiber_waits[2];   /* reused by _gcoro_readiness_await() */
};

void         _gcoro_readiness_init          (GCoroReadiness     *self,
                                             GCoroReadinessFunc  func);

/* Registers the non-blocking socket @fd with @scheduler's poller, for
 * good. FALSE (and nothing registered) if the backend refuses it: wait
 * through the stream's pollable sources then. */
gboolean     _gcoro_readiness_register      (GCoroReadiness     *self,
                                             GCoroScheduler     *scheduler,
                                             int                 fd);

static inline gboolean
_gcoro_readiness_is_registered (GCoroReadiness *self)
{
  return _gcoro_io_watch_is_registered (&self->watch);
}

static inline GCoroScheduler *
_gcoro_readiness_peek_scheduler (GCoroReadiness *self)
{
  return self->watch.owner;
}

/* Ends every wait (cancelled) and unregisters; call before the socket is
 * closed. Idempotent. */
void         _gcoro_readiness_clear         (GCoroReadiness     *self);

/* A wait for @condition (G_IO_IN or G_IO_OUT, nothing else pending in
 * that direction): on the registered socket when @source is NULL, else
 * on @source (a pollable stream's source, taken). Returns the wait's
 * future (transfer full), pending: hand it to the _async helper, or await
 * it; call _gcoro_readiness_end_wait() before letting it go. */
GCoroFuture *_gcoro_readiness_wait          (GCoroReadiness     *self,
                                             GIOCondition        condition,
                                             GSource            *source);

/* The waiter is done with @future (settled or not): a wait still pending
 * is cancelled and forgotten. */
void         _gcoro_readiness_end_wait      (GCoroReadiness     *self,
                                             GIOCondition        condition,
                                             GCoroFuture        *future);

/* Rejects the wait in progress for @condition, if any, with @error
 * (taken). */
void         _gcoro_readiness_fail          (GCoroReadiness     *self,
                                             GIOCondition        condition,
                                             GError             *error);

/* The fiber flavour: suspends the calling fiber task until the wait
 * resolves (TRUE), or it failed or the task was cancelled (FALSE, @error
 * set). Its future never leaves the call, so each direction reuses one
 * for the life of @self: a wait allocates nothing. */
gboolean     _gcoro_readiness_await         (GCoroReadiness     *self,
                                             GIOCondition        condition,
                                             GSource            *source,
                                             GError            **error);

/* The owner asks to hear about @condition itself (its function is told),
 * level semantics: it has just seen EAGAIN. */
static inline void
_gcoro_readiness_want (GCoroReadiness *self,
                       GIOCondition    condition)
{
  _gcoro_io_watch_want (&self->watch, condition);
}

G_END_DECLS

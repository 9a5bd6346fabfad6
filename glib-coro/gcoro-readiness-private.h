/* gcoro-readiness-private.h: waiting until a socket or a pollable stream is ready
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The door between the stream layer and the readiness backends. A
 * transport asks for "readable" or "writable" and its fiber awaits the
 * wait like any other future (_gcoro_readiness_await()); the stream's
 * _async twins run that fiber form as tasks (gcoro-async-result-private.h).
 * Nothing suspends or wakes a task by hand.
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
  GCoroPromise       *waits[2];    /* readable, writable: one of promises, while pending */
  GSource            *sources[2];  /* a pollable stream's wait, with its promise */
  GCoroPromise       *promises[2]; /* one per direction, reused wait after wait */
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

/* Ends every wait (failing with G_IO_ERROR_CLOSED) and unregisters; call
 * before the socket is closed. Idempotent. */
void         _gcoro_readiness_clear         (GCoroReadiness     *self);

/* Rejects the wait in progress for @condition, if any, with @error
 * (taken). */
void         _gcoro_readiness_fail          (GCoroReadiness     *self,
                                             GIOCondition        condition,
                                             GError             *error);

/* Suspends the calling fiber task until @condition (G_IO_IN or G_IO_OUT,
 * no other wait in that direction) is reported, or a hang-up or error
 * (TRUE); or until the wait fails or the task is cancelled (FALSE, @error
 * set). It waits on the registered socket when @source is NULL, else on
 * @source (a pollable stream's source, taken). The wait's future never
 * leaves the call, so each direction reuses one for the life of @self: a
 * wait allocates nothing. */
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

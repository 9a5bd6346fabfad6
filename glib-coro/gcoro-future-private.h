/* gcoro-future-private.h: settling futures and waiting on them
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gcoro-future.h"
#include "gcoro-scheduler-private.h"

G_BEGIN_DECLS

typedef struct _GCoroWaiter GCoroWaiter;
typedef void (*GCoroWaiterFunc) (GCoroWaiter *waiter,
                                 GCoroFuture *future);

/* Someone waiting for a future to settle. Once the future settles, the
 * waiter is unlinked (under the future's lock), the future is reffed for
 * it, and its runnable is posted to @scheduler, where @func runs and then
 * the ref is dropped. The waiter's owner keeps it alive until then, or
 * until _gcoro_future_remove_waiter() returns TRUE.
 *
 * @at_once: @func only takes note (it runs nobody's code, takes no lock a
 * settler may hold, and may run inside the settle call): when the future
 * settles on @scheduler's own thread, @func runs right there instead of
 * at the scheduler's next dispatch. The loop bridge's future watches are
 * such waiters. */
struct _GCoroWaiter
{
  GCoroRunnable    runnable;
  GCoroWaiter     *prev;
  GCoroWaiter     *next;
  GCoroScheduler  *scheduler;
  GCoroBand       *band;
  GCoroFuture     *future;    /* set while listed or in flight */
  GCoroWaiterFunc  func;
  guint            listed : 1;
  guint            at_once : 1;
};

/* Adds @waiter, or returns FALSE (and does nothing) when @self is already
 * settled. */
gboolean _gcoro_future_add_waiter    (GCoroFuture *self,
                                      GCoroWaiter *waiter);

/* Unlinks @waiter if it is still listed. FALSE means it is in flight: its
 * func will still run. */
gboolean _gcoro_future_remove_waiter (GCoroFuture *self,
                                      GCoroWaiter *waiter);

/* Settles @self. Steals @value (may be NULL) and @error. Returns FALSE
 * (and frees them) when @self was already settled. Any thread. */
gboolean _gcoro_future_settle        (GCoroFuture      *self,
                                      GCoroFutureState  state,
                                      GValue           *value,
                                      GError           *error);

/* Like _gcoro_future_settle(), from the callback of a source being
 * dispatched (a GIO operation's completion): a waiter whose scheduler
 * runs that source's context on this thread runs right here, as part of
 * this dispatch (see _gcoro_scheduler_run_in_dispatch()), instead of at
 * the scheduler's next one, so the task it wakes costs no extra
 * iteration of the loop. */
gboolean _gcoro_future_settle_in_dispatch (GCoroFuture      *self,
                                           GCoroFutureState  state,
                                           GValue           *value,
                                           GError           *error);

/* gcoro_future_get_state() without the type check, for the library's hot
 * paths (any thread). */
GCoroFutureState _gcoro_future_peek_state (GCoroFuture *self);

/* Whether anyone awaited @self or read its outcome (a waiter was
 * delivered, gcoro_future_get_value(), gcoro_future_peek_error()). */
gboolean _gcoro_future_was_retrieved  (GCoroFuture *self);

/* Makes a settled @self pending again, for a future that its owner reuses
 * wait after wait (a socket's readiness): nobody may be waiting on it, and
 * nobody but its owner may hold it (a delivery still in flight only drops
 * its reference). Owner thread. */
void     _gcoro_future_reset          (GCoroFuture *self);

/* Settles @self exactly as @from (settled) did: a copy of its value, or of
 * its error with the same state. Returns FALSE when @self was settled. */
gboolean _gcoro_future_settle_like    (GCoroFuture *self,
                                      GCoroFuture *from);

/* Values that own a C pointer (gcoro_promise_resolve_pointer()). */
GType    _gcoro_owned_pointer_get_type (void) G_GNUC_CONST;
gpointer _gcoro_value_get_pointer      (const GValue *value);
/* Initialises @value to own @pointer (freed with @destroy with the last
 * copy of the value). */
void     _gcoro_value_take_pointer     (GValue         *value,
                                        gpointer        pointer,
                                        GDestroyNotify  destroy);

G_END_DECLS

/* gcoro-wait-queue-private.h: FIFO queues of suspended waiters
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The machinery under every synchronization primitive (event, lock,
 * semaphore, condition, queue, barrier): a waiter is a promise in a FIFO;
 * granting is popping the first waiter and resolving its promise (the
 * waiter resumes in the scheduler's next dispatch). Each wait exists in
 * two flavours that share the rules:
 *
 * - a fiber wait (C, suspends the calling task), and
 * - an _async/_finish wait (GIO style; what bindings use).
 *
 * Cancellation never leaks a waiter nor loses a grant: a waiter that is
 * cancelled while still queued is unlinked; one that was granted in the
 * same instant it was cancelled hands the grant back through the
 * primitive's undo function (the lock is released, the item goes back in
 * front of the queue, ...), then reports the cancellation.
 *
 * Primitives are used from the thread of their scheduler only.
 */
#pragma once

#include <gio/gio.h>

#include "gcoro-promise.h"

G_BEGIN_DECLS

typedef struct _GCoroWait      GCoroWait;
typedef struct _GCoroWaitQueue GCoroWaitQueue;

struct _GCoroWait
{
  GList         link;     /* in the queue while waiting (link.data == self) */
  GCoroPromise *promise;  /* resolved by the granter */
  gpointer      item;     /* what the waiter brings (a put) or receives (a get) */
  gsize         amount;   /* what it asks for (semaphore permits, ...) */
};

struct _GCoroWaitQueue
{
  GQueue queue;
};

/* Called when a waiter was granted but gave up (cancelled) before it could
 * use the grant: give it back to @primitive. */
typedef void (*GCoroWaitUndo) (gpointer   primitive,
                               GCoroWait *wait);

void       _gcoro_wait_queue_init     (GCoroWaitQueue *self);
/* Rejects every waiter left with @error (a primitive being finalized or
 * closed); takes @error. */
void       _gcoro_wait_queue_fail_all (GCoroWaitQueue *self,
                                       GError         *error);
gboolean   _gcoro_wait_queue_is_empty (GCoroWaitQueue *self);
guint      _gcoro_wait_queue_length   (GCoroWaitQueue *self);
GCoroWait *_gcoro_wait_queue_peek     (GCoroWaitQueue *self);

/* Unlinks the first waiter (NULL if none); the caller sets its item and
 * then calls _gcoro_wait_grant(). */
GCoroWait *_gcoro_wait_queue_pop      (GCoroWaitQueue *self);
void       _gcoro_wait_grant          (GCoroWait      *wait);

/* Queues @wait with a new promise; for waits that do their own waiting. */
void       _gcoro_wait_queue_link     (GCoroWaitQueue *self,
                                       GCoroWait      *wait);

/* Fiber flavour: queues @wait (initialised by the caller, on its stack)
 * and suspends until granted. On FALSE (cancellation of the task), the
 * grant, if any, was handed back with @undo. */
gboolean   _gcoro_wait_queue_wait     (GCoroWaitQueue *self,
                                       GCoroWait      *wait,
                                       gpointer        primitive,
                                       GCoroWaitUndo   undo,
                                       const char     *func,
                                       const char     *instead,
                                       GError        **error);

/* The two halves of _gcoro_wait_queue_wait(), for a wait linked at an
 * _async call and awaited by the fiber task that carries it out; and the
 * way to leave such a wait before its task runs. */
gboolean   _gcoro_wait_queue_await_linked  (GCoroWaitQueue *self,
                                            GCoroWait      *wait,
                                            gpointer        primitive,
                                            GCoroWaitUndo   undo,
                                            GError        **error);
void       _gcoro_wait_queue_unlink_pending (GCoroWaitQueue *self,
                                             GCoroWait      *wait);

/* Async flavour (gcoro-async-result-private.h): queues a heap waiter
 * carrying @item and @amount; the result's source object is @primitive (a
 * GObject). Cancelling it while queued unlinks it and calls @leave (may
 * be NULL); a grant that came first is delivered, and the caller owns it. */
void       _gcoro_wait_queue_wait_async  (GCoroWaitQueue      *self,
                                          gpointer             primitive,
                                          GCoroWaitUndo        leave,
                                          gpointer             item,
                                          gsize                amount,
                                          gpointer             source_tag,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* Returns the granted waiter's item in @item (may be NULL). */
gboolean   _gcoro_wait_queue_wait_finish (gpointer             primitive,
                                          GAsyncResult        *result,
                                          gpointer             source_tag,
                                          gpointer            *item,
                                          GError             **error);

/* An already-complete result for a wait that needed no waiting (still
 * called back later, like every other). */
void       _gcoro_wait_return_now        (gpointer             primitive,
                                          gpointer             item,
                                          gpointer             source_tag,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);

G_END_DECLS

/* gcoro-task-private.h: suspending and waking fiber tasks
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The primitives (await, yield, sleep, GIO bridge) are written on these
 * few calls. All of them run on the task's own thread.
 */
#pragma once

#include "gcoro-task.h"
#include "gcoro-fiber-private.h"
#include "gcoro-future-private.h"
#include "gcoro-promise.h"

G_BEGIN_DECLS

typedef enum
{
  GCORO_WAKE_NONE,
  GCORO_WAKE_FUTURE,   /* the awaited future settled */
  GCORO_WAKE_TIMER,    /* the task's timer expired */
  GCORO_WAKE_YIELD,    /* it queued itself */
  GCORO_WAKE_CANCEL,   /* gcoro_task_cancel() */
} GCoroWake;

/* The running fiber task of this thread, or NULL. */
extern GCORO_TLS GCoroTask *_gcoro_task_tls_current;

static inline GCoroTask *
_gcoro_task_current (void)
{
  return _gcoro_task_tls_current;
}

/* Like _gcoro_task_current(), but a critical naming @func (and @instead,
 * what to call outside a task) when there is none. */
GCoroTask      *_gcoro_task_require_current  (const char  *func,
                                              const char  *instead);

/* Fails with G_IO_ERROR_CANCELLED once the task was asked to stop.
 * Cancellation is level-triggered: every later await point fails too. */
gboolean        _gcoro_task_check_cancelled  (GCoroTask   *task,
                                              GError     **error);

/* Switches away until something wakes the task; returns why. @what and
 * @target say what it waits for, for gcoro_scheduler_dump(). */
GCoroWake       _gcoro_task_suspend          (GCoroTask   *task,
                                              const char  *what,
                                              gpointer     target);

/* Yields the running @task: queues it on @band (NULL: its own band) and
 * suspends it until it runs again; fails with G_IO_ERROR_CANCELLED when
 * it is cancelled, before or after. One call per yield (the hot path of
 * gcoro_yield()). */
gboolean        _gcoro_task_yield            (GCoroTask   *task,
                                              GCoroBand   *band,
                                              const char  *what,
                                              GError     **error);

GCoroScheduler *_gcoro_task_peek_scheduler   (GCoroTask   *task);

/* Asks every live task of @scheduler to stop (worker shutdown; owner
 * thread only). */
void            _gcoro_task_cancel_all       (GCoroScheduler *scheduler);

/* A generator body that the running @task consumes runs as part of the
 * task: while it runs, @fiber (the body's) stands for the task's, so an
 * await inside the body suspends the task there and resuming the task
 * resumes the body. Returns the fiber the task ran on; lending that one
 * back ends the loan. */
GCoroFiber     *_gcoro_task_lend_fiber       (GCoroTask   *task,
                                              GCoroFiber  *fiber);

/* Waiting on a future with an optional deadline (-1 for none). Returns the
 * wake reason; on GCORO_WAKE_FUTURE the future has settled. */
GCoroWake       _gcoro_task_wait_future      (GCoroTask   *task,
                                              GCoroFuture *future,
                                              gint64       deadline);

/* The task's timer (sleep), armed for @deadline. */
GCoroWake       _gcoro_task_wait_until       (GCoroTask   *task,
                                              gint64       deadline,
                                              const char  *what);

/* Suspends @task until @future settles, whatever cancellation says
 * (cleanup that must finish: re-acquiring a condition's lock, shields). */
void            _gcoro_task_wait_uncancellable (GCoroTask   *task,
                                                GCoroFuture *future);

/* Revocable cancellation, for timeout scopes: while at least one expired
 * scope is open the task's awaits fail with G_IO_ERROR_CANCELLED; closing
 * the last one lets it await again (unless it was cancelled for real). */
void            _gcoro_task_scope_cancel   (GCoroTask   *task);
void            _gcoro_task_scope_uncancel (GCoroTask   *task);

/* GCORO_AWAIT_ASYNC(): a GIO operation's completion awaited without a
 * future. _begin arms a call record in the running @task (the callback's
 * user data, _peek), _complete is the operation's callback (any thread;
 * on the task's own, inside the completion's dispatch when the scheduler
 * allows, see _gcoro_scheduler_run_in_dispatch()), _end suspends until
 * it ran and hands the GAsyncResult over, or fails with the task's
 * cancellation (a late completion then only frees the record). */
typedef struct _GCoroTaskCall GCoroTaskCall;

void            _gcoro_task_call_begin       (GCoroTask     *task);
GCoroTaskCall  *_gcoro_task_call_peek        (GCoroTask     *task);
GAsyncResult   *_gcoro_task_call_end         (GCoroTask     *task,
                                              GError       **error);
void            _gcoro_task_call_complete    (GCoroTaskCall *call,
                                              GAsyncResult  *result);

G_END_DECLS

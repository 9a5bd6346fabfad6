/* gcoro-scheduler-private.h: what the rest of the library sees of the scheduler
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gcoro-scheduler.h"
#include "gcoro-task.h"
#include "gcoro-io-watch-private.h"

G_BEGIN_DECLS

typedef struct _GCoroRunnable GCoroRunnable;
typedef struct _GCoroBand     GCoroBand;
typedef struct _GCoroTimer    GCoroTimer;

typedef void (*GCoroRunnableFunc) (GCoroRunnable *runnable);

/* A unit of work in a ready queue. Intrusive: it is embedded in whatever
 * needs to run (a task, a waiter, a timer's owner), so queueing never
 * allocates. A runnable sits in at most one queue at a time; the owner
 * guarantees that. */
struct _GCoroRunnable
{
  GCoroRunnable     *next;
  GCoroBand         *band;   /* where a cross-thread post lands */
  GCoroRunnableFunc  func;
};

typedef void (*GCoroTimerFunc) (GCoroTimer *timer);

/* A deadline in the scheduler's timer heap. Owner thread only. */
struct _GCoroTimer
{
  gint64          deadline;   /* monotonic, µs */
  guint64         seq;        /* FIFO among equal deadlines */
  guint           heap_index; /* 1-based; 0 when not in the heap */
  GCoroTimerFunc  func;       /* called from dispatch once it expires */
};

GCoroScheduler *_gcoro_scheduler_get_for_thread_default (void);
gboolean        _gcoro_scheduler_is_owner_thread        (GCoroScheduler *self);
GCoroBand      *_gcoro_scheduler_get_band               (GCoroScheduler *self,
                                                         int             priority);
GCoroBand      *_gcoro_scheduler_get_main_band          (GCoroScheduler *self);
GCoroBand      *_gcoro_scheduler_get_idle_band          (GCoroScheduler *self);

/* Queue @runnable on @band (owner thread only). */
void            _gcoro_band_push                        (GCoroBand      *band,
                                                         GCoroRunnable  *runnable);

/* Queue @runnable on @band from any thread: directly on the owner thread,
 * through the locked inbox and a context wake-up from anywhere else. */
void            _gcoro_scheduler_post                   (GCoroScheduler *self,
                                                         GCoroBand      *band,
                                                         GCoroRunnable  *runnable);

void            _gcoro_scheduler_add_timer              (GCoroScheduler *self,
                                                         GCoroTimer     *timer,
                                                         gint64          deadline);
void            _gcoro_scheduler_remove_timer           (GCoroScheduler *self,
                                                         GCoroTimer     *timer);

/* Live-task bookkeeping: the scheduler holds a reference on every task
 * between its spawn and its end (so a running task never vanishes under
 * its own feet), and lists them for gcoro_scheduler_dump(). */
typedef struct _GCoroTaskLink GCoroTaskLink;
struct _GCoroTaskLink
{
  GCoroTaskLink *prev;
  GCoroTaskLink *next;
  GCoroTask     *task;
};

void            _gcoro_scheduler_link_task              (GCoroScheduler *self,
                                                         GCoroTaskLink  *link);
void            _gcoro_scheduler_unlink_task            (GCoroScheduler *self,
                                                         GCoroTaskLink  *link);

/* Implemented by the task layer, used by gcoro_scheduler_dump(). */
void            _gcoro_task_describe                    (GCoroTask      *task,
                                                         GString        *out);

/* Worker shutdown (owner thread only). cancel_all asks every live task to
 * stop; destroy runs whatever is still queued or in the inbox, expires the
 * timers left (callback-style sleeps end early), then ends the scheduler
 * as if its context had been destroyed, so that a context that outlives
 * its thread keeps no scheduler source attached. */
void            _gcoro_scheduler_cancel_all             (GCoroScheduler *self);
void            _gcoro_scheduler_destroy                (GCoroScheduler *self);

/* The poller of @self's sockets source, made on first use (owner thread);
 * NULL once its context is gone. Register sockets on it with
 * _gcoro_io_watch_init() (gcoro-io-watch-private.h). */
GCoroIOPoller  *_gcoro_scheduler_get_poller             (GCoroScheduler *self);

/* TRUE while the calling thread is inside one of @self's dispatches. */
gboolean        _gcoro_scheduler_is_dispatching         (GCoroScheduler *self);

/* Whether something is queued on @band or waits in the inbox (owner
 * thread): other work the scheduler would run at its next turn. */
gboolean        _gcoro_scheduler_has_queued             (GCoroScheduler *self,
                                                         GCoroBand      *band);

G_END_DECLS

/* gcoro-scheduler-private.h: what the rest of the library sees of the scheduler
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gcoro-scheduler.h"
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

/* A deadline in the scheduler's timer heap, embedded in its owner (a
 * task, a sleep, a timeout...). The owner sets @func and arms it with
 * _gcoro_scheduler_add_timer(); the other fields are the heap's, read
 * through _gcoro_timer_is_armed() and _gcoro_timer_get_deadline(). Owner
 * thread only. */
struct _GCoroTimer
{
  gint64          deadline;   /* monotonic, µs */
  guint64         seq;        /* FIFO among equal deadlines */
  guint           heap_index; /* 1-based; 0 when not in the heap */
  GCoroTimerFunc  func;       /* called from dispatch once it expires */
};

/* Whether @timer waits in a heap (armed, not yet expired or removed). */
static inline gboolean
_gcoro_timer_is_armed (const GCoroTimer *timer)
{
  return timer->heap_index != 0;
}

/* The deadline @timer was last armed for (monotonic, µs). */
static inline gint64
_gcoro_timer_get_deadline (const GCoroTimer *timer)
{
  return timer->deadline;
}

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

/* Live work: what runs on a scheduler from its start to its end (tasks).
 * The scheduler lists it for gcoro_scheduler_dump(), counts it for
 * gcoro_scheduler_get_n_tasks() and lets go of it when its context ends;
 * what it is and what keeps it alive are its owner's business (the task
 * layer: a live task holds a reference on itself). Intrusive, like a
 * runnable; owner thread only. */
typedef struct _GCoroLive      GCoroLive;
typedef struct _GCoroLiveFuncs GCoroLiveFuncs;

struct _GCoroLiveFuncs
{
  /* One line about @live (no newline), for gcoro_scheduler_dump(). */
  void (*describe) (GCoroLive *live,
                    GString   *out);
  /* The scheduler ends with its context and has taken @live off its
   * list: let go of what kept it alive. */
  void (*orphan)   (GCoroLive *live);
};

struct _GCoroLive
{
  GCoroLive            *prev;
  GCoroLive            *next;
  const GCoroLiveFuncs *funcs;
};

void            _gcoro_scheduler_add_live               (GCoroScheduler *self,
                                                         GCoroLive      *live);
void            _gcoro_scheduler_remove_live            (GCoroScheduler *self,
                                                         GCoroLive      *live);
/* The most recently added live entry (the others follow through ->next),
 * for the owner layer to walk; NULL when there is none. */
GCoroLive      *_gcoro_scheduler_peek_live              (GCoroScheduler *self);

/* Worker shutdown (owner thread only), once its tasks have ended
 * (_gcoro_task_cancel_all(), gcoro-task-private.h): runs whatever is still
 * queued or in the inbox, expires the timers left (callback-style sleeps
 * end early), then ends the scheduler as if its context had been
 * destroyed, so that a context that outlives its thread keeps no scheduler
 * source attached. */
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

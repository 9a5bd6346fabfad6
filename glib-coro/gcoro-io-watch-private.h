/* gcoro-io-watch-private.h: persistent socket readiness registrations
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gcoro-backend.h"

G_BEGIN_DECLS

typedef struct _GCoroIOPoller GCoroIOPoller;
typedef struct _GCoroIOWatch  GCoroIOWatch;

/* Below the scheduler: a poller knows its GSource and its owner (the
 * scheduler, as a plain GObject that registered watches keep alive), not
 * what a scheduler is. The scheduler makes one on first use
 * (_gcoro_scheduler_get_poller(), gcoro-scheduler-private.h). */

/* Called from the scheduler's dispatch with the conditions that became
 * ready (G_IO_IN, G_IO_OUT, G_IO_HUP, G_IO_ERR). Returns the conditions its
 * owner still wants to hear about. */
typedef GIOCondition (*GCoroIOWatchFunc) (GCoroIOWatch *watch,
                                          GIOCondition  ready);

/* One registration per descriptor for its whole life, embedded in its
 * owner. Owner thread only. */
struct _GCoroIOWatch
{
  GPollFD           pfd;        /* glib backend: a poll record of the poller's source */
  GCoroIOPoller    *poller;     /* while registered */
  gpointer          owner;      /* the poller's owner (its scheduler): a
                                 * reference while registered */
  GCoroIOWatchFunc  func;
  GCoroIOWatch     *prev;       /* in the poller's list (glib backend) */
  GCoroIOWatch     *next;
  guint             polled : 1; /* pfd is one of the context's poll records */
  guint             level : 1;  /* level-triggered (_gcoro_io_watch_init_level()) */
};

/* Registers @fd (a non-blocking socket) with @poller. FALSE (and nothing
 * registered) if the backend refuses the descriptor, or @poller is NULL
 * (its scheduler has ended). */
gboolean       _gcoro_io_watch_init   (GCoroIOWatch     *watch,
                                       GCoroIOPoller    *poller,
                                       int               fd,
                                       GCoroIOWatchFunc  func);

/* Asks for @condition (G_IO_IN and/or G_IO_OUT) to be reported: level
 * semantics, the caller has just seen EAGAIN. */
void           _gcoro_io_watch_want   (GCoroIOWatch     *watch,
                                       GIOCondition      condition);

/* A level-triggered registration, for an event loop of another language
 * that asks to hear "while @fd is readable/writable" (asyncio's readers and
 * writers): @condition (G_IO_IN and/or G_IO_OUT, not 0) is reported at
 * every dispatch for as long as it holds, whatever @func returns, until
 * _gcoro_io_watch_set_level() changes it or the watch is cleared. FALSE
 * with errno set (and nothing registered) if the backend refuses @fd. */
gboolean       _gcoro_io_watch_init_level (GCoroIOWatch     *watch,
                                           GCoroIOPoller    *poller,
                                           int               fd,
                                           GIOCondition      condition,
                                           GCoroIOWatchFunc  func);
/* Replaces the condition of a level-triggered watch (not 0: clear the
 * watch instead). FALSE with errno set if the backend refused. */
gboolean       _gcoro_io_watch_set_level  (GCoroIOWatch     *watch,
                                           GIOCondition      condition);

/* Unregisters; call before the descriptor is closed. Idempotent. */
void           _gcoro_io_watch_clear  (GCoroIOWatch     *watch);

static inline gboolean
_gcoro_io_watch_is_registered (GCoroIOWatch *watch)
{
  return watch->poller != NULL;
}

/* The scheduler's side. @source carries the poll records (the scheduler's
 * sockets source); @owner is referenced by every registered watch, so it
 * outlives them and frees the poller last. */
GCoroIOPoller *_gcoro_io_poller_new      (GCoroBackend   backend,
                                          GSource       *source,
                                          GObject       *owner);
void           _gcoro_io_poller_free     (GCoroIOPoller *poller);
/* The source is going away: its poll records die with it. */
void           _gcoro_io_poller_detach   (GCoroIOPoller *poller);
/* From check(): is anything ready? */
gboolean       _gcoro_io_poller_check    (GCoroIOPoller *poller);
/* From dispatch(): tells every ready watch. */
void           _gcoro_io_poller_dispatch (GCoroIOPoller *poller);

G_END_DECLS

/* gcoro-io-watch.c: the socket readiness backends
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NOTES
 * A stream registers its socket once, when it first has to wait, and keeps
 * the registration until it closes: no GSource per wait, no attach and
 * destroy per operation. The registrations live on a source of their own,
 * the scheduler's sockets source ("[gcoro] sockets", at the main band's
 * priority, allowed to recurse so that GLib never takes its poll records
 * out while it dispatches). Its dispatch tells the watches first and then
 * runs the main band's ready queue, so a task woken by its socket runs in
 * the same dispatch.
 *
 * glib backend: each watch's GPollFD is a poll record of the sockets
 * source (g_source_add_poll()). Asking for a condition is a store into its
 * `events`, which GLib reads when it builds the poll array of the next
 * iteration; a watch that nobody waits on polls for nothing (events 0).
 * Only a hang-up nobody waits for takes the record out of the poll (it
 * would be reported at every iteration), until somebody waits again.
 * check() and dispatch() walk the watches: with thousands of sockets open
 * an iteration costs time in proportion to them, as GLib's poll does.
 *
 * epoll backend: one epoll descriptor is the sockets source's only poll
 * record;
 * each socket is added once, edge-triggered, for input, output and
 * hang-up, and never modified. An edge nobody waits for is dropped: the
 * streams always try the non-blocking call before they wait, so an edge
 * that matters is one that comes after an EAGAIN. dispatch() costs time
 * in proportion to the ready sockets only.
 *
 * Level-triggered watches (_gcoro_io_watch_init_level()) serve event loops
 * of other languages, whose readers are called for as long as a socket is
 * readable and may read only part of what is there (asyncio's transports
 * read 256 KiB at a time): glib backend, a poll record that keeps its
 * events; epoll backend, a registration without EPOLLET whose events
 * follow the condition (EPOLL_CTL_MOD). Since epoll keeps reporting them,
 * a dispatch reads one batch of events when such watches exist: the rest
 * stay ready for the next dispatch.
 */

#include "gcoro-config.h"

#include <errno.h>
#include <unistd.h>
#if HAVE_EPOLL
# include <sys/epoll.h>
#endif

#include "gcoro-io-watch-private.h"

#define EPOLL_BATCH 256

struct _GCoroIOPoller
{
  GCoroBackend  backend;
  GSource      *source;     /* not owned; NULL once the scheduler died */
  GObject      *owner;      /* the scheduler; not owned: it owns us */
  GCoroIOWatch *watches;    /* glib backend: every registered watch */
  guint         n_watches;
  guint         n_level;    /* of which level-triggered */
  int           epfd;       /* epoll backend */
  GPollFD       epfd_pfd;
};

GCoroIOPoller *
_gcoro_io_poller_new (GCoroBackend  backend,
                      GSource      *source,
                      GObject      *owner)
{
  GCoroIOPoller *self = g_new0 (GCoroIOPoller, 1);

  self->backend = backend;
  self->source = source;
  self->owner = owner;
  self->epfd = -1;

#if HAVE_EPOLL
  if (backend == GCORO_BACKEND_EPOLL)
    {
      self->epfd = epoll_create1 (EPOLL_CLOEXEC);
      if (self->epfd < 0)
        {
          int saved = errno;

          g_warning ("epoll_create1() failed (%s); this scheduler falls back to the glib backend",
                     g_strerror (saved));
          self->backend = GCORO_BACKEND_GLIB;
        }
      else
        {
          self->epfd_pfd.fd = self->epfd;
          self->epfd_pfd.events = G_IO_IN;
          g_source_add_poll (source, &self->epfd_pfd);
        }
    }
#else
  self->backend = GCORO_BACKEND_GLIB;
#endif

  return self;
}

void
_gcoro_io_poller_detach (GCoroIOPoller *self)
{
  /* The source's poll records went with it. */
  for (GCoroIOWatch *w = self->watches; w != NULL; w = w->next)
    w->polled = FALSE;
  self->source = NULL;
}

void
_gcoro_io_poller_free (GCoroIOPoller *self)
{
  /* Every watch holds a reference on the owner, so none is left. */
  g_assert (self->n_watches == 0);

  if (self->epfd >= 0)
    close (self->epfd);
  g_free (self);
}

gboolean
_gcoro_io_watch_init (GCoroIOWatch     *watch,
                      GCoroIOPoller    *poller,
                      int               fd,
                      GCoroIOWatchFunc  func)
{
  g_return_val_if_fail (watch->poller == NULL, FALSE);

  if (poller == NULL)
    return FALSE;

  watch->pfd.fd = fd;
  watch->pfd.events = 0;
  watch->pfd.revents = 0;
  watch->func = func;
  watch->polled = FALSE;
  watch->level = FALSE;

#if HAVE_EPOLL
  if (poller->backend == GCORO_BACKEND_EPOLL)
    {
      struct epoll_event ev = {
        .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
        .data.ptr = watch,
      };

      if (epoll_ctl (poller->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
        return FALSE;
    }
#endif

  watch->poller = poller;
  watch->owner = g_object_ref (poller->owner);
  watch->prev = NULL;
  watch->next = poller->watches;
  if (poller->watches != NULL)
    poller->watches->prev = watch;
  poller->watches = watch;
  poller->n_watches++;

  return TRUE;
}

#if HAVE_EPOLL
static guint32
epoll_level_events (GIOCondition condition)
{
  return ((condition & G_IO_IN) ? EPOLLIN : 0) | ((condition & G_IO_OUT) ? EPOLLOUT : 0);
}
#endif

gboolean
_gcoro_io_watch_init_level (GCoroIOWatch     *watch,
                            GCoroIOPoller    *poller,
                            int               fd,
                            GIOCondition      condition,
                            GCoroIOWatchFunc  func)
{
  g_return_val_if_fail (watch->poller == NULL, FALSE);
  g_return_val_if_fail ((condition & (G_IO_IN | G_IO_OUT)) != 0, FALSE);

  if (poller == NULL)
    {
      errno = ESHUTDOWN;
      return FALSE;
    }

  watch->pfd.fd = fd;
  watch->pfd.events = condition & (G_IO_IN | G_IO_OUT);
  watch->pfd.revents = 0;
  watch->func = func;
  watch->polled = FALSE;
  watch->level = TRUE;

#if HAVE_EPOLL
  if (poller->backend == GCORO_BACKEND_EPOLL)
    {
      struct epoll_event ev = {
        .events = epoll_level_events (condition),
        .data.ptr = watch,
      };

      if (epoll_ctl (poller->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
        return FALSE;
    }
#endif
  if (poller->backend == GCORO_BACKEND_GLIB && poller->source != NULL)
    {
      g_source_add_poll (poller->source, &watch->pfd);
      watch->polled = TRUE;
    }

  watch->poller = poller;
  watch->owner = g_object_ref (poller->owner);
  watch->prev = NULL;
  watch->next = poller->watches;
  if (poller->watches != NULL)
    poller->watches->prev = watch;
  poller->watches = watch;
  poller->n_watches++;
  poller->n_level++;

  return TRUE;
}

gboolean
_gcoro_io_watch_set_level (GCoroIOWatch *watch,
                           GIOCondition  condition)
{
  GCoroIOPoller *poller;

  g_return_val_if_fail (watch->level, FALSE);
  g_return_val_if_fail ((condition & (G_IO_IN | G_IO_OUT)) != 0, FALSE);

  condition &= G_IO_IN | G_IO_OUT;
  if (watch->poller == NULL || watch->pfd.events == condition)
    return TRUE;
  poller = watch->poller;

#if HAVE_EPOLL
  if (poller->backend == GCORO_BACKEND_EPOLL)
    {
      struct epoll_event ev = {
        .events = epoll_level_events (condition),
        .data.ptr = watch,
      };

      if (epoll_ctl (poller->epfd, EPOLL_CTL_MOD, watch->pfd.fd, &ev) != 0)
        return FALSE;
    }
#endif
  /* glib backend: GLib reads events when it builds the next poll array. */
  watch->pfd.events = condition;
  return TRUE;
}

void
_gcoro_io_watch_want (GCoroIOWatch *watch,
                      GIOCondition  condition)
{
  GCoroIOPoller *poller;

  if (G_UNLIKELY (watch->poller == NULL))
    return;
  poller = watch->poller;
  if (poller->backend == GCORO_BACKEND_EPOLL)
    return;   /* registered for everything, once */

  watch->pfd.events |= condition;
  if (!watch->polled && poller->source != NULL)
    {
      watch->pfd.revents = 0;
      g_source_add_poll (poller->source, &watch->pfd);
      watch->polled = TRUE;
    }
}

void
_gcoro_io_watch_clear (GCoroIOWatch *watch)
{
  GCoroIOPoller *poller = watch->poller;

  if (poller == NULL)
    return;

#if HAVE_EPOLL
  if (poller->backend == GCORO_BACKEND_EPOLL)
    epoll_ctl (poller->epfd, EPOLL_CTL_DEL, watch->pfd.fd, NULL);
#endif
  if (watch->polled && poller->source != NULL)
    g_source_remove_poll (poller->source, &watch->pfd);
  watch->polled = FALSE;

  if (watch->prev != NULL)
    watch->prev->next = watch->next;
  else
    poller->watches = watch->next;
  if (watch->next != NULL)
    watch->next->prev = watch->prev;
  watch->prev = watch->next = NULL;
  poller->n_watches--;
  if (watch->level)
    poller->n_level--;

  watch->poller = NULL;
  g_clear_object (&watch->owner);
}

gboolean
_gcoro_io_poller_check (GCoroIOPoller *self)
{
  if (self->backend == GCORO_BACKEND_EPOLL)
    return (self->epfd_pfd.revents & G_IO_IN) != 0;

  for (GCoroIOWatch *w = self->watches; w != NULL; w = w->next)
    if (w->polled && w->pfd.revents != 0)
      return TRUE;
  return FALSE;
}

#if HAVE_EPOLL
static void
dispatch_epoll (GCoroIOPoller *self)
{
  struct epoll_event events[EPOLL_BATCH];
  int n;

  self->epfd_pfd.revents = 0;
  do
    {
      n = epoll_wait (self->epfd, events, EPOLL_BATCH, 0);
      for (int i = 0; i < n; i++)
        {
          GCoroIOWatch *w = events[i].data.ptr;
          guint32 e = events[i].events;
          GIOCondition ready = 0;

          if (e & EPOLLIN)
            ready |= G_IO_IN;
          if (e & EPOLLOUT)
            ready |= G_IO_OUT;
          if (e & (EPOLLHUP | EPOLLRDHUP))
            ready |= G_IO_HUP;
          if (e & EPOLLERR)
            ready |= G_IO_ERR;
          /* The watch was registered when epoll_wait() returned: watch
           * functions wake tasks, they do not end other watches. */
          w->func (w, ready);
        }
    }
  while (n == EPOLL_BATCH && self->n_level == 0);
}
#endif

void
_gcoro_io_poller_dispatch (GCoroIOPoller *self)
{
  GCoroIOWatch *w, *next;

#if HAVE_EPOLL
  if (self->backend == GCORO_BACKEND_EPOLL)
    {
      if (self->epfd_pfd.revents & G_IO_IN)
        dispatch_epoll (self);
      return;
    }
#endif

  for (w = self->watches; w != NULL; w = next)
    {
      GIOCondition ready;

      next = w->next;
      if (!w->polled || w->pfd.revents == 0)
        continue;

      /* Clear first: GLib leaves revents alone in iterations that do
       * not poll this record, and a stale one must not fire twice. */
      ready = w->pfd.revents;
      w->pfd.revents = 0;
      if (w->level)
        {
          w->func (w, ready);
          continue;
        }
      w->pfd.events = w->func (w, ready) & (G_IO_IN | G_IO_OUT);

      if (w->pfd.events == 0 && (ready & (G_IO_HUP | G_IO_ERR | G_IO_NVAL)) && self->source != NULL)
        {
          /* Nobody waits, and poll() reports a hang-up whatever events
           * say: park the record until somebody waits again. */
          g_source_remove_poll (self->source, &w->pfd);
          w->polled = FALSE;
        }
    }
}

/* gcoro-tls-gate.c: a TLS server's connections before their handler
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* NOTES
 *
 * Why TLS waits for the ClientHello, and why handshakes are few: GIO's TLS
 * backend (glib-networking) runs every handshake as a blocking call in a
 * thread of GTask's shared pool, sync and async forms alike, and the pool
 * has ten threads, grown by one every 100 ms (and slower) while it is
 * full. A handshake started at accept therefore gives any silent client a
 * thread: the issue that led here measured 100 silent connections denying
 * TLS to everyone (3.9 MB and a thread each). So the server first waits,
 * with the socket's one readiness registration, until the whole first
 * record is there (peeked, not read: the TLS layer reads it), which a
 * silent or slow client never reaches; only then does a handshake take
 * one of max-handshakes places (8, under GTask's ten, so that stalled
 * handshakes cannot starve the rest of the process's blocking work). A
 * client that stalls later in the handshake holds a place until the
 * handshake timeout, except when others wait: a handshake that has run
 * for SHED_AFTER_MS while a connection waits for a place is cancelled and
 * gives its place up (an honest handshake on loopback takes a few
 * milliseconds), the way nginx closes idle keep-alive connections when it
 * runs short of them. A place is given back only when the backend's
 * thread has returned from the cancelled handshake. The connections that
 * wait are served newest first: a wave of stalling clients that came
 * earlier then delays an honest one by SHED_AFTER_MS at most, instead of
 * by SHED_AFTER_MS for every max-handshakes of them. The TLS connection
 * object itself is made only when a place is there, and without a
 * certificate database: with the default one every server connection
 * loaded the system's authorities (megabytes each, kept by the allocator
 * after the peak), and the server asks for no client certificate.
 *
 * Why the state machine runs from timers: a watch function must not clear
 * or free its own watch (the glib backend's dispatch writes the watch's
 * poll record after the function returns), so a connection whose first
 * flight is complete, or whose peer left, is handed to a zero-delay timer
 * of the scheduler's heap, which runs outside the sockets' dispatch.
 */

#include "gcoro-config.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "gcoro-io-watch-private.h"
#include "gcoro-tls-gate-private.h"

/* A handshake older than this gives its place to a connection that waits. */
#define SHED_AFTER_MS                 500
/* A partial first flight is looked at again this often (the glib backend
 * cannot wait for "more" on a socket that stays readable). */
#define PEEK_INTERVAL_MS              50

typedef enum
{
  GREETING_SILENT,        /* waiting for the client's first flight */
  GREETING_WAITING,       /* first flight there, waiting for a place */
  GREETING_HANDSHAKING,   /* in the TLS backend's hands */
} GreetingStage;

typedef enum
{
  GREETING_GO_ON,
  GREETING_START,         /* the first flight is complete */
  GREETING_GONE,          /* the peer left (or broke) before it */
  GREETING_EXPIRED,       /* the handshake timeout */
} GreetingNext;

/* A TLS connection before its handler: owned by the gate's list, and
 * while the backend has it, by the handshake's callback too. */
typedef struct
{
  GCoroIOWatch        watch;      /* first: the watch function finds us */
  GCoroTimer          timer;
  GCoroTlsGate       *gate;
  GSocketConnection  *connection;
  GSocketAddress     *peer;       /* nullable */
  GTlsConnection     *tls;
  GCancellable       *cancellable;
  gint64              accepted;
  gint64              deadline;   /* G_MAXINT64: none */
  gint64              started;    /* the handshake's start */
  GreetingStage       stage;
  GreetingNext        next;
  gboolean            timed_out;
  gboolean            shed;
  GList               link;       /* in greetings */
  GList               stage_link; /* in waiting or handshaking */
} Greeting;

static void
greeting_free (Greeting *g)
{
  g_clear_object (&g->tls);
  g_object_unref (g->connection);
  g_clear_object (&g->peer);
  g_clear_object (&g->cancellable);
  g_free (g);
}

/* Ends a greeting that is not handshaking: closes its connection. */
static void
greeting_drop (Greeting *g)
{
  GCoroTlsGate *self = g->gate;

  _gcoro_io_watch_clear (&g->watch);
  _gcoro_scheduler_remove_timer (self->scheduler, &g->timer);
  g_queue_unlink (&self->greetings, &g->link);
  if (g->stage == GREETING_WAITING)
    g_queue_unlink (&self->waiting, &g->stage_link);
  g_io_stream_close (G_IO_STREAM (g->connection), NULL, NULL);
  greeting_free (g);
}

/* Arms the greeting's one timer for @when or its deadline, whichever
 * comes first (G_MAXINT64: the deadline only). */
static void
greeting_set_timer (Greeting *g,
                    gint64    when)
{
  _gcoro_scheduler_remove_timer (g->gate->scheduler, &g->timer);
  when = MIN (when, g->deadline);
  if (when != G_MAXINT64)
    _gcoro_scheduler_add_timer (g->gate->scheduler, &g->timer, when);
}

/* Has the client's first TLS record arrived whole? Peeks, so that the
 * TLS layer reads it afterwards. */
static GreetingNext
peek_first_flight (Greeting *g)
{
  int fd = g_socket_get_fd (g_socket_connection_get_socket (g->connection));
  guint8 header[5];
  gssize n;
  int queued = 0;

  do
    n = recv (fd, header, sizeof header, MSG_PEEK | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK ? GREETING_GO_ON : GREETING_GONE;
  if (n == 0)
    return GREETING_GONE;
  if (header[0] != 0x16)   /* not a handshake record: the TLS layer says so */
    return GREETING_START;
  if (n < (gssize) sizeof header || ioctl (fd, FIONREAD, &queued) != 0)
    return GREETING_GO_ON;
  if (queued >= 5 + ((header[3] << 8) | header[4]))
    return GREETING_START;
  return GREETING_GO_ON;
}

/* The socket of a silent greeting became readable (or hung up). */
static GIOCondition
greeting_readable (GCoroIOWatch *watch,
                   GIOCondition  ready)
{
  Greeting *g = (Greeting *) watch;
  GreetingNext next = peek_first_flight (g);

  if (next == GREETING_GO_ON && !(ready & (G_IO_HUP | G_IO_ERR)) && !(ready & G_IO_IN))
    return G_IO_IN;
  if (next == GREETING_GO_ON && (ready & G_IO_IN))
    {
      /* Part of the record: look again in a moment (or at the next
       * edge); asking for G_IO_IN again would spin on the glib backend. */
      greeting_set_timer (g, g_get_monotonic_time () + PEEK_INTERVAL_MS * 1000);
      return 0;
    }
  if (next == GREETING_GO_ON)
    next = GREETING_GONE;
  /* Not from inside the watch's own dispatch: see NOTES. */
  g->next = next;
  greeting_set_timer (g, 0);
  return 0;
}

static void greeting_begin_handshake (Greeting *g);
static void start_waiting_handshakes (GCoroTlsGate *self);

static void
log_greeting_end (Greeting   *g,
                  const char *why)
{
  g_autofree char *peer = _gcoro_tls_gate_describe_peer (g->peer);

  g_message ("The TLS handshake with %s failed: %s", peer, why);
}

static void
greeting_timer_fired (GCoroTimer *timer)
{
  Greeting *g = G_STRUCT_MEMBER_P (timer, -G_STRUCT_OFFSET (Greeting, timer));
  GreetingNext next = g->next;

  g->next = GREETING_GO_ON;
  if (g_get_monotonic_time () >= g->deadline)
    next = GREETING_EXPIRED;
  else if (next == GREETING_GO_ON && g->stage == GREETING_SILENT)
    next = peek_first_flight (g);

  switch (next)
    {
    case GREETING_GO_ON:
      if (g->stage == GREETING_SILENT)
        greeting_set_timer (g, g_get_monotonic_time () + PEEK_INTERVAL_MS * 1000);
      break;
    case GREETING_START:
      greeting_begin_handshake (g);
      break;
    case GREETING_GONE:
      {
        g_autofree char *peer = _gcoro_tls_gate_describe_peer (g->peer);

        g_debug ("The TLS client %s left before its handshake", peer);
        greeting_drop (g);
      }
      break;
    case GREETING_EXPIRED:
      if (g->stage == GREETING_HANDSHAKING)
        {
          g->timed_out = TRUE;
          g_cancellable_cancel (g->cancellable);   /* the callback ends it */
        }
      else
        {
          g_autofree char *why =
            g_strdup_printf ("timed out after %u ms (tls-handshake-timeout) %s",
                             g->gate->handshake_timeout,
                             g->stage == GREETING_SILENT ? "before its ClientHello was complete"
                                                         : "waiting for a place to handshake");
          if (g->stage == GREETING_SILENT)
            {
              g_autofree char *peer = _gcoro_tls_gate_describe_peer (g->peer);

              g_debug ("The TLS handshake with %s failed: %s", peer, why);
            }
          else
            log_greeting_end (g, why);
          greeting_drop (g);
        }
      break;
    }
}

static void
handshake_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Greeting *g = data;
  GCoroTlsGate *self = g->gate;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);
  gboolean closed = self->closed;

  /* The backend's thread is back: the place is free. */
  g_queue_unlink (&self->handshaking, &g->stage_link);
  g_queue_unlink (&self->greetings, &g->link);
  _gcoro_scheduler_remove_timer (self->scheduler, &g->timer);

  if (ok && !closed)
    self->passed (self, G_IO_STREAM (g->tls), g->peer);
  else
    {
      if (g->timed_out)
        {
          g_autofree char *why = g_strdup_printf ("timed out after %u ms (tls-handshake-timeout)",
                                                  self->handshake_timeout);
          log_greeting_end (g, why);
        }
      else if (g->shed)
        log_greeting_end (g, "cancelled after " G_STRINGIFY (SHED_AFTER_MS) " ms to make room "
                             "for a connection that waited (max-handshakes)");
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        log_greeting_end (g, error->message);
      g_io_stream_close (G_IO_STREAM (g->connection), NULL, NULL);
    }

  greeting_free (g);
  if (!closed)
    start_waiting_handshakes (self);
  self->ended (self);
  g_object_unref (self->owner);
}

static void
greeting_begin_handshake (Greeting *g)
{
  GCoroTlsGate *self = g->gate;
  g_autoptr(GError) error = NULL;

  _gcoro_io_watch_clear (&g->watch);   /* the TLS layer reads the socket now */
  if (self->handshaking.length >= self->max_handshakes)
    {
      if (g->stage != GREETING_WAITING)
        {
          g->stage = GREETING_WAITING;
          g_queue_push_head_link (&self->waiting, &g->stage_link);
        }
      greeting_set_timer (g, G_MAXINT64);   /* the deadline only */
      start_waiting_handshakes (self);      /* arms the shedding */
      return;
    }

  /* TLS state only with a place. And without a certificate database: the
   * server asks for no client certificate, and with the default one
   * (the system's trust store) GnuTLS loads every authority into each
   * connection: 3.7 MB a connection instead of 17 kB, measured. */
  g->tls = g_initable_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()),
                           NULL, &error,
                           "base-io-stream", g->connection,
                           "certificate", self->certificate,
                           "database", NULL,
                           NULL);
  if (g->tls == NULL)
    {
      g_warning ("GCoroStreamServer: cannot serve TLS: %s", error->message);
      greeting_drop (g);
      return;
    }
  if (g->stage == GREETING_WAITING)
    g_queue_unlink (&self->waiting, &g->stage_link);
  g->stage = GREETING_HANDSHAKING;
  g->started = g_get_monotonic_time ();
  g->cancellable = g_cancellable_new ();
  g_queue_push_tail_link (&self->handshaking, &g->stage_link);
  greeting_set_timer (g, G_MAXINT64);
  g_object_ref (self->owner);   /* for the callback */
  g_tls_connection_handshake_async (g->tls, G_PRIORITY_DEFAULT, g->cancellable,
                                    handshake_done, g);
}

/* A place is free, or a connection waits for one: start what can start,
 * and when the places are all taken while some wait, give the oldest
 * handshake until it has run SHED_AFTER_MS. */
static void
start_waiting_handshakes (GCoroTlsGate *self)
{
  gint64 now;
  guint leaving = 0;

  while (self->waiting.head != NULL && self->handshaking.length < self->max_handshakes)
    greeting_begin_handshake (self->waiting.head->data);

  _gcoro_scheduler_remove_timer (self->scheduler, &self->shed_timer);
  if (self->waiting.head == NULL)
    return;

  /* As many places as connections wait, from the oldest handshakes. */
  for (GList *l = self->handshaking.head; l != NULL; l = l->next)
    {
      Greeting *g = l->data;

      if (g->shed || g->timed_out)
        leaving++;   /* already on its way out */
    }
  now = g_get_monotonic_time ();
  for (GList *l = self->handshaking.head; l != NULL && leaving < self->waiting.length; l = l->next)
    {
      Greeting *oldest = l->data;

      if (oldest->shed || oldest->timed_out)
        continue;
      if (now - oldest->started < SHED_AFTER_MS * 1000)
        {
          _gcoro_scheduler_add_timer (self->scheduler, &self->shed_timer,
                                      oldest->started + SHED_AFTER_MS * 1000);
          return;
        }
      oldest->shed = TRUE;
      leaving++;
      g_cancellable_cancel (oldest->cancellable);   /* its callback frees the place */
    }
}

static void
shed_timer_fired (GCoroTimer *timer)
{
  GCoroTlsGate *self = G_STRUCT_MEMBER_P (timer, -G_STRUCT_OFFSET (GCoroTlsGate, shed_timer));

  start_waiting_handshakes (self);
}

/* A new TLS connection: its socket is watched until the ClientHello is
 * there. */
void
_gcoro_tls_gate_greet (GCoroTlsGate      *self,
                       GSocketConnection *connection,
                       GSocketAddress    *peer)
{
  Greeting *g = g_new0 (Greeting, 1);
  int fd = g_socket_get_fd (g_socket_connection_get_socket (connection));

  g->gate = self;
  g->connection = g_object_ref (connection);
  g->peer = peer != NULL ? g_object_ref (peer) : NULL;   /* a reset peer has none later */
  g->accepted = g_get_monotonic_time ();
  g->deadline = self->handshake_timeout > 0
                ? g->accepted + (gint64) self->handshake_timeout * 1000 : G_MAXINT64;
  g->stage = GREETING_SILENT;
  g->timer.func = greeting_timer_fired;
  g->link.data = g->stage_link.data = g;
  g_queue_push_tail_link (&self->greetings, &g->link);

  if (!_gcoro_io_watch_init (&g->watch, _gcoro_scheduler_get_poller (self->scheduler), fd,
                             greeting_readable))
    {
      /* This backend takes no such descriptor: handshake at once. */
      g->next = GREETING_START;
      greeting_set_timer (g, 0);
      return;
    }
  _gcoro_io_watch_want (&g->watch, G_IO_IN);
  greeting_set_timer (g, G_MAXINT64);
}

void
_gcoro_tls_gate_init (GCoroTlsGate         *self,
                      GObject              *owner,
                      GCoroTlsGatePassFunc  passed,
                      GCoroTlsGateEndFunc   ended)
{
  self->owner = owner;
  self->passed = passed;
  self->ended = ended;
  self->shed_timer.func = shed_timer_fired;
  g_queue_init (&self->greetings);
  g_queue_init (&self->waiting);
  g_queue_init (&self->handshaking);
}

void
_gcoro_tls_gate_clear (GCoroTlsGate *self)
{
  g_clear_object (&self->certificate);
}

void
_gcoro_tls_gate_close (GCoroTlsGate *self)
{
  GList *next;

  self->closed = TRUE;
  for (GList *l = self->greetings.head; l != NULL; l = next)
    {
      Greeting *g = l->data;

      next = l->next;
      if (g->stage == GREETING_HANDSHAKING)
        g_cancellable_cancel (g->cancellable);   /* its callback ends it, later */
      else
        greeting_drop (g);
    }
  if (self->scheduler != NULL)
    _gcoro_scheduler_remove_timer (self->scheduler, &self->shed_timer);
}

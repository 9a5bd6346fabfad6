/* gcoro-stream-server.c: one task per connection, on GSocketService
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroStreamServer:
 *
 * A stream server like asyncio's `start_server()`, on #GSocketService:
 * every accepted connection gets a task of its own, running a handler with
 * a #GCoroStream.
 *
 * |[<!-- language="C" -->
 * static void
 * echo (GCoroStream *stream, gpointer user_data)
 * {
 *   g_autoptr(GBytes) line = NULL;
 *
 *   while ((line = gcoro_stream_read_line (stream, NULL)) && g_bytes_get_size (line) > 0)
 *     {
 *       gcoro_stream_write_bytes (stream, line);
 *       if (!gcoro_stream_drain (stream, NULL))
 *         break;
 *       g_clear_pointer (&line, g_bytes_unref);
 *     }
 * }
 *
 * g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
 * gcoro_stream_server_set_handler (server, echo, NULL, NULL);
 * gcoro_stream_server_listen_tcp (server, "127.0.0.1", 0, &error);   // 0: any free port
 * gcoro_stream_server_start (server);
 * ]|
 *
 * - The handler runs as a fiber task (C); the stream is closed when it
 *   returns. Language bindings connect to #GCoroStreamServer::incoming
 *   instead and return the future of their own handling (a Python task
 *   from `GCoro.spawn()`, a GJS generator task).
 * - The peer's address is in a context variable,
 *   gcoro_stream_server_get_peer_var(), for the handler and everything it
 *   spawns (the seed text's second topic).
 * - A handler that fails is logged with its peer; the server goes on.
 * - With gcoro_stream_server_set_tls_certificate() it serves TLS: the
 *   handshake comes first and the handler reads and writes plain text.
 * - gcoro_stream_server_set_max_connections() refuses (closes) connections
 *   past a limit. gcoro_stream_server_close() stops accepting;
 *   gcoro_stream_server_wait_closed() then waits for the handlers
 *   (graceful); gcoro_stream_server_abort() also cancels them.
 *
 * #GSocketService holds the listening sockets (binding, unix paths,
 * ephemeral ports, closing). Accepting is the server's own: each listening
 * socket has one readiness registration for the server's life (see
 * #GCoroBackend), and every wake-up accepts all pending connections with
 * non-blocking accept() calls. GSocketService's own accept loop attaches
 * and destroys a GSource per connection, and on GLib's poll that costs
 * time in proportion to the sockets already open.
 *
 * Used from the thread of the context it was started on.
 */

#include "gcoro-config.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gio/gunixsocketaddress.h>

#include "gcoro-async.h"
#include "gcoro-await.h"
#include "gcoro-context.h"
#include "gcoro-future-private.h"
#include "gcoro-operation.h"
#include "gcoro-promise.h"
#include "gcoro-stream-server.h"
#include "gcoro-task.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-io-watch-private.h"

/* A listening socket and its registration. */
typedef struct
{
  GCoroIOWatch        watch;      /* first: the watch function finds us */
  GSocket            *socket;
  GCoroStreamServer  *server;     /* not owned */
} Listener;

static void listener_watch (Listener *listener);
static void listener_free  (gpointer  data);

struct _GCoroStreamServer
{
  GObject             parent_instance;
  GSocketService     *service;
  GCoroStreamHandler  handler;
  gpointer            handler_data;
  GDestroyNotify      handler_notify;
  guint16             port;
  guint               max_connections;   /* 0: no limit */
  GHashTable         *live;              /* GCoroFuture -> peer string */
  GPtrArray          *listeners;         /* Listener *, owned */
  GTlsCertificate    *tls_certificate;   /* NULL: plain connections */
  GCancellable       *handshakes;        /* cancelled by close() */
  gboolean            started;
  GCoroPromise       *idle;              /* resolved when no handler runs */
  gboolean            closed;
};

typedef struct
{
  GCoroWaiter        base;
  GCoroStreamServer *server;
  GCoroStream       *stream;   /* a binding handler's, closed when it ends */
} LiveWaiter;

enum { SIGNAL_INCOMING, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (GCoroStreamServer, gcoro_stream_server, G_TYPE_OBJECT)

static void
gcoro_stream_server_dispose (GObject *object)
{
  GCoroStreamServer *self = GCORO_STREAM_SERVER (object);

  if (self->service != NULL)
    {
      g_ptr_array_set_size (self->listeners, 0);
      g_cancellable_cancel (self->handshakes);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  if (self->handler_notify != NULL)
    g_clear_pointer (&self->handler_data, self->handler_notify);

  G_OBJECT_CLASS (gcoro_stream_server_parent_class)->dispose (object);
}

static void
gcoro_stream_server_finalize (GObject *object)
{
  GCoroStreamServer *self = GCORO_STREAM_SERVER (object);

  g_hash_table_unref (self->live);
  g_ptr_array_unref (self->listeners);
  g_clear_object (&self->tls_certificate);
  g_object_unref (self->handshakes);
  g_clear_object (&self->idle);

  G_OBJECT_CLASS (gcoro_stream_server_parent_class)->finalize (object);
}

static void
gcoro_stream_server_class_init (GCoroStreamServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gcoro_stream_server_dispose;
  object_class->finalize = gcoro_stream_server_finalize;

  /**
   * GCoroStreamServer::incoming:
   * @self: the server
   * @stream: the new connection
   *
   * Emitted for every accepted connection when no C handler is set, with
   * the peer's address already in gcoro_stream_server_get_peer_var(). The
   * handler starts the connection's work (spawning a task) and returns
   * its future; the server tracks it, logs its failure, and closes the
   * stream when it settles. Returning %NULL closes the stream at once.
   *
   * Returns: (transfer full) (nullable): the future of the connection's
   *   handling
   */
  signals[SIGNAL_INCOMING] =
    g_signal_new ("incoming", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_first_wins, NULL, NULL,
                  GCORO_TYPE_FUTURE, 1, GCORO_TYPE_STREAM);
}

static void
gcoro_stream_server_init (GCoroStreamServer *self)
{
  self->service = g_socket_service_new ();
  /* A new service is active; this one only holds the sockets. */
  g_socket_service_stop (self->service);
  self->live = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->listeners = g_ptr_array_new_with_free_func (listener_free);
  self->handshakes = g_cancellable_new ();
}

/**
 * gcoro_stream_server_get_peer_var:
 *
 * The context variable that holds the peer's #GSocketAddress in every
 * connection's task (and what it spawns).
 *
 * Returns: (transfer none): the variable
 */
GCoroContextVar *
gcoro_stream_server_get_peer_var (void)
{
  static gsize peer;   /* GCoroContextVar *, created once, never freed */

  if (g_once_init_enter (&peer))
    g_once_init_leave (&peer, (gsize) gcoro_context_var_new ("gcoro-peer-address"));

  return (GCoroContextVar *) peer;
}

/**
 * gcoro_stream_server_new:
 *
 * Creates a server that listens nowhere yet.
 *
 * Returns: (transfer full): a new #GCoroStreamServer
 */
GCoroStreamServer *
gcoro_stream_server_new (void)
{
  return g_object_new (GCORO_TYPE_STREAM_SERVER, NULL);
}

/**
 * gcoro_stream_server_set_handler: (skip)
 * @self: a #GCoroStreamServer
 * @handler: the body of every connection's fiber task
 * @user_data: data for @handler
 * @notify: (nullable): frees @user_data with the server
 *
 * Sets the C handler. Bindings use #GCoroStreamServer::incoming instead.
 */
void
gcoro_stream_server_set_handler (GCoroStreamServer  *self,
                                 GCoroStreamHandler  handler,
                                 gpointer            user_data,
                                 GDestroyNotify      notify)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  if (self->handler_notify != NULL)
    g_clear_pointer (&self->handler_data, self->handler_notify);
  self->handler = handler;
  self->handler_data = user_data;
  self->handler_notify = notify;
}

static gboolean
listen_on (GCoroStreamServer  *self,
           GSocketAddress     *address,
           GError            **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  Listener *listener;

  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return FALSE;
  /* GLib's default backlog is 10: a burst of clients would overflow the
   * kernel's accept queue and wait for SYN retransmits (seconds). */
  g_socket_set_listen_backlog (socket, 1024);
  if (!g_socket_bind (socket, address, TRUE, error) ||
      !g_socket_listen (socket, error) ||
      !g_socket_listener_add_socket (G_SOCKET_LISTENER (self->service), socket, NULL, error))
    return FALSE;

  effective = g_socket_get_local_address (socket, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (effective))
    self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));

  listener = g_new0 (Listener, 1);
  listener->socket = g_steal_pointer (&socket);
  listener->server = self;
  g_ptr_array_add (self->listeners, listener);
  if (self->started && !self->closed)
    listener_watch (listener);
  return TRUE;
}

/**
 * gcoro_stream_server_listen_tcp:
 * @self: a #GCoroStreamServer
 * @host: a literal IP address to bind to, such as "127.0.0.1" or "::1"
 * @port: the port, or 0 for any free one (see gcoro_stream_server_get_port())
 * @error: return location for a #GError
 *
 * Listens for TCP connections.
 *
 * Returns: %TRUE if listening
 */
gboolean
gcoro_stream_server_listen_tcp (GCoroStreamServer  *self,
                                const char         *host,
                                guint16             port,
                                GError            **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not an IP address", host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, port);
  return listen_on (self, socket_address, error);
}

/**
 * gcoro_stream_server_listen_unix:
 * @self: a #GCoroStreamServer
 * @path: the path of the socket to create
 * @error: return location for a #GError
 *
 * Listens on a unix socket.
 *
 * Returns: %TRUE if listening
 */
gboolean
gcoro_stream_server_listen_unix (GCoroStreamServer  *self,
                                 const char         *path,
                                 GError            **error)
{
  g_autoptr(GSocketAddress) address = NULL;

  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  address = g_unix_socket_address_new (path);
  return listen_on (self, address, error);
}

/**
 * gcoro_stream_server_set_tls_certificate:
 * @self: a #GCoroStreamServer
 * @certificate: (nullable): the server's certificate, with its private
 *   key (g_tls_certificate_new_from_files()), or %NULL for plain
 *   connections
 *
 * Serves TLS: every accepted connection first goes through the handshake
 * (a failed one is logged with the peer and closed; the server goes on),
 * and the handler gets a #GCoroStream over the #GTlsConnection. Applies
 * to connections accepted from now on. Needs a TLS backend
 * (glib-networking).
 */
void
gcoro_stream_server_set_tls_certificate (GCoroStreamServer *self,
                                         GTlsCertificate   *certificate)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  g_set_object (&self->tls_certificate, certificate);
}

/**
 * gcoro_stream_server_get_tls_certificate:
 * @self: a #GCoroStreamServer
 *
 * Returns: (transfer none) (nullable): the certificate TLS is served with
 */
GTlsCertificate *
gcoro_stream_server_get_tls_certificate (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), NULL);

  return self->tls_certificate;
}

/**
 * gcoro_stream_server_get_port:
 * @self: a #GCoroStreamServer
 *
 * Returns: the TCP port bound last (the one chosen, for port 0)
 */
guint16
gcoro_stream_server_get_port (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), 0);

  return self->port;
}

/**
 * gcoro_stream_server_set_max_connections:
 * @self: a #GCoroStreamServer
 * @max: the most connections handled at once, or 0 for no limit
 *
 * Connections past the limit are closed at once.
 */
void
gcoro_stream_server_set_max_connections (GCoroStreamServer *self,
                                         guint              max)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  self->max_connections = max;
}

/**
 * gcoro_stream_server_get_n_connections:
 * @self: a #GCoroStreamServer
 *
 * Returns: the connections being handled
 */
guint
gcoro_stream_server_get_n_connections (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), 0);

  return g_hash_table_size (self->live);
}

static void
check_idle (GCoroStreamServer *self)
{
  if (g_hash_table_size (self->live) == 0 && self->idle != NULL)
    {
      gcoro_promise_resolve (self->idle, NULL);
      g_clear_object (&self->idle);
    }
}

static void
handling_settled (GCoroWaiter *base,
                  GCoroFuture *future)
{
  LiveWaiter *w = (LiveWaiter *) base;
  GCoroStreamServer *self = w->server;
  const char *peer = g_hash_table_lookup (self->live, future);

  if (gcoro_future_get_state (future) == GCORO_FUTURE_REJECTED)
    g_message ("The handler of the connection from %s failed: %s",
               peer ? peer : "an unknown peer", gcoro_future_peek_error (future)->message);

  /* However the handler's future settled (a C handler closed its stream
   * itself): what is buffered is sent, then the peer reads EOF. */
  if (w->stream != NULL)
    {
      gcoro_stream_close_async (w->stream, NULL, NULL, NULL);
      g_object_unref (w->stream);
    }

  g_hash_table_remove (self->live, future);
  check_idle (self);
  g_free (w);
  g_object_unref (self);
}

static void
track (GCoroStreamServer *self,
       GCoroFuture       *future,
       const char        *peer,
       GCoroStream       *stream)
{
  LiveWaiter *w = g_new0 (LiveWaiter, 1);
  GCoroScheduler *scheduler = gcoro_scheduler_get_default ();

  g_hash_table_insert (self->live, g_object_ref (future), g_strdup (peer));
  w->base.scheduler = scheduler;
  w->base.band = _gcoro_scheduler_get_main_band (scheduler);
  w->base.func = handling_settled;
  w->server = g_object_ref (self);
  w->stream = stream != NULL ? g_object_ref (stream) : NULL;
  if (!_gcoro_future_add_waiter (future, &w->base))
    handling_settled (&w->base, future);
}

typedef struct
{
  GCoroStreamServer *server;
  GCoroStream       *stream;
} Connection;

static void
connection_free (gpointer data)
{
  Connection *c = data;

  g_object_unref (c->server);
  g_object_unref (c->stream);
  g_free (c);
}

static void
handler_body (GCoroTask *task,
              gpointer   data)
{
  Connection *c = data;

  c->server->handler (c->stream, c->server->handler_data);
  gcoro_stream_close (c->stream, NULL);
}

typedef struct
{
  GCoroStreamServer *server;
  GCoroStream       *stream;
  GSocketAddress    *peer;
  GCoroFuture       *future;
} Start;

/* Runs inside the connection's own copy of the context. */
static void
start_handling (gpointer data)
{
  Start *s = data;

  if (s->peer != NULL)
    gcoro_token_unref (gcoro_context_var_set_object (gcoro_stream_server_get_peer_var (), s->peer));

  if (s->server->handler != NULL)
    {
      Connection *c = g_new0 (Connection, 1);
      GCoroSpawnOptions opts = { .name = "connection" };

      c->server = g_object_ref (s->server);
      c->stream = g_object_ref (s->stream);
      s->future = GCORO_FUTURE (gcoro_spawn_full (&opts, handler_body, c, connection_free));
    }
  else
    g_signal_emit (s->server, signals[SIGNAL_INCOMING], 0, s->stream, &s->future);
}

/* Starts the handling of @io (the connection, or TLS over it); @peer is
 * the connection's remote address, read once at accept. */
static void
handle_connection (GCoroStreamServer *self,
                   GIOStream         *io,
                   GSocketConnection *connection,
                   GSocketAddress    *peer)
{
  g_autoptr(GCoroContext) context = NULL;
  g_autofree char *peer_text = NULL;
  Start s = { self, NULL, peer, NULL };

  if (self->closed ||
      (self->max_connections > 0 && g_hash_table_size (self->live) >= self->max_connections))
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return;
    }

  s.stream = gcoro_stream_new (io);
  if (peer != NULL)
    peer_text = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (peer));

  context = gcoro_context_copy_current ();
  gcoro_context_run (context, start_handling, &s, NULL);

  if (s.future != NULL)
    {
      track (self, s.future, peer_text, self->handler == NULL ? s.stream : NULL);
      g_object_unref (s.future);
    }
  else
    gcoro_stream_close_async (s.stream, NULL, NULL, NULL);

  g_clear_object (&s.stream);
}

typedef struct
{
  GCoroStreamServer *server;
  GSocketConnection *connection;
  GSocketAddress    *peer;   /* nullable */
} Handshake;

static void
handshake_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Handshake *h = data;
  GTlsConnection *tls = G_TLS_CONNECTION (source);
  g_autoptr(GError) error = NULL;

  if (g_tls_connection_handshake_finish (tls, result, &error))
    handle_connection (h->server, G_IO_STREAM (tls), h->connection, h->peer);
  else
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *peer_text =
            h->peer ? g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (h->peer)) : NULL;

          g_message ("The TLS handshake with %s failed: %s",
                     peer_text ? peer_text : "an unknown peer", error->message);
        }
      g_io_stream_close (G_IO_STREAM (h->connection), NULL, NULL);
    }

  g_object_unref (h->server);
  g_object_unref (h->connection);
  g_clear_object (&h->peer);
  g_free (h);
}

/* TLS first: the handler starts once the handshake is through. */
static void
start_tls (GCoroStreamServer *self,
           GSocketConnection *connection,
           GSocketAddress    *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) tls = g_tls_server_connection_new (G_IO_STREAM (connection),
                                                         self->tls_certificate, &error);
  Handshake *h;

  if (tls == NULL)
    {
      g_warning ("GCoroStreamServer: cannot serve TLS: %s", error->message);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return;
    }

  h = g_new0 (Handshake, 1);
  h->server = g_object_ref (self);
  h->connection = g_object_ref (connection);
  h->peer = peer ? g_object_ref (peer) : NULL;   /* a reset peer has none later */
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    self->handshakes, handshake_done, h);
}

/* The listening socket is readable: accepts every pending connection
 * (the epoll backend reports edges, so it must reach EAGAIN). */
static GIOCondition
listener_ready (GCoroIOWatch *watch,
                GIOCondition  ready)
{
  Listener *listener = (Listener *) watch;
  g_autoptr(GCoroStreamServer) self = g_object_ref (listener->server);
  int lfd = g_socket_get_fd (listener->socket);

  /* A handler may close the server (which frees the listener) from
   * inside handle_connection(): only self is safe to look at then. */
  while (!self->closed)
    {
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GSocketAddress) peer = NULL;
      g_autoptr(GError) error = NULL;
      int fd = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

      if (fd < 0)
        {
          int saved = errno;

          if (saved == EINTR || saved == ECONNABORTED)
            continue;
          if (saved != EAGAIN && saved != EWOULDBLOCK)
            g_warning ("GCoroStreamServer: accept() failed: %s", g_strerror (saved));
          break;
        }

      socket = g_socket_new_from_fd (fd, &error);
      if (socket == NULL)
        {
          g_warning ("GCoroStreamServer: an accepted socket was refused: %s", error->message);
          close (fd);
          continue;
        }
      connection = g_socket_connection_factory_create_connection (socket);
      peer = g_socket_connection_get_remote_address (connection, NULL);
      if (self->tls_certificate != NULL)
        start_tls (self, connection, peer);
      else
        handle_connection (self, G_IO_STREAM (connection), connection, peer);
    }

  return G_IO_IN;   /* for the server's whole life */
}

static void
listener_watch (Listener *listener)
{
  GCoroScheduler *scheduler = _gcoro_scheduler_get_for_thread_default ();

  if (_gcoro_io_watch_is_registered (&listener->watch))
    return;
  if (scheduler == NULL ||
      !_gcoro_io_watch_init (&listener->watch, scheduler, g_socket_get_fd (listener->socket),
                             listener_ready))
    {
      g_critical ("GCoroStreamServer: cannot watch a listening socket on this context");
      return;
    }
  _gcoro_io_watch_want (&listener->watch, G_IO_IN);
}

static void
listener_free (gpointer data)
{
  Listener *listener = data;

  _gcoro_io_watch_clear (&listener->watch);
  g_object_unref (listener->socket);
  g_free (listener);
}

/**
 * gcoro_stream_server_start:
 * @self: a #GCoroStreamServer
 *
 * Starts accepting connections, on the thread-default context.
 */
void
gcoro_stream_server_start (GCoroStreamServer *self)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  if (self->started || self->closed)
    return;
  self->started = TRUE;
  for (guint i = 0; i < self->listeners->len; i++)
    listener_watch (g_ptr_array_index (self->listeners, i));
}

/**
 * gcoro_stream_server_close:
 * @self: a #GCoroStreamServer
 *
 * Stops accepting connections and releases the listening sockets.
 * Handlers already running go on (see gcoro_stream_server_wait_closed()).
 */
void
gcoro_stream_server_close (GCoroStreamServer *self)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  self->closed = TRUE;
  g_ptr_array_set_size (self->listeners, 0);   /* registrations first */
  g_cancellable_cancel (self->handshakes);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
}

/**
 * gcoro_stream_server_abort:
 * @self: a #GCoroStreamServer
 *
 * Closes @self and cancels every running handler.
 */
void
gcoro_stream_server_abort (GCoroStreamServer *self)
{
  GHashTableIter iter;
  gpointer future;

  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  gcoro_stream_server_close (self);
  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, &future, NULL))
    gcoro_future_cancel (future);
}

/**
 * gcoro_stream_server_wait_closed: (skip)
 * @self: a #GCoroStreamServer
 * @error: return location for a #GError
 *
 * Suspends the calling fiber task until no handler runs any more (after
 * gcoro_stream_server_close() or _abort(), that is until all are done).
 *
 * Returns: %TRUE, or %FALSE if the waiting task was cancelled
 */
gboolean
gcoro_stream_server_wait_closed (GCoroStreamServer  *self,
                                 GError            **error)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), FALSE);

  while (g_hash_table_size (self->live) > 0)
    {
      g_autoptr(GCoroPromise) idle = NULL;

      if (self->idle == NULL)
        self->idle = gcoro_promise_new ();
      idle = g_object_ref (self->idle);
      if (!gcoro_await (GCORO_FUTURE (idle), error))
        return FALSE;
    }
  return TRUE;
}

static void
wait_closed_body (GCoroTask *task,
                  gpointer   data)
{
  GError *error = NULL;

  if (!gcoro_stream_server_wait_closed (data, &error))
    gcoro_task_return_error (task, error);
}

/**
 * gcoro_stream_server_wait_closed_async:
 * @self: a #GCoroStreamServer
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (nullable): called once no handler runs
 * @user_data: data for @callback
 *
 * The GIO-style form of gcoro_stream_server_wait_closed().
 */
void
gcoro_stream_server_wait_closed_async (GCoroStreamServer   *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  gcoro_operation_start_async (self, wait_closed_body, g_object_ref (self), g_object_unref,
                               cancellable, callback, user_data,
                               gcoro_stream_server_wait_closed_async);
}

/**
 * gcoro_stream_server_wait_closed_finish:
 * @self: a #GCoroStreamServer
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes gcoro_stream_server_wait_closed_async().
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
gcoro_stream_server_wait_closed_finish (GCoroStreamServer  *self,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  return gcoro_operation_finish (result, gcoro_stream_server_wait_closed_async, NULL, error);
}

/* gcoro-stream-server.c: one task per connection, on GSocketService
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroStreamServer:
 *
 * A stream server like asyncio's `start_server()`, on [class@Gio.SocketService]:
 * every accepted connection gets a task of its own, running a handler with
 * a [class@GCoro.Stream].
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
 *   returns. Language bindings connect to [signal@GCoro.StreamServer::incoming]
 *   instead and return the future of their own handling (a Python task
 *   from `GCoro.spawn()`, a GJS generator task).
 * - The peer's address is in a context variable,
 *   [func@GCoro.StreamServer.get_peer_var], for the handler and everything it
 *   spawns, as Python's contextvars would carry it.
 * - A handler that fails is logged with its peer; the server goes on.
 * - With [method@GCoro.StreamServer.set_tls_certificate] it serves TLS: the
 *   handshake comes first and the handler reads and writes plain text.
 * - [method@GCoro.StreamServer.set_max_connections] refuses (closes) connections
 *   past a limit. [method@GCoro.StreamServer.close] stops accepting;
 *   [method@GCoro.StreamServer.wait_closed] then waits for the handlers
 *   (graceful); [method@GCoro.StreamServer.abort] also cancels them.
 * - [method@GCoro.StreamServer.serve_forever] (and its twin, for bindings) is a
 *   server program's main loop: it serves until SIGINT or SIGTERM, then
 *   shuts down in order (stop accepting, a grace period for the handlers,
 *   cancel the rest, close) and returns, so that main() can exit 0.
 *
 * A client can hold nothing for long that it did not pay for:
 *
 * - [property@GCoro.StreamServer:idle-timeout] closes a connection whose peer sent
 *   nothing for that long while its handler waited to read (the read fails
 *   with [G_IO_ERROR_TIMED_OUT][error@Gio.IOErrorEnum]);
 * - over TLS, a connection costs a socket and a registration until the
 *   client's first flight (its whole ClientHello record) has arrived: no
 *   TLS state, no thread. Then the handshake runs, at most
 *   [property@GCoro.StreamServer:max-handshakes] at a time, and all of it, from the
 *   accept on, within [property@GCoro.StreamServer:tls-handshake-timeout] (60 s, as
 *   asyncio's `ssl_handshake_timeout`);
 * - closing a connection (flushing what is buffered, the TLS close_notify)
 *   takes at most [property@GCoro.StreamServer:shutdown-timeout] (30 s, as asyncio's
 *   `ssl_shutdown_timeout`); past it the rest is dropped;
 * - when accept() runs out of file descriptors (EMFILE, ENFILE) the server
 *   stops accepting for a moment, warns at most every ten seconds, and
 *   resumes by itself; the clients already connected are served meanwhile
 *   and the new ones wait in the kernel's backlog.
 *
 * [class@Gio.SocketService] holds the listening sockets (binding, unix paths,
 * ephemeral ports, closing). Accepting is the server's own: each listening
 * socket has one readiness registration for the server's life (see
 * [enum@GCoro.Backend]), and every wake-up accepts all pending connections with
 * non-blocking accept() calls. GSocketService's own accept loop attaches
 * and destroys a GSource per connection, and on GLib's poll that costs
 * time in proportion to the sockets already open.
 *
 * Used from the thread of the context it was started on.
 */


/* NOTES
 *
 * A TLS server's connections before their handshake have their own file,
 * gcoro-tls-gate.c, and notes.
 *
 * Why back off on EMFILE instead of shedding with a reserve descriptor
 * (libuv's way): a pending connection stays in the kernel's backlog and
 * is served once descriptors are free again, instead of being accepted
 * and closed at once; the listening socket's registration asks for
 * nothing meanwhile, so neither backend spins on a listening socket that
 * stays readable.
 */

#include "gcoro-config.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gio/gunixsocketaddress.h>
#ifdef G_OS_UNIX
# include <glib-unix.h>
#endif

#include "gcoro-async.h"
#include "gcoro-await.h"
#include "gcoro-backend.h"
#include "gcoro-context.h"
#include "gcoro-operation.h"
#include "gcoro-promise.h"
#include "gcoro-stream-server.h"
#include "gcoro-task.h"
#include "gcoro-timeout.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-io-watch-private.h"
#include "gcoro-tls-gate-private.h"

#define DEFAULT_TLS_HANDSHAKE_TIMEOUT (60 * 1000)
#define DEFAULT_MAX_HANDSHAKES        8
#define DEFAULT_SHUTDOWN_TIMEOUT      (30 * 1000)
#define DEFAULT_GRACE_PERIOD          (10 * 1000)

/* Accepting pauses this long after EMFILE, doubling up to the maximum. */
#define ACCEPT_BACKOFF_MIN_MS         100
#define ACCEPT_BACKOFF_MAX_MS         1000
#define FD_WARNING_INTERVAL_US        (10 * G_USEC_PER_SEC)
/* Past this many connections on the glib backend, say once what it costs. */
#define GLIB_BACKEND_HINT_AT          1000

/* A listening socket and its registration. */
typedef struct
{
  GCoroIOWatch        watch;      /* first: the watch function finds us */
  GCoroTimer          backoff;    /* armed while accepting pauses */
  GSocket            *socket;
  GCoroStreamServer  *server;     /* not owned */
  guint               backoff_msec;
} Listener;

static void listener_watch (Listener *listener);
static void listener_stop  (Listener *listener);
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
  guint               idle_timeout;
  guint               shutdown_timeout;
  guint               grace_period;
  GHashTable         *live;              /* GCoroFuture -> peer string */
  GPtrArray          *listeners;         /* Listener *, owned */
  GCoroTlsGate        gate;              /* TLS: connections before their handler */
  GCoroScheduler     *scheduler;         /* of the context it was started on */
  gboolean            started;
  GCoroPromise       *idle;              /* resolved when no connection is left */
  GCoroPromise       *stopping;          /* resolved by close() or a signal */
  gboolean            closed;
  gint64              next_fd_warning;
  guint               fd_failures;       /* since the last warning */
};

/* A connection's future that the server waits for. */
typedef struct
{
  GCoroStreamServer *server;
  GCoroStream       *stream;   /* a binding handler's, closed when it ends */
} Tracked;

enum
{
  PROP_0,
  PROP_MAX_CONNECTIONS,
  PROP_IDLE_TIMEOUT,
  PROP_TLS_HANDSHAKE_TIMEOUT,
  PROP_MAX_HANDSHAKES,
  PROP_SHUTDOWN_TIMEOUT,
  PROP_GRACE_PERIOD,
  PROP_TLS_CERTIFICATE,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum { SIGNAL_INCOMING, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (GCoroStreamServer, gcoro_stream_server, G_TYPE_OBJECT)

static void gate_passed (GCoroTlsGate   *gate,
                         GIOStream      *tls,
                         GSocketAddress *peer);
static void gate_ended  (GCoroTlsGate   *gate);

/* Closes what is not a handler's yet: listening sockets, connections
 * before their handshake; handshakes in progress are cancelled (their
 * callbacks end them). */
static void
stop_accepting (GCoroStreamServer *self)
{
  self->closed = TRUE;
  /* Registrations first. The listeners themselves stay until finalize:
   * this may run inside a listener's own watch function (a binding's
   * incoming handler that closes the server), and a watch must outlive
   * its function's return. */
  for (guint i = 0; i < self->listeners->len; i++)
    listener_stop (g_ptr_array_index (self->listeners, i));
  _gcoro_tls_gate_close (&self->gate);
  if (self->service != NULL)
    g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  if (self->stopping != NULL)
    gcoro_promise_resolve (self->stopping, NULL);
}

static void
gcoro_stream_server_dispose (GObject *object)
{
  GCoroStreamServer *self = GCORO_STREAM_SERVER (object);

  if (self->service != NULL)
    {
      stop_accepting (self);
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
  _gcoro_tls_gate_clear (&self->gate);
  g_clear_object (&self->idle);
  g_clear_object (&self->stopping);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (gcoro_stream_server_parent_class)->finalize (object);
}

static void
gcoro_stream_server_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  GCoroStreamServer *self = GCORO_STREAM_SERVER (object);

  switch (prop_id)
    {
    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    case PROP_TLS_HANDSHAKE_TIMEOUT:
      g_value_set_uint (value, self->gate.handshake_timeout);
      break;
    case PROP_MAX_HANDSHAKES:
      g_value_set_uint (value, self->gate.max_handshakes);
      break;
    case PROP_SHUTDOWN_TIMEOUT:
      g_value_set_uint (value, self->shutdown_timeout);
      break;
    case PROP_GRACE_PERIOD:
      g_value_set_uint (value, self->grace_period);
      break;
    case PROP_TLS_CERTIFICATE:
      g_value_set_object (value, gcoro_stream_server_get_tls_certificate (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_stream_server_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  GCoroStreamServer *self = GCORO_STREAM_SERVER (object);

  switch (prop_id)
    {
    case PROP_MAX_CONNECTIONS:
      gcoro_stream_server_set_max_connections (self, g_value_get_uint (value));
      break;
    case PROP_IDLE_TIMEOUT:
      gcoro_stream_server_set_idle_timeout (self, g_value_get_uint (value));
      break;
    case PROP_TLS_HANDSHAKE_TIMEOUT:
      gcoro_stream_server_set_tls_handshake_timeout (self, g_value_get_uint (value));
      break;
    case PROP_MAX_HANDSHAKES:
      gcoro_stream_server_set_max_handshakes (self, g_value_get_uint (value));
      break;
    case PROP_SHUTDOWN_TIMEOUT:
      gcoro_stream_server_set_shutdown_timeout (self, g_value_get_uint (value));
      break;
    case PROP_GRACE_PERIOD:
      gcoro_stream_server_set_grace_period (self, g_value_get_uint (value));
      break;
    case PROP_TLS_CERTIFICATE:
      gcoro_stream_server_set_tls_certificate (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_stream_server_class_init (GCoroStreamServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = gcoro_stream_server_dispose;
  object_class->finalize = gcoro_stream_server_finalize;
  object_class->get_property = gcoro_stream_server_get_property;
  object_class->set_property = gcoro_stream_server_set_property;

  /**
   * GCoroStreamServer:max-connections:
   *
   * The most connections held at once (handlers running, closing, and
   * TLS connections before their handler), or 0 for no limit. A
   * connection past the limit is closed as soon as it is accepted.
   */
  props[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * GCoroStreamServer:idle-timeout:
   *
   * The idle timeout of every connection's stream, in milliseconds
   * (0, the default: none): see [method@GCoro.Stream.set_idle_timeout]. A read
   * that waited this long for the peer fails with [G_IO_ERROR_TIMED_OUT][error@Gio.IOErrorEnum].
   */
  props[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * GCoroStreamServer:tls-handshake-timeout:
   *
   * How long a TLS client has, from its connection on, to complete the
   * handshake, in milliseconds (0: no limit). The default, 60 seconds, is
   * asyncio's `ssl_handshake_timeout`. A connection past it is closed and
   * logged.
   */
  props[PROP_TLS_HANDSHAKE_TIMEOUT] =
    g_param_spec_uint ("tls-handshake-timeout", NULL, NULL, 0, G_MAXUINT,
                       DEFAULT_TLS_HANDSHAKE_TIMEOUT, flags);

  /**
   * GCoroStreamServer:max-handshakes:
   *
   * The most TLS handshakes in progress at once (at least 1; 8 by
   * default). Each holds a thread of GIO's shared pool for blocking work
   * (ten threads, grown slowly), so the default stays below it. A
   * connection whose ClientHello is complete waits for a place (the newest
   * first); while one waits, a handshake that has gone on for half a
   * second gives its place up.
   */
  props[PROP_MAX_HANDSHAKES] =
    g_param_spec_uint ("max-handshakes", NULL, NULL, 1, G_MAXUINT,
                       DEFAULT_MAX_HANDSHAKES, flags);

  /**
   * GCoroStreamServer:shutdown-timeout:
   *
   * How long closing a connection after its handler may take, in
   * milliseconds (0: no limit): sending what is still buffered and, over
   * TLS, the close_notify alert. Past it the rest is dropped. The default,
   * 30 seconds, is asyncio's `ssl_shutdown_timeout`.
   */
  props[PROP_SHUTDOWN_TIMEOUT] =
    g_param_spec_uint ("shutdown-timeout", NULL, NULL, 0, G_MAXUINT,
                       DEFAULT_SHUTDOWN_TIMEOUT, flags);

  /**
   * GCoroStreamServer:grace-period:
   *
   * How long [method@GCoro.StreamServer.serve_forever] lets the handlers finish
   * after SIGINT or SIGTERM before it cancels them, in milliseconds (10
   * seconds by default).
   */
  props[PROP_GRACE_PERIOD] =
    g_param_spec_uint ("grace-period", NULL, NULL, 0, G_MAXUINT,
                       DEFAULT_GRACE_PERIOD, flags);

  /**
   * GCoroStreamServer:tls-certificate: (getter get_tls_certificate) (setter set_tls_certificate)
   *
   * The server's certificate, with its private key, or %NULL (the
   * default) for plain connections: see
   * [method@GCoro.StreamServer.set_tls_certificate].
   */
  props[PROP_TLS_CERTIFICATE] =
    g_param_spec_object ("tls-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE, flags);

  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * GCoroStreamServer::incoming:
   * @self: the server
   * @stream: the new connection
   *
   * Emitted for every accepted connection when no C handler is set, with
   * the peer's address already in [func@GCoro.StreamServer.get_peer_var]. The
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
  _gcoro_tls_gate_init (&self->gate, G_OBJECT (self), gate_passed, gate_ended);
  self->gate.handshake_timeout = DEFAULT_TLS_HANDSHAKE_TIMEOUT;
  self->gate.max_handshakes = DEFAULT_MAX_HANDSHAKES;
  self->shutdown_timeout = DEFAULT_SHUTDOWN_TIMEOUT;
  self->grace_period = DEFAULT_GRACE_PERIOD;
}

/**
 * gcoro_stream_server_get_peer_var:
 *
 * The context variable that holds the peer's [class@Gio.SocketAddress] in every
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
 * Returns: (transfer full): a new [class@GCoro.StreamServer]
 */
GCoroStreamServer *
gcoro_stream_server_new (void)
{
  return g_object_new (GCORO_TYPE_STREAM_SERVER, NULL);
}

/**
 * gcoro_stream_server_set_handler: (skip)
 * @self: a [class@GCoro.StreamServer]
 * @handler: the body of every connection's fiber task
 * @user_data: data for @handler
 * @notify: (nullable): frees @user_data with the server
 *
 * Sets the C handler. Bindings use [signal@GCoro.StreamServer::incoming] instead.
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
 * @self: a [class@GCoro.StreamServer]
 * @host: a literal IP address to bind to, such as "127.0.0.1" or "::1"
 * @port: the port, or 0 for any free one (see [method@GCoro.StreamServer.get_port])
 * @error: return location for a [struct@GLib.Error]
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
 * @self: a [class@GCoro.StreamServer]
 * @path: the path of the socket to create
 * @error: return location for a [struct@GLib.Error]
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
 * @self: a [class@GCoro.StreamServer]
 * @certificate: (nullable): the server's certificate, with its private
 *   key ([ctor@Gio.TlsCertificate.new_from_files]), or %NULL for plain
 *   connections
 *
 * Serves TLS: every accepted connection first goes through the handshake
 * (a failed one is logged with the peer and closed; the server goes on),
 * and the handler gets a [class@GCoro.Stream] over the [class@Gio.TlsConnection]. The
 * handshake starts once the client's whole ClientHello has arrived, at
 * most [property@GCoro.StreamServer:max-handshakes] at a time, and must end within
 * [property@GCoro.StreamServer:tls-handshake-timeout] of the connection. Applies to
 * connections accepted from now on. Needs a TLS backend (glib-networking).
 */
void
gcoro_stream_server_set_tls_certificate (GCoroStreamServer *self,
                                         GTlsCertificate   *certificate)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (g_set_object (&self->gate.certificate, certificate))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TLS_CERTIFICATE]);
}

/**
 * gcoro_stream_server_get_tls_certificate:
 * @self: a [class@GCoro.StreamServer]
 *
 * Gets the certificate @self serves TLS with.
 *
 * Returns: (transfer none) (nullable): the certificate TLS is served with
 */
GTlsCertificate *
gcoro_stream_server_get_tls_certificate (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), NULL);

  return self->gate.certificate;
}

/**
 * gcoro_stream_server_get_port:
 * @self: a [class@GCoro.StreamServer]
 *
 * Gets the TCP port @self listens on.
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
 * @self: a [class@GCoro.StreamServer]
 * @max: the most connections held at once, or 0 for no limit
 *
 * Sets [property@GCoro.StreamServer:max-connections]: connections past the limit are
 * closed as soon as they are accepted.
 */
void
gcoro_stream_server_set_max_connections (GCoroStreamServer *self,
                                         guint              max)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  if (self->max_connections == max)
    return;
  self->max_connections = max;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MAX_CONNECTIONS]);
}

/**
 * gcoro_stream_server_get_max_connections:
 * @self: a [class@GCoro.StreamServer]
 *
 * Gets [property@GCoro.StreamServer:max-connections].
 *
 * Returns: the most connections held at once (0: no limit)
 */
guint
gcoro_stream_server_get_max_connections (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), 0);

  return self->max_connections;
}

/**
 * gcoro_stream_server_set_idle_timeout:
 * @self: a [class@GCoro.StreamServer]
 * @timeout_msec: how long a read may wait for the peer, in milliseconds, or 0
 *
 * Sets [property@GCoro.StreamServer:idle-timeout], for connections accepted from now on.
 */
void
gcoro_stream_server_set_idle_timeout (GCoroStreamServer *self,
                                      guint              timeout_msec)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  if (self->idle_timeout == timeout_msec)
    return;
  self->idle_timeout = timeout_msec;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IDLE_TIMEOUT]);
}

/**
 * gcoro_stream_server_get_idle_timeout:
 * @self: a [class@GCoro.StreamServer]
 *
 * Gets [property@GCoro.StreamServer:idle-timeout].
 *
 * Returns: the idle timeout of new connections, in milliseconds (0: none)
 */
guint
gcoro_stream_server_get_idle_timeout (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), 0);

  return self->idle_timeout;
}

/**
 * gcoro_stream_server_set_tls_handshake_timeout:
 * @self: a [class@GCoro.StreamServer]
 * @timeout_msec: how long a client has for the TLS handshake, in milliseconds, or 0
 *
 * Sets [property@GCoro.StreamServer:tls-handshake-timeout], for connections accepted
 * from now on.
 */
void
gcoro_stream_server_set_tls_handshake_timeout (GCoroStreamServer *self,
                                               guint              timeout_msec)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  if (self->gate.handshake_timeout == timeout_msec)
    return;
  self->gate.handshake_timeout = timeout_msec;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TLS_HANDSHAKE_TIMEOUT]);
}

/**
 * gcoro_stream_server_get_tls_handshake_timeout:
 * @self: a [class@GCoro.StreamServer]
 *
 * Gets [property@GCoro.StreamServer:tls-handshake-timeout].
 *
 * Returns: the TLS handshake timeout, in milliseconds (0: none)
 */
guint
gcoro_stream_server_get_tls_handshake_timeout (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), 0);

  return self->gate.handshake_timeout;
}

/**
 * gcoro_stream_server_set_max_handshakes:
 * @self: a [class@GCoro.StreamServer]
 * @max: the most TLS handshakes in progress at once (at least 1)
 *
 * Sets [property@GCoro.StreamServer:max-handshakes].
 */
void
gcoro_stream_server_set_max_handshakes (GCoroStreamServer *self,
                                        guint              max)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));
  g_return_if_fail (max > 0);

  if (self->gate.max_handshakes == max)
    return;
  self->gate.max_handshakes = max;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MAX_HANDSHAKES]);
}

/**
 * gcoro_stream_server_get_max_handshakes:
 * @self: a [class@GCoro.StreamServer]
 *
 * Gets [property@GCoro.StreamServer:max-handshakes].
 *
 * Returns: the most TLS handshakes in progress at once
 */
guint
gcoro_stream_server_get_max_handshakes (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), 0);

  return self->gate.max_handshakes;
}

/**
 * gcoro_stream_server_set_shutdown_timeout:
 * @self: a [class@GCoro.StreamServer]
 * @timeout_msec: how long closing a connection may take, in milliseconds, or 0
 *
 * Sets [property@GCoro.StreamServer:shutdown-timeout].
 */
void
gcoro_stream_server_set_shutdown_timeout (GCoroStreamServer *self,
                                          guint              timeout_msec)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  if (self->shutdown_timeout == timeout_msec)
    return;
  self->shutdown_timeout = timeout_msec;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SHUTDOWN_TIMEOUT]);
}

/**
 * gcoro_stream_server_get_shutdown_timeout:
 * @self: a [class@GCoro.StreamServer]
 *
 * Gets [property@GCoro.StreamServer:shutdown-timeout].
 *
 * Returns: how long closing a connection may take, in milliseconds (0: no limit)
 */
guint
gcoro_stream_server_get_shutdown_timeout (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), 0);

  return self->shutdown_timeout;
}

/**
 * gcoro_stream_server_set_grace_period:
 * @self: a [class@GCoro.StreamServer]
 * @period_msec: how long handlers may finish after a signal, in milliseconds
 *
 * Sets [property@GCoro.StreamServer:grace-period].
 */
void
gcoro_stream_server_set_grace_period (GCoroStreamServer *self,
                                      guint              period_msec)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  if (self->grace_period == period_msec)
    return;
  self->grace_period = period_msec;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_GRACE_PERIOD]);
}

/**
 * gcoro_stream_server_get_grace_period:
 * @self: a [class@GCoro.StreamServer]
 *
 * Gets [property@GCoro.StreamServer:grace-period].
 *
 * Returns: the grace period of [method@GCoro.StreamServer.serve_forever], in
 *   milliseconds
 */
guint
gcoro_stream_server_get_grace_period (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), 0);

  return self->grace_period;
}

/**
 * gcoro_stream_server_get_n_connections:
 * @self: a [class@GCoro.StreamServer]
 *
 * Gets how many connections @self holds.
 *
 * Returns: the connections held: handlers running or closing, and TLS
 *   connections before their handler
 */
guint
gcoro_stream_server_get_n_connections (GCoroStreamServer *self)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), 0);

  return g_hash_table_size (self->live) + _gcoro_tls_gate_get_n_connections (&self->gate);
}

static void
check_idle (GCoroStreamServer *self)
{
  if (gcoro_stream_server_get_n_connections (self) == 0 && self->idle != NULL)
    {
      gcoro_promise_resolve (self->idle, NULL);
      g_clear_object (&self->idle);
    }
}

/* --- a connection's handling, then its closing ------------------------------------ */

/* Closes @stream within the server's shutdown timeout, from a fiber task:
 * past it (or if the task is cancelled) what is left is dropped. */
static void
close_connection (GCoroStreamServer *self,
                  GCoroStream       *stream)
{
  GCoroTimeoutScope *scope = NULL;

  if (self->shutdown_timeout > 0)
    scope = gcoro_timeout_scope_enter (self->shutdown_timeout);
  gcoro_stream_close (stream, NULL);
  if (scope != NULL)
    gcoro_timeout_scope_leave (scope, NULL);
}

typedef struct
{
  GCoroStreamServer *server;
  GCoroStream       *stream;
  gboolean           abrupt;   /* its handling was cancelled */
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
closing_body (GCoroTask *task,
              gpointer   data)
{
  Connection *c = data;

  /* A cancelled handling gets a cancelled close, as a C handler's task
   * does: what it did not flush itself (in a shield) is dropped. */
  if (c->abrupt)
    gcoro_task_cancel (task);
  close_connection (c->server, c->stream);
}

static void track (GCoroStreamServer *self,
                   GCoroFuture       *future,
                   char              *peer,
                   GCoroStream       *stream);

/* Closes @stream in a task of its own: what is buffered is sent (within
 * the shutdown timeout; dropped if @abrupt), then the peer reads EOF. The
 * connection counts, and wait_closed() waits, until then. Takes @peer. */
static void
start_closing (GCoroStreamServer *self,
               GCoroStream       *stream,
               char              *peer,
               gboolean           abrupt)
{
  Connection *c = g_new0 (Connection, 1);
  GCoroSpawnOptions opts = { .name = "closing connection" };
  g_autoptr(GCoroTask) closing = NULL;

  c->server = g_object_ref (self);
  c->stream = g_object_ref (stream);
  c->abrupt = abrupt;
  closing = gcoro_spawn_full (&opts, closing_body, c, connection_free);
  track (self, GCORO_FUTURE (closing), peer, NULL);
}

static void
handling_settled (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  GCoroFuture *future = GCORO_FUTURE (source);   /* the result holds it */
  Tracked *t = data;
  GCoroStreamServer *self = t->server;
  char *peer = NULL;

  g_hash_table_steal_extended (self->live, future, NULL, (gpointer *) &peer);
  if (gcoro_future_get_state (future) == GCORO_FUTURE_REJECTED)
    g_message ("The handler of the connection from %s failed: %s",
               peer ? peer : "an unknown peer", gcoro_future_peek_error (future)->message);

  /* A binding handler's future settled, however it did. */
  if (t->stream != NULL)
    start_closing (self, t->stream, g_steal_pointer (&peer),
                   gcoro_future_get_state (future) == GCORO_FUTURE_CANCELLED);
  g_clear_object (&t->stream);

  g_free (peer);
  g_object_unref (future);   /* the table's */
  check_idle (self);
  g_free (t);
  g_object_unref (self);
}

/* Tracks @future (the handling of a connection, then its closing); takes
 * @peer. */
static void
track (GCoroStreamServer *self,
       GCoroFuture       *future,
       char              *peer,
       GCoroStream       *stream)
{
  Tracked *t = g_new0 (Tracked, 1);

  g_hash_table_insert (self->live, g_object_ref (future), peer);
  t->server = g_object_ref (self);
  t->stream = stream != NULL ? g_object_ref (stream) : NULL;
  gcoro_future_wait_async (future, NULL, handling_settled, t);
}

static void
handler_body (GCoroTask *task,
              gpointer   data)
{
  Connection *c = data;

  c->server->handler (c->stream, c->server->handler_data);
  close_connection (c->server, c->stream);
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

static gboolean
at_capacity (GCoroStreamServer *self)
{
  return self->max_connections > 0 &&
         gcoro_stream_server_get_n_connections (self) >= self->max_connections;
}

/* Starts the handling of @io (the connection, or TLS over it); @peer is
 * the connection's remote address, read once at accept. */
static void
handle_connection (GCoroStreamServer *self,
                   GIOStream         *io,
                   GSocketAddress    *peer)
{
  g_autoptr(GCoroContext) context = NULL;
  Start s = { self, NULL, peer, NULL };

  s.stream = gcoro_stream_new (io);
  gcoro_stream_set_idle_timeout (s.stream, self->idle_timeout);

  context = gcoro_context_copy_current ();
  gcoro_context_run (context, start_handling, &s, NULL);

  if (s.future != NULL)
    {
      track (self, s.future, _gcoro_tls_gate_describe_peer (peer), self->handler == NULL ? s.stream : NULL);
      g_object_unref (s.future);
    }
  else
    start_closing (self, s.stream, _gcoro_tls_gate_describe_peer (peer), FALSE);   /* handler returned NULL */

  g_clear_object (&s.stream);
}

/* A TLS client's handshake succeeded. */
static void
gate_passed (GCoroTlsGate   *gate,
             GIOStream      *tls,
             GSocketAddress *peer)
{
  GCoroStreamServer *self = G_STRUCT_MEMBER_P (gate, -G_STRUCT_OFFSET (GCoroStreamServer, gate));

  handle_connection (self, tls, peer);
}

/* A TLS client's handshake ended: the connections may be all gone. */
static void
gate_ended (GCoroTlsGate *gate)
{
  check_idle (G_STRUCT_MEMBER_P (gate, -G_STRUCT_OFFSET (GCoroStreamServer, gate)));
}

/* --- accepting ---------------------------------------------------------------------- */

static void
warn_out_of_descriptors (Listener *listener,
                         int       saved_errno)
{
  GCoroStreamServer *self = listener->server;
  gint64 now = g_get_monotonic_time ();

  self->fd_failures++;
  if (now < self->next_fd_warning)
    return;
  g_warning ("GCoroStreamServer: accept() failed: %s; not accepting for %u ms, new clients wait "
             "in the backlog (%u time%s since the last warning; raise the limit, ulimit -n, or "
             "lower max-connections). This warning comes at most every %d s.",
             g_strerror (saved_errno), listener->backoff_msec, self->fd_failures,
             self->fd_failures == 1 ? "" : "s", (int) (FD_WARNING_INTERVAL_US / G_USEC_PER_SEC));
  self->fd_failures = 0;
  self->next_fd_warning = now + FD_WARNING_INTERVAL_US;
}

/* The glib backend polls every socket at every iteration: with thousands
 * of connections a server falls off a cliff (docs/overview.md has the
 * figures). Said once per process, when it gets there. */
static void
hint_at_the_cliff (GCoroStreamServer *self)
{
  static gint told;
  guint n = gcoro_stream_server_get_n_connections (self);

  if (G_LIKELY (n < GLIB_BACKEND_HINT_AT) || g_atomic_int_get (&told) ||
      gcoro_get_backend () != GCORO_BACKEND_GLIB || !g_atomic_int_compare_and_exchange (&told, 0, 1))
    return;
  g_message ("GCoroStreamServer: %u connections on the glib socket backend, which looks at every "
             "one of them at each main-loop iteration (1,000 idle connections cut an echo server "
             "to a seventh of its speed); the epoll backend does not: GCORO_BACKEND=epoll, or "
             "gcoro_set_backend() before anything else", n);
}

/* Accepts every pending connection (the epoll backend reports edges, so
 * it must reach EAGAIN). FALSE when accepting pauses. */
static gboolean
accept_all (Listener *listener)
{
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
          if (saved == EAGAIN || saved == EWOULDBLOCK)
            break;
          if (saved == EMFILE || saved == ENFILE || saved == ENOBUFS || saved == ENOMEM)
            {
              /* Pause: the clients already here go on being served. */
              listener->backoff_msec = listener->backoff_msec == 0
                                       ? ACCEPT_BACKOFF_MIN_MS
                                       : MIN (listener->backoff_msec * 2, ACCEPT_BACKOFF_MAX_MS);
              warn_out_of_descriptors (listener, saved);
              _gcoro_scheduler_add_timer (self->scheduler, &listener->backoff,
                                          g_get_monotonic_time () + (gint64) listener->backoff_msec * 1000);
              return FALSE;
            }
          g_warning ("GCoroStreamServer: accept() failed: %s", g_strerror (saved));
          break;
        }
      listener->backoff_msec = 0;

      socket = g_socket_new_from_fd (fd, &error);
      if (socket == NULL)
        {
          g_warning ("GCoroStreamServer: an accepted socket was refused: %s", error->message);
          close (fd);
          continue;
        }
      connection = g_socket_connection_factory_create_connection (socket);
      if (at_capacity (self))
        {
          g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
          continue;
        }
      peer = g_socket_connection_get_remote_address (connection, NULL);
      if (self->gate.certificate != NULL)
        _gcoro_tls_gate_greet (&self->gate, connection, peer);
      else
        handle_connection (self, G_IO_STREAM (connection), peer);
      hint_at_the_cliff (self);
    }

  return TRUE;
}

/* The listening socket is readable. */
static GIOCondition
listener_ready (GCoroIOWatch *watch,
                GIOCondition  ready)
{
  Listener *listener = (Listener *) watch;

  if (_gcoro_timer_is_armed (&listener->backoff))
    return 0;   /* pausing: the timer resumes */
  if (!accept_all (listener))
    return 0;
  return G_IO_IN;
}

static void
backoff_ended (GCoroTimer *timer)
{
  Listener *listener = G_STRUCT_MEMBER_P (timer, -G_STRUCT_OFFSET (Listener, backoff));

  /* Edges may have come and gone meanwhile: try, then ask again. */
  if (accept_all (listener) && !listener->server->closed)
    _gcoro_io_watch_want (&listener->watch, G_IO_IN);
}

static void
listener_watch (Listener *listener)
{
  GCoroScheduler *scheduler = listener->server->scheduler;

  if (_gcoro_io_watch_is_registered (&listener->watch))
    return;
  listener->backoff.func = backoff_ended;
  if (scheduler == NULL ||
      !_gcoro_io_watch_init (&listener->watch, _gcoro_scheduler_get_poller (scheduler),
                             g_socket_get_fd (listener->socket),
                             listener_ready))
    {
      g_critical ("GCoroStreamServer: cannot watch a listening socket on this context");
      return;
    }
  _gcoro_io_watch_want (&listener->watch, G_IO_IN);
}

/* Accepts no more: the registration and the back-off end. */
static void
listener_stop (Listener *listener)
{
  if (listener->server->scheduler != NULL)
    _gcoro_scheduler_remove_timer (listener->server->scheduler, &listener->backoff);
  _gcoro_io_watch_clear (&listener->watch);
}

static void
listener_free (gpointer data)
{
  Listener *listener = data;

  listener_stop (listener);
  g_object_unref (listener->socket);
  g_free (listener);
}

/**
 * gcoro_stream_server_start:
 * @self: a [class@GCoro.StreamServer]
 *
 * Starts accepting connections, on the thread-default context.
 */
void
gcoro_stream_server_start (GCoroStreamServer *self)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  if (self->started || self->closed)
    return;
  self->scheduler = gcoro_scheduler_get_default ();
  if (self->scheduler == NULL)
    {
      g_critical ("%s(): no scheduler can run on this thread's context", G_STRFUNC);
      return;
    }
  g_object_ref (self->scheduler);
  self->gate.scheduler = self->scheduler;
  self->started = TRUE;
  for (guint i = 0; i < self->listeners->len; i++)
    listener_watch (g_ptr_array_index (self->listeners, i));
}

/**
 * gcoro_stream_server_close:
 * @self: a [class@GCoro.StreamServer]
 *
 * Stops accepting connections and releases the listening sockets; TLS
 * connections still before their handshake are closed, handshakes in
 * progress cancelled. Handlers already running go on (see
 * [method@GCoro.StreamServer.wait_closed]).
 */
void
gcoro_stream_server_close (GCoroStreamServer *self)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  self->closed = TRUE;
  stop_accepting (self);
  check_idle (self);
}

/**
 * gcoro_stream_server_abort:
 * @self: a [class@GCoro.StreamServer]
 *
 * Closes @self and cancels every running handler.
 */
void
gcoro_stream_server_abort (GCoroStreamServer *self)
{
  g_autoptr(GPtrArray) futures = NULL;
  GHashTableIter iter;
  gpointer future;

  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  gcoro_stream_server_close (self);
  /* Cancelling may settle a future at once, which changes the table. */
  futures = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, &future, NULL))
    g_ptr_array_add (futures, g_object_ref (future));
  for (guint i = 0; i < futures->len; i++)
    gcoro_future_cancel (g_ptr_array_index (futures, i));
}

/* Waits until no connection is left, or @deadline (-1: none) passes
 * (%G_IO_ERROR_TIMED_OUT). */
static gboolean
wait_idle_until (GCoroStreamServer  *self,
                 gint64              deadline,
                 GError            **error)
{
  while (gcoro_stream_server_get_n_connections (self) > 0)
    {
      g_autoptr(GCoroPromise) idle = NULL;
      gint64 now = g_get_monotonic_time ();
      gboolean ok;

      if (self->idle == NULL)
        self->idle = gcoro_promise_new ();
      idle = g_object_ref (self->idle);
      if (deadline < 0)
        ok = gcoro_await (GCORO_FUTURE (idle), error);
      else if (now >= deadline)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Connections are left");
          return FALSE;
        }
      else
        ok = gcoro_await_timeout (GCORO_FUTURE (idle), (guint) ((deadline - now + 999) / 1000), error);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/**
 * gcoro_stream_server_wait_closed: (skip)
 * @self: a [class@GCoro.StreamServer]
 * @error: return location for a [struct@GLib.Error]
 *
 * Suspends the calling fiber task until no connection is left (after
 * [method@GCoro.StreamServer.close] or _abort(), that is until all are done).
 *
 * Returns: %TRUE, or %FALSE if the waiting task was cancelled
 */
gboolean
gcoro_stream_server_wait_closed (GCoroStreamServer  *self,
                                 GError            **error)
{
  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), FALSE);

  return wait_idle_until (self, -1, error);
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
 * @self: a [class@GCoro.StreamServer]
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once no connection is left
 * @user_data: data for @callback
 *
 * The GIO-style form of [method@GCoro.StreamServer.wait_closed].
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
 * @self: a [class@GCoro.StreamServer]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.StreamServer.wait_closed_async].
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

/* --- serving until a signal ------------------------------------------------------------ */

typedef struct
{
  GCoroStreamServer *server;
  int                signum;
} Stop;

static gboolean
stop_on_signal (gpointer data)
{
  Stop *stop = data;

  if (stop->server->stopping != NULL)
    gcoro_promise_resolve (stop->server->stopping, NULL);
  return G_SOURCE_CONTINUE;
}

/* Watches @signum on the thread-default context while serving. */
static GSource *
watch_signal (GCoroStreamServer *self,
              int                signum)
{
#ifdef G_OS_UNIX
  GSource *source = g_unix_signal_source_new (signum);
  Stop *stop = g_new0 (Stop, 1);

  stop->server = self;
  stop->signum = signum;
  g_source_set_callback (source, stop_on_signal, stop, g_free);
  g_source_set_static_name (source, "[gcoro] server shutdown signal");
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
#else
  return NULL;
#endif
}

static void
unwatch_signal (GSource *source)
{
  if (source == NULL)
    return;
  g_source_destroy (source);
  g_source_unref (source);
}

/* Stops accepting, lets the handlers finish within the grace period,
 * cancels the rest and waits for them (their closing is bounded by the
 * shutdown timeout). Runs shielded: it must finish. */
static void
shut_down (GCoroStreamServer *self)
{
  g_autoptr(GError) error = NULL;
  guint n;

  gcoro_stream_server_close (self);
  n = gcoro_stream_server_get_n_connections (self);
  if (n == 0)
    return;
  g_message ("GCoroStreamServer: shutting down; waiting up to %u ms for %u connection%s",
             self->grace_period, n, n == 1 ? "" : "s");
  if (wait_idle_until (self, g_get_monotonic_time () + (gint64) self->grace_period * 1000, &error))
    return;
  n = gcoro_stream_server_get_n_connections (self);
  g_message ("GCoroStreamServer: cancelling %u connection%s after the grace period",
             n, n == 1 ? "" : "s");
  gcoro_stream_server_abort (self);
  wait_idle_until (self, -1, NULL);
}

/**
 * gcoro_stream_server_serve_forever: (skip)
 * @self: a [class@GCoro.StreamServer]
 * @error: return location for a [struct@GLib.Error]
 *
 * A server program's main loop, like asyncio's `serve_forever()` under
 * `asyncio.run()`: starts @self if needed and serves from the calling
 * fiber task until SIGINT or SIGTERM arrives (or [method@GCoro.StreamServer.close]
 * is called), then shuts down in order: stops accepting, gives the running
 * handlers [property@GCoro.StreamServer:grace-period] to finish, cancels those left
 * (a handler can say goodbye in a shielded scope) and waits until every
 * connection is closed (each within [property@GCoro.StreamServer:shutdown-timeout]).
 * A program returns 0 from main() after it:
 *
 * |[<!-- language="C" -->
 * static void
 * serve (GCoroTask *task, gpointer server)
 * {
 *   GError *error = NULL;
 *
 *   if (!gcoro_stream_server_serve_forever (server, &error))
 *     gcoro_task_return_error (task, error);
 * }
 *
 * // in main():
 * g_autoptr(GCoroTask) serving = gcoro_spawn (serve, server, NULL);
 * return gcoro_run_until_complete (GCORO_FUTURE (serving), NULL) ? 0 : 1;
 * ]|
 *
 * The signals are watched on the thread-default context (with
 * [func@GLib.unix_signal_source_new]) while it serves. Cancelling the calling task
 * shuts the server down the same way, then fails with
 * [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]. Binding twin:
 * [method@GCoro.StreamServer.serve_forever_async].
 *
 * Returns: %TRUE once shut down, %FALSE with @error set if the task was
 *   cancelled
 */
gboolean
gcoro_stream_server_serve_forever (GCoroStreamServer  *self,
                                   GError            **error)
{
  GCoroTask *task;
  g_autoptr(GCoroPromise) stopping = NULL;
  GError *local_error = NULL;
  GSource *sigint, *sigterm;

  g_return_val_if_fail (GCORO_IS_STREAM_SERVER (self), FALSE);

  task = gcoro_task_get_current ();
  if (task == NULL)
    {
      g_critical ("%s() suspends the calling fiber task: call it from a task, or use "
                  "gcoro_stream_server_serve_forever_async()", G_STRFUNC);
      return FALSE;   /* a programmer error: the critical alone says it */
    }

  gcoro_stream_server_start (self);
  if (self->stopping == NULL)
    self->stopping = gcoro_promise_new ();
  stopping = g_object_ref (self->stopping);
  if (self->closed)
    gcoro_promise_resolve (stopping, NULL);

  sigint = watch_signal (self, SIGINT);
  sigterm = watch_signal (self, SIGTERM);
  gcoro_await (GCORO_FUTURE (stopping), &local_error);
  unwatch_signal (sigint);
  unwatch_signal (sigterm);
  if (self->stopping == stopping)
    g_clear_object (&self->stopping);

  gcoro_task_shield_begin (task);
  shut_down (self);
  gcoro_task_shield_end (task);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static void
serve_forever_body (GCoroTask *task,
                    gpointer   data)
{
  GError *error = NULL;

  if (!gcoro_stream_server_serve_forever (data, &error))
    gcoro_task_return_error (task, error);
}

/**
 * gcoro_stream_server_serve_forever_async:
 * @self: a [class@GCoro.StreamServer]
 * @cancellable: (nullable): a [class@Gio.Cancellable]: cancelling it shuts the
 *   server down too
 * @callback: (scope async) (nullable): called once the server has shut down
 * @user_data: data for @callback
 *
 * The GIO-style form of [method@GCoro.StreamServer.serve_forever], for Python
 * (`await GCoro.future_of(server.serve_forever_async,
 * server.serve_forever_finish)`) and JavaScript
 * (`await server.serve_forever_async(null)`).
 */
void
gcoro_stream_server_serve_forever_async (GCoroStreamServer   *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_STREAM_SERVER (self));

  gcoro_operation_start_async (self, serve_forever_body, g_object_ref (self), g_object_unref,
                               cancellable, callback, user_data,
                               gcoro_stream_server_serve_forever_async);
}

/**
 * gcoro_stream_server_serve_forever_finish:
 * @self: a [class@GCoro.StreamServer]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.StreamServer.serve_forever_async].
 *
 * Returns: %TRUE once shut down, %FALSE with @error set (cancelled)
 */
gboolean
gcoro_stream_server_serve_forever_finish (GCoroStreamServer  *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  return gcoro_operation_finish (result, gcoro_stream_server_serve_forever_async, NULL, error);
}

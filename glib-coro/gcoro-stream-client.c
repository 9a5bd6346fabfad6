/* gcoro-stream-client.c: opening connections (asyncio's open_connection())
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every client goes through one function, gcoro_stream_connect(), with a
 * #GSocketClient and a #GSocketConnectable; TCP, TLS and unix sockets only
 * differ in how those two are made. Each has a fiber form and a GIO-style
 * twin on the operation helper.
 */

#include "gcoro-config.h"

#include <gio/gunixsocketaddress.h>

#include "gcoro-async.h"
#include "gcoro-operation.h"
#include "gcoro-stream-client.h"
#include "gcoro-task.h"

/* asyncio's open_connection() connects directly: no proxy lookup. */
static GSocketClient *
new_client (void)
{
  GSocketClient *client = g_socket_client_new ();

  g_socket_client_set_enable_proxy (client, FALSE);
  return client;
}

static void
use_database (GSocketClient      *client,
              GSocketClientEvent  event,
              GSocketConnectable *connectable,
              GIOStream          *connection,
              gpointer            database)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_tls_connection_set_database (G_TLS_CONNECTION (connection), database);
}

static void
unref_database (gpointer  database,
                GClosure *closure)
{
  g_object_unref (database);
}

/* A client that wraps its connections in TLS, checking the server's
 * certificate against @database (NULL: the system's). */
static GSocketClient *
new_tls_client (GTlsDatabase *database)
{
  GSocketClient *client = new_client ();

  g_socket_client_set_tls (client, TRUE);
  if (database != NULL)
    g_signal_connect_data (client, "event", G_CALLBACK (use_database),
                           g_object_ref (database), unref_database, 0);
  return client;
}

/**
 * gcoro_stream_connect: (skip)
 * @client: (nullable): the [class@Gio.SocketClient] to connect with (TLS, timeouts,
 *   proxies: whatever it is set up for), or %NULL for a plain one
 * @connectable: where to connect
 * @error: return location for a [struct@GLib.Error]
 *
 * Opens a connection from a fiber task and wraps it in a [class@GCoro.Stream].
 * The task's cancellation cancels the attempt.
 *
 * Returns: (transfer full) (nullable): the stream, or %NULL with @error set
 */
GCoroStream *
gcoro_stream_connect (GSocketClient       *client,
                      GSocketConnectable  *connectable,
                      GError             **error)
{
  g_autoptr(GSocketClient) own = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GSocketConnection) conn = NULL;

  g_return_val_if_fail (client == NULL || G_IS_SOCKET_CLIENT (client), NULL);
  g_return_val_if_fail (G_IS_SOCKET_CONNECTABLE (connectable), NULL);

  if (client == NULL)
    client = own = new_client ();

  res = GCORO_AWAIT_ASYNC (error, g_socket_client_connect_async, client, connectable,
                           gcoro_get_cancellable ());
  if (res == NULL)
    return NULL;
  conn = g_socket_client_connect_finish (client, res, error);
  return conn ? gcoro_stream_new (G_IO_STREAM (conn)) : NULL;
}

typedef struct
{
  GSocketClient      *client;
  GSocketConnectable *connectable;
} ConnectArgs;

static void
connect_args_free (gpointer data)
{
  ConnectArgs *a = data;

  g_object_unref (a->client);
  g_object_unref (a->connectable);
  g_free (a);
}

static void
connect_body (GCoroTask *task,
              gpointer   data)
{
  ConnectArgs *a = data;
  GError *error = NULL;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect (a->client, a->connectable, &error);

  if (stream == NULL)
    gcoro_task_return_error (task, error);
  else
    gcoro_task_return_object (task, stream);
}

/* Takes @client and @connectable. */
static void
start_connect (GSocketClient       *client,
               GSocketConnectable  *connectable,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  ConnectArgs *a = g_new0 (ConnectArgs, 1);

  a->client = client;
  a->connectable = connectable;
  gcoro_operation_start_async (NULL, connect_body, a, connect_args_free,
                               cancellable, callback, user_data, source_tag);
}

static GCoroStream *
finish_connect (GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_auto(GValue) v = G_VALUE_INIT;

  if (!gcoro_operation_finish (result, source_tag, &v, error))
    return NULL;
  return g_value_dup_object (&v);
}

/**
 * gcoro_stream_connect_async:
 * @client: (nullable): the [class@Gio.SocketClient] to connect with, or %NULL
 * @connectable: where to connect
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once connected
 * @user_data: data for @callback
 *
 * The GIO-style form of [func@GCoro.Stream.connect].
 */
void
gcoro_stream_connect_async (GSocketClient       *client,
                            GSocketConnectable  *connectable,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (client == NULL || G_IS_SOCKET_CLIENT (client));
  g_return_if_fail (G_IS_SOCKET_CONNECTABLE (connectable));

  start_connect (client != NULL ? g_object_ref (client) : new_client (),
                 g_object_ref (connectable),
                 cancellable, callback, user_data, gcoro_stream_connect_async);
}

/**
 * gcoro_stream_connect_finish:
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [func@GCoro.Stream.connect_async].
 *
 * Returns: (transfer full) (nullable): the stream, or %NULL with @error set
 */
GCoroStream *
gcoro_stream_connect_finish (GAsyncResult  *result,
                             GError       **error)
{
  return finish_connect (result, gcoro_stream_connect_async, error);
}

/**
 * gcoro_stream_connect_tcp: (skip)
 * @host: a host name or IP address
 * @port: the port
 * @error: return location for a [struct@GLib.Error]
 *
 * Opens a TCP connection from a fiber task (asyncio's open_connection()).
 *
 * Returns: (transfer full) (nullable): the stream, or %NULL with @error set
 */
GCoroStream *
gcoro_stream_connect_tcp (const char  *host,
                          guint16      port,
                          GError     **error)
{
  g_autoptr(GSocketConnectable) address = NULL;

  g_return_val_if_fail (host != NULL, NULL);

  address = g_network_address_new (host, port);
  return gcoro_stream_connect (NULL, address, error);
}

/**
 * gcoro_stream_connect_tcp_async:
 * @host: a host name or IP address
 * @port: the port
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once connected
 * @user_data: data for @callback
 *
 * The GIO-style form of [func@GCoro.Stream.connect_tcp].
 */
void
gcoro_stream_connect_tcp_async (const char          *host,
                                guint16              port,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (host != NULL);

  start_connect (new_client (), g_network_address_new (host, port),
                 cancellable, callback, user_data, gcoro_stream_connect_tcp_async);
}

/**
 * gcoro_stream_connect_tcp_finish:
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [func@GCoro.Stream.connect_tcp_async].
 *
 * Returns: (transfer full) (nullable): the stream, or %NULL with @error set
 */
GCoroStream *
gcoro_stream_connect_tcp_finish (GAsyncResult  *result,
                                 GError       **error)
{
  return finish_connect (result, gcoro_stream_connect_tcp_async, error);
}

/**
 * gcoro_stream_connect_tls: (skip)
 * @host: the server's host name (what its certificate must name) or IP
 *   address
 * @port: the port
 * @database: (nullable): the certificate authorities to trust, or %NULL
 *   for the system's (a [iface@Gio.TlsFileDatabase] of a private CA, for instance)
 * @error: return location for a [struct@GLib.Error]
 *
 * Opens a TLS connection from a fiber task (asyncio's open_connection()
 * with `ssl=`): TCP, then the handshake, which checks the server's
 * certificate for @host. A certificate that does not check out fails with
 * a [error@Gio.TlsError]. Needs a TLS backend (glib-networking).
 *
 * Returns: (transfer full) (nullable): the stream, or %NULL with @error set
 */
GCoroStream *
gcoro_stream_connect_tls (const char    *host,
                          guint16        port,
                          GTlsDatabase  *database,
                          GError       **error)
{
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GSocketClient) client = NULL;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (database == NULL || G_IS_TLS_DATABASE (database), NULL);

  address = g_network_address_new (host, port);
  client = new_tls_client (database);
  return gcoro_stream_connect (client, address, error);
}

/**
 * gcoro_stream_connect_tls_async:
 * @host: the server's host name or IP address
 * @port: the port
 * @database: (nullable): the certificate authorities to trust, or %NULL
 *   for the system's
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once connected
 * @user_data: data for @callback
 *
 * The GIO-style form of [func@GCoro.Stream.connect_tls].
 */
void
gcoro_stream_connect_tls_async (const char          *host,
                                guint16              port,
                                GTlsDatabase        *database,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (host != NULL);
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  start_connect (new_tls_client (database), g_network_address_new (host, port),
                 cancellable, callback, user_data, gcoro_stream_connect_tls_async);
}

/**
 * gcoro_stream_connect_tls_finish:
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [func@GCoro.Stream.connect_tls_async].
 *
 * Returns: (transfer full) (nullable): the stream, or %NULL with @error set
 */
GCoroStream *
gcoro_stream_connect_tls_finish (GAsyncResult  *result,
                                 GError       **error)
{
  return finish_connect (result, gcoro_stream_connect_tls_async, error);
}

/**
 * gcoro_stream_connect_unix: (skip)
 * @path: the socket's path
 * @error: return location for a [struct@GLib.Error]
 *
 * Opens a unix socket connection from a fiber task.
 *
 * Returns: (transfer full) (nullable): the stream, or %NULL with @error set
 */
GCoroStream *
gcoro_stream_connect_unix (const char  *path,
                           GError     **error)
{
  g_autoptr(GSocketAddress) address = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  address = g_unix_socket_address_new (path);
  return gcoro_stream_connect (NULL, G_SOCKET_CONNECTABLE (address), error);
}

/**
 * gcoro_stream_connect_unix_async:
 * @path: the socket's path
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (nullable): called once connected
 * @user_data: data for @callback
 *
 * The GIO-style form of [func@GCoro.Stream.connect_unix].
 */
void
gcoro_stream_connect_unix_async (const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (path != NULL);

  start_connect (new_client (), G_SOCKET_CONNECTABLE (g_unix_socket_address_new (path)),
                 cancellable, callback, user_data, gcoro_stream_connect_unix_async);
}

/**
 * gcoro_stream_connect_unix_finish:
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [func@GCoro.Stream.connect_unix_async].
 *
 * Returns: (transfer full) (nullable): the stream, or %NULL with @error set
 */
GCoroStream *
gcoro_stream_connect_unix_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return finish_connect (result, gcoro_stream_connect_unix_async, error);
}

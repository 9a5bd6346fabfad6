/* echo-flood.c: an echo server on the main thread, flooded from a worker
 *
 * Seed topic: a busy server in a GTK app's own main loop.
 *
 * The server answers every line with the same line, in fiber tasks on the
 * main thread, next to GTK. The load comes from a GCoroWorker: a thread
 * with a scheduler of its own, running one client task per connection,
 * each sending a 64-byte line and waiting for its echo before the next
 * one (like bench/echo-load). With 100 connections the server's socket
 * source is ready at almost every iteration of the main loop, at the
 * default priority: above GTK's redraw (120). GLib alone would dispatch
 * the sockets and let the window wait; the scheduler's frame budget steps
 * aside for an iteration every few milliseconds, so the window keeps
 * drawing and the server keeps most of its throughput.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "echo-flood.h"

static const char line[] = "glib-coro flood: the quick brown fox jumps over the lazy dog...\n";
G_STATIC_ASSERT (sizeof line - 1 == 64);

/* Main thread: one task per connection. */
static void
echo (GCoroStream *stream,
      gpointer     user_data)
{
  EchoFlood *flood = user_data;

  for (;;)
    {
      g_autoptr(GBytes) request = gcoro_stream_read_line (stream, NULL);

      if (request == NULL || g_bytes_get_size (request) == 0)
        return;
      gcoro_stream_write_bytes (stream, request);
      if (!gcoro_stream_drain (stream, NULL))
        return;
      flood->served++;
    }
}

/* Worker thread: a closed-loop client, until the worker stops (its
 * cancellation makes an await fail). */
static void
flood_client (GCoroTask *task,
              gpointer   user_data)
{
  EchoFlood *flood = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tcp ("127.0.0.1", flood->port, &error);

  if (stream == NULL)
    return gcoro_task_return_error (task, g_steal_pointer (&error));

  for (;;)
    {
      g_autoptr(GBytes) reply = NULL;

      gcoro_stream_write (stream, (const guint8 *) line, sizeof line - 1);
      if (!gcoro_stream_drain (stream, NULL))
        return;
      reply = gcoro_stream_read_line (stream, NULL);
      if (reply == NULL || g_bytes_get_size (reply) == 0)
        return;
      if (g_bytes_get_size (reply) != sizeof line - 1 ||
          memcmp (g_bytes_get_data (reply, NULL), line, sizeof line - 1) != 0)
        g_atomic_int_inc (&flood->wrong_echoes);
    }
}

EchoFlood *
echo_flood_new (guint    connections,
                GError **error)
{
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  EchoFlood *flood;
  GCoroWorker *clients;

  if (!gcoro_stream_server_listen_tcp (server, "127.0.0.1", 0, error))
    return NULL;
  clients = gcoro_worker_new ("flood", error);
  if (clients == NULL)
    return NULL;

  flood = g_new0 (EchoFlood, 1);
  flood->server = g_steal_pointer (&server);
  flood->clients = clients;
  flood->port = gcoro_stream_server_get_port (flood->server);
  gcoro_stream_server_set_handler (flood->server, echo, flood, NULL);
  gcoro_stream_server_start (flood->server);

  for (guint i = 0; i < connections; i++)
    g_object_unref (gcoro_worker_spawn (clients, flood_client, flood, NULL));
  return flood;
}

/* Stops the clients without waiting: the worker cancels them, they hang
 * up, and the server's handlers end in the next iterations. */
void
echo_flood_stop (EchoFlood *flood)
{
  gcoro_worker_request_stop (flood->clients);
}

/* Call from outside the main loop: it iterates the context until the
 * server's handlers are gone, so none of them outlives @flood. */
void
echo_flood_free (EchoFlood *flood)
{
  gcoro_worker_stop (flood->clients);
  gcoro_stream_server_abort (flood->server);
  while (gcoro_stream_server_get_n_connections (flood->server) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (flood->clients);
  g_object_unref (flood->server);
  g_free (flood);
}

/* echo-server.c: the line echo server
 *
 * Seed topic: "other event-loop implementations" (the uvloop example):
 * a server whose handler reads a line, writes it back, drains and closes.
 * glib-coro keeps GLib's GMainContext in charge; what can be swapped is
 * how sockets are watched: --backend=epoll is this world's
 * uvloop.install(), and like it must come before the loop is used.
 *
 * It is also a server that a hostile network cannot tie up: a client may
 * stay silent 30 s at most, 1,000 connections at most are held, a line
 * longer than the stream's limit is answered with an error line, every
 * connection's error is logged with its peer, and SIGINT or SIGTERM stop
 * it in order (stop accepting, let the handlers finish, exit 0).
 *
 * Run: ./echo-server [--port=9000] [--backend=glib|epoll]
 *                                         then: echo hi | nc 127.0.0.1 9000
 *      ./echo-server --demo              (in-process clients, then exit)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>
#include <stdio.h>
#include <string.h>

/* Reads and drops what the client still sends, until it closes: closing a
 * socket with unread data resets the connection, and the reply with it. */
static void
discard_until_eof (GCoroStream *stream)
{
  for (;;)
    {
      g_autoptr(GBytes) rest = gcoro_stream_read (stream, 65536, NULL);

      if (rest == NULL || g_bytes_get_size (rest) == 0)
        return;
    }
}

static void
connected (GCoroStream *stream,
           gpointer     user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) line = gcoro_stream_read_line (stream, &error);   /* reader.readline() */

  if (line == NULL)
    {
      /* Who, and what went wrong (a timeout, a reset, a line too long). */
      g_autoptr(GSocketAddress) peer = gcoro_stream_get_peer_address (stream, NULL);
      g_autofree char *who = peer ? g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (peer))
                                  : g_strdup ("?");

      g_print ("%s: %s\n", who, error->message);
      if (g_error_matches (error, GCORO_STREAM_ERROR, GCORO_STREAM_ERROR_LIMIT_OVERRUN))
        {
          g_autofree char *reply = g_strdup_printf ("error: line too long (the limit is %" G_GSIZE_FORMAT
                                                    " bytes)\n", gcoro_stream_get_limit (stream));

          gcoro_stream_write (stream, (const guint8 *) reply, strlen (reply));
          if (gcoro_stream_write_eof (stream, NULL))   /* the reply, then EOF */
            discard_until_eof (stream);
        }
    }
  else
    {
      gcoro_stream_write_bytes (stream, line);                       /* writer.write(line) */
      gcoro_stream_drain (stream, NULL);                             /* await writer.drain() */
    }
  gcoro_stream_close (stream, NULL);                                 /* close + wait_closed */
}

static guint16 demo_port;

/* A client: sends @data, prints the reply line. */
static void
demo_client (GCoroTask *task,
             gpointer   user_data)
{
  GBytes *data = user_data;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tcp ("127.0.0.1", demo_port, NULL);
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *raw = NULL, *escaped = NULL;

  gcoro_stream_write_bytes (stream, data);
  reply = gcoro_stream_read_line (stream, NULL);
  raw = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  escaped = g_strescape (raw, NULL);
  g_print ("got b'%s'\n", escaped);
  gcoro_stream_close (stream, NULL);
}

static void
run_demo_client (GCoroStreamServer *server,
                 GBytes            *data)
{
  g_autoptr(GCoroTask) client = gcoro_spawn (demo_client, data, (GDestroyNotify) g_bytes_unref);

  demo_port = gcoro_stream_server_get_port (server);
  gcoro_run_until_complete (GCORO_FUTURE (client), NULL);
  while (gcoro_stream_server_get_n_connections (server) > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
serve (GCoroTask *task,
       gpointer   server)
{
  GError *error = NULL;

  /* Until SIGINT or SIGTERM, then an orderly shutdown. */
  if (!gcoro_stream_server_serve_forever (server, &error))
    gcoro_task_return_error (task, error);
}

/* Before anything makes a scheduler, as uvloop.install() before asyncio.run(). */
static gboolean
choose_backend (const char  *name,
                GError     **error)
{
  g_autoptr(GEnumClass) backends = g_type_class_ref (GCORO_TYPE_BACKEND);
  GEnumValue *value;

  if (name == NULL)
    return TRUE;
  value = g_enum_get_value_by_nick (backends, name);
  if (value == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown backend '%s' (glib or epoll)", name);
      return FALSE;
    }
  return gcoro_set_backend (value->value, error);
}

int
main (int   argc,
      char *argv[])
{
  int port = 9000;
  gboolean demo = FALSE;
  g_autofree char *backend = NULL;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port to listen on", "PORT" },
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &backend, "How sockets are watched: glib or epoll", "NAME" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Serve in-process clients, then exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- a line echo server");
  g_autoptr(GCoroStreamServer) server = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) ||
      !choose_backend (backend, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* A server's log: one line at a time, also into a pipe. */
  setvbuf (stdout, NULL, _IOLBF, 0);

  server = gcoro_stream_server_new ();
  gcoro_stream_server_set_max_connections (server, 1000);
  gcoro_stream_server_set_idle_timeout (server, 30 * 1000);
  if (!gcoro_stream_server_listen_tcp (server, "127.0.0.1", demo ? 0 : port, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  gcoro_stream_server_set_handler (server, connected, NULL, NULL);
  gcoro_stream_server_start (server);

  if (demo)
    {
      g_autoptr(GString) overlong = g_string_new (NULL);

      run_demo_client (server, g_bytes_new_static ("Hello, echo!\n", 13));
      for (int i = 0; i < 70000; i++)
        g_string_append_c (overlong, 'x');
      g_string_append_c (overlong, '\n');
      run_demo_client (server, g_string_free_to_bytes (g_steal_pointer (&overlong)));
      gcoro_stream_server_close (server);
      return 0;
    }

  g_print ("Start: listening on 127.0.0.1:%u\n", gcoro_stream_server_get_port (server));
  {
    g_autoptr(GCoroTask) serving = gcoro_spawn (serve, server, NULL);

    if (!gcoro_run_until_complete (GCORO_FUTURE (serving), &error))
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
  }
  g_print ("Stopped: every connection closed\n");
  return 0;
}

/* echo-server.c: the line echo server
 *
 * Seed topic: "other event-loop implementations" (the uvloop example):
 * a server whose handler reads a line, writes it back, drains and closes.
 * glib-coro keeps GLib's GMainContext in charge; what can be swapped is
 * how sockets are watched: --backend=epoll is this world's
 * uvloop.install(), and like it must come before the loop is used.
 *
 * Run: ./echo-server [--port=9000] [--backend=glib|epoll]
 *                                         then: echo hi | nc 127.0.0.1 9000
 *      ./echo-server --demo              (an in-process client, then exit)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>
#include <stdio.h>

static void
connected (GCoroStream *stream,
           gpointer     user_data)
{
  g_autoptr(GBytes) line = gcoro_stream_read_line (stream, NULL);   /* reader.readline() */

  if (line != NULL)
    {
      gcoro_stream_write_bytes (stream, line);                       /* writer.write(line) */
      gcoro_stream_drain (stream, NULL);                             /* await writer.drain() */
    }
  gcoro_stream_close (stream, NULL);                                 /* close + wait_closed */
}

static void
demo_client (GCoroTask *task,
             gpointer   user_data)
{
  GCoroStreamServer *server = user_data;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tcp ("127.0.0.1",
                                                            gcoro_stream_server_get_port (server), NULL);
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *raw = NULL, *escaped = NULL;

  gcoro_stream_write (stream, (const guint8 *) "Hello, echo!\n", 13);
  reply = gcoro_stream_read_line (stream, NULL);
  raw = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  escaped = g_strescape (raw, NULL);
  g_print ("got b'%s'\n", escaped);
  gcoro_stream_close (stream, NULL);
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
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Serve one in-process client, then exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- a line echo server");
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) ||
      !choose_backend (backend, &error) ||
      !gcoro_stream_server_listen_tcp (server, "127.0.0.1", demo ? 0 : port, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  gcoro_stream_server_set_handler (server, connected, NULL, NULL);
  gcoro_stream_server_start (server);

  if (demo)
    {
      g_autoptr(GCoroTask) client = gcoro_spawn (demo_client, server, NULL);

      gcoro_run_until_complete (GCORO_FUTURE (client), NULL);
      while (gcoro_stream_server_get_n_connections (server) > 0)
        g_main_context_iteration (NULL, TRUE);
    }
  else
    {
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

      /* A server's log: one line at a time, also into a pipe. */
      setvbuf (stdout, NULL, _IOLBF, 0);

      g_print ("Start: listening on 127.0.0.1:%u\n", gcoro_stream_server_get_port (server));
      g_main_loop_run (loop);
    }

  gcoro_stream_server_close (server);
  return 0;
}

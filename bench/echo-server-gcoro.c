/* echo-server-gcoro.c: the glib-coro line echo server of the benchmark
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A persistent connection per client: read a line, write it back, drain.
 * Usage: echo-server-gcoro PORT
 */
#include <glib-coro.h>
#include <stdlib.h>

static void
echo (GCoroStream *stream,
      gpointer     user_data)
{
  for (;;)
    {
      g_autoptr(GBytes) line = gcoro_stream_read_line (stream, NULL);

      if (line == NULL || g_bytes_get_size (line) == 0)
        return;
      gcoro_stream_write_bytes (stream, line);
      if (!gcoro_stream_drain (stream, NULL))
        return;
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;

  gcoro_stream_server_set_handler (server, echo, NULL, NULL);
  if (!gcoro_stream_server_listen_tcp (server, "127.0.0.1", atoi (argv[1]), &error))
    g_error ("%s", error->message);
  gcoro_stream_server_start (server);
  g_main_loop_run (loop);
  return 0;
}

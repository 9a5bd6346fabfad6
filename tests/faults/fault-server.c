/* fault-server.c: the server the fault suite attacks
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A line echo server on GCoroStreamServer with every limit on the command
 * line, run by tests/faults/server_faults.py (and bench/run-faults.sh at
 * full size). It answers an overlong line with an error line, serves until
 * SIGINT or SIGTERM with gcoro_stream_server_serve_forever(), frees
 * everything and exits 0, so that valgrind can say nothing leaked.
 *
 * Usage: fault-server [--tls-cert=PEM --tls-key=PEM] [--idle-timeout=MS]
 *                     [--max-connections=N] [--tls-handshake-timeout=MS]
 *                     [--grace-period=MS]
 * It prints "listening on 127.0.0.1:PORT", then "stopped" at the end.
 */
#include <glib-coro.h>
#include <stdio.h>
#include <string.h>

static void
echo (GCoroStream *stream,
      gpointer     user_data)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) line = gcoro_stream_read_line (stream, &error);

      if (g_error_matches (error, GCORO_STREAM_ERROR, GCORO_STREAM_ERROR_LIMIT_OVERRUN))
        {
          gcoro_stream_write (stream, (const guint8 *) "error: line too long\n", 21);
          if (gcoro_stream_write_eof (stream, NULL))
            {
              g_autoptr(GBytes) rest = NULL;

              /* Drop the rest until EOF: closing with unread data resets. */
              while ((rest = gcoro_stream_read (stream, 65536, NULL)) && g_bytes_get_size (rest) > 0)
                g_clear_pointer (&rest, g_bytes_unref);
            }
          return;
        }
      if (line == NULL || g_bytes_get_size (line) == 0)
        return;
      gcoro_stream_write_bytes (stream, line);
      if (!gcoro_stream_drain (stream, NULL))
        return;
    }
}

/* Once serve_forever() watches its signals: a client that counts the
 * server's descriptors from now on sees them all. */
static void
announce (gpointer server)
{
  g_print ("listening on 127.0.0.1:%u\n", gcoro_stream_server_get_port (server));
}

static void
serve (GCoroTask *task,
       gpointer   server)
{
  GError *error = NULL;

  if (!gcoro_stream_server_serve_forever (server, &error))
    gcoro_task_return_error (task, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cert = NULL, *key = NULL;
  int idle = 0, max_connections = 0, handshake_timeout = -1, grace = -1, port = 0;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port (0: any)", "PORT" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "Serve TLS with this certificate", "PEM" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "... and this key", "PEM" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle, "Idle timeout", "MS" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections, "Connection limit", "N" },
    { "tls-handshake-timeout", 0, 0, G_OPTION_ARG_INT, &handshake_timeout, "Handshake timeout", "MS" },
    { "grace-period", 0, 0, G_OPTION_ARG_INT, &grace, "Grace period on SIGTERM", "MS" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- the fault suite's server");
  g_autoptr(GCoroStreamServer) server = NULL;
  g_autoptr(GCoroTask) serving = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  setvbuf (stdout, NULL, _IOLBF, 0);

  server = gcoro_stream_server_new ();
  if (cert != NULL)
    {
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert, key, &error);

      if (certificate == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
      gcoro_stream_server_set_tls_certificate (server, certificate);
    }
  gcoro_stream_server_set_idle_timeout (server, idle);
  gcoro_stream_server_set_max_connections (server, max_connections);
  if (handshake_timeout >= 0)
    gcoro_stream_server_set_tls_handshake_timeout (server, handshake_timeout);
  if (grace >= 0)
    gcoro_stream_server_set_grace_period (server, grace);
  gcoro_stream_server_set_handler (server, echo, NULL, NULL);
  if (!gcoro_stream_server_listen_tcp (server, "127.0.0.1", port, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  serving = gcoro_spawn (serve, server, NULL);
  g_idle_add_once (announce, server);
  if (!gcoro_run_until_complete (GCORO_FUTURE (serving), &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("stopped\n");
  return 0;
}

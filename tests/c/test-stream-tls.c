/* test-stream-tls.c: TLS servers and clients
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The server's certificate is tests/data/test-cert.pem (self-signed, for
 * localhost and 127.0.0.1); a client trusts it through a file database.
 */
#include "gcoro-test-util.h"

typedef struct
{
  GCoroStreamServer *server;
  GTlsDatabase      *database;
  GString           *log;
  int                served;
  int                failures;
} Fixture;

static void
count_handshake_failures (const char     *domain,
                          GLogLevelFlags  level,
                          const char     *message,
                          gpointer        data)
{
  Fixture *f = data;

  g_assert_true (g_str_has_prefix (message, "The TLS handshake with 127.0.0.1:"));
  g_assert_nonnull (strstr (message, " failed: "));
  f->failures++;
}

static void
echo_lines (GCoroStream *stream,
            gpointer     user_data)
{
  Fixture *f = user_data;
  g_autoptr(GSocketAddress) peer = gcoro_stream_get_peer_address (stream, NULL);

  /* The peer address is the TCP peer's, under the TLS layer. */
  g_assert_true (G_IS_INET_SOCKET_ADDRESS (peer));
  g_assert_true (G_IS_TLS_CONNECTION (gcoro_stream_get_io_stream (stream)));
  f->served++;

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

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *cert_path = g_test_build_filename (G_TEST_DIST, "data", "test-cert.pem", NULL);
  g_autofree char *key_path = g_test_build_filename (G_TEST_DIST, "data", "test-key.pem", NULL);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;

  f->log = g_string_new (NULL);
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    return;

  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  f->database = g_tls_file_database_new (cert_path, &error);
  g_assert_no_error (error);

  f->server = gcoro_stream_server_new ();
  gcoro_stream_server_set_tls_certificate (f->server, cert);
  g_assert_true (gcoro_stream_server_get_tls_certificate (f->server) == cert);
  gcoro_stream_server_set_handler (f->server, echo_lines, f, NULL);
  g_assert_true (gcoro_stream_server_listen_tcp (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  gcoro_stream_server_start (f->server);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->server != NULL)
    {
      gcoro_stream_server_close (f->server);
      while (gcoro_stream_server_get_n_connections (f->server) > 0)
        g_main_context_iteration (NULL, TRUE);
    }
  g_clear_object (&f->server);
  g_clear_object (&f->database);
  g_string_free (f->log, TRUE);
}

static gboolean
need_tls (Fixture *f)
{
  if (f->server != NULL)
    return TRUE;
  g_test_skip ("no TLS backend (install glib-networking)");
  return FALSE;
}

static void
round_trips (GCoroTask *task,
             gpointer   data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tls ("127.0.0.1",
                                                            gcoro_stream_server_get_port (f->server),
                                                            f->database, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *text = g_strdup_printf ("secret %d\n", i);
      g_autoptr(GBytes) line = NULL;

      gcoro_stream_write (stream, (const guint8 *) text, strlen (text));
      g_assert_true (gcoro_stream_drain (stream, &error));
      line = gcoro_stream_read_line (stream, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (line, NULL), g_bytes_get_size (line), text, strlen (text));
    }
  /* Half a megabyte written at once goes through many TLS records (and
   * the server echoes it while this side is still writing). */
  {
    gsize line_len = 8192, n_lines = 64;
    g_autofree guint8 *blob = g_malloc (line_len * n_lines);

    memset (blob, 'q', line_len * n_lines);
    for (gsize i = 1; i <= n_lines; i++)
      blob[i * line_len - 1] = '\n';
    gcoro_stream_write (stream, blob, line_len * n_lines);
    g_assert_true (gcoro_stream_drain (stream, &error));
    for (gsize i = 0; i < n_lines; i++)
      {
        g_autoptr(GBytes) back = gcoro_stream_read_line (stream, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (g_bytes_get_size (back), ==, line_len);
      }
  }
  g_assert_true (gcoro_stream_close (stream, &error));
  g_string_append (f->log, "done");
}

static void
test_tls_round_trips (Fixture       *f,
                      gconstpointer  data)
{
  GCoroTask *task;

  if (!need_tls (f))
    return;
  task = gcoro_spawn (round_trips, f, NULL);
  run_all (&task, 1);
  g_assert_cmpstr (f->log->str, ==, "done");
  g_assert_cmpint (f->served, ==, 1);
}

static void
untrusting_client (GCoroTask *task,
                   gpointer   data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;
  /* The system's authorities do not know the test certificate. */
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tls ("127.0.0.1",
                                                            gcoro_stream_server_get_port (f->server),
                                                            NULL, &error);
  g_assert_null (stream);
  g_assert_true (error->domain == G_TLS_ERROR);
  g_string_append (f->log, "refused;");
}

static void
plain_client (GCoroTask *task,
              gpointer   data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tcp ("127.0.0.1",
                                                            gcoro_stream_server_get_port (f->server),
                                                            &error);
  g_autoptr(GBytes) rest = NULL;

  g_assert_no_error (error);
  gcoro_stream_write (stream, (const guint8 *) "not a handshake\r\n\r\n", 19);
  rest = gcoro_stream_read (stream, -1, NULL);   /* the server hangs up */
  g_string_append (f->log, "hung up;");
}

static void
test_failed_handshakes_do_not_stop_the_server (Fixture       *f,
                                               gconstpointer  data)
{
  GCoroTask *tasks[3];
  guint handler;

  if (!need_tls (f))
    return;

  /* The server's side of a handshake runs in a thread of the TLS backend,
   * so its failure is logged some time after the client is done: wait
   * until both are. */
  handler = g_log_set_handler ("GCoro", G_LOG_LEVEL_MESSAGE, count_handshake_failures, f);
  tasks[0] = gcoro_spawn (untrusting_client, f, NULL);
  run_all (tasks, 1);
  tasks[1] = gcoro_spawn (plain_client, f, NULL);
  run_all (tasks + 1, 1);
  while (f->failures < 2)
    g_main_context_iteration (NULL, TRUE);
  g_log_remove_handler ("GCoro", handler);

  /* And a good client is served. */
  tasks[2] = gcoro_spawn (round_trips, f, NULL);
  run_all (tasks + 2, 1);
  g_assert_cmpstr (f->log->str, ==, "refused;hung up;done");
  g_assert_cmpint (f->served, ==, 1);
}

/* A handler cancelled while it waits for a line (the server is aborted)
 * says goodbye inside a shielded scope: the reply is flushed and the TLS
 * close_notify sent, so the client reads both and a clean EOF. */
static void
goodbye_on_cancel (GCoroStream *stream,
                   gpointer     user_data)
{
  Fixture *f = user_data;
  GCoroTask *self = gcoro_task_get_current ();
  g_autoptr(GBytes) line = NULL;
  g_autoptr(GError) error = NULL;

  f->served++;
  line = gcoro_stream_read_line (stream, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  gcoro_task_shield_begin (self);
  gcoro_stream_write (stream, (const guint8 *) "bye\n", 4);
  g_assert_true (gcoro_stream_drain (stream, NULL));
  g_assert_true (gcoro_stream_close (stream, NULL));
  gcoro_task_shield_end (self);
  g_string_append (f->log, "said bye;");
}

static void
waiting_client (GCoroTask *task,
                gpointer   data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tls ("127.0.0.1",
                                                            gcoro_stream_server_get_port (f->server),
                                                            f->database, &error);
  g_autoptr(GBytes) bye = NULL;
  g_autoptr(GBytes) eof = NULL;

  g_assert_no_error (error);
  bye = gcoro_stream_read_line (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bye, NULL), g_bytes_get_size (bye), "bye\n", 4);
  /* Without close_notify, this read fails with G_TLS_ERROR_EOF. */
  eof = gcoro_stream_read (stream, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (eof), ==, 0);
  g_string_append (f->log, "clean eof");
}

static void
test_cancelled_handler_sends_close_notify (Fixture       *f,
                                           gconstpointer  data)
{
  GCoroTask *task;

  if (!need_tls (f))
    return;
  gcoro_stream_server_set_handler (f->server, goodbye_on_cancel, f, NULL);
  task = gcoro_spawn (waiting_client, f, NULL);
  while (f->served == 0)
    g_main_context_iteration (NULL, TRUE);
  settle_loop ();
  gcoro_stream_server_abort (f->server);
  run_all (&task, 1);
  g_assert_cmpstr (f->log->str, ==, "said bye;clean eof");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/gcoro/tls/round-trips", Fixture, NULL,
              fixture_setup, test_tls_round_trips, fixture_teardown);
  g_test_add ("/gcoro/tls/failed-handshakes-do-not-stop-the-server", Fixture, NULL,
              fixture_setup, test_failed_handshakes_do_not_stop_the_server, fixture_teardown);

  g_test_add ("/gcoro/tls/cancelled-handler-sends-close-notify", Fixture, NULL,
              fixture_setup, test_cancelled_handler_sends_close_notify, fixture_teardown);

  return g_test_run ();
}

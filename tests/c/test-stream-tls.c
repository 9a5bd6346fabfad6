/* test-stream-tls.c: TLS servers and clients
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The server's certificate is tests/data/test-cert.pem (self-signed, for
 * localhost and 127.0.0.1); a client trusts it through a file database.
 */
#include "gcoro-test-util.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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


/* --- clients that stall ------------------------------------------------------------------ */

/* A plain TCP socket to the server, connected (in the kernel's backlog). */
static int
raw_connect (Fixture *f)
{
  struct sockaddr_in addr = { .sin_family = AF_INET,
                              .sin_port = g_htons (gcoro_stream_server_get_port (f->server)) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  addr.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  g_assert_no_errno (connect (fd, (struct sockaddr *) &addr, sizeof addr));
  return fd;
}

static void
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      g_assert_cmpint (n, >, 0);
      data += n;
      len -= n;
    }
}

static void
read_exactly (int     fd,
              guint8 *data,
              gsize   len)
{
  while (len > 0)
    {
      gssize n = read (fd, data, len);

      g_assert_cmpint (n, >, 0);
      data += n;
      len -= n;
    }
}

static void
hello_written (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  gboolean *done = data;

  g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, NULL);
  *done = TRUE;
}

/* A real ClientHello record: what GIO's TLS client sends first, caught on
 * the far end of a socket pair. */
static GBytes *
client_hello (void)
{
  static GBytes *hello;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  guint8 header[5];
  guint8 *record;
  gsize len;
  gboolean done = FALSE;
  int fds[2];

  if (hello != NULL)
    return g_bytes_ref (hello);
  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  conn = g_socket_connection_factory_create_connection (socket);
  tls = g_tls_client_connection_new (G_IO_STREAM (conn), NULL, &error);
  g_assert_no_error (error);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, cancellable,
                                    hello_written, &done);
  read_exactly (fds[1], header, sizeof header);
  g_assert_cmpint (header[0], ==, 0x16);
  len = sizeof header + ((header[3] << 8) | header[4]);
  record = g_malloc (len);
  memcpy (record, header, sizeof header);
  read_exactly (fds[1], record + sizeof header, len - sizeof header);
  g_cancellable_cancel (cancellable);
  close (fds[1]);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  hello = g_bytes_new_take (record, len);
  return g_bytes_ref (hello);
}

/* A client that sends @n bytes of a ClientHello (-1: all of it), then
 * nothing. */
static int
stalled_client (Fixture *f,
                gssize   n)
{
  g_autoptr(GBytes) hello = client_hello ();
  int fd = raw_connect (f);

  if (n != 0)
    write_all (fd, g_bytes_get_data (hello, NULL), n < 0 ? g_bytes_get_size (hello) : (gsize) n);
  return fd;
}

static void
one_tls_line (GCoroTask *task,
              gpointer   data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tls ("127.0.0.1",
                                                            gcoro_stream_server_get_port (f->server),
                                                            f->database, &error);
  g_autoptr(GBytes) line = NULL;

  g_assert_no_error (error);
  gcoro_stream_write (stream, (const guint8 *) "honest\n", 7);
  line = gcoro_stream_read_line (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (line, NULL), g_bytes_get_size (line), "honest\n", 7);
  g_assert_true (gcoro_stream_close (stream, NULL));
  g_string_append (f->log, "honest;");
}

/* Silent clients and clients that sent part of their ClientHello hold no
 * handshake: with room for one, an honest client still gets through. */
static void count_tls_messages (const char     *domain,
                                GLogLevelFlags  level,
                                const char     *message,
                                gpointer        data);

typedef struct
{
  int timed_out;
  int made_room;
  int other;
} TlsLog;

static void
test_silence_takes_no_handshake (Fixture       *f,
                                 gconstpointer  data)
{
  TlsLog log = { 0 };
  GCoroTask *task;
  guint handler;
  int silent, half;

  if (!need_tls (f))
    return;
  gcoro_stream_server_set_max_handshakes (f->server, 1);
  gcoro_stream_server_set_tls_handshake_timeout (f->server, 0);   /* they never time out */
  handler = g_log_set_handler ("GCoro", G_LOG_LEVEL_MESSAGE, count_tls_messages, &log);
  silent = stalled_client (f, 0);
  half = stalled_client (f, 20);
  while (gcoro_stream_server_get_n_connections (f->server) < 2)
    g_main_context_iteration (NULL, TRUE);
  settle_loop ();

  task = gcoro_spawn (one_tls_line, f, NULL);
  run_all (&task, 1);
  g_log_remove_handler ("GCoro", handler);
  g_assert_cmpstr (f->log->str, ==, "honest;");
  /* Straight through: nobody had to make room. */
  g_assert_cmpint (log.made_room, ==, 0);
  close (silent);
  close (half);
}

typedef struct
{
  Fixture *f;
  int      fd;
} Raw;

/* Reads from a raw client until the server closes it. */
static void
raw_until_closed (GCoroTask *task,
                  gpointer   data)
{
  Raw *r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (r->fd, &error);
  g_autoptr(GSocketConnection) conn = g_socket_connection_factory_create_connection (socket);
  g_autoptr(GCoroStream) stream = gcoro_stream_new (G_IO_STREAM (conn));
  g_autoptr(GBytes) rest = gcoro_stream_read (stream, -1, &error);

  /* EOF, or a reset: the server let go. */
  g_string_append (r->f->log, "closed;");
}

static void
count_tls_messages (const char     *domain,
                    GLogLevelFlags  level,
                    const char     *message,
                    gpointer        data)
{
  TlsLog *log = data;

  g_assert_true (g_str_has_prefix (message, "The TLS handshake with 127.0.0.1:"));
  if (strstr (message, "timed out after") != NULL)
    log->timed_out++;
  else if (strstr (message, "to make room") != NULL)
    log->made_room++;
  else
    log->other++;
}

/* The handshake timeout ends silent clients, partial ClientHellos and
 * handshakes that stall after the ClientHello alike. */
static void
test_handshake_timeout (Fixture       *f,
                        gconstpointer  data)
{
  TlsLog log = { 0 };
  Raw raws[3];
  GCoroTask *tasks[3];
  guint handler;

  if (!need_tls (f))
    return;
  gcoro_stream_server_set_tls_handshake_timeout (f->server, 100);
  g_assert_cmpuint (gcoro_stream_server_get_tls_handshake_timeout (f->server), ==, 100);
  handler = g_log_set_handler ("GCoro", G_LOG_LEVEL_MESSAGE, count_tls_messages, &log);
  raws[0] = (Raw) { f, stalled_client (f, 0) };
  raws[1] = (Raw) { f, stalled_client (f, 20) };
  raws[2] = (Raw) { f, stalled_client (f, -1) };
  for (guint i = 0; i < G_N_ELEMENTS (raws); i++)
    tasks[i] = gcoro_spawn (raw_until_closed, &raws[i], NULL);
  run_all (tasks, G_N_ELEMENTS (tasks));
  while (gcoro_stream_server_get_n_connections (f->server) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_log_remove_handler ("GCoro", handler);

  g_assert_cmpstr (f->log->str, ==, "closed;closed;closed;");
  /* Only the handshake that had begun is worth a message. */
  g_assert_cmpint (log.timed_out, ==, 1);
  g_assert_cmpint (log.other, ==, 0);
  g_assert_cmpint (f->served, ==, 0);
}

/* A handshake stalled after its ClientHello holds the only place until a
 * connection waits for it; then, after half a second, it gives the place up. */
static void
test_stalled_handshake_makes_room (Fixture       *f,
                                   gconstpointer  data)
{
  TlsLog log = { 0 };
  GCoroTask *task;
  guint handler;
  int stalled;

  if (!need_tls (f))
    return;
  gcoro_stream_server_set_max_handshakes (f->server, 1);
  gcoro_stream_server_set_tls_handshake_timeout (f->server, 0);
  handler = g_log_set_handler ("GCoro", G_LOG_LEVEL_MESSAGE, count_tls_messages, &log);
  stalled = stalled_client (f, -1);
  while (gcoro_stream_server_get_n_connections (f->server) < 1)
    g_main_context_iteration (NULL, TRUE);

  task = gcoro_spawn (one_tls_line, f, NULL);
  run_all (&task, 1);
  g_log_remove_handler ("GCoro", handler);
  g_assert_cmpstr (f->log->str, ==, "honest;");
  g_assert_cmpint (log.made_room, ==, 1);
  close (stalled);
}

/* A handler writes more than a client that never reads can take, and
 * returns: closing gives up after the shutdown timeout, without blocking
 * the loop on the TLS close_notify. */
static void
flood_and_leave (GCoroStream *stream,
                 gpointer     user_data)
{
  Fixture *f = user_data;
  g_autofree guint8 *blob = g_malloc0 (8 * 1024 * 1024);

  f->served++;
  gcoro_stream_write (stream, blob, 8 * 1024 * 1024);
}

static void
connect_and_never_read (GCoroTask *task,
                        gpointer   data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tls ("127.0.0.1",
                                                            gcoro_stream_server_get_port (f->server),
                                                            f->database, &error);

  g_assert_no_error (error);
  while (gcoro_stream_server_get_n_connections (f->server) > 0 || f->served == 0)
    gcoro_sleep (1, NULL);
  g_string_append (f->log, "server let go;");
}

static void
test_close_never_blocks_on_a_reader_that_never_reads (Fixture       *f,
                                                      gconstpointer  data)
{
  GCoroTask *task;

  if (!need_tls (f))
    return;
  gcoro_stream_server_set_handler (f->server, flood_and_leave, f, NULL);
  gcoro_stream_server_set_shutdown_timeout (f->server, 50);
  g_assert_cmpuint (gcoro_stream_server_get_shutdown_timeout (f->server), ==, 50);
  task = gcoro_spawn (connect_and_never_read, f, NULL);
  run_all (&task, 1);
  g_assert_cmpstr (f->log->str, ==, "server let go;");
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

  g_test_add ("/gcoro/tls/silence-takes-no-handshake", Fixture, NULL,
              fixture_setup, test_silence_takes_no_handshake, fixture_teardown);
  g_test_add ("/gcoro/tls/handshake-timeout", Fixture, NULL,
              fixture_setup, test_handshake_timeout, fixture_teardown);
  g_test_add ("/gcoro/tls/stalled-handshake-makes-room", Fixture, NULL,
              fixture_setup, test_stalled_handshake_makes_room, fixture_teardown);
  g_test_add ("/gcoro/tls/close-never-blocks-on-a-reader-that-never-reads", Fixture, NULL,
              fixture_setup, test_close_never_blocks_on_a_reader_that_never_reads, fixture_teardown);

  return g_test_run ();
}

/* test-server-limits.c: what a client cannot hold, and shutting down
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The idle timeout, accepting when the process is out of descriptors, and
 * serve_forever() stopped by SIGTERM. Timeouts here are tiny configured
 * values whose expiry the tests wait for; nothing is timed.
 */
#include "gcoro-test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* A plain blocking TCP client socket: loopback connects complete in the
 * kernel's backlog, whether or not the server accepts. */
static int
raw_connect (guint16 port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = g_htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  addr.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  g_assert_no_errno (connect (fd, (struct sockaddr *) &addr, sizeof addr));
  return fd;
}

typedef struct
{
  GString *log;
  int      timed_out;
  int      cancelled;
  int      served;
} Record;

/* Echoes lines; says in the record how its last read ended. */
static void
recording_echo (GCoroStream *stream,
                gpointer     user_data)
{
  Record *r = user_data;

  r->served++;
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) line = gcoro_stream_read_line (stream, &error);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        r->timed_out++;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GCoroTask *self = gcoro_task_get_current ();

          r->cancelled++;
          gcoro_task_shield_begin (self);
          gcoro_stream_write (stream, (const guint8 *) "bye\n", 4);
          gcoro_stream_drain (stream, NULL);
          gcoro_task_shield_end (self);
        }
      if (line == NULL || g_bytes_get_size (line) == 0)
        return;
      gcoro_stream_write_bytes (stream, line);
      if (!gcoro_stream_drain (stream, NULL))
        return;
    }
}

typedef struct
{
  GCoroStream *stream;
  GString     *log;
} Reader;

/* Reads to EOF from a client socket and logs what came. */
static void
read_to_eof (GCoroTask *task,
             gpointer   data)
{
  Reader *r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) all = gcoro_stream_read (r->stream, -1, &error);

  if (all == NULL)
    g_string_append_printf (r->log, "error %s;", error->message);
  else
    g_string_append_printf (r->log, "%" G_GSIZE_FORMAT " bytes, eof;", g_bytes_get_size (all));
}

static void
one_round_trip (GCoroTask *task,
                gpointer   data)
{
  GCoroStreamServer *server = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tcp ("127.0.0.1", gcoro_stream_server_get_port (server),
                                                            &error);
  g_autoptr(GBytes) line = NULL;

  g_assert_no_error (error);
  gcoro_stream_write (stream, (const guint8 *) "ping\n", 5);
  line = gcoro_stream_read_line (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (line, NULL), g_bytes_get_size (line), "ping\n", 5);
  gcoro_stream_close (stream, NULL);
}

static void
wait_empty (GCoroStreamServer *server)
{
  while (gcoro_stream_server_get_n_connections (server) > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* --- idle timeout ------------------------------------------------------------------- */

static void
test_idle_timeout_closes_silent_clients (void)
{
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  Record rec = { 0 };
  Reader reader = { NULL, g_string_new (NULL) };
  GCoroTask *task;

  gcoro_stream_server_set_handler (server, recording_echo, &rec, NULL);
  gcoro_stream_server_set_idle_timeout (server, 30);
  g_assert_cmpuint (gcoro_stream_server_get_idle_timeout (server), ==, 30);
  g_assert_true (gcoro_stream_server_listen_tcp (server, "127.0.0.1", 0, NULL));
  gcoro_stream_server_start (server);

  /* A client that sends half a line and nothing more. */
  reader.stream = stream_from_fd (raw_connect (gcoro_stream_server_get_port (server)));
  gcoro_stream_write (reader.stream, (const guint8 *) "half a li", 9);
  task = gcoro_spawn (read_to_eof, &reader, NULL);
  run_all (&task, 1);
  g_assert_cmpstr (reader.log->str, ==, "0 bytes, eof;");
  g_assert_cmpint (rec.timed_out, ==, 1);

  /* An honest client is served all the same (without the timeout, which
   * a slow run could reach between connect and write). */
  gcoro_stream_server_set_idle_timeout (server, 0);
  task = gcoro_spawn (one_round_trip, server, NULL);
  run_all (&task, 1);
  gcoro_stream_server_close (server);
  wait_empty (server);
  g_object_unref (reader.stream);
  g_string_free (reader.log, TRUE);
}

/* --- out of file descriptors ------------------------------------------------------ */

typedef struct
{
  GCoroStream *stream;
  int          done;
} Held;

static void
held_round_trip (GCoroTask *task,
                 gpointer   data)
{
  Held *h = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) line = NULL;

  gcoro_stream_write (h->stream, (const guint8 *) "still here\n", 11);
  line = gcoro_stream_read_line (h->stream, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (line), ==, 11);
  h->done++;
}

static int warnings;

static void
count_fd_warnings (const char     *domain,
                   GLogLevelFlags  level,
                   const char     *message,
                   gpointer        data)
{
  g_assert_nonnull (strstr (message, "accept() failed: "));
  g_assert_nonnull (strstr (message, g_strerror (EMFILE)));
  warnings++;
}

static gboolean
fd_warnings_are_expected (const char     *domain,
                          GLogLevelFlags  level,
                          const char     *message,
                          gpointer        data)
{
  return strstr (message, "accept() failed: ") == NULL;
}

/* Two descriptors are left below the limit, and no more. */
static gboolean
limit_is_enforced (void)
{
  int fds[3];
  int n = 0;

  while (n < 3 && (fds[n] = open ("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
    n++;
  for (int i = 0; i < n; i++)
    close (fds[i]);
  return n == 2;
}

static void
test_out_of_descriptors_backs_off_and_resumes (void)
{
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  Record rec = { 0 };
  struct rlimit saved, low;
  int attackers[16];
  Held held;
  GArray *fillers;
  GCoroTask *task;
  guint handler;
  int busy = 0;
  int first;

  if (g_getenv ("GCORO_UNDER_VALGRIND") != NULL)
    {
      /* valgrind keeps the process's real descriptor table to itself: a
       * lowered limit does not apply to accept(). */
      g_test_skip ("the descriptor limit cannot be lowered under valgrind");
      return;
    }
  gcoro_stream_server_set_handler (server, recording_echo, &rec, NULL);
  g_assert_true (gcoro_stream_server_listen_tcp (server, "127.0.0.1", 0, NULL));
  gcoro_stream_server_start (server);

  /* One client is served before the descriptors run out. */
  first = raw_connect (gcoro_stream_server_get_port (server));
  held.stream = stream_from_fd (first);
  held.done = 0;
  while (rec.served < 1)
    g_main_context_iteration (NULL, TRUE);

  /* Sixteen more wait in the backlog; the process may open two more
   * descriptors (the gaps below are filled), then accept() fails with
   * EMFILE. */
  for (guint i = 0; i < G_N_ELEMENTS (attackers); i++)
    attackers[i] = raw_connect (gcoro_stream_server_get_port (server));
  fillers = g_array_new (FALSE, FALSE, sizeof (int));
  for (;;)
    {
      int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

      g_assert_cmpint (fd, >=, 0);
      if (fd > attackers[G_N_ELEMENTS (attackers) - 1])
        {
          close (fd);
          break;
        }
      g_array_append_val (fillers, fd);
    }
  g_assert_no_errno (getrlimit (RLIMIT_NOFILE, &saved));
  low = saved;
  low.rlim_cur = attackers[G_N_ELEMENTS (attackers) - 1] + 3;
  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &low));
  if (!limit_is_enforced ())
    {
      g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &saved));
      for (guint i = 0; i < fillers->len; i++)
        close (g_array_index (fillers, int, i));
      g_array_unref (fillers);
      for (guint i = 0; i < G_N_ELEMENTS (attackers); i++)
        close (attackers[i]);
      g_clear_object (&held.stream);
      gcoro_stream_server_close (server);
      wait_empty (server);
      g_test_skip ("this process's descriptor limit cannot be lowered here");
      return;
    }

  handler = g_log_set_handler ("GCoro", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL,
                               count_fd_warnings, NULL);
  g_test_log_set_fatal_handler (fd_warnings_are_expected, NULL);
  warnings = 0;
  while (warnings == 0)
    g_main_context_iteration (NULL, TRUE);
  settle_loop ();   /* the handlers of the connections accepted start */

  /* Not a busy loop: the listening socket stays readable, and yet the
   * loop has nothing to do but the back-off timer (which fires at most
   * a few times over these iterations). */
  for (int i = 0; i < 10; i++)
    busy += g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (busy, <=, 2);

  /* The client already connected is served meanwhile. */
  task = gcoro_spawn (held_round_trip, &held, NULL);
  run_all (&task, 1);
  g_assert_cmpint (held.done, ==, 1);

  /* Descriptors come back: the server resumes by itself, and serves
   * the clients that waited and a new one. One warning in all. */
  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &saved));
  for (guint i = 0; i < fillers->len; i++)
    close (g_array_index (fillers, int, i));
  g_array_unref (fillers);
  task = gcoro_spawn (one_round_trip, server, NULL);
  run_all (&task, 1);
  while (rec.served < 2 + (int) G_N_ELEMENTS (attackers))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (warnings, ==, 1);
  g_test_log_set_fatal_handler (NULL, NULL);
  g_log_remove_handler ("GCoro", handler);

  for (guint i = 0; i < G_N_ELEMENTS (attackers); i++)
    close (attackers[i]);
  g_clear_object (&held.stream);
  gcoro_stream_server_close (server);
  wait_empty (server);
}

/* --- serve_forever() and SIGTERM ----------------------------------------------------- */

static void
serve (GCoroTask *task,
       gpointer   data)
{
  GError *error = NULL;

  if (!gcoro_stream_server_serve_forever (data, &error))
    gcoro_task_return_error (task, error);
}

static void
read_bye (GCoroTask *task,
          gpointer   data)
{
  Reader *r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) line = NULL;

  gcoro_stream_write (r->stream, (const guint8 *) "hi\n", 3);
  line = gcoro_stream_read_line (r->stream, &error);   /* the echo */
  g_assert_no_error (error);
  g_string_append (r->log, "echoed;");
  g_clear_pointer (&line, g_bytes_unref);
  line = gcoro_stream_read_line (r->stream, &error);   /* after SIGTERM */
  g_assert_no_error (error);
  g_string_append_len (r->log, g_bytes_get_data (line, NULL), g_bytes_get_size (line));
  g_clear_pointer (&line, g_bytes_unref);
  line = gcoro_stream_read_line (r->stream, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (line), ==, 0);
  g_string_append (r->log, "eof");
}

static void
test_serve_forever_shuts_down_on_sigterm (void)
{
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  Record rec = { 0 };
  Reader reader = { NULL, g_string_new (NULL) };
  GCoroTask *serving, *client;

  gcoro_stream_server_set_handler (server, recording_echo, &rec, NULL);
  gcoro_stream_server_set_grace_period (server, 20);
  g_assert_cmpuint (gcoro_stream_server_get_grace_period (server), ==, 20);
  g_assert_true (gcoro_stream_server_listen_tcp (server, "127.0.0.1", 0, NULL));
  serving = gcoro_spawn (serve, server, NULL);

  reader.stream = stream_from_fd (raw_connect (gcoro_stream_server_get_port (server)));
  client = gcoro_spawn (read_bye, &reader, NULL);
  while (reader.log->len == 0)
    g_main_context_iteration (NULL, TRUE);

  /* The handler waits for a line that never comes: after the grace
   * period it is cancelled, says bye from a shield, and the connection
   * closes; serve_forever() returns TRUE. */
  g_assert_no_errno (kill (getpid (), SIGTERM));
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (serving), NULL));
  g_object_unref (serving);
  g_assert_cmpuint (gcoro_stream_server_get_n_connections (server), ==, 0);
  g_assert_cmpint (rec.cancelled, ==, 1);
  run_all (&client, 1);
  g_assert_cmpstr (reader.log->str, ==, "echoed;bye\neof");

  g_object_unref (reader.stream);
  g_string_free (reader.log, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/server-limits/idle-timeout-closes-silent-clients",
                   test_idle_timeout_closes_silent_clients);
  g_test_add_func ("/gcoro/server-limits/out-of-descriptors-backs-off-and-resumes",
                   test_out_of_descriptors_backs_off_and_resumes);
  g_test_add_func ("/gcoro/server-limits/serve-forever-shuts-down-on-sigterm",
                   test_serve_forever_shuts_down_on_sigterm);

  return g_test_run ();
}

/* test-stream.c: the reader/writer vocabulary over socket pairs
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

#include <sys/socket.h>

static void
make_pair (GCoroStream **a,
           GCoroStream **b)
{
  int fds[2];

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, fds));
  *a = stream_from_fd (fds[0]);
  *b = stream_from_fd (fds[1]);
}

static char *
str (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

typedef struct
{
  GCoroStream *a;
  GCoroStream *b;
  GString     *log;
} Pair;

static void
pair_setup (Pair          *p,
            gconstpointer  data)
{
  make_pair (&p->a, &p->b);
  p->log = g_string_new (NULL);
}

static void
pair_teardown (Pair          *p,
               gconstpointer  data)
{
  g_clear_object (&p->a);
  g_clear_object (&p->b);
  g_string_free (p->log, TRUE);
}

static void
write_str (GCoroStream *s,
           const char  *text)
{
  gcoro_stream_write (s, (const guint8 *) text, strlen (text));
}

/* --- lines ------------------------------------------------------------------------- */

static void
line_reader (GCoroTask *task,
             gpointer   data)
{
  Pair *p = data;
  g_autoptr(GError) error = NULL;

  for (;;)
    {
      g_autoptr(GBytes) line = gcoro_stream_read_line (p->b, &error);
      g_autofree char *s = NULL;

      g_assert_no_error (error);
      if (g_bytes_get_size (line) == 0)
        break;
      s = str (line);
      g_string_append_printf (p->log, "[%s]", s);
    }
  g_assert_true (gcoro_stream_at_eof (p->b));
}

static void
line_writer (GCoroTask *task,
             gpointer   data)
{
  Pair *p = data;

  write_str (p->a, "one\ntw");
  gcoro_yield (NULL);
  write_str (p->a, "o\nthree\npartial");
  g_assert_true (gcoro_stream_write_eof (p->a, NULL));
}

static void
test_lines_and_partial_line_at_eof (Pair          *p,
                                    gconstpointer  data)
{
  GCoroTask *tasks[2] = { gcoro_spawn (line_reader, p, NULL), gcoro_spawn (line_writer, p, NULL) };

  run_all (tasks, 2);
  g_assert_cmpstr (p->log->str, ==, "[one\n][two\n][three\n][partial]");
}

static void
until_reader (GCoroTask *task,
              gpointer   data)
{
  Pair *p = data;
  g_autoptr(GBytes) a = gcoro_stream_read_until (p->b, (const guint8 *) "\r\n\r\n", 4, NULL);
  g_autoptr(GBytes) rest = gcoro_stream_read (p->b, -1, NULL);
  g_autofree char *sa = str (a), *sr = str (rest);

  g_string_append_printf (p->log, "%s|%s", sa, sr);
}

static void
until_writer (GCoroTask *task,
              gpointer   data)
{
  Pair *p = data;

  /* The separator arrives split over two sends. */
  write_str (p->a, "HEAD\r\n\r");
  gcoro_yield (NULL);
  write_str (p->a, "\nBODY");
  gcoro_stream_close (p->a, NULL);
}

static void
test_read_until_split_separator (Pair          *p,
                                 gconstpointer  data)
{
  GCoroTask *tasks[2] = { gcoro_spawn (until_reader, p, NULL), gcoro_spawn (until_writer, p, NULL) };

  run_all (tasks, 2);
  g_assert_cmpstr (p->log->str, ==, "HEAD\r\n\r\n|BODY");
}

static void
overrun_reader (GCoroTask *task,
                gpointer   data)
{
  Pair *p = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autoptr(GBytes) kept = NULL;

  gcoro_stream_set_limit (p->b, 16);
  g_assert_null (gcoro_stream_read_line (p->b, &error));
  g_assert_error (error, GCORO_STREAM_ERROR, GCORO_STREAM_ERROR_LIMIT_OVERRUN);
  /* Nothing was consumed: the data can still be read. */
  kept = gcoro_stream_read_exactly (p->b, 40, NULL, NULL);
  g_assert_nonnull (kept);
  /* And the stream goes on with the next line. */
  line = gcoro_stream_read_line (p->b, NULL);
  g_assert_cmpuint (g_bytes_get_size (line), ==, 3);
}

static void
test_overlong_line (Pair          *p,
                    gconstpointer  data)
{
  GCoroTask *task;

  write_str (p->a, "0123456789012345678901234567890123456789ok\n");
  task = gcoro_spawn (overrun_reader, p, NULL);
  run_all (&task, 1);
}

static void
exactly_reader (GCoroTask *task,
                gpointer   data)
{
  Pair *p = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) partial = NULL;
  g_autoptr(GBytes) first = gcoro_stream_read_exactly (p->b, 3, NULL, NULL);

  g_assert_cmpuint (g_bytes_get_size (first), ==, 3);
  g_assert_null (gcoro_stream_read_exactly (p->b, 10, &partial, &error));
  g_assert_error (error, GCORO_STREAM_ERROR, GCORO_STREAM_ERROR_INCOMPLETE_READ);
  g_assert_cmpuint (g_bytes_get_size (partial), ==, 4);
}

static void
test_peer_closes_mid_read_exactly (Pair          *p,
                                   gconstpointer  data)
{
  GCoroTask *task;

  write_str (p->a, "abcdefg");
  g_clear_object (&p->a);   /* the peer vanishes */
  task = gcoro_spawn (exactly_reader, p, NULL);
  run_all (&task, 1);
}

/* --- flow control and faults ---------------------------------------------------------- */

typedef struct
{
  Pair    *p;
  gsize    total;
  gsize    max_buffered;
  gboolean drained;
  GError  *error;
} Flood;

static void
flooder (GCoroTask *task,
         gpointer   data)
{
  Flood *f = data;
  guint8 chunk[8192];

  for (gsize i = 0; i < sizeof chunk; i++)
    chunk[i] = (guint8) i;
  gcoro_stream_set_write_buffer_limits (f->p->a, 32 * 1024, 8 * 1024);
  for (gsize sent = 0; sent < f->total; sent += sizeof chunk)
    {
      gcoro_stream_write (f->p->a, chunk, sizeof chunk);
      f->max_buffered = MAX (f->max_buffered, gcoro_stream_get_write_buffer_size (f->p->a));
      if (!gcoro_stream_drain (f->p->a, &f->error))
        return;
    }
  f->drained = TRUE;
  gcoro_stream_close (f->p->a, &f->error);
}

static void
test_peer_that_never_reads (Pair          *p,
                            gconstpointer  data)
{
  Flood f = { p, 4 * 1024 * 1024, 0, FALSE, NULL };
  GCoroTask *task = gcoro_spawn (flooder, &f, NULL);
  gsize received = 0;

  /* Nobody reads: the writer blocks in drain, its buffer bounded. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (f.drained);
  g_assert_cmpuint (f.max_buffered, <=, 32 * 1024 + 8192);

  /* Now read everything (plain blocking reads on the other end). */
  while (!gcoro_future_is_done (GCORO_FUTURE (task)) || !gcoro_stream_at_eof (p->b))
    {
      GInputStream *in = g_io_stream_get_input_stream (gcoro_stream_get_io_stream (p->b));
      guint8 buf[65536];
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (in), buf, sizeof buf,
                                                           NULL, NULL);
      if (n > 0)
        received += n;
      else if (n == 0)
        break;
      g_main_context_iteration (NULL, FALSE);
    }
  run_all (&task, 1);
  g_assert_no_error (f.error);
  g_assert_true (f.drained);
  g_assert_cmpuint (received, ==, f.total);
}

static void
test_peer_vanishes_mid_write (Pair          *p,
                              gconstpointer  data)
{
  Flood f = { p, 16 * 1024 * 1024, 0, FALSE, NULL };
  GCoroTask *task = gcoro_spawn (flooder, &f, NULL);

  settle_loop ();
  g_clear_object (&p->b);   /* the reader goes away; no SIGPIPE may kill us */
  run_all (&task, 1);
  g_assert_false (f.drained);
  g_assert_nonnull (f.error);
  g_assert_true (f.error->domain == G_IO_ERROR);
  g_clear_error (&f.error);
}

static void
half_close (GCoroTask *task,
            gpointer   data)
{
  Pair *p = data;
  g_autoptr(GBytes) all = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *s = NULL, *r = NULL;

  write_str (p->a, "request");
  g_assert_true (gcoro_stream_write_eof (p->a, NULL));
  all = gcoro_stream_read (p->b, -1, NULL);            /* data, then EOF */
  s = str (all);
  write_str (p->b, "reply");                            /* b can still write */
  gcoro_stream_close (p->b, NULL);
  reply = gcoro_stream_read (p->a, -1, NULL);
  r = str (reply);
  g_string_append_printf (p->log, "%s/%s", s, r);
}

static void
test_half_close (Pair          *p,
                 gconstpointer  data)
{
  GCoroTask *task = gcoro_spawn (half_close, p, NULL);

  run_all (&task, 1);
  g_assert_cmpstr (p->log->str, ==, "request/reply");
}

static void
cancel_reader (GCoroTask *task,
               gpointer   data)
{
  Pair *p = data;
  g_autoptr(GError) error = NULL;

  g_assert_null (gcoro_stream_read_line (p->b, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
later_reader (GCoroTask *task,
              gpointer   data)
{
  Pair *p = data;
  g_autoptr(GBytes) line = gcoro_stream_read_line (p->b, NULL);
  g_autofree char *s = str (line);

  g_string_append (p->log, s);
}

static void
test_cancelled_read_loses_nothing (Pair          *p,
                                   gconstpointer  data)
{
  GCoroTask *task = gcoro_spawn (cancel_reader, p, NULL);

  settle_loop ();
  gcoro_task_cancel (task);
  run_all (&task, 1);
  /* The stream is still usable; data sent afterwards is read whole. */
  write_str (p->a, "after\n");
  task = gcoro_spawn (later_reader, p, NULL);
  run_all (&task, 1);
  g_assert_cmpstr (p->log->str, ==, "after\n");
}

/* --- readiness: one registration per socket, for its whole life -------------------- */

/* How many descriptors the default context would poll now: runs one
 * iteration by hand, without blocking. */
static int
count_poll_fds (void)
{
  GMainContext *context = g_main_context_default ();
  GPollFD fds[512];
  int priority, timeout, n;

  g_assert_true (g_main_context_acquire (context));
  g_main_context_prepare (context, &priority);
  n = g_main_context_query (context, priority, &timeout, fds, G_N_ELEMENTS (fds));
  g_assert_cmpint (n, <=, (int) G_N_ELEMENTS (fds));
  g_poll (fds, n, 0);
  if (g_main_context_check (context, priority, fds, n))
    g_main_context_dispatch (context);
  g_main_context_release (context);
  return n;
}

#define N_IDLE_PAIRS 40

typedef struct
{
  GCoroStream *stream;
  int          lines;
} Echoer;

static void
echoer (GCoroTask *task,
        gpointer   data)
{
  Echoer *e = data;

  for (;;)
    {
      g_autoptr(GBytes) line = gcoro_stream_read_line (e->stream, NULL);

      if (line == NULL || g_bytes_get_size (line) == 0)
        return;
      e->lines++;
      gcoro_stream_write_bytes (e->stream, line);
      if (!gcoro_stream_drain (e->stream, NULL))
        return;
    }
}

static void
round_trips (GCoroTask *task,
             gpointer   data)
{
  GCoroStream **clients = data;

  for (int round = 0; round < 50; round++)
    for (int i = 0; i < N_IDLE_PAIRS; i++)
      {
        g_autoptr(GBytes) line = NULL;

        write_str (clients[i], "ping\n");
        line = gcoro_stream_read_line (clients[i], NULL);
        g_assert_cmpuint (g_bytes_get_size (line), ==, 5);
      }
}

static void
test_one_registration_per_socket (void)
{
  GCoroStream *clients[N_IDLE_PAIRS];
  Echoer echoers[N_IDLE_PAIRS];
  GCoroTask *tasks[N_IDLE_PAIRS];
  GCoroTask *driver;
  int base, waiting, after;

  base = count_poll_fds ();
  for (int i = 0; i < N_IDLE_PAIRS; i++)
    {
      make_pair (&clients[i], &echoers[i].stream);
      echoers[i].lines = 0;
      tasks[i] = gcoro_spawn (echoer, &echoers[i], NULL);
    }
  settle_loop ();
  waiting = count_poll_fds ();

  driver = gcoro_spawn (round_trips, clients, NULL);
  run_all (&driver, 1);
  after = count_poll_fds ();

  for (int i = 0; i < N_IDLE_PAIRS; i++)
    g_assert_cmpint (echoers[i].lines, ==, 50);

  /* 2,000 waits later the context polls what it polled before them: the
   * registrations are per socket, not per wait. */
  if (gcoro_get_backend () == GCORO_BACKEND_EPOLL)
    {
      /* One epoll descriptor for all sockets. */
      g_assert_cmpint (waiting, <=, base + 1);
      g_assert_cmpint (after, <=, base + 1);
    }
  else
    {
      g_assert_cmpint (waiting, >=, base + N_IDLE_PAIRS);
      g_assert_cmpint (after, <=, base + 2 * N_IDLE_PAIRS);
    }

  for (int i = 0; i < N_IDLE_PAIRS; i++)
    gcoro_stream_close (clients[i], NULL);
  run_all (tasks, N_IDLE_PAIRS);
  for (int i = 0; i < N_IDLE_PAIRS; i++)
    {
      g_object_unref (clients[i]);
      g_object_unref (echoers[i].stream);
    }
  settle_loop ();
  g_assert_cmpint (count_poll_fds (), <=, base + 1);
}

static void
test_write_sends_in_background (Pair          *p,
                                gconstpointer  data)
{
  gsize total = 2 * 1024 * 1024, received = 0;
  g_autofree guint8 *blob = g_malloc (total);
  GInputStream *in = g_io_stream_get_input_stream (gcoro_stream_get_io_stream (p->b));

  memset (blob, 'z', total);
  /* Outside any task, and nobody drains: write() keeps what the socket
   * does not take and the loop sends it as the peer reads. */
  gcoro_stream_write (p->a, blob, total);
  g_assert_cmpuint (gcoro_stream_get_write_buffer_size (p->a), >, 0);

  while (received < total)
    {
      guint8 buf[65536];
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (in), buf, sizeof buf,
                                                           NULL, NULL);
      if (n > 0)
        received += n;
      else
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (received, ==, total);
  g_assert_cmpuint (gcoro_stream_get_write_buffer_size (p->a), ==, 0);
}

static void
busy_reader (GCoroTask *task,
             gpointer   data)
{
  Pair *p = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) line = gcoro_stream_read_line (p->b, &error);

  if (line == NULL)
    g_string_append_printf (p->log, "[%s]", error->message);
  else
    g_string_append_len (p->log, g_bytes_get_data (line, NULL), g_bytes_get_size (line));
}

static void
test_two_readers_at_once (Pair          *p,
                          gconstpointer  data)
{
  GCoroTask *tasks[2];

  tasks[0] = gcoro_spawn (busy_reader, p, NULL);
  settle_loop ();
  tasks[1] = gcoro_spawn (busy_reader, p, NULL);
  settle_loop ();
  /* The second reader is refused; the first still gets the line. */
  g_assert_nonnull (strstr (p->log->str, "already reading this stream"));
  write_str (p->a, "first\n");
  run_all (tasks, 2);
  g_assert_true (g_str_has_suffix (p->log->str, "]first\n"));
}

static void
closing_task (GCoroTask *task,
              gpointer   data)
{
  Pair *p = data;

  g_assert_true (gcoro_stream_close (p->b, NULL));
}

static void
test_close_while_another_task_reads (Pair          *p,
                                     gconstpointer  data)
{
  GCoroTask *tasks[2];
  g_autoptr(GError) error = NULL;

  tasks[0] = gcoro_spawn (busy_reader, p, NULL);
  settle_loop ();
  /* The reader waits for a line that never comes; the stream is closed
   * under it: its read fails at once instead of waiting forever. */
  tasks[1] = gcoro_spawn (closing_task, p, NULL);
  run_all (tasks, 2);
  g_assert_cmpstr (p->log->str, ==, "[The stream was closed while waiting]");
}

/* A short read drains the socket, but an end of stream queued behind
 * the data still has to be read: a reader that skips its next recv()
 * after a short one must not miss it. */
static void
sleepy_reader (GCoroTask *task,
               gpointer   data)
{
  Pair *p = data;
  g_autoptr(GBytes) first = gcoro_stream_read_line (p->b, NULL);

  g_string_append_len (p->log, g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  /* The peer writes more and closes while this task sleeps: the loop
   * sees the readiness with nobody waiting. */
  gcoro_sleep (1, NULL);
  while (!gcoro_stream_at_eof (p->b))
    {
      g_autoptr(GBytes) line = gcoro_stream_read_line (p->b, NULL);

      g_string_append_printf (p->log, "[%.*s]", (int) g_bytes_get_size (line),
                              (const char *) g_bytes_get_data (line, NULL));
    }
}

static void
test_end_of_stream_behind_data (Pair          *p,
                                gconstpointer  data)
{
  GCoroTask *task = gcoro_spawn (sleepy_reader, p, NULL);

  write_str (p->a, "one\n");
  settle_loop ();
  write_str (p->a, "two\n");
  g_assert_true (gcoro_stream_write_eof (p->a, NULL));
  run_all (&task, 1);
  g_assert_cmpstr (p->log->str, ==, "one\n[two\n][]");
}

/* --- GIO-style twins ------------------------------------------------------------------ */

typedef struct
{
  int     done;
  GBytes *bytes;
  GError *error;
} AsyncRead;

static void
line_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncRead *r = user_data;

  r->bytes = gcoro_stream_read_line_finish (GCORO_STREAM (source), result, &r->error);
  r->done++;
}

static void
test_async_twins (Pair          *p,
                  gconstpointer  data)
{
  AsyncRead r = { 0, };
  g_autofree char *s = NULL;

  gcoro_stream_read_line_async (p->b, NULL, line_read, &r);
  settle_loop ();
  g_assert_cmpint (r.done, ==, 0);
  write_str (p->a, "async line\n");
  iterate_until (&r.done, 1);
  g_assert_no_error (r.error);
  s = str (r.bytes);
  g_assert_cmpstr (s, ==, "async line\n");
  g_bytes_unref (r.bytes);
}


/* --- idle timeout and bounded close ------------------------------------------------- */

static void
idle_reader (GCoroTask *task,
             gpointer   data)
{
  Pair *p = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autofree char *text = NULL;

  line = gcoro_stream_read_line (p->b, &error);
  g_assert_null (line);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_string_append (p->log, "timed out;");
  g_clear_error (&error);

  /* What came before the timeout is still there. */
  gcoro_stream_set_idle_timeout (p->b, 0);
  write_str (p->a, "tial\n");
  line = gcoro_stream_read_line (p->b, &error);
  g_assert_no_error (error);
  text = str (line);
  g_string_append (p->log, text);
}

static void
test_idle_timeout (Pair          *p,
                   gconstpointer  data)
{
  GCoroTask *task;

  gcoro_stream_set_idle_timeout (p->b, 20);
  g_assert_cmpuint (gcoro_stream_get_idle_timeout (p->b), ==, 20);
  write_str (p->a, "par");   /* a partial line, then silence */
  task = gcoro_spawn (idle_reader, p, NULL);
  run_all (&task, 1);
  g_assert_cmpstr (p->log->str, ==, "timed out;partial\n");
}

static void
close_body (GCoroTask *task,
            gpointer   data)
{
  GError *error = NULL;

  if (!gcoro_stream_close (data, &error))
    gcoro_task_return_error (task, error);
}

static void
bounded_close (GCoroTask *task,
               gpointer   data)
{
  Pair *p = data;
  g_autofree guint8 *blob = g_malloc0 (4 * 1024 * 1024);
  g_autoptr(GCoroTask) closing = NULL;
  g_autoptr(GCoroFuture) bounded = NULL;
  g_autoptr(GError) error = NULL;

  /* The peer never reads: four megabytes cannot all leave. */
  gcoro_stream_write (p->b, blob, 4 * 1024 * 1024);
  closing = gcoro_spawn (close_body, p->b, NULL);
  bounded = gcoro_future_with_timeout (GCORO_FUTURE (closing), 20);
  g_assert_false (gcoro_await (bounded, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_string_append (p->log, "closed anyway");
}

static void
read_to_eof (GCoroTask *task,
             gpointer   data)
{
  Pair *p = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) rest = gcoro_stream_read (p->a, -1, &error);

  g_assert_no_error (error);
  /* What got through, then EOF: less than everything. */
  g_assert_cmpuint (g_bytes_get_size (rest), <, 4 * 1024 * 1024);
  g_string_append (p->log, "; peer saw EOF");
}

static void
test_close_bounded_on_a_peer_that_never_reads (Pair          *p,
                                                gconstpointer  data)
{
  GCoroTask *task = gcoro_spawn (bounded_close, p, NULL);

  run_all (&task, 1);
  g_assert_cmpstr (p->log->str, ==, "closed anyway");
  task = gcoro_spawn (read_to_eof, p, NULL);
  run_all (&task, 1);
  g_assert_cmpstr (p->log->str, ==, "closed anyway; peer saw EOF");
}

static void
test_addresses (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) want = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) c = NULL;
  g_autoptr(GSocketConnection) s = NULL;
  g_autoptr(GCoroStream) cs = NULL;
  g_autoptr(GSocketAddress) peer = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GError) error = NULL;

  /* Loopback only: no proxy lookup (libproxy throws C++ exceptions that
   * AddressSanitizer's interceptor trips on). */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_assert_true (g_socket_listener_add_address (listener, want, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  c = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (bound), NULL, &error);
  g_assert_no_error (error);
  s = g_socket_listener_accept (listener, NULL, NULL, &error);
  g_assert_no_error (error);

  cs = gcoro_stream_new (G_IO_STREAM (c));
  peer = gcoro_stream_get_peer_address (cs, &error);
  local = gcoro_stream_get_local_address (cs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (peer)), ==,
                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_assert_true (g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local))));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define PAIR_TEST(path, fn) g_test_add (path, Pair, NULL, pair_setup, fn, pair_teardown)
  PAIR_TEST ("/gcoro/stream/lines-and-partial-line-at-eof", test_lines_and_partial_line_at_eof);
  PAIR_TEST ("/gcoro/stream/read-until-split-separator", test_read_until_split_separator);
  PAIR_TEST ("/gcoro/stream/overlong-line", test_overlong_line);
  PAIR_TEST ("/gcoro/stream/peer-closes-mid-read-exactly", test_peer_closes_mid_read_exactly);
  PAIR_TEST ("/gcoro/stream/peer-that-never-reads", test_peer_that_never_reads);
  PAIR_TEST ("/gcoro/stream/peer-vanishes-mid-write", test_peer_vanishes_mid_write);
  PAIR_TEST ("/gcoro/stream/half-close", test_half_close);
  PAIR_TEST ("/gcoro/stream/cancelled-read-loses-nothing", test_cancelled_read_loses_nothing);
  PAIR_TEST ("/gcoro/stream/async-twins", test_async_twins);
  PAIR_TEST ("/gcoro/stream/write-sends-in-background", test_write_sends_in_background);
  PAIR_TEST ("/gcoro/stream/two-readers-at-once", test_two_readers_at_once);
  PAIR_TEST ("/gcoro/stream/close-while-another-task-reads", test_close_while_another_task_reads);
  PAIR_TEST ("/gcoro/stream/end-of-stream-behind-data", test_end_of_stream_behind_data);
  PAIR_TEST ("/gcoro/stream/idle-timeout", test_idle_timeout);
  PAIR_TEST ("/gcoro/stream/close-bounded-on-a-peer-that-never-reads", test_close_bounded_on_a_peer_that_never_reads);
  g_test_add_func ("/gcoro/stream/one-registration-per-socket", test_one_registration_per_socket);
  g_test_add_func ("/gcoro/stream/addresses", test_addresses);

  return g_test_run ();
}

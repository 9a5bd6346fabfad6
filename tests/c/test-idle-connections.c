/* test-idle-connections.c: a server with 10,000 idle clients keeps serving
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A child process opens the idle connections (so this process's
 * descriptor table holds only the server's ends) and keeps them silent;
 * meanwhile a client of this process does round trips, which must all
 * come back whole. meson runs it on both socket backends; the speed
 * difference between them is bench/run-echo.sh's business, not a test's.
 */
#include "gcoro-test-util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_IDLE   10000
#define N_ROUNDS 200

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

/* The child: only system calls from here on. */
static void G_GNUC_NORETURN
hold_idle_connections (guint16 port,
                       int     n,
                       int     ready_fd,
                       int     hold_fd)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  char c = 0;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  for (int i = 0; i < n; i++)
    {
      int fd = socket (AF_INET, SOCK_STREAM, 0);

      if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
        _exit (1);
    }
  if (write (ready_fd, &c, 1) != 1)
    _exit (2);
  while (read (hold_fd, &c, 1) > 0)   /* until the parent lets go */
    ;
  _exit (0);
}

typedef struct
{
  guint16 port;
  int     round_trips;
} Client;

static void
active_client (GCoroTask *task,
               gpointer   data)
{
  Client *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroStream) stream = gcoro_stream_connect_tcp ("127.0.0.1", c->port, &error);

  g_assert_no_error (error);
  for (int i = 0; i < N_ROUNDS; i++)
    {
      g_autofree char *text = g_strdup_printf ("line %d\n", i);
      g_autoptr(GBytes) line = NULL;

      gcoro_stream_write (stream, (const guint8 *) text, strlen (text));
      line = gcoro_stream_read_line (stream, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (line, NULL), g_bytes_get_size (line), text, strlen (text));
      c->round_trips++;
    }
  gcoro_stream_close (stream, NULL);
}

static int
raise_fd_limit (int want)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
    return 1024;
  if (rl.rlim_cur < (rlim_t) want)
    {
      rl.rlim_cur = MIN ((rlim_t) want, rl.rlim_max);
      setrlimit (RLIMIT_NOFILE, &rl);
      getrlimit (RLIMIT_NOFILE, &rl);
    }
  return (int) MIN (rl.rlim_cur, (rlim_t) G_MAXINT);
}

static void
test_idle_connections_do_not_stop_active_ones (void)
{
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  g_autoptr(GError) error = NULL;
  Client client = { 0, 0 };
  GCoroTask *task;
  int limit = raise_fd_limit (N_IDLE + 256);
  /* Under valgrind (the leak check of this code path) 1,000 do; on the
   * glib backend each iteration polls every one of them, and valgrind
   * makes that minutes. */
  int want = g_getenv ("GCORO_UNDER_VALGRIND") != NULL ? 1000 : N_IDLE;
  int n_idle = MIN (want, limit - 256);
  int ready[2], hold[2], status;
  char c;
  pid_t pid;

  if (n_idle < want)
    g_test_message ("descriptor limit %d: holding %d idle connections, not %d",
                    limit, n_idle, N_IDLE);
  g_assert_cmpint (n_idle, >=, 1000);

  gcoro_stream_server_set_handler (server, echo, NULL, NULL);
  g_assert_true (gcoro_stream_server_listen_tcp (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  gcoro_stream_server_start (server);
  client.port = gcoro_stream_server_get_port (server);

  g_assert_no_errno (pipe (ready));
  g_assert_no_errno (pipe (hold));
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (ready[0]);
      close (hold[1]);
      hold_idle_connections (client.port, n_idle, ready[1], hold[0]);
    }
  close (ready[1]);
  close (hold[0]);

  /* Accept them all: each gets its handler task, waiting for a line. */
  while (gcoro_stream_server_get_n_connections (server) < (guint) n_idle)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (read (ready[0], &c, 1), ==, 1);

  task = gcoro_spawn (active_client, &client, NULL);
  run_all (&task, 1);
  g_assert_cmpint (client.round_trips, ==, N_ROUNDS);
  g_assert_cmpuint (gcoro_stream_server_get_n_connections (server), >=, (guint) n_idle);

  /* The child exits, its connections close, every handler ends. */
  close (hold[1]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  while (gcoro_stream_server_get_n_connections (server) > 0)
    g_main_context_iteration (NULL, TRUE);
  close (ready[0]);

  gcoro_stream_server_close (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/server/idle-connections-do-not-stop-active-ones",
                   test_idle_connections_do_not_stop_active_ones);

  return g_test_run ();
}

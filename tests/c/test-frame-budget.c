/* test-frame-budget.c: a busy scheduler steps aside for GTK's redraw priority
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * No test here measures how long anything took. Each unit of work (a step
 * of a task, a line echoed by a server, a result from a worker) spins on
 * the monotonic clock for at least STEP_USEC inside the scheduler's
 * dispatch, so the budget, which counts dispatching time, is spent after
 * at most BUDGET_USEC / STEP_USEC units; then the next iteration must
 * dispatch a probe source at priority 120 (GTK's redraw priority). The
 * tests count units between two runs of the probe. A loaded machine only
 * makes units longer, which spends the budget sooner: the bounds hold
 * whatever the load. meson runs this binary on both socket backends.
 */
#include <errno.h>
#include <gio/gio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gcoro-test-util.h"

#define REDRAW_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)
#define BUDGET_USEC 2000
/* At least BUDGET_USEC / 16: the scheduler then reads the clock after
 * every unit. */
#define STEP_USEC 250
#define MAX_UNITS_BETWEEN_FRAMES (BUDGET_USEC / STEP_USEC)

static void
spin (gint64 usec)
{
  gint64 end = g_get_monotonic_time () + usec;

  while (g_get_monotonic_time () < end)
    ;
}

static guint
set_budget (guint usec)
{
  GCoroScheduler *scheduler = gcoro_scheduler_get_default ();
  guint before = gcoro_scheduler_get_frame_budget (scheduler);

  gcoro_scheduler_set_frame_budget (scheduler, usec);
  return before;
}

/* --- the probe: a source at GTK's redraw priority ----------------------------- */

/* Counts the units of work done between its dispatches. While `armed` it
 * is ready at every iteration, the way a frame clock with an animation is
 * whenever a frame is due; with `one_shot` each dispatch disarms it. */
typedef struct
{
  GSource  source;
  guint   *units;           /* the work counter it watches */
  guint    units_at_last;
  guint    max_between;     /* the most units between two dispatches */
  guint    dispatches;
  gboolean armed;
  gboolean one_shot;
} Probe;

static gboolean
probe_prepare (GSource *source,
               gint    *timeout)
{
  *timeout = -1;
  return ((Probe *) source)->armed;
}

static gboolean
probe_check (GSource *source)
{
  return ((Probe *) source)->armed;
}

static gboolean
probe_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  Probe *probe = (Probe *) source;

  probe->max_between = MAX (probe->max_between, *probe->units - probe->units_at_last);
  probe->units_at_last = *probe->units;
  probe->dispatches++;
  if (probe->one_shot)
    probe->armed = FALSE;
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs probe_funcs = { probe_prepare, probe_check, probe_dispatch, NULL, NULL, NULL };

static Probe *
probe_new (guint *units)
{
  Probe *probe = (Probe *) g_source_new (&probe_funcs, sizeof (Probe));

  probe->units = units;
  probe->units_at_last = *units;
  probe->armed = TRUE;
  g_source_set_priority ((GSource *) probe, REDRAW_PRIORITY);
  g_source_attach ((GSource *) probe, NULL);
  return probe;
}

static void
probe_free (Probe *probe)
{
  g_source_destroy ((GSource *) probe);
  g_source_unref ((GSource *) probe);
}

/* Units done since the last dispatch count too: the work may end long
 * after the probe last ran. */
static guint
probe_max_between (Probe *probe)
{
  return MAX (probe->max_between, *probe->units - probe->units_at_last);
}

/* --- the property --------------------------------------------------------------- */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(int *) user_data)++;
}

static void
test_property (void)
{
  GCoroScheduler *scheduler = gcoro_scheduler_get_default ();
  guint before = gcoro_scheduler_get_frame_budget (scheduler);
  guint value = 0;
  int notified = 0;

  if (g_getenv ("GCORO_FRAME_BUDGET") == NULL)
    g_assert_cmpuint (before, ==, 4000);

  g_signal_connect (scheduler, "notify::frame-budget", G_CALLBACK (count_notify), &notified);
  gcoro_scheduler_set_frame_budget (scheduler, 1234);
  g_assert_cmpuint (gcoro_scheduler_get_frame_budget (scheduler), ==, 1234);
  g_object_get (scheduler, "frame-budget", &value, NULL);
  g_assert_cmpuint (value, ==, 1234);
  gcoro_scheduler_set_frame_budget (scheduler, 1234);   /* no change, no notify */
  g_object_set (scheduler, "frame-budget", 0, NULL);   /* off */
  g_assert_cmpuint (gcoro_scheduler_get_frame_budget (scheduler), ==, 0);
  g_assert_cmpint (notified, ==, 2);

  g_signal_handlers_disconnect_by_func (scheduler, count_notify, &notified);
  gcoro_scheduler_set_frame_budget (scheduler, before);
}

/* --- ready tasks that yield ---------------------------------------------------- */

#define N_TASKS 8
#define STEPS_PER_TASK 24

typedef struct
{
  guint   steps;        /* done by all tasks */
  GArray *order;        /* the task of each step */
  gint64  step_usec;
  int     index;
} Yielders;

typedef struct
{
  Yielders *y;
  int       index;
} Yielder;

static void
yielder (GCoroTask *task,
         gpointer   user_data)
{
  Yielder *me = user_data;

  for (int i = 0; i < STEPS_PER_TASK; i++)
    {
      spin (me->y->step_usec);
      g_array_append_val (me->y->order, me->index);
      me->y->steps++;
      g_assert_true (gcoro_yield (NULL));
    }
}

static void
run_yielders (Yielders  *y,
              int        priority,
              Probe    **probe_out)
{
  GCoroSpawnOptions options = { .priority = priority };
  Yielder me[N_TASKS];
  GCoroTask *tasks[N_TASKS];

  y->order = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < N_TASKS; i++)
    {
      me[i] = (Yielder) { y, i };
      tasks[i] = gcoro_spawn_full (&options, yielder, &me[i], NULL);
    }
  *probe_out = probe_new (&y->steps);
  run_all (tasks, N_TASKS);
}

static void
assert_round_robin (Yielders *y)
{
  g_assert_cmpuint (y->order->len, ==, N_TASKS * STEPS_PER_TASK);
  for (guint i = 0; i < y->order->len; i++)
    g_assert_cmpint (g_array_index (y->order, int, i), ==, (int) i % N_TASKS);
  g_array_unref (y->order);
}

static void
test_yielding_tasks_step_aside (void)
{
  Yielders y = { .step_usec = STEP_USEC };
  guint before = set_budget (BUDGET_USEC);
  Probe *probe;

  run_yielders (&y, G_PRIORITY_DEFAULT, &probe);

  /* The probe had its turn every few steps, and nothing was lost or
   * reordered: every task took its turn in spawn order, every round. */
  g_assert_cmpuint (probe_max_between (probe), <=, MAX_UNITS_BETWEEN_FRAMES);
  g_assert_cmpuint (probe->dispatches, >=, N_TASKS * STEPS_PER_TASK / MAX_UNITS_BETWEEN_FRAMES - 1);
  assert_round_robin (&y);
  probe_free (probe);
  set_budget (before);
}

static void
test_budget_off_starves (void)
{
  Yielders y = { .step_usec = 0 };
  guint before = set_budget (0);
  Probe *probe;

  run_yielders (&y, G_PRIORITY_DEFAULT, &probe);

  /* GLib's rule: a lower priority runs only when nothing above it is
   * ready. Not a single turn while the tasks ran. */
  g_assert_cmpuint (probe->dispatches, ==, 0);
  assert_round_robin (&y);
  while (probe->dispatches == 0)
    g_main_context_iteration (NULL, TRUE);
  probe_free (probe);
  set_budget (before);
}

static void
test_high_priority_keeps_its_meaning (void)
{
  Yielders y = { .step_usec = STEP_USEC };
  guint before = set_budget (BUDGET_USEC);
  Probe *probe;

  /* Asked to run before everything: runs before everything, however long. */
  run_yielders (&y, G_PRIORITY_HIGH, &probe);

  g_assert_cmpuint (probe->dispatches, ==, 0);
  assert_round_robin (&y);
  probe_free (probe);
  set_budget (before);
}

/* --- what a step aside lets run, and what not ----------------------------------- */

static gboolean
count_and_continue (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  guint  steps;
  Probe *probe;
} Armer;

/* Arms the one-shot probe twice, with room for several steps aside
 * before, between and after: most of them find nothing of priority 120
 * ready but the scheduler's own frame source. */
static void
arming_yielder (GCoroTask *task,
                gpointer   user_data)
{
  Armer *a = user_data;

  for (int i = 0; i < 8 * MAX_UNITS_BETWEEN_FRAMES; i++)
    {
      spin (STEP_USEC);
      a->steps++;
      if (a->steps == 2 * MAX_UNITS_BETWEEN_FRAMES || a->steps == 5 * MAX_UNITS_BETWEEN_FRAMES)
        a->probe->armed = TRUE;
      g_assert_true (gcoro_yield (NULL));
    }
}

static void
test_lower_priorities_still_wait (void)
{
  Armer a = { 0 };
  guint before = set_budget (BUDGET_USEC);
  guint idle_runs = 0;
  guint id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, count_and_continue, &idle_runs, NULL);
  g_autoptr(GCoroTask) task = NULL;

  a.probe = probe_new (&a.steps);
  a.probe->one_shot = TRUE;
  a.probe->armed = FALSE;
  task = gcoro_spawn (arming_yielder, &a, NULL);
  while (!gcoro_future_is_done (GCORO_FUTURE (task)))
    g_main_context_iteration (NULL, TRUE);

  /* The probe got its turns, and the idle source none while the task was
   * busy: stepping aside goes down to priority 120, not below. */
  g_assert_cmpuint (a.probe->dispatches, ==, 2);
  g_assert_cmpuint (idle_runs, ==, 0);

  g_source_remove (id);
  probe_free (a.probe);
  set_budget (before);
}

static void
test_busy_default_source_cannot_stall_tasks (void)
{
  Yielders y = { .step_usec = STEP_USEC };
  guint before = set_budget (BUDGET_USEC);
  guint other_runs = 0;
  /* Always ready, at the tasks' priority: the frame source never gets its
   * turn, and stepping aside still ends. */
  guint id = g_idle_add_full (G_PRIORITY_DEFAULT, count_and_continue, &other_runs, NULL);
  Probe *probe;

  run_yielders (&y, G_PRIORITY_DEFAULT, &probe);

  g_assert_cmpuint (probe->dispatches, ==, 0);
  g_assert_cmpuint (other_runs, >, 0);
  assert_round_robin (&y);
  g_source_remove (id);
  probe_free (probe);
  set_budget (before);
}

/* --- a server flooded with requests ------------------------------------------- */

#define N_CONNECTIONS 4
#define LINES_TO_SERVE 64

typedef struct
{
  guint16  port;
  int      stop;          /* atomic: the client thread ends */
  guint    wrong_echoes;  /* client thread only, read after the join */
  guint    echoes;
} Client;

static int
connect_to (guint16 port)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  return dup (g_socket_get_fd (socket));
}

static void
send_line (int   fd,
           int   connection,
           guint seq,
           char *sent)
{
  int len = g_snprintf (sent, 32, "%d:%u\n", connection, seq);

  g_assert_cmpint (write (fd, sent, len), ==, len);
}

/* A closed-loop client on its own thread, like bench/echo-load.c: each
 * connection sends a line, waits for its echo, and sends the next, so the
 * server always has a line to answer somewhere. */
static gpointer
client_thread (gpointer data)
{
  Client *c = data;
  struct pollfd pfds[N_CONNECTIONS];
  char sent[N_CONNECTIONS][32];
  GString *received[N_CONNECTIONS];
  guint seq = 0;

  for (int i = 0; i < N_CONNECTIONS; i++)
    {
      pfds[i] = (struct pollfd) { .fd = connect_to (c->port), .events = POLLIN };
      received[i] = g_string_new (NULL);
      send_line (pfds[i].fd, i, seq++, sent[i]);
    }

  while (!g_atomic_int_get (&c->stop))
    {
      if (poll (pfds, N_CONNECTIONS, 100) <= 0)
        continue;
      for (int i = 0; i < N_CONNECTIONS; i++)
        {
          char buf[64];
          ssize_t n;

          if (!(pfds[i].revents & POLLIN))
            continue;
          n = read (pfds[i].fd, buf, sizeof buf);
          g_assert_cmpint (n, >, 0);
          g_string_append_len (received[i], buf, n);
          if (received[i]->len < strlen (sent[i]))
            continue;
          if (!g_str_equal (received[i]->str, sent[i]))
            c->wrong_echoes++;
          c->echoes++;
          g_string_truncate (received[i], 0);
          send_line (pfds[i].fd, i, seq++, sent[i]);
        }
    }

  for (int i = 0; i < N_CONNECTIONS; i++)
    {
      close (pfds[i].fd);
      g_string_free (received[i], TRUE);
    }
  return NULL;
}

typedef struct
{
  guint lines;   /* served: main thread only */
} Served;

/* The handler yields after each line: without that, a handler that finds
 * the next line already there answers it in the same resumption, and the
 * scheduler only looks at the clock between resumptions. One line per
 * resumption makes the count exact. */
static void
echo_slowly (GCoroStream *stream,
             gpointer     user_data)
{
  Served *served = user_data;

  for (;;)
    {
      g_autoptr(GBytes) line = gcoro_stream_read_line (stream, NULL);

      if (line == NULL || g_bytes_get_size (line) == 0)
        return;
      spin (STEP_USEC);
      served->lines++;
      gcoro_stream_write_bytes (stream, line);
      if (!gcoro_stream_drain (stream, NULL) || !gcoro_yield (NULL))
        return;
    }
}

static void
test_flooded_server_steps_aside (void)
{
  g_autoptr(GCoroStreamServer) server = gcoro_stream_server_new ();
  g_autoptr(GError) error = NULL;
  guint before = set_budget (BUDGET_USEC);
  Served served = { 0 };
  Client client = { 0 };
  GThread *thread;
  Probe *probe;

  gcoro_stream_server_set_handler (server, echo_slowly, &served, NULL);
  g_assert_true (gcoro_stream_server_listen_tcp (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  gcoro_stream_server_start (server);
  client.port = gcoro_stream_server_get_port (server);

  probe = probe_new (&served.lines);
  thread = g_thread_new ("flood", client_thread, &client);
  while (served.lines < LINES_TO_SERVE)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (probe_max_between (probe), <=, MAX_UNITS_BETWEEN_FRAMES);
  probe_free (probe);

  /* The client sees the flag within one poll() timeout, and hangs up. */
  g_atomic_int_set (&client.stop, 1);
  g_thread_join (thread);
  while (gcoro_stream_server_get_n_connections (server) > 0)
    g_main_context_iteration (NULL, TRUE);
  gcoro_stream_server_close (server);

  /* Every echo the client read was the line it had sent. */
  g_assert_cmpuint (client.wrong_echoes, ==, 0);
  g_assert_cmpuint (client.echoes, <=, served.lines);
  g_assert_cmpuint (client.echoes + N_CONNECTIONS, >=, served.lines);
  set_budget (before);
}

/* --- a worker handing results back --------------------------------------------- */

#define N_RESULTS 64

static void
answer (GCoroTask *task,
        gpointer   user_data)
{
  gcoro_task_return_int64 (task, GPOINTER_TO_INT (user_data));
}

typedef struct
{
  guint results;   /* handled on the main thread */
} Results;

/* On the main thread, one scheduler runnable per result: the callbacks of
 * _async() calls always run from a dispatch of their own. */
static void
handle_result (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Results *r = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (gcoro_future_wait_finish (GCORO_FUTURE (source), result, NULL, &error));
  g_assert_no_error (error);
  spin (STEP_USEC);
  r->results++;
}

static void
test_worker_results_step_aside (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroWorker) worker = gcoro_worker_new ("results", &error);
  guint before = set_budget (BUDGET_USEC);
  Results r = { 0 };
  Probe *probe;

  g_assert_no_error (error);
  probe = probe_new (&r.results);
  for (int i = 0; i < N_RESULTS; i++)
    {
      g_autoptr(GCoroFuture) job = gcoro_worker_spawn (worker, answer, GINT_TO_POINTER (i), NULL);

      gcoro_future_wait_async (job, NULL, handle_result, &r);
    }
  while (r.results < N_RESULTS)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (probe_max_between (probe), <=, MAX_UNITS_BETWEEN_FRAMES);
  probe_free (probe);
  gcoro_worker_stop (worker);
  set_budget (before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/frame-budget/property", test_property);
  g_test_add_func ("/gcoro/frame-budget/yielding-tasks-step-aside", test_yielding_tasks_step_aside);
  g_test_add_func ("/gcoro/frame-budget/off-starves", test_budget_off_starves);
  g_test_add_func ("/gcoro/frame-budget/high-priority-keeps-its-meaning",
                   test_high_priority_keeps_its_meaning);
  g_test_add_func ("/gcoro/frame-budget/lower-priorities-still-wait", test_lower_priorities_still_wait);
  g_test_add_func ("/gcoro/frame-budget/busy-default-source-cannot-stall-tasks",
                   test_busy_default_source_cannot_stall_tasks);
  g_test_add_func ("/gcoro/frame-budget/flooded-server-steps-aside", test_flooded_server_steps_aside);
  g_test_add_func ("/gcoro/frame-budget/worker-results-step-aside", test_worker_results_step_aside);

  return g_test_run ();
}

/* bench-floor.c: the core against GLib's own floor, in the same run
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NOTES: what each row measures, and why the baseline is fair.
 * - GIO await: a task awaiting g_file_query_info_async() N times in a row
 *   (GCORO_AWAIT_ASYNC()), against a callback chain that starts the next
 *   call from the callback of the previous one. Both run the main loop with
 *   g_main_context_iteration (NULL, TRUE) and count the context's poll()
 *   calls: a task that resumes from the completion's own dispatch makes one
 *   poll per operation, like the chain. Both pass a GCancellable (the
 *   task its own, gcoro_get_cancellable(), as the docs teach), so GIO does
 *   the same work. The thread pool's hand-offs make this row the noisiest:
 *   15 interleaved runs.
 * - spawn + await: one trivial task at a time, spawned and run to its end
 *   from plain code with gcoro_run_until_complete(), its reference dropped;
 *   against one g_idle_add() and one g_main_context_iteration() per
 *   callback. "Schedule one piece of work, run the loop until it is done."
 * - 1,000 yielders: 1,000 tasks in gcoro_yield() loops, per yield, against
 *   1,000 always-ready idle sources, per dispatch: GLib's own cost of
 *   running one more ready thing per iteration. Only the yields (or
 *   dispatches) are timed, not the spawns.
 * - switch pair: as in bench-core (kept here so that a change to the hot
 *   paths shows what the raw switch costs beside it).
 * - suspended tasks: N tasks (BENCH_SUSPENDED, 1,000,000 by default; 0
 *   skips the row) spawned and suspended in gcoro_await() on one pending
 *   promise; the growth of VmRSS per task. Target: no regression from the
 *   4.58 KiB measured before the floor work (issue 19 said 4.5).
 * Timed pairs are interleaved (baseline, glib-coro, five times each, after
 * a warm-up) and the medians reported; the iteration count is doubled
 * until a run lasts 100 ms. Timing is never asserted: the table says PASS
 * or MISS.
 */
#include <glib-coro.h>
#include <stdio.h>
#include <string.h>

#include "bench-common.h"
#include "bench-switch.h"

/* Counts the polls of the default context. */
static GPollFunc real_poll;
static guint64 n_polls;

static gint
counting_poll (GPollFD *fds,
               guint    nfds,
               gint     timeout)
{
  n_polls++;
  return real_poll (fds, nfds, timeout);
}

#define MAX_RUNS 15

/* Medians of @runs runs of @a and @b taken in turns; per iteration. */
static void
bench_pair (BenchFunc  a,
            BenchFunc  b,
            gint64     min_iterations,
            int        runs,
            double    *out_a,
            double    *out_b)
{
  double ra[MAX_RUNS], rb[MAX_RUNS];
  gint64 n = min_iterations;

  g_assert (runs <= MAX_RUNS);
  a (n);
  b (n);
  while (MAX (a (n), b (n)) * n < 100e6)
    n *= 2;
  for (int i = 0; i < runs; i++)
    {
      ra[i] = a (n);
      rb[i] = b (n);
    }
  qsort (ra, runs, sizeof (double), bench_cmp_double);
  qsort (rb, runs, sizeof (double), bench_cmp_double);
  *out_a = ra[runs / 2];
  *out_b = rb[runs / 2];
}

/* --- GIO await ------------------------------------------------------------------ */

static GFile *query_file;
static GCancellable *chain_cancellable;
static gint64 queries_left;
static double polls_chain, polls_task;

static void
query_done (GObject      *source,
            GAsyncResult *res,
            gpointer      data);

static void
query_next (void)
{
  g_file_query_info_async (query_file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, chain_cancellable, query_done, NULL);
}

static void
query_done (GObject      *source,
            GAsyncResult *res,
            gpointer      data)
{
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (source), res, NULL);

  g_assert (info != NULL);
  if (--queries_left > 0)
    query_next ();
}

static double
bench_query_chain (gint64 n)
{
  guint64 polls = n_polls;
  gint64 start = bench_now_ns ();

  queries_left = n;
  query_next ();
  while (queries_left > 0)
    g_main_context_iteration (NULL, TRUE);
  polls_chain = (double) (n_polls - polls) / n;
  return (double) (bench_now_ns () - start) / n;
}

static void
query_body (GCoroTask *task,
            gpointer   data)
{
  gint64 n = *(gint64 *) data;

  for (gint64 i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GAsyncResult) res = NULL;
      g_autoptr(GFileInfo) info = NULL;

      res = GCORO_AWAIT_ASYNC (&error, g_file_query_info_async, query_file,
                               G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                               G_PRIORITY_DEFAULT, gcoro_get_cancellable ());
      g_assert_no_error (error);
      info = g_file_query_info_finish (query_file, res, &error);
      g_assert (info != NULL);
    }
}

static double
bench_query_task (gint64 n)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (query_body, &n, NULL);
  guint64 polls;
  gint64 start;

  g_main_context_iteration (NULL, FALSE);   /* started, first query on its way */
  polls = n_polls;
  start = bench_now_ns ();
  while (!gcoro_future_is_done (GCORO_FUTURE (task)))
    g_main_context_iteration (NULL, TRUE);
  polls_task = (double) (n_polls - polls) / n;
  return (double) (bench_now_ns () - start) / n;
}

/* --- spawn + await, one at a time ------------------------------------------------ */

static void
trivial (GCoroTask *task,
         gpointer   data)
{
}

static double
bench_spawn_await (gint64 n)
{
  gint64 start = bench_now_ns ();

  for (gint64 i = 0; i < n; i++)
    {
      GCoroTask *task = gcoro_spawn (trivial, NULL, NULL);

      gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
      g_object_unref (task);
    }
  return (double) (bench_now_ns () - start) / n;
}

static gboolean idle_ran;

static gboolean
idle_once (gpointer data)
{
  idle_ran = TRUE;
  return G_SOURCE_REMOVE;
}

static double
bench_idle_iterate (gint64 n)
{
  gint64 start = bench_now_ns ();

  for (gint64 i = 0; i < n; i++)
    {
      idle_ran = FALSE;
      g_idle_add (idle_once, NULL);
      g_main_context_iteration (NULL, FALSE);
      g_assert (idle_ran);
    }
  return (double) (bench_now_ns () - start) / n;
}

/* --- 1,000 yielders ------------------------------------------------------------------ */

enum { N_READY = 1000 };

static gboolean stop_yielding;
static guint64 n_yields;

static void
yielder (GCoroTask *task,
         gpointer   data)
{
  while (!stop_yielding)
    {
      gcoro_yield (NULL);
      n_yields++;
    }
}

static double
bench_yielders (gint64 n)
{
  gint64 iterations = MAX (1, n / N_READY);
  GCoroTask *tasks[N_READY];
  gint64 start, elapsed;
  guint64 yields;

  stop_yielding = FALSE;
  for (guint i = 0; i < N_READY; i++)
    tasks[i] = gcoro_spawn (yielder, NULL, NULL);
  g_main_context_iteration (NULL, FALSE);   /* all started, first yields done */

  yields = n_yields;
  start = bench_now_ns ();
  for (gint64 i = 0; i < iterations; i++)
    g_main_context_iteration (NULL, FALSE);
  elapsed = bench_now_ns () - start;
  yields = n_yields - yields;

  stop_yielding = TRUE;
  for (guint i = 0; i < N_READY; i++)
    {
      gcoro_run_until_complete (GCORO_FUTURE (tasks[i]), NULL);
      g_object_unref (tasks[i]);
    }
  return (double) elapsed / MAX (yields, 1);
}

static guint64 n_idle_dispatches;

static gboolean
idle_ready (gpointer data)
{
  n_idle_dispatches++;
  return G_SOURCE_CONTINUE;
}

static double
bench_ready_idles (gint64 n)
{
  gint64 iterations = MAX (1, n / N_READY);
  guint ids[N_READY];
  gint64 start, elapsed;
  guint64 dispatches;

  for (guint i = 0; i < N_READY; i++)
    ids[i] = g_idle_add (idle_ready, NULL);
  g_main_context_iteration (NULL, FALSE);

  dispatches = n_idle_dispatches;
  start = bench_now_ns ();
  for (gint64 i = 0; i < iterations; i++)
    g_main_context_iteration (NULL, FALSE);
  elapsed = bench_now_ns () - start;
  dispatches = n_idle_dispatches - dispatches;

  for (guint i = 0; i < N_READY; i++)
    g_source_remove (ids[i]);
  return (double) elapsed / MAX (dispatches, 1);
}

/* --- suspended tasks ------------------------------------------------------------------ */

static gsize
read_vm_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

static guint n_waiting;

static void
await_forever (GCoroTask *task,
               gpointer   data)
{
  n_waiting++;
  gcoro_await (data, NULL);
}

/* KiB of VmRSS per suspended task, or 0 when not measured. */
static double
suspended_task_kib (guint n)
{
  g_autoptr(GCoroPromise) never = gcoro_promise_new ();
  GCoroTask **tasks;
  gsize before, after;

  if (n == 0)
    return 0;
  tasks = g_new0 (GCoroTask *, n);   /* touched first: not the tasks' memory */
  before = read_vm_rss_kib ();
  for (guint i = 0; i < n; i++)
    tasks[i] = gcoro_spawn (await_forever, never, NULL);
  while (n_waiting < n)
    g_main_context_iteration (NULL, FALSE);
  after = read_vm_rss_kib ();

  for (guint i = 0; i < n; i++)
    gcoro_task_cancel (tasks[i]);
  for (guint i = 0; i < n; i++)
    {
      gcoro_run_until_complete (GCORO_FUTURE (tasks[i]), NULL);
      g_object_unref (tasks[i]);
    }
  g_free (tasks);
  return (double) (after - before) / n;
}

/* --- the table ---------------------------------------------------------------------- */

static void
row (const char *metric,
     double      value,
     const char *baseline_name,
     double      baseline,
     double      target,
     const char *extra)
{
  printf ("| %s | %.1f ns | %s: %.1f ns | %.2fx | <= %.2fx | %s |%s\n",
          metric, value, baseline_name, baseline, value / baseline, target,
          value <= target * baseline ? "PASS" : "MISS", extra);
}

int
main (void)
{
  const char *env = g_getenv ("BENCH_SUSPENDED");
  guint n_suspended = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : 1000000;
  double chain, task, idle, spawn, idles, yields, sw, kib;
  g_autofree char *polls = NULL;
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);

  query_file = g_file_new_for_path (self_path != NULL ? self_path : "/");
  chain_cancellable = g_cancellable_new ();
  real_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, counting_poll);
  bench_switch_setup ();

  printf ("# glib-coro at GLib's floor: %u cores, fiber backend %s\n\n",
          g_get_num_processors (), GCORO_BENCH_ASM ? "asm" : "ucontext");

  sw = bench_median_ns (bench_switch, 1000000);
  /* The thread pool's hand-offs make the GIO row the noisiest. */
  bench_pair (bench_query_chain, bench_query_task, 1000, 15, &chain, &task);
  bench_pair (bench_idle_iterate, bench_spawn_await, 10000, 5, &idle, &spawn);
  bench_pair (bench_ready_idles, bench_yielders, 100000, 5, &idles, &yields);
  kib = suspended_task_kib (n_suspended);

  printf ("| metric | glib-coro | GLib baseline (same run) | ratio | target | | |\n");
  printf ("|---|---|---|---|---|---|---|\n");
  polls = g_strdup_printf (" polls per operation: %.2f vs %.2f |", polls_task, polls_chain);
  row ("GIO await (g_file_query_info_async)", task, "callback chain", chain, 1.05, polls);
  row ("spawn + await, trivial task", spawn, "g_idle_add + iteration", idle, 1.5, " |");
  row ("1,000 tasks yielding, per yield", yields, "1,000 ready idles, per dispatch", idles, 1.3, " |");
  printf ("| switch pair (resume + suspend, no loop) | %.1f ns | | | <= 20 ns | %s | |\n",
          sw, sw <= 20 ? "PASS" : "MISS");
  if (kib > 0)
    printf ("| %u suspended tasks, VmRSS per task | %.2f KiB | | | <= 4.6 KiB | %s | |\n",
            n_suspended, kib, kib <= 4.6 ? "PASS" : "MISS");

  bench_switch_teardown ();
  g_object_unref (query_file);
  g_object_unref (chain_cancellable);
  return 0;
}

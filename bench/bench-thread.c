/* bench-thread.c: awaiting a thread-pool job
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NOTES: a task awaits gcoro_to_thread() of a function that does nothing,
 * N times in a row; per job. Baseline: g_task_run_in_thread() of a
 * function that does nothing, its callback starting the next one, N times;
 * per round trip. Both pay the same thread-pool hand-off and the same
 * wake-up of the main context; the difference is glib-coro's own work
 * (the job future, the context copy, the task's suspend and resume).
 * Median of 5 runs of at least 100 ms.
 */
#include <glib-coro.h>
#include "bench-common.h"

static gpointer
nothing (GCancellable *cancellable, gpointer data, GError **error)
{
  return NULL;
}

static void
await_jobs (GCoroTask *task, gpointer data)
{
  gint64 n = *(gint64 *) data;

  for (gint64 i = 0; i < n; i++)
    gcoro_to_thread (nothing, NULL, NULL, NULL);
}

static double
bench_gcoro (gint64 n)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GCoroTask) task = gcoro_spawn (await_jobs, &n, NULL);

  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

static void
task_nothing (GTask *task, gpointer source, gpointer data, GCancellable *c)
{
  g_task_return_boolean (task, TRUE);
}

static gint64 left;

static void
next_round (GObject *source, GAsyncResult *res, gpointer data)
{
  if (res != NULL)
    g_task_propagate_boolean (G_TASK (res), NULL);
  if (left-- > 0)
    {
      GTask *t = g_task_new (NULL, NULL, next_round, NULL);
      g_task_run_in_thread (t, task_nothing);
      g_object_unref (t);
    }
}

static double
bench_gtask (gint64 n)
{
  gint64 start = g_get_monotonic_time ();

  left = n;
  next_round (NULL, NULL, NULL);
  while (left >= 0)
    g_main_context_iteration (NULL, TRUE);
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

int
main (void)
{
  double gcoro = bench_median_ns (bench_gcoro, 1000);
  double gtask = bench_median_ns (bench_gtask, 1000);

  printf ("# glib-coro thread-pool benchmark (%u cores)\n\n", g_get_num_processors ());
  printf ("| metric | glib-coro | baseline (same run) | ratio | target | |\n");
  printf ("|---|---|---|---|---|---|\n");
  printf ("| await a thread job that does nothing | %.0f ns | %.0f ns (g_task_run_in_thread round trip) | %.2fx | <= 1.3x | %s |\n",
          gcoro, gtask, gcoro / gtask, gcoro <= 1.3 * gtask ? "PASS" : "MISS");
  return 0;
}

/* bench-sync.c: synchronization primitives
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NOTES:
 * - lock: an uncontended gcoro_lock_acquire() + gcoro_lock_release() from
 *   a task (a flag test, no allocation). Baseline: a GMutex lock + unlock
 *   pair, measured in the same run.
 * - queue: two tasks, a producer putting N items into an unbounded queue
 *   and yielding every 64 items, a consumer getting them; per item. The
 *   baseline is a yield-and-back pair between two tasks (each task yields
 *   in turn), the "context switch pair" of the target.
 * Each figure is the median of 5 runs of at least 100 ms.
 */
#include <glib-coro.h>
#include "bench-common.h"

typedef struct
{
  gint64  n;
  double  ns;
} Run;

static double
run_task (GCoroTaskFunc func,
          gint64        n)
{
  Run r = { n, 0 };
  g_autoptr(GCoroTask) task = gcoro_spawn (func, &r, NULL);

  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  return r.ns;
}

static void
lock_body (GCoroTask *task,
           gpointer   data)
{
  Run *r = data;
  g_autoptr(GCoroLock) lock = gcoro_lock_new ();
  gint64 start = g_get_monotonic_time ();

  for (gint64 i = 0; i < r->n; i++)
    {
      gcoro_lock_acquire (lock, NULL);
      gcoro_lock_release (lock);
    }
  r->ns = (g_get_monotonic_time () - start) * 1000.0 / r->n;
}

static double
bench_lock (gint64 n)
{
  return run_task (lock_body, n);
}

static double
bench_gmutex (gint64 n)
{
  static GMutex mutex;
  gint64 start = g_get_monotonic_time ();

  for (gint64 i = 0; i < n; i++)
    {
      g_mutex_lock (&mutex);
      g_mutex_unlock (&mutex);
    }
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

typedef struct
{
  GCoroQueue *queue;
  gint64      n;
} QueueRun;

static void
producer (GCoroTask *task,
          gpointer   data)
{
  QueueRun *q = data;
  GValue v = G_VALUE_INIT;

  g_value_init (&v, G_TYPE_INT64);
  for (gint64 i = 0; i < q->n; i++)
    {
      g_value_set_int64 (&v, i);
      gcoro_queue_put (q->queue, &v, NULL);
      if ((i & 63) == 63)
        gcoro_yield (NULL);
    }
}

static void
consumer (GCoroTask *task,
          gpointer   data)
{
  QueueRun *q = data;

  for (gint64 i = 0; i < q->n; i++)
    {
      GValue v = G_VALUE_INIT;
      gcoro_queue_get (q->queue, &v, NULL);
      g_value_unset (&v);
    }
}

static double
bench_queue (gint64 n)
{
  QueueRun q = { gcoro_queue_new (0), n };
  g_autoptr(GCoroTask) c = gcoro_spawn (consumer, &q, NULL);
  g_autoptr(GCoroTask) p = gcoro_spawn (producer, &q, NULL);
  gint64 start = g_get_monotonic_time ();

  gcoro_run_until_complete (GCORO_FUTURE (c), NULL);
  gcoro_run_until_complete (GCORO_FUTURE (p), NULL);
  g_object_unref (q.queue);
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

static void
ping (GCoroTask *task,
      gpointer   data)
{
  gint64 n = *(gint64 *) data;

  for (gint64 i = 0; i < n; i++)
    gcoro_yield (NULL);
}

/* Two tasks yielding in turn: per round, each switches in and out once. */
static double
bench_switch_pair (gint64 n)
{
  g_autoptr(GCoroTask) a = gcoro_spawn (ping, &n, NULL);
  g_autoptr(GCoroTask) b = gcoro_spawn (ping, &n, NULL);
  gint64 start = g_get_monotonic_time ();

  gcoro_run_until_complete (GCORO_FUTURE (a), NULL);
  gcoro_run_until_complete (GCORO_FUTURE (b), NULL);
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

int
main (void)
{
  double lock = bench_median_ns (bench_lock, 1000);
  double mutex = bench_median_ns (bench_gmutex, 1000);
  double queue = bench_median_ns (bench_queue, 1000);
  double pair = bench_median_ns (bench_switch_pair, 1000);

  printf ("# glib-coro synchronization benchmark (%u cores)\n\n", g_get_num_processors ());
  printf ("| metric | glib-coro | baseline (same run) | ratio | target | |\n");
  printf ("|---|---|---|---|---|---|\n");
  printf ("| uncontended lock acquire+release | %.1f ns | %.1f ns (GMutex lock+unlock) | %.2fx | <= 30 ns | %s |\n",
          lock, mutex, lock / mutex, lock <= 30 ? "PASS" : "MISS");
  printf ("| queue put+get between two tasks | %.1f ns | %.1f ns (two tasks yielding in turn) | %.2fx | <= 2x | %s |\n",
          queue, pair, queue / pair, queue <= 2 * pair ? "PASS" : "MISS");
  return 0;
}

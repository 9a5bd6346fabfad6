/* bench-core.c: the foundation's speed, against GLib baselines measured in
 * the same run
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NOTES: what each row measures, and why the baseline is fair.
 * - switch pair: the thread switching into a fiber that switches straight
 *   back (gcoro_fiber_switch() both ways), no main loop involved: the cost
 *   a resume + suspend adds to any await. Shown beside swapcontext() doing
 *   the same, the portable way (the ucontext backend).
 * - spawn+run+join: N trivial tasks spawned from plain code, the context
 *   iterated until all have ended, every reference dropped; per task.
 *   Baseline: N g_idle_add() callbacks that return G_SOURCE_REMOVE, the
 *   context iterated until all ran; per callback. Both are "schedule a
 *   piece of work on the loop, run it, clean up".
 * - one yielding task: a task calling gcoro_yield() in a loop; per yield,
 *   each one a g_main_context_iteration(). Baseline: one always-ready idle
 *   source (G_SOURCE_CONTINUE) and g_main_context_iteration() per call.
 * - 1,000 yielding tasks: every task yields K times; per yield (the
 *   snapshot runs ~1,000 tasks per iteration). Baseline: one g_idle_add()
 *   dispatch as above.
 * Every figure is the median of 5 runs of at least 100 ms each, after a
 * warm-up run. Timing is never asserted: the table says PASS or MISS.
 */
#include <glib-coro.h>
#include <stdio.h>
#include <ucontext.h>

#include "bench-common.h"
#include "bench-switch.h"

static ucontext_t uc_main, uc_fiber;

static void
uc_body (void)
{
  for (;;)
    swapcontext (&uc_fiber, &uc_main);
}

static double
bench_swapcontext (gint64 n)
{
  gint64 start = bench_now_ns ();

  for (gint64 i = 0; i < n; i++)
    swapcontext (&uc_main, &uc_fiber);
  return (double) (bench_now_ns () - start) / n;
}

/* --- spawn + run + join ------------------------------------------------------- */

static void
trivial (GCoroTask *task, gpointer data)
{
}

static void
drain_tasks (void)
{
  GCoroScheduler *s = gcoro_scheduler_get_default ();

  while (gcoro_scheduler_get_n_tasks (s) > 0)
    g_main_context_iteration (NULL, FALSE);
}

static double
bench_spawn (gint64 n)
{
  gint64 start = bench_now_ns ();

  for (gint64 i = 0; i < n; i++)
    g_object_unref (gcoro_spawn (trivial, NULL, NULL));
  drain_tasks ();
  return (double) (bench_now_ns () - start) / n;
}

static gint64 idles_left;

static gboolean
idle_once (gpointer data)
{
  idles_left--;
  return G_SOURCE_REMOVE;
}

static double
bench_idle_add (gint64 n)
{
  gint64 start = bench_now_ns ();

  idles_left = n;
  for (gint64 i = 0; i < n; i++)
    g_idle_add (idle_once, NULL);
  while (idles_left > 0)
    g_main_context_iteration (NULL, FALSE);
  return (double) (bench_now_ns () - start) / n;
}

/* --- one yielding task ---------------------------------------------------------- */

static void
yielder (GCoroTask *task, gpointer data)
{
  gint64 k = *(gint64 *) data;

  for (gint64 i = 0; i < k; i++)
    gcoro_yield (NULL);
}

static double
bench_one_yielder (gint64 n)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (yielder, &n, NULL);
  gint64 start;

  g_main_context_iteration (NULL, FALSE);   /* started, first yield done */
  start = bench_now_ns ();
  while (!gcoro_future_is_done (GCORO_FUTURE (task)))
    g_main_context_iteration (NULL, FALSE);
  return (double) (bench_now_ns () - start) / n;
}

static gboolean
always_ready (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static double
bench_bare_iteration (gint64 n)
{
  guint id = g_idle_add (always_ready, NULL);
  gint64 start = bench_now_ns ();

  for (gint64 i = 0; i < n; i++)
    g_main_context_iteration (NULL, FALSE);
  g_source_remove (id);
  return (double) (bench_now_ns () - start) / n;
}

/* --- 1,000 yielding tasks ---------------------------------------------------------- */

static double
bench_many_yielders (gint64 n)
{
  enum { TASKS = 1000 };
  gint64 k = MAX (1, n / TASKS);
  GCoroTask *tasks[TASKS];
  gint64 start = bench_now_ns ();

  for (guint i = 0; i < TASKS; i++)
    tasks[i] = gcoro_spawn (yielder, &k, NULL);
  drain_tasks ();
  for (guint i = 0; i < TASKS; i++)
    g_object_unref (tasks[i]);
  return (double) (bench_now_ns () - start) / (k * TASKS);
}

static void
row (const char *metric, double value, const char *baseline_name, double baseline,
     const char *target, gboolean pass)
{
  if (baseline > 0)
    printf ("| %s | %.1f ns | %s: %.1f ns | %.2fx | %s | %s |\n",
            metric, value, baseline_name, baseline, value / baseline, target, pass ? "PASS" : "MISS");
  else
    printf ("| %s | %.1f ns | %s | | %s | %s |\n",
            metric, value, baseline_name, target, pass ? "PASS" : "MISS");
}

static void
print_machine (void)
{
  g_autofree char *cpuinfo = NULL;
  const char *model = "unknown CPU";
  char *line;

  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL) &&
      (line = strstr (cpuinfo, "model name")) != NULL)
    {
      model = strchr (line, ':') + 2;
      *strchr (line, '\n') = '\0';
    }
  printf ("# glib-coro core benchmark: %s, %u cores, fiber backend %s\n\n",
          model, g_get_num_processors (),
#if GCORO_BENCH_ASM
          "asm"
#else
          "ucontext"
#endif
          );
}

int
main (void)
{
  static char uc_stack[64 * 1024];
  double sw, uc, spawn, idle, one, bare, many;

  print_machine ();

  bench_switch_setup ();
  getcontext (&uc_fiber);
  uc_fiber.uc_stack.ss_sp = uc_stack;
  uc_fiber.uc_stack.ss_size = sizeof uc_stack;
  uc_fiber.uc_link = NULL;
  makecontext (&uc_fiber, uc_body, 0);

  sw = bench_median_ns (bench_switch, 1000000);
  uc = bench_median_ns (bench_swapcontext, 100000);
  spawn = bench_median_ns (bench_spawn, 10000);
  idle = bench_median_ns (bench_idle_add, 10000);
  one = bench_median_ns (bench_one_yielder, 10000);
  bare = bench_median_ns (bench_bare_iteration, 10000);
  many = bench_median_ns (bench_many_yielders, 100000);

  printf ("| metric | glib-coro | baseline (same run) | ratio | target | |\n");
  printf ("|---|---|---|---|---|---|\n");
  row ("switch pair (resume + suspend, no loop)", sw, "swapcontext() pair", uc, "<= 20 ns", sw <= 20);
  row ("spawn + run + join, trivial task", spawn, "g_idle_add dispatch", idle, "<= 0.5x", spawn <= 0.5 * idle);
  row ("one task yielding, per yield", one, "bare iteration, one ready source", bare, "<= 1.2x", one <= 1.2 * bare);
  row ("1,000 ready tasks yielding, per yield", many, "g_idle_add dispatch", idle, "<= 0.1x", many <= 0.1 * idle);

  bench_switch_teardown ();
  return 0;
}

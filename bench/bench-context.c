/* bench-context.c: context variables
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NOTES:
 * - get: gcoro_context_var_peek() / gcoro_context_var_get_int64() of one
 *   of 16 variables set in the current context; baseline: a GHashTable
 *   lookup of one of 16 keys, measured in the same run.
 * - set: gcoro_context_var_set_int64() (a new value, a token, the trie
 *   updated in place since nobody shares it) then dropping the token;
 *   baseline: g_hash_table_replace() of a boxed int64.
 * - spawn with a big context: spawn + run + join of a trivial task with
 *   1,000 variables set, against the same with none. A copy is one
 *   reference, so the ratio should be about 1.
 * Each figure is the median of 5 runs of at least 100 ms each.
 */
#include <glib-coro.h>
#include "bench-common.h"

static GCoroContextVar *vars[1000];
static volatile gint64 sink;

static GHashTable *table;

static double
bench_peek (gint64 n)
{
  gint64 start = g_get_monotonic_time ();

  for (gint64 i = 0; i < n; i++)
    sink += G_VALUE_TYPE (gcoro_context_var_peek (vars[i & 15]));
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

static double
bench_get_int64 (gint64 n)
{
  gint64 start = g_get_monotonic_time ();

  for (gint64 i = 0; i < n; i++)
    sink += gcoro_context_var_get_int64 (vars[i & 15], 0);
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

static double
bench_hash_lookup (gint64 n)
{
  gint64 start = g_get_monotonic_time ();

  for (gint64 i = 0; i < n; i++)
    sink += GPOINTER_TO_SIZE (g_hash_table_lookup (table, vars[i & 15]));
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

static double
bench_set (gint64 n)
{
  gint64 start = g_get_monotonic_time ();

  for (gint64 i = 0; i < n; i++)
    gcoro_token_unref (gcoro_context_var_set_int64 (vars[i & 15], i));
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

static double
bench_hash_replace (gint64 n)
{
  gint64 start = g_get_monotonic_time ();

  for (gint64 i = 0; i < n; i++)
    {
      gint64 *v = g_new (gint64, 1);
      *v = i;
      g_hash_table_replace (table, vars[i & 15], v);
    }
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

static void
trivial (GCoroTask *task, gpointer user_data)
{
}

static double
bench_spawn (gint64 n)
{
  GCoroScheduler *scheduler = gcoro_scheduler_get_default ();
  gint64 start = g_get_monotonic_time ();

  for (gint64 i = 0; i < n; i++)
    g_object_unref (gcoro_spawn (trivial, NULL, NULL));
  while (gcoro_scheduler_get_n_tasks (scheduler) > 0)
    g_main_context_iteration (NULL, FALSE);
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

typedef struct
{
  guint   n_vars;
  double  result;
} SpawnCase;

static void
spawn_with_vars (gpointer data)
{
  SpawnCase *sc = data;

  for (guint i = 0; i < sc->n_vars; i++)
    gcoro_token_unref (gcoro_context_var_set_int64 (vars[i], i));
  sc->result = bench_median_ns (bench_spawn, 1000);
}

static void
row (const char *metric,
     double      value,
     double      baseline,
     const char *baseline_name,
     const char *target,
     gboolean    pass)
{
  printf ("| %-34s | %9.1f ns | %9.1f ns (%s) | %5.2fx | %-18s | %s |\n",
          metric, value, baseline, baseline_name, value / baseline, target,
          pass ? "PASS" : "MISS");
}

static void
run_all (gpointer unused)
{
  GHashTable *lookup_table = g_hash_table_new (NULL, NULL);
  GHashTable *replace_table = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  SpawnCase none = { 0, 0 }, many = { 1000, 0 };
  double peek, get, lookup, set, replace;

  for (guint i = 0; i < 16; i++)
    {
      gcoro_token_unref (gcoro_context_var_set_int64 (vars[i], i));
      g_hash_table_insert (lookup_table, vars[i], GUINT_TO_POINTER (i + 1));
    }

  peek = bench_median_ns (bench_peek, 1000);
  get = bench_median_ns (bench_get_int64, 1000);
  table = lookup_table;
  lookup = bench_median_ns (bench_hash_lookup, 1000);
  set = bench_median_ns (bench_set, 1000);
  table = replace_table;
  replace = bench_median_ns (bench_hash_replace, 1000);

  {
    g_autoptr(GCoroContext) a = gcoro_context_new ();
    g_autoptr(GCoroContext) b = gcoro_context_new ();
    gcoro_context_run (a, spawn_with_vars, &none, NULL);
    gcoro_context_run (b, spawn_with_vars, &many, NULL);
  }

  printf ("| %-34s | %12s | %-28s | %6s | %-18s | %s |\n",
          "metric", "glib-coro", "baseline (same run)", "ratio", "target", "");
  printf ("|%s|\n", "------------------------------------|--------------|------------------------------|--------|--------------------|------");
  row ("get (peek), 16 vars set", peek, lookup, "GHashTable lookup", "<= 20 ns", peek <= 20);
  row ("get_int64, 16 vars set", get, lookup, "GHashTable lookup", "<= 20 ns", get <= 20);
  row ("set_int64 + drop token", set, replace, "GHashTable replace", "<= 100 ns", set <= 100);
  row ("spawn+run+join, 1000 vars set", many.result, none.result, "same, no vars", "<= 1.1x", many.result <= 1.1 * none.result);

  g_hash_table_unref (lookup_table);
  g_hash_table_unref (replace_table);
}

int
main (void)
{
  g_autoptr(GCoroContext) ctx = gcoro_context_new ();

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *name = g_strdup_printf ("v%u", i);
      vars[i] = gcoro_context_var_new (name);
    }

  printf ("# glib-coro context-variable benchmark (%u cores)\n\n", g_get_num_processors ());
  gcoro_context_run (ctx, run_all, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    g_object_unref (vars[i]);
  return 0;
}

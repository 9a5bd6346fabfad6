/* bench-generator.c: items through a synchronous generator, against one
 * context switch pair measured in the same run
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NOTES: what each row measures.
 * - switch pair: the thread switching into a fiber that switches straight
 *   back (as in bench-core): the floor of any item, since next() switches
 *   into the body and yield() switches back.
 * - pointer item: gcoro_generator_next_pointer() on a body looping on
 *   gcoro_generator_yield_pointer(); per item.
 * - int64 GValue item: gcoro_generator_next() into a GValue (unset after
 *   each item, as a consumer does) from a body yielding with
 *   gcoro_generator_yield_int64(); per item.
 * - string GValue item: the same with a string that is copied for the
 *   consumer (a malloc and a free per item).
 * - 3-stage pipeline: source -> map -> filter-nothing, int64 GValues;
 *   per item that reaches the consumer (three items move, one per stage).
 * - the "exported functions" rows: the same items through the exported
 *   functions (called through their addresses), as a program built without
 *   GCORO_GENERATOR_INLINE, or a binding, gets them.
 * Target: an item <= 2x a switch pair. Timing is never asserted.
 *
 * The switch pair is gcoro_fiber_switch(), which compiles to a tail jump
 * into the assembly: no frame on either side, the floor. The item rows
 * call the public functions with GCORO_GENERATOR_INLINE defined, which
 * compiles them to the inline fast path of gcoro-generator-inline.h (see
 * NOTES in gcoro-generator.c).
 *
 * History (2-core VM, release build, same-run switch pair):
 * - Calling the fiber layer's gcoro_fiber_switch() from the generator cost
 *   one frame per side; inlining it (gcoro_fiber_switch_inline()) alone did
 *   not measurably help: what costs is a "ret" after a stack swap, which the
 *   return predictor mispredicts (~5-10 ns each).
 * - Making next_pointer(), next(), yield_pointer() and yield_int64() inline
 *   in the header, their library calls ending in a jump to the switch:
 *   against a 13.1 ns switch pair, pointer items 2.25x -> 1.45x with the
 *   consumer's side inline -> 1.15x with both (29.4 -> 15.0 ns), int64
 *   GValue items 2.8x -> 1.7x, the 3-stage pipeline 8.5x -> 5.0x.
 * - Issue 19: the inline paths became opt-in (GCORO_GENERATOR_INLINE), one
 *   fast and one slow path. Same run, before -> after (switch pair 5.8 /
 *   5.7 ns): pointer 8.4 -> 8.4 ns, int64 18.1 -> 16.9 ns, exported
 *   pointer 31.5 -> 30.8 ns, exported int64 39.6 -> 38.4 ns, pipeline
 *   55.0 -> 54.2 ns. A program that does not opt in now pays the exported
 *   rows (it got the inline ones by default before).
 */
/* The opt-in inline fast paths (gcoro-generator-inline.h); the rows marked
 * "exported" call the functions through their addresses, as a program built
 * without this macro (or a binding) does. */
#define GCORO_GENERATOR_INLINE 1
#include <glib-coro.h>
#include <stdio.h>

#include "bench-common.h"
#include "bench-switch.h"

/* --- generators --------------------------------------------------------------- */

static void
pointers (GCoroGenerator *gen,
          gpointer        user_data)
{
  for (gsize i = 0;; i++)
    if (!gcoro_generator_yield_pointer (gen, GSIZE_TO_POINTER (i), NULL))
      return;
}

static double
bench_pointer_items (gint64 n)
{
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (pointers, NULL, NULL);
  gpointer p;
  gsize sum = 0;
  gint64 start;

  gcoro_generator_next_pointer (gen, &p, NULL);   /* started: fiber allocated */
  start = bench_now_ns ();
  for (gint64 i = 0; i < n; i++)
    {
      gcoro_generator_next_pointer (gen, &p, NULL);
      sum += GPOINTER_TO_SIZE (p);
    }
  g_assert (sum > 0);
  return (double) (bench_now_ns () - start) / n;
}

static void
pointers_exported (GCoroGenerator *gen,
                   gpointer        user_data)
{
  for (gsize i = 0;; i++)
    if (!(gcoro_generator_yield_pointer) (gen, GSIZE_TO_POINTER (i), NULL))
      return;
}

static double
bench_pointer_items_exported (gint64 n)
{
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (pointers_exported, NULL, NULL);
  gpointer p;
  gsize sum = 0;
  gint64 start;

  (gcoro_generator_next_pointer) (gen, &p, NULL);
  start = bench_now_ns ();
  for (gint64 i = 0; i < n; i++)
    {
      (gcoro_generator_next_pointer) (gen, &p, NULL);
      sum += GPOINTER_TO_SIZE (p);
    }
  g_assert (sum > 0);
  return (double) (bench_now_ns () - start) / n;
}

static void
integers_exported (GCoroGenerator *gen,
                   gpointer        user_data)
{
  for (gint64 i = 0;; i++)
    if (!(gcoro_generator_yield_int64) (gen, i, NULL))
      return;
}

static double
bench_int64_items_exported (gint64 n)
{
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (integers_exported, NULL, NULL);
  GValue v = G_VALUE_INIT;
  gint64 sum = 0, start;

  (gcoro_generator_next) (gen, &v, NULL);
  g_value_unset (&v);
  start = bench_now_ns ();
  for (gint64 i = 0; i < n; i++)
    {
      (gcoro_generator_next) (gen, &v, NULL);
      sum += g_value_get_int64 (&v);
      g_value_unset (&v);
    }
  g_assert (sum > 0);
  return (double) (bench_now_ns () - start) / n;
}

static void
integers (GCoroGenerator *gen,
          gpointer        user_data)
{
  for (gint64 i = 0;; i++)
    if (!gcoro_generator_yield_int64 (gen, i, NULL))
      return;
}

static double
bench_int64_items (gint64 n)
{
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (integers, NULL, NULL);
  GValue v = G_VALUE_INIT;
  gint64 sum = 0, start;

  gcoro_generator_next (gen, &v, NULL);
  g_value_unset (&v);
  start = bench_now_ns ();
  for (gint64 i = 0; i < n; i++)
    {
      gcoro_generator_next (gen, &v, NULL);
      sum += g_value_get_int64 (&v);
      g_value_unset (&v);
    }
  g_assert (sum > 0);
  return (double) (bench_now_ns () - start) / n;
}

static void
strings (GCoroGenerator *gen,
         gpointer        user_data)
{
  for (;;)
    if (!gcoro_generator_yield_string (gen, "an item", NULL))
      return;
}

static double
bench_string_items (gint64 n)
{
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (strings, NULL, NULL);
  GValue v = G_VALUE_INIT;
  gsize len = 0;
  gint64 start;

  start = bench_now_ns ();
  for (gint64 i = 0; i < n; i++)
    {
      gcoro_generator_next (gen, &v, NULL);
      len += strlen (g_value_get_string (&v));
      g_value_unset (&v);
    }
  g_assert (len > 0);
  return (double) (bench_now_ns () - start) / n;
}

static void
map_stage (GCoroGenerator *gen,
           gpointer        user_data)
{
  GValue v = G_VALUE_INIT;

  while (gcoro_generator_next (user_data, &v, NULL))
    {
      gint64 x = g_value_get_int64 (&v);

      g_value_unset (&v);
      if (!gcoro_generator_yield_int64 (gen, x + 1, NULL))
        return;
    }
  g_value_unset (&v);
}

static double
bench_pipeline (gint64 n)
{
  GCoroGenerator *source = gcoro_generator_new (integers, NULL, NULL);
  GCoroGenerator *middle = gcoro_generator_new (map_stage, source, g_object_unref);
  g_autoptr(GCoroGenerator) last = gcoro_generator_new (map_stage, middle, g_object_unref);
  GValue v = G_VALUE_INIT;
  gint64 sum = 0, start;

  start = bench_now_ns ();
  for (gint64 i = 0; i < n; i++)
    {
      gcoro_generator_next (last, &v, NULL);
      sum += g_value_get_int64 (&v);
      g_value_unset (&v);
    }
  g_assert (sum > 0);
  return (double) (bench_now_ns () - start) / n;
}

static void
row (const char *metric, double value, double pair, const char *target, double limit)
{
  printf ("| %s | %.1f ns | switch pair: %.1f ns | %.2fx | %s | %s |\n",
          metric, value, pair, value / pair, target,
          limit <= 0 ? "" : value <= limit * pair ? "PASS" : "MISS");
}

int
main (void)
{
  double sw, ptr, i64, ptr_x, i64_x, str, pipe;

  printf ("# glib-coro generator benchmark: %u cores, fiber backend %s\n\n",
          g_get_num_processors (),
#if GCORO_BENCH_ASM
          "asm"
#else
          "ucontext"
#endif
          );

  bench_switch_setup ();

  sw = bench_median_ns (bench_switch, 1000000);
  ptr = bench_median_ns (bench_pointer_items, 1000000);
  i64 = bench_median_ns (bench_int64_items, 1000000);
  ptr_x = bench_median_ns (bench_pointer_items_exported, 1000000);
  i64_x = bench_median_ns (bench_int64_items_exported, 1000000);
  str = bench_median_ns (bench_string_items, 1000000);
  pipe = bench_median_ns (bench_pipeline, 100000);

  printf ("| metric | glib-coro | baseline (same run) | ratio | target | |\n");
  printf ("|---|---|---|---|---|---|\n");
  row ("sync generator item, pointer (next_pointer)", ptr, sw, "<= 2x", 2);
  row ("sync generator item, int64 GValue (next)", i64, sw, "<= 2x", 2);
  row ("sync generator item, pointer, exported functions", ptr_x, sw, "(info)", 0);
  row ("sync generator item, int64 GValue, exported functions", i64_x, sw, "(info)", 0);
  row ("sync generator item, string GValue (copied)", str, sw, "(info)", 0);
  row ("3-stage pipeline, per item out (3 stages)", pipe, sw, "<= 6x", 6);

  bench_switch_teardown ();
  return 0;
}

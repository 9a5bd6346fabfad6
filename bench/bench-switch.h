/* bench-switch.h: the raw fiber switch pair, a baseline of several tables
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One resume and one suspend between this thread's fiber and a fiber that
 * only switches back: the cost every suspension in glib-coro starts from.
 * Benchmarks of private layers only (they link the internal archive).
 */
#pragma once

#include <glib.h>

#include "gcoro-fiber-private.h"

static inline gint64
bench_now_ns (void)
{
  return g_get_monotonic_time () * 1000;
}

static GCoroFiber *bench_thread_fiber, *bench_ping_fiber;

G_NORETURN static void
bench_ping_body (gpointer data)
{
  for (;;)
    gcoro_fiber_switch (bench_ping_fiber, bench_thread_fiber);
}

static inline void
bench_switch_setup (void)
{
  bench_thread_fiber = gcoro_fiber_get_thread_fiber ();
  bench_ping_fiber = gcoro_fiber_new (bench_ping_body, NULL, 0);
}

static inline void
bench_switch_teardown (void)
{
  gcoro_fiber_free (bench_ping_fiber);
}

/* A BenchFunc: nanoseconds per switch pair. */
static double
bench_switch (gint64 n)
{
  gint64 start = bench_now_ns ();

  for (gint64 i = 0; i < n; i++)
    gcoro_fiber_switch (bench_thread_fiber, bench_ping_fiber);
  return (double) (bench_now_ns () - start) / n;
}

/* bench-common.h: the one way every benchmark measures
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench_median_ns() warms the function up, doubles the iteration count
 * until one run lasts at least 100 ms, then returns the median of 5 runs.
 * The function returns nanoseconds per iteration.
 */
#pragma once

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#define BENCH_RUNS 5

typedef double (*BenchFunc) (gint64 iterations);

static int
bench_cmp_double (const void *a,
                  const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static inline double
bench_median_ns (BenchFunc func,
                 gint64    min_iterations)
{
  double results[BENCH_RUNS];
  gint64 n = min_iterations;

  func (n);   /* warm up: pools, caches */
  while (func (n) * n < 100e6)
    n *= 2;
  for (int i = 0; i < BENCH_RUNS; i++)
    results[i] = func (n);
  qsort (results, BENCH_RUNS, sizeof (double), bench_cmp_double);
  return results[BENCH_RUNS / 2];
}

/* prime-job.h: a long computation that keeps the window smooth
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <glib-coro.h>

typedef struct
{
  guint32         limit;        /* count the primes below this */
  gboolean        starve;       /* slice with gcoro_yield(), not gcoro_idle_yield() */
  GtkProgressBar *progress;     /* owned: the task may outlive the window */
  GtkLabel       *status;
  GCoroEvent     *sieved;       /* set once the thread pool's count is in */
  gint64          sieve_count;  /* that count, or -1 */
  guint           slices;       /* trial-division slices done so far */
} PrimeJob;

PrimeJob  *prime_job_new   (guint32         limit,
                            gboolean        starve,
                            GtkProgressBar *progress,
                            GtkLabel       *status);
void       prime_job_free  (PrimeJob       *job);
GCoroTask *prime_job_spawn (PrimeJob       *job);

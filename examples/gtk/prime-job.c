/* prime-job.c: a long computation that keeps the window smooth
 *
 * Seed topic: "forcing an iteration of the event loop", the GTK way.
 *
 * The task counts the primes below a limit twice. First a sieve runs in
 * GLib's thread pool (gcoro_to_thread(): a blocking, memory-hungry step
 * that must not run on the main thread). Then the task checks the count by
 * trial division on the main thread, in slices of about 3 ms; after each
 * slice it updates the progress bar and calls gcoro_idle_yield(), which
 * resumes it only once GTK has nothing of a higher priority to do: the
 * frame clock lays out and paints a frame between two slices, so the
 * progress bar and the spinner move at the display's rate.
 *
 * With `starve` set the slices end with gcoro_yield() instead (asyncio's
 * `await asyncio.sleep(0)`): the task is always ready at the default
 * priority, and GLib dispatches only the highest-priority ready sources,
 * so by GLib's rules alone GTK's redraw (priority 120) would never run.
 * The scheduler's frame budget steps aside for it after a few
 * milliseconds of slices, so the window still draws; switched off
 * (`--frame-budget 0`), the window does not repaint until the computation
 * ends, though input still works (the X11 event source has the default
 * priority, so the Cancel button does).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "prime-job.h"

#define SLICE_USEC 3000

PrimeJob *
prime_job_new (guint32         limit,
               gboolean        starve,
               GtkProgressBar *progress,
               GtkLabel       *status)
{
  PrimeJob *job = g_new0 (PrimeJob, 1);

  job->limit = limit;
  job->starve = starve;
  job->progress = g_object_ref (progress);
  job->status = g_object_ref (status);
  job->sieved = gcoro_event_new ();
  job->sieve_count = -1;
  return job;
}

void
prime_job_free (PrimeJob *job)
{
  g_object_unref (job->progress);
  g_object_unref (job->status);
  g_object_unref (job->sieved);
  g_free (job);
}

/* Runs in a worker thread: the sieve of Eratosthenes over odd numbers,
 * one bit each. */
static gpointer
sieve_count (GCancellable  *cancellable,
             gpointer       user_data,
             GError       **error)
{
  guint32 limit = GPOINTER_TO_UINT (user_data);
  g_autofree guint8 *composite = g_malloc0 (limit / 16 + 1);  /* bit k: 2k+1 */
  gsize count = limit > 2;  /* the prime 2 */
  guint32 k;

  for (k = 1; 2 * (guint64) k + 1 < limit; k++)
    {
      guint64 n = 2 * (guint64) k + 1, m;

      if ((k & 0xfffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (composite[k / 8] & (1u << (k % 8)))
        continue;
      count++;
      for (m = n * n; m < limit; m += 2 * n)
        composite[m / 16] |= 1u << ((m / 2) % 8);
    }
  return GSIZE_TO_POINTER (count);
}

static gboolean
is_prime (guint32 n)
{
  guint32 d;

  if (n < 2 || n % 2 == 0)
    return n == 2;
  for (d = 3; d <= n / d; d += 2)
    if (n % d == 0)
      return FALSE;
  return TRUE;
}

static void
show_progress (PrimeJob *job,
               guint32   next,
               gint64    count)
{
  g_autofree char *text = g_strdup_printf ("Trial division: %u of %u checked, %" G_GINT64_FORMAT " primes so far",
                                           next, job->limit, count);

  gtk_progress_bar_set_fraction (job->progress, (double) next / job->limit);
  gtk_label_set_text (job->status, text);
}

/* Checks numbers for about SLICE_USEC; returns the next one to check. */
static guint32
run_slice (PrimeJob *job,
           guint32   next,
           gint64   *count)
{
  gint64 slice_end = g_get_monotonic_time () + SLICE_USEC;

  do
    *count += is_prime (next++);
  while (next < job->limit && ((next & 255) != 0 || g_get_monotonic_time () < slice_end));
  return next;
}

static void
fail (GCoroTask *task,
      PrimeJob  *job,
      GError    *error)
{
  gtk_label_set_text (job->status, error->message);
  gcoro_task_return_error (task, error);
}

static void
prime_job_body (GCoroTask *task,
                gpointer   user_data)
{
  PrimeJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *verdict = NULL;
  gint64 count = 0;
  guint32 next = 0;

  gtk_label_set_text (job->status, "Sieving in the thread pool…");
  job->sieve_count = GPOINTER_TO_SIZE (gcoro_to_thread (sieve_count, GUINT_TO_POINTER (job->limit),
                                                        NULL, &error));
  if (error != NULL)
    return fail (task, job, g_steal_pointer (&error));
  gcoro_event_set (job->sieved);

  while (next < job->limit)
    {
      next = run_slice (job, next, &count);
      job->slices++;
      show_progress (job, next, count);
      if (!(job->starve ? gcoro_yield (&error) : gcoro_idle_yield (&error)))
        return fail (task, job, g_steal_pointer (&error));
    }

  verdict = g_strdup_printf ("%" G_GINT64_FORMAT " primes below %u: the sieve %s",
                             count, job->limit, count == job->sieve_count ? "agrees" : "DISAGREES");
  gtk_label_set_text (job->status, verdict);
  gcoro_task_return_int64 (task, count);
}

GCoroTask *
prime_job_spawn (PrimeJob *job)
{
  GCoroSpawnOptions options = { .name = "prime-job" };

  return gcoro_spawn_full (&options, prime_job_body, job, NULL);
}

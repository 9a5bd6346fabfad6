/* worker.c: a long computation on a worker thread, the main loop stays live
 *
 * Seed topic: "schedulers on other contexts" (issue 8): a GCoroWorker is a
 * thread running its own GMainContext and scheduler.
 *
 * The main thread plays a UI: a "frame" task ticks every 16 ms, and the
 * main task shows progress. The primes below a limit are counted on a
 * worker, in four quarters; after each quarter the worker resolves a
 * promise that the main task awaits (futures may be settled from any
 * thread). The main task then awaits the worker's future for the total.
 * Everything printed comes from the main thread, in an order the futures
 * fix, so the transcript does not depend on timing; the number of frames
 * drawn meanwhile does, so it goes to stderr.
 *
 * Run: ./worker                (primes below 3,000,000)
 *      ./worker --limit=200000  (a shorter run)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

#define QUARTERS 4

static gint64 limit = 3000000;

typedef struct
{
  GCoroPromise *progress[QUARTERS];   /* resolved by the worker */
} Job;

static gboolean
is_prime (gint64 n)
{
  if (n < 2)
    return FALSE;
  if (n % 2 == 0)
    return n == 2;
  for (gint64 d = 3; d * d <= n; d += 2)
    if (n % d == 0)
      return FALSE;
  return TRUE;
}

/* Runs on the worker thread, as a task of the worker's scheduler. */
static void
count_primes (GCoroTask *task,
              gpointer   user_data)
{
  Job *job = user_data;
  gint64 count = 0;

  for (int q = 0; q < QUARTERS; q++)
    {
      for (gint64 n = limit * q / QUARTERS; n < limit * (q + 1) / QUARTERS; n++)
        {
          count += is_prime (n);
          /* A cancellation point now and then: stopping the worker (or
           * cancelling the future) ends the computation here. */
          if (n % 65536 == 0 && !gcoro_yield (NULL))
            return;
        }
      gcoro_promise_resolve_int64 (job->progress[q], count);   /* to the main thread */
    }
  gcoro_task_return_int64 (task, count);
}

/* The UI: a frame every 16 ms, for as long as the main loop is free. */
static void
draw_frames (GCoroTask *task,
             gpointer   user_data)
{
  int *frames = user_data;

  while (gcoro_sleep (16, NULL))
    (*frames)++;
}

static void
main_task (GCoroTask *task,
           gpointer   user_data)
{
  GCoroWorker *worker = user_data;
  g_autoptr(GCoroFuture) total = NULL;
  g_autoptr(GCoroTask) ui = NULL;
  g_autoptr(GError) error = NULL;
  int frames = 0;
  Job job;

  for (int q = 0; q < QUARTERS; q++)
    job.progress[q] = gcoro_promise_new ();

  ui = gcoro_spawn (draw_frames, &frames, NULL);
  g_print ("main: counting the primes below %" G_GINT64_FORMAT " on worker '%s'\n",
           limit, gcoro_worker_get_name (worker));
  total = gcoro_worker_spawn (worker, count_primes, &job, NULL);

  /* Each await lets the main loop run: frames keep coming meanwhile. */
  for (int q = 0; q < QUARTERS; q++)
    {
      gint64 so_far = gcoro_await_int64 (GCORO_FUTURE (job.progress[q]), NULL);

      g_print ("ui: %3d%% done, %" G_GINT64_FORMAT " primes so far\n",
               100 * (q + 1) / QUARTERS, so_far);
    }
  g_print ("main: %" G_GINT64_FORMAT " primes below %" G_GINT64_FORMAT "\n",
           gcoro_await_int64 (total, &error), limit);
  g_assert_no_error (error);

  gcoro_task_cancel (ui);
  gcoro_await (GCORO_FUTURE (ui), NULL);
  g_printerr ("(the UI drew %d frames while the worker counted)\n", frames);
  for (int q = 0; q < QUARTERS; q++)
    g_object_unref (job.progress[q]);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "limit", 'l', 0, G_OPTION_ARG_INT64, &limit, "Count the primes below N", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- a computation on a worker thread");
  g_autoptr(GCoroWorker) worker = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) ||
      (worker = gcoro_worker_new ("primes", &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  gcoro_run (main_task, worker, NULL, NULL);

  gcoro_worker_stop (worker);   /* its tasks are over; the thread exits */
  g_print ("main: worker stopped\n");
  return 0;
}

/* test-sleep.c: the timer heap, sleeps and await timeouts
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

typedef struct
{
  GString *log;
  guint    msec;
  char     tag;
} Sleeper;

static void
sleeper (GCoroTask *task,
         gpointer   user_data)
{
  Sleeper *s = user_data;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_true (gcoro_sleep (s->msec, &error));
  g_assert_no_error (error);
  /* Never early (the clock only moves forward). */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, (gint64) s->msec * 1000);
  g_string_append_c (s->log, s->tag);
}

static void
test_wake_in_deadline_order (void)
{
  GString *log = g_string_new (NULL);
  Sleeper s[] = {
    { log, 30, 'c' }, { log, 10, 'a' }, { log, 20, 'b' }, { log, 10, 'A' }, { log, 0, '0' },
  };
  GCoroTask *tasks[G_N_ELEMENTS (s)];

  for (guint i = 0; i < G_N_ELEMENTS (s); i++)
    tasks[i] = gcoro_spawn (sleeper, &s[i], NULL);
  for (guint i = 0; i < G_N_ELEMENTS (s); i++)
    {
      g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (tasks[i]), NULL));
      g_object_unref (tasks[i]);
    }
  /* 'a' and 'A' may get the same deadline; then the one armed first wins. */
  g_assert_cmpstr (log->str, ==, "0aAbc");
  g_string_free (log, TRUE);
}

static void
many_sleepers_body (GCoroTask *task,
                    gpointer   user_data)
{
  int *woken = user_data;

  gcoro_sleep (g_random_int_range (0, 20), NULL);
  (*woken)++;
}

static void
test_thousand_sleepers_one_source (void)
{
  enum { N = 1000 };
  GCoroTask *tasks[N];
  int woken = 0;
  GMainContext *ctx = g_main_context_default ();
  int n_fds_poll;
  GPollFD fds[64];
  int timeout, priority;

  for (guint i = 0; i < N; i++)
    tasks[i] = gcoro_spawn (many_sleepers_body, &woken, NULL);
  g_main_context_iteration (NULL, FALSE);   /* all start and sleep */

  /* The whole heap is one source with one timeout: no fds, no GSource per
   * sleeper. */
  g_main_context_acquire (ctx);
  g_main_context_prepare (ctx, &priority);
  n_fds_poll = g_main_context_query (ctx, G_MAXINT, &timeout, fds, G_N_ELEMENTS (fds));
  g_main_context_release (ctx);
  g_assert_cmpint (n_fds_poll, <=, 1);   /* just the context's own wake-up fd */

  for (guint i = 0; i < N; i++)
    {
      gcoro_run_until_complete (GCORO_FUTURE (tasks[i]), NULL);
      g_object_unref (tasks[i]);
    }
  g_assert_cmpint (woken, ==, N);
}

static gboolean
resolve_later (gpointer data)
{
  gcoro_promise_resolve_int64 (data, 5);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GCoroPromise *promise;
  guint         timeout;
} TimeoutCase;

static void
await_with_timeout (GCoroTask *task,
                    gpointer   user_data)
{
  TimeoutCase *tc = user_data;
  g_autoptr(GError) error = NULL;

  if (gcoro_await_timeout (GCORO_FUTURE (tc->promise), tc->timeout, &error))
    gcoro_task_return_boolean (task, TRUE);
  else
    gcoro_task_return_error (task, g_steal_pointer (&error));
}

static void
test_await_timeout_fires (void)
{
  TimeoutCase tc = { gcoro_promise_new (), 5 };
  g_autoptr(GCoroTask) task = gcoro_spawn (await_with_timeout, &tc, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  /* The future itself is left alone and can still settle. */
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (tc.promise)), ==, GCORO_FUTURE_PENDING);
  g_assert_true (gcoro_promise_resolve_int64 (tc.promise, 1));
  g_object_unref (tc.promise);
}

static void
test_await_timeout_not_fired (void)
{
  /* A generous timeout; the promise settles in the first iteration. */
  TimeoutCase tc = { gcoro_promise_new (), 60000 };
  g_autoptr(GCoroTask) task = gcoro_spawn (await_with_timeout, &tc, NULL);
  GCoroScheduler *scheduler = gcoro_task_get_scheduler (task);
  g_autofree char *dump = NULL;

  g_idle_add (resolve_later, tc.promise);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  /* Its timer left the heap. */
  dump = gcoro_scheduler_dump (scheduler);
  g_assert_nonnull (strstr (dump, "0 timers"));
  g_object_unref (tc.promise);
}

static void
test_await_timeout_already_settled (void)
{
  TimeoutCase tc = { gcoro_promise_new (), 0 };
  g_autoptr(GCoroTask) task = gcoro_spawn (await_with_timeout, &tc, NULL);

  gcoro_promise_resolve (tc.promise, NULL);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_object_unref (tc.promise);
}

static void
slept (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  GString *log = user_data;
  g_autoptr(GError) error = NULL;

  if (gcoro_sleep_finish (result, &error))
    g_string_append (log, "ok ");
  else
    g_string_append_printf (log, "%s ", g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? "cancelled" : "?");
}

static void
wait_log (GString    *log,
          const char *expected)
{
  while (strlen (log->str) < strlen (expected))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (log->str, ==, expected);
}

static void
test_sleep_async (void)
{
  GString *log = g_string_new (NULL);
  g_autoptr(GCancellable) c = g_cancellable_new ();
  g_autoptr(GCancellable) pre = g_cancellable_new ();

  g_cancellable_cancel (pre);
  gcoro_sleep_async (1, pre, slept, log);
  wait_log (log, "cancelled ");

  gcoro_sleep_async (60000, c, slept, log);
  gcoro_sleep_async (1, NULL, slept, log);
  wait_log (log, "cancelled ok ");

  g_cancellable_cancel (c);
  wait_log (log, "cancelled ok cancelled ");
  g_string_free (log, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  /* These tests assert GLib's own dispatch order; on a slow run (valgrind)
   * the frame budget could step aside midway and reorder them. */
  g_setenv ("GCORO_FRAME_BUDGET", "0", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/sleep/deadline-order", test_wake_in_deadline_order);
  g_test_add_func ("/gcoro/sleep/thousand-sleepers-one-source", test_thousand_sleepers_one_source);
  g_test_add_func ("/gcoro/sleep/await-timeout-fires", test_await_timeout_fires);
  g_test_add_func ("/gcoro/sleep/await-timeout-not-fired", test_await_timeout_not_fired);
  g_test_add_func ("/gcoro/sleep/await-timeout-already-settled", test_await_timeout_already_settled);
  g_test_add_func ("/gcoro/sleep/async", test_sleep_async);

  return g_test_run ();
}

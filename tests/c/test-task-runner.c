/* test-task-runner.c: coroutines, futures and plain functions alike
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

static GString *order;

static void
coroutine (GCoroTask *task,
           gpointer   user_data)
{
  g_string_append_printf (order, "%s-start ", gcoro_task_get_name (task));
  gcoro_yield (NULL);
  g_string_append_printf (order, "%s-end ", gcoro_task_get_name (task));
  gcoro_task_return_int64 (task, GPOINTER_TO_INT (user_data));
}

static void
failing_coroutine (GCoroTask *task,
                   gpointer   user_data)
{
  gcoro_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad");
}

static gpointer
plain (GCancellable  *cancellable,
       gpointer       user_data,
       GError       **error)
{
  g_string_append (order, "plain ");
  return g_strdup (user_data);
}

static GThread *main_thread;

static gpointer
blocking (GCancellable  *cancellable,
          gpointer       user_data,
          GError       **error)
{
  gint64 *v = g_new (gint64, 1);

  g_assert_true (g_thread_self () != main_thread);
  *v = 7;
  return v;
}

static void
callback (gpointer user_data)
{
  g_string_append (order, "callback ");
}

static int freed;

static void
count_free (gpointer p)
{
  freed++;
}

static void
test_order_and_results (void)
{
  g_autoptr(GCoroTaskRunner) runner = gcoro_task_runner_new ();
  g_autoptr(GCoroPromise) external = gcoro_promise_new ();
  g_autoptr(GPtrArray) futures = NULL;
  g_autoptr(GError) error = NULL;

  order = g_string_new (NULL);
  freed = 0;
  gcoro_task_runner_add_function (runner, plain, "text", count_free, g_free, GCORO_RUN_SOON);
  gcoro_task_runner_add_coroutine (runner, "a", coroutine, GINT_TO_POINTER (1), count_free);
  gcoro_task_runner_add_future (runner, GCORO_FUTURE (external));
  gcoro_task_runner_add_callback (runner, callback, NULL, NULL);
  gcoro_task_runner_add_coroutine (runner, "b", coroutine, GINT_TO_POINTER (2), count_free);
  gcoro_task_runner_add_function (runner, blocking, NULL, NULL, g_free, GCORO_RUN_IN_THREAD);
  g_assert_cmpuint (gcoro_task_runner_get_n_items (runner), ==, 6);

  gcoro_promise_resolve_string (external, "given");
  g_assert_true (gcoro_task_runner_run_until_complete (runner, &error));
  g_assert_no_error (error);

  /* Coroutines took their first step before the plain functions ran. */
  g_assert_true (g_str_has_prefix (order->str, "a-start b-start plain callback "));
  g_assert_cmpint (freed, ==, 3);

  /* Results in the order added. */
  futures = gcoro_task_runner_get_futures (runner);
  g_assert_cmpuint (futures->len, ==, 6);
  g_assert_cmpstr (gcoro_future_peek_pointer (futures->pdata[0]), ==, "text");
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (futures->pdata[1])), ==, 1);
  g_assert_cmpstr (g_value_get_string (gcoro_future_peek_value (futures->pdata[2])), ==, "given");
  g_assert_cmpint (gcoro_future_get_state (futures->pdata[3]), ==, GCORO_FUTURE_RESOLVED);
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (futures->pdata[4])), ==, 2);
  g_assert_cmpint (*(gint64 *) gcoro_future_peek_pointer (futures->pdata[5]), ==, 7);
  g_string_free (order, TRUE);
}

static gpointer
plain_fails (GCancellable  *cancellable,
             gpointer       user_data,
             GError       **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "missing");
  return NULL;
}

static void
test_errors_in_order (void)
{
  g_autoptr(GCoroTaskRunner) runner = gcoro_task_runner_new ();
  g_autoptr(GPtrArray) futures = NULL;
  g_autoptr(GError) error = NULL;

  order = g_string_new (NULL);
  gcoro_task_runner_add_coroutine (runner, "ok", coroutine, GINT_TO_POINTER (5), NULL);
  gcoro_task_runner_add_function (runner, plain_fails, NULL, NULL, NULL, GCORO_RUN_SOON);
  gcoro_task_runner_add_coroutine (runner, "bad", failing_coroutine, NULL, NULL);

  /* The first error in the order added; every item still ran to the end. */
  g_assert_false (gcoro_task_runner_run_until_complete (runner, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  futures = gcoro_task_runner_get_futures (runner);
  g_assert_cmpint (gcoro_future_get_state (futures->pdata[0]), ==, GCORO_FUTURE_RESOLVED);
  g_assert_cmpint (gcoro_future_get_state (futures->pdata[1]), ==, GCORO_FUTURE_REJECTED);
  g_assert_cmpint (gcoro_future_get_state (futures->pdata[2]), ==, GCORO_FUTURE_REJECTED);
  g_string_free (order, TRUE);
}

static void
blocked_coroutine (GCoroTask *task,
                   gpointer   user_data)
{
  g_autoptr(GCoroPromise) never = gcoro_promise_new ();
  g_autoptr(GError) error = NULL;

  if (!gcoro_await (GCORO_FUTURE (never), &error))
    gcoro_task_return_error (task, g_steal_pointer (&error));
}

static gboolean
loop_source (gpointer data)
{
  (*(int *) data)++;
  return G_SOURCE_REMOVE;
}

static void
test_run_sync_leaves_the_callers_loop_alone (void)
{
  g_autoptr(GCoroTaskRunner) runner = gcoro_task_runner_new ();
  g_autoptr(GPtrArray) futures = NULL;
  g_autoptr(GError) error = NULL;
  int loop_runs = 0;

  order = g_string_new (NULL);
  gcoro_task_runner_add_coroutine (runner, "a", coroutine, GINT_TO_POINTER (1), NULL);
  gcoro_task_runner_add_function (runner, plain, "p", NULL, g_free, GCORO_RUN_SOON);
  gcoro_task_runner_add_function (runner, blocking, NULL, NULL, g_free, GCORO_RUN_IN_THREAD);

  g_idle_add_full (G_PRIORITY_HIGH, loop_source, &loop_runs, NULL);
  g_assert_true (gcoro_task_runner_run_sync (runner, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (loop_runs, ==, 0);
  g_assert_cmpstr (order->str, ==, "a-start plain a-end ");

  futures = gcoro_task_runner_get_futures (runner);
  g_assert_cmpint (*(gint64 *) gcoro_future_peek_pointer (futures->pdata[2]), ==, 7);
  while (loop_runs == 0)
    g_main_context_iteration (NULL, TRUE);
  g_string_free (order, TRUE);
}

typedef struct
{
  int     done;
  gboolean ok;
  GError *error;
} RunResult;

static void
ran (GObject      *source,
     GAsyncResult *result,
     gpointer      user_data)
{
  RunResult *r = user_data;

  r->ok = gcoro_task_runner_run_finish (GCORO_TASK_RUNNER (source), result, &r->error);
  r->done++;
}

static void
test_run_async_and_cancel (void)
{
  g_autoptr(GCoroTaskRunner) ok_runner = gcoro_task_runner_new ();
  g_autoptr(GCoroTaskRunner) blocked_runner = gcoro_task_runner_new ();
  g_autoptr(GCancellable) c = g_cancellable_new ();
  g_autoptr(GPtrArray) futures = NULL;
  RunResult ok = { 0, }, blocked = { 0, };

  order = g_string_new (NULL);
  gcoro_task_runner_add_coroutine (ok_runner, "x", coroutine, GINT_TO_POINTER (3), NULL);
  gcoro_task_runner_run_async (ok_runner, NULL, ran, &ok);
  iterate_until (&ok.done, 1);
  g_assert_true (ok.ok);

  gcoro_task_runner_add_coroutine (blocked_runner, "stuck", blocked_coroutine, NULL, NULL);
  gcoro_task_runner_run_async (blocked_runner, c, ran, &blocked);
  settle_loop ();
  g_cancellable_cancel (c);
  iterate_until (&blocked.done, 1);
  g_assert_false (blocked.ok);
  g_assert_error (blocked.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The item was cancelled too. */
  futures = gcoro_task_runner_get_futures (blocked_runner);
  while (!gcoro_future_is_done (futures->pdata[0]))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (gcoro_future_get_state (futures->pdata[0]), ==, GCORO_FUTURE_CANCELLED);
  g_clear_error (&blocked.error);
  g_string_free (order, TRUE);
}

static void
test_runs_once (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GCoroTaskRunner) runner = gcoro_task_runner_new ();

      gcoro_task_runner_run_until_complete (runner, NULL);
      gcoro_task_runner_add_callback (runner, callback, NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*the runner has already run*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  g_test_add_func ("/gcoro/task-runner/order-and-results", test_order_and_results);
  g_test_add_func ("/gcoro/task-runner/errors-in-order", test_errors_in_order);
  g_test_add_func ("/gcoro/task-runner/run-sync-leaves-the-callers-loop-alone", test_run_sync_leaves_the_callers_loop_alone);
  g_test_add_func ("/gcoro/task-runner/run-async-and-cancel", test_run_async_and_cancel);
  g_test_add_func ("/gcoro/task-runner/runs-once", test_runs_once);

  return g_test_run ();
}

/* test-thread.c: blocking functions in the thread pool
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

static GThread *main_thread;

static gpointer
square (GCancellable  *cancellable,
        gpointer       user_data,
        GError       **error)
{
  gint64 *out = g_new (gint64, 1);

  g_assert_true (g_thread_self () != main_thread);
  *out = GPOINTER_TO_INT (user_data) * GPOINTER_TO_INT (user_data);
  return out;
}

static gpointer
fail (GCancellable  *cancellable,
      gpointer       user_data,
      GError       **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "no access");
  return NULL;
}

static void
to_thread_body (GCoroTask *task,
                gpointer   user_data)
{
  g_autofree gint64 *r = NULL;
  g_autoptr(GError) error = NULL;

  r = gcoro_to_thread (square, GINT_TO_POINTER (12), g_free, &error);
  g_assert_no_error (error);
  g_assert_cmpint (*r, ==, 144);
  g_assert_true (g_thread_self () == main_thread);   /* resumed here, not on the worker */

  g_assert_null (gcoro_to_thread (fail, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
}

static void
test_result_and_error (void)
{
  GCoroTask *task = gcoro_spawn (to_thread_body, NULL, NULL);

  run_all (&task, 1);
}

static void
many_body (GCoroTask *task,
           gpointer   user_data)
{
  enum { N = 1000 };
  GCoroFuture **jobs = g_new (GCoroFuture *, N);
  g_autoptr(GCoroFuture) all = NULL;
  gint64 sum = 0;

  for (int i = 0; i < N; i++)
    jobs[i] = gcoro_run_in_thread (square, GINT_TO_POINTER (i), NULL, g_free);
  all = gcoro_all (jobs, N, GCORO_ALL_DEFAULT);
  g_assert_true (gcoro_await (all, NULL));
  for (int i = 0; i < N; i++)
    {
      sum += *(gint64 *) gcoro_await_pointer (jobs[i], NULL);
      g_object_unref (jobs[i]);
    }
  g_free (jobs);
  gcoro_task_return_int64 (task, sum);
}

static void
test_thousand_jobs (void)
{
  GCoroTask *task = gcoro_spawn (many_body, NULL, NULL);
  gint64 expected = 0;

  for (gint64 i = 0; i < 1000; i++)
    expected += i * i;
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, expected);
  g_object_unref (task);
}

typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean running;
  gboolean saw_cancel;
  gboolean finished;
  gboolean body_started;   /* main thread only */
} Spinner;

static gpointer
spin_until_cancelled (GCancellable  *cancellable,
                      gpointer       user_data,
                      GError       **error)
{
  Spinner *s = user_data;

  g_mutex_lock (&s->lock);
  s->running = TRUE;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);

  /* Blocks until told to stop: no timing involved. */
  while (!g_cancellable_is_cancelled (cancellable))
    g_usleep (100);

  g_mutex_lock (&s->lock);
  s->saw_cancel = TRUE;
  s->finished = TRUE;
  g_mutex_unlock (&s->lock);
  return g_strdup ("late result");   /* must be freed, not leaked */
}

static void
spinner_body (GCoroTask *task,
              gpointer   user_data)
{
  Spinner *s = user_data;
  g_autoptr(GError) error = NULL;

  s->body_started = TRUE;
  g_assert_null (gcoro_to_thread (spin_until_cancelled, s, g_free, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* It returned only after the function had: user data is safe to free. */
  g_assert_true (s->finished);
}

static void
test_cancel_while_running (void)
{
  Spinner s = { 0, };
  GCoroTask *task;

  g_mutex_init (&s.lock);
  g_cond_init (&s.cond);
  task = gcoro_spawn (spinner_body, &s, NULL);
  /* Until the task has handed the job over (one iteration is not always
   * enough: the scheduler may be stepping aside for its frame budget
   * after the previous test's burst). */
  while (!s.body_started)
    g_main_context_iteration (NULL, TRUE);

  g_mutex_lock (&s.lock);
  while (!s.running)
    g_cond_wait (&s.cond, &s.lock);
  g_mutex_unlock (&s.lock);

  gcoro_task_cancel (task);
  run_all (&task, 1);
  g_assert_true (s.saw_cancel);
  g_mutex_clear (&s.lock);
  g_cond_clear (&s.cond);
}

static void
job_gone (gpointer  data,
          GObject  *where_it_was)
{
  g_atomic_int_set ((int *) data, 1);
  g_main_context_wakeup (NULL);
}

static void
test_cancel_future_directly (void)
{
  Spinner s = { 0, };
  g_autoptr(GCoroFuture) job = NULL;

  g_mutex_init (&s.lock);
  g_cond_init (&s.cond);
  job = gcoro_run_in_thread (spin_until_cancelled, &s, NULL, g_free);
  g_mutex_lock (&s.lock);
  while (!s.running)
    g_cond_wait (&s.cond, &s.lock);
  g_mutex_unlock (&s.lock);

  gcoro_future_cancel (job);
  g_assert_cmpint (gcoro_future_get_state (job), ==, GCORO_FUTURE_CANCELLED);

  /* The job object lives until its late result has been freed; it may go
   * on the worker thread, which then wakes us. */
  {
    int gone = 0;

    g_object_weak_ref (G_OBJECT (job), job_gone, &gone);
    g_clear_object (&job);
    while (!g_atomic_int_get (&gone))
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_true (s.finished);
  g_mutex_clear (&s.lock);
  g_cond_clear (&s.cond);
}

static GCoroContextVar *user;

static gpointer
read_user (GCancellable  *cancellable,
           gpointer       user_data,
           GError       **error)
{
  char *seen = gcoro_context_var_dup_string (user);

  /* What the worker sets stays in its copy. */
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_1 = gcoro_context_var_set_string (user, "worker");
  return seen;
}

static void
context_body (GCoroTask *task,
              gpointer   user_data)
{
  G_GNUC_UNUSED g_autoptr(GCoroToken) held_2 = gcoro_context_var_set_string (user, "alice");
  g_autofree char *seen = gcoro_to_thread (read_user, NULL, g_free, NULL);
  g_autofree char *mine = gcoro_context_var_dup_string (user);

  g_assert_cmpstr (seen, ==, "alice");
  g_assert_cmpstr (mine, ==, "alice");
}

static void
test_runs_in_a_copy_of_the_context (void)
{
  GCoroTask *task;

  user = gcoro_context_var_new ("user");
  task = gcoro_spawn (context_body, NULL, NULL);
  run_all (&task, 1);
  g_clear_object (&user);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  g_test_add_func ("/gcoro/thread/result-and-error", test_result_and_error);
  g_test_add_func ("/gcoro/thread/thousand-jobs", test_thousand_jobs);
  g_test_add_func ("/gcoro/thread/cancel-while-running", test_cancel_while_running);
  g_test_add_func ("/gcoro/thread/cancel-future-directly", test_cancel_future_directly);
  g_test_add_func ("/gcoro/thread/runs-in-a-copy-of-the-context", test_runs_in_a_copy_of_the_context);

  return g_test_run ();
}

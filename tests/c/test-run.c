/* test-run.c: driving futures from plain code
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

static void
main_task (GCoroTask *task,
           gpointer   user_data)
{
  gcoro_sleep (1, NULL);
  gcoro_task_return_string (task, "done");
}

static void
test_run (void)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  g_assert_true (gcoro_run (main_task, NULL, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_value_get_string (&value), ==, "done");
}

static void
test_run_settled_future (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GError) error = NULL;

  gcoro_promise_reject_literal (p, G_IO_ERROR, G_IO_ERROR_EXISTS, "exists");
  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (p), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
}

static void
run_inside_task (GCoroTask *task,
                 gpointer   user_data)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();

  gcoro_run_until_complete (GCORO_FUTURE (p), NULL);
}

static void
test_refused_inside_task (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GCoroTask) task = gcoro_spawn (run_inside_task, NULL, NULL);
      gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*gcoro_run_until_complete() called inside task*use gcoro_await()*");
}

typedef struct
{
  GError *error;
  int     done;
} Nested;

static void
nested_run_in_callback (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Nested *n = user_data;
  g_autoptr(GCoroPromise) other = gcoro_promise_new ();

  gcoro_future_wait_finish (GCORO_FUTURE (source), result, NULL, NULL);
  /* This callback runs inside the scheduler's dispatch: refused. */
  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (other), &n->error));
  n->done++;
}

static void
test_refused_in_scheduler_callback (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  Nested n = { 0, };

  gcoro_future_wait_async (GCORO_FUTURE (p), NULL, nested_run_in_callback, &n);
  gcoro_promise_resolve (p, NULL);
  while (n.done == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (n.error, G_IO_ERROR, G_IO_ERROR_WOULD_RECURSE);
  g_clear_error (&n.error);
}

/* Allowed: from another source's callback while a GMainLoop runs. */

typedef struct
{
  GMainLoop *loop;
  gboolean   ok;
} Outer;

static gboolean
run_from_idle (gpointer data)
{
  Outer *o = data;
  g_autoptr(GCoroTask) task = gcoro_spawn (main_task, NULL, NULL);

  o->ok = gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  g_main_loop_quit (o->loop);
  return G_SOURCE_REMOVE;
}

static void
test_nested_in_main_loop (void)
{
  Outer o = { g_main_loop_new (NULL, FALSE), FALSE };

  g_idle_add (run_from_idle, &o);
  g_main_loop_run (o.loop);
  g_assert_true (o.ok);
  g_main_loop_unref (o.loop);
}

typedef struct
{
  GMainContext *ctx;
  GMutex        lock;
  GCond         cond;
  gboolean      running;
  gboolean      stop;
} Busy;

static gpointer
own_context (gpointer data)
{
  Busy *b = data;

  g_main_context_acquire (b->ctx);
  g_mutex_lock (&b->lock);
  b->running = TRUE;
  g_cond_signal (&b->cond);
  while (!b->stop)
    g_cond_wait (&b->cond, &b->lock);
  g_mutex_unlock (&b->lock);
  g_main_context_release (b->ctx);
  return NULL;
}

static void
test_busy_context (void)
{
  Busy b = { .ctx = g_main_context_new () };
  GCoroSpawnOptions opts = { .context = b.ctx };
  g_autoptr(GCoroTask) task = gcoro_spawn_full (&opts, main_task, NULL, NULL);
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_mutex_init (&b.lock);
  g_cond_init (&b.cond);
  thread = g_thread_new ("owner", own_context, &b);
  g_mutex_lock (&b.lock);
  while (!b.running)
    g_cond_wait (&b.cond, &b.lock);
  g_mutex_unlock (&b.lock);

  /* Another thread holds the task's context. */
  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);

  g_mutex_lock (&b.lock);
  b.stop = TRUE;
  g_cond_signal (&b.cond);
  g_mutex_unlock (&b.lock);
  g_thread_join (thread);

  /* Free again: now it runs. */
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_main_context_unref (b.ctx);
  g_mutex_clear (&b.lock);
  g_cond_clear (&b.cond);
}

/* A future settled on another thread wakes the context being iterated,
 * whenever the settle happens (before the poll or during it). */
static gpointer
resolve_later (gpointer data)
{
  gcoro_promise_resolve_int64 (data, 7);
  g_object_unref (data);
  return NULL;
}

static void
test_settled_on_another_thread (void)
{
  for (int i = 0; i < 100; i++)
    {
      g_autoptr(GCoroPromise) p = gcoro_promise_new ();
      GThread *thread = g_thread_new ("resolver", resolve_later, g_object_ref (p));

      g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (p), NULL));
      g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (p))), ==, 7);
      g_thread_join (thread);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/run/run", test_run);
  g_test_add_func ("/gcoro/run/settled-future", test_run_settled_future);
  g_test_add_func ("/gcoro/run/settled-on-another-thread", test_settled_on_another_thread);
  g_test_add_func ("/gcoro/run/refused-inside-task", test_refused_inside_task);
  g_test_add_func ("/gcoro/run/refused-in-scheduler-callback", test_refused_in_scheduler_callback);
  g_test_add_func ("/gcoro/run/nested-in-main-loop", test_nested_in_main_loop);
  g_test_add_func ("/gcoro/run/busy-context", test_busy_context);

  return g_test_run ();
}

/* test-future.c: waiting on futures (callbacks, threads)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

typedef struct
{
  GPtrArray *order;
  int        done;
  GError    *error;
  gint64     value;
} WaitState;

static void
on_waited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  WaitState *st = user_data;
  g_auto(GValue) v = G_VALUE_INIT;

  if (gcoro_future_wait_finish (GCORO_FUTURE (source), result, &v, &st->error) && G_IS_VALUE (&v))
    st->value = g_value_get_int64 (&v);
  st->done++;
}

static void
iterate_until (int *counter,
               int  target)
{
  while (*counter < target)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_callbacks_are_deferred (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  WaitState st = { 0, };

  gcoro_future_wait_async (GCORO_FUTURE (p), NULL, on_waited, &st);
  gcoro_promise_resolve_int64 (p, 42);
  /* Never from inside the call that settled it. */
  g_assert_cmpint (st.done, ==, 0);

  iterate_until (&st.done, 1);
  g_assert_no_error (st.error);
  g_assert_cmpint (st.value, ==, 42);
}

static void
test_wait_settled_future (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  WaitState st = { 0, };

  gcoro_promise_resolve_int64 (p, 7);
  gcoro_future_wait_async (GCORO_FUTURE (p), NULL, on_waited, &st);
  g_assert_cmpint (st.done, ==, 0);
  iterate_until (&st.done, 1);
  g_assert_cmpint (st.value, ==, 7);
}

static void
test_wait_rejected (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  WaitState st = { 0, };

  gcoro_future_wait_async (GCORO_FUTURE (p), NULL, on_waited, &st);
  gcoro_promise_reject_literal (p, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "denied");
  iterate_until (&st.done, 1);
  g_assert_error (st.error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&st.error);
}

static void
test_wait_cancelled_leaves_future (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GCancellable) c = g_cancellable_new ();
  WaitState st = { 0, };

  gcoro_future_wait_async (GCORO_FUTURE (p), c, on_waited, &st);
  g_cancellable_cancel (c);
  iterate_until (&st.done, 1);
  g_assert_error (st.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&st.error);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p)), ==, GCORO_FUTURE_PENDING);

  /* Settling afterwards delivers nothing more. */
  gcoro_promise_resolve_int64 (p, 1);
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (st.done, ==, 1);
}

static void
on_order (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  WaitState *st = user_data;
  GCoroFuture *f = GCORO_FUTURE (source);

  g_assert_true (gcoro_future_wait_finish (f, result, NULL, NULL));
  g_ptr_array_add (st->order, f);
  st->done++;
}

static void
test_waiters_fifo (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GCoroPromise) q = gcoro_promise_new ();
  WaitState st = { 0, };

  st.order = g_ptr_array_new ();
  gcoro_future_wait_async (GCORO_FUTURE (p), NULL, on_order, &st);
  gcoro_future_wait_async (GCORO_FUTURE (q), NULL, on_order, &st);
  gcoro_future_wait_async (GCORO_FUTURE (p), NULL, on_order, &st);
  /* Settled in the opposite order: delivered in settle order, each
   * future's waiters in the order they came. */
  gcoro_promise_resolve (q, NULL);
  gcoro_promise_resolve (p, NULL);
  iterate_until (&st.done, 3);
  g_assert_true (st.order->pdata[0] == q);
  g_assert_true (st.order->pdata[1] == p);
  g_assert_true (st.order->pdata[2] == p);
  g_ptr_array_unref (st.order);
}

/* --- cross-thread ---------------------------------------------------------- */

static gpointer
resolve_in_thread (gpointer data)
{
  GCoroPromise *p = data;

  gcoro_promise_resolve_int64 (p, 99);
  return NULL;
}

static void
test_resolve_from_thread_wakes_loop (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  WaitState st = { 0, };
  GThread *thread;

  gcoro_future_wait_async (GCORO_FUTURE (p), NULL, on_waited, &st);
  thread = g_thread_new ("resolver", resolve_in_thread, p);
  /* Blocking iterations: only the resolver's wake-up can end them. */
  iterate_until (&st.done, 1);
  g_thread_join (thread);
  g_assert_cmpint (st.value, ==, 99);
}

typedef struct
{
  GCoroPromise **promises;
  guint          n;
} Batch;

static gpointer
resolve_batch (gpointer data)
{
  Batch *b = data;

  for (guint i = 0; i < b->n; i++)
    gcoro_promise_resolve_int64 (b->promises[i], i);
  return NULL;
}

static void
await_all (GCoroTask *task,
           gpointer   user_data)
{
  Batch *b = user_data;
  gint64 sum = 0;

  for (guint i = 0; i < b->n; i++)
    {
      g_autoptr(GError) error = NULL;
      sum += gcoro_await_int64 (GCORO_FUTURE (b->promises[i]), &error);
      g_assert_no_error (error);
    }
  gcoro_task_return_int64 (task, sum);
}

static void
test_tasks_await_promises_resolved_by_threads (void)
{
  enum { N = 2000 };
  GCoroPromise *promises[N];
  Batch b = { promises, N };
  g_autoptr(GCoroTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GThread *threads[2];
  Batch halves[2] = { { promises, N / 2 }, { promises + N / 2, N / 2 } };

  for (guint i = 0; i < N; i++)
    promises[i] = gcoro_promise_new ();

  task = gcoro_spawn (await_all, &b, NULL);
  threads[0] = g_thread_new ("a", resolve_batch, &halves[0]);
  threads[1] = g_thread_new ("b", resolve_batch, &halves[1]);

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_thread_join (threads[0]);
  g_thread_join (threads[1]);

  /* 0..999 twice. */
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task))), ==,
                   2 * (N / 2) * (N / 2 - 1) / 2);
  for (guint i = 0; i < N; i++)
    g_object_unref (promises[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/future/callbacks-are-deferred", test_callbacks_are_deferred);
  g_test_add_func ("/gcoro/future/wait-settled", test_wait_settled_future);
  g_test_add_func ("/gcoro/future/wait-rejected", test_wait_rejected);
  g_test_add_func ("/gcoro/future/wait-cancelled-leaves-future", test_wait_cancelled_leaves_future);
  g_test_add_func ("/gcoro/future/waiters-fifo", test_waiters_fifo);
  g_test_add_func ("/gcoro/future/resolve-from-thread", test_resolve_from_thread_wakes_loop);
  g_test_add_func ("/gcoro/future/tasks-await-thread-promises", test_tasks_await_promises_resolved_by_threads);

  return g_test_run ();
}

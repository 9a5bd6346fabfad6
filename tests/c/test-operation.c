/* test-operation.c: one coroutine, three calling styles
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

/* The operation: sleeps a little, then doubles its input or fails on 0. */
static void
double_body (GCoroTask *task,
             gpointer   user_data)
{
  int n = GPOINTER_TO_INT (user_data);
  g_autoptr(GError) error = NULL;

  if (!gcoro_sleep (1, &error))
    return gcoro_task_return_error (task, g_steal_pointer (&error));
  if (n == 0)
    return gcoro_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "zero");
  gcoro_task_return_int64 (task, 2 * n);
}

static void
block_body (GCoroTask *task,
            gpointer   user_data)
{
  g_autoptr(GCoroPromise) never = gcoro_promise_new ();
  g_autoptr(GError) error = NULL;

  gcoro_await (GCORO_FUTURE (never), &error);
  gcoro_task_return_error (task, g_steal_pointer (&error));
}

static void double_async (int n, GCancellable *c, GAsyncReadyCallback cb, gpointer data);

static void
double_async (int                  n,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  gcoro_operation_start_async (NULL, n < 0 ? block_body : double_body, GINT_TO_POINTER (n), NULL,
                               cancellable, callback, user_data, double_async);
}

typedef struct
{
  int     done;
  gint64  value;
  GError *error;
} Result;

static void
doubled (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;
  g_auto(GValue) v = G_VALUE_INIT;

  if (gcoro_operation_finish (result, double_async, &v, &r->error))
    r->value = g_value_get_int64 (&v);
  r->done++;
}

static void
test_async_style (void)
{
  Result ok = { 0, }, bad = { 0, }, cancelled = { 0, };
  g_autoptr(GCancellable) c = g_cancellable_new ();

  double_async (21, NULL, doubled, &ok);
  double_async (0, NULL, doubled, &bad);
  double_async (-1, c, doubled, &cancelled);
  iterate_until (&ok.done, 1);
  iterate_until (&bad.done, 1);
  g_assert_cmpint (ok.value, ==, 42);
  g_assert_error (bad.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_cancellable_cancel (c);
  iterate_until (&cancelled.done, 1);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&bad.error);
  g_clear_error (&cancelled.error);
}

/* _sync from inside a running main loop: the loop's sources must not run
 * during the call (no re-entry), and it must not deadlock. */

typedef struct
{
  GMainLoop *loop;
  int        other_source_runs;
  int        runs_during_sync;
  gint64     value;
} SyncInLoop;

static gboolean
other_source (gpointer data)
{
  SyncInLoop *s = data;

  s->other_source_runs++;
  return G_SOURCE_REMOVE;
}

static gboolean
call_sync (gpointer data)
{
  SyncInLoop *s = data;
  g_auto(GValue) v = G_VALUE_INIT;

  g_idle_add_full (G_PRIORITY_HIGH, other_source, s, NULL);
  g_assert_true (gcoro_operation_run_sync (double_body, GINT_TO_POINTER (5), NULL, NULL, &v, NULL));
  s->runs_during_sync = s->other_source_runs;
  s->value = g_value_get_int64 (&v);
  g_main_loop_quit (s->loop);
  return G_SOURCE_REMOVE;
}

static void
test_sync_inside_running_loop (void)
{
  SyncInLoop s = { g_main_loop_new (NULL, FALSE), 0, 0, 0 };

  g_idle_add (call_sync, &s);
  g_main_loop_run (s.loop);
  g_assert_cmpint (s.value, ==, 10);
  g_assert_cmpint (s.runs_during_sync, ==, 0);   /* the caller's loop was not iterated */
  while (s.other_source_runs == 0)
    g_main_context_iteration (NULL, TRUE);
  g_main_loop_unref (s.loop);
}

static gpointer
sync_in_thread (gpointer data)
{
  g_auto(GValue) v = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  if (!gcoro_operation_run_sync (double_body, data, NULL, NULL, &v, &error))
    return GINT_TO_POINTER (-1);
  return GINT_TO_POINTER ((int) g_value_get_int64 (&v));
}

static void
test_sync_from_threads (void)
{
  GThread *a = g_thread_new ("a", sync_in_thread, GINT_TO_POINTER (3));
  GThread *b = g_thread_new ("b", sync_in_thread, GINT_TO_POINTER (4));

  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (a)), ==, 6);
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (b)), ==, 8);
}

typedef struct
{
  GCancellable *c;
  GError       *error;
  gboolean      ok;
} SyncCancel;

static gpointer
blocked_sync (gpointer data)
{
  SyncCancel *sc = data;

  sc->ok = gcoro_operation_run_sync (block_body, NULL, NULL, sc->c, NULL, &sc->error);
  return NULL;
}

static void
test_sync_cancelled_from_another_thread (void)
{
  SyncCancel sc = { g_cancellable_new (), NULL, TRUE };
  GThread *t = g_thread_new ("blocked", blocked_sync, &sc);

  /* Cancelling before the operation starts or while it waits: the same
   * outcome either way. */
  g_cancellable_cancel (sc.c);
  g_thread_join (t);
  g_assert_false (sc.ok);
  g_assert_error (sc.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&sc.error);
  g_object_unref (sc.c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/operation/async-style", test_async_style);
  g_test_add_func ("/gcoro/operation/sync-inside-running-loop", test_sync_inside_running_loop);
  g_test_add_func ("/gcoro/operation/sync-from-threads", test_sync_from_threads);
  g_test_add_func ("/gcoro/operation/sync-cancelled-from-another-thread", test_sync_cancelled_from_another_thread);

  return g_test_run ();
}

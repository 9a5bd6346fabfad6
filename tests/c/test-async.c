/* test-async.c: awaiting GIO operations from fiber tasks
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

static void
load_file (GCoroTask *task,
           gpointer   user_data)
{
  GFile *file = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  res = GCORO_AWAIT_ASYNC (&error, g_file_load_contents_async, file, gcoro_get_cancellable ());
  if (res == NULL ||
      !g_file_load_contents_finish (file, res, &contents, &len, NULL, &error))
    return gcoro_task_return_error (task, g_steal_pointer (&error));

  gcoro_task_return_string (task, contents);
}

static void
test_load_file (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GCoroTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  path = g_build_filename (GCORO_TEST_SRCDIR, "test-async.c", NULL);
  g_assert_true (g_file_get_contents (path, &expected, NULL, NULL));
  file = g_file_new_for_path (path);
  task = gcoro_spawn (load_file, g_object_ref (file), g_object_unref);

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_value_get_string (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, expected);
}

static void
test_load_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/glib-coro/file");
  g_autoptr(GCoroTask) task = gcoro_spawn (load_file, g_object_ref (file), g_object_unref);
  g_autoptr(GError) error = NULL;

  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
resolve_localhost (GCoroTask *task,
                   gpointer   user_data)
{
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GAsyncResult) res = NULL;
  GList *addresses;
  gboolean loopback = FALSE;

  /* The explicit form of the bridge. */
  g_resolver_lookup_by_name_async (resolver, "localhost", gcoro_get_cancellable (),
                                   gcoro_promise_async_ready_callback, g_object_ref (p));
  res = gcoro_await_async_result (p, &error);
  g_assert_no_error (error);

  addresses = g_resolver_lookup_by_name_finish (resolver, res, &error);
  if (addresses == NULL)
    return gcoro_task_return_error (task, g_steal_pointer (&error));
  for (GList *l = addresses; l; l = l->next)
    loopback |= g_inet_address_get_is_loopback (l->data);
  g_resolver_free_addresses (addresses);

  gcoro_task_return_boolean (task, loopback);
}

static void
test_resolve_host_name (void)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (resolve_localhost, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_true (g_value_get_boolean (gcoro_future_peek_value (GCORO_FUTURE (task))));
}

static void
sequential_reads (GCoroTask *task,
                  gpointer   user_data)
{
  GFile *file = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  gsize total = 0;

  res = GCORO_AWAIT_ASYNC (&error, g_file_read_async, file, G_PRIORITY_DEFAULT, gcoro_get_cancellable ());
  in = g_file_read_finish (file, res, &error);
  g_assert_no_error (error);

  for (;;)
    {
      g_autoptr(GAsyncResult) r = NULL;
      char buf[100];
      gssize n;

      r = GCORO_AWAIT_ASYNC (&error, g_input_stream_read_async, G_INPUT_STREAM (in), buf, sizeof buf,
                             G_PRIORITY_DEFAULT, gcoro_get_cancellable ());
      n = g_input_stream_read_finish (G_INPUT_STREAM (in), r, &error);
      g_assert_no_error (error);
      if (n == 0)
        break;
      total += n;
    }
  gcoro_task_return_int64 (task, total);
}

static void
test_many_awaits_in_a_loop (void)
{
  g_autofree char *path = g_build_filename (GCORO_TEST_SRCDIR, "test-async.c", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GCoroTask) task = gcoro_spawn (sequential_reads, g_object_ref (file), g_object_unref);
  gsize size;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, (gint64) size);
}

/* --- resuming in the completion's own dispatch ------------------------------------ */

/* A GIO-style operation that completes on a thread of GLib's pool: GTask
 * calls back from a source of the caller's thread-default context. */
static void
nothing_in_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  g_task_return_boolean (task, TRUE);
}

static void
pool_op_async (GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  /* GTask names its completion source after the task. */
  g_task_set_name (task, "pool-op");
  g_task_run_in_thread (task, nothing_in_thread);
}

#define N_POOL_OPS 50

typedef struct
{
  GMainContext    *context;
  GCoroContextVar *var;
  guint            wrong_context;
  guint            wrong_var;
  guint            in_completion;
} PoolOps;

static void
pool_ops (GCoroTask *task,
          gpointer   user_data)
{
  PoolOps *ops = user_data;
  g_autoptr(GCoroToken) token = gcoro_context_var_set_pointer (ops->var, ops, NULL);

  for (guint i = 0; i < N_POOL_OPS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GAsyncResult) res = NULL;

      /* The macro, and the explicit form through a promise. */
      if (i % 2 == 0)
        res = GCORO_AWAIT_ASYNC (&error, pool_op_async, gcoro_get_cancellable ());
      else
        {
          g_autoptr(GCoroPromise) p = gcoro_promise_new ();

          pool_op_async (gcoro_get_cancellable (), gcoro_promise_async_ready_callback,
                         g_object_ref (p));
          res = gcoro_await_async_result (p, &error);
        }
      g_assert_no_error (error);
      g_assert_true (g_task_propagate_boolean (G_TASK (res), &error));
      /* Resumed with the task's own context and variables, wherever the
       * completion was dispatched from. */
      if (g_main_context_get_thread_default () != ops->context &&
          !(ops->context == g_main_context_default () && g_main_context_get_thread_default () == NULL))
        ops->wrong_context++;
      if (gcoro_context_var_get_pointer (ops->var) != ops)
        ops->wrong_var++;
      /* Resumed from the dispatch of GTask's completion source, not from
       * one of the scheduler's own. */
      if (g_strcmp0 (g_source_get_name (g_main_current_source ()), "pool-op") == 0)
        ops->in_completion++;
    }
}

/* The task resumes from the dispatch that delivers the completion, not
 * at the scheduler's next one: one iteration of the loop per operation,
 * as for a plain callback chain (it took two). */
static void
run_pool_ops (GMainContext *context)
{
  GCoroSpawnOptions opts = { .context = context };
  PoolOps ops = { context, gcoro_context_var_new ("pool-ops"), 0, 0, 0 };
  GCoroScheduler *scheduler = gcoro_scheduler_get_for_context (context);
  guint budget = gcoro_scheduler_get_frame_budget (scheduler);
  g_autoptr(GCoroTask) task = NULL;
  guint iterations = 0;

  /* Without the frame budget: stepping aside (under valgrind, say) rightly
   * sends the task to the scheduler's next dispatch instead. */
  gcoro_scheduler_set_frame_budget (scheduler, 0);
  task = gcoro_spawn_full (&opts, pool_ops, &ops, NULL);

  while (!gcoro_future_is_done (GCORO_FUTURE (task)))
    {
      g_main_context_iteration (context, TRUE);
      iterations++;
    }
  g_assert_true (gcoro_future_get_value (GCORO_FUTURE (task), NULL, NULL));
  g_assert_cmpuint (ops.wrong_context, ==, 0);
  g_assert_cmpuint (ops.wrong_var, ==, 0);
  g_assert_cmpuint (ops.in_completion, ==, N_POOL_OPS);
  /* One iteration to start and one per operation, plus whatever wake-ups
   * a slow machine adds (valgrind); it took two per operation. */
  g_test_message ("%u iterations for %u operations", iterations, N_POOL_OPS);
  g_assert_cmpuint (iterations, >=, N_POOL_OPS);
  g_assert_cmpuint (iterations, <, 2 * N_POOL_OPS);
  g_object_unref (ops.var);
  gcoro_scheduler_set_frame_budget (scheduler, budget);
}

static void
test_resume_in_completion_dispatch (void)
{
  run_pool_ops (g_main_context_default ());
}

/* The same on a context that is not the thread-default one while the
 * loop iterates it: the task still runs with its own as thread-default. */
static void
test_resume_in_completion_dispatch_other_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();

  run_pool_ops (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/async/load-file", test_load_file);
  g_test_add_func ("/gcoro/async/load-missing-file", test_load_missing_file);
  g_test_add_func ("/gcoro/async/resolve-host-name", test_resolve_host_name);
  g_test_add_func ("/gcoro/async/many-awaits-in-a-loop", test_many_awaits_in_a_loop);
  g_test_add_func ("/gcoro/async/resume-in-completion-dispatch", test_resume_in_completion_dispatch);
  g_test_add_func ("/gcoro/async/resume-in-completion-dispatch-other-context",
                   test_resume_in_completion_dispatch_other_context);

  return g_test_run ();
}

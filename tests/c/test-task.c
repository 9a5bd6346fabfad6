/* test-task.c: spawning, results, names, owners, many tasks
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

static void
return_answer (GCoroTask *task,
               gpointer   user_data)
{
  gcoro_task_return_int64 (task, 42);
}

static void
test_spawn_and_run (void)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (return_answer, NULL, NULL);
  g_autoptr(GError) error = NULL;

  /* Spawning only queues it. */
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (task)), ==, GCORO_FUTURE_PENDING);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, 42);
  g_assert_cmpuint (gcoro_scheduler_get_n_tasks (gcoro_task_get_scheduler (task)), ==, 0);
}

static void
fail_body (GCoroTask *task,
           gpointer   user_data)
{
  gcoro_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad %s", "input");
}

static void
await_child (GCoroTask *task,
             gpointer   user_data)
{
  g_autoptr(GCoroTask) child = gcoro_spawn (fail_body, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (gcoro_await (GCORO_FUTURE (child), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "bad input");
  gcoro_task_return_error (task, g_steal_pointer (&error));
}

static void
test_error_propagates (void)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (await_child, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (task)), ==, GCORO_FUTURE_REJECTED);
}

static void
record_start (GCoroTask *task,
              gpointer   user_data)
{
  GString *log = user_data;

  g_string_append (log, gcoro_task_get_name (task));
  g_string_append_c (log, ' ');
  g_assert_true (gcoro_task_get_current () == task);
}

static void
test_fifo_start_and_names (void)
{
  GString *log = g_string_new (NULL);
  const char *names[] = { "a", "b", "c", "d" };
  GCoroTask *tasks[G_N_ELEMENTS (names)];

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GCoroSpawnOptions opts = { .name = names[i] };
      tasks[i] = gcoro_spawn_full (&opts, record_start, log, NULL);
    }
  g_assert_cmpstr (log->str, ==, "");
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (tasks[3]), NULL));
  g_assert_cmpstr (log->str, ==, "a b c d ");
  g_assert_null (gcoro_task_get_current ());

  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    g_object_unref (tasks[i]);
  g_string_free (log, TRUE);
}

static void
noop (GCoroTask *task,
      gpointer   user_data)
{
}

static void
test_auto_names (void)
{
  g_autoptr(GCoroTask) a = gcoro_spawn (noop, NULL, NULL);
  g_autoptr(GCoroTask) b = gcoro_spawn (noop, NULL, NULL);

  g_assert_true (g_str_has_prefix (gcoro_task_get_name (a), "task-"));
  g_assert_cmpstr (gcoro_task_get_name (a), !=, gcoro_task_get_name (b));
  gcoro_run_until_complete (GCORO_FUTURE (b), NULL);
  /* No value was returned: resolved without one. */
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (a)), ==, GCORO_FUTURE_RESOLVED);
  g_assert_null (gcoro_future_peek_value (GCORO_FUTURE (a)));
}

static int data_freed;

static void
count_data_free (gpointer data)
{
  data_freed++;
}

static void
test_user_data_freed_at_end (void)
{
  GCoroTask *task;

  data_freed = 0;
  task = gcoro_spawn (noop, &data_freed, count_data_free);
  g_assert_cmpint (data_freed, ==, 0);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  g_assert_cmpint (data_freed, ==, 1);
  g_object_unref (task);
  g_assert_cmpint (data_freed, ==, 1);
}

static void
test_dropped_reference_keeps_running (void)
{
  GCoroTask *task;
  GCoroScheduler *scheduler = gcoro_scheduler_get_default ();
  GWeakRef weak;

  data_freed = 0;
  task = gcoro_spawn (noop, &data_freed, count_data_free);
  g_weak_ref_init (&weak, task);
  g_object_unref (task);

  /* The scheduler keeps it alive until it has run. */
  g_assert_cmpuint (gcoro_scheduler_get_n_tasks (scheduler), ==, 1);
  while (gcoro_scheduler_get_n_tasks (scheduler) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (data_freed, ==, 1);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

static void
wait_forever (GCoroTask *task,
              gpointer   user_data)
{
  GCoroFuture *never = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (gcoro_await (never, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_owner_dispose_cancels (void)
{
  g_autoptr(GCoroPromise) never = gcoro_promise_new ();
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);
  GCoroSpawnOptions opts = { .name = "owned", .owner = owner };
  g_autoptr(GCoroTask) task = gcoro_spawn_full (&opts, wait_forever, never, NULL);

  /* Let it start and suspend. */
  for (int i = 0; i < 3; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (task)), ==, GCORO_FUTURE_PENDING);

  g_object_unref (owner);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (task)), ==, GCORO_FUTURE_CANCELLED);
}

static void
test_owner_outlives_task (void)
{
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  GCoroSpawnOptions opts = { .owner = owner };
  g_autoptr(GCoroTask) task = gcoro_spawn_full (&opts, noop, NULL, NULL);

  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  g_clear_object (&task);
  /* The weak reference is gone: disposing the owner now is harmless. */
  g_clear_object (&owner);
}

static void
count_and_free (gpointer data)
{
  data_freed++;
  g_free (data);
}

static void
return_pointer (GCoroTask *task,
                gpointer   user_data)
{
  gcoro_task_return_pointer (task, g_strdup ("payload"), count_and_free);
}

static void
read_pointer (GCoroTask *task,
              gpointer   user_data)
{
  g_autoptr(GCoroTask) child = gcoro_spawn (return_pointer, NULL, NULL);
  const char *s = gcoro_await_pointer (GCORO_FUTURE (child), NULL);

  g_assert_cmpstr (s, ==, "payload");
  /* A typed read of the wrong type is an error, not a crash. */
  {
    g_autoptr(GError) error = NULL;
    gcoro_await_int64 (GCORO_FUTURE (child), &error);
    g_assert_error (error, GCORO_ERROR, GCORO_ERROR_NO_VALUE);
  }
}

static void
test_pointer_result (void)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (read_pointer, NULL, NULL);

  data_freed = 0;
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  /* The string was freed with the child, through its destroy notify. */
  g_assert_cmpint (data_freed, ==, 1);
}

/* --- many tasks ---------------------------------------------------------------- */

typedef struct
{
  GCoroPromise *go;
  int           resumed;
} Crowd;

static void
crowd_member (GCoroTask *task,
              gpointer   user_data)
{
  Crowd *crowd = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (gcoro_await (GCORO_FUTURE (crowd->go), &error));
  crowd->resumed++;
  g_assert_true (gcoro_yield (&error));
  gcoro_task_return_int64 (task, crowd->resumed);
}

static void
test_ten_thousand_tasks (void)
{
  enum { N = 10000 };
  GCoroTask **tasks = g_new (GCoroTask *, N);
  GCoroScheduler *scheduler = gcoro_scheduler_get_default ();
  Crowd crowd = { gcoro_promise_new (), 0 };

  for (guint i = 0; i < N; i++)
    tasks[i] = gcoro_spawn (crowd_member, &crowd, NULL);
  g_assert_cmpuint (gcoro_scheduler_get_n_tasks (scheduler), ==, N);

  /* All of them start and suspend on the same promise. */
  while (TRUE)
    {
      g_autofree char *dump = NULL;
      g_main_context_iteration (NULL, FALSE);
      dump = gcoro_scheduler_dump (scheduler);
      if (strstr (dump, "ready") == NULL && strstr (dump, "not started") == NULL)
        break;
    }
  g_assert_cmpint (crowd.resumed, ==, 0);

  gcoro_promise_resolve (crowd.go, NULL);
  for (guint i = 0; i < N; i++)
    g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (tasks[i]), NULL));
  g_assert_cmpint (crowd.resumed, ==, N);
  g_assert_cmpuint (gcoro_scheduler_get_n_tasks (scheduler), ==, 0);

  for (guint i = 0; i < N; i++)
    g_object_unref (tasks[i]);
  g_free (tasks);
  g_object_unref (crowd.go);
}

static void
spawn_children (GCoroTask *task,
                gpointer   user_data)
{
  GCoroTask *children[3];
  gint64 sum = 0;

  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    children[i] = gcoro_spawn (return_answer, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      sum += gcoro_await_int64 (GCORO_FUTURE (children[i]), NULL);
      g_object_unref (children[i]);
    }
  gcoro_task_return_int64 (task, sum);
}

static void
test_nested_spawn (void)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (spawn_children, NULL, NULL);

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, 126);
}

static void
deep_recursion (int depth)
{
  volatile char pad[512];

  pad[0] = (char) depth;
  if (depth > 0)
    deep_recursion (depth - 1);
  (void) pad[0];
}

static void
use_big_stack (GCoroTask *task,
               gpointer   user_data)
{
  /* ~3 MiB of frames: more than the default stack holds. */
  deep_recursion (6000);
  gcoro_yield (NULL);
  gcoro_task_return_boolean (task, TRUE);
}

static void
test_custom_stack_size (void)
{
  GCoroSpawnOptions opts = { .name = "big", .stack_size = 8 * 1024 * 1024 };
  g_autoptr(GCoroTask) task = gcoro_spawn_full (&opts, use_big_stack, NULL, NULL);

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
}

static volatile int recursion_limit = G_MAXINT;   /* opaque to the compiler */

static int
recurse_forever (int depth)
{
  volatile char pad[1024];

  pad[0] = (char) depth;
  if (depth >= recursion_limit)
    return pad[0];
  return recurse_forever (depth + 1) + pad[0];
}

static void
overflow_body (GCoroTask *task,
               gpointer   user_data)
{
  recurse_forever (0);
}

static void
test_stack_overflow_names_the_task (void)
{
  if (g_test_subprocess ())
    {
      GCoroSpawnOptions opts = { .name = "runaway", .stack_size = 64 * 1024 };
      g_autoptr(GCoroTask) task = gcoro_spawn_full (&opts, overflow_body, NULL, NULL);

      gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*task 'runaway' overflowed its 64 KiB stack*stack_size*GCORO_STACK_SIZE*");
}

static void
test_dump_lists_tasks (void)
{
  g_autoptr(GCoroPromise) never = gcoro_promise_new ();
  GCoroSpawnOptions opts = { .name = "sleepy-reader" };
  g_autoptr(GCoroTask) task = gcoro_spawn_full (&opts, wait_forever, never, NULL);
  GCoroScheduler *scheduler = gcoro_task_get_scheduler (task);
  g_autofree char *before = gcoro_scheduler_dump (scheduler);
  g_autofree char *during = NULL;

  g_assert_nonnull (strstr (before, "task 'sleepy-reader'"));
  g_assert_nonnull (strstr (before, "ready"));
  for (int i = 0; i < 3; i++)
    g_main_context_iteration (NULL, FALSE);
  during = gcoro_scheduler_dump (scheduler);
  g_assert_nonnull (strstr (during, "suspended"));
  g_assert_nonnull (strstr (during, "awaiting GCoroPromise"));

  gcoro_task_cancel (task);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
}

static void
test_detached_failure_warns (void)
{
  if (g_test_subprocess ())
    {
      GCoroSpawnOptions opts = { .name = "orphan" };
      GCoroTask *task = gcoro_spawn_full (&opts, fail_body, NULL, NULL);
      GCoroScheduler *scheduler = gcoro_task_get_scheduler (task);

      gcoro_task_detach (task);
      while (gcoro_scheduler_get_n_tasks (scheduler) > 0)
        g_main_context_iteration (NULL, TRUE);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Task 'orphan' failed and nobody awaits it*bad input*");
}

static void
test_unretrieved_failure_warns (void)
{
  GCoroSpawnOptions opts = { .name = "forgotten" };
  GCoroTask *task = gcoro_spawn_full (&opts, fail_body, NULL, NULL);
  GCoroTask *seen = gcoro_spawn_full (&opts, fail_body, NULL, NULL);

  while (!gcoro_future_is_done (GCORO_FUTURE (task)) || !gcoro_future_is_done (GCORO_FUTURE (seen)))
    g_main_context_iteration (NULL, TRUE);

  /* Its outcome read: nothing to say. */
  g_assert_nonnull (gcoro_future_peek_error (GCORO_FUTURE (seen)));
  g_object_unref (seen);

  /* Failed, never awaited nor read: said when it goes. */
  g_test_expect_message ("GCoro", G_LOG_LEVEL_WARNING,
                         "Task 'forgotten' failed and its error was never retrieved: *bad input*");
  g_object_unref (task);
  g_test_assert_expected_messages ();
}

static void
test_await_outside_task_is_critical (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GCoroPromise) p = gcoro_promise_new ();
      gcoro_await (GCORO_FUTURE (p), NULL);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*gcoro_await() suspends the calling fiber task*outside any task*gcoro_future_wait_async()*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/task/spawn-and-run", test_spawn_and_run);
  g_test_add_func ("/gcoro/task/error-propagates", test_error_propagates);
  g_test_add_func ("/gcoro/task/fifo-start-and-names", test_fifo_start_and_names);
  g_test_add_func ("/gcoro/task/auto-names", test_auto_names);
  g_test_add_func ("/gcoro/task/user-data-freed-at-end", test_user_data_freed_at_end);
  g_test_add_func ("/gcoro/task/dropped-reference-keeps-running", test_dropped_reference_keeps_running);
  g_test_add_func ("/gcoro/task/owner-dispose-cancels", test_owner_dispose_cancels);
  g_test_add_func ("/gcoro/task/owner-outlives-task", test_owner_outlives_task);
  g_test_add_func ("/gcoro/task/pointer-result", test_pointer_result);
  g_test_add_func ("/gcoro/task/ten-thousand", test_ten_thousand_tasks);
  g_test_add_func ("/gcoro/task/nested-spawn", test_nested_spawn);
  g_test_add_func ("/gcoro/task/custom-stack-size", test_custom_stack_size);
  g_test_add_func ("/gcoro/task/dump", test_dump_lists_tasks);
  g_test_add_func ("/gcoro/task/stack-overflow-names-the-task", test_stack_overflow_names_the_task);
  g_test_add_func ("/gcoro/task/detached-failure-warns", test_detached_failure_warns);
  g_test_add_func ("/gcoro/task/unretrieved-failure-warns", test_unretrieved_failure_warns);
  g_test_add_func ("/gcoro/task/await-outside-task", test_await_outside_task_is_critical);

  return g_test_run ();
}

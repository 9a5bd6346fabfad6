/* test-task-group.c: structured concurrency
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"
#include <stdlib.h>

typedef struct
{
  GString *log;
} Log;

static void
sleeper (GCoroTask *task,
         gpointer   user_data)
{
  Log *l = user_data;
  g_autoptr(GError) error = NULL;
  int ms = atoi (gcoro_task_get_name (task) + 1);

  if (gcoro_sleep (ms, &error))
    g_string_append_printf (l->log, "%s ", gcoro_task_get_name (task));
  else
    g_string_append_printf (l->log, "%s:cancelled ", gcoro_task_get_name (task));
}

static void
failer (GCoroTask *task,
        gpointer   user_data)
{
  gcoro_sleep (atoi (gcoro_task_get_name (task) + 1), NULL);
  gcoro_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed",
                               gcoro_task_get_name (task));
}

static void
spawn_named (GCoroTaskGroup *group,
             const char     *name,
             GCoroTaskFunc   func,
             Log            *l)
{
  GCoroSpawnOptions opts = { .name = name };

  g_object_unref (gcoro_task_group_spawn (group, &opts, func, l, NULL));
}

typedef struct
{
  Log     *log;
  gboolean ok;
  GError  *error;
  GCoroTaskGroup *group;
} Parent;

static void
parent_all_ok (GCoroTask *task,
               gpointer   user_data)
{
  Parent *p = user_data;

  p->group = gcoro_task_group_new ();
  spawn_named (p->group, "s3", sleeper, p->log);
  spawn_named (p->group, "s1", sleeper, p->log);
  spawn_named (p->group, "s2", sleeper, p->log);
  p->ok = gcoro_task_group_wait (p->group, &p->error);
}

static void
test_waits_for_all (void)
{
  Log l = { g_string_new (NULL) };
  Parent p = { &l, FALSE, NULL, NULL };
  GCoroTask *task = gcoro_spawn (parent_all_ok, &p, NULL);

  run_all (&task, 1);
  g_assert_true (p.ok);
  g_assert_no_error (p.error);
  /* Every child ended before the wait returned (in whatever order their
   * timers fired). */
  g_assert_nonnull (strstr (l.log->str, "s1 "));
  g_assert_nonnull (strstr (l.log->str, "s2 "));
  g_assert_nonnull (strstr (l.log->str, "s3 "));
  g_assert_cmpuint (strlen (l.log->str), ==, strlen ("s1 s2 s3 "));
  g_assert_true (gcoro_task_group_is_closed (p.group));
  g_assert_cmpuint (gcoro_task_group_get_n_pending (p.group), ==, 0);
  g_object_unref (p.group);
  g_string_free (l.log, TRUE);
}

static void
parent_with_failure (GCoroTask *task,
                     gpointer   user_data)
{
  Parent *p = user_data;

  p->group = gcoro_task_group_new ();
  spawn_named (p->group, "s60000", sleeper, p->log);
  spawn_named (p->group, "f1", failer, p->log);
  spawn_named (p->group, "s50000", sleeper, p->log);
  p->ok = gcoro_task_group_wait (p->group, &p->error);
}

static void
test_first_failure_cancels_siblings (void)
{
  Log l = { g_string_new (NULL) };
  Parent p = { &l, FALSE, NULL, NULL };
  GCoroTask *task = gcoro_spawn (parent_with_failure, &p, NULL);
  g_autoptr(GPtrArray) errors = NULL;

  run_all (&task, 1);
  g_assert_false (p.ok);
  g_assert_error (p.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (p.error->message, ==, "f1 failed");
  g_assert_cmpstr (l.log->str, ==, "s60000:cancelled s50000:cancelled ");
  errors = gcoro_task_group_get_errors (p.group);
  g_assert_cmpuint (errors->len, ==, 1);
  g_clear_error (&p.error);
  g_object_unref (p.group);
  g_string_free (l.log, TRUE);
}

static void
parent_two_failures (GCoroTask *task,
                     gpointer   user_data)
{
  Parent *p = user_data;

  p->group = gcoro_task_group_new ();
  spawn_named (p->group, "f0", failer, p->log);
  spawn_named (p->group, "f00", failer, p->log);
  p->ok = gcoro_task_group_wait (p->group, &p->error);
}

static void
test_reports_every_error (void)
{
  Log l = { g_string_new (NULL) };
  Parent p = { &l, FALSE, NULL, NULL };
  GCoroTask *task = gcoro_spawn (parent_two_failures, &p, NULL);

  run_all (&task, 1);
  g_assert_error (p.error, GCORO_ERROR, GCORO_ERROR_FAILED);
  g_assert_nonnull (strstr (p.error->message, "2 tasks of the group failed"));
  g_assert_nonnull (strstr (p.error->message, "f0 failed"));
  g_assert_nonnull (strstr (p.error->message, "f00 failed"));
  g_clear_error (&p.error);
  g_object_unref (p.group);
  g_string_free (l.log, TRUE);
}

static void
parent_long (GCoroTask *task,
             gpointer   user_data)
{
  Parent *p = user_data;

  p->group = gcoro_task_group_new ();
  spawn_named (p->group, "s60000", sleeper, p->log);
  spawn_named (p->group, "s50000", sleeper, p->log);
  p->ok = gcoro_task_group_wait (p->group, &p->error);
  /* All children had ended before the wait returned. */
  g_string_append (p->log->log, "parent-out");
}

static void
test_parent_cancel_cancels_group (void)
{
  Log l = { g_string_new (NULL) };
  Parent p = { &l, FALSE, NULL, NULL };
  GCoroTask *task = gcoro_spawn (parent_long, &p, NULL);

  settle_loop ();
  gcoro_task_cancel (task);
  run_all (&task, 1);
  g_assert_false (p.ok);
  g_assert_error (p.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (l.log->str, ==, "s60000:cancelled s50000:cancelled parent-out");
  g_clear_error (&p.error);
  g_object_unref (p.group);
  g_string_free (l.log, TRUE);
}

static void
test_closed_refuses (void)
{
  if (g_test_subprocess ())
    {
      Log l = { g_string_new (NULL) };
      Parent p = { &l, FALSE, NULL, NULL };
      GCoroTask *task = gcoro_spawn (parent_all_ok, &p, NULL);

      run_all (&task, 1);
      spawn_named (p.group, "s1", sleeper, &l);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*the task group is closed*");
}

static void
group_waited (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Parent *p = user_data;

  p->ok = gcoro_task_group_wait_finish (GCORO_TASK_GROUP (source), result, &p->error);
  g_string_append (p->log->log, "done");
}

static void
test_async_with_promises (void)
{
  Log l = { g_string_new (NULL) };
  Parent p = { &l, FALSE, NULL, gcoro_task_group_new () };
  g_autoptr(GCoroPromise) a = gcoro_promise_new ();
  g_autoptr(GCoroPromise) b = gcoro_promise_new ();
  g_autoptr(GCancellable) c = g_cancellable_new ();

  gcoro_task_group_add (p.group, GCORO_FUTURE (a));
  gcoro_task_group_add (p.group, GCORO_FUTURE (b));
  gcoro_task_group_wait_async (p.group, c, group_waited, &p);
  gcoro_promise_resolve (a, NULL);
  settle_loop ();
  g_assert_cmpstr (l.log->str, ==, "");
  /* Cancelling the wait cancels the members, then the wait ends. */
  g_cancellable_cancel (c);
  while (strlen (l.log->str) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (p.ok);
  g_assert_error (p.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (b)), ==, GCORO_FUTURE_CANCELLED);
  g_clear_error (&p.error);
  g_object_unref (p.group);
  g_string_free (l.log, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/task-group/waits-for-all", test_waits_for_all);
  g_test_add_func ("/gcoro/task-group/first-failure-cancels-siblings", test_first_failure_cancels_siblings);
  g_test_add_func ("/gcoro/task-group/reports-every-error", test_reports_every_error);
  g_test_add_func ("/gcoro/task-group/parent-cancel-cancels-group", test_parent_cancel_cancels_group);
  g_test_add_func ("/gcoro/task-group/closed-refuses", test_closed_refuses);
  g_test_add_func ("/gcoro/task-group/async-with-promises", test_async_with_promises);

  return g_test_run ();
}

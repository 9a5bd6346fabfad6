/* test-stepped-task.c: tasks driven step by step on the main stack
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

/* A small state machine: wait for a, then for b, return a + b. */
typedef struct
{
  GCoroPromise *a;
  GCoroPromise *b;
  int           steps;
  gint64        sum;
  GString      *log;
} Machine;

static GCoroFuture *
sum_step (GCoroTask   *task,
          GCoroFuture *completed,
          gpointer     user_data)
{
  Machine *m = user_data;
  g_autoptr(GError) error = NULL;

  /* The current task, though never on a fiber (suspending calls are
   * refused here): _async calls made now are tied to its cancellation. */
  g_assert_true (gcoro_task_get_current () == task);

  switch (m->steps++)
    {
    case 0:
      g_assert_null (completed);
      return g_object_ref (GCORO_FUTURE (m->a));
    case 1:
      if (!gcoro_future_get_value (completed, NULL, &error))
        {
          gcoro_task_return_error (task, g_steal_pointer (&error));
          return NULL;
        }
      m->sum = g_value_get_int64 (gcoro_future_peek_value (completed));
      return g_object_ref (GCORO_FUTURE (m->b));
    case 2:
    default:
      if (!gcoro_future_get_value (completed, NULL, &error))
        {
          gcoro_task_return_error (task, g_steal_pointer (&error));
          return NULL;
        }
      m->sum += g_value_get_int64 (gcoro_future_peek_value (completed));
      gcoro_task_return_int64 (task, m->sum);
      return NULL;
    }
}

static void
test_steps_and_result (void)
{
  Machine m = { gcoro_promise_new (), gcoro_promise_new (), 0, 0, NULL };
  g_autoptr(GCoroTask) task = gcoro_spawn_stepped ("machine", sum_step, &m, NULL);

  g_assert_cmpint (m.steps, ==, 0);   /* starts at the next dispatch */
  settle_loop ();
  g_assert_cmpint (m.steps, ==, 1);
  gcoro_promise_resolve_int64 (m.a, 40);
  gcoro_promise_resolve_int64 (m.b, 2);   /* settled before it is waited for */
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpint (m.steps, ==, 3);
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, 42);
  g_assert_cmpuint (gcoro_scheduler_get_n_tasks (gcoro_task_get_scheduler (task)), ==, 0);
  g_object_unref (m.a);
  g_object_unref (m.b);
}

static void
test_error_propagates (void)
{
  Machine m = { gcoro_promise_new (), gcoro_promise_new (), 0, 0, NULL };
  g_autoptr(GCoroTask) task = gcoro_spawn_stepped (NULL, sum_step, &m, NULL);
  g_autoptr(GError) error = NULL;

  gcoro_promise_reject_literal (m.a, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no a");
  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (task)), ==, GCORO_FUTURE_REJECTED);
  g_object_unref (m.a);
  g_object_unref (m.b);
}

static void
test_cancellation_reaches_the_step (void)
{
  Machine m = { gcoro_promise_new (), gcoro_promise_new (), 0, 0, NULL };
  g_autoptr(GCoroTask) task = gcoro_spawn_stepped (NULL, sum_step, &m, NULL);
  g_autoptr(GError) error = NULL;

  settle_loop ();
  g_assert_cmpint (m.steps, ==, 1);
  gcoro_task_cancel (task);
  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  /* The step saw a cancelled future in place of a, and returned its error. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (task)), ==, GCORO_FUTURE_CANCELLED);
  g_assert_cmpint (m.steps, ==, 2);
  /* a was left alone and may still settle. */
  g_assert_true (gcoro_promise_resolve_int64 (m.a, 1));
  settle_loop ();
  g_object_unref (m.a);
  g_object_unref (m.b);
}

static void
test_cancelled_before_start (void)
{
  Machine m = { gcoro_promise_new (), gcoro_promise_new (), 0, 0, NULL };
  g_autoptr(GCoroTask) task = gcoro_spawn_stepped (NULL, sum_step, &m, NULL);

  gcoro_task_cancel (task);
  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpint (m.steps, ==, 0);
  g_object_unref (m.a);
  g_object_unref (m.b);
}

/* Context variables follow the task across steps, as for fiber tasks. */

static GCoroContextVar *who;

static GCoroFuture *
context_step (GCoroTask   *task,
              GCoroFuture *completed,
              gpointer     user_data)
{
  GString *log = user_data;
  g_autofree char *seen = gcoro_context_var_dup_string (who);

  g_string_append_printf (log, "%s ", seen ? seen : "-");
  if (completed == NULL)
    {
      gcoro_token_unref (gcoro_context_var_set_string (who, "step"));
      {
        /* Wait for a short timeout: settles at a later dispatch. */
        g_autoptr(GCoroPromise) never = gcoro_promise_new ();
        return gcoro_future_with_timeout (GCORO_FUTURE (never), 0);
      }
    }
  return NULL;
}

static void
test_context_variables (void)
{
  GString *log = g_string_new (NULL);
  g_autoptr(GCoroTask) task = NULL;
  g_autofree char *outside = NULL;

  who = gcoro_context_var_new ("who");
  gcoro_token_unref (gcoro_context_var_set_string (who, "spawner"));
  task = gcoro_spawn_stepped (NULL, context_step, log, NULL);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  /* Inherited at spawn, then its own value across the steps. */
  g_assert_cmpstr (log->str, ==, "spawner step ");
  outside = gcoro_context_var_dup_string (who);
  g_assert_cmpstr (outside, ==, "spawner");
  g_string_free (log, TRUE);
  g_clear_object (&who);
}

/* A fiber task awaits a stepped one like any future. */

static void
join_machine (GCoroTask *task,
              gpointer   user_data)
{
  Machine *m = user_data;
  g_autoptr(GCoroTask) machine = gcoro_spawn_stepped (NULL, sum_step, m, NULL);

  gcoro_task_return_int64 (task, gcoro_await_int64 (GCORO_FUTURE (machine), NULL));
}

static void
test_awaited_by_a_fiber (void)
{
  Machine m = { gcoro_promise_new (), gcoro_promise_new (), 0, 0, NULL };
  g_autoptr(GCoroTask) task = gcoro_spawn (join_machine, &m, NULL);

  gcoro_promise_resolve_int64 (m.a, 1);
  gcoro_promise_resolve_int64 (m.b, 2);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, 3);
  g_object_unref (m.a);
  g_object_unref (m.b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/stepped-task/steps-and-result", test_steps_and_result);
  g_test_add_func ("/gcoro/stepped-task/error-propagates", test_error_propagates);
  g_test_add_func ("/gcoro/stepped-task/cancellation-reaches-the-step", test_cancellation_reaches_the_step);
  g_test_add_func ("/gcoro/stepped-task/cancelled-before-start", test_cancelled_before_start);
  g_test_add_func ("/gcoro/stepped-task/context-variables", test_context_variables);
  g_test_add_func ("/gcoro/stepped-task/awaited-by-a-fiber", test_awaited_by_a_fiber);

  return g_test_run ();
}

/* test-cancel.c: cancellation at every await point
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>
#include <gio/gunixinputstream.h>
#include <unistd.h>

typedef enum
{
  POINT_AWAIT,
  POINT_AWAIT_TIMEOUT,
  POINT_SLEEP,
  POINT_YIELD,
  POINT_IDLE_YIELD,
  POINT_GIO,
  N_POINTS
} Point;

static const char *point_names[] = {
  "await", "await-timeout", "sleep", "yield", "idle-yield", "gio",
};

typedef struct
{
  Point         point;
  GCoroPromise *never;
  int           reached;     /* the body got to its await point */
  int           after;       /* code after a failed await ran */
  GError       *error;
} Case;

static gboolean
wait_at (Case    *c,
         GError **error)
{
  switch (c->point)
    {
    case POINT_AWAIT:
      return gcoro_await (GCORO_FUTURE (c->never), error);
    case POINT_AWAIT_TIMEOUT:
      return gcoro_await_timeout (GCORO_FUTURE (c->never), 60000, error);
    case POINT_SLEEP:
      return gcoro_sleep (60000, error);
    case POINT_YIELD:
      /* A yield resumes soon anyway: loop so cancellation must end it. */
      for (;;)
        if (!gcoro_yield (error))
          return FALSE;
    case POINT_IDLE_YIELD:
      for (;;)
        if (!gcoro_idle_yield (error))
          return FALSE;
    case POINT_GIO:
      {
        /* An operation that never completes on its own: read from a pipe
         * nobody writes to, with the task's cancellable. */
        g_autoptr(GInputStream) in = NULL;
        g_autoptr(GAsyncResult) res = NULL;
        char buf[16];
        int fds[2];

        g_assert_no_errno (pipe (fds));
        in = g_unix_input_stream_new (fds[0], TRUE);
        res = GCORO_AWAIT_ASYNC (error, g_input_stream_read_async, in, buf, sizeof buf,
                                 G_PRIORITY_DEFAULT, gcoro_get_cancellable ());
        close (fds[1]);
        return res != NULL;
      }
    case N_POINTS:
    default:
      g_assert_not_reached ();
    }
}

static void
body (GCoroTask *task,
      gpointer   user_data)
{
  Case *c = user_data;

  c->reached++;
  if (!wait_at (c, &c->error))
    {
      g_autoptr(GError) again = NULL;

      c->after++;
      /* Level-triggered: the next await point fails at once too. */
      g_assert_false (gcoro_yield (&again));
      g_assert_error (again, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    }
}

static void
test_cancel_at_point (gconstpointer data)
{
  Case c = { .point = GPOINTER_TO_INT (data), .never = gcoro_promise_new () };
  GCoroSpawnOptions opts = { .name = point_names[c.point] };
  g_autoptr(GCoroTask) task = gcoro_spawn_full (&opts, body, &c, NULL);
  g_autoptr(GError) error = NULL;

  /* Let it get to its await point (a few iterations for the yield loops). */
  while (c.reached == 0)
    g_main_context_iteration (NULL, TRUE);
  for (int i = 0; i < 3; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (gcoro_future_is_done (GCORO_FUTURE (task)));

  gcoro_task_cancel (task);
  g_assert_true (gcoro_task_is_cancelled (task));
  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), &error));

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (task)), ==, GCORO_FUTURE_CANCELLED);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (c.after, ==, 1);
  g_assert_true (g_cancellable_is_cancelled (gcoro_task_get_cancellable (task)));
  g_clear_error (&c.error);

  /* Nothing is left on the scheduler. */
  g_assert_cmpuint (gcoro_scheduler_get_n_tasks (gcoro_task_get_scheduler (task)), ==, 0);
  g_object_unref (c.never);
}

static void
never_runs (GCoroTask *task,
            gpointer   user_data)
{
  g_assert_not_reached ();
}

static void
test_cancel_before_start (void)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (never_runs, NULL, NULL);
  g_autoptr(GError) error = NULL;

  gcoro_future_cancel (GCORO_FUTURE (task));
  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
return_despite_cancel (GCoroTask *task,
                       gpointer   user_data)
{
  g_assert_false (gcoro_sleep (60000, NULL));
  /* Catching the cancellation and finishing with a value is allowed. */
  gcoro_task_return_int64 (task, 7);
}

static void
test_cancelled_task_may_still_return (void)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (return_despite_cancel, NULL, NULL);

  g_main_context_iteration (NULL, FALSE);
  gcoro_task_cancel (task);
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task))), ==, 7);
}

static void
test_cancel_finished_is_noop (void)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (return_despite_cancel, NULL, NULL);

  gcoro_task_cancel (task);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  gcoro_task_cancel (task);
  gcoro_future_cancel (GCORO_FUTURE (task));
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (task)), ==, GCORO_FUTURE_CANCELLED);
}

static gpointer
cancel_from_thread (gpointer data)
{
  gcoro_task_cancel (data);
  return NULL;
}

static void
test_cancel_from_another_thread (void)
{
  Case c = { .point = POINT_SLEEP };
  g_autoptr(GCoroTask) task = gcoro_spawn (body, &c, NULL);
  g_autoptr(GError) error = NULL;
  GThread *thread;

  while (c.reached == 0)
    g_main_context_iteration (NULL, TRUE);
  thread = g_thread_new ("canceller", cancel_from_thread, task);
  /* Blocking iterations: the hand-off must wake the loop. */
  g_assert_false (gcoro_run_until_complete (GCORO_FUTURE (task), &error));
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&c.error);
}

/* The awaited future settles on another thread while the task is being
 * cancelled: exactly one wake-up, no crash, nothing leaked (valgrind). */

typedef struct
{
  GCoroPromise *promises[200];
  int           done;
} Storm;

static void
storm_awaiter (GCoroTask *task,
               gpointer   user_data)
{
  GCoroPromise *p = user_data;

  gcoro_await (GCORO_FUTURE (p), NULL);
  /* Whatever happened, awaiting again must not resume us twice. */
  gcoro_await (GCORO_FUTURE (p), NULL);
}

static gpointer
storm_resolver (gpointer data)
{
  Storm *s = data;

  for (guint i = 0; i < G_N_ELEMENTS (s->promises); i++)
    gcoro_promise_resolve (s->promises[i], NULL);
  return NULL;
}

static void
test_cancel_races_settle (void)
{
  Storm s = { 0, };
  GCoroTask *tasks[G_N_ELEMENTS (s.promises)];
  GThread *thread;

  for (guint i = 0; i < G_N_ELEMENTS (s.promises); i++)
    {
      s.promises[i] = gcoro_promise_new ();
      tasks[i] = gcoro_spawn (storm_awaiter, s.promises[i], NULL);
    }
  g_main_context_iteration (NULL, FALSE);

  thread = g_thread_new ("resolver", storm_resolver, &s);
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    gcoro_task_cancel (tasks[i]);
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      gcoro_run_until_complete (GCORO_FUTURE (tasks[i]), NULL);
      g_assert_true (gcoro_future_is_done (GCORO_FUTURE (tasks[i])));
    }
  g_thread_join (thread);
  /* Deliveries still in flight arrive and are ignored. */
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_object_unref (tasks[i]);
      g_object_unref (s.promises[i]);
    }
}

/* --- shielded scopes -------------------------------------------------------- */

typedef struct
{
  GCoroPromise *never;
  GCoroPromise *later;     /* settled by the test while the task is shielded */
  int           step;
  gboolean      cleanup_awaited;
  gboolean      cancellable_fresh;
  gboolean      failed_after;
} Shield;

static void
shielded_cleanup (GCoroTask *task,
                  gpointer   data)
{
  Shield *sh = data;
  g_autoptr(GError) error = NULL;

  sh->step = 1;
  g_assert_false (gcoro_await (GCORO_FUTURE (sh->never), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (gcoro_yield (NULL));            /* level-triggered */

  gcoro_task_shield_begin (task);
  sh->cancellable_fresh = !g_cancellable_is_cancelled (gcoro_get_cancellable ());
  g_assert_true (gcoro_yield (&error));
  g_assert_no_error (error);
  sh->step = 2;
  /* A real wait: the test settles it from outside. */
  sh->cleanup_awaited = gcoro_await (GCORO_FUTURE (sh->later), &error);
  g_assert_no_error (error);
  gcoro_task_shield_end (task);

  sh->failed_after = !gcoro_yield (NULL);
}

static void
test_shield_lets_cleanup_await (void)
{
  Shield sh = { gcoro_promise_new (), gcoro_promise_new (), 0, };
  GCoroTask *task = gcoro_spawn (shielded_cleanup, &sh, NULL);

  while (sh.step < 1)
    g_main_context_iteration (NULL, TRUE);
  gcoro_task_cancel (task);
  while (sh.step < 2)
    g_main_context_iteration (NULL, TRUE);
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (gcoro_future_is_done (GCORO_FUTURE (task)));   /* still in its cleanup */

  gcoro_promise_resolve (sh.later, NULL);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  g_assert_true (sh.cleanup_awaited);
  g_assert_true (sh.cancellable_fresh);
  g_assert_true (sh.failed_after);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (task)), ==, GCORO_FUTURE_CANCELLED);
  g_object_unref (task);
  g_object_unref (sh.never);
  g_object_unref (sh.later);
}

static void
cancelled_inside_shield (GCoroTask *task,
                         gpointer   data)
{
  Shield *sh = data;
  g_autoptr(GError) error = NULL;

  gcoro_task_shield_begin (task);
  sh->step = 1;
  /* Cancelled during this wait: the wait goes on, the cancellation waits
   * for the scope to close. */
  sh->cleanup_awaited = gcoro_await (GCORO_FUTURE (sh->later), &error);
  g_assert_no_error (error);
  gcoro_task_shield_end (task);
  sh->failed_after = !gcoro_yield (NULL);
}

static void
test_cancel_during_shield_is_kept (void)
{
  Shield sh = { NULL, gcoro_promise_new (), 0, };
  GCoroTask *task = gcoro_spawn (cancelled_inside_shield, &sh, NULL);

  while (sh.step < 1)
    g_main_context_iteration (NULL, TRUE);
  gcoro_task_cancel (task);
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (gcoro_future_is_done (GCORO_FUTURE (task)));
  gcoro_promise_resolve (sh.later, NULL);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  g_assert_true (sh.cleanup_awaited);
  g_assert_true (sh.failed_after);
  g_object_unref (task);
  g_object_unref (sh.later);
}

/* A stepped task (what Python and GJS tasks are) shields the same way. */
static GCoroFuture *
stepped_cleanup (GCoroTask   *task,
                 GCoroFuture *completed,
                 gpointer     data)
{
  Shield *sh = data;
  g_autoptr(GError) error = NULL;

  switch (sh->step++)
    {
    case 0:
      return g_object_ref (GCORO_FUTURE (sh->never));
    case 1:
      g_assert_false (gcoro_future_get_value (completed, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      gcoro_task_shield_begin (task);
      sh->cancellable_fresh = !g_cancellable_is_cancelled (gcoro_get_cancellable ());
      return g_object_ref (GCORO_FUTURE (sh->later));
    case 2:
      sh->cleanup_awaited = gcoro_future_get_value (completed, NULL, NULL);
      gcoro_task_shield_end (task);
      return g_object_ref (GCORO_FUTURE (sh->later));   /* settled, but cancelled now */
    default:
      sh->failed_after = !gcoro_future_get_value (completed, NULL, NULL) ||
                         gcoro_task_is_cancelled (task);
      return NULL;
    }
}

static void
test_stepped_shield (void)
{
  Shield sh = { gcoro_promise_new (), gcoro_promise_new (), 0, };
  GCoroTask *task = gcoro_spawn_stepped ("stepped-cleanup", stepped_cleanup, &sh, NULL);

  while (sh.step < 1)
    g_main_context_iteration (NULL, TRUE);
  gcoro_task_cancel (task);
  while (sh.step < 2)
    g_main_context_iteration (NULL, TRUE);
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (sh.step, ==, 2);   /* waiting in its shield */
  gcoro_promise_resolve (sh.later, NULL);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  g_assert_true (sh.cancellable_fresh);
  g_assert_true (sh.cleanup_awaited);
  g_assert_true (sh.failed_after);
  g_object_unref (task);
  g_object_unref (sh.never);
  g_object_unref (sh.later);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (int p = 0; p < N_POINTS; p++)
    {
      g_autofree char *path = g_strdup_printf ("/gcoro/cancel/at-%s", point_names[p]);
      g_test_add_data_func (path, GINT_TO_POINTER (p), test_cancel_at_point);
    }
  g_test_add_func ("/gcoro/cancel/before-start", test_cancel_before_start);
  g_test_add_func ("/gcoro/cancel/may-still-return", test_cancelled_task_may_still_return);
  g_test_add_func ("/gcoro/cancel/finished-is-noop", test_cancel_finished_is_noop);
  g_test_add_func ("/gcoro/cancel/from-another-thread", test_cancel_from_another_thread);
  g_test_add_func ("/gcoro/cancel/races-settle", test_cancel_races_settle);
  g_test_add_func ("/gcoro/cancel/shield-lets-cleanup-await", test_shield_lets_cleanup_await);
  g_test_add_func ("/gcoro/cancel/cancel-during-shield-is-kept", test_cancel_during_shield_is_kept);
  g_test_add_func ("/gcoro/cancel/stepped-shield", test_stepped_shield);

  return g_test_run ();
}

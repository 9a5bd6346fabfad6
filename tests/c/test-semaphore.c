/* test-semaphore.c
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

typedef struct
{
  GCoroSemaphore *sem;
  int             inside;
  int             max_inside;
  GString        *log;
} Shared;

static void
worker (GCoroTask *task,
        gpointer   user_data)
{
  Shared *s = user_data;

  if (!gcoro_semaphore_acquire (s->sem, NULL))
    {
      g_string_append (s->log, "x");
      return;
    }
  s->inside++;
  s->max_inside = MAX (s->max_inside, s->inside);
  g_string_append (s->log, gcoro_task_get_name (task));
  gcoro_sleep (1, NULL);
  s->inside--;
  gcoro_semaphore_release (s->sem);
}

static void
test_bounds_concurrency (void)
{
  enum { N = 50 };
  Shared s = { gcoro_semaphore_new (3), 0, 0, g_string_new (NULL) };
  GCoroTask *tasks[N];

  for (guint i = 0; i < N; i++)
    tasks[i] = gcoro_spawn (worker, &s, NULL);
  run_all (tasks, N);
  g_assert_cmpint (s.max_inside, ==, 3);
  g_assert_cmpuint (gcoro_semaphore_get_value (s.sem), ==, 3);
  g_string_free (s.log, TRUE);
  g_object_unref (s.sem);
}

static void
test_fifo_and_cancel (void)
{
  Shared s = { gcoro_semaphore_new (0), 0, 0, g_string_new (NULL) };
  GCoroSpawnOptions oa = { .name = "a" }, ob = { .name = "b" }, oc = { .name = "c" };
  GCoroTask *tasks[3] = {
    gcoro_spawn_full (&oa, worker, &s, NULL),
    gcoro_spawn_full (&ob, worker, &s, NULL),
    gcoro_spawn_full (&oc, worker, &s, NULL),
  };

  settle_loop ();
  gcoro_task_cancel (tasks[1]);
  /* b left the line before the release: the permit goes to a. */
  settle_loop ();
  gcoro_semaphore_release (s.sem);
  run_all (tasks, 3);
  g_assert_cmpstr (s.log->str, ==, "xac");
  g_assert_cmpuint (gcoro_semaphore_get_value (s.sem), ==, 1);
  g_string_free (s.log, TRUE);
  g_object_unref (s.sem);
}

static void
test_grant_to_cancelled_is_passed_on (void)
{
  Shared s = { gcoro_semaphore_new (0), 0, 0, g_string_new (NULL) };
  GCoroSpawnOptions oa = { .name = "a" }, ob = { .name = "b" };
  GCoroTask *tasks[2] = {
    gcoro_spawn_full (&oa, worker, &s, NULL),
    gcoro_spawn_full (&ob, worker, &s, NULL),
  };

  settle_loop ();
  gcoro_semaphore_release (s.sem);   /* to a ... */
  gcoro_task_cancel (tasks[0]);      /* ... who gives up before resuming */
  run_all (tasks, 2);
  g_assert_cmpstr (s.log->str, ==, "xb");
  g_assert_cmpuint (gcoro_semaphore_get_value (s.sem), ==, 1);
  g_string_free (s.log, TRUE);
  g_object_unref (s.sem);
}

static void
test_bounded_refuses_over_release (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GCoroSemaphore) sem = gcoro_semaphore_new_bounded (2);
      g_assert_true (gcoro_semaphore_try_acquire (sem));
      g_assert_true (gcoro_semaphore_release (sem));
      gcoro_semaphore_release (sem);   /* one too many */
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*already has all its 2 permits*");
}

static void
acquired (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  int *n = user_data;

  g_assert_true (gcoro_semaphore_acquire_finish (GCORO_SEMAPHORE (source), result, NULL));
  (*n)++;
}

static void
test_async (void)
{
  g_autoptr(GCoroSemaphore) sem = gcoro_semaphore_new (1);
  int n = 0;

  gcoro_semaphore_acquire_async (sem, NULL, acquired, &n);
  gcoro_semaphore_acquire_async (sem, NULL, acquired, &n);
  iterate_until (&n, 1);
  settle_loop ();
  g_assert_cmpint (n, ==, 1);
  gcoro_semaphore_release (sem);
  iterate_until (&n, 2);
  g_assert_cmpuint (gcoro_semaphore_get_value (sem), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/semaphore/bounds-concurrency", test_bounds_concurrency);
  g_test_add_func ("/gcoro/semaphore/fifo-and-cancel", test_fifo_and_cancel);
  g_test_add_func ("/gcoro/semaphore/grant-to-cancelled-is-passed-on", test_grant_to_cancelled_is_passed_on);
  g_test_add_func ("/gcoro/semaphore/bounded-refuses-over-release", test_bounded_refuses_over_release);
  g_test_add_func ("/gcoro/semaphore/async", test_async);

  return g_test_run ();
}

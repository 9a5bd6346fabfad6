/* test-lock.c: the async mutex
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

typedef struct
{
  GCoroLock *lock;
  GString   *log;
  int        inside;
  int        max_inside;
  int        done;
} Shared;

static void
critical_section (GCoroTask *task,
                  gpointer   user_data)
{
  Shared *s = user_data;

  g_assert_true (gcoro_lock_acquire (s->lock, NULL));
  s->inside++;
  s->max_inside = MAX (s->max_inside, s->inside);
  g_string_append (s->log, gcoro_task_get_name (task));
  gcoro_yield (NULL);            /* others run, but cannot enter */
  s->inside--;
  gcoro_lock_release (s->lock);
  s->done++;
}

static void
test_fifo_fairness (void)
{
  Shared s = { gcoro_lock_new (), g_string_new (NULL), 0, 0, 0 };
  const char *names[] = { "a", "b", "c", "d", "e" };
  GCoroTask *tasks[G_N_ELEMENTS (names)];

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GCoroSpawnOptions opts = { .name = names[i] };
      tasks[i] = gcoro_spawn_full (&opts, critical_section, &s, NULL);
    }
  run_all (tasks, G_N_ELEMENTS (tasks));
  g_assert_cmpstr (s.log->str, ==, "abcde");
  g_assert_cmpint (s.max_inside, ==, 1);
  g_assert_false (gcoro_lock_is_locked (s.lock));
  g_string_free (s.log, TRUE);
  g_object_unref (s.lock);
}

static void
test_ten_thousand_contend (void)
{
  enum { N = 10000 };
  Shared s = { gcoro_lock_new (), g_string_new (NULL), 0, 0, 0 };
  GCoroTask **tasks = g_new (GCoroTask *, N);

  for (guint i = 0; i < N; i++)
    tasks[i] = gcoro_spawn (critical_section, &s, NULL);
  run_all (tasks, N);
  g_assert_cmpint (s.done, ==, N);
  g_assert_cmpint (s.max_inside, ==, 1);
  g_assert_false (gcoro_lock_is_locked (s.lock));
  g_free (tasks);
  g_string_free (s.log, TRUE);
  g_object_unref (s.lock);
}

static void
try_and_release (void)
{
  g_autoptr(GCoroLock) lock = gcoro_lock_new ();

  g_assert_true (gcoro_lock_try_acquire (lock));
  g_assert_false (gcoro_lock_try_acquire (lock));
  gcoro_lock_release (lock);
  g_assert_false (gcoro_lock_is_locked (lock));
}

static void
waiter_body (GCoroTask *task,
             gpointer   user_data)
{
  Shared *s = user_data;
  g_autoptr(GError) error = NULL;

  if (!gcoro_lock_acquire (s->lock, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_string_append (s->log, "x");
      return;
    }
  g_string_append (s->log, gcoro_task_get_name (task));
  gcoro_lock_release (s->lock);
}

static void
test_cancel_while_waiting (void)
{
  Shared s = { gcoro_lock_new (), g_string_new (NULL), 0, 0, 0 };
  GCoroSpawnOptions oa = { .name = "a" }, ob = { .name = "b" }, oc = { .name = "c" };
  GCoroTask *tasks[3];

  g_assert_true (gcoro_lock_try_acquire (s.lock));
  tasks[0] = gcoro_spawn_full (&oa, waiter_body, &s, NULL);
  tasks[1] = gcoro_spawn_full (&ob, waiter_body, &s, NULL);
  tasks[2] = gcoro_spawn_full (&oc, waiter_body, &s, NULL);
  settle_loop ();

  /* b leaves the line; a and c still get the lock, in order. */
  gcoro_task_cancel (tasks[1]);
  settle_loop ();
  gcoro_lock_release (s.lock);
  run_all (tasks, 3);
  g_assert_cmpstr (s.log->str, ==, "xac");
  g_assert_false (gcoro_lock_is_locked (s.lock));
  g_string_free (s.log, TRUE);
  g_object_unref (s.lock);
}

static void
test_cancel_races_grant (void)
{
  Shared s = { gcoro_lock_new (), g_string_new (NULL), 0, 0, 0 };
  GCoroSpawnOptions oa = { .name = "a" }, ob = { .name = "b" };
  GCoroTask *tasks[2];

  g_assert_true (gcoro_lock_try_acquire (s.lock));
  tasks[0] = gcoro_spawn_full (&oa, waiter_body, &s, NULL);
  tasks[1] = gcoro_spawn_full (&ob, waiter_body, &s, NULL);
  settle_loop ();

  /* Hand the lock to a and cancel a before it could resume: the grant must
   * go on to b, not vanish. */
  gcoro_lock_release (s.lock);
  gcoro_task_cancel (tasks[0]);
  run_all (tasks, 2);
  g_assert_cmpstr (s.log->str, ==, "xb");
  g_assert_false (gcoro_lock_is_locked (s.lock));
  g_string_free (s.log, TRUE);
  g_object_unref (s.lock);
}

static void
acquired (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GString *log = user_data;
  g_autoptr(GError) error = NULL;

  if (gcoro_lock_acquire_finish (GCORO_LOCK (source), result, &error))
    {
      g_string_append (log, "L");
      gcoro_lock_release (GCORO_LOCK (source));
    }
  else
    g_string_append (log, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? "C" : "?");
}

static void
test_async (void)
{
  g_autoptr(GCoroLock) lock = gcoro_lock_new ();
  g_autoptr(GCancellable) c = g_cancellable_new ();
  GString *log = g_string_new (NULL);

  g_assert_true (gcoro_lock_try_acquire (lock));
  gcoro_lock_acquire_async (lock, NULL, acquired, log);
  gcoro_lock_acquire_async (lock, c, acquired, log);
  gcoro_lock_acquire_async (lock, NULL, acquired, log);
  g_cancellable_cancel (c);
  while (strlen (log->str) < 1)
    g_main_context_iteration (NULL, TRUE);
  gcoro_lock_release (lock);
  while (strlen (log->str) < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (log->str, ==, "CLL");
  g_assert_false (gcoro_lock_is_locked (lock));
  g_string_free (log, TRUE);
}

static void
test_release_unlocked_is_critical (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GCoroLock) lock = gcoro_lock_new ();
      gcoro_lock_release (lock);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*the lock is not held*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/lock/fifo-fairness", test_fifo_fairness);
  g_test_add_func ("/gcoro/lock/ten-thousand-contend", test_ten_thousand_contend);
  g_test_add_func ("/gcoro/lock/try-and-release", try_and_release);
  g_test_add_func ("/gcoro/lock/cancel-while-waiting", test_cancel_while_waiting);
  g_test_add_func ("/gcoro/lock/cancel-races-grant", test_cancel_races_grant);
  g_test_add_func ("/gcoro/lock/async", test_async);
  g_test_add_func ("/gcoro/lock/release-unlocked-is-critical", test_release_unlocked_is_critical);

  return g_test_run ();
}

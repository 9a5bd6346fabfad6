/* test-condition.c
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"
#include <stdlib.h>

typedef struct
{
  GCoroCondition *cond;
  int             value;
  GString        *log;
} Shared;

static void
wait_for_value (GCoroTask *task,
                gpointer   user_data)
{
  Shared *s = user_data;
  GCoroLock *lock = gcoro_condition_get_lock (s->cond);
  g_autoptr(GError) error = NULL;
  int wanted = atoi (gcoro_task_get_name (task));

  g_assert_true (gcoro_lock_acquire (lock, NULL));
  while (s->value < wanted)
    if (!gcoro_condition_wait (s->cond, &error))
      break;
  /* Whatever happened, the lock is ours again. */
  g_assert_true (gcoro_lock_is_locked (lock));
  g_string_append_printf (s->log, error ? "x%d " : "%d ", wanted);
  gcoro_lock_release (lock);
}

static void
set_value (Shared *s,
           int     value,
           gboolean all)
{
  /* Notifying takes no lock in asyncio either; here the setter runs
   * outside any task, between loop iterations. */
  s->value = value;
  if (all)
    gcoro_condition_notify_all (s->cond);
  else
    gcoro_condition_notify (s->cond, 1);
}

static void
test_wait_notify (void)
{
  Shared s = { gcoro_condition_new (NULL), 0, g_string_new (NULL) };
  GCoroSpawnOptions o1 = { .name = "1" }, o2 = { .name = "2" }, o3 = { .name = "3" };
  GCoroTask *tasks[3] = {
    gcoro_spawn_full (&o1, wait_for_value, &s, NULL),
    gcoro_spawn_full (&o2, wait_for_value, &s, NULL),
    gcoro_spawn_full (&o3, wait_for_value, &s, NULL),
  };

  settle_loop ();
  g_assert_false (gcoro_lock_is_locked (gcoro_condition_get_lock (s.cond)));
  set_value (&s, 1, FALSE);   /* wakes "1" only */
  settle_loop ();
  g_assert_cmpstr (s.log->str, ==, "1 ");
  gcoro_task_cancel (tasks[2]);  /* "3" gives up, with the lock back */
  settle_loop ();
  set_value (&s, 2, TRUE);
  run_all (tasks, 3);
  g_assert_cmpstr (s.log->str, ==, "1 x3 2 ");
  g_string_free (s.log, TRUE);
  g_object_unref (s.cond);
}

static void
test_notification_to_cancelled_is_passed_on (void)
{
  Shared s = { gcoro_condition_new (NULL), 0, g_string_new (NULL) };
  GCoroSpawnOptions o1 = { .name = "1" }, o2 = { .name = "2" };
  GCoroTask *tasks[2] = {
    gcoro_spawn_full (&o1, wait_for_value, &s, NULL),
    gcoro_spawn_full (&o2, wait_for_value, &s, NULL),
  };

  settle_loop ();
  s.value = 5;
  gcoro_condition_notify (s.cond, 1);   /* reaches "1" ... */
  gcoro_task_cancel (tasks[0]);          /* ... who is cancelled before resuming */
  run_all (tasks, 2);
  g_assert_cmpstr (s.log->str, ==, "x1 2 ");
  g_string_free (s.log, TRUE);
  g_object_unref (s.cond);
}

typedef struct
{
  GCoroCondition *cond;
  int             done;
  gboolean        ok;
} AsyncState;

static void
cond_waited (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncState *st = user_data;

  st->ok = gcoro_condition_wait_finish (GCORO_CONDITION (source), result, NULL);
  g_assert_true (gcoro_lock_is_locked (gcoro_condition_get_lock (st->cond)));
  gcoro_lock_release (gcoro_condition_get_lock (st->cond));
  st->done++;
}

static void
test_async (void)
{
  AsyncState st = { gcoro_condition_new (NULL), 0, FALSE };

  g_assert_true (gcoro_lock_try_acquire (gcoro_condition_get_lock (st.cond)));
  gcoro_condition_wait_async (st.cond, NULL, cond_waited, &st);
  settle_loop ();
  g_assert_false (gcoro_lock_is_locked (gcoro_condition_get_lock (st.cond)));
  gcoro_condition_notify_all (st.cond);
  iterate_until (&st.done, 1);
  g_assert_true (st.ok);
  g_object_unref (st.cond);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/condition/wait-notify", test_wait_notify);
  g_test_add_func ("/gcoro/condition/notification-passed-on", test_notification_to_cancelled_is_passed_on);
  g_test_add_func ("/gcoro/condition/async", test_async);

  return g_test_run ();
}

/* test-timeout.c: deadline scopes
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

typedef struct
{
  guint    timeout;
  GError  *inner_error;
  GError  *scope_error;
  gboolean awaited_after;
  gboolean cancellable_fresh;
} Case;

static void
body (GCoroTask *task,
      gpointer   user_data)
{
  Case *c = user_data;
  GCoroTimeoutScope *scope = gcoro_timeout_scope_enter (c->timeout);
  g_autoptr(GCoroPromise) never = gcoro_promise_new ();
  GCancellable *inside;

  inside = g_object_ref (gcoro_get_cancellable ());
  gcoro_await (GCORO_FUTURE (never), &c->inner_error);
  gcoro_timeout_scope_leave (scope, &c->scope_error);
  g_assert_true (g_cancellable_is_cancelled (inside));
  /* Out of the scope the task awaits normally again. */
  c->awaited_after = gcoro_yield (NULL) && gcoro_sleep (0, NULL);
  c->cancellable_fresh = !g_cancellable_is_cancelled (gcoro_get_cancellable ());
  g_object_unref (inside);
}

static void
test_expiry (void)
{
  Case c = { .timeout = 5 };
  GCoroTask *task = gcoro_spawn (body, &c, NULL);

  run_all (&task, 1);
  g_assert_error (c.inner_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (c.scope_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (c.awaited_after);
  g_assert_true (c.cancellable_fresh);
  g_clear_error (&c.inner_error);
  g_clear_error (&c.scope_error);
}

static void
quick_body (GCoroTask *task,
            gpointer   user_data)
{
  GCoroTimeoutScope *outer = gcoro_timeout_scope_enter (60000);
  GCoroTimeoutScope *inner = gcoro_timeout_scope_enter (60000);

  g_assert_true (gcoro_sleep (1, NULL));
  g_assert_false (gcoro_timeout_scope_has_expired (inner));
  g_assert_true (gcoro_timeout_scope_leave (inner, NULL));
  g_assert_true (gcoro_timeout_scope_leave (outer, NULL));
}

static void
test_in_time (void)
{
  GCoroTask *task = gcoro_spawn (quick_body, NULL, NULL);
  GCoroScheduler *s = gcoro_task_get_scheduler (task);
  g_autofree char *dump = NULL;

  run_all (&task, 1);
  dump = gcoro_scheduler_dump (s);
  g_assert_nonnull (strstr (dump, " 0 timers"));
}

static void
real_cancel_survives_scope (GCoroTask *task,
                            gpointer   user_data)
{
  GCoroTimeoutScope *scope = gcoro_timeout_scope_enter (60000);
  gboolean *still_cancelled = user_data;

  gcoro_task_cancel (task);
  g_assert_false (gcoro_yield (NULL));
  g_assert_true (gcoro_timeout_scope_leave (scope, NULL));
  *still_cancelled = !gcoro_yield (NULL);
}

static void
test_real_cancel_not_lifted (void)
{
  gboolean still = FALSE;
  GCoroTask *task = gcoro_spawn (real_cancel_survives_scope, &still, NULL);

  run_all (&task, 1);
  g_assert_true (still);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/timeout/expiry", test_expiry);
  g_test_add_func ("/gcoro/timeout/in-time", test_in_time);
  g_test_add_func ("/gcoro/timeout/real-cancel-not-lifted", test_real_cancel_not_lifted);

  return g_test_run ();
}

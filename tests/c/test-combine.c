/* test-combine.c: all, any, race, shield, with_timeout
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

static GCoroPromise *p[3];

static void
make_promises (void)
{
  for (guint i = 0; i < 3; i++)
    p[i] = gcoro_promise_new ();
}

static void
free_promises (void)
{
  for (guint i = 0; i < 3; i++)
    g_clear_object (&p[i]);
}

static GCoroFuture **
as_futures (void)
{
  return (GCoroFuture **) p;
}

static void
drain (GCoroFuture *f)
{
  while (!gcoro_future_is_done (f))
    g_main_context_iteration (NULL, TRUE);
}

static void
test_all_resolves_after_everyone (void)
{
  g_autoptr(GCoroFuture) all = NULL;

  make_promises ();
  all = gcoro_all (as_futures (), 3, GCORO_ALL_DEFAULT);
  gcoro_promise_resolve_int64 (p[2], 3);
  gcoro_promise_resolve_int64 (p[0], 1);
  settle_loop ();
  g_assert_false (gcoro_future_is_done (all));
  gcoro_promise_resolve_int64 (p[1], 2);
  drain (all);
  g_assert_cmpint (gcoro_future_get_state (all), ==, GCORO_FUTURE_RESOLVED);
  free_promises ();
}

static void
test_all_first_error_and_cancel (void)
{
  g_autoptr(GCoroFuture) all = NULL;
  g_autoptr(GError) error = NULL;

  make_promises ();
  all = gcoro_all (as_futures (), 3, GCORO_ALL_CANCEL_ON_ERROR);
  gcoro_promise_reject_literal (p[1], G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "gone");
  drain (all);
  g_assert_false (gcoro_future_get_value (all, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  /* The losers were cancelled. */
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p[0])), ==, GCORO_FUTURE_CANCELLED);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p[2])), ==, GCORO_FUTURE_CANCELLED);
  free_promises ();
}

static void
test_all_return_errors (void)
{
  g_autoptr(GCoroFuture) all = NULL;

  make_promises ();
  all = gcoro_all (as_futures (), 3, GCORO_ALL_RETURN_ERRORS);
  gcoro_promise_reject_literal (p[0], G_IO_ERROR, G_IO_ERROR_FAILED, "one");
  gcoro_promise_resolve (p[1], NULL);
  settle_loop ();
  g_assert_false (gcoro_future_is_done (all));
  gcoro_future_cancel (GCORO_FUTURE (p[2]));
  drain (all);
  /* Errors as values: the gather resolved, each outcome is in its future. */
  g_assert_cmpint (gcoro_future_get_state (all), ==, GCORO_FUTURE_RESOLVED);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p[0])), ==, GCORO_FUTURE_REJECTED);
  free_promises ();
}

static void
test_all_of_settled_and_empty (void)
{
  g_autoptr(GCoroFuture) empty = gcoro_all (NULL, 0, GCORO_ALL_DEFAULT);
  g_autoptr(GCoroFuture) all = NULL;

  g_assert_cmpint (gcoro_future_get_state (empty), ==, GCORO_FUTURE_RESOLVED);
  make_promises ();
  for (guint i = 0; i < 3; i++)
    gcoro_promise_resolve (p[i], NULL);
  all = gcoro_all (as_futures (), 3, GCORO_ALL_DEFAULT);
  g_assert_cmpint (gcoro_future_get_state (all), ==, GCORO_FUTURE_RESOLVED);
  free_promises ();
}

static void
test_any (void)
{
  g_autoptr(GCoroFuture) any = NULL;
  g_autoptr(GCoroFuture) none = NULL;
  g_autoptr(GError) error = NULL;

  make_promises ();
  any = gcoro_any (as_futures (), 3, TRUE);
  gcoro_promise_reject_literal (p[0], G_IO_ERROR, G_IO_ERROR_FAILED, "no");
  gcoro_promise_resolve_string (p[2], "winner");
  drain (any);
  g_assert_cmpstr (g_value_get_string (gcoro_future_peek_value (any)), ==, "winner");
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p[1])), ==, GCORO_FUTURE_CANCELLED);
  free_promises ();

  make_promises ();
  none = gcoro_any (as_futures (), 3, FALSE);
  for (guint i = 0; i < 3; i++)
    gcoro_promise_reject_literal (p[i], G_IO_ERROR, G_IO_ERROR_FAILED, i == 2 ? "last" : "early");
  drain (none);
  g_assert_false (gcoro_future_get_value (none, NULL, &error));
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "last"));
  free_promises ();
}

static void
test_race (void)
{
  g_autoptr(GCoroFuture) race = NULL;
  g_autoptr(GError) error = NULL;

  make_promises ();
  race = gcoro_race (as_futures (), 3, FALSE);
  gcoro_promise_reject_literal (p[1], G_IO_ERROR, G_IO_ERROR_CLOSED, "first");
  gcoro_promise_resolve (p[0], NULL);
  drain (race);
  g_assert_false (gcoro_future_get_value (race, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  /* Not asked to cancel the losers. */
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p[2])), ==, GCORO_FUTURE_PENDING);
  gcoro_promise_resolve (p[2], NULL);
  free_promises ();
}

static void
test_cancelling_combination_cancels_inputs (void)
{
  g_autoptr(GCoroFuture) all = NULL;

  make_promises ();
  all = gcoro_all (as_futures (), 3, GCORO_ALL_DEFAULT);
  gcoro_promise_resolve (p[0], NULL);
  gcoro_future_cancel (all);
  g_assert_cmpint (gcoro_future_get_state (all), ==, GCORO_FUTURE_CANCELLED);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p[0])), ==, GCORO_FUTURE_RESOLVED);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p[1])), ==, GCORO_FUTURE_CANCELLED);
  settle_loop ();
  free_promises ();
}

/* --- shield ------------------------------------------------------------------ */

typedef struct
{
  GCoroFuture *inner;
  GError      *error;
} ShieldCase;

static void
await_shielded (GCoroTask *task,
                gpointer   user_data)
{
  ShieldCase *sc = user_data;
  g_autoptr(GCoroFuture) shield = gcoro_shield (sc->inner);

  gcoro_await (shield, &sc->error);
}

static void
test_shield (void)
{
  ShieldCase sc = { GCORO_FUTURE (gcoro_promise_new ()), NULL };
  GCoroTask *task = gcoro_spawn (await_shielded, &sc, NULL);

  settle_loop ();
  gcoro_task_cancel (task);
  run_all (&task, 1);
  /* The waiter gave up; the shielded work goes on. */
  g_assert_error (sc.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (gcoro_future_get_state (sc.inner), ==, GCORO_FUTURE_PENDING);
  gcoro_promise_resolve_int64 (GCORO_PROMISE (sc.inner), 1);
  settle_loop ();
  g_clear_error (&sc.error);
  g_object_unref (sc.inner);
}

/* --- with_timeout --------------------------------------------------------------- */

static void
test_with_timeout_fires_and_cancels (void)
{
  g_autoptr(GCoroPromise) slow = gcoro_promise_new ();
  g_autoptr(GCoroFuture) limited = gcoro_future_with_timeout (GCORO_FUTURE (slow), 5);
  g_autoptr(GError) error = NULL;

  drain (limited);
  g_assert_false (gcoro_future_get_value (limited, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (slow)), ==, GCORO_FUTURE_CANCELLED);
}

/* The bounded work needs a moment to stop (it cleans up, shielded): the
 * timeout is reported only once it has. */
typedef struct
{
  GCoroPromise *never;
  gboolean      cleaned_up;
} Slow;

static void
slow_with_cleanup (GCoroTask *task,
                   gpointer   data)
{
  Slow *s = data;

  if (gcoro_await (GCORO_FUTURE (s->never), NULL))
    return;
  gcoro_task_shield_begin (task);
  gcoro_yield (NULL);
  gcoro_yield (NULL);
  s->cleaned_up = TRUE;
  gcoro_task_shield_end (task);
}

static void
test_with_timeout_reports_after_inner_ended (void)
{
  Slow s = { gcoro_promise_new (), FALSE };
  g_autoptr(GCoroTask) task = gcoro_spawn (slow_with_cleanup, &s, NULL);
  g_autoptr(GCoroFuture) limited = gcoro_future_with_timeout (GCORO_FUTURE (task), 1);
  g_autoptr(GError) error = NULL;

  drain (limited);
  g_assert_false (gcoro_future_get_value (limited, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (s.cleaned_up);
  g_assert_true (gcoro_future_is_done (GCORO_FUTURE (task)));
  g_object_unref (s.never);
}

static void
test_with_timeout_not_fired (void)
{
  g_autoptr(GCoroPromise) quick = gcoro_promise_new ();
  g_autoptr(GCoroFuture) limited = gcoro_future_with_timeout (GCORO_FUTURE (quick), 60000);
  g_autofree char *dump = NULL;

  gcoro_promise_resolve_string (quick, "in time");
  drain (limited);
  g_assert_cmpstr (g_value_get_string (gcoro_future_peek_value (limited)), ==, "in time");
  dump = gcoro_scheduler_dump (gcoro_scheduler_get_default ());
  g_assert_nonnull (strstr (dump, " 0 timers"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/combine/all-resolves-after-everyone", test_all_resolves_after_everyone);
  g_test_add_func ("/gcoro/combine/all-first-error-and-cancel", test_all_first_error_and_cancel);
  g_test_add_func ("/gcoro/combine/all-return-errors", test_all_return_errors);
  g_test_add_func ("/gcoro/combine/all-of-settled-and-empty", test_all_of_settled_and_empty);
  g_test_add_func ("/gcoro/combine/any", test_any);
  g_test_add_func ("/gcoro/combine/race", test_race);
  g_test_add_func ("/gcoro/combine/cancel-cancels-inputs", test_cancelling_combination_cancels_inputs);
  g_test_add_func ("/gcoro/combine/shield", test_shield);
  g_test_add_func ("/gcoro/combine/with-timeout-fires", test_with_timeout_fires_and_cancels);
  g_test_add_func ("/gcoro/combine/with-timeout-not-fired", test_with_timeout_not_fired);
  g_test_add_func ("/gcoro/combine/with-timeout-reports-after-inner-ended", test_with_timeout_reports_after_inner_ended);

  return g_test_run ();
}

/* test-promise.c: settling promises by hand
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

static void
test_resolve_types (void)
{
  g_autoptr(GCoroPromise) b = gcoro_promise_new ();
  g_autoptr(GCoroPromise) i = gcoro_promise_new ();
  g_autoptr(GCoroPromise) d = gcoro_promise_new ();
  g_autoptr(GCoroPromise) s = gcoro_promise_new ();
  g_autoptr(GCoroPromise) o = gcoro_promise_new ();
  g_autoptr(GCoroPromise) none = gcoro_promise_new ();
  g_autoptr(GObject) obj = g_object_new (G_TYPE_OBJECT, NULL);
  g_auto(GValue) v = G_VALUE_INIT;

  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (b)), ==, GCORO_FUTURE_PENDING);
  g_assert_true (gcoro_promise_resolve_boolean (b, TRUE));
  g_assert_true (gcoro_promise_resolve_int64 (i, G_GINT64_CONSTANT (1) << 40));
  g_assert_true (gcoro_promise_resolve_double (d, 2.5));
  g_assert_true (gcoro_promise_resolve_string (s, "hello"));
  g_assert_true (gcoro_promise_resolve_object (o, obj));
  g_assert_true (gcoro_promise_resolve (none, NULL));

  g_assert_true (g_value_get_boolean (gcoro_future_peek_value (GCORO_FUTURE (b))));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (i))), ==, G_GINT64_CONSTANT (1) << 40);
  g_assert_cmpfloat (g_value_get_double (gcoro_future_peek_value (GCORO_FUTURE (d))), ==, 2.5);
  g_assert_cmpstr (g_value_get_string (gcoro_future_peek_value (GCORO_FUTURE (s))), ==, "hello");
  g_assert_true (g_value_get_object (gcoro_future_peek_value (GCORO_FUTURE (o))) == obj);
  g_assert_null (gcoro_future_peek_value (GCORO_FUTURE (none)));
  g_assert_true (gcoro_future_get_value (GCORO_FUTURE (none), NULL, NULL));

  g_assert_true (gcoro_future_get_value (GCORO_FUTURE (s), &v, NULL));
  g_assert_cmpstr (g_value_get_string (&v), ==, "hello");
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (s)), ==, GCORO_FUTURE_RESOLVED);
}

static void
test_reject (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (gcoro_promise_reject_literal (p, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "nope"));
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p)), ==, GCORO_FUTURE_REJECTED);
  g_assert_false (gcoro_future_get_value (GCORO_FUTURE (p), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "nope");
  g_assert_error (gcoro_future_peek_error (GCORO_FUTURE (p)), G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (gcoro_future_peek_value (GCORO_FUTURE (p)));
}

static void
test_reject_cancelled_error_is_cancellation (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();

  gcoro_promise_reject (p, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stop"));
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p)), ==, GCORO_FUTURE_CANCELLED);
}

static void
test_first_settle_wins (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();

  g_assert_true (gcoro_promise_resolve_int64 (p, 1));
  g_assert_false (gcoro_promise_resolve_int64 (p, 2));
  g_assert_false (gcoro_promise_reject_literal (p, G_IO_ERROR, G_IO_ERROR_FAILED, "late"));
  gcoro_future_cancel (GCORO_FUTURE (p));
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p)), ==, GCORO_FUTURE_RESOLVED);
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (p))), ==, 1);
}

static void
test_cancel_pending (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GError) error = NULL;

  gcoro_future_cancel (GCORO_FUTURE (p));
  g_assert_cmpint (gcoro_future_get_state (GCORO_FUTURE (p)), ==, GCORO_FUTURE_CANCELLED);
  g_assert_false (gcoro_future_get_value (GCORO_FUTURE (p), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (gcoro_promise_resolve_int64 (p, 3));
}

static int pointer_freed;

static void
count_free (gpointer p)
{
  pointer_freed++;
  g_free (p);
}

static void
test_pointer_owned (void)
{
  GCoroPromise *p = gcoro_promise_new ();
  GCoroPromise *late = gcoro_promise_new ();

  pointer_freed = 0;
  g_assert_true (gcoro_promise_resolve_pointer (p, g_strdup ("x"), count_free));
  g_assert_cmpint (pointer_freed, ==, 0);
  g_object_unref (p);
  g_assert_cmpint (pointer_freed, ==, 1);

  /* A pointer offered to a settled promise is freed at once. */
  gcoro_promise_resolve_int64 (late, 1);
  g_assert_false (gcoro_promise_resolve_pointer (late, g_strdup ("y"), count_free));
  g_assert_cmpint (pointer_freed, ==, 2);
  g_object_unref (late);
}

static void
test_pending_read_is_error (void)
{
  g_autoptr(GCoroPromise) p = gcoro_promise_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (gcoro_future_get_value (GCORO_FUTURE (p), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_null (gcoro_future_peek_error (GCORO_FUTURE (p)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/promise/resolve-types", test_resolve_types);
  g_test_add_func ("/gcoro/promise/reject", test_reject);
  g_test_add_func ("/gcoro/promise/reject-cancelled", test_reject_cancelled_error_is_cancellation);
  g_test_add_func ("/gcoro/promise/first-settle-wins", test_first_settle_wins);
  g_test_add_func ("/gcoro/promise/cancel-pending", test_cancel_pending);
  g_test_add_func ("/gcoro/promise/pointer-owned", test_pointer_owned);
  g_test_add_func ("/gcoro/promise/pending-read-is-error", test_pending_read_is_error);

  return g_test_run ();
}

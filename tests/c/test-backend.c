/* test-backend.c: choosing the socket readiness backend, once
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One process, one order: the choice is open until the first scheduler,
 * then fixed. meson runs this binary with and without GCORO_BACKEND.
 */
#include "gcoro-test-util.h"

static void
test_choice_is_fixed_by_the_first_scheduler (void)
{
  const char *env = g_getenv ("GCORO_BACKEND");
  GCoroBackend before = gcoro_get_backend ();
  GCoroBackend other;
  g_autoptr(GError) error = NULL;

  g_assert_true (gcoro_backend_is_supported (GCORO_BACKEND_GLIB));
  if (env != NULL && g_str_equal (env, "epoll"))
    g_assert_cmpint (before, ==, GCORO_BACKEND_EPOLL);
  else
    g_assert_cmpint (before, ==, GCORO_BACKEND_GLIB);

  /* Before any scheduler: any supported backend may be chosen, and
   * chosen again. */
  g_assert_true (gcoro_set_backend (GCORO_BACKEND_GLIB, &error));
  g_assert_no_error (error);
  g_assert_cmpint (gcoro_get_backend (), ==, GCORO_BACKEND_GLIB);
  if (gcoro_backend_is_supported (GCORO_BACKEND_EPOLL))
    {
      g_assert_true (gcoro_set_backend (GCORO_BACKEND_EPOLL, &error));
      g_assert_no_error (error);
    }
  else
    {
      g_assert_false (gcoro_set_backend (GCORO_BACKEND_EPOLL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      g_clear_error (&error);
    }
  g_assert_true (gcoro_set_backend (before, NULL));

  /* The first scheduler takes it. */
  g_assert_nonnull (gcoro_scheduler_get_default ());
  g_assert_true (gcoro_set_backend (before, &error));   /* the same: fine */
  g_assert_no_error (error);

  other = before == GCORO_BACKEND_GLIB ? GCORO_BACKEND_EPOLL : GCORO_BACKEND_GLIB;
  if (!gcoro_backend_is_supported (other))
    return;
  g_assert_false (gcoro_set_backend (other, &error));
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_TOO_LATE);
  g_assert_nonnull (strstr (error->message, "before the first task"));
  g_assert_cmpint (gcoro_get_backend (), ==, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/backend/choice-is-fixed-by-the-first-scheduler",
                   test_choice_is_fixed_by_the_first_scheduler);

  return g_test_run ();
}

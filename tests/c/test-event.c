/* test-event.c
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

typedef struct
{
  GCoroEvent *event;
  GString    *log;
} Shared;

static void
waiter (GCoroTask *task,
        gpointer   user_data)
{
  Shared *s = user_data;
  g_autoptr(GError) error = NULL;

  if (gcoro_event_wait (s->event, &error))
    g_string_append (s->log, gcoro_task_get_name (task));
  else
    g_string_append (s->log, "x");
}

static void
test_set_wakes_all_in_order (void)
{
  Shared s = { gcoro_event_new (), g_string_new (NULL) };
  GCoroSpawnOptions oa = { .name = "a" }, ob = { .name = "b" }, oc = { .name = "c" };
  GCoroTask *tasks[3] = {
    gcoro_spawn_full (&oa, waiter, &s, NULL),
    gcoro_spawn_full (&ob, waiter, &s, NULL),
    gcoro_spawn_full (&oc, waiter, &s, NULL),
  };

  settle_loop ();
  g_assert_cmpstr (s.log->str, ==, "");
  /* b is cancelled while waiting: it leaves, the others are not affected. */
  gcoro_task_cancel (tasks[1]);
  settle_loop ();
  g_assert_false (gcoro_event_is_set (s.event));
  gcoro_event_set (s.event);
  run_all (tasks, 3);
  g_assert_cmpstr (s.log->str, ==, "xac");

  /* Set: waits pass at once, until cleared. */
  g_assert_true (gcoro_event_is_set (s.event));
  {
    GCoroSpawnOptions od = { .name = "d" };
    GCoroTask *t = gcoro_spawn_full (&od, waiter, &s, NULL);
    run_all (&t, 1);
  }
  g_assert_cmpstr (s.log->str, ==, "xacd");
  gcoro_event_clear (s.event);
  g_assert_false (gcoro_event_is_set (s.event));

  g_string_free (s.log, TRUE);
  g_object_unref (s.event);
}

static void
waited (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  GString *log = user_data;
  g_autoptr(GError) error = NULL;

  if (gcoro_event_wait_finish (GCORO_EVENT (source), result, &error))
    g_string_append (log, "W");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_string_append (log, "C");
}

static void
test_async (void)
{
  g_autoptr(GCoroEvent) event = gcoro_event_new ();
  g_autoptr(GCancellable) c = g_cancellable_new ();
  GString *log = g_string_new (NULL);

  gcoro_event_wait_async (event, NULL, waited, log);
  gcoro_event_wait_async (event, c, waited, log);
  g_cancellable_cancel (c);
  while (strlen (log->str) < 1)
    g_main_context_iteration (NULL, TRUE);
  gcoro_event_set (event);
  gcoro_event_wait_async (event, NULL, waited, log);   /* already set */
  while (strlen (log->str) < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (log->str, ==, "CWW");
  g_string_free (log, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/event/set-wakes-all-in-order", test_set_wakes_all_in_order);
  g_test_add_func ("/gcoro/event/async", test_async);

  return g_test_run ();
}

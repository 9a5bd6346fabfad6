/* test-scheduler.c: the GSource, its snapshot, bands, contexts
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

static void
test_one_per_context (void)
{
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  GCoroScheduler *a = gcoro_scheduler_get_default ();
  GCoroScheduler *b = gcoro_scheduler_get_for_context (NULL);
  GCoroScheduler *c = gcoro_scheduler_get_for_context (ctx);

  g_assert_true (a == b);
  g_assert_true (a != c);
  g_assert_true (gcoro_scheduler_get_for_context (ctx) == c);
  g_assert_true (gcoro_scheduler_get_context (c) == ctx);

  g_main_context_push_thread_default (ctx);
  g_assert_true (gcoro_scheduler_get_default () == c);
  g_main_context_pop_thread_default (ctx);
  g_assert_true (gcoro_scheduler_get_default () == a);
}

static void
test_dies_with_context (void)
{
  GMainContext *ctx = g_main_context_new ();
  GCoroScheduler *s = gcoro_scheduler_get_for_context (ctx);
  GWeakRef weak;

  g_weak_ref_init (&weak, s);
  g_main_context_unref (ctx);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

static void
check_thread_default (GCoroTask *task,
                      gpointer   user_data)
{
  GMainContext *expected = user_data;

  /* GIO calls made by the task complete on its own context. */
  g_assert_true (g_main_context_get_thread_default () == expected);
  gcoro_yield (NULL);
  g_assert_true (g_main_context_get_thread_default () == expected);
}

static void
test_tasks_run_with_their_context_pushed (void)
{
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  GCoroSpawnOptions opts = { .context = ctx };
  g_autoptr(GCoroTask) task = gcoro_spawn_full (&opts, check_thread_default, ctx, NULL);

  /* Iterating the default context does nothing for it. */
  g_main_context_iteration (NULL, FALSE);
  g_assert_false (gcoro_future_is_done (GCORO_FUTURE (task)));

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_null (g_main_context_get_thread_default ());
}

/* A task that yields runs again only after the other ready sources. */

typedef struct
{
  GString *log;
  int      idles;
} Interleave;

static gboolean
other_source (gpointer data)
{
  Interleave *il = data;

  g_string_append (il->log, "S ");
  return ++il->idles < 3 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
yielder (GCoroTask *task,
         gpointer   user_data)
{
  Interleave *il = user_data;

  for (int i = 0; i < 3; i++)
    {
      g_string_append (il->log, "T ");
      gcoro_yield (NULL);
    }
}

static void
test_yield_lets_other_sources_run (void)
{
  Interleave il = { g_string_new (NULL), 0 };
  g_autoptr(GCoroTask) task = gcoro_spawn (yielder, &il, NULL);

  /* Same priority as the scheduler. */
  g_idle_add_full (G_PRIORITY_DEFAULT, other_source, &il, NULL);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  g_assert_cmpstr (il.log->str, ==, "T S T S T S ");
  g_string_free (il.log, TRUE);
}

typedef struct
{
  int  iterations_seen;
  int *counter;
} BatchProbe;

static int dispatch_iteration;

static gboolean
count_iterations (gpointer data)
{
  dispatch_iteration++;
  return G_SOURCE_CONTINUE;
}

static void
record_iteration (GCoroTask *task,
                  gpointer   user_data)
{
  GArray *seen = user_data;

  g_array_append_val (seen, dispatch_iteration);
}

static void
test_max_batch (void)
{
  GCoroScheduler *s = gcoro_scheduler_get_default ();
  GArray *seen = g_array_new (FALSE, FALSE, sizeof (int));
  GCoroTask *tasks[10];
  guint id;

  gcoro_scheduler_set_max_batch (s, 4);
  g_assert_cmpuint (gcoro_scheduler_get_max_batch (s), ==, 4);
  /* Same priority as the scheduler, attached after it: runs once per
   * iteration, right after the scheduler's dispatch. */
  id = g_idle_add_full (G_PRIORITY_DEFAULT, count_iterations, NULL, NULL);
  dispatch_iteration = 0;

  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    tasks[i] = gcoro_spawn (record_iteration, seen, NULL);
  gcoro_run_until_complete (GCORO_FUTURE (tasks[9]), NULL);

  /* 4 + 4 + 2 over three dispatches, in spawn order. */
  g_assert_cmpuint (seen->len, ==, 10);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (g_array_index (seen, int, i), ==, g_array_index (seen, int, 0) + (int) i / 4);

  g_source_remove (id);
  gcoro_scheduler_set_max_batch (s, 1024);
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    g_object_unref (tasks[i]);
  g_array_unref (seen);
}

static void
log_name (GCoroTask *task,
          gpointer   user_data)
{
  g_string_append (user_data, gcoro_task_get_name (task));
}

static void
test_task_priority (void)
{
  GString *log = g_string_new (NULL);
  GCoroSpawnOptions low = { .name = "low", .priority = G_PRIORITY_LOW };
  GCoroSpawnOptions high = { .name = "high", .priority = G_PRIORITY_HIGH };
  g_autoptr(GCoroTask) a = gcoro_spawn_full (&low, log_name, log, NULL);
  g_autoptr(GCoroTask) b = gcoro_spawn (log_name, log, NULL);
  g_autoptr(GCoroTask) c = gcoro_spawn_full (&high, log_name, log, NULL);

  gcoro_run_until_complete (GCORO_FUTURE (a), NULL);
  g_assert_true (gcoro_future_is_done (GCORO_FUTURE (b)));
  g_assert_true (gcoro_future_is_done (GCORO_FUTURE (c)));
  g_assert_true (g_str_has_prefix (log->str, "high"));
  g_assert_true (g_str_has_suffix (log->str, "low"));
  g_string_free (log, TRUE);
}

static void
test_scheduler_priority (void)
{
  GCoroScheduler *s = gcoro_scheduler_get_default ();

  g_assert_cmpint (gcoro_scheduler_get_priority (s), ==, G_PRIORITY_DEFAULT);
  gcoro_scheduler_set_priority (s, G_PRIORITY_HIGH);
  g_assert_cmpint (gcoro_scheduler_get_priority (s), ==, G_PRIORITY_HIGH);
  gcoro_scheduler_set_priority (s, G_PRIORITY_DEFAULT);
}

/* A scheduler on a worker thread's own context. */

static void
compute_on_worker (GCoroTask *task,
                   gpointer   user_data)
{
  gcoro_sleep (1, NULL);
  gcoro_task_return_int64 (task, GPOINTER_TO_INT (user_data) * 2);
}

static gpointer
worker_main (gpointer data)
{
  GMainContext *ctx = g_main_context_new ();
  GCoroTask *task;
  gint64 result;

  g_main_context_push_thread_default (ctx);
  task = gcoro_spawn (compute_on_worker, data, NULL);
  g_assert_true (gcoro_task_get_scheduler (task) == gcoro_scheduler_get_for_context (ctx));
  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  result = g_value_get_int64 (gcoro_future_peek_value (GCORO_FUTURE (task)));
  g_object_unref (task);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);

  return GINT_TO_POINTER ((int) result);
}

static void
test_worker_thread_context (void)
{
  GThread *a = g_thread_new ("w1", worker_main, GINT_TO_POINTER (21));
  GThread *b = g_thread_new ("w2", worker_main, GINT_TO_POINTER (50));

  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (a)), ==, 42);
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (b)), ==, 100);
}

int
main (int   argc,
      char *argv[])
{
  /* These tests assert GLib's own dispatch order; on a slow run (valgrind)
   * the frame budget could step aside midway and reorder them. */
  g_setenv ("GCORO_FRAME_BUDGET", "0", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/scheduler/one-per-context", test_one_per_context);
  g_test_add_func ("/gcoro/scheduler/dies-with-context", test_dies_with_context);
  g_test_add_func ("/gcoro/scheduler/thread-default-pushed", test_tasks_run_with_their_context_pushed);
  g_test_add_func ("/gcoro/scheduler/yield-lets-others-run", test_yield_lets_other_sources_run);
  g_test_add_func ("/gcoro/scheduler/max-batch", test_max_batch);
  g_test_add_func ("/gcoro/scheduler/task-priority", test_task_priority);
  g_test_add_func ("/gcoro/scheduler/scheduler-priority", test_scheduler_priority);
  g_test_add_func ("/gcoro/scheduler/worker-thread-context", test_worker_thread_context);

  return g_test_run ();
}

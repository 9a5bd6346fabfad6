/* test-barrier.c
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

typedef struct
{
  GCoroBarrier *barrier;
  GArray       *indices;
  int           phase_done[3];
  int           errors;
} Shared;

static void
party (GCoroTask *task,
       gpointer   user_data)
{
  Shared *s = user_data;

  for (int phase = 0; phase < 3; phase++)
    {
      int index = gcoro_barrier_wait (s->barrier, NULL);

      if (index < 0)
        {
          s->errors++;
          return;
        }
      g_array_append_val (s->indices, index);
      /* Nobody starts phase p+1 before everyone finished waiting in p. */
      s->phase_done[phase]++;
      if (phase > 0)
        g_assert_cmpint (s->phase_done[phase - 1], ==, 4);
      gcoro_yield (NULL);
    }
}

static void
test_rounds (void)
{
  Shared s = { gcoro_barrier_new (4), g_array_new (FALSE, FALSE, sizeof (int)), { 0 }, 0 };
  GCoroTask *tasks[4];
  int seen[4] = { 0 };

  for (guint i = 0; i < 4; i++)
    tasks[i] = gcoro_spawn (party, &s, NULL);
  run_all (tasks, 4);
  g_assert_cmpuint (s.indices->len, ==, 12);
  for (guint i = 0; i < s.indices->len; i++)
    seen[g_array_index (s.indices, int, i)]++;
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (seen[i], ==, 3);   /* each index once per round */
  g_assert_cmpuint (gcoro_barrier_get_n_waiting (s.barrier), ==, 0);
  g_array_unref (s.indices);
  g_object_unref (s.barrier);
}

static void
test_cancel_leaves_round_and_abort (void)
{
  Shared s = { gcoro_barrier_new (3), g_array_new (FALSE, FALSE, sizeof (int)), { 0 }, 0 };
  GCoroTask *tasks[3];

  tasks[0] = gcoro_spawn (party, &s, NULL);
  tasks[1] = gcoro_spawn (party, &s, NULL);
  settle_loop ();
  g_assert_cmpuint (gcoro_barrier_get_n_waiting (s.barrier), ==, 2);
  gcoro_task_cancel (tasks[1]);
  settle_loop ();
  g_assert_cmpuint (gcoro_barrier_get_n_waiting (s.barrier), ==, 1);

  /* One arrival is not enough now: the round still needs 3. */
  tasks[2] = gcoro_spawn (party, &s, NULL);
  settle_loop ();
  g_assert_cmpuint (gcoro_barrier_get_n_waiting (s.barrier), ==, 2);
  g_assert_cmpuint (s.indices->len, ==, 0);

  gcoro_barrier_abort (s.barrier);
  run_all (tasks, 3);
  g_assert_cmpint (s.errors, ==, 3);
  g_assert_true (gcoro_barrier_is_broken (s.barrier));
  g_array_unref (s.indices);
  g_object_unref (s.barrier);
}

static void
arrived (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GArray *indices = user_data;
  int index = gcoro_barrier_wait_finish (GCORO_BARRIER (source), result, NULL);

  g_array_append_val (indices, index);
}

static void
test_async (void)
{
  g_autoptr(GCoroBarrier) barrier = gcoro_barrier_new (2);
  GArray *indices = g_array_new (FALSE, FALSE, sizeof (int));

  gcoro_barrier_wait_async (barrier, NULL, arrived, indices);
  settle_loop ();
  g_assert_cmpuint (indices->len, ==, 0);
  gcoro_barrier_wait_async (barrier, NULL, arrived, indices);
  while (indices->len < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_array_index (indices, int, 0) + g_array_index (indices, int, 1), ==, 1);
  g_array_unref (indices);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/barrier/rounds", test_rounds);
  g_test_add_func ("/gcoro/barrier/cancel-and-abort", test_cancel_leaves_round_and_abort);
  g_test_add_func ("/gcoro/barrier/async", test_async);

  return g_test_run ();
}

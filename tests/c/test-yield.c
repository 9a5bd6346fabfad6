/* test-yield.c: gcoro_yield() and the GTK-friendly gcoro_idle_yield()
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

/* GDK_PRIORITY_REDRAW: GTK lays out and paints frames at this priority. */
#define REDRAW_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)
#define SLICES 50

/* The frame budget makes a busy scheduler step aside for priority 120
 * after a few milliseconds: the tests that show GLib's own priority rules
 * (and the order of one iteration) run with it off, so that a slow or
 * loaded machine cannot make a budget run out in the middle of them.
 * test-frame-budget.c tests the budget. */
static guint
frame_budget_off (void)
{
  GCoroScheduler *scheduler = gcoro_scheduler_get_default ();
  guint budget = gcoro_scheduler_get_frame_budget (scheduler);

  gcoro_scheduler_set_frame_budget (scheduler, 0);
  return budget;
}

static void
frame_budget_restore (guint budget)
{
  gcoro_scheduler_set_frame_budget (gcoro_scheduler_get_default (), budget);
}

typedef struct
{
  int frames_requested;
  int frames_drawn;
  int slices_behind;     /* slices that resumed before their frame was drawn */
  gboolean idle;
} Frames;

static gboolean
draw_frame (gpointer data)
{
  Frames *f = data;

  f->frames_drawn++;
  return G_SOURCE_REMOVE;
}

/* A long computation in slices. Each slice "queues a redraw" the way
 * gtk_widget_queue_draw() does: a priority-120 source that is ready at
 * once. */
static void
sliced_computation (GCoroTask *task,
                    gpointer   user_data)
{
  Frames *f = user_data;

  for (int i = 0; i < SLICES; i++)
    {
      g_autoptr(GError) error = NULL;

      g_timeout_add_full (REDRAW_PRIORITY, 0, draw_frame, f, NULL);
      f->frames_requested++;

      if (f->idle)
        g_assert_true (gcoro_idle_yield (&error));
      else
        g_assert_true (gcoro_yield (&error));
      g_assert_no_error (error);

      if (f->frames_drawn < f->frames_requested)
        f->slices_behind++;
    }
}

static void
test_idle_yield_lets_redraw_run (void)
{
  Frames f = { .idle = TRUE };
  g_autoptr(GCoroTask) task = gcoro_spawn (sliced_computation, &f, NULL);

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  /* Every frame was drawn before the next slice started. */
  g_assert_cmpint (f.frames_requested, ==, SLICES);
  g_assert_cmpint (f.slices_behind, ==, 0);
  g_assert_cmpint (f.frames_drawn, ==, SLICES);
}

static void
test_plain_yield_starves_redraw (void)
{
  Frames f = { .idle = FALSE };
  guint budget = frame_budget_off ();
  g_autoptr(GCoroTask) task = gcoro_spawn (sliced_computation, &f, NULL);

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  /* The scheduler (priority 0) is always ready, so GLib never gets down to
   * priority 120 while the loop runs: every slice ran before its frame. */
  g_assert_cmpint (f.slices_behind, ==, SLICES);
  while (f.frames_drawn < SLICES)
    g_main_context_iteration (NULL, TRUE);
  frame_budget_restore (budget);
}

/* A priority-120 timeout that keeps firing on its own (interval 0: due at
 * every iteration, the harshest frame clock there is) while a task loops. */

#define TICKS 20

typedef struct
{
  gboolean idle;
  int      slices;
  int      ticks;
  int      slices_at_first_tick;
  int      slices_at_last_tick;
} Race;

static gboolean
tick (gpointer data)
{
  Race *r = data;

  if (r->ticks == 0)
    r->slices_at_first_tick = r->slices;
  r->slices_at_last_tick = r->slices;
  return ++r->ticks < TICKS ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
loop_slices (GCoroTask *task,
             gpointer   user_data)
{
  Race *r = user_data;

  for (r->slices = 0; r->slices < SLICES; r->slices++)
    {
      if (r->idle)
        g_assert_true (gcoro_idle_yield (NULL));
      else
        g_assert_true (gcoro_yield (NULL));
    }
}

static void
run_race (Race *r)
{
  g_autoptr(GCoroTask) task = gcoro_spawn (loop_slices, r, NULL);

  g_timeout_add_full (REDRAW_PRIORITY, 0, tick, r, NULL);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  while (r->ticks < TICKS)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_idle_yield_keeps_timeout_firing (void)
{
  Race r = { .idle = TRUE };

  run_race (&r);
  /* Every tick happened while the task was in the middle of its loop. */
  g_assert_cmpint (r.slices_at_last_tick, <, SLICES);
}

static void
test_plain_yield_starves_timeout (void)
{
  Race r = { .idle = FALSE };
  guint budget = frame_budget_off ();

  run_race (&r);
  /* Not a single tick until the loop was over. */
  g_assert_cmpint (r.slices_at_first_tick, ==, SLICES);
  frame_budget_restore (budget);
}

static void
test_yield_outside_task (void)
{
  if (g_test_subprocess ())
    {
      gcoro_yield (NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*gcoro_yield()*outside any task*gcoro_yield_async()*");
}

/* --- the callback twins ----------------------------------------------------------- */

typedef struct
{
  GString *log;
  int      done;
} AsyncLog;

static void
yielded (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncLog *l = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (gcoro_yield_finish (result, &error));
  g_string_append (l->log, "Y ");
  l->done++;
}

static void
idle_yielded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncLog *l = user_data;

  g_assert_true (gcoro_idle_yield_finish (result, NULL));
  g_string_append (l->log, "I ");
  l->done++;
}

static gboolean
log_high (gpointer data)
{
  AsyncLog *l = data;

  g_string_append (l->log, "H ");
  return G_SOURCE_REMOVE;
}

static void
test_yield_async_order (void)
{
  AsyncLog l = { g_string_new (NULL), 0 };
  guint budget = frame_budget_off ();

  gcoro_idle_yield_async (NULL, idle_yielded, &l);
  g_idle_add_full (REDRAW_PRIORITY, log_high, &l, NULL);
  gcoro_yield_async (NULL, yielded, &l);
  g_assert_cmpstr (l.log->str, ==, "");
  while (l.done < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (l.log->str, ==, "Y H I ");
  g_string_free (l.log, TRUE);
  frame_budget_restore (budget);
}

static void
yield_cancelled (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  int *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (gcoro_yield_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  (*done)++;
}

static void
test_yield_async_cancelled (void)
{
  g_autoptr(GCancellable) c = g_cancellable_new ();
  int done = 0;

  gcoro_yield_async (c, yield_cancelled, &done);
  g_cancellable_cancel (c);
  while (done < 1)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/yield/idle-yield-lets-redraw-run", test_idle_yield_lets_redraw_run);
  g_test_add_func ("/gcoro/yield/plain-yield-starves-redraw", test_plain_yield_starves_redraw);
  g_test_add_func ("/gcoro/yield/idle-yield-keeps-timeout-firing", test_idle_yield_keeps_timeout_firing);
  g_test_add_func ("/gcoro/yield/plain-yield-starves-timeout", test_plain_yield_starves_timeout);
  g_test_add_func ("/gcoro/yield/outside-task", test_yield_outside_task);
  g_test_add_func ("/gcoro/yield/async-order", test_yield_async_order);
  g_test_add_func ("/gcoro/yield/async-cancelled", test_yield_async_cancelled);

  return g_test_run ();
}

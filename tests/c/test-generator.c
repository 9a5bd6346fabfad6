/* test-generator.c
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The inline fast paths (gcoro-generator-inline.h) are tested here, and
 * the exported functions through their addresses. */
#define GCORO_GENERATOR_INLINE 1
#include "gcoro-test-util.h"

/* --- bodies -------------------------------------------------------------------- */

typedef struct
{
  gint64    n;          /* items to yield */
  gint64    fail_at;    /* fail instead of yielding this one (0: never) */
  gboolean  started;
  gboolean  cleaned_up;
  gboolean  saw_cancel;
  gboolean  freed;
} Counter;

static void
counter_free (gpointer data)
{
  ((Counter *) data)->freed = TRUE;
}

static void
count (GCoroGenerator *gen,
       gpointer        user_data)
{
  Counter *c = user_data;
  g_autoptr(GError) error = NULL;

  c->started = TRUE;
  for (gint64 i = 1; i <= c->n; i++)
    {
      if (i == c->fail_at)
        {
          c->cleaned_up = TRUE;
          return gcoro_generator_return_error (gen, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                                 "no %" G_GINT64_FORMAT, i));
        }
      if (!gcoro_generator_yield_int64 (gen, i, &error))
        {
          c->saw_cancel = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          break;
        }
    }
  c->cleaned_up = TRUE;
}

static gint64
next_int (GCoroGenerator *gen,
          GError        **error)
{
  GValue v = G_VALUE_INIT;
  gint64 ret = -1;

  if (gcoro_generator_next (gen, &v, error))
    ret = g_value_get_int64 (&v);
  g_value_unset (&v);
  return ret;
}

static void
test_lazy_sequence (void)
{
  Counter c = { .n = 3 };
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (count, &c, counter_free);
  g_autoptr(GError) error = NULL;

  /* Creating runs nothing. */
  g_assert_false (c.started);
  g_assert_cmpint (next_int (gen, &error), ==, 1);
  g_assert_true (c.started);
  g_assert_cmpint (next_int (gen, &error), ==, 2);
  g_assert_cmpint (next_int (gen, &error), ==, 3);
  g_assert_false (c.cleaned_up);
  g_assert_no_error (error);
  g_assert_false (gcoro_generator_is_finished (gen));

  /* Exhausted: FALSE, no error, and again. */
  g_assert_cmpint (next_int (gen, &error), ==, -1);
  g_assert_no_error (error);
  g_assert_true (c.cleaned_up);
  g_assert_true (c.freed);
  g_assert_true (gcoro_generator_is_finished (gen));
  g_assert_cmpint (next_int (gen, &error), ==, -1);
  g_assert_no_error (error);
}

static void
test_error_reaches_consumer (void)
{
  Counter c = { .n = 5, .fail_at = 3 };
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (count, &c, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (next_int (gen, &error), ==, 1);
  g_assert_cmpint (next_int (gen, &error), ==, 2);
  g_assert_cmpint (next_int (gen, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "no 3");
  g_clear_error (&error);

  /* Reported once; exhausted afterwards. */
  g_assert_cmpint (next_int (gen, &error), ==, -1);
  g_assert_no_error (error);
}

static void
test_close_runs_cleanup (void)
{
  Counter c = { .n = 100 };
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (count, &c, counter_free);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (next_int (gen, &error), ==, 1);
  g_assert_cmpint (next_int (gen, &error), ==, 2);
  g_assert_true (gcoro_generator_close (gen, &error));
  g_assert_no_error (error);
  g_assert_true (c.saw_cancel);
  g_assert_true (c.cleaned_up);
  g_assert_true (c.freed);
  g_assert_true (gcoro_generator_is_closing (gen));
  g_assert_cmpint (next_int (gen, &error), ==, -1);
  g_assert_no_error (error);
  g_assert_true (gcoro_generator_close (gen, &error));
}

static void
test_abandoned_midway (void)
{
  Counter c = { .n = 100 };
  GCoroGenerator *gen = gcoro_generator_new (count, &c, counter_free);

  g_assert_cmpint (next_int (gen, NULL), ==, 1);
  g_object_unref (gen);   /* the last reference: closes, no leak */
  g_assert_true (c.saw_cancel);
  g_assert_true (c.cleaned_up);
  g_assert_true (c.freed);

  /* Never started: the body never runs, its data is freed. */
  c = (Counter) { .n = 100 };
  gen = gcoro_generator_new (count, &c, counter_free);
  g_object_unref (gen);
  g_assert_false (c.started);
  g_assert_true (c.freed);
}

/* Cleanup that fails with its own error is reported by close(). */
static void
fails_in_cleanup (GCoroGenerator *gen,
                  gpointer        user_data)
{
  if (!gcoro_generator_yield_int64 (gen, 1, NULL))
    gcoro_generator_return_error (gen, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                                                            "cleanup failed"));
}

static void
test_close_reports_cleanup_failure (void)
{
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (fails_in_cleanup, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (next_int (gen, NULL), ==, 1);
  g_assert_false (gcoro_generator_close (gen, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
}

/* --- values of every kind ---------------------------------------------------------- */

static void
mixed (GCoroGenerator *gen,
       gpointer        user_data)
{
  GValue v = G_VALUE_INIT;
  g_autoptr(GFile) file = g_file_new_for_path ("/");

  gcoro_generator_yield_string (gen, "text", NULL);
  g_value_init (&v, G_TYPE_OBJECT);
  g_value_set_object (&v, file);
  gcoro_generator_yield (gen, &v, NULL);
  g_value_unset (&v);
  gcoro_generator_yield_pointer (gen, user_data, NULL);
}

static void
test_values (void)
{
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (mixed, &mixed, NULL);
  g_autoptr(GError) error = NULL;
  GValue v = G_VALUE_INIT;
  gpointer p = NULL;

  g_assert_true (gcoro_generator_next (gen, &v, &error));
  g_assert_cmpstr (g_value_get_string (&v), ==, "text");
  g_value_unset (&v);
  /* The object outlives the body's reference: the consumer has its own. */
  g_assert_true (gcoro_generator_next (gen, &v, &error));
  g_assert_true (G_IS_FILE (g_value_get_object (&v)));
  g_assert_true (gcoro_generator_next_pointer (gen, &p, &error));
  g_assert_true (p == &mixed);
  g_assert_true (G_IS_FILE (g_value_get_object (&v)));
  g_value_unset (&v);
  g_assert_false (gcoro_generator_next_pointer (gen, &p, &error));
  g_assert_no_error (error);
  g_assert_null (p);

  /* A non-pointer item read as a pointer. */
  g_clear_object (&gen);
  gen = gcoro_generator_new (mixed, NULL, NULL);
  g_assert_false (gcoro_generator_next_pointer (gen, &p, &error));
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_NO_VALUE);
}

/* --- the inline next_pointer() ------------------------------------------------------ */

static int pointer_marks[2];

static void
pointers_and_others (GCoroGenerator *gen,
                     gpointer        user_data)
{
  GValue v = G_VALUE_INIT;

  gcoro_generator_yield_pointer (gen, &pointer_marks[0], NULL);
  gcoro_generator_yield_string (gen, "not a pointer", NULL);
  g_value_init (&v, G_TYPE_POINTER);            /* a pointer, but not from yield_pointer */
  g_value_set_pointer (&v, &pointer_marks[1]);
  gcoro_generator_yield (gen, &v, NULL);
  gcoro_generator_yield_pointer (gen, &pointer_marks[1], NULL);
}

/* Every outcome of gcoro_generator_next_pointer(), called as C code calls
 * it (the inline fast path, once the body is suspended) and through its
 * address (the exported function). */
static void
check_pointer_outcomes (gboolean (*next) (GCoroGenerator *, gpointer *, GError **))
{
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (pointers_and_others, NULL, NULL);
  g_autoptr(GError) error = NULL;
  gpointer p = NULL;

  g_assert_true (next == NULL ? gcoro_generator_next_pointer (gen, &p, &error)
                              : next (gen, &p, &error));
  g_assert_true (p == &pointer_marks[0]);
  g_assert_false (next == NULL ? gcoro_generator_next_pointer (gen, &p, &error)
                               : next (gen, &p, &error));
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_NO_VALUE);
  g_assert_null (p);
  g_clear_error (&error);
  g_assert_true (next == NULL ? gcoro_generator_next_pointer (gen, &p, &error)
                              : next (gen, &p, &error));
  g_assert_true (p == &pointer_marks[1]);
  p = NULL;
  g_assert_true (next == NULL ? gcoro_generator_next_pointer (gen, &p, &error)
                              : next (gen, &p, &error));
  g_assert_true (p == &pointer_marks[1]);
  for (int i = 0; i < 2; i++)
    {
      g_assert_false (next == NULL ? gcoro_generator_next_pointer (gen, &p, &error)
                                   : next (gen, &p, &error));
      g_assert_no_error (error);
      g_assert_null (p);
      g_assert_true (gcoro_generator_is_finished (gen));
    }
}

static void
pointer_outcomes_in_task (GCoroTask *task,
                          gpointer   user_data)
{
  check_pointer_outcomes (NULL);
}

static void
test_next_pointer_outcomes (void)
{
  check_pointer_outcomes (NULL);
  check_pointer_outcomes (gcoro_generator_next_pointer);
  /* Inside a fiber task, the body runs as part of the task. */
  g_assert_true (gcoro_run (pointer_outcomes_in_task, NULL, NULL, NULL));
}

/* Yielding is for the body only; the inline calls and the exported
 * functions refuse alike, before and after the body started. A programmer
 * error: the critical says it, no GError. */
static void
test_yield_outside_body (void)
{
  gboolean (*yield_pointer) (GCoroGenerator *, gpointer, GError **) = gcoro_generator_yield_pointer;
  gboolean (*yield_int64) (GCoroGenerator *, gint64, GError **) = gcoro_generator_yield_int64;
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (pointers_and_others, NULL, NULL);
  g_autoptr(GError) error = NULL;
  gpointer p = NULL;

  for (int started = 0; started < 2; started++)
    {
      for (int how = 0; how < 4; how++)
        {
          gboolean ok;

          g_test_expect_message ("GCoro", G_LOG_LEVEL_CRITICAL, "*outside the body*");
          ok = how == 0 ? gcoro_generator_yield_pointer (gen, NULL, &error)
             : how == 1 ? gcoro_generator_yield_int64 (gen, 1, &error)
             : how == 2 ? yield_pointer (gen, NULL, &error)
             : yield_int64 (gen, 1, &error);
          g_test_assert_expected_messages ();
          g_assert_false (ok);
          g_assert_no_error (error);
        }
      if (started == 0)
        {
          g_assert_true (gcoro_generator_next_pointer (gen, &p, NULL));
          g_assert_true (p == &pointer_marks[0]);
        }
    }
}

/* --- a pipeline ------------------------------------------------------------------ */

static void
numbers (GCoroGenerator *gen,
         gpointer        user_data)
{
  gint64 n = *(gint64 *) user_data;

  for (gint64 i = 0; i < n; i++)
    if (!gcoro_generator_yield_int64 (gen, i, NULL))
      return;
}

static void
squares (GCoroGenerator *gen,
         gpointer        user_data)
{
  GCoroGenerator *source = user_data;
  GValue v = G_VALUE_INIT;
  GError *error = NULL;

  while (gcoro_generator_next (source, &v, &error))
    {
      gint64 x = g_value_get_int64 (&v);

      g_value_unset (&v);
      if (!gcoro_generator_yield_int64 (gen, x * x, NULL))
        return;
    }
  g_value_unset (&v);
  if (error != NULL)
    gcoro_generator_return_error (gen, error);
}

static void
odd_only (GCoroGenerator *gen,
          gpointer        user_data)
{
  GCoroGenerator *source = user_data;
  GValue v = G_VALUE_INIT;
  GError *error = NULL;

  while (gcoro_generator_next (source, &v, &error))
    {
      if (g_value_get_int64 (&v) % 2 == 1 && !gcoro_generator_yield (gen, &v, NULL))
        break;
      g_value_unset (&v);
    }
  g_value_unset (&v);
  if (error != NULL)
    gcoro_generator_return_error (gen, error);
}

static GCoroGenerator *
make_pipeline (gint64 *n)
{
  GCoroGenerator *a = gcoro_generator_new (numbers, n, NULL);
  GCoroGenerator *b = gcoro_generator_new (squares, a, g_object_unref);

  return gcoro_generator_new (odd_only, b, g_object_unref);
}

static void
test_pipeline_100k (void)
{
  gint64 n = 100000, count_items = 0, sum = 0, expected = 0;
  g_autoptr(GCoroGenerator) gen = make_pipeline (&n);
  g_autoptr(GError) error = NULL;
  gint64 x;

  while ((x = next_int (gen, &error)) >= 0)
    {
      count_items++;
      sum += x;
    }
  g_assert_no_error (error);
  for (gint64 i = 1; i < n; i += 2)
    expected += i * i;
  g_assert_cmpint (count_items, ==, n / 2);
  g_assert_cmpint (sum, ==, expected);
}

static void
test_pipeline_abandoned (void)
{
  gint64 n = 1000;
  GCoroGenerator *gen = make_pipeline (&n);

  g_assert_cmpint (next_int (gen, NULL), ==, 1);
  g_assert_cmpint (next_int (gen, NULL), ==, 9);
  /* Closing the last stage closes the others as their references go. */
  g_object_unref (gen);
}

/* --- a body that awaits, consumed by a task -------------------------------------------- */

typedef struct
{
  GCoroPromise *gate[3];
  GString      *log;
} Gates;

static void
gated (GCoroGenerator *gen,
       gpointer        user_data)
{
  Gates *g = user_data;
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 3; i++)
    {
      gint64 v = gcoro_await_int64 (GCORO_FUTURE (g->gate[i]), &error);

      if (error != NULL)
        {
          g_string_append (g->log, "[cancelled]");
          return gcoro_generator_return_error (gen, g_steal_pointer (&error));
        }
      g_string_append_printf (g->log, "<%d>", (int) v);
      if (!gcoro_generator_yield_int64 (gen, v, NULL))
        return;
    }
}

static void
consume_in_task (GCoroTask *task,
                 gpointer   user_data)
{
  GCoroGenerator *gen = user_data;
  g_autoptr(GError) error = NULL;
  gint64 sum = 0, x;

  while ((x = next_int (gen, &error)) >= 0)
    sum += x;
  if (error != NULL)
    return gcoro_task_return_error (task, g_steal_pointer (&error));
  gcoro_task_return_int64 (task, sum);
}

static void
resolver (GCoroTask *task,
          gpointer   user_data)
{
  Gates *g = user_data;

  for (int i = 0; i < 3; i++)
    {
      g_string_append (g->log, "r");
      gcoro_promise_resolve_int64 (g->gate[i], (i + 1) * 10);
      gcoro_yield (NULL);
      gcoro_yield (NULL);
    }
}

static void
gates_init (Gates *g)
{
  for (int i = 0; i < 3; i++)
    g->gate[i] = gcoro_promise_new ();
  g->log = g_string_new (NULL);
}

static void
gates_clear (Gates *g)
{
  for (int i = 0; i < 3; i++)
    g_object_unref (g->gate[i]);
  g_string_free (g->log, TRUE);
}

static void
test_body_awaits_in_consuming_task (void)
{
  Gates g;
  g_autoptr(GCoroGenerator) gen = NULL;
  g_autoptr(GCoroTask) consumer = NULL;
  g_autoptr(GCoroTask) other = NULL;
  g_autoptr(GError) error = NULL;
  GValue v = G_VALUE_INIT;

  gates_init (&g);
  gen = gcoro_generator_new (gated, &g, NULL);
  consumer = gcoro_spawn (consume_in_task, gen, NULL);
  other = gcoro_spawn (resolver, &g, NULL);

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (consumer), &error));
  g_assert_true (gcoro_future_get_value (GCORO_FUTURE (consumer), &v, NULL));
  g_assert_cmpint (g_value_get_int64 (&v), ==, 60);
  /* The body waited while the resolver ran: they interleave. */
  g_assert_cmpstr (g.log->str, ==, "r<10>r<20>r<30>");
  gcoro_run_until_complete (GCORO_FUTURE (other), NULL);
  gates_clear (&g);
}

/* Two stages, the inner one awaiting: nested loans of fibers to one task. */
static void
doubler (GCoroGenerator *gen,
         gpointer        user_data)
{
  GCoroGenerator *source = user_data;
  gint64 x;

  while ((x = next_int (source, NULL)) >= 0)
    {
      gcoro_yield (NULL);   /* the outer body awaits too */
      if (!gcoro_generator_yield_int64 (gen, 2 * x, NULL))
        return;
    }
}

static void
test_nested_bodies_await (void)
{
  Gates g;
  g_autoptr(GCoroGenerator) gen = NULL;
  g_autoptr(GCoroTask) consumer = NULL;
  g_autoptr(GCoroTask) other = NULL;
  g_autoptr(GError) error = NULL;
  GValue v = G_VALUE_INIT;

  gates_init (&g);
  gen = gcoro_generator_new (doubler, gcoro_generator_new (gated, &g, NULL), g_object_unref);
  consumer = gcoro_spawn (consume_in_task, gen, NULL);
  other = gcoro_spawn (resolver, &g, NULL);

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (consumer), &error));
  g_assert_true (gcoro_future_get_value (GCORO_FUTURE (consumer), &v, NULL));
  g_assert_cmpint (g_value_get_int64 (&v), ==, 120);
  gcoro_run_until_complete (GCORO_FUTURE (other), NULL);
  gates_clear (&g);
}

/* --- asynchronous items ---------------------------------------------------------------- */

static void
test_next_future (void)
{
  Gates g;
  g_autoptr(GCoroGenerator) gen = NULL;
  GCoroFuture *items[4];
  g_autoptr(GError) error = NULL;

  gates_init (&g);
  gen = gcoro_generator_new (gated, &g, NULL);

  /* Four asked at once: they queue. */
  for (int i = 0; i < 4; i++)
    items[i] = gcoro_generator_next_future (gen);
  settle_loop ();
  g_assert_false (gcoro_future_is_done (items[0]));

  /* A synchronous consumer meanwhile finds it busy. */
  g_assert_cmpint (next_int (gen, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  for (int i = 0; i < 3; i++)
    {
      gcoro_promise_resolve_int64 (g.gate[i], i + 1);
      gcoro_run_until_complete (items[i], &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (items[i])), ==, i + 1);
    }
  g_assert_false (gcoro_run_until_complete (items[3], &error));
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_EXHAUSTED);

  for (int i = 0; i < 4; i++)
    g_object_unref (items[i]);
  gates_clear (&g);
}

static void
test_cancel_item_future (void)
{
  Gates g;
  g_autoptr(GCoroGenerator) gen = NULL;
  g_autoptr(GCoroFuture) item = NULL;
  g_autoptr(GError) error = NULL;

  gates_init (&g);
  gen = gcoro_generator_new (gated, &g, NULL);
  item = gcoro_generator_next_future (gen);
  settle_loop ();
  gcoro_future_cancel (item);
  g_assert_false (gcoro_run_until_complete (item, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (g.log->str, ==, "[cancelled]");
  g_assert_true (gcoro_generator_is_finished (gen));
  gates_clear (&g);
}

typedef struct
{
  GString *log;
  gboolean done;
} AsyncLog;

static void
got_next (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncLog *l = user_data;
  GCoroGenerator *gen = GCORO_GENERATOR (source);
  g_autoptr(GError) error = NULL;
  GValue v = G_VALUE_INIT;

  if (gcoro_generator_next_finish (gen, result, &v, &error))
    {
      g_string_append_printf (l->log, "%d,", (int) g_value_get_int64 (&v));
      gcoro_generator_next_async (gen, NULL, got_next, l);
    }
  else
    {
      g_string_append (l->log, error != NULL ? error->message : "end");
      l->done = TRUE;
    }
  g_value_unset (&v);
}

static void
test_next_async (void)
{
  Counter c = { .n = 3 };
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new (count, &c, NULL);
  AsyncLog l = { g_string_new (NULL), FALSE };

  gcoro_generator_next_async (gen, NULL, got_next, &l);
  while (!l.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (l.log->str, ==, "1,2,3,end");
  g_string_free (l.log, TRUE);
}

/* --- stepped bodies ------------------------------------------------------------------- */

typedef struct
{
  int           i;
  int           n;
  GCoroPromise *wait_at_2;   /* if set, the body waits for it before item 2 */
  gboolean      closed;
  gboolean      freed;
} Steps;

static void
steps_free (gpointer data)
{
  ((Steps *) data)->freed = TRUE;
}

static GCoroFuture *
step_count (GCoroGenerator *gen,
            GCoroFuture    *completed,
            gpointer        user_data)
{
  Steps *s = user_data;
  GValue v = G_VALUE_INIT;

  if (gcoro_generator_is_closing (gen))
    {
      s->closed = TRUE;
      return NULL;
    }
  if (s->i == s->n)
    return NULL;
  if (s->i == 1 && s->wait_at_2 != NULL && completed == NULL)
    return g_object_ref (GCORO_FUTURE (s->wait_at_2));

  g_value_init (&v, G_TYPE_INT64);
  g_value_set_int64 (&v, ++s->i);
  gcoro_generator_emit (gen, &v);
  g_value_unset (&v);
  return NULL;
}

static void
test_stepped_sync (void)
{
  Steps s = { .n = 3 };
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new_stepped (step_count, &s, steps_free);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (next_int (gen, &error), ==, 1);
  g_assert_cmpint (next_int (gen, &error), ==, 2);
  g_assert_cmpint (next_int (gen, &error), ==, 3);
  g_assert_cmpint (next_int (gen, &error), ==, -1);
  g_assert_no_error (error);
  g_assert_true (s.freed);
  g_assert_false (s.closed);
}

static void
test_stepped_waits (void)
{
  Steps s = { .n = 3, .wait_at_2 = gcoro_promise_new () };
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new_stepped (step_count, &s, steps_free);
  g_autoptr(GCoroFuture) item = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (next_int (gen, &error), ==, 1);
  /* Item 2 waits for a pending future: not from plain code ... */
  g_assert_cmpint (next_int (gen, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
  /* ... but as a future, which picks the wait up. */
  item = gcoro_generator_next_future (gen);
  settle_loop ();
  g_assert_false (gcoro_future_is_done (item));
  gcoro_promise_resolve (s.wait_at_2, NULL);
  g_assert_true (gcoro_run_until_complete (item, &error));
  g_assert_cmpint (g_value_get_int64 (gcoro_future_peek_value (item)), ==, 2);
  g_assert_cmpint (next_int (gen, &error), ==, 3);
  g_object_unref (s.wait_at_2);
}

static void
test_stepped_close (void)
{
  Steps s = { .n = 10 };
  GCoroGenerator *gen = gcoro_generator_new_stepped (step_count, &s, steps_free);

  g_assert_cmpint (next_int (gen, NULL), ==, 1);
  g_object_unref (gen);
  g_assert_true (s.closed);
  g_assert_true (s.freed);
}

/* A fiber cannot run a stepped body (bindings never run on fibers). */
static void
stepped_from_fiber (GCoroTask *task,
                    gpointer   user_data)
{
  GCoroGenerator *gen = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCoroFuture) item = NULL;

  g_assert_cmpint (next_int (gen, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  item = gcoro_generator_next_future (gen);
  gcoro_task_return_int64 (task, gcoro_await_int64 (item, NULL));
}

static void
test_stepped_from_fiber (void)
{
  Steps s = { .n = 3 };
  g_autoptr(GCoroGenerator) gen = gcoro_generator_new_stepped (step_count, &s, NULL);
  g_autoptr(GCoroTask) task = gcoro_spawn (stepped_from_fiber, gen, NULL);
  GValue v = G_VALUE_INIT;

  g_assert_true (gcoro_run_until_complete (GCORO_FUTURE (task), NULL));
  g_assert_true (gcoro_future_get_value (GCORO_FUTURE (task), &v, NULL));
  g_assert_cmpint (g_value_get_int64 (&v), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/generator/lazy-sequence", test_lazy_sequence);
  g_test_add_func ("/gcoro/generator/error-reaches-consumer", test_error_reaches_consumer);
  g_test_add_func ("/gcoro/generator/close-runs-cleanup", test_close_runs_cleanup);
  g_test_add_func ("/gcoro/generator/abandoned-midway", test_abandoned_midway);
  g_test_add_func ("/gcoro/generator/close-reports-cleanup-failure", test_close_reports_cleanup_failure);
  g_test_add_func ("/gcoro/generator/values", test_values);
  g_test_add_func ("/gcoro/generator/next-pointer-outcomes", test_next_pointer_outcomes);
  g_test_add_func ("/gcoro/generator/yield-outside-body", test_yield_outside_body);
  g_test_add_func ("/gcoro/generator/pipeline-100k", test_pipeline_100k);
  g_test_add_func ("/gcoro/generator/pipeline-abandoned", test_pipeline_abandoned);
  g_test_add_func ("/gcoro/generator/body-awaits-in-consuming-task", test_body_awaits_in_consuming_task);
  g_test_add_func ("/gcoro/generator/nested-bodies-await", test_nested_bodies_await);
  g_test_add_func ("/gcoro/generator/next-future", test_next_future);
  g_test_add_func ("/gcoro/generator/cancel-item-future", test_cancel_item_future);
  g_test_add_func ("/gcoro/generator/next-async", test_next_async);
  g_test_add_func ("/gcoro/generator/stepped-sync", test_stepped_sync);
  g_test_add_func ("/gcoro/generator/stepped-waits", test_stepped_waits);
  g_test_add_func ("/gcoro/generator/stepped-close", test_stepped_close);
  g_test_add_func ("/gcoro/generator/stepped-from-fiber", test_stepped_from_fiber);

  return g_test_run ();
}

/* test-queue.c
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-test-util.h"

static void
put_int (GCoroQueue *q,
         gint64      v,
         GError    **error,
         gboolean   *ok)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_INT64);
  g_value_set_int64 (&value, v);
  *ok = gcoro_queue_put (q, &value, error);
}

typedef struct
{
  GCoroQueue *in;
  GCoroQueue *out;
  int         n;
  int         max_len;
  gint64      sum;
} Stage;

static void
producer (GCoroTask *task,
          gpointer   user_data)
{
  Stage *s = user_data;

  for (int i = 1; i <= s->n; i++)
    {
      gboolean ok;
      put_int (s->out, i, NULL, &ok);
      g_assert_true (ok);
      s->max_len = MAX (s->max_len, (int) gcoro_queue_get_length (s->out));
    }
  gcoro_queue_close (s->out);
}

/* Doubles every item into the next queue. */
static void
doubler (GCoroTask *task,
         gpointer   user_data)
{
  Stage *s = user_data;
  g_autoptr(GError) error = NULL;

  for (;;)
    {
      g_auto(GValue) item = G_VALUE_INIT;
      gboolean ok;

      if (!gcoro_queue_get (s->in, &item, &error))
        break;
      put_int (s->out, 2 * g_value_get_int64 (&item), NULL, &ok);
      g_assert_true (ok);
    }
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_CLOSED);
  gcoro_queue_close (s->out);
}

static void
consumer (GCoroTask *task,
          gpointer   user_data)
{
  Stage *s = user_data;
  g_autoptr(GError) error = NULL;
  gint64 expected = 2;

  for (;;)
    {
      g_auto(GValue) item = G_VALUE_INIT;

      if (!gcoro_queue_get (s->in, &item, &error))
        break;
      /* FIFO through the whole pipeline. */
      g_assert_cmpint (g_value_get_int64 (&item), ==, expected);
      expected += 2;
      s->sum += g_value_get_int64 (&item);
    }
  g_assert_error (error, GCORO_ERROR, GCORO_ERROR_CLOSED);
}

static void
test_pipeline (void)
{
  enum { N = 5000 };
  g_autoptr(GCoroQueue) a = gcoro_queue_new (4);
  g_autoptr(GCoroQueue) b = gcoro_queue_new (4);
  Stage p = { NULL, a, N, 0, 0 }, d = { a, b, N, 0, 0 }, c = { b, NULL, N, 0, 0 };
  GCoroTask *tasks[3] = {
    gcoro_spawn (consumer, &c, NULL),
    gcoro_spawn (doubler, &d, NULL),
    gcoro_spawn (producer, &p, NULL),
  };

  run_all (tasks, 3);
  g_assert_cmpint (c.sum, ==, (gint64) N * (N + 1));
  /* The bound held: the producer was slowed down. */
  g_assert_cmpint (p.max_len, <=, 4);
}

static void
test_close_drains_then_fails (void)
{
  g_autoptr(GCoroQueue) q = gcoro_queue_new (0);
  g_auto(GValue) v = G_VALUE_INIT;
  g_auto(GValue) got = G_VALUE_INIT;
  g_auto(GValue) none = G_VALUE_INIT;

  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, "last");
  g_assert_true (gcoro_queue_try_put (q, &v));
  gcoro_queue_close (q);
  g_assert_true (gcoro_queue_is_closed (q));
  g_assert_false (gcoro_queue_try_put (q, &v));
  g_assert_true (gcoro_queue_try_get (q, &got));
  g_assert_cmpstr (g_value_get_string (&got), ==, "last");
  g_assert_false (gcoro_queue_try_get (q, &none));
}

typedef struct
{
  GCoroQueue *q;
  GString    *log;
} Getter;

static void
getter (GCoroTask *task,
        gpointer   user_data)
{
  Getter *g = user_data;
  g_auto(GValue) item = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  if (gcoro_queue_get (g->q, &item, &error))
    g_string_append_printf (g->log, "%s=%" G_GINT64_FORMAT " ", gcoro_task_get_name (task),
                            g_value_get_int64 (&item));
  else
    g_string_append_printf (g->log, "%s:%s ", gcoro_task_get_name (task),
                            g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? "cancelled" :
                            g_error_matches (error, GCORO_ERROR, GCORO_ERROR_CLOSED) ? "closed" : "?");
}

static void
test_cancelled_getter_loses_nothing (void)
{
  g_autoptr(GCoroQueue) q = gcoro_queue_new (0);
  Getter g = { q, g_string_new (NULL) };
  GCoroSpawnOptions oa = { .name = "a" }, ob = { .name = "b" }, oc = { .name = "c" };
  GCoroTask *tasks[3] = {
    gcoro_spawn_full (&oa, getter, &g, NULL),
    gcoro_spawn_full (&ob, getter, &g, NULL),
    gcoro_spawn_full (&oc, getter, &g, NULL),
  };
  gboolean ok;

  settle_loop ();
  /* a is woken for the item and cancelled before it runs: the item goes
   * to b instead of vanishing. */
  put_int (q, 7, NULL, &ok);
  gcoro_task_cancel (tasks[0]);
  settle_loop ();
  gcoro_queue_close (q);
  run_all (tasks, 3);
  g_assert_cmpstr (g.log->str, ==, "a:cancelled b=7 c:closed ");
  g_string_free (g.log, TRUE);
}

static void
blocked_putter (GCoroTask *task,
                gpointer   user_data)
{
  GCoroQueue *q = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  put_int (q, 99, &error, &ok);
  g_assert_false (ok);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_cancelled_putter_puts_nothing (void)
{
  g_autoptr(GCoroQueue) q = gcoro_queue_new (1);
  GCoroTask *task;
  gboolean ok;
  g_auto(GValue) got = G_VALUE_INIT;

  put_int (q, 1, NULL, &ok);   /* full now (outside a task: there is room) */
  task = gcoro_spawn (blocked_putter, q, NULL);
  settle_loop ();
  gcoro_task_cancel (task);
  run_all (&task, 1);
  g_assert_cmpuint (gcoro_queue_get_length (q), ==, 1);
  g_assert_true (gcoro_queue_try_get (q, &got));
  g_assert_cmpint (g_value_get_int64 (&got), ==, 1);
}

static void
got_async (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GString *log = user_data;
  g_auto(GValue) item = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  if (gcoro_queue_get_finish (GCORO_QUEUE (source), result, &item, &error))
    g_string_append_printf (log, "%s ", g_value_get_string (&item));
  else
    g_string_append (log, "closed ");
}

static void
put_async_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GString *log = user_data;

  g_assert_true (gcoro_queue_put_finish (GCORO_QUEUE (source), result, NULL));
  g_string_append (log, "put ");
}

static void
test_async (void)
{
  g_autoptr(GCoroQueue) q = gcoro_queue_new (1);
  GString *log = g_string_new (NULL);
  GString *puts = g_string_new (NULL);
  g_auto(GValue) a = G_VALUE_INIT;
  g_auto(GValue) b = G_VALUE_INIT;

  g_value_init (&a, G_TYPE_STRING);
  g_value_set_string (&a, "A");
  g_value_init (&b, G_TYPE_STRING);
  g_value_set_string (&b, "B");

  gcoro_queue_put_async (q, &a, NULL, put_async_done, puts);
  gcoro_queue_put_async (q, &b, NULL, put_async_done, puts);   /* waits: full */
  settle_loop ();
  g_assert_cmpstr (puts->str, ==, "put ");
  gcoro_queue_get_async (q, NULL, got_async, log);
  gcoro_queue_get_async (q, NULL, got_async, log);
  gcoro_queue_get_async (q, NULL, got_async, log);
  settle_loop ();
  gcoro_queue_close (q);
  while (strlen (log->str) < strlen ("A B closed ") || strlen (puts->str) < strlen ("put put "))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (log->str, ==, "A B closed ");
  g_assert_cmpstr (puts->str, ==, "put put ");
  g_string_free (log, TRUE);
  g_string_free (puts, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/queue/pipeline", test_pipeline);
  g_test_add_func ("/gcoro/queue/close-drains-then-fails", test_close_drains_then_fails);
  g_test_add_func ("/gcoro/queue/cancelled-getter-loses-nothing", test_cancelled_getter_loses_nothing);
  g_test_add_func ("/gcoro/queue/cancelled-putter-puts-nothing", test_cancelled_putter_puts_nothing);
  g_test_add_func ("/gcoro/queue/async", test_async);

  return g_test_run ();
}

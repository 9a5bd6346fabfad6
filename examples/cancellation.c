/* cancellation.c: what cancelling a task releases
 *
 * Seed topic: tasks and their cancellation (asyncio's Task.cancel(),
 * Semaphore, Queue, TaskGroup, wait_for()).
 *
 * Four short scenes, each printing what happened:
 *  1. a bounded "fetch many": five fetchers in a task group share two
 *     semaphore permits; the group is cancelled after two results, and
 *     the permits all come back;
 *  2. a task cancelled while it waits in a queue: the next item goes to
 *     the next getter, nothing is lost;
 *  3. a task cancelled while it waits, which still says goodbye: cleanup
 *     that awaits runs inside a shielded scope;
 *  4. a timeout: gcoro_future_with_timeout() reports it only once the work
 *     it bounded has finished cleaning up.
 *
 * Run: ./cancellation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

/* --- 1. fetch many, at most two at a time ---------------------------------------- */

typedef struct
{
  GCoroSemaphore *permits;
  GCoroQueue     *results;
  GCoroPromise   *replies[5];   /* the "network": resolved by main() */
  int             started;
} Fetch;

typedef struct
{
  Fetch *fetch;
  int    n;
} Fetcher;

static void
fetcher (GCoroTask *task,
         gpointer   data)
{
  Fetcher *f = data;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) result = G_VALUE_INIT;

  if (!gcoro_semaphore_acquire (f->fetch->permits, &error))
    {
      g_print ("fetcher %d: cancelled before it got a permit\n", f->n);
      return;
    }
  g_print ("fetcher %d: fetching\n", f->n);
  f->fetch->started++;
  if (!gcoro_await (GCORO_FUTURE (f->fetch->replies[f->n]), &error))
    g_print ("fetcher %d: cancelled while fetching\n", f->n);
  else
    {
      g_value_init (&result, G_TYPE_INT);
      g_value_set_int (&result, f->n * 100);
      gcoro_queue_try_put (f->fetch->results, &result);
    }
  gcoro_semaphore_release (f->fetch->permits);
}

static void
group_ended (GObject      *group,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GError) error = NULL;

  gcoro_task_group_wait_finish (GCORO_TASK_GROUP (group), result, &error);
  g_print ("the group ended: %s\n", error != NULL ? error->message : "ok");
  *(gboolean *) data = TRUE;
}

static void
fetch_many (void)
{
  Fetch fetch = { gcoro_semaphore_new (2), gcoro_queue_new (0), { NULL, }, 0 };
  g_autoptr(GCoroTaskGroup) group = gcoro_task_group_new ();
  Fetcher fetchers[5];
  gboolean ended = FALSE;

  g_print ("-- fetch many, two at a time, cancelled after two results\n");
  for (int i = 0; i < 5; i++)
    {
      fetch.replies[i] = gcoro_promise_new ();
      fetchers[i] = (Fetcher) { &fetch, i };
      g_object_unref (gcoro_task_group_spawn (group, NULL, fetcher, &fetchers[i], NULL));
    }

  /* The replies arrive one by one, each once two fetchers are at work;
   * after two results, enough. */
  for (int i = 0; i < 2; i++)
    {
      while (fetch.started < i + 2)
        g_main_context_iteration (NULL, TRUE);
      gcoro_promise_resolve (fetch.replies[i], NULL);
      while (gcoro_queue_get_length (fetch.results) <= (guint) i)
        g_main_context_iteration (NULL, TRUE);
    }
  while (fetch.started < 4)
    g_main_context_iteration (NULL, TRUE);
  gcoro_task_group_cancel (group);
  gcoro_task_group_wait_async (group, NULL, group_ended, &ended);
  while (!ended)
    g_main_context_iteration (NULL, TRUE);

  g_print ("results: %u, permits back: %u of 2\n",
           gcoro_queue_get_length (fetch.results), gcoro_semaphore_get_value (fetch.permits));
  for (int i = 0; i < 5; i++)
    g_object_unref (fetch.replies[i]);
  g_object_unref (fetch.permits);
  g_object_unref (fetch.results);
}

/* --- 2. a cancelled getter takes nothing ------------------------------------------ */

static int getters_waiting;

static void
getter (GCoroTask *task,
        gpointer   data)
{
  g_auto(GValue) item = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  getters_waiting++;   /* the get below suspends in this same run */
  if (gcoro_queue_get (data, &item, &error))
    g_print ("%s got '%s'\n", gcoro_task_get_name (task), g_value_get_string (&item));
  else
    g_print ("%s: %s\n", gcoro_task_get_name (task), error->message);
}

static void
queue_scene (void)
{
  g_autoptr(GCoroQueue) queue = gcoro_queue_new (0);
  GCoroSpawnOptions first_opts = { .name = "first getter" };
  GCoroSpawnOptions second_opts = { .name = "second getter" };
  g_autoptr(GCoroTask) first = gcoro_spawn_full (&first_opts, getter, queue, NULL);
  g_autoptr(GCoroTask) second = NULL;
  g_auto(GValue) item = G_VALUE_INIT;

  g_print ("-- a getter cancelled while it waits\n");
  while (getters_waiting < 1)
    g_main_context_iteration (NULL, TRUE);
  gcoro_task_cancel (first);
  gcoro_run_until_complete (GCORO_FUTURE (first), NULL);

  second = gcoro_spawn_full (&second_opts, getter, queue, NULL);
  g_value_init (&item, G_TYPE_STRING);
  g_value_set_string (&item, "the only item");
  gcoro_queue_try_put (queue, &item);
  gcoro_run_until_complete (GCORO_FUTURE (second), NULL);
}

/* --- 3. goodbye from a cancelled task ---------------------------------------------- */

static void
polite (GCoroTask *task,
        gpointer   data)
{
  GCoroPromise *never = data;

  if (gcoro_await (GCORO_FUTURE (never), NULL))
    return;
  g_print ("polite: cancelled; an await now fails: %s\n", gcoro_yield (NULL) ? "no" : "yes");

  gcoro_task_shield_begin (task);
  g_print ("polite: in a shield, an await works: %s\n", gcoro_yield (NULL) ? "yes" : "no");
  g_print ("polite: goodbye sent\n");
  gcoro_task_shield_end (task);
}

static void
shield_scene (void)
{
  g_autoptr(GCoroPromise) never = gcoro_promise_new ();
  g_autoptr(GCoroTask) task = gcoro_spawn (polite, never, NULL);

  g_print ("-- cleanup after cancellation\n");
  g_main_context_iteration (NULL, FALSE);
  gcoro_task_cancel (task);
  gcoro_run_until_complete (GCORO_FUTURE (task), NULL);
  g_print ("polite ended %s\n",
           gcoro_future_get_state (GCORO_FUTURE (task)) == GCORO_FUTURE_CANCELLED ? "cancelled" : "?");
}

/* --- 4. a timeout waits for the work to stop ---------------------------------------- */

static void
slow (GCoroTask *task,
      gpointer   data)
{
  gboolean *stopped = data;
  g_autoptr(GCoroPromise) never = gcoro_promise_new ();

  if (gcoro_await (GCORO_FUTURE (never), NULL))
    return;
  gcoro_task_shield_begin (task);
  gcoro_yield (NULL);                 /* cleanup that takes a moment */
  *stopped = TRUE;
  gcoro_task_shield_end (task);
}

static void
timeout_scene (void)
{
  gboolean stopped = FALSE;
  g_autoptr(GCoroTask) task = gcoro_spawn (slow, &stopped, NULL);
  g_autoptr(GCoroFuture) limited = gcoro_future_with_timeout (GCORO_FUTURE (task), 10);
  g_autoptr(GError) error = NULL;

  g_print ("-- a timeout\n");
  gcoro_run_until_complete (limited, &error);
  g_print ("%s; the slow task had stopped by then: %s\n",
           error->message, stopped ? "yes" : "no");
}

int
main (void)
{
  fetch_many ();
  queue_scene ();
  shield_scene ();
  timeout_scene ();
  return 0;
}

/* force-iteration.c: letting new tasks start at once with gcoro_yield()
 *
 * Seed topic: "forcing an iteration of the event loop" (asyncio.sleep(0)).
 *
 * Spawning a task only queues it: it starts when the scheduler next gets
 * its turn in the main loop. create_tasks_no_yield() spawns two tasks and
 * goes on, so both start only when it finally waits for them.
 * create_tasks_yield() calls gcoro_yield() after each spawn, giving the
 * loop an iteration: each task starts (and reaches its own sleep) before
 * the spawner continues.
 *
 * Run: ./force-iteration            (delays of 1 and 2 seconds)
 *      ./force-iteration --unit=10  (a "second" lasts 10 ms)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

static int unit_msec = 1000;

/* asyncio's utils.delay(): sleep for n "seconds", say so before and after. */
static void
delay (GCoroTask *task,
       gpointer   user_data)
{
  int seconds = GPOINTER_TO_INT (user_data);
  g_autoptr(GError) error = NULL;

  g_print ("sleeping for %d second(s)\n", seconds);
  if (!gcoro_sleep (seconds * unit_msec, &error))
    return gcoro_task_return_error (task, g_steal_pointer (&error));
  g_print ("finished sleeping for %d second(s)\n", seconds);
  gcoro_task_return_int64 (task, seconds);
}

static void
wait_both (GCoroTask *first,
           GCoroTask *second)
{
  g_print ("awaiting the tasks\n");
  gcoro_await (GCORO_FUTURE (first), NULL);
  gcoro_await (GCORO_FUTURE (second), NULL);
}

static void
create_tasks_no_yield (void)
{
  g_autoptr(GCoroTask) task1 = gcoro_spawn (delay, GINT_TO_POINTER (1), NULL);
  g_autoptr(GCoroTask) task2 = gcoro_spawn (delay, GINT_TO_POINTER (2), NULL);

  wait_both (task1, task2);
}

static void
create_tasks_yield (void)
{
  g_autoptr(GCoroTask) task1 = gcoro_spawn (delay, GINT_TO_POINTER (1), NULL);
  g_autoptr(GCoroTask) task2 = NULL;

  gcoro_yield (NULL);   /* task1 starts now */
  task2 = gcoro_spawn (delay, GINT_TO_POINTER (2), NULL);
  gcoro_yield (NULL);   /* and task2 */

  wait_both (task1, task2);
}

static void
main_task (GCoroTask *task,
           gpointer   user_data)
{
  g_print ("--- without gcoro_yield() ---\n");
  create_tasks_no_yield ();
  g_print ("--- with gcoro_yield() ---\n");
  create_tasks_yield ();
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "unit", 'u', 0, G_OPTION_ARG_INT, &unit_msec, "Length of a \"second\" in milliseconds", "MSEC" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- gcoro_yield() lets new tasks start");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) ||
      !gcoro_run (main_task, NULL, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  return 0;
}

/* task-runner.c: one runner for coroutines and plain functions alike
 *
 * Seed topic: "APIs that accept both coroutines and plain functions"
 * (asyncio's TaskRunner with iscoroutinefunction() / iscoroutine()).
 *
 * The runner gets a coroutine function, an already-created task and a
 * plain function. Running it starts the coroutines first; the plain
 * function is scheduled "soon" (asyncio's call_soon()), so it runs after
 * both coroutines took their first step and went to sleep, and before they
 * wake up:
 *
 *   Coroutine running, going to sleep!
 *   Coroutine running, going to sleep!
 *   Hello from the regular function!
 *   Woke up
 *   Woke up
 *
 * Run: ./task-runner            (the coroutines sleep 1 second)
 *      ./task-runner --unit=10  (10 ms)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

static int unit_msec = 1000;

static void
coroutine_function (GCoroTask *task,
                    gpointer   user_data)
{
  g_print ("Coroutine running, going to sleep!\n");
  gcoro_sleep (unit_msec, NULL);
  g_print ("Woke up\n");
}

static gpointer
regular_function (GCancellable  *cancellable,
                  gpointer       user_data,
                  GError       **error)
{
  g_print ("Hello from the regular function!\n");
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "unit", 'u', 0, G_OPTION_ARG_INT, &unit_msec, "Length of a \"second\" in milliseconds", "MSEC" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- coroutines and functions, run alike");
  g_autoptr(GCoroTaskRunner) runner = gcoro_task_runner_new ();
  g_autoptr(GCoroTask) already_created = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* A coroutine function, ... */
  gcoro_task_runner_add_coroutine (runner, "coroutine-function", coroutine_function, NULL, NULL);
  /* ... a coroutine that already exists, ... */
  already_created = gcoro_spawn (coroutine_function, NULL, NULL);
  gcoro_task_runner_add_future (runner, GCORO_FUTURE (already_created));
  /* ... and a plain function. */
  gcoro_task_runner_add_function (runner, regular_function, NULL, NULL, NULL, GCORO_RUN_SOON);

  if (!gcoro_task_runner_run_until_complete (runner, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  return 0;
}

/* three-styles.c: one operation, written once, called three ways
 *
 * Seed topic: "APIs that accept both coroutines and plain functions" —
 * seen from the library author's side: a library cannot know whether its
 * caller is a coroutine, GIO-style callback code (or a language binding),
 * or plain blocking code, so it writes the operation once as a coroutine
 * and offers all three (docs/three-styles.md explains the pattern).
 *
 * The operation: count the lines of a file, reading it with GIO's async
 * API from a fiber task.
 *
 * Run: ./three-styles FILE
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

/* --- the operation, written once ------------------------------------------------ */

static void
count_lines_body (GCoroTask *task,
                  gpointer   user_data)
{
  GFile *file = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  gint64 lines = 0;

  res = GCORO_AWAIT_ASYNC (&error, g_file_load_contents_async, file, gcoro_get_cancellable ());
  if (res == NULL || !g_file_load_contents_finish (file, res, &contents, &length, NULL, &error))
    return gcoro_task_return_error (task, g_steal_pointer (&error));

  for (gsize i = 0; i < length; i++)
    lines += contents[i] == '\n';
  gcoro_task_return_int64 (task, lines);
}

/* (a) for C coroutines: spawn it (or call the body's steps directly). */
static GCoroTask *
count_lines (GFile *file)
{
  return gcoro_spawn (count_lines_body, g_object_ref (file), g_object_unref);
}

/* (b) GIO style, which is also what Python and JavaScript call. */
static void
count_lines_async (GFile               *file,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  gcoro_operation_start_async (file, count_lines_body, g_object_ref (file), g_object_unref,
                               cancellable, callback, user_data, count_lines_async);
}

static gint64
count_lines_finish (GAsyncResult  *result,
                    GError       **error)
{
  g_auto(GValue) value = G_VALUE_INIT;

  if (!gcoro_operation_finish (result, count_lines_async, &value, error))
    return -1;
  return g_value_get_int64 (&value);
}

/* (c) plain blocking code. */
static gint64
count_lines_sync (GFile         *file,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_auto(GValue) value = G_VALUE_INIT;

  if (!gcoro_operation_run_sync (count_lines_body, g_object_ref (file), g_object_unref,
                                 cancellable, &value, error))
    return -1;
  return g_value_get_int64 (&value);
}

/* --- three callers ----------------------------------------------------------------- */

static void
coroutine_caller (GCoroTask *task,
                  gpointer   user_data)
{
  g_autoptr(GCoroTask) op = count_lines (user_data);
  g_autoptr(GError) error = NULL;
  gint64 n = gcoro_await_int64 (GCORO_FUTURE (op), &error);

  if (error != NULL)
    g_printerr ("coroutine: %s\n", error->message);
  else
    g_print ("coroutine: %" G_GINT64_FORMAT " lines\n", n);
}

static void
counted (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GMainLoop *loop = user_data;
  g_autoptr(GError) error = NULL;
  gint64 n = count_lines_finish (result, &error);

  if (error != NULL)
    g_printerr ("callback: %s\n", error->message);
  else
    g_print ("callback: %" G_GINT64_FORMAT " lines\n", n);
  g_main_loop_quit (loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  gint64 n;

  if (argc != 2)
    {
      g_printerr ("usage: %s FILE\n", argv[0]);
      return 2;
    }
  file = g_file_new_for_commandline_arg (argv[1]);

  gcoro_run (coroutine_caller, file, NULL, NULL);

  count_lines_async (file, NULL, counted, loop);
  g_main_loop_run (loop);

  n = count_lines_sync (file, NULL, &error);
  if (error != NULL)
    {
      g_printerr ("blocking: %s\n", error->message);
      return 1;
    }
  g_print ("blocking: %" G_GINT64_FORMAT " lines\n", n);
  return 0;
}

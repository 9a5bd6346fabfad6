/* gcoro-task-runner.h: coroutines and plain functions, run alike
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include "gcoro-task.h"
#include "gcoro-thread.h"

G_BEGIN_DECLS

/**
 * GCoroRunMode:
 * @GCORO_RUN_SOON: on the runner's main loop, soon (asyncio's
 *   `call_soon()`): after the tasks started before it took their first step
 * @GCORO_RUN_IN_THREAD: in GLib's thread pool (asyncio's `to_thread()`),
 *   for blocking functions
 *
 * Where [method@GCoro.TaskRunner.add_function] runs a plain function.
 */
typedef enum
{
  GCORO_RUN_SOON,
  GCORO_RUN_IN_THREAD,
} GCoroRunMode;

/**
 * GCoroRunnerCallback:
 * @user_data: the data given with the callback
 *
 * A plain function for [method@GCoro.TaskRunner.add_callback], run soon on the
 * runner's main loop (never on another thread).
 */
typedef void (*GCoroRunnerCallback) (gpointer user_data);

#define GCORO_TYPE_TASK_RUNNER (gcoro_task_runner_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroTaskRunner, gcoro_task_runner, GCORO, TASK_RUNNER, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroTaskRunner *gcoro_task_runner_new                 (void);
GCORO_AVAILABLE_IN_ALL
void             gcoro_task_runner_add_coroutine       (GCoroTaskRunner     *self,
                                                        const char          *name,
                                                        GCoroTaskFunc        func,
                                                        gpointer             user_data,
                                                        GDestroyNotify       notify);
GCORO_AVAILABLE_IN_ALL
void             gcoro_task_runner_add_future          (GCoroTaskRunner     *self,
                                                        GCoroFuture         *future);
GCORO_AVAILABLE_IN_ALL
void             gcoro_task_runner_add_function        (GCoroTaskRunner     *self,
                                                        GCoroThreadFunc      func,
                                                        gpointer             user_data,
                                                        GDestroyNotify       notify,
                                                        GDestroyNotify       result_destroy,
                                                        GCoroRunMode         mode);
GCORO_AVAILABLE_IN_ALL
void             gcoro_task_runner_add_callback        (GCoroTaskRunner     *self,
                                                        GCoroRunnerCallback  callback,
                                                        gpointer             user_data,
                                                        GDestroyNotify       notify);
GCORO_AVAILABLE_IN_ALL
guint            gcoro_task_runner_get_n_items         (GCoroTaskRunner     *self);
GCORO_AVAILABLE_IN_ALL
GCoroFuture     *gcoro_task_runner_run                 (GCoroTaskRunner     *self);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_task_runner_run_until_complete  (GCoroTaskRunner     *self,
                                                        GError             **error);
GCORO_AVAILABLE_IN_ALL
void             gcoro_task_runner_run_async           (GCoroTaskRunner     *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_task_runner_run_finish          (GCoroTaskRunner     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_task_runner_run_sync            (GCoroTaskRunner     *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
GCORO_AVAILABLE_IN_ALL
GPtrArray       *gcoro_task_runner_get_futures         (GCoroTaskRunner     *self);

G_END_DECLS

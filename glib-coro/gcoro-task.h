/* gcoro-task.h: a future driven by a coroutine
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include "gcoro-future.h"
#include "gcoro-scheduler.h"

G_BEGIN_DECLS

#define GCORO_TYPE_TASK (gcoro_task_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroTask, gcoro_task, GCORO, TASK, GCoroFuture)

/**
 * GCoroTaskFunc:
 * @task: the running task
 * @user_data: the data given at spawn
 *
 * The body of a fiber task. It runs on the task's own stack and may suspend
 * at any call depth ([func@GCoro.await], [func@GCoro.sleep], [func@GCoro.yield], …). Set
 * the result with [method@GCoro.Task.return_value] or one of its typed siblings
 * before returning; a body that returns without setting one resolves the
 * task with no value.
 */
typedef void (*GCoroTaskFunc) (GCoroTask *task,
                               gpointer   user_data);

/**
 * GCoroStepFunc:
 * @task: the running stepped task
 * @completed: (nullable): the future the previous step returned, now
 *   settled (%NULL on the first step). When the task has been cancelled,
 *   a future cancelled with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] stands in for it.
 * @user_data: the data given at spawn
 *
 * One step of a stepped task: it runs on the scheduler's (main) stack, reads
 * the outcome of @completed, does some work, and returns what to wait for
 * next, or %NULL when the task is done (its result set with
 * [method@GCoro.Task.return_value] or a typed sibling). This is how language
 * bindings drive their own coroutines (Python's `async def`, JavaScript's
 * async functions and generators) as glib-coro tasks.
 *
 * Returns: (transfer full) (nullable): the future to wait for before the
 *   next step, or %NULL when the task is finished
 */
typedef GCoroFuture *(*GCoroStepFunc) (GCoroTask   *task,
                                       GCoroFuture *completed,
                                       gpointer     user_data);

/**
 * GCoroSpawnOptions: (skip)
 * @context: the [struct@GLib.MainContext] whose scheduler runs the task, or %NULL for
 *   the thread-default context
 * @name: (nullable): a name for debugging (copied); %NULL gives "task-N"
 * @stack_size: bytes of stack, or 0 for the default (256 KiB, or the
 *   `GCORO_STACK_SIZE` environment variable)
 * @priority: the [struct@GLib.Source] priority the task is resumed at; 0
 *   ([const@GLib.PRIORITY_DEFAULT]) means the scheduler's own priority
 * @owner: (nullable): a [class@GObject.Object] the task is tied to: when it is disposed,
 *   the task is cancelled
 *
 * How to spawn a task. Zero-initialise it and set what you need:
 *
 * |[<!-- language="C" -->
 * GCoroSpawnOptions opts = { .name = "reader", .stack_size = 1024 * 1024 };
 * g_autoptr(GCoroTask) task = gcoro_spawn_full (&opts, reader_func, data, NULL);
 * ]|
 */
typedef struct
{
  GMainContext *context;
  const char   *name;
  gsize         stack_size;
  int           priority;
  GObject      *owner;

  /*< private >*/
  gpointer      _reserved[6];
} GCoroSpawnOptions;

GCORO_AVAILABLE_IN_ALL
GCoroTask      *gcoro_spawn                (GCoroTaskFunc            func,
                                            gpointer                 user_data,
                                            GDestroyNotify           notify);
GCORO_AVAILABLE_IN_ALL
GCoroTask      *gcoro_spawn_full           (const GCoroSpawnOptions *options,
                                            GCoroTaskFunc            func,
                                            gpointer                 user_data,
                                            GDestroyNotify           notify);
GCORO_AVAILABLE_IN_ALL
GCoroTask      *gcoro_spawn_stepped        (const char              *name,
                                            GCoroStepFunc            func,
                                            gpointer                 user_data,
                                            GDestroyNotify           notify);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_detach          (GCoroTask               *task);

GCORO_AVAILABLE_IN_ALL
GCoroTask      *gcoro_task_get_current     (void);
GCORO_AVAILABLE_IN_ALL
GCancellable   *gcoro_get_cancellable      (void);

GCORO_AVAILABLE_IN_ALL
const char     *gcoro_task_get_name        (GCoroTask               *self);
GCORO_AVAILABLE_IN_ALL
GCoroScheduler *gcoro_task_get_scheduler   (GCoroTask               *self);
GCORO_AVAILABLE_IN_ALL
GCancellable   *gcoro_task_get_cancellable (GCoroTask               *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_cancel          (GCoroTask               *self);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_task_is_cancelled    (GCoroTask               *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_shield_begin    (GCoroTask               *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_shield_end      (GCoroTask               *self);

GCORO_AVAILABLE_IN_ALL
void            gcoro_task_return_value    (GCoroTask               *self,
                                            const GValue            *value);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_return_boolean  (GCoroTask               *self,
                                            gboolean                 value);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_return_int64    (GCoroTask               *self,
                                            gint64                   value);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_return_double   (GCoroTask               *self,
                                            double                   value);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_return_string   (GCoroTask               *self,
                                            const char              *value);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_return_object   (GCoroTask               *self,
                                            gpointer                 object);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_return_pointer  (GCoroTask               *self,
                                            gpointer                 pointer,
                                            GDestroyNotify           destroy);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_return_error    (GCoroTask               *self,
                                            GError                  *error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_return_new_error (GCoroTask              *self,
                                             GQuark                  domain,
                                             int                     code,
                                             const char             *format,
                                             ...) G_GNUC_PRINTF (4, 5);

G_END_DECLS

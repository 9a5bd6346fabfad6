/* gcoro-task-runner.c: coroutines and plain functions, run alike
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroTaskRunner:
 *
 * Runs a mixed list of work: coroutine functions, tasks (or any future)
 * that already exist, and plain functions, then gathers every outcome in
 * the order the items were added. It suits an
 * API that cannot know how its callers will use it:
 *
 * |[<!-- language="C" -->
 * g_autoptr(GCoroTaskRunner) runner = gcoro_task_runner_new ();
 *
 * gcoro_task_runner_add_coroutine (runner, NULL, coroutine_function, NULL, NULL);
 * gcoro_task_runner_add_future (runner, GCORO_FUTURE (already_spawned));
 * gcoro_task_runner_add_function (runner, regular_function, NULL, NULL, NULL,
 *                                 GCORO_RUN_SOON);
 * gcoro_task_runner_run_until_complete (runner, &error);
 * ]|
 *
 * Running spawns the coroutine functions (in order), then schedules the
 * plain functions: [GCORO_RUN_SOON][enum@GCoro.RunMode] ones on the loop, after the tasks took
 * their first step (asyncio's `call_soon()`); [GCORO_RUN_IN_THREAD][enum@GCoro.RunMode] ones in
 * GLib's thread pool, in a copy of the caller's context variables. Each
 * item has a future ([method@GCoro.TaskRunner.get_futures]), holding its result
 * or error; the run's future resolves once all of them have settled.
 *
 * Running comes in the three styles of docs/three-styles.md, all from one
 * implementation (the runner is glib-coro's own user of
 * [func@GCoro.operation_start_async] and [func@GCoro.operation_run_sync]):
 * [method@GCoro.TaskRunner.run] returns a future (for fiber tasks), the
 * `_async`/`_finish` pair serves callbacks and bindings, and
 * [method@GCoro.TaskRunner.run_sync] runs everything on a private context
 * without touching the caller's (so it suits items that do not need the
 * caller's loop: coroutines, plain functions, thread jobs).
 * [method@GCoro.TaskRunner.run_until_complete] instead iterates the caller's
 * thread-default context, where tasks created before may live.
 *
 * Language bindings add their callbacks with
 * [method@GCoro.TaskRunner.add_callback] (always run on the loop: Python and
 * JavaScript must not run on worker threads) and their own futures with
 * [method@GCoro.TaskRunner.add_future].
 */

#include "gcoro-config.h"

#include "gcoro-combine.h"
#include "gcoro-error.h"
#include "gcoro-await.h"
#include "gcoro-future-private.h"
#include "gcoro-operation.h"
#include "gcoro-promise.h"
#include "gcoro-run.h"
#include "gcoro-scheduler-private.h"
#include "gcoro-task-runner.h"

typedef enum
{
  ITEM_COROUTINE,
  ITEM_FUTURE,
  ITEM_FUNCTION,
  ITEM_CALLBACK,
} ItemKind;

typedef struct
{
  ItemKind        kind;
  char           *name;
  gpointer        func;
  gpointer        user_data;
  GDestroyNotify  notify;
  GDestroyNotify  result_destroy;
  GCoroRunMode    mode;
  GCoroFuture    *future;      /* set when running (ITEM_FUTURE: at once) */
} Item;

struct _GCoroTaskRunner
{
  GObject      parent_instance;
  GArray      *items;          /* Item */
  GCoroFuture *run;
};

G_DEFINE_FINAL_TYPE (GCoroTaskRunner, gcoro_task_runner, G_TYPE_OBJECT)

static void
item_clear (gpointer data)
{
  Item *item = data;

  /* Data not handed to a task or job yet is still ours. */
  if (item->notify != NULL && item->user_data != NULL)
    item->notify (item->user_data);
  g_free (item->name);
  g_clear_object (&item->future);
}

static void
gcoro_task_runner_finalize (GObject *object)
{
  GCoroTaskRunner *self = GCORO_TASK_RUNNER (object);

  g_array_unref (self->items);
  g_clear_object (&self->run);

  G_OBJECT_CLASS (gcoro_task_runner_parent_class)->finalize (object);
}

static void
gcoro_task_runner_class_init (GCoroTaskRunnerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_task_runner_finalize;
}

static void
gcoro_task_runner_init (GCoroTaskRunner *self)
{
  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, item_clear);
}

/**
 * gcoro_task_runner_new:
 *
 * Creates an empty runner.
 *
 * Returns: (transfer full): a new [class@GCoro.TaskRunner]
 */
GCoroTaskRunner *
gcoro_task_runner_new (void)
{
  return g_object_new (GCORO_TYPE_TASK_RUNNER, NULL);
}

static gboolean
check_not_running (GCoroTaskRunner *self,
                   const char      *func)
{
  if (self->run == NULL)
    return TRUE;

  g_critical ("%s(): the runner has already run; create a new one for new work", func);
  return FALSE;
}

static void
add_item (GCoroTaskRunner *self,
          Item            *item)
{
  g_array_append_vals (self->items, item, 1);
}

/**
 * gcoro_task_runner_add_coroutine: (skip)
 * @self: a [class@GCoro.TaskRunner]
 * @name: (nullable): a name for the task
 * @func: the coroutine function (a fiber task body)
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data
 *
 * Adds a coroutine function: running spawns it as a fiber task.
 */
void
gcoro_task_runner_add_coroutine (GCoroTaskRunner *self,
                                 const char      *name,
                                 GCoroTaskFunc    func,
                                 gpointer         user_data,
                                 GDestroyNotify   notify)
{
  Item item = { ITEM_COROUTINE, g_strdup (name), func, user_data, notify, NULL, 0, NULL };

  g_return_if_fail (GCORO_IS_TASK_RUNNER (self));
  g_return_if_fail (func != NULL);
  if (!check_not_running (self, G_STRFUNC))
    return;

  add_item (self, &item);
}

/**
 * gcoro_task_runner_add_future:
 * @self: a [class@GCoro.TaskRunner]
 * @future: a task that already exists, or any future
 *
 * Adds work that is already under way (asyncio's "already created
 * coroutine"): the runner waits for it with the rest.
 */
void
gcoro_task_runner_add_future (GCoroTaskRunner *self,
                              GCoroFuture     *future)
{
  Item item = { ITEM_FUTURE, NULL, NULL, NULL, NULL, NULL, 0, NULL };

  g_return_if_fail (GCORO_IS_TASK_RUNNER (self));
  g_return_if_fail (GCORO_IS_FUTURE (future));
  if (!check_not_running (self, G_STRFUNC))
    return;

  item.future = g_object_ref (future);
  add_item (self, &item);
}

/**
 * gcoro_task_runner_add_function: (skip)
 * @self: a [class@GCoro.TaskRunner]
 * @func: a plain function
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once @func has run
 * @result_destroy: (nullable): frees @func's result with its future
 * @mode: where to run @func
 *
 * Adds a plain (non-coroutine) C function, run soon on the loop or in the
 * thread pool. Its item's future holds its result or error.
 */
void
gcoro_task_runner_add_function (GCoroTaskRunner *self,
                                GCoroThreadFunc  func,
                                gpointer         user_data,
                                GDestroyNotify   notify,
                                GDestroyNotify   result_destroy,
                                GCoroRunMode     mode)
{
  Item item = { ITEM_FUNCTION, NULL, func, user_data, notify, result_destroy, mode, NULL };

  g_return_if_fail (GCORO_IS_TASK_RUNNER (self));
  g_return_if_fail (func != NULL);
  if (!check_not_running (self, G_STRFUNC))
    return;

  add_item (self, &item);
}

/**
 * gcoro_task_runner_add_callback:
 * @self: a [class@GCoro.TaskRunner]
 * @callback: (scope notified): a plain function, run soon on the loop
 * @user_data: data for @callback
 * @notify: (nullable): frees @user_data
 *
 * Adds a plain callback, run like a [GCORO_RUN_SOON][enum@GCoro.RunMode] function (always on
 * the loop: this is how Python and JavaScript add plain functions). Its
 * item's future resolves without a value once it has run.
 */
void
gcoro_task_runner_add_callback (GCoroTaskRunner     *self,
                                GCoroRunnerCallback  callback,
                                gpointer             user_data,
                                GDestroyNotify       notify)
{
  Item item = { ITEM_CALLBACK, NULL, callback, user_data, notify, NULL, GCORO_RUN_SOON, NULL };

  g_return_if_fail (GCORO_IS_TASK_RUNNER (self));
  g_return_if_fail (callback != NULL);
  if (!check_not_running (self, G_STRFUNC))
    return;

  add_item (self, &item);
}

/**
 * gcoro_task_runner_get_n_items:
 * @self: a [class@GCoro.TaskRunner]
 *
 * Gets how many items were added to @self.
 *
 * Returns: the number of items added
 */
guint
gcoro_task_runner_get_n_items (GCoroTaskRunner *self)
{
  g_return_val_if_fail (GCORO_IS_TASK_RUNNER (self), 0);

  return self->items->len;
}

/* A plain function run soon on the loop. */
typedef struct
{
  GCoroRunnable  runnable;
  Item           item;        /* a copy: owns user_data now */
  GCoroPromise  *promise;
} SoonCall;

static void
soon_call_run (GCoroRunnable *runnable)
{
  SoonCall *call = (SoonCall *) runnable;
  Item *item = &call->item;

  if (item->kind == ITEM_CALLBACK)
    {
      ((GCoroRunnerCallback) item->func) (item->user_data);
      gcoro_promise_resolve (call->promise, NULL);
    }
  else
    {
      GError *error = NULL;
      gpointer result = ((GCoroThreadFunc) item->func) (NULL, item->user_data, &error);

      if (error != NULL)
        gcoro_promise_reject (call->promise, error);
      else
        gcoro_promise_resolve_pointer (call->promise, result, item->result_destroy);
    }

  if (item->notify != NULL)
    item->notify (item->user_data);
  g_object_unref (call->promise);
  g_free (call);
}

static void
start_item (GCoroScheduler *scheduler,
            Item           *item)
{
  switch (item->kind)
    {
    case ITEM_FUTURE:
      break;

    case ITEM_COROUTINE:
      {
        GCoroSpawnOptions opts = { .name = item->name };

        item->future = GCORO_FUTURE (gcoro_spawn_full (&opts, item->func, item->user_data,
                                                       item->notify));
        item->user_data = NULL;   /* the task's now */
      }
      break;

    case ITEM_FUNCTION:
      if (item->mode == GCORO_RUN_IN_THREAD)
        {
          item->future = gcoro_run_in_thread (item->func, item->user_data, item->notify,
                                              item->result_destroy);
          item->user_data = NULL;
          break;
        }
      G_GNUC_FALLTHROUGH;

    case ITEM_CALLBACK:
    default:
      {
        SoonCall *call = g_new0 (SoonCall, 1);

        call->item = *item;
        call->item.name = NULL;
        call->item.future = NULL;
        call->promise = gcoro_promise_new ();
        call->runnable.func = soon_call_run;
        item->future = g_object_ref (GCORO_FUTURE (call->promise));
        item->user_data = NULL;
        _gcoro_scheduler_post (scheduler, _gcoro_scheduler_get_main_band (scheduler),
                               &call->runnable);
      }
      break;
    }
}

/**
 * gcoro_task_runner_run:
 * @self: a [class@GCoro.TaskRunner]
 *
 * Starts every item (coroutines first, in order, then the plain
 * functions), on the thread-default context. A runner runs once.
 *
 * Returns: (transfer full): a future that resolves (without a value) once
 *   every item has settled, whatever the outcomes
 */
GCoroFuture *
gcoro_task_runner_run (GCoroTaskRunner *self)
{
  GCoroScheduler *scheduler;
  GPtrArray *futures;

  g_return_val_if_fail (GCORO_IS_TASK_RUNNER (self), NULL);
  if (!check_not_running (self, G_STRFUNC))
    return g_object_ref (self->run);

  scheduler = gcoro_scheduler_get_default ();

  /* Coroutines and futures first, so a plain function scheduled "soon"
   * runs after the tasks took their first step, as with asyncio's
   * create_task() followed by call_soon(). */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->items->len; i++)
      {
        Item *item = &g_array_index (self->items, Item, i);
        gboolean plain = item->kind == ITEM_FUNCTION || item->kind == ITEM_CALLBACK;

        if (plain == (pass == 1))
          start_item (scheduler, item);
      }

  futures = gcoro_task_runner_get_futures (self);
  self->run = gcoro_all ((GCoroFuture **) futures->pdata, futures->len, GCORO_ALL_RETURN_ERRORS);
  g_ptr_array_unref (futures);

  return g_object_ref (self->run);
}

/* First error among the items, in the order added. */
static gboolean
items_succeeded (GCoroTaskRunner  *self,
                 GError          **error)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      GCoroFuture *f = g_array_index (self->items, Item, i).future;

      if (!gcoro_future_get_value (f, NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* The run, written once as a fiber task body. It starts the items on its
 * own context (a dispatch pushes it as thread-default), waits for all,
 * and reports the first error. */
static void
run_body (GCoroTask *task,
          gpointer   user_data)
{
  GCoroTaskRunner *self = user_data;
  g_autoptr(GCoroFuture) all = gcoro_task_runner_run (self);
  g_autoptr(GError) error = NULL;

  if (!gcoro_await (all, &error))
    {
      /* Cancelled: so are the items still running. */
      gcoro_future_cancel (all);
      return gcoro_task_return_error (task, g_steal_pointer (&error));
    }
  if (!items_succeeded (self, &error))
    return gcoro_task_return_error (task, g_steal_pointer (&error));
  gcoro_task_return_boolean (task, TRUE);
}

/**
 * gcoro_task_runner_run_async:
 * @self: a [class@GCoro.TaskRunner]
 * @cancellable: (nullable): cancels the run (and the items still running)
 * @callback: (scope async) (nullable): called once every item has settled
 * @user_data: data for @callback
 *
 * Runs every item (see [method@GCoro.TaskRunner.run]) on the caller's
 * thread-default context.
 */
void
gcoro_task_runner_run_async (GCoroTaskRunner     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (GCORO_IS_TASK_RUNNER (self));

  gcoro_operation_start_async (self, run_body, g_object_ref (self), g_object_unref,
                               cancellable, callback, user_data, gcoro_task_runner_run_async);
}

/**
 * gcoro_task_runner_run_finish:
 * @self: a [class@GCoro.TaskRunner]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for the first error, in the order added
 *
 * Finishes [method@GCoro.TaskRunner.run_async].
 *
 * Errors: the first error of the items, in the order added;
 * [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the run was cancelled.
 *
 * Returns: %TRUE if every item resolved
 */
gboolean
gcoro_task_runner_run_finish (GCoroTaskRunner  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (GCORO_IS_TASK_RUNNER (self), FALSE);

  return gcoro_operation_finish (result, gcoro_task_runner_run_async, NULL, error);
}

/**
 * gcoro_task_runner_run_sync:
 * @self: a [class@GCoro.TaskRunner]
 * @cancellable: (nullable): cancels the run, from any thread
 * @error: return location for the first error, in the order added
 *
 * Runs every item on a private [struct@GLib.MainContext] and blocks until all have
 * settled, without iterating (or re-entering) the caller's context. Items
 * that need the caller's context to progress (a task spawned there before)
 * would wait forever: use [method@GCoro.TaskRunner.run_until_complete] for those.
 *
 * Errors: the first error of the items, in the order added;
 * [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when @cancellable was cancelled.
 *
 * Returns: %TRUE if every item resolved
 */
gboolean
gcoro_task_runner_run_sync (GCoroTaskRunner  *self,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_return_val_if_fail (GCORO_IS_TASK_RUNNER (self), FALSE);

  return gcoro_operation_run_sync (run_body, g_object_ref (self), g_object_unref,
                                   cancellable, NULL, error);
}

/**
 * gcoro_task_runner_run_until_complete:
 * @self: a [class@GCoro.TaskRunner]
 * @error: return location for the first error, in the order added
 *
 * Runs every item and iterates the thread-default context until all have
 * settled (see [func@GCoro.run_until_complete] for where this may be called).
 *
 * Errors: the first error of the items, in the order added.
 *
 * Returns: %TRUE if every item resolved
 */
gboolean
gcoro_task_runner_run_until_complete (GCoroTaskRunner  *self,
                                      GError          **error)
{
  g_autoptr(GCoroFuture) run = NULL;

  g_return_val_if_fail (GCORO_IS_TASK_RUNNER (self), FALSE);

  run = gcoro_task_runner_run (self);
  if (!gcoro_run_until_complete (run, error))
    return FALSE;

  return items_succeeded (self, error);
}

/**
 * gcoro_task_runner_get_futures:
 * @self: a [class@GCoro.TaskRunner]
 *
 * Gets one future per item, in the order the items were added: each holds
 * its item's result or error once it has settled. Items not started yet
 * (before [method@GCoro.TaskRunner.run]) have none, except added futures.
 *
 * Returns: (transfer container) (element-type GCoroFuture): the futures
 */
GPtrArray *
gcoro_task_runner_get_futures (GCoroTaskRunner *self)
{
  GPtrArray *futures;

  g_return_val_if_fail (GCORO_IS_TASK_RUNNER (self), NULL);

  futures = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->items->len; i++)
    {
      GCoroFuture *f = g_array_index (self->items, Item, i).future;

      if (f != NULL)
        g_ptr_array_add (futures, g_object_ref (f));
    }
  return futures;
}

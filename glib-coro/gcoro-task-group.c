/* gcoro-task-group.c: structured concurrency
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroTaskGroup:
 *
 * A set of child tasks that live and die together, like asyncio's
 * `TaskGroup` (and trio's nurseries):
 *
 * |[<!-- language="C" -->
 * g_autoptr(GCoroTaskGroup) group = gcoro_task_group_new ();
 *
 * for (guint i = 0; i < n_urls; i++)
 *   g_object_unref (gcoro_task_group_spawn (group, NULL, fetch, urls[i], NULL));
 * if (!gcoro_task_group_wait (group, &error))   // waits for all of them
 *   ...                                          // one or more failed
 * ]|
 *
 * - Waiting for the group waits for every child, including children
 *   added while waiting. Then the group is closed: adding to it is a
 *   programming error.
 * - The first child that fails cancels all its siblings. The wait then
 *   reports every failure: the error itself if there was one, else a
 *   [GCORO_ERROR_FAILED][error@GCoro.Error] error that lists them all (and
 *   [method@GCoro.TaskGroup.get_errors] returns each). Children that were merely
 *   cancelled are not failures.
 * - Cancelling the task that waits (or the wait's [class@Gio.Cancellable]) cancels
 *   every child; the wait still returns only once they have all ended, and
 *   then fails with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum].
 *
 * Any future can be a member ([method@GCoro.TaskGroup.add]): fiber tasks from
 * C, stepped tasks from bindings. Used from the thread of its scheduler.
 */

#include "gcoro-config.h"

#include "gcoro-async-result-private.h"
#include "gcoro-await.h"
#include "gcoro-error.h"
#include "gcoro-future-private.h"
#include "gcoro-promise.h"
#include "gcoro-task-group.h"
#include "gcoro-task-private.h"

struct _GCoroTaskGroup
{
  GObject         parent_instance;
  GCoroScheduler *scheduler;
  GPtrArray      *members;     /* every future ever added */
  GPtrArray      *errors;      /* GError *, in the order the failures happened */
  GCoroPromise   *idle;        /* resolved when n_pending drops to 0 */
  guint           n_pending;
  gboolean        closed;
  gboolean        failing;
};

typedef struct
{
  GCoroWaiter     base;
  GCoroTaskGroup *group;       /* a reference while listed or in flight */
} MemberWaiter;

G_DEFINE_FINAL_TYPE (GCoroTaskGroup, gcoro_task_group, G_TYPE_OBJECT)

static void
gcoro_task_group_finalize (GObject *object)
{
  GCoroTaskGroup *self = GCORO_TASK_GROUP (object);

  g_ptr_array_unref (self->members);
  g_ptr_array_unref (self->errors);
  g_clear_object (&self->idle);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (gcoro_task_group_parent_class)->finalize (object);
}

static void
gcoro_task_group_class_init (GCoroTaskGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_task_group_finalize;
}

static void
gcoro_task_group_init (GCoroTaskGroup *self)
{
  self->members = g_ptr_array_new_with_free_func (g_object_unref);
  self->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  self->scheduler = g_object_ref (gcoro_scheduler_get_default ());
}

/**
 * gcoro_task_group_new:
 *
 * Creates an empty, open task group.
 *
 * Returns: (transfer full): a new [class@GCoro.TaskGroup]
 */
GCoroTaskGroup *
gcoro_task_group_new (void)
{
  return g_object_new (GCORO_TYPE_TASK_GROUP, NULL);
}

/**
 * gcoro_task_group_cancel:
 * @self: a [class@GCoro.TaskGroup]
 *
 * Cancels every member that has not ended.
 */
void
gcoro_task_group_cancel (GCoroTaskGroup *self)
{
  g_return_if_fail (GCORO_IS_TASK_GROUP (self));

  for (guint i = 0; i < self->members->len; i++)
    gcoro_future_cancel (g_ptr_array_index (self->members, i));
}

static void
member_settled (GCoroWaiter *base,
                GCoroFuture *member)
{
  MemberWaiter *mw = (MemberWaiter *) base;
  GCoroTaskGroup *self = mw->group;

  if (gcoro_future_get_state (member) == GCORO_FUTURE_REJECTED)
    {
      g_ptr_array_add (self->errors, g_error_copy (gcoro_future_peek_error (member)));
      if (!self->failing)
        {
          self->failing = TRUE;
          gcoro_task_group_cancel (self);
        }
    }

  if (--self->n_pending == 0 && self->idle != NULL)
    {
      gcoro_promise_resolve (self->idle, NULL);
      g_clear_object (&self->idle);
    }

  g_free (mw);
  g_object_unref (self);
}

/**
 * gcoro_task_group_add:
 * @self: a [class@GCoro.TaskGroup]
 * @future: a task (or any future) to make a member
 *
 * Makes @future a member of @self: waiting for the group waits for it, its
 * failure cancels the other members, and cancelling the group cancels it.
 * A member added after a failure is cancelled at once. Adding to a closed
 * group is a programming error.
 *
 * Returns: %TRUE if @future was added
 */
gboolean
gcoro_task_group_add (GCoroTaskGroup *self,
                      GCoroFuture    *future)
{
  MemberWaiter *mw;

  g_return_val_if_fail (GCORO_IS_TASK_GROUP (self), FALSE);
  g_return_val_if_fail (GCORO_IS_FUTURE (future), FALSE);

  if (self->closed)
    {
      g_critical ("%s(): the task group is closed (its wait has returned); "
                  "create a new group for new work", G_STRFUNC);
      return FALSE;
    }

  g_ptr_array_add (self->members, g_object_ref (future));
  self->n_pending++;

  mw = g_new0 (MemberWaiter, 1);
  mw->base.scheduler = self->scheduler;
  mw->base.band = _gcoro_scheduler_get_main_band (self->scheduler);
  mw->base.func = member_settled;
  mw->group = g_object_ref (self);
  if (!_gcoro_future_add_waiter (future, &mw->base))
    member_settled (&mw->base, future);
  else if (self->failing)
    gcoro_future_cancel (future);

  return TRUE;
}

/**
 * gcoro_task_group_spawn: (skip)
 * @self: a [class@GCoro.TaskGroup]
 * @options: (nullable): how to spawn, or %NULL for the defaults
 * @func: the body of the task
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data once the task has ended
 *
 * Spawns a fiber task (see [func@GCoro.spawn_full]) as a member of @self.
 *
 * Returns: (transfer full) (nullable): the task, or %NULL if @self is
 *   closed
 */
GCoroTask *
gcoro_task_group_spawn (GCoroTaskGroup          *self,
                        const GCoroSpawnOptions *options,
                        GCoroTaskFunc            func,
                        gpointer                 user_data,
                        GDestroyNotify           notify)
{
  GCoroTask *task;

  g_return_val_if_fail (GCORO_IS_TASK_GROUP (self), NULL);

  if (self->closed)
    {
      g_critical ("%s(): the task group is closed (its wait has returned); "
                  "create a new group for new work", G_STRFUNC);
      return NULL;
    }

  task = gcoro_spawn_full (options, func, user_data, notify);
  if (task != NULL)
    gcoro_task_group_add (self, GCORO_FUTURE (task));
  return task;
}

/**
 * gcoro_task_group_get_n_pending:
 * @self: a [class@GCoro.TaskGroup]
 *
 * Gets how many members of @self have not ended yet.
 *
 * Returns: the number of members that have not ended
 */
guint
gcoro_task_group_get_n_pending (GCoroTaskGroup *self)
{
  g_return_val_if_fail (GCORO_IS_TASK_GROUP (self), 0);

  return self->n_pending;
}

/**
 * gcoro_task_group_is_closed:
 * @self: a [class@GCoro.TaskGroup]
 *
 * Tells whether @self takes no more members.
 *
 * Returns: %TRUE once a wait for @self has returned
 */
gboolean
gcoro_task_group_is_closed (GCoroTaskGroup *self)
{
  g_return_val_if_fail (GCORO_IS_TASK_GROUP (self), FALSE);

  return self->closed;
}

/**
 * gcoro_task_group_get_errors:
 * @self: a [class@GCoro.TaskGroup]
 *
 * Lists the failures of members so far, in the order they happened.
 *
 * Returns: (transfer container) (element-type GLib.Error): the errors
 */
GPtrArray *
gcoro_task_group_get_errors (GCoroTaskGroup *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (GCORO_IS_TASK_GROUP (self), NULL);

  copy = g_ptr_array_new_full (self->errors->len, (GDestroyNotify) g_error_free);
  for (guint i = 0; i < self->errors->len; i++)
    g_ptr_array_add (copy, g_error_copy (g_ptr_array_index (self->errors, i)));
  return copy;
}

/* The future that settles when no member is pending (a new reference). */
static GCoroFuture *
idle_future (GCoroTaskGroup *self)
{
  if (self->idle == NULL)
    self->idle = gcoro_promise_new ();
  return g_object_ref (GCORO_FUTURE (self->idle));
}

/* Closes the group and says how it went. */
static gboolean
finish (GCoroTaskGroup  *self,
        gboolean         cancelled,
        GError         **error)
{
  self->closed = TRUE;

  if (self->errors->len == 1)
    {
      g_propagate_error (error, g_error_copy (g_ptr_array_index (self->errors, 0)));
      return FALSE;
    }
  if (self->errors->len > 1)
    {
      GString *msg = g_string_new (NULL);

      g_string_printf (msg, "%u tasks of the group failed:", self->errors->len);
      for (guint i = 0; i < self->errors->len; i++)
        g_string_append_printf (msg, "%s %s", i ? ";" : "",
                                ((GError *) g_ptr_array_index (self->errors, i))->message);
      g_set_error_literal (error, GCORO_ERROR, GCORO_ERROR_FAILED, msg->str);
      g_string_free (msg, TRUE);
      return FALSE;
    }
  if (cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "The task group was cancelled");
      return FALSE;
    }
  return TRUE;
}

/**
 * gcoro_task_group_wait: (skip)
 * @self: a [class@GCoro.TaskGroup]
 * @error: return location for a [struct@GLib.Error]
 *
 * Suspends the calling fiber task until every member has ended, then
 * closes @self. If the calling task is cancelled meanwhile, every member
 * is cancelled and still waited for. Binding twin:
 * [method@GCoro.TaskGroup.wait_async].
 *
 * Errors: the error of the one member that failed; [GCORO_ERROR_FAILED][error@GCoro.Error]
 * listing them when several failed; [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum] when the wait was
 * cancelled.
 *
 * Returns: %TRUE if no member failed and the wait was not cancelled
 */
gboolean
gcoro_task_group_wait (GCoroTaskGroup  *self,
                       GError         **error)
{
  GCoroTask *task;
  gboolean cancelled = FALSE;

  g_return_val_if_fail (GCORO_IS_TASK_GROUP (self), FALSE);

  task = _gcoro_task_require_current (G_STRFUNC, "gcoro_task_group_wait_async()");
  if (task == NULL)
    return FALSE;

  while (self->n_pending > 0)
    {
      g_autoptr(GCoroFuture) idle = idle_future (self);

      if (cancelled)
        _gcoro_task_wait_uncancellable (task, idle);
      else if (!gcoro_await (idle, NULL))
        {
          cancelled = TRUE;
          gcoro_task_group_cancel (self);
        }
    }

  return finish (self, cancelled, error);
}

/* The async twin is a fiber task that waits for the members; cancelling
 * it cancels the members and still waits (so it works even when the
 * cancellation comes before the task first ran). */
typedef struct
{
  GCoroTaskGroup *group;
  gboolean        cancelled;
} GroupWait;

static void
group_wait_free (gpointer data)
{
  GroupWait *gw = data;

  g_object_unref (gw->group);
  g_free (gw);
}

static void
group_wait_body (GCoroTask *task,
                 gpointer   data)
{
  GroupWait *gw = data;
  GError *error = NULL;

  while (gw->group->n_pending > 0)
    {
      g_autoptr(GCoroFuture) idle = idle_future (gw->group);

      _gcoro_task_wait_uncancellable (task, idle);
    }
  if (finish (gw->group, gw->cancelled, &error))
    gcoro_task_return_boolean (task, TRUE);
  else
    gcoro_task_return_error (task, error);
}

static void
group_wait_cancel (GCoroAsyncResult *result,
                   GCoroFuture      *future,
                   gpointer          data)
{
  GroupWait *gw = data;

  gw->cancelled = TRUE;
  gcoro_task_group_cancel (gw->group);
}

/**
 * gcoro_task_group_wait_async:
 * @self: a [class@GCoro.TaskGroup]
 * @cancellable: (nullable): cancels every member (the wait still lasts
 *   until they have ended)
 * @callback: (scope async) (nullable): called once every member has ended
 * @user_data: data for @callback
 *
 * Waits for every member to end, then closes @self.
 */
void
gcoro_task_group_wait_async (GCoroTaskGroup      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GroupWait *gw;

  g_return_if_fail (GCORO_IS_TASK_GROUP (self));

  gw = g_new0 (GroupWait, 1);
  gw->group = g_object_ref (self);
  _gcoro_async_start_task (self, group_wait_body, gw, group_wait_free, group_wait_cancel,
                           cancellable, callback, user_data, gcoro_task_group_wait_async);
}

/**
 * gcoro_task_group_wait_finish:
 * @self: a [class@GCoro.TaskGroup]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Finishes [method@GCoro.TaskGroup.wait_async].
 *
 * Errors: those of [method@GCoro.TaskGroup.wait].
 *
 * Returns: %TRUE if no member failed and the wait was not cancelled
 */
gboolean
gcoro_task_group_wait_finish (GCoroTaskGroup  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (GCORO_IS_TASK_GROUP (self), FALSE);

  return _gcoro_async_finish (result, self, gcoro_task_group_wait_async, NULL, error);
}

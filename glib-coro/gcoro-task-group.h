/* gcoro-task-group.h: structured concurrency
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include "gcoro-task.h"

G_BEGIN_DECLS

#define GCORO_TYPE_TASK_GROUP (gcoro_task_group_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroTaskGroup, gcoro_task_group, GCORO, TASK_GROUP, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroTaskGroup *gcoro_task_group_new         (void);
GCORO_AVAILABLE_IN_ALL
GCoroTask      *gcoro_task_group_spawn       (GCoroTaskGroup          *self,
                                              const GCoroSpawnOptions *options,
                                              GCoroTaskFunc            func,
                                              gpointer                 user_data,
                                              GDestroyNotify           notify);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_task_group_add         (GCoroTaskGroup          *self,
                                              GCoroFuture             *future);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_group_cancel      (GCoroTaskGroup          *self);
GCORO_AVAILABLE_IN_ALL
guint           gcoro_task_group_get_n_pending (GCoroTaskGroup        *self);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_task_group_is_closed   (GCoroTaskGroup          *self);
GCORO_AVAILABLE_IN_ALL
GPtrArray      *gcoro_task_group_get_errors  (GCoroTaskGroup          *self);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_task_group_wait        (GCoroTaskGroup          *self,
                                              GError                 **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_task_group_wait_async  (GCoroTaskGroup          *self,
                                              GCancellable            *cancellable,
                                              GAsyncReadyCallback      callback,
                                              gpointer                 user_data);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_task_group_wait_finish (GCoroTaskGroup          *self,
                                              GAsyncResult            *result,
                                              GError                 **error);

G_END_DECLS

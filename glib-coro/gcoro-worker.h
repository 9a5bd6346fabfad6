/* gcoro-worker.h: a thread with its own context and scheduler
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

#define GCORO_TYPE_WORKER (gcoro_worker_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroWorker, gcoro_worker, GCORO, WORKER, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroWorker    *gcoro_worker_new              (const char              *name,
                                               GError                 **error);
GCORO_AVAILABLE_IN_ALL
const char     *gcoro_worker_get_name         (GCoroWorker             *self);
GCORO_AVAILABLE_IN_ALL
GMainContext   *gcoro_worker_get_context      (GCoroWorker             *self);
GCORO_AVAILABLE_IN_ALL
GCoroScheduler *gcoro_worker_get_scheduler    (GCoroWorker             *self);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_worker_is_running       (GCoroWorker             *self);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_worker_is_worker_thread (GCoroWorker             *self);

GCORO_AVAILABLE_IN_ALL
GCoroFuture    *gcoro_worker_spawn            (GCoroWorker             *self,
                                               GCoroTaskFunc            func,
                                               gpointer                 user_data,
                                               GDestroyNotify           notify);
GCORO_AVAILABLE_IN_ALL
GCoroFuture    *gcoro_worker_spawn_full       (GCoroWorker             *self,
                                               const GCoroSpawnOptions *options,
                                               GCoroTaskFunc            func,
                                               gpointer                 user_data,
                                               GDestroyNotify           notify);
GCORO_AVAILABLE_IN_ALL
GCoroFuture    *gcoro_worker_spawn_stepped    (GCoroWorker             *self,
                                               const char              *name,
                                               GCoroStepFunc            func,
                                               gpointer                 user_data,
                                               GDestroyNotify           notify);

GCORO_AVAILABLE_IN_ALL
void            gcoro_worker_request_stop     (GCoroWorker             *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_worker_join             (GCoroWorker             *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_worker_stop             (GCoroWorker             *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_worker_stop_async       (GCoroWorker             *self,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_worker_stop_finish      (GCoroWorker             *self,
                                               GAsyncResult            *result,
                                               GError                 **error);

G_END_DECLS

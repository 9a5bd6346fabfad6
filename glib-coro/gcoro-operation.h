/* gcoro-operation.h: one coroutine, three calling styles
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

GCORO_AVAILABLE_IN_ALL
void     gcoro_operation_start_async  (gpointer              source_object,
                                       GCoroTaskFunc         func,
                                       gpointer              user_data,
                                       GDestroyNotify        notify,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              callback_data,
                                       gpointer              source_tag);
GCORO_AVAILABLE_IN_ALL
gboolean gcoro_operation_finish       (GAsyncResult         *result,
                                       gpointer              source_tag,
                                       GValue               *value,
                                       GError              **error);
GCORO_AVAILABLE_IN_ALL
gpointer gcoro_operation_finish_pointer (GAsyncResult       *result,
                                         gpointer            source_tag,
                                         GError            **error);
GCORO_AVAILABLE_IN_ALL
gboolean gcoro_operation_run_sync     (GCoroTaskFunc         func,
                                       gpointer              user_data,
                                       GDestroyNotify        notify,
                                       GCancellable         *cancellable,
                                       GValue               *value,
                                       GError              **error);

G_END_DECLS

/* gcoro-condition.h: waiting for a state change under a lock
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include "gcoro-lock.h"

G_BEGIN_DECLS

#define GCORO_TYPE_CONDITION (gcoro_condition_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroCondition, gcoro_condition, GCORO, CONDITION, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroCondition *gcoro_condition_new         (GCoroLock            *lock);
GCORO_AVAILABLE_IN_ALL
GCoroLock      *gcoro_condition_get_lock    (GCoroCondition       *self);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_condition_wait        (GCoroCondition       *self,
                                             GError              **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_condition_wait_async  (GCoroCondition       *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_condition_wait_finish (GCoroCondition       *self,
                                             GAsyncResult         *result,
                                             GError              **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_condition_notify      (GCoroCondition       *self,
                                             guint                 n);
GCORO_AVAILABLE_IN_ALL
void            gcoro_condition_notify_all  (GCoroCondition       *self);

G_END_DECLS

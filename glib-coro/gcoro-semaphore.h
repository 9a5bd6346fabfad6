/* gcoro-semaphore.h: counting permits for tasks
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcoro-version-macros.h"

G_BEGIN_DECLS

#define GCORO_TYPE_SEMAPHORE (gcoro_semaphore_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroSemaphore, gcoro_semaphore, GCORO, SEMAPHORE, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroSemaphore *gcoro_semaphore_new            (guint                 value);
GCORO_AVAILABLE_IN_ALL
GCoroSemaphore *gcoro_semaphore_new_bounded    (guint                 value);
GCORO_AVAILABLE_IN_ALL
guint           gcoro_semaphore_get_value      (GCoroSemaphore       *self);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_semaphore_try_acquire    (GCoroSemaphore       *self);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_semaphore_acquire        (GCoroSemaphore       *self,
                                                GError              **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_semaphore_acquire_async  (GCoroSemaphore       *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_semaphore_acquire_finish (GCoroSemaphore       *self,
                                                GAsyncResult         *result,
                                                GError              **error);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_semaphore_release        (GCoroSemaphore       *self);

G_END_DECLS

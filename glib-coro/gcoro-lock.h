/* gcoro-lock.h: an async mutex, FIFO-fair
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

#define GCORO_TYPE_LOCK (gcoro_lock_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroLock, gcoro_lock, GCORO, LOCK, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroLock *gcoro_lock_new            (void);
GCORO_AVAILABLE_IN_ALL
gboolean   gcoro_lock_is_locked      (GCoroLock            *self);
GCORO_AVAILABLE_IN_ALL
gboolean   gcoro_lock_try_acquire    (GCoroLock            *self);
GCORO_AVAILABLE_IN_ALL
gboolean   gcoro_lock_acquire        (GCoroLock            *self,
                                      GError              **error);
GCORO_AVAILABLE_IN_ALL
void       gcoro_lock_acquire_async  (GCoroLock            *self,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean   gcoro_lock_acquire_finish (GCoroLock            *self,
                                      GAsyncResult         *result,
                                      GError              **error);
GCORO_AVAILABLE_IN_ALL
void       gcoro_lock_release        (GCoroLock            *self);

G_END_DECLS

/* gcoro-barrier.h: a meeting point for a number of tasks
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

#define GCORO_TYPE_BARRIER (gcoro_barrier_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroBarrier, gcoro_barrier, GCORO, BARRIER, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroBarrier *gcoro_barrier_new           (guint                 parties);
GCORO_AVAILABLE_IN_ALL
guint         gcoro_barrier_get_parties   (GCoroBarrier         *self);
GCORO_AVAILABLE_IN_ALL
guint         gcoro_barrier_get_n_waiting (GCoroBarrier         *self);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_barrier_is_broken     (GCoroBarrier         *self);
GCORO_AVAILABLE_IN_ALL
int           gcoro_barrier_wait          (GCoroBarrier         *self,
                                           GError              **error);
GCORO_AVAILABLE_IN_ALL
void          gcoro_barrier_wait_async    (GCoroBarrier         *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
int           gcoro_barrier_wait_finish   (GCoroBarrier         *self,
                                           GAsyncResult         *result,
                                           GError              **error);
GCORO_AVAILABLE_IN_ALL
void          gcoro_barrier_abort         (GCoroBarrier         *self);

G_END_DECLS

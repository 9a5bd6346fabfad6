/* gcoro-queue.h: a FIFO channel between tasks
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

#define GCORO_TYPE_QUEUE (gcoro_queue_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroQueue, gcoro_queue, GCORO, QUEUE, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroQueue *gcoro_queue_new          (guint                 max_size);
GCORO_AVAILABLE_IN_ALL
guint       gcoro_queue_get_length   (GCoroQueue           *self);
GCORO_AVAILABLE_IN_ALL
guint       gcoro_queue_get_max_size (GCoroQueue           *self);
GCORO_AVAILABLE_IN_ALL
gboolean    gcoro_queue_is_closed    (GCoroQueue           *self);
GCORO_AVAILABLE_IN_ALL
void        gcoro_queue_close        (GCoroQueue           *self);

GCORO_AVAILABLE_IN_ALL
gboolean    gcoro_queue_try_put      (GCoroQueue           *self,
                                      const GValue         *item);
GCORO_AVAILABLE_IN_ALL
gboolean    gcoro_queue_put          (GCoroQueue           *self,
                                      const GValue         *item,
                                      GError              **error);
GCORO_AVAILABLE_IN_ALL
void        gcoro_queue_put_async    (GCoroQueue           *self,
                                      const GValue         *item,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean    gcoro_queue_put_finish   (GCoroQueue           *self,
                                      GAsyncResult         *result,
                                      GError              **error);

GCORO_AVAILABLE_IN_ALL
gboolean    gcoro_queue_try_get      (GCoroQueue           *self,
                                      GValue               *item);
GCORO_AVAILABLE_IN_ALL
gboolean    gcoro_queue_get          (GCoroQueue           *self,
                                      GValue               *item,
                                      GError              **error);
GCORO_AVAILABLE_IN_ALL
void        gcoro_queue_get_async    (GCoroQueue           *self,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean    gcoro_queue_get_finish   (GCoroQueue           *self,
                                      GAsyncResult         *result,
                                      GValue               *item,
                                      GError              **error);

G_END_DECLS

/* gcoro-sleep.h: suspending for a while
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

GCORO_AVAILABLE_IN_ALL
gboolean gcoro_sleep         (guint                 msec,
                              GError              **error);
GCORO_AVAILABLE_IN_ALL
gboolean gcoro_sleep_until   (gint64                deadline,
                              GError              **error);
GCORO_AVAILABLE_IN_ALL
void     gcoro_sleep_async   (guint                 msec,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean gcoro_sleep_finish  (GAsyncResult         *result,
                              GError              **error);

G_END_DECLS

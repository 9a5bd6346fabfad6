/* gcoro-yield.h: giving the main loop a turn
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
gboolean gcoro_yield              (GError              **error);
GCORO_AVAILABLE_IN_ALL
gboolean gcoro_idle_yield         (GError              **error);

GCORO_AVAILABLE_IN_ALL
void     gcoro_yield_async        (GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean gcoro_yield_finish       (GAsyncResult         *result,
                                   GError              **error);
GCORO_AVAILABLE_IN_ALL
void     gcoro_idle_yield_async   (GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean gcoro_idle_yield_finish  (GAsyncResult         *result,
                                   GError              **error);

G_END_DECLS

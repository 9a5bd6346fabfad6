/* gcoro-run.h: driving futures to completion from plain code
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
gboolean gcoro_run_until_complete (GCoroFuture    *future,
                                   GError        **error);
GCORO_AVAILABLE_IN_ALL
gboolean gcoro_run                (GCoroTaskFunc   func,
                                   gpointer        user_data,
                                   GValue         *value,
                                   GError        **error);

G_END_DECLS

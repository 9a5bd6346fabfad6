/* gcoro-timeout.h: a deadline for a block of code
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <glib.h>

#include "gcoro-version-macros.h"

G_BEGIN_DECLS

/**
 * GCoroTimeoutScope: (skip)
 *
 * An open deadline in the running fiber task; see
 * [func@GCoro.TimeoutScope.enter].
 */
typedef struct _GCoroTimeoutScope GCoroTimeoutScope;

GCORO_AVAILABLE_IN_ALL
GCoroTimeoutScope *gcoro_timeout_scope_enter       (guint               timeout_msec);
GCORO_AVAILABLE_IN_ALL
gboolean           gcoro_timeout_scope_leave       (GCoroTimeoutScope  *scope,
                                                    GError            **error);
GCORO_AVAILABLE_IN_ALL
gboolean           gcoro_timeout_scope_has_expired (GCoroTimeoutScope  *scope);

G_END_DECLS

/* gcoro-cancellable-awaitable.h: awaiting a GCancellable
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcoro-awaitable.h"

G_BEGIN_DECLS

#define GCORO_TYPE_CANCELLABLE_AWAITABLE (gcoro_cancellable_awaitable_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroCancellableAwaitable, gcoro_cancellable_awaitable,
                      GCORO, CANCELLABLE_AWAITABLE, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroCancellableAwaitable *gcoro_cancellable_awaitable_new             (GCancellable              *cancellable);
GCORO_AVAILABLE_IN_ALL
GCancellable              *gcoro_cancellable_awaitable_get_cancellable (GCoroCancellableAwaitable *self);

G_END_DECLS

/* gcoro-await.h: suspending the current fiber task until a future settles
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include "gcoro-future.h"

G_BEGIN_DECLS

GCORO_AVAILABLE_IN_ALL
gboolean  gcoro_await          (GCoroFuture  *future,
                                GError      **error);
GCORO_AVAILABLE_IN_ALL
gboolean  gcoro_await_timeout  (GCoroFuture  *future,
                                guint         timeout_msec,
                                GError      **error);
GCORO_AVAILABLE_IN_ALL
gboolean  gcoro_await_value    (GCoroFuture  *future,
                                GValue       *value,
                                GError      **error);
GCORO_AVAILABLE_IN_ALL
gboolean  gcoro_await_boolean  (GCoroFuture  *future,
                                GError      **error);
GCORO_AVAILABLE_IN_ALL
gint64    gcoro_await_int64    (GCoroFuture  *future,
                                GError      **error);
GCORO_AVAILABLE_IN_ALL
double    gcoro_await_double   (GCoroFuture  *future,
                                GError      **error);
GCORO_AVAILABLE_IN_ALL
char     *gcoro_await_string   (GCoroFuture  *future,
                                GError      **error);
GCORO_AVAILABLE_IN_ALL
gpointer  gcoro_await_object   (GCoroFuture  *future,
                                GError      **error);
GCORO_AVAILABLE_IN_ALL
gpointer  gcoro_await_pointer  (GCoroFuture  *future,
                                GError      **error);
GCORO_AVAILABLE_IN_ALL
gboolean  gcoro_await_awaitable (gpointer      awaitable,
                                 GValue       *value,
                                 GError      **error);

G_END_DECLS

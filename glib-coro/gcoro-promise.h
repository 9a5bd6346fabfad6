/* gcoro-promise.h: a future settled by hand, from any thread
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

#define GCORO_TYPE_PROMISE (gcoro_promise_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroPromise, gcoro_promise, GCORO, PROMISE, GCoroFuture)

GCORO_AVAILABLE_IN_ALL
GCoroPromise *gcoro_promise_new             (void);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_promise_resolve         (GCoroPromise   *self,
                                             const GValue   *value);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_promise_resolve_boolean (GCoroPromise   *self,
                                             gboolean        value);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_promise_resolve_int64   (GCoroPromise   *self,
                                             gint64          value);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_promise_resolve_double  (GCoroPromise   *self,
                                             double          value);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_promise_resolve_string  (GCoroPromise   *self,
                                             const char     *value);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_promise_resolve_object  (GCoroPromise   *self,
                                             gpointer        object);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_promise_resolve_pointer (GCoroPromise   *self,
                                             gpointer        pointer,
                                             GDestroyNotify  destroy);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_promise_reject          (GCoroPromise   *self,
                                             GError         *error);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_promise_reject_literal  (GCoroPromise   *self,
                                             GQuark          domain,
                                             int             code,
                                             const char     *message);

GCORO_AVAILABLE_IN_ALL
void          gcoro_promise_async_ready_callback (GObject      *source_object,
                                                  GAsyncResult *result,
                                                  gpointer      user_data);

G_END_DECLS

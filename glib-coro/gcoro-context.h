/* gcoro-context.h: an immutable mapping of context variables (PEP 567)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include "gcoro-context-var.h"

G_BEGIN_DECLS

#define GCORO_TYPE_CONTEXT (gcoro_context_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroContext, gcoro_context, GCORO, CONTEXT, GObject)

/**
 * GCoroContextFunc:
 * @user_data: the data given to [method@GCoro.Context.run]
 *
 * A function run inside a context.
 */
typedef void (*GCoroContextFunc) (gpointer user_data);

GCORO_AVAILABLE_IN_ALL
GCoroContext *gcoro_context_new          (void);
GCORO_AVAILABLE_IN_ALL
GCoroContext *gcoro_context_copy_current (void);
GCORO_AVAILABLE_IN_ALL
GCoroContext *gcoro_context_copy         (GCoroContext     *self);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_context_run          (GCoroContext     *self,
                                          GCoroContextFunc  func,
                                          gpointer          user_data,
                                          GError          **error);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_context_is_entered   (GCoroContext     *self);
GCORO_AVAILABLE_IN_ALL
guint         gcoro_context_get_length   (GCoroContext     *self);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_context_contains     (GCoroContext     *self,
                                          GCoroContextVar  *var);
GCORO_AVAILABLE_IN_ALL
gboolean      gcoro_context_lookup       (GCoroContext     *self,
                                          GCoroContextVar  *var,
                                          GValue           *value);
GCORO_AVAILABLE_IN_ALL
GPtrArray    *gcoro_context_list_vars    (GCoroContext     *self);

G_END_DECLS

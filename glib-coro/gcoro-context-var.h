/* gcoro-context-var.h: task-scoped variables (PEP 567)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <glib-object.h>

#include "gcoro-version-macros.h"

G_BEGIN_DECLS

#define GCORO_TYPE_CONTEXT_VAR (gcoro_context_var_get_type ())
#define GCORO_TYPE_TOKEN       (gcoro_token_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroContextVar, gcoro_context_var, GCORO, CONTEXT_VAR, GObject)

/**
 * GCoroToken:
 *
 * What [method@GCoro.ContextVar.set] returns: the means to undo that set with
 * [method@GCoro.ContextVar.reset], once, in the same context. Like Python's
 * `contextvars.Token`. A reference-counted boxed type (cheap: every set
 * makes one).
 */
typedef struct _GCoroToken GCoroToken;

GCORO_AVAILABLE_IN_ALL
GType            gcoro_token_get_type           (void) G_GNUC_CONST;
GCORO_AVAILABLE_IN_ALL
GCoroToken      *gcoro_token_ref                (GCoroToken      *self);
GCORO_AVAILABLE_IN_ALL
void             gcoro_token_unref              (GCoroToken      *self);

GCORO_AVAILABLE_IN_ALL
GCoroContextVar *gcoro_context_var_new          (const char      *name);
GCORO_AVAILABLE_IN_ALL
GCoroContextVar *gcoro_context_var_new_with_default (const char   *name,
                                                     const GValue *default_value);
GCORO_AVAILABLE_IN_ALL
const char      *gcoro_context_var_get_name     (GCoroContextVar *self);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_context_var_get_default  (GCoroContextVar *self,
                                                 GValue          *value);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_context_var_get          (GCoroContextVar *self,
                                                 GValue          *value,
                                                 GError         **error);
GCORO_AVAILABLE_IN_ALL
void             gcoro_context_var_get_or       (GCoroContextVar *self,
                                                 const GValue    *fallback,
                                                 GValue          *value);
GCORO_AVAILABLE_IN_ALL
const GValue    *gcoro_context_var_peek         (GCoroContextVar *self);
GCORO_AVAILABLE_IN_ALL
GCoroToken      *gcoro_context_var_set          (GCoroContextVar *self,
                                                 const GValue    *value);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_context_var_reset        (GCoroContextVar *self,
                                                 GCoroToken      *token,
                                                 GError         **error);

GCORO_AVAILABLE_IN_ALL
gpointer         gcoro_context_var_get_pointer  (GCoroContextVar *self);
GCORO_AVAILABLE_IN_ALL
gpointer         gcoro_context_var_dup_object   (GCoroContextVar *self);
GCORO_AVAILABLE_IN_ALL
char            *gcoro_context_var_dup_string   (GCoroContextVar *self);
GCORO_AVAILABLE_IN_ALL
gint64           gcoro_context_var_get_int64    (GCoroContextVar *self,
                                                 gint64           fallback);
GCORO_AVAILABLE_IN_ALL
GCoroToken      *gcoro_context_var_set_pointer  (GCoroContextVar *self,
                                                 gpointer         pointer,
                                                 GDestroyNotify   destroy);
GCORO_AVAILABLE_IN_ALL
GCoroToken      *gcoro_context_var_set_object   (GCoroContextVar *self,
                                                 gpointer         object);
GCORO_AVAILABLE_IN_ALL
GCoroToken      *gcoro_context_var_set_string   (GCoroContextVar *self,
                                                 const char      *value);
GCORO_AVAILABLE_IN_ALL
GCoroToken      *gcoro_context_var_set_int64    (GCoroContextVar *self,
                                                 gint64           value);

GCORO_AVAILABLE_IN_ALL
GCoroContextVar *gcoro_token_get_var            (GCoroToken      *self);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_token_get_old_value      (GCoroToken      *self,
                                                 GValue          *value);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_token_is_used            (GCoroToken      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GCoroToken, gcoro_token_unref)

G_END_DECLS

/* gcoro-context-var-private.h
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gcoro-context-var.h"

G_BEGIN_DECLS

/* The variable's key hash in context tries (unique per variable). */
guint32 _gcoro_context_var_get_hash (GCoroContextVar *self);

G_END_DECLS

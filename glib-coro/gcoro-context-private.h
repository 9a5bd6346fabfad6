/* gcoro-context-private.h: what the library sees of a GCoroContext
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gcoro-context.h"
#include "gcoro-context-cell-private.h"

G_BEGIN_DECLS

/* The cell that holds @self's values: current while @self is entered. */
GCoroContextCell *_gcoro_context_get_cell (GCoroContext *self);

G_END_DECLS

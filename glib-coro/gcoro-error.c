/* gcoro-error.c
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-config.h"

#include "gcoro-error.h"

G_DEFINE_QUARK (gcoro-error-quark, gcoro_error)

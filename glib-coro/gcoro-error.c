/* gcoro-error.c
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gcoro-config.h"

#include "gcoro-error.h"

/**
 * gcoro_error_quark:
 *
 * Gets the quark of glib-coro's error domain, [error@GCoro.Error].
 *
 * Returns: the domain of the errors of glib-coro's own states
 */
G_DEFINE_QUARK (gcoro-error-quark, gcoro_error)

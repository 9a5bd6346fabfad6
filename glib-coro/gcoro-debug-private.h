/* gcoro-debug-private.h: cheap checks for G_MESSAGES_DEBUG=GCoro
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* g_debug() parses G_MESSAGES_DEBUG on every call; hot paths ask this
 * first (read once per process). */
gboolean _gcoro_debug_enabled (void);

#define GCORO_DEBUG(...)                                                      \
  G_STMT_START {                                                              \
    if (G_UNLIKELY (_gcoro_debug_enabled ()))                                 \
      g_debug (__VA_ARGS__);                                                  \
  } G_STMT_END

G_END_DECLS

/* gcoro-debug.c: whether G_MESSAGES_DEBUG asks for GCoro's messages
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The bottom of the library: every layer may log through GCORO_DEBUG()
 * (gcoro-debug-private.h), and this file uses nothing of glib-coro.
 */

#include "gcoro-config.h"

#include <string.h>

#include "gcoro-debug-private.h"

static gboolean
debug_from_env (void)
{
  const char *domains = g_getenv ("G_MESSAGES_DEBUG");

  return domains != NULL &&
         (strcmp (domains, "all") == 0 || strstr (domains, G_LOG_DOMAIN) != NULL);
}

gboolean
_gcoro_debug_enabled (void)
{
  static gsize once;
  static gboolean enabled;

  if (g_once_init_enter (&once))
    {
      enabled = debug_from_env ();
      g_once_init_leave (&once, 1);
    }

  return enabled || g_log_get_debug_enabled ();
}

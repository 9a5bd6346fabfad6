/* gcoro-backend.h: how sockets' readiness is watched, chosen once per process
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <glib.h>

#include "gcoro-version-macros.h"

G_BEGIN_DECLS

/**
 * GCoroBackend:
 * @GCORO_BACKEND_GLIB: GLib's own poll: each socket's descriptor is a poll
 *   record of the scheduler's source, so every main-loop iteration costs
 *   time in proportion to the open sockets. Works everywhere GLib runs.
 * @GCORO_BACKEND_EPOLL: one epoll descriptor, watched by the scheduler's
 *   source, holds every socket (registered once, edge-triggered); an
 *   iteration costs time in proportion to the sockets that are ready.
 *   Linux only.
 *
 * The socket readiness backends, the analogue of choosing asyncio's
 * default loop or uvloop. The [struct@GLib.MainContext] stays in charge either way:
 * GTK and every other GSource keep working.
 */
typedef enum
{
  GCORO_BACKEND_GLIB,
  GCORO_BACKEND_EPOLL,
} GCoroBackend;

GCORO_AVAILABLE_IN_ALL
gboolean     gcoro_set_backend          (GCoroBackend   backend,
                                         GError       **error);
GCORO_AVAILABLE_IN_ALL
GCoroBackend gcoro_get_backend          (void);
GCORO_AVAILABLE_IN_ALL
gboolean     gcoro_backend_is_supported (GCoroBackend   backend);

G_END_DECLS

/* gcoro-backend-private.h: the scheduler's side of the backend choice
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gcoro-backend.h"

G_BEGIN_DECLS

/* The process's backend, fixed from now on (a scheduler is being made). */
GCoroBackend _gcoro_backend_lock (void);

G_END_DECLS

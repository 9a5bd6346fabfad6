/* gcoro-event.h: a flag tasks can wait for
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcoro-version-macros.h"

G_BEGIN_DECLS

#define GCORO_TYPE_EVENT (gcoro_event_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroEvent, gcoro_event, GCORO, EVENT, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroEvent *gcoro_event_new         (void);
GCORO_AVAILABLE_IN_ALL
gboolean    gcoro_event_is_set      (GCoroEvent           *self);
GCORO_AVAILABLE_IN_ALL
void        gcoro_event_set         (GCoroEvent           *self);
GCORO_AVAILABLE_IN_ALL
void        gcoro_event_clear       (GCoroEvent           *self);
GCORO_AVAILABLE_IN_ALL
gboolean    gcoro_event_wait        (GCoroEvent           *self,
                                     GError              **error);
GCORO_AVAILABLE_IN_ALL
void        gcoro_event_wait_async  (GCoroEvent           *self,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean    gcoro_event_wait_finish (GCoroEvent           *self,
                                     GAsyncResult         *result,
                                     GError              **error);

G_END_DECLS

/* gcoro-combine.h: futures made of other futures
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include "gcoro-future.h"

G_BEGIN_DECLS

/**
 * GCoroAllFlags:
 * @GCORO_ALL_DEFAULT: resolve once every future resolved; reject with the
 *   first error as soon as one fails (the others go on)
 * @GCORO_ALL_RETURN_ERRORS: never reject: resolve once every future has
 *   settled, whatever the outcome (asyncio's `return_exceptions=True`);
 *   read each outcome from the futures themselves
 * @GCORO_ALL_CANCEL_ON_ERROR: when one future fails, cancel the others
 *
 * How [func@GCoro.all] waits.
 */
typedef enum /*< flags >*/
{
  GCORO_ALL_DEFAULT         = 0,
  GCORO_ALL_RETURN_ERRORS   = 1 << 0,
  GCORO_ALL_CANCEL_ON_ERROR = 1 << 1,
} GCoroAllFlags;

GCORO_AVAILABLE_IN_ALL
GCoroFuture *gcoro_all                 (GCoroFuture   **futures,
                                        guint           n_futures,
                                        GCoroAllFlags   flags);
GCORO_AVAILABLE_IN_ALL
GCoroFuture *gcoro_any                 (GCoroFuture   **futures,
                                        guint           n_futures,
                                        gboolean        cancel_losers);
GCORO_AVAILABLE_IN_ALL
GCoroFuture *gcoro_race                (GCoroFuture   **futures,
                                        guint           n_futures,
                                        gboolean        cancel_losers);
GCORO_AVAILABLE_IN_ALL
GCoroFuture *gcoro_shield              (GCoroFuture    *future);
GCORO_AVAILABLE_IN_ALL
GCoroFuture *gcoro_future_with_timeout (GCoroFuture    *future,
                                        guint           timeout_msec);

G_END_DECLS

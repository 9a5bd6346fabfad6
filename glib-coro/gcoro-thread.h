/* gcoro-thread.h: blocking functions in GLib's thread pool, awaited
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
 * GCoroThreadFunc:
 * @cancellable: cancelled when the job is (check it in long loops)
 * @user_data: the data given with the function
 * @error: return location for a [struct@GLib.Error]
 *
 * A plain, blocking function run in a worker thread by
 * [func@GCoro.run_in_thread]. It runs in a copy of its caller's context
 * variables.
 *
 * Returns: (nullable): the result (owned by the job from now on), or %NULL
 *   with @error set on failure (%NULL without @error is a %NULL result)
 */
typedef gpointer (*GCoroThreadFunc) (GCancellable  *cancellable,
                                     gpointer       user_data,
                                     GError       **error);

GCORO_AVAILABLE_IN_ALL
GCoroFuture *gcoro_run_in_thread (GCoroThreadFunc  func,
                                  gpointer         user_data,
                                  GDestroyNotify   notify,
                                  GDestroyNotify   result_destroy);
GCORO_AVAILABLE_IN_ALL
gpointer     gcoro_to_thread     (GCoroThreadFunc  func,
                                  gpointer         user_data,
                                  GDestroyNotify   result_destroy,
                                  GError         **error);

G_END_DECLS

/* gcoro-awaitable.h: anything a task can await
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <glib-object.h>

#include "gcoro-version-macros.h"

G_BEGIN_DECLS

typedef struct _GCoroFuture GCoroFuture;

#define GCORO_TYPE_AWAITABLE (gcoro_awaitable_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (GCoroAwaitable, gcoro_awaitable, GCORO, AWAITABLE, GObject)

/**
 * GCoroAwaitableInterface:
 * @g_iface: the parent interface
 * @get_future: returns the future that settles when the wait is over
 *   (transfer full). It may return the same future every time or arm a
 *   new one; it is called on the thread of the task that awaits.
 *
 * The interface of [iface@GCoro.Awaitable].
 */
struct _GCoroAwaitableInterface
{
  GTypeInterface g_iface;

  GCoroFuture *(*get_future) (GCoroAwaitable *self);
};

GCORO_AVAILABLE_IN_ALL
GCoroFuture *gcoro_awaitable_get_future (GCoroAwaitable  *self);

G_END_DECLS

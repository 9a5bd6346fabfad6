/* gcoro-future.h: the one awaitable currency
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
#include "gcoro-awaitable.h"

G_BEGIN_DECLS

/**
 * GCoroFutureState:
 * @GCORO_FUTURE_PENDING: not settled yet.
 * @GCORO_FUTURE_RESOLVED: settled with a value (possibly none).
 * @GCORO_FUTURE_REJECTED: settled with a [struct@GLib.Error].
 * @GCORO_FUTURE_CANCELLED: settled by cancellation; its error is
 *   [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum].
 *
 * Where a [class@GCoro.Future] is in its life. A future settles once and then never
 * changes.
 */
typedef enum
{
  GCORO_FUTURE_PENDING,
  GCORO_FUTURE_RESOLVED,
  GCORO_FUTURE_REJECTED,
  GCORO_FUTURE_CANCELLED,
} GCoroFutureState;

#define GCORO_TYPE_FUTURE (gcoro_future_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (GCoroFuture, gcoro_future, GCORO, FUTURE, GObject)

/**
 * GCoroFutureClass:
 * @parent_class: the parent class
 * @cancel: requests cancellation. The default settles a pending future as
 *   [GCORO_FUTURE_CANCELLED][enum@GCoro.FutureState]; a task instead asks its body to stop.
 *
 * The class of [class@GCoro.Future].
 */
struct _GCoroFutureClass
{
  GObjectClass parent_class;

  void (*cancel) (GCoroFuture *self);

  /*< private >*/
  gpointer _reserved[8];
};

GCORO_AVAILABLE_IN_ALL
GCoroFutureState  gcoro_future_get_state   (GCoroFuture          *self);
GCORO_AVAILABLE_IN_ALL
gboolean          gcoro_future_is_done     (GCoroFuture          *self);
GCORO_AVAILABLE_IN_ALL
gboolean          gcoro_future_get_value   (GCoroFuture          *self,
                                            GValue               *value,
                                            GError              **error);
GCORO_AVAILABLE_IN_ALL
const GValue     *gcoro_future_peek_value  (GCoroFuture          *self);
GCORO_AVAILABLE_IN_ALL
const GError     *gcoro_future_peek_error  (GCoroFuture          *self);
GCORO_AVAILABLE_IN_ALL
gpointer          gcoro_future_peek_pointer (GCoroFuture         *self);
GCORO_AVAILABLE_IN_ALL
void              gcoro_future_cancel      (GCoroFuture          *self);
GCORO_AVAILABLE_IN_ALL
void              gcoro_future_wait_async  (GCoroFuture          *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GCORO_AVAILABLE_IN_ALL
gboolean          gcoro_future_wait_finish (GCoroFuture          *self,
                                            GAsyncResult         *result,
                                            GValue               *value,
                                            GError              **error);

G_END_DECLS

/* gcoro-loop-bridge.h: another language's event loop, run by a scheduler
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
#include "gcoro-context.h"
#include "gcoro-future.h"

G_BEGIN_DECLS

#define GCORO_TYPE_LOOP_BRIDGE (gcoro_loop_bridge_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroLoopBridge, gcoro_loop_bridge, GCORO, LOOP_BRIDGE, GObject)

/**
 * GCORO_LOOP_BRIDGE_NO_DEADLINE:
 *
 * What a [callback@GCoro.LoopBridgeFunc] returns when it has no deadline:
 * it runs again when woken, when a watched descriptor is ready or when a
 * watched future settles.
 */
#define GCORO_LOOP_BRIDGE_NO_DEADLINE (-1)

/**
 * GCORO_LOOP_BRIDGE_FUTURE:
 *
 * The first number of a pair of [method@GCoro.LoopBridge.take_events] that
 * reports a watched future: the second is the token it was watched with.
 */
#define GCORO_LOOP_BRIDGE_FUTURE (-1)

/**
 * GCORO_LOOP_BRIDGE_KEEP:
 *
 * What [method@GCoro.LoopBridge.iterate] takes as its deadline when the
 * hosted loop did not run since the last call: the bridge keeps what it
 * was told before.
 */
#define GCORO_LOOP_BRIDGE_KEEP (-2)

/**
 * GCoroLoopBridgeIterateFlags:
 * @GCORO_LOOP_BRIDGE_ITERATE_NONE: the hosted loop has nothing to do
 * @GCORO_LOOP_BRIDGE_ITERATE_DUE: the hosted loop is due for an iteration
 * @GCORO_LOOP_BRIDGE_ITERATE_EVENTS: and descriptors became ready or
 *   watched futures settled: [method@GCoro.LoopBridge.take_events]
 *   lists them
 *
 * What [method@GCoro.LoopBridge.iterate] found.
 */
typedef enum /*< flags >*/
{
  GCORO_LOOP_BRIDGE_ITERATE_NONE   = 0,
  GCORO_LOOP_BRIDGE_ITERATE_DUE    = 1 << 0,
  GCORO_LOOP_BRIDGE_ITERATE_EVENTS = 1 << 1,
} GCoroLoopBridgeIterateFlags;

/**
 * GCoroLoopBridgeFunc:
 * @bridge: the bridge
 * @has_events: whether descriptors became ready or watched futures settled
 *   since the last call: [method@GCoro.LoopBridge.take_events] lists them
 * @user_data: the data given to [ctor@GCoro.LoopBridge.new]
 *
 * One iteration of the hosted event loop, called from the scheduler's
 * dispatch on the thread that owns the bridge's context.
 *
 * Returns: when to be called again at the latest, as a monotonic time in
 *   microseconds ([func@GLib.get_monotonic_time]): a time already past (0) for the
 *   scheduler's next turn, after the other ready sources of the context;
 *   [const@GCoro.LOOP_BRIDGE_NO_DEADLINE] for none
 */
typedef gint64 (*GCoroLoopBridgeFunc) (GCoroLoopBridge *bridge,
                                       gboolean         has_events,
                                       gpointer         user_data);

GCORO_AVAILABLE_IN_ALL
GCoroLoopBridge *gcoro_loop_bridge_new             (GMainContext         *context,
                                                    GCoroLoopBridgeFunc   func,
                                                    gpointer              user_data,
                                                    GDestroyNotify        notify);
GCORO_AVAILABLE_IN_ALL
GMainContext    *gcoro_loop_bridge_get_context     (GCoroLoopBridge      *self);
GCORO_AVAILABLE_IN_ALL
void             gcoro_loop_bridge_wakeup          (GCoroLoopBridge      *self);
GCORO_AVAILABLE_IN_ALL
void             gcoro_loop_bridge_wake_at         (GCoroLoopBridge      *self,
                                                    gint64                deadline);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_loop_bridge_watch_fd        (GCoroLoopBridge      *self,
                                                    int                   fd,
                                                    GIOCondition          condition,
                                                    GError              **error);
GCORO_AVAILABLE_IN_ALL
void             gcoro_loop_bridge_watch_future    (GCoroLoopBridge      *self,
                                                    GCoroFuture          *future,
                                                    gint64                token);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_loop_bridge_unwatch_future  (GCoroLoopBridge      *self,
                                                    gint64                token);
GCORO_AVAILABLE_IN_ALL
gint64          *gcoro_loop_bridge_take_events     (GCoroLoopBridge      *self,
                                                    gsize                *n_events);
GCORO_AVAILABLE_IN_ALL
GCoroLoopBridgeIterateFlags
                 gcoro_loop_bridge_iterate         (GCoroLoopBridge      *self,
                                                    gint64                deadline,
                                                    gboolean              may_block);
GCORO_AVAILABLE_IN_ALL
void             gcoro_loop_bridge_enter_context   (GCoroLoopBridge      *self,
                                                    GCoroContext         *context);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_loop_bridge_has_company     (GCoroLoopBridge      *self);
GCORO_AVAILABLE_IN_ALL
void             gcoro_loop_bridge_begin_iteration (GCoroLoopBridge      *self);
GCORO_AVAILABLE_IN_ALL
gboolean         gcoro_loop_bridge_has_news        (GCoroLoopBridge      *self);
GCORO_AVAILABLE_IN_ALL
void             gcoro_loop_bridge_end_iteration   (GCoroLoopBridge      *self);
GCORO_AVAILABLE_IN_ALL
void             gcoro_loop_bridge_close           (GCoroLoopBridge      *self);

G_END_DECLS

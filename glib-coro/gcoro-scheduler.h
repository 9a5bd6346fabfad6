/* gcoro-scheduler.h: one scheduler per GMainContext
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

#define GCORO_TYPE_SCHEDULER (gcoro_scheduler_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroScheduler, gcoro_scheduler, GCORO, SCHEDULER, GObject)

GCORO_AVAILABLE_IN_ALL
GCoroScheduler *gcoro_scheduler_get_default      (void);
GCORO_AVAILABLE_IN_ALL
GCoroScheduler *gcoro_scheduler_get_for_context  (GMainContext   *context);
GCORO_AVAILABLE_IN_ALL
GMainContext   *gcoro_scheduler_get_context      (GCoroScheduler *self);
GCORO_AVAILABLE_IN_ALL
int             gcoro_scheduler_get_priority     (GCoroScheduler *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_scheduler_set_priority     (GCoroScheduler *self,
                                                  int             priority);
GCORO_AVAILABLE_IN_ALL
guint           gcoro_scheduler_get_max_batch    (GCoroScheduler *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_scheduler_set_max_batch    (GCoroScheduler *self,
                                                  guint           max_batch);
GCORO_AVAILABLE_IN_ALL
guint           gcoro_scheduler_get_frame_budget (GCoroScheduler *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_scheduler_set_frame_budget (GCoroScheduler *self,
                                                  guint           usec);
GCORO_AVAILABLE_IN_ALL
guint           gcoro_scheduler_get_n_tasks      (GCoroScheduler *self);
GCORO_AVAILABLE_IN_ALL
char           *gcoro_scheduler_dump             (GCoroScheduler *self);

G_END_DECLS

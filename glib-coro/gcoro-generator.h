/* gcoro-generator.h: a body that yields values one at a time
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include <gio/gio.h>

#include "gcoro-future.h"

G_BEGIN_DECLS

#define GCORO_TYPE_GENERATOR (gcoro_generator_get_type ())

GCORO_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GCoroGenerator, gcoro_generator, GCORO, GENERATOR, GObject)

/**
 * GCoroGeneratorFunc:
 * @generator: the generator
 * @user_data: the data given to [ctor@GCoro.Generator.new]
 *
 * The body of a fiber generator. It runs on a stack of its own and hands
 * each item to the consumer with [method@GCoro.Generator.yield] (or a sibling),
 * which suspends it until the next item is asked for. Returning ends the
 * iteration; a body that fails calls [method@GCoro.Generator.return_error] first.
 *
 * When the generator is closed early, the pending yield returns %FALSE
 * with [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum]: clean up and return.
 */
typedef void (*GCoroGeneratorFunc) (GCoroGenerator *generator,
                                    gpointer        user_data);

/**
 * GCoroGeneratorStepFunc:
 * @generator: the generator
 * @completed: (nullable): the future the previous call returned, now
 *   settled; %NULL when a new item is asked for. While the generator is
 *   being closed ([method@GCoro.Generator.is_closing]), a future cancelled with
 *   [G_IO_ERROR_CANCELLED][error@Gio.IOErrorEnum].
 * @user_data: the data given to [ctor@GCoro.Generator.new_stepped]
 *
 * One step of a stepped generator, the form language bindings use: it
 * runs on the main stack, produces the next item with
 * [method@GCoro.Generator.emit] and returns %NULL; or returns %NULL without
 * emitting to end the iteration (after [method@GCoro.Generator.return_error] if it
 * failed); or returns a future to wait for first, after which it is called
 * again with that future as @completed.
 *
 * Returns: (transfer full) (nullable): a future to wait for before the
 *   next step, or %NULL
 */
typedef GCoroFuture *(*GCoroGeneratorStepFunc) (GCoroGenerator *generator,
                                                GCoroFuture    *completed,
                                                gpointer        user_data);

GCORO_AVAILABLE_IN_ALL
GCoroGenerator *gcoro_generator_new            (GCoroGeneratorFunc      func,
                                                gpointer                user_data,
                                                GDestroyNotify          notify);
GCORO_AVAILABLE_IN_ALL
GCoroGenerator *gcoro_generator_new_stepped    (GCoroGeneratorStepFunc  func,
                                                gpointer                user_data,
                                                GDestroyNotify          notify);

GCORO_AVAILABLE_IN_ALL
const char     *gcoro_generator_get_name       (GCoroGenerator         *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_generator_set_name       (GCoroGenerator         *self,
                                                const char             *name);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_generator_is_closing     (GCoroGenerator         *self);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_generator_is_finished    (GCoroGenerator         *self);

/* Inside the body */
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_generator_yield          (GCoroGenerator         *self,
                                                const GValue           *value,
                                                GError                **error);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_generator_yield_pointer  (GCoroGenerator         *self,
                                                gpointer                pointer,
                                                GError                **error);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_generator_yield_int64    (GCoroGenerator         *self,
                                                gint64                  value,
                                                GError                **error);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_generator_yield_string   (GCoroGenerator         *self,
                                                const char             *value,
                                                GError                **error);
GCORO_AVAILABLE_IN_ALL
void            gcoro_generator_emit           (GCoroGenerator         *self,
                                                const GValue           *value);
GCORO_AVAILABLE_IN_ALL
void            gcoro_generator_return_error   (GCoroGenerator         *self,
                                                GError                 *error);

/* The consumer */
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_generator_next           (GCoroGenerator         *self,
                                                GValue                 *value,
                                                GError                **error);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_generator_next_pointer   (GCoroGenerator         *self,
                                                gpointer               *pointer,
                                                GError                **error);
GCORO_AVAILABLE_IN_ALL
GCoroFuture    *gcoro_generator_next_future    (GCoroGenerator         *self);
GCORO_AVAILABLE_IN_ALL
void            gcoro_generator_next_async     (GCoroGenerator         *self,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_generator_next_finish    (GCoroGenerator         *self,
                                                GAsyncResult           *result,
                                                GValue                 *value,
                                                GError                **error);
GCORO_AVAILABLE_IN_ALL
gboolean        gcoro_generator_close          (GCoroGenerator         *self,
                                                GError                **error);


G_END_DECLS

/* Opt-in inline fast paths: see gcoro-generator-inline.h. */
#if defined(GCORO_GENERATOR_INLINE) && !defined(__GI_SCANNER__)
# include "gcoro-generator-inline.h"
#endif

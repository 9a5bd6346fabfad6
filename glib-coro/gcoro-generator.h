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

#ifndef __GI_SCANNER__
/*< private >*/
/* The inline fast path of gcoro_generator_next_pointer(). Its layout is
 * part of the ABI (the first members of a GCoroGenerator), not of the API:
 * use the functions. */
typedef struct
{
  GObject             parent_instance;
  GCoroGeneratorFunc  func;
  const GValue       *item;
  GValue              pointer_item;
  guint8              state;
  guint8              closing;
  guint8              suspend_failed;
} _GCoroGeneratorPrefix;

#define _GCORO_GENERATOR_SUSPENDED 1

GCORO_AVAILABLE_IN_ALL
void            _gcoro_generator_resume                (GCoroGenerator  *self);
GCORO_AVAILABLE_IN_ALL
gboolean        _gcoro_generator_next_pointer_outcome  (GCoroGenerator  *self,
                                                        gpointer        *pointer,
                                                        GError         **error);
GCORO_AVAILABLE_IN_ALL
gboolean        _gcoro_generator_next_outcome          (GCoroGenerator  *self,
                                                        GValue          *value,
                                                        GError         **error);
GCORO_AVAILABLE_IN_ALL
void            _gcoro_generator_suspend               (GCoroGenerator  *self,
                                                        const GValue    *item,
                                                        const char      *func);
GCORO_AVAILABLE_IN_ALL
gboolean        _gcoro_generator_yield_failed          (GCoroGenerator  *self,
                                                        GError         **error);

/* A fiber body suspended at gcoro_generator_yield_pointer() is resumed with
 * the switch as the last thing the library does, so that it switches back
 * straight into this inline code: no library frame is left to return from,
 * which would be a return the CPU mispredicts after the stack swap (the
 * largest cost of an item, see bench/bench-generator.c). Anything else
 * goes through the exported functions. */
static inline gboolean
_gcoro_generator_next_pointer_inline (GCoroGenerator  *self,
                                      gpointer        *pointer,
                                      GError         **error)
{
  _GCoroGeneratorPrefix *prefix = (_GCoroGeneratorPrefix *) self;

  if (G_LIKELY (self != NULL && prefix->func != NULL &&
                prefix->state == _GCORO_GENERATOR_SUSPENDED &&
                (error == NULL || *error == NULL)))
    {
      _gcoro_generator_resume (self);
      if (G_LIKELY (prefix->item == &prefix->pointer_item &&
                    prefix->state == _GCORO_GENERATOR_SUSPENDED))
        {
          prefix->item = NULL;
          if (pointer != NULL)
            *pointer = prefix->pointer_item.data[0].v_pointer;
          return TRUE;
        }
      return _gcoro_generator_next_pointer_outcome (self, pointer, error);
    }
  return (gcoro_generator_next_pointer) (self, pointer, error);
}

#define gcoro_generator_next_pointer(self, pointer, error) \
  _gcoro_generator_next_pointer_inline ((self), (pointer), (error))

/* The same for gcoro_generator_next(), when the item is a value that owns
 * nothing (a number, a boolean, a pointer): copied as plain memory. */
static inline gboolean
_gcoro_generator_next_inline (GCoroGenerator  *self,
                              GValue          *value,
                              GError         **error)
{
  _GCoroGeneratorPrefix *prefix = (_GCoroGeneratorPrefix *) self;
  const GValue *item;
  GType type;

  if (G_LIKELY (self != NULL && prefix->func != NULL &&
                prefix->state == _GCORO_GENERATOR_SUSPENDED &&
                (error == NULL || *error == NULL)))
    {
      _gcoro_generator_resume (self);
      item = prefix->item;
      if (G_LIKELY (item != NULL && prefix->state == _GCORO_GENERATOR_SUSPENDED))
        {
          type = G_VALUE_TYPE (item);
          if (G_LIKELY ((type >= G_TYPE_CHAR && type <= G_TYPE_UINT64) ||
                        type == G_TYPE_FLOAT || type == G_TYPE_DOUBLE ||
                        type == G_TYPE_POINTER))
            {
              prefix->item = NULL;
              if (value != NULL)
                *value = *item;
              return TRUE;
            }
        }
      return _gcoro_generator_next_outcome (self, value, error);
    }
  return (gcoro_generator_next) (self, value, error);
}

#define gcoro_generator_next(self, value, error) \
  _gcoro_generator_next_inline ((self), (value), (error))

/* The body's side: the switch back to the consumer is the last thing the
 * library does, so the next item is asked for straight into this code. */
static inline gboolean
_gcoro_generator_yield_inline (GCoroGenerator  *self,
                               const GValue    *item,
                               const char      *func,
                               GError         **error)
{
  _GCoroGeneratorPrefix *prefix = (_GCoroGeneratorPrefix *) self;

  _gcoro_generator_suspend (self, item, func);
  if (G_LIKELY (!prefix->closing && !prefix->suspend_failed))
    return TRUE;
  return _gcoro_generator_yield_failed (self, error);
}

static inline gboolean
_gcoro_generator_yield_pointer_inline (GCoroGenerator  *self,
                                       gpointer         pointer,
                                       GError         **error)
{
  _GCoroGeneratorPrefix *prefix = (_GCoroGeneratorPrefix *) self;

  if (G_UNLIKELY (self == NULL))
    return (gcoro_generator_yield_pointer) (self, pointer, error);
  prefix->pointer_item.data[0].v_pointer = pointer;
  return _gcoro_generator_yield_inline (self, &prefix->pointer_item,
                                        "gcoro_generator_yield_pointer", error);
}

static inline gboolean
_gcoro_generator_yield_int64_inline (GCoroGenerator  *self,
                                     gint64           value,
                                     GError         **error)
{
  GValue v = G_VALUE_INIT;   /* owns nothing: filled in place, never unset */

  if (G_UNLIKELY (self == NULL))
    return (gcoro_generator_yield_int64) (self, value, error);
  v.g_type = G_TYPE_INT64;
  v.data[0].v_int64 = value;
  return _gcoro_generator_yield_inline (self, &v, "gcoro_generator_yield_int64", error);
}

#define gcoro_generator_yield_pointer(self, pointer, error) \
  _gcoro_generator_yield_pointer_inline ((self), (pointer), (error))
#define gcoro_generator_yield_int64(self, value, error) \
  _gcoro_generator_yield_int64_inline ((self), (value), (error))
#endif /* __GI_SCANNER__ */

G_END_DECLS

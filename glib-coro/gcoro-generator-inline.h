/* gcoro-generator-inline.h: the opt-in inline fast path of GCoroGenerator
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Define GCORO_GENERATOR_INLINE before including <glib-coro.h> and the calls
 * gcoro_generator_next(), gcoro_generator_next_pointer(),
 * gcoro_generator_yield_pointer() and gcoro_generator_yield_int64() compile
 * to the inline functions below (macros of the same names):
 *
 * |[<!-- language="C" -->
 * #define GCORO_GENERATOR_INLINE 1
 * #include <glib-coro.h>
 * ]|
 *
 * Why it is faster: a library function that switches stacks and then
 * returns to its caller executes a "ret" the CPU's return predictor cannot
 * know (its entries belong to the other stack), twice per item. Inline,
 * each side switches straight into the other side's own code: the library
 * calls below (_gcoro_generator_resume(), _gcoro_generator_suspend()) end
 * in a jump to the switch and leave no frame to return from. The figures
 * are in bench/bench-generator.c.
 *
 * The price: this code reads the first members of a GCoroGenerator
 * (_GCoroGeneratorPrefix), so a program built with it depends on that
 * layout, which may change in any release before 1.0: rebuild it with each
 * new glib-coro. Without the macro, the same calls go through the exported
 * functions, which run the same code and depend on no layout.
 */
#pragma once

#if !defined(GCORO_INSIDE) && !defined(GCORO_COMPILATION)
# error "Only <glib-coro.h> can be included directly."
#endif

#include "gcoro-generator.h"

/* Not for introspection: bindings call the exported functions. */
#ifndef __GI_SCANNER__

G_BEGIN_DECLS

/*< private >*/
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

/* What _gcoro_generator_next_slow() is asked for. */
typedef enum
{
  _GCORO_GENERATOR_NEXT_RESUMED = 1 << 0,   /* the body already ran: read only */
  _GCORO_GENERATOR_NEXT_POINTER = 1 << 1,   /* @out is a gpointer *, not a GValue * */
} _GCoroGeneratorNextFlags;

GCORO_AVAILABLE_IN_ALL
void            _gcoro_generator_resume        (GCoroGenerator  *self);
GCORO_AVAILABLE_IN_ALL
gboolean        _gcoro_generator_next_slow     (GCoroGenerator  *self,
                                                guint            flags,
                                                gpointer         out,
                                                GError         **error);
GCORO_AVAILABLE_IN_ALL
void            _gcoro_generator_suspend       (GCoroGenerator  *self,
                                                const GValue    *item,
                                                const char      *func);
GCORO_AVAILABLE_IN_ALL
gboolean        _gcoro_generator_yield_failed  (GCoroGenerator  *self,
                                                GError         **error);

/* The consumer's fast path: a fiber body suspended at a yield, resumed
 * with the switch as the last thing the library does; the item is read
 * here when it owns nothing. Everything else is the slow path,
 * _gcoro_generator_next_slow(). */
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
      return _gcoro_generator_next_slow (self, _GCORO_GENERATOR_NEXT_RESUMED |
                                         _GCORO_GENERATOR_NEXT_POINTER, pointer, error);
    }
  return _gcoro_generator_next_slow (self, _GCORO_GENERATOR_NEXT_POINTER, pointer, error);
}

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
          /* Values that own nothing are plain memory. */
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
      return _gcoro_generator_next_slow (self, _GCORO_GENERATOR_NEXT_RESUMED, value, error);
    }
  return _gcoro_generator_next_slow (self, 0, value, error);
}

/* The body's fast path: the switch back to the consumer is the last thing
 * the library does, so the next item is asked for straight into this
 * code. A refusal or a closing is the slow path. */
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
  /* A G_TYPE_POINTER value is plain memory: set in place. */
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

#define gcoro_generator_next_pointer(self, pointer, error) \
  _gcoro_generator_next_pointer_inline ((self), (pointer), (error))
#define gcoro_generator_next(self, value, error) \
  _gcoro_generator_next_inline ((self), (value), (error))
#define gcoro_generator_yield_pointer(self, pointer, error) \
  _gcoro_generator_yield_pointer_inline ((self), (pointer), (error))
#define gcoro_generator_yield_int64(self, value, error) \
  _gcoro_generator_yield_int64_inline ((self), (value), (error))

G_END_DECLS

#endif /* __GI_SCANNER__ */

/* gcoro-context.c: an immutable mapping of context variables (PEP 567)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroContext:
 *
 * A snapshot of context variables that code can run in, like Python's
 * `contextvars.Context`.
 *
 * [func@GCoro.Context.copy_current] takes the current context (a task's, or
 * the thread's) in O(1); [method@GCoro.Context.run] makes it current for the
 * duration of a call, so what the call sets stays in the [class@GCoro.Context] and
 * out of the caller's context. A context can be entered by one caller at a
 * time; entering it twice (recursively, or from two threads) fails with
 * [GCORO_ERROR_CONTEXT_ENTERED][error@GCoro.Error].
 *
 * This is how work handed to another thread keeps its caller's variables:
 *
 * |[<!-- language="C" -->
 * g_autoptr(GCoroContext) ctx = gcoro_context_copy_current ();
 * // in the worker thread:
 * gcoro_context_run (ctx, work, data, &error);
 * ]|
 *
 * A [class@GCoro.Context] is used from one thread at a time.
 */

#include "gcoro-config.h"

#include "gcoro-context-private.h"
#include "gcoro-context.h"
#include "gcoro-context-var-private.h"
#include "gcoro-error.h"

struct _GCoroContext
{
  GObject          parent_instance;
  GCoroContextCell cell;
};

G_DEFINE_FINAL_TYPE (GCoroContext, gcoro_context, G_TYPE_OBJECT)

GCoroContextCell *
_gcoro_context_get_cell (GCoroContext *self)
{
  return &self->cell;
}

static void
gcoro_context_finalize (GObject *object)
{
  GCoroContext *self = GCORO_CONTEXT (object);

  _gcoro_context_cell_clear (&self->cell);

  G_OBJECT_CLASS (gcoro_context_parent_class)->finalize (object);
}

static void
gcoro_context_class_init (GCoroContextClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcoro_context_finalize;
}

static void
gcoro_context_init (GCoroContext *self)
{
}

/**
 * gcoro_context_new:
 *
 * Creates an empty context.
 *
 * Returns: (transfer full): a new [class@GCoro.Context]
 */
GCoroContext *
gcoro_context_new (void)
{
  return g_object_new (GCORO_TYPE_CONTEXT, NULL);
}

/**
 * gcoro_context_copy_current:
 *
 * Copies the current context: the running task's, the one entered with
 * [method@GCoro.Context.run], or the calling thread's. O(1).
 *
 * Returns: (transfer full): a new [class@GCoro.Context]
 */
GCoroContext *
gcoro_context_copy_current (void)
{
  GCoroContext *self = gcoro_context_new ();

  _gcoro_context_cell_init_copy (&self->cell, NULL);
  return self;
}

/**
 * gcoro_context_copy:
 * @self: a [class@GCoro.Context]
 *
 * Copies @self. O(1).
 *
 * Returns: (transfer full): a new [class@GCoro.Context] with the same values
 */
GCoroContext *
gcoro_context_copy (GCoroContext *self)
{
  GCoroContext *copy;

  g_return_val_if_fail (GCORO_IS_CONTEXT (self), NULL);

  copy = gcoro_context_new ();
  _gcoro_context_cell_init_copy (&copy->cell, &self->cell);
  return copy;
}

/**
 * gcoro_context_run:
 * @self: a [class@GCoro.Context]
 * @func: (scope async): the function to run
 * @user_data: data for @func
 * @error: return location for a [struct@GLib.Error]
 *
 * Calls @func with @self as the current context: the variables it reads
 * are @self's, and what it sets changes @self, not the caller's context.
 * Fails with [GCORO_ERROR_CONTEXT_ENTERED][error@GCoro.Error] (without calling @func) when
 * @self is already entered.
 *
 * @func is annotated `(scope async)` although it is called before this
 * function returns: GJS 1.74 double-frees a `(scope call)` callback that
 * is never invoked (the refused case). Nesting runs from JavaScript still
 * trips a GJS 1.74 bug (a closure unreffed twice at exit); JavaScript
 * code should not nest them.
 *
 * Returns: %TRUE if @func was called
 */
gboolean
gcoro_context_run (GCoroContext      *self,
                   GCoroContextFunc   func,
                   gpointer           user_data,
                   GError           **error)
{
  GCoroContextCell *prev;

  g_return_val_if_fail (GCORO_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_atomic_int_compare_and_exchange (&self->cell.entered, 0, 1))
    {
      g_set_error_literal (error, GCORO_ERROR, GCORO_ERROR_CONTEXT_ENTERED,
                           "Cannot enter the context: it is already entered");
      return FALSE;
    }

  prev = _gcoro_context_cell_swap_current (&self->cell);
  func (user_data);
  _gcoro_context_cell_swap_current (prev);

  g_atomic_int_set (&self->cell.entered, 0);
  return TRUE;
}

/**
 * gcoro_context_is_entered:
 * @self: a [class@GCoro.Context]
 *
 * Checks whether some caller is inside [method@GCoro.Context.run] of @self.
 *
 * Returns: %TRUE while @self is entered
 */
gboolean
gcoro_context_is_entered (GCoroContext *self)
{
  g_return_val_if_fail (GCORO_IS_CONTEXT (self), FALSE);

  return g_atomic_int_get (&self->cell.entered) != 0;
}

/**
 * gcoro_context_get_length:
 * @self: a [class@GCoro.Context]
 *
 * Counts the variables that have a value in @self.
 *
 * Returns: the number of variables set
 */
guint
gcoro_context_get_length (GCoroContext *self)
{
  g_return_val_if_fail (GCORO_IS_CONTEXT (self), 0);

  return _gcoro_hamt_size (self->cell.root);
}

static GCoroHamtValue *
context_lookup (GCoroContext    *self,
                GCoroContextVar *var)
{
  return _gcoro_hamt_lookup (self->cell.root, var, _gcoro_context_var_get_hash (var));
}

/**
 * gcoro_context_contains:
 * @self: a [class@GCoro.Context]
 * @var: a [class@GCoro.ContextVar]
 *
 * Checks whether @var has a value in @self (defaults do not count).
 *
 * Returns: %TRUE if @var is set in @self
 */
gboolean
gcoro_context_contains (GCoroContext    *self,
                        GCoroContextVar *var)
{
  g_return_val_if_fail (GCORO_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (var), FALSE);

  return context_lookup (self, var) != NULL;
}

/**
 * gcoro_context_lookup:
 * @self: a [class@GCoro.Context]
 * @var: a [class@GCoro.ContextVar]
 * @value: (out caller-allocates) (optional): receives a copy of the value
 *   (a %NULL object when @var is not set)
 *
 * Reads the value of @var in @self (defaults do not count).
 *
 * Returns: %TRUE if @var is set in @self
 */
gboolean
gcoro_context_lookup (GCoroContext    *self,
                      GCoroContextVar *var,
                      GValue          *value)
{
  GCoroHamtValue *v;

  g_return_val_if_fail (GCORO_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (var), FALSE);

  v = context_lookup (self, var);
  if (value != NULL)
    {
      if (v != NULL)
        {
          g_value_init (value, G_VALUE_TYPE (_gcoro_hamt_value_peek (v)));
          g_value_copy (_gcoro_hamt_value_peek (v), value);
        }
      else
        g_value_init (value, G_TYPE_OBJECT);
    }

  return v != NULL;
}

static void
collect_var (gconstpointer   key,
             GCoroHamtValue *value,
             gpointer        user_data)
{
  g_ptr_array_add (user_data, g_object_ref ((gpointer) key));
}

/**
 * gcoro_context_list_vars:
 * @self: a [class@GCoro.Context]
 *
 * Lists the variables that have a value in @self, in no particular order.
 *
 * Returns: (transfer container) (element-type GCoroContextVar): the
 *   variables; the array holds a reference to each, dropped with the array
 */
GPtrArray *
gcoro_context_list_vars (GCoroContext *self)
{
  GPtrArray *vars;

  g_return_val_if_fail (GCORO_IS_CONTEXT (self), NULL);

  vars = g_ptr_array_new_with_free_func (g_object_unref);
  _gcoro_hamt_foreach (self->cell.root, collect_var, vars);
  return vars;
}

/* gcoro-context-var.c: task-scoped variables (PEP 567)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * GCoroContextVar:
 *
 * A variable whose value belongs to the running task, like Python's
 * `contextvars.ContextVar`.
 *
 * Thread-local variables give each thread its own value; context variables
 * give each task its own. A task runs in a copy of its spawner's context
 * taken at spawn time: it sees everything its spawner had set, and what it
 * sets itself is invisible to its spawner and its siblings. So a server can
 * keep each client's address in a variable, and every coroutine of that
 * client's task reads its own value without passing it around:
 *
 * |[<!-- language="C" -->
 * static GCoroContextVar *peer;   // gcoro_context_var_new ("peer")
 *
 * static void
 * log_line (const char *line)
 * {
 *   g_autofree char *who = gcoro_context_var_dup_string (peer);
 *   g_print ("received %s from %s\n", line, who);
 * }
 *
 * static void
 * handle_client (GCoroTask *task, gpointer user_data)
 * {
 *   g_autoptr(GCoroToken) token = gcoro_context_var_set_string (peer, user_data);
 *   // ... read lines; log_line() and every task spawned from here see it
 * }
 * ]|
 *
 * set() returns a [struct@GCoro.Token] that reset() uses to restore the previous
 * value (a token works once, for its own variable, in the context it was
 * made in). Outside any task, each thread has a context of its own; inside
 * [method@GCoro.Context.run] the given [class@GCoro.Context] is current.
 *
 * Values are [struct@GObject.Value]s of any type. The context is a persistent map: copying
 * it (which every spawn does) costs one reference whatever its size, and a
 * set copies at most one path of the trie.
 */

#include "gcoro-config.h"

#include "gcoro-context-cell-private.h"
#include "gcoro-context-var-private.h"
#include "gcoro-error.h"
#include "gcoro-future-private.h"

struct _GCoroContextVar
{
  GObject  parent_instance;
  char    *name;
  GValue   default_value;   /* unset: no default */
  guint32  hash;            /* unique per variable */
};

struct _GCoroToken
{
  GCoroContextVar *var;
  GCoroHamtValue  *old;       /* NULL: the variable had no value (MISSING) */
  guint64          cell_id;
  gboolean         used;
};

G_DEFINE_FINAL_TYPE (GCoroContextVar, gcoro_context_var, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (GCoroToken, gcoro_token, gcoro_token_ref, gcoro_token_unref)

enum { PROP_0, PROP_NAME, N_PROPS };
static GParamSpec *properties[N_PROPS];

static guint32 last_var_id;

static void
gcoro_context_var_finalize (GObject *object)
{
  GCoroContextVar *self = GCORO_CONTEXT_VAR (object);

  g_free (self->name);
  if (G_IS_VALUE (&self->default_value))
    g_value_unset (&self->default_value);

  G_OBJECT_CLASS (gcoro_context_var_parent_class)->finalize (object);
}

static void
gcoro_context_var_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  GCoroContextVar *self = GCORO_CONTEXT_VAR (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_context_var_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  GCoroContextVar *self = GCORO_CONTEXT_VAR (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcoro_context_var_class_init (GCoroContextVarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gcoro_context_var_finalize;
  object_class->get_property = gcoro_context_var_get_property;
  object_class->set_property = gcoro_context_var_set_property;

  /**
   * GCoroContextVar:name:
   *
   * The name of the variable, for debugging.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcoro_context_var_init (GCoroContextVar *self)
{
  /* An odd multiplier is a bijection on 32 bits: hashes stay unique, and
   * consecutive variables spread over the trie's first level. */
  self->hash = (g_atomic_int_add ((gint *) &last_var_id, 1) + 1) * 2654435761u;
}

/**
 * gcoro_context_var_new:
 * @name: the name of the variable, for debugging
 *
 * Creates a context variable without a default: reading it where it was
 * never set fails with [GCORO_ERROR_NO_VALUE][error@GCoro.Error]. Like Python's, context
 * variables are meant to be created once (at start-up, or as class fields)
 * and kept: every context that holds a value of the variable holds a
 * reference to it.
 *
 * Returns: (transfer full): a new [class@GCoro.ContextVar]
 */
GCoroContextVar *
gcoro_context_var_new (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (GCORO_TYPE_CONTEXT_VAR, "name", name, NULL);
}

/**
 * gcoro_context_var_new_with_default:
 * @name: the name of the variable, for debugging
 * @default_value: the value get() returns where the variable was never set
 *   (copied)
 *
 * Creates a context variable with a default value. (A separate constructor
 * rather than a nullable argument: GJS turns `null` into a value holding
 * null, which would make "no default" impossible to ask for.)
 *
 * Returns: (transfer full): a new [class@GCoro.ContextVar]
 */
GCoroContextVar *
gcoro_context_var_new_with_default (const char   *name,
                                    const GValue *default_value)
{
  GCoroContextVar *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (G_IS_VALUE (default_value), NULL);

  self = gcoro_context_var_new (name);
  g_value_init (&self->default_value, G_VALUE_TYPE (default_value));
  g_value_copy (default_value, &self->default_value);

  return self;
}

/**
 * gcoro_context_var_get_name:
 * @self: a [class@GCoro.ContextVar]
 *
 * Gets the name given at creation.
 *
 * Returns: the name
 */
const char *
gcoro_context_var_get_name (GCoroContextVar *self)
{
  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (self), NULL);

  return self->name;
}

/* An unset out value must still be initialised for bindings (see
 * gcoro_future_get_value()); an absent value is a NULL object. */
static void
value_set_or_empty (GValue       *out,
                    const GValue *value)
{
  if (out == NULL)
    return;
  if (value != NULL)
    {
      g_value_init (out, G_VALUE_TYPE (value));
      g_value_copy (value, out);
    }
  else
    g_value_init (out, G_TYPE_OBJECT);
}

/**
 * gcoro_context_var_get_default:
 * @self: a [class@GCoro.ContextVar]
 * @value: (out caller-allocates) (optional): receives a copy of the default
 *   (a %NULL object when there is none)
 *
 * Gets the default given at creation.
 *
 * Returns: %TRUE if @self has a default
 */
gboolean
gcoro_context_var_get_default (GCoroContextVar *self,
                               GValue          *value)
{
  gboolean has_default;

  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (self), FALSE);

  has_default = G_IS_VALUE (&self->default_value);
  value_set_or_empty (value, has_default ? &self->default_value : NULL);
  return has_default;
}

guint32
_gcoro_context_var_get_hash (GCoroContextVar *self)
{
  return self->hash;
}

static GCoroHamtValue *
current_value (GCoroContextVar *self)
{
  return _gcoro_hamt_lookup (_gcoro_context_cell_get_current ()->root, self, self->hash);
}

/**
 * gcoro_context_var_peek:
 * @self: a [class@GCoro.ContextVar]
 *
 * Gets the value of @self in the current context (or its default) without
 * copying it. The value stays valid until the current context changes the
 * variable or ends; copy it to keep it.
 *
 * Returns: (transfer none) (nullable): the value, or %NULL when @self has
 *   neither a value nor a default
 */
const GValue *
gcoro_context_var_peek (GCoroContextVar *self)
{
  GCoroHamtValue *v;

  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (self), NULL);

  v = current_value (self);
  if (v != NULL)
    return _gcoro_hamt_value_peek (v);

  return G_IS_VALUE (&self->default_value) ? &self->default_value : NULL;
}

/**
 * gcoro_context_var_get:
 * @self: a [class@GCoro.ContextVar]
 * @value: (out caller-allocates) (optional): receives a copy of the value
 * @error: return location for a [struct@GLib.Error]
 *
 * Gets the value of @self in the current context: the running task's, the
 * one entered with [method@GCoro.Context.run], or the calling thread's. Falls
 * back to the default; with neither, fails with [GCORO_ERROR_NO_VALUE][error@GCoro.Error]
 * (Python's `LookupError`).
 *
 * Returns: %TRUE if there was a value (or default)
 */
gboolean
gcoro_context_var_get (GCoroContextVar  *self,
                       GValue           *value,
                       GError          **error)
{
  const GValue *current;

  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  current = gcoro_context_var_peek (self);
  value_set_or_empty (value, current);
  if (current == NULL)
    {
      g_set_error (error, GCORO_ERROR, GCORO_ERROR_NO_VALUE,
                   "Context variable '%s' has no value in this context and no default",
                   self->name);
      return FALSE;
    }

  return TRUE;
}

/**
 * gcoro_context_var_get_or:
 * @self: a [class@GCoro.ContextVar]
 * @fallback: (nullable): what to return where @self has no value
 * @value: (out caller-allocates): receives a copy of the value
 *
 * Python's `var.get(default)`: the value of @self in the current context,
 * else @fallback, else the variable's own default, else a %NULL object.
 */
void
gcoro_context_var_get_or (GCoroContextVar *self,
                          const GValue    *fallback,
                          GValue          *value)
{
  GCoroHamtValue *v;

  g_return_if_fail (GCORO_IS_CONTEXT_VAR (self));
  g_return_if_fail (fallback == NULL || G_IS_VALUE (fallback));
  g_return_if_fail (value != NULL);

  v = current_value (self);
  if (v != NULL)
    value_set_or_empty (value, _gcoro_hamt_value_peek (v));
  else if (fallback != NULL)
    value_set_or_empty (value, fallback);
  else
    value_set_or_empty (value, G_IS_VALUE (&self->default_value) ? &self->default_value : NULL);
}

static GCoroToken *
set_taking (GCoroContextVar *self,
            GCoroHamtValue  *value)
{
  GCoroContextCell *cell = _gcoro_context_cell_get_current ();
  GCoroToken *token = g_atomic_rc_box_new0 (GCoroToken);
  GCoroHamtValue *old = _gcoro_hamt_lookup (cell->root, self, self->hash);

  token->var = g_object_ref (self);
  token->old = old ? _gcoro_hamt_value_ref (old) : NULL;
  token->cell_id = _gcoro_context_cell_get_id (cell);

  cell->root = _gcoro_hamt_insert (cell->root, self, self->hash, value);
  _gcoro_hamt_value_unref (value);

  return token;
}

/**
 * gcoro_context_var_set:
 * @self: a [class@GCoro.ContextVar]
 * @value: the new value (copied)
 *
 * Sets @self in the current context. The running task and the tasks it
 * spawns from now on see the new value; its spawner and siblings do not.
 *
 * Returns: (transfer full): a token for [method@GCoro.ContextVar.reset]
 */
GCoroToken *
gcoro_context_var_set (GCoroContextVar *self,
                       const GValue    *value)
{
  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (self), NULL);
  g_return_val_if_fail (G_IS_VALUE (value), NULL);

  return set_taking (self, _gcoro_hamt_value_new (self, value));
}

/**
 * gcoro_context_var_reset:
 * @self: a [class@GCoro.ContextVar]
 * @token: the token a set() of @self returned in the current context
 * @error: return location for a [struct@GLib.Error]
 *
 * Restores the value @self had before the set() that returned @token (or
 * no value, if it had none). A token works once, only for the variable
 * that made it and only in the context it was made in. A second use fails
 * with [GCORO_ERROR_TOKEN_USED][error@GCoro.Error], another variable's or context's token with
 * [GCORO_ERROR_INVALID_TOKEN][error@GCoro.Error]; either changes nothing.
 *
 * Returns: %TRUE if the variable was reset
 */
gboolean
gcoro_context_var_reset (GCoroContextVar  *self,
                         GCoroToken       *token,
                         GError          **error)
{
  GCoroContextCell *cell;

  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (token->used)
    {
      g_set_error (error, GCORO_ERROR, GCORO_ERROR_TOKEN_USED,
                   "This token of context variable '%s' has already been used",
                   token->var->name);
      return FALSE;
    }
  if (token->var != self)
    {
      g_set_error (error, GCORO_ERROR, GCORO_ERROR_INVALID_TOKEN,
                   "The token was made by context variable '%s', not '%s'",
                   token->var->name, self->name);
      return FALSE;
    }

  cell = _gcoro_context_cell_get_current ();
  if (token->cell_id != _gcoro_context_cell_get_id (cell))
    {
      g_set_error (error, GCORO_ERROR, GCORO_ERROR_INVALID_TOKEN,
                   "The token of context variable '%s' was made in another context",
                   self->name);
      return FALSE;
    }

  if (token->old != NULL)
    cell->root = _gcoro_hamt_insert (cell->root, self, self->hash, token->old);
  else
    cell->root = _gcoro_hamt_remove (cell->root, self, self->hash);
  token->used = TRUE;

  return TRUE;
}

/**
 * gcoro_context_var_get_pointer: (skip)
 * @self: a [class@GCoro.ContextVar]
 *
 * Gets a pointer value set with [method@GCoro.ContextVar.set_pointer]. It stays
 * valid while the current context holds it.
 *
 * Returns: (nullable) (transfer none): the pointer, or %NULL
 */
gpointer
gcoro_context_var_get_pointer (GCoroContextVar *self)
{
  const GValue *v = gcoro_context_var_peek (self);

  return v != NULL ? _gcoro_value_get_pointer (v) : NULL;
}

/**
 * gcoro_context_var_dup_object:
 * @self: a [class@GCoro.ContextVar]
 *
 * Gets an object value.
 *
 * Returns: (transfer full) (nullable) (type GObject): a reference to the
 *   object, or %NULL if @self holds no object
 */
gpointer
gcoro_context_var_dup_object (GCoroContextVar *self)
{
  const GValue *v = gcoro_context_var_peek (self);

  return v != NULL && G_VALUE_HOLDS_OBJECT (v) ? g_value_dup_object (v) : NULL;
}

/**
 * gcoro_context_var_dup_string:
 * @self: a [class@GCoro.ContextVar]
 *
 * Gets a string value.
 *
 * Returns: (transfer full) (nullable): a copy of the string, or %NULL if
 *   @self holds no string
 */
char *
gcoro_context_var_dup_string (GCoroContextVar *self)
{
  const GValue *v = gcoro_context_var_peek (self);

  return v != NULL && G_VALUE_HOLDS_STRING (v) ? g_value_dup_string (v) : NULL;
}

/**
 * gcoro_context_var_get_int64:
 * @self: a [class@GCoro.ContextVar]
 * @fallback: returned when @self holds no integer
 *
 * Gets an integer value (of any integer type).
 *
 * Returns: the value, or @fallback
 */
gint64
gcoro_context_var_get_int64 (GCoroContextVar *self,
                             gint64           fallback)
{
  const GValue *v = gcoro_context_var_peek (self);
  GValue i = G_VALUE_INIT;
  gint64 ret = fallback;

  if (v != NULL && G_VALUE_HOLDS_INT64 (v))
    return g_value_get_int64 (v);
  if (v == NULL || !g_value_type_transformable (G_VALUE_TYPE (v), G_TYPE_INT64))
    return fallback;

  g_value_init (&i, G_TYPE_INT64);
  if (g_value_transform (v, &i))
    ret = g_value_get_int64 (&i);
  g_value_unset (&i);

  return ret;
}

static GCoroToken *
set_from_stack_value (GCoroContextVar *self,
                      GValue          *value)
{
  return set_taking (self, _gcoro_hamt_value_new_take (self, value));
}

/**
 * gcoro_context_var_set_pointer: (skip)
 * @self: a [class@GCoro.ContextVar]
 * @pointer: (nullable): the value
 * @destroy: (nullable): frees @pointer once no context holds it
 *
 * Sets a C pointer value, owned by the contexts that hold it.
 *
 * Returns: (transfer full): a token for [method@GCoro.ContextVar.reset]
 */
GCoroToken *
gcoro_context_var_set_pointer (GCoroContextVar *self,
                               gpointer         pointer,
                               GDestroyNotify   destroy)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (self), NULL);

  _gcoro_value_take_pointer (&v, pointer, destroy);
  return set_from_stack_value (self, &v);
}

/**
 * gcoro_context_var_set_object:
 * @self: a [class@GCoro.ContextVar]
 * @object: (type GObject) (nullable): the value (a reference is taken)
 *
 * Sets an object value.
 *
 * Returns: (transfer full): a token for [method@GCoro.ContextVar.reset]
 */
GCoroToken *
gcoro_context_var_set_object (GCoroContextVar *self,
                              gpointer         object)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (self), NULL);
  g_return_val_if_fail (object == NULL || G_IS_OBJECT (object), NULL);

  g_value_init (&v, object ? G_OBJECT_TYPE (object) : G_TYPE_OBJECT);
  g_value_set_object (&v, object);
  return set_from_stack_value (self, &v);
}

/**
 * gcoro_context_var_set_string:
 * @self: a [class@GCoro.ContextVar]
 * @value: (nullable): the value (copied)
 *
 * Sets a string value.
 *
 * Returns: (transfer full): a token for [method@GCoro.ContextVar.reset]
 */
GCoroToken *
gcoro_context_var_set_string (GCoroContextVar *self,
                              const char      *value)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (self), NULL);

  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, value);
  return set_from_stack_value (self, &v);
}

/**
 * gcoro_context_var_set_int64:
 * @self: a [class@GCoro.ContextVar]
 * @value: the value
 *
 * Sets a `G_TYPE_INT64` value.
 *
 * Returns: (transfer full): a token for [method@GCoro.ContextVar.reset]
 */
GCoroToken *
gcoro_context_var_set_int64 (GCoroContextVar *self,
                             gint64           value)
{
  GValue v = G_VALUE_INIT;

  g_return_val_if_fail (GCORO_IS_CONTEXT_VAR (self), NULL);

  g_value_init (&v, G_TYPE_INT64);
  g_value_set_int64 (&v, value);
  return set_from_stack_value (self, &v);
}

/* --- tokens -------------------------------------------------------------------- */

static void
token_clear (gpointer data)
{
  GCoroToken *self = data;

  g_clear_pointer (&self->old, _gcoro_hamt_value_unref);
  g_clear_object (&self->var);
}

/**
 * gcoro_token_ref:
 * @self: a [struct@GCoro.Token]
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 */
GCoroToken *
gcoro_token_ref (GCoroToken *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

/**
 * gcoro_token_unref:
 * @self: (transfer full): a [struct@GCoro.Token]
 *
 * Drops a reference.
 */
void
gcoro_token_unref (GCoroToken *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, token_clear);
}

/**
 * gcoro_token_get_var:
 * @self: a [struct@GCoro.Token]
 *
 * Gets the variable whose set() made @self.
 *
 * Returns: (transfer none): the variable
 */
GCoroContextVar *
gcoro_token_get_var (GCoroToken *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->var;
}

/**
 * gcoro_token_get_old_value:
 * @self: a [struct@GCoro.Token]
 * @value: (out caller-allocates) (optional): receives a copy of the value
 *   the variable had before (a %NULL object if it had none)
 *
 * Gets the value reset() would restore (Python's `Token.old_value`).
 *
 * Returns: %FALSE if the variable had no value (Python's `Token.MISSING`)
 */
gboolean
gcoro_token_get_old_value (GCoroToken *self,
                           GValue     *value)
{
  g_return_val_if_fail (self != NULL, FALSE);

  value_set_or_empty (value, self->old ? _gcoro_hamt_value_peek (self->old) : NULL);
  return self->old != NULL;
}

/**
 * gcoro_token_is_used:
 * @self: a [struct@GCoro.Token]
 *
 * Checks whether @self has been used by a reset().
 *
 * Returns: %TRUE once used
 */
gboolean
gcoro_token_is_used (GCoroToken *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->used;
}

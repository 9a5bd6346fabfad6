/* gcoro-hamt.c: a persistent hash-array-mapped trie
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* NOTES:
 * - Bagwell's HAMT, as CPython's contextvars uses: each node has a 32-bit
 *   bitmap of occupied slots and a dense array of entries; an entry is a
 *   leaf (key, hash, value) or a child node one level (5 hash bits) down.
 * - Hashes are unique per key (see the header), so two leaves always part
 *   ways within 7 levels and there are no collision nodes.
 * - Copy-on-write with an in-place fast path: a node whose reference count
 *   is 1 is reachable only through the caller's root, so inserting into it
 *   may modify it instead of copying. A context that was never copied
 *   since its last change (the common case: a task setting its own
 *   variables) changes in place; after a copy (a spawn) the first change
 *   copies the path and the new path is private again. The count is read
 *   atomically: if it is 1, no other thread holds a reference through
 *   which it could take another.
 * - Removal keeps the trie canonical: a child left with a single leaf is
 *   folded into its parent, so equal maps have equal shapes.
 */

#include "gcoro-config.h"

#include "gcoro-hamt-private.h"

#define BITS      5
#define FANOUT    (1u << BITS)
#define MASK      (FANOUT - 1)
#define MAX_SHIFT 30

struct _GCoroHamtValue
{
  gint     ref;
  GObject *key_object;
  GValue   value;
};

typedef struct _Node Node;

typedef struct
{
  gconstpointer key;        /* NULL: the entry is a child node */
  guint32       hash;
  union {
    GCoroHamtValue *value;
    Node           *child;
  };
} Entry;

struct _Node
{
  gint    ref;
  guint32 bitmap;
  guint   size;             /* leaves in this subtree */
  guint   n;                /* entries in use */
  guint   alloc;            /* entries allocated */
  Entry   entries[];
};

/* A root is a node; the distinct name keeps callers honest. */
struct _GCoroHamt
{
  Node node;
};

/* --- values --------------------------------------------------------------- */

GCoroHamtValue *
_gcoro_hamt_value_new (gpointer      key_object,
                       const GValue *value)
{
  GCoroHamtValue *v = g_new0 (GCoroHamtValue, 1);

  v->ref = 1;
  v->key_object = g_object_ref (key_object);
  g_value_init (&v->value, G_VALUE_TYPE (value));
  g_value_copy (value, &v->value);
  return v;
}

GCoroHamtValue *
_gcoro_hamt_value_new_take (gpointer  key_object,
                            GValue   *value)
{
  GCoroHamtValue *v = g_new (GCoroHamtValue, 1);

  v->ref = 1;
  v->key_object = g_object_ref (key_object);
  /* A GValue is plain memory plus what it owns: move it. */
  v->value = *value;
  memset (value, 0, sizeof *value);
  return v;
}

GCoroHamtValue *
_gcoro_hamt_value_ref (GCoroHamtValue *value)
{
  g_atomic_int_inc (&value->ref);
  return value;
}

void
_gcoro_hamt_value_unref (GCoroHamtValue *value)
{
  if (g_atomic_int_dec_and_test (&value->ref))
    {
      g_value_unset (&value->value);
      g_object_unref (value->key_object);
      g_free (value);
    }
}

const GValue *
_gcoro_hamt_value_peek (GCoroHamtValue *value)
{
  return &value->value;
}

/* --- nodes ------------------------------------------------------------------- */

static Node *
node_alloc (guint n)
{
  guint alloc = MAX (n, 2);
  Node *node = g_malloc (sizeof (Node) + alloc * sizeof (Entry));

  node->ref = 1;
  node->bitmap = 0;
  node->size = 0;
  node->n = n;
  node->alloc = alloc;
  return node;
}

static void node_unref (Node *node);

static void
entry_ref (Entry *e)
{
  if (e->key != NULL)
    _gcoro_hamt_value_ref (e->value);
  else
    g_atomic_int_inc (&e->child->ref);
}

static void
entry_unref (Entry *e)
{
  if (e->key != NULL)
    _gcoro_hamt_value_unref (e->value);
  else
    node_unref (e->child);
}

static void
node_unref (Node *node)
{
  if (node == NULL || !g_atomic_int_dec_and_test (&node->ref))
    return;

  for (guint i = 0; i < node->n; i++)
    entry_unref (&node->entries[i]);
  g_free (node);
}

static inline guint
slot_of (guint32 hash,
         guint   shift)
{
  return (hash >> shift) & MASK;
}

/* Without -mpopcnt, __builtin_popcount() is a call into libgcc; this is a
 * dozen inline instructions. */
static inline guint
popcount32 (guint32 x)
{
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0fu;
  return (x * 0x01010101u) >> 24;
}

static inline guint
position (guint32 bitmap,
          guint32 bit)
{
  return popcount32 (bitmap & (bit - 1));
}

static inline gboolean
node_is_private (Node *node)
{
  return g_atomic_int_get (&node->ref) == 1;
}

/* A private copy of @node (references every entry), with room for
 * @extra more entries. */
static Node *
node_copy (Node *node,
           guint extra)
{
  Node *copy = node_alloc (node->n + extra);

  copy->bitmap = node->bitmap;
  copy->size = node->size;
  copy->n = node->n;
  memcpy (copy->entries, node->entries, node->n * sizeof (Entry));
  for (guint i = 0; i < node->n; i++)
    entry_ref (&copy->entries[i]);

  return copy;
}

/* @node itself if it is private, else a private copy; either way the
 * caller's reference to @node is consumed. */
static Node *
node_make_private (Node *node,
                   guint extra)
{
  Node *copy;

  if (node_is_private (node))
    {
      if (node->n + extra > node->alloc)
        {
          node->alloc = node->n + extra + 2;
          node = g_realloc (node, sizeof (Node) + node->alloc * sizeof (Entry));
        }
      return node;
    }

  copy = node_copy (node, extra);
  node_unref (node);
  return copy;
}

static void
node_insert_entry (Node   *node,
                   guint   pos,
                   guint32 bit,
                   Entry  *entry)
{
  memmove (&node->entries[pos + 1], &node->entries[pos], (node->n - pos) * sizeof (Entry));
  node->entries[pos] = *entry;
  node->bitmap |= bit;
  node->n++;
}

static void
node_remove_entry (Node   *node,
                   guint   pos,
                   guint32 bit)
{
  memmove (&node->entries[pos], &node->entries[pos + 1], (node->n - pos - 1) * sizeof (Entry));
  node->bitmap &= ~bit;
  node->n--;
}

/* A node holding two leaves that share the hash bits above @shift. */
static Node *
node_pair (Entry *a,
           Entry *b,
           guint  shift)
{
  guint sa = slot_of (a->hash, shift);
  guint sb = slot_of (b->hash, shift);
  Node *node;

  g_assert (shift <= MAX_SHIFT);

  if (sa == sb)
    {
      node = node_alloc (1);
      node->bitmap = 1u << sa;
      node->entries[0].key = NULL;
      node->entries[0].hash = 0;
      node->entries[0].child = node_pair (a, b, shift + BITS);
      node->size = 2;
      return node;
    }

  node = node_alloc (2);
  node->bitmap = (1u << sa) | (1u << sb);
  node->entries[sa < sb ? 0 : 1] = *a;
  node->entries[sa < sb ? 1 : 0] = *b;
  node->size = 2;
  return node;
}

/* Consumes the reference to @node (NULL: empty) and returns the new
 * subtree; takes a reference to @value. */
static Node *
node_insert (Node           *node,
             gconstpointer   key,
             guint32         hash,
             GCoroHamtValue *value,
             guint           shift)
{
  guint32 bit = 1u << slot_of (hash, shift);
  guint pos;
  Entry *e;

  if (node == NULL)
    node = node_alloc (0);

  if (!(node->bitmap & bit))
    {
      Entry leaf = { key, hash, { .value = _gcoro_hamt_value_ref (value) } };

      node = node_make_private (node, 1);
      node_insert_entry (node, position (node->bitmap, bit), bit, &leaf);
      node->size++;
      return node;
    }

  node = node_make_private (node, 0);
  pos = position (node->bitmap, bit);
  e = &node->entries[pos];

  if (e->key == key)
    {
      GCoroHamtValue *old = e->value;

      e->value = _gcoro_hamt_value_ref (value);
      _gcoro_hamt_value_unref (old);
    }
  else if (e->key != NULL)
    {
      Entry leaf = { key, hash, { .value = _gcoro_hamt_value_ref (value) } };
      Entry old = *e;

      e->key = NULL;
      e->hash = 0;
      e->child = node_pair (&old, &leaf, shift + BITS);
      node->size++;
    }
  else
    {
      guint before = e->child->size;

      e->child = node_insert (e->child, key, hash, value, shift + BITS);
      node->size += e->child->size - before;
    }

  return node;
}

/* Returns a new reference to the subtree without @key, NULL when that is
 * empty; *found says whether @key was there (if not, the result is a new
 * reference to @node itself). */
static Node *
node_remove (Node          *node,
             gconstpointer  key,
             guint32        hash,
             guint          shift,
             gboolean      *found)
{
  guint32 bit = 1u << slot_of (hash, shift);
  guint pos;
  Entry *e;
  Node *copy, *child;

  *found = FALSE;
  if (!(node->bitmap & bit))
    goto absent;

  pos = position (node->bitmap, bit);
  e = &node->entries[pos];

  if (e->key != NULL)
    {
      if (e->key != key)
        goto absent;
      *found = TRUE;
      if (node->n == 1)
        return NULL;
      copy = node_copy (node, 0);
      entry_unref (&copy->entries[pos]);
      node_remove_entry (copy, pos, bit);
      copy->size--;
      return copy;
    }

  child = node_remove (e->child, key, hash, shift + BITS, found);
  if (!*found)
    {
      node_unref (child);
      goto absent;
    }

  copy = node_copy (node, 0);
  node_unref (copy->entries[pos].child);
  copy->size--;
  if (child == NULL)
    {
      node_remove_entry (copy, pos, bit);
      if (copy->n == 0)
        {
          node_unref (copy);
          return NULL;
        }
    }
  else if (child->n == 1 && child->entries[0].key != NULL)
    {
      /* Fold a lone leaf up. */
      copy->entries[pos] = child->entries[0];
      entry_ref (&copy->entries[pos]);
      node_unref (child);
    }
  else
    copy->entries[pos].child = child;

  return copy;

absent:
  g_atomic_int_inc (&node->ref);
  return node;
}

/* --- roots ------------------------------------------------------------------ */

GCoroHamt *
_gcoro_hamt_ref (GCoroHamt *hamt)
{
  if (hamt != NULL)
    g_atomic_int_inc (&hamt->node.ref);
  return hamt;
}

void
_gcoro_hamt_unref (GCoroHamt *hamt)
{
  if (hamt != NULL)
    node_unref (&hamt->node);
}

GCoroHamtValue *
_gcoro_hamt_lookup (GCoroHamt     *hamt,
                    gconstpointer  key,
                    guint32        hash)
{
  Node *node = hamt ? &hamt->node : NULL;
  guint shift = 0;

  while (node != NULL)
    {
      guint32 bit = 1u << slot_of (hash, shift);
      Entry *e;

      if (!(node->bitmap & bit))
        return NULL;
      e = &node->entries[position (node->bitmap, bit)];
      if (e->key != NULL)
        return e->key == key ? e->value : NULL;
      node = e->child;
      shift += BITS;
    }

  return NULL;
}

GCoroHamt *
_gcoro_hamt_insert (GCoroHamt      *hamt,
                    gconstpointer   key,
                    guint32         hash,
                    GCoroHamtValue *value)
{
  g_return_val_if_fail (key != NULL, NULL);

  return (GCoroHamt *) node_insert ((Node *) hamt, key, hash, value, 0);
}

GCoroHamt *
_gcoro_hamt_remove (GCoroHamt     *hamt,
                    gconstpointer  key,
                    guint32        hash)
{
  gboolean found;
  Node *result;

  if (hamt == NULL)
    return NULL;

  result = node_remove (&hamt->node, key, hash, 0, &found);
  node_unref (&hamt->node);
  return (GCoroHamt *) result;
}

guint
_gcoro_hamt_size (GCoroHamt *hamt)
{
  return hamt ? hamt->node.size : 0;
}

static void
node_foreach (Node          *node,
              GCoroHamtFunc  func,
              gpointer       user_data)
{
  for (guint i = 0; i < node->n; i++)
    {
      Entry *e = &node->entries[i];

      if (e->key != NULL)
        func (e->key, e->value, user_data);
      else
        node_foreach (e->child, func, user_data);
    }
}

void
_gcoro_hamt_foreach (GCoroHamt     *hamt,
                     GCoroHamtFunc  func,
                     gpointer       user_data)
{
  if (hamt != NULL)
    node_foreach (&hamt->node, func, user_data);
}

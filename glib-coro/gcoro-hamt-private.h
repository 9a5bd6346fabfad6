/* gcoro-hamt-private.h: a persistent hash-array-mapped trie
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The immutable mapping behind context variables: every "change" returns a
 * new root sharing all untouched nodes with the old one, so a copy is a
 * reference (O(1)) and a set copies one path (O(log32 n)).
 *
 * Keys are opaque pointers with a caller-chosen 32-bit hash that must be
 * unique per key (context variables number themselves), so the trie never
 * needs collision nodes: 32 bits, 5 per level, at most 7 levels. Values
 * are refcounted GValues shared between versions.
 *
 * Nodes are immutable once published and refcounted atomically: a root may
 * be handed to another thread (a function sent to the thread pool).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _GCoroHamt      GCoroHamt;       /* a root; NULL is the empty map */
typedef struct _GCoroHamtValue GCoroHamtValue;  /* a shared, immutable GValue */

/* Copies @value; holds a reference to @key_object (the key it is stored
 * under: a context variable), so a key lives as long as a value of it. */
GCoroHamtValue *_gcoro_hamt_value_new    (gpointer        key_object,
                                          const GValue   *value);
/* Like _gcoro_hamt_value_new(), but steals @value (left zeroed). */
GCoroHamtValue *_gcoro_hamt_value_new_take (gpointer      key_object,
                                            GValue       *value);
GCoroHamtValue *_gcoro_hamt_value_ref    (GCoroHamtValue *value);
void            _gcoro_hamt_value_unref  (GCoroHamtValue *value);
const GValue   *_gcoro_hamt_value_peek   (GCoroHamtValue *value);

GCoroHamt      *_gcoro_hamt_ref          (GCoroHamt      *hamt);    /* NULL-safe */
void            _gcoro_hamt_unref        (GCoroHamt      *hamt);    /* NULL-safe */

/* Borrowed value for @key, or NULL. */
GCoroHamtValue *_gcoro_hamt_lookup       (GCoroHamt      *hamt,
                                          gconstpointer   key,
                                          guint32         hash);

/* The root with @key mapped to @value (a reference to @value is taken).
 * Consumes the caller's reference to @hamt: keep one of your own
 * (_gcoro_hamt_ref()) if you still need the old version. When @hamt is
 * not shared, it is changed in place. */
GCoroHamt      *_gcoro_hamt_insert       (GCoroHamt      *hamt,
                                          gconstpointer   key,
                                          guint32         hash,
                                          GCoroHamtValue *value);

/* The root without @key; consumes the reference to @hamt, like insert. */
GCoroHamt      *_gcoro_hamt_remove       (GCoroHamt      *hamt,
                                          gconstpointer   key,
                                          guint32         hash);

guint           _gcoro_hamt_size         (GCoroHamt      *hamt);

typedef void (*GCoroHamtFunc) (gconstpointer   key,
                               GCoroHamtValue *value,
                               gpointer        user_data);

void            _gcoro_hamt_foreach      (GCoroHamt      *hamt,
                                          GCoroHamtFunc   func,
                                          gpointer        user_data);

G_END_DECLS

/* test-hamt.c: the persistent trie behind contexts, against a model
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-object.h>

#include "gcoro-hamt-private.h"

#define N_KEYS 3000

static GObject *keys[N_KEYS];

static guint32
key_hash (guint i)
{
  /* Unique, as context variables make them. */
  return (i + 1) * 2654435761u;
}

static GCoroHamtValue *
int_value (guint key,
           int   v)
{
  GValue gv = G_VALUE_INIT;
  GCoroHamtValue *hv;

  g_value_init (&gv, G_TYPE_INT);
  g_value_set_int (&gv, v);
  hv = _gcoro_hamt_value_new (keys[key], &gv);
  g_value_unset (&gv);
  return hv;
}

static void
check_against (GCoroHamt *hamt,
               const int *model)   /* -1: absent */
{
  guint expected = 0;

  for (guint i = 0; i < N_KEYS; i++)
    {
      GCoroHamtValue *v = _gcoro_hamt_lookup (hamt, keys[i], key_hash (i));

      if (model[i] < 0)
        g_assert_null (v);
      else
        {
          g_assert_nonnull (v);
          g_assert_cmpint (g_value_get_int (_gcoro_hamt_value_peek (v)), ==, model[i]);
          expected++;
        }
    }
  g_assert_cmpuint (_gcoro_hamt_size (hamt), ==, expected);
}

static void
count_entry (gconstpointer key, GCoroHamtValue *value, gpointer data)
{
  (*(guint *) data)++;
}

static void
test_random_against_model (void)
{
  int *model = g_new (int, N_KEYS);
  int *snapshot_model = g_new (int, N_KEYS);
  GCoroHamt *hamt = NULL;
  GCoroHamt *snapshot = NULL;
  GRand *rand = g_rand_new_with_seed (567);
  guint n = 0;

  for (guint i = 0; i < N_KEYS; i++)
    model[i] = -1;

  for (guint step = 0; step < 40000; step++)
    {
      guint key = g_rand_int_range (rand, 0, N_KEYS);

      if (g_rand_int_range (rand, 0, 3) == 0)
        {
          hamt = _gcoro_hamt_remove (hamt, keys[key], key_hash (key));
          model[key] = -1;
        }
      else
        {
          GCoroHamtValue *v = int_value (key, step);

          hamt = _gcoro_hamt_insert (hamt, keys[key], key_hash (key), v);
          _gcoro_hamt_value_unref (v);
          model[key] = step;
        }

      /* Now and then keep a version and check it survives later changes
       * (copy-on-write must not touch shared nodes). */
      if (step % 5000 == 0)
        {
          if (snapshot != NULL)
            check_against (snapshot, snapshot_model);
          _gcoro_hamt_unref (snapshot);
          snapshot = _gcoro_hamt_ref (hamt);
          memcpy (snapshot_model, model, N_KEYS * sizeof (int));
        }
    }

  check_against (hamt, model);
  check_against (snapshot, snapshot_model);
  _gcoro_hamt_foreach (hamt, count_entry, &n);
  g_assert_cmpuint (n, ==, _gcoro_hamt_size (hamt));

  /* Remove everything: back to the empty map. */
  for (guint i = 0; i < N_KEYS; i++)
    {
      hamt = _gcoro_hamt_remove (hamt, keys[i], key_hash (i));
      model[i] = -1;
    }
  g_assert_null (hamt);

  _gcoro_hamt_unref (snapshot);
  g_rand_free (rand);
  g_free (model);
  g_free (snapshot_model);
}

static void
test_copy_is_independent (void)
{
  GCoroHamtValue *a = int_value (0, 1), *b = int_value (0, 2);
  GCoroHamt *one = _gcoro_hamt_insert (NULL, keys[0], key_hash (0), a);
  GCoroHamt *copy = _gcoro_hamt_ref (one);

  /* "one" is shared now: changing it copies. */
  one = _gcoro_hamt_insert (one, keys[0], key_hash (0), b);
  g_assert_cmpint (g_value_get_int (_gcoro_hamt_value_peek (_gcoro_hamt_lookup (copy, keys[0], key_hash (0)))), ==, 1);
  g_assert_cmpint (g_value_get_int (_gcoro_hamt_value_peek (_gcoro_hamt_lookup (one, keys[0], key_hash (0)))), ==, 2);

  /* Removing an absent key keeps the map. */
  one = _gcoro_hamt_remove (one, keys[1], key_hash (1));
  g_assert_cmpuint (_gcoro_hamt_size (one), ==, 1);

  _gcoro_hamt_unref (one);
  _gcoro_hamt_unref (copy);
  _gcoro_hamt_value_unref (a);
  _gcoro_hamt_value_unref (b);
}

static void
test_value_keeps_key_alive (void)
{
  GObject *key = g_object_new (G_TYPE_OBJECT, NULL);
  GValue gv = G_VALUE_INIT;
  GCoroHamtValue *v;
  GWeakRef weak;

  g_weak_ref_init (&weak, key);
  g_value_init (&gv, G_TYPE_STRING);
  g_value_set_static_string (&gv, "x");
  v = _gcoro_hamt_value_new (key, &gv);
  g_value_unset (&gv);
  g_object_unref (key);

  key = g_weak_ref_get (&weak);
  g_assert_nonnull (key);
  g_object_unref (key);

  _gcoro_hamt_value_unref (v);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < N_KEYS; i++)
    keys[i] = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_add_func ("/gcoro/hamt/random-against-model", test_random_against_model);
  g_test_add_func ("/gcoro/hamt/copy-is-independent", test_copy_is_independent);
  g_test_add_func ("/gcoro/hamt/value-keeps-key-alive", test_value_keeps_key_alive);

  ret = g_test_run ();

  for (guint i = 0; i < N_KEYS; i++)
    g_object_unref (keys[i]);
  return ret;
}

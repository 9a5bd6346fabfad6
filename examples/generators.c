/* generators.c: lazy sequences and pipelines of generators
 *
 * Seed topic: "coroutines and generators". A generator is a function that
 * stops at every item it produces and goes on only when the next one is
 * wanted: a coroutine whose scheduler is its consumer. Nothing is computed
 * ahead, so a sequence can be infinite, and stages chained into a pipeline
 * pass one item at a time, without any list in between. Closing the last
 * stage closes the ones before it: each body sees the closing at its
 * pending yield and runs its cleanup.
 *
 * Run: ./generators
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-coro.h>

/* An infinite sequence: it only ever computes what is asked for. */
static void
fibonacci (GCoroGenerator *gen,
           gpointer        user_data)
{
  gint64 a = 0, b = 1, n = 0;

  for (;;)
    {
      gint64 next = a + b;

      n++;
      if (!gcoro_generator_yield_int64 (gen, a, NULL))
        break;   /* closed: this is where cleanup goes */
      a = b;
      b = next;
    }
  g_print ("fibonacci: closed after %" G_GINT64_FORMAT " items\n", n);
}

static void
numbers (GCoroGenerator *gen,
         gpointer        user_data)
{
  gint64 i = 1;

  while (gcoro_generator_yield_int64 (gen, i, NULL))
    i++;
  g_print ("numbers: closed at %" G_GINT64_FORMAT "\n", i);
}

static void
squares (GCoroGenerator *gen,
         gpointer        source)
{
  GValue v = G_VALUE_INIT;

  while (gcoro_generator_next (source, &v, NULL))
    {
      gint64 x = g_value_get_int64 (&v);

      g_value_unset (&v);
      if (!gcoro_generator_yield_int64 (gen, x * x, NULL))
        break;
    }
  g_value_unset (&v);
  g_print ("squares: closed\n");
}

static void
odd_only (GCoroGenerator *gen,
          gpointer        source)
{
  GValue v = G_VALUE_INIT;

  while (gcoro_generator_next (source, &v, NULL))
    {
      gboolean odd = g_value_get_int64 (&v) % 2 == 1;

      if (odd && !gcoro_generator_yield (gen, &v, NULL))
        break;
      g_value_unset (&v);
    }
  g_value_unset (&v);
  g_print ("odd_only: closed\n");
}

/* A stage that fails: the error reaches whoever consumes it. */
static void
checked (GCoroGenerator *gen,
         gpointer        source)
{
  GValue v = G_VALUE_INIT;

  while (gcoro_generator_next (source, &v, NULL))
    {
      gint64 x = g_value_get_int64 (&v);

      g_value_unset (&v);
      if (x > 20)
        return gcoro_generator_return_error (gen, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                               "%" G_GINT64_FORMAT " is too big", x));
      if (!gcoro_generator_yield_int64 (gen, x, NULL))
        return;
    }
}

static void
take (GCoroGenerator *gen,
      int             n,
      const char     *label)
{
  GValue v = G_VALUE_INIT;

  g_print ("%s:", label);
  for (int i = 0; i < n && gcoro_generator_next (gen, &v, NULL); i++)
    {
      g_print (" %" G_GINT64_FORMAT, g_value_get_int64 (&v));
      g_value_unset (&v);
    }
  g_print ("\n");
}

int
main (void)
{
  g_autoptr(GCoroGenerator) fib = gcoro_generator_new (fibonacci, NULL, NULL);
  GCoroGenerator *pipeline, *failing;
  g_autoptr(GError) error = NULL;
  GValue v = G_VALUE_INIT;

  g_print ("--- a lazy sequence ---\n");
  take (fib, 10, "first 10");
  take (fib, 3, "3 more");
  gcoro_generator_close (fib, NULL);

  g_print ("--- a pipeline: numbers -> squares -> odd_only ---\n");
  /* Each stage owns the one before it. */
  pipeline = gcoro_generator_new (odd_only,
                                  gcoro_generator_new (squares,
                                                       gcoro_generator_new (numbers, NULL, NULL),
                                                       g_object_unref),
                                  g_object_unref);
  take (pipeline, 5, "first 5");
  g_object_unref (pipeline);   /* closes the whole chain */

  g_print ("--- an error in a stage ---\n");
  failing = gcoro_generator_new (checked, gcoro_generator_new (squares,
                                                               gcoro_generator_new (numbers, NULL, NULL),
                                                               g_object_unref),
                                 g_object_unref);
  while (gcoro_generator_next (failing, &v, &error))
    {
      g_print ("got %" G_GINT64_FORMAT "\n", g_value_get_int64 (&v));
      g_value_unset (&v);
    }
  g_value_unset (&v);
  g_print ("error: %s\n", error->message);
  g_object_unref (failing);

  return 0;
}

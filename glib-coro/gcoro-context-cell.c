/* gcoro-context-cell.c: where the current context lives
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* NOTES:
 * - Switching tasks swaps one thread-local pointer (the task layer saves
 *   and restores it around every resume); nothing is copied.
 * - A thread's default cell is allocated on first use and freed with the
 *   thread (GPrivate destroy notify), taking its variables' values along.
 */

#include "gcoro-config.h"

#include "gcoro-tls-private.h"
#include "gcoro-context-cell-private.h"

GCORO_TLS GCoroContextCell *_gcoro_context_cell_tls_current;
#define current_cell _gcoro_context_cell_tls_current
static guint64 last_cell_id;

/* The GPrivate frees the cell at thread exit; the TLS copy of the pointer
 * spares spawns outside tasks a pthread_getspecific() call. */
static GCORO_TLS GCoroContextCell *thread_cell_cached;

static void
thread_cell_free (gpointer data)
{
  GCoroContextCell *cell = data;

  /* Runs on the exiting thread: a later destructor asking for the cell
   * gets a new one, as from the GPrivate, not this freed one. */
  if (thread_cell_cached == cell)
    thread_cell_cached = NULL;
  _gcoro_context_cell_clear (cell);
  g_free (cell);
}

static GPrivate thread_cell = G_PRIVATE_INIT (thread_cell_free);

static GCoroContextCell *
get_thread_cell (void)
{
  GCoroContextCell *cell = thread_cell_cached;

  if (G_LIKELY (cell != NULL))
    return cell;

  cell = g_private_get (&thread_cell);
  if (cell == NULL)
    {
      cell = g_new0 (GCoroContextCell, 1);
      g_private_set (&thread_cell, cell);
    }
  thread_cell_cached = cell;

  return cell;
}

GCoroContextCell *
_gcoro_context_cell_get_current (void)
{
  if (G_LIKELY (current_cell != NULL))
    return current_cell;

  return get_thread_cell ();
}

void
_gcoro_context_cell_init_copy (GCoroContextCell *cell,
                               GCoroContextCell *from)
{
  if (from == NULL)
    from = _gcoro_context_cell_get_current ();

  cell->root = _gcoro_hamt_ref (from->root);
  cell->id = 0;
  cell->entered = 0;
}

void
_gcoro_context_cell_clear (GCoroContextCell *cell)
{
  g_clear_pointer (&cell->root, _gcoro_hamt_unref);
}

guint64
_gcoro_context_cell_get_id (GCoroContextCell *cell)
{
  if (cell->id == 0)
    cell->id = g_atomic_pointer_add (&last_cell_id, 1) + 1;

  return cell->id;
}

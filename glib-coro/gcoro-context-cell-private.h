/* gcoro-context-cell-private.h: where the current context lives
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The mechanism under context variables, kept below the task layer so
 * tasks can inherit contexts without knowing about variables: a cell holds
 * one version (a HAMT root) of a context. Each thread has a current cell:
 * its own default cell outside any task, the running task's cell inside
 * one, a GCoroContext's cell inside gcoro_context_run(). Setting a
 * variable replaces the root in the current cell; copying a context is
 * taking a reference to its root.
 */
#pragma once

#include <gio/gio.h>

#include "gcoro-hamt-private.h"
#include "gcoro-tls-private.h"

G_BEGIN_DECLS

typedef struct _GCoroContextCell GCoroContextCell;

struct _GCoroContextCell
{
  GCoroHamt *root;     /* NULL: empty */
  guint64    id;       /* 0 until a token needs it (see _gcoro_context_cell_get_id) */
  gint       entered;  /* GCoroContext cells: refuses re-entry (atomic) */
};

/* The calling thread's current cell (never NULL). */
GCoroContextCell *_gcoro_context_cell_get_current  (void);

/* The current cell, NULL for the thread's own default cell. Not static:
 * swapped inline on every task switch. */
extern GCORO_TLS GCoroContextCell *_gcoro_context_cell_tls_current;

/* Makes @cell current (NULL: the thread's own default cell) and returns
 * the previous one, for restoring. */
static inline GCoroContextCell *
_gcoro_context_cell_swap_current (GCoroContextCell *cell)
{
  GCoroContextCell *prev = _gcoro_context_cell_tls_current;

  _gcoro_context_cell_tls_current = cell;
  return prev;
}

/* @cell starts as a copy of @from (NULL: of the current cell). */
void              _gcoro_context_cell_init_copy    (GCoroContextCell *cell,
                                                    GCoroContextCell *from);
void              _gcoro_context_cell_clear        (GCoroContextCell *cell);

/* A process-unique id, assigned on first use. */
guint64           _gcoro_context_cell_get_id       (GCoroContextCell *cell);

G_END_DECLS

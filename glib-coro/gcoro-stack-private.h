/* gcoro-stack-private.h: fiber stacks and per-thread stack pools (the fiber layer, private)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A stack is one region [base, base + size) of lazily committed memory with
 * a protection zone below @base. Its header (a GCoroStack) sits at the very
 * top of the region, inside @size, so whoever embeds a GCoroStack as the
 * first member of a bigger struct (GCoroFiber does) gets that struct and
 * its stack in one allocation. The usable stack is [base, header).
 *
 * Pools are per thread and used without a lock: gcoro_stack_pool_take()
 * and gcoro_stack_pool_give() are inline so that taking a warm stack is a
 * few loads and stores, no call, no syscall. See gcoro-stack.c for the
 * NOTES on how stacks are mapped and guarded.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  /* A slot of a slab, with a guard region below installed by
   * madvise (MADV_GUARD_INSTALL): costs no extra kernel mapping. */
  GCORO_STACK_GUARD_MADVISE = 1,
  /* Its own mapping with an mprotect(PROT_NONE) guard below: costs two
   * kernel mappings (vm.max_map_count), so their number is budgeted. */
  GCORO_STACK_GUARD_MPROTECT,
  /* A slot of a slab with a plain, unprotected gap below: protected by the
   * canary (see gcoro_stack_get_canary()), checked at every switch away
   * from the fiber and when it is freed. */
  GCORO_STACK_CANARY,
} GCoroStackKind;

typedef struct _GCoroStack     GCoroStack;
typedef struct _GCoroStackSlab GCoroStackSlab;

struct _GCoroStack
{
  GCoroStack     *next;   /* pool link; only meaningful while pooled */
  guint8         *base;   /* lowest usable byte; the guard/gap is below it */
  gsize           size;   /* page-rounded size asked for, header included */
  GCoroStackSlab *slab;   /* owning slab, NULL for GCORO_STACK_GUARD_MPROTECT */
  guint8          kind;   /* a GCoroStackKind */
  guint8          slot;   /* index in @slab */
};

/* The canary is the lowest GCORO_STACK_CANARY_SIZE bytes of a canary stack
 * and must still read zero. A never-written page reads as the kernel's
 * shared zero page, so the check costs no resident memory, and a stack
 * goes back to a pool only after the check passed, so it stays zero. */
#define GCORO_STACK_CANARY_SIZE 32

/* Per-thread pool: up to GCORO_STACK_POOL_CLASSES different stack sizes,
 * at most GCORO_STACK_POOL_MAX stacks in all. The first
 * GCORO_STACK_POOL_SOFT stacks given back stay warm (their pages
 * committed, so reusing them costs nothing); past that, a stack given back
 * has its pages released (a syscall, but only while a thread is shedding
 * many fibers at once) and waits on a separate cold list, so that taking
 * prefers warm stacks and a steady spawn/finish rhythm never pays for the
 * release and the page faults after it. */
#define GCORO_STACK_POOL_CLASSES 4
#define GCORO_STACK_POOL_MAX     64
#define GCORO_STACK_POOL_SOFT    16

typedef struct
{
  gsize       size[GCORO_STACK_POOL_CLASSES];
  GCoroStack *warm[GCORO_STACK_POOL_CLASSES];
  GCoroStack *cold[GCORO_STACK_POOL_CLASSES];
  guint       n_warm;
  guint       n_total;  /* written by the owner thread only, read by
                         * gcoro_stack_pool_get_n_total() from any thread */
} GCoroStackPool;

gsize        gcoro_stack_get_page_size        (void);
gsize        gcoro_stack_get_guard_size       (void);

/* Maps a new stack (not from any pool). Aborts with a message that says
 * why when the kernel refuses. @header_size is the room reserved at the top
 * for the GCoroStack and whatever embeds it (a multiple of 64). */
GCoroStack  *gcoro_stack_new                  (gsize           size,
                                               gsize           header_size);

/* Returns @stack to the process (not to a pool): unmaps it or gives its
 * slot back to its slab. */
void         gcoro_stack_free                 (GCoroStack     *stack);

/* Releases the committed pages of @stack except the header page. */
void         gcoro_stack_discard_pages        (GCoroStack     *stack);

/* Frees every stack in @pool. */
void         gcoro_stack_pool_drain           (GCoroStackPool *pool);

const char  *gcoro_stack_kind_to_string       (GCoroStackKind  kind);

/* The current guard strategy for new stacks (for tests and messages):
 * GCORO_STACK_GUARD_MADVISE, or GCORO_STACK_GUARD_MPROTECT (which gives
 * canary stacks once its budget is spent). */
GCoroStackKind gcoro_stack_get_guard_mode     (void);

/* How many mprotect-guarded stacks may exist at once in this process. */
guint        gcoro_stack_get_mprotect_budget  (void);

static inline guint
gcoro_stack_pool_get_n_total (GCoroStackPool *pool)
{
  return __atomic_load_n (&pool->n_total, __ATOMIC_RELAXED);
}

/* The zero block checked at every switch away from a fiber: the stack's
 * own lowest bytes for a canary stack, a static block of zeros otherwise
 * (so the check needs no branch on the kind). Async-signal-safe. */
static inline const guint64 *
gcoro_stack_get_canary (const GCoroStack *stack)
{
  extern const guint64 gcoro_stack_zero_canary[GCORO_STACK_CANARY_SIZE / 8];

  if (stack->kind == GCORO_STACK_CANARY)
    return (const guint64 *) (gconstpointer) stack->base;
  return gcoro_stack_zero_canary;
}

static inline gboolean
gcoro_stack_canary_is_intact (const guint64 *canary)
{
  G_STATIC_ASSERT (GCORO_STACK_CANARY_SIZE == 4 * sizeof (guint64));
  return (canary[0] | canary[1] | canary[2] | canary[3]) == 0;
}

/* Whether @addr lies in the guard region of @stack. Async-signal-safe. */
static inline gboolean
gcoro_stack_is_guard_address (const GCoroStack *stack,
                              gconstpointer     addr)
{
  const guint8 *p = addr;

  if (stack->kind == GCORO_STACK_CANARY || stack->base == NULL)
    return FALSE;
  return p < stack->base && p >= stack->base - gcoro_stack_get_guard_size ();
}

static inline GCoroStack *
gcoro_stack_pool_take (GCoroStackPool *pool,
                       gsize           size,
                       gsize           header_size)
{
  GCoroStack *stack;
  guint i;

  for (i = 0; i < GCORO_STACK_POOL_CLASSES; i++)
    {
      if (pool->size[i] != size)
        continue;
      if ((stack = pool->warm[i]) != NULL)
        {
          pool->warm[i] = stack->next;
          pool->n_warm--;
        }
      else if ((stack = pool->cold[i]) != NULL)
        pool->cold[i] = stack->next;
      else
        break;
      __atomic_store_n (&pool->n_total, pool->n_total - 1, __ATOMIC_RELAXED);
      return stack;
    }

  return gcoro_stack_new (size, header_size);
}

static inline void
gcoro_stack_pool_give (GCoroStackPool *pool,
                       GCoroStack     *stack)
{
  guint i, free_class = GCORO_STACK_POOL_CLASSES;

  if (G_UNLIKELY (pool->n_total >= GCORO_STACK_POOL_MAX))
    goto unpooled;

  for (i = 0; i < GCORO_STACK_POOL_CLASSES; i++)
    {
      if (pool->size[i] == stack->size)
        break;
      if (pool->warm[i] == NULL && pool->cold[i] == NULL &&
          free_class == GCORO_STACK_POOL_CLASSES)
        free_class = i;
    }
  if (i == GCORO_STACK_POOL_CLASSES)
    {
      /* A size with no class of its own takes over an empty class. */
      if (free_class == GCORO_STACK_POOL_CLASSES)
        goto unpooled;
      i = free_class;
      pool->size[i] = stack->size;
    }

  if (G_LIKELY (pool->n_warm < GCORO_STACK_POOL_SOFT))
    {
      stack->next = pool->warm[i];
      pool->warm[i] = stack;
      pool->n_warm++;
    }
  else
    {
      gcoro_stack_discard_pages (stack);
      stack->next = pool->cold[i];
      pool->cold[i] = stack;
    }
  __atomic_store_n (&pool->n_total, pool->n_total + 1, __ATOMIC_RELAXED);
  return;

unpooled:
  gcoro_stack_free (stack);
}

G_END_DECLS

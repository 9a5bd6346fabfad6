/* gcoro-stack.c: fiber stacks and per-thread stack pools (the fiber layer, private)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NOTES:
 *
 * A fiber stack must be cheap in memory while the fiber sleeps (a server may
 * hold 100,000 suspended tasks), must catch an overflow instead of letting it
 * scribble over a neighbour, and must come back fast for the next fiber.
 *
 * Memory. Stacks are mmap(MAP_NORESERVE) regions: the kernel commits a page
 * only when it is first touched, so a 256 KiB stack whose fiber only went a
 * few frames deep costs one page of RAM (its header and the top frames
 * share it), plus the page tables. Transparent huge pages are refused on
 * slabs (MADV_NOHUGEPAGE): with THP set to "always" one touched byte would
 * commit 2 MiB.
 *
 * Guards. The classic guard is an mprotect(PROT_NONE) page below each stack,
 * but it splits the mapping in two, and the kernel allows only
 * vm.max_map_count mappings per process (65,530 by default): 100,000 fibers
 * with mprotect guards need 200,000 mappings and mmap fails long before.
 * So there are three kinds of stack (GCoroStackKind):
 *
 *  - MADVISE (Linux >= 6.13): slabs of up to 64 stacks in ONE mapping, each
 *    with a guard region installed by madvise(MADV_GUARD_INSTALL). A guard
 *    region faults like PROT_NONE but does not split the mapping, so 100,000
 *    guarded stacks cost ~1,600 mappings. Whether the kernel has it is probed
 *    once at run time (EINVAL otherwise, even where the headers define it).
 *  - MPROTECT (older kernels): one mapping per stack with an mprotect guard,
 *    as long as their number stays under a budget of a third of
 *    vm.max_map_count (two mappings each, so ~10,900 stacks by default); the
 *    rest of the process keeps two thirds of the mappings for itself.
 *  - CANARY (older kernels, past the budget): slab slots with a plain gap
 *    below (the same size as a guard: it absorbs a small overflow before a
 *    neighbour's top is hit) and a canary: the lowest 32 bytes of the stack
 *    must still read zero. It is checked at every switch away from the fiber
 *    and when it is freed; a clobbered canary is reported as an overflow.
 *    A zero canary rather than a magic word because writing a magic word
 *    would commit the bottom page of every stack: 4 KiB more per fiber.
 *
 * GCORO_STACK_GUARD=madvise|mprotect|canary forces a strategy (mprotect is
 * what Debian 12's 6.1 kernel gets; canary is mprotect with a zero budget),
 * so both paths are tested on any kernel.
 *
 * Reuse. Mapping and unmapping cost microseconds, so fibers take stacks from
 * a per-thread pool (no lock: the pool is only touched by its thread, and
 * its counter is read by others through relaxed atomics for statistics).
 * A pool keeps at most 64 stacks; past 16 warm ones, a returning stack has
 * its pages released (MADV_DONTNEED) and is kept on a cold list that is
 * used only when no warm stack is left, so a thread that once ran 10,000
 * fibers does not keep their memory and a steady rhythm of short tasks
 * keeps reusing the same few warm stacks. Everything beyond a pool (mapping a
 * stack, finding a slab slot) takes one process-wide mutex: it is the cold
 * path by construction.
 *
 * Header. The GCoroStack header lives at the top of its own region (the
 * page that the fiber's first frames commit anyway), so a fiber with its
 * stack is a single allocation and a pooled stack needs no side table.
 *
 * Cache colouring. The header and the top frames are what every switch
 * touches. Were they at the same offset of every stack's top page, 1,000
 * ready fibers would fight over the same few cache sets (L1 and L2 are
 * indexed by the low address bits) and miss at every resume: 1,000 tasks
 * yielding cost 176 ns a yield against 67 ns for 100 (bench/bench-floor.c,
 * 1,000 ready idles: 88 ns). So successive stacks put their header
 * 0, 64, ..., 31 * 64 bytes below the top (STACK_COLORS): 1,000 yielders
 * then take 88 ns a yield. A fiber that suspends only a few frames deep
 * still commits one page (the suspended-task memory is unchanged); one
 * whose frames end just under a page boundary may now reach into the
 * next page, on average a shift of 1 KiB's worth of depth.
 */

#include "gcoro-config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gcoro-stack-private.h"

#if HAVE_VALGRIND
# include <valgrind/memcheck.h>
#endif

/* Guard regions by madvise arrived in Linux 6.13; the value is ABI, so use
 * it even when the headers predate it (HAVE_MADV_GUARD_INSTALL is 0) and
 * let the kernel say no: what matters is the kernel we run on, not the
 * one we were built for, so it is probed at run time either way. */
#ifndef MADV_GUARD_INSTALL
# define MADV_GUARD_INSTALL 102
#endif

#ifndef MAP_STACK
# define MAP_STACK 0
#endif

#define GCORO_STACK_SLAB_SLOTS   64
#define GCORO_STACK_SLAB_MAX_MAP (64 * 1024 * 1024)
#define GCORO_STACK_GUARD_MIN    (16 * 1024)
/* Headers at STACK_COLORS offsets, STACK_COLOR_STEP (a cache line) apart. */
#define STACK_COLORS             32
#define STACK_COLOR_STEP         64

/* A slab is one mapping cut into slots of (guard + stack). It is never
 * touched without stack_lock; its memory may be, by the owners of its
 * slots. */
struct _GCoroStackSlab
{
  GCoroStackSlab *prev;       /* in partial_slabs */
  GCoroStackSlab *next;
  GCoroStackSlab *all_prev;   /* in all_slabs */
  GCoroStackSlab *all_next;
  guint8         *map;
  gsize           map_size;
  gsize           stack_size;
  gsize           slot_size;
  guint64         free_mask;  /* bit i set: slot i is free */
  guint64         used_mask;  /* bit i set: slot i was handed out before */
  guint           n_slots;
  guint8          kind;
};

const guint64 gcoro_stack_zero_canary[GCORO_STACK_CANARY_SIZE / 8] = { 0, };

/* Set once by stack_init(), read-only afterwards (also from the SIGSEGV
 * handler, which is why they are plain variables). */
static gsize          page_size;
static gsize          guard_size;
static GCoroStackKind guard_mode;
static guint          mprotect_budget;

/* Everything below is guarded by stack_lock. */
static GMutex          stack_lock;
static guint           n_mprotect;       /* mapped MPROTECT stacks */
static GCoroStackSlab *partial_slabs;    /* slabs with at least one free slot */
/* Every slab. Not needed to find anything, but a full slab is otherwise
 * pointed to only from stack headers, inside mappings that LeakSanitizer
 * does not scan, and it would be reported as leaked. */
static GCoroStackSlab *all_slabs;

static gboolean
probe_madv_guard (void)
{
  gboolean ok;
  void *p;

  p = mmap (NULL, page_size * 2, PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return FALSE;
  ok = madvise (p, page_size, MADV_GUARD_INSTALL) == 0;
  munmap (p, page_size * 2);
  return ok;
}

static guint
read_max_map_count (void)
{
  g_autofree char *contents = NULL;
  guint64 value;

  if (!g_file_get_contents ("/proc/sys/vm/max_map_count", &contents, NULL, NULL))
    return 65530;
  value = g_ascii_strtoull (contents, NULL, 10);
  if (value == 0 || value > G_MAXINT)
    return 65530;
  return (guint) value;
}

static void
stack_init (void)
{
  static gsize initialized = 0;
  const char *env;
  gboolean have_madvise;

  if (!g_once_init_enter (&initialized))
    return;

  page_size = (gsize) sysconf (_SC_PAGESIZE);
  guard_size = MAX (page_size, GCORO_STACK_GUARD_MIN);
  have_madvise = probe_madv_guard ();

  /* A third of the mappings, two per guarded stack. */
  mprotect_budget = read_max_map_count () / 3 / 2;

  env = g_getenv ("GCORO_STACK_GUARD");
  if (env == NULL || *env == '\0' || g_str_equal (env, "auto"))
    guard_mode = have_madvise ? GCORO_STACK_GUARD_MADVISE : GCORO_STACK_GUARD_MPROTECT;
  else if (g_str_equal (env, "madvise"))
    {
      guard_mode = have_madvise ? GCORO_STACK_GUARD_MADVISE : GCORO_STACK_GUARD_MPROTECT;
      if (!have_madvise)
        g_warning ("GCORO_STACK_GUARD=madvise: this kernel has no MADV_GUARD_INSTALL "
                   "(Linux 6.13 or later); using mprotect guard pages");
    }
  else if (g_str_equal (env, "mprotect"))
    guard_mode = GCORO_STACK_GUARD_MPROTECT;
  else if (g_str_equal (env, "canary"))
    {
      guard_mode = GCORO_STACK_GUARD_MPROTECT;
      mprotect_budget = 0;
    }
  else
    {
      guard_mode = have_madvise ? GCORO_STACK_GUARD_MADVISE : GCORO_STACK_GUARD_MPROTECT;
      g_warning ("GCORO_STACK_GUARD=%s is not one of auto, madvise, mprotect, canary; "
                 "using %s", env, gcoro_stack_kind_to_string (guard_mode));
    }

  g_once_init_leave (&initialized, 1);
}

gsize
gcoro_stack_get_page_size (void)
{
  stack_init ();
  return page_size;
}

/* Async-signal-safe once a stack exists (stack_init() has run). */
gsize
gcoro_stack_get_guard_size (void)
{
  return guard_size;
}

GCoroStackKind
gcoro_stack_get_guard_mode (void)
{
  stack_init ();
  return guard_mode;
}

guint
gcoro_stack_get_mprotect_budget (void)
{
  stack_init ();
  return mprotect_budget;
}

const char *
gcoro_stack_kind_to_string (GCoroStackKind kind)
{
  switch (kind)
    {
    case GCORO_STACK_GUARD_MADVISE:
      return "madvise";
    case GCORO_STACK_GUARD_MPROTECT:
      return "mprotect";
    case GCORO_STACK_CANARY:
      return "canary";
    default:
      return "unknown";
    }
}

G_GNUC_NORETURN static void
stack_map_failed (const char *what,
                  gsize       size,
                  int         errsv)
{
  g_error ("cannot allocate a %" G_GSIZE_FORMAT " KiB fiber stack: %s failed: %s. "
           "The process may have run out of address space or of kernel mappings "
           "(vm.max_map_count is %u, %u stacks are guarded by their own mapping)",
           size / 1024, what, g_strerror (errsv), read_max_map_count (), n_mprotect);
}

/* Called with stack_lock held. */
static guint stack_color;

static GCoroStack *
stack_init_header (guint8         *base,
                   gsize           size,
                   gsize           header_size,
                   GCoroStackSlab *slab,
                   GCoroStackKind  kind,
                   guint           slot)
{
  GCoroStack *stack;

  /* Cache colouring (see NOTES); a pooled stack keeps its colour. */
  stack_color = (stack_color + 1) % STACK_COLORS;
  stack = (GCoroStack *) (gpointer) (base + size - header_size - stack_color * STACK_COLOR_STEP);


  stack->next = NULL;
  stack->base = base;
  stack->size = size;
  stack->slab = slab;
  stack->kind = kind;
  stack->slot = slot;
  return stack;
}

/* One stack in a mapping of its own, guard page(s) mprotect()ed below.
 * Returns NULL if the kernel is out of mappings (the caller falls back to
 * a canary slab); called with stack_lock held. */
static GCoroStack *
stack_new_mprotect (gsize size,
                    gsize header_size)
{
  gsize map_size = guard_size + size;
  guint8 *map;

  map = mmap (NULL, map_size, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (map == MAP_FAILED)
    {
      if (errno == ENOMEM)
        return NULL;
      stack_map_failed ("mmap", size, errno);
    }
  if (size >= 2 * 1024 * 1024)
    madvise (map, map_size, MADV_NOHUGEPAGE);
  if (mprotect (map, guard_size, PROT_NONE) != 0)
    {
      int errsv = errno;

      munmap (map, map_size);
      if (errsv == ENOMEM)
        return NULL;
      stack_map_failed ("mprotect", size, errsv);
    }

  n_mprotect++;
  return stack_init_header (map + guard_size, size, header_size, NULL,
                            GCORO_STACK_GUARD_MPROTECT, 0);
}

static void
slab_link (GCoroStackSlab *slab)
{
  slab->prev = NULL;
  slab->next = partial_slabs;
  if (partial_slabs != NULL)
    partial_slabs->prev = slab;
  partial_slabs = slab;
}

static void
slab_unlink (GCoroStackSlab *slab)
{
  if (slab->prev != NULL)
    slab->prev->next = slab->next;
  else
    partial_slabs = slab->next;
  if (slab->next != NULL)
    slab->next->prev = slab->prev;
  slab->prev = slab->next = NULL;
}

/* Called with stack_lock held. */
static GCoroStackSlab *
slab_new (gsize          size,
          GCoroStackKind kind)
{
  GCoroStackSlab *slab;
  gsize slot_size = guard_size + size;
  guint n_slots, i;
  guint8 *map;

  n_slots = CLAMP (GCORO_STACK_SLAB_MAX_MAP / slot_size, 1, GCORO_STACK_SLAB_SLOTS);
  map = mmap (NULL, n_slots * slot_size, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (map == MAP_FAILED)
    stack_map_failed ("mmap", size, errno);
  madvise (map, n_slots * slot_size, MADV_NOHUGEPAGE);

  if (kind == GCORO_STACK_GUARD_MADVISE)
    for (i = 0; i < n_slots; i++)
      if (madvise (map + i * slot_size, guard_size, MADV_GUARD_INSTALL) != 0)
        stack_map_failed ("madvise (MADV_GUARD_INSTALL)", size, errno);

  slab = g_new0 (GCoroStackSlab, 1);
  slab->map = map;
  slab->map_size = n_slots * slot_size;
  slab->stack_size = size;
  slab->slot_size = slot_size;
  slab->n_slots = n_slots;
  slab->kind = kind;
  slab->free_mask = n_slots == 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << n_slots) - 1;
  slab_link (slab);
  slab->all_next = all_slabs;
  if (all_slabs != NULL)
    all_slabs->all_prev = slab;
  all_slabs = slab;
  return slab;
}

/* Called with stack_lock held. */
static GCoroStack *
stack_new_in_slab (gsize          size,
                   gsize          header_size,
                   GCoroStackKind kind)
{
  GCoroStackSlab *slab;
  guint slot;
  guint8 *base;

  for (slab = partial_slabs; slab != NULL; slab = slab->next)
    if (slab->kind == kind && slab->stack_size == size)
      break;
  if (slab == NULL)
    slab = slab_new (size, kind);

  slot = (guint) __builtin_ctzll (slab->free_mask);
  slab->free_mask &= ~(G_GUINT64_CONSTANT (1) << slot);
  if (slab->free_mask == 0)
    slab_unlink (slab);
  base = slab->map + slot * slab->slot_size + guard_size;

#if HAVE_VALGRIND
  /* A reused slot held an earlier fiber's frames, which memcheck marked
   * inaccessible when that fiber's stack pointer left them; the header
   * (at another colour) and the first frame written below it before the
   * fiber starts may now sit there. Only the top of a reused slot: the
   * canary at the bottom keeps its state, and fresh slots cost memcheck
   * no shadow memory. */
  if (slab->used_mask & (G_GUINT64_CONSTANT (1) << slot))
    {
      gsize span = MIN (size, header_size + STACK_COLORS * STACK_COLOR_STEP + 4096);

      VALGRIND_MAKE_MEM_DEFINED (base + size - span, span);
    }
#endif
  slab->used_mask |= G_GUINT64_CONSTANT (1) << slot;

  return stack_init_header (base, size, header_size, slab, kind, slot);
}

GCoroStack *
gcoro_stack_new (gsize size,
                 gsize header_size)
{
  GCoroStack *stack = NULL;

  stack_init ();
  g_assert (size % page_size == 0 && size > header_size + GCORO_STACK_CANARY_SIZE);

  g_mutex_lock (&stack_lock);
  if (guard_mode == GCORO_STACK_GUARD_MADVISE)
    stack = stack_new_in_slab (size, header_size, GCORO_STACK_GUARD_MADVISE);
  else if (n_mprotect < mprotect_budget)
    stack = stack_new_mprotect (size, header_size);
  /* Past the budget, or when the kernel ran out of mappings early because
   * the rest of the process uses more than we thought. */
  if (stack == NULL)
    stack = stack_new_in_slab (size, header_size, GCORO_STACK_CANARY);
  g_mutex_unlock (&stack_lock);

  return stack;
}

void
gcoro_stack_free (GCoroStack *stack)
{
  GCoroStackSlab *slab = stack->slab;
  guint8 *base = stack->base;
  gsize size = stack->size;
  guint slot = stack->slot;
  gboolean slab_empty;

  if (stack->kind == GCORO_STACK_GUARD_MPROTECT)
    {
      munmap (base - guard_size, guard_size + size);
      g_mutex_lock (&stack_lock);
      n_mprotect--;
      g_mutex_unlock (&stack_lock);
      return;
    }

  /* Release the pages BEFORE the slot is marked free: once it is, another
   * thread may take the slot and write its header. This also zeroes the
   * canary for the slot's next owner. */
  madvise (base, size, MADV_DONTNEED);

  g_mutex_lock (&stack_lock);
  if (slab->free_mask == 0)
    slab_link (slab);
  slab->free_mask |= G_GUINT64_CONSTANT (1) << slot;
  slab_empty = slab->free_mask == (slab->n_slots == 64 ? G_MAXUINT64
                                   : (G_GUINT64_CONSTANT (1) << slab->n_slots) - 1);
  if (slab_empty)
    {
      slab_unlink (slab);
      if (slab->all_prev != NULL)
        slab->all_prev->all_next = slab->all_next;
      else
        all_slabs = slab->all_next;
      if (slab->all_next != NULL)
        slab->all_next->all_prev = slab->all_prev;
    }
  g_mutex_unlock (&stack_lock);

  /* Unlinked and empty: nobody else can reach it any more. */
  if (slab_empty)
    {
      munmap (slab->map, slab->map_size);
      g_free (slab);
    }
}

void
gcoro_stack_discard_pages (GCoroStack *stack)
{
  /* Everything below the page that holds the header: the header must
   * survive, it is the pool's link. */
  guint8 *header_page = (guint8 *) ((guintptr) stack & ~(guintptr) (page_size - 1));

  if (header_page > stack->base)
    madvise (stack->base, (gsize) (header_page - stack->base), MADV_DONTNEED);
}

static void
free_list (GCoroStack *stack)
{
  while (stack != NULL)
    {
      GCoroStack *next = stack->next;

      gcoro_stack_free (stack);
      stack = next;
    }
}

void
gcoro_stack_pool_drain (GCoroStackPool *pool)
{
  guint i;

  for (i = 0; i < GCORO_STACK_POOL_CLASSES; i++)
    {
      free_list (g_steal_pointer (&pool->warm[i]));
      free_list (g_steal_pointer (&pool->cold[i]));
      pool->size[i] = 0;
    }
  pool->n_warm = 0;
  __atomic_store_n (&pool->n_total, 0, __ATOMIC_RELAXED);
}

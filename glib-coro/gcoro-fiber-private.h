/* gcoro-fiber-private.h: machine fibers (the fiber layer, private)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A fiber is a body of code with its own stack that can be switched to and
 * from. This layer knows nothing of GLib's main loop, tasks or futures: the
 * task layer decides when to switch (docs/internals.md has the layers).
 *
 * Threading: a fiber runs on one thread at a time; gcoro_fiber_switch() must
 * be called on the thread where @from is running. Freeing may happen on any
 * thread (the stack goes to that thread's pool).
 */
#pragma once

#include "gcoro-config.h"

#include <glib.h>
#if GCORO_FIBER_UCONTEXT
# include <ucontext.h>
#endif

#include "gcoro-stack-private.h"
#include "gcoro-tls-private.h"

#if defined(__SANITIZE_ADDRESS__)
# define GCORO_FIBER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define GCORO_FIBER_ASAN 1
# endif
#endif

G_BEGIN_DECLS

typedef struct _GCoroFiber GCoroFiber;

/* The body of a fiber. It must never return: it ends with
 * gcoro_fiber_exit_to(), which switches away for the last time. */
typedef void (*GCoroFiberFunc) (gpointer data);

/* In the header (but only for the inline gcoro_fiber_switch_inline() and
 * gcoro_fiber_stack_contains()): everything else goes through the functions
 * below. */
struct _GCoroFiber
{
  /* Must stay first: the stack header IS the fiber (one allocation). Not
   * touched by the fiber code except to read it; for the thread fiber it
   * is all zeros. */
  GCoroStack      stack;

  /* Checked at every switch away and at free: GCORO_STACK_CANARY_SIZE
   * bytes that must read zero (the stack's own bottom for a canary stack,
   * a static block otherwise). */
  const guint64  *canary;
#if GCORO_FIBER_ASM
  gpointer        sp;            /* saved stack pointer while not running */
#endif
  GCoroFiberFunc  func;
  gpointer        data;
  const char     *name;          /* borrowed, for overflow reports */
  guint8          is_thread;
  guint8          started;
  guint           valgrind_id;
#ifdef GCORO_FIBER_ASAN
  const void     *asan_bottom;   /* stack bounds as ASan wants them; learnt */
  size_t          asan_size;     /* from ASan itself for the thread fiber */
#endif
#if GCORO_FIBER_UCONTEXT
  ucontext_t      uc;
#endif
};

#if GCORO_FIBER_ASM
/* arch/gcoro-switch-<cpu>.S */
void     *gcoro_fiber_asm_prepare (void        *top,
                                   void        *arg,
                                   void       (*entry) (void *));
void      gcoro_fiber_asm_switch  (void       **save_sp,
                                   void        *load_sp);
#endif

/* Reports which fiber overflowed its stack and aborts. */
G_GNUC_NORETURN
void         _gcoro_fiber_report_overflow        (const GCoroFiber *fiber);

/* Default stack size (256 KiB unless GCORO_STACK_SIZE=<bytes|NK|NM> is set),
 * rounded to the page size. */
gsize        gcoro_fiber_get_default_stack_size (void);

/* The fiber that stands for the calling thread's own stack (no stack of its
 * own is allocated). Owned by the thread; never free it. */
GCoroFiber  *gcoro_fiber_get_thread_fiber       (void);

/* The fiber running on this thread right now: the thread fiber, a task's,
 * or a generator body's. Inline: generators ask once per item. */
extern GCORO_TLS GCoroFiber *_gcoro_fiber_tls_current;

static inline GCoroFiber *
gcoro_fiber_get_current (void)
{
  if (G_LIKELY (_gcoro_fiber_tls_current != NULL))
    return _gcoro_fiber_tls_current;

  return gcoro_fiber_get_thread_fiber ();
}

/* Whether @address (a frame or local variable's) lies in the usable part of
 * @fiber's own stack, [base, header): how a generator checks, once per item,
 * that a yield comes from its body. FALSE for a thread fiber. */
static inline gboolean
gcoro_fiber_stack_contains (const GCoroFiber *fiber,
                            const void       *address)
{
  const guint8 *p = address;

  return fiber->stack.base != NULL && p >= fiber->stack.base && p < (const guint8 *) fiber;
}

/* A new fiber that will start @func (@data) on its first switch-in.
 * @stack_size 0 means the default. Stacks are mmap()ed with a guard page
 * below, lazily committed and pooled per thread. Never returns NULL: running
 * out of address space or mappings aborts with a message that says why. */
GCoroFiber  *gcoro_fiber_new                    (GCoroFiberFunc  func,
                                                 gpointer        data,
                                                 gsize           stack_size);

/* Releases @fiber and gives its stack back to the pool. @fiber must not be
 * running, and must either never have started or have ended through
 * gcoro_fiber_exit_to() (a suspended fiber may also be freed: its stack is
 * discarded without unwinding). */
void         gcoro_fiber_free                   (GCoroFiber     *fiber);

/* Saves the running context into @from and resumes @to. Returns when some
 * other fiber switches back to @from. */
void         gcoro_fiber_switch                 (GCoroFiber     *from,
                                                 GCoroFiber     *to);

/* gcoro_fiber_switch() without a call frame of its own, for paths that
 * switch once per item (generators). What a frame costs is not its few
 * instructions: after the stack swap, the frame's "ret" goes to a return
 * address the CPU's return predictor has never seen on this side, so each
 * frame between the switch and the code that resumes is a mispredicted
 * return, twice per round trip. With the assembly backend and no
 * AddressSanitizer, this is exactly what gcoro_fiber_switch() does;
 * otherwise it calls it. */
G_ALWAYS_INLINE static inline void
gcoro_fiber_switch_inline (GCoroFiber *from,
                           GCoroFiber *to)
{
#if GCORO_FIBER_ASM && !defined(GCORO_FIBER_ASAN)
  /* @from is still running on its stack: if the canary is gone, it has
   * already written past the end. Stop before it runs any further. */
  if (G_UNLIKELY (!gcoro_stack_canary_is_intact (from->canary)))
    _gcoro_fiber_report_overflow (from);
  to->started = TRUE;
  _gcoro_fiber_tls_current = to;
  gcoro_fiber_asm_switch (&from->sp, to->sp);
#else
  gcoro_fiber_switch (from, to);
#endif
}

/* The last switch out of @from (which is ending): like gcoro_fiber_switch()
 * but never returns, and tells sanitizers the stack is gone. */
G_NORETURN
void         gcoro_fiber_exit_to                (GCoroFiber     *from,
                                                 GCoroFiber     *to);

/* The name used when @fiber overflows its stack (borrowed: the caller keeps
 * @name alive as long as the fiber). */
void         gcoro_fiber_set_name               (GCoroFiber     *fiber,
                                                 const char     *name);

/* The page-rounded size @fiber was created with (0 for a thread fiber). */
gsize        gcoro_fiber_get_stack_size         (GCoroFiber     *fiber);

/* Statistics for tests and benchmarks. */
typedef struct {
  guint  n_live;         /* fibers allocated and not freed (all threads) */
  guint  n_pooled;       /* stacks waiting in pools (all threads) */
  guint  n_guarded;      /* live stacks protected by a guard page */
  guint  n_canary;       /* live stacks protected only by a canary */
} GCoroFiberStats;

void         gcoro_fiber_get_stats              (GCoroFiberStats *stats);

/* Empties the calling thread's stack pool (unmaps what it holds). */
void         gcoro_fiber_trim_pool              (void);

G_END_DECLS

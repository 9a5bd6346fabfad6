/* gcoro-fiber.c: machine fibers (the fiber layer, private)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A fiber is a function running on a stack of its own. Switching fibers
 * saves the registers a function call must preserve on the current stack,
 * swaps the stack pointer, and restores the other fiber's registers from
 * its stack: from the compiler's point of view gcoro_fiber_switch() is an
 * ordinary call that happens to return much later. A fiber task of the
 * scheduler is one of these:
 *
 *   static void
 *   body (gpointer data)
 *   {
 *     GCoroFiber *self = data, *main = gcoro_fiber_get_thread_fiber ();
 *
 *     step_one ();
 *     gcoro_fiber_switch (self, main);   // suspended here...
 *     step_two ();                       // ...until main switches back
 *     gcoro_fiber_exit_to (self, main);
 *   }
 *
 * NOTES:
 *
 * Speed. Spawning and joining a trivial task must cost well under 200 ns,
 * and a yield (switch away and back) under 20 ns. So:
 *
 *  - The switch is hand-written assembly (arch/gcoro-switch-*.S): a few
 *    pushes, a stack-pointer swap and pops, no system call. Measured on
 *    the development machine (AMD EPYC VM, gcc 12 -O2, 10M ping-pongs):
 *    6.6 ns per one-way switch, so 13 ns for a yield and back, including
 *    the canary check of gcoro_fiber_switch() (the sanitizer hooks compile
 *    to nothing in a plain build). Of that, ~3.3 ns is saving the MXCSR
 *    and x87 control words: stmxcsr/fnstcw wait for the FP pipeline on
 *    this CPU. They are callee-saved in the ABI, and saving them is what
 *    gives each fiber its own rounding mode, so they stay. Ending the
 *    switch with an indirect jump instead of "ret" took it from 10.8 to
 *    6.6 ns (see the .S file). ucontext's swapcontext() makes a
 *    sigprocmask system call at every switch, ~230 ns one way: it is the
 *    portable fallback only (-Dfiber_backend=ucontext).
 *  - A fiber is ONE allocation: the GCoroFiber struct is the header at the
 *    top of its stack region (GCoroStack, its first member, is what the
 *    stack pool links), and stacks come from a per-thread pool without a
 *    lock or a syscall: gcoro_fiber_new() + gcoro_fiber_free() from a warm
 *    pool measured 10 ns together, and new + run to the end + free 24 ns.
 *  - The only thread-local state touched by a switch is one pointer (the
 *    running fiber, for the SIGSEGV handler), in the initial-exec TLS model
 *    (GCORO_TLS): a single %fs-relative store, no __tls_get_addr() call.
 *  - Statistics are per-thread counters written without atomic
 *    read-modify-write (relaxed stores by the owner thread) and summed by
 *    gcoro_fiber_get_stats() under a lock. Process-wide atomic counters
 *    cost only ~1.5 ns per new + free uncontended (measured), but with
 *    several threads spawning they would bounce one cache line between
 *    cores at every spawn.
 *
 * Memory and overflow. See gcoro-stack.c: stacks are lazily committed (a
 * suspended fiber that went a few frames deep costs one 4 KiB page), with
 * a guard region below when the kernel's mapping budget allows it, and a
 * zero canary checked at every switch away otherwise. Measured (VmRSS
 * before and after 100,000 fibers that each ran and suspended once):
 * 4.03 KiB per suspended fiber with madvise guards and the same with
 * GCORO_STACK_GUARD=mprotect (10,919 mprotect-guarded + 89,081 canary
 * stacks): one page, holding the GCoroFiber and the top frames.
 *
 * An overflow into a guard region raises SIGSEGV on the overflowing stack,
 * which has no room left for a handler: the handler runs on a per-thread
 * alternate signal stack (sigaltstack), set up the first time a thread
 * uses fibers (unless someone, e.g. AddressSanitizer, already installed
 * one). It recognises a fault in the running fiber's guard (or a stack
 * pointer below the fiber's stack), writes which fiber overflowed and how
 * to give it more stack with async-signal-safe code only, and aborts.
 * Any other fault goes to the handler that was installed before ours, or
 * gets the default action.
 *
 * Sanitizers. Valgrind is told the bounds of every stack
 * (VALGRIND_STACK_REGISTER) so that a switch is not mistaken for a huge
 * frame. AddressSanitizer is told about every switch
 * (__sanitizer_start_switch_fiber() before, ..._finish_ after, also on the
 * first entry into a fiber and, with a NULL fake stack, on the last exit
 * from it), and a stack that goes back to a pool is unpoisoned: a fiber
 * freed while suspended leaves its frames' redzones poisoned, which would
 * be false positives for the next fiber on that stack.
 */

#include "gcoro-config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ucontext.h>

#if HAVE_VALGRIND
# include <valgrind/valgrind.h>
#endif

/* First: it says whether this is an AddressSanitizer build. */
#include "gcoro-fiber-private.h"

#ifdef GCORO_FIBER_ASAN
# include <sanitizer/asan_interface.h>
# include <sanitizer/common_interface_defs.h>
# define GCORO_NO_SANITIZE_ADDRESS __attribute__ ((no_sanitize_address))
#else
# define GCORO_NO_SANITIZE_ADDRESS
#endif

#include "gcoro-stack-private.h"
#include "gcoro-tls-private.h"

#if !GCORO_FIBER_ASM && !GCORO_FIBER_UCONTEXT
# error "gcoro-config.h must set GCORO_FIBER_ASM or GCORO_FIBER_UCONTEXT to 1"
#endif

#define GCORO_FIBER_MIN_STACK_SIZE     (16 * 1024)
#define GCORO_FIBER_DEFAULT_STACK_SIZE (256 * 1024)

/* Room reserved at the top of each stack for the GCoroFiber. 64-byte
 * aligned so the fiber sits in its own cache lines and the stack top under
 * it is 16-byte aligned, as both ABIs want. */
#define GCORO_FIBER_HEADER_SIZE ((sizeof (GCoroFiber) + 63) & ~(gsize) 63)

/* Per-thread state: the thread fiber, the stack pool, the counters. Owned
 * by its thread (GPrivate frees it at thread exit); other threads only read
 * the counters, with relaxed atomics, under registry_lock. */
typedef struct _GCoroFiberThread GCoroFiberThread;
struct _GCoroFiberThread
{
  GCoroFiber        thread_fiber;
  GCoroStackPool    pool;
  gint              n_live;      /* may go negative: fibers freed here */
  gint              n_guarded;   /* that another thread created */
  gint              n_canary;
  gpointer          altstack;    /* our sigaltstack, NULL if not ours */
  gsize             altstack_size;
  GCoroFiberThread *prev;        /* in registry, under registry_lock */
  GCoroFiberThread *next;
};

static GCORO_TLS GCoroFiberThread *tls_thread;
/* The fiber running on this thread; read by the SIGSEGV handler and, inline,
 * by gcoro_fiber_get_current() (hence not static). */
GCORO_TLS GCoroFiber              *_gcoro_fiber_tls_current;
#define tls_current _gcoro_fiber_tls_current
#ifdef GCORO_FIBER_ASAN
/* Who is switching, so the resumed side can learn its stack bounds. */
static GCORO_TLS GCoroFiber       *tls_asan_from;
#endif

static GMutex            registry_lock;
static GCoroFiberThread *registry;
static GCoroFiberStats   retired;   /* counters of exited threads */

/* Written once, inside the g_once of gcoro_fiber_get_default_stack_size(). */
static gsize default_stack_size;
static gsize page_size;

static void thread_state_free (gpointer data);
static GPrivate thread_key = G_PRIVATE_INIT (thread_state_free);

static inline void
counter_add (gint *counter,
             gint  delta)
{
  /* Only the owner thread writes: no read-modify-write atomicity needed,
   * only a store that readers on other threads never see torn. */
  __atomic_store_n (counter, *counter + delta, __ATOMIC_RELAXED);
}

/* Overflow reports -------------------------------------------------------- */

/* Async-signal-safe formatting: no stdio, no malloc. Run on the signal
 * stack, so not instrumented by ASan either. */
GCORO_NO_SANITIZE_ADDRESS static void
write_str (const char *s)
{
  size_t len = strlen (s);

  while (len > 0)
    {
      ssize_t n = write (STDERR_FILENO, s, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      s += n;
      len -= (size_t) n;
    }
}

GCORO_NO_SANITIZE_ADDRESS static void
write_uint (guint64 value,
            guint   radix)
{
  char buf[24];
  char *p = buf + sizeof buf;

  *--p = '\0';
  do
    {
      *--p = "0123456789abcdef"[value % radix];
      value /= radix;
    }
  while (value != 0);
  write_str (p);
}

G_GNUC_NORETURN GCORO_NO_SANITIZE_ADDRESS void
_gcoro_fiber_report_overflow (const GCoroFiber *fiber)
{
  gsize size = fiber->stack.size;

  write_str ("GCoro: ");
  if (fiber->name != NULL)
    {
      write_str ("task '");
      write_str (fiber->name);
      write_str ("'");
    }
  else
    {
      write_str ("an unnamed task (fiber 0x");
      write_uint ((guintptr) fiber, 16);
      write_str (")");
    }
  write_str (" overflowed its ");
  if (size % (1024 * 1024) == 0)
    {
      write_uint (size / (1024 * 1024), 10);
      write_str (" MiB");
    }
  else
    {
      write_uint (size / 1024, 10);
      write_str (" KiB");
    }
  write_str (" stack; give it a larger stack with GCoroSpawnOptions.stack_size "
             "or GCORO_STACK_SIZE\n");
  abort ();
}

static inline void
check_canary (const GCoroFiber *fiber)
{
  if (G_UNLIKELY (!gcoro_stack_canary_is_intact (fiber->canary)))
    _gcoro_fiber_report_overflow (fiber);
}

/* SIGSEGV ------------------------------------------------------------------ */

static struct sigaction previous_segv;

static gconstpointer
fault_stack_pointer (gpointer ucontext)
{
#if defined(__x86_64__) && defined(REG_RSP)
  return (gconstpointer) ((ucontext_t *) ucontext)->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
  return (gconstpointer) ((ucontext_t *) ucontext)->uc_mcontext.sp;
#else
  return NULL;
#endif
}

GCORO_NO_SANITIZE_ADDRESS static gboolean
is_overflow (const GCoroFiber *fiber,
             gconstpointer     addr,
             gconstpointer     sp)
{
  const guint8 *base = fiber->stack.base;

  if (fiber->is_thread || base == NULL)
    return FALSE;
  if (gcoro_stack_is_guard_address (&fiber->stack, addr))
    return TRUE;
  /* A frame bigger than the guard skips it: then the stack pointer itself
   * is below the stack (but not absurdly far). */
  return sp != NULL && (const guint8 *) sp < base &&
         (gsize) (base - (const guint8 *) sp) <= fiber->stack.size;
}

GCORO_NO_SANITIZE_ADDRESS static void
on_segv (int        signum,
         siginfo_t *info,
         void      *ucontext)
{
  GCoroFiber *fiber = tls_current;
  int errsv = errno;

  if (fiber != NULL && is_overflow (fiber, info->si_addr, fault_stack_pointer (ucontext)))
    _gcoro_fiber_report_overflow (fiber);

  /* Not ours: behave as if we had never been installed. */
  if (previous_segv.sa_flags & SA_SIGINFO)
    previous_segv.sa_sigaction (signum, info, ucontext);
  else if (previous_segv.sa_handler != SIG_DFL && previous_segv.sa_handler != SIG_IGN)
    previous_segv.sa_handler (signum);
  else
    {
      /* Default action: reinstall it and re-raise; for a real fault the
       * faulting instruction runs again on return and kills the process,
       * for a sent signal the raise() does once the handler returns. */
      struct sigaction dfl;

      memset (&dfl, 0, sizeof dfl);
      dfl.sa_handler = SIG_DFL;
      sigemptyset (&dfl.sa_mask);
      sigaction (signum, &dfl, NULL);
      if (info->si_code <= 0)
        raise (signum);
    }
  errno = errsv;
}

static void
install_segv_handler (void)
{
  static gsize installed = 0;
  struct sigaction sa;

  if (!g_once_init_enter (&installed))
    return;

  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset (&sa.sa_mask);
  if (sigaction (SIGSEGV, &sa, &previous_segv) != 0)
    g_warning ("cannot install the fiber stack overflow handler: %s", g_strerror (errno));

  g_once_init_leave (&installed, 1);
}

static void
thread_altstack_setup (GCoroFiberThread *ts)
{
  stack_t old, ss;
  gsize size = 64 * 1024;
#ifdef _SC_SIGSTKSZ
  long min = sysconf (_SC_SIGSTKSZ);

  if (min > 0 && (gsize) min * 4 > size)
    size = (gsize) min * 4;
#endif

  /* Someone (AddressSanitizer, the application) has one already: keep it,
   * it is big enough for its owner's handler, and ours needs little. */
  if (sigaltstack (NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
    return;

  ss.ss_sp = mmap (NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ss.ss_sp == MAP_FAILED)
    return;
  ss.ss_size = size;
  ss.ss_flags = 0;
  if (sigaltstack (&ss, NULL) != 0)
    {
      munmap (ss.ss_sp, size);
      return;
    }
  ts->altstack = ss.ss_sp;
  ts->altstack_size = size;
}

static void
thread_altstack_teardown (GCoroFiberThread *ts)
{
  stack_t cur, off;

  if (ts->altstack == NULL)
    return;
  /* Only disable it if it is still ours. */
  if (sigaltstack (NULL, &cur) == 0 && cur.ss_sp == ts->altstack)
    {
      memset (&off, 0, sizeof off);
      off.ss_flags = SS_DISABLE;
      sigaltstack (&off, NULL);
    }
  munmap (ts->altstack, ts->altstack_size);
  ts->altstack = NULL;
}

/* Thread state ----------------------------------------------------------- */

static GCoroFiberThread *
thread_state_new (void)
{
  GCoroFiberThread *ts = g_new0 (GCoroFiberThread, 1);

  /* Sets default_stack_size and page_size once for all threads, before
   * any fiber_new() of this thread reads them. */
  gcoro_fiber_get_default_stack_size ();

  ts->thread_fiber.is_thread = TRUE;
  ts->thread_fiber.started = TRUE;
  ts->thread_fiber.canary = gcoro_stack_get_canary (&ts->thread_fiber.stack);

  install_segv_handler ();
  thread_altstack_setup (ts);

  g_mutex_lock (&registry_lock);
  ts->next = registry;
  if (registry != NULL)
    registry->prev = ts;
  registry = ts;
  g_mutex_unlock (&registry_lock);

  g_private_set (&thread_key, ts);
  tls_thread = ts;
  tls_current = &ts->thread_fiber;
  return ts;
}

static void
thread_state_free (gpointer data)
{
  GCoroFiberThread *ts = data;

  gcoro_stack_pool_drain (&ts->pool);
  thread_altstack_teardown (ts);

  g_mutex_lock (&registry_lock);
  retired.n_live += ts->n_live;
  retired.n_guarded += ts->n_guarded;
  retired.n_canary += ts->n_canary;
  if (ts->prev != NULL)
    ts->prev->next = ts->next;
  else
    registry = ts->next;
  if (ts->next != NULL)
    ts->next->prev = ts->prev;
  g_mutex_unlock (&registry_lock);

  /* Called on the exiting thread itself, so these are its own TLS. A later
   * destructor that frees a fiber just creates a fresh state. */
  if (tls_thread == ts)
    {
      tls_thread = NULL;
      tls_current = NULL;
    }
  g_free (ts);
}

static inline GCoroFiberThread *
thread_state_get (void)
{
  GCoroFiberThread *ts = tls_thread;

  if (G_UNLIKELY (ts == NULL))
    ts = thread_state_new ();
  return ts;
}

/* Public (private-API) functions ------------------------------------------ */

static gsize
parse_stack_size (const char *str)
{
  guint64 value;
  char *end;

  value = g_ascii_strtoull (str, &end, 10);
  if (end == str)
    return 0;
  switch (g_ascii_toupper (*end))
    {
    case 'K':
      value *= 1024;
      end++;
      break;
    case 'M':
      value *= 1024 * 1024;
      end++;
      break;
    case 'G':
      value *= 1024 * 1024 * 1024;
      end++;
      break;
    default:
      break;
    }
  /* Allow "256K", "256KiB", "256KB", "262144B". */
  if (g_ascii_strcasecmp (end, "iB") == 0 || g_ascii_strcasecmp (end, "B") == 0)
    end += strlen (end);
  if (*end != '\0' || value > G_MAXSIZE / 2)
    return 0;
  return (gsize) value;
}

static gsize
round_stack_size (gsize size)
{
  size = MAX (size, GCORO_FIBER_MIN_STACK_SIZE);
  return (size + page_size - 1) & ~(page_size - 1);
}

gsize
gcoro_fiber_get_default_stack_size (void)
{
  static gsize initialized = 0;

  if (G_LIKELY (default_stack_size != 0))
    return default_stack_size;

  if (g_once_init_enter (&initialized))
    {
      const char *env = g_getenv ("GCORO_STACK_SIZE");
      gsize size = GCORO_FIBER_DEFAULT_STACK_SIZE;

      page_size = gcoro_stack_get_page_size ();
      if (env != NULL && *env != '\0')
        {
          size = parse_stack_size (env);
          if (size == 0)
            {
              g_warning ("GCORO_STACK_SIZE=%s is not a size (bytes, or a number "
                         "followed by K or M); using %u KiB",
                         env, GCORO_FIBER_DEFAULT_STACK_SIZE / 1024);
              size = GCORO_FIBER_DEFAULT_STACK_SIZE;
            }
        }
      default_stack_size = round_stack_size (size);
      g_once_init_leave (&initialized, 1);
    }

  return default_stack_size;
}

GCoroFiber *
gcoro_fiber_get_thread_fiber (void)
{
  return &thread_state_get ()->thread_fiber;
}

#ifdef GCORO_FIBER_ASAN
static inline void
asan_start_switch (void      **fake_stack,
                   GCoroFiber *from,
                   GCoroFiber *to)
{
  tls_asan_from = from;
  __sanitizer_start_switch_fiber (fake_stack, to->asan_bottom, to->asan_size);
}

/* On the resumed side. The bounds ASan reports are those of the stack we
 * came from; only the thread fiber does not know its own. */
static inline void
asan_finish_switch (void *fake_stack)
{
  GCoroFiber *from = tls_asan_from;
  const void *bottom;
  size_t size;

  __sanitizer_finish_switch_fiber (fake_stack, &bottom, &size);
  if (from != NULL && from->is_thread)
    {
      from->asan_bottom = bottom;
      from->asan_size = size;
    }
}
#endif

G_GNUC_NORETURN static void
fiber_entry (GCoroFiber *self)
{
#ifdef GCORO_FIBER_ASAN
  asan_finish_switch (NULL);
#endif
  self->func (self->data);
  g_error ("the body of fiber %s returned; it must end with gcoro_fiber_exit_to()",
           self->name ? self->name : "(unnamed)");
}

#if GCORO_FIBER_UCONTEXT
/* makecontext() passes int arguments only. */
static void
fiber_entry_ucontext (unsigned int hi,
                      unsigned int lo)
{
  fiber_entry ((GCoroFiber *) (((guintptr) hi << 16 << 16) | lo));
}
#endif

static void
fiber_prepare (GCoroFiber *self,
               guint8     *top)
{
#if GCORO_FIBER_ASM
  self->sp = gcoro_fiber_asm_prepare (top, self, (void (*) (void *)) fiber_entry);
#else
  guintptr p = (guintptr) self;

  if (getcontext (&self->uc) != 0)
    g_error ("getcontext() failed: %s", g_strerror (errno));
  self->uc.uc_link = NULL;
  self->uc.uc_stack.ss_sp = self->stack.base;
  self->uc.uc_stack.ss_size = (gsize) (top - self->stack.base);
  makecontext (&self->uc, (void (*) (void)) fiber_entry_ucontext, 2,
               (unsigned int) (p >> 16 >> 16), (unsigned int) (p & 0xffffffffu));
#endif
}

GCoroFiber *
gcoro_fiber_new (GCoroFiberFunc func,
                 gpointer       data,
                 gsize          stack_size)
{
  GCoroFiberThread *ts = thread_state_get ();
  GCoroFiber *self;
  gsize size;
  guint8 *top;

  g_return_val_if_fail (func != NULL, NULL);

  size = stack_size == 0 ? default_stack_size : round_stack_size (stack_size);
  self = (GCoroFiber *) gcoro_stack_pool_take (&ts->pool, size, GCORO_FIBER_HEADER_SIZE);
  top = (guint8 *) self;

  /* Everything after the GCoroStack header; it may be garbage from the
   * stack's previous fiber. */
  self->canary = gcoro_stack_get_canary (&self->stack);
  self->func = func;
  self->data = data;
  self->name = NULL;
  self->is_thread = FALSE;
  self->started = FALSE;
  fiber_prepare (self, top);

#if HAVE_VALGRIND
  self->valgrind_id = VALGRIND_STACK_REGISTER (self->stack.base, top - 1);
#endif
#ifdef GCORO_FIBER_ASAN
  self->asan_bottom = self->stack.base;
  self->asan_size = (gsize) (top - self->stack.base);
#endif

  counter_add (&ts->n_live, 1);
  counter_add (self->stack.kind == GCORO_STACK_CANARY ? &ts->n_canary : &ts->n_guarded, 1);
  return self;
}

void
gcoro_fiber_free (GCoroFiber *fiber)
{
  GCoroFiberThread *ts;

  g_return_if_fail (fiber != NULL);
  g_return_if_fail (!fiber->is_thread);
  g_return_if_fail (fiber != tls_current);

  /* The last chance to notice an overflow that did not reach a guard. */
  check_canary (fiber);

  ts = thread_state_get ();
#if HAVE_VALGRIND
  VALGRIND_STACK_DEREGISTER (fiber->valgrind_id);
#endif
#ifdef GCORO_FIBER_ASAN
  /* Frames that never returned (a fiber freed while suspended, or the
   * last frames of an ended one) leave poisoned redzones behind. */
  if (fiber->started)
    ASAN_UNPOISON_MEMORY_REGION (fiber->stack.base, (guint8 *) fiber - fiber->stack.base);
#endif

  counter_add (&ts->n_live, -1);
  counter_add (fiber->stack.kind == GCORO_STACK_CANARY ? &ts->n_canary : &ts->n_guarded, -1);
  gcoro_stack_pool_give (&ts->pool, &fiber->stack);
}

void
gcoro_fiber_switch (GCoroFiber *from,
                    GCoroFiber *to)
{
#if GCORO_FIBER_ASM && !defined(GCORO_FIBER_ASAN)
  gcoro_fiber_switch_inline (from, to);   /* the one definition of the plain switch */
#else
# ifdef GCORO_FIBER_ASAN
  void *fake_stack = NULL;
# endif

  /* @from is still running on its stack: if the canary is gone, it has
   * already written past the end. Stop before it runs any further. */
  check_canary (from);
  to->started = TRUE;
  tls_current = to;

# ifdef GCORO_FIBER_ASAN
  asan_start_switch (&fake_stack, from, to);
# endif
# if GCORO_FIBER_ASM
  gcoro_fiber_asm_switch (&from->sp, to->sp);
# else
  if (swapcontext (&from->uc, &to->uc) != 0)
    g_error ("swapcontext() failed: %s", g_strerror (errno));
# endif
# ifdef GCORO_FIBER_ASAN
  asan_finish_switch (fake_stack);
# endif
#endif
}

void
gcoro_fiber_exit_to (GCoroFiber *from,
                     GCoroFiber *to)
{
  check_canary (from);
  to->started = TRUE;
  tls_current = to;

#ifdef GCORO_FIBER_ASAN
  /* NULL: this stack's fake frames can go, it will never run again. */
  asan_start_switch (NULL, from, to);
#endif
#if GCORO_FIBER_ASM
  gcoro_fiber_asm_switch (&from->sp, to->sp);
#else
  setcontext (&to->uc);
#endif
  g_assert_not_reached ();
}

void
gcoro_fiber_set_name (GCoroFiber *fiber,
                      const char *name)
{
  g_return_if_fail (fiber != NULL);

  fiber->name = name;
}

gsize
gcoro_fiber_get_stack_size (GCoroFiber *fiber)
{
  g_return_val_if_fail (fiber != NULL, 0);

  return fiber->stack.size;
}

void
gcoro_fiber_get_stats (GCoroFiberStats *stats)
{
  GCoroFiberThread *ts;

  g_return_if_fail (stats != NULL);

  g_mutex_lock (&registry_lock);
  *stats = retired;
  for (ts = registry; ts != NULL; ts = ts->next)
    {
      stats->n_live += __atomic_load_n (&ts->n_live, __ATOMIC_RELAXED);
      stats->n_guarded += __atomic_load_n (&ts->n_guarded, __ATOMIC_RELAXED);
      stats->n_canary += __atomic_load_n (&ts->n_canary, __ATOMIC_RELAXED);
      stats->n_pooled += gcoro_stack_pool_get_n_total (&ts->pool);
    }
  g_mutex_unlock (&registry_lock);
}

void
gcoro_fiber_trim_pool (void)
{
  GCoroFiberThread *ts = tls_thread;

  if (ts != NULL)
    gcoro_stack_pool_drain (&ts->pool);
}

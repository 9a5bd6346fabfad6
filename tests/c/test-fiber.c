/* test-fiber.c: tests of the private fiber layer
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Run the suite twice to cover both guard strategies on any kernel:
 * plainly (madvise guard regions on Linux >= 6.13) and with
 * GCORO_STACK_GUARD=mprotect (what older kernels get: mprotect guard pages
 * up to a budget, canary stacks beyond). The tests that depend on the
 * strategy also force it in a subprocess, so one plain run covers both.
 *
 * `test-fiber -m perf` also measures the switch and spawn times.
 */

#include "gcoro-config.h"

#include <string.h>

#if HAVE_VALGRIND
# include <valgrind/valgrind.h>
#else
# define RUNNING_ON_VALGRIND 0
#endif

#if defined(__SANITIZE_ADDRESS__)
# define TEST_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define TEST_ASAN 1
# endif
#endif
#ifndef TEST_ASAN
# define TEST_ASAN 0
#endif

#include "gcoro-fiber-private.h"
#include "gcoro-stack-private.h"

/* Helpers ------------------------------------------------------------------ */

/* A fiber and what its body needs to switch back. */
typedef struct
{
  GCoroFiber *self;
  GCoroFiber *back;
  guint       count;
  gpointer    user;
} Slot;

static void
slot_init (Slot           *slot,
           GCoroFiberFunc  func,
           gsize           stack_size)
{
  slot->back = gcoro_fiber_get_thread_fiber ();
  slot->count = 0;
  slot->self = gcoro_fiber_new (func, slot, stack_size);
}

static gsize
read_vm_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

static guint
count_mappings (void)
{
  g_autofree char *maps = NULL;
  guint n = 0;
  const char *p;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  for (p = maps; (p = strchr (p, '\n')) != NULL; p++)
    n++;
  return n;
}

static guint
stats_live (void)
{
  GCoroFiberStats stats;

  gcoro_fiber_get_stats (&stats);
  return stats.n_live;
}

/* Uses the stack down to @limit (or forever if @limit is NULL), writing
 * every frame. The add after the call keeps it from being a tail call. */
static G_GNUC_NO_INLINE guint
recurse (guint         depth,
         const guint8 *limit)
{
  volatile guint8 buf[512];

  memset ((guint8 *) buf, (int) (depth | 1), sizeof buf);
  if ((guintptr) __builtin_frame_address (0) > (guintptr) limit + sizeof buf)
    return recurse (depth + 1, limit) + buf[depth % sizeof buf];
  return buf[0];
}

/* Ping-pong ---------------------------------------------------------------- */

static GString *trace;

static void
ping_body (gpointer data)
{
  Slot *slot = data;
  guint i;

  for (i = 0; i < 3; i++)
    {
      g_string_append_printf (trace, "%s%u ", (const char *) slot->user, i);
      gcoro_fiber_switch (slot->self, slot->back);
    }
  g_string_append_printf (trace, "%s-end ", (const char *) slot->user);
  gcoro_fiber_exit_to (slot->self, slot->back);
}

static void
test_ping_pong (void)
{
  Slot a, b;
  guint i;

  trace = g_string_new (NULL);
  slot_init (&a, ping_body, 0);
  slot_init (&b, ping_body, 0);
  a.user = "a";
  b.user = "b";

  for (i = 0; i < 4; i++)
    {
      g_string_append (trace, "main ");
      gcoro_fiber_switch (a.back, a.self);
      gcoro_fiber_switch (b.back, b.self);
    }

  g_assert_cmpstr (trace->str, ==,
                   "main a0 b0 main a1 b1 main a2 b2 main a-end b-end ");
  gcoro_fiber_free (a.self);
  gcoro_fiber_free (b.self);
  g_string_free (trace, TRUE);
}

/* A fiber that switches directly to another fiber, not back to main. */
static void
chain_body (gpointer data)
{
  Slot *slot = data;
  Slot *next = slot->user;

  slot->count++;
  if (next != NULL)
    gcoro_fiber_switch (slot->self, next->self);
  slot->count++;
  gcoro_fiber_exit_to (slot->self, slot->back);
}

static void
test_fiber_to_fiber (void)
{
  Slot a, b;

  slot_init (&a, chain_body, 0);
  slot_init (&b, chain_body, 0);
  a.user = &b;
  b.user = NULL;
  b.back = a.self;   /* b ends by resuming a, a ends by resuming main */

  gcoro_fiber_switch (a.back, a.self);
  g_assert_cmpuint (a.count, ==, 2);
  g_assert_cmpuint (b.count, ==, 2);

  gcoro_fiber_free (a.self);
  gcoro_fiber_free (b.self);
}

/* Many fibers, round robin ---------------------------------------------------- */

static void
counting_body (gpointer data)
{
  Slot *slot = data;

  for (;;)
    {
      slot->count++;
      gcoro_fiber_switch (slot->self, slot->back);
    }
}

static void
test_many (void)
{
  const guint n = 1000, rounds = 20;
  Slot *slots = g_new0 (Slot, n);
  guint base = stats_live ();
  guint i, r;

  for (i = 0; i < n; i++)
    slot_init (&slots[i], counting_body, 0);
  g_assert_cmpuint (stats_live (), ==, base + n);

  for (r = 0; r < rounds; r++)
    for (i = 0; i < n; i++)
      gcoro_fiber_switch (slots[i].back, slots[i].self);

  for (i = 0; i < n; i++)
    {
      g_assert_cmpuint (slots[i].count, ==, rounds);
      gcoro_fiber_free (slots[i].self);
    }
  g_assert_cmpuint (stats_live (), ==, base);
  g_free (slots);
}

/* Callee-saved registers ------------------------------------------------------
 *
 * Only assembly can tell whether callee-saved registers survive a switch:
 * the compiler moves C variables wherever it likes. test_switch_marked()
 * fills every callee-saved register with a known pattern, switches, and
 * stores what the registers hold when it is resumed; meanwhile the other
 * fiber fills them with a different pattern (test_switch_clobbering()).
 */

#if defined(__x86_64__) && defined(__ELF__)
# define TEST_N_SAVED 6
__asm__ (
  "  .text\n"
  "  .p2align 4\n"
  "  .type test_switch_marked, @function\n"
  "test_switch_marked:\n"           /* rdi = from, rsi = to, rdx = out */
  "  pushq %rbp\n"
  "  pushq %rbx\n"
  "  pushq %r12\n"
  "  pushq %r13\n"
  "  pushq %r14\n"
  "  pushq %r15\n"
  "  pushq %rdx\n"                 /* 7 pushes: rsp is 16-aligned for the call */
  "  movabsq $0x1111111111111111, %rbx\n"
  "  movabsq $0x2222222222222222, %rbp\n"
  "  movabsq $0x3333333333333333, %r12\n"
  "  movabsq $0x4444444444444444, %r13\n"
  "  movabsq $0x5555555555555555, %r14\n"
  "  movabsq $0x6666666666666666, %r15\n"
  "  call gcoro_fiber_switch@PLT\n"
  "  popq %rdx\n"
  "  movq %rbx, 0(%rdx)\n"
  "  movq %rbp, 8(%rdx)\n"
  "  movq %r12, 16(%rdx)\n"
  "  movq %r13, 24(%rdx)\n"
  "  movq %r14, 32(%rdx)\n"
  "  movq %r15, 40(%rdx)\n"
  "  popq %r15\n"
  "  popq %r14\n"
  "  popq %r13\n"
  "  popq %r12\n"
  "  popq %rbx\n"
  "  popq %rbp\n"
  "  ret\n"
  "  .size test_switch_marked, .-test_switch_marked\n"
  "  .p2align 4\n"
  "  .type test_switch_clobbering, @function\n"
  "test_switch_clobbering:\n"       /* rdi = from, rsi = to */
  "  pushq %rbp\n"
  "  pushq %rbx\n"
  "  pushq %r12\n"
  "  pushq %r13\n"
  "  pushq %r14\n"
  "  pushq %r15\n"
  "  subq $8, %rsp\n"
  "  movabsq $0xdead00000000beef, %rbx\n"
  "  movq %rbx, %rbp\n"
  "  movq %rbx, %r12\n"
  "  movq %rbx, %r13\n"
  "  movq %rbx, %r14\n"
  "  movq %rbx, %r15\n"
  "  call gcoro_fiber_switch@PLT\n"
  "  addq $8, %rsp\n"
  "  popq %r15\n"
  "  popq %r14\n"
  "  popq %r13\n"
  "  popq %r12\n"
  "  popq %rbx\n"
  "  popq %rbp\n"
  "  ret\n"
  "  .size test_switch_clobbering, .-test_switch_clobbering\n");

static const guint64 expected_saved[TEST_N_SAVED] = {
  0x1111111111111111, 0x2222222222222222, 0x3333333333333333,
  0x4444444444444444, 0x5555555555555555, 0x6666666666666666,
};
#elif defined(__aarch64__) && defined(__ELF__)
/* x19-x29, then d8-d15 (as raw bits) */
# define TEST_N_SAVED 19
__asm__ (
  "  .text\n"
  "  .p2align 4\n"
  "  .type test_switch_marked, %function\n"
  "test_switch_marked:\n"           /* x0 = from, x1 = to, x2 = out */
  "  stp x29, x30, [sp, #-176]!\n"
  "  stp x19, x20, [sp, #16]\n"
  "  stp x21, x22, [sp, #32]\n"
  "  stp x23, x24, [sp, #48]\n"
  "  stp x25, x26, [sp, #64]\n"
  "  stp x27, x28, [sp, #80]\n"
  "  stp d8, d9, [sp, #96]\n"
  "  stp d10, d11, [sp, #112]\n"
  "  stp d12, d13, [sp, #128]\n"
  "  stp d14, d15, [sp, #144]\n"
  "  str x2, [sp, #160]\n"
  "  mov x19, #0x1919\n"
  "  mov x20, #0x2020\n"
  "  mov x21, #0x2121\n"
  "  mov x22, #0x2222\n"
  "  mov x23, #0x2323\n"
  "  mov x24, #0x2424\n"
  "  mov x25, #0x2525\n"
  "  mov x26, #0x2626\n"
  "  mov x27, #0x2727\n"
  "  mov x28, #0x2828\n"
  "  mov x29, #0x2929\n"
  "  mov x9, #0x0808\n  fmov d8, x9\n"
  "  mov x9, #0x0909\n  fmov d9, x9\n"
  "  mov x9, #0x1010\n  fmov d10, x9\n"
  "  mov x9, #0x1111\n  fmov d11, x9\n"
  "  mov x9, #0x1212\n  fmov d12, x9\n"
  "  mov x9, #0x1313\n  fmov d13, x9\n"
  "  mov x9, #0x1414\n  fmov d14, x9\n"
  "  mov x9, #0x1515\n  fmov d15, x9\n"
  "  bl gcoro_fiber_switch\n"
  "  ldr x2, [sp, #160]\n"
  "  stp x19, x20, [x2, #0]\n"
  "  stp x21, x22, [x2, #16]\n"
  "  stp x23, x24, [x2, #32]\n"
  "  stp x25, x26, [x2, #48]\n"
  "  stp x27, x28, [x2, #64]\n"
  "  str x29, [x2, #80]\n"
  "  str d8, [x2, #88]\n"
  "  str d9, [x2, #96]\n"
  "  str d10, [x2, #104]\n"
  "  str d11, [x2, #112]\n"
  "  str d12, [x2, #120]\n"
  "  str d13, [x2, #128]\n"
  "  str d14, [x2, #136]\n"
  "  str d15, [x2, #144]\n"
  "  ldp x19, x20, [sp, #16]\n"
  "  ldp x21, x22, [sp, #32]\n"
  "  ldp x23, x24, [sp, #48]\n"
  "  ldp x25, x26, [sp, #64]\n"
  "  ldp x27, x28, [sp, #80]\n"
  "  ldp d8, d9, [sp, #96]\n"
  "  ldp d10, d11, [sp, #112]\n"
  "  ldp d12, d13, [sp, #128]\n"
  "  ldp d14, d15, [sp, #144]\n"
  "  ldp x29, x30, [sp], #176\n"
  "  ret\n"
  "  .size test_switch_marked, .-test_switch_marked\n"
  "  .p2align 4\n"
  "  .type test_switch_clobbering, %function\n"
  "test_switch_clobbering:\n"       /* x0 = from, x1 = to */
  "  stp x29, x30, [sp, #-160]!\n"
  "  stp x19, x20, [sp, #16]\n"
  "  stp x21, x22, [sp, #32]\n"
  "  stp x23, x24, [sp, #48]\n"
  "  stp x25, x26, [sp, #64]\n"
  "  stp x27, x28, [sp, #80]\n"
  "  stp d8, d9, [sp, #96]\n"
  "  stp d10, d11, [sp, #112]\n"
  "  stp d12, d13, [sp, #128]\n"
  "  stp d14, d15, [sp, #144]\n"
  "  mov x19, #0xdead\n"
  "  mov x20, x19\n  mov x21, x19\n  mov x22, x19\n  mov x23, x19\n"
  "  mov x24, x19\n  mov x25, x19\n  mov x26, x19\n  mov x27, x19\n"
  "  mov x28, x19\n  mov x29, x19\n"
  "  fmov d8, x19\n  fmov d9, x19\n  fmov d10, x19\n  fmov d11, x19\n"
  "  fmov d12, x19\n  fmov d13, x19\n  fmov d14, x19\n  fmov d15, x19\n"
  "  bl gcoro_fiber_switch\n"
  "  ldp x19, x20, [sp, #16]\n"
  "  ldp x21, x22, [sp, #32]\n"
  "  ldp x23, x24, [sp, #48]\n"
  "  ldp x25, x26, [sp, #64]\n"
  "  ldp x27, x28, [sp, #80]\n"
  "  ldp d8, d9, [sp, #96]\n"
  "  ldp d10, d11, [sp, #112]\n"
  "  ldp d12, d13, [sp, #128]\n"
  "  ldp d14, d15, [sp, #144]\n"
  "  ldp x29, x30, [sp], #160\n"
  "  ret\n"
  "  .size test_switch_clobbering, .-test_switch_clobbering\n");

static const guint64 expected_saved[TEST_N_SAVED] = {
  0x1919, 0x2020, 0x2121, 0x2222, 0x2323, 0x2424, 0x2525, 0x2626, 0x2727,
  0x2828, 0x2929,
  0x0808, 0x0909, 0x1010, 0x1111, 0x1212, 0x1313, 0x1414, 0x1515,
};
#endif

#ifdef TEST_N_SAVED
void test_switch_marked     (GCoroFiber *from,
                             GCoroFiber *to,
                             guint64    *out);
void test_switch_clobbering (GCoroFiber *from,
                             GCoroFiber *to);

static void
clobbering_body (gpointer data)
{
  Slot *slot = data;

  for (;;)
    {
      slot->count++;
      test_switch_clobbering (slot->self, slot->back);
    }
}

static void
test_callee_saved (void)
{
  guint64 out[TEST_N_SAVED];
  Slot slot;
  guint round, i;

  slot_init (&slot, clobbering_body, 0);
  /* The first switch starts the fiber, the later ones resume it inside
   * test_switch_clobbering(): both ways back must restore everything. */
  for (round = 0; round < 3; round++)
    {
      memset (out, 0, sizeof out);
      test_switch_marked (slot.back, slot.self, out);
      g_assert_cmpuint (slot.count, ==, round + 1);
      for (i = 0; i < TEST_N_SAVED; i++)
        {
          if (out[i] != expected_saved[i])
            g_error ("callee-saved register #%u was 0x%" G_GINT64_MODIFIER "x "
                     "after a switch, expected 0x%" G_GINT64_MODIFIER "x",
                     i, out[i], expected_saved[i]);
        }
    }
  gcoro_fiber_free (slot.self);
}
#endif

/* Floating point --------------------------------------------------------------- */

static volatile double fp_seed = 1.25;

static void
fp_body (gpointer data)
{
  Slot *slot = data;
  double a = fp_seed * 3.0, b = fp_seed / 7.0, c = -fp_seed;

  for (;;)
    {
      a = a * 1.5 + 1.0;
      b = b * b + 0.5;
      c = c - a * b;
      slot->count++;
      gcoro_fiber_switch (slot->self, slot->back);
      /* the other side did its own arithmetic in the meantime */
      if (a > 1e10)
        a = fp_seed;
      if (b > 1e10)
        b = fp_seed;
      if (c < -1e10)
        c = fp_seed;
    }
}

static void
test_floating_point (void)
{
  double x = fp_seed, y = fp_seed * 2.0, z = 0.0;
  double ex = fp_seed, ey = fp_seed * 2.0, ez = 0.0;
  Slot slot;
  guint i;

  slot_init (&slot, fp_body, 0);
  for (i = 0; i < 50; i++)
    {
      x = x * 1.0001 + y;
      y = y / 3.0 + 0.25;
      z += x * y;
      gcoro_fiber_switch (slot.back, slot.self);
    }
  /* Same computation without switches. */
  for (i = 0; i < 50; i++)
    {
      ex = ex * 1.0001 + ey;
      ey = ey / 3.0 + 0.25;
      ez += ex * ey;
    }
  g_assert_cmpfloat (x, ==, ex);
  g_assert_cmpfloat (y, ==, ey);
  g_assert_cmpfloat (z, ==, ez);
  g_assert_cmpuint (slot.count, ==, 50);
  gcoro_fiber_free (slot.self);
}

/* Each fiber has its own floating-point control state (rounding mode,
 * flush-to-zero), like a thread, and a new fiber starts with its
 * creator's. */

#if defined(__x86_64__)
typedef struct { guint32 mxcsr; guint16 x87; } FpControl;
# define FP_ROUND_MASK ((guint32) 3 << 13)
# define FP_ROUND_UP   ((guint32) 2 << 13)
# define FP_ROUND_DOWN ((guint32) 1 << 13)
# define FP_FTZ        ((guint32) 1 << 15)

static FpControl
fp_control_get (void)
{
  FpControl c;

  __asm__ volatile ("stmxcsr %0" : "=m" (c.mxcsr));
  __asm__ volatile ("fnstcw %0" : "=m" (c.x87));
  return c;
}

static void
fp_control_set (FpControl c)
{
  __asm__ volatile ("ldmxcsr %0" : : "m" (c.mxcsr));
  __asm__ volatile ("fldcw %0" : : "m" (c.x87));
}

/* Sets the SSE rounding and the matching x87 rounding (bits 10-11). */
static void
fp_set_rounding (guint32 mode)
{
  FpControl c = fp_control_get ();

  c.mxcsr = (c.mxcsr & ~FP_ROUND_MASK) | mode;
  c.x87 = (guint16) ((c.x87 & ~(3u << 10)) | ((mode >> 13) << 10));
  fp_control_set (c);
}

static guint32
fp_get_rounding (void)
{
  FpControl c = fp_control_get ();

  g_assert_cmpuint ((c.x87 >> 10) & 3, ==, (c.mxcsr & FP_ROUND_MASK) >> 13);
  return c.mxcsr & FP_ROUND_MASK;
}

static void
fp_set_ftz (gboolean on)
{
  FpControl c = fp_control_get ();

  c.mxcsr = on ? c.mxcsr | FP_FTZ : c.mxcsr & ~FP_FTZ;
  fp_control_set (c);
}

static gboolean
fp_get_ftz (void)
{
  return (fp_control_get ().mxcsr & FP_FTZ) != 0;
}
# define HAVE_FP_CONTROL 1
#elif defined(__aarch64__)
# define FP_ROUND_MASK ((guint64) 3 << 22)
# define FP_ROUND_UP   ((guint64) 1 << 22)
# define FP_ROUND_DOWN ((guint64) 2 << 22)
# define FP_FTZ        ((guint64) 1 << 24)

static guint64
fpcr_get (void)
{
  guint64 v;

  __asm__ volatile ("mrs %0, fpcr" : "=r" (v));
  return v;
}

static void
fpcr_set (guint64 v)
{
  __asm__ volatile ("msr fpcr, %0" : : "r" (v));
}

static void
fp_set_rounding (guint64 mode)
{
  fpcr_set ((fpcr_get () & ~FP_ROUND_MASK) | mode);
}

static guint64
fp_get_rounding (void)
{
  return fpcr_get () & FP_ROUND_MASK;
}

static void
fp_set_ftz (gboolean on)
{
  fpcr_set (on ? fpcr_get () | FP_FTZ : fpcr_get () & ~FP_FTZ);
}

static gboolean
fp_get_ftz (void)
{
  return (fpcr_get () & FP_FTZ) != 0;
}
# define HAVE_FP_CONTROL 1
#endif

#ifdef HAVE_FP_CONTROL
static volatile double fp_one = 1.0, fp_three = 3.0;

static void
fp_control_body (gpointer data)
{
  Slot *slot = data;
  double *third = slot->user;

  /* Inherited from the creator at gcoro_fiber_new() time. (Valgrind
   * emulates rounding modes but not flush-to-zero.) */
  if (!RUNNING_ON_VALGRIND)
    g_assert_true (fp_get_ftz ());
  fp_set_ftz (FALSE);
  fp_set_rounding (FP_ROUND_UP);
  for (;;)
    {
      g_assert_cmpuint (fp_get_rounding (), ==, FP_ROUND_UP);
      g_assert_false (fp_get_ftz ());
      *third = fp_one / fp_three;
      slot->count++;
      gcoro_fiber_switch (slot->self, slot->back);
    }
}

static void
test_fp_control (void)
{
  double fiber_third = 0.0, main_third;
  Slot slot;
  guint i;

  fp_set_ftz (TRUE);
  slot.user = &fiber_third;
  slot_init (&slot, fp_control_body, 0);
  fp_set_rounding (FP_ROUND_DOWN);

  for (i = 0; i < 5; i++)
    {
      gcoro_fiber_switch (slot.back, slot.self);
      g_assert_cmpuint (fp_get_rounding (), ==, FP_ROUND_DOWN);
      if (!RUNNING_ON_VALGRIND)
        g_assert_true (fp_get_ftz ());
      main_third = fp_one / fp_three;
      /* 1/3 is not representable: rounding up and down must differ.
       * (Valgrind's SSE arithmetic always rounds to nearest.) */
      if (!RUNNING_ON_VALGRIND)
        g_assert_cmpfloat (main_third, <, fiber_third);
    }
  g_assert_cmpuint (slot.count, ==, 5);

  fp_set_rounding (0);
  fp_set_ftz (FALSE);
  gcoro_fiber_free (slot.self);
}
#endif

/* Pools --------------------------------------------------------------------- */

static void
exit_body (gpointer data)
{
  Slot *slot = data;

  slot->count++;
  gcoro_fiber_exit_to (slot->self, slot->back);
}

static guint
stats_pooled (void)
{
  GCoroFiberStats stats;

  gcoro_fiber_get_stats (&stats);
  return stats.n_pooled;
}

static void
test_pool_reuse (void)
{
  GCoroFiber *first, *again, *other;
  Slot slot;
  guint i;

  gcoro_fiber_trim_pool ();
  g_assert_cmpuint (stats_pooled (), ==, 0);

  slot_init (&slot, exit_body, 0);
  first = slot.self;
  gcoro_fiber_switch (slot.back, slot.self);
  g_assert_cmpuint (slot.count, ==, 1);
  gcoro_fiber_free (slot.self);
  g_assert_cmpuint (stats_pooled (), ==, 1);

  /* Same size: the very same stack (and so the same fiber address). */
  slot_init (&slot, exit_body, 0);
  again = slot.self;
  g_assert_true (again == first);
  g_assert_cmpuint (stats_pooled (), ==, 0);
  gcoro_fiber_switch (slot.back, slot.self);
  g_assert_cmpuint (slot.count, ==, 1);

  /* Another size does not get it. */
  other = gcoro_fiber_new (exit_body, NULL, 64 * 1024);
  g_assert_true (other != first);
  g_assert_cmpuint (gcoro_fiber_get_stack_size (other), ==, 64 * 1024);
  gcoro_fiber_free (other);
  gcoro_fiber_free (again);
  g_assert_cmpuint (stats_pooled (), ==, 2);

  /* Pools are bounded. */
  {
    GCoroFiber *fibers[GCORO_STACK_POOL_MAX + 20];

    for (i = 0; i < G_N_ELEMENTS (fibers); i++)
      fibers[i] = gcoro_fiber_new (exit_body, NULL, 0);
    for (i = 0; i < G_N_ELEMENTS (fibers); i++)
      gcoro_fiber_free (fibers[i]);
    g_assert_cmpuint (stats_pooled (), ==, GCORO_STACK_POOL_MAX);
  }

  gcoro_fiber_trim_pool ();
  g_assert_cmpuint (stats_pooled (), ==, 0);
}

/* Pooled stacks past the soft limit give their memory back. */
static void
deep_then_exit_body (gpointer data)
{
  Slot *slot = data;

  recurse (0, (const guint8 *) slot->self - 128 * 1024);
  slot->count++;
  gcoro_fiber_exit_to (slot->self, slot->back);
}

static void
test_pool_releases_memory (void)
{
  const guint n = GCORO_STACK_POOL_MAX;
  Slot *slots = g_new0 (Slot, n);
  gsize rss_before, rss_deep, rss_pooled;
  guint i;

  if (RUNNING_ON_VALGRIND || TEST_ASAN)
    {
      g_test_skip ("resident memory means little under valgrind or ASan");
      g_free (slots);
      return;
    }

  gcoro_fiber_trim_pool ();
  rss_before = read_vm_rss_kib ();
  for (i = 0; i < n; i++)
    {
      slot_init (&slots[i], deep_then_exit_body, 0);
      gcoro_fiber_switch (slots[i].back, slots[i].self);
      g_assert_cmpuint (slots[i].count, ==, 1);
    }
  rss_deep = read_vm_rss_kib ();
  for (i = 0; i < n; i++)
    gcoro_fiber_free (slots[i].self);
  rss_pooled = read_vm_rss_kib ();
  g_test_message ("RSS: %" G_GSIZE_FORMAT " KiB before, %" G_GSIZE_FORMAT " KiB with %u "
                  "fibers 128 KiB deep, %" G_GSIZE_FORMAT " KiB once pooled",
                  rss_before, rss_deep, n, rss_pooled);

  /* Each went >= 128 KiB deep; all but GCORO_STACK_POOL_SOFT of them must
   * have released it in the pool. */
  g_assert_cmpuint (rss_deep - rss_before, >=, n * 120);
  g_assert_cmpuint (rss_deep - rss_pooled, >=, (n - GCORO_STACK_POOL_SOFT) * 120);

  /* The next fiber gets a warm stack (the last one that stayed warm), not
   * one of the released ones. */
  slot_init (&slots[0], exit_body, 0);
  g_assert_true (slots[0].self == slots[GCORO_STACK_POOL_SOFT - 1].self);
  gcoro_fiber_free (slots[0].self);

  gcoro_fiber_trim_pool ();
  g_free (slots);
}

/* Freeing suspended fibers ------------------------------------------------------ */

static void
suspend_deep_body (gpointer data)
{
  Slot *slot = data;

  /* Suspend at some depth, with frames (and, under ASan, redzones) that
   * will never be popped. */
  recurse (0, (const guint8 *) slot->self - GPOINTER_TO_UINT (slot->user));
  for (;;)
    {
      slot->count++;
      gcoro_fiber_switch (slot->self, slot->back);
    }
}

static G_GNUC_NO_INLINE void
suspend_in_frame (Slot *slot)
{
  volatile char local[300];

  memset ((char *) local, 'x', sizeof local);
  slot->count++;
  gcoro_fiber_switch (slot->self, slot->back);
  g_assert_not_reached ();
}

static void
suspend_in_frame_body (gpointer data)
{
  suspend_in_frame (data);
}

static void
test_free_suspended (void)
{
  const guint n = 32;
  Slot slots[32];
  guint base = stats_live ();
  guint round, i;

  for (round = 0; round < 3; round++)
    {
      for (i = 0; i < n; i++)
        {
          slots[i].user = GUINT_TO_POINTER (1024 + i * 1024);
          slot_init (&slots[i], i % 2 ? suspend_deep_body : suspend_in_frame_body, 0);
          gcoro_fiber_switch (slots[i].back, slots[i].self);
          g_assert_cmpuint (slots[i].count, ==, 1);
        }
      g_assert_cmpuint (stats_live (), ==, base + n);
      /* Free them while suspended; the next round reuses the stacks. */
      for (i = 0; i < n; i++)
        gcoro_fiber_free (slots[i].self);
      g_assert_cmpuint (stats_live (), ==, base);
    }

  /* A fiber that never ran can be freed too. */
  slot_init (&slots[0], counting_body, 0);
  gcoro_fiber_free (slots[0].self);
  g_assert_cmpuint (stats_live (), ==, base);
}

/* Deep recursion and overflow ----------------------------------------------------- */

static void
deep_body (gpointer data)
{
  Slot *slot = data;
  gsize size = gcoro_fiber_get_stack_size (slot->self);

  /* Down to 16 KiB above the end of the stack. */
  slot->count = recurse (0, (const guint8 *) slot->self - size + 16 * 1024);
  gcoro_fiber_exit_to (slot->self, slot->back);
}

static void
test_deep_recursion (void)
{
  static const gsize sizes[] = { 64 * 1024, 256 * 1024, 1024 * 1024 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      Slot slot;

      slot_init (&slot, deep_body, sizes[i]);
      g_assert_cmpuint (gcoro_fiber_get_stack_size (slot.self), ==, sizes[i]);
      gcoro_fiber_switch (slot.back, slot.self);
      g_assert_cmpuint (slot.count, !=, 0);
      gcoro_fiber_free (slot.self);
    }
}

static void
overflow_body (gpointer data)
{
  Slot *slot = data;

  recurse (0, NULL);
  gcoro_fiber_exit_to (slot->self, slot->back);
}

/* Run in the subprocess: overflow a fiber called 'deep'. */
static void
overflow_child (const char *guard)
{
  Slot slot;

  if (guard != NULL)
    g_setenv ("GCORO_STACK_GUARD", guard, TRUE);
  slot_init (&slot, overflow_body, 256 * 1024);
  gcoro_fiber_set_name (slot.self, "deep");
  gcoro_fiber_switch (slot.back, slot.self);
  g_assert_not_reached ();
}

static void
check_overflow_report (void)
{
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*GCoro: task 'deep' overflowed its 256 KiB stack; give it a "
                             "larger stack with GCoroSpawnOptions.stack_size or "
                             "GCORO_STACK_SIZE*");
}

static void
test_overflow (void)
{
  if (g_test_subprocess ())
    {
      overflow_child (NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  check_overflow_report ();
}

static void
test_overflow_mprotect (void)
{
  if (g_test_subprocess ())
    {
      overflow_child ("mprotect");
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  check_overflow_report ();
}

/* A canary stack has no guard: the overflow is caught when the fiber
 * switches away (or is freed) with its canary clobbered. */
static void
canary_overflow_body (gpointer data)
{
  Slot *slot = data;
  gsize size = gcoro_fiber_get_stack_size (slot->self);
  const guint8 *here = __builtin_frame_address (0);
  const guint8 *past_end = (const guint8 *) slot->self - size - 1024;
  gsize n = (gsize) (here - past_end);
  guint8 *p;

  /* Write everything from a little below the stack to here, like a big
   * frame would (recursion under ASan may leave the canary in a redzone,
   * which is never written). The gap below a canary stack absorbs it. */
  p = g_alloca (n);
  memset (p, 0xa5, n);
  __asm__ volatile ("" : : "r" (p) : "memory");
  slot->count++;
  gcoro_fiber_switch (slot->self, slot->back);
  g_assert_not_reached ();
}

static void
test_overflow_canary (void)
{
  if (g_test_subprocess ())
    {
      Slot slot;

      g_setenv ("GCORO_STACK_GUARD", "canary", TRUE);
      slot_init (&slot, canary_overflow_body, 256 * 1024);
      gcoro_fiber_set_name (slot.self, "deep");
      gcoro_fiber_switch (slot.back, slot.self);
      g_assert_not_reached ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  check_overflow_report ();
}

/* A fault that is not an overflow keeps its usual meaning. */
static void
crash_body (gpointer data)
{
  volatile int *volatile nowhere = NULL;

  *nowhere = 1;
}

static void
test_other_fault (void)
{
  if (g_test_subprocess ())
    {
      Slot slot;

      slot_init (&slot, crash_body, 0);
      gcoro_fiber_switch (slot.back, slot.self);
      g_assert_not_reached ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr_unmatched ("*overflowed*");
}

/* 100,000 suspended fibers -------------------------------------------------------- */

static void
suspend_once_body (gpointer data)
{
  Slot *slot = data;

  slot->count++;
  gcoro_fiber_switch (slot->self, slot->back);
  g_assert_not_reached ();
}

static void
run_suspended (guint n)
{
  GCoroFiberStats stats;
  Slot *slots;
  gsize rss_before, rss_after;
  guint i, base = stats_live ();

  /* Touch the array first: its pages are not the fibers' memory. */
  slots = g_new0 (Slot, n);
  rss_before = read_vm_rss_kib ();

  for (i = 0; i < n; i++)
    {
      slot_init (&slots[i], suspend_once_body, 0);
      gcoro_fiber_switch (slots[i].back, slots[i].self);
    }
  rss_after = read_vm_rss_kib ();

  gcoro_fiber_get_stats (&stats);
  g_test_message ("%u suspended fibers (%s guards; %u guarded, %u canary): "
                  "VmRSS %" G_GSIZE_FORMAT " -> %" G_GSIZE_FORMAT " KiB, "
                  "%.2f KiB per fiber, %u kernel mappings",
                  n, gcoro_stack_kind_to_string (gcoro_stack_get_guard_mode ()),
                  stats.n_guarded, stats.n_canary, rss_before, rss_after,
                  (double) (rss_after - rss_before) / n, count_mappings ());
  g_assert_cmpuint (stats.n_live, ==, base + n);
  g_assert_cmpuint (stats.n_guarded + stats.n_canary, ==, stats.n_live);
  if (gcoro_stack_get_guard_mode () == GCORO_STACK_GUARD_MADVISE)
    g_assert_cmpuint (stats.n_canary, ==, 0);
  else if (n > gcoro_stack_get_mprotect_budget ())
    {
      g_assert_cmpuint (stats.n_guarded, <=, gcoro_stack_get_mprotect_budget () + base);
      g_assert_cmpuint (stats.n_canary, >, 0);
    }
  /* Lazily committed stacks: a page or so each. (Not under the
   * sanitizers, whose shadow memory is counted too: ASan's swapcontext()
   * interceptor clears the shadow of the whole stack, 32 KiB a fiber.) */
  if (!RUNNING_ON_VALGRIND && !TEST_ASAN)
    g_assert_cmpuint ((rss_after - rss_before) / n, <, 12);

  for (i = 0; i < n; i++)
    {
      g_assert_cmpuint (slots[i].count, ==, 1);
      gcoro_fiber_free (slots[i].self);
    }
  g_assert_cmpuint (stats_live (), ==, base);
  gcoro_fiber_trim_pool ();
  g_free (slots);
}

static guint
n_suspended (void)
{
  /* Under valgrind the cost grows faster than linearly (its per-stack
   * bookkeeping): 100,000 took 24 s and 2 GB there, 20,000 take 2 s. */
  return RUNNING_ON_VALGRIND ? 20000 : 100000;
}

static void
test_suspended (void)
{
  run_suspended (n_suspended ());
}

static void
test_suspended_mprotect (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("GCORO_STACK_GUARD", "mprotect", TRUE);
      g_assert_cmpint (gcoro_stack_get_guard_mode (), ==, GCORO_STACK_GUARD_MPROTECT);
      run_suspended (n_suspended ());
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
}

/* A process may end with fibers suspended and stacks pooled: nothing to
 * report (LeakSanitizer does not scan stack mappings, so everything the
 * stack layer allocates must stay reachable from elsewhere). */
static Slot *volatile exit_slots;

static void
test_exit_with_live_fibers (void)
{
  if (g_test_subprocess ())
    {
      Slot *slots = g_new0 (Slot, 200);
      guint i;

      for (i = 0; i < 200; i++)
        {
          slot_init (&slots[i], counting_body, 0);
          gcoro_fiber_switch (slots[i].back, slots[i].self);
        }
      /* Some pooled as well. */
      for (i = 100; i < 200; i++)
        gcoro_fiber_free (slots[i].self);
      exit_slots = slots;
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
}

/* Threads ------------------------------------------------------------------------- */

typedef struct
{
  guint rounds;
  guint total;
} ThreadWork;

static gpointer
thread_ping_pong (gpointer data)
{
  ThreadWork *work = data;
  Slot slots[4];
  guint r, i;

  for (i = 0; i < G_N_ELEMENTS (slots); i++)
    slot_init (&slots[i], counting_body, 0);
  for (r = 0; r < work->rounds; r++)
    for (i = 0; i < G_N_ELEMENTS (slots); i++)
      gcoro_fiber_switch (slots[i].back, slots[i].self);
  for (i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      work->total += slots[i].count;
      gcoro_fiber_free (slots[i].self);
    }
  return NULL;
}

static void
test_threads (void)
{
  ThreadWork work[2] = { { 50000, 0 }, { 50000, 0 } };
  GThread *threads[2];
  guint base = stats_live ();
  guint i;

  for (i = 0; i < 2; i++)
    threads[i] = g_thread_new ("fiber-test", thread_ping_pong, &work[i]);
  /* And some on this thread meanwhile. */
  {
    ThreadWork mine = { 20000, 0 };

    thread_ping_pong (&mine);
    g_assert_cmpuint (mine.total, ==, 4 * 20000);
  }
  for (i = 0; i < 2; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (work[i].total, ==, 4 * 50000);
    }
  /* The threads' pools went away with them. */
  g_assert_cmpuint (stats_live (), ==, base);
  gcoro_fiber_trim_pool ();
  g_assert_cmpuint (stats_pooled (), ==, 0);
}

/* Fibers made on one thread, freed on another (their stacks go to the
 * freeing thread's pool). */
static gpointer
thread_make_suspended (gpointer data)
{
  Slot *slots = data;
  guint i;

  for (i = 0; i < 8; i++)
    {
      slot_init (&slots[i], counting_body, 0);
      gcoro_fiber_switch (slots[i].back, slots[i].self);
    }
  return NULL;
}

static void
test_free_on_other_thread (void)
{
  Slot slots[8];
  guint base = stats_live ();
  GThread *thread;
  guint i;

  thread = g_thread_new ("fiber-maker", thread_make_suspended, slots);
  g_thread_join (thread);
  g_assert_cmpuint (stats_live (), ==, base + 8);
  for (i = 0; i < 8; i++)
    {
      g_assert_cmpuint (slots[i].count, ==, 1);
      gcoro_fiber_free (slots[i].self);
    }
  g_assert_cmpuint (stats_live (), ==, base);

  /* The stacks are good for fibers of this thread. */
  slot_init (&slots[0], exit_body, 0);
  gcoro_fiber_switch (slots[0].back, slots[0].self);
  g_assert_cmpuint (slots[0].count, ==, 1);
  gcoro_fiber_free (slots[0].self);
}

/* Stack sizes ---------------------------------------------------------------------- */

static void
test_stack_size (void)
{
  gsize page = gcoro_stack_get_page_size ();
  GCoroFiber *fiber;

  if (g_getenv ("GCORO_STACK_SIZE") == NULL)
    g_assert_cmpuint (gcoro_fiber_get_default_stack_size (), ==, 256 * 1024);

  fiber = gcoro_fiber_new (exit_body, NULL, 100000);
  g_assert_cmpuint (gcoro_fiber_get_stack_size (fiber), ==, (100000 + page - 1) / page * page);
  gcoro_fiber_free (fiber);

  fiber = gcoro_fiber_new (exit_body, NULL, 0);
  g_assert_cmpuint (gcoro_fiber_get_stack_size (fiber), ==,
                    gcoro_fiber_get_default_stack_size ());
  gcoro_fiber_free (fiber);
}

typedef struct
{
  const char *env;
  gsize       expected;   /* before page rounding; 0: rejected */
} StackSizeCase;

static void
test_stack_size_env (gconstpointer data)
{
  const StackSizeCase *c = data;

  if (g_test_subprocess ())
    {
      gsize page = gcoro_stack_get_page_size ();

      g_setenv ("GCORO_STACK_SIZE", c->env, TRUE);
      g_assert_cmpuint (gcoro_fiber_get_default_stack_size (), ==,
                        (c->expected + page - 1) / page * page);
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  if (c->expected != 0)
    g_test_trap_assert_passed ();
  else
    {
      /* A warning, fatal in tests. */
      g_test_trap_assert_failed ();
      g_test_trap_assert_stderr ("*GCORO_STACK_SIZE=*is not a size*");
    }
}

/* Performance (-m perf) --------------------------------------------------------------- */

static void
yield_forever_body (gpointer data)
{
  Slot *slot = data;

  for (;;)
    gcoro_fiber_switch (slot->self, slot->back);
}

static void
test_perf_switch (void)
{
  const guint n = 10 * 1000 * 1000;
  Slot slot;
  gint64 start, elapsed;
  guint i;

  slot_init (&slot, yield_forever_body, 0);
  gcoro_fiber_switch (slot.back, slot.self);
  start = g_get_monotonic_time ();
  for (i = 0; i < n; i++)
    gcoro_fiber_switch (slot.back, slot.self);
  elapsed = g_get_monotonic_time () - start;
  g_test_minimized_result (elapsed * 1000.0 / (2.0 * n),
                           "%.2f ns per one-way switch (%u round trips)",
                           elapsed * 1000.0 / (2.0 * n), n);
  gcoro_fiber_free (slot.self);
}

static void
test_perf_spawn (void)
{
  const guint n = 2 * 1000 * 1000;
  gint64 start, elapsed;
  Slot slot;
  guint i;

  slot_init (&slot, exit_body, 0);
  gcoro_fiber_free (slot.self);

  start = g_get_monotonic_time ();
  for (i = 0; i < n; i++)
    gcoro_fiber_free (gcoro_fiber_new (exit_body, &slot, 0));
  elapsed = g_get_monotonic_time () - start;
  g_test_minimized_result (elapsed * 1000.0 / n, "%.2f ns per fiber_new + fiber_free",
                           elapsed * 1000.0 / n);

  start = g_get_monotonic_time ();
  for (i = 0; i < n; i++)
    {
      slot.self = gcoro_fiber_new (exit_body, &slot, 0);
      gcoro_fiber_switch (slot.back, slot.self);
      gcoro_fiber_free (slot.self);
    }
  elapsed = g_get_monotonic_time () - start;
  g_test_minimized_result (elapsed * 1000.0 / n,
                           "%.2f ns per fiber_new + run to its end + fiber_free",
                           elapsed * 1000.0 / n);
}

int
main (int   argc,
      char *argv[])
{
  static const StackSizeCase size_cases[] = {
    { "1M", 1024 * 1024 },
    { "64K", 64 * 1024 },
    { "64KiB", 64 * 1024 },
    { "100000", 100000 },
    { "2m", 2 * 1024 * 1024 },
    { "bogus", 0 },
    { "12Q", 0 },
  };
  guint i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gcoro/fiber/ping-pong", test_ping_pong);
  g_test_add_func ("/gcoro/fiber/fiber-to-fiber", test_fiber_to_fiber);
  g_test_add_func ("/gcoro/fiber/many", test_many);
#ifdef TEST_N_SAVED
  g_test_add_func ("/gcoro/fiber/callee-saved-registers", test_callee_saved);
#endif
  g_test_add_func ("/gcoro/fiber/floating-point", test_floating_point);
#ifdef HAVE_FP_CONTROL
  g_test_add_func ("/gcoro/fiber/fp-control-per-fiber", test_fp_control);
#endif
  g_test_add_func ("/gcoro/fiber/pool-reuse", test_pool_reuse);
  g_test_add_func ("/gcoro/fiber/pool-releases-memory", test_pool_releases_memory);
  g_test_add_func ("/gcoro/fiber/free-suspended", test_free_suspended);
  g_test_add_func ("/gcoro/fiber/deep-recursion", test_deep_recursion);
  g_test_add_func ("/gcoro/fiber/overflow", test_overflow);
  g_test_add_func ("/gcoro/fiber/overflow-mprotect", test_overflow_mprotect);
  g_test_add_func ("/gcoro/fiber/overflow-canary", test_overflow_canary);
  g_test_add_func ("/gcoro/fiber/other-fault", test_other_fault);
  g_test_add_func ("/gcoro/fiber/suspended-100k", test_suspended);
  g_test_add_func ("/gcoro/fiber/suspended-100k-mprotect", test_suspended_mprotect);
  g_test_add_func ("/gcoro/fiber/exit-with-live-fibers", test_exit_with_live_fibers);
  g_test_add_func ("/gcoro/fiber/threads", test_threads);
  g_test_add_func ("/gcoro/fiber/free-on-other-thread", test_free_on_other_thread);
  g_test_add_func ("/gcoro/fiber/stack-size", test_stack_size);
  for (i = 0; i < G_N_ELEMENTS (size_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/gcoro/fiber/stack-size-env/%s",
                                               size_cases[i].env);

      g_test_add_data_func (path, &size_cases[i], test_stack_size_env);
    }
  if (g_test_perf ())
    {
      g_test_add_func ("/gcoro/fiber/perf/switch", test_perf_switch);
      g_test_add_func ("/gcoro/fiber/perf/spawn", test_perf_spawn);
    }

  return g_test_run ();
}

/* gcoro-switch-aarch64.S: fiber context switch for AArch64 (AAPCS64)
 *
 * Copyright 2026 The glib-coro authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A suspended fiber is nothing but its stack pointer: everything AAPCS64
 * says a callee must preserve is stored on the fiber's own stack, in a
 * 176-byte frame (sp stays 16-byte aligned at all times, as the
 * architecture requires):
 *
 *   sp + 0    x19 x20        sp + 96   d8  d9
 *   sp + 16   x21 x22        sp + 112  d10 d11
 *   sp + 32   x23 x24        sp + 128  d12 d13
 *   sp + 48   x25 x26        sp + 144  d14 d15
 *   sp + 64   x27 x28        sp + 160  FPCR, 8 bytes of padding
 *   sp + 80   x29 x30 (lr)
 *
 * Only the low 64 bits of v8-v15 are callee-saved; the rest of the vector
 * registers are the caller's business. FPCR (rounding mode, flush-to-zero,
 * trap enables) is saved so each fiber has its own, like a thread.
 *
 * Every suspended stack has this layout, so the CFI below stays right
 * across the stack swap.
 */

#if defined(__aarch64__) && defined(__ELF__)

#if defined(__ARM_FEATURE_BTI_DEFAULT) && __ARM_FEATURE_BTI_DEFAULT
# define GCORO_BTI_C hint #34
#else
# define GCORO_BTI_C
#endif

	.text

/* void *gcoro_fiber_asm_prepare (void *top, void *arg, void (*entry) (void *));
 *
 * Writes, just below @top (16-byte aligned), a frame that the first
 * gcoro_fiber_asm_switch() to it "returns" into gcoro_fiber_asm_start
 * with x19 = @arg and x20 = @entry; returns the stack pointer to save.
 * The new fiber inherits the caller's FPCR, as a new thread does. */
	.globl	gcoro_fiber_asm_prepare
	.hidden	gcoro_fiber_asm_prepare
	.type	gcoro_fiber_asm_prepare, %function
	.p2align 4
gcoro_fiber_asm_prepare:
	.cfi_startproc
	GCORO_BTI_C
	sub	x0, x0, #176
	stp	x1, x2, [x0, #0]		/* x19 = arg, x20 = entry */
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	stp	xzr, xzr, [x0, #64]
	adr	x3, gcoro_fiber_asm_start
	stp	xzr, x3, [x0, #80]		/* x29 = 0 ends frame chains; lr */
	stp	xzr, xzr, [x0, #96]
	stp	xzr, xzr, [x0, #112]
	stp	xzr, xzr, [x0, #128]
	stp	xzr, xzr, [x0, #144]
	mrs	x3, fpcr
	stp	x3, xzr, [x0, #160]
	ret
	.cfi_endproc
	.size	gcoro_fiber_asm_prepare, .-gcoro_fiber_asm_prepare

/* First code run on a new stack, reached by the "ret" of the switch with
 * sp == top. @entry never returns. Reached through ret, not br, so it
 * needs no BTI landing pad. */
	.type	gcoro_fiber_asm_start, %function
	.p2align 4
gcoro_fiber_asm_start:
	.cfi_startproc
	.cfi_undefined x30		/* outermost frame: unwinders stop here */
	mov	x0, x19
	mov	x30, xzr
	blr	x20
	brk	#0x3c
	.cfi_endproc
	.size	gcoro_fiber_asm_start, .-gcoro_fiber_asm_start

/* void gcoro_fiber_asm_switch (void **save_sp, void *load_sp); */
	.globl	gcoro_fiber_asm_switch
	.hidden	gcoro_fiber_asm_switch
	.type	gcoro_fiber_asm_switch, %function
	.p2align 4
gcoro_fiber_asm_switch:
	.cfi_startproc
	GCORO_BTI_C
	sub	sp, sp, #176
	.cfi_adjust_cfa_offset 176
	stp	x19, x20, [sp, #0]
	.cfi_rel_offset x19, 0
	.cfi_rel_offset x20, 8
	stp	x21, x22, [sp, #16]
	.cfi_rel_offset x21, 16
	.cfi_rel_offset x22, 24
	stp	x23, x24, [sp, #32]
	.cfi_rel_offset x23, 32
	.cfi_rel_offset x24, 40
	stp	x25, x26, [sp, #48]
	.cfi_rel_offset x25, 48
	.cfi_rel_offset x26, 56
	stp	x27, x28, [sp, #64]
	.cfi_rel_offset x27, 64
	.cfi_rel_offset x28, 72
	stp	x29, x30, [sp, #80]
	.cfi_rel_offset x29, 80
	.cfi_rel_offset x30, 88
	stp	d8, d9, [sp, #96]
	.cfi_rel_offset d8, 96
	.cfi_rel_offset d9, 104
	stp	d10, d11, [sp, #112]
	.cfi_rel_offset d10, 112
	.cfi_rel_offset d11, 120
	stp	d12, d13, [sp, #128]
	.cfi_rel_offset d12, 128
	.cfi_rel_offset d13, 136
	stp	d14, d15, [sp, #144]
	.cfi_rel_offset d14, 144
	.cfi_rel_offset d15, 152
	mrs	x9, fpcr
	str	x9, [sp, #160]

	mov	x10, sp
	str	x10, [x0]
	mov	sp, x1

	/* Writing FPCR may be self-synchronising (slow); fibers nearly always
	 * share one, so write it only when it differs. */
	ldr	x10, [sp, #160]
	cmp	x9, x10
	b.eq	1f
	msr	fpcr, x10
1:
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #176
	.cfi_adjust_cfa_offset -176
	.cfi_restore x19
	.cfi_restore x20
	.cfi_restore x21
	.cfi_restore x22
	.cfi_restore x23
	.cfi_restore x24
	.cfi_restore x25
	.cfi_restore x26
	.cfi_restore x27
	.cfi_restore x28
	.cfi_restore x29
	.cfi_restore x30
	.cfi_restore d8
	.cfi_restore d9
	.cfi_restore d10
	.cfi_restore d11
	.cfi_restore d12
	.cfi_restore d13
	.cfi_restore d14
	.cfi_restore d15
	ret
	.cfi_endproc
	.size	gcoro_fiber_asm_switch, .-gcoro_fiber_asm_switch

#if defined(__ARM_FEATURE_BTI_DEFAULT) && __ARM_FEATURE_BTI_DEFAULT
	/* GNU property note: this object is BTI-compatible. */
	.section .note.gnu.property, "a"
	.p2align 3
	.word	4
	.word	16
	.word	5			/* NT_GNU_PROPERTY_TYPE_0 */
	.asciz	"GNU"
	.word	0xc0000000		/* GNU_PROPERTY_AARCH64_FEATURE_1_AND */
	.word	4
	.word	1			/* GNU_PROPERTY_AARCH64_FEATURE_1_BTI */
	.p2align 3
#endif

#endif /* __aarch64__ && __ELF__ */

#if defined(__ELF__)
	.section .note.GNU-stack, "", %progbits
#endif

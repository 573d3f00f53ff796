/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * EL2 firmware stub, architecture part: the arm64 Image header QEMU wants
 * for -kernel, entry of the boot and secondary CPUs, the EL2 vector table
 * with its trap frame, the PSCI forwarder and the drop to EL1.
 */

#include "stub.h"

#define FRAME_SIZE	272	/* sizeof(struct trap_frame) */

	.section .text.head, "ax"
	.global _start
_start:
	/* arm64 Image header (Documentation/arch/arm64/booting.rst) */
	b	primary_entry
	.long	0
	.quad	0			/* text_offset */
	.quad	_stub_size		/* image_size, bss included */
	.quad	0xa			/* LE, 4K pages, anywhere */
	.quad	0
	.quad	0
	.quad	0
	.ascii	"ARM\x64"
	.long	0

primary_entry:
	mov	x19, x0			/* DTB, for the kernel */
	/* .bss holds the stacks too: clear it before any call */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	mov	x0, #0
	bl	set_stack
	mov	x0, x19
	bl	stub_main
	b	hang

/* PSCI CPU_ON target: the stub passed the CPU's index as context id. */
	.global secondary_entry
secondary_entry:
	mov	x19, x0
	bl	set_stack
	mov	x0, x19
	bl	stub_secondary
	b	hang

/* sp = top of the stack of CPU x0; keeps x0 */
set_stack:
	adrp	x1, stub_stacks
	add	x1, x1, :lo12:stub_stacks
	add	x2, x0, #1
	mov	x3, #STUB_STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	ret

hang:
	wfe
	b	hang

/* uint64_t psci_call(fid, a1, a2, a3): QEMU implements PSCI for SMC at EL2 */
	.global psci_call
psci_call:
	smc	#0
	ret

/* enter_el1(entry, x0, stack_top): EL1h, interrupts masked, as booting.rst */
	.global enter_el1
enter_el1:
	mov	sp, x2
	msr	elr_el2, x0
	mov	x0, #0x3c5
	msr	spsr_el2, x0
	mov	x0, x1
	mov	x1, #0
	mov	x2, #0
	mov	x3, #0
	isb
	eret

	.macro	save_frame
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, elr_el2
	stp	x30, x0, [sp, #240]
	mrs	x0, spsr_el2
	str	x0, [sp, #256]
	.endm

	.macro	vector_to handler, kind
	.balign	0x80
	save_frame
	mov	x0, #\kind
	mov	x1, sp
	b	\handler
	.endm

/*
 * Only synchronous exceptions from EL1 (the SMCs the guest makes with
 * HCR_EL2.TSC set) are expected; everything else is reported and stops.
 */
	.balign	0x800
	.global stub_vectors
stub_vectors:
	vector_to bad_entry, 0
	vector_to bad_entry, 1
	vector_to bad_entry, 2
	vector_to bad_entry, 3
	vector_to bad_entry, 4
	vector_to bad_entry, 5
	vector_to bad_entry, 6
	vector_to bad_entry, 7
	vector_to sync_entry, 8
	vector_to bad_entry, 9
	vector_to bad_entry, 10
	vector_to bad_entry, 11
	vector_to bad_entry, 12
	vector_to bad_entry, 13
	vector_to bad_entry, 14
	vector_to bad_entry, 15

bad_entry:
	bl	stub_bad_exception
	b	hang

sync_entry:
	mov	x0, x1
	bl	stub_sync_lower
	ldr	x0, [sp, #256]
	msr	spsr_el2, x0
	ldp	x30, x0, [sp, #240]
	msr	elr_el2, x0
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #FRAME_SIZE
	eret

	.section .bss.stacks, "aw", %nobits
	.balign	16
	.global stub_stacks
stub_stacks:
	.skip	STUB_STACK_SIZE * STUB_MAX_CPUS

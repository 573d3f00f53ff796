/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * EL2 firmware stub: memory map and interfaces between start.S and stub.c.
 * The addresses are a contract with tests/vm (QEMU -device loader, DTB).
 */

#ifndef LFA_STUB_H
#define LFA_STUB_H

#define STUB_BASE		0x40200000	/* where QEMU puts -kernel */
#define STUB_SCENARIO_ADDR	0x40100000	/* NUL-terminated scenario text */
#define STUB_SCENARIO_MAX	0x00100000
#define STUB_KERNEL_ADDR	0x40400000	/* Debian's Image, loaded raw */
#define STUB_RAM_BASE		0x40000000
#define STUB_MAX_CPUS		8
#define STUB_STACK_SIZE		0x4000
#define STUB_UART		0x09000000	/* QEMU virt PL011 */
#define STUB_GICD		0x08000000	/* QEMU virt GIC distributor */
#define STUB_LFA_SPI		100		/* arm,lfa interrupt: SPI 100, edge */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* x0..x30 as saved by the vector code, then ELR_EL2 and SPSR_EL2 */
struct trap_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

void stub_main(uint64_t dtb);
void stub_secondary(uint64_t idx);
void stub_sync_lower(struct trap_frame *f);
void stub_bad_exception(uint64_t kind, struct trap_frame *f);

/* start.S */
uint64_t psci_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
void enter_el1(uint64_t entry, uint64_t x0, uint64_t stack_top) __attribute__((noreturn));
extern char secondary_entry[];
extern char stub_vectors[];
extern char stub_stacks[];
#endif

#endif /* LFA_STUB_H */

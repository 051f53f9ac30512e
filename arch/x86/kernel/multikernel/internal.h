/* SPDX-License-Identifier: GPL-2.0 */
/* Shared inside arch/x86/kernel/multikernel/. */
#ifndef _X86_KERNEL_MULTIKERNEL_INTERNAL_H
#define _X86_KERNEL_MULTIKERNEL_INTERNAL_H

#include <asm/multikernel.h>

/* Partition side */
extern struct mk_boot_info mk_boot_info;
void mk_partition_machine_ops(void);

/* Pages of a partition's memory below 1 MiB: trampoline, then page tables. */
enum { MK_LOW_TRAMPOLINE, MK_LOW_TOP, MK_LOW_P4D, MK_LOW_PUD, MK_LOW_PMD,
	MK_LOW_PAGES = MK_LOW_PMD + 4 };

/* Host side: the real-mode entry copied below 1 MiB (trampoline.S) */
extern const u8 mk_trampoline[];
extern const u8 mk_trampoline_end[];
/* Where taken-back CPUs halt; its last byte is set by each CPU that got there. */
extern const u8 mk_park[];
extern const u8 mk_park_end[];

/**
 * struct mk_trampoline_params - filled in by the host, at the end of the
 * trampoline; the layout matches trampoline.S
 * @cr4: CR4 for long mode (PAE, and LA57 for 5-level paging)
 * @cr3: physical address of the identity page table, below 4 GiB
 * @boot_params: physical address of the partition's struct boot_params
 * @entry: the partition kernel's 64-bit entry point
 * @armed: nonzero until a CPU entered, or the host disarmed it
 * @reserved: zero
 */
struct mk_trampoline_params {
	u32 cr4;
	u32 cr3;
	u64 boot_params;
	u64 entry;
	u8 armed;
	u8 reserved[7];
};

#endif /* _X86_KERNEL_MULTIKERNEL_INTERNAL_H */

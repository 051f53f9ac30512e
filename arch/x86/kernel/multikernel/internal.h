/* SPDX-License-Identifier: GPL-2.0 */
/* Shared inside arch/x86/kernel/multikernel/. */
#ifndef _X86_KERNEL_MULTIKERNEL_INTERNAL_H
#define _X86_KERNEL_MULTIKERNEL_INTERNAL_H

#include <asm/multikernel.h>

/**
 * struct mk_part_boot - a partition's boot information (struct
 * mk_boot_info), decoded and checked
 * @id: the partition's id on its host
 * @nr_cpus: number of entries of @apicids, 1 to MK_MAX_PART_CPUS
 * @console_port: I/O port of its legacy UART, or 0
 * @tsc_khz: TSC frequency, never 0
 * @lapic_timer_hz: local APIC timer ticks per second, or 0
 * @status_pa: the status page, page aligned
 * @wall_ns: the host's CLOCK_REALTIME at the start ...
 * @wall_tsc: ... and the TSC then
 * @apicids: APIC ids of its CPUs, the boot CPU first
 * @ikc_pa: the IKC shared area, page aligned ...
 * @ikc_size: ... and its size, a multiple of the page size
 */
struct mk_part_boot {
	u32 id;
	u32 nr_cpus;
	u32 console_port;
	u64 tsc_khz;
	u64 lapic_timer_hz;
	phys_addr_t status_pa;
	u64 wall_ns;
	u64 wall_tsc;
	u32 apicids[MK_MAX_PART_CPUS];
	phys_addr_t ikc_pa;
	u64 ikc_size;
};

/* Partition side */
extern struct mk_part_boot mk_boot;
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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a host kernel hands to a partition kernel it boots (SETUP_MULTIKERNEL
 * setup_data), and the status page the two share afterwards.
 *
 * The partition trusts the boot information: the host is its firmware.
 * The host trusts nothing it reads back from the status page.
 */
#ifndef _ASM_X86_MULTIKERNEL_H
#define _ASM_X86_MULTIKERNEL_H

#include <linux/sizes.h>
#include <linux/types.h>

#define MK_BOOT_INFO_VERSION	2
#define MK_MAX_PART_CPUS	64
/* Room at the end of a partition's memory for the IKC shared area. */
#define MK_IKC_AREA_SIZE	SZ_1M

/**
 * struct mk_boot_info - payload of the SETUP_MULTIKERNEL setup_data
 * @version: MK_BOOT_INFO_VERSION
 * @id: the partition's id on its host
 * @nr_cpus: number of entries of @apicids
 * @console_port: I/O port of the legacy UART the partition owns, or 0
 * @tsc_khz: TSC frequency, measured by the host
 * @lapic_timer_hz: local APIC timer ticks per second, as the host measured
 *	them, or 0 when the host uses the TSC deadline timer
 * @status_pa: physical address of the struct mk_status page
 * @wall_ns: the host's CLOCK_REALTIME when it started the partition ...
 * @wall_tsc: ... and the TSC at that moment
 * @apicids: APIC ids of the partition's CPUs, the boot CPU first
 * @ikc_pa: physical address of the IKC shared area ...
 * @ikc_size: ... and its size
 */
struct mk_boot_info {
	u32 version;
	u32 id;
	u32 nr_cpus;
	u32 console_port;
	u64 tsc_khz;
	u64 lapic_timer_hz;
	u64 status_pa;
	u64 wall_ns;
	u64 wall_tsc;
	u32 apicids[MK_MAX_PART_CPUS];
	u64 ikc_pa;
	u64 ikc_size;
};

#define MK_STATUS_MAGIC		0x4d4b5354	/* "MKST" */
#define MK_STATUS_VERSION	1

/* mk_status.state, written by the partition */
enum mk_part_state {
	MK_PART_BOOTING = 0,	/* the host cleared the page and started it */
	MK_PART_RUNNING,	/* init is about to run */
	MK_PART_HALTED,		/* powered off or halted by itself */
	MK_PART_CRASHED,	/* panicked; reason says why */
	MK_PART_NR_STATES,
};

/* mk_status.cmd, written by the host */
#define MK_CMD_NONE		0
#define MK_CMD_POWEROFF		1

#define MK_REASON_LEN		128

/**
 * struct mk_status - page shared by a partition and its host
 * @magic: MK_STATUS_MAGIC, written by the partition when it runs
 * @version: MK_STATUS_VERSION
 * @state: enum mk_part_state
 * @cmd: MK_CMD_*, a request from the host
 * @heartbeat: incremented by the partition twice a second
 * @init_tsc: TSC when the partition was about to run init
 * @online_cpus: the partition's count of online CPUs
 * @mem_total_kb: the memory the partition manages, in KiB
 * @reason: why it stopped or crashed, NUL-terminated
 */
struct mk_status {
	u32 magic;
	u32 version;
	u32 state;
	u32 cmd;
	u64 heartbeat;
	u64 init_tsc;
	u32 online_cpus;
	u32 pad;
	u64 mem_total_kb;
	char reason[MK_REASON_LEN];
};

/**
 * struct mk_part_layout - where a partition lives
 * @base: its memory, 2 MiB aligned ...
 * @size: ... and size
 * @low_base: its memory below 1 MiB, for real-mode entry ...
 * @low_size: ... and size
 */
struct mk_part_layout {
	phys_addr_t base;
	phys_addr_t size;
	phys_addr_t low_base;
	phys_addr_t low_size;
};

/**
 * struct mk_part_image - a loaded partition kernel, from mk_arch_load()
 * @entry: its 64-bit entry point
 * @boot_params: its struct boot_params
 * @boot_info: its struct mk_boot_info
 * @status: the struct mk_status page
 * @ikc: the IKC shared area, MK_IKC_AREA_SIZE bytes
 */
struct mk_part_image {
	phys_addr_t entry;
	phys_addr_t boot_params;
	phys_addr_t boot_info;
	phys_addr_t status;
	phys_addr_t ikc;
};

struct cpumask;

int mk_arch_load(const struct mk_part_layout *mem, u32 id,
		 const struct cpumask *cpus, int console,
		 const void *kernel, size_t kernel_len,
		 const void *initrd, size_t initrd_len,
		 const char *cmdline, struct mk_part_image *img);
int mk_arch_start(const struct mk_part_layout *mem,
		  const struct mk_part_image *img, unsigned int boot_cpu);
void mk_arch_take_back_cpus(const struct mk_part_layout *mem,
			    const struct cpumask *cpus, phys_addr_t park);

#ifdef CONFIG_MULTIKERNEL_PARTITION
bool multikernel_is_partition(void);
phys_addr_t multikernel_ikc_area(size_t *size);
void multikernel_partition_setup(u64 pa_data, u32 data_len);
void multikernel_reserve_memory(void);
#else
static inline bool multikernel_is_partition(void) { return false; }
static inline phys_addr_t multikernel_ikc_area(size_t *size) { return 0; }
static inline void multikernel_partition_setup(u64 pa_data, u32 data_len) { }
static inline void multikernel_reserve_memory(void) { }
#endif

/* IKC doorbells between kernels: arch/x86/kernel/multikernel/ikc_ipi.c */
void multikernel_send_ikc_ipi(u32 apicid);
void multikernel_set_ikc_handler(void (*handler)(void));

#endif /* _ASM_X86_MULTIKERNEL_H */

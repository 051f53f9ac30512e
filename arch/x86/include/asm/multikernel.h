/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 side of multikernel partitions: loading and starting a partition
 * kernel, taking its CPUs back, and what a partition kernel learns from
 * its boot information.  The structures the two kernels share are in
 * include/linux/multikernel/.
 */
#ifndef _ASM_X86_MULTIKERNEL_H
#define _ASM_X86_MULTIKERNEL_H

#include <linux/multikernel/boot.h>
#include <linux/multikernel/status.h>
#include <linux/types.h>

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

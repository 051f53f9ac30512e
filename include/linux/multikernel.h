/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multikernel: several Linux kernels side by side on one machine.
 */
#ifndef _LINUX_MULTIKERNEL_H
#define _LINUX_MULTIKERNEL_H

#include <linux/types.h>
#include <uapi/linux/multikernel.h>

struct cpumask;
struct kobject;
struct notifier_block;

/* Events of the multikernel partition notifier chain */
enum mk_partition_event {
	MK_PARTITION_STARTING,	/* about to start: lay out shared memory */
	MK_PARTITION_GONE,	/* stopped or crashed: forget it */
};

/**
 * struct mk_partition_info - a partition, for the notifier chain
 * @id: its id
 * @cpus: its CPUs
 * @mem_base: its memory ...
 * @mem_size: ... and size
 * @ikc_pa: its IKC shared area, inside its memory ...
 * @ikc_size: ... and size
 */
struct mk_partition_info {
	u32 id;
	const struct cpumask *cpus;
	phys_addr_t mem_base;
	phys_addr_t mem_size;
	phys_addr_t ikc_pa;
	size_t ikc_size;
};

#ifdef CONFIG_MULTIKERNEL_PARTITION
int multikernel_register_notifier(struct notifier_block *nb);
#endif

#ifdef CONFIG_MULTIKERNEL
/*
 * /sys/kernel/multikernel/, set up at subsys_initcall time; the parts of
 * the series add their own directories below it.
 */
extern struct kobject *multikernel_kobj;
#endif

#endif /* _LINUX_MULTIKERNEL_H */

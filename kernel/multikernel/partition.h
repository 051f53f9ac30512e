/* SPDX-License-Identifier: GPL-2.0 */
/* Partitions: shared inside kernel/multikernel/. */
#ifndef _KERNEL_MULTIKERNEL_PARTITION_H
#define _KERNEL_MULTIKERNEL_PARTITION_H

#include <linux/sizes.h>
#include <linux/types.h>

#include <asm/multikernel.h>

#define MK_MEM_ALIGN		SZ_2M
/* Slots below 1 MiB, one per partition: at most this many at once. */
#define MK_LOW_SLOTS		4
#define MK_LOW_SLOT_SIZE	SZ_64K
/* The slots, then the page where the host parks CPUs it took back. */
#define MK_LOW_AREA_SIZE	(MK_LOW_SLOTS * MK_LOW_SLOT_SIZE + PAGE_SIZE)

int mk_mem_alloc(struct mk_part_layout *layout, phys_addr_t size);
void mk_mem_free(const struct mk_part_layout *layout);
phys_addr_t mk_mem_park_page(void);
void mk_mem_pool_info(phys_addr_t *base, phys_addr_t *total,
		      phys_addr_t *avail);

#endif /* _KERNEL_MULTIKERNEL_PARTITION_H */

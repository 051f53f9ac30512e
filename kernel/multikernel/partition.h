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

int mk_mem_alloc(struct mk_part_layout *layout, phys_addr_t size);
void mk_mem_free(const struct mk_part_layout *layout);
void mk_mem_pool_info(phys_addr_t *base, phys_addr_t *total,
		      phys_addr_t *avail);

#endif /* _KERNEL_MULTIKERNEL_PARTITION_H */

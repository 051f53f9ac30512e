// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory for partitions: the pool set aside at boot with
 * multikernel_mem=SIZE[@ADDR], the slots below 1 MiB that partition
 * kernels need to start CPUs in real mode, and one page below 1 MiB where
 * the host parks the CPUs it takes back from partitions.
 *
 * Both stay in the host's memory map as reserved memory, so every page of
 * a partition has a struct page and a direct mapping on the host: the
 * host's back ends can build bios over it or map it into a process.
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/genalloc.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sizes.h>

#include <asm/multikernel.h>

#include "partition.h"

static phys_addr_t mk_mem_size __initdata;
static phys_addr_t mk_mem_addr __initdata;

static phys_addr_t mk_pool_base, mk_pool_size;
static phys_addr_t mk_low_base;
static unsigned long mk_low_used;		/* bitmap of slots */
static struct gen_pool *mk_pool;
static DEFINE_MUTEX(mk_mem_lock);

static int __init mk_parse_mem(char *arg)
{
	char *end;

	if (!arg)
		return -EINVAL;
	mk_mem_size = memparse(arg, &end);
	if (*end == '@')
		mk_mem_addr = memparse(end + 1, &end);
	if (*end || !mk_mem_size || !IS_ALIGNED(mk_mem_size, MK_MEM_ALIGN) ||
	    !IS_ALIGNED(mk_mem_addr, MK_MEM_ALIGN)) {
		pr_err("multikernel_mem=%s: want SIZE[@ADDR], multiples of 2M\n",
		       arg);
		mk_mem_size = 0;
		return -EINVAL;
	}
	return 0;
}
early_param("multikernel_mem", mk_parse_mem);

/**
 * multikernel_reserve_memory() - set the partition pool aside
 *
 * Called by setup_arch() once memblock knows the memory, before the real
 * mode trampoline takes its share of the first megabyte.
 */
void __init multikernel_reserve_memory(void)
{
	phys_addr_t low;

	if (!mk_mem_size || multikernel_is_partition())
		return;

	low = memblock_phys_alloc_range(MK_LOW_AREA_SIZE, PAGE_SIZE, SZ_64K,
					SZ_1M);
	if (!low) {
		pr_err("no memory below 1M for partitions: no pool\n");
		return;
	}
	if (mk_mem_addr) {
		if (!memblock_is_region_memory(mk_mem_addr, mk_mem_size) ||
		    memblock_is_region_reserved(mk_mem_addr, mk_mem_size) ||
		    memblock_reserve(mk_mem_addr, mk_mem_size)) {
			pr_err("cannot reserve %pa bytes at %pa: no pool\n",
			       &mk_mem_size, &mk_mem_addr);
			memblock_phys_free(low, MK_LOW_AREA_SIZE);
			return;
		}
		mk_pool_base = mk_mem_addr;
	} else {
		mk_pool_base = memblock_phys_alloc_range(mk_mem_size, MK_MEM_ALIGN,
							 SZ_16M, SZ_4G);
		if (!mk_pool_base) {
			pr_err("cannot reserve %pa bytes below 4G: no pool\n",
			       &mk_mem_size);
			memblock_phys_free(low, MK_LOW_AREA_SIZE);
			return;
		}
	}
	mk_pool_size = mk_mem_size;
	mk_low_base = low;
	pr_info("partition pool: %pa bytes at %pa; low slots at %pa\n",
		&mk_pool_size, &mk_pool_base, &mk_low_base);
}

static int __init mk_pool_init(void)
{
	if (!mk_pool_size)
		return 0;
	mk_pool = gen_pool_create(ilog2(MK_MEM_ALIGN), NUMA_NO_NODE);
	if (!mk_pool || gen_pool_add(mk_pool, mk_pool_base, mk_pool_size,
				     NUMA_NO_NODE)) {
		pr_err("cannot set up the partition pool\n");
		if (mk_pool)
			gen_pool_destroy(mk_pool);
		mk_pool = NULL;
	}
	return 0;
}
core_initcall(mk_pool_init);

/**
 * mk_mem_alloc() - give a partition its memory
 * @layout: out: its memory and low slot
 * @size: bytes, a multiple of MK_MEM_ALIGN
 *
 * Return: 0, -ENODEV without a pool, -ENOMEM when the pool has no
 * contiguous @size bytes free, -ENOSPC when every low slot is taken.
 */
int mk_mem_alloc(struct mk_part_layout *layout, phys_addr_t size)
{
	unsigned long slot;
	phys_addr_t base;

	if (!mk_pool)
		return -ENODEV;
	guard(mutex)(&mk_mem_lock);
	slot = find_first_zero_bit(&mk_low_used, MK_LOW_SLOTS);
	if (slot >= MK_LOW_SLOTS)
		return -ENOSPC;
	base = gen_pool_alloc(mk_pool, size);
	if (!base)
		return -ENOMEM;
	__set_bit(slot, &mk_low_used);
	layout->base = base;
	layout->size = size;
	layout->low_base = mk_low_base + slot * MK_LOW_SLOT_SIZE;
	layout->low_size = MK_LOW_SLOT_SIZE;
	return 0;
}

/**
 * mk_mem_free() - scrub a partition's memory and return it to the pool
 * @layout: what mk_mem_alloc() gave
 *
 * The next partition sees zeroes, not what this one left behind.
 */
void mk_mem_free(const struct mk_part_layout *layout)
{
	phys_addr_t off;

	for (off = 0; off < layout->size; off += MK_MEM_ALIGN) {
		memset(phys_to_virt(layout->base + off), 0, MK_MEM_ALIGN);
		cond_resched();
	}
	memset(phys_to_virt(layout->low_base), 0, layout->low_size);

	guard(mutex)(&mk_mem_lock);
	gen_pool_free(mk_pool, layout->base, layout->size);
	__clear_bit((layout->low_base - mk_low_base) / MK_LOW_SLOT_SIZE,
		    &mk_low_used);
}

/**
 * mk_mem_park_page() - the page below 1 MiB where taken-back CPUs wait
 *
 * Return: its physical address; valid whenever a partition exists.
 */
phys_addr_t mk_mem_park_page(void)
{
	return mk_low_base + MK_LOW_SLOTS * MK_LOW_SLOT_SIZE;
}

/* For sysfs: the pool's size and what is free of it. */
void mk_mem_pool_info(phys_addr_t *base, phys_addr_t *total,
		      phys_addr_t *avail)
{
	*base = mk_pool_base;
	*total = mk_pool ? mk_pool_size : 0;
	*avail = mk_pool ? gen_pool_avail(mk_pool) : 0;
}

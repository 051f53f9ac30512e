// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IKC shared area: its owner (the host, or loopback end A) lays it
 * out; the other side checks it before it believes a word of it.
 */

#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/**
 * ikc_area_init() - lay out a new shared area
 * @area: the area, IKC_AREA_SIZE bytes
 * @slots: what each slot is for
 * @nr_slots: how many, at most IKC_MAX_SLOTS
 *
 * Every ring starts empty and asking for doorbells.
 */
void ikc_area_init(struct ikc_area_hdr *area, const struct ikc_slot_desc *slots,
		   unsigned int nr_slots)
{
	unsigned int i;

	memset(area, 0, IKC_AREA_SIZE);
	area->magic = cpu_to_le32(IKC_AREA_MAGIC);
	area->version = cpu_to_le32(IKC_AREA_VERSION);
	area->size = cpu_to_le32(IKC_AREA_SIZE);
	area->nr_slots = cpu_to_le32(nr_slots);
	memcpy(area->slots, slots, nr_slots * sizeof(*slots));
	for (i = 0; i < nr_slots; i++) {
		struct ikc_slot_hdr *sh = (void *)area + IKC_SLOT_OFFSET(i);

		sh->ring[IKC_DIR_TO_PEER].want_notify = cpu_to_le32(1);
		sh->ring[IKC_DIR_TO_OWNER].want_notify = cpu_to_le32(1);
	}
}

/**
 * ikc_area_check() - check an area laid out by the other side
 * @area: the area
 * @size: the bytes this kernel has of it
 *
 * Return: the number of slots, or -EPROTO when the header is not one this
 * kernel understands.  Slot descriptors are checked one by one when their
 * devices are made.
 */
int ikc_area_check(struct ikc_area_hdr *area, size_t size)
{
	u32 nr;

	if (ikc_shm_read(&area->magic) != IKC_AREA_MAGIC ||
	    ikc_shm_read(&area->version) != IKC_AREA_VERSION ||
	    ikc_shm_read(&area->size) != IKC_AREA_SIZE || size < IKC_AREA_SIZE)
		return -EPROTO;
	nr = ikc_shm_read(&area->nr_slots);
	if (nr > IKC_MAX_SLOTS)
		return -EPROTO;
	return nr;
}

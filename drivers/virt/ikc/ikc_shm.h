/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IKC shared area: its layout is the contract between two kernels,
 * which may be different builds.  Sizes and offsets never change within a
 * version; fields are little-endian x86 words written with WRITE_ONCE and
 * read with READ_ONCE.  Only offsets and indices are stored, never
 * pointers, and each side checks every value the other wrote before use.
 *
 *   page 0           struct ikc_area_hdr: magic, states, doorbells, slots
 *   slot n           at IKC_SLOT_OFFSET(n), IKC_SLOT_SIZE bytes:
 *     +0             struct ikc_ring_shm for each direction, pool bitmap
 *     +4 KiB         ring "to the peer" (written by the area's owner)
 *     +8 KiB         ring "to the owner"
 *     +12 KiB        payload pool, IKC_POOL_BLOCKS blocks
 *
 * The owner is the host (or loopback end A), which lays the area out; the
 * peer is the partition (or end B).
 */
#ifndef _DRIVERS_VIRT_IKC_SHM_H
#define _DRIVERS_VIRT_IKC_SHM_H

#include <linux/ikc.h>
#include <linux/sizes.h>
#include <linux/types.h>

#define IKC_AREA_MAGIC		0x41434b49	/* "IKCA" */
#define IKC_AREA_VERSION	1
#define IKC_MAX_SLOTS		16
#define IKC_RING_ENTRIES	64	/* a power of two */
#define IKC_MSG_SIZE		64

#define IKC_SLOT_SIZE		SZ_32K
#define IKC_SLOT_RING_OFF(dir)	(SZ_4K + (dir) * SZ_4K)
#define IKC_SLOT_POOL_OFF	(3 * SZ_4K)
#define IKC_SLOT_OFFSET(n)	(SZ_4K + (n) * IKC_SLOT_SIZE)
#define IKC_AREA_SIZE		IKC_SLOT_OFFSET(IKC_MAX_SLOTS)

/* Ring directions, as seen from the owner. */
#define IKC_DIR_TO_PEER		0
#define IKC_DIR_TO_OWNER	1

/* ikc_area_hdr.*_state */
#define IKC_SIDE_DOWN		0
#define IKC_SIDE_UP		1

/* ikc_slot_desc.flags */
#define IKC_SLOT_OFFERED_BY_PEER	0x1

/**
 * struct ikc_msg - a message in a ring
 * @type: service-defined
 * @flags: IKC_MSG_*
 * @len: payload bytes
 * @tag: service-defined
 * @block: first pool block of the payload, with IKC_MSG_POOL
 * @nr_blocks: pool blocks it uses, with IKC_MSG_POOL
 * @data: the payload when it fits here
 */
struct ikc_msg {
	__u16 type;
	__u16 flags;
	__u32 len;
	__u32 tag;
	__u16 block;
	__u16 nr_blocks;
	__u8 data[IKC_MSG_INLINE];
};

/**
 * struct ikc_ring_shm - one direction's indices
 * @prod: messages produced, free running; written by the producer only
 * @cons: messages consumed, free running; written by the consumer only
 * @want_notify: the consumer sleeps: send a doorbell after producing
 * @notify_apicid: the consumer's CPU that takes the doorbell
 *
 * Producer and consumer fields sit on their own cache lines.
 */
struct ikc_ring_shm {
	__u32 prod;
	__u32 pad0[15];
	__u32 cons;
	__u32 want_notify;
	__u32 notify_apicid;
	__u32 pad1[13];
};

/**
 * struct ikc_slot_desc - what a slot is for, written by the owner
 * @service: IKC_SVC_*, 0 for an unused slot
 * @flags: IKC_SLOT_*
 * @arg: service argument
 * @reserved: zero
 */
struct ikc_slot_desc {
	__u32 service;
	__u32 flags;
	__u32 arg;
	__u32 reserved;
};

/**
 * struct ikc_area_hdr - page 0 of the area
 * @magic: IKC_AREA_MAGIC
 * @version: IKC_AREA_VERSION
 * @size: IKC_AREA_SIZE
 * @nr_slots: slots in use, at most IKC_MAX_SLOTS
 * @owner_state: IKC_SIDE_*, written by the owner
 * @peer_state: IKC_SIDE_*, written by the peer
 * @owner_doorbell: slots with news for the owner, a bit each; set by the
 *	peer before it interrupts the owner, cleared by the owner
 * @peer_doorbell: the same for the peer
 * @owner_apicid: the owner's CPU for doorbells that name no channel
 * @peer_apicid: the peer's, written by the peer
 * @reserved: zero
 * @slots: the slots' descriptors
 */
struct ikc_area_hdr {
	__u32 magic;
	__u32 version;
	__u32 size;
	__u32 nr_slots;
	__u32 owner_state;
	__u32 peer_state;
	__u64 owner_doorbell;
	__u64 peer_doorbell;
	__u32 owner_apicid;
	__u32 peer_apicid;
	__u32 reserved[4];
	struct ikc_slot_desc slots[IKC_MAX_SLOTS];
};

/* The pool's bitmap follows the two ring headers in a slot. */
struct ikc_slot_hdr {
	struct ikc_ring_shm ring[2];
	unsigned long pool_map[IKC_POOL_BLOCKS / BITS_PER_LONG];
};

static_assert(sizeof(struct ikc_msg) == IKC_MSG_SIZE);
static_assert(IKC_RING_ENTRIES * IKC_MSG_SIZE <= SZ_4K);
static_assert(IKC_SLOT_POOL_OFF + IKC_POOL_BLOCKS * IKC_POOL_BLOCK_SIZE <=
	      IKC_SLOT_SIZE);
static_assert(sizeof(struct ikc_slot_hdr) <= SZ_4K);
static_assert(sizeof(struct ikc_area_hdr) <= SZ_4K);
static_assert(IKC_MAX_SLOTS <= 31);
static_assert(offsetof(struct ikc_area_hdr, owner_doorbell) % 8 == 0);

#endif /* _DRIVERS_VIRT_IKC_SHM_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inter-kernel ABI: the IKC shared area, through which two kernels (a
 * partition and its host, or the two ends of a loopback) exchange
 * messages.  Two kernels of different builds must agree on every byte.
 *
 * Little endian, fixed width, no pointers: only offsets and indices are
 * stored, and each side checks every value the other wrote before use.
 * Fields that both sides change at run time are read with READ_ONCE() and
 * written with WRITE_ONCE() or atomic bit operations.  See
 * Documentation/driver-api/multikernel-abi.rst for the versioning rule
 * and kernel/multikernel/abi_layout.c for the layout checks.
 *
 *   page 0           struct ikc_area_hdr: magic, states, doorbells, slots
 *   slot n           at IKC_SLOT_OFFSET(n), IKC_SLOT_SIZE bytes:
 *     +0             struct ikc_slot_hdr: each direction's indices, the
 *                    pool bitmap
 *     +4 KiB         ring "to the peer" (written by the area's owner)
 *     +8 KiB         ring "to the owner"
 *     +12 KiB        payload pool, IKC_POOL_BLOCKS blocks
 *
 * The owner is the host (or loopback end A), which lays the area out; the
 * peer is the partition (or end B).
 */
#ifndef _LINUX_MULTIKERNEL_IKC_AREA_H
#define _LINUX_MULTIKERNEL_IKC_AREA_H

#include <linux/sizes.h>
#include <linux/types.h>

#define IKC_AREA_MAGIC		0x41434b49	/* "IKCA" */
#define IKC_AREA_VERSION	2
#define IKC_MAX_SLOTS		16
#define IKC_RING_ENTRIES	64	/* a power of two */

/*
 * The services, what a channel is for: the number a slot carries.  Never
 * change or reuse one.  Each has its name and traits in ikc_services[]
 * (drivers/virt/ikc/services.c), checked against this list.
 */
enum ikc_service_id {
	IKC_SVC_ECHO = 1,	/* "echo": the server sends every message back */
	IKC_SVC_VIRTIO = 2,	/* "virtio:ID": a virtio device of that id */
	IKC_SVC_DELEG = 3,	/* "deleg": system calls a partition delegates */
	IKC_SVC_NR		/* one past the last */
};

#define IKC_MSG_SIZE		64	/* a message in a ring */
#define IKC_MSG_INLINE		48	/* payload bytes carried in a message */
#define IKC_POOL_BLOCK_SIZE	256	/* payload pool granule */
#define IKC_POOL_BLOCKS		64	/* blocks per channel */
/* The largest payload one message can carry through the pool. */
#define IKC_MSG_MAX		(IKC_POOL_BLOCK_SIZE * 16)

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

/* Doorbell bit that means "my state changed", beside the slots' bits. */
#define IKC_DOORBELL_STATE	31

/* ikc_slot_desc.flags */
#define IKC_SLOT_OFFERED_BY_PEER	0x1

/* ikc_msg.flags */
#define IKC_MSG_POOL		0x1	/* the payload is in pool blocks */
#define IKC_MSG_PAGES		0x2	/* the payload is a list of page refs */

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
	__le16 type;
	__le16 flags;
	__le32 len;
	__le32 tag;
	__le16 block;
	__le16 nr_blocks;
	__u8 data[IKC_MSG_INLINE];
};

/**
 * struct ikc_page_ref - a physical range passed by page transfer, the
 *	payload of an IKC_MSG_PAGES message
 * @pa: physical address, in memory the receiver may reach
 * @len: length; the range must not cross a page
 * @reserved: zero
 */
struct ikc_page_ref {
	__le64 pa;
	__le32 len;
	__le32 reserved;
};

/**
 * struct ikc_ring_shm - one direction's indices
 * @prod: messages produced, free running; written by the producer only
 * @pad0: keeps @prod on a cache line of its own
 * @cons: messages consumed, free running; written by the consumer only
 * @want_notify: the consumer sleeps: send a doorbell after producing
 * @notify_apicid: the consumer's CPU that takes the doorbell
 * @want_room: the producer found the ring or the pool full: the consumer
 *	clears this and rings the producer's doorbell after it takes a
 *	message; set by the producer, cleared by the consumer (atomically)
 * @pad1: to the end of the cache line
 */
struct ikc_ring_shm {
	__le32 prod;
	__le32 pad0[15];
	__le32 cons;
	__le32 want_notify;
	__le32 notify_apicid;
	__le32 want_room;
	__le32 pad1[12];
};

/**
 * struct ikc_slot_desc - what a slot is for, written by the owner
 * @service: enum ikc_service_id, 0 for an unused slot
 * @flags: IKC_SLOT_*
 * @arg: service argument
 * @reserved: zero
 */
struct ikc_slot_desc {
	__le32 service;
	__le32 flags;
	__le32 arg;
	__le32 reserved;
};

/**
 * struct ikc_area_hdr - page 0 of the area
 * @magic: IKC_AREA_MAGIC
 * @version: IKC_AREA_VERSION
 * @size: IKC_AREA_SIZE
 * @nr_slots: slots in use, at most IKC_MAX_SLOTS
 * @owner_state: IKC_SIDE_*, written by the owner
 * @peer_state: IKC_SIDE_*, written by the peer
 * @owner_doorbell: slots with news for the owner, a bit each, and
 *	IKC_DOORBELL_STATE; set by the peer before it interrupts the owner,
 *	cleared by the owner
 * @peer_doorbell: the same for the peer
 * @owner_apicid: the owner's CPU for doorbells that name no channel
 * @peer_apicid: the peer's, written by the peer
 * @reserved: zero
 * @slots: the slots' descriptors
 */
struct ikc_area_hdr {
	__le32 magic;
	__le32 version;
	__le32 size;
	__le32 nr_slots;
	__le32 owner_state;
	__le32 peer_state;
	__le64 owner_doorbell;
	__le64 peer_doorbell;
	__le32 owner_apicid;
	__le32 peer_apicid;
	__le32 reserved[4];
	struct ikc_slot_desc slots[IKC_MAX_SLOTS];
};

/**
 * struct ikc_slot_hdr - the start of a slot
 * @ring: the indices of each direction, IKC_DIR_*
 * @pool_map: pool blocks in use, little-endian bit order (the *_bit_le
 *	operations); either side sets a block's bit to claim it, the
 *	receiver clears it when done
 */
struct ikc_slot_hdr {
	struct ikc_ring_shm ring[2];
	__le64 pool_map[IKC_POOL_BLOCKS / 64];
};

#endif /* _LINUX_MULTIKERNEL_IKC_AREA_H */

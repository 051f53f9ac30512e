// SPDX-License-Identifier: GPL-2.0-only
/*
 * IKC rings: single-producer, single-consumer rings of fixed-size
 * messages in memory shared with another kernel.  Indices run free (u32)
 * and are masked on use.  The producer publishes its index with release
 * semantics after writing the message; the consumer copies a message out
 * before it publishes its own index, so the producer never overwrites a
 * message being read and the consumer never reads a message twice.
 *
 * The other kernel may write anything into the shared indices: an
 * index that claims more than IKC_RING_ENTRIES messages is refused with
 * -EPROTO, and messages are checked by ikc_msg_check() before use.
 */

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "internal.h"

#define IKC_RING_MASK	(IKC_RING_ENTRIES - 1)

/**
 * ikc_ring_init_producer() - take the producing end of a ring
 * @r: our view
 * @shm: the shared indices
 * @msgs: the messages
 *
 * Starts from the index the producer last published, which is the
 * producer's own field: zero for a new area.
 */
void ikc_ring_init_producer(struct ikc_ring *r, struct ikc_ring_shm *shm,
			    struct ikc_msg *msgs)
{
	r->shm = shm;
	r->msgs = msgs;
	r->prod = ikc_shm_read(&shm->prod);
	r->cons = 0;
}

/**
 * ikc_ring_init_consumer() - take the consuming end of a ring
 * @r: our view
 * @shm: the shared indices
 * @msgs: the messages
 */
void ikc_ring_init_consumer(struct ikc_ring *r, struct ikc_ring_shm *shm,
			    struct ikc_msg *msgs)
{
	r->shm = shm;
	r->msgs = msgs;
	r->prod = 0;
	r->cons = ikc_shm_read(&shm->cons);
}

/**
 * ikc_ring_room() - how many messages a ring has room for
 * @r: the producer's view
 *
 * Return: the count, or -EPROTO when the consumer's published index is
 * impossible.
 */
int ikc_ring_room(struct ikc_ring *r)
{
	u32 used = r->prod - ikc_shm_read(&r->shm->cons);

	if (used > IKC_RING_ENTRIES)
		return -EPROTO;
	return IKC_RING_ENTRIES - used;
}

/**
 * ikc_ring_produce() - put a message into a ring
 * @r: the producer's view
 * @msg: the message
 *
 * Return: 0; -EAGAIN when the ring is full; -EPROTO when the consumer's
 * published index is impossible.
 */
int ikc_ring_produce(struct ikc_ring *r, const struct ikc_msg *msg)
{
	int room = ikc_ring_room(r);

	if (room < 0)
		return room;
	if (!room)
		return -EAGAIN;
	/*
	 * The consumer's index is read before the slot is overwritten: it
	 * must have finished copying the old message out.
	 */
	smp_mb();
	memcpy(&r->msgs[r->prod & IKC_RING_MASK], msg, sizeof(*msg));
	r->prod++;
	/* The message is written before the consumer can see its index. */
	smp_store_release(&r->shm->prod, cpu_to_le32(r->prod));
	return 0;
}

/**
 * ikc_ring_pending() - how many messages wait in a ring
 * @r: the consumer's view
 *
 * Return: the count, or -EPROTO when the producer's index is impossible.
 */
int ikc_ring_pending(struct ikc_ring *r)
{
	/* Pairs with the release in ikc_ring_produce(): messages are there. */
	u32 avail = le32_to_cpu(smp_load_acquire(&r->shm->prod)) - r->cons;

	if (avail > IKC_RING_ENTRIES)
		return -EPROTO;
	return avail;
}

/**
 * ikc_ring_consume() - take the oldest message out of a ring
 * @r: the consumer's view
 * @msg: out: a private copy of the message, not yet checked
 *
 * Return: 0; -EAGAIN when the ring is empty; -EPROTO when the producer's
 * index is impossible.
 */
int ikc_ring_consume(struct ikc_ring *r, struct ikc_msg *msg)
{
	int avail = ikc_ring_pending(r);

	if (avail < 0)
		return avail;
	if (!avail)
		return -EAGAIN;
	memcpy(msg, &r->msgs[r->cons & IKC_RING_MASK], sizeof(*msg));
	r->cons++;
	/* The copy is complete before the producer may reuse the slot. */
	smp_store_release(&r->shm->cons, cpu_to_le32(r->cons));
	return 0;
}

/**
 * ikc_ring_needs_notify() - whether the consumer asked for a doorbell
 * @r: the producer's view, after ikc_ring_produce()
 *
 * Pairs with ikc_ring_arm(): either the consumer sees the new message
 * when it re-checks after arming, or we see the request here.
 */
bool ikc_ring_needs_notify(struct ikc_ring *r)
{
	/* Our index is published before we look at the consumer's request. */
	smp_mb();
	return ikc_shm_read(&r->shm->want_notify);
}

/**
 * ikc_ring_arm() - ask for doorbells, or say we are polling
 * @r: the consumer's view
 * @want_notify: true before sleeping; the caller re-checks the ring after
 */
void ikc_ring_arm(struct ikc_ring *r, bool want_notify)
{
	ikc_shm_write(&r->shm->want_notify, want_notify);
	/* The request is visible before the caller looks at the ring again. */
	smp_mb();
}

/**
 * ikc_ring_want_room() - ask the consumer for a doorbell once it takes a
 *	message
 * @r: the producer's view, after ikc_ring_produce() found no room (or
 *	the pool none)
 *
 * Pairs with ikc_ring_room_wanted(): either the consumer sees the request
 * after its next take, or the producer's next attempt, which the caller
 * makes after this, sees the room.
 */
void ikc_ring_want_room(struct ikc_ring *r)
{
	ikc_shm_write(&r->shm->want_room, 1);
	/* The request is visible before the caller looks at the ring again. */
	smp_mb();
}

/**
 * ikc_ring_room_wanted() - did the producer ask to hear of room?
 * @r: the consumer's view, after it took messages and freed their pool
 *	blocks
 *
 * Return: true once per request: ring the producer's doorbell.
 */
bool ikc_ring_room_wanted(struct ikc_ring *r)
{
	/* Our index is published before we look at the producer's request. */
	smp_mb();
	if (!ikc_shm_read(&r->shm->want_room))
		return false;
	/* The producer may set it again at any time: take it atomically. */
	return xchg((__force u32 *)&r->shm->want_room, 0) != 0;
}

/**
 * ikc_msg_check() - check a message copied out of a ring
 * @msg: the private copy
 *
 * Return: 0 when its flags, length and pool blocks are within bounds,
 * else -EPROTO.
 */
int ikc_msg_check(const struct ikc_msg *msg)
{
	u32 flags = le16_to_cpu(msg->flags), len = le32_to_cpu(msg->len);
	u32 block = le16_to_cpu(msg->block), nr = le16_to_cpu(msg->nr_blocks);

	if (flags & ~(IKC_MSG_POOL | IKC_MSG_PAGES))
		return -EPROTO;
	if (len > IKC_MSG_MAX)
		return -EPROTO;
	if (flags & IKC_MSG_PAGES && (!len || len % sizeof(struct ikc_page_ref)))
		return -EPROTO;
	if (!(flags & IKC_MSG_POOL))
		return len <= IKC_MSG_INLINE ? 0 : -EPROTO;
	if (!nr || block >= IKC_POOL_BLOCKS || nr > IKC_POOL_BLOCKS - block ||
	    len > nr * IKC_POOL_BLOCK_SIZE)
		return -EPROTO;
	return 0;
}

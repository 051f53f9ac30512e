// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection for tests (CONFIG_IKC_FAULT_INJECTION): write into a
 * channel's shared memory what a broken or hostile peer could write, in
 * the fields only the peer writes, then let this kernel read it.
 *
 *   rx_prod    the peer's producer index claims more than a full ring
 *   tx_cons    the peer's consumer index is ahead of what we produced
 *   bad_len    a message whose inline length is too long
 *   bad_pool   a message whose pool blocks run past the pool
 *   bad_flags  a message with unknown flags
 *   doorbell   a doorbell for a slot that does not exist
 *
 * Each must be refused and counted, and must never crash the reader.
 */

#include <linux/device.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "internal.h"

/* Put @msg in our rx ring as the peer would, and publish it. */
static void ikc_inject_msg(struct ikc_channel *ch, const struct ikc_msg *msg)
{
	u32 prod = ikc_shm_read(&ch->rx.shm->prod);

	memcpy(&ch->rx.msgs[prod & (IKC_RING_ENTRIES - 1)], msg, sizeof(*msg));
	/* As a producer publishes: the message before its index. */
	smp_store_release(&ch->rx.shm->prod, cpu_to_le32(prod + 1));
}

static ssize_t inject_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct ikc_channel *ch = to_ikc_device(dev)->chan;
	struct ikc_peer *peer = ch->peer;
	struct ikc_msg msg = { .type = cpu_to_le16(1) };
	__le64 *bell;

	if (!READ_ONCE(peer->up))
		return -ENOTCONN;
	if (sysfs_streq(buf, "rx_prod")) {
		ikc_shm_write(&ch->rx.shm->prod, ch->rx.cons + IKC_RING_ENTRIES + 5);
	} else if (sysfs_streq(buf, "tx_cons")) {
		ikc_shm_write(&ch->tx.shm->cons, ch->tx.prod + 1000);
	} else if (sysfs_streq(buf, "bad_len")) {
		msg.len = cpu_to_le32(IKC_MSG_INLINE + 1);
		ikc_inject_msg(ch, &msg);
	} else if (sysfs_streq(buf, "bad_pool")) {
		msg.flags = cpu_to_le16(IKC_MSG_POOL);
		msg.len = cpu_to_le32(10 * IKC_POOL_BLOCK_SIZE);
		msg.block = cpu_to_le16(IKC_POOL_BLOCKS - 5);
		msg.nr_blocks = cpu_to_le16(10);
		ikc_inject_msg(ch, &msg);
	} else if (sysfs_streq(buf, "bad_flags")) {
		msg.flags = cpu_to_le16(0x80);
		ikc_inject_msg(ch, &msg);
	} else if (sysfs_streq(buf, "doorbell")) {
		bell = peer->owner ? &peer->area->owner_doorbell :
				     &peer->area->peer_doorbell;
		set_bit_le(IKC_MAX_SLOTS + 3, bell);
		local_irq_disable();
		ikc_peer_doorbell(peer);
		local_irq_enable();
		return count;
	} else {
		return -EINVAL;
	}
	/* As the peer would: ring our doorbell. */
	ikc_channel_kick_rx(ch);
	return count;
}
static DEVICE_ATTR_WO(inject);

static struct attribute *ikc_inject_attrs[] = {
	&dev_attr_inject.attr,
	NULL
};

const struct attribute_group ikc_inject_group = {
	.attrs = ikc_inject_attrs,
};

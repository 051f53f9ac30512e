// SPDX-License-Identifier: GPL-2.0-only
/*
 * IKC channels: a slot of the shared area as this kernel uses it.  Small
 * payloads travel inside the message; larger ones in blocks of the slot's
 * pool, which the sender allocates and the receiver frees once it has
 * copied them out (the pool's bitmap is shared and changed with atomic
 * bit operations, so either kernel may free).  Page transfer sends a list
 * of physical ranges instead, which the receiver maps only after checking
 * that they are memory of the sender it may reach.
 *
 * A consumer that sleeps arms its ring; the producer rings the doorbell
 * (the peer's bit in the area, then an IPI to the CPU the consumer named)
 * only then, and counts the doorbells it could skip.  The other way
 * round, a producer that finds the ring or the pool full asks for a
 * doorbell (want_room), which the consumer rings once it has taken a
 * message: a full ring resumes at the peer's pace, never a timer's.
 */

#define pr_fmt(fmt) "ikc: " fmt

#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

static unsigned int ikc_nr_blocks(size_t len)
{
	return DIV_ROUND_UP(len, IKC_POOL_BLOCK_SIZE);
}

/* Claim @nr contiguous pool blocks; tx_lock held.  Return the first. */
static int ikc_pool_alloc(struct ikc_channel *ch, unsigned int nr)
{
	__le64 *map = ch->hdr->pool_map;
	unsigned int start, i;

	for (start = 0; start + nr <= IKC_POOL_BLOCKS; start++) {
		for (i = 0; i < nr; i++)
			if (test_and_set_bit_le(start + i, map))
				break;
		if (i == nr)
			return start;
		/* Give back what we took; the other side may hold the rest. */
		while (i--)
			clear_bit_le(start + i, map);
	}
	return -EAGAIN;
}

static void ikc_pool_free(struct ikc_channel *ch, unsigned int first,
			  unsigned int nr)
{
	while (nr--)
		clear_bit_le(first + nr, ch->hdr->pool_map);
}

static bool ikc_usable(struct ikc_channel *ch)
{
	return READ_ONCE(ch->peer->up) && !READ_ONCE(ch->broken);
}

static int ikc_unusable_errno(struct ikc_channel *ch)
{
	return READ_ONCE(ch->broken) ? -EPROTO : -ENOTCONN;
}

/* The other side wrote nonsense: count it and stop using the channel. */
static void ikc_channel_break(struct ikc_channel *ch, const char *what)
{
	atomic64_inc(&ch->st.errors);
	if (!xchg(&ch->broken, true))
		dev_err_ratelimited(&ch->idev->dev, "peer wrote %s: channel stopped\n",
				    what);
	wake_up_all(&ch->wq);
	wake_up_all(&ch->room_wq);
}

/* Ring the other side's doorbell for this channel. */
static void ikc_ring_bell(struct ikc_channel *ch)
{
	struct ikc_peer *peer = ch->peer;
	__le64 *bell = peer->owner ? &peer->area->peer_doorbell :
				     &peer->area->owner_doorbell;

	set_bit_le(ch->slot, bell);
	peer->ops->notify(peer, ikc_shm_read(&ch->tx.shm->notify_apicid));
}

/* Ring the other side's doorbell if it asked for one; tx_lock held. */
static void ikc_notify(struct ikc_channel *ch)
{
	if (!ikc_ring_needs_notify(&ch->tx)) {
		atomic64_inc(&ch->st.notify_suppressed);
		return;
	}
	ikc_ring_bell(ch);
	atomic64_inc(&ch->st.notify_sent);
}

/* Room may have come in the tx ring or the pool: wake who waits for it. */
static void ikc_room_event(struct ikc_channel *ch)
{
	atomic_inc(&ch->room_seq);
	if (wq_has_sleeper(&ch->room_wq))
		wake_up_all(&ch->room_wq);
}

static bool ikc_room_came(struct ikc_channel *ch, int seq)
{
	return atomic_read(&ch->room_seq) != seq || !ikc_usable(ch);
}

/* The send found no room: the peer rings once it takes a message. */
static void ikc_want_room(struct ikc_channel *ch)
{
	atomic64_inc(&ch->st.room_waits);
	ikc_ring_want_room(&ch->tx);
}

/* The event of @key sent last is still in the ring; tx_lock held. */
static bool ikc_event_unread(struct ikc_channel *ch, int key)
{
	u32 pos = ch->event_pos[key];

	if (!pos)
		return false;
	/* What the caller changed is visible before we look (ikc_recv()). */
	smp_mb();
	return (s32)(pos - ikc_shm_read(&ch->tx.shm->cons)) > 0;
}

static int __ikc_send(struct ikc_device *idev, struct ikc_msg *msg,
		      const void *data, size_t len, int key)
{
	struct ikc_channel *ch = idev->chan;
	unsigned long flags;
	int first = 0, ret;

	if (len > IKC_MSG_MAX)
		return -EMSGSIZE;
	msg->len = cpu_to_le32(len);

	spin_lock_irqsave(&ch->tx_lock, flags);
	if (!ikc_usable(ch)) {
		ret = ikc_unusable_errno(ch);
		goto out;
	}
	if (key >= 0 && ikc_event_unread(ch, key)) {
		atomic64_inc(&ch->st.events_merged);
		ret = 0;
		goto out;
	}
	if (len > IKC_MSG_INLINE) {
		first = ikc_pool_alloc(ch, ikc_nr_blocks(len));
		if (first < 0) {
			ret = first;
			atomic64_inc(&ch->st.full);
			goto out;
		}
		msg->flags |= cpu_to_le16(IKC_MSG_POOL);
		msg->block = cpu_to_le16(first);
		msg->nr_blocks = cpu_to_le16(ikc_nr_blocks(len));
		memcpy(ch->pool + first * IKC_POOL_BLOCK_SIZE, data, len);
	} else {
		memcpy(msg->data, data, len);
	}
	ret = ikc_ring_produce(&ch->tx, msg);
	if (ret) {
		if (len > IKC_MSG_INLINE)
			ikc_pool_free(ch, first, ikc_nr_blocks(len));
		if (ret == -EAGAIN)
			atomic64_inc(&ch->st.full);
		else
			ikc_channel_break(ch, "an impossible consumer index");
		goto out;
	}
	if (key >= 0)
		ch->event_pos[key] = ch->tx.prod;
	atomic64_inc(&ch->st.msgs_tx);
	atomic64_add(len, &ch->st.bytes_tx);
	ikc_notify(ch);
out:
	spin_unlock_irqrestore(&ch->tx_lock, flags);
	return ret;
}

/**
 * ikc_send() - send a message on a channel
 * @idev: the channel
 * @type: service-defined type
 * @tag: service-defined value, given back to the receiver
 * @data: the payload ...
 * @len: ... and its length, at most IKC_MSG_MAX
 *
 * Does not sleep; may be called with interrupts off, from any context but
 * NMI.  Several CPUs may send on one channel at once.
 *
 * Return: 0; -EAGAIN when the ring or the pool is full; -EMSGSIZE;
 * -ENOTCONN when the peer is not up; -EPROTO when the channel is broken.
 */
int ikc_send(struct ikc_device *idev, u16 type, u32 tag,
	     const void *data, size_t len)
{
	struct ikc_msg msg = { .type = cpu_to_le16(type), .tag = cpu_to_le32(tag) };

	return __ikc_send(idev, &msg, data, len, -1);
}
EXPORT_SYMBOL_GPL(ikc_send);

/**
 * ikc_send_event() - send a message that only says "look again"
 * @idev: the channel
 * @key: which kind of event, below IKC_EVENT_KEYS
 * @type: service-defined type
 * @tag: service-defined value
 * @data: the payload ...
 * @len: ... and its length
 *
 * For messages whose meaning is "state in shared memory changed" (a
 * virtio kick or used-buffer notification): while the last one of the
 * same @key is still unread, the new one is merged into it, since the
 * peer looks at the state only after it has taken the message (see
 * ikc_recv()), the new change included.  So a slow peer finds at most one
 * such message per key waiting, not a ring full of them.  Context and
 * locking as ikc_send().
 *
 * Return: as ikc_send(); 0 also when merged.
 */
int ikc_send_event(struct ikc_device *idev, unsigned int key, u16 type,
		   u32 tag, const void *data, size_t len)
{
	struct ikc_msg msg = { .type = cpu_to_le16(type), .tag = cpu_to_le32(tag) };

	if (WARN_ON_ONCE(key >= IKC_EVENT_KEYS))
		return -EINVAL;
	return __ikc_send(idev, &msg, data, len, key);
}
EXPORT_SYMBOL_GPL(ikc_send_event);

/**
 * ikc_send_timeout() - send a message, waiting for room
 * @idev: the channel
 * @type: service-defined type
 * @tag: service-defined value
 * @data: the payload ...
 * @len: ... and its length
 * @timeout: how long to wait for room, in jiffies
 *
 * Sleeps until the peer, having taken a message, rings the doorbell (or
 * this kernel frees pool blocks by taking one).  May be called from a
 * driver's rx callback: the wake-up comes from the doorbell itself.
 *
 * Return: as ikc_send(), and -ETIMEDOUT when there was no room in time,
 * -EINTR when a signal came.
 */
int ikc_send_timeout(struct ikc_device *idev, u16 type, u32 tag,
		     const void *data, size_t len, unsigned long timeout)
{
	struct ikc_channel *ch = idev->chan;
	long left = timeout;
	int ret, seq;

	might_sleep();
	for (;;) {
		seq = atomic_read(&ch->room_seq);
		ret = ikc_send(idev, type, tag, data, len);
		if (ret != -EAGAIN)
			return ret;
		ikc_want_room(ch);
		/* Room made before the peer saw the request rings no bell. */
		ret = ikc_send(idev, type, tag, data, len);
		if (ret != -EAGAIN)
			return ret;
		if (!left)
			return -ETIMEDOUT;
		left = wait_event_interruptible_timeout(ch->room_wq,
							ikc_room_came(ch, seq),
							left);
		if (left < 0)
			return -EINTR;
	}
}
EXPORT_SYMBOL_GPL(ikc_send_timeout);

/* Could a message of @len bytes go now?  A hint: nothing is claimed. */
static bool ikc_tx_fits(struct ikc_channel *ch, size_t len)
{
	unsigned int nr = ikc_nr_blocks(len), start, run = 0;
	int room = ikc_ring_room(&ch->tx);

	if (room <= 0)
		return room < 0;	/* a bad index: the send then fails */
	if (len <= IKC_MSG_INLINE)
		return true;
	for (start = 0; start < IKC_POOL_BLOCKS; start++) {
		run = test_bit_le(start, ch->hdr->pool_map) ? 0 : run + 1;
		if (run == nr)
			return true;
	}
	return false;
}

/**
 * ikc_want_tx_room() - have the driver told when a send may fit again
 * @idev: the channel, whose driver has rx and tx_room callbacks
 * @len: the payload length that found no room
 *
 * For senders that may neither sleep nor poll: after ikc_send() returned
 * -EAGAIN, record what is to be sent, then call this.  The driver's
 * tx_room callback runs once the peer has taken a message (or this kernel
 * freed pool blocks); it may also run for nothing.  Any context but NMI.
 *
 * Return: true when such a message may fit already (the peer made room
 * before it saw the request, which then rings no bell): send again now,
 * and call this again if that fails.
 */
bool ikc_want_tx_room(struct ikc_device *idev, size_t len)
{
	struct ikc_channel *ch = idev->chan;
	unsigned long flags;
	bool fits;

	WRITE_ONCE(ch->room_cb, true);
	ikc_want_room(ch);
	spin_lock_irqsave(&ch->tx_lock, flags);
	fits = !ikc_usable(ch) || ikc_tx_fits(ch, len);
	spin_unlock_irqrestore(&ch->tx_lock, flags);
	return fits;
}
EXPORT_SYMBOL_GPL(ikc_want_tx_room);

/**
 * ikc_send_pages() - send references to physical pages (page transfer)
 * @idev: the channel
 * @type: service-defined type
 * @tag: service-defined value
 * @refs: the ranges, each within one page of this kernel's memory that
 *	the peer may reach
 * @nr: how many, at most IKC_MAX_PAGE_REFS
 *
 * The pages stay the sender's: the service defines the message by which
 * the receiver says it is done with them.
 *
 * Return: as ikc_send().
 */
int ikc_send_pages(struct ikc_device *idev, u16 type, u32 tag,
		   const struct ikc_page_ref *refs, unsigned int nr)
{
	struct ikc_msg msg = {
		.type = cpu_to_le16(type),
		.tag = cpu_to_le32(tag),
		.flags = cpu_to_le16(IKC_MSG_PAGES),
	};

	if (!nr || nr > IKC_MAX_PAGE_REFS)
		return -EINVAL;
	return __ikc_send(idev, &msg, refs, nr * sizeof(*refs), -1);
}
EXPORT_SYMBOL_GPL(ikc_send_pages);

static void ikc_queue_rx_work(struct ikc_channel *ch)
{
	unsigned int cpu = READ_ONCE(ch->rx_cpu);

	if (ch->peer->ops->unbound_rx)
		queue_work(system_unbound_wq, &ch->rx_work);
	else if (cpu_online(cpu))
		queue_work_on(cpu, ikc_wq, &ch->rx_work);
	else	/* given to a partition since: here, then */
		queue_work(ikc_wq, &ch->rx_work);
}

/*
 * A message was taken and its pool blocks freed; rx_lock held.  The
 * barrier of ikc_ring_room_wanted() also orders the take before what the
 * caller reads next.
 */
static void ikc_taken(struct ikc_channel *ch, bool freed_blocks)
{
	if (ikc_ring_room_wanted(&ch->rx)) {
		ikc_ring_bell(ch);
		atomic64_inc(&ch->st.room_sent);
	}
	/* The pool serves both ways: our own sends may wait for the blocks. */
	if (freed_blocks) {
		ikc_room_event(ch);
		if (READ_ONCE(ch->room_cb))
			ikc_queue_rx_work(ch);
	}
}

/**
 * ikc_recv() - take a message from a channel
 * @idev: the channel
 * @info: out: what it is
 * @buf: out: its payload ...
 * @size: ... for at most this many bytes
 *
 * The message is marked taken before the caller reads anything else of
 * the peer's (a full barrier): what ikc_send_event() relies on.
 *
 * Return: 0; -EAGAIN when there is none; -EMSGSIZE when the payload was
 * larger than @size (the message is dropped); -ENOTCONN; -EPROTO when the
 * peer wrote something invalid (counted; the channel is then broken).
 */
int ikc_recv(struct ikc_device *idev, struct ikc_msg_info *info,
	     void *buf, size_t size)
{
	struct ikc_channel *ch = idev->chan;
	unsigned int flags, block;
	struct ikc_msg msg;
	int ret;

	mutex_lock(&ch->rx_lock);
	if (!ikc_usable(ch)) {
		ret = ikc_unusable_errno(ch);
		goto out;
	}
	ret = ikc_ring_consume(&ch->rx, &msg);
	if (ret == -EAGAIN)
		goto out;
	if (ret || ikc_msg_check(&msg)) {
		ikc_channel_break(ch, ret ? "an impossible producer index" :
				  "a malformed message");
		ret = -EPROTO;
		goto out;
	}
	flags = le16_to_cpu(msg.flags);
	block = le16_to_cpu(msg.block);
	info->type = le16_to_cpu(msg.type);
	info->flags = flags & IKC_MSG_PAGES;
	info->tag = le32_to_cpu(msg.tag);
	info->len = le32_to_cpu(msg.len);
	if (info->len > size)
		ret = -EMSGSIZE;
	else if (flags & IKC_MSG_POOL)
		memcpy(buf, ch->pool + block * IKC_POOL_BLOCK_SIZE, info->len);
	else
		memcpy(buf, msg.data, info->len);
	if (flags & IKC_MSG_POOL)
		ikc_pool_free(ch, block, le16_to_cpu(msg.nr_blocks));
	atomic64_inc(&ch->st.msgs_rx);
	atomic64_add(info->len, &ch->st.bytes_rx);
	ikc_taken(ch, flags & IKC_MSG_POOL);
out:
	mutex_unlock(&ch->rx_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(ikc_recv);

static int ikc_rx_ready(struct ikc_channel *ch)
{
	return !ikc_usable(ch) || ikc_ring_pending(&ch->rx);
}

/*
 * Busy-poll for a message for up to poll_us; true if one came.  Process
 * context: the CPU is given up when someone else needs it (perhaps the
 * sender itself, on a loopback), and polling goes on after.
 */
static bool ikc_poll_rx(struct ikc_channel *ch)
{
	unsigned int us = READ_ONCE(ch->poll_us);
	ktime_t end;

	if (!us)
		return false;
	end = ktime_add_us(ktime_get(), us);
	while (!ikc_rx_ready(ch)) {
		if (ktime_after(ktime_get(), end))
			return false;
		cond_resched();
		cpu_relax();
	}
	return true;
}

/**
 * ikc_recv_wait() - take a message, waiting for one
 * @idev: the channel, whose driver has no rx callback
 * @info: out: what it is
 * @buf: out: its payload ...
 * @size: ... for at most this many bytes
 * @timeout: how long to wait, in jiffies
 *
 * Return: as ikc_recv(), and -ETIMEDOUT, -EINTR.
 */
int ikc_recv_wait(struct ikc_device *idev, struct ikc_msg_info *info,
		  void *buf, size_t size, unsigned long timeout)
{
	struct ikc_channel *ch = idev->chan;
	long left = timeout;
	int ret;

	might_sleep();
	for (;;) {
		ret = ikc_recv(idev, info, buf, size);
		if (ret != -EAGAIN)
			return ret;
		if (ikc_poll_rx(ch))
			continue;
		ikc_ring_arm(&ch->rx, true);
		left = wait_event_interruptible_timeout(ch->wq,
							ikc_rx_ready(ch), left);
		ikc_ring_arm(&ch->rx, false);
		if (left < 0)
			return -EINTR;
		if (!left && !ikc_rx_ready(ch))
			return -ETIMEDOUT;
	}
}
EXPORT_SYMBOL_GPL(ikc_recv_wait);

/* Runs on the channel's handling CPU after a doorbell. */
static void ikc_rx_work(struct work_struct *work)
{
	struct ikc_channel *ch = container_of(work, struct ikc_channel, rx_work);
	struct ikc_driver *drv = READ_ONCE(ch->rx_drv);
	struct ikc_device *idev = ch->idev;

	if (!drv) {
		wake_up_all(&ch->wq);
		return;
	}
	while (ikc_usable(ch)) {
		/* Perhaps the peer rang because it took a message of ours. */
		if (READ_ONCE(ch->room_cb) && xchg(&ch->room_cb, false) &&
		    drv->tx_room)
			drv->tx_room(idev);
		ikc_ring_arm(&ch->rx, false);
		drv->rx(idev);
		if (ikc_poll_rx(ch))
			continue;
		ikc_ring_arm(&ch->rx, true);
		/* A message that came before we armed gets no doorbell. */
		if (!ikc_ring_pending(&ch->rx))
			break;
	}
}

/**
 * ikc_stop_rx() - no rx callback runs on this channel from now on
 * @idev: the channel, whose driver is being removed
 *
 * Waits for a callback that is running.  May sleep.
 */
void ikc_stop_rx(struct ikc_device *idev)
{
	WRITE_ONCE(idev->chan->rx_drv, NULL);
	cancel_work_sync(&idev->chan->rx_work);
}
EXPORT_SYMBOL_GPL(ikc_stop_rx);

/**
 * ikc_channel_kick_rx() - the channel's doorbell rang
 * @ch: the channel
 *
 * Any context; the work runs on the channel's handling CPU.
 */
void ikc_channel_kick_rx(struct ikc_channel *ch)
{
	atomic64_inc(&ch->st.notify_rx);
	/* Senders waiting for room wake here, not in the work they may be. */
	ikc_room_event(ch);
	ikc_queue_rx_work(ch);
}

/**
 * ikc_channel_quiesce() - wait until no caller touches the shared area
 * @ch: the channel, whose peer is already marked down
 */
void ikc_channel_quiesce(struct ikc_channel *ch)
{
	spin_lock_irq(&ch->tx_lock);
	spin_unlock_irq(&ch->tx_lock);
	mutex_lock(&ch->rx_lock);
	mutex_unlock(&ch->rx_lock);
	wake_up_all(&ch->wq);
	wake_up_all(&ch->room_wq);
	cancel_work_sync(&ch->rx_work);
}

/**
 * ikc_default_cpu() - the CPU that handles a slot unless told otherwise
 * @slot: the slot
 *
 * Slots are spread over the online CPUs, so that requests on several
 * channels are handled in parallel.
 */
unsigned int ikc_default_cpu(unsigned int slot)
{
	unsigned int n = num_online_cpus();

	return cpumask_nth(slot % n, cpu_online_mask);
}

/**
 * ikc_channel_set_cpu() - handle a channel's doorbells on @cpu
 * @ch: the channel
 * @cpu: an online CPU
 */
void ikc_channel_set_cpu(struct ikc_channel *ch, unsigned int cpu)
{
	WRITE_ONCE(ch->rx_cpu, cpu);
	ikc_shm_write(&ch->rx.shm->notify_apicid, ch->peer->ops->cpu_addr(ch->peer, cpu));
}

/**
 * ikc_channel_create() - this kernel's end of a slot
 * @peer: the connection
 * @slot: the slot, below the area's slot count
 *
 * Return: the channel, or NULL without memory.
 */
struct ikc_channel *ikc_channel_create(struct ikc_peer *peer, unsigned int slot)
{
	void *base = (void *)peer->area + IKC_SLOT_OFFSET(slot);
	int tx_dir = peer->owner ? IKC_DIR_TO_PEER : IKC_DIR_TO_OWNER;
	struct ikc_channel *ch;

	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return NULL;
	ch->peer = peer;
	ch->slot = slot;
	ch->hdr = base;
	ch->pool = base + IKC_SLOT_POOL_OFF;
	ikc_ring_init_producer(&ch->tx, &ch->hdr->ring[tx_dir],
			       base + IKC_SLOT_RING_OFF(tx_dir));
	ikc_ring_init_consumer(&ch->rx, &ch->hdr->ring[!tx_dir],
			       base + IKC_SLOT_RING_OFF(!tx_dir));
	spin_lock_init(&ch->tx_lock);
	mutex_init(&ch->rx_lock);
	INIT_WORK(&ch->rx_work, ikc_rx_work);
	init_waitqueue_head(&ch->wq);
	init_waitqueue_head(&ch->room_wq);
	ikc_channel_set_cpu(ch, ikc_default_cpu(slot));
	return ch;
}

/**
 * ikc_channel_destroy() - free a channel made by ikc_channel_create()
 * @ch: the channel, quiesced
 */
void ikc_channel_destroy(struct ikc_channel *ch)
{
	mutex_destroy(&ch->rx_lock);
	kfree(ch);
}

/* ---- sysfs: the channel's counters and tunables ---- */

struct ikc_stat_attr {
	struct device_attribute attr;
	size_t offset;
};

static ssize_t ikc_stat_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct ikc_stat_attr *a = container_of(attr, struct ikc_stat_attr, attr);
	struct ikc_channel *ch = to_ikc_device(dev)->chan;

	return sysfs_emit(buf, "%lld\n", atomic64_read((void *)ch + a->offset));
}

#define IKC_STAT(field) offsetof(struct ikc_channel, st.field)
#define IKC_STAT_ATTR(name) __ATTR(name, 0444, ikc_stat_show, NULL)

static struct ikc_stat_attr ikc_stat_attrs[] = {
	{ IKC_STAT_ATTR(msgs_tx), IKC_STAT(msgs_tx) },
	{ IKC_STAT_ATTR(msgs_rx), IKC_STAT(msgs_rx) },
	{ IKC_STAT_ATTR(bytes_tx), IKC_STAT(bytes_tx) },
	{ IKC_STAT_ATTR(bytes_rx), IKC_STAT(bytes_rx) },
	{ IKC_STAT_ATTR(notify_sent), IKC_STAT(notify_sent) },
	{ IKC_STAT_ATTR(notify_suppressed), IKC_STAT(notify_suppressed) },
	{ IKC_STAT_ATTR(notify_rx), IKC_STAT(notify_rx) },
	{ IKC_STAT_ATTR(full), IKC_STAT(full) },
	{ IKC_STAT_ATTR(errors), IKC_STAT(errors) },
	{ IKC_STAT_ATTR(room_waits), IKC_STAT(room_waits) },
	{ IKC_STAT_ATTR(room_sent), IKC_STAT(room_sent) },
	{ IKC_STAT_ATTR(events_merged), IKC_STAT(events_merged) },
};

/* Filled in from ikc_stat_attrs[] before the bus is registered. */
static struct attribute *ikc_stat_list[ARRAY_SIZE(ikc_stat_attrs) + 1];

/**
 * ikc_channel_attrs_init() - make the list of counter files
 */
void ikc_channel_attrs_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ikc_stat_attrs); i++)
		ikc_stat_list[i] = &ikc_stat_attrs[i].attr.attr;
}

const struct attribute_group ikc_stat_group = {
	.name = "stats",
	.attrs = ikc_stat_list,
};

static ssize_t cpu_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_ikc_device(dev)->chan->rx_cpu));
}

/**
 * ikc_set_cpu() - handle a channel's messages on another CPU
 * @idev: the channel
 * @cpu: an online CPU of this kernel
 *
 * Return: 0, or -EINVAL when @cpu is not online.
 */
int ikc_set_cpu(struct ikc_device *idev, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	ikc_channel_set_cpu(idev->chan, cpu);
	return 0;
}
EXPORT_SYMBOL_GPL(ikc_set_cpu);

/**
 * ikc_set_poll_us() - busy-poll for messages before sleeping
 * @idev: the channel
 * @us: how long, at most one second; 0 to sleep at once
 *
 * Return: 0, or -EINVAL.
 */
int ikc_set_poll_us(struct ikc_device *idev, unsigned int us)
{
	if (us > USEC_PER_SEC)
		return -EINVAL;
	WRITE_ONCE(idev->chan->poll_us, us);
	return 0;
}
EXPORT_SYMBOL_GPL(ikc_set_poll_us);

static ssize_t cpu_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	unsigned int cpu;
	int ret;

	ret = kstrtouint(buf, 0, &cpu);
	if (ret)
		return ret;
	return ikc_set_cpu(to_ikc_device(dev), cpu) ?: count;
}
static DEVICE_ATTR_RW(cpu);

static ssize_t poll_us_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_ikc_device(dev)->chan->poll_us));
}

static ssize_t poll_us_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	unsigned int us;
	int ret;

	ret = kstrtouint(buf, 0, &us);
	if (ret)
		return ret;
	return ikc_set_poll_us(to_ikc_device(dev), us) ?: count;
}
static DEVICE_ATTR_RW(poll_us);

static ssize_t broken_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_ikc_device(dev)->chan->broken));
}
static DEVICE_ATTR_RO(broken);

static struct attribute *ikc_tune_attrs[] = {
	&dev_attr_cpu.attr,
	&dev_attr_poll_us.attr,
	&dev_attr_broken.attr,
	NULL
};

const struct attribute_group ikc_tune_group = {
	.attrs = ikc_tune_attrs,
};

/**
 * ikc_get_stats() - read a channel's counters
 * @idev: the channel
 * @stats: out: the counters
 */
void ikc_get_stats(struct ikc_device *idev, struct ikc_stats *stats)
{
	struct ikc_channel *ch = idev->chan;

	stats->msgs_tx = atomic64_read(&ch->st.msgs_tx);
	stats->msgs_rx = atomic64_read(&ch->st.msgs_rx);
	stats->bytes_tx = atomic64_read(&ch->st.bytes_tx);
	stats->bytes_rx = atomic64_read(&ch->st.bytes_rx);
	stats->notify_sent = atomic64_read(&ch->st.notify_sent);
	stats->notify_suppressed = atomic64_read(&ch->st.notify_suppressed);
	stats->notify_rx = atomic64_read(&ch->st.notify_rx);
	stats->full = atomic64_read(&ch->st.full);
	stats->errors = atomic64_read(&ch->st.errors);
	stats->room_waits = atomic64_read(&ch->st.room_waits);
	stats->room_sent = atomic64_read(&ch->st.room_sent);
	stats->events_merged = atomic64_read(&ch->st.events_merged);
}
EXPORT_SYMBOL_GPL(ikc_get_stats);

/**
 * ikc_map_page_ref() - map a range received by page transfer
 * @idev: the channel it came on
 * @ref: the range, as received (untrusted)
 * @len: out: its length
 *
 * Return: this kernel's address of the range, or NULL when it crosses a
 * page, is empty, or is not memory of the peer this kernel may reach
 * (counted as an error).
 */
void *ikc_map_page_ref(struct ikc_device *idev,
		       const struct ikc_page_ref *ref, size_t *len)
{
	struct ikc_peer *peer = idev->peer;
	u64 pa = le64_to_cpu(ref->pa);
	u32 n = le32_to_cpu(ref->len);
	void *va = NULL;

	if (n && n <= PAGE_SIZE - offset_in_page(pa) && !ref->reserved)
		va = peer->ops->map(peer, pa, n);
	if (!va) {
		atomic64_inc(&idev->chan->st.errors);
		return NULL;
	}
	*len = n;
	return va;
}
EXPORT_SYMBOL_GPL(ikc_map_page_ref);

/**
 * ikc_walk_peer_memory() - the peer's memory this kernel may reach
 * @idev: a channel to the peer
 * @fn: called with each physical range; a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * Return: 0, or what @fn returned.
 */
int ikc_walk_peer_memory(struct ikc_device *idev,
			 int (*fn)(u64 start, u64 size, void *arg), void *arg)
{
	return idev->peer->ops->walk_memory(idev->peer, fn, arg);
}
EXPORT_SYMBOL_GPL(ikc_walk_peer_memory);

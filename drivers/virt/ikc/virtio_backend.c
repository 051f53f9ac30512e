// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core of virtio back ends over IKC (see virtio_backend.h): it
 * answers the front end's control requests, keeps the device status and
 * features, sets the vrings up through vringh with an IOTLB that maps
 * exactly the peer's memory, so that every address the peer hands over is
 * checked before it is touched, and runs each queue's work on a workqueue
 * with a budget, since a device may sleep there.  Devices describe
 * themselves with a struct ikc_vbe_desc.
 *
 * Locking: vbe->lock (control) is taken before a queue's lock.  Queue work
 * holds only its queue's lock; what it needs to say to the control side
 * (the device broke, a notification) goes through atomics.
 */

#define pr_fmt(fmt) "ikc: " fmt

#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>

#include "virtio_backend.h"

#define IKC_VBE_MAX_RANGES	256	/* of peer memory in the iotlb */
#define IKC_VBE_NOTIFY_CONFIG	VIRTIO_IKC_MAX_QUEUES	/* notify_pending bit */
#define IKC_VBE_SEND_TIMEOUT	(HZ / 2)

/* Each queue's used notifications merge under a key of their own. */
static_assert(VIRTIO_IKC_MAX_QUEUES <= IKC_EVENT_KEYS);

/**
 * ikc_vbe_peer_error() - count something bad the peer did
 * @vbe: the device
 * @what: what it was, for the log
 * @err: a message type or an errno, for the log
 */
void ikc_vbe_peer_error(struct ikc_vbe *vbe, const char *what, int err)
{
	atomic_long_inc(&vbe->errors);
	pr_warn_ratelimited("%s %s: bad %s from peer (%d)\n", vbe->desc.name,
			    vbe->label, what, err);
}
EXPORT_SYMBOL_GPL(ikc_vbe_peer_error);

/**
 * ikc_vbe_defer() - run work on the device's workqueue
 * @vbe: the device
 * @work: the work: a queue's, or one of the device's own
 *
 * Return: false when the device is stopped and the work was not queued.
 */
bool ikc_vbe_defer(struct ikc_vbe *vbe, struct work_struct *work)
{
	struct workqueue_struct *wq;
	bool queued = false;

	rcu_read_lock();
	wq = rcu_dereference(vbe->wq);
	if (wq) {
		queue_work(wq, work);
		queued = true;
	}
	rcu_read_unlock();
	return queued;
}
EXPORT_SYMBOL_GPL(ikc_vbe_defer);

static void ikc_vbe_flush_notify(struct ikc_vbe *vbe)
{
	struct virtio_ikc_config_changed cfg = {};
	struct virtio_ikc_notify n = {};
	struct ikc_device *idev = READ_ONCE(vbe->idev);
	unsigned int bit;
	int ret;

	for_each_set_bit(bit, vbe->notify_pending, IKC_VBE_NOTIFY_CONFIG + 1) {
		if (!test_and_clear_bit(bit, vbe->notify_pending))
			continue;
		if (!idev || READ_ONCE(vbe->peer_gone))
			continue;
		if (bit == IKC_VBE_NOTIFY_CONFIG) {
			cfg.generation = cpu_to_le32(atomic_read(&vbe->generation));
			ret = ikc_send(idev, VIRTIO_IKC_CONFIG_CHANGED, 0, &cfg,
				       sizeof(cfg));
		} else {
			/* One unread per queue is enough: it names no buffer. */
			n.index = cpu_to_le16(bit);
			ret = ikc_send_event(idev, bit, VIRTIO_IKC_USED, 0, &n,
					     sizeof(n));
		}
		/*
		 * Never wait for the peer here: it rings once it takes a
		 * message, and ikc_vbe_tx_room() sends the rest.
		 */
		if (ret == -EAGAIN) {
			set_bit(bit, vbe->notify_pending);
			if (ikc_want_tx_room(idev, sizeof(cfg)))
				ikc_vbe_defer(vbe, &vbe->notify_work);
			return;
		}
	}
}

static void ikc_vbe_notify_work(struct work_struct *work)
{
	struct ikc_vbe *vbe = container_of(work, struct ikc_vbe, notify_work);

	ikc_vbe_flush_notify(vbe);
}

/**
 * ikc_vbe_fail() - the peer handed over something unusable
 * @vbe: the device
 * @what: what it was, for the log
 * @err: why, for the log
 *
 * The device stops using its rings until the driver resets it, and tells
 * it so (VIRTIO_CONFIG_S_NEEDS_RESET and a config change).  Any context
 * that may sleep.
 */
void ikc_vbe_fail(struct ikc_vbe *vbe, const char *what, int err)
{
	ikc_vbe_peer_error(vbe, what, err);
	if (atomic_xchg(&vbe->needs_reset, 1))
		return;
	atomic_inc(&vbe->generation);
	set_bit(IKC_VBE_NOTIFY_CONFIG, vbe->notify_pending);
	ikc_vbe_flush_notify(vbe);
}
EXPORT_SYMBOL_GPL(ikc_vbe_fail);

/**
 * ikc_vbe_config_changed() - the device changed its config space
 * @vbe: the device
 *
 * Bumps the generation and, once the driver is OK, tells it.
 */
void ikc_vbe_config_changed(struct ikc_vbe *vbe)
{
	atomic_inc(&vbe->generation);
	if (!(READ_ONCE(vbe->status) & VIRTIO_CONFIG_S_DRIVER_OK))
		return;
	set_bit(IKC_VBE_NOTIFY_CONFIG, vbe->notify_pending);
	ikc_vbe_flush_notify(vbe);
}
EXPORT_SYMBOL_GPL(ikc_vbe_config_changed);

/**
 * ikc_vbe_has_feature() - did the driver accept a feature?
 * @vbe: the device
 * @bit: VIRTIO_*_F_*
 *
 * Return: true when the feature is negotiated.
 */
bool ikc_vbe_has_feature(struct ikc_vbe *vbe, unsigned int bit)
{
	return bit < 64 && (READ_ONCE(vbe->features) & BIT_ULL(bit));
}
EXPORT_SYMBOL_GPL(ikc_vbe_has_feature);

static bool ikc_vbe_queue_running(struct ikc_vbe_queue *q)
{
	return q->running && !atomic_read(&q->vbe->needs_reset);
}

/**
 * ikc_vbe_kick() - have a queue's work run
 * @vbe: the device
 * @index: the queue
 *
 * For devices with input of their own (a tty write, a packet) and for
 * completions that ops->process() returns to the ring.
 */
void ikc_vbe_kick(struct ikc_vbe *vbe, unsigned int index)
{
	/* Once stopped, nothing runs (a tty may still write). */
	if (index < vbe->desc.nr_queues)
		ikc_vbe_defer(vbe, &vbe->vq[index].work);
}
EXPORT_SYMBOL_GPL(ikc_vbe_kick);

/**
 * ikc_vbe_tx_room() - the peer took a message after a full ring
 * @vbe: the device
 *
 * Call from the IKC driver's tx_room callback: notifications held back
 * for want of room go now.
 */
void ikc_vbe_tx_room(struct ikc_vbe *vbe)
{
	ikc_vbe_defer(vbe, &vbe->notify_work);
}
EXPORT_SYMBOL_GPL(ikc_vbe_tx_room);

/**
 * ikc_vbe_queue_notify() - tell the driver about used buffers if it wants
 * @q: the queue, locked
 */
void ikc_vbe_queue_notify(struct ikc_vbe_queue *q)
{
	int ret;

	lockdep_assert_held(&q->lock);
	ret = vringh_need_notify_iotlb(&q->vrh);
	if (ret < 0)
		ikc_vbe_fail(q->vbe, "used ring", ret);
	else if (ret)
		set_bit(q->index, q->vbe->notify_pending);
}
EXPORT_SYMBOL_GPL(ikc_vbe_queue_notify);

/**
 * ikc_vbe_complete_multi() - return several chains to the used ring at once
 * @q: the queue, locked, running
 * @used: the chains (ids and lengths in the ring's byte order:
 *	cpu_to_vringh32())
 * @nr: how many
 *
 * The driver sees them together (virtio-net's mergeable buffers).
 *
 * Return: 0, or the ring error (the device then needs a reset).
 */
int ikc_vbe_complete_multi(struct ikc_vbe_queue *q,
			   const struct vring_used_elem *used, unsigned int nr)
{
	int ret;

	lockdep_assert_held(&q->lock);
	ret = vringh_complete_multi_iotlb(&q->vrh, used, nr);
	if (ret) {
		ikc_vbe_fail(q->vbe, "used ring", ret);
		return ret;
	}
	ikc_vbe_queue_notify(q);
	return 0;
}
EXPORT_SYMBOL_GPL(ikc_vbe_complete_multi);

/**
 * ikc_vbe_complete() - return a chain to the used ring
 * @q: the queue, locked, running
 * @head: the chain, as vringh_getdesc_iotlb() gave it
 * @len: bytes written into its writable part
 *
 * The notification, if the driver wants one, goes when the queue's work
 * ends.
 *
 * Return: 0, or the ring error (the device then needs a reset).
 */
int ikc_vbe_complete(struct ikc_vbe_queue *q, u16 head, u32 len)
{
	struct vring_used_elem used = {
		.id = cpu_to_vringh32(&q->vrh, head),
		.len = cpu_to_vringh32(&q->vrh, len),
	};

	return ikc_vbe_complete_multi(q, &used, 1);
}
EXPORT_SYMBOL_GPL(ikc_vbe_complete);

/**
 * ikc_vbe_notify_disable() - no kicks from the driver for now
 * @q: the queue, locked and running
 *
 * For a queue whose work takes the driver's buffers as they come (a
 * request queue): while the work runs, the driver need not kick.  Without
 * VIRTIO_RING_F_EVENT_IDX this sets VRING_USED_F_NO_NOTIFY; with it, the
 * driver kicks once past the avail event ikc_vbe_notify_enable() set, so
 * there is nothing to do.  The work must then run again by itself, or call
 * ikc_vbe_notify_enable() once the ring is empty.
 */
void ikc_vbe_notify_disable(struct ikc_vbe_queue *q)
{
	lockdep_assert_held(&q->lock);
	vringh_notify_disable_iotlb(&q->vrh);
}
EXPORT_SYMBOL_GPL(ikc_vbe_notify_disable);

/**
 * ikc_vbe_notify_enable() - have the driver kick for its next buffer
 * @q: the queue, locked and running, its ring found empty
 *
 * Return: true if buffers came meanwhile: take them (notifications stay
 * enabled; disable them again first if need be).
 */
bool ikc_vbe_notify_enable(struct ikc_vbe_queue *q)
{
	lockdep_assert_held(&q->lock);
	return !vringh_notify_enable_iotlb(&q->vrh);
}
EXPORT_SYMBOL_GPL(ikc_vbe_notify_enable);

static void ikc_vbe_run_queue(struct ikc_vbe_queue *q)
{
	struct ikc_vbe *vbe = q->vbe;
	bool more = false;

	mutex_lock(&q->lock);
	if (ikc_vbe_queue_running(q))
		more = vbe->desc.ops->process(q, IKC_VBE_BUDGET);
	mutex_unlock(&q->lock);

	ikc_vbe_flush_notify(vbe);
	/* Let others run; the work carries on. */
	if (more)
		ikc_vbe_kick(vbe, q->index);
}

static void ikc_vbe_queue_work(struct work_struct *work)
{
	ikc_vbe_run_queue(container_of(work, struct ikc_vbe_queue, work));
}

static void ikc_vbe_set_running_locked(struct ikc_vbe *vbe, bool run)
{
	struct ikc_vbe_queue *q;
	unsigned int i;

	lockdep_assert_held(&vbe->lock);
	for (i = 0; i < vbe->desc.nr_queues; i++) {
		q = &vbe->vq[i];
		mutex_lock(&q->lock);
		q->running = run && q->ready;
		mutex_unlock(&q->lock);
		/* Buffers queued before DRIVER_OK were not looked at yet. */
		if (q->running)
			ikc_vbe_kick(vbe, i);
	}
}

/* The queue's ring is no longer touched once this returns. */
static void ikc_vbe_queue_stop_locked(struct ikc_vbe *vbe, unsigned int i)
{
	struct ikc_vbe_queue *q = &vbe->vq[i];

	mutex_lock(&q->lock);
	q->running = false;
	q->ready = false;
	vringh_kiov_cleanup(&q->riov);
	vringh_kiov_cleanup(&q->wiov);
	mutex_unlock(&q->lock);
}

/*
 * Back to the state after a reset: no queue runs, no request of the
 * device touches the peer's memory.
 */
static void ikc_vbe_reset_locked(struct ikc_vbe *vbe)
{
	unsigned int i;

	lockdep_assert_held(&vbe->lock);
	for (i = 0; i < vbe->desc.nr_queues; i++)
		ikc_vbe_queue_stop_locked(vbe, i);
	if (vbe->desc.ops->quiesce)
		vbe->desc.ops->quiesce(vbe);
	if ((vbe->status & VIRTIO_CONFIG_S_DRIVER_OK) && vbe->desc.ops->running)
		vbe->desc.ops->running(vbe, false);
	WRITE_ONCE(vbe->status, 0);
	WRITE_ONCE(vbe->features, 0);
	atomic_set(&vbe->needs_reset, 0);
	bitmap_zero(vbe->notify_pending, IKC_VBE_NOTIFY_CONFIG + 1);
}

static void ikc_vbe_drop_iotlb_locked(struct ikc_vbe *vbe)
{
	ikc_vbe_reset_locked(vbe);
	if (vbe->iotlb) {
		vhost_iotlb_free(vbe->iotlb);
		vbe->iotlb = NULL;
	}
}

static int ikc_vbe_add_range(u64 start, u64 size, void *arg)
{
	u64 last;

	if (!size || check_add_overflow(start, size - 1, &last))
		return -EINVAL;
	/* Identity: the ring addresses are the peer's physical addresses. */
	return vhost_iotlb_add_range(arg, start, last, start, VHOST_MAP_RW);
}

static int ikc_vbe_build_iotlb_locked(struct ikc_vbe *vbe)
{
	struct vhost_iotlb *iotlb;
	int ret;

	if (vbe->iotlb)
		return 0;

	/* A partition is one range; a loopback peer, this kernel's RAM. */
	iotlb = vhost_iotlb_alloc(IKC_VBE_MAX_RANGES, 0);
	if (!iotlb)
		return -ENOMEM;
	ret = ikc_walk_peer_memory(vbe->idev, ikc_vbe_add_range, iotlb);
	if (ret) {
		vhost_iotlb_free(iotlb);
		return ret;
	}
	vbe->iotlb = iotlb;
	return 0;
}

/**
 * ikc_vbe_range_ok() - is [@addr, @addr + @len) all in the peer's memory?
 * @vbe: the device, with a queue set up (the map exists until a reset)
 * @addr: a physical address the peer gave
 * @len: bytes from there
 *
 * Return: true when every byte is memory the peer may hand over.
 */
bool ikc_vbe_range_ok(struct ikc_vbe *vbe, u64 addr, u64 len)
{
	struct vhost_iotlb_map *map;
	u64 last;

	if (!vbe->iotlb || !len || check_add_overflow(addr, len - 1, &last))
		return false;

	for (;;) {
		map = vhost_iotlb_itree_first(vbe->iotlb, addr, last);
		if (!map || map->start > addr)
			return false;
		if (map->last >= last)
			return true;
		addr = map->last + 1;
	}
}
EXPORT_SYMBOL_GPL(ikc_vbe_range_ok);

static u32 ikc_vbe_queue_setup_locked(struct ikc_vbe *vbe,
				      const struct virtio_ikc_queue_setup_req *req)
{
	unsigned int index = le16_to_cpu(req->index);
	unsigned int num = le16_to_cpu(req->num);
	u64 desc = le64_to_cpu(req->desc);
	u64 avail = le64_to_cpu(req->avail);
	u64 used = le64_to_cpu(req->used);
	struct ikc_vbe_queue *q;
	int ret;

	if (index >= vbe->desc.nr_queues || !num ||
	    num > vbe->desc.queue_size || !is_power_of_2(num) ||
	    !IS_ALIGNED(desc, 16) || !IS_ALIGNED(avail, 2) ||
	    !IS_ALIGNED(used, 4))
		return VIRTIO_IKC_S_INVAL;

	q = &vbe->vq[index];
	if (q->ready || !(vbe->status & VIRTIO_CONFIG_S_FEATURES_OK) ||
	    atomic_read(&vbe->needs_reset))
		return VIRTIO_IKC_S_STATE;

	ret = ikc_vbe_build_iotlb_locked(vbe);
	if (ret) {
		dev_warn_ratelimited(&vbe->idev->dev,
				     "no map of the peer's memory: %d\n", ret);
		return ret == -ENOMEM ? VIRTIO_IKC_S_NOMEM : VIRTIO_IKC_S_FAULT;
	}

	/* Early answer for a bad ring; vringh checks each access anyway. */
	if (!ikc_vbe_range_ok(vbe, desc, 16ULL * num) ||
	    !ikc_vbe_range_ok(vbe, avail, 6ULL + 2ULL * num) ||
	    !ikc_vbe_range_ok(vbe, used, 6ULL + 8ULL * num)) {
		dev_warn_ratelimited(&vbe->idev->dev,
				     "queue %u: ring %#llx %#llx %#llx outside the peer's memory\n",
				     index, desc, avail, used);
		return VIRTIO_IKC_S_FAULT;
	}

	mutex_lock(&q->lock);
	ret = vringh_init_iotlb(&q->vrh, vbe->features, num, true,
				(struct vring_desc *)(uintptr_t)desc,
				(struct vring_avail *)(uintptr_t)avail,
				(struct vring_used *)(uintptr_t)used);
	if (!ret) {
		vringh_set_iotlb(&q->vrh, vbe->iotlb, &vbe->iotlb_lock);
		vringh_kiov_init(&q->riov, q->rkvec, ARRAY_SIZE(q->rkvec));
		vringh_kiov_init(&q->wiov, q->wkvec, ARRAY_SIZE(q->wkvec));
		q->ready = true;
		q->running = !!(vbe->status & VIRTIO_CONFIG_S_DRIVER_OK);
	}
	mutex_unlock(&q->lock);
	if (ret)
		return VIRTIO_IKC_S_INVAL;
	if (q->running)
		ikc_vbe_kick(vbe, index);
	return VIRTIO_IKC_S_OK;
}

static u32 ikc_vbe_set_status_locked(struct ikc_vbe *vbe, u8 status)
{
	u8 old = vbe->status;

	if (!status) {
		ikc_vbe_reset_locked(vbe);
		return VIRTIO_IKC_S_OK;
	}

	/* Only the device sets NEEDS_RESET; the driver never clears bits. */
	status &= ~VIRTIO_CONFIG_S_NEEDS_RESET;
	if (old & ~status)
		return VIRTIO_IKC_S_INVAL;

	/* Modern devices only: refuse features without VERSION_1. */
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(vbe->features & BIT_ULL(VIRTIO_F_VERSION_1)))
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;

	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(status & VIRTIO_CONFIG_S_FEATURES_OK))
		return VIRTIO_IKC_S_STATE;

	WRITE_ONCE(vbe->status, status);
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(old & VIRTIO_CONFIG_S_DRIVER_OK)) {
		ikc_vbe_set_running_locked(vbe, true);
		if (vbe->desc.ops->running)
			vbe->desc.ops->running(vbe, true);
	}
	return VIRTIO_IKC_S_OK;
}

/* One message's worth of the config space, inside it. */
static bool ikc_vbe_config_range_ok(struct ikc_vbe *vbe, unsigned int offset,
				    unsigned int len)
{
	unsigned int size = vbe->desc.config_len;

	return len && len <= VIRTIO_IKC_CONFIG_CHUNK && offset <= size &&
	       len <= size - offset;
}

static u32 ikc_vbe_config_read_locked(struct ikc_vbe *vbe,
				      const struct virtio_ikc_config_read_req *req,
				      struct virtio_ikc_config_read_resp *resp)
{
	unsigned int offset = le16_to_cpu(req->offset);
	unsigned int len = le16_to_cpu(req->len);
	u8 cfg[VIRTIO_IKC_MAX_CONFIG] = {};

	if (!ikc_vbe_config_range_ok(vbe, offset, len))
		return VIRTIO_IKC_S_INVAL;

	vbe->desc.ops->get_config(vbe, cfg);
	memcpy(resp->data, cfg + offset, len);
	resp->generation = cpu_to_le32(atomic_read(&vbe->generation));
	return VIRTIO_IKC_S_OK;
}

static u32 ikc_vbe_config_write_locked(struct ikc_vbe *vbe,
				       const struct virtio_ikc_config_write_req *req)
{
	unsigned int offset = le16_to_cpu(req->offset);
	unsigned int len = le16_to_cpu(req->len);

	if (!vbe->desc.ops->set_config ||
	    !ikc_vbe_config_range_ok(vbe, offset, len))
		return VIRTIO_IKC_S_INVAL;
	if (vbe->desc.ops->set_config(vbe, offset, req->data, len))
		return VIRTIO_IKC_S_INVAL;
	return VIRTIO_IKC_S_OK;
}

union ikc_vbe_resp {
	struct virtio_ikc_resp_hdr hdr;
	struct virtio_ikc_info_resp info;
	struct virtio_ikc_features_resp features;
	struct virtio_ikc_value_resp value;
	struct virtio_ikc_queue_info_resp queue;
	struct virtio_ikc_config_read_resp config;
};

union ikc_vbe_req {
	struct virtio_ikc_features_req features;
	struct virtio_ikc_status_req status;
	struct virtio_ikc_queue_req queue;
	struct virtio_ikc_queue_setup_req setup;
	struct virtio_ikc_config_read_req read;
	struct virtio_ikc_config_write_req write;
	struct virtio_ikc_notify notify;
	u8 raw[VIRTIO_IKC_MSG_MAX];
};

/* Size of each request's payload, and of its full response. */
static const struct {
	u8 req;
	u8 resp;
} ikc_vbe_sizes[] = {
	[VIRTIO_IKC_GET_INFO] = { 0, sizeof(struct virtio_ikc_info_resp) },
	[VIRTIO_IKC_GET_FEATURES] = {
		0, sizeof(struct virtio_ikc_features_resp) },
	[VIRTIO_IKC_SET_FEATURES] = {
		sizeof(struct virtio_ikc_features_req),
		sizeof(struct virtio_ikc_resp_hdr) },
	[VIRTIO_IKC_GET_STATUS] = { 0, sizeof(struct virtio_ikc_value_resp) },
	[VIRTIO_IKC_SET_STATUS] = {
		sizeof(struct virtio_ikc_status_req),
		sizeof(struct virtio_ikc_resp_hdr) },
	[VIRTIO_IKC_GET_GENERATION] = {
		0, sizeof(struct virtio_ikc_value_resp) },
	[VIRTIO_IKC_QUEUE_INFO] = {
		sizeof(struct virtio_ikc_queue_req),
		sizeof(struct virtio_ikc_queue_info_resp) },
	[VIRTIO_IKC_QUEUE_SETUP] = {
		sizeof(struct virtio_ikc_queue_setup_req),
		sizeof(struct virtio_ikc_resp_hdr) },
	[VIRTIO_IKC_QUEUE_DISABLE] = {
		sizeof(struct virtio_ikc_queue_req),
		sizeof(struct virtio_ikc_resp_hdr) },
	[VIRTIO_IKC_CONFIG_READ] = {
		sizeof(struct virtio_ikc_config_read_req),
		sizeof(struct virtio_ikc_config_read_resp) },
	[VIRTIO_IKC_CONFIG_WRITE] = {
		sizeof(struct virtio_ikc_config_write_req),
		sizeof(struct virtio_ikc_resp_hdr) },
};

static u64 ikc_vbe_offered(struct ikc_vbe *vbe)
{
	return vbe->desc.features | BIT_ULL(VIRTIO_F_VERSION_1);
}

static u32 ikc_vbe_request_locked(struct ikc_vbe *vbe, u16 type,
				  const union ikc_vbe_req *req,
				  union ikc_vbe_resp *resp)
{
	unsigned int index;
	u64 features;

	switch (type) {
	case VIRTIO_IKC_GET_INFO:
		resp->info.version = cpu_to_le16(VIRTIO_IKC_VERSION);
		resp->info.num_queues = cpu_to_le16(vbe->desc.nr_queues);
		resp->info.config_len = cpu_to_le16(vbe->desc.config_len);
		resp->info.device_id = cpu_to_le32(vbe->desc.device_id);
		resp->info.vendor_id = cpu_to_le32(IKC_VBE_VENDOR_ID);
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_GET_FEATURES:
		resp->features.features = cpu_to_le64(ikc_vbe_offered(vbe));
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_SET_FEATURES:
		features = le64_to_cpu(req->features.features);
		if (features & ~ikc_vbe_offered(vbe))
			return VIRTIO_IKC_S_INVAL;
		if (vbe->status & VIRTIO_CONFIG_S_FEATURES_OK)
			return VIRTIO_IKC_S_STATE;
		WRITE_ONCE(vbe->features, features);
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_GET_STATUS:
		resp->value.value = cpu_to_le32(vbe->status |
			(atomic_read(&vbe->needs_reset) ?
			 VIRTIO_CONFIG_S_NEEDS_RESET : 0));
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_SET_STATUS:
		return ikc_vbe_set_status_locked(vbe, req->status.status);
	case VIRTIO_IKC_GET_GENERATION:
		resp->value.value = cpu_to_le32(atomic_read(&vbe->generation));
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_QUEUE_INFO:
		index = le16_to_cpu(req->queue.index);
		if (index >= VIRTIO_IKC_MAX_QUEUES)
			return VIRTIO_IKC_S_INVAL;
		if (index < vbe->desc.nr_queues) {
			resp->queue.max_size = cpu_to_le16(vbe->desc.queue_size);
			resp->queue.enabled = cpu_to_le16(vbe->vq[index].ready);
		}
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_QUEUE_SETUP:
		return ikc_vbe_queue_setup_locked(vbe, &req->setup);
	case VIRTIO_IKC_QUEUE_DISABLE:
		index = le16_to_cpu(req->queue.index);
		if (index >= vbe->desc.nr_queues)
			return VIRTIO_IKC_S_INVAL;
		ikc_vbe_queue_stop_locked(vbe, index);
		/* Nothing begun on the old ring may end on a new one. */
		if (vbe->desc.ops->quiesce)
			vbe->desc.ops->quiesce(vbe);
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_CONFIG_READ:
		return ikc_vbe_config_read_locked(vbe, &req->read,
						  &resp->config);
	case VIRTIO_IKC_CONFIG_WRITE:
		return ikc_vbe_config_write_locked(vbe, &req->write);
	default:
		return VIRTIO_IKC_S_UNSUPP;
	}
}

static void ikc_vbe_handle_request_locked(struct ikc_vbe *vbe,
					  const struct ikc_msg_info *info,
					  const union ikc_vbe_req *req)
{
	union ikc_vbe_resp resp = {};
	size_t resp_len = sizeof(resp.hdr);
	u32 status;
	int ret;

	/* Never answer an answer: two confused ends would ping-pong. */
	if (info->type & VIRTIO_IKC_RESPONSE) {
		ikc_vbe_peer_error(vbe, "message type", info->type);
		return;
	}

	if (info->type >= ARRAY_SIZE(ikc_vbe_sizes) ||
	    !ikc_vbe_sizes[info->type].resp) {
		ikc_vbe_peer_error(vbe, "request type", info->type);
		status = VIRTIO_IKC_S_UNSUPP;
	} else if (info->len != ikc_vbe_sizes[info->type].req) {
		ikc_vbe_peer_error(vbe, "request length", info->type);
		status = VIRTIO_IKC_S_INVAL;
	} else {
		status = ikc_vbe_request_locked(vbe, info->type, req, &resp);
		if (status == VIRTIO_IKC_S_OK)
			resp_len = ikc_vbe_sizes[info->type].resp;
	}

	resp.hdr.status = cpu_to_le32(status);
	ret = ikc_send_timeout(vbe->idev, info->type | VIRTIO_IKC_RESPONSE,
			       info->tag, &resp, resp_len, IKC_VBE_SEND_TIMEOUT);
	if (ret)
		dev_warn_ratelimited(&vbe->idev->dev, "%s: response not sent: %d\n",
				     vbe->desc.name, ret);
}

static void ikc_vbe_handle_kick(struct ikc_vbe *vbe,
				const struct ikc_msg_info *info,
				const struct virtio_ikc_notify *n)
{
	unsigned int index = le16_to_cpu(n->index);

	if (info->len != sizeof(*n) || index >= vbe->desc.nr_queues) {
		ikc_vbe_peer_error(vbe, "kick", info->type);
		return;
	}
	/*
	 * A kick before DRIVER_OK is looked at when DRIVER_OK comes.  A
	 * front end that spins until its buffer is used is served here, a
	 * wake-up sooner than from the queue's work.
	 */
	if (vbe->desc.inline_queues & BIT_ULL(index))
		ikc_vbe_run_queue(&vbe->vq[index]);
	else
		ikc_vbe_kick(vbe, index);
}

static void ikc_vbe_peer_lost(struct ikc_vbe *vbe)
{
	mutex_lock(&vbe->lock);
	WRITE_ONCE(vbe->peer_gone, true);
	ikc_vbe_drop_iotlb_locked(vbe);
	mutex_unlock(&vbe->lock);
}

/**
 * ikc_vbe_rx() - handle what the front end sent
 * @vbe: the device
 *
 * Call from the IKC driver's rx callback.
 */
void ikc_vbe_rx(struct ikc_vbe *vbe)
{
	struct ikc_device *idev = vbe->idev;
	struct ikc_msg_info info;
	union ikc_vbe_req req;
	int ret;

	for (;;) {
		ret = ikc_recv(idev, &info, &req, sizeof(req));
		if (ret == -EAGAIN)
			break;
		if (ret == -EMSGSIZE) {
			ikc_vbe_peer_error(vbe, "message size", info.type);
			continue;
		}
		if (ret == -EPROTO) {
			ikc_vbe_peer_error(vbe, "channel data", ret);
			ikc_vbe_peer_lost(vbe);
		}
		if (ret)
			break;
		if (info.len > sizeof(req) || (info.flags & IKC_MSG_PAGES)) {
			ikc_vbe_peer_error(vbe, "message", info.type);
			continue;
		}

		if (READ_ONCE(vbe->peer_gone))
			continue;	/* going away: drop */
		if (info.type == VIRTIO_IKC_KICK) {
			ikc_vbe_handle_kick(vbe, &info, &req.notify);
		} else {
			mutex_lock(&vbe->lock);
			if (!vbe->peer_gone)
				ikc_vbe_handle_request_locked(vbe, &info, &req);
			mutex_unlock(&vbe->lock);
		}
		cond_resched();
	}
}
EXPORT_SYMBOL_GPL(ikc_vbe_rx);

/**
 * ikc_vbe_peer_event() - the peer came up or went down
 * @vbe: the device
 * @up: which
 *
 * Call from the IKC driver's peer_event callback.  Once the peer is down,
 * nothing of its memory is touched, and no request of the device is left
 * pointing into it (ops->quiesce() ran).
 */
void ikc_vbe_peer_event(struct ikc_vbe *vbe, bool up)
{
	if (!up) {
		ikc_vbe_peer_lost(vbe);
		return;
	}
	mutex_lock(&vbe->lock);
	WRITE_ONCE(vbe->peer_gone, false);
	mutex_unlock(&vbe->lock);
}
EXPORT_SYMBOL_GPL(ikc_vbe_peer_event);

/**
 * ikc_vbe_parse_list() - parse a setting that lists devices, one per word
 * @text: the words, separated by spaces or tabs
 * @max: words at most
 * @parse: parses word @i (which it may change) into the caller's @arg;
 *	returns 0 or -errno
 * @arg: passed to @parse
 * @nr: out: how many words @parse took, also on failure
 *
 * Return: 0; -E2BIG for more than @max words; -ENOMEM; or what @parse
 * returned for the first word it refused.
 */
int ikc_vbe_parse_list(const char *text, unsigned int max,
		       int (*parse)(char *word, unsigned int i, void *arg),
		       void *arg, unsigned int *nr)
{
	char *s, *p, *word;
	int ret = 0;

	*nr = 0;
	s = kstrdup(text, GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	p = s;
	while ((word = strsep(&p, " \t"))) {
		if (!*word)
			continue;
		if (*nr == max) {
			ret = -E2BIG;
			break;
		}
		ret = parse(word, *nr, arg);
		if (ret)
			break;
		(*nr)++;
	}
	kfree(s);
	return ret;
}
EXPORT_SYMBOL_GPL(ikc_vbe_parse_list);

/**
 * ikc_vbe_init() - set a back end up on a channel
 * @vbe: the device, zeroed
 * @idev: its IKC channel (server end of an IKC_SVC_VIRTIO slot); NULL
 *	only in KUnit tests, which set the queues up themselves
 * @desc: what the device is; copied
 * @priv: the device's own data, vbe->priv
 *
 * Return: 0, -EINVAL for a bad @desc, -ENOMEM.
 */
int ikc_vbe_init(struct ikc_vbe *vbe, struct ikc_device *idev,
		 const struct ikc_vbe_desc *desc, void *priv)
{
	struct workqueue_struct *wq;
	struct ikc_vbe_queue *q;
	unsigned int i;

	if (!desc->nr_queues || desc->nr_queues > VIRTIO_IKC_MAX_QUEUES ||
	    !is_power_of_2(desc->queue_size) ||
	    desc->queue_size > VIRTIO_IKC_MAX_QUEUE_SIZE ||
	    desc->config_len > VIRTIO_IKC_MAX_CONFIG || !desc->ops ||
	    !desc->ops->get_config || !desc->ops->process)
		return -EINVAL;

	vbe->desc = *desc;
	vbe->idev = idev;
	vbe->priv = priv;
	/* Tests drive a device without a channel. */
	strscpy(vbe->label, idev ? dev_name(&idev->dev) : "test");
	mutex_init(&vbe->lock);
	spin_lock_init(&vbe->iotlb_lock);
	atomic_set(&vbe->needs_reset, 0);
	atomic_set(&vbe->generation, 0);
	atomic_long_set(&vbe->errors, 0);
	INIT_WORK(&vbe->notify_work, ikc_vbe_notify_work);

	vbe->vq = kcalloc(desc->nr_queues, sizeof(*vbe->vq), GFP_KERNEL);
	if (!vbe->vq)
		return -ENOMEM;
	for (i = 0; i < desc->nr_queues; i++) {
		q = &vbe->vq[i];
		q->vbe = vbe;
		q->index = i;
		mutex_init(&q->lock);
		INIT_WORK(&q->work, ikc_vbe_queue_work);
		vringh_kiov_init(&q->riov, q->rkvec, ARRAY_SIZE(q->rkvec));
		vringh_kiov_init(&q->wiov, q->wkvec, ARRAY_SIZE(q->wkvec));
	}

	/*
	 * Queues may sleep (a block device's I/O): a workqueue of their own,
	 * whose host CPUs an administrator picks in its sysfs directory
	 * (/sys/devices/virtual/workqueue/ikc-<name>-<channel>/cpumask).
	 */
	wq = alloc_workqueue("ikc-%s-%s", WQ_UNBOUND | WQ_MEM_RECLAIM |
			     WQ_HIGHPRI | (idev ? WQ_SYSFS : 0), 0,
			     desc->name, vbe->label);
	RCU_INIT_POINTER(vbe->wq, wq);
	if (!wq) {
		kfree(vbe->vq);
		vbe->vq = NULL;
		return -ENOMEM;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(ikc_vbe_init);

/**
 * ikc_vbe_stop() - the channel goes away: stop using it
 * @vbe: the device
 *
 * On return no queue work runs, no request touches the peer's memory and
 * no message is sent any more.  Call from the IKC driver's remove, before
 * ikc_stop_rx().
 */
void ikc_vbe_stop(struct ikc_vbe *vbe)
{
	struct workqueue_struct *wq;

	mutex_lock(&vbe->lock);
	ikc_vbe_drop_iotlb_locked(vbe);
	WRITE_ONCE(vbe->idev, NULL);
	mutex_unlock(&vbe->lock);

	/*
	 * The workqueue goes now, not when the device is freed (a console's
	 * may outlive its channel while a tty is open): a channel of the same
	 * name, a partition started again, names its own after it.
	 */
	wq = rcu_replace_pointer(vbe->wq, NULL, true);
	if (!wq)
		return;
	synchronize_rcu();
	cancel_work_sync(&vbe->notify_work);
	destroy_workqueue(wq);
}
EXPORT_SYMBOL_GPL(ikc_vbe_stop);

/**
 * ikc_vbe_destroy() - free what ikc_vbe_init() allocated
 * @vbe: the device, stopped
 */
void ikc_vbe_destroy(struct ikc_vbe *vbe)
{
	struct workqueue_struct *wq;
	unsigned int i;

	/* Set up, never stopped: a KUnit test's, or a failed probe's. */
	wq = rcu_dereference_protected(vbe->wq, true);
	if (wq)
		destroy_workqueue(wq);
	if (vbe->vq) {
		for (i = 0; i < vbe->desc.nr_queues; i++) {
			vringh_kiov_cleanup(&vbe->vq[i].riov);
			vringh_kiov_cleanup(&vbe->vq[i].wiov);
			mutex_destroy(&vbe->vq[i].lock);
		}
	}
	kfree(vbe->vq);
	mutex_destroy(&vbe->lock);
}
EXPORT_SYMBOL_GPL(ikc_vbe_destroy);

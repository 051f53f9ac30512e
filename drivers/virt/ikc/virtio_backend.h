/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core of virtio back ends over IKC: what every device offered to
 * another kernel needs (virtio_ikc.h's control requests, the status and
 * feature state machine, vringh queues over an IOTLB of the peer's
 * memory, notifications, peer loss), so that a device only describes
 * itself and handles its queues.  See Documentation/driver-api/ikc-virtio.rst.
 */
#ifndef _DRIVERS_VIRT_IKC_VIRTIO_BACKEND_H
#define _DRIVERS_VIRT_IKC_VIRTIO_BACKEND_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/ikc.h>
#include <linux/multikernel/virtio_ikc.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/uio.h>
#include <linux/vhost_iotlb.h>
#include <linux/vringh.h>
#include <linux/workqueue.h>

struct ikc_vbe;

/* The virtio vendor id of our devices: "IKC". */
#define IKC_VBE_VENDOR_ID	0x00434b49

/* Chains a queue's work handles before it lets others run. */
#define IKC_VBE_BUDGET		64

/**
 * struct ikc_vbe_queue - the device side of one virtqueue
 * @vbe: its device
 * @index: its number
 * @lock: the ring: @vrh, @riov, @wiov; held around ops->process()
 * @vrh: vringh state, valid while @ready
 * @riov: the readable descriptors of the chain being handled
 * @wiov: its writable descriptors
 * @rkvec: @riov's first entries
 * @wkvec: @wiov's first entries
 * @ready: set up by the front end and not disabled (under the device's
 *	lock and @lock)
 * @running: @ready and the driver is OK: ops->process() may run
 * @work: runs ops->process()
 */
struct ikc_vbe_queue {
	struct ikc_vbe *vbe;
	unsigned int index;
	struct mutex lock;		/* the ring */
	struct vringh vrh;
	struct vringh_kiov riov;
	struct vringh_kiov wiov;
	struct kvec rkvec[8];
	struct kvec wkvec[8];
	bool ready;
	bool running;
	struct work_struct work;
};

/**
 * struct ikc_vbe_ops - what a device adds to the core
 * @get_config: write the whole config space (config_len bytes) to @buf;
 *	called under the device's lock
 * @set_config: a write of the front end to the config space; NULL when
 *	the config space is read-only.  Return 0 or -errno.
 * @process: handle up to @budget chains of @q (under q->lock, with the
 *	queue running); return true when there is more to do
 * @quiesce: one queue or more was stopped: return once no request of the
 *	device touches the peer's memory any more, dropping the finished
 *	requests of stopped queues that were not returned yet (called with
 *	the device's lock held, no queue lock).  NULL when the device keeps
 *	no request in flight.
 * @running: the driver set DRIVER_OK and the queues run (@running true),
 *	or that ended: a reset, the peer's loss, the device's stop (after
 *	@quiesce).  Under the device's lock; NULL if the device need not know.
 */
struct ikc_vbe_ops {
	void (*get_config)(struct ikc_vbe *vbe, void *buf);
	int (*set_config)(struct ikc_vbe *vbe, unsigned int offset,
			  const void *buf, unsigned int len);
	bool (*process)(struct ikc_vbe_queue *q, unsigned int budget);
	void (*quiesce)(struct ikc_vbe *vbe);
	void (*running)(struct ikc_vbe *vbe, bool running);
};

/**
 * struct ikc_vbe_desc - what a device is, fixed when it is set up
 * @name: for messages and the workqueue
 * @device_id: VIRTIO_ID_*
 * @features: device feature bits offered (VIRTIO_F_VERSION_1 is added)
 * @nr_queues: 1 to VIRTIO_IKC_MAX_QUEUES
 * @queue_size: largest ring size, a power of two
 * @config_len: size of the config space, at most VIRTIO_IKC_MAX_CONFIG
 * @ops: its callbacks
 * @inline_queues: queues whose kicks are served in the channel's rx
 *	callback rather than queued: short work a front end waits for with
 *	its CPU spinning (a console's transmitq)
 */
struct ikc_vbe_desc {
	const char *name;
	u32 device_id;
	u64 features;
	unsigned int nr_queues;
	unsigned int queue_size;
	unsigned int config_len;
	const struct ikc_vbe_ops *ops;
	u64 inline_queues;
};

/**
 * struct ikc_vbe - one virtio back end on an IKC channel
 * @desc: what it is (a copy)
 * @idev: the channel, NULL once stopped
 * @label: the channel's name, for messages
 * @priv: the device's own data
 * @lock: control state: everything below but the atomics and @vq's rings
 * @peer_gone: the peer went down; its memory is not touched any more
 * @status: virtio device status as the driver set it
 * @needs_reset: the device gave up on the rings (VIRTIO_CONFIG_S_NEEDS_RESET)
 * @features: driver features
 * @generation: config generation
 * @iotlb: the peer's memory, identity mapped
 * @iotlb_lock: taken by vringh around @iotlb lookups
 * @vq: the queues
 * @wq: where queue work runs; NULL once stopped (RCU)
 * @notify_pending: notifications to (re)send: queue bits, then config
 * @notify_work: sends notifications the channel had no room for, once
 *	the peer made room
 * @errors: bad messages, requests and ring errors from the peer
 */
struct ikc_vbe {
	struct ikc_vbe_desc desc;
	struct ikc_device *idev;
	char label[24];
	void *priv;

	struct mutex lock;		/* control state */
	bool peer_gone;
	u8 status;
	atomic_t needs_reset;
	u64 features;
	atomic_t generation;
	struct vhost_iotlb *iotlb;
	spinlock_t iotlb_lock;		/* for vringh's lookups */
	struct ikc_vbe_queue *vq;
	struct workqueue_struct __rcu *wq;

	DECLARE_BITMAP(notify_pending, VIRTIO_IKC_MAX_QUEUES + 1);
	struct work_struct notify_work;
	atomic_long_t errors;
};

/**
 * ikc_vbe_kiov_bytes() - bytes left in a chain's readable or writable part
 * @iov: q->riov or q->wiov after vringh_getdesc_iotlb()
 *
 * Return: the sum of its lengths from the current entry on.
 */
static inline size_t ikc_vbe_kiov_bytes(const struct vringh_kiov *iov)
{
	size_t n = 0;
	unsigned int i;

	for (i = iov->i; i < iov->used; i++)
		n += iov->iov[i].iov_len;
	return n;
}

int ikc_vbe_init(struct ikc_vbe *vbe, struct ikc_device *idev,
		 const struct ikc_vbe_desc *desc, void *priv);
void ikc_vbe_stop(struct ikc_vbe *vbe);
void ikc_vbe_destroy(struct ikc_vbe *vbe);
void ikc_vbe_rx(struct ikc_vbe *vbe);
void ikc_vbe_tx_room(struct ikc_vbe *vbe);
void ikc_vbe_peer_event(struct ikc_vbe *vbe, bool up);

bool ikc_vbe_defer(struct ikc_vbe *vbe, struct work_struct *work);
void ikc_vbe_kick(struct ikc_vbe *vbe, unsigned int index);
int ikc_vbe_complete(struct ikc_vbe_queue *q, u16 head, u32 len);
int ikc_vbe_complete_multi(struct ikc_vbe_queue *q,
			   const struct vring_used_elem *used, unsigned int nr);
void ikc_vbe_queue_notify(struct ikc_vbe_queue *q);
void ikc_vbe_notify_disable(struct ikc_vbe_queue *q);
bool ikc_vbe_notify_enable(struct ikc_vbe_queue *q);
void ikc_vbe_fail(struct ikc_vbe *vbe, const char *what, int err);
void ikc_vbe_peer_error(struct ikc_vbe *vbe, const char *what, int err);
void ikc_vbe_config_changed(struct ikc_vbe *vbe);
bool ikc_vbe_has_feature(struct ikc_vbe *vbe, unsigned int bit);
bool ikc_vbe_range_ok(struct ikc_vbe *vbe, u64 addr, u64 len);
int ikc_vbe_parse_list(const char *text, unsigned int max,
		       int (*parse)(char *word, unsigned int i, void *arg),
		       void *arg, unsigned int *nr);

#endif /* _DRIVERS_VIRT_IKC_VIRTIO_BACKEND_H */

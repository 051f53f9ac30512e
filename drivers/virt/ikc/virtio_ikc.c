// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio over IKC: the front end.  A virtio transport whose device lives
 * in another kernel, reached through an IKC_SVC_VIRTIO channel (see
 * <linux/multikernel/virtio_ikc.h>).  The vrings are ordinary guest memory handed to the
 * device by physical address; the control plane and the notifications
 * are IKC messages.
 *
 * The peer is not trusted: every response is checked for its tag, type,
 * length and values, and a peer that stops answering or goes away breaks
 * the device rather than hanging its driver.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/hardirq.h>
#include <linux/ikc.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/multikernel/virtio_ikc.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/workqueue.h>

/*
 * How long the front end waits for a response from a back end that is
 * still up (a peer going down ends the wait at once).  Generous: the
 * back end answers from a work item of a kernel that may be loaded.
 */
#define VIRTIO_IKC_TIMEOUT_MS	30000
#define VI_TIMEOUT		msecs_to_jiffies(VIRTIO_IKC_TIMEOUT_MS)

/* Transport feature bits the device may offer through us. */
#define VI_TRANSPORT_FEATURES	(BIT_ULL(VIRTIO_F_VERSION_1) |		\
				 BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |	\
				 BIT_ULL(VIRTIO_RING_F_EVENT_IDX))
#define VI_TRANSPORT_MASK	GENMASK_ULL(VIRTIO_TRANSPORT_F_END - 1,	\
					    VIRTIO_TRANSPORT_F_START)

#define VI_STATUS_BITS		(VIRTIO_CONFIG_S_ACKNOWLEDGE |		\
				 VIRTIO_CONFIG_S_DRIVER |		\
				 VIRTIO_CONFIG_S_DRIVER_OK |		\
				 VIRTIO_CONFIG_S_FEATURES_OK |		\
				 VIRTIO_CONFIG_S_NEEDS_RESET |		\
				 VIRTIO_CONFIG_S_FAILED)

/* vi->flags */
enum {
	VI_SETUP_QUEUED,	/* setup_work was queued once */
	VI_REGISTERED,		/* the virtio device is registered */
	VI_REG_FAILED,		/* registration failed; we hold its ref */
	VI_CONFIG_PENDING,	/* config change before registration */
};

/**
 * struct vi_pending - the request in flight, completed by the rx path
 * @active: a request waits for its response
 * @tag: its tag
 * @type: the response type expected
 * @buf: where the response goes
 * @len: its exact size
 * @result: 0, or why the request failed
 * @done: completed by the rx path or a failure
 */
struct vi_pending {
	bool active;
	u32 tag;
	u16 type;
	void *buf;
	size_t len;
	int result;
	struct completion done;
};

/**
 * struct virtio_ikc - one virtio device over an IKC channel
 * @vdev: the virtio device; its release frees this structure
 * @idev: the channel
 * @flags: VI_*
 * @broken: the peer is gone or misbehaved; every request fails
 * @setup_work: registers the virtio device once the peer is up
 * @req_lock: one request at a time
 * @pend_lock: protects @pend and @next_tag against the rx path
 * @pend: the request in flight
 * @next_tag: the last tag used
 * @num_queues: virtqueues the device has
 * @config_len: size of its config space
 * @status: the status bits the driver set
 * @generation: the last config generation seen
 * @vqs_lock: protects @vqs against the rx path; held across callbacks
 * @vqs: the virtqueues by index
 * @kick_work: sends kicks that could not be sent from their context
 * @kick_pending: queues whose kick is deferred
 * @errors: malformed messages from the peer
 */
struct virtio_ikc {
	struct virtio_device vdev;
	struct ikc_device *idev;
	unsigned long flags;
	bool broken;
	struct work_struct setup_work;

	struct mutex req_lock;		/* one request in flight */
	spinlock_t pend_lock;		/* @pend, @next_tag vs. rx */
	struct vi_pending pend;
	u32 next_tag;

	unsigned int num_queues;
	unsigned int config_len;
	u8 status;
	u32 generation;

	spinlock_t vqs_lock;		/* @vqs vs. rx and callbacks */
	struct virtqueue *vqs[VIRTIO_IKC_MAX_QUEUES];
	struct work_struct kick_work;
	DECLARE_BITMAP(kick_pending, VIRTIO_IKC_MAX_QUEUES);

	atomic_t errors;
};

#define to_vi(_vdev)	container_of(_vdev, struct virtio_ikc, vdev)

static void vi_peer_error(struct virtio_ikc *vi, const char *what, u16 type)
{
	atomic_inc(&vi->errors);
	dev_warn_ratelimited(&vi->idev->dev, "bad %s from peer (type %#x)\n",
			     what, type);
}

/*
 * The device is unusable: fail the request in flight and any later one,
 * and break the virtqueues so that drivers polling them give up.
 */
static void vi_fail(struct virtio_ikc *vi, int err)
{
	unsigned long flags;

	if (!READ_ONCE(vi->broken))
		dev_warn(&vi->idev->dev, "virtio device broken (%d)\n", err);
	WRITE_ONCE(vi->broken, true);
	/* Pairs with the barrier in vi_setup_work() after VI_REGISTERED. */
	smp_mb();

	spin_lock_irqsave(&vi->pend_lock, flags);
	if (vi->pend.active) {
		vi->pend.active = false;
		vi->pend.result = err;
		complete(&vi->pend.done);
	}
	spin_unlock_irqrestore(&vi->pend_lock, flags);

	if (test_bit(VI_REGISTERED, &vi->flags))
		virtio_break_device(&vi->vdev);
}

static int vi_resp_status(const struct virtio_ikc_resp_hdr *hdr)
{
	switch (le32_to_cpu(hdr->status)) {
	case VIRTIO_IKC_S_OK:
		return 0;
	case VIRTIO_IKC_S_UNSUPP:
		return -EOPNOTSUPP;
	case VIRTIO_IKC_S_STATE:
		return -EBUSY;
	case VIRTIO_IKC_S_NOMEM:
		return -ENOMEM;
	case VIRTIO_IKC_S_FAULT:
		return -EFAULT;
	default:
		return -EINVAL;
	}
}

/*
 * Send a request and wait for its response, which must be exactly
 * @resp_len bytes (a bare header is accepted for a failure).  Returns 0,
 * the device's error, or a transport error; a timeout breaks the device.
 */
static int vi_request(struct virtio_ikc *vi, u16 type, const void *req,
		      size_t req_len, void *resp, size_t resp_len)
{
	struct vi_pending *p = &vi->pend;
	u32 tag;
	int ret;

	might_sleep();

	mutex_lock(&vi->req_lock);
	if (READ_ONCE(vi->broken)) {
		ret = -EIO;
		goto out;
	}

	spin_lock_irq(&vi->pend_lock);
	/* Tag 0 is for notifications. */
	tag = ++vi->next_tag;
	if (!tag)
		tag = ++vi->next_tag;
	p->tag = tag;
	p->type = type | VIRTIO_IKC_RESPONSE;
	p->buf = resp;
	p->len = resp_len;
	p->result = -EIO;
	reinit_completion(&p->done);
	p->active = true;
	spin_unlock_irq(&vi->pend_lock);

	ret = ikc_send_timeout(vi->idev, type, tag, req, req_len, VI_TIMEOUT);
	if (!ret)
		wait_for_completion_timeout(&p->done, VI_TIMEOUT);

	spin_lock_irq(&vi->pend_lock);
	if (p->active) {
		/* Not answered: from now on a late response is dropped. */
		p->active = false;
		if (!ret)
			ret = -ETIMEDOUT;
	} else {
		ret = p->result;
	}
	spin_unlock_irq(&vi->pend_lock);

	if (ret == -ETIMEDOUT || ret == -EAGAIN || ret == -ENOTCONN ||
	    ret == -EPROTO)
		vi_fail(vi, ret);
out:
	mutex_unlock(&vi->req_lock);
	return ret;
}

static void vi_rx_response(struct virtio_ikc *vi,
			   const struct ikc_msg_info *info, const void *buf)
{
	const struct virtio_ikc_resp_hdr *hdr = buf;
	struct vi_pending *p = &vi->pend;
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&vi->pend_lock, flags);
	if (p->active && p->tag == info->tag && p->type == info->type) {
		if (info->len == p->len) {
			memcpy(p->buf, buf, p->len);
			p->result = vi_resp_status(hdr);
			ok = true;
		} else if (info->len == sizeof(*hdr) &&
			   le32_to_cpu(hdr->status) != VIRTIO_IKC_S_OK) {
			p->result = vi_resp_status(hdr);
			ok = true;
		} else {
			p->result = -EPROTO;
		}
		p->active = false;
		complete(&p->done);
	}
	spin_unlock_irqrestore(&vi->pend_lock, flags);

	/* A late response to a timed-out request also lands here. */
	if (!ok)
		vi_peer_error(vi, "response", info->type);
}

static void vi_rx_used(struct virtio_ikc *vi, const struct ikc_msg_info *info,
		       const struct virtio_ikc_notify *n)
{
	unsigned int index = le16_to_cpu(n->index);
	struct virtqueue *vq;
	unsigned long flags;

	if (info->len != sizeof(*n) || index >= vi->num_queues) {
		vi_peer_error(vi, "used notification", info->type);
		return;
	}

	/*
	 * Virtio drivers expect their callbacks with interrupts off, as from
	 * a device interrupt; vqs_lock also lets del_vqs wait for them.  The
	 * softirq a callback raises here, in a work item (a network driver's
	 * NAPI poll), runs in ksoftirqd, in parallel with this channel's next
	 * messages: running it inline, with bottom halves off around the call,
	 * took twice as long to stream 64 MiB into a partition.
	 */
	spin_lock_irqsave(&vi->vqs_lock, flags);
	vq = vi->vqs[index];
	if (vq)
		vring_interrupt(0, vq);
	spin_unlock_irqrestore(&vi->vqs_lock, flags);
}

static void vi_rx_config(struct virtio_ikc *vi, const struct ikc_msg_info *info,
			 const struct virtio_ikc_config_changed *c)
{
	if (info->len != sizeof(*c)) {
		vi_peer_error(vi, "config notification", info->type);
		return;
	}
	WRITE_ONCE(vi->generation, le32_to_cpu(c->generation));

	set_bit(VI_CONFIG_PENDING, &vi->flags);
	/* Before registration, vi_setup_work() delivers it. */
	smp_mb__after_atomic();
	if (test_bit(VI_REGISTERED, &vi->flags) &&
	    test_and_clear_bit(VI_CONFIG_PENDING, &vi->flags))
		virtio_config_changed(&vi->vdev);
}

static void vi_rx(struct ikc_device *idev)
{
	struct virtio_ikc *vi = dev_get_drvdata(&idev->dev);
	union {
		struct virtio_ikc_notify notify;
		struct virtio_ikc_config_changed config;
		u8 raw[VIRTIO_IKC_MSG_MAX];
	} buf;
	struct ikc_msg_info info;
	int ret;

	for (;;) {
		ret = ikc_recv(idev, &info, &buf, sizeof(buf));
		if (ret == -EAGAIN)
			break;
		if (ret == -EMSGSIZE) {
			vi_peer_error(vi, "message size", info.type);
			continue;
		}
		if (ret) {
			vi_fail(vi, ret);
			break;
		}
		if (info.len > sizeof(buf) || (info.flags & IKC_MSG_PAGES)) {
			vi_peer_error(vi, "message", info.type);
			continue;
		}

		if (info.type & VIRTIO_IKC_RESPONSE)
			vi_rx_response(vi, &info, &buf);
		else if (info.type == VIRTIO_IKC_USED)
			vi_rx_used(vi, &info, &buf.notify);
		else if (info.type == VIRTIO_IKC_CONFIG_CHANGED)
			vi_rx_config(vi, &info, &buf.config);
		else
			vi_peer_error(vi, "message type", info.type);
		cond_resched();
	}
}

static int vi_send_kick(struct virtio_ikc *vi, unsigned int index,
			unsigned long timeout)
{
	struct virtio_ikc_notify n = { .index = cpu_to_le16(index) };

	if (timeout)
		return ikc_send_timeout(vi->idev, VIRTIO_IKC_KICK, 0, &n,
					sizeof(n), timeout);
	/* While the last kick of the queue is unread, it covers this one. */
	return ikc_send_event(vi->idev, index, VIRTIO_IKC_KICK, 0, &n,
			      sizeof(n));
}

static void vi_kick_work(struct work_struct *work)
{
	struct virtio_ikc *vi = container_of(work, struct virtio_ikc,
					     kick_work);
	unsigned int index;
	int ret;

	for_each_set_bit(index, vi->kick_pending, VIRTIO_IKC_MAX_QUEUES) {
		if (!test_and_clear_bit(index, vi->kick_pending))
			continue;
		if (READ_ONCE(vi->broken))
			continue;
		ret = vi_send_kick(vi, index, VI_TIMEOUT);
		/* A peer that leaves its ring full this long is stuck. */
		if (ret)
			vi_fail(vi, ret);
	}
}

/*
 * virtqueue_kick() comes with spinlocks held and interrupts off, then the
 * hvc console spins until the device used the buffer: the kick must go at
 * once, from hard irq too (the console prints from irq_work, and a work
 * item could only run on another CPU, which may be spinning on the same
 * port's lock).  Only from NMI or on a full ring is it deferred.
 */
static bool vi_notify(struct virtqueue *vq)
{
	struct virtio_ikc *vi = to_vi(vq->vdev);
	int ret;

	if (READ_ONCE(vi->broken))
		return false;

	if (!in_nmi()) {
		ret = vi_send_kick(vi, vq->index, 0);
		if (!ret)
			return true;
		if (ret != -EAGAIN)
			return false;
	}

	set_bit(vq->index, vi->kick_pending);
	queue_work(system_unbound_wq, &vi->kick_work);
	return true;
}

static u64 vi_get_features(struct virtio_device *vdev)
{
	struct virtio_ikc *vi = to_vi(vdev);
	struct virtio_ikc_features_resp resp;
	u64 features;

	if (vi_request(vi, VIRTIO_IKC_GET_FEATURES, NULL, 0, &resp,
		       sizeof(resp)))
		return 0;

	/*
	 * Only the transport features this transport implements: no
	 * ACCESS_PLATFORM (rings carry physical addresses), no packed ring
	 * (vringh), no notification data, queue reset or platform ordering
	 * (the rings are shared between CPUs: SMP barriers suffice).
	 */
	features = le64_to_cpu(resp.features);
	return (features & ~VI_TRANSPORT_MASK) |
	       (features & VI_TRANSPORT_FEATURES);
}

static int vi_finalize_features(struct virtio_device *vdev)
{
	struct virtio_ikc *vi = to_vi(vdev);
	struct virtio_ikc_features_req req;
	struct virtio_ikc_resp_hdr resp;

	vring_transport_features(vdev);

	/* The protocol is little endian: legacy devices are not spoken. */
	if (!__virtio_test_bit(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev, "device lacks VIRTIO_F_VERSION_1\n");
		return -EINVAL;
	}

	req.features = cpu_to_le64(vdev->features);
	return vi_request(vi, VIRTIO_IKC_SET_FEATURES, &req, sizeof(req),
			  &resp, sizeof(resp));
}

/* The driver asks within the config space the device gave its size of. */
static bool vi_config_range_ok(struct virtio_ikc *vi, unsigned int offset,
			       unsigned int len, const char *what)
{
	if (offset <= vi->config_len && len <= vi->config_len - offset)
		return true;
	dev_warn_once(&vi->vdev.dev, "config %s %u+%u out of range\n", what,
		      offset, len);
	return false;
}

static void vi_get(struct virtio_device *vdev, unsigned int offset,
		   void *buf, unsigned int len)
{
	struct virtio_ikc *vi = to_vi(vdev);
	struct virtio_ikc_config_read_resp resp;
	struct virtio_ikc_config_read_req req = {};
	unsigned int n;

	/* Whatever fails reads as zeroes, like an absent register. */
	memset(buf, 0, len);
	if (!vi_config_range_ok(vi, offset, len, "read"))
		return;

	while (len) {
		n = min(len, VIRTIO_IKC_CONFIG_CHUNK);
		req.offset = cpu_to_le16(offset);
		req.len = cpu_to_le16(n);
		if (vi_request(vi, VIRTIO_IKC_CONFIG_READ, &req, sizeof(req),
			       &resp, sizeof(resp)))
			return;
		memcpy(buf, resp.data, n);
		WRITE_ONCE(vi->generation, le32_to_cpu(resp.generation));
		buf += n;
		offset += n;
		len -= n;
	}
}

static void vi_set(struct virtio_device *vdev, unsigned int offset,
		   const void *buf, unsigned int len)
{
	struct virtio_ikc *vi = to_vi(vdev);
	struct virtio_ikc_config_write_req req = {};
	struct virtio_ikc_resp_hdr resp;
	unsigned int n;

	if (!vi_config_range_ok(vi, offset, len, "write"))
		return;

	while (len) {
		n = min(len, VIRTIO_IKC_CONFIG_CHUNK);
		req.offset = cpu_to_le16(offset);
		req.len = cpu_to_le16(n);
		memset(req.data, 0, sizeof(req.data));
		memcpy(req.data, buf, n);
		if (vi_request(vi, VIRTIO_IKC_CONFIG_WRITE, &req, sizeof(req),
			       &resp, sizeof(resp)))
			return;
		buf += n;
		offset += n;
		len -= n;
	}
}

static u32 vi_generation(struct virtio_device *vdev)
{
	struct virtio_ikc *vi = to_vi(vdev);
	struct virtio_ikc_value_resp resp;

	if (vi_request(vi, VIRTIO_IKC_GET_GENERATION, NULL, 0, &resp,
		       sizeof(resp)))
		return READ_ONCE(vi->generation);
	WRITE_ONCE(vi->generation, le32_to_cpu(resp.value));
	return le32_to_cpu(resp.value);
}

static u8 vi_get_status(struct virtio_device *vdev)
{
	struct virtio_ikc *vi = to_vi(vdev);
	struct virtio_ikc_value_resp resp;

	/*
	 * A dead device needs a reset and never accepted features.  A reset
	 * cannot reach it, and there is nothing left to wait for: once the
	 * driver asked for one, it reads as reset (virtio core checks that
	 * on remove).
	 */
	if (vi_request(vi, VIRTIO_IKC_GET_STATUS, NULL, 0, &resp,
		       sizeof(resp)))
		return vi->status ? VIRTIO_CONFIG_S_NEEDS_RESET |
				    VIRTIO_CONFIG_S_FAILED : 0;

	/* The device may clear bits, or ask for a reset; nothing more. */
	return le32_to_cpu(resp.value) & VI_STATUS_BITS &
	       (vi->status | VIRTIO_CONFIG_S_NEEDS_RESET);
}

static int vi_write_status(struct virtio_ikc *vi, u8 status)
{
	struct virtio_ikc_status_req req = { .status = status };
	struct virtio_ikc_resp_hdr resp;

	vi->status = status;
	return vi_request(vi, VIRTIO_IKC_SET_STATUS, &req, sizeof(req),
			  &resp, sizeof(resp));
}

static void vi_set_status(struct virtio_device *vdev, u8 status)
{
	/* virtio core never writes 0 here; reset does. */
	WARN_ON_ONCE(!status);
	vi_write_status(to_vi(vdev), status);
}

static void vi_reset(struct virtio_device *vdev)
{
	/* The device answers once it has let go of the rings. */
	vi_write_status(to_vi(vdev), 0);
}

static int vi_queue_disable(struct virtio_ikc *vi, unsigned int index)
{
	struct virtio_ikc_queue_req req = { .index = cpu_to_le16(index) };
	struct virtio_ikc_resp_hdr resp;

	return vi_request(vi, VIRTIO_IKC_QUEUE_DISABLE, &req, sizeof(req),
			  &resp, sizeof(resp));
}

static void vi_del_vq(struct virtio_ikc *vi, struct virtqueue *vq)
{
	unsigned int index = vq->index;

	/*
	 * If the device cannot be told (peer gone), its memory access to
	 * the ring ends with the peer; a live peer has answered.
	 */
	vi_queue_disable(vi, index);

	spin_lock_irq(&vi->vqs_lock);
	vi->vqs[index] = NULL;
	spin_unlock_irq(&vi->vqs_lock);

	vring_del_virtqueue(vq);
}

static void vi_del_vqs(struct virtio_device *vdev)
{
	struct virtio_ikc *vi = to_vi(vdev);
	struct virtqueue *vq, *n;

	list_for_each_entry_safe(vq, n, &vdev->vqs, list)
		vi_del_vq(vi, vq);

	cancel_work_sync(&vi->kick_work);
	bitmap_zero(vi->kick_pending, VIRTIO_IKC_MAX_QUEUES);
}

static void vi_synchronize_cbs(struct virtio_device *vdev)
{
	struct virtio_ikc *vi = to_vi(vdev);

	/* Callbacks run under vqs_lock. */
	spin_lock_irq(&vi->vqs_lock);
	spin_unlock_irq(&vi->vqs_lock);
}

static struct virtqueue *vi_setup_vq(struct virtio_ikc *vi,
				     unsigned int index,
				     struct virtqueue_info *info)
{
	struct virtio_ikc_queue_req qreq = { .index = cpu_to_le16(index) };
	struct virtio_ikc_queue_setup_req sreq = {};
	struct virtio_ikc_queue_info_resp qresp;
	struct virtio_ikc_resp_hdr resp;
	struct virtqueue *vq;
	unsigned int num;
	int err;

	if (index >= vi->num_queues)
		return ERR_PTR(-ENOENT);

	err = vi_request(vi, VIRTIO_IKC_QUEUE_INFO, &qreq, sizeof(qreq),
			 &qresp, sizeof(qresp));
	if (err)
		return ERR_PTR(err);

	num = le16_to_cpu(qresp.max_size);
	if (!num)
		return ERR_PTR(-ENOENT);
	if (le16_to_cpu(qresp.enabled))
		return ERR_PTR(-EBUSY);
	/* Split rings are a power of two; never trust the device's size. */
	num = rounddown_pow_of_two(min(num, VIRTIO_IKC_MAX_QUEUE_SIZE));

	vq = vring_create_virtqueue(index, num, SMP_CACHE_BYTES, &vi->vdev,
				    true, true, info->ctx, vi_notify,
				    info->callback, info->name);
	if (!vq)
		return ERR_PTR(-ENOMEM);
	vq->num_max = num;

	sreq.index = cpu_to_le16(index);
	sreq.num = cpu_to_le16(virtqueue_get_vring_size(vq));
	sreq.desc = cpu_to_le64(virtqueue_get_desc_addr(vq));
	sreq.avail = cpu_to_le64(virtqueue_get_avail_addr(vq));
	sreq.used = cpu_to_le64(virtqueue_get_used_addr(vq));
	err = vi_request(vi, VIRTIO_IKC_QUEUE_SETUP, &sreq, sizeof(sreq),
			 &resp, sizeof(resp));
	if (err) {
		vring_del_virtqueue(vq);
		return ERR_PTR(err);
	}

	spin_lock_irq(&vi->vqs_lock);
	vi->vqs[index] = vq;
	spin_unlock_irq(&vi->vqs_lock);
	return vq;
}

static int vi_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
		       struct virtqueue *vqs[],
		       struct virtqueue_info vqs_info[],
		       struct irq_affinity *desc)
{
	struct virtio_ikc *vi = to_vi(vdev);
	unsigned int i, index = 0;

	for (i = 0; i < nvqs; i++) {
		if (!vqs_info[i].name) {
			vqs[i] = NULL;
			continue;
		}
		vqs[i] = vi_setup_vq(vi, index++, &vqs_info[i]);
		if (IS_ERR(vqs[i])) {
			int err = PTR_ERR(vqs[i]);

			vi_del_vqs(vdev);
			return err;
		}
	}
	return 0;
}

static const char *vi_bus_name(struct virtio_device *vdev)
{
	return dev_name(&to_vi(vdev)->idev->dev);
}

static const struct virtio_config_ops vi_config_ops = {
	.get			= vi_get,
	.set			= vi_set,
	.generation		= vi_generation,
	.get_status		= vi_get_status,
	.set_status		= vi_set_status,
	.reset			= vi_reset,
	.find_vqs		= vi_find_vqs,
	.del_vqs		= vi_del_vqs,
	.synchronize_cbs	= vi_synchronize_cbs,
	.get_features		= vi_get_features,
	.finalize_features	= vi_finalize_features,
	.bus_name		= vi_bus_name,
};

static void vi_release(struct device *dev)
{
	struct virtio_device *vdev = dev_to_virtio(dev);

	kfree(to_vi(vdev));
}

/* Check the device against the channel before exposing it. */
static int vi_get_info(struct virtio_ikc *vi)
{
	struct virtio_ikc_info_resp resp;
	u32 device_id;
	int ret;

	ret = vi_request(vi, VIRTIO_IKC_GET_INFO, NULL, 0, &resp,
			 sizeof(resp));
	if (ret)
		return ret;

	device_id = le32_to_cpu(resp.device_id);
	vi->num_queues = le16_to_cpu(resp.num_queues);
	vi->config_len = le16_to_cpu(resp.config_len);
	if (le16_to_cpu(resp.version) != VIRTIO_IKC_VERSION ||
	    !device_id || device_id != vi->idev->arg ||
	    !vi->num_queues || vi->num_queues > VIRTIO_IKC_MAX_QUEUES ||
	    vi->config_len > VIRTIO_IKC_MAX_CONFIG) {
		dev_err(&vi->idev->dev,
			"unusable device: version %u id %u queues %u config %u\n",
			le16_to_cpu(resp.version), device_id, vi->num_queues,
			vi->config_len);
		return -ENODEV;
	}

	vi->vdev.id.device = device_id;
	vi->vdev.id.vendor = le32_to_cpu(resp.vendor_id);
	return 0;
}

static void vi_setup_work(struct work_struct *work)
{
	struct virtio_ikc *vi = container_of(work, struct virtio_ikc,
					     setup_work);
	int ret;

	ret = vi_get_info(vi);
	if (ret)
		return;

	ret = register_virtio_device(&vi->vdev);
	if (ret) {
		/* Initialized: only put_device() frees it, in remove. */
		set_bit(VI_REG_FAILED, &vi->flags);
		dev_err(&vi->idev->dev, "cannot register virtio device: %d\n",
			ret);
		return;
	}

	set_bit(VI_REGISTERED, &vi->flags);
	/* Pairs with the barrier in vi_fail(). */
	smp_mb__after_atomic();
	if (READ_ONCE(vi->broken))
		virtio_break_device(&vi->vdev);
	if (test_and_clear_bit(VI_CONFIG_PENDING, &vi->flags))
		virtio_config_changed(&vi->vdev);
}

/*
 * Devices register one at a time, in the order their channels came up
 * (the order of the partition's slots): a partition's disks are vda,
 * vdb, ... as the host listed them, not as their handshakes happened to
 * end.
 */
static struct workqueue_struct *vi_setup_wq;

static void vi_start(struct virtio_ikc *vi)
{
	/* Register from a work item: it needs rx to run meanwhile. */
	if (!test_and_set_bit(VI_SETUP_QUEUED, &vi->flags))
		queue_work(vi_setup_wq, &vi->setup_work);
}

static int vi_probe(struct ikc_device *idev)
{
	struct virtio_ikc *vi;

	if (idev->arg == IKC_ANY_ARG || !idev->arg)
		return -ENODEV;

	vi = kzalloc(sizeof(*vi), GFP_KERNEL);
	if (!vi)
		return -ENOMEM;

	vi->idev = idev;
	vi->vdev.dev.parent = &idev->dev;
	vi->vdev.dev.release = vi_release;
	vi->vdev.config = &vi_config_ops;
	INIT_WORK(&vi->setup_work, vi_setup_work);
	INIT_WORK(&vi->kick_work, vi_kick_work);
	mutex_init(&vi->req_lock);
	spin_lock_init(&vi->pend_lock);
	init_completion(&vi->pend.done);
	spin_lock_init(&vi->vqs_lock);
	dev_set_drvdata(&idev->dev, vi);

	if (ikc_peer_is_up(idev))
		vi_start(vi);
	return 0;
}

static void vi_remove(struct ikc_device *idev)
{
	struct virtio_ikc *vi = dev_get_drvdata(&idev->dev);

	cancel_work_sync(&vi->setup_work);

	/* The virtio driver's remove resets the device while rx still runs. */
	if (test_bit(VI_REGISTERED, &vi->flags)) {
		get_device(&vi->vdev.dev);
		unregister_virtio_device(&vi->vdev);
		ikc_stop_rx(idev);
		put_device(&vi->vdev.dev);
	} else if (test_bit(VI_REG_FAILED, &vi->flags)) {
		ikc_stop_rx(idev);
		put_device(&vi->vdev.dev);
	} else {
		ikc_stop_rx(idev);
		cancel_work_sync(&vi->kick_work);
		kfree(vi);
	}
	dev_set_drvdata(&idev->dev, NULL);
}

static void vi_peer_event(struct ikc_device *idev, bool up)
{
	struct virtio_ikc *vi = dev_get_drvdata(&idev->dev);

	if (up)
		vi_start(vi);
	else
		vi_fail(vi, -ENOTCONN);
}

static const struct ikc_device_id vi_ids[] = {
	{ .service = IKC_SVC_VIRTIO, .role = IKC_ROLE_CLIENT,
	  .arg = IKC_ANY_ARG },
	{ }
};

static struct ikc_driver vi_driver = {
	.driver.name	= "virtio_ikc",
	.id_table	= vi_ids,
	.probe		= vi_probe,
	.remove		= vi_remove,
	.rx		= vi_rx,
	.peer_event	= vi_peer_event,
};

static int __init vi_init(void)
{
	int ret;

	vi_setup_wq = alloc_ordered_workqueue("virtio-ikc-setup", 0);
	if (!vi_setup_wq)
		return -ENOMEM;
	ret = ikc_register_driver(&vi_driver);
	if (ret)
		destroy_workqueue(vi_setup_wq);
	return ret;
}
module_init(vi_init);

static void __exit vi_exit(void)
{
	ikc_unregister_driver(&vi_driver);
	destroy_workqueue(vi_setup_wq);
}
module_exit(vi_exit);

MODULE_DESCRIPTION("virtio transport over IKC");
MODULE_LICENSE("GPL");

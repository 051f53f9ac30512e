// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio over IKC: the back end of a virtio console, in the kernel that
 * offers it.  The front end (a partition kernel's virtio_console, hvc0)
 * keeps its vrings in its own memory; this side reads and writes them with
 * vringh through an IOTLB that maps exactly the peer's memory, so every
 * address the peer hands over is checked before it is touched.  The
 * console shows up here as a tty, /dev/ttyIKC<n>.
 *
 * Queue 0 (receiveq) carries what is written to the tty to the front end;
 * queue 1 (transmitq) carries the front end's output to the tty, or, while
 * the tty is closed, to a 64 KiB log replayed on the next open.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/ikc.h>
#include <linux/kfifo.h>
#include <linux/module.h>
#include <linux/multikernel/virtio_ikc.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>
#include <linux/vhost_iotlb.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>
#include <linux/vringh.h>
#include <linux/workqueue.h>

#define VCON_MAX_LINES		16
#define VCON_RX_QUEUE		0	/* receiveq: tty -> front end */
#define VCON_TX_QUEUE		1	/* transmitq: front end -> tty */
#define VCON_NR_QUEUES		2
#define VCON_NOTIFY_CONFIG	VCON_NR_QUEUES	/* bit in notify_pending */
#define VCON_QUEUE_SIZE		256
#define VCON_LOG_SIZE		SZ_64K	/* output kept while the tty is closed */
#define VCON_MAX_RANGES		256	/* of peer memory in the iotlb */
#define VCON_IN_SIZE		SZ_4K	/* input not yet taken by the peer */
#define VCON_CHUNK		256
#define VCON_BUDGET		64	/* chains per pass, then yield */
#define VCON_MAX_CHAIN		SZ_64K	/* bytes taken from one chain */
#define VCON_SEND_TIMEOUT	(HZ / 2)
#define VCON_VENDOR_ID		0x00434b49	/* "IKC" */

#define VCON_FEATURES		(BIT_ULL(VIRTIO_F_VERSION_1) |		\
				 BIT_ULL(VIRTIO_CONSOLE_F_SIZE))

/**
 * struct vcon_queue - the device side of one virtqueue
 * @vrh: vringh state, valid while @ready
 * @iov: descriptors of the chain being handled
 * @kvec: @iov's first entries
 * @ready: set up by the front end and not disabled since
 */
struct vcon_queue {
	struct vringh vrh;
	struct vringh_kiov iov;
	struct kvec kvec[8];
	bool ready;
};

/**
 * struct vcon - one virtio console back end
 * @port: the tty port; its reference count decides when this is freed
 * @index: tty line
 * @removed: the IKC device is gone; no new opens
 * @lock: protects everything below but @in and @errors
 * @idev: the channel, NULL once removed
 * @peer_gone: the peer went down; nothing is sent or read any more
 * @status: virtio device status
 * @features: driver features
 * @generation: config generation
 * @cols: console width
 * @rows: console height
 * @iotlb: the peer's memory, identity mapped
 * @iotlb_lock: taken by vringh around @iotlb lookups
 * @vq: the two virtqueues
 * @notify_pending: notifications to (re)send: queue bits, VCON_NOTIFY_CONFIG
 * @tty_open: output goes to the tty rather than to @log
 * @log: output kept while the tty is closed; oldest bytes dropped first
 * @log_buf: @log's storage
 * @in_lock: serialises writers of @in
 * @in: tty input waiting for receiveq buffers
 * @work: moves data when the tty side asks, retries notifications
 * @errors: bad messages and ring errors from the peer
 */
struct vcon {
	struct tty_port port;
	unsigned int index;
	bool removed;

	struct mutex lock;		/* device state, rings, @log */
	struct ikc_device *idev;
	bool peer_gone;
	u8 status;
	u64 features;
	u32 generation;
	u16 cols;
	u16 rows;
	struct vhost_iotlb *iotlb;
	spinlock_t iotlb_lock;		/* for vringh's lookups */
	struct vcon_queue vq[VCON_NR_QUEUES];
	unsigned long notify_pending;
	bool tty_open;
	struct kfifo log;
	void *log_buf;

	spinlock_t in_lock;		/* writers of @in */
	struct kfifo in;

	struct delayed_work work;
	atomic_long_t errors;
};

static struct tty_driver *vcon_tty_driver;
static DEFINE_MUTEX(vcon_table_lock);
static struct vcon *vcon_table[VCON_MAX_LINES];

static void vcon_peer_error(struct vcon *vcon, const char *what, int type)
{
	atomic_long_inc(&vcon->errors);
	pr_warn_ratelimited("ttyIKC%u: bad %s from peer (%d)\n", vcon->index,
			    what, type);
}

static bool vcon_connected(struct vcon *vcon)
{
	lockdep_assert_held(&vcon->lock);
	return vcon->idev && !vcon->peer_gone;
}

static void vcon_flush_notify_locked(struct vcon *vcon)
{
	struct virtio_ikc_config_changed cfg = {};
	struct virtio_ikc_notify n = {};
	unsigned int bit;
	int ret;

	if (!vcon_connected(vcon)) {
		vcon->notify_pending = 0;
		return;
	}

	for_each_set_bit(bit, &vcon->notify_pending, VCON_NR_QUEUES + 1) {
		if (bit == VCON_NOTIFY_CONFIG) {
			cfg.generation = cpu_to_le32(vcon->generation);
			ret = ikc_send(vcon->idev, VIRTIO_IKC_CONFIG_CHANGED, 0,
				       &cfg, sizeof(cfg));
		} else {
			n.index = cpu_to_le16(bit);
			ret = ikc_send(vcon->idev, VIRTIO_IKC_USED, 0, &n,
				       sizeof(n));
		}
		/* Never wait for the peer here: retry from the work. */
		if (ret == -EAGAIN) {
			queue_delayed_work(system_wq, &vcon->work, 1);
			return;
		}
		__clear_bit(bit, &vcon->notify_pending);
	}
}

/*
 * The peer handed over something unusable: stop using the rings until
 * it resets the device, and tell it so.
 */
static void vcon_fail_locked(struct vcon *vcon, const char *what, int err)
{
	vcon_peer_error(vcon, what, err);
	if (vcon->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return;
	vcon->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	vcon->generation++;
	__set_bit(VCON_NOTIFY_CONFIG, &vcon->notify_pending);
	vcon_flush_notify_locked(vcon);
}

static bool vcon_queue_usable(struct vcon *vcon, struct vcon_queue *q)
{
	return vcon_connected(vcon) && q->ready &&
	       (vcon->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	       !(vcon->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static void vcon_queue_used_locked(struct vcon *vcon, unsigned int index)
{
	int ret = vringh_need_notify_iotlb(&vcon->vq[index].vrh);

	if (ret < 0) {
		vcon_fail_locked(vcon, "used ring", ret);
		return;
	}
	if (ret) {
		__set_bit(index, &vcon->notify_pending);
		vcon_flush_notify_locked(vcon);
	}
}

static void vcon_queue_stop(struct vcon_queue *q)
{
	q->ready = false;
	vringh_kiov_cleanup(&q->iov);
}

/* Back to the state after a reset; the rings are no longer touched. */
static void vcon_reset_locked(struct vcon *vcon)
{
	unsigned int i;

	for (i = 0; i < VCON_NR_QUEUES; i++)
		vcon_queue_stop(&vcon->vq[i]);
	vcon->status = 0;
	vcon->features = 0;
	vcon->notify_pending = 0;
}

static void vcon_stop_locked(struct vcon *vcon)
{
	vcon_reset_locked(vcon);
	if (vcon->iotlb) {
		vhost_iotlb_free(vcon->iotlb);
		vcon->iotlb = NULL;
	}
}

/* Front end output: to the tty if open, else to the log. */
static bool vcon_output_locked(struct vcon *vcon, const u8 *buf, size_t len)
{
	unsigned int avail;

	if (vcon->tty_open)
		return tty_insert_flip_string(&vcon->port, buf, len) > 0;

	avail = kfifo_avail(&vcon->log);
	if (avail < len)
		kfifo_skip_count(&vcon->log, len - avail);
	kfifo_in(&vcon->log, buf, len);
	return false;
}

static void vcon_process_tx_locked(struct vcon *vcon)
{
	struct vcon_queue *q = &vcon->vq[VCON_TX_QUEUE];
	bool flip = false, used = false;
	u8 buf[VCON_CHUNK];
	unsigned int done;
	size_t total;
	ssize_t n;
	u16 head;
	int ret;

	if (!vcon_queue_usable(vcon, q))
		return;

	for (done = 0; done < VCON_BUDGET; done++) {
		/* Writable descriptors have no place here: -EPROTO. */
		ret = vringh_getdesc_iotlb(&q->vrh, &q->iov, NULL, &head,
					   GFP_KERNEL);
		if (!ret)
			break;
		if (ret < 0)
			goto fail;

		total = 0;
		while (total < VCON_MAX_CHAIN) {
			n = vringh_iov_pull_iotlb(&q->vrh, &q->iov, buf,
						  sizeof(buf));
			if (n <= 0)
				break;
			flip |= vcon_output_locked(vcon, buf, n);
			total += n;
		}
		if (n < 0) {
			ret = n;
			goto fail;
		}

		ret = vringh_complete_iotlb(&q->vrh, head, 0);
		if (ret)
			goto fail;
		used = true;
	}
	/* Let others run; the work item carries on. */
	if (done == VCON_BUDGET)
		mod_delayed_work(system_wq, &vcon->work, 0);

	if (flip)
		tty_flip_buffer_push(&vcon->port);
	if (used)
		vcon_queue_used_locked(vcon, VCON_TX_QUEUE);
	return;

fail:
	if (flip)
		tty_flip_buffer_push(&vcon->port);
	vcon_fail_locked(vcon, "transmitq", ret);
}

static void vcon_process_rx_locked(struct vcon *vcon)
{
	struct vcon_queue *q = &vcon->vq[VCON_RX_QUEUE];
	unsigned int done, len;
	bool used = false;
	u8 buf[VCON_CHUNK];
	size_t written;
	ssize_t n;
	u16 head;
	int ret;

	if (!vcon_queue_usable(vcon, q))
		return;

	/* Single consumer of @in: this runs under vcon->lock. */
	for (done = 0; done < VCON_BUDGET && !kfifo_is_empty(&vcon->in);
	     done++) {
		/* Readable descriptors have no place here: -EPROTO. */
		ret = vringh_getdesc_iotlb(&q->vrh, NULL, &q->iov, &head,
					   GFP_KERNEL);
		if (!ret)
			break;
		if (ret < 0)
			goto fail;

		written = 0;
		for (;;) {
			len = kfifo_out_peek(&vcon->in, buf, sizeof(buf));
			if (!len)
				break;
			n = vringh_iov_push_iotlb(&q->vrh, &q->iov, buf, len);
			if (n < 0) {
				ret = n;
				goto fail;
			}
			if (!n)
				break;
			kfifo_skip_count(&vcon->in, n);
			written += n;
		}

		ret = vringh_complete_iotlb(&q->vrh, head, written);
		if (ret)
			goto fail;
		used = true;
	}

	if (used) {
		tty_port_tty_wakeup(&vcon->port);
		vcon_queue_used_locked(vcon, VCON_RX_QUEUE);
	}
	if (done == VCON_BUDGET && !kfifo_is_empty(&vcon->in))
		mod_delayed_work(system_wq, &vcon->work, 0);
	return;

fail:
	vcon_fail_locked(vcon, "receiveq", ret);
}

static void vcon_work(struct work_struct *work)
{
	struct vcon *vcon = container_of(to_delayed_work(work), struct vcon,
					 work);

	mutex_lock(&vcon->lock);
	if (vcon_connected(vcon)) {
		vcon_flush_notify_locked(vcon);
		vcon_process_tx_locked(vcon);
		vcon_process_rx_locked(vcon);
	}
	mutex_unlock(&vcon->lock);
}

static int vcon_add_range(u64 start, u64 size, void *arg)
{
	u64 last;

	if (!size || check_add_overflow(start, size - 1, &last))
		return -EINVAL;
	/* Identity: the ring addresses are the peer's physical addresses. */
	return vhost_iotlb_add_range(arg, start, last, start, VHOST_MAP_RW);
}

static int vcon_build_iotlb_locked(struct vcon *vcon)
{
	struct vhost_iotlb *iotlb;
	int ret;

	if (vcon->iotlb)
		return 0;

	/* A partition is one range; a loopback peer, this kernel's RAM. */
	iotlb = vhost_iotlb_alloc(VCON_MAX_RANGES, 0);
	if (!iotlb)
		return -ENOMEM;
	ret = ikc_walk_peer_memory(vcon->idev, vcon_add_range, iotlb);
	if (ret) {
		vhost_iotlb_free(iotlb);
		return ret;
	}
	vcon->iotlb = iotlb;
	return 0;
}

/* Is [addr, addr + len) entirely in the peer's memory? */
static bool vcon_range_ok(struct vhost_iotlb *iotlb, u64 addr, u64 len)
{
	struct vhost_iotlb_map *map;
	u64 last;

	if (!len || check_add_overflow(addr, len - 1, &last))
		return false;

	for (;;) {
		map = vhost_iotlb_itree_first(iotlb, addr, last);
		if (!map || map->start > addr)
			return false;
		if (map->last >= last)
			return true;
		addr = map->last + 1;
	}
}

static u32 vcon_queue_setup_locked(struct vcon *vcon,
				   const struct virtio_ikc_queue_setup_req *req)
{
	unsigned int index = le16_to_cpu(req->index);
	unsigned int num = le16_to_cpu(req->num);
	u64 desc = le64_to_cpu(req->desc);
	u64 avail = le64_to_cpu(req->avail);
	u64 used = le64_to_cpu(req->used);
	struct vcon_queue *q;
	int ret;

	if (index >= VCON_NR_QUEUES || !num || num > VCON_QUEUE_SIZE ||
	    !is_power_of_2(num) || !IS_ALIGNED(desc, 16) ||
	    !IS_ALIGNED(avail, 2) || !IS_ALIGNED(used, 4))
		return VIRTIO_IKC_S_INVAL;

	q = &vcon->vq[index];
	if (q->ready || !(vcon->status & VIRTIO_CONFIG_S_FEATURES_OK) ||
	    (vcon->status & VIRTIO_CONFIG_S_NEEDS_RESET))
		return VIRTIO_IKC_S_STATE;

	ret = vcon_build_iotlb_locked(vcon);
	if (ret) {
		dev_warn_ratelimited(&vcon->idev->dev, "no map of the peer's memory: %d\n",
				     ret);
		return ret == -ENOMEM ? VIRTIO_IKC_S_NOMEM : VIRTIO_IKC_S_FAULT;
	}

	/* Early answer for a bad ring; vringh checks each access anyway. */
	if (!vcon_range_ok(vcon->iotlb, desc, 16ULL * num) ||
	    !vcon_range_ok(vcon->iotlb, avail, 6ULL + 2ULL * num) ||
	    !vcon_range_ok(vcon->iotlb, used, 6ULL + 8ULL * num)) {
		dev_warn_ratelimited(&vcon->idev->dev,
				     "queue %u: ring %#llx %#llx %#llx outside the peer's memory\n",
				     index, desc, avail, used);
		return VIRTIO_IKC_S_FAULT;
	}

	ret = vringh_init_iotlb(&q->vrh, vcon->features, num, true,
				(struct vring_desc *)(uintptr_t)desc,
				(struct vring_avail *)(uintptr_t)avail,
				(struct vring_used *)(uintptr_t)used);
	if (ret)
		return VIRTIO_IKC_S_INVAL;
	vringh_set_iotlb(&q->vrh, vcon->iotlb, &vcon->iotlb_lock);
	vringh_kiov_init(&q->iov, q->kvec, ARRAY_SIZE(q->kvec));
	q->ready = true;
	return VIRTIO_IKC_S_OK;
}

static u32 vcon_set_status_locked(struct vcon *vcon, u8 status)
{
	u8 driver_bits = vcon->status & ~VIRTIO_CONFIG_S_NEEDS_RESET;

	if (!status) {
		vcon_reset_locked(vcon);
		return VIRTIO_IKC_S_OK;
	}

	/* Only the device sets NEEDS_RESET; the driver never clears bits. */
	status &= ~VIRTIO_CONFIG_S_NEEDS_RESET;
	if (driver_bits & ~status)
		return VIRTIO_IKC_S_INVAL;

	/* Modern devices only: refuse features without VERSION_1. */
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(vcon->features & BIT_ULL(VIRTIO_F_VERSION_1)))
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;

	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(status & VIRTIO_CONFIG_S_FEATURES_OK))
		return VIRTIO_IKC_S_STATE;

	vcon->status = status | (vcon->status & VIRTIO_CONFIG_S_NEEDS_RESET);

	/* Buffers queued before DRIVER_OK were not looked at yet. */
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(driver_bits & VIRTIO_CONFIG_S_DRIVER_OK))
		mod_delayed_work(system_wq, &vcon->work, 0);
	return VIRTIO_IKC_S_OK;
}

static void vcon_config_bytes(struct vcon *vcon, u8 *cfg)
{
	struct virtio_console_config c = {
		.cols = __cpu_to_virtio16(true, vcon->cols),
		.rows = __cpu_to_virtio16(true, vcon->rows),
		.max_nr_ports = __cpu_to_virtio32(true, 1),
	};

	memcpy(cfg, &c, sizeof(c));
}

union vcon_resp {
	struct virtio_ikc_resp_hdr hdr;
	struct virtio_ikc_info_resp info;
	struct virtio_ikc_features_resp features;
	struct virtio_ikc_value_resp value;
	struct virtio_ikc_queue_info_resp queue;
	struct virtio_ikc_config_read_resp config;
};

union vcon_req {
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
} vcon_req_sizes[] = {
	[VIRTIO_IKC_GET_INFO] = { 0, sizeof(struct virtio_ikc_info_resp) },
	[VIRTIO_IKC_GET_FEATURES] = {
		0, sizeof(struct virtio_ikc_features_resp) },
	[VIRTIO_IKC_SET_FEATURES] = {
		sizeof(struct virtio_ikc_features_req),
		sizeof(struct virtio_ikc_resp_hdr) },
	[VIRTIO_IKC_GET_STATUS] = {
		0, sizeof(struct virtio_ikc_value_resp) },
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

static u32 vcon_config_read_locked(struct vcon *vcon,
				   const struct virtio_ikc_config_read_req *req,
				   struct virtio_ikc_config_read_resp *resp)
{
	unsigned int offset = le16_to_cpu(req->offset);
	unsigned int len = le16_to_cpu(req->len);
	u8 cfg[sizeof(struct virtio_console_config)];

	if (!len || len > VIRTIO_IKC_CONFIG_CHUNK || offset > sizeof(cfg) ||
	    len > sizeof(cfg) - offset)
		return VIRTIO_IKC_S_INVAL;

	vcon_config_bytes(vcon, cfg);
	memcpy(resp->data, cfg + offset, len);
	resp->generation = cpu_to_le32(vcon->generation);
	return VIRTIO_IKC_S_OK;
}

static u32 vcon_request_locked(struct vcon *vcon, u16 type,
			       const union vcon_req *req, union vcon_resp *resp)
{
	unsigned int index;
	u64 features;

	switch (type) {
	case VIRTIO_IKC_GET_INFO:
		resp->info.version = cpu_to_le16(VIRTIO_IKC_VERSION);
		resp->info.num_queues = cpu_to_le16(VCON_NR_QUEUES);
		resp->info.config_len =
			cpu_to_le16(sizeof(struct virtio_console_config));
		resp->info.device_id = cpu_to_le32(VIRTIO_ID_CONSOLE);
		resp->info.vendor_id = cpu_to_le32(VCON_VENDOR_ID);
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_GET_FEATURES:
		resp->features.features = cpu_to_le64(VCON_FEATURES);
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_SET_FEATURES:
		features = le64_to_cpu(req->features.features);
		if (features & ~VCON_FEATURES)
			return VIRTIO_IKC_S_INVAL;
		if (vcon->status & VIRTIO_CONFIG_S_FEATURES_OK)
			return VIRTIO_IKC_S_STATE;
		vcon->features = features;
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_GET_STATUS:
		resp->value.value = cpu_to_le32(vcon->status);
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_SET_STATUS:
		return vcon_set_status_locked(vcon, req->status.status);
	case VIRTIO_IKC_GET_GENERATION:
		resp->value.value = cpu_to_le32(vcon->generation);
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_QUEUE_INFO:
		index = le16_to_cpu(req->queue.index);
		if (index >= VIRTIO_IKC_MAX_QUEUES)
			return VIRTIO_IKC_S_INVAL;
		if (index < VCON_NR_QUEUES) {
			resp->queue.max_size = cpu_to_le16(VCON_QUEUE_SIZE);
			resp->queue.enabled =
				cpu_to_le16(vcon->vq[index].ready);
		}
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_QUEUE_SETUP:
		return vcon_queue_setup_locked(vcon, &req->setup);
	case VIRTIO_IKC_QUEUE_DISABLE:
		index = le16_to_cpu(req->queue.index);
		if (index >= VCON_NR_QUEUES)
			return VIRTIO_IKC_S_INVAL;
		vcon_queue_stop(&vcon->vq[index]);
		return VIRTIO_IKC_S_OK;
	case VIRTIO_IKC_CONFIG_READ:
		return vcon_config_read_locked(vcon, &req->read,
					       &resp->config);
	case VIRTIO_IKC_CONFIG_WRITE:
		/* cols, rows and max_nr_ports are read-only; no EMERG_WRITE. */
		return VIRTIO_IKC_S_INVAL;
	default:
		return VIRTIO_IKC_S_UNSUPP;
	}
}

static void vcon_handle_request_locked(struct vcon *vcon,
				       const struct ikc_msg_info *info,
				       const union vcon_req *req)
{
	union vcon_resp resp = {};
	size_t resp_len = sizeof(resp.hdr);
	u32 status;
	int ret;

	/* Never answer an answer: two confused ends would ping-pong. */
	if (info->type & VIRTIO_IKC_RESPONSE) {
		vcon_peer_error(vcon, "message type", info->type);
		return;
	}

	if (info->type >= ARRAY_SIZE(vcon_req_sizes) ||
	    !vcon_req_sizes[info->type].resp) {
		vcon_peer_error(vcon, "request type", info->type);
		status = VIRTIO_IKC_S_UNSUPP;
	} else if (info->len != vcon_req_sizes[info->type].req) {
		vcon_peer_error(vcon, "request length", info->type);
		status = VIRTIO_IKC_S_INVAL;
	} else {
		status = vcon_request_locked(vcon, info->type, req, &resp);
		if (status == VIRTIO_IKC_S_OK)
			resp_len = vcon_req_sizes[info->type].resp;
	}

	resp.hdr.status = cpu_to_le32(status);
	ret = ikc_send_timeout(vcon->idev, info->type | VIRTIO_IKC_RESPONSE,
			       info->tag, &resp, resp_len, VCON_SEND_TIMEOUT);
	if (ret)
		pr_warn_ratelimited("ttyIKC%u: response not sent: %d\n",
				    vcon->index, ret);
}

static void vcon_handle_kick_locked(struct vcon *vcon,
				    const struct ikc_msg_info *info,
				    const struct virtio_ikc_notify *n)
{
	unsigned int index = le16_to_cpu(n->index);

	if (info->len != sizeof(*n) || index >= VCON_NR_QUEUES) {
		vcon_peer_error(vcon, "kick", info->type);
		return;
	}
	/* A kick before DRIVER_OK is looked at when DRIVER_OK comes. */
	if (index == VCON_TX_QUEUE)
		vcon_process_tx_locked(vcon);
	else
		vcon_process_rx_locked(vcon);
}

/* Nothing of the peer's memory is touched once it is gone. */
static void vcon_peer_lost(struct vcon *vcon)
{
	mutex_lock(&vcon->lock);
	vcon->peer_gone = true;
	vcon_stop_locked(vcon);
	mutex_unlock(&vcon->lock);

	tty_port_tty_hangup(&vcon->port, false);
}

static void vcon_rx(struct ikc_device *idev)
{
	struct vcon *vcon = dev_get_drvdata(&idev->dev);
	struct ikc_msg_info info;
	union vcon_req req;
	int ret;

	for (;;) {
		ret = ikc_recv(idev, &info, &req, sizeof(req));
		if (ret == -EAGAIN)
			break;
		if (ret == -EMSGSIZE) {
			vcon_peer_error(vcon, "message size", info.type);
			continue;
		}
		if (ret == -EPROTO) {
			vcon_peer_error(vcon, "channel data", ret);
			vcon_peer_lost(vcon);
		}
		if (ret)
			break;
		if (info.len > sizeof(req) || (info.flags & IKC_MSG_PAGES)) {
			vcon_peer_error(vcon, "message", info.type);
			continue;
		}

		mutex_lock(&vcon->lock);
		if (!vcon_connected(vcon))
			; /* going away: drop */
		else if (info.type == VIRTIO_IKC_KICK)
			vcon_handle_kick_locked(vcon, &info, &req.notify);
		else
			vcon_handle_request_locked(vcon, &info, &req);
		mutex_unlock(&vcon->lock);
		cond_resched();
	}
}

static void vcon_peer_event(struct ikc_device *idev, bool up)
{
	struct vcon *vcon = dev_get_drvdata(&idev->dev);

	if (!up) {
		vcon_peer_lost(vcon);
		return;
	}
	mutex_lock(&vcon->lock);
	vcon->peer_gone = false;
	mutex_unlock(&vcon->lock);
}

/* The tty side */

static int vcon_tty_install(struct tty_driver *driver, struct tty_struct *tty)
{
	struct tty_port *port = NULL;
	struct vcon *vcon;
	int ret;

	mutex_lock(&vcon_table_lock);
	vcon = vcon_table[tty->index];
	if (vcon && !vcon->removed)
		port = tty_port_get(&vcon->port);
	mutex_unlock(&vcon_table_lock);
	if (!port)
		return -ENODEV;

	ret = tty_port_install(port, driver, tty);
	if (ret) {
		tty_port_put(port);
		return ret;
	}
	tty->driver_data = vcon;
	return 0;
}

static void vcon_tty_cleanup(struct tty_struct *tty)
{
	struct vcon *vcon = tty->driver_data;

	tty->driver_data = NULL;
	tty_port_put(&vcon->port);
}

static int vcon_tty_open(struct tty_struct *tty, struct file *filp)
{
	return tty_port_open(tty->port, tty, filp);
}

static void vcon_tty_close(struct tty_struct *tty, struct file *filp)
{
	tty_port_close(tty->port, tty, filp);
}

static void vcon_tty_hangup(struct tty_struct *tty)
{
	tty_port_hangup(tty->port);
}

static ssize_t vcon_tty_write(struct tty_struct *tty, const u8 *buf,
			      size_t count)
{
	struct vcon *vcon = tty->driver_data;
	unsigned int n;

	n = kfifo_in_spinlocked(&vcon->in, buf, count, &vcon->in_lock);
	if (n)
		mod_delayed_work(system_wq, &vcon->work, 0);
	return n;
}

static unsigned int vcon_tty_write_room(struct tty_struct *tty)
{
	struct vcon *vcon = tty->driver_data;

	return kfifo_avail(&vcon->in);
}

static unsigned int vcon_tty_chars_in_buffer(struct tty_struct *tty)
{
	struct vcon *vcon = tty->driver_data;

	return kfifo_len(&vcon->in);
}

static int vcon_tty_resize(struct tty_struct *tty, struct winsize *ws)
{
	struct vcon *vcon = tty->driver_data;

	mutex_lock(&vcon->lock);
	if (vcon->cols != ws->ws_col || vcon->rows != ws->ws_row) {
		vcon->cols = ws->ws_col;
		vcon->rows = ws->ws_row;
		vcon->generation++;
		if ((vcon->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
		    (vcon->features & BIT_ULL(VIRTIO_CONSOLE_F_SIZE))) {
			__set_bit(VCON_NOTIFY_CONFIG, &vcon->notify_pending);
			mod_delayed_work(system_wq, &vcon->work, 0);
		}
	}
	mutex_unlock(&vcon->lock);

	return tty_do_resize(tty, ws);
}

static const struct tty_operations vcon_tty_ops = {
	.install		= vcon_tty_install,
	.cleanup		= vcon_tty_cleanup,
	.open			= vcon_tty_open,
	.close			= vcon_tty_close,
	.hangup			= vcon_tty_hangup,
	.write			= vcon_tty_write,
	.write_room		= vcon_tty_write_room,
	.chars_in_buffer	= vcon_tty_chars_in_buffer,
	.resize			= vcon_tty_resize,
};

/* First open: replay what the front end printed meanwhile. */
static int vcon_port_activate(struct tty_port *port, struct tty_struct *tty)
{
	struct vcon *vcon = container_of(port, struct vcon, port);
	u8 buf[VCON_CHUNK];
	unsigned int n;
	int room;

	mutex_lock(&vcon->lock);
	while (!kfifo_is_empty(&vcon->log)) {
		room = tty_buffer_request_room(port,
					       min_t(unsigned int, sizeof(buf),
						     kfifo_len(&vcon->log)));
		if (room <= 0)
			break;
		n = kfifo_out(&vcon->log, buf, room);
		tty_insert_flip_string(port, buf, n);
	}
	/* What did not fit is older than what follows: drop it. */
	kfifo_reset(&vcon->log);
	vcon->tty_open = true;
	mutex_unlock(&vcon->lock);

	tty_flip_buffer_push(port);
	return 0;
}

static void vcon_port_shutdown(struct tty_port *port)
{
	struct vcon *vcon = container_of(port, struct vcon, port);

	mutex_lock(&vcon->lock);
	vcon->tty_open = false;
	mutex_unlock(&vcon->lock);
}

/* The last reference is gone: the IKC device was removed, no tty left. */
static void vcon_port_destruct(struct tty_port *port)
{
	struct vcon *vcon = container_of(port, struct vcon, port);

	cancel_delayed_work_sync(&vcon->work);

	mutex_lock(&vcon_table_lock);
	if (vcon->index < VCON_MAX_LINES && vcon_table[vcon->index] == vcon)
		vcon_table[vcon->index] = NULL;
	mutex_unlock(&vcon_table_lock);

	kfifo_free(&vcon->in);
	kvfree(vcon->log_buf);
	mutex_destroy(&vcon->lock);
	kfree(vcon);
}

static const struct tty_port_operations vcon_port_ops = {
	.activate	= vcon_port_activate,
	.shutdown	= vcon_port_shutdown,
	.destruct	= vcon_port_destruct,
};

/* sysfs, on the IKC device */

static ssize_t tty_name_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct vcon *vcon = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s%u\n", vcon_tty_driver->name, vcon->index);
}
static DEVICE_ATTR_RO(tty_name);

static ssize_t errors_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vcon *vcon = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%ld\n", atomic_long_read(&vcon->errors));
}
static DEVICE_ATTR_RO(errors);

static struct attribute *vcon_attrs[] = {
	&dev_attr_tty_name.attr,
	&dev_attr_errors.attr,
	NULL
};
ATTRIBUTE_GROUPS(vcon);

static int vcon_probe(struct ikc_device *idev)
{
	struct device *tty_dev;
	struct vcon *vcon;
	unsigned int i;
	int ret;

	vcon = kzalloc(sizeof(*vcon), GFP_KERNEL);
	if (!vcon)
		return -ENOMEM;

	/* From here on the port's destruct frees everything. */
	tty_port_init(&vcon->port);
	vcon->port.ops = &vcon_port_ops;
	vcon->index = VCON_MAX_LINES;
	mutex_init(&vcon->lock);
	spin_lock_init(&vcon->iotlb_lock);
	spin_lock_init(&vcon->in_lock);
	INIT_DELAYED_WORK(&vcon->work, vcon_work);
	atomic_long_set(&vcon->errors, 0);
	vcon->cols = 80;
	vcon->rows = 25;

	ret = kfifo_alloc(&vcon->in, VCON_IN_SIZE, GFP_KERNEL);
	if (ret)
		goto err_put;
	vcon->log_buf = kvmalloc(VCON_LOG_SIZE, GFP_KERNEL);
	if (!vcon->log_buf) {
		ret = -ENOMEM;
		goto err_put;
	}
	ret = kfifo_init(&vcon->log, vcon->log_buf, VCON_LOG_SIZE);
	if (ret)
		goto err_put;

	/* Lines in probe order; a line is reused once its tty is gone. */
	ret = -ENOSPC;
	mutex_lock(&vcon_table_lock);
	for (i = 0; i < VCON_MAX_LINES; i++) {
		if (!vcon_table[i]) {
			vcon_table[i] = vcon;
			vcon->index = i;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&vcon_table_lock);
	if (ret)
		goto err_put;

	vcon->idev = idev;
	dev_set_drvdata(&idev->dev, vcon);

	tty_dev = tty_port_register_device(&vcon->port, vcon_tty_driver,
					   vcon->index, &idev->dev);
	if (IS_ERR(tty_dev)) {
		ret = PTR_ERR(tty_dev);
		goto err_drvdata;
	}

	dev_info(&idev->dev, "virtio console on %s%u\n",
		 vcon_tty_driver->name, vcon->index);
	return 0;

err_drvdata:
	dev_set_drvdata(&idev->dev, NULL);
	vcon->idev = NULL;
err_put:
	tty_port_put(&vcon->port);
	return ret;
}

static void vcon_remove(struct ikc_device *idev)
{
	struct vcon *vcon = dev_get_drvdata(&idev->dev);

	mutex_lock(&vcon_table_lock);
	vcon->removed = true;
	mutex_unlock(&vcon_table_lock);

	mutex_lock(&vcon->lock);
	vcon_stop_locked(vcon);
	vcon->idev = NULL;
	mutex_unlock(&vcon->lock);
	/* A tty write may queue it again; it then finds no channel. */
	cancel_delayed_work_sync(&vcon->work);

	tty_port_tty_hangup(&vcon->port, false);
	tty_unregister_device(vcon_tty_driver, vcon->index);
	ikc_stop_rx(idev);
	dev_set_drvdata(&idev->dev, NULL);
	tty_port_put(&vcon->port);
}

static const struct ikc_device_id vcon_ids[] = {
	{ .service = IKC_SVC_VIRTIO, .role = IKC_ROLE_SERVER,
	  .arg = VIRTIO_ID_CONSOLE },
	{ }
};

static struct ikc_driver vcon_driver = {
	.driver = {
		.name		= "virtio_ikc_console",
		.dev_groups	= vcon_groups,
	},
	.id_table	= vcon_ids,
	.probe		= vcon_probe,
	.remove		= vcon_remove,
	.rx		= vcon_rx,
	.peer_event	= vcon_peer_event,
};

static int __init vcon_init(void)
{
	struct tty_driver *drv;
	int ret;

	drv = tty_alloc_driver(VCON_MAX_LINES, TTY_DRIVER_REAL_RAW |
			       TTY_DRIVER_DYNAMIC_DEV);
	if (IS_ERR(drv))
		return PTR_ERR(drv);

	drv->driver_name = "ikc_console";
	drv->name = "ttyIKC";
	drv->type = TTY_DRIVER_TYPE_SYSTEM;
	drv->init_termios = tty_std_termios;
	/* Raw: echoing the peer's output back as its input would be bad. */
	drv->init_termios.c_iflag = 0;
	drv->init_termios.c_oflag = 0;
	drv->init_termios.c_lflag = 0;
	drv->init_termios.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL;
	drv->init_termios.c_ispeed = 115200;
	drv->init_termios.c_ospeed = 115200;
	tty_set_operations(drv, &vcon_tty_ops);

	ret = tty_register_driver(drv);
	if (ret)
		goto err_put;
	vcon_tty_driver = drv;

	ret = ikc_register_driver(&vcon_driver);
	if (ret)
		goto err_unregister;
	return 0;

err_unregister:
	tty_unregister_driver(drv);
	vcon_tty_driver = NULL;
err_put:
	tty_driver_kref_put(drv);
	return ret;
}
module_init(vcon_init);

static void __exit vcon_exit(void)
{
	ikc_unregister_driver(&vcon_driver);
	tty_unregister_driver(vcon_tty_driver);
	tty_driver_kref_put(vcon_tty_driver);
}
module_exit(vcon_exit);

MODULE_DESCRIPTION("virtio console back end over IKC");
MODULE_LICENSE("GPL");

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-blk back end over IKC, shared by its files: vblk_disks.c
 * (which disk each channel serves, the backings), vblk_request.c (checking
 * and doing the front end's requests) and vblk_device.c (the device).
 */
#ifndef _DRIVERS_VIRT_IKC_VBLK_H
#define _DRIVERS_VIRT_IKC_VBLK_H

#include <linux/atomic.h>
#include <linux/blk_types.h>
#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/llist.h>
#include <linux/sizes.h>
#include <linux/virtio_blk.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "virtio_backend.h"

#define VBLK_MAX_DISKS		8	/* per partition */
#define VBLK_MAX_QUEUES		8
#define VBLK_DEFAULT_QUEUES	4
#define VBLK_QUEUE_SIZE		256
#define VBLK_SEG_MAX		128	/* data descriptors per request */
#define VBLK_SIZE_MAX		SZ_1M	/* bytes per data descriptor */
#define VBLK_MAX_DISCARD_SECTORS	(SZ_1G >> SECTOR_SHIFT)	/* per request */
#define VBLK_MAX_INFLIGHT	VBLK_QUEUE_SIZE	/* requests per queue */
#define VBLK_SERIAL_LEN		VIRTIO_BLK_ID_BYTES
#define VBLK_RETRY_DELAY	(HZ / 50)	/* after an allocation failed */

/**
 * struct vblk_spec - a disk as an administrator names it
 * @path: the backing: a regular file or a block device
 * @ro: read-only for the partition
 * @serial: what VIRTIO_BLK_T_GET_ID answers (NUL-padded, not terminated
 *	when all 20 bytes are used)
 * @queues: virtqueues, 1 to VBLK_MAX_QUEUES
 */
struct vblk_spec {
	char *path;
	bool ro;
	char serial[VBLK_SERIAL_LEN];
	unsigned int queues;
};

/**
 * struct vblk_backing - an open backing
 * @spec: what it was opened from
 * @file: the open file or block device
 * @bdev: the block device, or NULL for a regular file
 * @size: bytes offered, a multiple of 512; changes on resize (READ_ONCE)
 * @lbs: logical block size reported to the front end
 * @dio_align: alignment of memory and lengths direct I/O needs, 0 if
 *	the backing cannot do direct I/O
 * @discard: VIRTIO_BLK_T_DISCARD is offered
 * @write_zeroes: VIRTIO_BLK_T_WRITE_ZEROES is offered
 */
struct vblk_backing {
	struct vblk_spec spec;
	struct file *file;
	struct block_device *bdev;
	u64 size;
	unsigned int lbs;
	unsigned int dio_align;
	bool discard;
	bool write_zeroes;
};

/* Counters in sysfs (VBLK_ST_*). */
enum vblk_stat {
	VBLK_ST_READS,
	VBLK_ST_WRITES,
	VBLK_ST_FLUSHES,
	VBLK_ST_DISCARDS,
	VBLK_ST_DIRECT,		/* data requests done with direct I/O */
	VBLK_ST_BUFFERED,	/* ... through the page cache (a copy) */
	VBLK_ST_IOERR,		/* requests failed by the backing */
	VBLK_ST_BAD,		/* malformed requests refused */
	VBLK_ST_UNSUPP,		/* unknown request types */
	VBLK_NR_STATS,
};

struct vblk;

/**
 * struct vblk_queue - a queue's requests
 * @done: requests whose I/O ended, to return to the used ring
 * @inflight: requests taken from the ring and not yet returned
 */
struct vblk_queue {
	struct llist_head done;
	unsigned int inflight;
};

/**
 * struct vblk - one disk offered on one channel
 * @vbe: the virtio device
 * @backing: what it serves, owned
 * @q: per-queue state
 * @io_inflight: requests whose I/O may still touch the peer's memory
 * @io_wait: woken when @io_inflight drops to zero
 * @retry: kicks the queues in @retry_queues, which ran out of memory
 * @retry_queues: queues to kick again
 * @stats: counters, VBLK_ST_*
 */
struct vblk {
	struct ikc_vbe vbe;
	struct vblk_backing *backing;
	struct vblk_queue q[VBLK_MAX_QUEUES];
	atomic_t io_inflight;
	wait_queue_head_t io_wait;
	struct delayed_work retry;
	DECLARE_BITMAP(retry_queues, VBLK_MAX_QUEUES);
	atomic64_t stats[VBLK_NR_STATS];
};

/* vblk_disks.c */
int vblk_parse_specs(const char *text, struct vblk_spec *specs,
		     unsigned int max);
void vblk_free_specs(struct vblk_spec *specs, unsigned int nr);
struct vblk_backing *vblk_take_backing(struct ikc_device *idev);
int vblk_update_size(struct vblk_backing *b);
void vblk_close_backing(struct vblk_backing *b);
int vblk_disks_init(void);
extern const struct attribute_group vblk_driver_group;

/* vblk_request.c */
bool vblk_process(struct ikc_vbe_queue *q, unsigned int budget);
void vblk_quiesce(struct ikc_vbe *vbe);
void vblk_retry_work(struct work_struct *work);

#endif /* _DRIVERS_VIRT_IKC_VBLK_H */

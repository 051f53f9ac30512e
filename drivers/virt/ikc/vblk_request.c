// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk over IKC: the front end's requests.  Each chain is checked
 * (type, header, sector range, lengths, descriptor directions, every
 * buffer inside the peer's memory) and its data buffers become a bio_vec
 * array over the host's struct pages of that memory, so that the I/O
 * lands in the partition's pages without a copy: direct I/O on the
 * backing file or block device where it is aligned as the backing needs,
 * else buffered I/O through the page cache (one copy).  Requests run in
 * parallel, many per queue; a finished one is returned to the used ring
 * by its queue's work, under the queue's lock.
 *
 * A malformed request gets VIRTIO_BLK_S_IOERR (or _UNSUPP for an unknown
 * type); a chain with no place for a status byte makes the device need a
 * reset.  Both are counted.
 */

#define pr_fmt(fmt) "ikc: " fmt

#include <linux/blkdev.h>
#include <linux/falloc.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "vblk.h"

#define VBLK_INLINE_BVECS	8
/* Direct I/O this large or larger is started from a work item. */
#define VBLK_INLINE_IO_MAX	SZ_128K

/**
 * struct vblk_req - one request of the front end
 * @iocb: the I/O on the backing
 * @vblk: its disk
 * @node: in its queue's done list
 * @work: runs the requests that block (flush, discard, buffered I/O)
 * @qi: its queue
 * @head: its chain
 * @type: VIRTIO_BLK_T_*
 * @status: VIRTIO_BLK_S_*, once done
 * @direct: its data moves by direct I/O, no copy
 * @written: bytes written into the chain, status byte included
 * @status_pa: where the status byte goes, checked
 * @pos: byte offset on the backing
 * @len: data bytes
 * @range: the range of a discard or write-zeroes
 * @nr_bvec: entries of @bvec in use
 * @max_bvec: entries @bvec has room for
 * @bvec: the data buffers, over the peer's pages
 * @inline_bvec: @bvec when it is short
 */
struct vblk_req {
	struct kiocb iocb;
	struct vblk *vblk;
	struct llist_node node;
	struct work_struct work;
	unsigned int qi;
	u16 head;
	u32 type;
	u8 status;
	bool direct;
	u32 written;
	u64 status_pa;
	loff_t pos;
	size_t len;
	struct virtio_blk_discard_write_zeroes range;
	unsigned int nr_bvec;
	unsigned int max_bvec;
	struct bio_vec *bvec;
	struct bio_vec inline_bvec[VBLK_INLINE_BVECS];
};

static void vblk_req_free(struct vblk_req *req)
{
	if (req->bvec != req->inline_bvec)
		kfree(req->bvec);
	kfree(req);
}

/*
 * A request with room for as many data buffers as the chain has (a chain
 * with too many is refused later), allocated before anything is taken
 * from the chain so that, without memory, the chain can be given back.
 */
static struct vblk_req *vblk_req_alloc(struct ikc_vbe_queue *q)
{
	unsigned int segs = max(q->riov.used, q->wiov.used);
	struct vblk_req *req;

	req = kzalloc(sizeof(*req), GFP_NOIO);
	if (!req)
		return NULL;
	req->bvec = req->inline_bvec;
	req->max_bvec = VBLK_INLINE_BVECS;
	if (segs > VBLK_INLINE_BVECS && segs <= VBLK_SEG_MAX + 2) {
		req->bvec = kmalloc_array(segs, sizeof(*req->bvec), GFP_NOIO);
		if (!req->bvec) {
			kfree(req);
			return NULL;
		}
		req->max_bvec = segs;
	}
	return req;
}

/*
 * No memory for a request now.  The queue's next completion kicks it; with
 * none in flight on it, the retry work does, a little later, rather than
 * the queue's work spinning on a failing allocation.
 */
static void vblk_retry_later(struct vblk *vblk, unsigned int qi)
{
	if (vblk->q[qi].inflight)
		return;
	set_bit(qi, vblk->retry_queues);
	schedule_delayed_work(&vblk->retry, VBLK_RETRY_DELAY);
}

/**
 * vblk_retry_work() - kick the queues that ran out of memory
 * @work: the disk's retry work
 */
void vblk_retry_work(struct work_struct *work)
{
	struct vblk *vblk = container_of(to_delayed_work(work), struct vblk,
					 retry);
	unsigned int i;

	for (i = 0; i < VBLK_MAX_QUEUES; i++)
		if (test_and_clear_bit(i, vblk->retry_queues))
			ikc_vbe_kick(&vblk->vbe, i);
}

/*
 * The request's I/O is over: hand it to its queue's work.  Any context.
 * Once io_inflight drops, the disk may go away: nothing of it is touched
 * after the wait queue's lock is released.
 */
static void vblk_req_done(struct vblk_req *req, u8 status)
{
	struct vblk *vblk = req->vblk;
	unsigned long flags;

	req->status = status;
	if (status == VIRTIO_BLK_S_IOERR)
		atomic64_inc(&vblk->stats[VBLK_ST_IOERR]);
	llist_add(&req->node, &vblk->q[req->qi].done);
	ikc_vbe_kick(&vblk->vbe, req->qi);

	spin_lock_irqsave(&vblk->io_wait.lock, flags);
	if (atomic_dec_and_test(&vblk->io_inflight))
		wake_up_locked(&vblk->io_wait);
	spin_unlock_irqrestore(&vblk->io_wait.lock, flags);
}

static void vblk_rw_complete(struct kiocb *iocb, long ret)
{
	struct vblk_req *req = container_of(iocb, struct vblk_req, iocb);

	if (req->type == VIRTIO_BLK_T_OUT)
		kiocb_end_write(iocb);
	vblk_req_done(req, ret == req->len ? VIRTIO_BLK_S_OK :
					      VIRTIO_BLK_S_IOERR);
}

/* Read or write; direct I/O may complete later, from interrupt context. */
static void vblk_rw(struct vblk_req *req, bool direct)
{
	struct file *file = req->vblk->backing->file;
	bool write = req->type == VIRTIO_BLK_T_OUT;
	struct iov_iter iter;
	ssize_t ret;

	iov_iter_bvec(&iter, write ? ITER_SOURCE : ITER_DEST, req->bvec,
		      req->nr_bvec, req->len);
	init_sync_kiocb(&req->iocb, file);
	req->iocb.ki_pos = req->pos;
	if (direct) {
		req->iocb.ki_flags |= IOCB_DIRECT;
		req->iocb.ki_complete = vblk_rw_complete;
	}
	if (write) {
		kiocb_start_write(&req->iocb);
		ret = file->f_op->write_iter(&req->iocb, &iter);
	} else {
		ret = file->f_op->read_iter(&req->iocb, &iter);
	}
	if (ret != -EIOCBQUEUED)
		vblk_rw_complete(&req->iocb, ret);
}

static int vblk_fallocate(struct vblk_req *req)
{
	struct vblk_backing *b = req->vblk->backing;
	u32 flags = le32_to_cpu(req->range.flags);
	int mode = FALLOC_FL_KEEP_SIZE;
	int ret;

	if (req->type == VIRTIO_BLK_T_DISCARD) {
		/* A block device has no hole to punch: discard its sectors. */
		if (b->bdev)
			return blkdev_issue_discard(b->bdev, req->pos >> SECTOR_SHIFT,
						    req->len >> SECTOR_SHIFT,
						    GFP_NOIO);
		return vfs_fallocate(b->file, mode | FALLOC_FL_PUNCH_HOLE,
				     req->pos, req->len);
	}
	ret = -EOPNOTSUPP;
	if (!(flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) || b->bdev)
		ret = vfs_fallocate(b->file, mode | FALLOC_FL_ZERO_RANGE,
				    req->pos, req->len);
	/* A hole reads as zeroes too (tmpfs has no ZERO_RANGE). */
	if (ret == -EOPNOTSUPP && !b->bdev)
		ret = vfs_fallocate(b->file, mode | FALLOC_FL_PUNCH_HOLE,
				    req->pos, req->len);
	return ret;
}

static void vblk_req_work(struct work_struct *work)
{
	struct vblk_req *req = container_of(work, struct vblk_req, work);
	int ret;

	switch (req->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		vblk_rw(req, req->direct);
		return;
	case VIRTIO_BLK_T_FLUSH:
		ret = vfs_fsync(req->vblk->backing->file, 0);
		break;
	default:
		ret = vblk_fallocate(req);
		break;
	}
	vblk_req_done(req, ret ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
}

/*
 * The first @len bytes left in @iov as bio_vecs over the peer's pages.
 * Each descriptor is one bio_vec: the peer's memory is physically
 * contiguous in ranges the IOTLB holds, with contiguous struct pages.
 */
static int vblk_map_data(struct vblk_req *req, const struct vringh_kiov *iov,
			 size_t len, unsigned long *align)
{
	struct ikc_vbe *vbe = &req->vblk->vbe;
	unsigned int i, nr = 0, max = iov->used - iov->i;
	u64 addr, n;

	if (max > req->max_bvec)
		return -E2BIG;
	for (i = iov->i; i < iov->used && len; i++) {
		addr = (u64)(uintptr_t)iov->iov[i].iov_base;
		n = min_t(u64, iov->iov[i].iov_len, len);
		if (!n)
			continue;
		if (n > VBLK_SIZE_MAX || !ikc_vbe_range_ok(vbe, addr, n) ||
		    !pfn_valid(PHYS_PFN(addr)) ||
		    !pfn_valid(PHYS_PFN(addr + n - 1)))
			return -EFAULT;
		bvec_set_page(&req->bvec[nr++], pfn_to_page(PHYS_PFN(addr)), n,
			      offset_in_page(addr));
		*align |= addr | n;
		len -= n;
	}
	req->nr_bvec = nr;
	return len ? -EINVAL : 0;
}

/* The last writable byte of the chain: where the status goes. */
static int vblk_find_status(struct vblk_req *req, const struct vringh_kiov *wiov)
{
	unsigned int i;
	u64 addr;

	for (i = wiov->used; i > wiov->i; i--) {
		if (!wiov->iov[i - 1].iov_len)
			continue;
		addr = (u64)(uintptr_t)wiov->iov[i - 1].iov_base +
		       wiov->iov[i - 1].iov_len - 1;
		if (!ikc_vbe_range_ok(&req->vblk->vbe, addr, 1) ||
		    !pfn_valid(PHYS_PFN(addr)))
			return -EFAULT;
		req->status_pa = addr;
		return 0;
	}
	return -EINVAL;
}

static void vblk_put_status(struct vblk_req *req)
{
	u8 *p = kmap_local_page(pfn_to_page(PHYS_PFN(req->status_pa)));

	WRITE_ONCE(p[offset_in_page(req->status_pa)], req->status);
	kunmap_local(p);
}

/* Is [@sector, + @len bytes) on the disk, in whole sectors? */
static bool vblk_range_ok(struct vblk *vblk, u64 sector, u64 len)
{
	u64 pos, end;

	return len && IS_ALIGNED(len, SECTOR_SIZE) &&
	       !check_shl_overflow(sector, SECTOR_SHIFT, &pos) &&
	       !check_add_overflow(pos, len, &end) &&
	       end <= READ_ONCE(vblk->backing->size);
}

/* The range of a discard or write-zeroes: one segment, as offered. */
static u8 vblk_prep_range(struct vblk_req *req, struct ikc_vbe_queue *q,
			  size_t in_len, size_t out_len)
{
	struct vblk_backing *b = req->vblk->backing;
	u32 flags;
	ssize_t n;

	if ((req->type == VIRTIO_BLK_T_DISCARD && !b->discard) ||
	    (req->type == VIRTIO_BLK_T_WRITE_ZEROES && !b->write_zeroes))
		return VIRTIO_BLK_S_UNSUPP;
	if (out_len || in_len != sizeof(req->range))
		return VIRTIO_BLK_S_IOERR;
	n = vringh_iov_pull_iotlb(&q->vrh, &q->riov, &req->range,
				  sizeof(req->range));
	if (n != sizeof(req->range))
		return VIRTIO_BLK_S_IOERR;
	flags = le32_to_cpu(req->range.flags);
	if (flags & ~(req->type == VIRTIO_BLK_T_WRITE_ZEROES ?
		      VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0))
		return VIRTIO_BLK_S_UNSUPP;
	req->len = (size_t)le32_to_cpu(req->range.num_sectors) << SECTOR_SHIFT;
	if (le32_to_cpu(req->range.num_sectors) > VBLK_MAX_DISCARD_SECTORS ||
	    !vblk_range_ok(req->vblk, le64_to_cpu(req->range.sector), req->len))
		return VIRTIO_BLK_S_IOERR;
	req->pos = le64_to_cpu(req->range.sector) << SECTOR_SHIFT;
	return VIRTIO_BLK_S_OK;
}

/*
 * Check a chain whose header was read.  Returns the status; *@start says
 * there is I/O to start (*@direct: without a copy) rather than a status
 * to return at once.
 */
static u8 vblk_prep(struct vblk_req *req, struct ikc_vbe_queue *q,
		    const struct virtio_blk_outhdr *hdr, bool *start,
		    bool *direct)
{
	struct vblk *vblk = req->vblk;
	struct vblk_backing *b = vblk->backing;
	size_t in_len = ikc_vbe_kiov_bytes(&q->riov);
	size_t out_len = ikc_vbe_kiov_bytes(&q->wiov) - 1;	/* status byte */
	unsigned long align = 0;
	ssize_t n;

	*start = true;
	req->type = le32_to_cpu(hdr->type);
	switch (req->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		if (req->type == VIRTIO_BLK_T_IN ? in_len : out_len)
			return VIRTIO_BLK_S_IOERR;	/* wrong direction */
		if (req->type == VIRTIO_BLK_T_OUT && b->spec.ro)
			return VIRTIO_BLK_S_IOERR;
		req->len = req->type == VIRTIO_BLK_T_IN ? out_len : in_len;
		if (!vblk_range_ok(vblk, le64_to_cpu(hdr->sector), req->len))
			return VIRTIO_BLK_S_IOERR;
		req->pos = le64_to_cpu(hdr->sector) << SECTOR_SHIFT;
		if (vblk_map_data(req, req->type == VIRTIO_BLK_T_IN ?
				  &q->wiov : &q->riov, req->len, &align))
			return VIRTIO_BLK_S_IOERR;
		*direct = b->dio_align && IS_ALIGNED(req->pos | align,
						     b->dio_align);
		atomic64_inc(&vblk->stats[req->type == VIRTIO_BLK_T_IN ?
					  VBLK_ST_READS : VBLK_ST_WRITES]);
		atomic64_inc(&vblk->stats[*direct ? VBLK_ST_DIRECT :
					  VBLK_ST_BUFFERED]);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		if (b->spec.ro)
			return VIRTIO_BLK_S_UNSUPP;
		atomic64_inc(&vblk->stats[VBLK_ST_FLUSHES]);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		n = vringh_iov_push_iotlb(&q->vrh, &q->wiov, b->spec.serial,
					  min_t(size_t, out_len,
						sizeof(b->spec.serial)));
		if (n < 0)
			return VIRTIO_BLK_S_IOERR;
		req->written = n;
		*start = false;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (b->spec.ro)
			return VIRTIO_BLK_S_IOERR;
		atomic64_inc(&vblk->stats[VBLK_ST_DISCARDS]);
		return vblk_prep_range(req, q, in_len, out_len);
	default:
		atomic64_inc(&vblk->stats[VBLK_ST_UNSUPP]);
		return VIRTIO_BLK_S_UNSUPP;
	}
}

/* What vblk_start_one() did. */
enum vblk_took {
	VBLK_TOOK_ONE,		/* a chain: started or answered */
	VBLK_RING_EMPTY,
	VBLK_STOP,		/* no memory, or the ring failed: stop here */
};

/* Take one chain off the ring and start it. */
static enum vblk_took vblk_start_one(struct vblk *vblk,
				     struct ikc_vbe_queue *q)
{
	struct virtio_blk_outhdr hdr;
	bool direct = false, start = false;
	struct vblk_req *req;
	u16 head;
	ssize_t n;
	u8 status;
	int ret;

	ret = vringh_getdesc_iotlb(&q->vrh, &q->riov, &q->wiov, &head,
				   GFP_KERNEL);
	if (!ret)
		return VBLK_RING_EMPTY;
	if (ret < 0) {
		ikc_vbe_fail(&vblk->vbe, "requestq", ret);
		return VBLK_STOP;
	}

	req = vblk_req_alloc(q);
	if (!req) {
		/* Try again later: give the chain back. */
		vringh_abandon_iotlb(&q->vrh, 1);
		vblk_retry_later(vblk, q->index);
		return VBLK_STOP;
	}
	req->vblk = vblk;
	req->qi = q->index;
	req->head = head;
	INIT_WORK(&req->work, vblk_req_work);

	/* Without a status byte the request cannot even be refused. */
	ret = vblk_find_status(req, &q->wiov);
	if (ret) {
		atomic64_inc(&vblk->stats[VBLK_ST_BAD]);
		vblk_req_free(req);
		ikc_vbe_fail(&vblk->vbe, "request without status", ret);
		return VBLK_STOP;
	}

	n = vringh_iov_pull_iotlb(&q->vrh, &q->riov, &hdr, sizeof(hdr));
	if (n != sizeof(hdr))
		status = VIRTIO_BLK_S_IOERR;
	else
		status = vblk_prep(req, q, &hdr, &start, &direct);

	if (status != VIRTIO_BLK_S_OK || !start) {
		/* Answered at once: GET_ID, or a refusal. */
		if (status == VIRTIO_BLK_S_IOERR)
			atomic64_inc(&vblk->stats[VBLK_ST_BAD]);
		req->status = status;
		req->written += 1;
		vblk_put_status(req);
		ret = ikc_vbe_complete(q, head, req->written);
		vblk_req_free(req);
		return ret ? VBLK_STOP : VBLK_TOOK_ONE;
	}

	vblk->q[q->index].inflight++;
	req->written = (req->type == VIRTIO_BLK_T_IN ? req->len : 0) + 1;
	atomic_inc(&vblk->io_inflight);
	/*
	 * Small direct I/O is started here, at once.  A large request is
	 * started from the disk's workqueue, like buffered I/O: a backing
	 * that copies as it submits (brd, a page-cache hit) then copies for
	 * one queue on several host CPUs (make bench: 1 MiB reads from brd
	 * went from 0.8 to 1.4 times the host's own).
	 */
	req->direct = direct;
	if (direct && req->len < VBLK_INLINE_IO_MAX)
		vblk_rw(req, true);
	else
		ikc_vbe_defer(&vblk->vbe, &req->work);	/* running */
	return VBLK_TOOK_ONE;
}

/* Return finished requests to the used ring, in the order they ended. */
static void vblk_return_done(struct vblk *vblk, struct ikc_vbe_queue *q)
{
	struct llist_node *list = llist_del_all(&vblk->q[q->index].done);
	struct vblk_req *req, *next;
	bool ok = true;

	list = llist_reverse_order(list);
	llist_for_each_entry_safe(req, next, list, node) {
		vblk->q[q->index].inflight--;
		if (ok) {
			vblk_put_status(req);
			ok = !ikc_vbe_complete(q, req->head, req->written);
		}
		vblk_req_free(req);
	}
}

/**
 * vblk_process() - a queue's work: return what ended, start what came
 * @q: the queue, locked and running
 * @budget: chains to start at most
 *
 * Return: true when chains are left for another pass.
 */
bool vblk_process(struct ikc_vbe_queue *q, unsigned int budget)
{
	struct vblk *vblk = q->vbe->priv;
	unsigned int started;

	vblk_return_done(vblk, q);
	/*
	 * No kicks while we take requests: until the ring is found empty,
	 * this work runs again by itself (budget), or a completion or the
	 * retry work kicks it (in-flight cap, no memory).
	 */
	ikc_vbe_notify_disable(q);
	for (started = 0; started < budget; started++) {
		if (vblk->q[q->index].inflight >= VBLK_MAX_INFLIGHT ||
		    atomic_read(&q->vbe->needs_reset))
			return false;
		switch (vblk_start_one(vblk, q)) {
		case VBLK_TOOK_ONE:
			break;
		case VBLK_RING_EMPTY:
			if (!ikc_vbe_notify_enable(q))
				return false;
			/* One slipped in: take it first. */
			ikc_vbe_notify_disable(q);
			break;
		case VBLK_STOP:
			return false;
		}
	}
	return true;
}

/**
 * vblk_quiesce() - wait until no request touches the peer's memory
 * @vbe: the disk's device; its lock is held
 *
 * Finished requests of stopped queues are dropped: their ring is gone.
 */
void vblk_quiesce(struct ikc_vbe *vbe)
{
	struct vblk *vblk = vbe->priv;
	struct ikc_vbe_queue *q;
	struct vblk_req *req, *next;
	struct llist_node *list;
	unsigned int i;

	wait_event(vblk->io_wait, !atomic_read(&vblk->io_inflight));
	/*
	 * The last completion dropped the count and woke us under this
	 * lock: once we hold it, that completion is done with the disk.
	 */
	spin_lock_irq(&vblk->io_wait.lock);
	spin_unlock_irq(&vblk->io_wait.lock);

	for (i = 0; i < vbe->desc.nr_queues; i++) {
		q = &vbe->vq[i];
		mutex_lock(&q->lock);
		if (!q->running) {
			list = llist_del_all(&vblk->q[i].done);
			llist_for_each_entry_safe(req, next, list, node)
				vblk_req_free(req);
			vblk->q[i].inflight = 0;
		}
		mutex_unlock(&q->lock);
	}
}

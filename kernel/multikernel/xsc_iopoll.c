// SPDX-License-Identifier: GPL-2.0
/*
 * Exception-less system calls: polled block I/O.
 *
 * With XSC_SETUP_IOPOLL, pread64() and pwrite64() on a block device opened
 * with O_DIRECT whose queue can be polled are issued as asynchronous
 * high-priority I/O.  The syscall thread goes on with other entries and
 * polls the device for the completion instead of sleeping until an
 * interrupt (on memory-speed devices the interrupt costs more than the
 * polling), as io_uring's IOPOLL mode does.  Any other call, a full set of
 * slots, or a call that would fail its checks takes the synchronous path,
 * which gives the same result as a trap.
 */
#include <linux/audit.h>
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fsnotify.h>
#include <linux/sched/xacct.h>
#include <linux/uio.h>
#include <asm/unistd.h>

#include "xsc.h"

/* May run in interrupt context if the queue completed it on its own. */
static void xsc_pio_complete(struct kiocb *kiocb, long res)
{
	struct xsc_pio *pio = container_of(kiocb, struct xsc_pio, kiocb);

	pio->res = res;
	pio->polled = in_task();
	/* Publishes res and polled to xsc_iopoll_reap(). */
	smp_store_release(&pio->done, true);
}

static bool xsc_file_can_poll(struct file *file, bool write)
{
	fmode_t need = write ? FMODE_WRITE | FMODE_CAN_WRITE | FMODE_PWRITE :
			       FMODE_READ | FMODE_CAN_READ | FMODE_PREAD;

	if (!S_ISBLK(file_inode(file)->i_mode) || !(file->f_flags & O_DIRECT))
		return false;
	if ((file->f_mode & need) != need || !file->f_op->iopoll)
		return false;
	return bdev_get_queue(I_BDEV(file->f_mapping->host))->limits.features &
	       BLK_FEAT_POLL;
}

static struct xsc_pio *xsc_pio_get(struct xsc_worker *w)
{
	unsigned int i;

	for (i = 0; i < XSC_IOPOLL_DEPTH; i++)
		if (!w->pio[i].busy)
			return &w->pio[i];
	return NULL;
}

/* Post the result, with the accounting vfs_read()/vfs_write() do. */
static void xsc_pio_finish(struct xsc_worker *w, struct xsc_pio *pio)
{
	struct file *file = pio->kiocb.ki_filp;
	long res = pio->res;

	if (pio->write) {
		if (res > 0) {
			fsnotify_modify(file);
			add_wchar(current, res);
		}
		inc_syscw(current);
	} else {
		if (res > 0) {
			fsnotify_access(file);
			add_rchar(current, res);
		}
		inc_syscr(current);
	}
	fput(file);
	pio->busy = false;
	w->nr_pio--;
	xsc_complete(w->ctx, pio->entry, res);
	w->stats.calls++;
}

/**
 * xsc_iopoll_issue - issue a call as polled block I/O if it is one
 * @w: the syscall thread
 * @idx: the entry
 * @c: the call, already allowed by xsc_call_check()
 *
 * Return: true if the entry was taken (completed now or in flight),
 * false if the caller must run the call synchronously.
 */
bool xsc_iopoll_issue(struct xsc_worker *w, unsigned int idx,
		      const struct xsc_call *c)
{
	const struct xsc_call_def *def = xsc_call_def(c->nr);
	void __user *buf = (void __user *)c->args[1];
	size_t len = c->args[2];
	loff_t pos = c->args[3];
	struct xsc_pio *pio;
	struct iov_iter iter;
	struct file *file;
	ssize_t ret;

	bool write;

	if (!(w->ctx->flags & XSC_SETUP_IOPOLL) || !def ||
	    def->iopoll == XSC_IO_NONE)
		return false;
	write = def->iopoll == XSC_IO_WRITE;
	/* Audit wants entry and exit around the call, in this thread. */
	if (!audit_dummy_context())
		return false;
	pio = xsc_pio_get(w);
	if (!pio || pos < 0 || len > MAX_RW_COUNT || !access_ok(buf, len))
		return false;

	file = fget((unsigned int)c->args[0]);
	if (!file)
		return false;
	if (!xsc_file_can_poll(file, write) ||
	    rw_verify_area(write ? WRITE : READ, file, &pos, len) ||
	    import_ubuf(write ? ITER_SOURCE : ITER_DEST, buf, len, &iter)) {
		fput(file);
		return false;
	}

	init_sync_kiocb(&pio->kiocb, file);
	pio->kiocb.ki_pos = pos;
	pio->kiocb.ki_flags |= IOCB_HIPRI;
	pio->kiocb.ki_complete = xsc_pio_complete;
	pio->entry = idx;
	pio->write = write;
	pio->done = false;
	pio->busy = true;
	w->nr_pio++;

	if (write)
		ret = file->f_op->write_iter(&pio->kiocb, &iter);
	else
		ret = file->f_op->read_iter(&pio->kiocb, &iter);
	if (ret != -EIOCBQUEUED) {
		/* Finished or failed before reaching the device. */
		pio->res = ret;
		xsc_pio_finish(w, pio);
	}
	return true;
}

/**
 * xsc_iopoll_reap - poll the I/O in flight and post what has completed
 * @w: the syscall thread
 *
 * Return: the number of entries completed.
 */
unsigned int xsc_iopoll_reap(struct xsc_worker *w)
{
	unsigned int i, n = 0;

	for (i = 0; w->nr_pio && i < XSC_IOPOLL_DEPTH; i++) {
		struct xsc_pio *pio = &w->pio[i];

		if (!pio->busy)
			continue;
		/* Acquire: pairs with the release in xsc_pio_complete(). */
		if (!smp_load_acquire(&pio->done))
			pio->kiocb.ki_filp->f_op->iopoll(&pio->kiocb, NULL, 0);
		/* Again: the poll may have completed it, in any context. */
		if (!smp_load_acquire(&pio->done))
			continue;
		if (pio->polled)
			w->stats.io_polled++;
		else
			w->stats.io_irq++;
		xsc_pio_finish(w, pio);
		n++;
	}
	return n;
}

/**
 * xsc_iopoll_drain - complete all I/O in flight, before the thread exits
 * @w: the syscall thread
 *
 * The kiocbs live in @w: the thread cannot go while the device owns one.
 */
void xsc_iopoll_drain(struct xsc_worker *w)
{
	while (w->nr_pio)
		if (!xsc_iopoll_reap(w))
			cond_resched();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * System call delegation, copy-based calls (MKEXEC_LAUNCH_COPY): read(),
 * write(), pread64() and pwrite64() of a program launched this way move
 * their bytes through a buffer of the partition kernel's, copied from or
 * to the program there and read or filled by the host, instead of the
 * host mapping the program's pages.  This is how delegation worked before
 * same-address mapping; it is kept to measure one against the other.
 * Every other call of such a program is delegated as usual.
 */

#define pr_fmt(fmt) "mk-deleg: " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/uio.h>
#include <asm/unistd.h>

#include "deleg_host.h"
#include "deleg_part.h"

/* ---- host: run the call on the partition's buffer ---- */

/* The kernel address of @len bytes at @pa, all in the peer's memory. */
static void *mk_deleg_copy_map(struct mk_deleg_proxy *p, u64 pa, size_t len)
{
	struct ikc_page_ref ref = {};
	void *first = NULL, *va;
	size_t off, n;

	if (!PAGE_ALIGNED(pa) || !len || len > MK_DELEG_COPY_MAX)
		return NULL;
	/* Each page checked; they must follow each other here too. */
	for (off = 0; off < len; off += PAGE_SIZE) {
		ref.pa = cpu_to_le64(pa + off);
		ref.len = cpu_to_le32(min_t(size_t, len - off, PAGE_SIZE));
		va = ikc_map_page_ref(p->idev, &ref, &n);
		if (!va || (first && va != first + off))
			return NULL;
		if (!first)
			first = va;
	}
	return first;
}

/**
 * mk_deleg_copy_serve() - run a copy-based call in the proxy
 * @p: the proxy whose server is the current task
 * @nr: read, write, pread64 or pwrite64
 * @args: its arguments: args[1] is the partition's buffer, see
 *	MK_DELEG_CALL_COPY
 *
 * The call is the proxy's own, on its file table, as the system call
 * would run it but on a kernel buffer.  A file without ->read_iter or
 * ->write_iter gives -EINVAL.
 *
 * Return: the call's result.
 */
long mk_deleg_copy_serve(struct mk_deleg_proxy *p, unsigned int nr,
			 const unsigned long *args)
{
	bool dest = mk_deleg_rw_fills(nr);
	bool positional = mk_deleg_rw_positional(nr);
	struct iov_iter iter;
	struct kvec vec = { .iov_len = args[2] };
	struct file *file;
	loff_t pos, *ppos;
	struct fd f;
	long ret;

	if (!mk_deleg_rw_nr(nr))
		return -EINVAL;
	if (vec.iov_len) {
		vec.iov_base = mk_deleg_copy_map(p, args[1], vec.iov_len);
		if (!vec.iov_base)
			return -EFAULT;
	}
	iov_iter_kvec(&iter, dest ? ITER_DEST : ITER_SOURCE, &vec, 1,
		      vec.iov_len);

	if (positional) {
		pos = args[3];
		if (pos < 0)
			return -EINVAL;
		f = fdget(args[0]);
	} else {
		f = fdget_pos(args[0]);
	}
	file = fd_file(f);
	if (!file)
		return -EBADF;
	if (positional) {
		ppos = &pos;
		if (!(file->f_mode & (dest ? FMODE_PREAD : FMODE_PWRITE))) {
			ret = -ESPIPE;
			goto out;
		}
	} else {
		/* As read(2) does: streams have no position. */
		pos = file->f_pos;
		ppos = file->f_mode & FMODE_STREAM ? NULL : &pos;
	}
	ret = dest ? vfs_iter_read(file, &iter, ppos, 0) :
		     vfs_iter_write(file, &iter, ppos, 0);
	if (!positional && ret >= 0 && ppos)
		file->f_pos = pos;
out:
	if (positional)
		fdput(f);
	else
		fdput_pos(f);
	return ret;
}

/* ---- partition: the program's side ---- */

/* The thread's buffer: as large as memory allows, up to the limit. */
static int mk_deleg_copy_buffer(struct mk_deleg_pthread *t)
{
	int order;

	if (t->copy_buf)
		return 0;
	for (order = get_order(MK_DELEG_COPY_MAX); order >= 0; order--) {
		t->copy_buf = alloc_pages(GFP_KERNEL | __GFP_NOWARN |
					  (order ? __GFP_NORETRY : 0), order);
		if (t->copy_buf) {
			t->copy_order = order;
			return 0;
		}
	}
	return -ENOMEM;
}

/**
 * mk_deleg_copy_free() - a thread's copy buffer is no longer needed
 * @t: the thread, exiting
 */
void mk_deleg_copy_free(struct mk_deleg_pthread *t)
{
	if (t->copy_buf)
		__free_pages(t->copy_buf, t->copy_order);
	t->copy_buf = NULL;
}

/*
 * One piece of the call, @len bytes at @ubuf, through the buffer; the
 * bytes done or a negative errno.  Only what the program can read (or
 * write) is sent (or asked for), so a bad address gives a short count or
 * -EFAULT, and no byte is taken from a pipe the program cannot store.
 */
static long mk_deleg_copy_piece(struct mk_deleg_psess *s,
				struct mk_deleg_pthread *t, unsigned long nr,
				const unsigned long *args, char __user *ubuf,
				size_t len, loff_t off)
{
	bool to_host = !mk_deleg_rw_fills(nr);
	void *buf = page_address(t->copy_buf);
	unsigned long a[6] = { args[0], page_to_phys(t->copy_buf), len, off };
	size_t bad;
	long ret;

	if (to_host)
		bad = copy_from_user(buf, ubuf, len);
	else
		bad = fault_in_writeable(ubuf, len);
	a[2] = len - bad;
	ret = mk_deleg_remote(s, nr, a, MK_DELEG_CALL_COPY);
	/* A zero-length call still reports a bad descriptor, as locally. */
	if (ret >= 0 && !a[2] && len)
		return -EFAULT;
	if (ret <= 0)
		return ret;
	/* The host is not trusted with the count either. */
	if (ret > a[2])
		return -EIO;
	if (!to_host && copy_to_user(ubuf, buf, ret))
		return -EFAULT;
	return ret;
}

/**
 * mk_deleg_copy_call() - a copy-based call of a delegated program
 * @s: its session, launched with MK_DELEG_LAUNCH_COPY
 * @nr: read, write, pread64 or pwrite64
 * @args: its arguments
 *
 * Return: the call's result: bytes, or a negative errno when none.
 */
long mk_deleg_copy_call(struct mk_deleg_psess *s, unsigned long nr,
			const unsigned long *args)
{
	bool positional = mk_deleg_rw_positional(nr);
	char __user *ubuf = (char __user *)args[1];
	size_t len = min_t(size_t, args[2], MAX_RW_COUNT), done = 0, piece;
	struct mk_deleg_pthread *t;
	long ret;

	t = mk_deleg_thread(s);
	if (IS_ERR(t))
		return PTR_ERR(t);
	ret = mk_deleg_copy_buffer(t);
	if (ret)
		return ret;
	if (positional && (loff_t)args[3] < 0)
		return -EINVAL;
	do {
		piece = min_t(size_t, len - done, PAGE_SIZE << t->copy_order);
		ret = mk_deleg_copy_piece(s, t, nr, args, ubuf + done, piece,
					  positional ? args[3] + done : 0);
		if (ret < 0)
			break;
		done += ret;
		/* Short, or a signal to take before going on: as far as it got. */
	} while (ret == piece && done < len && !signal_pending(current));
	return done ? done : ret;
}

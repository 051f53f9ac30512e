// SPDX-License-Identifier: GPL-2.0
/*
 * Exception-less system calls from user space.  See xsc.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xsc.h"

__thread const struct xsc_blocker *xsc_blocker;

int xsc_setup(struct xsc_params *params, size_t size)
{
	return syscall(__NR_xsc_setup, params, size);
}

long xsc_enter(int fd, unsigned int flags, unsigned int target, const void *arg,
	       size_t argsz)
{
	return syscall(__NR_xsc_enter, fd, flags, target, arg, argsz);
}

int xsc_open(struct xsc *x, struct xsc_params *p)
{
	struct xsc_params defaults;
	struct xsc_header *hdr;
	void *map;
	int err;

	memset(x, 0, sizeof(*x));
	x->fd = -1;
	if (!p) {
		memset(&defaults, 0, sizeof(defaults));
		p = &defaults;
	}
	x->fd = xsc_setup(p, sizeof(*p));
	if (x->fd < 0)
		return -errno;

	map = mmap(NULL, p->mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, x->fd, 0);
	if (map == MAP_FAILED) {
		err = -errno;
		goto out_close;
	}
	hdr = map;
	x->hdr = hdr;
	x->map_size = p->mmap_size;

	err = -EPROTO;
	if (hdr->magic != XSC_MAGIC || hdr->entry_size != sizeof(struct xsc_entry) ||
	    !hdr->nr_entries || hdr->entries_offset < sizeof(*hdr) ||
	    hdr->entries_offset + (size_t)hdr->nr_entries * hdr->entry_size > x->map_size)
		goto out_unmap;

	x->nr_entries = hdr->nr_entries;
	x->entries = (struct xsc_entry *)((char *)map + hdr->entries_offset);
	x->features = p->features;
	x->spin = XSC_SPIN_DEFAULT;
	x->owned = calloc(x->nr_entries, 1);
	if (!x->owned) {
		err = -ENOMEM;
		goto out_unmap;
	}
	return 0;

out_unmap:
	munmap(map, x->map_size);
out_close:
	close(x->fd);
	memset(x, 0, sizeof(*x));
	x->fd = -1;
	return err;
}

void xsc_close(struct xsc *x)
{
	if (x->hdr)
		munmap(x->hdr, x->map_size);
	if (x->fd >= 0)
		close(x->fd);
	free(x->owned);
	memset(x, 0, sizeof(*x));
	x->fd = -1;
}

struct xsc_entry *xsc_entry_get(struct xsc *x)
{
	unsigned int n = x->nr_entries;
	unsigned int start, i, k;
	unsigned char zero;

	/* the hint only spreads the searches: a stale value is harmless */
	start = __atomic_load_n(&x->hint, __ATOMIC_RELAXED);
	for (k = 0; k < n; k++) {
		i = start + k < n ? start + k : start + k - n;
		if (__atomic_load_n(&x->owned[i], __ATOMIC_RELAXED))
			continue;
		zero = 0;
		if (!__atomic_compare_exchange_n(&x->owned[i], &zero, 1, 0,
						 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			continue;
		__atomic_store_n(&x->hint, i + 1 < n ? i + 1 : 0, __ATOMIC_RELAXED);
		return &x->entries[i];
	}
	errno = EAGAIN;
	return NULL;
}

void xsc_entry_put(struct xsc *x, struct xsc_entry *e)
{
	/* release: our accesses to @e happen before the next owner's */
	__atomic_store_n(&x->owned[e - x->entries], 0, __ATOMIC_RELEASE);
}

void xsc_entry_publish(struct xsc_entry *e, long nr, const long args[6])
{
	int i;

	e->nr = nr;
	for (i = 0; i < 6; i++)
		e->args[i] = args[i];
	__atomic_store_n(&e->status, XSC_ENTRY_SUBMITTED, __ATOMIC_RELEASE);
}

void xsc_kick(struct xsc *x)
{
	/*
	 * Pairs with the pool setting NEED_WAKEUP and then re-scanning the
	 * entries before it sleeps: either it sees our entry or we see the flag.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&x->hdr->flags, __ATOMIC_RELAXED) & XSC_HDR_NEED_WAKEUP)
		xsc_enter(x->fd, XSC_ENTER_WAKEUP, 0, NULL, 0);
}

void xsc_entry_submit(struct xsc *x, struct xsc_entry *e, long nr, long a0,
		      long a1, long a2, long a3, long a4, long a5)
{
	const long args[6] = { a0, a1, a2, a3, a4, a5 };

	xsc_entry_publish(e, nr, args);
	xsc_kick(x);
}

long xsc_entry_reap(struct xsc *x, struct xsc_entry *e)
{
	long ret = e->ret;

	__atomic_store_n(&e->status, XSC_ENTRY_FREE, __ATOMIC_RELAXED);
	xsc_entry_put(x, e);
	return ret;
}

long xsc_wait(struct xsc *x, struct xsc_entry *e)
{
	unsigned int i, seq;

	for (i = 0; i < x->spin; i++) {
		if (xsc_entry_done(e))
			return e->ret;
		__builtin_ia32_pause();
	}
	for (;;) {
		/* read the count first: a completion after this read ends the wait */
		seq = __atomic_load_n(&x->hdr->completed, __ATOMIC_ACQUIRE);
		if (xsc_entry_done(e))
			return e->ret;
		if (xsc_dead(x))
			return -EPIPE;
		if (xsc_enter(x->fd, XSC_ENTER_WAIT, seq + 1, NULL, 0) < 0 && errno != EINTR)
			return -errno;
	}
}

long xsc_syscallv(struct xsc *x, long nr, const long args[6])
{
	const struct xsc_blocker *b = xsc_blocker;
	struct xsc_entry *e;
	unsigned int tries = 0;
	long ret;

	if (xsc_dead(x))
		return -EPIPE;
	while (!(e = xsc_entry_get(x))) {
		/* entries are freed by their owners, not counted by completed */
		if (b)
			b->relax();
		else if (++tries < 64)
			__builtin_ia32_pause();
		else
			sched_yield();
		if (xsc_dead(x))
			return -EPIPE;
	}
	xsc_entry_publish(e, nr, args);
	if (b) {
		ret = b->wait(x, e);
	} else {
		xsc_kick(x);
		ret = xsc_wait(x, e);
	}
	if (xsc_entry_done(e))
		return xsc_entry_reap(x, e);
	return ret;
}

long xsc_syscall(struct xsc *x, long nr, ...)
{
	long args[6];
	va_list ap;
	int i;

	/* like syscall(2): unused trailing arguments are read but ignored */
	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		args[i] = va_arg(ap, long);
	va_end(ap);
	return xsc_syscallv(x, nr, args);
}

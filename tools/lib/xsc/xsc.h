/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception-less system calls from user space: a thin layer over
 * xsc_setup(), xsc_enter() and the shared page of <linux/xsc.h>.
 *
 * One struct xsc may be shared by the threads of a process (a process has
 * at most one pool).  The kernel owns the SUBMITTED -> BUSY -> DONE status
 * transitions, so claiming a free entry between threads uses a private
 * array of ownership flags instead of the shared status word.
 */
#ifndef __LIB_XSC_H
#define __LIB_XSC_H

#include <stddef.h>
#include <linux/xsc.h>

#ifndef __NR_xsc_setup
#define __NR_xsc_setup	463
#endif
#ifndef __NR_xsc_enter
#define __NR_xsc_enter	464
#endif

/* pause loops before xsc_wait() sleeps in the kernel */
#define XSC_SPIN_DEFAULT	4096

struct xsc {
	int fd;
	unsigned int nr_entries;
	struct xsc_header *hdr;
	struct xsc_entry *entries;
	size_t map_size;
	unsigned int features;		/* XSC_FEAT_* */
	unsigned int spin;		/* see XSC_SPIN_DEFAULT; may be changed */
	unsigned int hint;		/* where the next search for an entry starts */
	unsigned char *owned;		/* per entry: claimed by a user thread */
};

/*
 * How a thread blocks in xsc_syscall().  A user-level thread scheduler sets
 * xsc_blocker on its OS thread; @wait gets an entry that is published but
 * not kicked (the scheduler must call xsc_kick() before it waits) and
 * returns as xsc_wait(); @relax runs other work when the page is full.
 */
struct xsc_blocker {
	long (*wait)(struct xsc *x, struct xsc_entry *e);
	void (*relax)(void);
};

extern __thread const struct xsc_blocker *xsc_blocker;

/* Thin wrappers of the system calls: -1 and errno on error. */
int xsc_setup(struct xsc_params *params, size_t size);
long xsc_enter(int fd, unsigned int flags, unsigned int target, const void *arg,
	       size_t argsz);

/*
 * Register the process and map the page.  @p may be NULL for defaults;
 * otherwise the kernel's answers are written back to it.  Returns 0 or
 * -errno (-EPROTO if the page does not look like <linux/xsc.h>).
 */
int xsc_open(struct xsc *x, struct xsc_params *p);
void xsc_close(struct xsc *x);

/* Claim a free entry; NULL with errno EAGAIN when all are in use. */
struct xsc_entry *xsc_entry_get(struct xsc *x);
/* Give back a claimed entry that was never submitted. */
void xsc_entry_put(struct xsc *x, struct xsc_entry *e);

/* Fill @e and make it visible to the pool, without waking the pool. */
void xsc_entry_publish(struct xsc_entry *e, long nr, const long args[6]);
/* Wake the pool if it sleeps; needed once after one or more publishes. */
void xsc_kick(struct xsc *x);
/* Publish and kick. */
void xsc_entry_submit(struct xsc *x, struct xsc_entry *e, long nr, long a0,
		      long a1, long a2, long a3, long a4, long a5);

static inline int xsc_entry_done(const struct xsc_entry *e)
{
	return __atomic_load_n(&e->status, __ATOMIC_ACQUIRE) == XSC_ENTRY_DONE;
}

static inline int xsc_dead(const struct xsc *x)
{
	return __atomic_load_n(&x->hdr->flags, __ATOMIC_ACQUIRE) & XSC_HDR_DEAD;
}

/* The result of a done entry; frees the entry. */
long xsc_entry_reap(struct xsc *x, struct xsc_entry *e);

/*
 * Wait for a submitted entry: spin x->spin times, then sleep in the kernel.
 * Returns the entry's result without freeing it.  If the entry is not done
 * on return, the value is the wait's own error: -EPIPE when the pool is
 * dead; the entry then stays claimed for good.
 */
long xsc_wait(struct xsc *x, struct xsc_entry *e);

/*
 * Run one system call through the pool and wait for it, like syscall(2)
 * but returning the raw kernel value: the result, or -errno on error
 * (errno is not set).  -EPIPE also means the pool is dead (see xsc_dead()).
 * In a user-level thread, other user-level threads run meanwhile.
 */
long xsc_syscall(struct xsc *x, long nr, ...);
long xsc_syscallv(struct xsc *x, long nr, const long args[6]);

#endif /* __LIB_XSC_H */

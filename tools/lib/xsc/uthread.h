/* SPDX-License-Identifier: GPL-2.0 */
/*
 * M:N user-level threads for exception-less system calls, after
 * FlexSC-Threads: each OS thread runs its own scheduler over its own
 * user-level threads.  A user-level thread that calls xsc_syscall() is
 * switched out until its entry is done, so one OS thread keeps many system
 * calls in flight without trapping.  When nothing is ready the scheduler
 * polls the entries, then sleeps in xsc_enter(XSC_ENTER_WAIT).
 *
 * Everything here is per OS thread: a scheduler, its threads and
 * ut_wake() must not be used from another OS thread.
 */
#ifndef __LIB_XSC_UTHREAD_H
#define __LIB_XSC_UTHREAD_H

#include <stddef.h>

#include "xsc.h"

#define UT_STACK_DEFAULT	(64 * 1024)

struct ut_thread;

struct ut_sched {
	struct xsc *xsc;		/* may be NULL: taken from the first call */
	void *sp;			/* saved while a user-level thread runs */
	struct ut_thread *current;
	struct ut_thread *ready_head, *ready_tail;
	struct ut_thread *blocked;	/* waiting for xsc entries */
	unsigned int nr_threads;	/* not finished */
	unsigned int nr_ready;
	unsigned int nr_blocked;
	int kick;			/* entries published since the last xsc_kick() */
	long xsc_err;			/* why blocked threads were failed */
	/*
	 * Optional source of other wake-ups (e.g. an io_uring): called after
	 * every round with @wait == 0, and with @wait != 0 when no thread is
	 * ready and none waits for an xsc entry, to block until it has woken
	 * one with ut_wake().  Returns 0 or -errno, which stops ut_sched_run().
	 */
	int (*poll)(struct ut_sched *s, int wait, void *arg);
	void *poll_arg;
};

int ut_sched_init(struct ut_sched *s, struct xsc *x);

/*
 * Add a thread running @fn(@arg), before ut_sched_run() or from one of the
 * scheduler's threads; stack_size 0 for UT_STACK_DEFAULT.  0 or -errno.
 */
int ut_spawn(struct ut_sched *s, void (*fn)(void *), void *arg, size_t stack_size);

/*
 * Run until every thread of @s has returned: 0, -EDEADLK if the rest are
 * parked with nothing left to wake them, or an error of s->poll().
 */
int ut_sched_run(struct ut_sched *s);

/* The running user-level thread, NULL outside one. */
struct ut_thread *ut_self(void);

/* Let the other ready threads run; sched_yield() outside a thread. */
void ut_yield(void);

/*
 * Switch out until another thread or s->poll() calls ut_wake() on this
 * one; -EPERM outside a thread.  Only a parked thread may be woken.
 */
int ut_park(void);
void ut_wake(struct ut_thread *t);

#endif /* __LIB_XSC_UTHREAD_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception-less system calls: declarations shared by xsc_*.c and their
 * KUnit tests.
 */
#ifndef _KERNEL_MULTIKERNEL_XSC_H
#define _KERNEL_MULTIKERNEL_XSC_H

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/preempt.h>
#include <linux/refcount.h>
#include <linux/seccomp.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <uapi/linux/xsc.h>

/* Polled block I/O a syscall thread keeps in flight at once. */
#define XSC_IOPOLL_DEPTH	16

/* Entries per page of struct xsc_entry. */
#define XSC_ENTRIES_PER_PAGE	(PAGE_SIZE / sizeof(struct xsc_entry))

/**
 * struct xsc_call - a system call taken from an entry
 * @nr: system call number
 * @args: its arguments
 */
struct xsc_call {
	unsigned int nr;
	unsigned long args[6];
};

/**
 * struct xsc_pio - one polled block I/O in flight
 * @kiocb: the I/O
 * @entry: index of its entry
 * @res: result, valid once @done is set
 * @done: set by the completion, which may run in interrupt context
 * @polled: the completion ran in the syscall thread, from polling
 * @write: a pwrite64()
 * @busy: slot in use
 */
struct xsc_pio {
	struct kiocb kiocb;
	unsigned int entry;
	long res;
	bool done;
	bool polled;
	bool write;
	bool busy;
};

/**
 * struct xsc_stats - counters of one syscall thread, shown in fdinfo
 * @calls: entries completed
 * @denied: entries refused by seccomp
 * @nosys: entries with a call that may not run from the page
 * @handoffs: times the thread blocked in a call and gave up its slot
 * @sleeps: times the thread went to sleep
 * @io_polled: polled I/O completed by polling
 * @io_irq: polled I/O that completed without being polled
 */
struct xsc_stats {
	u64 calls;
	u64 denied;
	u64 nosys;
	u64 handoffs;
	u64 sleeps;
	u64 io_polled;
	u64 io_irq;
};

struct xsc_ctx;

/**
 * struct xsc_worker - one syscall thread
 * @ctx: its pool
 * @task: the thread, referenced; NULL once it is exiting
 * @pn: preempt notifier, to see the thread block inside a call
 * @cursor: entry the next scan starts from
 * @in_call: running a system call
 * @gave_up: blocked in the current call and left the active set
 * @active: counted in ctx->nr_active
 * @exit_signal: signal to end the process with (seccomp kill), or 0
 * @cred: credentials the thread runs with (the owner's, followed)
 * @orig_cred: the thread's own credentials under the override
 * @seccomp: the owner's seccomp filter, followed
 * @pio: polled I/O slots
 * @nr_pio: slots in use
 * @stats: counters
 */
struct xsc_worker {
	struct xsc_ctx *ctx;
	struct task_struct *task;
	struct preempt_notifier pn;
	unsigned int cursor;
	bool in_call;
	bool gave_up;
	bool active;
	int exit_signal;
	const struct cred *cred;
	const struct cred *orig_cred;
	struct seccomp_delegate seccomp;
	int seccomp_seen;
	bool seccomp_checked;
	struct xsc_pio pio[XSC_IOPOLL_DEPTH];
	unsigned int nr_pio;
	struct xsc_stats stats;
};

/**
 * struct xsc_ctx - one registered process: syscall pages and thread pool
 * @refs: one for the file, one per running syscall thread
 * @node: in the registry of processes
 * @mm: the process's address space (grabbed): identifies the process
 * @owner: the registering thread, whose credentials and seccomp filters
 *	   the calls run with (referenced)
 * @pages: pages of the mapping: header, then entries
 * @nr_pages: their number
 * @hdr: kernel mapping of @pages
 * @entries: the entries, after the header page
 * @nr_entries: their number
 * @uaddr: user address of the mapping, 0 until mapped
 * @flags: XSC_SETUP_* flags
 * @policy: XSC_POLICY_*
 * @idle_ns: polling time without work before sleeping
 * @cpus: CPUs the syscall threads run on
 * @nr_threads: syscall threads started
 * @max_active: threads allowed to poll or run calls at once
 * @nr_active: threads polling or running a call that has not blocked
 * @stopping: the pool is being torn down
 * @sleep_wq: idle and spare threads
 * @done_wq: waiters in xsc_enter(XSC_ENTER_WAIT)
 * @handoff_work: wakes a thread when one blocks; queued from the scheduler
 * @lock: protects @workers[].task
 * @wakeups: xsc_enter(XSC_ENTER_WAKEUP) calls
 * @workers: the syscall threads
 */
struct xsc_ctx {
	refcount_t refs;
	struct list_head node;
	struct mm_struct *mm;
	struct task_struct *owner;
	struct page **pages;
	unsigned int nr_pages;
	struct xsc_header *hdr;
	struct xsc_entry *entries;
	unsigned int nr_entries;
	unsigned long uaddr;
	u32 flags;
	u32 policy;
	u64 idle_ns;
	cpumask_var_t cpus;
	unsigned int nr_threads;
	unsigned int max_active;
	atomic_t nr_active;
	bool stopping;
	wait_queue_head_t sleep_wq;
	wait_queue_head_t done_wq;
	struct irq_work handoff_work;
	spinlock_t lock;		/* protects workers[].task */
	atomic64_t wakeups;
	struct xsc_worker *workers;
};

/* xsc_setup.c */
int xsc_params_check(const struct xsc_params *p);
void xsc_ctx_put(struct xsc_ctx *ctx);

/* xsc_pool.c */
int xsc_pool_start(struct xsc_ctx *ctx);
void xsc_pool_stop(struct xsc_ctx *ctx);
void xsc_pool_wake(struct xsc_ctx *ctx);
void xsc_complete(struct xsc_ctx *ctx, unsigned int idx, long ret);
void xsc_handoff(struct irq_work *work);

/**
 * enum xsc_io - how a call may be issued as polled block I/O
 * @XSC_IO_NONE: it may not; it runs as a system call
 * @XSC_IO_READ: as a positional read
 * @XSC_IO_WRITE: as a positional write
 * @XSC_IO_NR: number of values
 */
enum xsc_io {
	XSC_IO_NONE,
	XSC_IO_READ,
	XSC_IO_WRITE,
	XSC_IO_NR,
};

/**
 * struct xsc_call_def - what the syscall page does with a system call
 * @allowed: it may run from the page
 * @iopoll: enum xsc_io
 * @clock_arg: its first argument is a clock id; the calling thread's own
 *	CPU clock is refused (it would be the syscall thread's)
 */
struct xsc_call_def {
	bool allowed;
	u8 iopoll;
	bool clock_arg;
};

/* xsc_call.c */
const struct xsc_call_def *xsc_call_def(unsigned int nr);
bool xsc_seccomp_uniform(struct task_struct *owner);
bool xsc_call_check(struct xsc_worker *w, unsigned int idx,
		    const struct xsc_call *c, long *ret);
long xsc_call_dispatch(struct xsc_worker *w, const struct xsc_call *c);
void xsc_call_exit(struct xsc_worker *w);

/* xsc_iopoll.c */
bool xsc_iopoll_issue(struct xsc_worker *w, unsigned int idx,
		      const struct xsc_call *c);
unsigned int xsc_iopoll_reap(struct xsc_worker *w);
void xsc_iopoll_drain(struct xsc_worker *w);

#endif /* _KERNEL_MULTIKERNEL_XSC_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Exception-less system calls: the pool of syscall threads.
 *
 * The threads are threads of the registered process, made with
 * create_io_thread() as io_uring's SQPOLL thread and io-wq workers are, so
 * a call runs with the process's mm, files, fs, cgroup and limits, and its
 * CPU time is charged to the process.
 *
 * At most max_active threads (one per CPU of the set) poll the entries or
 * run calls at once; the others sleep.  When a thread blocks inside a call
 * the scheduler tells us through a preempt notifier: the thread leaves the
 * active set and a sleeping one is woken to go on with the page, so one
 * slow call never stalls it.  A thread that finds no work for the idle
 * time sleeps too; the last one to do so sets XSC_HDR_NEED_WAKEUP.
 */
#include <linux/multikernel.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/task_work.h>
#include <linux/timekeeping.h>
#include <linux/xarray.h>

#include "xsc.h"

static inline void xsc_hdr_set(struct xsc_ctx *ctx, u32 flag)
{
	atomic_or(flag, (atomic_t *)&ctx->hdr->flags);
}

static inline void xsc_hdr_clear(struct xsc_ctx *ctx, u32 flag)
{
	if (READ_ONCE(ctx->hdr->flags) & flag)
		atomic_andnot(flag, (atomic_t *)&ctx->hdr->flags);
}

static void xsc_sched_in(struct preempt_notifier *pn, int cpu)
{
}

/* Called by the scheduler with its runqueue locked: note and defer. */
static void xsc_sched_out(struct preempt_notifier *pn,
			  struct task_struct *next)
{
	struct xsc_worker *w = container_of(pn, struct xsc_worker, pn);

	/* Preempted (still runnable) is not blocked. */
	if (!w->in_call || !w->active || !READ_ONCE(current->__state))
		return;
	w->gave_up = true;
	w->active = false;
	w->stats.handoffs++;
	atomic_dec(&w->ctx->nr_active);
	irq_work_queue(&w->ctx->handoff_work);
}

static struct preempt_ops xsc_preempt_ops = {
	.sched_in	= xsc_sched_in,
	.sched_out	= xsc_sched_out,
};

/**
 * xsc_handoff - wake a sleeping syscall thread for one that blocked
 * @work: the pool's handoff_work
 */
void xsc_handoff(struct irq_work *work)
{
	struct xsc_ctx *ctx = container_of(work, struct xsc_ctx, handoff_work);

	if (atomic_read(&ctx->nr_active) < ctx->max_active)
		wake_up(&ctx->sleep_wq);
}

static bool xsc_activate(struct xsc_worker *w)
{
	struct xsc_ctx *ctx = w->ctx;

	if (w->active)
		return true;
	if (!atomic_add_unless(&ctx->nr_active, 1, ctx->max_active))
		return false;
	w->active = true;
	xsc_hdr_clear(ctx, XSC_HDR_NEED_WAKEUP);
	return true;
}

static void xsc_deactivate(struct xsc_worker *w)
{
	if (w->active) {
		w->active = false;
		atomic_dec(&w->ctx->nr_active);
	}
}

static bool xsc_work_pending(struct xsc_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_entries; i++)
		if (READ_ONCE(ctx->entries[i].status) == XSC_ENTRY_SUBMITTED)
			return true;
	return false;
}

/* Sleep until woken: by xsc_enter(), a handoff, or the pool stopping. */
static void xsc_sleep(struct xsc_worker *w)
{
	struct xsc_ctx *ctx = w->ctx;
	DEFINE_WAIT(wait);

	xsc_deactivate(w);
	prepare_to_wait_exclusive(&ctx->sleep_wq, &wait, TASK_INTERRUPTIBLE);
	if (!atomic_read(&ctx->nr_active))
		xsc_hdr_set(ctx, XSC_HDR_NEED_WAKEUP);
	/* Pairs with the barrier between submission and the flag test. */
	smp_mb__after_atomic();
	if (!READ_ONCE(ctx->stopping) && !signal_pending(current) &&
	    (atomic_read(&ctx->nr_active) >= ctx->max_active ||
	     !xsc_work_pending(ctx))) {
		w->stats.sleeps++;
		schedule();
	}
	finish_wait(&ctx->sleep_wq, &wait);
}

/**
 * xsc_complete - post the result of an entry
 * @ctx: the pool
 * @idx: the entry
 * @ret: the result
 */
void xsc_complete(struct xsc_ctx *ctx, unsigned int idx, long ret)
{
	struct xsc_entry *e = &ctx->entries[idx];

	WRITE_ONCE(e->ret, ret);
	/* User space reads ret after loading DONE with acquire. */
	smp_store_release(&e->status, XSC_ENTRY_DONE);
	atomic_inc((atomic_t *)&ctx->hdr->completed);
	/* Order the count before the waiter test below. */
	smp_mb__after_atomic();
	/* Pairs with prepare_to_wait() in xsc_enter(), which then tests. */
	if (waitqueue_active(&ctx->done_wq))
		wake_up_all(&ctx->done_wq);
}

static bool xsc_claim(struct xsc_ctx *ctx, unsigned int idx)
{
	u32 *status = &ctx->entries[idx].status;

	/* The cmpxchg is a full barrier: the fields are read after it. */
	return READ_ONCE(*status) == XSC_ENTRY_SUBMITTED &&
	       cmpxchg(status, XSC_ENTRY_SUBMITTED, XSC_ENTRY_BUSY) ==
	       XSC_ENTRY_SUBMITTED;
}

static void xsc_run(struct xsc_worker *w, unsigned int idx)
{
	struct xsc_entry *e = &w->ctx->entries[idx];
	struct xsc_call c;
	long ret;
	int i;

	/* Copy once: user space may rewrite the entry while it runs. */
	c.nr = READ_ONCE(e->nr);
	for (i = 0; i < ARRAY_SIZE(c.args); i++)
		c.args[i] = READ_ONCE(e->args[i]);

	if (xsc_call_check(w, idx, &c, &ret)) {
		if (xsc_iopoll_issue(w, idx, &c))
			return;
		ret = xsc_call_dispatch(w, &c);
	}
	xsc_complete(w->ctx, idx, ret);
	w->stats.calls++;
}

/* One pass over the entries from where the last one stopped. */
static unsigned int xsc_scan(struct xsc_worker *w)
{
	struct xsc_ctx *ctx = w->ctx;
	unsigned int i, idx, done = 0;

	for (i = 0; i < ctx->nr_entries; i++) {
		idx = w->cursor;
		if (++w->cursor == ctx->nr_entries)
			w->cursor = 0;
		if (!xsc_claim(ctx, idx))
			continue;
		xsc_run(w, idx);
		done++;
		/* Blocked and handed over, told to stop, or killed. */
		if (!w->active || w->exit_signal || signal_pending(current))
			break;
	}
	return done;
}

/* Returns true when the thread must exit. */
static bool xsc_handle_signals(void)
{
	struct ksignal ksig;

	if (test_thread_flag(TIF_NOTIFY_SIGNAL))
		clear_notify_signal();
	if (task_work_pending(current))
		task_work_run();
	/* Only fatal signals reach an I/O thread. */
	return task_sigpending(current) && get_signal(&ksig);
}

static bool xsc_keep_polling(struct xsc_worker *w, u64 last_work)
{
	struct xsc_ctx *ctx = w->ctx;

	if (w->nr_pio || ctx->policy == XSC_POLICY_BUSY)
		return true;
	return ctx->policy == XSC_POLICY_IDLE &&
	       ktime_get_ns() - last_work < ctx->idle_ns;
}

/* The syscall threads by pid, while they run: procfs asks (thread-self). */
static DEFINE_XARRAY(xsc_threads);

/**
 * xsc_is_syscall_thread() - whether a task is a syscall thread
 * @tsk: the task, PF_IO_WORKER (other tasks are never one)
 *
 * Safe in RCU path walk: takes no lock and does not sleep.
 *
 * Return: true if @tsk runs the calls of a syscall page.
 */
bool xsc_is_syscall_thread(struct task_struct *tsk)
{
	return xa_load(&xsc_threads, tsk->pid) == tsk;
}

static int xsc_worker_fn(void *data)
{
	struct xsc_worker *w = data;
	struct xsc_ctx *ctx = w->ctx;
	char name[TASK_COMM_LEN];
	u64 last_work = ktime_get_ns();
	int exit_signal;

	snprintf(name, sizeof(name), "xsc-%d", task_tgid_nr(current));
	set_task_comm(current, name);
	preempt_disable();
	preempt_notifier_register(&w->pn);
	preempt_enable();

	while (!READ_ONCE(ctx->stopping) && !w->exit_signal) {
		if (unlikely(task_sigpending(current) ||
			     test_thread_flag(TIF_NOTIFY_SIGNAL) ||
			     task_work_pending(current))) {
			if (xsc_handle_signals())
				break;
			continue;
		}
		if (!xsc_activate(w)) {
			xsc_sleep(w);
			continue;
		}
		if (xsc_scan(w) + xsc_iopoll_reap(w)) {
			last_work = ktime_get_ns();
			cond_resched();
			continue;
		}
		if (xsc_keep_polling(w, last_work)) {
			cpu_relax();
			cond_resched();
			continue;
		}
		xsc_sleep(w);
		last_work = ktime_get_ns();
	}

	xsc_iopoll_drain(w);
	xsc_deactivate(w);
	preempt_disable();
	preempt_notifier_unregister(&w->pn);
	preempt_enable();
	xsc_call_exit(w);
	xa_cmpxchg(&xsc_threads, current->pid, current, NULL, 0);

	spin_lock(&ctx->lock);
	w->task = NULL;
	spin_unlock(&ctx->lock);
	exit_signal = w->exit_signal;
	/* May free ctx and w. */
	xsc_ctx_put(ctx);
	put_task_struct(current);

	if (exit_signal)
		do_group_exit(exit_signal);
	do_exit(0);
}

/**
 * xsc_pool_start - start the syscall threads of a registration
 * @ctx: the registration, owned by its file
 *
 * Called by the registering thread: the threads join its process.  On
 * failure the threads already started are told to stop.
 *
 * Return: 0 or a negative errno.
 */
int xsc_pool_start(struct xsc_ctx *ctx)
{
	int node = cpu_to_node(cpumask_first(ctx->cpus));
	struct task_struct *tsk;
	unsigned int i;
	int ret;

	for (i = 0; i < ctx->nr_threads; i++) {
		struct xsc_worker *w = &ctx->workers[i];

		w->ctx = ctx;
		w->cursor = i * ctx->nr_entries / ctx->nr_threads;
		preempt_notifier_init(&w->pn, &xsc_preempt_ops);

		refcount_inc(&ctx->refs);
		tsk = create_io_thread(xsc_worker_fn, w, node);
		if (IS_ERR(tsk)) {
			refcount_dec(&ctx->refs);
			xsc_pool_stop(ctx);
			return PTR_ERR(tsk);
		}
		w->task = get_task_struct(tsk);
		ret = xa_insert(&xsc_threads, tsk->pid, tsk, GFP_KERNEL);
		set_cpus_allowed_ptr(tsk, ctx->cpus);
		/* The pinning is part of the registration. */
		tsk->flags |= PF_NO_SETAFFINITY;
		wake_up_new_task(tsk);
		if (ret) {
			xsc_pool_stop(ctx);
			return ret;
		}
	}
	return 0;
}

/**
 * xsc_pool_stop - tell the syscall threads to exit
 * @ctx: the registration
 *
 * Does not wait: it may run in the exit path of the pool's own process.
 * Calls in progress are interrupted where they sleep interruptibly, and
 * polled I/O in flight is completed before a thread exits.
 */
void xsc_pool_stop(struct xsc_ctx *ctx)
{
	unsigned int i;

	WRITE_ONCE(ctx->stopping, true);
	xsc_hdr_set(ctx, XSC_HDR_DEAD);
	/* Sleepers test stopping after queueing themselves. */
	smp_mb__after_atomic();
	wake_up_all(&ctx->sleep_wq);
	wake_up_all(&ctx->done_wq);

	spin_lock(&ctx->lock);
	for (i = 0; i < ctx->nr_threads; i++)
		if (ctx->workers[i].task)
			set_notify_signal(ctx->workers[i].task);
	spin_unlock(&ctx->lock);
}

/**
 * xsc_pool_wake - wake sleeping syscall threads
 * @ctx: the registration
 */
void xsc_pool_wake(struct xsc_ctx *ctx)
{
	if (wq_has_sleeper(&ctx->sleep_wq))
		wake_up_nr(&ctx->sleep_wq, ctx->max_active);
}

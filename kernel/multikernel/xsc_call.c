// SPDX-License-Identifier: GPL-2.0
/*
 * Exception-less system calls: which calls may run from the syscall page,
 * and running one as the registering thread would run it: with its
 * credentials (followed as they change), its seccomp filters and audit.
 */
#include <linux/atomic.h>
#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/init.h>
#include <linux/multikernel.h>
#include <linux/nospec.h>
#include <linux/posix-timers_types.h>
#include <linux/sched/signal.h>
#include <linux/task_work.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include <kunit/visibility.h>

#include "xsc.h"

/*
 * The calls that may run from the syscall page: those that mean the same
 * on another thread of the process.  Calls that act on the calling thread
 * itself (gettid, signals, credentials, clone, exec, exit, ...) would act
 * on the syscall thread, so from the page they are not system calls at
 * all: they fail as an unknown number does, and so do clock calls on the
 * calling thread's CPU clock (.clock_arg).  A call with .iopoll may also
 * be issued as polled block I/O (xsc_iopoll.c) when the context asked for
 * it; it must then take (fd, buf, count, pos).
 */
static const struct xsc_call_def xsc_calls[NR_syscalls] = {
	[__NR_read] = { .allowed = true },
	[__NR_write] = { .allowed = true },
	[__NR_pread64] = { .allowed = true, .iopoll = XSC_IO_READ },
	[__NR_pwrite64] = { .allowed = true, .iopoll = XSC_IO_WRITE },
	[__NR_readv] = { .allowed = true },
	[__NR_writev] = { .allowed = true },
	[__NR_preadv] = { .allowed = true },
	[__NR_pwritev] = { .allowed = true },
	[__NR_preadv2] = { .allowed = true },
	[__NR_pwritev2] = { .allowed = true },
	[__NR_lseek] = { .allowed = true },
	[__NR_open] = { .allowed = true },
	[__NR_openat] = { .allowed = true },
	[__NR_close] = { .allowed = true },
	[__NR_fsync] = { .allowed = true },
	[__NR_fdatasync] = { .allowed = true },
	[__NR_syncfs] = { .allowed = true },
	[__NR_sync_file_range] = { .allowed = true },
	[__NR_fallocate] = { .allowed = true },
	[__NR_truncate] = { .allowed = true },
	[__NR_ftruncate] = { .allowed = true },
	[__NR_stat] = { .allowed = true },
	[__NR_fstat] = { .allowed = true },
	[__NR_lstat] = { .allowed = true },
	[__NR_newfstatat] = { .allowed = true },
	[__NR_statx] = { .allowed = true },
	[__NR_access] = { .allowed = true },
	[__NR_faccessat] = { .allowed = true },
	[__NR_faccessat2] = { .allowed = true },
	[__NR_getdents64] = { .allowed = true },
	[__NR_getcwd] = { .allowed = true },
	[__NR_readlink] = { .allowed = true },
	[__NR_readlinkat] = { .allowed = true },
	[__NR_mkdir] = { .allowed = true },
	[__NR_mkdirat] = { .allowed = true },
	[__NR_rmdir] = { .allowed = true },
	[__NR_unlink] = { .allowed = true },
	[__NR_unlinkat] = { .allowed = true },
	[__NR_rename] = { .allowed = true },
	[__NR_renameat2] = { .allowed = true },
	[__NR_sendto] = { .allowed = true },
	[__NR_recvfrom] = { .allowed = true },
	[__NR_sendmsg] = { .allowed = true },
	[__NR_recvmsg] = { .allowed = true },
	[__NR_getpid] = { .allowed = true },
	[__NR_getppid] = { .allowed = true },
	[__NR_getuid] = { .allowed = true },
	[__NR_geteuid] = { .allowed = true },
	[__NR_getgid] = { .allowed = true },
	[__NR_getegid] = { .allowed = true },
	[__NR_clock_gettime] = { .allowed = true, .clock_arg = true },
	[__NR_nanosleep] = { .allowed = true },
	[__NR_clock_nanosleep] = { .allowed = true, .clock_arg = true },
	[__NR_getrandom] = { .allowed = true },
};

/**
 * xsc_call_def - what the syscall page does with a system call
 * @nr: x86_64 system call number, from user space
 *
 * Return: its traits, or NULL if it may not run from the page.
 */
const struct xsc_call_def *xsc_call_def(unsigned int nr)
{
	const struct xsc_call_def *def;

	if (nr >= NR_syscalls)
		return NULL;
	def = &xsc_calls[array_index_nospec(nr, NR_syscalls)];
	return def->allowed ? def : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(xsc_call_def);

/* Every trait is one the code knows, on a call that is allowed. */
static int __init xsc_calls_check(void)
{
	unsigned int nr;
	int bad = 0;

	for (nr = 0; nr < NR_syscalls; nr++) {
		const struct xsc_call_def *def = &xsc_calls[nr];

		if (WARN(def->iopoll >= XSC_IO_NR ||
			 (def->iopoll != XSC_IO_NONE && !def->allowed),
			 "xsc: bad traits for system call %u\n", nr))
			bad = -EINVAL;
	}
	return bad;
}
late_initcall(xsc_calls_check);

/* Run with the owner's credentials as they are now. */
static void xsc_follow_creds(struct xsc_worker *w)
{
	struct task_struct *owner = w->ctx->owner;
	const struct cred *cred;

	/* current->cred holds w->cred, so its address cannot be reused. */
	if (rcu_access_pointer(owner->real_cred) == w->cred)
		return;
	cred = get_task_cred(owner);
	if (w->orig_cred)
		revert_creds(w->orig_cred);
	w->orig_cred = override_creds(cred);
	put_cred(cred);
	w->cred = cred;
}

/* Changes of any thread's seccomp mode or filters, system-wide. */
static atomic_t xsc_seccomp_changes = ATOMIC_INIT(0);

/**
 * xsc_seccomp_changed() - note that a thread's seccomp mode or filters changed
 *
 * Called by seccomp once it has set them.  Syscall threads check again,
 * before their next call, that the threads of their process share them.
 */
void xsc_seccomp_changed(void)
{
	atomic_inc(&xsc_seccomp_changes);
}

/**
 * xsc_seccomp_uniform() - whether a process's threads share their seccomp state
 * @owner: a thread of the process
 *
 * Filters are per thread, but any thread may submit to the page, whose
 * calls are checked against the owner's.  Syscall threads and io_uring's
 * workers run no code of the process and are not counted.
 *
 * Return: true if every other thread has @owner's mode and filters.
 */
bool xsc_seccomp_uniform(struct task_struct *owner)
{
#ifdef CONFIG_SECCOMP
	struct seccomp_filter *filter = READ_ONCE(owner->seccomp.filter);
	int mode = READ_ONCE(owner->seccomp.mode);
	struct task_struct *t;
	bool same = true;

	/* Only the pointers are compared: nothing is dereferenced. */
	rcu_read_lock();
	for_each_thread(owner, t) {
		if (t->flags & PF_IO_WORKER)
			continue;
		if (READ_ONCE(t->seccomp.mode) != mode ||
		    READ_ONCE(t->seccomp.filter) != filter) {
			same = false;
			break;
		}
	}
	rcu_read_unlock();
	return same;
#else
	return true;
#endif
}

/*
 * While the process's threads do not share their seccomp state, no call of
 * the page runs: whose filters would apply is unknown.  Checked again only
 * after some thread's mode or filters changed.
 */
static bool xsc_seccomp_shared(struct xsc_worker *w)
{
	int seen = atomic_read(&xsc_seccomp_changes);

	if (w->seccomp_checked && seen == w->seccomp_seen)
		return true;
	if (!xsc_seccomp_uniform(w->ctx->owner))
		return false;
	w->seccomp_seen = seen;
	w->seccomp_checked = true;
	return true;
}

/* The seccomp verdict on @c, as a trap from the owner would get it. */
static bool xsc_seccomp_allows(struct xsc_worker *w, unsigned int idx,
			       const struct xsc_call *c, long *ret)
{
	struct xsc_ctx *ctx = w->ctx;
	unsigned long uaddr = READ_ONCE(ctx->uaddr);
	struct seccomp_data sd = {
		.nr = c->nr,
		.arch = AUDIT_ARCH_X86_64,
	};
	u32 res;
	int i;

	if (!xsc_seccomp_shared(w)) {
		*ret = -EPERM;
		w->stats.denied++;
		return false;
	}

	/* The entry stands for the instruction that made the call. */
	if (uaddr)
		sd.instruction_pointer = uaddr + PAGE_SIZE +
					 idx * sizeof(struct xsc_entry);
	for (i = 0; i < ARRAY_SIZE(sd.args); i++)
		sd.args[i] = c->args[i];

	res = seccomp_delegate_check(&w->seccomp, ctx->owner, &sd);
	switch (res & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return true;
	case SECCOMP_RET_ERRNO:
		*ret = -(long)min_t(u32, res & SECCOMP_RET_DATA, MAX_ERRNO);
		break;
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_KILL_PROCESS:
		/* The submitting thread is unknown: end the process. */
		w->exit_signal = SIGSYS;
		*ret = -EPERM;
		break;
	default:
		/* Trap, trace and user notification need the submitter. */
		*ret = -EPERM;
		break;
	}
	w->stats.denied++;
	return false;
}

/* What a trap to an unknown number gives: the table's default entry. */
static long xsc_unknown_call(void)
{
	struct pt_regs regs = {};

	return x64_sys_call(&regs, NR_syscalls);
}

/*
 * The calling thread's CPU clock: CLOCK_THREAD_CPUTIME_ID, or a CPU clock
 * id of thread 0.  Read by a syscall thread, it would be that thread's.
 * Clocks of the process and of threads named by their id mean the same.
 */
static bool xsc_clock_is_own_thread(clockid_t id)
{
	if (id == CLOCK_THREAD_CPUTIME_ID)
		return true;
	return id < 0 && (id & CLOCKFD_MASK) != CLOCKFD &&
	       CPUCLOCK_PERTHREAD(id) && !CPUCLOCK_PID(id);
}

/**
 * xsc_call_check - decide whether an entry's call may run
 * @w: the syscall thread
 * @idx: the entry
 * @c: the call
 * @ret: set to the entry's result when the call must not run
 *
 * Also takes on the owner's current credentials for the call.
 *
 * Return: true if the call may run.
 */
bool xsc_call_check(struct xsc_worker *w, unsigned int idx,
		    const struct xsc_call *c, long *ret)
{
	const struct xsc_call_def *def = xsc_call_def(c->nr);

	/* Not a call of the page: what a trap to an unknown number gives. */
	if (!def || (def->clock_arg &&
		     xsc_clock_is_own_thread((clockid_t)c->args[0]))) {
		w->stats.nosys++;
		*ret = xsc_unknown_call();
		return false;
	}
	xsc_follow_creds(w);
	return xsc_seccomp_allows(w, idx, c, ret);
}

/*
 * A signal a call sends to its own thread (SIGPIPE for a write to a pipe
 * without readers, SIGXFSZ past RLIMIT_FSIZE) is meant for the caller; the
 * syscall thread blocks everything but SIGKILL, so it would wait there for
 * ever.  Send each such signal to the owner's process instead: a trapping
 * call raises it on its thread, here it is process-directed.  Only this
 * thread's own pending signals are taken, never the process's shared ones.
 */
static void xsc_forward_signals(struct xsc_worker *w)
{
	struct task_struct *owner = w->ctx->owner;
	kernel_siginfo_t info;
	enum pid_type type;
	sigset_t others;
	int sig;

	for (;;) {
		spin_lock_irq(&current->sighand->siglock);
		/* "Blocked" for dequeue_signal(): all but our own pending. */
		others = current->pending.signal;
		sigdelsetmask(&others, sigmask(SIGKILL) | sigmask(SIGSTOP));
		if (sigisemptyset(&others)) {
			spin_unlock_irq(&current->sighand->siglock);
			return;
		}
		signotset(&others);
		sig = dequeue_signal(&others, &info, &type);
		spin_unlock_irq(&current->sighand->siglock);
		if (sig <= 0)
			return;
		do_send_sig_info(sig, &info, owner, PIDTYPE_TGID);
	}
}

/**
 * xsc_call_dispatch - run a call that xsc_call_check() allowed
 * @w: the syscall thread
 * @c: the call
 *
 * Signals the call raised on the calling thread go to the owner's process.
 *
 * Return: the call's result, with restart codes turned into -EINTR.
 */
long xsc_call_dispatch(struct xsc_worker *w, const struct xsc_call *c)
{
	struct pt_regs regs = {
		.di = c->args[0], .si = c->args[1], .dx = c->args[2],
		.r10 = c->args[3], .r8 = c->args[4], .r9 = c->args[5],
		.orig_ax = c->nr,
	};
	long ret;

	audit_syscall_entry(c->nr, c->args[0], c->args[1], c->args[2],
			    c->args[3]);
	/* in_call tells the preempt notifier that blocking hands over. */
	WRITE_ONCE(w->in_call, true);
	barrier();
	ret = x64_sys_call(&regs, c->nr);
	barrier();
	WRITE_ONCE(w->in_call, false);
	regs.ax = ret;
	audit_syscall_exit(&regs);

	/* fput() of a closed file, among others, waits for task work. */
	if (task_work_pending(current))
		task_work_run();
	/* Unlocked peek: the signals a call raises are queued by now. */
	if (unlikely(!sigisemptyset(&current->pending.signal)))
		xsc_forward_signals(w);

	/* Nothing restarts a call from the page: report the interruption. */
	switch (ret) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		ret = -EINTR;
		break;
	}
	return ret;
}

/**
 * xsc_call_exit - drop what a syscall thread took on for calls
 * @w: the syscall thread, exiting
 */
void xsc_call_exit(struct xsc_worker *w)
{
	if (w->orig_cred)
		revert_creds(w->orig_cred);
	w->orig_cred = NULL;
	w->cred = NULL;
	seccomp_delegate_release(&w->seccomp);
}

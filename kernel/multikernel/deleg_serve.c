// SPDX-License-Identifier: GPL-2.0-only
/*
 * System call delegation, host side: a launcher thread serving one
 * program thread (MKEXEC_IOC_SERVE).  It runs each delegated call as its
 * own system call, with its credentials, file table, seccomp filters and
 * audit; a pointer argument is the program's address, which the session
 * mapping resolves.  A CANCEL from the partition interrupts a blocked
 * call the way a signal would; the raw result, restart codes included,
 * goes back so that the partition restarts or fails the call by its own
 * signal dispositions.
 */

#include <linux/audit.h>
#include <linux/sched/signal.h>
#include <linux/seccomp.h>
#include <linux/signal.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>

#include <uapi/linux/mkexec.h>

#include "deleg_host.h"
#include "internal.h"

/**
 * mk_deleg_proxy_of_current() - the program thread the caller serves
 * @s: the session
 *
 * Return: the proxy whose server is the current task, or NULL.
 */
struct mk_deleg_proxy *mk_deleg_proxy_of_current(struct mk_deleg_hsess *s)
{
	struct mk_deleg_proxy *p, *found = NULL;
	unsigned long tid;

	spin_lock(&s->lock);
	xa_for_each(&s->proxies, tid, p) {
		if (p->server == current) {
			found = p;
			break;
		}
	}
	spin_unlock(&s->lock);
	return found;
}

/* The seccomp verdict of the proxy's own filters on call @c. */
static bool mk_deleg_seccomp_allows(struct mk_deleg_proxy *p,
				    const struct mk_deleg_call *c,
				    unsigned long *args, long *ret)
{
	struct seccomp_data sd = {
		.nr = le32_to_cpu(c->nr),
		.arch = AUDIT_ARCH_X86_64,
	};
	u32 res;
	int i;

	for (i = 0; i < ARRAY_SIZE(sd.args); i++)
		sd.args[i] = args[i];
	res = seccomp_delegate_check(&p->seccomp, current, &sd);
	switch (res & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return true;
	case SECCOMP_RET_ERRNO:
		*ret = -(long)min_t(u32, res & SECCOMP_RET_DATA, MAX_ERRNO);
		return false;
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_KILL_PROCESS:
		force_sig(SIGSYS);
		fallthrough;
	default:
		*ret = -EPERM;
		return false;
	}
}

/* SIGPIPE or SIGXFSZ the call raised on us: the program's to take. */
static u32 mk_deleg_take_signal(void)
{
	sigset_t others;
	kernel_siginfo_t info;
	enum pid_type type;
	int sig = 0;

	if (!sigismember(&current->pending.signal, SIGPIPE) &&
	    !sigismember(&current->pending.signal, SIGXFSZ))
		return 0;
	spin_lock_irq(&current->sighand->siglock);
	/* dequeue_signal() skips the "blocked" ones: all but these two. */
	siginitsetinv(&others, sigmask(SIGPIPE) | sigmask(SIGXFSZ));
	sig = dequeue_signal(&others, &info, &type);
	spin_unlock_irq(&current->sighand->siglock);
	return sig > 0 ? sig : 0;
}

/* Run the call of @p; its raw result. */
static long mk_deleg_run(struct mk_deleg_proxy *p,
			 const struct mk_deleg_call *c, u32 *signal)
{
	unsigned int nr = le32_to_cpu(c->nr);
	u32 flags = le32_to_cpu(c->flags);
	unsigned long args[6];
	struct pt_regs regs;
	long ret;
	int i;

	/* Not a call the partition may delegate: the host runs nothing else. */
	if (mk_deleg_kind(nr) != MK_DELEG_REMOTE)
		return -EPERM;
	if (flags & ~MK_DELEG_CALL_COPY)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(args); i++)
		args[i] = le64_to_cpu(c->args[i]);
	if (!mk_deleg_seccomp_allows(p, c, args, &ret))
		return ret;

	regs = (struct pt_regs) {
		.di = args[0], .si = args[1], .dx = args[2],
		.r10 = args[3], .r8 = args[4], .r9 = args[5],
		.orig_ax = nr,
	};
	audit_syscall_entry(nr, args[0], args[1], args[2], args[3]);
	if (flags & MK_DELEG_CALL_COPY)
		ret = mk_deleg_copy_serve(p, nr, args);
	else
		ret = x64_sys_call(&regs, nr);
	regs.ax = ret;
	audit_syscall_exit(&regs);

	if (task_work_pending(current))
		task_work_run();
	*signal = mk_deleg_take_signal();
	return ret;
}

static int mk_deleg_serve_one(struct mk_deleg_hsess *s,
			      struct mk_deleg_proxy *p)
{
	struct mk_deleg_return r = {};
	struct mk_deleg_call c;
	u32 signal = 0;
	bool cancelled;
	long ret;

	spin_lock(&s->lock);
	c = p->call;
	p->call_pending = false;
	cancelled = p->cancel_seq && p->cancel_seq == le32_to_cpu(c.seq);
	p->in_call = !cancelled;
	p->cur_seq = le32_to_cpu(c.seq);
	spin_unlock(&s->lock);

	/* Interrupted before it ran: as if the signal came first. */
	ret = cancelled ? -ERESTARTSYS : mk_deleg_run(p, &c, &signal);
	spin_lock(&s->lock);
	p->in_call = false;
	spin_unlock(&s->lock);
	/* A CANCEL's interruption was for that call only. */
	clear_notify_signal();
	r.tid = c.tid;
	r.seq = c.seq;
	r.ret = cpu_to_le64(ret);
	r.signal = cpu_to_le32(signal);
	/* The caller waits for it: a full ring only delays it. */
	do {
		ret = mk_deleg_hsend_on(s, p->idev, MK_DELEG_RETURN, &r,
					sizeof(r));
	} while (ret == -ETIMEDOUT && !fatal_signal_pending(current));
	return ret;
}

/**
 * mk_deleg_serve() - MKEXEC_IOC_SERVE: serve a program thread
 * @s: the session
 * @uarg: struct mkexec_serve
 *
 * Return: 0 when the thread ended, -EINTR on a signal for the caller,
 * -ENODEV when the partition is gone, -EBUSY when another thread serves
 * it, -ESRCH when there is no such thread; -EINVAL, -E2BIG, -EFAULT for
 * a bad argument.
 */
long mk_deleg_serve(struct mk_deleg_hsess *s, void __user *uarg)
{
	struct mkexec_serve a;
	struct mk_deleg_proxy *p;
	u32 calls = 0;
	long ret;

	ret = mk_copy_args(&a, sizeof(a), sizeof(a), uarg);
	if (ret)
		return ret;
	if (a.flags || a.calls || a.reserved[0] || a.reserved[1])
		return -EINVAL;

	spin_lock(&s->lock);
	p = a.tid > 0 ? xa_load(&s->proxies, a.tid) : NULL;
	if (!p)
		ret = -ESRCH;
	else if (p->server)
		ret = -EBUSY;
	else
		p->server = current;
	spin_unlock(&s->lock);
	if (ret)
		return ret;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (READ_ONCE(p->call_pending)) {
			__set_current_state(TASK_RUNNING);
			if (mk_deleg_serve_one(s, p) && READ_ONCE(s->lost)) {
				ret = -ENODEV;
				break;
			}
			calls++;
			continue;
		}
		if (READ_ONCE(p->ended) || READ_ONCE(s->exited)) {
			ret = 0;
			break;
		}
		if (READ_ONCE(s->lost)) {
			ret = -ENODEV;
			break;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	spin_lock(&s->lock);
	p->server = NULL;
	spin_unlock(&s->lock);
	if (put_user(calls, &((struct mkexec_serve __user *)uarg)->calls))
		return -EFAULT;
	return ret;
}

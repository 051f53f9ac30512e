// SPDX-License-Identifier: GPL-2.0-only
/*
 * System call delegation, partition side: the program's tasks.
 *
 * A delegated task has SYSCALL_WORK_MK_DELEG set, so the entry code calls
 * mk_deleg_syscall() after seccomp and audit.  A call the host serves is
 * sent to it; the thread then waits for the answer and, meanwhile, tells
 * the host which page is behind an address its proxy touched.  An MMU
 * interval notifier over the program's range has the host drop its
 * mappings before a page leaves the program.
 */

#define pr_fmt(fmt) "mk-deleg: " fmt

#include <linux/compat.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/multikernel.h>
#include <linux/io.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <asm/syscall.h>

#include "deleg_part.h"

/* ---- keeping the proxy's view coherent ---- */

/* Have the host unmap [start, end) from the proxy; zap_lock held. */
static void mk_deleg_zap(struct mk_deleg_psess *s, unsigned long start,
			 unsigned long end)
{
	struct mk_deleg_zap z = {
		.start = cpu_to_le64(start),
		.end = cpu_to_le64(end),
	};

	if (READ_ONCE(s->host_gone))
		return;
	WRITE_ONCE(s->zap_done, false);
	/* Counted as sent even if it fails: no answer is mapped after that. */
	WRITE_ONCE(s->zaps_sent, s->zaps_sent + 1);
	if (mk_deleg_psend(s, MK_DELEG_ZAP, &z, sizeof(z)) ||
	    !wait_event_timeout(s->wq, READ_ONCE(s->zap_done) ||
				READ_ONCE(s->host_gone), MK_DELEG_TIMEOUT)) {
		/* Nothing maps pages for a host that does not answer. */
		pr_warn("session %u: the host does not drop its mappings\n", s->id);
		WRITE_ONCE(s->host_gone, true);
	}
}

static void mk_deleg_zap_range(struct mk_deleg_psess *s, unsigned long start,
			       unsigned long end)
{
	start = max(start, s->mapped_lo);
	end = min(end, s->mapped_hi);
	if (start >= end)
		return;
	mk_deleg_zap(s, start, end);
	if (start == s->mapped_lo && end == s->mapped_hi) {
		s->mapped_lo = ULONG_MAX;
		s->mapped_hi = 0;
	}
}

static bool mk_deleg_invalidate(struct mmu_interval_notifier *mni,
				const struct mmu_notifier_range *range,
				unsigned long cur_seq)
{
	struct mk_deleg_psess *s = container_of(mni, struct mk_deleg_psess,
						notifier);

	if (!mmu_notifier_range_blockable(range))
		return false;
	mutex_lock(&s->zap_lock);
	mmu_interval_set_seq(mni, cur_seq);
	mk_deleg_zap_range(s, range->start, range->end);
	mutex_unlock(&s->zap_lock);
	return true;
}

static const struct mmu_interval_notifier_ops mk_deleg_notifier_ops = {
	.invalidate = mk_deleg_invalidate,
};

/* Before any page is handed out; the first call of the program does it. */
static int mk_deleg_watch(struct mk_deleg_psess *s)
{
	unsigned long start = le64_to_cpu(s->launch.va_start);
	unsigned long end = le64_to_cpu(s->launch.va_end);
	int ret = 0;

	/* Pairs with the release below: the notifier is fully inserted. */
	if (smp_load_acquire(&s->watching))
		return 0;
	/* Not zap_lock: inserting takes mmap_lock, which invalidations hold. */
	mutex_lock(&s->watch_lock);
	if (!s->watching) {
		ret = mmu_interval_notifier_insert(&s->notifier, current->mm,
						   start, end - start,
						   &mk_deleg_notifier_ops);
		if (!ret)
			smp_store_release(&s->watching, true);	/* see above */
	}
	mutex_unlock(&s->watch_lock);
	return ret;
}

/* The page behind @va for the proxy of @t, which faulted on it. */
static void mk_deleg_resolve(struct mk_deleg_pthread *t, unsigned long va,
			     u32 flags)
{
	struct mk_deleg_psess *s = t->sess;
	bool write = flags & MK_DELEG_PAGE_WRITE;
	unsigned long seq;
	struct page *page;

	va &= PAGE_MASK;
	if (va < le64_to_cpu(s->launch.va_start) ||
	    va >= le64_to_cpu(s->launch.va_end) || READ_ONCE(s->ended))
		goto fault;
	for (;;) {
		seq = mmu_interval_read_begin(&s->notifier);
		/* A write needs a page the program may write: COW broken. */
		if (get_user_pages_fast(va, 1, write ? FOLL_WRITE : 0, &page) != 1)
			goto fault;
		mutex_lock(&s->zap_lock);
		if (!mmu_interval_read_retry(&s->notifier, seq))
			break;
		mutex_unlock(&s->zap_lock);
		put_page(page);
	}
	s->mapped_lo = min(s->mapped_lo, va);
	s->mapped_hi = max(s->mapped_hi, va + PAGE_SIZE);
	/* Sent under zap_lock: a later zap of it reaches the host after. */
	mk_deleg_answer_page(s, t->chan, t->tid, va, 0, page_to_phys(page),
			     write ? MK_DELEG_PAGE_WRITABLE : 0);
	mutex_unlock(&s->zap_lock);
	put_page(page);
	return;
fault:
	mk_deleg_answer_page(s, t->chan, t->tid, va, EFAULT, 0, 0);
}

/* ---- threads and calls ---- */

/* The current thread's state, made and announced at its first call. */
struct mk_deleg_pthread *mk_deleg_thread(struct mk_deleg_psess *s)
{
	struct mk_deleg_pthread *t = current->mk_deleg;
	struct mk_deleg_thread msg = {};
	int ret;

	if (t)
		return t;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->sess = s;
	t->tid = task_pid_nr(current);
	t->chan = mk_deleg_thread_chan(s, t->tid);
	init_waitqueue_head(&t->wq);
	ret = xa_insert(&s->threads, t->tid, t, GFP_KERNEL);
	if (ret) {
		kfree(t);
		return ERR_PTR(ret);
	}
	/* Its proxy thread, asked for before its first call. */
	msg.tid = cpu_to_le32(t->tid);
	ret = mk_deleg_tsend(t, MK_DELEG_THREAD, &msg, sizeof(msg));
	if (ret) {
		xa_erase(&s->threads, t->tid);
		kfree(t);
		return ERR_PTR(ret);
	}
	current->mk_deleg = t;
	return t;
}

/* What the thread waits for has come; under the threads' lock. */
static bool mk_deleg_woken(struct mk_deleg_pthread *t)
{
	return READ_ONCE(t->returned) || READ_ONCE(t->page_pending) ||
	       READ_ONCE(t->sess->host_gone);
}

/* Run call @nr with @args in the proxy, MK_DELEG_CALL_@flags; its result. */
long mk_deleg_remote(struct mk_deleg_psess *s, unsigned long nr,
		     const unsigned long *args, u32 flags)
{
	struct mk_deleg_call call = {
		.nr = cpu_to_le32(nr),
		.flags = cpu_to_le32(flags),
	};
	struct mk_deleg_cancel cancel;
	struct mk_deleg_pthread *t;
	bool cancelled = false, page;
	unsigned long va;
	u32 pflags;
	long ret;
	int i;

	/* Its launcher is gone: so is the program, as if killed with it. */
	if (READ_ONCE(s->host_gone)) {
		force_sig(SIGKILL);
		return -EIO;
	}
	ret = mk_deleg_watch(s);
	if (ret)
		return ret;
	t = mk_deleg_thread(s);
	if (IS_ERR(t))
		return PTR_ERR(t);

	xa_lock(&s->threads);
	t->seq++;
	t->returned = false;
	t->page_pending = false;
	t->in_call = true;
	xa_unlock(&s->threads);
	call.tid = cpu_to_le32(t->tid);
	call.seq = cpu_to_le32(t->seq);
	if ((le32_to_cpu(s->launch.flags) & MK_DELEG_LAUNCH_PREMAP) &&
	    mk_deleg_rw_nr(nr))
		mk_deleg_premap_send(s, t, nr, args);
	for (i = 0; i < ARRAY_SIZE(call.args); i++)
		call.args[i] = cpu_to_le64(args[i]);
	ret = mk_deleg_tsend(t, MK_DELEG_CALL, &call, sizeof(call));
	if (ret) {
		/* Not sent: a signal restarts it, else the host is unreachable. */
		ret = ret == -EINTR ? -ERESTARTNOINTR : -EIO;
		goto out;
	}

	for (;;) {
		if (!cancelled)
			ret = wait_event_interruptible(t->wq, mk_deleg_woken(t));
		else
			ret = wait_event_killable(t->wq, mk_deleg_woken(t));
		if (ret) {
			/* A signal: the host interrupts the call, we wait. */
			if (!cancelled) {
				cancel.tid = call.tid;
				cancel.seq = call.seq;
				mk_deleg_tsend(t, MK_DELEG_CANCEL, &cancel,
					       sizeof(cancel));
				cancelled = true;
				if (!fatal_signal_pending(current))
					continue;
			}
			ret = -EINTR;
			goto out;
		}
		xa_lock(&s->threads);
		page = t->page_pending;
		va = t->page_va;
		pflags = t->page_flags;
		t->page_pending = false;
		xa_unlock(&s->threads);
		if (page) {
			mk_deleg_resolve(t, va, pflags);
			continue;
		}
		if (READ_ONCE(t->returned))
			break;
		ret = -EIO;		/* the host is gone */
		goto out;
	}
	ret = t->ret;
	/* Only the signals a call raises for its caller come this way. */
	if (t->signal == SIGPIPE || t->signal == SIGXFSZ)
		send_sig(t->signal, current, 0);
	/*
	 * poll() restarts through a block of the proxy's: here the call is
	 * sent again, whole, when no handler runs (after a stop, say), as
	 * ppoll() does.  Restarting needs a signal of ours; without one, it
	 * is -EINTR.
	 */
	if (ret == -ERESTART_RESTARTBLOCK)
		ret = -ERESTARTNOHAND;
	if (!signal_pending(current) &&
	    (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	     ret == -ERESTARTNOHAND))
		ret = -EINTR;
out:
	xa_lock(&s->threads);
	t->in_call = false;
	xa_unlock(&s->threads);
	return ret;
}

/* A delegated call, copy-based when the program was launched so. */
static long mk_deleg_delegate(struct mk_deleg_psess *s, unsigned long nr,
			      const unsigned long *args)
{
	if ((le32_to_cpu(s->launch.flags) & MK_DELEG_LAUNCH_COPY) &&
	    mk_deleg_rw_nr(nr))
		return mk_deleg_copy_call(s, nr, args);
	return mk_deleg_remote(s, nr, args, 0);
}

/* mmap() of a host file: a private copy read from it, or -ENODEV. */
static long mk_deleg_mmap_file(struct mk_deleg_psess *s, struct pt_regs *regs)
{
	unsigned long len = regs->si, prot = regs->dx, flags = regs->r10;
	unsigned long off = regs->r9, addr, done = 0;
	unsigned long args[6];
	struct pt_regs pr = {};
	long n;

	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		return -ENODEV;
	if (offset_in_page(off) || !len)
		return -EINVAL;
	addr = vm_mmap(NULL, regs->di, len, prot | PROT_READ | PROT_WRITE,
		       (flags & ~MAP_TYPE) | MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr))
		return addr;
	while (done < len) {
		args[0] = regs->r8;
		args[1] = addr + done;
		args[2] = min(len - done, (unsigned long)SZ_1G);
		args[3] = off + done;
		args[4] = 0;
		args[5] = 0;
		n = mk_deleg_delegate(s, __NR_pread64, args);
		if (n < 0) {
			vm_munmap(addr, len);
			return n;
		}
		if (!n)
			break;		/* past the end of the file: zeros */
		done += n;
	}
	if (!(prot & PROT_WRITE) || !(prot & PROT_READ)) {
		pr.di = addr;
		pr.si = len;
		pr.dx = prot;
		x64_sys_call(&pr, __NR_mprotect);
	}
	return addr;
}

/* Calls that run here, or not at all: *ret set when not run as asked. */
static bool mk_deleg_local(struct mk_deleg_psess *s, struct pt_regs *regs,
			   unsigned long nr, long *ret)
{
	u64 flags;

	switch (nr) {
	case __NR_clone:
		/* A new process would need a new proxy of its own. */
		if (!(regs->di & CLONE_THREAD) || (regs->di & CLONE_PIDFD)) {
			*ret = -EOPNOTSUPP;
			return true;
		}
		return false;
	case __NR_clone3:
		if (regs->si < sizeof(u64) ||
		    get_user(flags, (u64 __user *)regs->di))
			return false;		/* its own errno */
		if (!(flags & CLONE_THREAD) || (flags & CLONE_PIDFD)) {
			*ret = -EOPNOTSUPP;
			return true;
		}
		return false;
	case __NR_mmap:
		if (regs->r10 & MAP_ANONYMOUS)
			return false;
		*ret = mk_deleg_mmap_file(s, regs);
		return true;
	}
	return false;
}

/**
 * mk_deleg_syscall() - route a system call of a delegated task
 * @regs: its registers
 * @nr: its number
 *
 * Called from the entry code for tasks with SYSCALL_WORK_MK_DELEG.
 *
 * Return: true when the call was handled here (its result is in @regs),
 * false when the kernel should run it as usual.
 */
bool mk_deleg_syscall(struct pt_regs *regs, long nr)
{
	struct mk_deleg_psess *s = current->mk_deleg_sess;
	unsigned long args[6];
	long ret;

	if (!s || nr < 0)
		return false;
	/* The tables are x86_64's: no 32-bit or x32 calls. */
	if (in_compat_syscall()) {
		ret = -EOPNOTSUPP;
		goto done;
	}
	switch (mk_deleg_kind(nr)) {
	case MK_DELEG_LOCAL:
		if (!mk_deleg_local(s, regs, nr, &ret))
			return false;
		break;
	case MK_DELEG_REFUSED:
		ret = -EOPNOTSUPP;
		break;
	default:
		syscall_get_arguments(current, regs, args);
		ret = mk_deleg_delegate(s, nr, args);
		break;
	}
done:
	syscall_set_return_value(current, regs, ret < 0 ? ret : 0, ret);
	return true;
}

/**
 * mk_deleg_mark_program() - make the current task a delegated program
 * @s: its session
 *
 * Called in the new process before it executes the program.
 *
 * Return: 0.
 */
int mk_deleg_mark_program(struct mk_deleg_psess *s)
{
	kref_get(&s->ref);
	s->pid = get_pid(task_tgid(current));
	current->mk_deleg_sess = s;
	current->mk_deleg = NULL;
	set_task_syscall_work(current, MK_DELEG);
	return 0;
}

/**
 * mk_deleg_fork() - a delegated task creates another
 * @p: the new task, a copy of the current one
 * @clone_flags: how
 *
 * A new thread shares the program's session and gets its proxy at its
 * first call; anything else is not delegated (the entry hook refuses to
 * create it from a program, so only a kernel-made copy gets here).
 */
void mk_deleg_fork(struct task_struct *p, u64 clone_flags)
{
	p->mk_deleg = NULL;
	if (!p->mk_deleg_sess)
		return;
	if (clone_flags & CLONE_THREAD) {
		kref_get(&p->mk_deleg_sess->ref);
		return;
	}
	p->mk_deleg_sess = NULL;
	clear_task_syscall_work(p, MK_DELEG);
}

/**
 * mk_deleg_exit() - a delegated task exits
 * @tsk: the current task
 * @group_dead: it is the last of its thread group
 * @code: its exit code
 *
 * The last one has the host drop every mapping of the program's pages
 * before its memory goes, and reports the program's status.
 */
void mk_deleg_exit(struct task_struct *tsk, bool group_dead, long code)
{
	struct mk_deleg_psess *s = tsk->mk_deleg_sess;
	struct mk_deleg_pthread *t = tsk->mk_deleg;
	struct mk_deleg_thread msg = {};
	struct mk_deleg_status st = {};
	int status;

	if (!s)
		return;
	if (t) {
		xa_erase(&s->threads, t->tid);
		if (!group_dead) {
			msg.tid = cpu_to_le32(t->tid);
			mk_deleg_tsend(t, MK_DELEG_THREAD_EXIT, &msg, sizeof(msg));
		}
		mk_deleg_copy_free(t);
		mk_deleg_premap_free(t);
		kfree(t);
		tsk->mk_deleg = NULL;
	}
	if (group_dead) {
		status = tsk->signal->flags & SIGNAL_GROUP_EXIT ?
			 tsk->signal->group_exit_code : code;
		mutex_lock(&s->zap_lock);
		WRITE_ONCE(s->ended, true);
		mk_deleg_zap_range(s, 0, ULONG_MAX);
		mutex_unlock(&s->zap_lock);
		if (s->watching)
			mmu_interval_notifier_remove(&s->notifier);
		s->watching = false;
		st.value = cpu_to_le32(status);
		mk_deleg_psend(s, MK_DELEG_EXIT, &st, sizeof(st));
	}
	tsk->mk_deleg_sess = NULL;
	clear_task_syscall_work(tsk, MK_DELEG);
	mk_deleg_psess_put(s);
}

/**
 * mk_deleg_stack_top() - where a delegated program's stack goes
 * @stack_top: where it would go
 *
 * The program keeps inside the range its proxy left free: its stack and
 * its mmap base move down by as much as the range ends below the usual
 * top, keeping their random offsets.
 *
 * Return: the stack's top.
 */
unsigned long mk_deleg_stack_top(unsigned long stack_top)
{
	struct mk_deleg_psess *s = current->mk_deleg_sess;
	struct mm_struct *mm = current->mm;
	unsigned long end, shift;

	if (!s)
		return stack_top;
	end = le64_to_cpu(s->launch.va_end);
	if (end >= DEFAULT_MAP_WINDOW)
		return stack_top;
	shift = DEFAULT_MAP_WINDOW - end;
	if (mm->mmap_base > shift + SZ_1G)
		mm->mmap_base -= shift;
	return stack_top > shift + SZ_1G ? stack_top - shift : stack_top;
}

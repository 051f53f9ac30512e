// SPDX-License-Identifier: GPL-2.0
/*
 * Exception-less system calls: xsc_setup() and xsc_enter(), the shared
 * pages and the file that maps them.
 *
 * A process has at most one registration.  The file (always close-on-exec)
 * owns the pool: closing it, exec and exit all end in xsc_release(), which
 * stops the syscall threads; the pages live until the last thread is gone
 * and the mapping, which holds its own page references, is unmapped.
 */
#include <linux/anon_inodes.h>
#include <linux/cpuset.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include "xsc.h"

static LIST_HEAD(xsc_registry);
static DEFINE_MUTEX(xsc_registry_lock);
static const struct file_operations xsc_fops;

/**
 * xsc_params_check - validate what user space asked of xsc_setup()
 * @p: the parameters, as copied in
 *
 * Output fields (mmap_size, features) are ignored on input.
 *
 * Return: 0, or -EINVAL.
 */
int xsc_params_check(const struct xsc_params *p)
{
	if (p->flags & ~XSC_SETUP_IOPOLL)
		return -EINVAL;
	if (p->nr_entries > XSC_MAX_ENTRIES || p->nr_threads > XSC_MAX_THREADS)
		return -EINVAL;
	if (p->policy > XSC_POLICY_WAKEUP || p->idle_us > XSC_MAX_IDLE_US)
		return -EINVAL;
	if (p->idle_us && p->policy != XSC_POLICY_IDLE)
		return -EINVAL;
	if (!p->cpus != !p->cpus_size || p->cpus_size > PAGE_SIZE)
		return -EINVAL;
	if (p->resv32 || memchr_inv(p->resv, 0, sizeof(p->resv)))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xsc_params_check);

/* The CPU set: given (within the caller's cpuset) or the caller's. */
static int xsc_get_cpus(const struct xsc_params *p, struct cpumask *mask)
{
	void __user *ucpus = u64_to_user_ptr(p->cpus);
	size_t len = min_t(size_t, p->cpus_size, cpumask_size());
	cpumask_var_t allowed;
	int ret;

	if (!p->cpus_size) {
		cpumask_and(mask, current->cpus_ptr, cpu_online_mask);
		return cpumask_empty(mask) ? -EINVAL : 0;
	}

	cpumask_clear(mask);
	if (copy_from_user(cpumask_bits(mask), ucpus, len))
		return -EFAULT;
	if (p->cpus_size > len) {
		ret = check_zeroed_user(ucpus + len, p->cpus_size - len);
		if (ret <= 0)
			return ret ?: -EINVAL;
	}

	if (!alloc_cpumask_var(&allowed, GFP_KERNEL))
		return -ENOMEM;
	cpuset_cpus_allowed(current, allowed);
	cpumask_and(allowed, allowed, cpu_online_mask);
	ret = cpumask_subset(mask, allowed) && !cpumask_empty(mask) ? 0 : -EINVAL;
	free_cpumask_var(allowed);
	return ret;
}

static int xsc_alloc_pages(struct xsc_ctx *ctx, int node)
{
	unsigned int i;

	ctx->pages = kcalloc(ctx->nr_pages, sizeof(*ctx->pages), GFP_KERNEL);
	if (!ctx->pages)
		return -ENOMEM;
	for (i = 0; i < ctx->nr_pages; i++) {
		ctx->pages[i] = alloc_pages_node(node, GFP_KERNEL_ACCOUNT |
						 __GFP_ZERO, 0);
		if (!ctx->pages[i])
			return -ENOMEM;
	}
	ctx->hdr = vmap(ctx->pages, ctx->nr_pages, VM_MAP, PAGE_KERNEL);
	if (!ctx->hdr)
		return -ENOMEM;

	ctx->entries = (void *)ctx->hdr + PAGE_SIZE;
	ctx->hdr->magic = XSC_MAGIC;
	ctx->hdr->nr_entries = ctx->nr_entries;
	ctx->hdr->entry_size = sizeof(struct xsc_entry);
	ctx->hdr->entries_offset = PAGE_SIZE;
	return 0;
}

static void xsc_ctx_free(struct xsc_ctx *ctx)
{
	unsigned int i;

	irq_work_sync(&ctx->handoff_work);
	if (ctx->hdr)
		vunmap(ctx->hdr);
	for (i = 0; ctx->pages && i < ctx->nr_pages; i++)
		if (ctx->pages[i])
			put_page(ctx->pages[i]);
	kfree(ctx->pages);
	kfree(ctx->workers);
	free_cpumask_var(ctx->cpus);
	put_task_struct(ctx->owner);
	mmdrop(ctx->mm);
	preempt_notifier_dec();
	kfree(ctx);
}

/**
 * xsc_ctx_put - drop a reference to a registration
 * @ctx: the registration
 */
void xsc_ctx_put(struct xsc_ctx *ctx)
{
	if (refcount_dec_and_test(&ctx->refs))
		xsc_ctx_free(ctx);
}

static struct xsc_ctx *xsc_ctx_alloc(const struct xsc_params *p)
{
	struct xsc_ctx *ctx;
	unsigned int ncpus;
	int ret;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	refcount_set(&ctx->refs, 1);
	INIT_LIST_HEAD(&ctx->node);
	mmgrab(current->mm);
	ctx->mm = current->mm;
	ctx->owner = get_task_struct(current);
	init_waitqueue_head(&ctx->sleep_wq);
	init_waitqueue_head(&ctx->done_wq);
	spin_lock_init(&ctx->lock);
	init_irq_work(&ctx->handoff_work, xsc_handoff);
	preempt_notifier_inc();

	ret = -ENOMEM;
	if (!zalloc_cpumask_var(&ctx->cpus, GFP_KERNEL))
		goto err;
	ret = xsc_get_cpus(p, ctx->cpus);
	if (ret)
		goto err;

	ctx->flags = p->flags;
	ctx->policy = p->policy;
	ctx->idle_ns = (u64)(p->idle_us ?: XSC_DEFAULT_IDLE_US) * NSEC_PER_USEC;
	ncpus = cpumask_weight(ctx->cpus);
	ctx->nr_threads = min_t(unsigned int, p->nr_threads ?: ncpus,
				XSC_MAX_THREADS);
	ctx->max_active = min(ctx->nr_threads, ncpus);
	ctx->nr_pages = 1 + DIV_ROUND_UP(p->nr_entries ?: XSC_DEFAULT_ENTRIES,
					 XSC_ENTRIES_PER_PAGE);
	ctx->nr_entries = (ctx->nr_pages - 1) * XSC_ENTRIES_PER_PAGE;

	ret = -ENOMEM;
	ctx->workers = kcalloc(ctx->nr_threads, sizeof(*ctx->workers),
			       GFP_KERNEL_ACCOUNT);
	if (!ctx->workers)
		goto err;
	ret = xsc_alloc_pages(ctx, cpu_to_node(cpumask_first(ctx->cpus)));
	if (ret)
		goto err;
	return ctx;
err:
	xsc_ctx_put(ctx);
	return ERR_PTR(ret);
}

static struct xsc_ctx *xsc_registered(struct mm_struct *mm)
{
	struct xsc_ctx *ctx;

	lockdep_assert_held(&xsc_registry_lock);
	list_for_each_entry(ctx, &xsc_registry, node)
		if (ctx->mm == mm)
			return ctx;
	return NULL;
}

static int xsc_release(struct inode *inode, struct file *file)
{
	struct xsc_ctx *ctx = file->private_data;

	mutex_lock(&xsc_registry_lock);
	list_del_init(&ctx->node);
	mutex_unlock(&xsc_registry_lock);

	xsc_pool_stop(ctx);
	xsc_ctx_put(ctx);
	return 0;
}

static int xsc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct xsc_ctx *ctx = file->private_data;
	unsigned long nr = ctx->nr_pages;
	int ret;

	/* Only the registered process: its threads run what the page says. */
	if (current->mm != ctx->mm)
		return -EACCES;
	if (vma->vm_pgoff || vma_pages(vma) != ctx->nr_pages)
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;

	/* A child must not get the page: fork copies no entry to it. */
	vm_flags_mod(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP,
		     VM_MAYEXEC);
	ret = vm_insert_pages(vma, vma->vm_start, ctx->pages, &nr);
	if (!ret)
		WRITE_ONCE(ctx->uaddr, vma->vm_start);
	return ret;
}

static void xsc_show_fdinfo(struct seq_file *m, struct file *file)
{
	static const char * const policies[] = {
		[XSC_POLICY_IDLE] = "idle",
		[XSC_POLICY_BUSY] = "busy",
		[XSC_POLICY_WAKEUP] = "wakeup",
	};
	struct xsc_ctx *ctx = file->private_data;
	struct xsc_stats sum = {};
	unsigned int i;

	for (i = 0; i < ctx->nr_threads; i++) {
		const struct xsc_stats *s = &ctx->workers[i].stats;

		sum.calls += READ_ONCE(s->calls);
		sum.denied += READ_ONCE(s->denied);
		sum.nosys += READ_ONCE(s->nosys);
		sum.handoffs += READ_ONCE(s->handoffs);
		sum.sleeps += READ_ONCE(s->sleeps);
		sum.io_polled += READ_ONCE(s->io_polled);
		sum.io_irq += READ_ONCE(s->io_irq);
	}
	seq_printf(m, "xsc-policy:\t%s\n", policies[ctx->policy]);
	seq_printf(m, "xsc-flags:\t%#x\n", ctx->flags);
	seq_printf(m, "xsc-cpus:\t%*pbl\n", cpumask_pr_args(ctx->cpus));
	seq_printf(m, "xsc-threads:\t%u\n", ctx->nr_threads);
	seq_printf(m, "xsc-max-active:\t%u\n", ctx->max_active);
	seq_printf(m, "xsc-active:\t%d\n", atomic_read(&ctx->nr_active));
	seq_printf(m, "xsc-entries:\t%u\n", ctx->nr_entries);
	seq_printf(m, "xsc-calls:\t%llu\n", sum.calls);
	seq_printf(m, "xsc-denied:\t%llu\n", sum.denied);
	seq_printf(m, "xsc-nosys:\t%llu\n", sum.nosys);
	seq_printf(m, "xsc-handoffs:\t%llu\n", sum.handoffs);
	seq_printf(m, "xsc-sleeps:\t%llu\n", sum.sleeps);
	seq_printf(m, "xsc-wakeups:\t%lld\n", atomic64_read(&ctx->wakeups));
	seq_printf(m, "xsc-io-polled:\t%llu\n", sum.io_polled);
	seq_printf(m, "xsc-io-irq:\t%llu\n", sum.io_irq);
}

static const struct file_operations xsc_fops = {
	.release	= xsc_release,
	.mmap		= xsc_mmap,
	.show_fdinfo	= xsc_show_fdinfo,
};

static u32 xsc_features(void)
{
	u32 f = XSC_FEAT_IOPOLL | XSC_FEAT_HANDOFF;

	if (IS_ENABLED(CONFIG_SECCOMP))
		f |= XSC_FEAT_SECCOMP;
	return f;
}

SYSCALL_DEFINE2(xsc_setup, struct xsc_params __user *, uparams, size_t, usize)
{
	struct xsc_params p;
	struct xsc_ctx *ctx;
	struct file *file;
	int fd, ret;

	if (usize < XSC_PARAMS_SIZE_VER0)
		return -EINVAL;
	/* Checking a huge all-zero tail would hold the CPU for seconds. */
	if (usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(&p, sizeof(p), uparams, usize);
	if (ret)
		return ret;
	ret = xsc_params_check(&p);
	if (ret)
		return ret;

	mutex_lock(&xsc_registry_lock);
	if (xsc_registered(current->mm)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	/* Whose seccomp filters would the page's calls get? */
	if (!xsc_seccomp_uniform(current)) {
		ret = -EPERM;
		goto out_unlock;
	}
	ctx = xsc_ctx_alloc(&p);
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto out_unlock;
	}

	p.nr_entries = ctx->nr_entries;
	p.nr_threads = ctx->nr_threads;
	p.mmap_size = (u64)ctx->nr_pages << PAGE_SHIFT;
	p.features = xsc_features();
	if (copy_to_user(uparams, &p, min(usize, sizeof(p)))) {
		xsc_ctx_put(ctx);
		ret = -EFAULT;
		goto out_unlock;
	}

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		xsc_ctx_put(ctx);
		ret = fd;
		goto out_unlock;
	}
	/* From here the file owns ctx: fput() stops and frees it. */
	file = anon_inode_getfile("[xsc]", &xsc_fops, ctx, O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		xsc_ctx_put(ctx);
		ret = PTR_ERR(file);
		goto out_unlock;
	}
	ret = xsc_pool_start(ctx);
	if (ret) {
		put_unused_fd(fd);
		mutex_unlock(&xsc_registry_lock);
		/* Outside the lock: the release takes it. */
		fput(file);
		return ret;
	}
	list_add(&ctx->node, &xsc_registry);
	fd_install(fd, file);
	ret = fd;
out_unlock:
	mutex_unlock(&xsc_registry_lock);
	return ret;
}

static bool xsc_reached(struct xsc_ctx *ctx, u32 target)
{
	return (s32)(READ_ONCE(ctx->hdr->completed) - target) >= 0;
}

SYSCALL_DEFINE5(xsc_enter, int, fd, unsigned int, flags, unsigned int, target,
		const void __user *, arg, size_t, argsz)
{
	CLASS(fd, f)(fd);
	struct xsc_ctx *ctx;
	int ret;

	if (flags & ~(XSC_ENTER_WAKEUP | XSC_ENTER_WAIT))
		return -EINVAL;
	if (arg || argsz)
		return -EINVAL;
	if (fd_empty(f))
		return -EBADF;
	if (fd_file(f)->f_op != &xsc_fops)
		return -EINVAL;
	ctx = fd_file(f)->private_data;
	if (ctx->mm != current->mm)
		return -EACCES;
	if (READ_ONCE(ctx->stopping))
		return -EPIPE;

	if (flags & XSC_ENTER_WAKEUP) {
		atomic64_inc(&ctx->wakeups);
		xsc_pool_wake(ctx);
	}
	if (flags & XSC_ENTER_WAIT) {
		ret = wait_event_interruptible(ctx->done_wq,
					       xsc_reached(ctx, target) ||
					       READ_ONCE(ctx->stopping));
		if (ret)
			return ret;
		if (!xsc_reached(ctx, target))
			return -EPIPE;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The operations of /dev/multikernel: create a partition on CPUs and
 * memory taken from the host, load a kernel into it, start it, stop it,
 * destroy it.  Each takes mk_lock; arguments come from user space and are
 * checked here.
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/ima.h>
#include <linux/kernel_read_file.h>
#include <linux/kexec.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <asm/setup.h>
#include <asm/tsc.h>

#include "partition.h"

#define MK_MIN_MEM		SZ_32M
#define MK_STOP_TIMEOUT_MS	30000

static bool mk_op_reserved(const struct mk_op *args)
{
	return memchr_inv(args->reserved, 0, sizeof(args->reserved));
}

/* Partition @id, if it is neither starting nor running; mk_lock held. */
static struct mk_partition *mk_find_idle(u32 id)
{
	struct mk_partition *p = mk_find(id);

	if (!p)
		return ERR_PTR(-ENOENT);
	return mk_is_live(p) ? ERR_PTR(-EBUSY) : p;
}

static bool mk_create_args_ok(const struct mk_create *args)
{
	if (args->flags & ~MK_CREATE_FLAGS ||
	    memchr_inv(args->reserved, 0, sizeof(args->reserved)))
		return false;
	if (args->mem_bytes < MK_MIN_MEM ||
	    !IS_ALIGNED(args->mem_bytes, MK_MEM_ALIGN))
		return false;
	if (!args->cpus_size || args->cpus_size % sizeof(u64) ||
	    args->cpus_size > PAGE_SIZE)
		return false;
	return args->console >= MK_CONSOLE_NONE && args->console <= 3;
}

/* Read the CPU list: CPUs this kernel does not have, the boot CPU, refused. */
static int mk_copy_cpus(struct mk_partition *p, const struct mk_create *args)
{
	unsigned int nbits = args->cpus_size * BITS_PER_BYTE;
	unsigned long *bits;
	int ret = -EINVAL;

	bits = memdup_user(u64_to_user_ptr(args->cpus_ptr), args->cpus_size);
	if (IS_ERR(bits))
		return PTR_ERR(bits);
	if (find_next_bit(bits, nbits, nr_cpu_ids) < nbits || test_bit(0, bits))
		goto out;
	bitmap_copy(cpumask_bits(p->cpus), bits, min(nr_cpu_ids, nbits));
	if (!cpumask_empty(p->cpus) && cpumask_subset(p->cpus, cpu_present_mask) &&
	    cpumask_weight(p->cpus) <= MK_MAX_PART_CPUS)
		ret = 0;
out:
	kfree(bits);
	return ret;
}

/* A new partition, not yet anywhere: kobject_put() frees it. */
static struct mk_partition *mk_partition_new(const struct mk_create *args)
{
	struct mk_partition *p;
	int ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	kobject_init(&p->kobj, &mk_part_ktype);
	spin_lock_init(&p->lock);
	p->console = args->console;
	if (!zalloc_cpumask_var(&p->cpus, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&p->cpus_were_online, GFP_KERNEL))
		ret = -ENOMEM;
	else
		ret = mk_copy_cpus(p, args);
	if (ret) {
		kobject_put(&p->kobj);
		return ERR_PTR(ret);
	}
	return p;
}

/* May @p have its CPUs and console?  mk_lock held. */
static bool mk_resources_free(struct mk_partition *p, u32 flags)
{
	struct mk_partition *q;
	int id;

	if (mk_cpus_claimed(p->cpus))
		return false;
	idr_for_each_entry(&mk_partitions, q, id)
		if (p->console != MK_CONSOLE_NONE && q->console == p->console)
			return false;
	return flags & MK_CREATE_FORCE || !mk_cpus_have_pinned_tasks(p->cpus);
}

int mk_create(struct mk_create *args, u32 __user *uid)
{
	struct mk_partition *p;
	int ret, id;

	if (!mk_create_args_ok(args))
		return -EINVAL;
	p = mk_partition_new(args);
	if (IS_ERR(p))
		return PTR_ERR(p);

	mutex_lock(&mk_lock);
	ret = -EBUSY;
	if (!mk_resources_free(p, args->flags))
		goto unlock;
	ret = mk_settings_alloc(p);
	if (ret)
		goto unlock;
	ret = mk_mem_alloc(&p->mem, args->mem_bytes);
	if (ret)
		goto unlock;
	id = idr_alloc(&mk_partitions, p, 0, 0, GFP_KERNEL);
	if (id < 0) {
		ret = id;
		goto free_mem;
	}
	p->id = id;
	ret = mk_take_cpus(p);
	if (ret)
		goto free_id;
	ret = mk_sysfs_add(p);
	if (ret)
		goto give_back;
	/* Under the lock: nobody can use it before we know the id arrived. */
	if (put_user(p->id, uid)) {
		mk_remove(p);
		mutex_unlock(&mk_lock);
		return -EFAULT;
	}
	pr_info("partition %u: created on CPUs %*pbl with %llu MiB at %pa\n",
		p->id, cpumask_pr_args(p->cpus), args->mem_bytes >> 20,
		&p->mem.base);
	mutex_unlock(&mk_lock);
	return 0;

give_back:
	mk_give_cpus_back(p);
free_id:
	idr_remove(&mk_partitions, p->id);
free_mem:
	mk_mem_free(&p->mem);
unlock:
	mutex_unlock(&mk_lock);
	kobject_put(&p->kobj);
	return ret;
}

/* A file user space handed over, at most @max bytes: its length or -errno. */
static ssize_t mk_read_fd(int fd, size_t max, enum kernel_read_file_id what,
			  void **buf)
{
	ssize_t len = kernel_read_file_from_fd(fd, 0, buf, max, NULL, what);

	if (len < 0)
		*buf = NULL;
	return len;
}

/* Signatures as kexec_file_load() checks them. */
static int mk_verify_image(const void *kernel, size_t len)
{
#ifdef CONFIG_KEXEC_SIG
	int ret = kexec_kernel_verify_pe_sig(kernel, len);

	if (!ret)
		return 0;
	if (IS_ENABLED(CONFIG_KEXEC_SIG_FORCE)) {
		pr_notice("enforced kernel signature verification failed (%d)\n",
			  ret);
		return ret;
	}
#endif
	if (!ima_appraise_signature(READING_KEXEC_IMAGE) &&
	    security_locked_down(LOCKDOWN_KEXEC))
		return -EPERM;
	return 0;
}

int mk_load(struct mk_load *args)
{
	void *kernel = NULL, *initrd = NULL;
	ssize_t kernel_len, initrd_len = 0;
	struct mk_partition *p;
	char *cmdline;
	int ret;

	if (!capable(CAP_SYS_BOOT))
		return -EPERM;
	if (args->flags & ~MK_LOAD_FLAGS ||
	    memchr_inv(args->reserved, 0, sizeof(args->reserved)))
		return -EINVAL;
	if (!args->cmdline_len)
		return -EINVAL;
	if (args->cmdline_len > COMMAND_LINE_SIZE)
		return -E2BIG;
	cmdline = memdup_user(u64_to_user_ptr(args->cmdline_ptr),
			      args->cmdline_len);
	if (IS_ERR(cmdline))
		return PTR_ERR(cmdline);
	if (strnlen(cmdline, args->cmdline_len) != args->cmdline_len - 1) {
		kfree(cmdline);
		return -EINVAL;
	}

	mutex_lock(&mk_lock);
	p = mk_find(args->id);
	ret = -ENOENT;
	if (!p)
		goto out;
	ret = -EBUSY;
	if (mk_is_live(p) || p->state == MK_CRASHED)
		goto out;

	kernel_len = mk_read_fd(args->kernel_fd, p->mem.size,
				READING_KEXEC_IMAGE, &kernel);
	ret = kernel_len < 0 ? kernel_len : mk_verify_image(kernel, kernel_len);
	if (ret)
		goto out;
	if (!(args->flags & MK_LOAD_NO_INITRAMFS)) {
		initrd_len = mk_read_fd(args->initrd_fd, p->mem.size,
					READING_KEXEC_INITRAMFS, &initrd);
		ret = min_t(ssize_t, initrd_len, 0);
		if (ret)
			goto out;
	}
	ret = mk_arch_load(&p->mem, p->id, p->cpus, p->console, kernel,
			   kernel_len, initrd, initrd_len, cmdline, &p->img);
	if (!ret)
		mk_set_state(p, MK_LOADED, "");
out:
	mutex_unlock(&mk_lock);
	vfree(initrd);
	vfree(kernel);
	kfree(cmdline);
	return ret;
}

int mk_start(struct mk_op *args)
{
	struct mk_partition *p;
	int ret;

	if (!capable(CAP_SYS_BOOT))
		return -EPERM;
	if (args->flags || args->timeout_ms || mk_op_reserved(args))
		return -EINVAL;

	guard(mutex)(&mk_lock);
	p = mk_find_idle(args->id);
	if (IS_ERR(p))
		return PTR_ERR(p);
	/* Nothing loaded, or a previous run overwrote what was. */
	if (p->state != MK_LOADED)
		return -ENOEXEC;

	scoped_guard(spinlock, &p->lock) {
		p->heartbeat = 0;
		p->heartbeat_at = jiffies;
		p->boot_us = 0;
		p->reported_cpus = 0;
		p->reported_mem_kb = 0;
		p->start_tsc = rdtsc();
	}
	mk_notify(p, MK_PARTITION_STARTING);
	ret = mk_arch_start(&p->mem, &p->img, cpumask_first(p->cpus));
	if (ret) {
		mk_notify(p, MK_PARTITION_GONE);
		return ret;
	}
	mk_set_state(p, MK_STARTING, "");
	mk_watch_start();
	return 0;
}

int mk_stop(struct mk_op *args)
{
	struct mk_partition *p;
	unsigned long deadline;
	struct mk_status *st;

	if (args->flags & ~MK_STOP_FORCE || mk_op_reserved(args) ||
	    (args->flags & MK_STOP_FORCE && args->timeout_ms))
		return -EINVAL;

	guard(mutex)(&mk_lock);
	p = mk_find(args->id);
	if (!p)
		return -ENOENT;
	switch (p->state) {
	case MK_STOPPED:
		return -EALREADY;
	case MK_CREATED:
	case MK_LOADED:
		return -EINVAL;
	case MK_CRASHED:
		mk_reset_cpus(p);
		mk_set_state(p, MK_STOPPED, NULL);
		return 0;
	default:
		break;
	}
	if (args->flags & MK_STOP_FORCE) {
		mk_reset_cpus(p);
		mk_set_state(p, MK_STOPPED, "stopped by the host");
		return 0;
	}

	st = mk_status_of(p);
	WRITE_ONCE(st->cmd, cpu_to_le32(MK_CMD_POWEROFF));
	deadline = jiffies + msecs_to_jiffies(args->timeout_ms ?: MK_STOP_TIMEOUT_MS);
	while (mk_is_live(p)) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		if (msleep_interruptible(20) && signal_pending(current))
			return -EINTR;
		mk_watch_one(p);
	}
	return p->state == MK_STOPPED ? 0 : -EIO;
}

int mk_destroy(struct mk_op *args)
{
	struct mk_partition *p;

	if (args->flags || args->timeout_ms || mk_op_reserved(args))
		return -EINVAL;

	guard(mutex)(&mk_lock);
	p = mk_find_idle(args->id);
	if (IS_ERR(p))
		return PTR_ERR(p);
	if (p->state == MK_CRASHED)
		mk_reset_cpus(p);
	mk_remove(p);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Partitions: other Linux kernels started by this one on some of the
 * machine's CPUs and memory (SHIMOS).  This file keeps the partitions and
 * their states, takes CPUs from the host and gives them back, serves
 * /dev/multikernel and /sys/kernel/multikernel/partitions/, and watches
 * running partitions through the status page each shares with the host.
 *
 *   created  --load-->  loaded  --start-->  starting  --init runs-->  running
 *   then  --stop, or it powers itself off-->  stopped  --load-->  loaded
 *   starting or running  --panic, no heartbeat-->  crashed  --stop-->  stopped
 *   created, loaded, stopped or crashed  --destroy-->  gone
 *
 * A partition kernel is not trusted: what it writes in the status page is
 * checked before use.  There is no hardware isolation between kernels; see
 * Documentation/admin-guide/multikernel/partitions.rst.
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/capability.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/ima.h>
#include <linux/io.h>
#include <linux/kernel_read_file.h>
#include <linux/kexec.h>
#include <linux/kobject.h>
#include <linux/math64.h>
#include <linux/miscdevice.h>
#include <linux/multikernel.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include <asm/multikernel.h>
#include <asm/setup.h>
#include <asm/tsc.h>

#include "partition.h"

#define MK_MIN_MEM		SZ_32M
#define MK_WATCH_MS		200
#define MK_STOP_TIMEOUT_MS	30000

/* Seconds without news before a partition is declared crashed. */
static unsigned int mk_boot_timeout = 120;
module_param_named(boot_timeout, mk_boot_timeout, uint, 0644);
MODULE_PARM_DESC(boot_timeout, "Seconds a partition may take to reach init");
static unsigned int mk_heartbeat_timeout = 30;
module_param_named(heartbeat_timeout, mk_heartbeat_timeout, uint, 0644);
MODULE_PARM_DESC(heartbeat_timeout, "Seconds without a heartbeat before a partition is crashed");

enum mk_state {
	MK_CREATED,
	MK_LOADED,
	MK_STARTING,
	MK_RUNNING,
	MK_STOPPED,
	MK_CRASHED,
};

static const char * const mk_state_names[] = {
	[MK_CREATED] = "created",
	[MK_LOADED] = "loaded",
	[MK_STARTING] = "starting",
	[MK_RUNNING] = "running",
	[MK_STOPPED] = "stopped",
	[MK_CRASHED] = "crashed",
};

/**
 * struct mk_partition - a partition
 * @kobj: /sys/kernel/multikernel/partitions/<id>/
 * @id: its id
 * @cpus: its CPUs, offline in the host; the first one boots it
 * @cpus_were_online: those the host had online and gets back online
 * @console: index of the legacy UART it owns, or MK_CONSOLE_NONE
 * @mem: its memory
 * @img: the loaded kernel
 * @lock: protects the fields below for sysfs readers
 * @state: enum mk_state
 * @reason: why it stopped or crashed
 * @heartbeat: the last heartbeat read from it
 * @heartbeat_at: jiffies when @heartbeat last changed, or the start
 * @start_tsc: TSC when its boot CPU was started
 * @boot_us: microseconds from start to its init, 0 until known
 * @reported_cpus: its own count of online CPUs
 * @reported_mem_kb: its own count of memory
 * @status_errors: times its status page held nonsense
 */
struct mk_partition {
	struct kobject kobj;
	u32 id;
	cpumask_var_t cpus;
	cpumask_var_t cpus_were_online;
	int console;
	struct mk_part_layout mem;
	struct mk_part_image img;

	spinlock_t lock;		/* the fields below, for sysfs */
	enum mk_state state;
	char reason[MK_REASON_LEN];
	u64 heartbeat;
	unsigned long heartbeat_at;
	u64 start_tsc;
	u64 boot_us;
	u64 reported_cpus;
	u64 reported_mem_kb;
	u64 status_errors;
};

/* Serialises partition control; sysfs readers take only p->lock. */
static DEFINE_MUTEX(mk_lock);
static DEFINE_IDR(mk_partitions);
static struct cpumask mk_claimed_cpus;
static struct kobject *mk_partitions_kobj;

static void mk_watch(struct work_struct *work);
static DECLARE_DELAYED_WORK(mk_watch_work, mk_watch);

/* Told when partitions start and go: IKC lays out its shared area. */
static BLOCKING_NOTIFIER_HEAD(mk_notifier);

/**
 * multikernel_register_notifier() - hear of partitions starting and going
 * @nb: called with an enum mk_partition_event and a struct
 *	mk_partition_info, under the lock that serialises partition control
 *
 * Return: 0.
 */
int multikernel_register_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&mk_notifier, nb);
}
EXPORT_SYMBOL_GPL(multikernel_register_notifier);

#define to_partition(k) container_of(k, struct mk_partition, kobj)

static bool mk_is_live(const struct mk_partition *p);
static void mk_notify(struct mk_partition *p, enum mk_partition_event event);

static void mk_set_state(struct mk_partition *p, enum mk_state state,
			 const char *reason)
{
	bool was_live = mk_is_live(p);

	scoped_guard(spinlock, &p->lock) {
		p->state = state;
		if (reason)
			strscpy(p->reason, reason, sizeof(p->reason));
	}
	sysfs_notify(&p->kobj, NULL, "state");
	pr_info("partition %u: %s%s%s\n", p->id, mk_state_names[state],
		reason ? ": " : "", reason ?: "");
	if (was_live && !mk_is_live(p))
		mk_notify(p, MK_PARTITION_GONE);
}

static bool mk_is_live(const struct mk_partition *p)
{
	return p->state == MK_STARTING || p->state == MK_RUNNING;
}

static void mk_notify(struct mk_partition *p, enum mk_partition_event event)
{
	struct mk_partition_info info = {
		.id = p->id,
		.cpus = p->cpus,
		.mem_base = p->mem.base,
		.mem_size = p->mem.size,
		.ikc_pa = p->img.ikc,
		.ikc_size = MK_IKC_AREA_SIZE,
	};

	lockdep_assert_held(&mk_lock);
	blocking_notifier_call_chain(&mk_notifier, event, &info);
}

/* ---- sysfs ---- */

#define MK_ATTR_RO(_name)						\
	static struct kobj_attribute mk_attr_##_name = __ATTR_RO(_name)

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct mk_partition *p = to_partition(kobj);

	guard(spinlock)(&p->lock);
	return sysfs_emit(buf, "%s\n", mk_state_names[p->state]);
}
MK_ATTR_RO(state);

static ssize_t reason_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct mk_partition *p = to_partition(kobj);

	guard(spinlock)(&p->lock);
	return sysfs_emit(buf, "%s\n", p->reason);
}
MK_ATTR_RO(reason);

static ssize_t cpus_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(to_partition(kobj)->cpus));
}
MK_ATTR_RO(cpus);

static ssize_t memory_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct mk_partition *p = to_partition(kobj);

	return sysfs_emit(buf, "%#llx-%#llx %#llx-%#llx\n",
			  (u64)p->mem.low_base,
			  (u64)(p->mem.low_base + p->mem.low_size - 1),
			  (u64)p->mem.base, (u64)(p->mem.base + p->mem.size - 1));
}
MK_ATTR_RO(memory);

static ssize_t mem_bytes_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%llu\n", (u64)to_partition(kobj)->mem.size);
}
MK_ATTR_RO(mem_bytes);

static ssize_t console_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	int console = to_partition(kobj)->console;

	if (console == MK_CONSOLE_NONE)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "ttyS%d\n", console);
}
MK_ATTR_RO(console);

/* A number of the partition's, read under its lock. */
struct mk_u64_attr {
	struct kobj_attribute attr;
	size_t offset;
};

static ssize_t mk_u64_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct mk_u64_attr *a = container_of(attr, struct mk_u64_attr, attr);
	struct mk_partition *p = to_partition(kobj);
	u64 v;

	scoped_guard(spinlock, &p->lock)
		v = *(u64 *)((char *)p + a->offset);
	return sysfs_emit(buf, "%llu\n", v);
}

#define MK_U64(field) offsetof(struct mk_partition, field)
#define MK_U64_ATTR(name) __ATTR(name, 0444, mk_u64_show, NULL)

static struct mk_u64_attr mk_u64_attrs[] = {
	{ MK_U64_ATTR(heartbeat), MK_U64(heartbeat) },
	{ MK_U64_ATTR(boot_us), MK_U64(boot_us) },
	{ MK_U64_ATTR(reported_cpus), MK_U64(reported_cpus) },
	{ MK_U64_ATTR(reported_mem_kb), MK_U64(reported_mem_kb) },
	{ MK_U64_ATTR(status_errors), MK_U64(status_errors) },
};

static struct attribute *mk_part_attrs[] = {
	&mk_attr_state.attr,
	&mk_attr_reason.attr,
	&mk_attr_cpus.attr,
	&mk_attr_memory.attr,
	&mk_attr_mem_bytes.attr,
	&mk_attr_console.attr,
	&mk_u64_attrs[0].attr.attr,
	&mk_u64_attrs[1].attr.attr,
	&mk_u64_attrs[2].attr.attr,
	&mk_u64_attrs[3].attr.attr,
	&mk_u64_attrs[4].attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(mk_part);

static void mk_part_release(struct kobject *kobj)
{
	struct mk_partition *p = to_partition(kobj);

	free_cpumask_var(p->cpus);
	free_cpumask_var(p->cpus_were_online);
	kfree(p);
}

static const struct kobj_type mk_part_ktype = {
	.release = mk_part_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = mk_part_groups,
};

static ssize_t pool_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	phys_addr_t base, total, avail;

	mk_mem_pool_info(&base, &total, &avail);
	return sysfs_emit(buf, "%#llx %llu %llu\n", (u64)base, (u64)total,
			  (u64)avail);
}

static struct kobj_attribute mk_attr_pool = __ATTR_RO(pool);

/* ---- the host's CPUs ---- */

/* A claimed CPU cannot be onlined by the host behind the partition's back. */
static int mk_cpu_prepare(unsigned int cpu)
{
	return cpumask_test_cpu(cpu, &mk_claimed_cpus) ? -EBUSY : 0;
}

/* Would a task lose every CPU it may run on? */
static bool mk_cpus_have_pinned_tasks(const struct cpumask *cpus)
{
	struct task_struct *g, *t;
	bool pinned = false;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (t->flags & PF_KTHREAD)
			continue;
		if (cpumask_subset(t->cpus_ptr, cpus)) {
			pinned = true;
			break;
		}
	}
	rcu_read_unlock();
	return pinned;
}

static void mk_give_cpus_back(struct mk_partition *p)
{
	unsigned int cpu;
	int ret;

	cpumask_andnot(&mk_claimed_cpus, &mk_claimed_cpus, p->cpus);
	for_each_cpu(cpu, p->cpus_were_online) {
		ret = add_cpu(cpu);
		if (ret)
			pr_warn("partition %u: CPU %u stays offline (%d)\n",
				p->id, cpu, ret);
	}
}

static int mk_take_cpus(struct mk_partition *p)
{
	unsigned int cpu;
	int ret;

	cpumask_or(&mk_claimed_cpus, &mk_claimed_cpus, p->cpus);
	for_each_cpu(cpu, p->cpus) {
		if (!cpu_online(cpu))
			continue;
		ret = remove_cpu(cpu);
		if (ret) {
			mk_give_cpus_back(p);
			return ret;
		}
		cpumask_set_cpu(cpu, p->cpus_were_online);
	}
	return 0;
}

static void mk_reset_cpus(struct mk_partition *p)
{
	mk_arch_take_back_cpus(p->cpus, mk_mem_park_page());
}

/* ---- the status page ---- */

static struct mk_status *mk_status_of(struct mk_partition *p)
{
	return phys_to_virt(p->img.status);
}

/* The partition's reason, made printable and terminated. */
static void mk_read_reason(struct mk_status *st, char *reason)
{
	unsigned int i;

	memcpy(reason, st->reason, MK_REASON_LEN);
	reason[MK_REASON_LEN - 1] = '\0';
	for (i = 0; reason[i]; i++)
		if (!isprint(reason[i]))
			reason[i] = '?';
}

/* Look at one live partition; mk_lock held. */
static void mk_watch_one(struct mk_partition *p)
{
	struct mk_status *st = mk_status_of(p);
	char reason[MK_REASON_LEN];
	u64 heartbeat, init_tsc;
	u32 state;

	if (READ_ONCE(st->magic) != MK_STATUS_MAGIC) {
		if (p->state == MK_STARTING &&
		    time_after(jiffies, p->heartbeat_at + mk_boot_timeout * HZ)) {
			snprintf(reason, sizeof(reason),
				 "did not reach init in %u s", mk_boot_timeout);
			mk_set_state(p, MK_CRASHED, reason);
		}
		return;
	}
	/* The magic before the rest: see mk_status_init() in the partition. */
	smp_rmb();
	state = READ_ONCE(st->state);
	if (READ_ONCE(st->version) != MK_STATUS_VERSION ||
	    state >= MK_PART_NR_STATES) {
		scoped_guard(spinlock, &p->lock)
			p->status_errors++;
		mk_set_state(p, MK_CRASHED, "status page corrupted");
		return;
	}
	/* The state before the reason: see mk_report() in the partition. */
	smp_rmb();

	heartbeat = READ_ONCE(st->heartbeat);
	scoped_guard(spinlock, &p->lock) {
		if (heartbeat != p->heartbeat) {
			p->heartbeat = heartbeat;
			p->heartbeat_at = jiffies;
		}
		p->reported_cpus = READ_ONCE(st->online_cpus);
		p->reported_mem_kb = READ_ONCE(st->mem_total_kb);
	}

	switch (state) {
	case MK_PART_BOOTING:
		break;
	case MK_PART_RUNNING:
		if (p->state == MK_STARTING) {
			init_tsc = READ_ONCE(st->init_tsc);
			scoped_guard(spinlock, &p->lock) {
				if (init_tsc > p->start_tsc && tsc_khz)
					p->boot_us = mul_u64_u64_div_u64(init_tsc - p->start_tsc,
									 1000, tsc_khz);
			}
			mk_set_state(p, MK_RUNNING, "");
		} else if (time_after(jiffies, p->heartbeat_at +
				      mk_heartbeat_timeout * HZ)) {
			snprintf(reason, sizeof(reason), "no heartbeat for %u s",
				 mk_heartbeat_timeout);
			mk_set_state(p, MK_CRASHED, reason);
		}
		break;
	case MK_PART_HALTED:
		mk_read_reason(st, reason);
		mk_reset_cpus(p);
		mk_set_state(p, MK_STOPPED, reason);
		break;
	case MK_PART_CRASHED:
		mk_read_reason(st, reason);
		mk_set_state(p, MK_CRASHED, reason);
		break;
	}
}

static void mk_watch(struct work_struct *work)
{
	struct mk_partition *p;
	bool live = false;
	int id;

	guard(mutex)(&mk_lock);
	idr_for_each_entry(&mk_partitions, p, id) {
		if (!mk_is_live(p))
			continue;
		mk_watch_one(p);
		live |= mk_is_live(p);
	}
	if (live)
		schedule_delayed_work(&mk_watch_work, msecs_to_jiffies(MK_WATCH_MS));
}

/* ---- operations ---- */

static bool mk_op_reserved(const struct mk_op *args)
{
	return memchr_inv(args->reserved, 0, sizeof(args->reserved));
}

static struct mk_partition *mk_find(u32 id)
{
	lockdep_assert_held(&mk_lock);
	return idr_find(&mk_partitions, id);
}

static void mk_remove(struct mk_partition *p);

static int mk_create(struct mk_create *args, u32 __user *uid)
{
	struct mk_partition *p, *q;
	unsigned long *bits;
	int ret, id;

	if (args->flags & ~MK_CREATE_FLAGS ||
	    memchr_inv(args->reserved, 0, sizeof(args->reserved)))
		return -EINVAL;
	if (args->mem_bytes < MK_MIN_MEM ||
	    !IS_ALIGNED(args->mem_bytes, MK_MEM_ALIGN))
		return -EINVAL;
	if (!args->cpus_size || args->cpus_size % sizeof(u64) ||
	    args->cpus_size > PAGE_SIZE)
		return -EINVAL;
	if (args->console < MK_CONSOLE_NONE || args->console > 3)
		return -EINVAL;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	kobject_init(&p->kobj, &mk_part_ktype);
	spin_lock_init(&p->lock);
	p->console = args->console;
	if (!zalloc_cpumask_var(&p->cpus, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&p->cpus_were_online, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto put;
	}

	bits = memdup_user(u64_to_user_ptr(args->cpus_ptr), args->cpus_size);
	if (IS_ERR(bits)) {
		ret = PTR_ERR(bits);
		goto put;
	}
	/* CPUs this kernel does not have, the boot CPU: refused. */
	ret = -EINVAL;
	if (find_next_bit(bits, args->cpus_size * BITS_PER_BYTE, nr_cpu_ids) <
	    args->cpus_size * BITS_PER_BYTE || test_bit(0, bits)) {
		kfree(bits);
		goto put;
	}
	bitmap_copy(cpumask_bits(p->cpus), bits,
		    min_t(unsigned int, nr_cpu_ids,
			  args->cpus_size * BITS_PER_BYTE));
	kfree(bits);
	if (cpumask_empty(p->cpus) || !cpumask_subset(p->cpus, cpu_present_mask) ||
	    cpumask_weight(p->cpus) > MK_MAX_PART_CPUS)
		goto put;

	mutex_lock(&mk_lock);
	ret = -EBUSY;
	if (cpumask_intersects(p->cpus, &mk_claimed_cpus))
		goto unlock;
	idr_for_each_entry(&mk_partitions, q, id)
		if (p->console != MK_CONSOLE_NONE && q->console == p->console)
			goto unlock;
	if (!(args->flags & MK_CREATE_FORCE) && mk_cpus_have_pinned_tasks(p->cpus))
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
	ret = kobject_add(&p->kobj, mk_partitions_kobj, "%u", p->id);
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
put:
	kobject_put(&p->kobj);
	return ret;
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

static int mk_load(struct mk_load *args)
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

	kernel_len = kernel_read_file_from_fd(args->kernel_fd, 0, &kernel,
					      p->mem.size, NULL,
					      READING_KEXEC_IMAGE);
	if (kernel_len < 0) {
		ret = kernel_len;
		kernel = NULL;
		goto out;
	}
	ret = mk_verify_image(kernel, kernel_len);
	if (ret)
		goto out;
	if (!(args->flags & MK_LOAD_NO_INITRAMFS)) {
		initrd_len = kernel_read_file_from_fd(args->initrd_fd, 0, &initrd,
						      p->mem.size, NULL,
						      READING_KEXEC_INITRAMFS);
		if (initrd_len < 0) {
			ret = initrd_len;
			initrd = NULL;
			goto out;
		}
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

static int mk_start(struct mk_op *args)
{
	struct mk_partition *p;
	int ret;

	if (!capable(CAP_SYS_BOOT))
		return -EPERM;
	if (args->flags || args->timeout_ms || mk_op_reserved(args))
		return -EINVAL;

	guard(mutex)(&mk_lock);
	p = mk_find(args->id);
	if (!p)
		return -ENOENT;
	if (mk_is_live(p))
		return -EBUSY;
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
	schedule_delayed_work(&mk_watch_work, msecs_to_jiffies(MK_WATCH_MS));
	return 0;
}

static int mk_stop(struct mk_op *args)
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
	WRITE_ONCE(st->cmd, MK_CMD_POWEROFF);
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

static void mk_remove(struct mk_partition *p)
{
	lockdep_assert_held(&mk_lock);
	kobject_del(&p->kobj);
	idr_remove(&mk_partitions, p->id);
	mk_mem_free(&p->mem);
	mk_give_cpus_back(p);
	pr_info("partition %u: destroyed\n", p->id);
	kobject_put(&p->kobj);
}

static int mk_destroy(struct mk_op *args)
{
	struct mk_partition *p;

	if (args->flags || args->timeout_ms || mk_op_reserved(args))
		return -EINVAL;

	guard(mutex)(&mk_lock);
	p = mk_find(args->id);
	if (!p)
		return -ENOENT;
	if (mk_is_live(p))
		return -EBUSY;
	if (p->state == MK_CRASHED)
		mk_reset_cpus(p);
	mk_remove(p);
	return 0;
}

/* ---- /dev/multikernel ---- */

/* Copy in an extensible argument: its first member is its size. */
static int mk_copy_args(void *args, size_t ksize, size_t min_size,
			void __user *uargs)
{
	u32 usize;

	if (get_user(usize, (u32 __user *)uargs))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	return copy_struct_from_user(args, ksize, uargs, usize);
}

static long mk_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	union {
		struct mk_create create;
		struct mk_load load;
		struct mk_op op;
	} a;
	int ret;

	if (_IOC_TYPE(cmd) != MK_IOC_MAGIC)
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(MK_IOC_CREATE):
		ret = mk_copy_args(&a.create, sizeof(a.create),
				   offsetofend(struct mk_create, id), uarg);
		if (ret)
			return ret;
		return ret ?: mk_create(&a.create,
					&((struct mk_create __user *)uarg)->id);
	case _IOC_NR(MK_IOC_LOAD):
		ret = mk_copy_args(&a.load, sizeof(a.load),
				   offsetofend(struct mk_load, cmdline_ptr), uarg);
		return ret ?: mk_load(&a.load);
	case _IOC_NR(MK_IOC_START):
	case _IOC_NR(MK_IOC_STOP):
	case _IOC_NR(MK_IOC_DESTROY):
		ret = mk_copy_args(&a.op, sizeof(a.op),
				   offsetofend(struct mk_op, timeout_ms), uarg);
		if (ret)
			return ret;
		if (_IOC_NR(cmd) == _IOC_NR(MK_IOC_START))
			return mk_start(&a.op);
		if (_IOC_NR(cmd) == _IOC_NR(MK_IOC_STOP))
			return mk_stop(&a.op);
		return mk_destroy(&a.op);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mk_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = mk_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice mk_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "multikernel",
	.fops = &mk_fops,
	.mode = 0600,
};

static int __init mk_partition_init(void)
{
	int ret;

	if (multikernel_is_partition() || !multikernel_kobj)
		return 0;
	mk_partitions_kobj = kobject_create_and_add("partitions", multikernel_kobj);
	if (!mk_partitions_kobj)
		return -ENOMEM;
	ret = sysfs_create_file(mk_partitions_kobj, &mk_attr_pool.attr);
	if (ret)
		goto put;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN,
					"multikernel/partition:prepare",
					mk_cpu_prepare, NULL);
	if (ret < 0)
		goto put;
	ret = misc_register(&mk_miscdev);
	if (ret)
		goto put;
	return 0;
put:
	kobject_put(mk_partitions_kobj);
	return ret;
}
late_initcall(mk_partition_init);

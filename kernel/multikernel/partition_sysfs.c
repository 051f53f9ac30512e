// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/multikernel/partitions/: the pool, and a directory per
 * partition with its state and what it reports of itself.
 */

#include <linux/kobject.h>
#include <linux/multikernel.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "partition.h"

static struct kobject *mk_partitions_kobj;

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
	mk_settings_free(p);
	kfree(p);
}

const struct kobj_type mk_part_ktype = {
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

/* Show a partition made by mk_create(); mk_lock held. */
int mk_sysfs_add(struct mk_partition *p)
{
	int ret;

	ret = kobject_add(&p->kobj, mk_partitions_kobj, "%u", p->id);
	if (!ret)
		ret = mk_settings_add_files(p);
	return ret;
}

int mk_sysfs_init(void)
{
	int ret;

	mk_partitions_kobj = kobject_create_and_add("partitions", multikernel_kobj);
	if (!mk_partitions_kobj)
		return -ENOMEM;
	ret = sysfs_create_file(mk_partitions_kobj, &mk_attr_pool.attr);
	if (ret)
		mk_sysfs_exit();
	return ret;
}

void mk_sysfs_exit(void)
{
	kobject_put(mk_partitions_kobj);
	mk_partitions_kobj = NULL;
}

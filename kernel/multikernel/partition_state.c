// SPDX-License-Identifier: GPL-2.0-only
/*
 * Partitions: other Linux kernels started by this one on some of the
 * machine's CPUs and memory (SHIMOS).  This file keeps the partitions and
 * their states and tells other parts of the kernel (IKC) when a partition
 * starts and goes.  The states are drawn in partition.h.
 *
 * A partition kernel is not trusted: what it writes in the status page is
 * checked before use (partition_watch.c).  There is no hardware isolation
 * between kernels; see Documentation/admin-guide/multikernel/partitions.rst.
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/export.h>
#include <linux/lockdep.h>
#include <linux/notifier.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "partition.h"

/* Serialises partition control; sysfs readers take only p->lock. */
DEFINE_MUTEX(mk_lock);
DEFINE_IDR(mk_partitions);

const char * const mk_state_names[] = {
	[MK_CREATED] = "created",
	[MK_LOADED] = "loaded",
	[MK_STARTING] = "starting",
	[MK_RUNNING] = "running",
	[MK_STOPPED] = "stopped",
	[MK_CRASHED] = "crashed",
};

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

struct mk_partition *mk_find(u32 id)
{
	lockdep_assert_held(&mk_lock);
	return idr_find(&mk_partitions, id);
}

/* Its kernel may be running: its CPUs and memory are in use. */
bool mk_is_live(const struct mk_partition *p)
{
	return p->state == MK_STARTING || p->state == MK_RUNNING;
}

void mk_notify(struct mk_partition *p, enum mk_partition_event event)
{
	struct mk_partition_info info = {
		.id = p->id,
		.cpus = p->cpus,
		.mem_base = p->mem.base,
		.mem_size = p->mem.size,
		.ikc_pa = p->img.ikc,
		.ikc_size = MK_IKC_AREA_SIZE,
		.settings = p->settings,
	};

	lockdep_assert_held(&mk_lock);
	blocking_notifier_call_chain(&mk_notifier, event, &info);
}

/* A NULL @reason keeps the one it has. */
void mk_set_state(struct mk_partition *p, enum mk_state state,
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

/* Forget a partition that is not live: its memory and CPUs go back. */
void mk_remove(struct mk_partition *p)
{
	lockdep_assert_held(&mk_lock);
	kobject_del(&p->kobj);
	mk_settings_forget(p);
	idr_remove(&mk_partitions, p->id);
	mk_mem_free(&p->mem);
	mk_give_cpus_back(p);
	pr_info("partition %u: destroyed\n", p->id);
	kobject_put(&p->kobj);
}

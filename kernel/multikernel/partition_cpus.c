// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUs of partitions: taken offline from the host when a partition is
 * created, kept from being onlined behind its back, stopped and parked in
 * host code when it stops, and given back when it is destroyed.
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>

#include "partition.h"

/* The CPUs of all partitions; changed under mk_lock. */
static struct cpumask mk_claimed_cpus;
static int mk_cpuhp_state;

/* A claimed CPU cannot be onlined by the host behind the partition's back. */
static int mk_cpu_prepare(unsigned int cpu)
{
	return cpumask_test_cpu(cpu, &mk_claimed_cpus) ? -EBUSY : 0;
}

/* Would a task lose every CPU it may run on? */
bool mk_cpus_have_pinned_tasks(const struct cpumask *cpus)
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

void mk_give_cpus_back(struct mk_partition *p)
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

int mk_take_cpus(struct mk_partition *p)
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

/* Its CPUs, stopped whatever they run, wait in host code (parked). */
void mk_reset_cpus(struct mk_partition *p)
{
	mk_arch_take_back_cpus(&p->mem, p->cpus, mk_mem_park_page());
}

/* Does a partition have one of @cpus?  mk_lock held. */
bool mk_cpus_claimed(const struct cpumask *cpus)
{
	lockdep_assert_held(&mk_lock);
	return cpumask_intersects(cpus, &mk_claimed_cpus);
}

int mk_cpus_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN,
					"multikernel/partition:prepare",
					mk_cpu_prepare, NULL);
	if (ret < 0)
		return ret;
	mk_cpuhp_state = ret;
	return 0;
}

void mk_cpus_exit(void)
{
	cpuhp_remove_state_nocalls(mk_cpuhp_state);
}

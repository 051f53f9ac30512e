// SPDX-License-Identifier: GPL-2.0-only
/*
 * Watching live partitions: each writes its state, a heartbeat and what it
 * counts of itself in a status page it shares with the host; the host
 * reads it five times a second, checks it (the partition is not trusted)
 * and moves the partition to running, stopped or crashed.
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/ctype.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>

#include <asm/tsc.h>

#include "partition.h"

/* multikernel.boot_timeout, as documented, whatever this file's name. */
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "multikernel."

#define MK_WATCH_MS		200

/* Seconds without news before a partition is declared crashed. */
static unsigned int mk_boot_timeout = 120;
module_param_named(boot_timeout, mk_boot_timeout, uint, 0644);
MODULE_PARM_DESC(boot_timeout, "Seconds a partition may take to reach init");
static unsigned int mk_heartbeat_timeout = 30;
module_param_named(heartbeat_timeout, mk_heartbeat_timeout, uint, 0644);
MODULE_PARM_DESC(heartbeat_timeout, "Seconds without a heartbeat before a partition is crashed");

static void mk_watch(struct work_struct *work);
static DECLARE_DELAYED_WORK(mk_watch_work, mk_watch);

struct mk_status *mk_status_of(struct mk_partition *p)
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
void mk_watch_one(struct mk_partition *p)
{
	struct mk_status *st = mk_status_of(p);
	char reason[MK_REASON_LEN];
	u64 heartbeat, init_tsc;
	u32 state;

	if (le32_to_cpu(READ_ONCE(st->magic)) != MK_STATUS_MAGIC) {
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
	state = le32_to_cpu(READ_ONCE(st->state));
	if (le32_to_cpu(READ_ONCE(st->version)) != MK_STATUS_VERSION ||
	    state >= MK_PART_NR_STATES) {
		scoped_guard(spinlock, &p->lock)
			p->status_errors++;
		mk_set_state(p, MK_CRASHED, "status page corrupted");
		return;
	}
	/* The state before the reason: see mk_report() in the partition. */
	smp_rmb();

	heartbeat = le64_to_cpu(READ_ONCE(st->heartbeat));
	scoped_guard(spinlock, &p->lock) {
		if (heartbeat != p->heartbeat) {
			p->heartbeat = heartbeat;
			p->heartbeat_at = jiffies;
		}
		p->reported_cpus = le32_to_cpu(READ_ONCE(st->online_cpus));
		p->reported_mem_kb = le64_to_cpu(READ_ONCE(st->mem_total_kb));
	}

	switch (state) {
	case MK_PART_BOOTING:
		break;
	case MK_PART_RUNNING:
		if (p->state == MK_STARTING) {
			init_tsc = le64_to_cpu(READ_ONCE(st->init_tsc));
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

/* A partition started: watch until none is live. */
void mk_watch_start(void)
{
	schedule_delayed_work(&mk_watch_work, msecs_to_jiffies(MK_WATCH_MS));
}

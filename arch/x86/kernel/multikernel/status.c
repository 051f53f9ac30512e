// SPDX-License-Identifier: GPL-2.0-only
/*
 * A partition kernel's side of the status page it shares with its host:
 * it says when init is about to run, beats twice a second, says why it
 * stopped or crashed, and powers itself off when the host asks.  It never
 * resets or powers off the machine, which is the host's.
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/panic_notifier.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <asm/multikernel.h>
#include <asm/reboot.h>
#include <asm/tsc.h>

#include "internal.h"

#define MK_HEARTBEAT_MS		500
/* How long init may take to power off when asked, before the kernel does. */
#define MK_POWEROFF_GRACE_MS	10000

static struct mk_status *mk_status;

static void mk_report(enum mk_part_state state, const char *reason)
{
	if (!mk_status)
		return;
	if (reason)
		strscpy(mk_status->reason, reason, sizeof(mk_status->reason));
	/* The host reads the reason once it sees the state. */
	smp_wmb();
	WRITE_ONCE(mk_status->state, cpu_to_le32(state));
}

static void mk_heartbeat(struct work_struct *work);
static DECLARE_DELAYED_WORK(mk_heartbeat_work, mk_heartbeat);

static void mk_heartbeat(struct work_struct *work)
{
	static unsigned long poweroff_asked;
	static u64 beats;

	WRITE_ONCE(mk_status->online_cpus, cpu_to_le32(num_online_cpus()));
	WRITE_ONCE(mk_status->mem_total_kb,
		   cpu_to_le64(totalram_pages() << (PAGE_SHIFT - 10)));
	WRITE_ONCE(mk_status->heartbeat, cpu_to_le64(++beats));

	/*
	 * Ask userspace first, like a power button; if it does not act (an
	 * init that ignores the signal, or is not up yet), power off anyway.
	 */
	if (le32_to_cpu(READ_ONCE(mk_status->cmd)) == MK_CMD_POWEROFF) {
		if (!poweroff_asked) {
			poweroff_asked = jiffies;
			pr_info("the host asks us to power off\n");
			orderly_poweroff(true);
		} else if (time_after(jiffies, poweroff_asked +
				      msecs_to_jiffies(MK_POWEROFF_GRACE_MS))) {
			pr_warn("userspace did not power off: powering off\n");
			kernel_power_off();
		}
	}
	schedule_delayed_work(&mk_heartbeat_work,
			      msecs_to_jiffies(MK_HEARTBEAT_MS));
}

static int mk_panic(struct notifier_block *nb, unsigned long event, void *msg)
{
	char reason[MK_REASON_LEN];

	snprintf(reason, sizeof(reason), "panic: %s", (const char *)msg);
	mk_report(MK_PART_CRASHED, reason);
	return NOTIFY_DONE;
}

static struct notifier_block mk_panic_nb = {
	.notifier_call = mk_panic,
};

static void mk_stop_here(const char *reason)
{
	machine_shutdown();
	mk_report(MK_PART_HALTED, reason);
	stop_this_cpu(NULL);
}

static void mk_restart(char *cmd)
{
	mk_stop_here("restart requested");
}

static void mk_halt(void)
{
	mk_stop_here("halted");
}

static void mk_power_off(void)
{
	mk_stop_here("powered off");
}

static void mk_emergency_restart(void)
{
	mk_report(MK_PART_HALTED, "emergency restart requested");
	stop_this_cpu(NULL);
}

/*
 * Lets the kernel know it can power off (else reboot(POWER_OFF) becomes a
 * halt); machine_ops.power_off is what then runs.
 */
static int mk_sys_off(struct sys_off_data *data)
{
	mk_power_off();
	return NOTIFY_DONE;
}

/* Called early by multikernel_partition_setup(). */
void __init mk_partition_machine_ops(void)
{
	machine_ops.restart = mk_restart;
	machine_ops.halt = mk_halt;
	machine_ops.power_off = mk_power_off;
	machine_ops.emergency_restart = mk_emergency_restart;
}

/* Just before init runs: from here on the host sees us running. */
static int __init mk_status_init(void)
{
	if (!multikernel_is_partition())
		return 0;

	mk_status = memremap(mk_boot.status_pa, PAGE_SIZE, MEMREMAP_WB);
	if (!mk_status) {
		pr_err("cannot map the status page\n");
		return -ENOMEM;
	}
	atomic_notifier_chain_register(&panic_notifier_list, &mk_panic_nb);
	register_sys_off_handler(SYS_OFF_MODE_POWER_OFF, SYS_OFF_PRIO_PLATFORM,
				 mk_sys_off, NULL);

	WRITE_ONCE(mk_status->init_tsc, cpu_to_le64(rdtsc()));
	mk_status->version = cpu_to_le32(MK_STATUS_VERSION);
	/* The magic last: the host ignores the page until it is set. */
	smp_wmb();
	WRITE_ONCE(mk_status->magic, cpu_to_le32(MK_STATUS_MAGIC));
	mk_heartbeat(NULL);
	mk_report(MK_PART_RUNNING, NULL);
	pr_info("partition %u running on %u CPUs, %lu MiB\n", mk_boot.id,
		num_online_cpus(), totalram_pages() >> (20 - PAGE_SHIFT));
	return 0;
}
late_initcall_sync(mk_status_init);

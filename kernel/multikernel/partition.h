/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Partitions: shared inside kernel/multikernel/.
 *
 *   partition_state.c  the partitions, their states, the notifier chain
 *   partition_ops.c    create, load, start, stop, destroy
 *   partition_cpus.c   taking CPUs from the host and giving them back
 *   partition_watch.c  the status page of each live partition
 *   partition_sysfs.c  /sys/kernel/multikernel/partitions/
 *   partition_settings.c  settings other subsystems keep per partition
 *   partition_dev.c    /dev/multikernel and the initcall
 *   partition_mem.c    the memory pool and the slots below 1 MiB
 */
#ifndef _KERNEL_MULTIKERNEL_PARTITION_H
#define _KERNEL_MULTIKERNEL_PARTITION_H

#include <linux/cpumask.h>
#include <linux/idr.h>
#include <linux/kobject.h>
#include <linux/multikernel.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <asm/multikernel.h>

#define MK_MEM_ALIGN		SZ_2M
/* Slots below 1 MiB, one per partition: at most this many at once. */
#define MK_LOW_SLOTS		4
#define MK_LOW_SLOT_SIZE	SZ_64K
/* The slots, then the page where the host parks CPUs it took back. */
#define MK_LOW_AREA_SIZE	(MK_LOW_SLOTS * MK_LOW_SLOT_SIZE + PAGE_SIZE)

/*
 *   created  --load-->  loaded  --start-->  starting  --init runs-->  running
 *   then  --stop, or it powers itself off-->  stopped  --load-->  loaded
 *   starting or running  --panic, no heartbeat-->  crashed  --stop-->  stopped
 *   created, loaded, stopped or crashed  --destroy-->  gone
 */
enum mk_state {
	MK_CREATED,
	MK_LOADED,
	MK_STARTING,
	MK_RUNNING,
	MK_STOPPED,
	MK_CRASHED,
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
 * @settings: its values of the registered settings; changed under mk_lock
 *	and @lock, while it is not live
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
	char *settings[MK_MAX_SETTINGS];
};

#define to_partition(k) container_of(k, struct mk_partition, kobj)

/* partition_state.c: mk_lock serialises partition control. */
extern struct mutex mk_lock;
extern struct idr mk_partitions;
extern const char * const mk_state_names[];

struct mk_partition *mk_find(u32 id);
bool mk_is_live(const struct mk_partition *p);
void mk_set_state(struct mk_partition *p, enum mk_state state,
		  const char *reason);
void mk_notify(struct mk_partition *p, enum mk_partition_event event);
void mk_remove(struct mk_partition *p);

/* partition_ops.c */
int mk_create(struct mk_create *args, u32 __user *uid);
int mk_load(struct mk_load *args);
int mk_start(struct mk_op *args);
int mk_stop(struct mk_op *args);
int mk_destroy(struct mk_op *args);

/* partition_cpus.c */
int mk_cpus_init(void);
void mk_cpus_exit(void);
bool mk_cpus_claimed(const struct cpumask *cpus);
bool mk_cpus_have_pinned_tasks(const struct cpumask *cpus);
int mk_take_cpus(struct mk_partition *p);
void mk_give_cpus_back(struct mk_partition *p);
void mk_reset_cpus(struct mk_partition *p);

/* partition_watch.c */
struct mk_status *mk_status_of(struct mk_partition *p);
void mk_watch_one(struct mk_partition *p);
void mk_watch_start(void);

/* partition_sysfs.c */
extern const struct kobj_type mk_part_ktype;
int mk_sysfs_init(void);
void mk_sysfs_exit(void);
int mk_sysfs_add(struct mk_partition *p);

/* partition_settings.c */
int mk_settings_alloc(struct mk_partition *p);
int mk_settings_add_files(struct mk_partition *p);
void mk_settings_forget(struct mk_partition *p);
void mk_settings_free(struct mk_partition *p);

/* partition_mem.c */
int mk_mem_alloc(struct mk_part_layout *layout, phys_addr_t size);
void mk_mem_free(const struct mk_part_layout *layout);
phys_addr_t mk_mem_park_page(void);
void mk_mem_pool_info(phys_addr_t *base, phys_addr_t *total,
		      phys_addr_t *avail);

#endif /* _KERNEL_MULTIKERNEL_PARTITION_H */

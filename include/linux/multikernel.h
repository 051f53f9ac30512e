/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multikernel: several Linux kernels side by side on one machine.
 */
#ifndef _LINUX_MULTIKERNEL_H
#define _LINUX_MULTIKERNEL_H

#include <linux/types.h>
#include <uapi/linux/multikernel.h>

struct cpumask;
struct kobject;
struct notifier_block;

/* Events of the multikernel partition notifier chain */
enum mk_partition_event {
	MK_PARTITION_STARTING,	/* about to start: lay out shared memory */
	MK_PARTITION_GONE,	/* stopped or crashed: forget it */
};

/* Settings of one partition, at most, and the length of a value. */
#define MK_MAX_SETTINGS		8
#define MK_SETTING_MAX		1024

/**
 * struct mk_partition_info - a partition, for the notifier chain
 * @id: its id
 * @cpus: its CPUs
 * @mem_base: its memory ...
 * @mem_size: ... and size
 * @ikc_pa: its IKC shared area, inside its memory ...
 * @ikc_size: ... and size
 * @settings: its values of the registered settings (read them with
 *	multikernel_setting())
 */
struct mk_partition_info {
	u32 id;
	const struct cpumask *cpus;
	phys_addr_t mem_base;
	phys_addr_t mem_size;
	phys_addr_t ikc_pa;
	size_t ikc_size;
	char * const *settings;
};

/**
 * struct mk_setting - a per-partition setting kept for another subsystem
 * @name: its file in /sys/kernel/multikernel/partitions/<id>/
 * @check: checks a value written to partition @id's file (text from
 *	user space, without its final newline) while the partition is not
 *	live, under the lock that serialises partition control; returns 0
 *	or -errno.  May be NULL.
 * @init: writes the value a new partition starts with into a buffer of
 *	MK_SETTING_MAX bytes, already holding ""; may be NULL
 * @apply: a value @check accepted was stored, under the same lock; called
 *	with "" too when the partition is destroyed.  For a subsystem whose
 *	objects live as long as the value (a network link's host interface);
 *	may be NULL.
 *
 * A value is a string that changes only while its partition is not live
 * (neither starting nor running), so that a subsystem reads it once, when
 * told that the partition starts.
 */
struct mk_setting {
	const char *name;
	int (*check)(u32 id, const char *value);
	void (*init)(char *buf);
	void (*apply)(u32 id, const char *value);
};

#ifdef CONFIG_MULTIKERNEL_PARTITION
int multikernel_register_notifier(struct notifier_block *nb);
int multikernel_register_setting(const struct mk_setting *s);
const char *multikernel_setting(const struct mk_partition_info *info,
				const struct mk_setting *s);
int multikernel_setting_for_each(const struct mk_setting *s,
				 int (*fn)(u32 id, const char *value, void *arg),
				 void *arg);
#endif

struct pt_regs;
struct task_struct;

/* Hooks of system call delegation in the entry code, fork, exit and exec. */
#ifdef CONFIG_MULTIKERNEL_SYSCALL_DELEGATION
bool mk_deleg_syscall(struct pt_regs *regs, long nr);
void mk_deleg_fork(struct task_struct *p, u64 clone_flags);
void mk_deleg_exit(struct task_struct *tsk, bool group_dead, long code);
unsigned long mk_deleg_stack_top(unsigned long stack_top);
#else
static inline bool mk_deleg_syscall(struct pt_regs *regs, long nr)
{
	return false;
}

static inline void mk_deleg_fork(struct task_struct *p, u64 clone_flags) { }
static inline void mk_deleg_exit(struct task_struct *tsk, bool group_dead,
				 long code) { }
static inline unsigned long mk_deleg_stack_top(unsigned long stack_top)
{
	return stack_top;
}
#endif

/*
 * Seccomp tells exception-less system calls that a thread's mode or
 * filters changed: their syscall threads check again that the threads of
 * the process share them.  Procfs asks whether a task is a syscall
 * thread, which has no /proc/thread-self of its own.
 */
#ifdef CONFIG_EXCEPTIONLESS_SYSCALL
void xsc_seccomp_changed(void);
bool xsc_is_syscall_thread(struct task_struct *tsk);
#else
static inline void xsc_seccomp_changed(void) { }
static inline bool xsc_is_syscall_thread(struct task_struct *tsk)
{
	return false;
}
#endif

#ifdef CONFIG_MULTIKERNEL
/*
 * /sys/kernel/multikernel/, set up at subsys_initcall time; the parts of
 * the series add their own directories below it.
 */
extern struct kobject *multikernel_kobj;
#endif

#endif /* _LINUX_MULTIKERNEL_H */

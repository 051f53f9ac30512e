/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System call delegation, partition side: the programs this kernel runs
 * for its host.
 */
#ifndef _KERNEL_MULTIKERNEL_DELEG_PART_H
#define _KERNEL_MULTIKERNEL_DELEG_PART_H

#include <linux/kref.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "deleg.h"

/**
 * struct mk_deleg_pchan - a delegation channel to the host
 * @idev: its IKC device
 * @buf: receive buffer of the rx callback
 *
 * A program is launched on the first channel, which carries what concerns
 * the whole program; each of its threads uses the channel its id picks,
 * so that the host handles the threads' requests on several CPUs.
 */
struct mk_deleg_pchan {
	struct ikc_device *idev;
	u8 buf[IKC_MSG_MAX];
};

/**
 * struct mk_deleg_psess - one program run for the host
 * @ref: held by the channel's table, the program's tasks and the launch
 * @id: the host's session id
 * @chan: the channel it was launched on
 * @launch: what the host asked for
 * @launch_work: starts the program
 * @mnt: the private tmpfs the program's image is written to
 * @pid: the program's process, once started
 * @threads: its threads that made calls (struct mk_deleg_pthread), by tid
 * @wq: woken by FETCH_DONE and ZAP_DONE
 * @fetched: FETCH_DONE came, with @fetch_value
 * @fetch_value: bytes the host wrote, or a negative errno
 * @zap_lock: orders page answers against zaps of the proxy's mappings
 * @zap_done: ZAP_DONE came
 * @zaps_sent: ZAPs sent, told with each page answer
 * @notifier: watches the program's range of its mm
 * @watch_lock: serialises inserting @notifier
 * @watching: @notifier is inserted
 * @mapped_lo: lowest address the host may map ...
 * @mapped_hi: ... and end of that range; zaps outside it are skipped
 * @host_gone: the host ended the session or stopped answering
 * @ended: the program's last thread is exiting
 */
struct mk_deleg_psess {
	struct kref ref;
	u32 id;
	struct mk_deleg_pchan *chan;
	struct mk_deleg_launch launch;
	struct work_struct launch_work;
	struct vfsmount *mnt;
	struct pid *pid;
	struct xarray threads;
	wait_queue_head_t wq;
	bool fetched;
	int fetch_value;
	struct mutex zap_lock;		/* page answers against zaps */
	bool zap_done;
	u32 zaps_sent;
	struct mmu_interval_notifier notifier;
	struct mutex watch_lock;	/* inserting the notifier */
	bool watching;
	unsigned long mapped_lo;
	unsigned long mapped_hi;
	bool host_gone;
	bool ended;
};

/**
 * struct mk_deleg_pthread - a thread of a delegated program
 * @sess: its program
 * @chan: the channel of its calls
 * @tid: its id
 * @seq: its call counter
 * @wq: woken by answers from the host
 * @in_call: it waits for @seq's answer (the next fields are for it)
 * @returned: RETURN came with @ret and @signal
 * @ret: the call's result
 * @signal: a signal the call raised, or 0
 * @page_pending: the proxy faulted at @page_va
 * @page_va: the address
 * @page_flags: MK_DELEG_PAGE_*
 * @copy_buf: the buffer of its copy-based calls, or NULL
 * @copy_order: its size, as an allocation order
 * @premap_msg: a PREMAP message being made, or NULL
 * @premap_pages: the pages it names, while it is made
 *
 * The answer fields are written under the xa_lock of @sess->threads.
 */
struct mk_deleg_pthread {
	struct mk_deleg_psess *sess;
	struct mk_deleg_pchan *chan;
	pid_t tid;
	u32 seq;
	wait_queue_head_t wq;
	bool in_call;
	bool returned;
	long ret;
	u32 signal;
	bool page_pending;
	unsigned long page_va;
	u32 page_flags;
	struct page *copy_buf;
	unsigned int copy_order;
	struct mk_deleg_premap *premap_msg;
	struct page **premap_pages;
};

void mk_deleg_psess_put(struct mk_deleg_psess *s);
int mk_deleg_psend(struct mk_deleg_psess *s, u16 type, const void *data,
		   size_t len);
int mk_deleg_tsend(struct mk_deleg_pthread *t, u16 type, const void *data,
		   size_t len);
struct mk_deleg_pchan *mk_deleg_thread_chan(struct mk_deleg_psess *s,
					    pid_t tid);
void mk_deleg_answer_page(struct mk_deleg_psess *s, struct mk_deleg_pchan *c,
			  pid_t tid, u64 va, u32 status, phys_addr_t pa,
			  u32 flags);
int mk_deleg_mark_program(struct mk_deleg_psess *s);
struct mk_deleg_pthread *mk_deleg_thread(struct mk_deleg_psess *s);
long mk_deleg_remote(struct mk_deleg_psess *s, unsigned long nr,
		     const unsigned long *args, u32 flags);
long mk_deleg_copy_call(struct mk_deleg_psess *s, unsigned long nr,
			const unsigned long *args);
void mk_deleg_copy_free(struct mk_deleg_pthread *t);
void mk_deleg_premap_send(struct mk_deleg_psess *s, struct mk_deleg_pthread *t,
			  unsigned long nr, const unsigned long *args);
void mk_deleg_premap_free(struct mk_deleg_pthread *t);
struct mk_deleg_psess *mk_deleg_psess_any(void);
extern const struct attribute_group *mk_deleg_fuzz_groups[];

#endif /* _KERNEL_MULTIKERNEL_DELEG_PART_H */

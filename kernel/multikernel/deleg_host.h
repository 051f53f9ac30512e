/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System call delegation, host side: sessions of launched programs and
 * the proxies that serve them.
 */
#ifndef _KERNEL_MULTIKERNEL_DELEG_HOST_H
#define _KERNEL_MULTIKERNEL_DELEG_HOST_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seccomp.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "deleg.h"

/* Delegation channels of one partition, at most. */
#define MK_DELEG_MAX_CHANNELS	4

/* Threads of one program the host serves, at most. */
#define MK_DELEG_MAX_THREADS	1024

/**
 * struct mk_deleg_hchan - a partition's delegation channel
 * @node: in the list of channels
 * @idev: its IKC device
 * @partition: the partition's id
 * @up: the partition's kernel answers
 * @buf: receive buffer of the rx callback
 */
struct mk_deleg_hchan {
	struct list_head node;
	struct ikc_device *idev;
	int partition;
	bool up;
	u8 buf[IKC_MSG_MAX];
};

/**
 * struct mk_deleg_hsess - one launched program
 * @ref: held by the channel's table, the session file and waiters
 * @id: its id, the tag of its messages
 * @partition: the partition it runs on
 * @chan: the channel it was launched on; NULL once the partition is gone
 * @idev: the channel's device, valid while @chan is
 * @va_start: the range the launcher keeps for the program ...
 * @va_end: ... and its end
 * @flags: MK_DELEG_LAUNCH_*
 * @strings: argv and envp, sent first by FETCH answers
 * @strings_len: their bytes
 * @image: the program's file, sent next
 * @image_len: its bytes
 * @cursor: bytes of both sent so far
 * @lock: protects what follows, and the proxies' state
 * @wq: woken on every change of the session's state
 * @started: STARTED came, with @start_err and @pid
 * @start_err: 0 or a negative errno
 * @pid: the program's pid on the partition
 * @exited: EXIT came, with @status
 * @status: the program's wait(2) status
 * @lost: the partition stopped, crashed or stopped answering
 * @proxies: struct mk_deleg_proxy of the program's threads, by tid
 * @nr_proxies: how many, at most MK_DELEG_MAX_THREADS
 * @file: the session file whose mapping is the proxy's view
 * @map_lock: orders installing a page against zapping the view
 * @zap_seq: ZAPs handled, for installs to see they raced one (an answer
 *	says how many the partition had sent)
 */
struct mk_deleg_hsess {
	struct kref ref;
	u32 id;
	int partition;
	struct mk_deleg_hchan *chan;
	struct ikc_device *idev;
	unsigned long va_start;
	unsigned long va_end;
	u32 flags;
	char *strings;
	u32 strings_len;
	struct file *image;
	u32 image_len;
	u64 cursor;
	spinlock_t lock;		/* session and proxy state */
	wait_queue_head_t wq;
	bool started;
	int start_err;
	pid_t pid;
	bool exited;
	int status;
	bool lost;
	struct xarray proxies;
	atomic_t nr_proxies;
	struct file *file;
	struct mutex map_lock;		/* installs against zaps */
	u64 zap_seq;
};

/**
 * struct mk_deleg_proxy - the host end of one program thread
 * @tid: the thread's id on the partition
 * @idev: the channel its requests come on (the partition's choice)
 * @server: the launcher thread in MKEXEC_IOC_SERVE for it, or NULL
 * @announced: MKEXEC_IOC_EVENT reported it
 * @ended: the thread exited
 * @call_pending: @call waits for @server
 * @call: the request
 * @in_call: @server runs call @cur_seq
 * @cur_seq: the call being run
 * @cancel_seq: a CANCEL came for this call before it ran
 * @page_va: the address of the server's page request, or 1 when none
 * @page_done: an answer to it came, in @page
 * @page: the answer
 * @seccomp: the server's cached seccomp state
 * @premap_pa: MK_DELEG_PREMAP_MAX pages sent for the next call (sessions
 *	launched with MK_DELEG_LAUNCH_PREMAP), or NULL
 * @premap_seq: the call they are for
 * @premap_va: the first one's address
 * @premap_nr: how many
 * @premap_flags: MK_DELEG_PAGE_WRITABLE or 0, for all
 * @premap_zaps: as in struct mk_deleg_page_done, for all
 *
 * All but @seccomp change under the session's lock; the premap fields
 * only while no call is pending or running, so the server reads them
 * without it.
 */
struct mk_deleg_proxy {
	pid_t tid;
	struct ikc_device *idev;
	struct task_struct *server;
	bool announced;
	bool ended;
	bool call_pending;
	struct mk_deleg_call call;
	bool in_call;
	u32 cur_seq;
	u32 cancel_seq;
	unsigned long page_va;
	bool page_done;
	struct mk_deleg_page_done page;
	struct seccomp_delegate seccomp;
	__le64 *premap_pa;
	u32 premap_seq;
	unsigned long premap_va;
	u32 premap_nr;
	u32 premap_flags;
	u32 premap_zaps;
};

void mk_deleg_hsess_put(struct mk_deleg_hsess *s);
int mk_deleg_hsend(struct mk_deleg_hsess *s, u16 type, const void *data,
		   size_t len);
int mk_deleg_hsend_on(struct mk_deleg_hsess *s, struct ikc_device *idev,
		      u16 type, const void *data, size_t len);
struct mk_deleg_hsess *mk_deleg_launch_session(int partition,
					       struct file *image, u32 image_len,
					       char *strings, u32 strings_len,
					       u32 argc, u32 envc,
					       unsigned long va_start,
					       unsigned long va_end, u32 flags);
void mk_deleg_end_session(struct mk_deleg_hsess *s);
bool mk_deleg_phys_ok(struct mk_deleg_hsess *s, phys_addr_t pa);

long mk_deleg_serve(struct mk_deleg_hsess *s, void __user *uarg);
struct mk_deleg_proxy *mk_deleg_proxy_of_current(struct mk_deleg_hsess *s);
long mk_deleg_copy_serve(struct mk_deleg_proxy *p, unsigned int nr,
			 const unsigned long *args);
void mk_deleg_premap_store(struct mk_deleg_hsess *s, const void *buf,
			   u32 len);
bool mk_deleg_premap_install(struct vm_fault *vmf, struct mk_deleg_hsess *s,
			     struct mk_deleg_proxy *p, bool write);

#endif /* _KERNEL_MULTIKERNEL_DELEG_HOST_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System call delegation between a host and a partition kernel: the
 * messages of the IKC "deleg" service (IKC_SVC_DELEG).  The host offers
 * the channel and serves; the partition runs the programs.
 *
 * Every message's IKC tag is the session, a host-chosen id of one launched
 * program.  Fields are little endian; a receiver checks the length and
 * every value, as it checks anything another kernel writes.
 *
 * Host to partition:  LAUNCH, FETCH_DONE, RETURN, PAGE, ZAP_DONE, SIGNAL,
 *                     END
 * Partition to host:  FETCH, STARTED, CALL, PAGE_DONE, ZAP, CANCEL,
 *                     THREAD, THREAD_EXIT, EXIT, PREMAP
 *
 * See Documentation/admin-guide/multikernel/syscall-delegation.rst.
 */
#ifndef _LINUX_MULTIKERNEL_DELEG_H
#define _LINUX_MULTIKERNEL_DELEG_H

#include <linux/bits.h>
#include <linux/types.h>

/* In every LAUNCH; a partition refuses another version with EPROTO. */
#define MK_DELEG_VERSION	1

enum mk_deleg_msg_type {
	MK_DELEG_LAUNCH = 1,	/* struct mk_deleg_launch */
	MK_DELEG_FETCH,		/* page refs: fill them with the next bytes */
	MK_DELEG_FETCH_DONE,	/* struct mk_deleg_status: bytes written */
	MK_DELEG_STARTED,	/* struct mk_deleg_status: the pid, or errno */
	MK_DELEG_CALL,		/* struct mk_deleg_call */
	MK_DELEG_RETURN,	/* struct mk_deleg_return */
	MK_DELEG_PAGE,		/* struct mk_deleg_page: the proxy faulted */
	MK_DELEG_PAGE_DONE,	/* struct mk_deleg_page_done */
	MK_DELEG_ZAP,		/* struct mk_deleg_zap: unmap from the proxy */
	MK_DELEG_ZAP_DONE,	/* no payload */
	MK_DELEG_CANCEL,	/* struct mk_deleg_cancel: interrupt a call */
	MK_DELEG_THREAD,	/* struct mk_deleg_thread: a new thread calls */
	MK_DELEG_THREAD_EXIT,	/* struct mk_deleg_thread: it ended */
	MK_DELEG_EXIT,		/* struct mk_deleg_status: wait(2) status */
	MK_DELEG_SIGNAL,	/* struct mk_deleg_status: signal to send */
	MK_DELEG_END,		/* no payload: the launcher is gone, kill */
	MK_DELEG_PREMAP,	/* struct mk_deleg_premap: before a CALL */
};

/* Fetched bytes come in batches of at most this many pages. */
#define MK_DELEG_FETCH_PAGES	32

/* struct mk_deleg_launch.flags */
#define MK_DELEG_LAUNCH_COPY	BIT(0)	/* copy-based read and write */
#define MK_DELEG_LAUNCH_PREMAP	BIT(1)	/* buffers' pages sent with calls */

/* The buffer of a copy-based call (MK_DELEG_CALL_COPY), at most. */
#define MK_DELEG_COPY_MAX	(1024 * 1024)

/**
 * struct mk_deleg_launch - start a program
 * @version: MK_DELEG_VERSION
 * @flags: MK_DELEG_LAUNCH_*
 * @strings_len: bytes of argv then envp strings, each NUL-ended, fetched
 *	first
 * @image_len: bytes of the program's ELF image, fetched next
 * @argc: argument strings
 * @envc: environment strings
 * @uid: the launching user's id, the program's on the partition
 * @gid: its group
 * @va_start: lowest address the proxy keeps free for the program
 * @va_end: end of that range
 */
struct mk_deleg_launch {
	__le32 version;
	__le32 flags;
	__le32 strings_len;
	__le32 image_len;
	__le32 argc;
	__le32 envc;
	__le32 uid;
	__le32 gid;
	__le64 va_start;
	__le64 va_end;
};

/**
 * struct mk_deleg_status - a result, a status or a signal
 * @value: 0 or a positive errno (FETCH_DONE, STARTED), a wait(2) status
 *	(EXIT), or a signal number (SIGNAL)
 * @arg: FETCH_DONE: the bytes written; STARTED: the program's pid on the
 *	partition; else zero
 */
struct mk_deleg_status {
	__le32 value;
	__le32 arg;
};

/*
 * struct mk_deleg_call.flags: read, write, pread64 or pwrite64 whose
 * buffer is not the program's but @args[1], the physical address of
 * @args[2] bytes (page aligned, at most MK_DELEG_COPY_MAX) of the
 * partition kernel's memory, which the host reads or fills.
 */
#define MK_DELEG_CALL_COPY	BIT(0)

/**
 * struct mk_deleg_call - a delegated system call
 * @tid: the calling thread, by its id on the partition
 * @seq: the thread's call counter, echoed in the answers
 * @nr: the x86_64 system call number
 * @flags: MK_DELEG_CALL_*
 * @args: its arguments, as the program passed them
 */
struct mk_deleg_call {
	__le32 tid;
	__le32 seq;
	__le32 nr;
	__le32 flags;
	__le64 args[6];
};

/**
 * struct mk_deleg_return - the result of a call
 * @tid: the calling thread
 * @seq: the call's
 * @ret: the system call's return value, restart codes included
 * @signal: a signal the call raised for its caller (SIGPIPE), or 0
 * @reserved: zero
 */
struct mk_deleg_return {
	__le32 tid;
	__le32 seq;
	__le64 ret;
	__le32 signal;
	__le32 reserved;
};

/* struct mk_deleg_page.flags */
#define MK_DELEG_PAGE_WRITE	BIT(0)		/* the proxy writes */

/**
 * struct mk_deleg_page - the proxy of @tid touched an address
 * @tid: the thread whose call touched it
 * @flags: MK_DELEG_PAGE_*
 * @va: the page's address
 */
struct mk_deleg_page {
	__le32 tid;
	__le32 flags;
	__le64 va;
};

/* struct mk_deleg_page_done.flags */
#define MK_DELEG_PAGE_WRITABLE	BIT(0)	/* the proxy may write it */

/**
 * struct mk_deleg_page_done - the page behind an address
 * @tid: as in the request
 * @status: 0, or a positive errno (EFAULT: nothing the program could
 *	use there)
 * @pa: the page's physical address, in the partition's memory
 * @va: the address, as in the request: an answer to another one (late,
 *	after the host gave up on it) is dropped
 * @flags: MK_DELEG_PAGE_WRITABLE
 * @zaps: ZAPs the partition had sent when it looked the page up (modulo
 *	2^32); the host maps it only if it has handled as many, so that an
 *	answer overtaken by a later ZAP on another channel is not mapped
 */
struct mk_deleg_page_done {
	__le32 tid;
	__le32 status;
	__le64 pa;
	__le64 va;
	__le32 flags;
	__le32 zaps;
};

/**
 * struct mk_deleg_zap - pages the proxy must no longer map
 * @start: first address
 * @end: end of the range
 */
struct mk_deleg_zap {
	__le64 start;
	__le64 end;
};

/**
 * struct mk_deleg_cancel - interrupt a call, a signal came
 * @tid: the calling thread
 * @seq: the call's
 */
struct mk_deleg_cancel {
	__le32 tid;
	__le32 seq;
};

/**
 * struct mk_deleg_thread - a thread of the program
 * @tid: its id on the partition
 * @reserved: zero
 */
struct mk_deleg_thread {
	__le32 tid;
	__le32 reserved;
};

/* Pages of one PREMAP message, and of all those before one CALL, at most. */
#define MK_DELEG_PREMAP_BATCH	256
#define MK_DELEG_PREMAP_MAX	4096

/**
 * struct mk_deleg_premap - pages of the buffer of a thread's next call
 * @tid: the thread
 * @seq: the call's, which follows on the same channel
 * @va: the first page's address; the pages follow each other, and
 *	another PREMAP for the same call goes on where this one ends
 * @nr: pages, at most MK_DELEG_PREMAP_BATCH, in @pa
 * @flags: MK_DELEG_PAGE_WRITABLE: the proxy may write them
 * @zaps: as in struct mk_deleg_page_done
 * @reserved: zero
 * @pa: each page's physical address, in the partition's memory
 *
 * Sent for read, write, pread64 and pwrite64 by a program launched with
 * MK_DELEG_LAUNCH_PREMAP, so that the proxy maps the buffer at its first
 * touch of it instead of asking for each page.
 */
struct mk_deleg_premap {
	__le32 tid;
	__le32 seq;
	__le64 va;
	__le32 nr;
	__le32 flags;
	__le32 zaps;
	__le32 reserved;
	__le64 pa[];
};

#endif /* _LINUX_MULTIKERNEL_DELEG_H */

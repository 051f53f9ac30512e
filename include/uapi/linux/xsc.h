/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Exception-less system calls.
 *
 * A process registers with xsc_setup() and maps the returned file: one
 * header page followed by pages of struct xsc_entry.  It fills an entry and
 * sets its status to XSC_ENTRY_SUBMITTED; one of the process's syscall
 * threads (kernel threads of the same process, polling the pages) runs the
 * call and sets the status to XSC_ENTRY_DONE.  No trap is needed unless the
 * pool sleeps (XSC_HDR_NEED_WAKEUP), which xsc_enter() wakes.  When the
 * pool stops (XSC_HDR_DEAD), calls in progress complete, interrupted if
 * they sleep, and entries still XSC_ENTRY_SUBMITTED are never run.
 *
 * See Documentation/userspace-api/exceptionless-syscalls.rst.
 */
#ifndef _UAPI_LINUX_XSC_H
#define _UAPI_LINUX_XSC_H

#include <linux/types.h>

/* struct xsc_params.policy: what an idle syscall thread does */
#define XSC_POLICY_IDLE		0	/* poll for idle_us, then sleep */
#define XSC_POLICY_BUSY		1	/* poll, never sleep */
#define XSC_POLICY_WAKEUP	2	/* sleep at once; every batch needs a wake-up */

/* struct xsc_params.flags */
#define XSC_SETUP_IOPOLL	(1U << 0)	/* poll block devices for completion */

/* struct xsc_params.features, set by the kernel */
#define XSC_FEAT_SECCOMP	(1U << 0)	/* seccomp filters apply to entries */
#define XSC_FEAT_IOPOLL		(1U << 1)	/* XSC_SETUP_IOPOLL is supported */
#define XSC_FEAT_HANDOFF	(1U << 2)	/* a blocked thread hands over */

#define XSC_MAX_ENTRIES		4096
#define XSC_MAX_THREADS		64
#define XSC_DEFAULT_ENTRIES	64
#define XSC_DEFAULT_IDLE_US	1000
#define XSC_MAX_IDLE_US		10000000

/**
 * struct xsc_params - argument of xsc_setup()
 * @flags: XSC_SETUP_* flags
 * @nr_entries: entries wanted, 0 for XSC_DEFAULT_ENTRIES; rounded up to
 *	fill whole pages.  Set to the number of entries on return.
 * @nr_threads: syscall threads, 0 for one per CPU of the CPU set.  Set to
 *	the number started on return.
 * @policy: XSC_POLICY_*
 * @idle_us: for XSC_POLICY_IDLE, microseconds of polling without work
 *	before a thread sleeps; 0 for XSC_DEFAULT_IDLE_US
 * @cpus_size: bytes at @cpus, 0 to use the caller's CPU affinity
 * @cpus: user address of a CPU bitmap (as for sched_setaffinity()); the
 *	syscall threads run only on these CPUs
 * @mmap_size: set on return: bytes to mmap() at offset 0 of the file
 * @features: set on return: XSC_FEAT_* flags
 * @resv32: must be zero
 * @resv: must be zero
 *
 * The structure is extensible: xsc_setup() takes its size, accepts a
 * shorter (older) one and a longer one whose extra bytes are zero.
 */
struct xsc_params {
	__u32 flags;
	__u32 nr_entries;
	__u32 nr_threads;
	__u32 policy;
	__u32 idle_us;
	__u32 cpus_size;
	__u64 cpus;
	__u64 mmap_size;
	__u32 features;
	__u32 resv32;
	__u64 resv[4];
};

#define XSC_PARAMS_SIZE_VER0	80

/* struct xsc_header.magic */
#define XSC_MAGIC		0x5853430a

/* struct xsc_header.flags, set by the kernel */
#define XSC_HDR_NEED_WAKEUP	(1U << 0)	/* call xsc_enter(XSC_ENTER_WAKEUP) */
#define XSC_HDR_DEAD		(1U << 1)	/* the pool has stopped */

/**
 * struct xsc_header - first page of the mapping
 * @magic: XSC_MAGIC
 * @flags: XSC_HDR_* flags, written by the kernel; after publishing
 *	entries, issue a full memory barrier, then read them
 * @nr_entries: number of entries
 * @entry_size: sizeof(struct xsc_entry)
 * @entries_offset: offset of the first entry from the start of the mapping
 * @resv0: reserved
 * @completed: count of completed entries (wraps), for XSC_ENTER_WAIT; on a
 *	cache line of its own
 * @resv1: reserved
 */
struct xsc_header {
	__u32 magic;
	__u32 flags;
	__u32 nr_entries;
	__u32 entry_size;
	__u64 entries_offset;
	__u64 resv0[5];
	__u32 completed;
	__u32 resv1[15];
};

/* struct xsc_entry.status */
#define XSC_ENTRY_FREE		0	/* owned by user space */
#define XSC_ENTRY_SUBMITTED	1	/* published by user space */
#define XSC_ENTRY_BUSY		2	/* taken by a syscall thread */
#define XSC_ENTRY_DONE		3	/* @ret is valid */

/**
 * struct xsc_entry - one system call slot; 128 bytes, 128-byte aligned
 * @status: XSC_ENTRY_*.  User space writes the other fields, then stores
 *	XSC_ENTRY_SUBMITTED with release ordering; the kernel stores
 *	XSC_ENTRY_DONE with release ordering after @ret, so a reader that
 *	loads DONE with acquire ordering sees the result and every effect of
 *	the call.  User space sets XSC_ENTRY_FREE to reuse the slot.
 * @nr: x86_64 system call number
 * @args: the six arguments
 * @ret: return value, or a negative errno
 * @cookie: for user space; the kernel never reads or writes it
 * @pad: for user space; the kernel never reads or writes it
 *
 * An entry fills two cache lines, which adjacent-line prefetchers fetch as
 * a pair, so threads using neighbouring entries do not share lines.
 */
struct xsc_entry {
	__u32 status;
	__u32 nr;
	__u64 args[6];
	__s64 ret;
	__u64 cookie;
	__u64 pad[7];
};

/* xsc_enter() flags */
#define XSC_ENTER_WAKEUP	(1U << 0)	/* wake sleeping syscall threads */
#define XSC_ENTER_WAIT		(1U << 1)	/* wait for header.completed */

#endif /* _UAPI_LINUX_XSC_H */

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * System call delegation: run a static program on a multikernel partition
 * with its file, path, pipe and socket calls served by the host, in the
 * process that launched it (its proxy).
 *
 * The launcher opens /dev/mkexec and starts the program with
 * MKEXEC_IOC_LAUNCH, naming the range of addresses the program may use:
 * one the launcher leaves free.  It gets a session file, maps it over that
 * range (MAP_SHARED | MAP_FIXED, offset equal to the start address), and
 * serves the program's threads: one thread of its own per program thread,
 * each in MKEXEC_IOC_SERVE, where the kernel runs the delegated calls as
 * that thread's own system calls.  A pointer argument is the program's
 * address; touching it maps the program's page at the same address.
 * MKEXEC_IOC_EVENT reports each program thread (the first one too) before
 * its first delegated call, and the program's end;
 * MKEXEC_IOC_KILL sends it a signal.  Closing the session kills it.
 *
 * See Documentation/admin-guide/multikernel/syscall-delegation.rst.
 */
#ifndef _UAPI_LINUX_MKEXEC_H
#define _UAPI_LINUX_MKEXEC_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MKEXEC_IOC_MAGIC	0xB9	/* shared with linux/multikernel.h */

/* Limits of MKEXEC_IOC_LAUNCH. */
#define MKEXEC_MAX_STRINGS	(256 * 1024)	/* argv and envp, with NULs */
#define MKEXEC_MAX_IMAGE	(256 * 1024 * 1024)

/*
 * struct mkexec_launch.flags: read(), write(), pread64() and pwrite64()
 * move their bytes through a buffer of the partition's kernel, copied on
 * both sides, instead of mapping the program's pages in the proxy.  For
 * comparison: the way delegation worked before same-address mapping.
 */
#define MKEXEC_LAUNCH_COPY	(1U << 0)
/*
 * The partition sends the pages of the buffer of each read(), write(),
 * pread64() and pwrite64() with the call, so that the proxy maps the
 * whole buffer at its first touch instead of asking for each page.
 */
#define MKEXEC_LAUNCH_PREMAP	(1U << 1)

/**
 * struct mkexec_launch - argument of MKEXEC_IOC_LAUNCH
 * @size: sizeof(struct mkexec_launch) as the caller knows it; a longer
 *	structure must have zeros past what the kernel knows
 * @flags: MKEXEC_LAUNCH_*, at most one
 * @partition: the partition's id
 * @image_fd: the program, a static x86_64 ELF executable, open for reading
 * @strings: user address of @argc argument strings followed by @envc
 *	environment strings, each ended by a NUL
 * @strings_len: bytes at @strings, at most MKEXEC_MAX_STRINGS
 * @argc: argument strings, at least 1
 * @envc: environment strings
 * @va_start: first address the program may use, page aligned
 * @va_end: end of its range, page aligned, at most 1 << 47
 * @pid: set on return: the program's process id on the partition
 * @session_fd: set on return: the session file, close-on-exec
 * @reserved: must be zero
 */
struct mkexec_launch {
	__u32 size;
	__u32 flags;
	__s32 partition;
	__s32 image_fd;
	__u64 strings;
	__u32 strings_len;
	__u32 argc;
	__u32 envc;
	__u32 pid;
	__u64 va_start;
	__u64 va_end;
	__s32 session_fd;
	__u32 reserved[7];
};

#define MKEXEC_LAUNCH_SIZE_VER0	88

/**
 * struct mkexec_serve - argument of MKEXEC_IOC_SERVE
 * @size: sizeof(struct mkexec_serve) as the caller knows it
 * @flags: must be zero
 * @tid: the program thread to serve, by its id on the partition; the
 *	program's first thread has the id MKEXEC_IOC_LAUNCH returned as
 *	its pid
 * @calls: set on return: calls served in this ioctl
 * @reserved: must be zero
 *
 * MKEXEC_IOC_SERVE returns 0 when the thread has ended, -EINTR when a
 * signal came for the calling thread (call it again to go on), -ENODEV
 * when the partition went away, -EBUSY when another thread serves @tid,
 * -ESRCH when the session knows no thread @tid.
 */
struct mkexec_serve {
	__u32 size;
	__u32 flags;
	__s32 tid;
	__u32 calls;
	__u64 reserved[2];
};

/* struct mkexec_event.type */
#define MKEXEC_EVENT_THREAD	1	/* a program thread to serve, @tid */
#define MKEXEC_EVENT_EXIT	2	/* the program ended with @status */
#define MKEXEC_EVENT_LOST	3	/* the partition stopped or crashed */

/**
 * struct mkexec_event - argument of MKEXEC_IOC_EVENT, filled on return
 * @size: sizeof(struct mkexec_event) as the caller knows it
 * @type: MKEXEC_EVENT_*
 * @tid: MKEXEC_EVENT_THREAD: the thread to serve
 * @status: MKEXEC_EVENT_EXIT: the status as wait(2) reports it
 * @reserved: set to zero
 *
 * Waits for the next event.  After MKEXEC_EVENT_EXIT or
 * MKEXEC_EVENT_LOST there are no more: every later call returns the same.
 */
struct mkexec_event {
	__u32 size;
	__u32 type;
	__s32 tid;
	__s32 status;
	__u64 reserved[2];
};

#define MKEXEC_IOC_LAUNCH	_IOWR(MKEXEC_IOC_MAGIC, 0x20, struct mkexec_launch)
#define MKEXEC_IOC_SERVE	_IOWR(MKEXEC_IOC_MAGIC, 0x21, struct mkexec_serve)
#define MKEXEC_IOC_EVENT	_IOWR(MKEXEC_IOC_MAGIC, 0x22, struct mkexec_event)
/* The argument is the signal's number; it goes to the program's process. */
#define MKEXEC_IOC_KILL		_IO(MKEXEC_IOC_MAGIC, 0x23)

#endif /* _UAPI_LINUX_MKEXEC_H */

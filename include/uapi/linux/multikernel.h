/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Multikernel: several Linux kernels side by side on one machine.
 *
 * User-visible constants shared by the kernel and its tools, and the
 * partition control interface of /dev/multikernel.
 */
#ifndef _UAPI_LINUX_MULTIKERNEL_H
#define _UAPI_LINUX_MULTIKERNEL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Version of the multikernel user interface, as read from
 * /sys/kernel/multikernel/version.  Raised when an interface changes in a
 * way a tool has to know about; additions that tools can probe for (a new
 * file, a new flag rejected with EINVAL by older kernels) do not raise it.
 */
#define MULTIKERNEL_API_VERSION		1

/*
 * Partition control: ioctls on /dev/multikernel.  Every argument is a
 * structure whose first member is its size in bytes, as the caller knows
 * it: a kernel accepts a smaller (older) structure, and a larger one as
 * long as the members it does not know are zero (else E2BIG).  Flags and
 * reserved members it does not know must be zero (else EINVAL).
 *
 * All of them need CAP_SYS_ADMIN; loading and starting a kernel also need
 * CAP_SYS_BOOT, as kexec does.
 */
#define MK_IOC_MAGIC			0xB9

/* Take CPUs even when tasks are pinned to them (they lose their pinning). */
#define MK_CREATE_FORCE			(1U << 0)
#define MK_CREATE_FLAGS			MK_CREATE_FORCE

/* No console: the partition is given none of the host's serial ports. */
#define MK_CONSOLE_NONE			(-1)

/**
 * struct mk_create - arguments of MK_IOC_CREATE
 * @size: sizeof(struct mk_create)
 * @flags: MK_CREATE_*
 * @mem_bytes: memory taken from the pool, a multiple of 2 MiB
 * @cpus_ptr: user pointer to a CPU bitmap, as for sched_setaffinity()
 * @cpus_size: its size in bytes, a multiple of 8
 * @console: 0-3 for the legacy serial port ttyS0-ttyS3, or MK_CONSOLE_NONE
 * @id: out: the new partition's id
 * @reserved: must be zero
 */
struct mk_create {
	__u32 size;
	__u32 flags;
	__u64 mem_bytes;
	__u64 cpus_ptr;
	__u32 cpus_size;
	__s32 console;
	__u32 id;
	__u32 reserved[3];
};

/* There is no initramfs; initrd_fd is ignored. */
#define MK_LOAD_NO_INITRAMFS		(1U << 0)
#define MK_LOAD_FLAGS			MK_LOAD_NO_INITRAMFS

/**
 * struct mk_load - arguments of MK_IOC_LOAD
 * @size: sizeof(struct mk_load)
 * @flags: MK_LOAD_*
 * @id: the partition
 * @kernel_fd: an x86_64 bzImage (boot protocol 2.12 or later, relocatable)
 * @initrd_fd: its initramfs, unless MK_LOAD_NO_INITRAMFS
 * @cmdline_len: length of the command line including its final NUL
 * @cmdline_ptr: user pointer to the command line
 * @reserved: must be zero
 */
struct mk_load {
	__u32 size;
	__u32 flags;
	__u32 id;
	__s32 kernel_fd;
	__s32 initrd_fd;
	__u32 cmdline_len;
	__u64 cmdline_ptr;
	__u64 reserved[2];
};

/* MK_IOC_STOP: reset the partition's CPUs at once, without asking it. */
#define MK_STOP_FORCE			(1U << 0)
#define MK_OP_FLAGS			MK_STOP_FORCE

/**
 * struct mk_op - arguments of MK_IOC_START, MK_IOC_STOP and MK_IOC_DESTROY
 * @size: sizeof(struct mk_op)
 * @flags: MK_STOP_FORCE for MK_IOC_STOP, else 0
 * @id: the partition
 * @timeout_ms: MK_IOC_STOP without MK_STOP_FORCE: how long to wait for
 *	the partition to power itself off (0: 30 seconds); else 0
 * @reserved: must be zero
 */
struct mk_op {
	__u32 size;
	__u32 flags;
	__u32 id;
	__u32 timeout_ms;
	__u64 reserved[2];
};

#define MK_IOC_CREATE			_IOWR(MK_IOC_MAGIC, 0x01, struct mk_create)
#define MK_IOC_LOAD			_IOW(MK_IOC_MAGIC, 0x02, struct mk_load)
#define MK_IOC_START			_IOW(MK_IOC_MAGIC, 0x03, struct mk_op)
#define MK_IOC_STOP			_IOW(MK_IOC_MAGIC, 0x04, struct mk_op)
#define MK_IOC_DESTROY			_IOW(MK_IOC_MAGIC, 0x05, struct mk_op)

#endif /* _UAPI_LINUX_MULTIKERNEL_H */

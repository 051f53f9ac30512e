/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multikernel partitions from user space: the ioctls of /dev/multikernel
 * (<linux/multikernel.h>) and the files of
 * /sys/kernel/multikernel/partitions/.
 *
 * The mkl_*_args() functions fill an ioctl's argument with its size and
 * zeroed reserved members, for callers that issue it with mkl_ioctl();
 * the other functions do the whole call.  Those that can fail return 0
 * (or the documented value) on success and -errno on failure.
 */
#ifndef __LIB_MULTIKERNEL_H
#define __LIB_MULTIKERNEL_H

#include <stddef.h>
#include <linux/multikernel.h>

#define MKL_DEVICE		"/dev/multikernel"
#define MKL_PARTITIONS_DIR	"/sys/kernel/multikernel/partitions"
#define MKL_IKC_DEVICES_DIR	"/sys/bus/ikc/devices"
#define MKL_NET_DIR		"/sys/class/net"

/* mkl_wait_state(): how often the state is read, and no time limit */
#define MKL_POLL_MS		100
#define MKL_WAIT_FOREVER	(-1LL)
/* mkl_wait_state(): fail as soon as the partition stopped or crashed */
#define MKL_WAIT_GIVE_UP	0x1U

/**
 * mkl_open() - open the partition control device
 *
 * Opens MKL_DEVICE for reading and writing, close-on-exec.
 *
 * Return: the file descriptor, or -errno.
 */
int mkl_open(void);

/**
 * mkl_ioctl() - issue one ioctl of /dev/multikernel as it is
 * @fd: from mkl_open()
 * @req: MK_IOC_*
 * @arg: its argument, passed on unchanged (even a malformed one)
 *
 * Return: 0 or -errno.
 */
int mkl_ioctl(int fd, unsigned long req, void *arg);

/**
 * mkl_create_args() - fill the argument of MK_IOC_CREATE
 * @c: the structure, entirely overwritten
 * @cpus: the partition's CPUs, a bitmap as for sched_setaffinity()
 * @cpus_size: its size in bytes, a multiple of 8
 * @mem_bytes: memory taken from the pool, a multiple of 2 MiB
 * @console: legacy serial port 0-3, or MK_CONSOLE_NONE
 * @flags: MK_CREATE_*
 */
void mkl_create_args(struct mk_create *c, const void *cpus, __u32 cpus_size,
		     __u64 mem_bytes, int console, __u32 flags);

/**
 * mkl_create() - create a partition
 * @fd: from mkl_open()
 * @cpus: the partition's CPUs, a bitmap as for sched_setaffinity()
 * @cpus_size: its size in bytes, a multiple of 8
 * @mem_bytes: memory taken from the pool, a multiple of 2 MiB
 * @console: legacy serial port 0-3, or MK_CONSOLE_NONE
 * @flags: MK_CREATE_*
 * @id: out: the new partition's id (unless NULL)
 *
 * Return: 0 or -errno.
 */
int mkl_create(int fd, const void *cpus, __u32 cpus_size, __u64 mem_bytes,
	       int console, __u32 flags, __u32 *id);

/**
 * mkl_load_args() - fill the argument of MK_IOC_LOAD
 * @l: the structure, entirely overwritten
 * @id: the partition
 * @kernel_fd: the kernel, a bzImage
 * @initrd_fd: its initramfs; if negative, MK_LOAD_NO_INITRAMFS is set
 * @cmdline: the kernel's command line; NULL is an empty one
 *
 * @l points to @cmdline, which must stay valid until the ioctl.
 */
void mkl_load_args(struct mk_load *l, __u32 id, int kernel_fd, int initrd_fd,
		   const char *cmdline);

/**
 * mkl_load() - load a kernel into a partition
 * @fd: from mkl_open()
 * @id: the partition
 * @kernel_fd: the kernel, a bzImage
 * @initrd_fd: its initramfs, or a negative number for none
 * @cmdline: the kernel's command line; NULL is an empty one
 *
 * The caller keeps @kernel_fd and @initrd_fd open, and closes them.
 *
 * Return: 0 or -errno.
 */
int mkl_load(int fd, __u32 id, int kernel_fd, int initrd_fd,
	     const char *cmdline);

/**
 * mkl_op_args() - fill the argument of MK_IOC_START, _STOP or _DESTROY
 * @op: the structure, entirely overwritten
 * @id: the partition
 * @flags: MK_STOP_FORCE for MK_IOC_STOP, else 0
 * @timeout_ms: for MK_IOC_STOP without MK_STOP_FORCE (0: the kernel's
 *	default), else 0
 */
void mkl_op_args(struct mk_op *op, __u32 id, __u32 flags, __u32 timeout_ms);

/**
 * mkl_op() - start, stop or destroy a partition
 * @fd: from mkl_open()
 * @req: MK_IOC_START, MK_IOC_STOP or MK_IOC_DESTROY
 * @id: the partition
 * @flags: MK_STOP_FORCE for MK_IOC_STOP, else 0
 * @timeout_ms: for MK_IOC_STOP without MK_STOP_FORCE, else 0
 *
 * Return: 0 or -errno.
 */
int mkl_op(int fd, unsigned long req, __u32 id, __u32 flags, __u32 timeout_ms);

/**
 * mkl_start() - start the kernel loaded into a partition
 * @fd: from mkl_open()
 * @id: the partition
 *
 * Return: 0 once the partition is starting, or -errno.
 */
int mkl_start(int fd, __u32 id);

/**
 * mkl_stop() - stop a partition
 * @fd: from mkl_open()
 * @id: the partition
 * @flags: 0 to ask it to power off, MK_STOP_FORCE to reset its CPUs at once
 * @timeout_ms: without MK_STOP_FORCE, how long to wait for it to power
 *	off (0: the kernel's default, 30 seconds); else 0
 *
 * Return: 0 once it is stopped, or -errno.
 */
int mkl_stop(int fd, __u32 id, __u32 flags, __u32 timeout_ms);

/**
 * mkl_destroy() - give a partition's CPUs and memory back to the host
 * @fd: from mkl_open()
 * @id: the partition, not running
 *
 * Return: 0 or -errno.
 */
int mkl_destroy(int fd, __u32 id);

/**
 * mkl_read_attr() - read one file of a partition's sysfs directory
 * @id: the partition
 * @name: the file in MKL_PARTITIONS_DIR/@id/, such as "state"
 * @buf: out: its first line, without the newline; "" on failure
 * @size: the size of @buf, at least 1
 *
 * Return: the length of the line, or -errno.
 */
int mkl_read_attr(__u32 id, const char *name, char *buf, size_t size);

/**
 * mkl_write_attr() - write one file of a partition's sysfs directory
 * @id: the partition
 * @name: the file, such as the setting "ikc_services"
 * @value: what to write, in one write()
 *
 * Settings may be written while the partition is neither starting nor
 * running; the kernel refuses a value it cannot use.
 *
 * Return: 0 or -errno.
 */
int mkl_write_attr(__u32 id, const char *name, const char *value);

/**
 * mkl_read_pool() - read the memory pool partitions are made from
 * @base: out: its physical address
 * @total: out: its size in bytes (0: the host has no pool)
 * @avail: out: how many bytes of it are free
 *
 * Return: 0, -EINVAL if the pool file does not read as expected, or -errno.
 */
int mkl_read_pool(unsigned long long *base, unsigned long long *total,
		  unsigned long long *avail);

/**
 * mkl_list() - list the partitions there are
 * @ids: out: their ids, in no particular order; may be NULL if @max is 0
 * @max: how many ids @ids holds
 *
 * Return: how many partitions there are, which may be more than @max (only
 * the first @max are stored), or -errno.
 */
int mkl_list(__u32 *ids, int max);

/**
 * mkl_wait_state() - wait until a partition is in a given state
 * @id: the partition
 * @want: the state, as "state" in sysfs reads: "created", "loaded",
 *	"starting", "running", "stopped" or "crashed"
 * @timeout_ms: how long to wait at the most, or MKL_WAIT_FOREVER
 * @flags: MKL_WAIT_GIVE_UP to fail as soon as the partition is stopped or
 *	crashed (unless that is @want), else 0
 * @state: out: the last state read; "" if the read failed
 * @size: the size of @state, at least 1
 *
 * Reads the state every MKL_POLL_MS milliseconds.
 *
 * Return: 0 once the state is @want; -ETIMEDOUT after @timeout_ms;
 * -ECANCELED if the partition stopped or crashed (with MKL_WAIT_GIVE_UP);
 * -EINVAL for unknown @flags; or the -errno of reading the state (-ENOENT:
 * there is no such partition).
 */
int mkl_wait_state(__u32 id, const char *want, long long timeout_ms,
		   unsigned int flags, char *state, size_t size);

/**
 * mkl_resize_disk() - offer a running partition a disk's new size
 * @id: the partition
 * @path: the disk's backing, as in its "disks" setting
 *
 * After the backing file grew (or a block device was resized) on the
 * host, has the disk's back end re-read its size and tell the partition.
 *
 * Return: 0 (also when the size did not change); -ENOENT if the partition
 * is not served such a disk now (not running, or no such disk); -ENODEV
 * without IKC; or the -errno of the write (-EINVAL: less than a sector).
 */
int mkl_resize_disk(__u32 id, const char *path);

/**
 * mkl_net_ifname() - the host interface of a partition's network link
 * @id: the partition
 * @link: the link's place in its "net" setting, from 0
 * @buf: out: the interface's name (it may have been renamed)
 * @size: the size of @buf
 *
 * Return: 0; -ENOENT when no interface is that link.
 */
int mkl_net_ifname(__u32 id, unsigned int link, char *buf, size_t size);

/**
 * mkl_net_carrier() - whether a host interface has carrier
 * @ifname: the interface
 *
 * Return: 1 or 0; -EINVAL when it is down (the kernel does not say then),
 * -ENOENT when there is no such interface.
 */
int mkl_net_carrier(const char *ifname);

#endif /* __LIB_MULTIKERNEL_H */

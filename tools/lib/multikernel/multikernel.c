// SPDX-License-Identifier: GPL-2.0
/*
 * Multikernel partitions from user space.  See multikernel.h.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "multikernel.h"

int mkl_open(void)
{
	int fd = open(MKL_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int mkl_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

void mkl_create_args(struct mk_create *c, const void *cpus, __u32 cpus_size,
		     __u64 mem_bytes, int console, __u32 flags)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->flags = flags;
	c->mem_bytes = mem_bytes;
	c->cpus_ptr = (uintptr_t)cpus;
	c->cpus_size = cpus_size;
	c->console = console;
}

int mkl_create(int fd, const void *cpus, __u32 cpus_size, __u64 mem_bytes,
	       int console, __u32 flags, __u32 *id)
{
	struct mk_create c;
	int ret;

	mkl_create_args(&c, cpus, cpus_size, mem_bytes, console, flags);
	ret = mkl_ioctl(fd, MK_IOC_CREATE, &c);
	if (!ret && id)
		*id = c.id;
	return ret;
}

void mkl_load_args(struct mk_load *l, __u32 id, int kernel_fd, int initrd_fd,
		   const char *cmdline)
{
	if (!cmdline)
		cmdline = "";
	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	l->id = id;
	l->kernel_fd = kernel_fd;
	l->initrd_fd = initrd_fd;
	if (initrd_fd < 0)
		l->flags = MK_LOAD_NO_INITRAMFS;
	l->cmdline_len = strlen(cmdline) + 1;
	l->cmdline_ptr = (uintptr_t)cmdline;
}

int mkl_load(int fd, __u32 id, int kernel_fd, int initrd_fd,
	     const char *cmdline)
{
	struct mk_load l;

	mkl_load_args(&l, id, kernel_fd, initrd_fd, cmdline);
	return mkl_ioctl(fd, MK_IOC_LOAD, &l);
}

void mkl_op_args(struct mk_op *op, __u32 id, __u32 flags, __u32 timeout_ms)
{
	memset(op, 0, sizeof(*op));
	op->size = sizeof(*op);
	op->flags = flags;
	op->id = id;
	op->timeout_ms = timeout_ms;
}

int mkl_op(int fd, unsigned long req, __u32 id, __u32 flags, __u32 timeout_ms)
{
	struct mk_op op;

	mkl_op_args(&op, id, flags, timeout_ms);
	return mkl_ioctl(fd, req, &op);
}

int mkl_start(int fd, __u32 id)
{
	return mkl_op(fd, MK_IOC_START, id, 0, 0);
}

int mkl_stop(int fd, __u32 id, __u32 flags, __u32 timeout_ms)
{
	return mkl_op(fd, MK_IOC_STOP, id, flags, timeout_ms);
}

int mkl_destroy(int fd, __u32 id)
{
	return mkl_op(fd, MK_IOC_DESTROY, id, 0, 0);
}

/* The first line of @path in @buf, without its newline: its length or -errno. */
static int read_line(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, err;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	return n;
}

int mkl_read_attr(__u32 id, const char *name, char *buf, size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), MKL_PARTITIONS_DIR "/%u/%s", id, name);
	return read_line(path, buf, size);
}

/* Write @value to @path in one write(); 0 or -errno. */
static int write_text(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return (size_t)n == len ? 0 : -EIO;
}

int mkl_write_attr(__u32 id, const char *name, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), MKL_PARTITIONS_DIR "/%u/%s", id, name);
	return write_text(path, value);
}

int mkl_read_pool(unsigned long long *base, unsigned long long *total,
		  unsigned long long *avail)
{
	char buf[128];
	int n;

	n = read_line(MKL_PARTITIONS_DIR "/pool", buf, sizeof(buf));
	if (n < 0)
		return n;
	if (sscanf(buf, "%llx %llu %llu", base, total, avail) != 3)
		return -EINVAL;
	return 0;
}

/* A directory name that is a partition id: all digits, at most UINT32_MAX. */
static int parse_id(const char *s, __u32 *id)
{
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (*s - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	*id = v;
	return 0;
}

int mkl_list(__u32 *ids, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *dir;
	__u32 id;

	dir = opendir(MKL_PARTITIONS_DIR);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (parse_id(de->d_name, &id))
			continue;
		if (n < max)
			ids[n] = id;
		n++;
	}
	closedir(dir);
	return n;
}

/* Milliseconds on the monotonic clock since @start. */
static long long ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000LL +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

int mkl_wait_state(__u32 id, const char *want, long long timeout_ms,
		   unsigned int flags, char *state, size_t size)
{
	struct timespec nap = { 0, MKL_POLL_MS * 1000000L }, start;
	int n;

	state[0] = '\0';
	if (flags & ~MKL_WAIT_GIVE_UP)
		return -EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		n = mkl_read_attr(id, "state", state, size);
		if (n < 0)
			return n;
		if (!strcmp(state, want))
			return 0;
		if ((flags & MKL_WAIT_GIVE_UP) &&
		    (!strcmp(state, "stopped") || !strcmp(state, "crashed")))
			return -ECANCELED;
		if (timeout_ms >= 0 && ms_since(&start) >= timeout_ms)
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
}

/* Is the IKC channel @chan ("ikc<N>.<S>") to partition @id? */
static int chan_of_partition(const char *chan, __u32 id)
{
	char path[128], buf[32];
	size_t dot = strcspn(chan, ".");

	snprintf(path, sizeof(path), MKL_IKC_DEVICES_DIR "/%.*s/partition",
		 (int)dot, chan);
	return read_line(path, buf, sizeof(buf)) > 0 && strtoll(buf, NULL, 10) == id;
}

int mkl_resize_disk(__u32 id, const char *path)
{
	char attr[320], buf[4200];
	size_t len = strlen(path);
	struct dirent *de;
	int ret = -ENOENT;
	DIR *dir;

	dir = opendir(MKL_IKC_DEVICES_DIR);
	if (!dir)
		return errno == ENOENT ? -ENODEV : -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "ikc", 3) || !strchr(de->d_name, '.'))
			continue;
		snprintf(attr, sizeof(attr), MKL_IKC_DEVICES_DIR "/%s/disk/backing",
			 de->d_name);
		/* "PATH MODE SECTORS IO" */
		if (read_line(attr, buf, sizeof(buf)) <= 0 ||
		    strncmp(buf, path, len) || buf[len] != ' ' ||
		    !chan_of_partition(de->d_name, id))
			continue;
		snprintf(attr, sizeof(attr), MKL_IKC_DEVICES_DIR "/%s/disk/resize",
			 de->d_name);
		ret = write_text(attr, "1");
		break;
	}
	closedir(dir);
	return ret;
}

/* A number in the link's directory MKL_NET_DIR/@ifname/multikernel/. */
static long long net_link_attr(const char *ifname, const char *name)
{
	char path[320], buf[32];

	snprintf(path, sizeof(path), MKL_NET_DIR "/%s/multikernel/%s", ifname, name);
	if (read_line(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

int mkl_net_ifname(__u32 id, unsigned int link, char *buf, size_t size)
{
	struct dirent *de;
	int ret = -ENOENT;
	DIR *dir;

	dir = opendir(MKL_NET_DIR);
	if (!dir)
		return -errno;
	while (ret && (de = readdir(dir))) {
		if (de->d_name[0] == '.' ||
		    net_link_attr(de->d_name, "partition") != id ||
		    net_link_attr(de->d_name, "link") != link)
			continue;
		snprintf(buf, size, "%s", de->d_name);
		ret = 0;
	}
	closedir(dir);
	return ret;
}

int mkl_net_carrier(const char *ifname)
{
	char path[320], buf[8];
	int n;

	snprintf(path, sizeof(path), MKL_NET_DIR "/%s/carrier", ifname);
	n = read_line(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	return buf[0] == '1';
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual disks of IKC for the tests: the back end's files, finding a
 * disk by its serial, data patterns, running Debian's e2fsprogs.
 */
#ifndef MULTIKERNEL_VBLK_UTIL_H
#define MULTIKERNEL_VBLK_UTIL_H

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/wait.h>

#include "ikc_util.h"
#include "shell_util.h"

#define VBLK_DRIVER	IKC_BUS "/drivers/virtio_ikc_blk"
#define VBLK_LOOPBACK	VBLK_DRIVER "/loopback_disks"
/* Debian's, in the test initramfs: not busybox's. */
#define VBLK_MKFS	"/usr/bin/mke2fs -q -F -t ext4"
#define VBLK_FSCK	"/usr/bin/e2fsck -fn"

/* Wait until /dev/@name opens, up to the time @end. */
static inline int vblk_wait_open(const char *name, long long end)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", name);
	for (;;) {
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (ikc_now_ms() >= end)
			return -errno;
		usleep(20000);
	}
}

/* The vdX whose serial (VIRTIO_BLK_T_GET_ID) is @serial, waiting @ms. */
static inline int vblk_find_disk(const char *serial, char *name, size_t size,
				 int ms)
{
	long long end = ikc_now_ms() + ms;
	char path[512], buf[64];
	struct dirent *d;
	DIR *dir;

	do {
		dir = opendir("/sys/block");
		if (!dir)
			return -errno;
		while ((d = readdir(dir))) {
			if (strncmp(d->d_name, "vd", 2))
				continue;
			snprintf(path, sizeof(path), "/sys/block/%s/serial", d->d_name);
			if (mk_read_text(path, buf, sizeof(buf)) < 0 ||
			    strcmp(buf, serial))
				continue;
			snprintf(name, size, "%.*s", (int)size - 1, d->d_name);
			closedir(dir);
			/* In sysfs before it can be opened: wait for that too. */
			return vblk_wait_open(name, end);
		}
		closedir(dir);
		usleep(50000);
	} while (ikc_now_ms() < end);
	return -ENOENT;
}

/* Bytes that depend on where they are and on @seed. */
static inline void vblk_pattern(void *buf, size_t len, uint64_t off, uint32_t seed)
{
	uint64_t *p = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		p[i] = ((off + i * 8) * 0x9e3779b97f4a7c15ULL) ^ seed;
}

/* One counter of a channel's "stats" ("name value" lines), or -1. */
static inline long long vblk_stat(const char *chan, const char *name)
{
	char buf[1024], *p;
	size_t n = strlen(name);

	if (ikc_dev_read(chan, "disk/stats", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, name, n) && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	}
	return -1;
}

#endif /* MULTIKERNEL_VBLK_UTIL_H */

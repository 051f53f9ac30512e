/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small sysfs and procfs files for the multikernel tests and benchmarks:
 * read one as it is or without its trailing newlines, write one in a
 * single write().
 */
#ifndef MULTIKERNEL_SYSFS_UTIL_H
#define MULTIKERNEL_SYSFS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* @path in @buf as it reads: its length or -errno. */
static inline int mk_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/* @path in @buf, without its trailing newlines: its length or -errno. */
static inline int mk_read_text(const char *path, char *buf, size_t size)
{
	int n = mk_read_file(path, buf, size);

	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

/* The number in @path, -1 if it cannot be read. */
static inline long long mk_read_num(const char *path)
{
	char buf[64];

	if (mk_read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtoll(buf, NULL, 0);
}

/* Write @s to @path in one write(): 0 or -errno. */
static inline int mk_write_text(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

#endif /* MULTIKERNEL_SYSFS_UTIL_H */

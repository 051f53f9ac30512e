/* SPDX-License-Identifier: GPL-2.0 */
/*
 * O_DIRECT reads and writes of a file or block device for the tests,
 * saying which step failed.
 */
#ifndef MULTIKERNEL_DIRECT_IO_H
#define MULTIKERNEL_DIRECT_IO_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

/*
 * @len bytes at @off of @path through O_DIRECT, written from @buf (and
 * synced) or read into it; 0 or -errno, and in *@failed the step that
 * failed ("open", "pwrite", "pread", "fsync" or "short").
 */
static inline int direct_rw(const char *path, bool write, void *buf,
			    size_t len, off_t off, const char **failed)
{
	ssize_t n;
	int fd, err;

	*failed = "open";
	fd = open(path, (write ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0)
		return -errno;
	*failed = write ? "pwrite" : "pread";
	n = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);
	if (n >= 0 && write) {
		*failed = "fsync";
		if (fsync(fd))
			n = -1;
	}
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	*failed = "short";
	return n == (ssize_t)len ? 0 : -EIO;
}

#endif /* MULTIKERNEL_DIRECT_IO_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /sys/bus/ikc/ for the IKC tests and benchmark: peers, channels, their
 * counters, and the echo client's round trips.
 */
#ifndef MULTIKERNEL_IKC_UTIL_H
#define MULTIKERNEL_IKC_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sysfs_util.h"

#define IKC_BUS		"/sys/bus/ikc"
#define IKC_DEVS	IKC_BUS "/devices"
#define IKC_MAX_SLOTS	16

static inline int ikc_dev_read(const char *dev, const char *attr, char *buf,
			       size_t size)
{
	char path[512];

	snprintf(path, sizeof(path), IKC_DEVS "/%s/%s", dev, attr);
	return mk_read_text(path, buf, size);
}

static inline int ikc_dev_write(const char *dev, const char *attr, const char *s)
{
	char path[512];

	snprintf(path, sizeof(path), IKC_DEVS "/%s/%s", dev, attr);
	return mk_write_text(path, s);
}

static inline long long ikc_dev_num(const char *dev, const char *attr)
{
	char path[512];

	snprintf(path, sizeof(path), IKC_DEVS "/%s/%s", dev, attr);
	return mk_read_num(path);
}

static inline long long ikc_stat(const char *dev, const char *name)
{
	char attr[64];

	snprintf(attr, sizeof(attr), "stats/%s", name);
	return ikc_dev_num(dev, attr);
}

/* The channel "<peer>.<slot>". */
static inline void ikc_chan(char *buf, size_t size, const char *peer, int slot)
{
	snprintf(buf, size, "%s.%d", peer, slot);
}

/* The newest loopback pair: its ends A (serving) and B; 0 or -1. */
static inline int ikc_last_pair(char *a, char *b)
{
	char buf[4096], *line, *last = NULL;

	if (mk_read_text(IKC_BUS "/loopback_list", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		last = line;
	if (!last || sscanf(last, "%31s %31s", a, b) != 2)
		return -1;
	return 0;
}

/* Run "COUNT SIZE" (or "pages N") round trips; 0 or -errno. */
static inline int ikc_pingpong(const char *chan, const char *what)
{
	return ikc_dev_write(chan, "pingpong", what);
}

/* The last run's ns_avg, or -1. */
static inline long long ikc_last_avg_ns(const char *chan)
{
	char buf[256], *p;

	if (ikc_dev_read(chan, "pingpong", buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "ns_avg=");
	return p ? strtoll(p + 7, NULL, 10) : -1;
}

/* The peer of transport @transport for partition @part (-1: any). */
static inline int ikc_find_peer(const char *transport, int part, char *name,
				size_t size)
{
	struct dirent *de;
	char buf[64], attr[sizeof(de->d_name)];
	DIR *d = opendir(IKC_DEVS);
	int found = -ENOENT;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "ikc", 3) || strchr(de->d_name, '.'))
			continue;
		snprintf(attr, sizeof(attr), "%s", de->d_name);
		if (ikc_dev_read(attr, "transport", buf, sizeof(buf)) < 0 ||
		    strcmp(buf, transport))
			continue;
		if (part >= 0 && ikc_dev_num(attr, "partition") != part)
			continue;
		if (strlen(de->d_name) >= size)
			continue;
		memcpy(name, de->d_name, strlen(de->d_name) + 1);
		found = 0;
		break;
	}
	closedir(d);
	return found;
}

static inline long long ikc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait up to @ms for @dev's @attr to read @want. */
static inline bool ikc_wait_attr(const char *dev, const char *attr,
				 const char *want, int ms)
{
	long long end = ikc_now_ms() + ms;
	char buf[64];

	do {
		if (ikc_dev_read(dev, attr, buf, sizeof(buf)) >= 0 &&
		    !strcmp(buf, want))
			return true;
		usleep(20000);
	} while (ikc_now_ms() < end);
	return false;
}

/* Read @fd into @buf until @want shows up or @ms pass. */
static inline bool ikc_read_until(int fd, char *buf, size_t size, size_t *len,
				  const char *want, int ms)
{
	long long end = ikc_now_ms() + ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (ikc_now_ms() < end) {
		buf[*len] = '\0';
		if (strstr(buf, want))
			return true;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = read(fd, buf + *len, size - 1 - *len);
		if (n > 0)
			*len += n;
		if (*len >= size - 1) {
			/* Keep the tail: what we look for may straddle. */
			memmove(buf, buf + size / 2, *len - size / 2);
			*len -= size / 2;
		}
	}
	buf[*len] = '\0';
	return strstr(buf, want);
}

#endif /* MULTIKERNEL_IKC_UTIL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NUMA nodes as sysfs lists them, for the Overshadow test and benchmark.
 */
#ifndef MULTIKERNEL_NUMA_NODES_H
#define MULTIKERNEL_NUMA_NODES_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meminfo.h"

#define MAX_NODES	1024

/* Parse a list such as "0-1,3" into @set; -1 if it cannot be read. */
static int node_list(const char *path, bool *set)
{
	char buf[4096], *s, *end;
	long a, b, n;
	ssize_t len;
	int fd;

	memset(set, 0, MAX_NODES * sizeof(*set));
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -1;
	buf[len] = '\0';
	for (s = buf; *s && *s != '\n';) {
		a = strtol(s, &end, 10);
		if (end == s)
			break;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
		}
		for (n = a; n <= b && n < MAX_NODES; n++)
			if (n >= 0)
				set[n] = true;
		s = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static bool node_has_cpus(int node)
{
	bool set[MAX_NODES];
	char path[96];
	int i;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist",
		 node);
	if (node_list(path, set))
		return false;
	for (i = 0; i < MAX_NODES; i++)
		if (set[i])
			return true;
	return false;
}

#endif /* MULTIKERNEL_NUMA_NODES_H */

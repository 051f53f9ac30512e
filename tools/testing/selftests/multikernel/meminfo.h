/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's memory as /proc/meminfo and /proc/zoneinfo give it, for the
 * tests that look for leaks and the benchmarks that size their buffers.
 */
#ifndef MULTIKERNEL_MEMINFO_H
#define MULTIKERNEL_MEMINFO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A "KEY:" line of /proc/meminfo, in kB; -1 if it cannot be read. */
static inline long meminfo_kb(const char *key)
{
	size_t n = strlen(key);
	char line[256];
	long v = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/*
 * Free pages that MemFree does not count: those on the page allocator's
 * per-CPU lists (their "count:" in /proc/zoneinfo), in kB.  How full the
 * lists are changes from moment to moment by several MiB, and with CPUs
 * going offline and coming back.
 */
static inline long pcp_free_kb(void)
{
	char line[256];
	long pages = 0, n;
	FILE *f;

	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Free memory without that noise: MemFree and the per-CPU lists, in kB. */
static inline long free_kb(void)
{
	return meminfo_kb("MemFree") + pcp_free_kb();
}

#endif /* MULTIKERNEL_MEMINFO_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * overshadow_bench: how soon far memory can be used once it is asked for
 * near.  A benchmark, not a test: it prints figures.
 *
 * The source lies on the far node (a CPU-less memory node when there is
 * one), the process runs on one CPU.  For each size, three ways to get the
 * data near and read it:
 *   memcpy   into a pre-faulted near buffer;
 *   conv     a conventional asynchronous copy: overshadow_create() and
 *            overshadow_wait() before the first read;
 *   ovs      Overshadow: overshadow_create() and read at once, while the
 *            copy goes on.
 * "lat" is the time until the first byte can be read, "total" the time
 * until every 8-byte word has been read (and summed, checked against the
 * source).  Regions are destroyed outside the timed part.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/mempolicy.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "../../../lib/overshadow/overshadow.h"
#include "numa_nodes.h"

#define PAGE_SZ		4096UL
#define KIB		1024UL
#define MIB		(1024 * KIB)
#define MAX_REPS	101
#define KSFT_SKIP	4
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum { M_MEMCPY, M_CONV, M_OVS, NR_METHODS };

static const size_t sizes[] = {
	4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, MIB, 4 * MIB, 16 * MIB,
	64 * MIB, 256 * MIB,
};

static struct {
	size_t max_size;
	unsigned int flags;
	unsigned int reps;		/* 0: 5 below 16M, 3 from there */
	int cpu;
} opt = {
	.max_size = 256 * MIB,
	.cpu = 0,
};

static int near_node, far_node;
static unsigned char sink;

struct sample {
	double lat[MAX_REPS];
	double total[MAX_REPS];
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Every word, each tied to its place: a page in the wrong spot shows. */
static uint64_t checksum(const uint64_t *p, size_t words)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < words; i++)
		sum += p[i] ^ i;
	return sum;
}

static void fill(uint64_t *p, size_t words, uint64_t seed)
{
	uint64_t v = seed;
	size_t i;

	for (i = 0; i < words; i++, v += 0x9e3779b97f4a7c15ULL)
		p[i] = v ^ (v >> 29);
}

/* "Node N MemFree:" of a node, in kB; -1 if unknown. */
static long node_free_kb(int node)
{
	char path[96], line[256];
	long v = -1;
	char *p;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo",
		 node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "MemFree:");
		if (p)
			v = strtol(p + strlen("MemFree:"), NULL, 10);
	}
	fclose(f);
	return v;
}

/* Anonymous memory on @node, every page touched. */
static void *map_on(size_t len, int node)
{
	unsigned long mask = 1UL << node;
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (node >= 0 &&
	    syscall(SYS_mbind, p, len, MPOL_BIND, &mask, 8 * sizeof(mask),
		    MPOL_MF_STRICT | MPOL_MF_MOVE))
		fprintf(stderr, "mbind to node %d: %s\n", node, strerror(errno));
	memset(p, 0, len);
	return p;
}

static void help(const char *prog)
{
	fprintf(stderr,
		"Usage: %s [-m MAXSIZE] [-r REPS] [-c CPU] [-e auto|cpu|dma]\n"
		"  -m MAXSIZE  largest size, with K/M/G (default 256M)\n"
		"  -r REPS     runs per size, median printed (default 5, 3 from 16M)\n"
		"  -c CPU      the CPU to run on (default 0)\n"
		"  -e ENGINE   copy engine: the kernel's choice (default), the CPU\n"
		"              engine, or a DMA channel for every size\n", prog);
	exit(2);
}

static size_t parse_size(const char *s)
{
	char *end;
	size_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G':
	case 'g':
		return v << 30;
	case 'M':
	case 'm':
		return v << 20;
	case 'K':
	case 'k':
		return v << 10;
	}
	return v;
}

static void size_name(size_t len, char *buf, size_t n)
{
	if (len >= MIB)
		snprintf(buf, n, "%zuM", len / MIB);
	else
		snprintf(buf, n, "%zuK", len / KIB);
}

/* One run of @method; false if the data read was wrong or a call failed. */
static bool run_once(int method, uint64_t *src, uint64_t *dst, size_t len,
		     uint64_t want, double *lat, double *total,
		     struct overshadow_status *st)
{
	size_t words = len / 8;
	double t0, t1, t2;
	uint64_t sum;
	void *to = NULL;

	t0 = now_us();
	switch (method) {
	case M_MEMCPY:
		memcpy(dst, src, len);
		t1 = now_us();
		sum = checksum(dst, words);
		break;
	case M_CONV:
		if (overshadow_create(src, len, &to, opt.flags) ||
		    overshadow_wait(to))
			goto fail;
		t1 = now_us();
		sum = checksum(to, words);
		break;
	default:
		if (overshadow_create(src, len, &to, opt.flags))
			goto fail;
		sink = __atomic_load_n((unsigned char *)to, __ATOMIC_RELAXED);
		t1 = now_us();
		sum = checksum(to, words);
		break;
	}
	t2 = now_us();
	*lat = t1 - t0;
	*total = t2 - t0;
	if (to) {
		memset(st, 0, sizeof(*st));
		if (overshadow_wait(to) || overshadow_test(to, st) != 1)
			goto fail;
		if (overshadow_destroy(to)) {
			to = NULL;
			goto fail;
		}
	}
	if (sum != want) {
		fprintf(stderr, "%s, %zu bytes: checksum %#llx, want %#llx\n",
			method == M_MEMCPY ? "memcpy" :
			method == M_CONV ? "conv" : "ovs", len,
			(unsigned long long)sum, (unsigned long long)want);
		return false;
	}
	return true;
fail:
	fprintf(stderr, "%s, %zu bytes: %s\n",
		method == M_CONV ? "conv" : "ovs", len, strerror(errno));
	if (to)
		overshadow_destroy(to);
	return false;
}

/* Which engine copied: from the complete regions' page counts. */
static const char *engine_seen(unsigned long long dma, unsigned long long cpu)
{
	if (dma && cpu)
		return "dma+cpu";
	if (dma)
		return "dma";
	if (cpu)
		return "cpu";
	return "-";
}

static bool bench_size(size_t len)
{
	unsigned int reps = opt.reps ?: (len >= 16 * MIB ? 3 : 5), r, m, runs;
	unsigned long long dma = 0, cpu = 0, dma_failed = 0;
	static struct sample s[NR_METHODS];
	double lat[NR_METHODS], total[NR_METHODS];
	struct overshadow_status st;
	uint64_t *src, *dst, want;
	long avail, far_free;
	bool ok = true;
	char name[16];

	size_name(len, name, sizeof(name));
	avail = meminfo_kb("MemAvailable");
	far_free = far_node != near_node ? node_free_kb(far_node) : avail;
	if ((avail >= 0 && (unsigned long)avail < 3 * len / KIB + 64 * KIB) ||
	    (far_free >= 0 && (unsigned long)far_free < len / KIB + 32 * KIB)) {
		printf("%8s  skipped: %ld kB available, %ld kB free on node %d\n",
		       name, avail, far_free, far_node);
		return true;
	}
	src = map_on(len, far_node);
	dst = map_on(len, near_node);
	if (!src || !dst) {
		fprintf(stderr, "%s: mmap: %s\n", name, strerror(errno));
		return false;
	}
	fill(src, len / 8, len);
	want = checksum(src, len / 8);

	/* a warm-up run below 16M, not counted; methods take turns */
	runs = len < 16 * MIB ? reps + 1 : reps;
	for (r = 0; r < runs && ok; r++) {
		for (m = 0; m < NR_METHODS && ok; m++) {
			ok = run_once(m, src, dst, len, want, &lat[m],
				      &total[m], &st);
			if (!ok || m == M_MEMCPY)
				continue;
			if (m == M_CONV) {
				dma += st.pages_dma;
				cpu += st.pages_cpu;
				dma_failed += st.pages_dma_failed;
			}
		}
		if (runs > reps && r == 0)
			continue;
		for (m = 0; m < NR_METHODS; m++) {
			s[m].lat[r - (runs - reps)] = lat[m];
			s[m].total[r - (runs - reps)] = total[m];
		}
	}
	if (ok) {
		for (m = 0; m < NR_METHODS; m++) {
			lat[m] = median(s[m].lat, reps);
			total[m] = median(s[m].total, reps);
		}
		printf("%8s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %6.1f %7.1f  %s",
		       name, lat[M_MEMCPY], total[M_MEMCPY], lat[M_CONV],
		       total[M_CONV], lat[M_OVS], total[M_OVS],
		       100 * lat[M_OVS] / lat[M_CONV],
		       100 * total[M_OVS] / total[M_CONV],
		       engine_seen(dma, cpu));
		if (dma_failed)
			printf(" (%llu DMA pages redone by the CPU)", dma_failed);
		printf("\n");
	}
	fflush(stdout);
	munmap(src, len);
	munmap(dst, len);
	return ok;
}

int main(int argc, char **argv)
{
	static bool memory[MAX_NODES];
	unsigned int cpu, node, engine = 0, i;
	bool ok = true;
	cpu_set_t set;
	void *probe, *to;
	int c, n;

	while ((c = getopt(argc, argv, "m:r:c:e:h")) != -1) {
		switch (c) {
		case 'm':
			opt.max_size = parse_size(optarg);
			break;
		case 'r':
			opt.reps = atoi(optarg);
			if (!opt.reps || opt.reps > MAX_REPS)
				help(argv[0]);
			break;
		case 'c':
			opt.cpu = atoi(optarg);
			break;
		case 'e':
			if (!strcmp(optarg, "cpu"))
				opt.flags = OVERSHADOW_CREATE_CPU;
			else if (!strcmp(optarg, "dma"))
				opt.flags = OVERSHADOW_CREATE_DMA;
			else if (strcmp(optarg, "auto"))
				help(argv[0]);
			break;
		default:
			help(argv[0]);
		}
	}

	CPU_ZERO(&set);
	CPU_SET(opt.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "CPU %d: %s\n", opt.cpu, strerror(errno));
		return 1;
	}
	if (syscall(SYS_getcpu, &cpu, &node, NULL))
		node = 0;
	near_node = node;

	/* the far node: one with memory and no CPUs, else our own */
	far_node = near_node;
	if (!node_list("/sys/devices/system/node/has_memory", memory)) {
		for (n = 0; n < MAX_NODES; n++) {
			if (memory[n] && n != near_node && !node_has_cpus(n)) {
				far_node = n;
				break;
			}
		}
	}

	/* newer kernels have other calls with these numbers */
	if (access("/sys/kernel/multikernel", F_OK)) {
		printf("overshadow_bench: no /sys/kernel/multikernel, no overshadow\n");
		return KSFT_SKIP;
	}
	probe = map_on(PAGE_SZ, far_node);
	if (!probe)
		return 1;
	if (overshadow_create_node(probe, PAGE_SZ, &to, opt.flags,
				   OVERSHADOW_NODE_DEFAULT, &engine)) {
		printf("overshadow_bench: overshadow_create: %s\n",
		       strerror(errno));
		return KSFT_SKIP;
	}
	overshadow_destroy(to);
	munmap(probe, PAGE_SZ);

	printf("overshadow_bench: CPU %d, near node %d; source on node %d (%s); engine %s\n",
	       opt.cpu, near_node, far_node,
	       far_node != near_node ? "memory only, the far tier" :
	       "the CPU's node: no CPU-less memory node",
	       overshadow_engine_name(engine));
	printf("microseconds, median of %s; lat: first byte readable, total: every word read\n",
	       opt.reps ? "-r runs" : "5 runs (3 from 16M)");
	printf("%8s %9s %9s %9s %9s %9s %9s %6s %7s  %s\n", "size",
	       "memcpy", "total", "conv", "total", "ovs", "total", "lat%",
	       "total%", "engine");
	printf("%8s %9s %9s %9s %9s %9s %9s %6s %7s\n", "", "lat", "", "lat",
	       "", "lat", "", "ovs/cv", "ovs/cv");

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (sizes[i] > opt.max_size)
			break;
		if (!bench_size(sizes[i]))
			ok = false;
	}
	return ok ? 0 : 1;
}

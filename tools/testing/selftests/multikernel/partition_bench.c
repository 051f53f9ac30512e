// SPDX-License-Identifier: GPL-2.0
/*
 * partition_bench: the same CPU- and memory-bound work, timed, to compare
 * a partition kernel with the host on the same number of CPUs.
 *
 * Each of T threads (pinned to CPUs FIRST..FIRST+T-1 with -p) runs:
 *   cpu: a chain of multiply-xorshift steps, no memory traffic;
 *   mem: read-modify-write passes over its own buffer, one access per
 *        cache line, larger than the caches.
 * It prints one line with the times in milliseconds (wall clock, from the
 * start of the first thread to the end of the last) and a checksum, so
 * that the work cannot be optimised away and both runs can be compared.
 *
 *   partition_bench [-t THREADS] [-m MIB_PER_THREAD] [-p FIRST_CPU] [-l LABEL]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CPU_STEPS	(40u * 1000 * 1000)
#define MEM_PASSES	32
#define LINE		64

static unsigned int nthreads = 2, mib = 8;
static int first_cpu = -1;
static pthread_barrier_t barrier;

struct worker {
	pthread_t thread;
	unsigned int index;
	uint64_t sum;
	double cpu_end, mem_end;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	size_t len = (size_t)mib << 20, i;
	uint64_t x = 0x9e3779b97f4a7c15ull + w->index, sum = 0;
	unsigned int pass, step;
	uint8_t *buf;

	if (first_cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(first_cpu + w->index, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("sched_setaffinity");
	}
	buf = malloc(len);
	if (!buf) {
		perror("malloc");
		exit(1);
	}
	memset(buf, w->index, len);
	pthread_barrier_wait(&barrier);

	for (step = 0; step < CPU_STEPS; step++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		x *= 0x2545f4914f6cdd1dull;
	}
	w->cpu_end = now_ms();
	pthread_barrier_wait(&barrier);

	for (pass = 0; pass < MEM_PASSES; pass++)
		for (i = 0; i < len; i += LINE) {
			buf[i] += (uint8_t)(pass + i);
			sum += buf[i];
		}
	w->mem_end = now_ms();
	w->sum = x + sum;
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	double start, cpu_end = 0, mem_end = 0;
	const char *label = "run";
	struct worker *w;
	uint64_t sum = 0;
	unsigned int i;
	int opt;

	while ((opt = getopt(argc, argv, "t:m:p:l:h")) != -1) {
		switch (opt) {
		case 't':
			nthreads = atoi(optarg);
			break;
		case 'm':
			mib = atoi(optarg);
			break;
		case 'p':
			first_cpu = atoi(optarg);
			break;
		case 'l':
			label = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-t THREADS] [-m MIB] [-p FIRST_CPU] [-l LABEL]\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (!nthreads || nthreads > 64 || !mib) {
		fprintf(stderr, "bad -t or -m\n");
		return 2;
	}
	w = calloc(nthreads, sizeof(*w));
	pthread_barrier_init(&barrier, NULL, nthreads + 1);
	for (i = 0; i < nthreads; i++) {
		w[i].index = i;
		if (pthread_create(&w[i].thread, NULL, work, &w[i])) {
			perror("pthread_create");
			return 1;
		}
	}
	pthread_barrier_wait(&barrier);
	start = now_ms();
	pthread_barrier_wait(&barrier);
	for (i = 0; i < nthreads; i++) {
		pthread_join(w[i].thread, NULL);
		sum += w[i].sum;
		if (w[i].cpu_end > cpu_end)
			cpu_end = w[i].cpu_end;
		if (w[i].mem_end > mem_end)
			mem_end = w[i].mem_end;
	}
	printf("partition_bench: %s threads %u cpu_ms %.1f mem_ms %.1f total_ms %.1f sum %llx\n",
	       label, nthreads, cpu_end - start, mem_end - cpu_end, mem_end - start,
	       (unsigned long long)sum);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * mkexec_bench: figures of system call delegation.  A benchmark, not a
 * test.  Static and not PIE, so that the same program runs on the host
 * (every call local) and on a partition with mkexec (file calls served by
 * the host); harness/guest/bench.sh runs both and puts them side by side.
 *
 *   mkexec_bench calls FILE [N]
 *	mean time of N calls each: a no-op delegated call
 *	(fcntl(F_GETFL)), a 4 KiB pread of FILE (in the page cache) into
 *	the same buffer, and a local call (getppid()) for the entry cost
 *   mkexec_bench read FILE
 *	read() throughput by length, 4 KiB to 16 MiB, of FILE (at least
 *	16 MiB, in the page cache): into one buffer reused ("reused": the
 *	proxy's mappings stay), and into a buffer mapped afresh for each
 *	read ("first-touch": every page faults in the proxy, and in the
 *	program when it is touched first)
 *   mkexec_bench threads FILE N T...
 *	T threads (for each T given) making N no-op calls each at once:
 *	the mean time of one call, and its ratio to one thread's
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MIB		(1024 * 1024)
#define MAX_THREADS	16

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int open_file(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	return fd;
}

static void calls(const char *path, long n)
{
	static char buf[4096];
	int fd = open_file(path);
	double t;
	long i;

	t = now_ns();
	for (i = 0; i < n; i++)
		if (fcntl(fd, F_GETFL) < 0)
			exit(1);
	printf("noop_ns %.0f\n", (now_ns() - t) / n);
	t = now_ns();
	for (i = 0; i < n; i++)
		if (pread(fd, buf, sizeof(buf), 0) != sizeof(buf))
			exit(1);
	printf("read4k_ns %.0f\n", (now_ns() - t) / n);
	t = now_ns();
	for (i = 0; i < n; i++)
		getppid();
	printf("local_ns %.0f\n", (now_ns() - t) / n);
}

/* Bytes per second of @reps reads of @len, into @buf or fresh memory. */
static double read_rate(int fd, size_t len, int reps, char *buf)
{
	double t = now_ns(), bytes = 0;
	char *p;
	int i;

	for (i = 0; i < reps; i++) {
		p = buf ? buf : mmap(NULL, len, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED || pread(fd, p, len, 0) != (ssize_t)len)
			exit(1);
		bytes += len;
		if (!buf)
			munmap(p, len);
	}
	return bytes / ((now_ns() - t) / 1e9);
}

static void reads(const char *path)
{
	int fd = open_file(path), reps;
	char *buf = malloc(16 * MIB);
	size_t len;

	if (!buf)
		exit(1);
	memset(buf, 1, 16 * MIB);
	printf("%10s %14s %14s\n", "len", "reused_MB/s", "first-touch_MB/s");
	for (len = 4096; len <= 16 * MIB; len *= 4) {
		reps = len >= MIB ? 8 : 64;
		read_rate(fd, len, 2, buf);		/* warm */
		printf("%10zu %14.1f %14.1f\n", len,
		       read_rate(fd, len, reps, buf) / MIB,
		       read_rate(fd, len, reps, NULL) / MIB);
	}
}

struct worker {
	pthread_t thread;
	int fd;
	long n;
	double ns;
	pthread_barrier_t *start;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	double t;
	long i;

	pthread_barrier_wait(w->start);
	t = now_ns();
	for (i = 0; i < w->n; i++)
		if (fcntl(w->fd, F_GETFL) < 0)
			exit(1);
	w->ns = (now_ns() - t) / w->n;
	return NULL;
}

static double run_threads(int fd, long n, int nr)
{
	struct worker w[MAX_THREADS];
	pthread_barrier_t start;
	double sum = 0;
	int i;

	pthread_barrier_init(&start, NULL, nr);
	for (i = 0; i < nr; i++) {
		w[i] = (struct worker){ .fd = fd, .n = n, .start = &start };
		if (pthread_create(&w[i].thread, NULL, worker, &w[i]))
			exit(1);
	}
	for (i = 0; i < nr; i++) {
		pthread_join(w[i].thread, NULL);
		sum += w[i].ns;
	}
	pthread_barrier_destroy(&start);
	return sum / nr;
}

int main(int argc, char **argv)
{
	double one = 0, ns;
	int i, nr;

	if (argc >= 3 && !strcmp(argv[1], "calls")) {
		calls(argv[2], argc > 3 ? atol(argv[3]) : 2000);
	} else if (argc == 3 && !strcmp(argv[1], "read")) {
		reads(argv[2]);
	} else if (argc >= 5 && !strcmp(argv[1], "threads")) {
		printf("%8s %10s %8s\n", "threads", "call_ns", "ratio");
		for (i = 4; i < argc; i++) {
			nr = atoi(argv[i]);
			if (nr < 1 || nr > MAX_THREADS)
				return 2;
			ns = run_threads(open_file(argv[2]), atol(argv[3]), nr);
			if (!one)
				one = ns;
			printf("%8d %10.0f %7.2fx\n", nr, ns, ns / one);
		}
	} else {
		fprintf(stderr, "mkexec_bench calls FILE [N] | read FILE | threads FILE N T...\n");
		return 2;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * xsc_bench: trapping system calls, exception-less ones and io_uring SQPOLL
 * on the same file workload.  A benchmark, not a test: it prints figures.
 *
 * Each of u workers opens its own file, writes d blocks of 512 bytes,
 * closes it, reopens it, reads the blocks back (checking them) and closes
 * it: 2 * d + 4 system calls, repeated for a number of rounds.  The workers
 * are pthreads making plain system calls (trap), user-level threads over
 * the xsc pool (xsc), or user-level threads whose calls are io_uring SQEs
 * (uring); both of the latter run over P OS threads.  A second part times
 * single calls: getpid() and a 512-byte pread(), one at a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include <linux/io_uring.h>

#include "../../../lib/xsc/xsc.h"
#include "../../../lib/xsc/uthread.h"

#define BLOCK		512
#define MAX_US		32
#define NR_CALLS(d)	(2 * (d) + 4)

enum { M_TRAP, M_XSC, M_URING, NR_METHODS };

static const char * const method_name[NR_METHODS] = { "trap", "xsc", "uring" };

static struct {
	const char *dir;
	unsigned int rounds;
	unsigned int depth;
	unsigned int us[MAX_US];
	unsigned int nr_us;
	unsigned int os_threads;
	unsigned int iters;
	unsigned int spin;
	unsigned int methods;		/* bit per M_* */
	cpu_set_t cpus;
	int first_cpu;			/* of -c, -1 without it */
	cpu_set_t app_cpus;
	int have_app_cpus;
	unsigned int nr_threads;
	unsigned int policy;
	unsigned int idle_us;
	unsigned int entries;
} opt = {
	.dir = "/tmp",
	.rounds = 20,
	.depth = 8,
	.us = { 1, 2, 4, 8, 16, 32, 64 },
	.nr_us = 7,
	.os_threads = 1,
	.iters = 10000,
	.spin = XSC_SPIN_DEFAULT,
	.methods = 7,
	.first_cpu = -1,
	.policy = XSC_POLICY_IDLE,
};

/* A minimal io_uring: one per OS thread, rings after the first share its SQPOLL thread. */
struct uring {
	int fd;
	unsigned int *sq_head, *sq_tail, *sq_flags, sq_mask, sq_entries;
	unsigned int *cq_head, *cq_tail, cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

/* An SQE in flight: who waits for it and what it returned. */
struct uring_req {
	struct ut_thread *t;
	int done;
	long res;
};

struct worker {
	unsigned int id;
	long (*call)(struct worker *w, long nr, long a0, long a1, long a2, long a3);
	struct uring *ring;
	long err;			/* first failure, -errno */
	const char *failed;		/* the call that failed */
	unsigned long bad;		/* blocks read back wrong */
	char path[PATH_MAX];
};

static struct xsc xsc;
static int have_xsc;
static struct uring *rings;
static int have_uring;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The SQ thread polls about as long as the xsc pool does; 0 would mean 1 s. */
static unsigned int sq_idle_ms(void)
{
	if (opt.policy == XSC_POLICY_BUSY)
		return 10000;
	if (opt.policy == XSC_POLICY_WAKEUP)
		return 1;
	return ((opt.idle_us ?: XSC_DEFAULT_IDLE_US) + 999) / 1000;
}

static int uring_init(struct uring *r, unsigned int entries, int cpu, int attach)
{
	struct io_uring_params p;
	size_t sq_size, cq_size;
	char *sq, *cq;
	void *sqes;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = sq_idle_ms();
	if (attach >= 0) {
		p.flags |= IORING_SETUP_ATTACH_WQ;
		p.wq_fd = attach;
	} else if (cpu >= 0) {
		p.flags |= IORING_SETUP_SQ_AFF;
		p.sq_thread_cpu = cpu;
	}
	r->fd = syscall(__NR_io_uring_setup, entries, &p);
	if (r->fd < 0)
		return -errno;

	sq_size = p.sq_off.array + p.sq_entries * sizeof(__u32);
	cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (cq_size > sq_size)
			sq_size = cq_size;
	}
	sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		goto err;
	cq = sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			  r->fd, IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED)
			goto err;
	}
	sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (sqes == MAP_FAILED)
		goto err;

	r->sq_head = (unsigned int *)(sq + p.sq_off.head);
	r->sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	r->sq_flags = (unsigned int *)(sq + p.sq_off.flags);
	r->sq_mask = *(unsigned int *)(sq + p.sq_off.ring_mask);
	r->sq_entries = p.sq_entries;
	r->cq_head = (unsigned int *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	r->cq_mask = *(unsigned int *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	r->sqes = sqes;
	/* slot i of the SQ always names SQE i */
	for (unsigned int i = 0; i < p.sq_entries; i++)
		((__u32 *)(sq + p.sq_off.array))[i] = i;
	return 0;
err:
	close(r->fd);	/* and the mappings, when the process exits */
	return -errno;
}

static struct io_uring_sqe *uring_get_sqe(struct uring *r)
{
	unsigned int tail = *r->sq_tail;	/* only we write it */
	struct io_uring_sqe *sqe;

	if (tail - __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE) >= r->sq_entries)
		return NULL;
	sqe = &r->sqes[tail & r->sq_mask];
	memset(sqe, 0, sizeof(*sqe));
	return sqe;
}

static int uring_need_wakeup(struct uring *r)
{
	return __atomic_load_n(r->sq_flags, __ATOMIC_RELAXED) & IORING_SQ_NEED_WAKEUP;
}

static void uring_submit(struct uring *r)
{
	__atomic_store_n(r->sq_tail, *r->sq_tail + 1, __ATOMIC_RELEASE);
	/* as for xsc: the SQ thread sets NEED_WAKEUP, then rechecks the tail */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (uring_need_wakeup(r))
		syscall(__NR_io_uring_enter, r->fd, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0);
}

/* Hand out the results of the completed SQEs; returns how many. */
static unsigned int uring_reap(struct uring *r)
{
	unsigned int head = *r->cq_head, n = 0;
	unsigned int tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
	struct io_uring_cqe *cqe;
	struct uring_req *req;

	for (; head != tail; head++, n++) {
		cqe = &r->cqes[head & r->cq_mask];
		req = (struct uring_req *)(uintptr_t)cqe->user_data;
		req->res = cqe->res;
		req->done = 1;
		if (req->t)
			ut_wake(req->t);
	}
	__atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
	return n;
}

/* Spin like xsc_wait(), then sleep until a CQE arrives. */
static int uring_wait(struct uring *r)
{
	unsigned int i, flags = IORING_ENTER_GETEVENTS;

	for (i = 0; i < opt.spin; i++) {
		if (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) != *r->cq_head)
			return 0;
		__builtin_ia32_pause();
	}
	if (uring_need_wakeup(r))
		flags |= IORING_ENTER_SQ_WAKEUP;
	if (syscall(__NR_io_uring_enter, r->fd, 0, 1, flags, NULL, 0) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

/* struct ut_sched.poll for user-level threads waiting on CQEs */
static int uring_poll(struct ut_sched *s, int wait, void *arg)
{
	struct uring *r = arg;
	int err;

	if (uring_reap(r) || !wait)
		return 0;
	err = uring_wait(r);
	uring_reap(r);
	return err;
}

static long call_trap(struct worker *w, long nr, long a0, long a1, long a2, long a3)
{
	long ret = syscall(nr, a0, a1, a2, a3);

	return ret < 0 ? -errno : ret;
}

static long call_xsc(struct worker *w, long nr, long a0, long a1, long a2, long a3)
{
	return xsc_syscall(&xsc, nr, a0, a1, a2, a3, 0L, 0L);
}

/* The calls the workload makes, as SQEs; off -1: the file position. */
static long call_uring(struct worker *w, long nr, long a0, long a1, long a2, long a3)
{
	struct uring_req req = { .t = ut_self() };
	struct uring *r = w->ring;
	struct io_uring_sqe *sqe;
	int err;

	while (!(sqe = uring_get_sqe(r)))
		ut_yield();
	sqe->fd = a0;
	switch (nr) {
	case SYS_openat:
		sqe->opcode = IORING_OP_OPENAT;
		sqe->addr = a1;
		sqe->open_flags = a2;
		sqe->len = a3;
		break;
	case SYS_write:
	case SYS_read:
	case SYS_pread64:
		sqe->opcode = nr == SYS_write ? IORING_OP_WRITE : IORING_OP_READ;
		sqe->addr = a1;
		sqe->len = a2;
		sqe->off = nr == SYS_pread64 ? a3 : -1;
		break;
	case SYS_close:
		sqe->opcode = IORING_OP_CLOSE;
		break;
	case SYS_getpid:
		sqe->opcode = IORING_OP_NOP;
		sqe->fd = -1;
		break;
	default:
		return -EOPNOTSUPP;
	}
	sqe->user_data = (uintptr_t)&req;
	uring_submit(r);
	if (req.t) {
		ut_park();
	} else {
		while (!req.done) {
			err = uring_wait(r);
			if (err)
				return err;
			uring_reap(r);
		}
	}
	return req.res;
}

static long (* const method_call[NR_METHODS])(struct worker *, long, long, long, long, long) = {
	call_trap, call_xsc, call_uring
};

static int fail(struct worker *w, const char *what, long err)
{
	w->failed = what;
	w->err = err < 0 ? err : -EIO;	/* a short read or write */
	return -1;
}

static unsigned char pattern(struct worker *w, unsigned int round, unsigned int i)
{
	return w->id * 31 + round * 7 + i;
}

static int one_round(struct worker *w, unsigned int round)
{
	unsigned char buf[BLOCK], rbuf[BLOCK];
	unsigned int i;
	long fd, ret;

	fd = w->call(w, SYS_openat, AT_FDCWD, (long)w->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return fail(w, "open", fd);
	for (i = 0; i < opt.depth; i++) {
		memset(buf, pattern(w, round, i), BLOCK);
		ret = w->call(w, SYS_write, fd, (long)buf, BLOCK, 0);
		if (ret != BLOCK)
			return fail(w, "write", ret);
	}
	ret = w->call(w, SYS_close, fd, 0, 0, 0);
	if (ret)
		return fail(w, "close", ret);

	fd = w->call(w, SYS_openat, AT_FDCWD, (long)w->path, O_RDONLY, 0);
	if (fd < 0)
		return fail(w, "reopen", fd);
	for (i = 0; i < opt.depth; i++) {
		ret = w->call(w, SYS_read, fd, (long)rbuf, BLOCK, 0);
		if (ret != BLOCK)
			return fail(w, "read", ret);
		memset(buf, pattern(w, round, i), BLOCK);
		if (memcmp(buf, rbuf, BLOCK))
			w->bad++;
	}
	ret = w->call(w, SYS_close, fd, 0, 0, 0);
	if (ret)
		return fail(w, "close", ret);
	return 0;
}

static void workload(void *arg)
{
	struct worker *w = arg;
	unsigned int round;

	for (round = 0; round < opt.rounds; round++)
		if (one_round(w, round))
			break;
}

struct run {
	int method;
	unsigned int u, nos;		/* workers, OS threads */
	struct worker *w;
	pthread_barrier_t start;
};

struct os_thread {
	struct run *run;
	unsigned int idx;
	pthread_t tid;
	int err;
	double t0, t1;			/* when it started and finished the work */
};

static void *os_thread_main(void *arg)
{
	struct os_thread *ot = arg;
	struct run *run = ot->run;
	struct ut_sched s;
	unsigned int i;

	if (run->method == M_TRAP) {
		pthread_barrier_wait(&run->start);
		ot->t0 = now();
		workload(&run->w[ot->idx]);
		ot->t1 = now();
		return NULL;
	}
	ut_sched_init(&s, run->method == M_XSC ? &xsc : NULL);
	if (run->method == M_URING) {
		s.poll = uring_poll;
		s.poll_arg = &rings[ot->idx];
	}
	for (i = ot->idx; i < run->u && !ot->err; i += run->nos) {
		run->w[i].ring = &rings[ot->idx];
		ot->err = ut_spawn(&s, workload, &run->w[i], 0);
	}
	pthread_barrier_wait(&run->start);
	ot->t0 = now();
	if (!ot->err)
		ot->err = ut_sched_run(&s);
	ot->t1 = now();
	return NULL;
}

/* Microseconds per call for @u workers, or -1 after printing why not. */
static double run_method(int method, unsigned int u, struct worker *w)
{
	struct run run = { .method = method, .u = u, .w = w };
	struct os_thread *ot;
	unsigned int i, n;
	double t0, t1;
	int err = 0;

	run.nos = method == M_TRAP ? u : (opt.os_threads < u ? opt.os_threads : u);
	for (i = 0; i < u; i++) {
		w[i].call = method_call[method];
		w[i].err = 0;
		w[i].bad = 0;
	}
	ot = calloc(run.nos, sizeof(*ot));
	if (!ot) {
		perror("calloc");
		exit(1);
	}
	pthread_barrier_init(&run.start, NULL, run.nos + 1);
	for (n = 0; n < run.nos; n++) {
		ot[n] = (struct os_thread){ .run = &run, .idx = n };
		err = pthread_create(&ot[n].tid, NULL, os_thread_main, &ot[n]);
		if (err)
			break;
	}
	if (err) {
		/* nobody can pass the barrier now: a benchmark may just stop */
		fprintf(stderr, "%s: pthread_create: %s\n", method_name[method], strerror(err));
		exit(1);
	}
	pthread_barrier_wait(&run.start);
	for (i = 0; i < run.nos; i++)
		pthread_join(ot[i].tid, NULL);
	pthread_barrier_destroy(&run.start);

	/* from the first start to the last finish: this thread may run late */
	t0 = ot[0].t0;
	t1 = ot[0].t1;
	for (i = 0; i < run.nos; i++) {
		err = err ?: ot[i].err;
		t0 = ot[i].t0 < t0 ? ot[i].t0 : t0;
		t1 = ot[i].t1 > t1 ? ot[i].t1 : t1;
	}
	free(ot);
	if (err) {
		fprintf(stderr, "%s, u=%u: scheduler: %s\n", method_name[method], u,
			strerror(-err));
		return -1;
	}
	for (i = 0; i < u; i++) {
		if (w[i].err) {
			fprintf(stderr, "%s, u=%u: worker %u: %s: %s\n", method_name[method], u, i,
				w[i].failed, strerror(-w[i].err));
			return -1;
		}
		if (w[i].bad) {
			fprintf(stderr, "%s, u=%u: worker %u: %lu blocks read back wrong\n",
				method_name[method], u, i, w[i].bad);
			return -1;
		}
	}
	return (t1 - t0) * 1e6 / ((double)u * opt.rounds * NR_CALLS(opt.depth));
}

static int have_method(int m)
{
	if (!(opt.methods & (1 << m)))
		return 0;
	return m == M_TRAP || (m == M_XSC && have_xsc) || (m == M_URING && have_uring);
}

static void print_us(double us)
{
	if (us < 0)
		printf(" %10s", "-");
	else
		printf(" %10.2f", us);
}

static void print_ratio(double a, double b)
{
	if (a < 0 || b <= 0)
		printf(" %9s", "-");
	else
		printf(" %9.2f", a / b);
}

static void bench_files(void)
{
	unsigned int max_u = 0, i, k;
	double us[NR_METHODS];
	struct worker *w;
	int m;

	for (k = 0; k < opt.nr_us; k++)
		if (opt.us[k] > max_u)
			max_u = opt.us[k];
	w = calloc(max_u, sizeof(*w));
	if (!w) {
		perror("calloc");
		exit(1);
	}
	for (i = 0; i < max_u; i++) {
		w[i].id = i;
		snprintf(w[i].path, sizeof(w[i].path), "%s/xsc_bench.%d.%u", opt.dir, getpid(), i);
	}

	/* create the files and warm the caches outside the measurements */
	k = opt.rounds;
	opt.rounds = 1;
	if (run_method(M_TRAP, max_u, w) < 0)
		exit(1);
	opt.rounds = k;

	printf("\n# files: each worker: open, %u x write %u B, close, open, %u x read, close\n",
	       opt.depth, BLOCK, opt.depth);
	printf("# us/call = wall time / (u * %u rounds * %u calls)\n", opt.rounds,
	       NR_CALLS(opt.depth));
	printf("# xsc, uring: u user-level threads over %u OS thread(s)\n", opt.os_threads);
	printf("%5s %10s %10s %10s %9s %9s\n", "u", "trap", "xsc", "uring", "trap/xsc",
	       "uring/xsc");
	for (k = 0; k < opt.nr_us; k++) {
		for (m = 0; m < NR_METHODS; m++)
			us[m] = have_method(m) ? run_method(m, opt.us[k], w) : -1;
		printf("%5u", opt.us[k]);
		for (m = 0; m < NR_METHODS; m++)
			print_us(us[m]);
		print_ratio(us[M_TRAP], us[M_XSC]);
		print_ratio(us[M_URING], us[M_XSC]);
		printf("\n");
		fflush(stdout);
	}
	for (i = 0; i < max_u; i++)
		unlink(w[i].path);
	free(w);
}

/* One call at a time from this thread: ops/s and mean latency. */
static void bench_single(const char *name, long nr, long a0, long a1, long a2, long a3,
			 long expect)
{
	struct worker w = { .ring = rings };
	char err[NR_METHODS][128] = { "" };
	unsigned int i;
	double t0, t;
	long ret = 0;
	int m;

	printf("%-12s", name);
	for (m = 0; m < NR_METHODS; m++) {
		if (!have_method(m)) {
			printf(" %12s %9s", "-", "-");
			continue;
		}
		w.call = method_call[m];
		/* io_uring's null call is IORING_OP_NOP, which returns 0 */
		if (m == M_URING && nr == SYS_getpid)
			expect = 0;
		t0 = now();
		for (i = 0; i < opt.iters; i++) {
			ret = w.call(&w, nr, a0, a1, a2, a3);
			if (ret != expect)
				break;
		}
		t = now() - t0;
		if (i < opt.iters) {
			printf(" %12s %9s", "error", "-");
			snprintf(err[m], sizeof(err[m]), "%s %s: returned %ld, not %ld\n",
				 method_name[m], name, ret, expect);
			continue;
		}
		printf(" %12.0f %9.3f", opt.iters / t, t * 1e6 / opt.iters);
	}
	printf("\n");
	for (m = 0; m < NR_METHODS; m++)
		fputs(err[m], stderr);
}

static void bench_calls(void)
{
	char path[PATH_MAX], buf[BLOCK];
	int fd;

	snprintf(path, sizeof(path), "%s/xsc_bench.%d.pread", opt.dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || pwrite(fd, memset(buf, 'x', BLOCK), BLOCK, 0) != BLOCK) {
		perror(path);
		exit(1);
	}
	printf("\n# single calls, one at a time from one thread, %u each; us: mean latency\n",
	       opt.iters);
	printf("# null: getpid(), for io_uring IORING_OP_NOP\n");
	printf("%-12s %12s %9s %12s %9s %12s %9s\n", "call", "trap ops/s", "us", "xsc ops/s",
	       "us", "uring ops/s", "us");
	bench_single("null", SYS_getpid, 0, 0, 0, 0, getpid());
	bench_single("pread 512", SYS_pread64, fd, (long)buf, BLOCK, 0, BLOCK);
	close(fd);
	unlink(path);
}

/* Say what the directory lives on: the timings depend on it. */
static void print_fs(const char *dir)
{
	char line[4096], mnt[PATH_MAX], type[256], src[PATH_MAX], best[2 * PATH_MAX + 300] = "";
	char real[PATH_MAX];
	unsigned int maj, min;
	size_t best_len = 0;
	struct statfs sfs;
	struct stat st;
	char *dash;
	FILE *f;

	if (stat(dir, &st) || statfs(dir, &sfs) || !realpath(dir, real)) {
		perror(dir);
		exit(1);
	}
	f = fopen("/proc/self/mountinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, mnt) != 3 ||
		    sscanf(dash, " - %255s %4095s", type, src) != 2)
			continue;
		if (maj != major(st.st_dev) || min != minor(st.st_dev))
			continue;
		/* bind mounts share the device: prefer the longest prefix */
		if (strncmp(real, mnt, strlen(mnt)) || strlen(mnt) < best_len)
			continue;
		best_len = strlen(mnt);
		snprintf(best, sizeof(best), "%s from %s, mounted on %s", type, src, mnt);
	}
	if (f)
		fclose(f);
	printf("directory %s: %s (dev %u:%u, statfs f_type 0x%lx)\n", real,
	       best[0] ? best : "not in mountinfo", major(st.st_dev), minor(st.st_dev),
	       (unsigned long)sfs.f_type);
}

static void setup_xsc(void)
{
	struct xsc_params p;
	int err;

	memset(&p, 0, sizeof(p));
	p.nr_entries = opt.entries;
	p.nr_threads = opt.nr_threads;
	p.policy = opt.policy;
	p.idle_us = opt.idle_us;
	if (opt.first_cpu >= 0) {
		p.cpus_size = sizeof(opt.cpus);
		p.cpus = (uintptr_t)&opt.cpus;
	}
	err = xsc_open(&xsc, &p);
	if (err) {
		printf("xsc: unavailable: %s\n", strerror(-err));
		return;
	}
	xsc.spin = opt.spin;
	have_xsc = 1;
	printf("xsc: %u entries, %u syscall threads, policy %u, features 0x%x%s%s%s\n",
	       p.nr_entries, p.nr_threads, opt.policy, p.features,
	       p.features & XSC_FEAT_SECCOMP ? " seccomp" : "",
	       p.features & XSC_FEAT_IOPOLL ? " iopoll" : "",
	       p.features & XSC_FEAT_HANDOFF ? " handoff" : "");
}

static void setup_uring(void)
{
	unsigned int i, entries = 32, max_u = 0;
	int err;

	for (i = 0; i < opt.nr_us; i++)
		if (opt.us[i] > max_u)
			max_u = opt.us[i];
	while (entries < max_u)
		entries *= 2;
	rings = calloc(opt.os_threads, sizeof(*rings));
	if (!rings) {
		perror("calloc");
		exit(1);
	}
	for (i = 0; i < opt.os_threads; i++) {
		err = uring_init(&rings[i], entries, opt.first_cpu, i ? rings[0].fd : -1);
		if (err) {
			printf("uring: unavailable: io_uring_setup(SQPOLL): %s\n", strerror(-err));
			return;
		}
	}
	have_uring = 1;
	printf("uring: SQPOLL, %u SQ entries per ring, %u ring(s) sharing one SQ thread",
	       entries, opt.os_threads);
	if (opt.first_cpu >= 0)
		printf(" on CPU %d", opt.first_cpu);
	printf(", polling %u ms before sleeping\n", sq_idle_ms());
}

static int parse_list(const char *s, unsigned int *v, unsigned int max)
{
	unsigned int n = 0;
	char *end;

	while (*s && n < max) {
		v[n++] = strtoul(s, &end, 0);
		if (end == s || !v[n - 1] || (*end && *end != ','))
			return -1;
		s = *end ? end + 1 : end;
	}
	return *s ? -1 : (int)n;
}

static int parse_cpus(const char *s, cpu_set_t *set)
{
	unsigned long a, b;
	char *end;

	CPU_ZERO(set);
	while (*s) {
		a = strtoul(s, &end, 0);
		b = a;
		if (end == s)
			return -1;
		if (*end == '-')
			b = strtoul(end + 1, &end, 0);
		if (b < a || b >= CPU_SETSIZE || (*end && *end != ','))
			return -1;
		while (a <= b)
			CPU_SET(a++, set);
		s = *end ? end + 1 : end;
	}
	return CPU_COUNT(set) ? 0 : -1;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"Usage: %s [options]\n"
		"  -d DIR     directory for the files (default /tmp)\n"
		"  -r N       rounds per measurement (default 20)\n"
		"  -w N       writes and reads of %u bytes per file (default 8)\n"
		"  -u LIST    worker counts (default 1,2,4,8,16,32,64)\n"
		"  -p N       OS threads for the user-level threads (default 1)\n"
		"  -m LIST    methods among trap,xsc,uring (default all)\n"
		"  -n N       iterations of each single call (default 10000)\n"
		"  -s N       pause loops before sleeping (default %u)\n"
		"  -c CPUS    CPU list of the xsc pool and SQPOLL thread, e.g. 1 or 0-3\n"
		"  -a CPUS    CPU list of this program's threads (default: not pinned)\n"
		"  -t N       xsc syscall threads (default one per CPU)\n"
		"  -P POLICY  busy, idle or wakeup (default idle)\n"
		"  -i US      idle microseconds for the idle policy\n"
		"  -e N       xsc entries (default %u)\n",
		prog, BLOCK, XSC_SPIN_DEFAULT, XSC_DEFAULT_ENTRIES);
	exit(2);
}

static void parse_options(int argc, char **argv)
{
	int c, n, m;

	while ((c = getopt(argc, argv, "d:r:w:u:p:m:n:s:c:a:t:P:i:e:h")) != -1) {
		switch (c) {
		case 'd':
			opt.dir = optarg;
			break;
		case 'r':
			opt.rounds = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			opt.depth = strtoul(optarg, NULL, 0);
			break;
		case 'u':
			n = parse_list(optarg, opt.us, MAX_US);
			if (n <= 0)
				usage(argv[0]);
			opt.nr_us = n;
			break;
		case 'p':
			opt.os_threads = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			opt.methods = 0;
			for (m = 0; m < NR_METHODS; m++)
				if (strstr(optarg, method_name[m]))
					opt.methods |= 1 << m;
			break;
		case 'n':
			opt.iters = strtoul(optarg, NULL, 0);
			break;
		case 's':
			opt.spin = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			if (parse_cpus(optarg, &opt.cpus))
				usage(argv[0]);
			for (m = 0; !CPU_ISSET(m, &opt.cpus); m++)
				;
			opt.first_cpu = m;
			break;
		case 'a':
			if (parse_cpus(optarg, &opt.app_cpus))
				usage(argv[0]);
			opt.have_app_cpus = 1;
			break;
		case 't':
			opt.nr_threads = strtoul(optarg, NULL, 0);
			break;
		case 'P':
			if (!strcmp(optarg, "busy"))
				opt.policy = XSC_POLICY_BUSY;
			else if (!strcmp(optarg, "idle"))
				opt.policy = XSC_POLICY_IDLE;
			else if (!strcmp(optarg, "wakeup"))
				opt.policy = XSC_POLICY_WAKEUP;
			else
				usage(argv[0]);
			break;
		case 'i':
			opt.idle_us = strtoul(optarg, NULL, 0);
			break;
		case 'e':
			opt.entries = strtoul(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind < argc || !opt.rounds || !opt.depth || !opt.os_threads || !opt.iters)
		usage(argv[0]);
}

int main(int argc, char **argv)
{
	parse_options(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	print_fs(opt.dir);
	setup_xsc();
	setup_uring();
	/* after the pools exist, which take the affinity of their creator */
	if (opt.have_app_cpus &&
	    sched_setaffinity(0, sizeof(opt.app_cpus), &opt.app_cpus)) {
		perror("sched_setaffinity");
		return 1;
	}
	bench_files();
	bench_calls();
	if (have_xsc)
		xsc_close(&xsc);
	return 0;
}

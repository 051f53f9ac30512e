// SPDX-License-Identifier: GPL-2.0
/*
 * Exception-less system calls through the raw interface: xsc_setup(),
 * the mapped entries, xsc_enter().  Results must equal those of trapping
 * calls; bad input must fail cleanly; seccomp, credentials, fork, exec and
 * exit must behave as for trapping calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <pthread.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/xsc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"

#define TIMEOUT_MS	20000
#define HUGE_PARAMS	(64 << 20)	/* an all-zero xsc_params this large */

struct pool {
	int fd;
	struct xsc_params p;
	struct xsc_header *hdr;
	struct xsc_entry *ent;
};

static long xsc_setup(struct xsc_params *p, size_t size)
{
	return syscall(__NR_xsc_setup, p, size);
}

static long xsc_enter(int fd, unsigned int flags, unsigned int target)
{
	return syscall(__NR_xsc_enter, fd, flags, target, NULL, 0);
}

/* Returns 0 or -errno. */
static int pool_open(struct pool *pl, const struct xsc_params *p)
{
	void *map;

	memset(pl, 0, sizeof(*pl));
	if (p)
		pl->p = *p;
	pl->fd = xsc_setup(&pl->p, sizeof(pl->p));
	if (pl->fd < 0)
		return -errno;
	map = mmap(NULL, pl->p.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   pl->fd, 0);
	if (map == MAP_FAILED) {
		close(pl->fd);
		return -errno;
	}
	pl->hdr = map;
	pl->ent = map + pl->hdr->entries_offset;
	return 0;
}

static void pool_close(struct pool *pl)
{
	munmap(pl->hdr, pl->p.mmap_size);
	close(pl->fd);
}

static void pool_submit(struct pool *pl, unsigned int i, long nr, long a0,
			long a1, long a2, long a3, long a4, long a5)
{
	struct xsc_entry *e = &pl->ent[i];

	e->nr = nr;
	e->args[0] = a0;
	e->args[1] = a1;
	e->args[2] = a2;
	e->args[3] = a3;
	e->args[4] = a4;
	e->args[5] = a5;
	e->ret = 0x5a5a5a5a;
	__atomic_store_n(&e->status, XSC_ENTRY_SUBMITTED, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&pl->hdr->flags, __ATOMIC_ACQUIRE) &
	    XSC_HDR_NEED_WAKEUP)
		xsc_enter(pl->fd, XSC_ENTER_WAKEUP, 0);
}

static int entry_status(struct pool *pl, unsigned int i)
{
	return __atomic_load_n(&pl->ent[i].status, __ATOMIC_ACQUIRE);
}

/* Wait for entry @i; 0 and its result in *ret, or -ETIMEDOUT. */
static int pool_wait(struct pool *pl, unsigned int i, int ms, long *ret)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (entry_status(pl, i) != XSC_ENTRY_DONE) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			return -ETIMEDOUT;
		usleep(50);
	}
	*ret = pl->ent[i].ret;
	pl->ent[i].status = XSC_ENTRY_FREE;
	return 0;
}

static long pool_call6(struct pool *pl, unsigned int i, long nr, long a0,
		       long a1, long a2, long a3, long a4, long a5)
{
	long ret;

	pool_submit(pl, i, nr, a0, a1, a2, a3, a4, a5);
	if (pool_wait(pl, i, TIMEOUT_MS, &ret))
		return -ETIMEDOUT;
	return ret;
}

#define pool_call(pl, nr, ...) __pool_call(pl, nr, ##__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define __pool_call(pl, nr, a0, a1, a2, a3, a4, a5, ...) \
	pool_call6(pl, 0, nr, (long)(a0), (long)(a1), (long)(a2), (long)(a3), \
		   (long)(a4), (long)(a5))

/* The raw result of a trapping call: value or -errno, like an entry. */
static long trap(long r)
{
	return r < 0 ? -errno : r;
}

/* What a trap to a system call number that does not exist returns. */
static long unknown_call(void)
{
	return trap(syscall(100000));
}

static long fdinfo_value(int fd, const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = strtol(line + strlen(key) + 1, NULL, 0);
	fclose(f);
	return v;
}

static int online_cpus(void)
{
	cpu_set_t set;

	sched_getaffinity(0, sizeof(set), &set);
	return CPU_COUNT(&set);
}

TEST(setup_defaults)
{
	struct pool pl;

	ASSERT_EQ(0, pool_open(&pl, NULL));
	EXPECT_EQ(XSC_DEFAULT_ENTRIES, pl.p.nr_entries);
	EXPECT_EQ(online_cpus(), pl.p.nr_threads);
	EXPECT_EQ(3 * 4096, pl.p.mmap_size);
	EXPECT_TRUE(pl.p.features & XSC_FEAT_SECCOMP);
	EXPECT_EQ(XSC_MAGIC, pl.hdr->magic);
	EXPECT_EQ(128, pl.hdr->entry_size);
	EXPECT_EQ(4096, pl.hdr->entries_offset);
	EXPECT_EQ(pl.p.nr_entries, pl.hdr->nr_entries);
	EXPECT_EQ(FD_CLOEXEC, fcntl(pl.fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(getpid(), pool_call(&pl, SYS_getpid));
	pool_close(&pl);
}

TEST(bad_params)
{
	struct {
		struct xsc_params p;
		char tail[8];
	} big = {};
	struct xsc_params p;
	unsigned long cpus[2] = { 0, 0 };
	void *huge;
	int fd;

#define EXPECT_SETUP_FAILS(err, params, size) do {			\
		errno = 0;						\
		EXPECT_EQ(-1, xsc_setup(params, size));			\
		EXPECT_EQ(err, errno);					\
	} while (0)

	memset(&p, 0, sizeof(p));
	EXPECT_SETUP_FAILS(EINVAL, &p, XSC_PARAMS_SIZE_VER0 - 8);
	EXPECT_SETUP_FAILS(EINVAL, &p, 0);
	EXPECT_SETUP_FAILS(EFAULT, NULL, sizeof(p));
	EXPECT_SETUP_FAILS(EFAULT, (void *)1, sizeof(p));
	big.tail[3] = 1;
	EXPECT_SETUP_FAILS(E2BIG, &big.p, sizeof(big));
	/*
	 * Past a page, refused before the tail is read: an unprivileged
	 * caller's gigabytes of zeros must not hold a CPU.
	 */
	huge = mmap(NULL, HUGE_PARAMS, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, huge);
	EXPECT_SETUP_FAILS(E2BIG, huge, 4096 + 8);
	EXPECT_SETUP_FAILS(E2BIG, huge, HUGE_PARAMS);
	EXPECT_SETUP_FAILS(E2BIG, &p, SIZE_MAX);
	munmap(huge, HUGE_PARAMS);

	p = (struct xsc_params){ .flags = 1U << 7 };
	EXPECT_SETUP_FAILS(EINVAL, &p, sizeof(p));
	p = (struct xsc_params){ .policy = 3 };
	EXPECT_SETUP_FAILS(EINVAL, &p, sizeof(p));
	p = (struct xsc_params){ .nr_entries = XSC_MAX_ENTRIES + 1 };
	EXPECT_SETUP_FAILS(EINVAL, &p, sizeof(p));
	p = (struct xsc_params){ .nr_threads = XSC_MAX_THREADS + 1 };
	EXPECT_SETUP_FAILS(EINVAL, &p, sizeof(p));
	p = (struct xsc_params){ .policy = XSC_POLICY_BUSY, .idle_us = 5 };
	EXPECT_SETUP_FAILS(EINVAL, &p, sizeof(p));
	p = (struct xsc_params){ .resv = { 0, 0, 1 } };
	EXPECT_SETUP_FAILS(EINVAL, &p, sizeof(p));
	p = (struct xsc_params){ .resv32 = 1 };
	EXPECT_SETUP_FAILS(EINVAL, &p, sizeof(p));

	/* CPU sets: bad pointer, empty, CPUs that are not online. */
	p = (struct xsc_params){ .cpus = 8, .cpus_size = 8 };
	EXPECT_SETUP_FAILS(EFAULT, &p, sizeof(p));
	p = (struct xsc_params){ .cpus = (unsigned long)cpus,
				 .cpus_size = sizeof(cpus) };
	EXPECT_SETUP_FAILS(EINVAL, &p, sizeof(p));
	cpus[0] = 1UL << 63;
	EXPECT_SETUP_FAILS(EINVAL, &p, sizeof(p));
	cpus[0] = 1;
	cpus[1] = 1;
	EXPECT_SETUP_FAILS(EINVAL, &p, sizeof(p));

	/* A longer struct with a zero tail is accepted. */
	memset(&big, 0, sizeof(big));
	fd = xsc_setup(&big.p, sizeof(big));
	ASSERT_LE(0, fd);
	EXPECT_EQ(3 * 4096, big.p.mmap_size);

	/* The mapping must be exactly the pages, from offset 0. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, fd,
				   4096));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 3 * 4096, PROT_READ | PROT_EXEC,
				   MAP_SHARED, fd, 0));
	EXPECT_EQ(EPERM, errno);
	close(fd);
}

TEST(double_registration)
{
	struct xsc_params p = {};
	struct pool pl;

	ASSERT_EQ(0, pool_open(&pl, NULL));
	EXPECT_EQ(-1, xsc_setup(&p, sizeof(p)));
	EXPECT_EQ(EBUSY, errno);
	pool_close(&pl);
	/* Closing the file ends the registration. */
	ASSERT_EQ(0, pool_open(&pl, NULL));
	EXPECT_EQ(getpid(), pool_call(&pl, SYS_getpid));
	pool_close(&pl);
}

TEST(enter_bad_input)
{
	struct pool pl;
	int nullfd = open("/dev/null", O_RDONLY);

	ASSERT_EQ(0, pool_open(&pl, NULL));
	EXPECT_EQ(-1, xsc_enter(pl.fd, 1U << 5, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, syscall(__NR_xsc_enter, pl.fd, 0, 0, &pl, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, syscall(__NR_xsc_enter, pl.fd, 0, 0, NULL, 8));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, xsc_enter(nullfd, XSC_ENTER_WAKEUP, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, xsc_enter(-1, XSC_ENTER_WAKEUP, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(0, xsc_enter(pl.fd, XSC_ENTER_WAKEUP, 0));
	/* Already reached: returns at once. */
	EXPECT_EQ(0, xsc_enter(pl.fd, XSC_ENTER_WAIT, pl.hdr->completed));
	close(nullfd);
	pool_close(&pl);
}

TEST(same_results_as_trapping_calls)
{
	char wbuf[4096], rbuf[4096], rbuf2[4096];
	char path[] = "/tmp/xsc-same-XXXXXX";
	struct stat st_trap, st_xsc;
	struct iovec iov[2];
	struct pool pl;
	int fd, tfd, i;

	for (i = 0; i < sizeof(wbuf); i++)
		wbuf[i] = (char)(i * 7 + 3);
	ASSERT_EQ(0, pool_open(&pl, NULL));

	EXPECT_EQ(getpid(), pool_call(&pl, SYS_getpid));
	EXPECT_EQ(getppid(), pool_call(&pl, SYS_getppid));
	EXPECT_EQ(getuid(), pool_call(&pl, SYS_getuid));
	EXPECT_EQ(getegid(), pool_call(&pl, SYS_getegid));

	tfd = mkstemp(path);
	ASSERT_LE(0, tfd);
	close(tfd);
	fd = pool_call(&pl, SYS_openat, AT_FDCWD, path, O_RDWR | O_TRUNC);
	ASSERT_LE(0, fd);
	/* The descriptor belongs to the process: usable by trapping calls. */
	EXPECT_EQ(0, fcntl(fd, F_GETFD));

	EXPECT_EQ(1000, pool_call(&pl, SYS_write, fd, wbuf, 1000));
	EXPECT_EQ(1000, pool_call(&pl, SYS_pwrite64, fd, wbuf + 1000, 1000,
				  1000));
	iov[0] = (struct iovec){ wbuf + 2000, 1000 };
	iov[1] = (struct iovec){ wbuf + 3000, 1096 };
	EXPECT_EQ(2096, pool_call(&pl, SYS_pwritev, fd, iov, 2, 2000, 0));
	EXPECT_EQ(0, pool_call(&pl, SYS_fsync, fd));
	EXPECT_EQ(0, pool_call(&pl, SYS_fdatasync, fd));
	EXPECT_EQ(1000, pool_call(&pl, SYS_lseek, fd, 0, SEEK_CUR));
	EXPECT_EQ(lseek(fd, 0, SEEK_END), 4096);
	EXPECT_EQ(0, pool_call(&pl, SYS_lseek, fd, 0, SEEK_SET));

	memset(rbuf, 0, sizeof(rbuf));
	EXPECT_EQ(4096, pool_call(&pl, SYS_read, fd, rbuf, sizeof(rbuf)));
	EXPECT_EQ(0, memcmp(rbuf, wbuf, sizeof(wbuf)));
	EXPECT_EQ(0, pool_call(&pl, SYS_read, fd, rbuf, sizeof(rbuf)));
	memset(rbuf, 0, sizeof(rbuf));
	EXPECT_EQ(96, pool_call(&pl, SYS_pread64, fd, rbuf, 100, 4000));
	EXPECT_EQ(0, memcmp(rbuf, wbuf + 4000, 96));
	memset(rbuf, 0, sizeof(rbuf));
	iov[0] = (struct iovec){ rbuf, 10 };
	iov[1] = (struct iovec){ rbuf + 10, 20 };
	EXPECT_EQ(50, pool_call(&pl, SYS_lseek, fd, 50, SEEK_SET));
	EXPECT_EQ(30, pool_call(&pl, SYS_readv, fd, iov, 2));
	EXPECT_EQ(0, memcmp(rbuf, wbuf + 50, 30));

	/* Same answers as trapping calls on the same file. */
	ASSERT_EQ(0, fstat(fd, &st_trap));
	EXPECT_EQ(0, pool_call(&pl, SYS_fstat, fd, &st_xsc));
	EXPECT_EQ(0, memcmp(&st_trap, &st_xsc, sizeof(st_trap)));
	EXPECT_EQ(0, pool_call(&pl, SYS_newfstatat, AT_FDCWD, path, &st_xsc,
			       0));
	EXPECT_EQ(st_trap.st_ino, st_xsc.st_ino);
	EXPECT_EQ(st_trap.st_size, st_xsc.st_size);
	EXPECT_EQ(trap(pread(fd, rbuf2, 512, 512)),
		  pool_call(&pl, SYS_pread64, fd, rbuf, 512, 512));
	EXPECT_EQ(0, memcmp(rbuf, rbuf2, 512));
	EXPECT_EQ(0, pool_call(&pl, SYS_ftruncate, fd, 100));
	ASSERT_EQ(0, fstat(fd, &st_trap));
	EXPECT_EQ(100, st_trap.st_size);

	/* Errors too: same errno as the trap. */
	EXPECT_EQ(trap(read(9999, rbuf, 1)),
		  pool_call(&pl, SYS_read, 9999, rbuf, 1));
	EXPECT_EQ(trap(openat(AT_FDCWD, "/nonexistent/x", O_RDONLY)),
		  pool_call(&pl, SYS_openat, AT_FDCWD, "/nonexistent/x",
			    O_RDONLY));
	EXPECT_EQ(trap(lseek(fd, -5, SEEK_SET)),
		  pool_call(&pl, SYS_lseek, fd, -5, SEEK_SET));
	EXPECT_EQ(trap(pread(fd, rbuf, 1, -1)),
		  pool_call(&pl, SYS_pread64, fd, rbuf, 1, -1));

	EXPECT_EQ(0, pool_call(&pl, SYS_close, fd));
	EXPECT_EQ(-1, fcntl(fd, F_GETFD));
	EXPECT_EQ(-EBADF, pool_call(&pl, SYS_close, fd));
	EXPECT_EQ(0, pool_call(&pl, SYS_unlinkat, AT_FDCWD, path, 0));
	EXPECT_EQ(-1, access(path, F_OK));
	pool_close(&pl);
}

TEST(calls_outside_the_set_get_enosys)
{
	static const long refused[] = {
		SYS_gettid, SYS_clone, SYS_fork, SYS_vfork, SYS_execve,
		SYS_exit, SYS_exit_group, SYS_kill, SYS_rt_sigaction,
		SYS_rt_sigreturn, SYS_setuid, SYS_mmap, SYS_prctl,
		SYS_seccomp, 463, 464, 9999, 0x40000000, -1,
	};
	struct pool pl;
	int i;

	ASSERT_EQ(0, pool_open(&pl, NULL));
	for (i = 0; i < ARRAY_SIZE(refused); i++)
		EXPECT_EQ(unknown_call(), pool_call(&pl, refused[i], 0, 0, 0)) {
			TH_LOG("call %ld", refused[i]);
		}
	EXPECT_EQ(getpid(), pool_call(&pl, SYS_getpid));
	EXPECT_LE(ARRAY_SIZE(refused), fdinfo_value(pl.fd, "xsc-nosys"));
	pool_close(&pl);
}

/* The calling thread's CPU clock of thread "0", as glibc would make it. */
#define OWN_THREAD_SCHED_CLOCK	((clockid_t)((~0U << 3) | 4 | 2))

/*
 * A clock call on the calling thread's own CPU clock would read the
 * syscall thread's: it fails as an unknown call.  The process's clock and
 * a thread's clock named by its id mean the same and run.
 */
TEST(own_thread_clocks_get_enosys)
{
	struct timespec ts = { 0, 1000 }, before, page;
	clockid_t mine;
	struct pool pl;

	ASSERT_EQ(0, pool_open(&pl, NULL));
	EXPECT_EQ(unknown_call(), pool_call(&pl, SYS_clock_gettime,
					    CLOCK_THREAD_CPUTIME_ID, &page));
	EXPECT_EQ(unknown_call(), pool_call(&pl, SYS_clock_gettime,
					    OWN_THREAD_SCHED_CLOCK, &page));
	EXPECT_EQ(unknown_call(), pool_call(&pl, SYS_clock_nanosleep,
					    CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL));
	EXPECT_EQ(0, pool_call(&pl, SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &page));
	EXPECT_EQ(0, pool_call(&pl, SYS_clock_gettime, CLOCK_MONOTONIC, &page));

	/* Our thread's clock by its id: ours, not the syscall thread's. */
	ASSERT_EQ(0, pthread_getcpuclockid(pthread_self(), &mine));
	ASSERT_EQ(0, clock_gettime(mine, &before));
	EXPECT_EQ(0, pool_call(&pl, SYS_clock_gettime, mine, &page));
	EXPECT_LE(before.tv_sec * 1000000000LL + before.tv_nsec,
		  page.tv_sec * 1000000000LL + page.tv_nsec);
	EXPECT_LE(3, fdinfo_value(pl.fd, "xsc-nosys"));
	pool_close(&pl);
}

static int got_sigxfsz;

static void on_sigxfsz(int sig)
{
	__atomic_store_n(&got_sigxfsz, 1, __ATOMIC_RELAXED);
}

/*
 * In a child: one call through the page that raises @sig on its caller
 * (SIGPIPE: a write to a pipe without readers; SIGXFSZ: a write past
 * RLIMIT_FSIZE), with the signal at @action.  Exits 0 if the call gave
 * @want and, with a handler, the handler ran; dies of the signal at its
 * default action.
 */
static void raise_through_page(int sig, void (*action)(int), long want)
{
	struct rlimit rl = { 4096, 4096 };
	struct pool pl;
	int fds[2];
	long ret;

	signal(sig, action);
	if (pool_open(&pl, NULL))
		_exit(10);
	if (sig == SIGPIPE) {
		if (pipe(fds))
			_exit(11);
		close(fds[0]);
		ret = pool_call(&pl, SYS_write, fds[1], "x", 1);
	} else {
		fds[1] = open("/tmp/xsc-fsize", O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fds[1] < 0 || setrlimit(RLIMIT_FSIZE, &rl))
			_exit(11);
		ret = pool_call(&pl, SYS_pwrite64, fds[1], "x", 1, 8192);
		unlink("/tmp/xsc-fsize");
	}
	/* Delivered at the latest when this thread next leaves the kernel. */
	usleep(100 * 1000);
	if (ret != want)
		_exit(12);
	if (action == on_sigxfsz && !__atomic_load_n(&got_sigxfsz, __ATOMIC_RELAXED))
		_exit(13);
	_exit(0);
}

/* A signal a call raises on its caller reaches the process. */
/*
 * /proc/thread-self through the page would name the syscall thread: it
 * fails with ENOENT.  /proc/self means the same from any thread.
 */
TEST(thread_self_paths_fail)
{
	char buf[64], want[64];
	struct pool pl;
	long r;

	ASSERT_EQ(0, pool_open(&pl, NULL));
	EXPECT_EQ(-ENOENT, pool_call(&pl, SYS_readlink, "/proc/thread-self", buf,
				     sizeof(buf)));
	EXPECT_EQ(-ENOENT, pool_call(&pl, SYS_open, "/proc/thread-self/stat", O_RDONLY));
	r = pool_call(&pl, SYS_readlink, "/proc/self", buf, sizeof(buf) - 1);
	ASSERT_LT(0, r);
	buf[r] = '\0';
	snprintf(want, sizeof(want), "%d", getpid());
	EXPECT_STREQ(want, buf);
	/* The trapping call still names this thread. */
	r = readlink("/proc/thread-self", buf, sizeof(buf) - 1);
	ASSERT_LT(0, r);
	buf[r] = '\0';
	snprintf(want, sizeof(want), "%d/task/%ld", getpid(), (long)syscall(SYS_gettid));
	EXPECT_STREQ(want, buf);
	pool_close(&pl);
}

TEST(signals_raised_go_to_the_caller)
{
	static const struct {
		int sig;
		void (*action)(int sig);
		long want;
		int status;	/* exit status, or the signal it dies of */
		bool dies;
	} cases[] = {
		{ SIGPIPE, SIG_DFL, -EPIPE, SIGPIPE, true },
		{ SIGPIPE, SIG_IGN, -EPIPE, 0, false },
		{ SIGXFSZ, SIG_DFL, -EFBIG, SIGXFSZ, true },
		{ SIGXFSZ, on_sigxfsz, -EFBIG, 0, false },
	};
	int i, status;
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			raise_through_page(cases[i].sig, cases[i].action, cases[i].want);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (cases[i].dies) {
			EXPECT_TRUE(WIFSIGNALED(status) &&
				    WTERMSIG(status) == cases[i].status) {
				TH_LOG("case %d (signal %d): status %#x, want death by it",
				       i, cases[i].sig, status);
			}
		} else {
			EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) {
				TH_LOG("case %d (signal %d): status %#x", i,
				       cases[i].sig, status);
			}
		}
	}
}

TEST(bad_pointers_give_efault)
{
	struct pool pl;
	int pfd[2];

	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, pool_open(&pl, NULL));
	EXPECT_EQ(-EFAULT, pool_call(&pl, SYS_write, pfd[1], 1, 10));
	EXPECT_EQ(-EFAULT, pool_call(&pl, SYS_write, pfd[1],
				     0xffffffff81000000UL, 10));
	EXPECT_EQ(-EFAULT, pool_call(&pl, SYS_openat, AT_FDCWD, 16, 0));
	EXPECT_EQ(-EFAULT, pool_call(&pl, SYS_fstat, pfd[0], 8));
	EXPECT_EQ(-EFAULT, pool_call(&pl, SYS_clock_gettime, CLOCK_MONOTONIC,
				     0xffff800000000000UL));
	/* The entry page itself is a valid buffer. */
	EXPECT_EQ(4, pool_call(&pl, SYS_write, pfd[1], &pl.ent[1].pad, 4));
	close(pfd[0]);
	close(pfd[1]);
	pool_close(&pl);
}

struct thread_arg {
	struct pool *pl;
	int index;
	int errors;
};

static void *thread_fn(void *data)
{
	struct thread_arg *a = data;
	char path[64], buf[512], back[512];
	unsigned int e = a->index;
	int i, fd;

	snprintf(path, sizeof(path), "/tmp/xsc-thr-%d-%d", getpid(), a->index);
	fd = pool_call6(a->pl, e, SYS_openat, AT_FDCWD, (long)path,
			O_RDWR | O_CREAT | O_TRUNC, 0600, 0, 0);
	if (fd < 0) {
		a->errors++;
		return NULL;
	}
	for (i = 0; i < 100; i++) {
		memset(buf, a->index * 31 + i, sizeof(buf));
		if (pool_call6(a->pl, e, SYS_pwrite64, fd, (long)buf, 512,
			       i * 512, 0, 0) != 512)
			a->errors++;
		if (pool_call6(a->pl, e, SYS_pread64, fd, (long)back, 512,
			       i * 512, 0, 0) != 512 ||
		    memcmp(buf, back, 512))
			a->errors++;
	}
	pool_call6(a->pl, e, SYS_close, fd, 0, 0, 0, 0, 0);
	unlink(path);
	return NULL;
}

TEST(many_threads)
{
	struct thread_arg args[16];
	pthread_t th[16];
	struct pool pl;
	int i;

	ASSERT_EQ(0, pool_open(&pl, NULL));
	for (i = 0; i < 16; i++) {
		args[i] = (struct thread_arg){ &pl, i, 0 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, thread_fn, &args[i]));
	}
	for (i = 0; i < 16; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, args[i].errors);
	}
	pool_close(&pl);
}

TEST(many_processes)
{
	int i, status, ok = 0;
	pid_t pid;

	for (i = 0; i < 6; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			struct thread_arg a;
			struct pool pl;

			if (pool_open(&pl, NULL))
				_exit(2);
			a = (struct thread_arg){ &pl, i, 0 };
			thread_fn(&a);
			if (pool_call(&pl, SYS_getpid) != getpid())
				a.errors++;
			_exit(a.errors ? 1 : 0);
		}
	}
	while (wait(&status) > 0)
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	EXPECT_EQ(6, ok);
}

static int deny_write(unsigned int action)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { ARRAY_SIZE(f), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* In a child: register, then add a filter; the pool must follow it. */
static int seccomp_child(unsigned int action, int pfd)
{
	struct pool pl;
	long r;

	if (pool_open(&pl, NULL))
		return 10;
	if (pool_call(&pl, SYS_write, pfd, "a", 1) != 1)
		return 11;
	if (deny_write(action))
		return 12;
	r = pool_call(&pl, SYS_write, pfd, "b", 1);
	if (action == (SECCOMP_RET_ERRNO | EPERM))
		return r == -EPERM ? 0 : 13;
	/* A trap needs the submitting thread: the call fails, no signal. */
	if ((action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRAP)
		return r == -EPERM ? 0 : 14;
	/* A kill action must have ended the process by now. */
	sleep(2);
	return 15;
}

/*
 * @fn(@arg, fd) in a child, with SIGSYS ignored; what it wrote to the fd
 * in @buf.  Returns how much that was, or -1.
 */
static ssize_t child_writes(int (*fn)(unsigned int arg, int pfd), unsigned int arg,
			    int *status, char *buf, size_t size)
{
	int pfd[2];
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (!pid) {
		signal(SIGSYS, SIG_IGN);
		_exit(fn(arg, pfd[1]));
	}
	close(pfd[1]);
	if (pid < 0 || waitpid(pid, status, 0) != pid)
		n = -1;
	else
		n = read(pfd[0], buf, size);
	close(pfd[0]);
	return n;
}

static void run_seccomp_case(struct __test_metadata *_metadata,
			     unsigned int action, int want_sig)
{
	char buf[8];
	int status = -1;

	/* Only the write made before the filter reached the pipe. */
	EXPECT_EQ(1, child_writes(seccomp_child, action, &status, buf, sizeof(buf)));
	EXPECT_EQ('a', buf[0]);
	if (want_sig) {
		EXPECT_TRUE(WIFSIGNALED(status));
		EXPECT_EQ(want_sig, WTERMSIG(status));
	} else {
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

TEST(seccomp_errno_denies_through_the_page)
{
	run_seccomp_case(_metadata, SECCOMP_RET_ERRNO | EPERM, 0);
}

TEST(seccomp_kill_kills_the_process)
{
	run_seccomp_case(_metadata, SECCOMP_RET_KILL_PROCESS, SIGSYS);
}

TEST(seccomp_trap_does_not_run_the_call)
{
	run_seccomp_case(_metadata, SECCOMP_RET_TRAP, 0);
}

/* A thread with a filter of its own (denying write), until told to exit. */
struct filtered_thread {
	pthread_t th;
	int ready;
	int stop;
	int result;
};

static void *filtered_thread_fn(void *arg)
{
	struct filtered_thread *ft = arg;

	/* Without TSYNC: this thread's filters only. */
	ft->result = deny_write(SECCOMP_RET_ERRNO | EACCES);
	__atomic_store_n(&ft->ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&ft->stop, __ATOMIC_ACQUIRE))
		usleep(1000);
	return NULL;
}

static int filtered_thread_start(struct filtered_thread *ft)
{
	memset(ft, 0, sizeof(*ft));
	if (pthread_create(&ft->th, NULL, filtered_thread_fn, ft))
		return -1;
	while (!__atomic_load_n(&ft->ready, __ATOMIC_ACQUIRE))
		usleep(1000);
	return ft->result;
}

static void filtered_thread_stop(struct filtered_thread *ft)
{
	__atomic_store_n(&ft->stop, 1, __ATOMIC_RELEASE);
	pthread_join(ft->th, NULL);
}

/* A joined thread leaves the thread list a moment later: retry a while. */
#define GONE_TRIES	200

/*
 * In a child.  Filters are per thread and any thread can submit to the
 * page: while a thread has filters of its own, registration and the
 * page's calls are refused with EPERM, the trap still runs; once it is
 * gone, both work again.
 */
static int divergent_filters_child(unsigned int unused, int pfd)
{
	struct filtered_thread ft;
	struct pool pl;
	long r = 0;
	int i;

	/* A stricter sibling already there. */
	if (filtered_thread_start(&ft))
		return 10;
	if (pool_open(&pl, NULL) != -EPERM)
		return 11;
	filtered_thread_stop(&ft);
	for (i = 0; i < GONE_TRIES && pool_open(&pl, NULL); i++)
		usleep(10000);
	if (i == GONE_TRIES)
		return 12;
	if (pool_call(&pl, SYS_write, pfd, "a", 1) != 1)
		return 13;

	/* A sibling that diverges later. */
	if (filtered_thread_start(&ft))
		return 14;
	if (pool_call(&pl, SYS_write, pfd, "b", 1) != -EPERM)
		return 15;
	if (write(pfd, "c", 1) != 1)
		return 16;
	filtered_thread_stop(&ft);
	for (i = 0; i < GONE_TRIES; i++) {
		r = pool_call(&pl, SYS_write, pfd, "d", 1);
		if (r != -EPERM)
			break;
		usleep(10000);
	}
	if (r != 1)
		return 17;
	pool_close(&pl);
	return 0;
}

TEST(seccomp_filters_of_every_thread)
{
	char buf[8];
	int status = -1;

	/* Nothing written through the page while the filters differed. */
	EXPECT_EQ(3, child_writes(divergent_filters_child, 0, &status, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "acd", 3));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(fork_child_has_no_access)
{
	struct pool pl;
	int status;
	pid_t pid;

	ASSERT_EQ(0, pool_open(&pl, NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The fd is inherited, the page is not, and cannot be had. */
		if (mmap(NULL, pl.p.mmap_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, pl.fd, 0) != MAP_FAILED || errno != EACCES)
			_exit(1);
		if (xsc_enter(pl.fd, XSC_ENTER_WAKEUP, 0) != -1 ||
		    errno != EACCES)
			_exit(2);
		/* Touching the parent's page address faults. */
		signal(SIGSEGV, SIG_DFL);
		__atomic_store_n(&pl.ent[0].status, 1, __ATOMIC_RELEASE);
		_exit(3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGSEGV, WTERMSIG(status));
	EXPECT_EQ(getpid(), pool_call(&pl, SYS_getpid));
	pool_close(&pl);
}

/* Child: leave calls blocked forever in the pool, then exit or exec. */
static void blocked_calls_then(struct __test_metadata *_metadata,
			       bool do_exec)
{
	struct timespec t0, t1;
	int status, i;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct timespec ts = { 600, 0 };
		struct pool pl;
		int pfd[2];
		char c;

		if (pipe(pfd) || pool_open(&pl, NULL))
			_exit(1);
		for (i = 0; i < 4; i++)
			pool_submit(&pl, i, SYS_read, pfd[0], (long)&c, 1, 0,
				    0, 0);
		pool_submit(&pl, 4, SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
		usleep(200000);
		if (do_exec)
			execl("/bin/true", "true", NULL);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_GT(30, t1.tv_sec - t0.tv_sec);
}

TEST(exit_with_calls_in_flight)
{
	blocked_calls_then(_metadata, false);
}

TEST(exec_with_calls_in_flight)
{
	blocked_calls_then(_metadata, true);
}

static int count_syscall_threads(void)
{
	char path[300], comm[32], want[32];
	struct dirent *d;
	int n = 0;
	DIR *dir;
	FILE *f;

	snprintf(want, sizeof(want), "xsc-%d\n", getpid());
	dir = opendir("/proc/self/task");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, want))
			n++;
		fclose(f);
	}
	closedir(dir);
	return n;
}

TEST(close_with_calls_in_flight)
{
	struct pool pl;
	int pfd[2], i;
	char c = 0;

	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, pool_open(&pl, NULL));
	EXPECT_EQ(online_cpus(), count_syscall_threads());
	pool_submit(&pl, 0, SYS_read, pfd[0], (long)&c, 1, 0, 0, 0);
	usleep(100000);
	EXPECT_EQ(XSC_ENTRY_BUSY, entry_status(&pl, 0));
	/* The registration ends with the last of the fd and the mapping. */
	pool_close(&pl);
	for (i = 0; i < 200 && count_syscall_threads(); i++)
		usleep(50000);
	EXPECT_EQ(0, count_syscall_threads());
	/* The blocked read was cancelled: the byte is still in the pipe. */
	ASSERT_EQ(1, write(pfd[1], "x", 1));
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	EXPECT_EQ('x', c);
	/* And the process can register again. */
	ASSERT_EQ(0, pool_open(&pl, NULL));
	EXPECT_EQ(getpid(), pool_call(&pl, SYS_getpid));
	pool_close(&pl);
	close(pfd[0]);
	close(pfd[1]);
}

TEST(slow_call_does_not_stall_the_page)
{
	struct timespec ts = { 2, 0 };
	unsigned long cpus = 1;
	struct xsc_params p = {
		.nr_threads = 2,
		.cpus = (unsigned long)&cpus,
		.cpus_size = sizeof(cpus),
	};
	struct pool pl;
	long ret;

	/* Two threads on one CPU: one polls, the other waits its turn. */
	ASSERT_EQ(0, pool_open(&pl, &p));
	EXPECT_EQ(2, pl.p.nr_threads);
	pool_submit(&pl, 0, SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
	usleep(100000);
	EXPECT_EQ(getpid(), pool_call6(&pl, 1, SYS_getpid, 0, 0, 0, 0, 0, 0));
	EXPECT_EQ(XSC_ENTRY_BUSY, entry_status(&pl, 0));
	EXPECT_LE(1, fdinfo_value(pl.fd, "xsc-handoffs"));
	ASSERT_EQ(0, pool_wait(&pl, 0, TIMEOUT_MS, &ret));
	EXPECT_EQ(0, ret);
	pool_close(&pl);
}

TEST(threads_are_pinned)
{
	unsigned long cpus = 1UL << 1;
	struct xsc_params p = {
		.nr_threads = 3,
		.cpus = (unsigned long)&cpus,
		.cpus_size = sizeof(cpus),
	};
	char path[300], comm[32], want[32];
	struct dirent *d;
	int found = 0;
	cpu_set_t set;
	struct pool pl;
	DIR *dir;
	FILE *f;

	if (online_cpus() < 2)
		SKIP(return, "needs 2 CPUs");
	ASSERT_EQ(0, pool_open(&pl, &p));
	snprintf(want, sizeof(want), "xsc-%d\n", getpid());
	dir = opendir("/proc/self/task");
	ASSERT_NE(NULL, dir);
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 d->d_name);
		f = fopen(path, "r");
		if (!f || !fgets(comm, sizeof(comm), f) || strcmp(comm, want)) {
			if (f)
				fclose(f);
			continue;
		}
		fclose(f);
		found++;
		ASSERT_EQ(0, sched_getaffinity(atoi(d->d_name), sizeof(set),
					       &set));
		EXPECT_EQ(1, CPU_COUNT(&set));
		EXPECT_TRUE(CPU_ISSET(1, &set));
		/* The pinning cannot be changed from outside. */
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		EXPECT_EQ(-1, sched_setaffinity(atoi(d->d_name), sizeof(set),
						&set));
	}
	closedir(dir);
	EXPECT_EQ(3, found);
	EXPECT_EQ(getpid(), pool_call(&pl, SYS_getpid));
	pool_close(&pl);
}

TEST(wakeup_policy_needs_the_wakeup_call)
{
	struct xsc_params p = { .policy = XSC_POLICY_WAKEUP };
	struct xsc_entry *e;
	struct pool pl;
	long ret;

	ASSERT_EQ(0, pool_open(&pl, &p));
	EXPECT_EQ(getpid(), pool_call(&pl, SYS_getpid));
	usleep(100000);
	ASSERT_TRUE(pl.hdr->flags & XSC_HDR_NEED_WAKEUP);
	/* Submitted without the wake-up: nobody picks it up. */
	e = &pl.ent[2];
	e->nr = SYS_getppid;
	__atomic_store_n(&e->status, XSC_ENTRY_SUBMITTED, __ATOMIC_RELEASE);
	usleep(200000);
	EXPECT_EQ(XSC_ENTRY_SUBMITTED, entry_status(&pl, 2));
	EXPECT_EQ(0, xsc_enter(pl.fd, XSC_ENTER_WAKEUP | XSC_ENTER_WAIT,
			       pl.hdr->completed + 1));
	ASSERT_EQ(0, pool_wait(&pl, 2, TIMEOUT_MS, &ret));
	EXPECT_EQ(getppid(), ret);
	EXPECT_LE(1, fdinfo_value(pl.fd, "xsc-wakeups"));
	pool_close(&pl);
}

TEST(wait_for_completion)
{
	struct timespec ts = { 0, 200000000 };
	struct timespec t0, t1;
	struct pool pl;
	unsigned int target;

	ASSERT_EQ(0, pool_open(&pl, NULL));
	target = pl.hdr->completed + 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pool_submit(&pl, 0, SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
	EXPECT_EQ(0, xsc_enter(pl.fd, XSC_ENTER_WAIT, target));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_EQ(XSC_ENTRY_DONE, entry_status(&pl, 0));
	EXPECT_LE(190, (t1.tv_sec - t0.tv_sec) * 1000 +
		  (t1.tv_nsec - t0.tv_nsec) / 1000000);
	pool_close(&pl);
}

TEST(credentials_follow_the_owner)
{
	int status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root to change credentials");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char path[] = "/tmp/xsc-cred-XXXXXX";
		struct pool pl;
		int fd = mkstemp(path);

		if (fd < 0 || fchmod(fd, 0600) || pool_open(&pl, NULL))
			_exit(1);
		close(fd);
		fd = pool_call(&pl, SYS_openat, AT_FDCWD, path, O_RDONLY);
		if (fd < 0)
			_exit(2);
		pool_call(&pl, SYS_close, fd);
		/* Drop privileges with a trap in the registering thread. */
		if (syscall(SYS_setresuid, 65534, 65534, 65534))
			_exit(3);
		if (pool_call(&pl, SYS_geteuid) != 65534)
			_exit(4);
		if (pool_call(&pl, SYS_openat, AT_FDCWD, path, O_RDONLY) !=
		    -EACCES)
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(polled_block_io)
{
	unsigned long flag = XSC_SETUP_IOPOLL;
	struct xsc_params p = { .flags = flag };
	char *buf, *back;
	struct pool pl;
	int fd, i, pollq = 0;
	FILE *f;

	fd = open("/dev/nullb0", O_RDWR | O_DIRECT);
	if (fd < 0)
		SKIP(return, "no /dev/nullb0 (null_blk) to test polled I/O");
	f = fopen("/sys/block/nullb0/queue/io_poll", "r");
	if (f) {
		if (fscanf(f, "%d", &pollq) != 1)
			pollq = 0;
		fclose(f);
	}
	buf = aligned_alloc(4096, 65536);
	back = aligned_alloc(4096, 65536);
	ASSERT_TRUE(buf && back);
	/*
	 * null_blk allocates its backing pages with GFP_NOIO when a sector
	 * is first written, which must not happen in a polled completion
	 * (iocb_bio_iopoll() holds the RCU read lock): write the region
	 * once through the interrupt path first.
	 */
	memset(buf, 0, 65536);
	for (i = 0; i < 16; i++)
		ASSERT_EQ(65536, pwrite(fd, buf, 65536, i * 65536L));
	ASSERT_EQ(0, pool_open(&pl, &p));
	for (i = 0; i < 16; i++) {
		memset(buf, i + 1, 65536);
		EXPECT_EQ(65536, pool_call(&pl, SYS_pwrite64, fd, buf, 65536,
					   i * 65536L));
	}
	for (i = 0; i < 16; i++) {
		memset(back, 0, 65536);
		EXPECT_EQ(65536, pool_call(&pl, SYS_pread64, fd, back, 65536,
					   i * 65536L));
		memset(buf, i + 1, 65536);
		EXPECT_EQ(0, memcmp(buf, back, 65536));
	}
	/* Same checks as the trap: misaligned direct I/O is refused. */
	EXPECT_EQ(trap(pread(fd, back + 1, 512, 0)),
		  pool_call(&pl, SYS_pread64, fd, back + 1, 512, 0));
	EXPECT_EQ(-EINVAL, pool_call(&pl, SYS_pread64, fd, back, 512, -4096));
	TH_LOG("queue io_poll=%d: %ld completions by polling, %ld by interrupt",
	       pollq, fdinfo_value(pl.fd, "xsc-io-polled"),
	       fdinfo_value(pl.fd, "xsc-io-irq"));
	if (pollq)
		EXPECT_LT(0, fdinfo_value(pl.fd, "xsc-io-polled"));
	EXPECT_EQ(32, fdinfo_value(pl.fd, "xsc-io-polled") +
		  fdinfo_value(pl.fd, "xsc-io-irq"));
	pool_close(&pl);
	free(buf);
	free(back);
	close(fd);
}

TEST(register_and_close_many_times)
{
	struct pool pl;
	int i;

	for (i = 0; i < 200; i++) {
		ASSERT_EQ(0, pool_open(&pl, NULL));
		ASSERT_EQ(getpid(), pool_call(&pl, SYS_getpid));
		pool_close(&pl);
	}
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Overshadow: overshadow_create() returns a region that reads as the source
 * at once while the pages move to the near node behind it.  The contents
 * must be right before, during and after the copy; writes must never reach
 * the source; the region must not be split, moved or inherited; bad input
 * must fail with the documented errors; exit, kill, destroy and signals
 * must never leave a waiter hanging; nothing may leak.
 *
 * Bad input goes through the raw system calls, the rest through
 * tools/lib/overshadow.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
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
#include <sys/uio.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "direct_io.h"
#include "numa_nodes.h"
#include "sysfs_util.h"
#include "../../../lib/overshadow/overshadow.h"

#define PAGE_SZ		4096UL
#define MIB		(1024UL * 1024)
#define GOLDEN		0x9e3779b97f4a7c15ULL
/* MemAvailable below which the 256 MiB cases are not run */
#define BIG_MIN_MIB	700
#define CHILD_MS	60000

/* The raw system calls, for the bad input: -1 and errno like syscall(2). */
static long sys_create(void *args, size_t size)
{
	return syscall(__NR_overshadow_create, args, size);
}

static long sys_wait(unsigned long to, unsigned int flags)
{
	return syscall(__NR_overshadow_wait, to, flags);
}

static long sys_test(unsigned long to, void *st, size_t size)
{
	return syscall(__NR_overshadow_test, to, st, size);
}

static long sys_destroy(unsigned long to, unsigned int flags)
{
	return syscall(__NR_overshadow_destroy, to, flags);
}

/* The errno of a system call number the kernel does not have. */
static int no_such_call(void)
{
	errno = 0;
	syscall(100000);
	return errno;
}

/* Why the overshadow system calls cannot be tested here, or NULL. */
static const char *overshadow_missing(void)
{
	errno = 0;
	if (sys_test(0, NULL, 0) < 0 && errno == no_such_call())
		return "overshadow syscalls not available (ENOSYS)";
	/* newer kernels have other calls with these numbers */
	if (access("/sys/kernel/multikernel", F_OK))
		return "no /sys/kernel/multikernel: syscalls 465-468 here are not overshadow's";
	return NULL;
}

/* @call must return -1 with errno @err. */
#define EXPECT_FAIL(err, call) do {					\
		long __ret;						\
		int __err;						\
									\
		errno = 0;						\
		__ret = (call);						\
		__err = errno;						\
		EXPECT_EQ(-1, __ret) {					\
			TH_LOG("%s returned %ld", #call, __ret);	\
		}							\
		EXPECT_EQ(err, __err) {					\
			TH_LOG("%s: %s", #call, strerror(__err));	\
		}							\
	} while (0)

static struct overshadow_args args_for(const void *from, size_t len)
{
	struct overshadow_args a;

	memset(&a, 0, sizeof(a));
	a.from = (unsigned long)from;
	a.len = len;
	return a;
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* The pattern: word i of a buffer holds i * GOLDEN ^ seed. */
static uint64_t pat(size_t i, uint64_t seed)
{
	return (uint64_t)i * GOLDEN ^ seed;
}

static void fill(void *buf, size_t len, uint64_t seed)
{
	uint64_t *p = buf, v = 0;
	size_t i;

	for (i = 0; i < len / 8; i++, v += GOLDEN)
		p[i] = v ^ seed;
}

/* The first of words [first, first + n) of @buf not in the pattern, or -1. */
static ssize_t bad_word(const void *buf, size_t first, size_t n, uint64_t seed)
{
	const uint64_t *p = buf;
	uint64_t v = (uint64_t)first * GOLDEN;
	size_t i;

	for (i = first; i < first + n; i++, v += GOLDEN)
		if (p[i] != (v ^ seed))
			return i;
	return -1;
}

static bool report_bad(struct __test_metadata *_metadata, const void *buf,
		       ssize_t i, uint64_t want, const char *what)
{
	const uint64_t *p = buf;

	if (i < 0)
		return true;
	TH_LOG("%s: word %zd (page %zd) is %#llx, want %#llx", what, i,
	       i * 8 / (ssize_t)PAGE_SZ, (unsigned long long)p[i],
	       (unsigned long long)want);
	return false;
}

/* Do the @len bytes at @buf hold the pattern?  Logs the first bad word. */
static bool pattern_ok(struct __test_metadata *_metadata, const void *buf,
		       size_t len, uint64_t seed, const char *what)
{
	ssize_t i = bad_word(buf, 0, len / 8, seed);

	return report_bad(_metadata, buf, i, pat(i, seed), what);
}

/* A quick look: the first and last word and one word of up to 257 pages. */
static bool sample_ok(struct __test_metadata *_metadata, const void *buf,
		      size_t len, uint64_t seed, const char *what)
{
	size_t pages = len / PAGE_SZ, step = pages / 256 + 1, pg, w;
	const uint64_t *p = buf;

	for (pg = 0; pg < pages; pg += step) {
		w = pg * (PAGE_SZ / 8) + pg % (PAGE_SZ / 8);
		if (p[w] != pat(w, seed))
			return report_bad(_metadata, buf, w, pat(w, seed), what);
	}
	w = len / 8 - 1;
	if (p[w] != pat(w, seed))
		return report_bad(_metadata, buf, w, pat(w, seed), what);
	return true;
}

/* The first word where @a and @b differ, or -1. */
static ssize_t first_diff(const uint64_t *a, const uint64_t *b, size_t words)
{
	size_t i;

	if (!memcmp(a, b, words * 8))
		return -1;
	for (i = 0; i < words; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

static bool same_words(struct __test_metadata *_metadata, const uint64_t *got,
		       const uint64_t *want, size_t len, const char *what)
{
	ssize_t i = first_diff(got, want, len / 8);

	return report_bad(_metadata, got, i, i < 0 ? 0 : want[i], what);
}

static bool status_complete(struct __test_metadata *_metadata, void *to,
			    size_t len, struct overshadow_status *st)
{
	bool ok;
	int ret;

	memset(st, 0xa5, sizeof(*st));
	ret = overshadow_test(to, st);
	if (ret < 0) {
		TH_LOG("overshadow_test: %s", strerror(errno));
		return false;
	}
	ok = ret == 1 && st->len == len && st->done == st->len &&
	     (st->flags & OVERSHADOW_STATUS_COMPLETE) &&
	     !(st->flags & OVERSHADOW_STATUS_FAILED) && !st->error &&
	     (st->engine == OVERSHADOW_ENGINE_CPU ||
	      st->engine == OVERSHADOW_ENGINE_DMA) &&
	     !(st->engine == OVERSHADOW_ENGINE_CPU && st->pages_dma);
	if (!ok)
		TH_LOG("status %d: len %llu (want %zu) done %llu flags %#x",
		       ret, (unsigned long long)st->len, len,
		       (unsigned long long)st->done, st->flags);
	if (!ok)
		TH_LOG("error %d engine %u pages_dma %llu", st->error,
		       st->engine, (unsigned long long)st->pages_dma);
	return ok;
}

/* Faults: siglongjmp() out of the handler. */
static sigjmp_buf fault_env;
static int fault_signal;
static char touch_sink;

static void fault_handler(int sig)
{
	fault_signal = sig;
	siglongjmp(fault_env, 1);
}

/* 0 if reading @addr (or writing @val there) works, else the signal. */
static int touch(void *addr, bool write, char val)
{
	struct sigaction sa, old_segv, old_bus;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fault_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	fault_signal = 0;
	if (!sigsetjmp(fault_env, 1)) {
		if (write)
			__atomic_store_n((char *)addr, val, __ATOMIC_RELAXED);
		else
			touch_sink = __atomic_load_n((char *)addr,
						     __ATOMIC_RELAXED);
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return fault_signal;
}

static long mem_avail_mib(void)
{
	return meminfo_kb("MemAvailable") / 1024;
}

/* Lines of /proc/self/maps, read without allocating memory. */
static int maps_lines(void)
{
	static char buf[65536];
	int fd, lines = 0;
	ssize_t n, i;

	fd = open("/proc/self/maps", O_RDONLY);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * waitpid() for at most @ms.  On timeout the child is killed and -1
 * returned; *status is then only valid if it could be reaped.
 */
static int wait_child(pid_t pid, int *status, int ms)
{
	double end = now_ms() + ms;
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() > end)
			break;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	end = now_ms() + 5000;
	while (waitpid(pid, status, WNOHANG) != pid && now_ms() < end)
		usleep(1000);
	return -1;
}

static pid_t my_tid(void)
{
	return syscall(SYS_gettid);
}

/* 1 if thread @tid is in system call @nr, 0 if not, -1 if unknown. */
static int in_syscall(pid_t tid, long nr)
{
	char path[64], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "running" while it runs: only a blocked thread shows its call */
	return isdigit((unsigned char)buf[0]) && strtol(buf, NULL, 10) == nr;
}

/* NUMA: node lists of /sys/devices/system/node, raw mbind/move_pages. */

static int current_node(void)
{
	unsigned int cpu, node;

	if (syscall(SYS_getcpu, &cpu, &node, NULL))
		return -1;
	return node;
}

/* Pin to CPU 0 (or the first allowed CPU); returns the CPU or -1. */
static int pin_first_cpu(void)
{
	cpu_set_t set;
	int cpu;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			break;
	if (cpu == CPU_SETSIZE)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	return cpu;
}

static long bind_to_node(void *addr, size_t len, int node)
{
	unsigned long mask = 1UL << node;

	return syscall(SYS_mbind, addr, len, MPOL_BIND, &mask,
		       8 * sizeof(mask), MPOL_MF_STRICT | MPOL_MF_MOVE);
}

/* The node of the page at @addr, or -errno (move_pages() status). */
static int page_node(void *addr)
{
	void *pages[1] = { addr };
	int status = -1;

	if (syscall(SYS_move_pages, 0, 1, pages, NULL, &status, 0))
		return -errno;
	return status;
}

FIXTURE(ovs) {
	int unused;
};

FIXTURE_SETUP(ovs)
{
	const char *why = overshadow_missing();

	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(ovs)
{
}

TEST_F_TIMEOUT(ovs, basic, 60)
{
	struct overshadow_status st;
	unsigned int engine = 0;
	uint64_t *src;
	void *to;

	src = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, src);
	fill(src, PAGE_SZ, 1);
	ASSERT_EQ(0, overshadow_create_node(src, PAGE_SZ, &to, 0,
					    OVERSHADOW_NODE_DEFAULT, &engine)) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}
	EXPECT_EQ(0, memcmp(to, src, PAGE_SZ));
	ksft_print_msg("engine: %s\n", overshadow_engine_name(engine));
	EXPECT_TRUE(engine == OVERSHADOW_ENGINE_CPU ||
		    engine == OVERSHADOW_ENGINE_DMA) {
		TH_LOG("engine %u", engine);
	}
	EXPECT_NE(src, to);
	EXPECT_EQ(0, (unsigned long)to % PAGE_SZ);

	EXPECT_EQ(0, overshadow_wait(to)) {
		TH_LOG("overshadow_wait: %s", strerror(errno));
	}
	EXPECT_TRUE(status_complete(_metadata, to, PAGE_SZ, &st));
	EXPECT_EQ(engine, st.engine);
	EXPECT_EQ(1, overshadow_test(to, NULL));
	EXPECT_TRUE(pattern_ok(_metadata, to, PAGE_SZ, 1, "to after wait"));

	EXPECT_EQ(0, overshadow_destroy(to));
	EXPECT_EQ(SIGSEGV, touch(to, false, 0));
	EXPECT_TRUE(pattern_ok(_metadata, src, PAGE_SZ, 1, "source"));
	munmap(src, PAGE_SZ);
}

#define FAIL_EVERY	"/sys/module/soft_memcpy/parameters/fail_every"

/*
 * Copies @len bytes with @flags; checks the contents and that the page
 * counts add up; returns the status in @st.
 */
static bool copy_with(struct __test_metadata *_metadata, size_t len,
		      unsigned int flags, struct overshadow_status *st)
{
	unsigned int engine = 0;
	uint64_t *src;
	bool ok = false;
	void *to;

	src = map_anon(len);
	if (!src)
		return false;
	fill(src, len, 7);
	if (overshadow_create_node(src, len, &to, flags,
				   OVERSHADOW_NODE_DEFAULT, &engine)) {
		int err = errno;

		munmap(src, len);
		errno = err;
		return false;
	}
	if (overshadow_wait(to)) {
		TH_LOG("overshadow_wait: %s", strerror(errno));
		goto destroy;
	}
	if (!status_complete(_metadata, to, len, st))
		goto destroy;
	if (st->engine != engine) {
		TH_LOG("engine %u, status says %u", engine, st->engine);
		goto destroy;
	}
	if (st->pages_dma + st->pages_cpu + st->pages_early +
	    st->pages_dma_failed != len / PAGE_SZ) {
		TH_LOG("pages: dma %llu cpu %llu early %llu dma_failed %llu of %zu",
		       st->pages_dma, st->pages_cpu, st->pages_early,
		       st->pages_dma_failed, len / PAGE_SZ);
		goto destroy;
	}
	ok = pattern_ok(_metadata, to, len, 7, "to after wait");
destroy:
	overshadow_destroy(to);
	munmap(src, len);
	return ok;
}

/* Each engine copies every page when asked to; the counts say which ran. */
TEST_F_TIMEOUT(ovs, engines, 120)
{
	struct overshadow_status st;
	size_t len = 4 * MIB;
	int ret;

	ASSERT_TRUE(copy_with(_metadata, len, OVERSHADOW_CREATE_CPU, &st)) {
		TH_LOG("CPU engine: %s", strerror(errno));
	}
	EXPECT_EQ(OVERSHADOW_ENGINE_CPU, st.engine);
	EXPECT_EQ(0, st.pages_dma + st.pages_dma_failed);
	ksft_print_msg("cpu engine: %llu pages by the engine, %llu early\n",
		       st.pages_cpu, st.pages_early);

	errno = 0;
	ret = copy_with(_metadata, len, OVERSHADOW_CREATE_DMA, &st);
	if (!ret && errno == ENODEV)
		SKIP(return, "no DMA_MEMCPY channel: the DMA engine is not tested");
	ASSERT_TRUE(ret) {
		TH_LOG("DMA engine: %s", strerror(errno));
	}
	EXPECT_EQ(OVERSHADOW_ENGINE_DMA, st.engine);
	EXPECT_EQ(0, st.pages_cpu + st.pages_dma_failed);
	EXPECT_LT(0, st.pages_dma);
	ksft_print_msg("dma engine: %llu pages by DMA, %llu early\n",
		       st.pages_dma, st.pages_early);
}

/* Failed DMA transfers are copied by the CPU, and the contents stay right. */
TEST_F_TIMEOUT(ovs, dma_failure_fallback, 120)
{
	struct overshadow_status st;
	bool ok;

	if (access(FAIL_EVERY, W_OK))
		SKIP(return, "no soft_memcpy fault injection (%s): DMA errors not tested",
		     FAIL_EVERY);
	ASSERT_EQ(0, mk_write_text(FAIL_EVERY, "5"));
	ok = copy_with(_metadata, 4 * MIB, OVERSHADOW_CREATE_DMA, &st);
	ASSERT_EQ(0, mk_write_text(FAIL_EVERY, "0"));
	ASSERT_TRUE(ok);
	ksft_print_msg("%llu pages by DMA, %llu by the CPU after a DMA error\n",
		       st.pages_dma, st.pages_dma_failed);
	EXPECT_LT(0, st.pages_dma_failed);
	EXPECT_LT(0, st.pages_dma);
}

/*
 * Once copied, the region's pages are ordinary pages: the kernel can pin
 * them (vmsplice() takes references with get_user_pages()).
 */
TEST_F_TIMEOUT(ovs, pinnable_after_wait, 60)
{
	size_t len = 16 * PAGE_SZ;
	struct iovec iov;
	uint64_t *src;
	int pfd[2];
	void *to;
	char buf[64];

	src = map_anon(len);
	ASSERT_NE(NULL, src);
	fill(src, len, 3);
	ASSERT_EQ(0, overshadow_create(src, len, &to, 0));
	ASSERT_EQ(0, overshadow_wait(to));
	ASSERT_EQ(0, pipe(pfd));
	iov.iov_base = to;
	iov.iov_len = sizeof(buf);
	EXPECT_EQ((ssize_t)sizeof(buf), vmsplice(pfd[1], &iov, 1, 0)) {
		TH_LOG("vmsplice: %s", strerror(errno));
	}
	EXPECT_EQ((ssize_t)sizeof(buf), read(pfd[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, src, sizeof(buf)));
	close(pfd[0]);
	close(pfd[1]);
	EXPECT_EQ(0, overshadow_destroy(to));
	munmap(src, len);
}

/* Tests run with each copy engine in turn. */
FIXTURE(engine) {
	int unused;
};

FIXTURE_VARIANT(engine) {
	unsigned int flags;
	const char *name;
};

FIXTURE_VARIANT_ADD(engine, cpu) {
	.flags = OVERSHADOW_CREATE_CPU,
	.name = "CPU",
};

FIXTURE_VARIANT_ADD(engine, dma) {
	.flags = OVERSHADOW_CREATE_DMA,
	.name = "DMA",
};

FIXTURE_SETUP(engine)
{
	const char *why = overshadow_missing();

	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(engine)
{
}

/* A source of @len bytes filled from @seed, or NULL. */
static void *filled_source(size_t len, uint64_t seed)
{
	void *src = map_anon(len);

	if (src)
		fill(src, len, seed);
	return src;
}

/*
 * The region of @src's @len bytes made by the engine @flags name; NULL
 * after a skip (no DMA channel) or a failed assertion, with @src unmapped.
 */
static void *create_with_engine(struct __test_metadata *_metadata,
				unsigned int flags, void *src, size_t len)
{
	void *to;

	if (!overshadow_create(src, len, &to, flags))
		return to;
	munmap(src, len);
	if (errno == ENODEV && (flags & OVERSHADOW_CREATE_DMA))
		SKIP(return NULL, "no DMA_MEMCPY channel: the DMA engine is not tested");
	ASSERT_TRUE(false) TH_LOG("overshadow_create: %s", strerror(errno));
	return NULL;
}

/*
 * During the copy, as a debugger sees the region (/proc/PID/mem, the way
 * ptrace reads and writes) and msync(MS_SYNC): a read gives what the
 * program reads, a write lands in the region and never in the source, msync
 * succeeds.  The last page of 16 MiB is still being copied when read.
 */
TEST_F_TIMEOUT(engine, debugger_during_copy, 120)
{
	const size_t len = 16 * MIB, last = len - PAGE_SZ;
	const uint64_t seed = 0x8180 + variant->flags, word = 0x0123456789abcdefULL;
	uint64_t got[PAGE_SZ / 8], *src, *to;
	int fd, done;

	src = filled_source(len, seed);
	ASSERT_NE(NULL, src);
	to = create_with_engine(_metadata, variant->flags, src, len);
	if (!to)
		return;
	fd = open("/proc/self/mem", O_RDWR);
	ASSERT_LE(0, fd);
	done = overshadow_test(to, NULL);
	EXPECT_EQ((ssize_t)PAGE_SZ, pread(fd, got, PAGE_SZ, (uintptr_t)to + last)) {
		TH_LOG("read of /proc/self/mem: %s", strerror(errno));
	}
	EXPECT_EQ(0, memcmp(got, (char *)src + last, PAGE_SZ));
	EXPECT_EQ(8, pwrite(fd, &word, 8, (uintptr_t)to + last + 8)) {
		TH_LOG("write of /proc/self/mem: %s", strerror(errno));
	}
	EXPECT_EQ(0, msync(to, len, MS_SYNC)) TH_LOG("msync: %s", strerror(errno));
	EXPECT_EQ(0, done) {
		TH_LOG("%s engine: the copy ended before it was read", variant->name);
	}
	EXPECT_EQ(word, to[(last + 8) / 8]);
	EXPECT_TRUE(pattern_ok(_metadata, src, len, seed, "source after the write"));

	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_EQ(word, to[(last + 8) / 8]);
	EXPECT_EQ((ssize_t)PAGE_SZ, pread(fd, got, PAGE_SZ, (uintptr_t)to));
	EXPECT_EQ(0, memcmp(got, src, PAGE_SZ));
	close(fd);
	EXPECT_EQ(0, overshadow_destroy(to));
	munmap(src, len);
}

#define RAMDISK		"/dev/ram0"

/* One page at @to through O_DIRECT to the ramdisk and back; 0 or -errno. */
static int direct_round_trip(void *to, void *back, const char **failed)
{
	int ret = direct_rw(RAMDISK, true, to, PAGE_SZ, 0, failed);

	return ret ?: direct_rw(RAMDISK, false, back, PAGE_SZ, 0, failed);
}

/*
 * The calls that pin a page and read it, on pages @first.. of @to (a copy
 * of @src): O_DIRECT pwrite() (to the ramdisk, read back), vmsplice(),
 * process_vm_readv(), MADV_POPULATE_READ and _WRITE.  Each uses its own
 * page; every byte must be the source's.
 */
static void pin_calls(struct __test_metadata *_metadata, const char *src,
		      char *to, size_t first, const char *when)
{
	char *page = to + first * PAGE_SZ, *want = (char *)src + first * PAGE_SZ;
	struct iovec local, remote;
	int pfd[2], err;
	const char *failed;
	char *buf;

	buf = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);

	err = direct_round_trip(page, buf, &failed);
	EXPECT_EQ(0, err) TH_LOG("%s: O_DIRECT %s: %s", when, failed, strerror(-err));
	EXPECT_EQ(0, memcmp(buf, want, PAGE_SZ)) TH_LOG("%s: O_DIRECT bytes", when);

	page += PAGE_SZ;
	want += PAGE_SZ;
	ASSERT_EQ(0, pipe(pfd));
	local.iov_base = page;
	local.iov_len = PAGE_SZ;
	EXPECT_EQ((ssize_t)PAGE_SZ, vmsplice(pfd[1], &local, 1, 0)) {
		TH_LOG("%s: vmsplice: %s", when, strerror(errno));
	}
	memset(buf, 0, PAGE_SZ);
	EXPECT_EQ((ssize_t)PAGE_SZ, read(pfd[0], buf, PAGE_SZ));
	EXPECT_EQ(0, memcmp(buf, want, PAGE_SZ)) TH_LOG("%s: vmsplice bytes", when);
	close(pfd[0]);
	close(pfd[1]);

	page += PAGE_SZ;
	want += PAGE_SZ;
	local.iov_base = buf;
	remote.iov_base = page;
	local.iov_len = PAGE_SZ;
	remote.iov_len = PAGE_SZ;
	memset(buf, 0, PAGE_SZ);
	EXPECT_EQ((ssize_t)PAGE_SZ, process_vm_readv(getpid(), &local, 1,
						     &remote, 1, 0)) {
		TH_LOG("%s: process_vm_readv: %s", when, strerror(errno));
	}
	EXPECT_EQ(0, memcmp(buf, want, PAGE_SZ)) {
		TH_LOG("%s: process_vm_readv bytes", when);
	}

	page += PAGE_SZ;
	want += PAGE_SZ;
	EXPECT_EQ(0, madvise(page, 4 * PAGE_SZ, MADV_POPULATE_READ)) {
		TH_LOG("%s: MADV_POPULATE_READ: %s", when, strerror(errno));
	}
	EXPECT_EQ(0, madvise(page + 4 * PAGE_SZ, 4 * PAGE_SZ,
			     MADV_POPULATE_WRITE)) {
		TH_LOG("%s: MADV_POPULATE_WRITE: %s", when, strerror(errno));
	}
	EXPECT_EQ(0, memcmp(page, want, 8 * PAGE_SZ)) {
		TH_LOG("%s: bytes after MADV_POPULATE_*", when);
	}
	munmap(buf, PAGE_SZ);
}

/* Pages pin_calls() copies ahead of the engine: 3 pins, 4 populated writes. */
#define PIN_CALLS_EARLY	7
#define PIN_CALLS_PAGES	11

/*
 * Calls that pin the region, during the copy and after it: each works on
 * pages not yet copied (copied first, counted as early) and on copied
 * ones, and the bytes are the source's.  16 MiB: the last pages are still
 * being copied when they are pinned.
 */
TEST_F_TIMEOUT(engine, pins_during_copy, 120)
{
	const size_t len = 16 * MIB, pages = len / PAGE_SZ;
	const uint64_t seed = 0x9170 + variant->flags;
	struct overshadow_status before, after;
	char *src, *to;

	if (access(RAMDISK, W_OK))
		SKIP(return, "no %s: O_DIRECT is not tested", RAMDISK);
	src = filled_source(len, seed);
	ASSERT_NE(NULL, src);
	to = create_with_engine(_metadata, variant->flags, src, len);
	if (!to)
		return;
	ASSERT_EQ(0, overshadow_test(to, &before));
	/* Map the source under the pages first, as a program that read them. */
	EXPECT_EQ(0, memcmp(to + (pages - PIN_CALLS_PAGES) * PAGE_SZ,
			    src + (pages - PIN_CALLS_PAGES) * PAGE_SZ,
			    PIN_CALLS_PAGES * PAGE_SZ));
	pin_calls(_metadata, src, to, pages - PIN_CALLS_PAGES, "during");
	EXPECT_EQ(0, overshadow_test(to, &after)) {
		TH_LOG("%s engine: the copy ended before the pins", variant->name);
	}
	ksft_print_msg("%s engine: %llu pages copied early for the pins, %llu of %zu KiB done\n",
		       variant->name, after.pages_early - before.pages_early,
		       after.done >> 10, len >> 10);
	EXPECT_LE(PIN_CALLS_EARLY, after.pages_early - before.pages_early);

	ASSERT_EQ(0, overshadow_wait(to));
	ASSERT_EQ(1, overshadow_test(to, &before));
	pin_calls(_metadata, src, to, 0, "after");
	ASSERT_EQ(1, overshadow_test(to, &after));
	EXPECT_EQ(before.pages_early, after.pages_early);
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to"));
	EXPECT_TRUE(pattern_ok(_metadata, src, len, seed, "source"));
	EXPECT_EQ(0, overshadow_destroy(to));
	munmap(src, len);
}

/* Contents right after create, during the copy and after it. */
FIXTURE(sizes) {
	int unused;
};

FIXTURE_VARIANT(sizes) {
	size_t len;
};

FIXTURE_VARIANT_ADD(sizes, page1) {
	.len = PAGE_SZ,
};

FIXTURE_VARIANT_ADD(sizes, pages3) {
	.len = 3 * PAGE_SZ,
};

FIXTURE_VARIANT_ADD(sizes, mib1) {
	.len = MIB,
};

FIXTURE_VARIANT_ADD(sizes, mib64) {
	.len = 64 * MIB,
};

FIXTURE_VARIANT_ADD(sizes, mib256) {
	.len = 256 * MIB,
};

FIXTURE_SETUP(sizes)
{
	const char *why = overshadow_missing();

	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(sizes)
{
}

TEST_F_TIMEOUT(sizes, contents, 300)
{
	size_t len = variant->len;
	uint64_t seed = len * 31 + 7;
	struct overshadow_status st;
	unsigned int engine = 0;
	long avail = mem_avail_mib();
	int before_wait;
	void *src, *to;

	if (len >= 256 * MIB && avail < BIG_MIN_MIB)
		SKIP(return, "MemAvailable %ld MiB < %d MiB for %zu MiB",
		     avail, BIG_MIN_MIB, len / MIB);
	src = map_anon(len);
	ASSERT_NE(NULL, src);
	fill(src, len, seed);

	ASSERT_EQ(0, overshadow_create_node(src, len, &to, 0,
					    OVERSHADOW_NODE_DEFAULT, &engine)) {
		TH_LOG("overshadow_create(%zu): %s", len, strerror(errno));
	}
	EXPECT_TRUE(sample_ok(_metadata, to, len, seed, "sample after create"));
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to before wait"));
	before_wait = overshadow_test(to, &st);
	EXPECT_LE(0, before_wait);
	EXPECT_EQ(0, overshadow_wait(to)) {
		TH_LOG("overshadow_wait: %s", strerror(errno));
	}
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to after wait"));
	EXPECT_TRUE(status_complete(_metadata, to, len, &st));
	EXPECT_EQ(engine, st.engine);
	EXPECT_TRUE(pattern_ok(_metadata, src, len, seed, "source"));
	ksft_print_msg("%zu KiB: engine %s, %s after one full read\n",
		       len >> 10, overshadow_engine_name(engine),
		       before_wait == 1 ? "complete" : "not complete");
	ksft_print_msg("pages: cpu %llu dma %llu early %llu\n",
		       (unsigned long long)st.pages_cpu,
		       (unsigned long long)st.pages_dma,
		       (unsigned long long)st.pages_early);
	EXPECT_EQ(0, overshadow_destroy(to));
	munmap(src, len);
}

/* A reader comparing the region with the pattern while it is copied. */
struct reader {
	uint64_t *to;		/* published once created */
	size_t words;
	uint64_t seed;
	int stop;
	unsigned long passes;
	unsigned long passes_during;	/* started before the copy was done */
	ssize_t bad;
	uint64_t got;
	int err;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	uint64_t *to;
	ssize_t i;
	int done;

	while (!(to = __atomic_load_n(&r->to, __ATOMIC_ACQUIRE))) {
		if (__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
			return NULL;
		__builtin_ia32_pause();
	}
	do {
		done = overshadow_test(to, NULL);
		if (done < 0) {
			r->err = errno;
			break;
		}
		i = bad_word(to, 0, r->words, r->seed);
		r->passes++;
		if (!done)
			r->passes_during++;
		if (i >= 0 && r->bad < 0) {
			r->bad = i;
			r->got = to[i];
		}
	} while (!done && !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE));
	return NULL;
}

/* One run of the "during" case; the passes made during the copy in *during. */
static void run_during(struct __test_metadata *_metadata, size_t len,
		       unsigned long *during)
{
	struct reader r = { .words = len / 8, .seed = len ^ 0xd0d0, .bad = -1 };
	unsigned long polls = 0, steps = 0;
	struct overshadow_status st;
	unsigned int engine = 0;
	__u64 prev = 0;
	pthread_t th;
	void *src, *to;
	int ret;

	*during = 0;
	src = map_anon(len);
	ASSERT_NE(NULL, src);
	fill(src, len, r.seed);
	ASSERT_EQ(0, pthread_create(&th, NULL, reader_main, &r));
	ret = overshadow_create_node(src, len, &to, 0, OVERSHADOW_NODE_DEFAULT,
				     &engine);
	if (ret) {
		__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
	}
	ASSERT_EQ(0, ret) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}
	__atomic_store_n(&r.to, to, __ATOMIC_RELEASE);

	/* done only grows, in whole pages, up to len */
	for (;;) {
		ret = overshadow_test(to, &st);
		if (ret < 0)
			break;
		EXPECT_LE(prev, st.done);
		EXPECT_GE(st.len, st.done);
		EXPECT_EQ(len, st.len);
		EXPECT_EQ(0, st.done % PAGE_SZ);
		if (st.done != prev)
			steps++;
		prev = st.done;
		if (ret == 1 || _metadata->exit_code)
			break;
		polls++;
		usleep(1000);
	}
	EXPECT_LE(0, ret) {
		TH_LOG("overshadow_test: %s", strerror(errno));
	}
	EXPECT_EQ(0, overshadow_wait(to));
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);

	EXPECT_EQ(0, r.err) {
		TH_LOG("reader: overshadow_test: %s", strerror(r.err));
	}
	EXPECT_EQ(-1, r.bad) {
		TH_LOG("reader: word %zd (page %zd) was %#llx, want %#llx",
		       r.bad, r.bad * 8 / (ssize_t)PAGE_SZ,
		       (unsigned long long)r.got,
		       (unsigned long long)pat(r.bad, r.seed));
	}
	EXPECT_TRUE(pattern_ok(_metadata, to, len, r.seed, "to after wait"));
	EXPECT_TRUE(status_complete(_metadata, to, len, &st));
	ksft_print_msg("%zu MiB, engine %s: %lu of %lu compare passes began during the copy\n",
		       len / MIB, overshadow_engine_name(engine),
		       r.passes_during, r.passes);
	ksft_print_msg("done rose %lu times over %lu polls\n", steps, polls);
	EXPECT_EQ(0, overshadow_destroy(to));
	munmap(src, len);
	*during = r.passes_during;
}

TEST_F_TIMEOUT(ovs, during, 300)
{
	unsigned long during;

	run_during(_metadata, 64 * MIB, &during);
	if (during || _metadata->exit_code)
		return;
	ksft_print_msg("64 MiB: the copy was done before the first compare pass\n");
	if (mem_avail_mib() < BIG_MIN_MIB)
		SKIP(return, "64 MiB copied before the first compare; %ld MiB free for 256",
		     mem_avail_mib());
	run_during(_metadata, 256 * MIB, &during);
	EXPECT_NE(0, during) {
		TH_LOG("256 MiB too was copied before the first compare pass");
	}
}

/* Writes to the region before the copy is done stay there, not in the source. */
TEST_F_TIMEOUT(ovs, writes, 120)
{
	const size_t len = 16 * MIB, words = len / 8, pages = len / PAGE_SZ;
	const size_t wpp = PAGE_SZ / 8, pipe_word = 5 * wpp + 100;
	const uint64_t seed = 0x3c3c, piped = 0x1122334455667788ULL;
	struct overshadow_status st;
	uint64_t *src, *want, *to;
	size_t idx[8 + 16 * MIB / PAGE_SZ / 7], n = 0, i, p;
	int pfd[2];

	src = map_anon(len);
	want = map_anon(len);
	ASSERT_NE(NULL, src);
	ASSERT_NE(NULL, want);
	fill(src, len, seed);
	memcpy(want, src, len);
	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(8, write(pfd[1], &piped, 8));

	/* first, middle and last page, then one word of every 7th page */
	idx[n++] = 0;
	idx[n++] = pages / 2 * wpp + 17;
	idx[n++] = words - 1;
	for (p = 7; p < pages; p += 7)
		idx[n++] = p * wpp + p % wpp;

	ASSERT_EQ(0, overshadow_create(src, len, (void **)&to, 0)) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}
	for (i = 0; i < n; i++) {
		want[idx[i]] = ~pat(idx[i], seed) ^ (i << 8);
		to[idx[i]] = want[idx[i]];
	}
	/* and one by the kernel, through a user copy into a page not done */
	EXPECT_EQ(8, read(pfd[0], &to[pipe_word], 8));
	want[pipe_word] = piped;
	for (i = 0; i < n && to[idx[i]] == want[idx[i]]; i++)
		;
	EXPECT_EQ(n, i) {
		TH_LOG("written word %zu (page %zu) did not read back",
		       idx[i], idx[i] / wpp);
	}
	EXPECT_EQ(piped, to[pipe_word]);
	EXPECT_TRUE(pattern_ok(_metadata, src, len, seed, "source after writes"));
	EXPECT_TRUE(same_words(_metadata, to, want, len, "to before wait"));
	EXPECT_LE(0, overshadow_test(to, &st));
	ksft_print_msg("%zu words written at once; %llu pages completed early so far\n",
		       n + 1, (unsigned long long)st.pages_early);

	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_TRUE(same_words(_metadata, to, want, len, "to after wait"));
	EXPECT_TRUE(pattern_ok(_metadata, src, len, seed, "source after wait"));
	EXPECT_TRUE(status_complete(_metadata, to, len, &st));
	EXPECT_EQ(0, overshadow_destroy(to));
	close(pfd[0]);
	close(pfd[1]);
	munmap(src, len);
	munmap(want, len);
}

/* A source that is not page aligned: same offset, exactly the bytes. */
TEST_F_TIMEOUT(ovs, unaligned, 60)
{
	static const struct {
		size_t off, len, pages;
	} cases[] = {
		{ 100, 3 * PAGE_SZ + 5, 4 },
		{ 4095, 1, 1 },
		{ 4090, 10, 2 },
		{ 8, PAGE_SZ - 8, 1 },
		{ PAGE_SZ + 1, 2 * PAGE_SZ - 2, 2 },
		{ 3, 5 * PAGE_SZ - 3, 5 },
	};
	const size_t buflen = 6 * PAGE_SZ;
	struct overshadow_status st;
	unsigned int k;
	char *buf, *to;

	buf = map_anon(buflen);
	ASSERT_NE(NULL, buf);
	fill(buf, buflen, 0xabc);

	for (k = 0; k < ARRAY_SIZE(cases); k++) {
		char *from = buf + cases[k].off;
		size_t len = cases[k].len;

		ASSERT_EQ(0, overshadow_create(from, len, (void **)&to, 0)) {
			TH_LOG("from +%zu, %zu bytes: %s", cases[k].off, len,
			       strerror(errno));
		}
		EXPECT_EQ((unsigned long)from % PAGE_SZ,
			  (unsigned long)to % PAGE_SZ) {
			TH_LOG("from +%zu: to is %p", cases[k].off, to);
		}
		EXPECT_EQ(0, memcmp(to, from, len)) {
			TH_LOG("from +%zu, %zu bytes differ before wait",
			       cases[k].off, len);
		}
		EXPECT_EQ(0, overshadow_wait(to));
		EXPECT_EQ(0, memcmp(to, from, len)) {
			TH_LOG("from +%zu, %zu bytes differ after wait",
			       cases[k].off, len);
		}
		EXPECT_TRUE(status_complete(_metadata, to,
					    cases[k].pages * PAGE_SZ, &st));
		/* the page-aligned start is not what create returned */
		if ((unsigned long)to % PAGE_SZ)
			EXPECT_FAIL(EINVAL,
				    overshadow_wait(to - (unsigned long)to % PAGE_SZ));
		EXPECT_EQ(0, overshadow_destroy(to)) {
			TH_LOG("from +%zu: %s", cases[k].off, strerror(errno));
		}
	}
	ksft_print_msg("%zu unaligned sources copied\n", ARRAY_SIZE(cases));
	munmap(buf, buflen);
}

TEST_F_TIMEOUT(ovs, bad_create_args, 60)
{
	struct {
		struct overshadow_args a;
		unsigned char tail[24];
	} big;
	struct overshadow_args a, *ro, *edge;
	char *page2, *tail;
	void *src;
	int maps;

	src = map_anon(PAGE_SZ);
	page2 = map_anon(2 * PAGE_SZ);
	ro = map_anon(PAGE_SZ);
	tail = map_anon(2 * PAGE_SZ);
	ASSERT_TRUE(src && page2 && ro && tail);
	fill(src, PAGE_SZ, 5);
	ASSERT_EQ(0, munmap(tail + PAGE_SZ, PAGE_SZ));
	a = args_for(src, PAGE_SZ);
	*ro = a;
	ASSERT_EQ(0, mprotect(ro, PAGE_SZ, PROT_READ));
	maps = maps_lines();

	EXPECT_FAIL(EFAULT, sys_create(NULL, sizeof(a)));
	EXPECT_FAIL(EFAULT, sys_create((void *)1, sizeof(a)));
	/* a longer structure whose tail is unmapped */
	edge = (void *)(tail + PAGE_SZ - sizeof(a));
	*edge = a;
	EXPECT_FAIL(EFAULT, sys_create(edge, sizeof(a) + 8));
	EXPECT_FAIL(EINVAL, sys_create(&a, 0));
	EXPECT_FAIL(EINVAL, sys_create(&a, 8));
	EXPECT_FAIL(EINVAL, sys_create(&a, OVERSHADOW_ARGS_SIZE_VER0 - 1));
	memset(page2, 0, 2 * PAGE_SZ);
	memcpy(page2, &a, sizeof(a));
	EXPECT_FAIL(E2BIG, sys_create(page2, PAGE_SZ + 1));
	EXPECT_FAIL(E2BIG, sys_create(page2, 2 * PAGE_SZ));
	EXPECT_FAIL(E2BIG, sys_create(&a, SIZE_MAX));
	memset(&big, 0, sizeof(big));
	big.a = a;
	big.tail[23] = 1;
	EXPECT_FAIL(E2BIG, sys_create(&big, sizeof(big)));
	big.tail[23] = 0;
	big.tail[0] = 0x80;
	EXPECT_FAIL(E2BIG, sys_create(&big, sizeof(big)));
	page2[PAGE_SZ - 1] = 1;
	EXPECT_FAIL(E2BIG, sys_create(page2, PAGE_SZ));
	page2[PAGE_SZ - 1] = 0;

	/* the size limit (256 GiB) is checked before anything is allocated */
	a = args_for(src, (256UL << 30) + PAGE_SZ);
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	/* a large, mostly unmapped source fails cleanly, without a splat */
	a = args_for(src, 4UL << 30);
	EXPECT_FAIL(EFAULT, sys_create(&a, sizeof(a)));
	a = args_for(src, PAGE_SZ);

	/* the structure is read, the region made, the write-back fails */
	EXPECT_FAIL(EFAULT, sys_create(ro, sizeof(*ro)));
	EXPECT_EQ(maps, maps_lines()) {
		TH_LOG("a failed create left a mapping behind");
	}

	/* 40 bytes, a longer zero tail and a whole page are all fine */
	ASSERT_EQ(0, sys_create(&a, OVERSHADOW_ARGS_SIZE_VER0)) {
		TH_LOG("40 bytes: %s", strerror(errno));
	}
	EXPECT_NE(0, a.to);
	EXPECT_EQ(0, memcmp((void *)(unsigned long)a.to, src, PAGE_SZ));
	EXPECT_EQ(0, sys_destroy(a.to, 0));
	big.tail[0] = 0;
	ASSERT_EQ(0, sys_create(&big, sizeof(big))) {
		TH_LOG("%zu bytes, zero tail: %s", sizeof(big), strerror(errno));
	}
	EXPECT_NE(0, big.a.to);
	EXPECT_TRUE(big.a.engine == OVERSHADOW_ENGINE_CPU ||
		    big.a.engine == OVERSHADOW_ENGINE_DMA);
	EXPECT_EQ(0, sys_destroy(big.a.to, 0));
	ASSERT_EQ(0, sys_create(page2, PAGE_SZ)) {
		TH_LOG("4096 bytes, zero tail: %s", strerror(errno));
	}
	a = *(struct overshadow_args *)page2;
	EXPECT_EQ(0, memcmp((void *)(unsigned long)a.to, src, PAGE_SZ));
	EXPECT_EQ(0, sys_destroy(a.to, 0));
	EXPECT_EQ(maps, maps_lines());

	munmap(src, PAGE_SZ);
	munmap(page2, 2 * PAGE_SZ);
	munmap(ro, PAGE_SZ);
	munmap(tail, PAGE_SZ);
}

TEST_F_TIMEOUT(ovs, bad_create_flags, 60)
{
	struct overshadow_args a;
	void *src;
	int maps;
	long ret;

	src = map_anon(PAGE_SZ);
	ASSERT_NE(NULL, src);
	fill(src, PAGE_SZ, 6);
	maps = maps_lines();

	a = args_for(src, PAGE_SZ);
	a.flags = 1U << 3;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a.flags = 1U << 31;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a.flags = ~0U;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));

	a = args_for(src, PAGE_SZ);
	a.__reserved = 1;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a.__reserved = 1U << 31;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));

	/* a node without OVERSHADOW_CREATE_NODE */
	a = args_for(src, PAGE_SZ);
	a.node = 1;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a.node = -1;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	/* nodes that cannot exist */
	a.flags = OVERSHADOW_CREATE_NODE;
	a.node = 9999;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a.node = -1;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a.node = INT_MIN;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));

	a = args_for(src, PAGE_SZ);
	a.flags = OVERSHADOW_CREATE_CPU | OVERSHADOW_CREATE_DMA;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a.flags |= OVERSHADOW_CREATE_NODE;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	EXPECT_EQ(maps, maps_lines()) {
		TH_LOG("a failed create left a mapping behind");
	}

	a = args_for(src, PAGE_SZ);
	a.flags = OVERSHADOW_CREATE_CPU;
	ASSERT_EQ(0, sys_create(&a, sizeof(a))) {
		TH_LOG("OVERSHADOW_CREATE_CPU: %s", strerror(errno));
	}
	EXPECT_EQ(OVERSHADOW_ENGINE_CPU, a.engine);
	EXPECT_EQ(0, memcmp((void *)(unsigned long)a.to, src, PAGE_SZ));
	EXPECT_EQ(0, sys_wait(a.to, 0));
	EXPECT_EQ(0, sys_destroy(a.to, 0));

	a = args_for(src, PAGE_SZ);
	a.flags = OVERSHADOW_CREATE_DMA;
	errno = 0;
	ret = sys_create(&a, sizeof(a));
	if (ret) {
		EXPECT_EQ(ENODEV, errno) {
			TH_LOG("OVERSHADOW_CREATE_DMA: %s", strerror(errno));
		}
		ksft_print_msg("OVERSHADOW_CREATE_DMA: no DMA channel (ENODEV)\n");
	} else {
		ksft_print_msg("OVERSHADOW_CREATE_DMA: engine: %s\n",
			       overshadow_engine_name(a.engine));
		EXPECT_EQ(OVERSHADOW_ENGINE_DMA, a.engine);
		EXPECT_EQ(0, sys_wait(a.to, 0));
		EXPECT_EQ(0, memcmp((void *)(unsigned long)a.to, src, PAGE_SZ));
		EXPECT_EQ(0, sys_destroy(a.to, 0));
	}
	EXPECT_EQ(maps, maps_lines());
	munmap(src, PAGE_SZ);
}

TEST_F_TIMEOUT(ovs, bad_create_source, 60)
{
	struct overshadow_args a, r;
	char *src, *gone, *none, *hole, *prot, *rdonly;
	int maps;

	src = map_anon(PAGE_SZ);
	gone = map_anon(3 * PAGE_SZ);
	hole = map_anon(3 * PAGE_SZ);
	prot = map_anon(3 * PAGE_SZ);
	rdonly = map_anon(2 * PAGE_SZ);
	none = mmap(NULL, 2 * PAGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_TRUE(src && gone && hole && prot && rdonly && none != MAP_FAILED);
	fill(src, PAGE_SZ, 7);
	fill(hole, 3 * PAGE_SZ, 8);
	fill(prot, 3 * PAGE_SZ, 9);
	fill(rdonly, 2 * PAGE_SZ, 10);
	ASSERT_EQ(0, munmap(gone, 3 * PAGE_SZ));
	ASSERT_EQ(0, munmap(hole + PAGE_SZ, PAGE_SZ));
	ASSERT_EQ(0, mprotect(prot + PAGE_SZ, PAGE_SZ, PROT_NONE));
	ASSERT_EQ(0, mprotect(rdonly, 2 * PAGE_SZ, PROT_READ));
	maps = maps_lines();

	a = args_for(src, 0);
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a = args_for((void *)(~0UL - 100), PAGE_SZ);
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a = args_for(src, ~0UL);
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a = args_for(src, ~0UL - (unsigned long)src + 2);
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	/* kernel addresses; a range running past any user address space */
	a = args_for((void *)0xffff888000000000UL, PAGE_SZ);
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a = args_for((void *)0xffffffff81000000UL, PAGE_SZ);
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	a = args_for((void *)0x7fffffffe000UL, 1UL << 60);
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));

	a = args_for(gone, 3 * PAGE_SZ);
	EXPECT_FAIL(EFAULT, sys_create(&a, sizeof(a)));
	a = args_for(none, 2 * PAGE_SZ);
	EXPECT_FAIL(EFAULT, sys_create(&a, sizeof(a)));
	a = args_for(none + 10, 1);
	EXPECT_FAIL(EFAULT, sys_create(&a, sizeof(a)));
	a = args_for(hole, 3 * PAGE_SZ);
	EXPECT_FAIL(EFAULT, sys_create(&a, sizeof(a)));
	a = args_for(hole + PAGE_SZ - 8, 16);
	EXPECT_FAIL(EFAULT, sys_create(&a, sizeof(a)));
	a = args_for(prot, 3 * PAGE_SZ);
	EXPECT_FAIL(EFAULT, sys_create(&a, sizeof(a)));
	a = args_for(prot + 2 * PAGE_SZ - 1, 2);
	EXPECT_FAIL(EFAULT, sys_create(&a, sizeof(a)));
	EXPECT_EQ(maps, maps_lines()) {
		TH_LOG("a failed create left a mapping behind");
	}

	/* an overshadow region is not a source */
	r = args_for(src, PAGE_SZ);
	ASSERT_EQ(0, sys_create(&r, sizeof(r))) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}
	a = args_for((void *)(unsigned long)r.to, PAGE_SZ);
	EXPECT_FAIL(EFAULT, sys_create(&a, sizeof(a)));
	a = args_for((void *)(unsigned long)r.to + 100, 8);
	EXPECT_FAIL(EFAULT, sys_create(&a, sizeof(a)));
	EXPECT_EQ(0, sys_destroy(r.to, 0));

	/* what is left of a broken source, and a read-only one, are fine */
	r = args_for(hole, PAGE_SZ);
	ASSERT_EQ(0, sys_create(&r, sizeof(r))) {
		TH_LOG("first page before the hole: %s", strerror(errno));
	}
	EXPECT_EQ(0, memcmp((void *)(unsigned long)r.to, hole, PAGE_SZ));
	EXPECT_EQ(0, sys_destroy(r.to, 0));
	r = args_for(rdonly, 2 * PAGE_SZ);
	ASSERT_EQ(0, sys_create(&r, sizeof(r))) {
		TH_LOG("read-only source: %s", strerror(errno));
	}
	EXPECT_EQ(0, sys_wait(r.to, 0));
	EXPECT_EQ(0, memcmp((void *)(unsigned long)r.to, rdonly, 2 * PAGE_SZ));
	EXPECT_EQ(0, sys_destroy(r.to, 0));
	EXPECT_EQ(maps, maps_lines());

	munmap(src, PAGE_SZ);
	munmap(hole, 3 * PAGE_SZ);
	munmap(prot, 3 * PAGE_SZ);
	munmap(rdonly, 2 * PAGE_SZ);
	munmap(none, 2 * PAGE_SZ);
}

TEST_F_TIMEOUT(ovs, bad_wait, 60)
{
	struct overshadow_args a;
	void *src, *heap;
	unsigned long to;

	src = map_anon(4 * MIB);
	heap = malloc(64);
	ASSERT_TRUE(src && heap);
	fill(src, 4 * MIB, 11);
	a = args_for(src, 4 * MIB);
	ASSERT_EQ(0, sys_create(&a, sizeof(a))) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}
	to = a.to;

	EXPECT_FAIL(EINVAL, sys_wait(to, 1));
	EXPECT_FAIL(EINVAL, sys_wait(to, 1U << 31));
	EXPECT_FAIL(EINVAL, sys_wait(to, ~0U));
	EXPECT_FAIL(EINVAL, sys_wait(0, 0));
	EXPECT_FAIL(EINVAL, sys_wait(~0UL, 0));
	EXPECT_FAIL(EINVAL, sys_wait((unsigned long)heap, 0));
	EXPECT_FAIL(EINVAL, sys_wait((unsigned long)src, 0));
	EXPECT_FAIL(EINVAL, sys_wait(to + 1, 0));
	EXPECT_FAIL(EINVAL, sys_wait(to + PAGE_SZ, 0));
	EXPECT_FAIL(EINVAL, sys_wait(to - PAGE_SZ, 0));
	EXPECT_FAIL(EINVAL, sys_wait(to + 4 * MIB, 0));

	EXPECT_EQ(0, sys_wait(to, 0)) {
		TH_LOG("overshadow_wait: %s", strerror(errno));
	}
	/* waiting again on a complete region returns at once */
	EXPECT_EQ(0, sys_wait(to, 0));
	EXPECT_TRUE(pattern_ok(_metadata, (void *)to, 4 * MIB, 11, "to"));
	EXPECT_EQ(0, sys_destroy(to, 0));
	EXPECT_FAIL(EINVAL, sys_wait(to, 0));
	free(heap);
	munmap(src, 4 * MIB);
}

TEST_F_TIMEOUT(ovs, bad_test, 60)
{
	struct {
		struct overshadow_status st;
		unsigned char tail[64];
	} big;
	struct overshadow_status st;
	struct overshadow_args a;
	unsigned char *page;
	unsigned long to;
	void *src, *heap;
	size_t i;
	long ret;

	src = map_anon(4 * PAGE_SZ);
	page = map_anon(PAGE_SZ);
	heap = malloc(64);
	ASSERT_TRUE(src && page && heap);
	fill(src, 4 * PAGE_SZ, 12);
	a = args_for(src, 4 * PAGE_SZ);
	ASSERT_EQ(0, sys_create(&a, sizeof(a))) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}
	to = a.to;

	EXPECT_FAIL(EINVAL, sys_test(to, NULL, 8));
	EXPECT_FAIL(EINVAL, sys_test(to, NULL, sizeof(st)));
	EXPECT_FAIL(EINVAL, sys_test(to, &st, 0));
	EXPECT_FAIL(EINVAL, sys_test(to, &st, 8));
	EXPECT_FAIL(EINVAL, sys_test(to, &st, OVERSHADOW_STATUS_SIZE_VER0 - 1));
	EXPECT_FAIL(E2BIG, sys_test(to, page, PAGE_SZ + 1));
	EXPECT_FAIL(E2BIG, sys_test(to, page, SIZE_MAX));
	EXPECT_FAIL(EFAULT, sys_test(to, (void *)1, sizeof(st)));
	EXPECT_FAIL(EFAULT, sys_test(to, (void *)(~0UL - 4096), sizeof(st)));
	EXPECT_FAIL(EINVAL, sys_test(0, &st, sizeof(st)));
	EXPECT_FAIL(EINVAL, sys_test(0, NULL, 0));
	EXPECT_FAIL(EINVAL, sys_test((unsigned long)heap, &st, sizeof(st)));
	EXPECT_FAIL(EINVAL, sys_test((unsigned long)src, NULL, 0));
	EXPECT_FAIL(EINVAL, sys_test(to + 1, &st, sizeof(st)));
	EXPECT_FAIL(EINVAL, sys_test(to + PAGE_SZ, &st, sizeof(st)));

	/* bytes the kernel does not know are cleared */
	memset(&big, 0xff, sizeof(big));
	ret = sys_test(to, &big, sizeof(big));
	EXPECT_TRUE(ret == 0 || ret == 1) {
		TH_LOG("%zu bytes: %ld (%s)", sizeof(big), ret, strerror(errno));
	}
	for (i = 0; i < sizeof(big.tail) && !big.tail[i]; i++)
		;
	EXPECT_EQ(sizeof(big.tail), i) {
		TH_LOG("byte %zu of the status not cleared", sizeof(big.st) + i);
	}
	EXPECT_EQ(4 * PAGE_SZ, big.st.len);
	EXPECT_EQ(0, sys_wait(to, 0));
	memset(page, 0xff, PAGE_SZ);
	EXPECT_EQ(1, sys_test(to, page, PAGE_SZ)) {
		TH_LOG("4096 bytes: %s", strerror(errno));
	}
	for (i = OVERSHADOW_STATUS_SIZE_VER0; i < PAGE_SZ && !page[i]; i++)
		;
	EXPECT_EQ(PAGE_SZ, i) {
		TH_LOG("byte %zu of a 4096-byte status not cleared", i);
	}
	memcpy(&st, page, sizeof(st));
	EXPECT_EQ(st.len, st.done);
	EXPECT_EQ(1, sys_test(to, NULL, 0));
	EXPECT_EQ(1, sys_test(to, &st, OVERSHADOW_STATUS_SIZE_VER0));
	EXPECT_EQ(4 * PAGE_SZ, st.done);

	EXPECT_EQ(0, sys_destroy(to, 0));
	EXPECT_FAIL(EINVAL, sys_test(to, &st, sizeof(st)));
	EXPECT_FAIL(EINVAL, sys_test(to, NULL, 0));
	free(heap);
	munmap(src, 4 * PAGE_SZ);
	munmap(page, PAGE_SZ);
}

TEST_F_TIMEOUT(ovs, bad_destroy, 60)
{
	struct overshadow_args a;
	void *src, *heap;
	unsigned long to;

	src = map_anon(4 * PAGE_SZ);
	heap = malloc(64);
	ASSERT_TRUE(src && heap);
	fill(src, 4 * PAGE_SZ, 13);
	a = args_for(src, 4 * PAGE_SZ);
	ASSERT_EQ(0, sys_create(&a, sizeof(a))) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}
	to = a.to;

	EXPECT_FAIL(EINVAL, sys_destroy(to, 1));
	EXPECT_FAIL(EINVAL, sys_destroy(to, ~0U));
	EXPECT_FAIL(EINVAL, sys_destroy((unsigned long)heap, 0));
	EXPECT_FAIL(EINVAL, sys_destroy((unsigned long)src, 0));
	EXPECT_FAIL(EINVAL, sys_destroy(0, 0));
	EXPECT_FAIL(EINVAL, sys_destroy(~0UL, 0));
	EXPECT_FAIL(EINVAL, sys_destroy(to + 1, 0));
	EXPECT_FAIL(EINVAL, sys_destroy(to + PAGE_SZ, 0));
	/* still there after all that */
	EXPECT_LE(0, sys_test(to, NULL, 0));
	EXPECT_EQ(0, memcmp((void *)to, src, 4 * PAGE_SZ));
	EXPECT_EQ(0, sys_destroy(to, 0)) {
		TH_LOG("overshadow_destroy: %s", strerror(errno));
	}
	EXPECT_FAIL(EINVAL, sys_destroy(to, 0));
	EXPECT_EQ(SIGSEGV, touch((void *)to, false, 0));
	/* the source is untouched */
	EXPECT_TRUE(pattern_ok(_metadata, src, 4 * PAGE_SZ, 13, "source"));
	free(heap);
	munmap(src, 4 * PAGE_SZ);
}

/* The region cannot be split or moved, but can be unmapped or protected whole. */
TEST_F_TIMEOUT(ovs, munmap_region_parts, 120)
{
	const size_t len = 16 * MIB;
	const uint64_t seed = 0x5150;
	void *src, *spare, *r;
	char *to;

	src = map_anon(len);
	spare = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(src && spare != MAP_FAILED);
	fill(src, len, seed);
	ASSERT_EQ(0, overshadow_create(src, len, (void **)&to, 0)) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}

	EXPECT_FAIL(EINVAL, munmap(to, PAGE_SZ));
	EXPECT_FAIL(EINVAL, munmap(to + PAGE_SZ, PAGE_SZ));
	EXPECT_FAIL(EINVAL, munmap(to + len - PAGE_SZ, PAGE_SZ));
	EXPECT_FAIL(EINVAL, munmap(to + len / 2, len));
	EXPECT_FAIL(EINVAL, mprotect(to, PAGE_SZ, PROT_READ));
	EXPECT_FAIL(EINVAL, mprotect(to + PAGE_SZ, len - PAGE_SZ, PROT_READ));
	EXPECT_FAIL(EINVAL, mprotect(to + len / 2, PAGE_SZ, PROT_NONE));

	r = mremap(to, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, spare);
	EXPECT_EQ(MAP_FAILED, r);
	EXPECT_EQ(EINVAL, errno) {
		TH_LOG("moving the region: %s", strerror(errno));
	}
	r = mremap(to, PAGE_SZ, PAGE_SZ, MREMAP_MAYMOVE | MREMAP_FIXED, spare);
	EXPECT_EQ(MAP_FAILED, r);
	EXPECT_EQ(EINVAL, errno) {
		TH_LOG("moving a page of the region: %s", strerror(errno));
	}
	r = mremap(to, len, len - PAGE_SZ, 0);
	EXPECT_EQ(MAP_FAILED, r);
	EXPECT_EQ(EINVAL, errno) {
		TH_LOG("shrinking the region: %s", strerror(errno));
	}
	/* mm refuses to grow VM_PFNMAP/VM_DONTEXPAND mappings with EFAULT */
	r = mremap(to, len, 2 * len, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, r);
	EXPECT_TRUE(errno == EINVAL || errno == EFAULT) {
		TH_LOG("growing the region: %s", strerror(errno));
	}
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to after the refusals"));
	EXPECT_LE(0, overshadow_test(to, NULL));

	/* whole: read-only, then writable again */
	EXPECT_EQ(0, mprotect(to, len, PROT_READ));
	EXPECT_EQ(0, touch(to + len / 2, false, 0));
	EXPECT_EQ(SIGSEGV, touch(to + len - 1, true, 1));
	EXPECT_EQ(SIGSEGV, touch(to, true, 1));
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "read-only to"));
	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_EQ(0, mprotect(to, len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, touch(to + len - 1, true, 0x42));
	EXPECT_EQ(0x42, to[len - 1]);
	EXPECT_TRUE(pattern_ok(_metadata, src, len, seed, "source"));

	/* whole munmap is a destroy */
	EXPECT_EQ(0, munmap(to, len));
	EXPECT_FAIL(EINVAL, overshadow_test(to, NULL));
	EXPECT_FAIL(EINVAL, overshadow_wait(to));
	EXPECT_FAIL(EINVAL, overshadow_destroy(to));
	EXPECT_EQ(SIGSEGV, touch(to, false, 0));
	munmap(spare, len);
	munmap(src, len);
}

/* mprotect() of the whole region while pages are still being copied. */
TEST_F_TIMEOUT(ovs, mprotect_in_flight, 120)
{
	const size_t len = 16 * MIB, wpp = PAGE_SZ / 8;
	const uint64_t seed = 0x6160;
	uint64_t *src, *want, *to;
	size_t p;

	src = map_anon(len);
	want = map_anon(len);
	ASSERT_TRUE(src && want);
	fill(src, len, seed);
	memcpy(want, src, len);
	ASSERT_EQ(0, overshadow_create(src, len, (void **)&to, 0)) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}
	EXPECT_EQ(0, mprotect(to, len, PROT_READ));
	EXPECT_EQ(SIGSEGV, touch(&to[len / 8 - 1], true, 1));
	EXPECT_EQ(0, mprotect(to, len, PROT_READ | PROT_WRITE));
	/* writable again: writes still must not reach the source */
	for (p = 0; p < len / PAGE_SZ; p++) {
		want[p * wpp + 1] = ~want[p * wpp + 1];
		to[p * wpp + 1] = want[p * wpp + 1];
	}
	EXPECT_TRUE(pattern_ok(_metadata, src, len, seed, "source after writes"));
	EXPECT_TRUE(same_words(_metadata, to, want, len, "to before wait"));
	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_TRUE(same_words(_metadata, to, want, len, "to after wait"));
	EXPECT_TRUE(pattern_ok(_metadata, src, len, seed, "source after wait"));
	EXPECT_EQ(0, overshadow_destroy(to));
	munmap(src, len);
	munmap(want, len);
}

/* The source goes away (or becomes PROT_NONE) right after create. */
static void source_gone(struct __test_metadata *_metadata, bool unmap)
{
	const size_t len = 64 * MIB;
	const uint64_t seed = unmap ? 0x7170 : 0x7172;
	struct overshadow_status st;
	void *src, *other, *to;
	int done, ret;

	src = map_anon(len);
	ASSERT_NE(NULL, src);
	fill(src, len, seed);
	ASSERT_EQ(0, overshadow_create(src, len, &to, 0)) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}
	ret = unmap ? munmap(src, len) : mprotect(src, len, PROT_NONE);
	EXPECT_EQ(0, ret);
	done = overshadow_test(to, NULL);
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to at once"));
	/* reuse the memory the source had, if it was not pinned */
	other = map_anon(len);
	ASSERT_NE(NULL, other);
	fill(other, len, ~seed);
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to, memory reused"));
	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to after wait"));
	EXPECT_TRUE(status_complete(_metadata, to, len, &st));
	ksft_print_msg("source %s while the copy was %s\n",
		       unmap ? "unmapped" : "made PROT_NONE",
		       done == 0 ? "running" : "already done");
	EXPECT_EQ(0, overshadow_destroy(to));
	if (!unmap) {
		EXPECT_EQ(0, mprotect(src, len, PROT_READ));
		EXPECT_TRUE(pattern_ok(_metadata, src, len, seed, "source"));
		munmap(src, len);
	}
	munmap(other, len);
}

TEST_F_TIMEOUT(ovs, source_munmap, 180)
{
	source_gone(_metadata, true);
}

TEST_F_TIMEOUT(ovs, source_mprotect, 180)
{
	source_gone(_metadata, false);
}

/* A child does not inherit the region. */
TEST_F_TIMEOUT(ovs, fork_in_flight, 180)
{
	const size_t len = 16 * MIB;
	const uint64_t seed = 0xf0f0;
	void *src, *to;
	int status = -1, code;
	pid_t pid;

	src = map_anon(len);
	ASSERT_NE(NULL, src);
	fill(src, len, seed);
	ASSERT_EQ(0, overshadow_create(src, len, &to, 0)) {
		TH_LOG("overshadow_create: %s", strerror(errno));
	}
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		code = 0;
		errno = 0;
		if (overshadow_test(to, NULL) != -1 || errno != EINVAL)
			code |= 1;
		errno = 0;
		if (overshadow_wait(to) != -1 || errno != EINVAL)
			code |= 2;
		errno = 0;
		if (overshadow_destroy(to) != -1 || errno != EINVAL)
			code |= 4;
		if (touch(to, false, 0) != SIGSEGV)
			code |= 8;
		if (bad_word(src, 0, len / 8, seed) >= 0)
			code |= 16;
		_exit(code);
	}
	EXPECT_TRUE(sample_ok(_metadata, to, len, seed, "to after fork"));
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to after fork"));
	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to after wait"));
	EXPECT_EQ(0, wait_child(pid, &status, CHILD_MS)) {
		TH_LOG("the child hung");
	}
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("child status %#x: EINVAL not from 1 test, 2 wait, 4 destroy",
		       status);
		TH_LOG("8: to did not fault; 16: the source changed");
	}
	EXPECT_EQ(0, overshadow_destroy(to));
	munmap(src, len);
}

/*
 * Big enough to be in flight when the process exits (pinning and copying
 * it takes seconds on the emulated test machine), small enough that 20
 * rounds stay quick: a child's pin of pages it shares with its parent
 * copies them first.
 */
static size_t exit_size(void)
{
	return 32 * MIB;
}

/* A process exits with a copy in flight: the exit must not hang. */
TEST_F_TIMEOUT(ovs, exit_in_flight, 300)
{
	const size_t len = exit_size();
	int i, status, failed = 0;
	void *src, *to;
	pid_t pid;

	src = map_anon(len);
	ASSERT_NE(NULL, src);
	fill(src, len, 0xe1);
	for (i = 0; i < 20; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(overshadow_create(src, len, &to, 0) ? 1 : 0);
		status = -1;
		ASSERT_EQ(0, wait_child(pid, &status, CHILD_MS)) {
			TH_LOG("round %d: the child did not exit", i);
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	EXPECT_EQ(0, failed) {
		TH_LOG("%d children failed to create", failed);
	}
	ksft_print_msg("20 children exited with %zu MiB in flight\n", len / MIB);
	munmap(src, len);
}

struct kill_arg {
	int fd;			/* told once the thread is about to wait */
	void *to;
};

static void *blocked_waiter(void *arg)
{
	struct kill_arg *k = arg;
	char c = 'w';

	if (write(k->fd, &c, 1) != 1)
		return NULL;
	overshadow_wait(k->to);
	return NULL;
}

/* SIGKILL while a thread waits for the copy. */
TEST_F_TIMEOUT(ovs, kill_while_waiting, 300)
{
	const size_t len = exit_size();
	struct kill_arg k;
	int i, status, pfd[2];
	pthread_t th;
	void *src;
	pid_t pid;
	char c;

	src = map_anon(len);
	ASSERT_NE(NULL, src);
	fill(src, len, 0xe2);
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, pipe(pfd));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(pfd[0]);
			k.fd = pfd[1];
			if (overshadow_create(src, len, &k.to, 0))
				_exit(1);
			if (pthread_create(&th, NULL, blocked_waiter, &k))
				_exit(2);
			for (;;)
				pause();
		}
		close(pfd[1]);
		EXPECT_EQ(1, read(pfd[0], &c, 1)) {
			TH_LOG("round %d: the child did not start waiting", i);
		}
		close(pfd[0]);
		/* vary the moment: in the wait, just before it, or later */
		usleep((i % 4) * 500);
		kill(pid, SIGKILL);
		status = -1;
		ASSERT_EQ(0, wait_child(pid, &status, CHILD_MS)) {
			TH_LOG("round %d: the killed child did not exit", i);
		}
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			TH_LOG("round %d: status %#x", i, status);
		}
	}
	ksft_print_msg("20 children killed while waiting on %zu MiB\n",
		       len / MIB);
	munmap(src, len);
}

static void node_kind(bool *possible, bool *online, bool *memory, int n,
		      const char **kind)
{
	if (n >= MAX_NODES || !possible[n])
		*kind = "not a possible node";
	else if (!online[n])
		*kind = "offline";
	else if (!memory[n])
		*kind = "without memory";
	else
		*kind = "with memory";
}

/* The near node: the caller's by default, or the one asked for. */
TEST_F_TIMEOUT(ovs, node_default, 120)
{
	static bool possible[MAX_NODES], online[MAX_NODES], memory[MAX_NODES];
	const size_t len = 4 * MIB;
	struct overshadow_status st;
	struct overshadow_args a;
	int cpu, mine, n, last = -1;
	const char *kind;
	void *src, *to;

	cpu = pin_first_cpu();
	ASSERT_LE(0, cpu);
	mine = current_node();
	ASSERT_LE(0, mine);
	src = map_anon(len);
	ASSERT_NE(NULL, src);
	fill(src, len, 0x40de);

	ASSERT_EQ(0, overshadow_create(src, len, &to, 0));
	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_TRUE(status_complete(_metadata, to, len, &st));
	EXPECT_EQ(mine, st.node);
	EXPECT_TRUE(pattern_ok(_metadata, to, len, 0x40de, "to"));
	EXPECT_EQ(0, overshadow_destroy(to));

	ASSERT_EQ(0, overshadow_create_node(src, len, &to, 0, mine, NULL)) {
		TH_LOG("node %d: %s", mine, strerror(errno));
	}
	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_TRUE(status_complete(_metadata, to, len, &st));
	EXPECT_EQ(mine, st.node);
	EXPECT_EQ(0, overshadow_destroy(to));

	/* a node without memory, an offline one, or else one past the last */
	ASSERT_EQ(0, node_list("/sys/devices/system/node/possible", possible));
	ASSERT_EQ(0, node_list("/sys/devices/system/node/online", online));
	ASSERT_EQ(0, node_list("/sys/devices/system/node/has_memory", memory));
	for (n = 0; n < MAX_NODES; n++) {
		if (possible[n])
			last = n;
		if (possible[n] && !memory[n])
			break;
	}
	if (n == MAX_NODES)
		n = last + 1;
	node_kind(possible, online, memory, n, &kind);
	a = args_for(src, len);
	a.flags = OVERSHADOW_CREATE_NODE;
	a.node = n;
	EXPECT_FAIL(EINVAL, sys_create(&a, sizeof(a)));
	ksft_print_msg("CPU %d on node %d; node %d (%s) refused\n", cpu, mine,
		       n, kind);
	munmap(src, len);
}

/* A source on the far (memory-only) node, copied to the near one. */
TEST_F_TIMEOUT(ovs, node_far, 120)
{
	static bool memory[MAX_NODES];
	const size_t len = 16 * MIB;
	const uint64_t seed = 0xfa7;
	struct overshadow_status st;
	int cpu, mine, far = -1, n, got;
	size_t p;
	void *src, *to;

	cpu = pin_first_cpu();
	ASSERT_LE(0, cpu);
	mine = current_node();
	ASSERT_LE(0, mine);
	ASSERT_EQ(0, node_list("/sys/devices/system/node/has_memory", memory));
	for (n = 0; n < 63; n++) {
		if (!memory[n] || n == mine)
			continue;
		if (far < 0 || !node_has_cpus(n))
			far = n;
		if (!node_has_cpus(n))
			break;
	}
	if (far < 0)
		SKIP(return, "only node %d has memory: no far node to copy from",
		     mine);

	src = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, src);
	ASSERT_EQ(0, bind_to_node(src, len, far)) {
		TH_LOG("mbind to node %d: %s", far, strerror(errno));
	}
	fill(src, len, seed);
	got = page_node(src);
	if (got == -no_such_call()) {
		ksft_print_msg("no move_pages(): source placement not checked\n");
	} else {
		for (p = 0; p < len; p += 97 * PAGE_SZ) {
			got = page_node(src + p);
			ASSERT_EQ(far, got) {
				TH_LOG("source page %zu is on node %d", p / PAGE_SZ,
				       got);
			}
		}
	}

	/* default: the caller's node */
	ASSERT_EQ(0, overshadow_create(src, len, &to, 0));
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to before wait"));
	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to after wait"));
	EXPECT_TRUE(status_complete(_metadata, to, len, &st));
	EXPECT_EQ(mine, st.node);
	got = page_node(to);
	if (got >= 0) {
		EXPECT_EQ(mine, got);
	} else {
		ksft_print_msg("move_pages() does not see the region's pages (%d)\n",
			       got);
	}
	EXPECT_EQ(0, overshadow_destroy(to));

	/* asked for: the far node itself, then ours by number */
	ASSERT_EQ(0, overshadow_create_node(src, len, &to, 0, far, NULL)) {
		TH_LOG("node %d: %s", far, strerror(errno));
	}
	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_TRUE(pattern_ok(_metadata, to, len, seed, "to on the far node"));
	EXPECT_TRUE(status_complete(_metadata, to, len, &st));
	EXPECT_EQ(far, st.node);
	EXPECT_EQ(0, overshadow_destroy(to));
	ASSERT_EQ(0, overshadow_create_node(src, len, &to, 0, mine, NULL));
	EXPECT_EQ(0, overshadow_wait(to));
	EXPECT_TRUE(status_complete(_metadata, to, len, &st));
	EXPECT_EQ(mine, st.node);
	EXPECT_EQ(0, overshadow_destroy(to));
	ksft_print_msg("source on node %d (%s), CPU %d on node %d\n", far,
		       node_has_cpus(far) ? "has CPUs" : "memory only", cpu,
		       mine);
	munmap(src, len);
}

/* Threads, each with its own regions. */
struct worker {
	int id;
	int failures;
	char msg[160];
};

static __printf(2, 3) void worker_fail(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->failures++)
		return;
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
}

static void *worker_main(void *arg)
{
	/* 8 chunks of the copy engine each: enough to overlap the threads. */
	const size_t len = 1 * MIB, words = len / 8;
	struct overshadow_status st;
	struct worker *w = arg;
	uint64_t seed, mark;
	uint64_t *src, *to;
	ssize_t bad;
	int iter;

	for (iter = 0; iter < 20; iter++) {
		seed = (uint64_t)w->id << 32 | iter;
		src = map_anon(len);
		if (!src) {
			worker_fail(w, "mmap: %s", strerror(errno));
			return NULL;
		}
		fill(src, len, seed);
		if (overshadow_create(src, len, (void **)&to, 0)) {
			worker_fail(w, "iter %d: create: %s", iter,
				    strerror(errno));
			munmap(src, len);
			return NULL;
		}
		if (to[0] != pat(0, seed) || to[words - 1] != pat(words - 1, seed))
			worker_fail(w, "iter %d: first or last word wrong", iter);
		mark = ~pat(words / 2, seed);
		to[words / 2] = mark;
		if (to[words / 2] != mark || src[words / 2] != pat(words / 2, seed))
			worker_fail(w, "iter %d: write did not stay in to", iter);
		if (overshadow_wait(to))
			worker_fail(w, "iter %d: wait: %s", iter, strerror(errno));
		to[words / 2] = pat(words / 2, seed);
		bad = bad_word(to, 0, words, seed);
		if (bad >= 0)
			worker_fail(w, "iter %d: word %zd wrong", iter, bad);
		if (overshadow_test(to, &st) != 1 || st.done != len)
			worker_fail(w, "iter %d: test: not complete", iter);
		if (overshadow_destroy(to))
			worker_fail(w, "iter %d: destroy: %s", iter,
				    strerror(errno));
		munmap(src, len);
	}
	return NULL;
}

TEST_F_TIMEOUT(ovs, threads, 300)
{
	struct worker w[8];
	pthread_t th[8];
	int i;

	memset(w, 0, sizeof(w));
	for (i = 0; i < 8; i++) {
		w[i].id = i;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, worker_main, &w[i]));
	}
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, w[i].failures) {
			TH_LOG("thread %d: %d failures, first: %s", i,
			       w[i].failures, w[i].msg);
		}
	}
	ksft_print_msg("8 threads x 20 regions of 1 MiB\n");
}

/* A thread blocked in overshadow_wait(). */
struct waiter {
	void *to;
	pid_t tid;
	int ret;
	int err;
	int done;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	__atomic_store_n(&w->tid, my_tid(), __ATOMIC_RELEASE);
	w->ret = overshadow_wait(w->to);
	w->err = errno;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Until @w sleeps in overshadow_wait() or is done; false after 30 s. */
static bool waiter_in_wait(struct waiter *w)
{
	double end = now_ms() + 30000;
	pid_t tid;
	int in;

	while (!(tid = __atomic_load_n(&w->tid, __ATOMIC_ACQUIRE)))
		usleep(100);
	for (;;) {
		if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
			return true;
		in = in_syscall(tid, __NR_overshadow_wait);
		if (in > 0)
			return true;
		if (in < 0) {
			/* no /proc/.../syscall: give it time to get there */
			usleep(20000);
			return true;
		}
		if (now_ms() > end)
			return false;
		usleep(200);
	}
}

static int join_within(pthread_t th, int seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += seconds;
	return pthread_timedjoin_np(th, NULL, &ts);
}

/* Destroy while two threads wait: they return 0 or ECANCELED, promptly. */
static int wait_vs_destroy(struct __test_metadata *_metadata, size_t len)
{
	struct overshadow_status st;
	struct waiter w[2];
	int canceled = 0, i;
	pthread_t th[2];
	void *src, *to;

	src = map_anon(len);
	if (!src)
		return -1;
	fill(src, len, len);
	if (overshadow_create(src, len, &to, 0)) {
		TH_LOG("overshadow_create: %s", strerror(errno));
		munmap(src, len);
		return -1;
	}
	memset(w, 0, sizeof(w));
	for (i = 0; i < 2; i++) {
		w[i].to = to;
		if (pthread_create(&th[i], NULL, waiter_main, &w[i]))
			return -1;
	}
	EXPECT_TRUE(waiter_in_wait(&w[0]) && waiter_in_wait(&w[1]));
	memset(&st, 0, sizeof(st));
	EXPECT_LE(0, overshadow_test(to, &st));
	EXPECT_EQ(0, overshadow_destroy(to)) {
		TH_LOG("overshadow_destroy: %s", strerror(errno));
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, join_within(th[i], 60)) {
			TH_LOG("waiter %d still waits 60 s after the destroy", i);
		}
		if (w[i].ret == -1 && w[i].err == ECANCELED) {
			canceled++;
			continue;
		}
		EXPECT_EQ(0, w[i].ret) {
			TH_LOG("waiter %d: %d (%s), want 0 or ECANCELED",
			       i, w[i].ret, strerror(w[i].err));
		}
		/* 0 only if the copy could have won: not with half to go */
		EXPECT_LE(st.len / 2, st.done) {
			TH_LOG("waiter %d: 0, but only %llu of %llu bytes were done",
			       i, (unsigned long long)st.done,
			       (unsigned long long)st.len);
		}
	}
	EXPECT_FAIL(EINVAL, overshadow_test(to, NULL));
	ksft_print_msg("%zu MiB: %d of 2 waiters canceled, %d saw the copy complete\n",
		       len / MIB, canceled, 2 - canceled);
	munmap(src, len);
	return canceled;
}

TEST_F_TIMEOUT(ovs, concurrent_wait_destroy, 300)
{
	int canceled;

	canceled = wait_vs_destroy(_metadata, 64 * MIB);
	ASSERT_LE(0, canceled);
	if (canceled || mem_avail_mib() < BIG_MIN_MIB)
		return;
	canceled = wait_vs_destroy(_metadata, 256 * MIB);
	ASSERT_LE(0, canceled);
	if (!canceled)
		ksft_print_msg("both copies were done before the destroy: no cancel\n");
}

static int signals_seen;

static void count_signal(int sig)
{
	__atomic_fetch_add(&signals_seen, 1, __ATOMIC_RELAXED);
}

/*
 * Signal a thread blocked in overshadow_wait(): without SA_RESTART it gets
 * EINTR (or 0 if the copy won the race), with it the wait goes on to 0.
 * Returns 1 if the signal hit a wait on an incomplete region, 0 if not,
 * -1 on failure.
 */
static int signal_waiter(struct __test_metadata *_metadata, size_t len,
			 bool restart)
{
	const uint64_t seed = len ^ restart;
	struct sigaction sa;
	struct waiter w;
	int hit = 0, seen;
	pthread_t th;
	void *src;
	double t;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = count_signal;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		return -1;
	src = map_anon(len);
	if (!src)
		return -1;
	fill(src, len, seed);
	memset(&w, 0, sizeof(w));
	if (overshadow_create(src, len, &w.to, 0)) {
		TH_LOG("overshadow_create: %s", strerror(errno));
		return -1;
	}
	if (pthread_create(&th, NULL, waiter_main, &w))
		return -1;
	EXPECT_TRUE(waiter_in_wait(&w));
	seen = __atomic_load_n(&signals_seen, __ATOMIC_RELAXED);
	if (!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE) &&
	    overshadow_test(w.to, NULL) == 0)
		hit = 1;
	pthread_kill(th, SIGUSR1);
	/* the handler runs at once, unless the wait ignores signals */
	t = now_ms();
	while (__atomic_load_n(&signals_seen, __ATOMIC_RELAXED) == seen &&
	       !__atomic_load_n(&w.done, __ATOMIC_ACQUIRE) && now_ms() < t + 1000)
		usleep(1000);
	if (__atomic_load_n(&signals_seen, __ATOMIC_RELAXED) == seen &&
	    !__atomic_load_n(&w.done, __ATOMIC_ACQUIRE)) {
		EXPECT_NE(0, overshadow_test(w.to, NULL)) {
			TH_LOG("the signal was not handled in 1 s: the wait ignores signals");
		}
	}
	ASSERT_EQ(0, join_within(th, 120)) {
		TH_LOG("the waiter did not return after the signal");
	}
	if (restart) {
		EXPECT_EQ(0, w.ret) {
			TH_LOG("SA_RESTART: %d (%s)", w.ret, strerror(w.err));
		}
	} else if (w.ret == -1 && w.err == EINTR) {
		hit = 1;
		/* the handler ran before the wait returned */
		EXPECT_LT(seen, __atomic_load_n(&signals_seen,
						__ATOMIC_RELAXED));
	} else {
		EXPECT_EQ(0, w.ret) {
			TH_LOG("no SA_RESTART: %d (%s), want EINTR or 0", w.ret,
			       strerror(w.err));
		}
		hit = 0;
	}
	/* the region is still there and completes */
	EXPECT_EQ(0, overshadow_wait(w.to));
	EXPECT_TRUE(pattern_ok(_metadata, w.to, len, seed, "to"));
	EXPECT_EQ(0, overshadow_destroy(w.to));
	ksft_print_msg("%zu MiB, %s: wait returned %d (%s)%s\n", len / MIB,
		       restart ? "SA_RESTART" : "no SA_RESTART", w.ret,
		       w.ret ? strerror(w.err) : "ok",
		       hit ? "" : ", not interrupted");
	munmap(src, len);
	return hit;
}

TEST_F_TIMEOUT(ovs, wait_signal, 300)
{
	size_t len = 64 * MIB;
	int hit;

	hit = signal_waiter(_metadata, len, false);
	ASSERT_LE(0, hit);
	if (!hit && mem_avail_mib() >= BIG_MIN_MIB) {
		len = 256 * MIB;
		hit = signal_waiter(_metadata, len, false);
		ASSERT_LE(0, hit);
	}
	ASSERT_LE(0, signal_waiter(_metadata, len, true));
	if (!hit && !_metadata->exit_code)
		SKIP(return, "the copy finished before the signal: no EINTR seen");
}

/* Many short-lived regions: no mapping or memory left behind. */
TEST_F_TIMEOUT(ovs, leak, 500)
{
	/*
	 * Free memory is read without the per-CPU lists' noise (free_kb()),
	 * so 2000 rounds and a 2 MiB bound find a leak of 1 kB a round.
	 */
	const int rounds = 2000, warmup = 200, bound_kb = 2048;
	long free0 = 0, free1, slab0 = 0, slab1, drop, grew;
	int maps0 = 0, maps1, i, k, failed = 0;
	size_t len;
	uint64_t *src;
	void *to;

	src = map_anon(4 * PAGE_SZ);
	ASSERT_NE(NULL, src);
	fill(src, 4 * PAGE_SZ, 0x1eaf);

	for (i = -warmup; i < rounds; i++) {
		if (i == 0) {
			usleep(100000);
			maps0 = maps_lines();
			free0 = free_kb();
			slab0 = meminfo_kb("Slab");
		}
		len = (1 + (i + warmup) % 4) * PAGE_SZ - ((i + warmup) % 3) * 8;
		if (overshadow_create(src, len, &to, 0)) {
			TH_LOG("round %d: create: %s", i, strerror(errno));
			failed++;
			break;
		}
		if (!(i % 64) && *(uint64_t *)to != src[0]) {
			TH_LOG("round %d: first word wrong", i);
			failed++;
		}
		/* some are complete when destroyed, most are not */
		if (!(i % 10) && overshadow_wait(to)) {
			TH_LOG("round %d: wait: %s", i, strerror(errno));
			failed++;
		}
		if (overshadow_destroy(to)) {
			TH_LOG("round %d: destroy: %s", i, strerror(errno));
			failed++;
			break;
		}
	}
	ASSERT_EQ(0, failed);
	maps1 = maps_lines();
	/* the best of a few looks: memory freed late (RCU, per-CPU lists) */
	for (k = 0; k < 5; k++) {
		usleep(200000);
		free1 = free_kb();
		slab1 = meminfo_kb("Slab");
		drop = free0 - free1;
		grew = slab1 > slab0 ? slab1 - slab0 : 0;
		if (drop - grew <= bound_kb)
			break;
	}
	ksft_print_msg("%d rounds: maps lines %d -> %d\n", rounds, maps0, maps1);
	ksft_print_msg("free %ld -> %ld kB (drop %ld kB), Slab %ld -> %ld kB\n",
		       free0, free1, drop, slab0, slab1);
	EXPECT_EQ(maps0, maps1);
	/* slab (KASAN's quarantine among it) is kmemleak's to judge */
	EXPECT_GE(bound_kb, drop - grew) {
		TH_LOG("free memory fell by %ld kB, %ld kB of it not slab", drop,
		       drop - grew);
	}
	munmap(src, 4 * PAGE_SZ);
}

TEST_HARNESS_MAIN

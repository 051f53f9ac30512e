// SPDX-License-Identifier: GPL-2.0
/*
 * Partitions: /dev/multikernel creates, loads, starts, stops and destroys
 * other kernels on two CPUs (test_partition.h) and on memory from the
 * pool the host set aside with multikernel_mem=.  Bad arguments must fail
 * with the documented
 * errors and change nothing; a partition must boot, report its CPUs, memory
 * and heartbeat, power off when asked, stop when forced, be seen crashing,
 * and give back its CPUs and memory every time, for many cycles, without
 * the host losing memory on the way.
 *
 * Needs root, four CPUs (the host keeps 0 and 1), a pool of 384 MiB
 * (multikernel_mem=384M@0x40000000) and a partition kernel in
 * /boot/partition-bzImage with /boot/partition-initramfs.cpio.gz, whose
 * init does what mkpart.action= on its command line says: "idle" (stay up
 * until asked to power off) or "panic" (panic at once).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/multikernel.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "../../../lib/multikernel/multikernel.h"
#include "meminfo.h"
#include "sysfs_util.h"
#include "test_partition.h"

#define MK_SYSFS	"/sys/kernel/multikernel"
#define POOL_FILE	MKL_PARTITIONS_DIR "/pool"

#define MIB		(1024ULL * 1024)
#define POOL_SIZE	(384 * MIB)
#define PART_MEM	(160 * MIB)	/* as TEST_PART_MEM: the initramfs has iperf3 */
#define CPU_MASK(n)	(1ULL << (n))
#define PART_CPUS	(CPU_MASK(TEST_PART_CPU0) | CPU_MASK(TEST_PART_CPU1))

/* Booting takes up to 120 s under emulation. */
#define BOOT_MS		180000
#define CRASH_MS	180000
#define STOP_MS		60000
/* Where forced stops land: within about one boot under emulation. */
#define BOOT_SPREAD_MS	12000
#define CYCLES		20
/*
 * How much the host's free memory (MemFree plus the page allocator's
 * per-CPU lists) may drop over the cycles, and how much the kernel's own
 * unreclaimable counters (stacks, page tables, per-CPU areas, vmalloc) may
 * grow: about 100 KiB and 25 KiB a cycle.
 */
#define LEAK_FREE_KB	2048
#define LEAK_KERNEL_KB	512
#define NOBODY		65534

/* The shortest struct mk_create the kernel takes: up to the id. */
#define MIN_CREATE	(offsetof(struct mk_create, id) + sizeof(__u32))

#define ERRNO(e)	{ e, #e }
static const struct {
	int err;
	const char *name;
} errnames[] = {
	ERRNO(EPERM), ERRNO(ENOENT), ERRNO(EINTR), ERRNO(EIO), ERRNO(E2BIG),
	ERRNO(ENOEXEC), ERRNO(EBADF), ERRNO(ENOMEM), ERRNO(EACCES),
	ERRNO(EFAULT), ERRNO(EBUSY), ERRNO(ENODEV), ERRNO(EINVAL),
	ERRNO(ETXTBSY), ERRNO(EFBIG), ERRNO(ENOSPC), ERRNO(ERANGE),
	ERRNO(ENOTTY), ERRNO(ETIMEDOUT), ERRNO(EALREADY),
};

/* The name of a result of the helpers below: 0 or -errno. */
static const char *errname(int ret)
{
	static char buf[2][24];
	static int n;
	size_t i;

	if (!ret)
		return "success";
	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == -ret)
			return errnames[i].name;
	n ^= 1;
	snprintf(buf[n], sizeof(buf[n]), "errno %d", -ret);
	return buf[n];
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---- files ---- */

/* 0 or -errno; the file is closed after, so the kernel can read it. */
static int write_file(const char *path, const void *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	n = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	return n;
}

/* The whole of @path in a malloc()ed buffer, or NULL. */
static void *read_whole(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size);
	while (buf && got < (size_t)st.st_size) {
		n = read(fd, buf + got, st.st_size - got);
		if (n <= 0) {
			free(buf);
			buf = NULL;
			break;
		}
		got += n;
	}
	close(fd);
	*len = got;
	return buf;
}

/*
 * Let freed memory show as free before MemFree is read: drop clean caches
 * and shrink every slab cache, which also empties KASAN's quarantine of
 * that cache's objects (up to 1/32 of RAM otherwise held back).
 */
static void settle_memory(void)
{
	char path[512];
	struct dirent *d;
	DIR *dir;

	sync();
	mk_write_text("/proc/sys/vm/drop_caches", "3");
	dir = opendir("/sys/kernel/slab");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", d->d_name);
		mk_write_text(path, "1");
	}
	closedir(dir);
}

/*
 * The host's memory in the terms the cycles check, in KiB: what is free,
 * counting the per-CPU lists, and what the kernel holds for itself that
 * no cache shrinker gives back.
 */
struct host_mem {
	long free, kernel;
};

static const char * const kernel_counters[] = {
	"KernelStack", "PageTables", "Percpu", "VmallocUsed",
};

static struct host_mem host_mem(void)
{
	struct host_mem m = { free_kb(), 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kernel_counters); i++)
		m.kernel += meminfo_kb(kernel_counters[i]);
	return m;
}

/* What each counter says after a cycle: the figures behind host_mem(). */
static void log_meminfo(int cycle)
{
	char line[256];
	size_t i, n;

	n = snprintf(line, sizeof(line), "MemFree %ld pcp %ld SUnreclaim %ld",
		     meminfo_kb("MemFree"), pcp_free_kb(), meminfo_kb("SUnreclaim"));
	for (i = 0; i < ARRAY_SIZE(kernel_counters); i++)
		n += snprintf(line + n, sizeof(line) - n, " %s %ld", kernel_counters[i],
			      meminfo_kb(kernel_counters[i]));
	ksft_print_msg("after cycle %d (KiB): %s\n", cycle, line);
}

/* ---- sysfs ---- */

static int read_attr_u64(__u32 id, const char *attr, unsigned long long *v)
{
	char buf[32], *end;
	int n;

	n = mkl_read_attr(id, attr, buf, sizeof(buf));
	if (n < 0)
		return n;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return errno || end == buf || *end ? -EINVAL : 0;
}

static unsigned long long pool_free(void)
{
	unsigned long long base, total, avail;

	if (mkl_read_pool(&base, &total, &avail))
		return 0;
	return avail;
}

static unsigned long long pool_total(void)
{
	unsigned long long base, total, avail;

	if (mkl_read_pool(&base, &total, &avail))
		return 0;
	return total;
}

/* 1 if the host has @cpu online, 0 if not, or -errno. */
static int cpu_online(int cpu)
{
	char path[64], buf[8];
	int n;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	n = mk_read_text(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	return !strcmp(buf, "1");
}

/* ---- /dev/multikernel ---- */

/* A partition on the CPUs of @cpus (below 64): 0 and its id, or -errno. */
static int part_create(int fd, __u64 cpus, __u64 mem, int console,
		       __u32 flags, __u32 *id)
{
	return mkl_create(fd, &cpus, sizeof(cpus), mem, console, flags, id);
}

/* Load @kernel and @initrd (NULL: none) into partition @id: 0 or -errno. */
static int part_load(int fd, __u32 id, const char *kernel, const char *initrd,
		     const char *cmdline)
{
	int kfd, ifd = -1, ret;

	kfd = open(kernel, O_RDONLY);
	if (kfd < 0)
		return -errno;
	if (initrd) {
		ifd = open(initrd, O_RDONLY);
		if (ifd < 0) {
			ret = -errno;
			close(kfd);
			return ret;
		}
	}
	ret = mkl_load(fd, id, kfd, ifd, cmdline);
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	return ret;
}

/* The command line of a partition kernel given @console (or none). */
static void make_cmdline(char *buf, size_t size, int console, const char *action)
{
	if (console == MK_CONSOLE_NONE)
		snprintf(buf, size, "kunit.enable=0 mkpart.action=%s", action);
	else
		snprintf(buf, size, "console=ttyS%d,115200 kunit.enable=0 mkpart.action=%s",
			 console, action);
}

/* Stop and destroy every partition there is; how many there were. */
static int remove_all(int fd)
{
	__u32 ids[64];
	int i, n;

	n = mkl_list(ids, 64);
	for (i = 0; i < n && i < 64; i++) {
		mkl_stop(fd, ids[i], MK_STOP_FORCE, 0);
		mkl_destroy(fd, ids[i]);
	}
	return n < 0 ? 0 : n;
}

/* ---- what the host looks like ---- */

struct snapshot {
	unsigned long long free;
	int parts;
	int online[2];
};

static void take_snapshot(struct snapshot *s)
{
	s->free = pool_free();
	s->parts = mkl_list(NULL, 0);
	s->online[0] = cpu_online(TEST_PART_CPU0);
	s->online[1] = cpu_online(TEST_PART_CPU1);
}

/* A failed call must leave the partitions, the pool and the CPUs alone. */
static void expect_unchanged(struct __test_metadata *_metadata,
			     const struct snapshot *before, const char *what)
{
	struct snapshot after;

	take_snapshot(&after);
	EXPECT_EQ(before->parts, after.parts) {
		TH_LOG("%s: %d partitions before, %d after", what,
		       before->parts, after.parts);
	}
	EXPECT_EQ(before->free, after.free) {
		TH_LOG("%s: pool had %llu bytes free before, %llu after", what,
		       before->free, after.free);
	}
	EXPECT_TRUE(before->online[0] == after.online[0] &&
		    before->online[1] == after.online[1]) {
		TH_LOG("%s: the partition CPUs online %d %d before, %d %d after", what,
		       before->online[0], before->online[1], after.online[0],
		       after.online[1]);
	}
}

/*
 * The host as it was before the test: the partition CPUs online, the whole pool
 * free, no partition left.
 */
static void expect_nothing_changed(struct __test_metadata *_metadata)
{
	unsigned long long base = 0, total = 0, avail = 0;
	__u32 ids[8];
	int cpu, n, i;

	for (cpu = 2; cpu <= 3; cpu++) {
		n = cpu_online(cpu);
		EXPECT_EQ(1, n) {
			TH_LOG("CPU %d is not online again (%s)", cpu,
			       n < 0 ? errname(n) : "offline");
		}
	}
	n = mkl_read_pool(&base, &total, &avail);
	EXPECT_EQ(0, n) TH_LOG("%s: %s", POOL_FILE, errname(n));
	EXPECT_EQ(total, avail) {
		TH_LOG("pool: %llu of %llu bytes free: memory not given back",
		       avail, total);
	}
	n = mkl_list(ids, 8);
	EXPECT_EQ(0, n) {
		for (i = 0; i < n && i < 8; i++)
			TH_LOG("partition %u left in %s", ids[i], MKL_PARTITIONS_DIR);
	}
}

static void expect_state(struct __test_metadata *_metadata, __u32 id,
			 const char *want, const char *when)
{
	char state[32];
	int n;

	n = mkl_read_attr(id, "state", state, sizeof(state));
	EXPECT_EQ(0, strcmp(state, want)) {
		TH_LOG("partition %u %s: state '%s' (%s), want '%s'", id, when,
		       state, n < 0 ? errname(n) : "read", want);
	}
}

/*
 * Poll the state of partition @id every 100 ms until it reads @want: how
 * many ms that took, or -1 after @ms or as soon as it stopped or crashed
 * instead.
 */
static long long wait_state(struct __test_metadata *_metadata, __u32 id,
			    const char *want, int ms)
{
	long long start = now_ms(), t;
	char state[32], reason[160];
	int n;

	n = mkl_wait_state(id, want, ms, MKL_WAIT_GIVE_UP, state, sizeof(state));
	t = now_ms() - start;
	if (!n)
		return t;
	if (n != -ETIMEDOUT && n != -ECANCELED) {
		TH_LOG("partition %u: state: %s", id, errname(n));
		return -1;
	}
	mkl_read_attr(id, "reason", reason, sizeof(reason));
	TH_LOG("partition %u: '%s' after %lld ms, not '%s' (reason: '%s')", id,
	       state, t, want, reason);
	return -1;
}

/* ---- helper processes ---- */

/* A child pinned to @cpu alone, asleep or spinning: its pid, or -errno. */
static pid_t spawn_pinned(int cpu, bool spin)
{
	cpu_set_t set;
	pid_t pid;
	int err;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Wakes up often: a sleeping task keeps its mask until it wakes. */
		for (;;)
			if (!spin)
				usleep(10000);
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(pid, sizeof(set), &set)) {
		err = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -err;
	}
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Exit status of a child, or -1 if it did not exit. */
static int wait_child(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Can a process run on @cpu?  0 if it did; else 100 + the CPU it ran on,
 * 200 if it could not be pinned there, or -1 if it died.
 */
static int runs_on(int cpu)
{
	cpu_set_t set;
	pid_t pid;
	int got;

	pid = fork();
	if (!pid) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			_exit(200);
		sched_yield();
		got = sched_getcpu();
		_exit(got == cpu ? 0 : got < 0 ? 201 : 100 + got);
	}
	return wait_child(pid);
}

/*
 * The host goes on while partitions run: it can fork and exec, and a loop
 * pinned to CPU 1 gets work done for a second.
 */
static bool host_still_works(struct __test_metadata *_metadata)
{
	unsigned long long *count;
	long long start;
	cpu_set_t set;
	pid_t pid;
	int i, ret;

	for (i = 0; i < 20; i++) {
		pid = fork();
		if (!pid) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		ret = wait_child(pid);
		if (ret) {
			TH_LOG("fork and exec of /bin/true #%d: %s %d", i + 1,
			       ret < 0 ? "killed or failed" : "exit", ret);
			return false;
		}
	}

	count = mmap(NULL, sizeof(*count), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (count == MAP_FAILED) {
		TH_LOG("mmap: %s", strerror(errno));
		return false;
	}
	*count = 0;
	start = now_ms();
	pid = fork();
	if (!pid) {
		CPU_ZERO(&set);
		CPU_SET(1, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			_exit(1);
		while (now_ms() - start < 1000)
			for (i = 0; i < 1000; i++)
				__atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
		_exit(sched_getcpu() == 1 ? 0 : 2);
	}
	ret = wait_child(pid);
	ksft_print_msg("host: %llu loop iterations on CPU 1 in %lld ms\n",
		       *count, now_ms() - start);
	if (ret || !*count) {
		TH_LOG("compute loop on CPU 1: exit %d, %llu iterations", ret,
		       *count);
		ret = -1;
	}
	munmap(count, sizeof(*count));
	return !ret;
}

/* ---- the fixture ---- */

/* IKC's services for new partitions, while a test changes them. */
#define IKC_SERVICES	"/sys/module/ikc/parameters/partition_services"
static char saved_services[256];

FIXTURE(part) {
	int fd;
	pid_t helper;	/* a child to kill at the end, or 0 */
};

FIXTURE_SETUP(part)
{
	unsigned long long base, total, avail;
	int n;

	self->fd = -1;
	self->helper = 0;
	if (geteuid())
		SKIP(return, "needs root");
	if (access(MKL_DEVICE, F_OK))
		SKIP(return, "no %s (CONFIG_MULTIKERNEL_PARTITION=n?)", MKL_DEVICE);
	if (mkl_read_pool(&base, &total, &avail) || !total)
		SKIP(return, "no partition pool: boot with multikernel_mem=384M@0x40000000");
	if (cpu_online(TEST_PART_CPU0) < 0 || cpu_online(TEST_PART_CPU1) < 0)
		SKIP(return, "needs CPUs %d and %d (and 0 and 1 for the host)",
		     TEST_PART_CPU0, TEST_PART_CPU1);

	self->fd = mkl_open();
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", MKL_DEVICE, strerror(-self->fd));
	n = remove_all(self->fd);
	if (n)
		TH_LOG("removed %d partitions an earlier test left behind", n);
}

FIXTURE_TEARDOWN(part)
{
	int n;

	if (self->helper > 0)
		reap(self->helper);
	if (saved_services[0]) {
		EXPECT_EQ(0, mk_write_text(IKC_SERVICES, saved_services));
		saved_services[0] = '\0';
	}
	if (self->fd < 0)
		return;
	n = remove_all(self->fd);
	if (n)
		TH_LOG("teardown removed %d partitions", n);
	close(self->fd);
}

static bool have_partition_kernel(void)
{
	return !access(TEST_PART_KERNEL, R_OK) && !access(TEST_PART_INITRD, R_OK);
}

#define NO_KERNEL	"no " TEST_PART_KERNEL " or " TEST_PART_INITRD

/* A partition of @cpus and @mem, loaded to boot and do @action: its id. */
static __u32 create_loaded(struct __test_metadata *_metadata, int fd,
			   __u64 cpus, __u64 mem, int console,
			   const char *action)
{
	char cmdline[160];
	__u32 id = 0;
	int ret;

	ret = part_create(fd, cpus, mem, console, 0, &id);
	ASSERT_EQ(0, ret) TH_LOG("create: %s", errname(ret));
	make_cmdline(cmdline, sizeof(cmdline), console, action);
	ret = part_load(fd, id, TEST_PART_KERNEL, TEST_PART_INITRD, cmdline);
	ASSERT_EQ(0, ret) {
		TH_LOG("load '%s' into partition %u: %s", cmdline, id,
		       errname(ret));
	}
	return id;
}

TEST_F_TIMEOUT(part, device_and_pool, 30)
{
	unsigned long long base, total, avail;
	struct stat st;
	char buf[16];
	int n;

	ASSERT_EQ(0, stat(MKL_DEVICE, &st)) TH_LOG("%s: %s", MKL_DEVICE, strerror(errno));
	EXPECT_TRUE(S_ISCHR(st.st_mode)) {
		TH_LOG("%s is not a character device (mode %o)", MKL_DEVICE, st.st_mode);
	}
	EXPECT_EQ(0600U, st.st_mode & 07777) {
		TH_LOG("%s has mode %o", MKL_DEVICE, st.st_mode & 07777);
	}
	EXPECT_EQ(0U, st.st_uid) TH_LOG("%s belongs to uid %u", MKL_DEVICE, st.st_uid);

	n = mkl_read_pool(&base, &total, &avail);
	ASSERT_EQ(0, n) TH_LOG("%s: %s", POOL_FILE, errname(n));
	ksft_print_msg("pool: %llu MiB at %#llx, %llu MiB free\n", total / MIB,
		       base, avail / MIB);
	EXPECT_EQ(POOL_SIZE, total) {
		TH_LOG("pool of %llu bytes; multikernel_mem=384M asks for %llu",
		       total, POOL_SIZE);
	}

	n = mk_read_text(MK_SYSFS "/features/partitions", buf, sizeof(buf));
	EXPECT_STREQ("1", buf) {
		TH_LOG("features/partitions reads '%s' (%s)", buf, errname(n < 0 ? n : 0));
	}
	expect_nothing_changed(_metadata);
}

/* A create that must fail with @err and change nothing. */
/* An argument structure this large, all zeros past the real one. */
#define HUGE_ARG	(64 * MIB)

/*
 * @arg at the start of HUGE_ARG bytes of zeros (not yet faulted in), its
 * size member saying so; NULL if there is no such memory.
 */
static void *huge_arg(const void *arg, size_t len)
{
	void *p = mmap(NULL, HUGE_ARG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, arg, len);
	*(__u32 *)p = HUGE_ARG;
	return p;
}

static void create_fails(struct __test_metadata *_metadata, int fd, void *arg,
			 int err, const char *what)
{
	struct snapshot before;
	int ret;

	take_snapshot(&before);
	ret = mkl_ioctl(fd, MK_IOC_CREATE, arg);
	EXPECT_EQ(-err, ret) {
		TH_LOG("create with %s: %s, want %s", what, errname(ret),
		       errname(-err));
	}
	if (!ret)
		mkl_destroy(fd, ((struct mk_create *)arg)->id);
	else
		expect_unchanged(_metadata, &before, what);
}

/*
 * In a child that becomes uid and gid 65534 without capabilities: with
 * @keep_fd, create a partition and destroy one through a descriptor opened
 * before; else open /dev/multikernel.  The child's errnos (0: success) are
 * put in @res[0] and @res[1]; returns false if the child failed otherwise.
 */
static bool as_nobody(int fd, bool keep_fd, int *res)
{
	int *shared, ok;
	__u64 cpus = PART_CPUS;
	pid_t pid;

	shared = mmap(NULL, 2 * sizeof(int), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return false;
	shared[0] = -1;
	shared[1] = -1;
	pid = fork();
	if (!pid) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(1);
		if (!keep_fd) {
			fd = mkl_open();
			shared[0] = fd < 0 ? -fd : 0;
			_exit(0);
		}
		shared[0] = -mkl_create(fd, &cpus, sizeof(cpus), PART_MEM, 1, 0, NULL);
		shared[1] = -mkl_destroy(fd, 999);
		_exit(0);
	}
	ok = !wait_child(pid);
	res[0] = shared[0];
	res[1] = shared[1];
	munmap(shared, 2 * sizeof(int));
	return ok;
}

TEST_F_TIMEOUT(part, bad_create, 180)
{
	struct {
		struct mk_create c;
		__u64 tail;
	} big;
	__u64 mask[2] = { PART_CPUS, 0 };
	struct mk_create c, *ro;
	char path[64];
	cpu_set_t set;
	void *bad, *huge;
	int ret, res[2];
	__u32 a, b;

	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, bad);

	/* the CPUs */
	mask[0] = CPU_MASK(0) | CPU_MASK(TEST_PART_CPU0);
	mkl_create_args(&c, mask, 8, PART_MEM, 1, 0);
	create_fails(_metadata, self->fd, &c, EINVAL, "CPU 0, the host's boot CPU");
	mask[0] = CPU_MASK(TEST_PART_CPU0) | CPU_MASK(8);
	mkl_create_args(&c, mask, 16, PART_MEM, 1, 0);
	create_fails(_metadata, self->fd, &c, EINVAL, "CPU 8, which the host lacks");
	mask[0] = CPU_MASK(TEST_PART_CPU0);
	mask[1] = CPU_MASK(100 - 64);
	mkl_create_args(&c, mask, 16, PART_MEM, 1, 0);
	create_fails(_metadata, self->fd, &c, EINVAL, "CPU 100, which the host lacks");
	mask[0] = 0;
	mask[1] = 0;
	mkl_create_args(&c, mask, 16, PART_MEM, 1, 0);
	create_fails(_metadata, self->fd, &c, EINVAL, "no CPU");
	mask[0] = PART_CPUS;
	mkl_create_args(&c, mask, 0, PART_MEM, 1, 0);
	create_fails(_metadata, self->fd, &c, EINVAL, "cpus_size 0");
	mkl_create_args(&c, mask, 12, PART_MEM, 1, 0);
	create_fails(_metadata, self->fd, &c, EINVAL, "cpus_size 12");
	mkl_create_args(&c, bad, 8, PART_MEM, 1, 0);
	create_fails(_metadata, self->fd, &c, EFAULT, "cpus_ptr unmapped");

	/* the memory */
	mkl_create_args(&c, mask, 8, 0, 1, 0);
	create_fails(_metadata, self->fd, &c, EINVAL, "no memory");
	c.mem_bytes = 33 * MIB;
	create_fails(_metadata, self->fd, &c, EINVAL, "33 MiB, not a multiple of 2 MiB");
	c.mem_bytes = 16 * MIB;
	create_fails(_metadata, self->fd, &c, EINVAL, "16 MiB, below the 32 MiB minimum");
	c.mem_bytes = 512 * MIB;
	create_fails(_metadata, self->fd, &c, ENOMEM, "512 MiB, more than the pool");

	/* the console, flags and reserved members */
	mkl_create_args(&c, mask, 8, PART_MEM, 7, 0);
	create_fails(_metadata, self->fd, &c, EINVAL, "console 7");
	c.console = -2;
	create_fails(_metadata, self->fd, &c, EINVAL, "console -2");
	mkl_create_args(&c, mask, 8, PART_MEM, 1, 0);
	c.flags = 1U << 1;
	create_fails(_metadata, self->fd, &c, EINVAL, "unknown flag 0x2");
	c.flags = 1U << 31;
	create_fails(_metadata, self->fd, &c, EINVAL, "unknown flag 0x80000000");
	c.flags = 0;
	c.reserved[0] = 1;
	create_fails(_metadata, self->fd, &c, EINVAL, "reserved[0] set");
	c.reserved[0] = 0;
	c.reserved[2] = 1;
	create_fails(_metadata, self->fd, &c, EINVAL, "reserved[2] set");

	/* the structure itself */
	mkl_create_args(&c, mask, 8, PART_MEM, 1, 0);
	c.size = 8;
	create_fails(_metadata, self->fd, &c, EINVAL, "size 8");
	c.size = MIN_CREATE - 1;
	create_fails(_metadata, self->fd, &c, EINVAL, "size one short of id");
	memset(&big, 0, sizeof(big));
	mkl_create_args(&big.c, mask, 8, PART_MEM, 1, 0);
	big.c.size = sizeof(big);
	big.tail = 1;
	create_fails(_metadata, self->fd, &big, E2BIG, "a longer structure, nonzero tail");
	/* Past a page, refused before the tail is read: a long zero tail is no lockup. */
	mkl_create_args(&c, mask, 8, PART_MEM, 1, 0);
	huge = huge_arg(&c, sizeof(c));
	ASSERT_NE(NULL, huge);
	create_fails(_metadata, self->fd, huge, E2BIG, "64 MiB, a zero tail");
	*(__u32 *)huge = 4096 + 8;
	create_fails(_metadata, self->fd, huge, E2BIG, "a page and 8 bytes, a zero tail");
	*(__u32 *)huge = UINT32_MAX;
	create_fails(_metadata, self->fd, huge, E2BIG, "size 4 GiB - 1");
	munmap(huge, HUGE_ARG);
	create_fails(_metadata, self->fd, bad, EFAULT, "the structure unmapped");
	create_fails(_metadata, self->fd, NULL, EFAULT, "a NULL structure");
	/* read, created, but the id cannot be written back: undone */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	mkl_create_args(ro, mask, 8, PART_MEM, 1, 0);
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	create_fails(_metadata, self->fd, ro, EFAULT, "a read-only structure");
	munmap(ro, 4096);

	/* a longer structure with a zero tail, and the shortest one, are fine */
	big.tail = 0;
	ret = mkl_ioctl(self->fd, MK_IOC_CREATE, &big);
	EXPECT_EQ(0, ret) TH_LOG("create, longer structure, zero tail: %s", errname(ret));
	if (!ret)
		EXPECT_EQ(0, mkl_destroy(self->fd, big.c.id));
	mkl_create_args(&c, mask, 8, PART_MEM, 1, 0);
	c.size = MIN_CREATE;
	ret = mkl_ioctl(self->fd, MK_IOC_CREATE, &c);
	EXPECT_EQ(0, ret) TH_LOG("create, %zu-byte structure: %s", MIN_CREATE, errname(ret));
	if (!ret)
		EXPECT_EQ(0, mkl_destroy(self->fd, c.id));

	/* privileges */
	ASSERT_TRUE(as_nobody(self->fd, false, res));
	EXPECT_EQ(EACCES, res[0]) {
		TH_LOG("uid 65534 opening %s: %s, want EACCES", MKL_DEVICE, errname(-res[0]));
	}
	ASSERT_TRUE(as_nobody(self->fd, true, res));
	EXPECT_EQ(EPERM, res[0]) {
		TH_LOG("create without CAP_SYS_ADMIN: %s, want EPERM", errname(-res[0]));
	}
	EXPECT_EQ(EPERM, res[1]) {
		TH_LOG("destroy without CAP_SYS_ADMIN: %s, want EPERM", errname(-res[1]));
	}
	remove_all(self->fd);

	/* a task pinned to the second CPU alone */
	self->helper = spawn_pinned(TEST_PART_CPU1, false);
	ASSERT_LT(0, self->helper) TH_LOG("pinned child: %s", errname(self->helper));
	mkl_create_args(&c, mask, 8, PART_MEM, 1, 0);
	create_fails(_metadata, self->fd, &c, EBUSY, "the second CPU, a task pinned to it");
	ret = part_create(self->fd, CPU_MASK(TEST_PART_CPU0), PART_MEM, 1, 0, &a);
	EXPECT_EQ(0, ret) TH_LOG("create on the first CPU beside the pinned task: %s",
				 errname(ret));
	if (!ret)
		EXPECT_EQ(0, mkl_destroy(self->fd, a));
	ret = part_create(self->fd, PART_CPUS, PART_MEM, 1, MK_CREATE_FORCE, &a);
	EXPECT_EQ(0, ret) TH_LOG("create with MK_CREATE_FORCE: %s", errname(ret));
	if (!ret) {
		/* the task lost its pinning and runs on the host's CPUs */
		usleep(200000);
		ASSERT_EQ(0, sched_getaffinity(self->helper, sizeof(set), &set));
		EXPECT_TRUE(CPU_ISSET(0, &set) || CPU_ISSET(1, &set)) {
			TH_LOG("the pinned task was not moved to CPU 0 or 1");
		}
		EXPECT_EQ(0, mkl_destroy(self->fd, a));
	}
	reap(self->helper);
	self->helper = 0;

	/* CPUs and consoles other partitions hold */
	ret = part_create(self->fd, CPU_MASK(TEST_PART_CPU0), PART_MEM, 1, 0, &a);
	ASSERT_EQ(0, ret) TH_LOG("create on the first CPU: %s", errname(ret));
	mkl_create_args(&c, mask, 8, PART_MEM, MK_CONSOLE_NONE, 0);
	create_fails(_metadata, self->fd, &c, EBUSY, "the first CPU, held by a partition");
	mask[0] = CPU_MASK(TEST_PART_CPU1);
	mkl_create_args(&c, mask, 8, PART_MEM, 1, 0);
	create_fails(_metadata, self->fd, &c, EBUSY, "console 1, held by a partition");
	mask[0] = PART_CPUS;

	/* the host cannot take back a CPU a partition holds */
	EXPECT_EQ(0, cpu_online(TEST_PART_CPU0)) TH_LOG("CPU %d still online in the host",
							TEST_PART_CPU0);
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", TEST_PART_CPU0);
	ret = mk_write_text(path, "1");
	EXPECT_EQ(-EBUSY, ret) {
		TH_LOG("onlining CPU %d under a partition: %s, want EBUSY", TEST_PART_CPU0,
		       errname(ret));
	}
	EXPECT_EQ(0, cpu_online(TEST_PART_CPU0)) TH_LOG("CPU %d came online under a partition",
							TEST_PART_CPU0);

	ret = mkl_destroy(self->fd, a);
	ASSERT_EQ(0, ret) TH_LOG("destroy: %s", errname(ret));
	EXPECT_EQ(1, cpu_online(TEST_PART_CPU0)) TH_LOG("CPU %d not online after destroy",
							TEST_PART_CPU0);
	ret = runs_on(TEST_PART_CPU0);
	EXPECT_EQ(0, ret) TH_LOG("a task pinned to CPU %d after destroy: status %d",
				 TEST_PART_CPU0, ret);

	/* and both again, to see the state was cleaned up */
	ret = part_create(self->fd, CPU_MASK(TEST_PART_CPU1), PART_MEM, 1, 0, &b);
	EXPECT_EQ(0, ret) TH_LOG("create on the second CPU with console 1 afterwards: %s",
				 errname(ret));
	if (!ret)
		EXPECT_EQ(0, mkl_destroy(self->fd, b));

	munmap(bad, 4096);
	expect_nothing_changed(_metadata);
}

/* A load into @id that must fail with @err and leave it "created". */
static void load_fails(struct __test_metadata *_metadata, int fd, __u32 id,
		       struct mk_load *l, int err, const char *what)
{
	struct snapshot before;
	int ret;

	take_snapshot(&before);
	ret = mkl_ioctl(fd, MK_IOC_LOAD, l);
	EXPECT_EQ(-err, ret) {
		TH_LOG("load of %s: %s, want %s", what, errname(ret), errname(-err));
	}
	expect_unchanged(_metadata, &before, what);
	expect_state(_metadata, id, "created", what);
}

/* Load the file @path into @id, without an initramfs: must fail with @err. */
static void load_file_fails(struct __test_metadata *_metadata, int fd, __u32 id,
			    const char *path, const char *cmdline, int err,
			    const char *what)
{
	struct mk_load l;
	int kfd;

	kfd = open(path, O_RDONLY);
	ASSERT_LE(0, kfd) TH_LOG("%s: %s", path, strerror(errno));
	mkl_load_args(&l, id, kfd, -1, cmdline);
	load_fails(_metadata, fd, id, &l, err, what);
	close(kfd);
}

/* MK_IOC_START, _STOP or _DESTROY that must fail with @err and change nothing. */
static void op_fails(struct __test_metadata *_metadata, int fd, unsigned long cmd,
		     struct mk_op *op, int err, const char *what)
{
	struct snapshot before;
	int ret;

	take_snapshot(&before);
	ret = mkl_ioctl(fd, cmd, op);
	EXPECT_EQ(-err, ret) {
		TH_LOG("%s: %s, want %s", what, errname(ret), errname(-err));
	}
	expect_unchanged(_metadata, &before, what);
}

/*
 * In a child that keeps CAP_SYS_ADMIN but drops CAP_SYS_BOOT: load and
 * start partition @id.  Their errnos go to @res[0] and @res[1].
 */
static bool without_sys_boot(int fd, __u32 id, const char *cmdline, int *res)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int *shared, ok, kfd;
	pid_t pid;

	shared = mmap(NULL, 2 * sizeof(int), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return false;
	shared[0] = -1;
	shared[1] = -1;
	pid = fork();
	if (!pid) {
		if (syscall(SYS_capget, &hdr, data))
			_exit(1);
		data[CAP_TO_INDEX(CAP_SYS_BOOT)].effective &= ~CAP_TO_MASK(CAP_SYS_BOOT);
		if (syscall(SYS_capset, &hdr, data))
			_exit(2);
		kfd = open(TEST_PART_KERNEL, O_RDONLY);
		if (kfd < 0)
			_exit(3);
		shared[0] = -mkl_load(fd, id, kfd, -1, cmdline);
		shared[1] = -mkl_start(fd, id);
		_exit(0);
	}
	ok = !wait_child(pid);
	res[0] = shared[0];
	res[1] = shared[1];
	munmap(shared, 2 * sizeof(int));
	return ok;
}

/* The setup header of a bzImage: its magic, and how much memory it needs. */
#define HDR_MAGIC_OFF	0x202
#define HDR_INIT_SIZE	0x260

TEST_F_TIMEOUT(part, bad_load_and_ops, 180)
{
	char junk[64], trunc[64], nomagic[64], cmdline[160], twonul[160];
	static const unsigned long cmds[] = {
		MK_IOC_START, MK_IOC_STOP, MK_IOC_DESTROY,
	};
	static const char * const names[] = { "start", "stop", "destroy" };
	unsigned char *kernel, *rnd;
	struct mk_load l;
	struct mk_op op;
	void *huge;
	unsigned int init_size;
	size_t len, i;
	__u64 x = 0x9e3779b97f4a7c15ULL;
	int ret, res[2];
	char what[96];
	__u32 id;

	if (!have_partition_kernel())
		SKIP(return, NO_KERNEL);
	kernel = read_whole(TEST_PART_KERNEL, &len);
	ASSERT_NE(NULL, kernel) TH_LOG("%s: %s", TEST_PART_KERNEL, strerror(errno));
	ASSERT_LT((size_t)HDR_INIT_SIZE + 4, len);
	ASSERT_EQ(0, memcmp(kernel + HDR_MAGIC_OFF, "HdrS", 4)) {
		TH_LOG("%s has no HdrS at %#x: not a bzImage", TEST_PART_KERNEL, HDR_MAGIC_OFF);
	}
	memcpy(&init_size, kernel + HDR_INIT_SIZE, sizeof(init_size));

	snprintf(junk, sizeof(junk), "/tmp/partition_test-%d-random", getpid());
	snprintf(trunc, sizeof(trunc), "/tmp/partition_test-%d-truncated", getpid());
	snprintf(nomagic, sizeof(nomagic), "/tmp/partition_test-%d-nomagic", getpid());
	rnd = malloc(65536);
	ASSERT_NE(NULL, rnd);
	for (i = 0; i < 65536; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		rnd[i] = x;
	}
	ASSERT_EQ(0, write_file(junk, rnd, 65536));
	free(rnd);
	ASSERT_EQ(0, write_file(trunc, kernel, 4096));
	memcpy(kernel + HDR_MAGIC_OFF, "HdrX", 4);
	ASSERT_EQ(0, write_file(nomagic, kernel, len));
	free(kernel);

	ret = part_create(self->fd, PART_CPUS, PART_MEM, 1, 0, &id);
	ASSERT_EQ(0, ret) TH_LOG("create: %s", errname(ret));
	make_cmdline(cmdline, sizeof(cmdline), 1, "idle");

	/* what is loaded */
	load_file_fails(_metadata, self->fd, id, junk, cmdline, ENOEXEC, "64 KiB of random bytes");
	load_file_fails(_metadata, self->fd, id, "/proc/self/exe", cmdline, ENOEXEC,
			"an ELF program");
	load_file_fails(_metadata, self->fd, id, trunc, cmdline, ENOEXEC,
			"the bzImage cut to 4096 bytes");
	load_file_fails(_metadata, self->fd, id, nomagic, cmdline, ENOEXEC,
			"the bzImage without HdrS");
	mkl_load_args(&l, id, -1, -1, cmdline);
	load_fails(_metadata, self->fd, id, &l, EBADF, "kernel_fd -1");

	/* the command line; the kernel is never looked at */
	mkl_load_args(&l, id, -1, -1, cmdline);
	l.cmdline_len = 0;
	load_fails(_metadata, self->fd, id, &l, EINVAL, "cmdline_len 0");
	l.cmdline_len = strlen(cmdline);
	load_fails(_metadata, self->fd, id, &l, EINVAL, "a command line without its NUL");
	memset(twonul, 0, sizeof(twonul));
	memcpy(twonul, cmdline, strlen(cmdline));
	l.cmdline_ptr = (uintptr_t)twonul;
	l.cmdline_len = strlen(twonul) + 2;
	load_fails(_metadata, self->fd, id, &l, EINVAL, "a command line with a NUL inside");
	mkl_load_args(&l, id, -1, -1, cmdline);
	l.cmdline_len = 5000;
	load_fails(_metadata, self->fd, id, &l, E2BIG, "cmdline_len 5000");
	mkl_load_args(&l, id, -1, -1, cmdline);
	l.cmdline_ptr = 8;
	load_fails(_metadata, self->fd, id, &l, EFAULT, "an unmapped command line");

	/* flags, reserved members, the structure */
	mkl_load_args(&l, id, -1, -1, cmdline);
	l.flags |= 1U << 1;
	load_fails(_metadata, self->fd, id, &l, EINVAL, "an unknown flag");
	mkl_load_args(&l, id, -1, -1, cmdline);
	l.reserved[1] = 1;
	load_fails(_metadata, self->fd, id, &l, EINVAL, "reserved[1] set");
	mkl_load_args(&l, id, -1, -1, cmdline);
	l.size = 8;
	load_fails(_metadata, self->fd, id, &l, EINVAL, "size 8");
	mkl_load_args(&l, id, -1, -1, cmdline);
	huge = huge_arg(&l, sizeof(l));
	ASSERT_NE(NULL, huge);
	load_fails(_metadata, self->fd, id, huge, E2BIG, "64 MiB, a zero tail");
	munmap(huge, HUGE_ARG);

	/* a partition that does not exist */
	mkl_load_args(&l, 999, -1, -1, cmdline);
	load_fails(_metadata, self->fd, id, &l, ENOENT, "partition 999");
	for (i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "%s of partition 999", names[i]);
		mkl_op_args(&op, 999, 0, 0);
		op_fails(_metadata, self->fd, cmds[i], &op, ENOENT, what);
	}

	/* operations that do not fit the state, or bad flags */
	mkl_op_args(&op, id, 0, 0);
	op_fails(_metadata, self->fd, MK_IOC_START, &op, ENOEXEC, "start before load");
	op_fails(_metadata, self->fd, MK_IOC_STOP, &op, EINVAL, "stop before start");
	mkl_op_args(&op, id, 1U << 1, 0);
	for (i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "%s with an unknown flag", names[i]);
		op_fails(_metadata, self->fd, cmds[i], &op, EINVAL, what);
	}
	mkl_op_args(&op, id, MK_STOP_FORCE, 0);
	op_fails(_metadata, self->fd, MK_IOC_START, &op, EINVAL, "start with MK_STOP_FORCE");
	op_fails(_metadata, self->fd, MK_IOC_DESTROY, &op, EINVAL, "destroy with MK_STOP_FORCE");
	mkl_op_args(&op, id, MK_STOP_FORCE, 1000);
	op_fails(_metadata, self->fd, MK_IOC_STOP, &op, EINVAL,
		 "stop with MK_STOP_FORCE and a timeout");
	mkl_op_args(&op, id, 0, 1000);
	op_fails(_metadata, self->fd, MK_IOC_START, &op, EINVAL, "start with a timeout");
	op_fails(_metadata, self->fd, MK_IOC_DESTROY, &op, EINVAL, "destroy with a timeout");
	mkl_op_args(&op, id, 0, 0);
	op.size = 8;
	for (i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "%s with size 8", names[i]);
		op_fails(_metadata, self->fd, cmds[i], &op, EINVAL, what);
	}
	mkl_op_args(&op, id, 0, 0);
	huge = huge_arg(&op, sizeof(op));
	ASSERT_NE(NULL, huge);
	for (i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "%s of 64 MiB, a zero tail", names[i]);
		op_fails(_metadata, self->fd, cmds[i], huge, E2BIG, what);
	}
	munmap(huge, HUGE_ARG);
	expect_state(_metadata, id, "created", "after the bad operations");

	/* loading and starting also need CAP_SYS_BOOT */
	ASSERT_TRUE(without_sys_boot(self->fd, id, cmdline, res));
	EXPECT_EQ(EPERM, res[0]) {
		TH_LOG("load without CAP_SYS_BOOT: %s, want EPERM", errname(-res[0]));
	}
	EXPECT_EQ(EPERM, res[1]) {
		TH_LOG("start without CAP_SYS_BOOT: %s, want EPERM", errname(-res[1]));
	}
	expect_state(_metadata, id, "created", "after load without CAP_SYS_BOOT");

	ret = mkl_destroy(self->fd, id);
	ASSERT_EQ(0, ret) TH_LOG("destroy: %s", errname(ret));

	/* a kernel that does not fit: it decompresses to init_size bytes */
	ret = part_create(self->fd, CPU_MASK(TEST_PART_CPU1), 32 * MIB, 1, 0, &id);
	ASSERT_EQ(0, ret) TH_LOG("create of 32 MiB: %s", errname(ret));
	snprintf(what, sizeof(what), "a kernel of init_size %u MiB into 32 MiB",
		 init_size >> 20);
	load_file_fails(_metadata, self->fd, id, TEST_PART_KERNEL, cmdline, EFBIG, what);
	ret = part_load(self->fd, id, TEST_PART_KERNEL, TEST_PART_INITRD, cmdline);
	EXPECT_EQ(-EFBIG, ret) {
		TH_LOG("load with initramfs into 32 MiB: %s, want EFBIG", errname(ret));
	}
	expect_state(_metadata, id, "created", "after loads too big for it");
	ret = mkl_destroy(self->fd, id);
	ASSERT_EQ(0, ret) TH_LOG("destroy: %s", errname(ret));

	unlink(junk);
	unlink(trunc);
	unlink(nomagic);
	expect_nothing_changed(_metadata);
}

static void expect_reason(struct __test_metadata *_metadata, __u32 id,
			  const char *part)
{
	char reason[160];
	int n;

	n = mkl_read_attr(id, "reason", reason, sizeof(reason));
	ksft_print_msg("partition %u: reason '%s'\n", id, reason);
	EXPECT_NE(NULL, strstr(reason, part)) {
		TH_LOG("partition %u: reason '%s' (%s), want it to say '%s'", id,
		       reason, n < 0 ? errname(n) : "read", part);
	}
}

TEST_F_TIMEOUT(part, boot_run_stop, 600)
{
	unsigned long long boot_us, cpus, bytes, mem_kb, hb1, hb2;
	char cmdline[160], buf[32];
	long long ms;
	int ret, kfd, ifd;
	__u32 id;

	if (!have_partition_kernel())
		SKIP(return, NO_KERNEL);
	ret = part_create(self->fd, PART_CPUS, PART_MEM, 1, 0, &id);
	ASSERT_EQ(0, ret) TH_LOG("create: %s", errname(ret));
	expect_state(_metadata, id, "created", "after create");
	mkl_read_attr(id, "cpus", buf, sizeof(buf));
	EXPECT_STREQ(TEST_PART_CPUS, buf);
	mkl_read_attr(id, "console", buf, sizeof(buf));
	EXPECT_STREQ("ttyS1", buf);
	EXPECT_EQ(0, read_attr_u64(id, "mem_bytes", &bytes));
	EXPECT_EQ(PART_MEM, bytes);
	EXPECT_EQ(PART_MEM, pool_total() - pool_free()) {
		TH_LOG("pool: %llu bytes free with one partition of 128 MiB", pool_free());
	}

	make_cmdline(cmdline, sizeof(cmdline), 1, "idle");
	ret = part_load(self->fd, id, TEST_PART_KERNEL, TEST_PART_INITRD, cmdline);
	ASSERT_EQ(0, ret) TH_LOG("load: %s", errname(ret));
	expect_state(_metadata, id, "loaded", "after load");

	ret = mkl_start(self->fd, id);
	ASSERT_EQ(0, ret) TH_LOG("start: %s", errname(ret));
	ret = mkl_start(self->fd, id);
	EXPECT_EQ(-EBUSY, ret) TH_LOG("start while starting: %s, want EBUSY", errname(ret));
	kfd = open(TEST_PART_KERNEL, O_RDONLY);
	ifd = open(TEST_PART_INITRD, O_RDONLY);
	ret = mkl_load(self->fd, id, kfd, ifd, cmdline);
	EXPECT_EQ(-EBUSY, ret) TH_LOG("load while starting: %s, want EBUSY", errname(ret));
	ret = mkl_destroy(self->fd, id);
	EXPECT_EQ(-EBUSY, ret) TH_LOG("destroy while starting: %s, want EBUSY", errname(ret));

	ms = wait_state(_metadata, id, "running", BOOT_MS);
	ASSERT_LE(0, ms) TH_LOG("partition %u did not come up", id);
	ksft_print_msg("partition %u running after %lld ms\n", id, ms);
	EXPECT_EQ(0, read_attr_u64(id, "boot_us", &boot_us));
	ksft_print_msg("boot_us: %llu (start to init, as the partition measured)\n", boot_us);
	EXPECT_LT(0ULL, boot_us);
	EXPECT_EQ(0, read_attr_u64(id, "reported_cpus", &cpus));
	EXPECT_EQ(2ULL, cpus) TH_LOG("the partition says it has %llu CPUs", cpus);
	EXPECT_EQ(0, read_attr_u64(id, "reported_mem_kb", &mem_kb));
	ksft_print_msg("reported_mem_kb: %llu\n", mem_kb);
	/* What it manages: its 128 MiB less its image, KASAN shadow, ... */
	EXPECT_TRUE(mem_kb >= 16 * 1024 && mem_kb <= 128 * 1024) {
		TH_LOG("the partition says it has %llu KiB of its 128 MiB", mem_kb);
	}
	EXPECT_EQ(0, read_attr_u64(id, "heartbeat", &hb1));
	sleep(2);
	EXPECT_EQ(0, read_attr_u64(id, "heartbeat", &hb2));
	EXPECT_LT(hb1, hb2) TH_LOG("heartbeat %llu, 2 s later %llu", hb1, hb2);
	EXPECT_TRUE(host_still_works(_metadata));

	ret = mkl_load(self->fd, id, kfd, ifd, cmdline);
	EXPECT_EQ(-EBUSY, ret) TH_LOG("load while running: %s, want EBUSY", errname(ret));
	ret = mkl_destroy(self->fd, id);
	EXPECT_EQ(-EBUSY, ret) TH_LOG("destroy while running: %s, want EBUSY", errname(ret));
	expect_state(_metadata, id, "running", "after load and destroy were refused");

	/* ask it to power off */
	ms = now_ms();
	ret = mkl_stop(self->fd, id, 0, STOP_MS);
	ASSERT_EQ(0, ret) TH_LOG("orderly stop: %s", errname(ret));
	ksft_print_msg("partition %u powered off in %lld ms\n", id, now_ms() - ms);
	expect_state(_metadata, id, "stopped", "after an orderly stop");
	expect_reason(_metadata, id, "powered off");
	ret = mkl_stop(self->fd, id, 0, 0);
	EXPECT_EQ(-EALREADY, ret) TH_LOG("stop when stopped: %s, want EALREADY", errname(ret));
	ret = mkl_start(self->fd, id);
	EXPECT_EQ(-ENOEXEC, ret) {
		TH_LOG("start after a run without a new load: %s, want ENOEXEC", errname(ret));
	}
	expect_state(_metadata, id, "stopped", "after stop and start were refused");

	/* again, and this time pull the plug */
	ret = mkl_load(self->fd, id, kfd, ifd, cmdline);
	ASSERT_EQ(0, ret) TH_LOG("load after stop: %s", errname(ret));
	close(kfd);
	close(ifd);
	expect_state(_metadata, id, "loaded", "after the second load");
	ret = mkl_start(self->fd, id);
	ASSERT_EQ(0, ret) TH_LOG("second start: %s", errname(ret));
	ms = wait_state(_metadata, id, "running", BOOT_MS);
	ASSERT_LE(0, ms) TH_LOG("partition %u did not come up again", id);
	ksft_print_msg("partition %u running again after %lld ms\n", id, ms);
	EXPECT_EQ(0, read_attr_u64(id, "reported_cpus", &cpus));
	EXPECT_EQ(2ULL, cpus);
	ret = mkl_stop(self->fd, id, MK_STOP_FORCE, 0);
	ASSERT_EQ(0, ret) TH_LOG("forced stop: %s", errname(ret));
	expect_state(_metadata, id, "stopped", "after a forced stop");
	mkl_read_attr(id, "reason", buf, sizeof(buf));
	EXPECT_STREQ("stopped by the host", buf);

	ret = mkl_destroy(self->fd, id);
	ASSERT_EQ(0, ret) TH_LOG("destroy: %s", errname(ret));
	expect_nothing_changed(_metadata);
	EXPECT_EQ(0, runs_on(TEST_PART_CPU0));
	EXPECT_EQ(0, runs_on(TEST_PART_CPU1));
}

TEST_F_TIMEOUT(part, crash_reclaimed, 300)
{
	char cmdline[160];
	long long ms;
	int ret;
	__u32 id;

	if (!have_partition_kernel())
		SKIP(return, NO_KERNEL);
	id = create_loaded(_metadata, self->fd, PART_CPUS, PART_MEM, 1, "panic");
	ret = mkl_start(self->fd, id);
	ASSERT_EQ(0, ret) TH_LOG("start: %s", errname(ret));
	ms = wait_state(_metadata, id, "crashed", CRASH_MS);
	ASSERT_LE(0, ms) TH_LOG("partition %u: no crash seen", id);
	ksft_print_msg("partition %u crashed after %lld ms\n", id, ms);
	expect_reason(_metadata, id, "panic");

	make_cmdline(cmdline, sizeof(cmdline), 1, "idle");
	ret = part_load(self->fd, id, TEST_PART_KERNEL, TEST_PART_INITRD, cmdline);
	EXPECT_EQ(-EBUSY, ret) TH_LOG("load when crashed: %s, want EBUSY", errname(ret));
	expect_state(_metadata, id, "crashed", "after load was refused");

	ret = mkl_destroy(self->fd, id);
	ASSERT_EQ(0, ret) TH_LOG("destroy of a crashed partition: %s", errname(ret));
	expect_nothing_changed(_metadata);
	EXPECT_TRUE(host_still_works(_metadata));
	EXPECT_EQ(0, runs_on(TEST_PART_CPU0));
	EXPECT_EQ(0, runs_on(TEST_PART_CPU1));
}

TEST_F_TIMEOUT(part, two_at_once, 450)
{
	unsigned long long cpus;
	__u32 id[2];
	long long ms;
	int ret, i;

	if (!have_partition_kernel())
		SKIP(return, NO_KERNEL);
	id[0] = create_loaded(_metadata, self->fd, CPU_MASK(TEST_PART_CPU0), PART_MEM, 1, "idle");
	id[1] = create_loaded(_metadata, self->fd, CPU_MASK(TEST_PART_CPU1), PART_MEM,
			      MK_CONSOLE_NONE, "idle");
	EXPECT_NE(id[0], id[1]);
	for (i = 0; i < 2; i++) {
		ret = mkl_start(self->fd, id[i]);
		ASSERT_EQ(0, ret) TH_LOG("start of partition %u: %s", id[i], errname(ret));
	}
	for (i = 0; i < 2; i++) {
		ms = wait_state(_metadata, id[i], "running", BOOT_MS);
		ASSERT_LE(0, ms) TH_LOG("partition %u did not come up", id[i]);
		ksft_print_msg("partition %u running after %lld ms\n", id[i], ms);
	}
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, read_attr_u64(id[i], "reported_cpus", &cpus));
		EXPECT_EQ(1ULL, cpus) {
			TH_LOG("partition %u says it has %llu CPUs", id[i], cpus);
		}
	}
	EXPECT_EQ(pool_total() - 2 * PART_MEM, pool_free()) {
		TH_LOG("pool: %llu bytes free with two partitions of 128 MiB", pool_free());
	}
	EXPECT_TRUE(host_still_works(_metadata));
	for (i = 0; i < 2; i++) {
		ret = mkl_stop(self->fd, id[i], 0, STOP_MS);
		EXPECT_EQ(0, ret) TH_LOG("orderly stop of partition %u: %s", id[i], errname(ret));
		expect_state(_metadata, id[i], "stopped", "after an orderly stop");
	}
	for (i = 0; i < 2; i++) {
		ret = mkl_destroy(self->fd, id[i]);
		EXPECT_EQ(0, ret) TH_LOG("destroy of partition %u: %s", id[i], errname(ret));
	}
	expect_nothing_changed(_metadata);
}

TEST_F_TIMEOUT(part, cycles, 900)
{
	struct host_mem first = { -1, -1 }, last;
	long long start, ms;
	bool boot;
	int ret, c;
	__u32 id;

	if (!have_partition_kernel())
		SKIP(return, NO_KERNEL);
	/*
	 * The partition core's own leaks: without IKC channels, whose
	 * sysfs nodes, uevents and buffers freed each cycle sit in KASAN's
	 * quarantine and lower MemFree too.  ikc_partition_test checks that
	 * IKC gives back what it took, and kmemleak watches the whole run.
	 */
	if (!access(IKC_SERVICES, W_OK)) {
		ASSERT_LT(0, mk_read_text(IKC_SERVICES, saved_services, sizeof(saved_services)));
		ASSERT_EQ(0, mk_write_text(IKC_SERVICES, "\n"));
	}
	for (c = 1; c <= CYCLES; c++) {
		/* even cycles boot fully and power off, odd ones are cut short */
		boot = !(c % 2);
		start = now_ms();
		id = create_loaded(_metadata, self->fd, PART_CPUS, PART_MEM, 1, "idle");
		ret = mkl_start(self->fd, id);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: start: %s", c, errname(ret));
		if (boot) {
			ms = wait_state(_metadata, id, "running", BOOT_MS);
			ASSERT_LE(0, ms) TH_LOG("cycle %d: partition %u did not come up", c, id);
			ret = mkl_stop(self->fd, id, 0, STOP_MS);
			ASSERT_EQ(0, ret) TH_LOG("cycle %d: orderly stop: %s", c, errname(ret));
		} else {
			ret = mkl_stop(self->fd, id, MK_STOP_FORCE, 0);
			ASSERT_EQ(0, ret) TH_LOG("cycle %d: forced stop: %s", c, errname(ret));
		}
		expect_state(_metadata, id, "stopped", boot ? "after an orderly stop" :
			     "after a forced stop during boot");
		ret = mkl_destroy(self->fd, id);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: destroy: %s", c, errname(ret));
		ASSERT_EQ(pool_total(), pool_free()) TH_LOG("cycle %d: pool not all free", c);
		ksft_print_msg("cycle %2d (%s): %lld ms\n", c,
			       boot ? "boot, power off" : "start, force stop",
			       now_ms() - start);
		if (c == 1) {
			settle_memory();
			first = host_mem();
		}
		log_meminfo(c);
	}
	settle_memory();
	last = host_mem();
	ksft_print_msg("host free KiB (MemFree + pcp): %ld after cycle 1, %ld after %d\n",
		       first.free, last.free, CYCLES);
	ksft_print_msg("kernel KiB (stacks, PTs, percpu, vmalloc): %ld after 1, %ld after %d\n",
		       first.kernel, last.kernel, CYCLES);
	ASSERT_LT(0, first.free);
	EXPECT_LE(first.free - last.free, LEAK_FREE_KB) {
		TH_LOG("host free memory fell by %ld KiB over %d cycles",
		       first.free - last.free, CYCLES - 1);
	}
	EXPECT_LE(last.kernel - first.kernel, LEAK_KERNEL_KB) {
		TH_LOG("the kernel's own memory grew by %ld KiB over %d cycles",
		       last.kernel - first.kernel, CYCLES - 1);
	}
	expect_nothing_changed(_metadata);
}

/*
 * Forced stops at random points of a partition's boot: right after the
 * STARTUP IPIs (while the CPU may not even have run yet), in the middle of
 * the partition starting its second CPU, or later.  Each stop must leave
 * the CPUs and the pool as they were, and the host alive: a partition CPU
 * that ran on after the stop would be executing memory the host scrubs,
 * and a triple fault there resets the whole machine.
 *
 * PARTITION_STRESS=N runs N stops instead of a few (by hand, a few hundred:
 * see Documentation/admin-guide/multikernel/partitions.rst), and
 * PARTITION_STRESS_SEED=S replays a run.
 */
TEST_F_TIMEOUT(part, forced_stops, 1800)
{
	unsigned int seed = time(NULL), rounds = 3, r;
	const char *env;
	__u32 id, delay_us;
	int ret;

	if (!have_partition_kernel())
		SKIP(return, NO_KERNEL);
	env = getenv("PARTITION_STRESS");
	if (env)
		rounds = strtoul(env, NULL, 10);
	env = getenv("PARTITION_STRESS_SEED");
	if (env)
		seed = strtoul(env, NULL, 10);
	ksft_print_msg("forced stops: %u, seed %u (PARTITION_STRESS_SEED=%u replays)\n",
		       rounds, seed, seed);
	srand(seed);
	/* A busy host: the partition's CPUs start late, as on a loaded machine. */
	self->helper = spawn_pinned(1, true);
	ASSERT_LT(0, self->helper) TH_LOG("spinning child: %s", errname(self->helper));

	for (r = 1; r <= rounds; r++) {
		/*
		 * At once (the STARTUP IPIs may still be pending), early, or
		 * anywhere in a boot (BOOT_SPREAD_MS, about one under emulation).
		 */
		if (r % 3 == 1)
			delay_us = rand() % 1000;
		else if (r % 3 == 2)
			delay_us = rand() % 50000;
		else
			delay_us = (rand() % BOOT_SPREAD_MS) * 1000;
		id = create_loaded(_metadata, self->fd, PART_CPUS, PART_MEM, 1, "idle");
		ret = mkl_start(self->fd, id);
		ASSERT_EQ(0, ret) TH_LOG("round %u: start: %s", r, errname(ret));
		usleep(delay_us);
		ret = mkl_stop(self->fd, id, MK_STOP_FORCE, 0);
		ASSERT_EQ(0, ret) TH_LOG("round %u: forced stop after %u us: %s", r,
					 delay_us, errname(ret));
		ret = mkl_destroy(self->fd, id);
		ASSERT_EQ(0, ret) TH_LOG("round %u: destroy: %s", r, errname(ret));
		ASSERT_EQ(pool_total(), pool_free()) TH_LOG("round %u: pool not all free", r);
		ASSERT_EQ(1, cpu_online(TEST_PART_CPU0)) TH_LOG("round %u: CPU %d not back",
								r, TEST_PART_CPU0);
		ASSERT_EQ(1, cpu_online(TEST_PART_CPU1)) TH_LOG("round %u: CPU %d not back",
								r, TEST_PART_CPU1);
		if (rounds > 10 && !(r % 50))
			ksft_print_msg("%u forced stops done\n", r);
	}
	reap(self->helper);
	self->helper = 0;
	EXPECT_TRUE(host_still_works(_metadata));
	expect_nothing_changed(_metadata);
}

TEST_HARNESS_MAIN

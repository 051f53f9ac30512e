// SPDX-License-Identifier: GPL-2.0
/*
 * The partition interface under a hostile caller: random requests, sizes,
 * flags, ids, fields and pointers for /dev/multikernel's ioctls; bzImages
 * corrupted in their header and in their payload; random words written to
 * every file of a partition's sysfs directory.  Every call must end within
 * CALL_MS with success or a documented errno (never a kernel-internal one
 * such as ERESTARTSYS), and afterwards the pool, the online CPUs, the
 * network interfaces and the list of partitions must be as before.
 *
 * The seed is printed first; MK_FUZZ_SEED=N replays a run and
 * MK_FUZZ_ITERS=N sets the number of ioctls.  Nothing is ever started:
 * no load of a whole kernel is attempted, and CPU 1, which the host's
 * tests run on, is never offered (the host keeps CPUs 0 and 1).
 *
 * Needs root, the partitions' CPUs (test_partition.h) and the pool.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/multikernel.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "../kselftest_harness.h"
#include "../../../lib/multikernel/multikernel.h"
#include "sysfs_util.h"
#include "test_partition.h"

#define MIB		(1024ULL * 1024)
#define PART_MEM	(160 * MIB)
#define CPU_MASK(n)	(1ULL << (n))
#define ITERS		2000
/* A call that takes longer stalls its caller: offlining CPUs is the slowest. */
#define CALL_MS		10000
#define SETTING_WRITES	60
/* Larger than any setting takes (MK_SETTING_MAX is a page). */
#define LONG_WORD	5000

/* What each request may answer besides success. */
static const int allowed[] = {
	EPERM, ENOENT, EIO, E2BIG, ENOEXEC, EBADF, ENOMEM, EACCES, EFAULT,
	EBUSY, ENODEV, EINVAL, ENOSPC, ENOTTY, ETIMEDOUT, EALREADY, EFBIG,
	ERANGE, EISDIR, ESPIPE, ETXTBSY, EOVERFLOW, ENAMETOOLONG, EEXIST,
	ENOTDIR, ENXIO,
};

static bool errno_allowed(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(allowed); i++)
		if (allowed[i] == err)
			return true;
	return false;
}

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[rnd() % n];
}

/* One of the values, at random; they need not be constants. */
#define PICK(...) ({							\
	const uint64_t __v[] = { __VA_ARGS__ };				\
	pick(__v, ARRAY_SIZE(__v));					\
})

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static unsigned long long env_num(const char *name, unsigned long long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

/* What the host had before, to compare with what it has after. */
struct host_state {
	unsigned long long pool_avail;
	char online[64];
	char ifaces[1024];
	int partitions;
};

static void host_state(struct host_state *s)
{
	unsigned long long base, total;
	struct dirent *d;
	DIR *dir;

	memset(s, 0, sizeof(*s));
	if (mkl_read_pool(&base, &total, &s->pool_avail))
		s->pool_avail = ~0ULL;
	mk_read_text("/sys/devices/system/cpu/online", s->online, sizeof(s->online));
	dir = opendir(MKL_NET_DIR);
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		strncat(s->ifaces, d->d_name, sizeof(s->ifaces) - strlen(s->ifaces) - 2);
		strcat(s->ifaces, " ");
	}
	if (dir)
		closedir(dir);
	s->partitions = mkl_list(NULL, 0);
}

FIXTURE(fuzz) {
	int fd;
	struct host_state before;
	/* Three pages; the last one is never accessible. */
	unsigned char *area;
	long page;
	unsigned long long seed;
};

FIXTURE_SETUP(fuzz)
{
	unsigned long long base, total, avail;

	self->fd = -1;
	self->area = MAP_FAILED;
	if (geteuid())
		SKIP(return, "needs root");
	self->fd = mkl_open();
	if (self->fd < 0)
		SKIP(return, "%s: %s", MKL_DEVICE, strerror(-self->fd));
	if (mkl_read_pool(&base, &total, &avail) || avail < 2 * PART_MEM)
		SKIP(return, "the pool needs %llu MiB free", 2 * PART_MEM / MIB);
	ASSERT_EQ(0, mkl_list(NULL, 0)) TH_LOG("partitions left by an earlier test");
	host_state(&self->before);

	self->page = sysconf(_SC_PAGESIZE);
	self->area = mmap(NULL, 3 * self->page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->area);
	ASSERT_EQ(0, mprotect(self->area + 2 * self->page, self->page, PROT_NONE));

	self->seed = env_num("MK_FUZZ_SEED", 0);
	if (!self->seed)
		self->seed = (now_ms() * 2654435761ULL) ^ getpid();
	rnd_state = self->seed | 1;
	TH_LOG("seed %llu: MK_FUZZ_SEED=%llu replays this run", self->seed, self->seed);
}

/* Every partition gone, and the host as it was. */
FIXTURE_TEARDOWN(fuzz)
{
	struct host_state after;
	__u32 ids[16];
	int n, i;

	if (self->fd < 0)
		return;
	n = mkl_list(ids, ARRAY_SIZE(ids));
	for (i = 0; i < n && i < (int)ARRAY_SIZE(ids); i++) {
		mkl_stop(self->fd, ids[i], MK_STOP_FORCE, 0);
		EXPECT_EQ(0, mkl_destroy(self->fd, ids[i])) TH_LOG("destroy %u", ids[i]);
	}
	host_state(&after);
	EXPECT_EQ(self->before.partitions, after.partitions);
	EXPECT_EQ(self->before.pool_avail, after.pool_avail);
	EXPECT_STREQ(self->before.online, after.online);
	EXPECT_STREQ(self->before.ifaces, after.ifaces);
	if (self->area != MAP_FAILED)
		munmap(self->area, 3 * self->page);
	close(self->fd);
}

/* A call's verdict: success, or an errno of the list, within CALL_MS. */
static void check_call(struct __test_metadata *_metadata, unsigned long long seed,
		       bool failed, int err, long long ms, const char *what)
{
	EXPECT_TRUE(!failed || errno_allowed(err))
		TH_LOG("%s: errno %d (seed %llu)", what, err, seed);
	EXPECT_GT(CALL_MS, ms)
		TH_LOG("%s: took %lld ms (seed %llu)", what, ms, seed);
}

/* The request: one of ours mostly, else a number the driver must refuse. */
static unsigned long fuzz_request(void)
{
	static const unsigned long ours[] = {
		MK_IOC_CREATE, MK_IOC_LOAD, MK_IOC_START, MK_IOC_STOP, MK_IOC_DESTROY,
	};
	unsigned int r = rnd() % 100;

	if (r < 85)
		return ours[rnd() % ARRAY_SIZE(ours)];
	if (r < 95)
		return _IOC(rnd() % 4, MK_IOC_MAGIC, rnd() % 16, rnd() % 512);
	return (unsigned long)rnd();
}

/*
 * A CPU bitmap at @bitmap: the partitions' CPUs, the host's boot CPU, CPUs
 * that do not exist; never CPU 1.  Returns the size to pass.
 */
static __u32 fuzz_cpus(unsigned char *bitmap, bool valid)
{
	__u64 mask = CPU_MASK(TEST_PART_CPU0) | CPU_MASK(TEST_PART_CPU1);
	__u32 size = sizeof(mask);

	if (!valid) {
		mask = PICK(CPU_MASK(TEST_PART_CPU0), CPU_MASK(0), CPU_MASK(63), 0,
			    CPU_MASK(TEST_PART_CPU0) | CPU_MASK(40));
		size = PICK(8, 8, 0, 4, 16, 4096, 1U << 20, 7);
	}
	memset(bitmap, 0, 64);
	memcpy(bitmap, &mask, sizeof(mask));
	return size;
}

/*
 * The fields of a request that would succeed, then up to three of them
 * changed to a value of their kind that is wrong, or to one just past
 * what they take.
 */
static void fuzz_fields(unsigned long req, void *arg, unsigned char *scratch,
			__u32 known_id, int bad_fd)
{
	union {
		struct mk_create c;
		struct mk_load l;
		struct mk_op op;
	} *a = arg;
	static const char cmdline[] = "console=ttyS1 mkpart.action=idle";
	unsigned int bad = 0, k;

	for (k = 0; k < 3; k++)
		if (rnd() % 2)
			bad |= 1U << (rnd() % 5);
	switch (_IOC_NR(req)) {
	case _IOC_NR(MK_IOC_CREATE):
		a->c.flags = bad & 1 ? PICK(MK_CREATE_FORCE, 1U << 1, ~0U) : 0;
		a->c.mem_bytes = bad & 2 ? PICK(2 * MIB, 3 * MIB, 0, 1ULL << 40, ~0ULL,
						384 * MIB + 2 * MIB) : PART_MEM;
		a->c.cpus_size = fuzz_cpus(scratch, !(bad & 4));
		a->c.cpus_ptr = bad & 8 ? PICK(0, 8, (uintptr_t)(scratch + 1),
					       0xffffffff81000000ULL) : (uintptr_t)scratch;
		a->c.console = bad & 16 ? PICK(3, 4, -2, 1U << 31) : MK_CONSOLE_NONE;
		a->c.id = rnd();
		break;
	case _IOC_NR(MK_IOC_LOAD):
		/* The kernel is never a kernel: see the comment at the top. */
		a->l.flags = bad & 1 ? PICK(0, 1U << 1, ~0U) : MK_LOAD_NO_INITRAMFS;
		a->l.id = bad & 2 ? PICK(0, 1, ~0U, rnd()) : known_id;
		a->l.kernel_fd = bad & 4 ? PICK(-1, 0, 1000, 1U << 31) : bad_fd;
		a->l.initrd_fd = PICK(-1, bad_fd, 0, 1000);
		memcpy(scratch, cmdline, sizeof(cmdline));
		a->l.cmdline_ptr = bad & 8 ? PICK(0, 8, 0xffffffff81000000ULL) :
			(uintptr_t)scratch;
		a->l.cmdline_len = bad & 16 ? PICK(0, sizeof(cmdline) - 1, 4096, 5000, ~0U) :
			sizeof(cmdline);
		break;
	default:
		a->op.flags = bad & 1 ? PICK(MK_STOP_FORCE, 1U << 1, ~0U) : 0;
		a->op.id = bad & 2 ? PICK(0, 1, ~0U, rnd()) : known_id;
		a->op.timeout_ms = bad & 4 ? PICK(1, 100, ~0U) : 0;
		break;
	}
}

/* The size member: the true one mostly, else one around the limits. */
static __u32 fuzz_size(__u32 true_size)
{
	if (rnd() % 4)
		return true_size;
	return PICK(0, 4, true_size - 4, true_size + 8, 4096, 4097, 1U << 31, ~0U);
}

TEST_F_TIMEOUT(fuzz, ioctls, 600)
{
	unsigned long long iters = env_num("MK_FUZZ_ITERS", ITERS);
	static const char * const names[] = {
		"?", "create", "load", "start", "stop", "destroy",
	};
	unsigned int ok_by_nr[8] = { 0 }, calls_by_nr[8] = { 0 }, nr;
	unsigned char *guard = self->area + 2 * self->page;
	char junk[64], what[128];
	__u32 known_id = 0;
	long long t, took, slowest = 0;
	unsigned long long i;
	int bad_fd, ret, err;

	/* A kernel file that is no kernel: 64 KiB of random bytes. */
	snprintf(junk, sizeof(junk), "/tmp/partition_fuzz_test-%d", getpid());
	bad_fd = open(junk, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, bad_fd);
	for (i = 0; i < 65536 / 8; i++) {
		uint64_t v = rnd();

		ASSERT_EQ(8, write(bad_fd, &v, 8));
	}
	close(bad_fd);
	bad_fd = open(junk, O_RDONLY);
	ASSERT_LE(0, bad_fd);
	unlink(junk);

	for (i = 0; i < iters; i++) {
		unsigned long req = fuzz_request();
		unsigned char *arg;
		__u32 size = 64;
		void *where;

		/* The argument ends before the guard page, or runs into it. */
		arg = guard - (rnd() % 8 ? 64 : PICK(24, 8, 4, 2));
		memset(self->area, 0, 2 * self->page);
		if (rnd() % 4 == 0) {
			unsigned int k;

			for (k = 0; k < (unsigned int)(guard - arg); k++)
				arg[k] = rnd();
		} else if (guard - arg >= 64) {
			if (_IOC_TYPE(req) == MK_IOC_MAGIC)
				fuzz_fields(req, arg, self->area, known_id, bad_fd);
			size = _IOC_NR(req) == _IOC_NR(MK_IOC_CREATE) ?
				sizeof(struct mk_create) :
				_IOC_NR(req) == _IOC_NR(MK_IOC_LOAD) ?
				sizeof(struct mk_load) : sizeof(struct mk_op);
			size = fuzz_size(size);
			memcpy(arg, &size, sizeof(size));
		}
		where = arg;
		if (rnd() % 8 == 0)
			where = (void *)PICK(0, 8, (uintptr_t)guard, 0xffffffff81000000ULL);

		t = now_ms();
		ret = ioctl(self->fd, req, where);
		err = ret ? errno : 0;
		took = now_ms() - t;
		if (took > slowest)
			slowest = took;
		snprintf(what, sizeof(what), "call %llu: ioctl %#lx size %u", i, req, size);
		check_call(_metadata, self->seed, ret, err, took, what);
		nr = _IOC_NR(req) & 7;
		if (_IOC_TYPE(req) == MK_IOC_MAGIC) {
			calls_by_nr[nr]++;
			ok_by_nr[nr] += !ret;
		}
		if (!ret && req == MK_IOC_CREATE)
			memcpy(&known_id, arg + offsetof(struct mk_create, id),
			       sizeof(known_id));
		if (_metadata->exit_code == KSFT_FAIL)
			break;
	}
	close(bad_fd);
	TH_LOG("%llu calls, the slowest %lld ms", i, slowest);
	for (nr = 1; nr <= 5; nr++)
		TH_LOG("%s: %u of %u succeeded", names[nr], ok_by_nr[nr], calls_by_nr[nr]);
	/* Only a kernel that is no kernel was ever offered. */
	EXPECT_EQ(0, ok_by_nr[2]);
	EXPECT_EQ(0, ok_by_nr[3]);
}

/* The partition kernel with @n bytes changed at random within [@from, @to). */
static void corrupt(unsigned char *k, size_t len, size_t from, size_t to, int n)
{
	while (n-- > 0 && to > from && to <= len)
		k[from + rnd() % (to - from)] ^= 1 + rnd() % 255;
}

TEST_F_TIMEOUT(fuzz, corrupted_kernels, 600)
{
	static const char cmdline[] = "console=ttyS1 mkpart.action=idle";
	__u64 cpus = CPU_MASK(TEST_PART_CPU0) | CPU_MASK(TEST_PART_CPU1);
	unsigned char *kernel, *bad;
	char path[64], state[32];
	size_t len, bad_len;
	int ret, kfd, wfd, i, refused = 0;
	long long t, took;
	struct stat st;
	__u32 id;

	kfd = open(TEST_PART_KERNEL, O_RDONLY);
	if (kfd < 0)
		SKIP(return, "no %s", TEST_PART_KERNEL);
	ASSERT_EQ(0, fstat(kfd, &st));
	len = st.st_size;
	kernel = malloc(len);
	bad = malloc(len);
	ASSERT_TRUE(kernel && bad);
	ASSERT_EQ((ssize_t)len, read(kfd, kernel, len));
	close(kfd);
	ASSERT_EQ(0, mkl_create(self->fd, &cpus, sizeof(cpus), PART_MEM,
				MK_CONSOLE_NONE, 0, &id));
	snprintf(path, sizeof(path), "/tmp/partition_fuzz_test-%d.bz", getpid());

	for (i = 0; i < 13; i++) {
		memcpy(bad, kernel, len);
		bad_len = len;
		if (i < 7)		/* the boot sector and the setup header */
			corrupt(bad, len, 0x1f0, 0x280, 1 + rnd() % 8);
		else if (i < 10)	/* anywhere in the setup code */
			corrupt(bad, len, 0, 0x4000, 1 + rnd() % 64);
		else			/* cut anywhere */
			bad_len = rnd() % len;
		wfd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ASSERT_LE(0, wfd);
		ASSERT_EQ((ssize_t)bad_len, write(wfd, bad, bad_len));
		close(wfd);
		kfd = open(path, O_RDONLY);
		ASSERT_LE(0, kfd);
		t = now_ms();
		ret = mkl_load(self->fd, id, kfd, -1, cmdline);
		took = now_ms() - t;
		close(kfd);
		check_call(_metadata, self->seed, ret, -ret, took, "a corrupted kernel's load");
		refused += !!ret;
		/* Loaded or not, it stays unstarted. */
		ASSERT_LT(0, mkl_read_attr(id, "state", state, sizeof(state)));
		EXPECT_TRUE(!strncmp(state, "created", 7) || !strncmp(state, "loaded", 6))
			TH_LOG("state %s after load %d", state, i);
	}
	unlink(path);
	free(kernel);
	free(bad);
	/* The cut ones at least: a kernel without its end is not one. */
	EXPECT_LE(3, refused);
	TH_LOG("%d of 13 corrupted kernels refused at load", refused);
}

/* A word a setting might take, or something near it. */
static size_t fuzz_word(char *buf, size_t size)
{
	static const char * const parts[] = {
		"default", "name=", "mac=", "mtu=", "file=", "ro", "rw", ",", "=", " ",
		"\n", "/tmp/x", "/dev/null", "deleg", "console", "blk", "net", "ikc",
		"-1", "0", "1", "9000", "65536", "18446744073709551616",
		"02:00:00:00:00:01", "ff:ff:ff:ff:ff:ff", "mkvn0", "lo", "\xff\xfe",
	};
	size_t n = 0;
	unsigned int r = rnd() % 10;

	if (r == 0) {		/* random bytes, NULs included */
		n = rnd() % 300;
		for (size_t k = 0; k < n; k++)
			buf[k] = rnd();
		return n;
	}
	if (r == 1) {		/* longer than any setting */
		memset(buf, 'a', LONG_WORD);
		return LONG_WORD;
	}
	while (n < 200 && rnd() % 8) {
		const char *p = parts[rnd() % ARRAY_SIZE(parts)];

		if (n + strlen(p) >= size)
			break;
		memcpy(buf + n, p, strlen(p));
		n += strlen(p);
	}
	return n;
}

TEST_F_TIMEOUT(fuzz, settings, 300)
{
	__u64 cpus = CPU_MASK(TEST_PART_CPU0) | CPU_MASK(TEST_PART_CPU1);
	char dir[96], path[384], what[512];
	static char word[LONG_WORD + 1], back[8192];
	int files = 0, accepted = 0, n, fd, err;
	long long t, took;
	struct dirent *d;
	struct stat st;
	DIR *dp;
	__u32 id;

	ASSERT_EQ(0, mkl_create(self->fd, &cpus, sizeof(cpus), PART_MEM,
				MK_CONSOLE_NONE, 0, &id));
	snprintf(dir, sizeof(dir), MKL_PARTITIONS_DIR "/%u", id);
	dp = opendir(dir);
	ASSERT_NE(NULL, dp);
	while ((d = readdir(dp))) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (d->d_name[0] == '.' || lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		files++;
		for (n = 0; n < SETTING_WRITES; n++) {
			size_t len = fuzz_word(word, sizeof(word));
			ssize_t w;

			fd = open(path, O_WRONLY);
			if (fd < 0) {
				EXPECT_TRUE(errno_allowed(errno))
					TH_LOG("open %s: %d", path, errno);
				break;
			}
			t = now_ms();
			w = write(fd, word, len);
			err = w < 0 ? errno : 0;
			took = now_ms() - t;
			close(fd);
			snprintf(what, sizeof(what), "write of %zu bytes to %s", len, path);
			check_call(_metadata, self->seed, w < 0, err, took, what);
			accepted += w >= 0;
			/* It still reads, whatever was written. */
			EXPECT_LE(0, mk_read_file(path, back, sizeof(back))) TH_LOG("%s", path);
		}
	}
	closedir(dp);
	EXPECT_LT(5, files);
	TH_LOG("%d files of %s, %d of their writes taken", files, dir, accepted);
	/* The partition is intact: it still goes away cleanly (teardown). */
	ASSERT_LT(0, mkl_read_attr(id, "state", what, sizeof(what)));
	EXPECT_EQ(0, strncmp(what, "created", 7)) TH_LOG("state %s", what);
}

TEST_HARNESS_MAIN

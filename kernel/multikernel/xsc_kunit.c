// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for exception-less system calls: validation of xsc_setup()
 * parameters and the table of calls allowed from the syscall page.
 */
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/unistd.h>

#include "xsc.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static void xsc_test_params_valid(struct kunit *test)
{
	struct xsc_params p = {};

	KUNIT_EXPECT_EQ(test, xsc_params_check(&p), 0);
	p.nr_entries = XSC_MAX_ENTRIES;
	p.nr_threads = XSC_MAX_THREADS;
	p.policy = XSC_POLICY_IDLE;
	p.idle_us = XSC_MAX_IDLE_US;
	p.flags = XSC_SETUP_IOPOLL;
	p.cpus = 0x1000;
	p.cpus_size = 8;
	/* Output fields are not checked on input. */
	p.mmap_size = 1;
	p.features = ~0U;
	KUNIT_EXPECT_EQ(test, xsc_params_check(&p), 0);
	p.idle_us = 0;
	p.policy = XSC_POLICY_BUSY;
	KUNIT_EXPECT_EQ(test, xsc_params_check(&p), 0);
	p.policy = XSC_POLICY_WAKEUP;
	KUNIT_EXPECT_EQ(test, xsc_params_check(&p), 0);
}

static void xsc_test_params_invalid(struct kunit *test)
{
	static const struct {
		const char *what;
		struct xsc_params p;
	} bad[] = {
		{ "unknown flag", { .flags = 1U << 1 } },
		{ "high flag", { .flags = 1U << 31 } },
		{ "too many entries", { .nr_entries = XSC_MAX_ENTRIES + 1 } },
		{ "too many threads", { .nr_threads = XSC_MAX_THREADS + 1 } },
		{ "unknown policy", { .policy = XSC_POLICY_WAKEUP + 1 } },
		{ "idle time too long", { .idle_us = XSC_MAX_IDLE_US + 1 } },
		{ "idle time, busy policy",
		  { .policy = XSC_POLICY_BUSY, .idle_us = 10 } },
		{ "cpus without size", { .cpus = 0x1000 } },
		{ "size without cpus", { .cpus_size = 8 } },
		{ "cpu set too large",
		  { .cpus = 0x1000, .cpus_size = PAGE_SIZE + 1 } },
		{ "resv32", { .resv32 = 1 } },
		{ "resv[0]", { .resv = { 1 } } },
		{ "resv[3]", { .resv = { 0, 0, 0, 1 } } },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, xsc_params_check(&bad[i].p), -EINVAL,
				    "%s", bad[i].what);
}

static void xsc_test_allowed_calls(struct kunit *test)
{
	static const unsigned int allowed[] = {
		__NR_read, __NR_write, __NR_pread64, __NR_pwrite64,
		__NR_openat, __NR_close, __NR_lseek, __NR_fsync,
		__NR_fstat, __NR_statx, __NR_getpid,
	};
	static const unsigned int refused[] = {
		__NR_gettid, __NR_clone, __NR_clone3, __NR_fork, __NR_vfork,
		__NR_execve, __NR_execveat, __NR_exit, __NR_exit_group,
		__NR_rt_sigaction, __NR_rt_sigprocmask, __NR_rt_sigreturn,
		__NR_kill, __NR_setuid, __NR_setresuid, __NR_capset,
		__NR_prctl, __NR_seccomp, __NR_mmap, __NR_munmap, __NR_ptrace,
		__NR_xsc_setup, __NR_xsc_enter, __NR_io_uring_enter,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(allowed); i++)
		KUNIT_EXPECT_TRUE_MSG(test, xsc_call_def(allowed[i]),
				      "nr %u", allowed[i]);
	for (i = 0; i < ARRAY_SIZE(refused); i++)
		KUNIT_EXPECT_FALSE_MSG(test, xsc_call_def(refused[i]),
				       "nr %u", refused[i]);
	KUNIT_EXPECT_FALSE(test, xsc_call_def(NR_syscalls));
	KUNIT_EXPECT_FALSE(test, xsc_call_def(0x40000000 | __NR_read));
	KUNIT_EXPECT_FALSE(test, xsc_call_def(~0U));
}

/* Polled block I/O: positional reads and writes, nothing else. */
static void xsc_test_iopoll_calls(struct kunit *test)
{
	const struct xsc_call_def *def;
	unsigned int nr, n = 0;

	def = xsc_call_def(__NR_pread64);
	KUNIT_ASSERT_NOT_NULL(test, def);
	KUNIT_EXPECT_EQ(test, def->iopoll, XSC_IO_READ);
	def = xsc_call_def(__NR_pwrite64);
	KUNIT_ASSERT_NOT_NULL(test, def);
	KUNIT_EXPECT_EQ(test, def->iopoll, XSC_IO_WRITE);
	for (nr = 0; nr < NR_syscalls; nr++) {
		def = xsc_call_def(nr);
		if (def && def->iopoll != XSC_IO_NONE)
			n++;
	}
	KUNIT_EXPECT_EQ(test, n, 2);
}

static void xsc_test_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct xsc_params), XSC_PARAMS_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct xsc_entry), 128);
	KUNIT_EXPECT_EQ(test, offsetof(struct xsc_header, completed), 64);
	KUNIT_EXPECT_LE(test, sizeof(struct xsc_header), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, PAGE_SIZE % sizeof(struct xsc_entry), 0);
}

static struct kunit_case xsc_test_cases[] = {
	KUNIT_CASE(xsc_test_params_valid),
	KUNIT_CASE(xsc_test_params_invalid),
	KUNIT_CASE(xsc_test_allowed_calls),
	KUNIT_CASE(xsc_test_iopoll_calls),
	KUNIT_CASE(xsc_test_layout),
	{}
};

static struct kunit_suite xsc_test_suite = {
	.name = "xsc",
	.test_cases = xsc_test_cases,
};

kunit_test_suite(xsc_test_suite);

MODULE_DESCRIPTION("KUnit tests for exception-less system calls");
MODULE_LICENSE("GPL");

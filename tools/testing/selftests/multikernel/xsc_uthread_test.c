// SPDX-License-Identifier: GPL-2.0
/*
 * Exception-less system calls through tools/lib/xsc: the library and its
 * M:N user-level threads.  Many user-level threads on a few OS threads
 * keep the syscall threads busy; every result is checked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "../../../lib/xsc/xsc.h"
#include "../../../lib/xsc/uthread.h"
#include "../kselftest_harness.h"

#define DEPTH	8	/* writes and reads per file, as in the seed */

static struct xsc pool;

struct job {
	int id;
	int rounds;
	int errors;
};

/* The seed's workload: d writes of 512 B, reopen, d reads, checked. */
static void file_job(void *arg)
{
	struct job *j = arg;
	char path[64], buf[512], back[512];
	int r, i, fd;

	snprintf(path, sizeof(path), "/tmp/xsc-ut-%d-%d", getpid(), j->id);
	for (r = 0; r < j->rounds; r++) {
		fd = xsc_syscall(&pool, SYS_openat, AT_FDCWD, path,
				 O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0) {
			j->errors++;
			return;
		}
		for (i = 0; i < DEPTH; i++) {
			memset(buf, j->id + i + r, sizeof(buf));
			if (xsc_syscall(&pool, SYS_write, fd, buf, 512) != 512)
				j->errors++;
		}
		xsc_syscall(&pool, SYS_close, fd);
		fd = xsc_syscall(&pool, SYS_openat, AT_FDCWD, path, O_RDONLY);
		if (fd < 0) {
			j->errors++;
			return;
		}
		for (i = 0; i < DEPTH; i++) {
			memset(buf, j->id + i + r, sizeof(buf));
			if (xsc_syscall(&pool, SYS_read, fd, back, 512) != 512 ||
			    memcmp(buf, back, 512))
				j->errors++;
		}
		if (xsc_syscall(&pool, SYS_close, fd))
			j->errors++;
	}
	if (xsc_syscall(&pool, SYS_unlinkat, AT_FDCWD, path, 0))
		j->errors++;
}

struct os_thread {
	struct ut_sched sched;
	struct job jobs[32];
	int first, count, ret;
};

static void *os_thread_fn(void *arg)
{
	struct os_thread *t = arg;
	int i;

	t->ret = ut_sched_init(&t->sched, &pool);
	for (i = 0; !t->ret && i < t->count; i++) {
		t->jobs[i] = (struct job){ t->first + i, 4, 0 };
		t->ret = ut_spawn(&t->sched, file_job, &t->jobs[i], 0);
	}
	if (!t->ret)
		t->ret = ut_sched_run(&t->sched);
	return NULL;
}

TEST(user_level_threads_over_two_os_threads)
{
	struct os_thread t[2];
	pthread_t th[2];
	int i, k;

	ASSERT_EQ(0, xsc_open(&pool, NULL));
	for (i = 0; i < 2; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].first = i * 32;
		t[i].count = 32;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, os_thread_fn, &t[i]));
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, t[i].ret);
		for (k = 0; k < t[i].count; k++)
			EXPECT_EQ(0, t[i].jobs[k].errors);
	}
	xsc_close(&pool);
}

static void sleeper(void *arg)
{
	struct timespec ts = { 0, 20000000 };
	int *errors = arg;

	if (xsc_syscall(&pool, SYS_nanosleep, &ts, NULL))
		(*errors)++;
}

TEST(page_full)
{
	struct xsc_params p = { .nr_entries = 1, .nr_threads = 8 };
	struct xsc_entry *e[32];
	struct ut_sched s;
	int i, errors = 0;

	ASSERT_EQ(0, xsc_open(&pool, &p));
	/* One page of entries: 32 of 128 bytes. */
	ASSERT_EQ(32, pool.nr_entries);
	for (i = 0; i < 32; i++)
		ASSERT_NE(NULL, e[i] = xsc_entry_get(&pool));
	EXPECT_EQ(NULL, xsc_entry_get(&pool));
	EXPECT_EQ(EAGAIN, errno);
	for (i = 0; i < 32; i++)
		xsc_entry_put(&pool, e[i]);

	/* Three times more callers than entries: all get through. */
	ASSERT_EQ(0, ut_sched_init(&s, &pool));
	for (i = 0; i < 96; i++)
		ASSERT_EQ(0, ut_spawn(&s, sleeper, &errors, 0));
	EXPECT_EQ(0, ut_sched_run(&s));
	EXPECT_EQ(0, errors);
	xsc_close(&pool);
}

TEST(raw_results_and_errors)
{
	struct xsc second;
	char buf[8];

	ASSERT_EQ(0, xsc_open(&pool, NULL));
	EXPECT_EQ(getpid(), xsc_syscall(&pool, SYS_getpid));
	EXPECT_EQ(-EBADF, xsc_syscall(&pool, SYS_read, -1, buf, 1));
	/* Not run from the page: fails as an unknown call number does. */
	EXPECT_EQ(syscall(100000) == -1 ? -errno : 0,
		  xsc_syscall(&pool, SYS_gettid));
	EXPECT_EQ(-EBUSY, xsc_open(&second, NULL));
	xsc_close(&pool);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/multikernel/: the interface version matches the UAPI header,
 * every feature file reads 0 or 1 and agrees with the kernel's config, and
 * nothing there can be written.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/multikernel.h>

#include "../kselftest_harness.h"
#include "sysfs_util.h"

#define MK_SYSFS "/sys/kernel/multikernel"

/* The features this test knows, with the option that builds each. */
static const struct {
	const char *name;
	const char *config;
} features[] = {
	{ "partitions", "CONFIG_MULTIKERNEL_PARTITION" },
	{ "ikc", "CONFIG_IKC" },
	{ "overshadow", "CONFIG_OVERSHADOW" },
	{ "exceptionless_syscall", "CONFIG_EXCEPTIONLESS_SYSCALL" },
	{ "syscall_delegation", "CONFIG_MULTIKERNEL_SYSCALL_DELEGATION" },
};

#define NR_FEATURES ARRAY_SIZE(features)

TEST(version_matches_uapi)
{
	char buf[64], want[32];
	int n;

	n = mk_read_file(MK_SYSFS "/version", buf, sizeof(buf));
	ASSERT_GT(n, 0) TH_LOG("%s/version: %s", MK_SYSFS, strerror(-n));
	snprintf(want, sizeof(want), "%d\n", MULTIKERNEL_API_VERSION);
	EXPECT_STREQ(want, buf);
}

TEST(feature_files_are_known)
{
	struct dirent *de;
	int seen[NR_FEATURES] = { 0 };
	DIR *d;
	size_t i;

	d = opendir(MK_SYSFS "/features");
	ASSERT_NE(NULL, d) TH_LOG("%s/features: %s", MK_SYSFS, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < NR_FEATURES; i++)
			if (!strcmp(de->d_name, features[i].name))
				break;
		EXPECT_LT(i, NR_FEATURES)
			TH_LOG("feature '%s' is unknown to this test", de->d_name);
		if (i < NR_FEATURES)
			seen[i]++;
	}
	closedir(d);
	for (i = 0; i < NR_FEATURES; i++) {
		const char *name = features[i].name;

		EXPECT_EQ(1, seen[i]) TH_LOG("feature '%s' missing", name);
	}
}

/* Value of @config in /proc/config.gz: 1 for =y, 0 otherwise, -1 if unreadable. */
static int config_enabled(const char *config)
{
	char line[256], want[128];
	int found = 0;
	FILE *f;

	if (access("/proc/config.gz", R_OK))
		return -1;
	f = popen("zcat /proc/config.gz", "r");
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%s=y\n", config);
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, want))
			found = 1;
	if (pclose(f))
		return -1;
	return found;
}

TEST(features_match_config)
{
	char path[256], buf[16];
	size_t i;
	int n, on;

	if (config_enabled("CONFIG_MULTIKERNEL") != 1)
		SKIP(return, "/proc/config.gz not readable (CONFIG_IKCONFIG_PROC=n)");

	for (i = 0; i < NR_FEATURES; i++) {
		snprintf(path, sizeof(path), MK_SYSFS "/features/%s",
			 features[i].name);
		n = mk_read_file(path, buf, sizeof(buf));
		ASSERT_EQ(2, n) TH_LOG("%s: %s", path, n < 0 ? strerror(-n) : buf);
		ASSERT_TRUE(!strcmp(buf, "0\n") || !strcmp(buf, "1\n"))
			TH_LOG("%s reads '%s'", path, buf);
		on = config_enabled(features[i].config);
		ASSERT_NE(-1, on);
		EXPECT_EQ(on, buf[0] == '1')
			TH_LOG("%s says %c but %s is %s", path, buf[0],
			       features[i].config, on ? "y" : "not y");
	}
}

static void expect_read_only(struct __test_metadata *_metadata, const char *path)
{
	struct stat st;
	int fd;

	ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
	EXPECT_EQ(0444, st.st_mode & 07777) TH_LOG("%s mode %o", path, st.st_mode);
	fd = open(path, O_WRONLY);
	EXPECT_EQ(-1, fd) TH_LOG("%s opened for writing", path);
	EXPECT_EQ(EACCES, errno);
	if (fd >= 0)
		close(fd);
}

TEST(files_are_read_only)
{
	char path[256];
	size_t i;

	expect_read_only(_metadata, MK_SYSFS "/version");
	for (i = 0; i < NR_FEATURES; i++) {
		snprintf(path, sizeof(path), MK_SYSFS "/features/%s",
			 features[i].name);
		expect_read_only(_metadata, path);
	}
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the multikernel core: the sysfs directory really exists
 * with the files user space is promised, and they read as documented.
 */

#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/ctype.h>
#include <linux/kernfs.h>
#include <linux/multikernel.h>
#include <linux/string.h>

#include "internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Look @name up below @parent; the reference is dropped by the test. */
static struct kernfs_node *mk_find(struct kunit *test,
				   struct kernfs_node *parent,
				   const char *name)
{
	struct kernfs_node *kn;

	kn = kernfs_find_and_get(parent, name);
	KUNIT_ASSERT_NOT_NULL_MSG(test, kn, "no sysfs entry %s", name);
	return kn;
}

static void mk_expect_ro_file(struct kunit *test, struct kernfs_node *kn)
{
	KUNIT_EXPECT_EQ(test, kernfs_type(kn), KERNFS_FILE);
	KUNIT_EXPECT_EQ(test, kn->mode & 0777, 0444);
}

static void mk_test_sysfs_layout(struct kunit *test)
{
	struct kernfs_node *dir, *features, *kn;
	struct mk_feature *f;

	KUNIT_ASSERT_NOT_NULL(test, multikernel_kobj);
	dir = mk_find(test, kernel_kobj->sd, "multikernel");
	KUNIT_EXPECT_PTR_EQ(test, dir, multikernel_kobj->sd);
	KUNIT_EXPECT_EQ(test, kernfs_type(dir), KERNFS_DIR);

	kn = mk_find(test, dir, "version");
	mk_expect_ro_file(test, kn);
	kernfs_put(kn);

	features = mk_find(test, dir, "features");
	KUNIT_EXPECT_EQ(test, kernfs_type(features), KERNFS_DIR);
	for (f = mk_features; f->attr.attr.name; f++) {
		kn = mk_find(test, features, f->attr.attr.name);
		mk_expect_ro_file(test, kn);
		kernfs_put(kn);
	}
	kernfs_put(features);
	kernfs_put(dir);
}

static void mk_test_version(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char want[16];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	snprintf(want, sizeof(want), "%d\n", MULTIKERNEL_API_VERSION);
	KUNIT_EXPECT_EQ(test, mk_version_show(multikernel_kobj, NULL, buf),
			(ssize_t)strlen(want));
	KUNIT_EXPECT_STREQ(test, buf, want);
}

static bool mk_valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower(*s) && !isdigit(*s) && *s != '_')
			return false;
	return true;
}

static void mk_test_features(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct mk_feature *f, *g;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_NOT_NULL(test, mk_features[0].attr.attr.name);
	for (f = mk_features; f->attr.attr.name; f++) {
		const char *name = f->attr.attr.name;

		KUNIT_EXPECT_TRUE_MSG(test, mk_valid_name(name),
				      "bad feature name '%s'", name);
		for (g = f + 1; g->attr.attr.name; g++)
			KUNIT_EXPECT_STRNEQ(test, name, g->attr.attr.name);

		KUNIT_EXPECT_EQ(test, mk_feature_show(NULL, &f->attr, buf), 2);
		KUNIT_EXPECT_STREQ(test, buf, f->built_in ? "1\n" : "0\n");
	}
}

static struct kunit_case mk_core_cases[] = {
	KUNIT_CASE(mk_test_sysfs_layout),
	KUNIT_CASE(mk_test_version),
	KUNIT_CASE(mk_test_features),
	{}
};

static struct kunit_suite mk_core_suite = {
	.name = "multikernel_core",
	.test_cases = mk_core_cases,
};

kunit_test_suite(mk_core_suite);

MODULE_DESCRIPTION("KUnit tests for the multikernel core");
MODULE_LICENSE("GPL");

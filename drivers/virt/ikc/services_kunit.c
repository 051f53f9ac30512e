// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "ikc_services": every service number has its entry, and
 * lists of services parse as documented, or are refused.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "internal.h"

static void services_declared(struct kunit *test)
{
	const struct ikc_service *s, *t;
	u32 nr, other;

	KUNIT_EXPECT_NULL(test, ikc_service_get(0));
	KUNIT_EXPECT_NULL(test, ikc_service_get(IKC_SVC_NR));
	KUNIT_EXPECT_NULL(test, ikc_service_get(U32_MAX));
	for (nr = 1; nr < IKC_SVC_NR; nr++) {
		s = ikc_service_get(nr);
		KUNIT_ASSERT_NOT_NULL_MSG(test, s, "service %u has no entry", nr);
		KUNIT_EXPECT_PTR_EQ(test, ikc_service_by_name(s->name), s);
		for (other = 1; other < nr; other++) {
			t = ikc_service_get(other);
			KUNIT_EXPECT_STRNEQ(test, s->name, t->name);
		}
	}
	KUNIT_EXPECT_EQ(test, ikc_service_get(IKC_SVC_ECHO)->has_arg, false);
	KUNIT_EXPECT_EQ(test, ikc_service_get(IKC_SVC_VIRTIO)->has_arg, true);
	KUNIT_EXPECT_NULL(test, ikc_service_by_name("ech"));
}

static void services_lists(struct kunit *test)
{
	static const char * const bad[] = {
		"", " , ", "bogus", "virtio", "echo:1", "virtio:x", "echo@host",
		"echo*0", "echo*17", "echo*x", "echo*9 echo*8",
	};
	struct ikc_slot_desc *d;
	unsigned int i;
	int n;

	d = kunit_kcalloc(test, IKC_MAX_SLOTS, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);

	n = ikc_parse_slots("echo@part*2, virtio:3\n", d);
	KUNIT_ASSERT_EQ(test, n, 3);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, le32_to_cpu(d[i].service), IKC_SVC_ECHO);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(d[i].flags), IKC_SLOT_OFFERED_BY_PEER);
	}
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d[2].service), IKC_SVC_VIRTIO);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d[2].arg), 3);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d[2].flags), 0);
	KUNIT_EXPECT_EQ(test, ikc_parse_slots("echo*16", d), IKC_MAX_SLOTS);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		n = ikc_parse_slots(bad[i], d);
		KUNIT_EXPECT_TRUE_MSG(test, n == -EINVAL || n == -E2BIG,
				      "\"%s\": %d", bad[i], n);
	}
}

static struct kunit_case ikc_services_cases[] = {
	KUNIT_CASE(services_declared),
	KUNIT_CASE(services_lists),
	{}
};

static struct kunit_suite ikc_services_suite = {
	.name = "ikc_services",
	.test_cases = ikc_services_cases,
};

kunit_test_suite(ikc_services_suite);

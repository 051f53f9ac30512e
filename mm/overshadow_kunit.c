// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for Overshadow: validation of overshadow_create() arguments
 * and the claiming of pages between the copy engine and writers.
 */

#include <kunit/test.h>
#include <linux/mm.h>

#include "overshadow.h"

struct osh_args_case {
	const char *name;
	struct overshadow_args args;
	int ret;
	unsigned long nr_pages;
};

#define PG	PAGE_SIZE

static const struct osh_args_case osh_args_cases[] = {
	{ "one page", { .from = 16 * PG, .len = PG }, 0, 1 },
	{ "unaligned start", { .from = 16 * PG + 100, .len = PG }, 0, 2 },
	{ "unaligned length", { .from = 16 * PG, .len = 3 * PG + 5 }, 0, 4 },
	{ "one byte", { .from = 16 * PG + PG - 1, .len = 1 }, 0, 1 },
	{ "zero length", { .from = 16 * PG, .len = 0 }, -EINVAL },
	{ "wraps", { .from = ~0UL - 100, .len = PG }, -EINVAL },
	{ "too large", { .from = 0, .len = (OSH_MAX_PAGES + 1) * PG }, -EINVAL },
	{ "unknown flag", { .from = PG, .len = PG, .flags = 1U << 31 }, -EINVAL },
	{ "reserved", { .from = PG, .len = PG, .__reserved = 1 }, -EINVAL },
	{ "cpu and dma", { .from = PG, .len = PG,
	  .flags = OVERSHADOW_CREATE_CPU | OVERSHADOW_CREATE_DMA }, -EINVAL },
	{ "node without flag", { .from = PG, .len = PG, .node = 1 }, -EINVAL },
	{ "negative node", { .from = PG, .len = PG, .node = -1,
	  .flags = OVERSHADOW_CREATE_NODE }, -EINVAL },
	{ "huge node", { .from = PG, .len = PG, .node = MAX_NUMNODES,
	  .flags = OVERSHADOW_CREATE_NODE }, -EINVAL },
	{ "node 0", { .from = PG, .len = PG, .node = 0,
	  .flags = OVERSHADOW_CREATE_NODE }, 0, 1 },
};

static void osh_args_desc(const struct osh_args_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(osh_args, osh_args_cases, osh_args_desc);

static void osh_args_test(struct kunit *test)
{
	const struct osh_args_case *c = test->param_value;
	unsigned long nr_pages = 0;
	int nid = -1, ret;

	ret = osh_check_args(&c->args, 0, &nid, &nr_pages);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (!ret) {
		KUNIT_EXPECT_EQ(test, nr_pages, c->nr_pages);
		KUNIT_EXPECT_EQ(test, nid, 0);
	}
}

/* The end of the address space (TASK_SIZE is not a constant). */
static void osh_args_task_size(struct kunit *test)
{
	struct overshadow_args args = { .from = TASK_SIZE - PG, .len = PG };
	unsigned long nr_pages = 0;
	int nid;

	KUNIT_EXPECT_EQ(test, osh_check_args(&args, 0, &nid, &nr_pages), 0);
	KUNIT_EXPECT_EQ(test, nr_pages, 1UL);
	args.len = 2 * PG;
	KUNIT_EXPECT_EQ(test, osh_check_args(&args, 0, &nid, &nr_pages),
			-EINVAL);
	args.from = TASK_SIZE;
	args.len = 1;
	KUNIT_EXPECT_EQ(test, osh_check_args(&args, 0, &nid, &nr_pages),
			-EINVAL);
}

/* A node without memory is refused like a node that does not exist. */
static void osh_args_memoryless_node(struct kunit *test)
{
	struct overshadow_args args = {
		.from = PG, .len = PG, .flags = OVERSHADOW_CREATE_NODE,
	};
	unsigned long nr_pages;
	int nid, node;

	for (node = 0; node < MAX_NUMNODES; node++) {
		args.node = node;
		KUNIT_EXPECT_EQ(test, osh_check_args(&args, 0, &nid, &nr_pages),
				node_state(node, N_MEMORY) ? 0 : -EINVAL);
	}
}

static void osh_claim_test(struct kunit *test)
{
	struct osh_region *r;
	unsigned long idx[8], n;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->nr_pages = 8;
	r->state = kunit_kzalloc(test, 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->state);
	spin_lock_init(&r->lock);
	init_waitqueue_head(&r->wq);

	/* A writer took page 2 and page 5 is done: the engine skips them. */
	r->state[2] = OSH_COPYING;
	r->state[5] = OSH_NEAR;
	n = osh_claim(r, 0, 8, idx);
	KUNIT_ASSERT_EQ(test, n, 6UL);
	KUNIT_EXPECT_EQ(test, idx[0], 0UL);
	KUNIT_EXPECT_EQ(test, idx[2], 3UL);
	KUNIT_EXPECT_EQ(test, idx[5], 7UL);
	KUNIT_EXPECT_EQ(test, r->state[0], (u8)OSH_COPYING);

	/* Nothing is claimed twice. */
	KUNIT_EXPECT_EQ(test, osh_claim(r, 0, 8, idx), 0UL);

	/* Given back, the pages can be claimed again, and only those. */
	idx[0] = 1;
	idx[1] = 6;
	osh_unclaim(r, idx, 2);
	KUNIT_EXPECT_EQ(test, r->state[1], (u8)OSH_SRC);
	KUNIT_EXPECT_EQ(test, osh_claim(r, 0, 8, idx), 2UL);
	KUNIT_EXPECT_EQ(test, idx[0], 1UL);
	KUNIT_EXPECT_EQ(test, idx[1], 6UL);

	/* A window claims only inside itself. */
	osh_unclaim(r, idx, 2);
	KUNIT_EXPECT_EQ(test, osh_claim(r, 2, 6, idx), 0UL);
	KUNIT_EXPECT_EQ(test, osh_claim(r, 0, 2, idx), 1UL);
}

static void osh_uapi_layout_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct overshadow_args),
			(size_t)OVERSHADOW_ARGS_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct overshadow_status),
			(size_t)OVERSHADOW_STATUS_SIZE_VER0);
}

static struct kunit_case osh_cases[] = {
	KUNIT_CASE_PARAM(osh_args_test, osh_args_gen_params),
	KUNIT_CASE(osh_args_task_size),
	KUNIT_CASE(osh_args_memoryless_node),
	KUNIT_CASE(osh_claim_test),
	KUNIT_CASE(osh_uapi_layout_test),
	{}
};

static struct kunit_suite osh_suite = {
	.name = "overshadow",
	.test_cases = osh_cases,
};

kunit_test_suite(osh_suite);

MODULE_DESCRIPTION("KUnit tests for Overshadow");
MODULE_LICENSE("GPL");

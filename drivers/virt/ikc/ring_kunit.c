// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "ikc_ring": the rings and message checks, including what a
 * broken peer could write into the shared indices.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "internal.h"

struct ring_fixture {
	struct ikc_ring_shm shm;
	struct ikc_msg msgs[IKC_RING_ENTRIES];
	struct ikc_ring prod;
	struct ikc_ring cons;
};

static int ring_init(struct kunit *test)
{
	struct ring_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	ikc_ring_init_producer(&f->prod, &f->shm, f->msgs);
	ikc_ring_init_consumer(&f->cons, &f->shm, f->msgs);
	test->priv = f;
	return 0;
}

static void msg_of(struct ikc_msg *m, u32 i)
{
	memset(m, 0, sizeof(*m));
	m->type = cpu_to_le16(7);
	m->tag = cpu_to_le32(i);
	m->len = cpu_to_le32(sizeof(i));
	memcpy(m->data, &i, sizeof(i));
}

static void ring_empty(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	struct ikc_msg m;

	KUNIT_EXPECT_EQ(test, ikc_ring_pending(&f->cons), 0);
	KUNIT_EXPECT_EQ(test, ikc_ring_consume(&f->cons, &m), -EAGAIN);
}

static void ring_full(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	struct ikc_msg m;
	u32 i;

	for (i = 0; i < IKC_RING_ENTRIES; i++) {
		msg_of(&m, i);
		KUNIT_ASSERT_EQ(test, ikc_ring_produce(&f->prod, &m), 0);
	}
	KUNIT_EXPECT_EQ(test, ikc_ring_produce(&f->prod, &m), -EAGAIN);
	KUNIT_EXPECT_EQ(test, ikc_ring_pending(&f->cons), IKC_RING_ENTRIES);
	KUNIT_ASSERT_EQ(test, ikc_ring_consume(&f->cons, &m), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(m.tag), 0);
	/* One slot free again. */
	KUNIT_EXPECT_EQ(test, ikc_ring_produce(&f->prod, &m), 0);
	KUNIT_EXPECT_EQ(test, ikc_ring_produce(&f->prod, &m), -EAGAIN);
}

/* Indices near the top of u32, so that they wrap during the test. */
static void ring_wrap(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	const u32 start = U32_MAX - 100;
	struct ikc_msg m;
	u32 i, n = 0;

	f->shm.prod = cpu_to_le32(start);
	f->shm.cons = cpu_to_le32(start);
	ikc_ring_init_producer(&f->prod, &f->shm, f->msgs);
	ikc_ring_init_consumer(&f->cons, &f->shm, f->msgs);
	for (i = 0; i < 1000; i++) {
		msg_of(&m, i);
		KUNIT_ASSERT_EQ(test, ikc_ring_produce(&f->prod, &m), 0);
		/* Keep the ring from empty to nearly full. */
		if (i % 3 == 2 || ikc_ring_pending(&f->cons) == IKC_RING_ENTRIES) {
			while (ikc_ring_consume(&f->cons, &m) == 0) {
				KUNIT_ASSERT_EQ(test, le32_to_cpu(m.tag), n);
				KUNIT_ASSERT_EQ(test, ikc_msg_check(&m), 0);
				n++;
			}
		}
	}
	while (ikc_ring_consume(&f->cons, &m) == 0)
		KUNIT_ASSERT_EQ(test, le32_to_cpu(m.tag), n++);
	KUNIT_EXPECT_EQ(test, n, 1000);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f->shm.prod), start + 1000);
	KUNIT_EXPECT_LT(test, le32_to_cpu(f->shm.prod), start);
}

/* The peer is the producer and claims more than a full ring. */
static void ring_bad_producer_index(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	struct ikc_msg m;

	ikc_shm_write(&f->shm.prod, IKC_RING_ENTRIES + 1);
	KUNIT_EXPECT_EQ(test, ikc_ring_pending(&f->cons), -EPROTO);
	KUNIT_EXPECT_EQ(test, ikc_ring_consume(&f->cons, &m), -EPROTO);
	/* Behind our consumer index: as bad. */
	ikc_shm_write(&f->shm.prod, (u32)-1);
	KUNIT_EXPECT_EQ(test, ikc_ring_consume(&f->cons, &m), -EPROTO);
	/* Exactly full is fine. */
	ikc_shm_write(&f->shm.prod, IKC_RING_ENTRIES);
	KUNIT_EXPECT_EQ(test, ikc_ring_pending(&f->cons), IKC_RING_ENTRIES);
}

/* The peer is the consumer and says it took what we never produced. */
static void ring_bad_consumer_index(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	struct ikc_msg m;

	msg_of(&m, 1);
	ikc_shm_write(&f->shm.cons, 5);
	KUNIT_EXPECT_EQ(test, ikc_ring_produce(&f->prod, &m), -EPROTO);
	/* Our own index is untouched by what the peer wrote. */
	KUNIT_EXPECT_EQ(test, f->prod.prod, 0);
	ikc_shm_write(&f->shm.cons, 0);
	KUNIT_EXPECT_EQ(test, ikc_ring_produce(&f->prod, &m), 0);
}

/* The producer's index is ours: what the shared copy says is ignored. */
static void ring_own_index_private(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	struct ikc_msg m;

	msg_of(&m, 1);
	KUNIT_ASSERT_EQ(test, ikc_ring_produce(&f->prod, &m), 0);
	KUNIT_ASSERT_EQ(test, ikc_ring_consume(&f->cons, &m), 0);
	/* A peer rewinds our published consumer index: we do not follow. */
	ikc_shm_write(&f->shm.cons, 0);
	KUNIT_EXPECT_EQ(test, f->cons.cons, 1);
	KUNIT_EXPECT_EQ(test, ikc_ring_consume(&f->cons, &m), -EAGAIN);
}

static void ring_notify(struct kunit *test)
{
	struct ring_fixture *f = test->priv;

	ikc_ring_arm(&f->cons, true);
	KUNIT_EXPECT_TRUE(test, ikc_ring_needs_notify(&f->prod));
	ikc_ring_arm(&f->cons, false);
	KUNIT_EXPECT_FALSE(test, ikc_ring_needs_notify(&f->prod));
}

static void msg_limits(struct kunit *test)
{
	struct ikc_msg m = {};

	m.len = cpu_to_le32(IKC_MSG_INLINE);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), 0);
	m.len = cpu_to_le32(IKC_MSG_INLINE + 1);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), -EPROTO);
	m.len = cpu_to_le32(0);
	m.flags = cpu_to_le16(0x40);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), -EPROTO);

	m.flags = cpu_to_le16(IKC_MSG_POOL);
	m.block = cpu_to_le16(IKC_POOL_BLOCKS - 1);
	m.nr_blocks = cpu_to_le16(1);
	m.len = cpu_to_le32(IKC_POOL_BLOCK_SIZE);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), 0);
	m.len = cpu_to_le32(IKC_POOL_BLOCK_SIZE + 1);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), -EPROTO);
	m.len = cpu_to_le32(1);
	m.nr_blocks = cpu_to_le16(2);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), -EPROTO);
	m.nr_blocks = cpu_to_le16(0);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), -EPROTO);
	m.block = cpu_to_le16(IKC_POOL_BLOCKS);
	m.nr_blocks = cpu_to_le16(1);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), -EPROTO);
	m.block = cpu_to_le16(0xffff);
	m.nr_blocks = cpu_to_le16(0xffff);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), -EPROTO);

	m.block = cpu_to_le16(0);
	m.nr_blocks = cpu_to_le16(IKC_MSG_MAX / IKC_POOL_BLOCK_SIZE);
	m.len = cpu_to_le32(IKC_MSG_MAX);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), 0);
	le16_add_cpu(&m.nr_blocks, 1);
	m.len = cpu_to_le32(IKC_MSG_MAX + 1);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), -EPROTO);

	m.flags = cpu_to_le16(IKC_MSG_POOL | IKC_MSG_PAGES);
	m.nr_blocks = cpu_to_le16(1);
	m.len = cpu_to_le32(sizeof(struct ikc_page_ref) * 3);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), 0);
	m.len = cpu_to_le32(sizeof(struct ikc_page_ref) + 1);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), -EPROTO);
	m.flags = cpu_to_le16(IKC_MSG_PAGES);
	m.len = cpu_to_le32(0);
	KUNIT_EXPECT_EQ(test, ikc_msg_check(&m), -EPROTO);
}

/* A producer that found the ring full hears of room exactly once. */
static void ring_room_request(struct kunit *test)
{
	struct ring_fixture *f = test->priv;
	struct ikc_msg m;
	u32 i;

	msg_of(&m, 0);
	KUNIT_EXPECT_FALSE(test, ikc_ring_room_wanted(&f->cons));
	for (i = 0; i < IKC_RING_ENTRIES; i++)
		KUNIT_ASSERT_EQ(test, ikc_ring_produce(&f->prod, &m), 0);
	KUNIT_ASSERT_EQ(test, ikc_ring_produce(&f->prod, &m), -EAGAIN);
	ikc_ring_want_room(&f->prod);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f->shm.want_room), 1);
	KUNIT_ASSERT_EQ(test, ikc_ring_consume(&f->cons, &m), 0);
	KUNIT_EXPECT_TRUE(test, ikc_ring_room_wanted(&f->cons));
	/* Taken: the next message rings no bell until asked again. */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f->shm.want_room), 0);
	KUNIT_ASSERT_EQ(test, ikc_ring_consume(&f->cons, &m), 0);
	KUNIT_EXPECT_FALSE(test, ikc_ring_room_wanted(&f->cons));
	/* Any value a peer writes is just a request. */
	f->shm.want_room = cpu_to_le32(0xdeadbeef);
	KUNIT_EXPECT_TRUE(test, ikc_ring_room_wanted(&f->cons));
	KUNIT_EXPECT_FALSE(test, ikc_ring_room_wanted(&f->cons));
}

static struct kunit_case ikc_ring_cases[] = {
	KUNIT_CASE(ring_empty),
	KUNIT_CASE(ring_full),
	KUNIT_CASE(ring_wrap),
	KUNIT_CASE(ring_bad_producer_index),
	KUNIT_CASE(ring_bad_consumer_index),
	KUNIT_CASE(ring_own_index_private),
	KUNIT_CASE(ring_notify),
	KUNIT_CASE(ring_room_request),
	KUNIT_CASE(msg_limits),
	{}
};

static struct kunit_suite ikc_ring_suite = {
	.name = "ikc_ring",
	.init = ring_init,
	.test_cases = ikc_ring_cases,
};

kunit_test_suite(ikc_ring_suite);

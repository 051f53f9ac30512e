// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the virtio-blk back end's checks of what a front end hands over.
 * A split ring in this kernel's memory plays the front end
 * (vbe_kunit_ring.h); the disk is a 1 MiB shmem file.
 * Each case queues one chain, lets the back end take it and checks the
 * status byte, the used ring and the counters; one stops the queue while
 * a write is still in flight.
 */

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>

#include "vblk.h"
#include "vbe_kunit_ring.h"

#define KV_DISK		SZ_1M

/**
 * struct kv - one test's device, ring and buffers
 * @vblk: the disk
 * @backing: its shmem file
 * @r: the front end; its buffers: header, status, data
 */
struct kv {
	struct vblk vblk;
	struct vblk_backing backing;
	struct kvr r;
};

#define KV_HDR(kv)	((struct virtio_blk_outhdr *)(kv)->r.buf)
#define KV_STATUS(kv)	((kv)->r.buf + 64)
#define KV_DATA_BUF(kv)	((kv)->r.buf + PAGE_SIZE)

static struct vring_used *kv_used(struct kv *kv)
{
	return kvr_used(&kv->r);
}

static void kv_no_config(struct ikc_vbe *vbe, void *buf)
{
}

static const struct ikc_vbe_ops kv_ops = {
	.get_config	= kv_no_config,
	.process	= vblk_process,
	.quiesce	= vblk_quiesce,
};

static struct kv *kv_setup(struct kunit *test, bool ro)
{
	struct ikc_vbe_desc desc = {
		.name = "blk", .device_id = VIRTIO_ID_BLOCK, .nr_queues = 1,
		.queue_size = KVR_NUM, .config_len = 0, .ops = &kv_ops,
	};
	struct kv *kv;
	loff_t pos = 0;
	u8 *pattern;
	int i;

	kv = kunit_kzalloc(test, sizeof(*kv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kv);

	kv->backing.file = shmem_file_setup("vblk-kunit", KV_DISK, VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kv->backing.file));
	kv->backing.size = KV_DISK;
	kv->backing.lbs = SECTOR_SIZE;
	kv->backing.spec.ro = ro;
	memcpy(kv->backing.spec.serial, "kunit-serial", 12);
	/* Byte i of the disk is i * 7 modulo 251. */
	pattern = kmalloc(KV_DISK, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pattern);
	for (i = 0; i < KV_DISK; i++)
		pattern[i] = (i * 7) % 251;
	KUNIT_ASSERT_EQ(test, KV_DISK, kernel_write(kv->backing.file, pattern,
						    KV_DISK, &pos));
	kfree(pattern);

	kv->vblk.backing = &kv->backing;
	init_waitqueue_head(&kv->vblk.io_wait);
	INIT_DELAYED_WORK(&kv->vblk.retry, vblk_retry_work);
	init_llist_head(&kv->vblk.q[0].done);
	KUNIT_ASSERT_EQ(test, 0, ikc_vbe_init(&kv->vblk.vbe, NULL, &desc, &kv->vblk));
	kvr_setup(test, &kv->r, &kv->vblk.vbe, 0);
	return kv;
}

/* What a reset or the peer's loss does: stop the queue, then quiesce. */
static void kv_stop_queue(struct kv *kv)
{
	struct ikc_vbe *vbe = &kv->vblk.vbe;

	mutex_lock(&vbe->lock);
	mutex_lock(&vbe->vq[0].lock);
	vbe->vq[0].running = false;
	mutex_unlock(&vbe->vq[0].lock);
	vblk_quiesce(vbe);
	mutex_unlock(&vbe->lock);
}

static void kv_teardown(struct kv *kv)
{
	struct ikc_vbe *vbe = &kv->vblk.vbe;

	kv_stop_queue(kv);
	cancel_delayed_work_sync(&kv->vblk.retry);
	kvr_teardown(&kv->r, vbe);
	ikc_vbe_destroy(vbe);
	fput(kv->backing.file);
}

static void kv_add(struct kv *kv, void *p, u32 len, bool write, bool last)
{
	kvr_add(&kv->r, p, len, write, last);
}

/* Offer the chain that starts at @head; let the back end take it. */
static u8 kv_run(struct kunit *test, struct kv *kv, u16 head)
{
	struct ikc_vbe_queue *q = &kv->vblk.vbe.vq[0];

	*KV_STATUS(kv) = 0xee;
	kvr_offer(&kv->r, head);

	mutex_lock(&q->lock);
	vblk_process(q, IKC_VBE_BUDGET);
	mutex_unlock(&q->lock);
	/* Buffered I/O runs on the device's workqueue, then returns. */
	drain_workqueue(rcu_dereference_protected(kv->vblk.vbe.wq, true));
	mutex_lock(&q->lock);
	if (q->running)
		vblk_process(q, IKC_VBE_BUDGET);
	mutex_unlock(&q->lock);
	return *KV_STATUS(kv);
}

static void kv_hdr(struct kv *kv, u32 type, u64 sector)
{
	*KV_HDR(kv) = (struct virtio_blk_outhdr) {
		.type = cpu_to_le32(type),
		.sector = cpu_to_le64(sector),
	};
}

/* A read: the used ring returns it with the bytes written, status OK. */
static void vblk_read_ok(struct kunit *test)
{
	struct kv *kv = kv_setup(test, false);
	u16 head = kv->r.next_desc;
	int i;

	kv_hdr(kv, VIRTIO_BLK_T_IN, 3);
	kv_add(kv, KV_HDR(kv), sizeof(struct virtio_blk_outhdr), false, false);
	kv_add(kv, KV_DATA_BUF(kv), 1024, true, false);
	kv_add(kv, KV_STATUS(kv), 1, true, true);
	KUNIT_EXPECT_EQ(test, VIRTIO_BLK_S_OK, kv_run(test, kv, head));
	for (i = 0; i < 1024; i++)
		if (KV_DATA_BUF(kv)[i] != ((3 * 512 + i) * 7) % 251)
			break;
	KUNIT_EXPECT_EQ(test, 1024, i);
	KUNIT_EXPECT_EQ(test, 1, le16_to_cpu(kv_used(kv)->idx));
	KUNIT_EXPECT_EQ(test, head, le32_to_cpu(kv_used(kv)->ring[0].id));
	KUNIT_EXPECT_EQ(test, 1025, le32_to_cpu(kv_used(kv)->ring[0].len));
	KUNIT_EXPECT_EQ(test, 0, atomic64_read(&kv->vblk.stats[VBLK_ST_BAD]));
	kv_teardown(kv);
}

/* Requests that must be refused with IOERR, and counted. */
static void vblk_refused(struct kunit *test)
{
	static const struct {
		const char *what;
		u32 type;
		u64 sector;
		u32 len;
		bool data_write;
		bool outside;
	} cases[] = {
		{ "read past the end", VIRTIO_BLK_T_IN, KV_DISK / 512, 512, true },
		{ "read over the end", VIRTIO_BLK_T_IN, KV_DISK / 512 - 1, 1024, true },
		{ "sector overflow", VIRTIO_BLK_T_IN, U64_MAX, 512, true },
		{ "sector shift overflow", VIRTIO_BLK_T_IN, 1ULL << 60, 512, true },
		{ "not whole sectors", VIRTIO_BLK_T_IN, 0, 500, true },
		{ "read into a readable buffer", VIRTIO_BLK_T_IN, 0, 512, false },
		{ "write from a writable buffer", VIRTIO_BLK_T_OUT, 0, 512, true },
		{ "buffer outside the peer", VIRTIO_BLK_T_IN, 0, 512, true, true },
		{ "empty read", VIRTIO_BLK_T_IN, 0, 0, true },
	};
	struct kv *kv = kv_setup(test, false);
	unsigned int i;
	void *data;
	u16 head;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		head = kv->r.next_desc;
		kv_hdr(kv, cases[i].type, cases[i].sector);
		kv_add(kv, KV_HDR(kv), sizeof(struct virtio_blk_outhdr), false, false);
		data = KV_DATA_BUF(kv);
		if (cases[i].outside)
			data = kv->r.outside;
		if (cases[i].len)
			kv_add(kv, data, cases[i].len, cases[i].data_write, false);
		kv_add(kv, KV_STATUS(kv), 1, true, true);
		KUNIT_EXPECT_EQ_MSG(test, VIRTIO_BLK_S_IOERR, kv_run(test, kv, head),
				    "%s", cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, i + 1, le16_to_cpu(kv_used(kv)->idx),
				    "%s", cases[i].what);
	}
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(cases),
			atomic64_read(&kv->vblk.stats[VBLK_ST_BAD]));
	KUNIT_EXPECT_FALSE(test, atomic_read(&kv->vblk.vbe.needs_reset));
	/* Nothing was read into memory the peer does not own. */
	KUNIT_EXPECT_EQ(test, 0, kv->r.outside[0]);
	kv_teardown(kv);
}

/* A header cut short, a write to a read-only disk, an unknown type. */
static void vblk_header_and_types(struct kunit *test)
{
	struct kv *kv = kv_setup(test, true);
	u16 head;

	head = kv->r.next_desc;
	kv_hdr(kv, VIRTIO_BLK_T_IN, 0);
	kv_add(kv, KV_HDR(kv), 8, false, false);
	kv_add(kv, KV_STATUS(kv), 1, true, true);
	KUNIT_EXPECT_EQ(test, VIRTIO_BLK_S_IOERR, kv_run(test, kv, head));

	head = kv->r.next_desc;
	kv_hdr(kv, VIRTIO_BLK_T_OUT, 0);
	kv_add(kv, KV_HDR(kv), sizeof(struct virtio_blk_outhdr), false, false);
	kv_add(kv, KV_DATA_BUF(kv), 512, false, false);
	kv_add(kv, KV_STATUS(kv), 1, true, true);
	KUNIT_EXPECT_EQ(test, VIRTIO_BLK_S_IOERR, kv_run(test, kv, head));
	KUNIT_EXPECT_EQ(test, 0, atomic64_read(&kv->vblk.stats[VBLK_ST_WRITES]));

	head = kv->r.next_desc;
	kv_hdr(kv, 0x7777, 0);
	kv_add(kv, KV_HDR(kv), sizeof(struct virtio_blk_outhdr), false, false);
	kv_add(kv, KV_STATUS(kv), 1, true, true);
	KUNIT_EXPECT_EQ(test, VIRTIO_BLK_S_UNSUPP, kv_run(test, kv, head));
	KUNIT_EXPECT_EQ(test, 1, atomic64_read(&kv->vblk.stats[VBLK_ST_UNSUPP]));

	/* GET_ID: the serial, and the status after it. */
	head = kv->r.next_desc;
	kv_hdr(kv, VIRTIO_BLK_T_GET_ID, 0);
	kv_add(kv, KV_HDR(kv), sizeof(struct virtio_blk_outhdr), false, false);
	kv_add(kv, KV_DATA_BUF(kv), VIRTIO_BLK_ID_BYTES, true, false);
	kv_add(kv, KV_STATUS(kv), 1, true, true);
	KUNIT_EXPECT_EQ(test, VIRTIO_BLK_S_OK, kv_run(test, kv, head));
	KUNIT_EXPECT_MEMEQ(test, KV_DATA_BUF(kv), "kunit-serial", 12);
	KUNIT_EXPECT_EQ(test, 4, le16_to_cpu(kv_used(kv)->idx));
	kv_teardown(kv);
}

/* A chain with no place for a status byte: the device needs a reset. */
static void vblk_no_status(struct kunit *test)
{
	struct kv *kv = kv_setup(test, false);
	u16 head = kv->r.next_desc;

	kv_hdr(kv, VIRTIO_BLK_T_IN, 0);
	kv_add(kv, KV_HDR(kv), sizeof(struct virtio_blk_outhdr), false, true);
	kv_run(test, kv, head);
	KUNIT_EXPECT_TRUE(test, atomic_read(&kv->vblk.vbe.needs_reset));
	KUNIT_EXPECT_EQ(test, 1, atomic64_read(&kv->vblk.stats[VBLK_ST_BAD]));
	KUNIT_EXPECT_EQ(test, 0, le16_to_cpu(kv_used(kv)->idx));

	/* A status byte outside the peer's memory: the same. */
	atomic_set(&kv->vblk.vbe.needs_reset, 0);
	head = kv->r.next_desc;
	kv_add(kv, KV_HDR(kv), sizeof(struct virtio_blk_outhdr), false, false);
	kv_add(kv, kv->r.outside, 1, true, true);
	kv_run(test, kv, head);
	KUNIT_EXPECT_TRUE(test, atomic_read(&kv->vblk.vbe.needs_reset));
	KUNIT_EXPECT_EQ(test, 0, kv->r.outside[0]);
	kv_teardown(kv);
}

struct kv_stopper {
	struct kv *kv;
	struct completion done;
};

static int kv_stop_and_quiesce(void *arg)
{
	struct kv_stopper *st = arg;

	kv_stop_queue(st->kv);
	complete(&st->done);
	return 0;
}

/*
 * A write still reading the peer's pages when its queue stops: quiesce
 * returns only once it is over, so the peer's memory (a partition's pool)
 * is not given back while the I/O uses it.  The backing's inode lock,
 * held here, keeps the buffered write waiting.
 */
static void vblk_quiesce_waits_for_io(struct kunit *test)
{
	struct kv *kv = kv_setup(test, false);
	struct inode *inode = file_inode(kv->backing.file);
	struct ikc_vbe_queue *q = &kv->vblk.vbe.vq[0];
	struct kv_stopper st = { .kv = kv };
	struct task_struct *t;
	u16 head = kv->r.next_desc;
	loff_t pos = 0;
	u8 back[512];

	init_completion(&st.done);
	memset(KV_DATA_BUF(kv), 0xab, 512);
	kv_hdr(kv, VIRTIO_BLK_T_OUT, 0);
	kv_add(kv, KV_HDR(kv), sizeof(struct virtio_blk_outhdr), false, false);
	kv_add(kv, KV_DATA_BUF(kv), 512, false, false);
	kv_add(kv, KV_STATUS(kv), 1, true, true);
	kvr_offer(&kv->r, head);

	inode_lock(inode);
	mutex_lock(&q->lock);
	vblk_process(q, IKC_VBE_BUDGET);
	mutex_unlock(&q->lock);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&kv->vblk.io_inflight));

	t = kthread_run(kv_stop_and_quiesce, &st, "vblk-kunit-stop");
	if (IS_ERR(t)) {
		inode_unlock(inode);
		kv_teardown(kv);
		KUNIT_FAIL(test, "no thread: %ld", PTR_ERR(t));
		return;
	}
	msleep(200);
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&st.done),
			       "quiesced with a write in flight");
	inode_unlock(inode);
	wait_for_completion(&st.done);

	KUNIT_EXPECT_EQ(test, 0, atomic_read(&kv->vblk.io_inflight));
	KUNIT_ASSERT_EQ(test, 512, kernel_read(kv->backing.file, back, 512, &pos));
	KUNIT_EXPECT_EQ(test, 0xab, back[0]);
	KUNIT_EXPECT_EQ(test, 0xab, back[511]);
	/* The queue was stopped: nothing goes back to its ring. */
	KUNIT_EXPECT_EQ(test, 0, le16_to_cpu(kv_used(kv)->idx));
	kv_teardown(kv);
}

static struct kunit_case vblk_cases[] = {
	KUNIT_CASE(vblk_read_ok),
	KUNIT_CASE(vblk_refused),
	KUNIT_CASE(vblk_header_and_types),
	KUNIT_CASE(vblk_no_status),
	KUNIT_CASE(vblk_quiesce_waits_for_io),
	{}
};

static struct kunit_suite vblk_suite = {
	.name = "ikc_vblk",
	.test_cases = vblk_cases,
};

kunit_test_suite(vblk_suite);

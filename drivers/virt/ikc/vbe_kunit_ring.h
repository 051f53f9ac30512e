/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit: a front end played in this kernel's memory, for the tests of the
 * virtio back ends' checks.  A split ring (desc table, avail ring at
 * 4 KiB, used ring at 8 KiB) and the buffers the "peer" owns are mapped in
 * an IOTLB; a further buffer is not, and stands for memory outside the
 * peer.  A test builds chains with kvr_add(), offers them with
 * kvr_offer() and reads what the back end returned in the used ring.
 */
#ifndef _DRIVERS_VIRT_IKC_VBE_KUNIT_RING_H
#define _DRIVERS_VIRT_IKC_VBE_KUNIT_RING_H

#include <kunit/test.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "virtio_backend.h"

#define KVR_NUM		16
#define KVR_BUF_ORDER	2

/**
 * struct kvr - a fake front end's ring and memory for one queue
 * @ring: desc table, avail ring, used ring
 * @buf: the peer's buffers (16 KiB)
 * @outside: memory the peer does not own
 * @iotlb: maps @ring and @buf
 * @next_desc: next free descriptor
 * @avail_idx: the avail ring's index
 */
struct kvr {
	u8 *ring;
	u8 *buf;
	u8 *outside;
	struct vhost_iotlb *iotlb;
	unsigned int next_desc;
	u16 avail_idx;
};

static inline struct vring_desc *kvr_desc(struct kvr *r)
{
	return (struct vring_desc *)r->ring;
}

static inline struct vring_avail *kvr_avail(struct kvr *r)
{
	return (struct vring_avail *)(r->ring + PAGE_SIZE);
}

static inline struct vring_used *kvr_used(struct kvr *r)
{
	return (struct vring_used *)(r->ring + 2 * PAGE_SIZE);
}

static inline void kvr_map(struct kunit *test, struct kvr *r, void *p, size_t len)
{
	u64 pa = virt_to_phys(p);

	KUNIT_ASSERT_EQ(test, 0, vhost_iotlb_add_range(r->iotlb, pa, pa + len - 1,
						       pa, VHOST_MAP_RW));
}

/* Memory, the IOTLB, and queue @index of @vbe (set up) on the ring. */
static inline void kvr_setup(struct kunit *test, struct kvr *r,
			     struct ikc_vbe *vbe, unsigned int index)
{
	struct ikc_vbe_queue *q = &vbe->vq[index];
	void *desc_pa, *avail_pa, *used_pa;

	memset(r, 0, sizeof(*r));
	r->ring = (u8 *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 2);
	r->buf = (u8 *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, KVR_BUF_ORDER);
	r->outside = (u8 *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);
	KUNIT_ASSERT_TRUE(test, r->ring && r->buf && r->outside);

	r->iotlb = vhost_iotlb_alloc(8, 0);
	KUNIT_ASSERT_NOT_NULL(test, r->iotlb);
	kvr_map(test, r, r->ring, 4 * PAGE_SIZE);
	kvr_map(test, r, r->buf, PAGE_SIZE << KVR_BUF_ORDER);
	vbe->iotlb = r->iotlb;

	/* vringh takes the peer's physical addresses, as a pointer. */
	desc_pa = (void *)(uintptr_t)virt_to_phys(kvr_desc(r));
	avail_pa = (void *)(uintptr_t)virt_to_phys(kvr_avail(r));
	used_pa = (void *)(uintptr_t)virt_to_phys(kvr_used(r));
	KUNIT_ASSERT_EQ(test, 0, vringh_init_iotlb(&q->vrh, BIT_ULL(VIRTIO_F_VERSION_1),
						   KVR_NUM, true, desc_pa, avail_pa,
						   used_pa));
	vringh_set_iotlb(&q->vrh, r->iotlb, &vbe->iotlb_lock);
	q->ready = true;
	q->running = true;
}

/* Free what kvr_setup() took; the device no longer uses the IOTLB. */
static inline void kvr_teardown(struct kvr *r, struct ikc_vbe *vbe)
{
	vbe->iotlb = NULL;
	vhost_iotlb_free(r->iotlb);
	free_pages((unsigned long)r->ring, 2);
	free_pages((unsigned long)r->buf, KVR_BUF_ORDER);
	free_pages((unsigned long)r->outside, 1);
}

/* Add one descriptor of the chain being built; the first is its head. */
static inline void kvr_add(struct kvr *r, void *p, u32 len, bool write, bool last)
{
	struct vring_desc *d = &kvr_desc(r)[r->next_desc % KVR_NUM];
	u16 flags = (write ? VRING_DESC_F_WRITE : 0) | (last ? 0 : VRING_DESC_F_NEXT);

	d->addr = cpu_to_le64(virt_to_phys(p));
	d->len = cpu_to_le32(len);
	d->flags = cpu_to_le16(flags);
	d->next = cpu_to_le16((r->next_desc + 1) % KVR_NUM);
	r->next_desc++;
}

/* Make the chain that starts at @head available to the back end. */
static inline void kvr_offer(struct kvr *r, u16 head)
{
	struct vring_avail *avail = kvr_avail(r);

	avail->ring[r->avail_idx % KVR_NUM] = cpu_to_le16(head % KVR_NUM);
	r->avail_idx++;
	smp_wmb();	/* the ring entry before the index, as a driver does */
	avail->idx = cpu_to_le16(r->avail_idx);
}

/* How many chains the back end returned so far. */
static inline u16 kvr_used_idx(struct kvr *r)
{
	return le16_to_cpu(READ_ONCE(kvr_used(r)->idx));
}

#endif /* _DRIVERS_VIRT_IKC_VBE_KUNIT_RING_H */

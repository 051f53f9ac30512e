// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the virtio-net back end's checks of what a front end hands over.
 * A split ring in this kernel's memory plays the partition's virtio_net
 * (vbe_kunit_ring.h) on the transmit queue (frames to the host) or the
 * receive queue (buffers for the host's frames); the link's interface is
 * a real one, down, so that what passes the checks is counted and then
 * dropped by the stack.  Bad chains, lengths, memory and offload headers
 * are dropped and counted; nothing outside the peer's memory is touched.
 */

#include <linux/if_ether.h>
#include <linux/virtio_ids.h>

#include "vnet.h"
#include "vbe_kunit_ring.h"

#define KN_HDR		sizeof(struct virtio_net_hdr_mrg_rxbuf)
#define KN_FRAME	60

/**
 * struct kn - one test's link and front end
 * @vnet: the link, with a registered interface
 * @r: the front end's ring for the queue under test
 * @index: that queue
 */
struct kn {
	struct vnet *vnet;
	struct kvr r;
	unsigned int index;
};

#define KN_STAT(kn, name)	atomic64_read(&(kn)->vnet->stats[VNET_ST_##name])
#define KN_DEV(kn, field)	atomic_long_read(&(kn)->vnet->dev->stats.__##field)

static void kn_no_config(struct ikc_vbe *vbe, void *buf)
{
}

static const struct ikc_vbe_ops kn_ops = {
	.get_config	= kn_no_config,
	.process	= vnet_process,
};

static struct kn *kn_setup(struct kunit *test, unsigned int index, u64 features)
{
	struct ikc_vbe_desc desc = {
		.name = "net", .device_id = VIRTIO_ID_NET,
		.nr_queues = VNET_NR_QUEUES, .queue_size = KVR_NUM, .ops = &kn_ops,
	};
	struct vnet_spec spec = { .mtu = ETH_DATA_LEN };
	struct kn *kn;

	kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kn);
	kn->vnet = vnet_create(&spec, -1, 0, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kn->vnet));
	KUNIT_ASSERT_EQ(test, 0, ikc_vbe_init(&kn->vnet->vbe, NULL, &desc, kn->vnet));
	kn->vnet->vbe.features = features | BIT_ULL(VIRTIO_F_VERSION_1);
	kn->index = index;
	kvr_setup(test, &kn->r, &kn->vnet->vbe, index);
	return kn;
}

static void kn_teardown(struct kn *kn)
{
	struct ikc_vbe *vbe = &kn->vnet->vbe;

	kvr_teardown(&kn->r, vbe);
	ikc_vbe_destroy(vbe);
	vnet_destroy(kn->vnet);
}

/* Let the back end handle what the front end offered. */
static void kn_process(struct kn *kn)
{
	struct ikc_vbe_queue *q = &kn->vnet->vbe.vq[kn->index];

	mutex_lock(&q->lock);
	vnet_process(q, IKC_VBE_BUDGET);
	mutex_unlock(&q->lock);
}

/* A frame the partition sends: header, then an Ethernet frame of @len. */
static void kn_fill(struct kn *kn, const struct virtio_net_hdr *h, u32 len)
{
	struct ethhdr *eth = (struct ethhdr *)(kn->r.buf + KN_HDR);

	memset(kn->r.buf, 0, KN_HDR + len);
	memcpy(kn->r.buf, h, sizeof(*h));
	eth_broadcast_addr(eth->h_dest);
	eth_random_addr(eth->h_source);
	eth->h_proto = htons(ETH_P_802_EX1);
}

/* Transmit one chain of a single readable buffer; used ring advanced? */
static void kn_send(struct kunit *test, struct kn *kn, const struct virtio_net_hdr *h,
		    u32 len, const char *what)
{
	u16 used = kvr_used_idx(&kn->r), head = kn->r.next_desc;

	kn_fill(kn, h, len);
	kvr_add(&kn->r, kn->r.buf, KN_HDR + len, false, true);
	kvr_offer(&kn->r, head);
	kn_process(kn);
	/* Good or bad, the chain goes back to the partition. */
	KUNIT_EXPECT_EQ_MSG(test, used + 1, kvr_used_idx(&kn->r), "%s", what);
}

/* A well-formed frame reaches the host's stack. */
static void vnet_tx_ok(struct kunit *test)
{
	struct kn *kn = kn_setup(test, VNET_TXQ, 0);
	struct virtio_net_hdr h = {};

	kn_send(test, kn, &h, KN_FRAME, "good frame");
	KUNIT_EXPECT_EQ(test, 1, KN_DEV(kn, rx_packets));
	KUNIT_EXPECT_EQ(test, KN_FRAME, KN_DEV(kn, rx_bytes));
	KUNIT_EXPECT_EQ(test, 0, KN_DEV(kn, rx_errors));
	kn_teardown(kn);
}

/* Chains of the wrong shape, size or place: dropped, counted, no reset. */
static void vnet_tx_bad_chains(struct kunit *test)
{
	struct kn *kn = kn_setup(test, VNET_TXQ, 0);
	struct virtio_net_hdr h = {};
	u16 head;
	int i;

	/* A writable buffer on the transmit queue. */
	head = kn->r.next_desc;
	kn_fill(kn, &h, KN_FRAME);
	kvr_add(&kn->r, kn->r.buf, KN_HDR + KN_FRAME, true, true);
	kvr_offer(&kn->r, head);
	kn_process(kn);
	KUNIT_EXPECT_EQ(test, 1, KN_STAT(kn, BAD_CHAINS));

	/* Shorter than a header and an Ethernet header. */
	kn_send(test, kn, &h, ETH_HLEN - 1, "too short");
	KUNIT_EXPECT_EQ(test, 2, KN_STAT(kn, BAD_CHAINS));

	/* Longer than any frame: five 16 KiB buffers. */
	head = kn->r.next_desc;
	for (i = 0; i < 5; i++)
		kvr_add(&kn->r, kn->r.buf, SZ_16K, false, i == 4);
	kvr_offer(&kn->r, head);
	kn_process(kn);
	KUNIT_EXPECT_EQ(test, 3, KN_STAT(kn, BAD_CHAINS));

	/* The frame in memory the partition does not own. */
	memset(kn->r.outside, 0x5a, PAGE_SIZE);
	head = kn->r.next_desc;
	kvr_add(&kn->r, kn->r.buf, KN_HDR, false, false);
	kvr_add(&kn->r, kn->r.outside, KN_FRAME, false, true);
	kvr_offer(&kn->r, head);
	kn_process(kn);
	KUNIT_EXPECT_EQ(test, 4, KN_STAT(kn, BAD_CHAINS));

	KUNIT_EXPECT_EQ(test, 4, kvr_used_idx(&kn->r));
	KUNIT_EXPECT_EQ(test, 0, KN_DEV(kn, rx_packets));
	KUNIT_EXPECT_EQ(test, 4, KN_DEV(kn, rx_errors));
	KUNIT_EXPECT_FALSE(test, atomic_read(&kn->vnet->vbe.needs_reset));
	kn_teardown(kn);
}

/* Offload headers the partition did not negotiate, or the stack refuses. */
static void vnet_tx_bad_offloads(struct kunit *test)
{
	struct kn *plain = kn_setup(test, VNET_TXQ, 0);
	struct kn *kn = kn_setup(test, VNET_TXQ, BIT_ULL(VIRTIO_NET_F_CSUM) |
				 BIT_ULL(VIRTIO_NET_F_HOST_TSO4));
	struct virtio_net_hdr h = {};

	/* Not negotiated: a checksum to finish, TSO. */
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	kn_send(test, plain, &h, KN_FRAME, "csum not negotiated");
	h = (struct virtio_net_hdr) { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 1000 };
	kn_send(test, plain, &h, KN_FRAME, "tso not negotiated");
	KUNIT_EXPECT_EQ(test, 2, KN_STAT(plain, UNNEGOTIATED));
	KUNIT_EXPECT_EQ(test, 0, KN_DEV(plain, rx_packets));

	/* Never offered: UDP fragmentation, ECN without HOST_ECN. */
	h = (struct virtio_net_hdr) { .gso_type = VIRTIO_NET_HDR_GSO_UDP, .gso_size = 1000 };
	kn_send(test, kn, &h, KN_FRAME, "ufo");
	h = (struct virtio_net_hdr) {
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN,
		.gso_size = 1000,
	};
	kn_send(test, kn, &h, KN_FRAME, "ecn");
	KUNIT_EXPECT_EQ(test, 2, KN_STAT(kn, UNNEGOTIATED));

	/* Negotiated, but nonsense the stack refuses. */
	h = (struct virtio_net_hdr) {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.csum_start = 2000, .csum_offset = 6,
	};
	kn_send(test, kn, &h, KN_FRAME, "checksum start past the frame");
	h = (struct virtio_net_hdr) {
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = GSO_BY_FRAGS,
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 16,
	};
	kn_send(test, kn, &h, KN_FRAME + 40, "gso size by frags");
	KUNIT_EXPECT_EQ(test, 2, KN_STAT(kn, BAD_HEADERS));
	KUNIT_EXPECT_EQ(test, 0, KN_DEV(kn, rx_packets));
	KUNIT_EXPECT_FALSE(test, atomic_read(&kn->vnet->vbe.needs_reset));
	kn_teardown(kn);
	kn_teardown(plain);
}

/* A frame of the host queued for the partition. */
static void kn_queue_frame(struct kn *kn, u32 len)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);
	struct ethhdr *eth;

	if (!skb)
		return;
	eth = skb_put_zero(skb, len);
	eth_broadcast_addr(eth->h_dest);
	eth_random_addr(eth->h_source);
	eth->h_proto = htons(ETH_P_802_EX1);
	memset(eth + 1, 0xc3, len - ETH_HLEN);
	skb->protocol = eth->h_proto;
	skb_queue_tail(&kn->vnet->backlog, skb);
}

/* Offer one receive buffer; let the back end put a frame of the host in. */
static void kn_receive(struct kn *kn, void *buf, u32 len, bool write)
{
	u16 head = kn->r.next_desc;

	kn_queue_frame(kn, KN_FRAME);
	kvr_add(&kn->r, buf, len, write, true);
	kvr_offer(&kn->r, head);
	kn_process(kn);
}

/* A 2 KiB writable buffer: the frame arrives behind its header. */
static void vnet_rx_ok(struct kunit *test)
{
	struct kn *kn = kn_setup(test, VNET_RXQ, 0);
	struct virtio_net_hdr_mrg_rxbuf *h = (void *)kn->r.buf;

	kn_receive(kn, kn->r.buf, SZ_2K, true);
	KUNIT_ASSERT_EQ(test, 1, kvr_used_idx(&kn->r));
	KUNIT_EXPECT_EQ(test, KN_HDR + KN_FRAME, le32_to_cpu(kvr_used(&kn->r)->ring[0].len));
	KUNIT_EXPECT_EQ(test, 1, le16_to_cpu(h->num_buffers));
	KUNIT_EXPECT_EQ(test, 0xc3, kn->r.buf[KN_HDR + KN_FRAME - 1]);
	KUNIT_EXPECT_EQ(test, 1, KN_DEV(kn, tx_packets));
	kn_teardown(kn);
}

/* Too small for the frame, without mergeable buffers: the frame is lost. */
static void vnet_rx_too_small(struct kunit *test)
{
	struct kn *kn = kn_setup(test, VNET_RXQ, 0);

	kn_receive(kn, kn->r.buf, KN_HDR + 8, true);
	KUNIT_EXPECT_EQ(test, 1, KN_STAT(kn, TOO_BIG));
	KUNIT_EXPECT_EQ(test, 1, KN_DEV(kn, tx_dropped));
	/* The buffer stays the partition's, for a frame that fits. */
	KUNIT_EXPECT_EQ(test, 0, kvr_used_idx(&kn->r));
	KUNIT_EXPECT_FALSE(test, atomic_read(&kn->vnet->vbe.needs_reset));
	kn_teardown(kn);
}

/* Read-only, or outside the peer: the ring is broken, reset. */
static void vnet_rx_bad_buffers(struct kunit *test)
{
	struct kn *kn = kn_setup(test, VNET_RXQ, 0);

	kn_receive(kn, kn->r.buf, SZ_2K, false);
	KUNIT_EXPECT_EQ(test, 1, KN_STAT(kn, BAD_CHAINS));
	KUNIT_EXPECT_TRUE(test, atomic_read(&kn->vnet->vbe.needs_reset));

	atomic_set(&kn->vnet->vbe.needs_reset, 0);
	kn_receive(kn, kn->r.outside, SZ_2K, true);
	KUNIT_EXPECT_EQ(test, 2, KN_STAT(kn, BAD_CHAINS));
	KUNIT_EXPECT_TRUE(test, atomic_read(&kn->vnet->vbe.needs_reset));
	KUNIT_EXPECT_EQ(test, 0, kn->r.outside[0]);
	KUNIT_EXPECT_EQ(test, 0, kvr_used_idx(&kn->r));
	KUNIT_EXPECT_EQ(test, 2, KN_DEV(kn, tx_dropped));
	kn_teardown(kn);
}

static struct kunit_case vnet_cases[] = {
	KUNIT_CASE(vnet_tx_ok),
	KUNIT_CASE(vnet_tx_bad_chains),
	KUNIT_CASE(vnet_tx_bad_offloads),
	KUNIT_CASE(vnet_rx_ok),
	KUNIT_CASE(vnet_rx_too_small),
	KUNIT_CASE(vnet_rx_bad_buffers),
	{}
};

static struct kunit_suite vnet_suite = {
	.name = "ikc_vnet",
	.test_cases = vnet_cases,
};

kunit_test_suite(vnet_suite);

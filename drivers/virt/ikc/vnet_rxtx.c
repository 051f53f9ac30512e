// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio over IKC: the packets of the virtio-net back end.  A frame the
 * host sends on the interface waits in its backlog until the partition's
 * receive queue has a buffer, then is copied into it (one copy).  A frame
 * the partition transmits is copied out of its pages into an skb (one
 * copy) that the host's stack receives.  Every chain and header from the
 * front end is checked; what is wrong is dropped and counted, never used.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/list.h>

#include "vnet.h"

static bool vnet_has(struct vnet *vnet, unsigned int bit)
{
	return ikc_vbe_has_feature(&vnet->vbe, bit);
}

/* Host to partition */

/* Copy @len bytes of @skb from @off on into the chain's writable buffers. */
static int vnet_push_skb(struct ikc_vbe_queue *q, struct sk_buff *skb,
			 unsigned int off, unsigned int len)
{
	struct skb_seq_state st;
	unsigned int done = 0, n;
	const u8 *data;

	skb_prepare_seq_read(skb, off, off + len, &st);
	while (done < len && (n = skb_seq_read(done, &data, &st))) {
		n = min(n, len - done);
		if (vringh_iov_push_iotlb(&q->vrh, &q->wiov, data, n) != n)
			break;
		done += n;
	}
	skb_abort_seq_read(&st);
	return done == len ? 0 : -EFAULT;
}

/*
 * One frame into the partition's receive buffers: one chain, or with
 * VIRTIO_NET_F_MRG_RXBUF as many as it takes, returned together.  0;
 * -ENOSPC when the partition has not posted enough (the chains taken go
 * back); another -errno when the frame is dropped (the device needs a
 * reset if the ring itself failed).
 */
static int vnet_put_frame(struct vnet *vnet, struct ikc_vbe_queue *q,
			  struct sk_buff *skb)
{
	unsigned int max = vnet_has(vnet, VIRTIO_NET_F_MRG_RXBUF) ?
			   VNET_MAX_RX_BUFS : 1;
	struct vring_used_elem used[VNET_MAX_RX_BUFS];
	struct virtio_net_hdr_mrg_rxbuf hdr = {};
	struct kvec first = {};
	struct vringh_kiov first_iov = { .iov = &first, .used = 1, .max_num = 1 };
	unsigned int nr = 0, off = 0, n, hlen;
	size_t room;
	u16 head;
	int ret;

	if (virtio_net_hdr_from_skb(skb, &hdr.hdr, true,
				    vnet_has(vnet, VIRTIO_NET_F_GUEST_CSUM),
				    0))
		return -EINVAL;
	do {
		ret = vringh_getdesc_iotlb(&q->vrh, &q->riov, &q->wiov, &head,
					   GFP_KERNEL);
		if (!ret) {
			vringh_abandon_iotlb(&q->vrh, nr);
			return -ENOSPC;
		}
		if (ret < 0) {
			ikc_vbe_fail(&vnet->vbe, "receiveq", ret);
			return ret;
		}
		room = ikc_vbe_kiov_bytes(&q->wiov);
		/* Writable only, and the header in its first descriptor. */
		hlen = nr ? 0 : sizeof(hdr);
		if (ikc_vbe_kiov_bytes(&q->riov) || room <= hlen ||
		    (hlen && q->wiov.iov[q->wiov.i].iov_len < hlen))
			goto bad_chain;
		if (hlen) {
			first = q->wiov.iov[q->wiov.i];
			if (vringh_iov_push_iotlb(&q->vrh, &q->wiov, &hdr, hlen) != hlen)
				goto bad_chain;
		}
		n = min_t(size_t, room - hlen, skb->len - off);
		if (vnet_push_skb(q, skb, off, n))
			goto bad_chain;
		used[nr].id = cpu_to_vringh32(&q->vrh, head);
		used[nr].len = cpu_to_vringh32(&q->vrh, hlen + n);
		nr++;
		off += n;
	} while (off < skb->len && nr < max);

	if (off < skb->len) {
		/* Larger than the partition's buffers: this frame only is lost. */
		vringh_abandon_iotlb(&q->vrh, nr);
		atomic64_inc(&vnet->stats[VNET_ST_TOO_BIG]);
		return -EMSGSIZE;
	}
	/* The count goes into the first buffer's header, now it is known. */
	hdr.num_buffers = cpu_to_le16(nr);
	if (vringh_iov_push_iotlb(&q->vrh, &first_iov, &hdr, sizeof(hdr)) !=
	    sizeof(hdr))
		goto bad_chain;
	return ikc_vbe_complete_multi(q, used, nr);

bad_chain:
	/* Read-only or empty buffers, or outside the partition's memory. */
	atomic64_inc(&vnet->stats[VNET_ST_BAD_CHAINS]);
	ikc_vbe_fail(&vnet->vbe, "receive buffer", -EINVAL);
	return -EINVAL;
}

static bool vnet_process_rx(struct vnet *vnet, struct ikc_vbe_queue *q,
			    unsigned int budget)
{
	struct net_device *dev = vnet->dev;
	struct sk_buff *skb;
	unsigned int n;
	int ret;

	/* Kicks for new buffers only while we wait for them. */
	ikc_vbe_notify_disable(q);
	for (n = 0; n < budget; n++) {
		skb = skb_dequeue(&vnet->backlog);
		if (!skb)
			break;
		ret = vnet_put_frame(vnet, q, skb);
		if (ret == -ENOSPC) {
			skb_queue_head(&vnet->backlog, skb);
			if (ikc_vbe_notify_enable(q))
				continue;	/* buffers came meanwhile */
			break;
		}
		if (ret) {
			DEV_STATS_INC(dev, tx_dropped);
			kfree_skb(skb);
			if (atomic_read(&vnet->vbe.needs_reset))
				break;
			continue;
		}
		DEV_STATS_INC(dev, tx_packets);
		DEV_STATS_ADD(dev, tx_bytes, skb->len);
		consume_skb(skb);
	}
	if (netif_queue_stopped(dev) &&
	    skb_queue_len(&vnet->backlog) < VNET_BACKLOG / 2)
		netif_wake_queue(dev);
	return n == budget;
}

/* Partition to host */

/* Offloads the partition asks for must be those it negotiated. */
static bool vnet_offloads_ok(struct vnet *vnet, const struct virtio_net_hdr *h)
{
	if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    !vnet_has(vnet, VIRTIO_NET_F_CSUM))
		return false;
	if ((h->gso_type & VIRTIO_NET_HDR_GSO_ECN) &&
	    !vnet_has(vnet, VIRTIO_NET_F_HOST_ECN))
		return false;
	switch (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return vnet_has(vnet, VIRTIO_NET_F_HOST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return vnet_has(vnet, VIRTIO_NET_F_HOST_TSO6);
	default:
		return false;
	}
}

/*
 * The frame on the chain, @len bytes, copied into an skb: a short head,
 * the rest in pages; or for generic XDP (@linear), all in the head after
 * XDP's headroom, so that it runs without copying the frame again.
 * ERR_PTR(-EFAULT) when the chain is outside the partition's memory,
 * ERR_PTR(-ENOMEM) when there is nothing to copy to.
 */
static struct sk_buff *vnet_copy_frame(struct vnet *vnet,
				       struct ikc_vbe_queue *q, size_t len,
				       bool linear)
{
	size_t head = min_t(size_t, len, VNET_COPYBREAK);
	struct sk_buff *skb;
	struct page *page;
	size_t left, n;
	unsigned int i;

	if (linear) {
		head = len;
		skb = __netdev_alloc_skb(vnet->dev, XDP_PACKET_HEADROOM + len,
					 GFP_KERNEL);
		if (skb)
			skb_reserve(skb, XDP_PACKET_HEADROOM);
	} else {
		skb = netdev_alloc_skb_ip_align(vnet->dev, head);
	}
	if (!skb)
		return ERR_PTR(-ENOMEM);
	if (vringh_iov_pull_iotlb(&q->vrh, &q->riov, skb_put(skb, head),
				  head) != head)
		goto bad_chain;
	/* VNET_MAX_FRAME past the head fits in MAX_SKB_FRAGS pages. */
	for (left = len - head, i = 0; left; left -= n, i++) {
		n = min_t(size_t, left, PAGE_SIZE);
		page = alloc_page(GFP_KERNEL);
		if (!page) {
			kfree_skb(skb);
			return ERR_PTR(-ENOMEM);
		}
		skb_add_rx_frag(skb, i, page, 0, n, PAGE_SIZE);
		if (vringh_iov_pull_iotlb(&q->vrh, &q->riov, page_address(page),
					  n) != n)
			goto bad_chain;
	}
	return skb;

bad_chain:
	kfree_skb(skb);
	return ERR_PTR(-EFAULT);
}

/*
 * A frame the partition transmitted, as an skb, after the XDP program if
 * one is attached; NULL if dropped (counted) or taken by the program.
 */
static struct sk_buff *vnet_pull_frame(struct vnet *vnet,
				       struct ikc_vbe_queue *q)
{
	struct net_device *dev = vnet->dev;
	struct virtio_net_hdr_mrg_rxbuf hdr;
	size_t len = ikc_vbe_kiov_bytes(&q->riov);
	struct sk_buff *skb;
	bool xdp;

	if (ikc_vbe_kiov_bytes(&q->wiov) || len < sizeof(hdr) + ETH_HLEN ||
	    len > sizeof(hdr) + VNET_MAX_FRAME) {
		atomic64_inc(&vnet->stats[VNET_ST_BAD_CHAINS]);
		DEV_STATS_INC(dev, rx_length_errors);
		goto err;
	}
	if (vringh_iov_pull_iotlb(&q->vrh, &q->riov, &hdr, sizeof(hdr)) !=
	    sizeof(hdr))
		goto bad_chain;
	if (!vnet_offloads_ok(vnet, &hdr.hdr)) {
		atomic64_inc(&vnet->stats[VNET_ST_UNNEGOTIATED]);
		goto err;
	}

	len -= sizeof(hdr);
	xdp = !!rcu_access_pointer(vnet->xdp_prog);
	if (xdp && !hdr.hdr.gso_type && len <= VNET_XDP_MAX_FRAME) {
		skb = vnet_xdp_native(vnet, q, &hdr.hdr, len);
		if (!skb)
			return NULL;	/* the program took it (counted) */
		xdp = false;
	} else {
		skb = vnet_copy_frame(vnet, q, len, xdp);
	}
	if (IS_ERR(skb)) {
		if (PTR_ERR(skb) == -EFAULT)
			goto bad_chain;
		goto dropped;
	}

	if (virtio_net_hdr_to_skb(skb, &hdr.hdr, true)) {
		atomic64_inc(&vnet->stats[VNET_ST_BAD_HEADERS]);
		kfree_skb(skb);
		goto err;
	}
	skb->protocol = eth_type_trans(skb, dev);
	if (xdp && !vnet_xdp_generic(vnet, &skb))
		return NULL;
	vnet_count_rx(dev, len);
	return skb;

bad_chain:
	/* Buffers outside the partition's memory. */
	atomic64_inc(&vnet->stats[VNET_ST_BAD_CHAINS]);
err:
	DEV_STATS_INC(dev, rx_errors);
	return NULL;
dropped:
	DEV_STATS_INC(dev, rx_dropped);
	return NULL;
}

static bool vnet_process_tx(struct vnet *vnet, struct ikc_vbe_queue *q,
			    unsigned int budget)
{
	struct sk_buff *skb;
	LIST_HEAD(frames);
	bool more = true;
	unsigned int n;
	u16 head;
	int ret;

	ikc_vbe_notify_disable(q);
	for (n = 0; n < budget; n++) {
		ret = vringh_getdesc_iotlb(&q->vrh, &q->riov, &q->wiov, &head,
					   GFP_KERNEL);
		if (!ret) {
			if (ikc_vbe_notify_enable(q)) {
				ikc_vbe_notify_disable(q);
				continue;
			}
			more = false;
			break;
		}
		if (ret < 0) {
			ikc_vbe_fail(&vnet->vbe, "transmitq", ret);
			more = false;
			break;
		}
		skb = vnet_pull_frame(vnet, q);
		if (ikc_vbe_complete(q, head, 0)) {
			kfree_skb(skb);
			more = false;
			break;
		}
		if (skb)
			list_add_tail(&skb->list, &frames);
	}

	if (!list_empty(&frames)) {
		/* The stack takes received frames with bottom halves off. */
		local_bh_disable();
		netif_receive_skb_list(&frames);
		local_bh_enable();
	}
	return more;
}

/**
 * vnet_process() - a queue's work: frames to or from the partition
 * @q: the queue, locked and running
 * @budget: frames to move at most
 *
 * Return: true when frames are left for another pass.
 */
bool vnet_process(struct ikc_vbe_queue *q, unsigned int budget)
{
	struct vnet *vnet = q->vbe->priv;

	if (q->index == VNET_RXQ)
		return vnet_process_rx(vnet, q, budget);
	return vnet_process_tx(vnet, q, budget);
}

/**
 * vnet_start_xmit() - the host sends a frame to the partition
 * @skb: the frame
 * @dev: the link's interface
 *
 * Return: NETDEV_TX_OK; the frame is queued, or dropped (counted) while
 * the partition's driver is not running.
 */
netdev_tx_t vnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vnet *vnet = netdev_priv(dev);

	if (!READ_ONCE(vnet->running)) {
		DEV_STATS_INC(dev, tx_dropped);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	skb_queue_tail(&vnet->backlog, skb);
	if (skb_queue_len(&vnet->backlog) >= VNET_BACKLOG) {
		netif_stop_queue(dev);
		/* The queue's work may have drained it meanwhile. */
		smp_mb__after_atomic();
		if (skb_queue_len(&vnet->backlog) < VNET_BACKLOG / 2)
			netif_wake_queue(dev);
	}
	ikc_vbe_kick(&vnet->vbe, VNET_RXQ);
	return NETDEV_TX_OK;
}

/**
 * vnet_features_check() - what the stack must do before vnet_start_xmit()
 * @skb: the frame
 * @dev: the link's interface
 * @features: what the interface offers
 *
 * Checksums and segmentation the partition did not negotiate to take
 * over are done by the stack first.
 *
 * Return: the features @skb may use.
 */
netdev_features_t vnet_features_check(struct sk_buff *skb,
				      struct net_device *dev,
				      netdev_features_t features)
{
	struct vnet *vnet = netdev_priv(dev);

	if (!vnet_has(vnet, VIRTIO_NET_F_GUEST_CSUM))
		return features & ~(NETIF_F_CSUM_MASK | NETIF_F_GSO_MASK);
	if (!vnet_has(vnet, VIRTIO_NET_F_GUEST_TSO4))
		features &= ~NETIF_F_TSO;
	if (!vnet_has(vnet, VIRTIO_NET_F_GUEST_TSO6))
		features &= ~NETIF_F_TSO6;
	if (!vnet_has(vnet, VIRTIO_NET_F_GUEST_ECN))
		features &= ~NETIF_F_TSO_ECN;
	return features;
}

/**
 * vnet_count_rx() - a frame from the partition was received
 * @dev: the link's interface
 * @len: its length
 */
void vnet_count_rx(struct net_device *dev, unsigned int len)
{
	DEV_STATS_INC(dev, rx_packets);
	DEV_STATS_ADD(dev, rx_bytes, len);
}

/**
 * vnet_drop_backlog() - drop the frames waiting for the partition
 * @vnet: the link; its receive queue does not run
 */
void vnet_drop_backlog(struct vnet *vnet)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&vnet->backlog))) {
		DEV_STATS_INC(vnet->dev, tx_dropped);
		kfree_skb(skb);
	}
	if (netif_running(vnet->dev))
		netif_wake_queue(vnet->dev);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio over IKC: XDP on a link's host interface.  A program attached in
 * native mode sees a frame the partition transmits as it is copied out of
 * the partition's pages, before any skb exists: the copy goes into a page
 * laid out for XDP (headroom, the frame, room for an skb's shared info),
 * and a frame the program passes becomes its skb's head without another
 * copy.  Frames larger than that page (segmentation offload, jumbo frames)
 * go through the same program on their skb, the kernel's generic XDP, as
 * tun does; ethtool -S counts which path each frame took.  As a redirect
 * target (ndo_xdp_xmit) the interface takes other devices' frames into
 * the backlog of frames for the partition, without copying them there.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <trace/events/xdp.h>

#include "vnet.h"

static void vnet_stat(struct vnet *vnet, enum vnet_stat stat)
{
	atomic64_inc(&vnet->stats[stat]);
}

/* A frame for the partition, if its backlog has room. */
static bool vnet_xdp_queue(struct vnet *vnet, struct sk_buff *skb)
{
	if (!READ_ONCE(vnet->running) ||
	    skb_queue_len(&vnet->backlog) >= VNET_BACKLOG)
		return false;
	skb_queue_tail(&vnet->backlog, skb);
	ikc_vbe_kick(&vnet->vbe, VNET_RXQ);
	return true;
}

/* The skb whose head is the page the program ran on. */
static struct sk_buff *vnet_xdp_build_skb(struct xdp_buff *xdp)
{
	unsigned int meta = xdp->data - xdp->data_meta;
	struct sk_buff *skb;

	skb = build_skb(xdp->data_hard_start, xdp->frame_sz);
	if (!skb)
		return NULL;
	skb_reserve(skb, xdp->data - xdp->data_hard_start);
	skb_put(skb, xdp->data_end - xdp->data);
	if (meta)
		skb_metadata_set(skb, meta);
	return skb;
}

/*
 * The partition's checksum offset counts from the frame's start, which
 * the program may have moved (bpf_xdp_adjust_head()).
 */
static bool vnet_xdp_move_csum(struct virtio_net_hdr *hdr, int moved)
{
	int start = __virtio16_to_cpu(true, hdr->csum_start) + moved;

	if (!(hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return true;
	if (start < 0 || start > U16_MAX)
		return false;
	hdr->csum_start = __cpu_to_virtio16(true, start);
	return true;
}

/* The program's verdict on the frame in @xdp's page; an skb if it passes. */
static struct sk_buff *vnet_xdp_run(struct vnet *vnet, struct bpf_prog *prog,
				    struct xdp_buff *xdp,
				    struct virtio_net_hdr *hdr)
{
	struct page *page = virt_to_page(xdp->data_hard_start);
	unsigned int len = xdp->data_end - xdp->data;
	void *start = xdp->data;
	struct net_device *dev = vnet->dev;
	struct sk_buff *skb;
	u32 act;

	vnet_stat(vnet, VNET_ST_XDP_NATIVE);
	act = bpf_prog_run_xdp(prog, xdp);
	switch (act) {
	case XDP_PASS:
		if (!vnet_xdp_move_csum(hdr, start - xdp->data))
			goto drop;
		skb = vnet_xdp_build_skb(xdp);
		if (!skb)
			goto drop;
		return skb;
	case XDP_TX:
		skb = vnet_xdp_build_skb(xdp);
		if (!skb)
			goto error;
		if (!vnet_xdp_queue(vnet, skb)) {
			trace_xdp_exception(dev, prog, act);
			vnet_stat(vnet, VNET_ST_XDP_DROP);
			kfree_skb(skb);
			return NULL;
		}
		vnet_stat(vnet, VNET_ST_XDP_TX);
		vnet_count_rx(dev, len);
		return NULL;
	case XDP_REDIRECT:
		if (xdp_do_redirect(dev, xdp, prog))
			goto error;
		vnet_stat(vnet, VNET_ST_XDP_REDIRECT);
		vnet_count_rx(dev, len);
		xdp_do_flush();
		return NULL;
	default:
		bpf_warn_invalid_xdp_action(dev, prog, act);
		fallthrough;
	case XDP_ABORTED:
error:
		trace_xdp_exception(dev, prog, act);
		fallthrough;
	case XDP_DROP:
drop:
		vnet_stat(vnet, VNET_ST_XDP_DROP);
		vnet_count_rx(dev, len);
		__free_page(page);
		return NULL;
	}
}

/**
 * vnet_xdp_native() - a frame from the partition through the native path
 * @vnet: the link, with a program attached
 * @q: its transmit queue, the frame's chain past its header
 * @hdr: the frame's header, checked; its checksum offset follows the
 *	frame's start when the program moves it
 * @len: the frame's length, at most VNET_XDP_MAX_FRAME, without GSO
 *
 * Return: the frame's skb when the program passes it (or was detached
 * meanwhile); NULL when the program took it or it was dropped (counted);
 * ERR_PTR(-EFAULT) when the chain is outside the partition's memory,
 * ERR_PTR(-ENOMEM) when there is no page to copy it to.
 */
struct sk_buff *vnet_xdp_native(struct vnet *vnet, struct ikc_vbe_queue *q,
				struct virtio_net_hdr *hdr, unsigned int len)
{
	struct bpf_net_context __bpf_net_ctx, *bpf_net_ctx;
	struct bpf_prog *prog;
	struct sk_buff *skb;
	struct xdp_buff xdp;
	struct page *page;

	page = alloc_page(GFP_KERNEL);
	if (!page)
		return ERR_PTR(-ENOMEM);
	if (vringh_iov_pull_iotlb(&q->vrh, &q->riov,
				  page_address(page) + XDP_PACKET_HEADROOM,
				  len) != len) {
		__free_page(page);
		return ERR_PTR(-EFAULT);
	}

	/* As in a NAPI poll: redirects and their flush in one context. */
	local_bh_disable();
	rcu_read_lock();
	bpf_net_ctx = bpf_net_ctx_set(&__bpf_net_ctx);
	xdp_init_buff(&xdp, PAGE_SIZE, &vnet->xdp_rxq);
	xdp_prepare_buff(&xdp, page_address(page), XDP_PACKET_HEADROOM, len,
			 true);
	prog = rcu_dereference(vnet->xdp_prog);
	if (prog) {
		skb = vnet_xdp_run(vnet, prog, &xdp, hdr);
	} else {
		skb = vnet_xdp_build_skb(&xdp);
		if (!skb) {
			__free_page(page);
			skb = ERR_PTR(-ENOMEM);
		}
	}
	bpf_net_ctx_clear(bpf_net_ctx);
	rcu_read_unlock();
	local_bh_enable();
	return skb;
}

/**
 * vnet_xdp_generic() - a frame too large for the native path through the
 *	program, on its skb
 * @vnet: the link
 * @pskb: the frame, past eth_type_trans(); the skb may be replaced
 *
 * Return: true when the frame goes on to the stack.
 */
bool vnet_xdp_generic(struct vnet *vnet, struct sk_buff **pskb)
{
	unsigned int len = (*pskb)->len + ETH_HLEN;
	struct bpf_prog *prog;
	int act = XDP_PASS;

	local_bh_disable();
	rcu_read_lock();
	prog = rcu_dereference(vnet->xdp_prog);
	if (prog) {
		vnet_stat(vnet, VNET_ST_XDP_GENERIC);
		act = do_xdp_generic(prog, pskb);
	}
	rcu_read_unlock();
	local_bh_enable();
	if (act != XDP_PASS)
		vnet_count_rx(vnet->dev, len);
	return act == XDP_PASS;
}

static int vnet_xdp_set(struct vnet *vnet, struct bpf_prog *prog)
{
	struct bpf_prog *old = rtnl_dereference(vnet->xdp_prog);

	/* The reference the core took is ours now; the old one goes. */
	rcu_assign_pointer(vnet->xdp_prog, prog);
	if (old)
		bpf_prog_put(old);
	return 0;
}

/**
 * vnet_xdp_bpf() - attach or detach the native XDP program (ndo_bpf)
 * @dev: the link's interface
 * @bpf: the command
 *
 * Any MTU takes a program: frames too large for its native path get the
 * generic one.
 *
 * Return: 0, or -EINVAL for a command other than XDP_SETUP_PROG.
 */
int vnet_xdp_bpf(struct net_device *dev, struct netdev_bpf *bpf)
{
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return vnet_xdp_set(netdev_priv(dev), bpf->prog);
	default:
		return -EINVAL;
	}
}

/**
 * vnet_xdp_xmit() - frames other devices' XDP programs redirect to the
 *	partition (ndo_xdp_xmit)
 * @dev: the link's interface
 * @n: how many
 * @frames: the frames
 * @flags: XDP_XMIT_*
 *
 * A frame becomes an skb around its own memory and waits in the backlog
 * with what the stack sends; the partition's receive queue copies it.
 *
 * Return: the number of frames taken (the caller frees the others), or
 * -EINVAL for unknown flags, -ENETDOWN while the partition's driver is
 * not running.
 */
int vnet_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		  u32 flags)
{
	struct vnet *vnet = netdev_priv(dev);
	struct sk_buff *skb;
	int i;

	if (flags & ~XDP_XMIT_FLAGS_MASK)
		return -EINVAL;
	if (!READ_ONCE(vnet->running))
		return -ENETDOWN;
	for (i = 0; i < n; i++) {
		if (skb_queue_len(&vnet->backlog) >= VNET_BACKLOG)
			break;
		skb = xdp_build_skb_from_frame(frames[i], dev);
		if (!skb)
			break;
		/* Built as if received: its data starts past the MAC header. */
		skb_push(skb, ETH_HLEN);
		skb_queue_tail(&vnet->backlog, skb);
	}
	if (i) {
		atomic64_add(i, &vnet->stats[VNET_ST_XDP_XMIT]);
		ikc_vbe_kick(&vnet->vbe, VNET_RXQ);
	}
	return i;
}

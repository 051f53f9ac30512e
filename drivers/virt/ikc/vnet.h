/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-net back end over IKC, shared by its files: vnet_device.c
 * (the device, and the host's network interface it is), vnet_rxtx.c
 * (moving packets between the interface and the front end's rings) and
 * vnet_links.c (the links a partition's "net" setting asks for) and
 * vnet_xdp.c (XDP programs on the host's interface).
 */
#ifndef _DRIVERS_VIRT_IKC_VNET_H
#define _DRIVERS_VIRT_IKC_VNET_H

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>
#include <net/xdp.h>

#include "virtio_backend.h"

/* The front end's queues: virtio-net's receiveq1 and transmitq1. */
#define VNET_RXQ		0	/* to the partition */
#define VNET_TXQ		1	/* from the partition */
#define VNET_NR_QUEUES		2
#define VNET_QUEUE_SIZE		256

/* Packets the interface holds for the partition before it stops. */
#define VNET_BACKLOG		256
#define VNET_MIN_MTU		ETH_MIN_MTU
#define VNET_MAX_MTU		9000
/* The largest frame either way: a 64 KiB GSO frame and its headers. */
#define VNET_MAX_FRAME		(SZ_64K + VLAN_ETH_HLEN)
/* Links of one partition, at most. */
#define VNET_MAX_LINKS		8

/* Receive buffers one frame may take (mergeable buffers of 1 KiB or more). */
#define VNET_MAX_RX_BUFS	(VNET_MAX_FRAME / SZ_1K + 1)
/* Bytes of a frame from the partition copied into the skb's head. */
#define VNET_COPYBREAK		256

/*
 * A frame from the partition that XDP's native path takes: it fits one
 * page with XDP's headroom before it and an skb's shared info after it.
 */
#define VNET_XDP_MAX_FRAME	(PAGE_SIZE - XDP_PACKET_HEADROOM -	\
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))

/*
 * Counters in ethtool -S (VNET_ST_*): what the front end got wrong, and
 * which XDP path frames took and what became of them.
 */
enum vnet_stat {
	VNET_ST_BAD_CHAINS,	/* wrong directions, sizes */
	VNET_ST_BAD_HEADERS,	/* virtio_net_hdr the kernel refused */
	VNET_ST_UNNEGOTIATED,	/* offloads it did not negotiate */
	VNET_ST_TOO_BIG,	/* our frames larger than its buffers */
	VNET_ST_XDP_NATIVE,	/* frames the program saw in native mode */
	VNET_ST_XDP_GENERIC,	/* ... on their skb (too large, GSO) */
	VNET_ST_XDP_DROP,	/* native verdicts: dropped, aborted, failed */
	VNET_ST_XDP_TX,		/* ... sent back to the partition */
	VNET_ST_XDP_REDIRECT,	/* ... redirected */
	VNET_ST_XDP_XMIT,	/* frames other devices' programs sent here */
	VNET_NR_STATS,
};

/**
 * struct vnet_spec - a link as a partition's "net" setting asks for it
 * @name: the host interface's name; "" for the default one
 * @mac: the partition's MAC address; zero for a random one
 * @mtu: the link's MTU on both sides
 */
struct vnet_spec {
	char name[IFNAMSIZ];
	u8 mac[ETH_ALEN];
	u16 mtu;
};

/**
 * struct vnet - one Ethernet link: the host's interface and, while a
 *	channel serves it, the virtio device behind it
 * @vbe: the virtio device, valid while @bound
 * @dev: the host's interface
 * @backlog: frames sent on @dev, waiting for the partition's buffers
 * @spec: what the link was made from
 * @mac: the partition's MAC address (the config space's)
 * @mtu: the largest MTU the partition may set (the config space's)
 * @link_up: the config space's VIRTIO_NET_S_LINK_UP: @dev is up
 * @running: the front end's driver is OK (under the device's lock)
 * @bind_lock: @bound, and @vbe's life
 * @bound: a channel serves the link
 * @node: in the list of links of settings (vnet_links.c)
 * @claimed: a channel took the link (under the list's lock)
 * @part: the partition it links, -1 for a loopback pair
 * @index: the link's place in the setting, or its channel's instance
 * @of_setting: a partition's setting made the link; if not, it came with
 *	its channel and goes with it
 * @detached: gone from the setting while bound: freed by the unbind
 * @xdp_prog: the XDP program in native mode, or NULL
 * @xdp_rxq: what that program's frames come from
 * @stats: VNET_ST_*
 */
struct vnet {
	struct ikc_vbe vbe;
	struct net_device *dev;
	struct sk_buff_head backlog;
	struct vnet_spec spec;
	u8 mac[ETH_ALEN];
	u16 mtu;
	bool link_up;
	bool running;
	struct mutex bind_lock;		/* @bound, @vbe */
	bool bound;
	struct list_head node;
	bool claimed;
	int part;
	unsigned int index;
	bool of_setting;
	bool detached;
	struct bpf_prog __rcu *xdp_prog;
	struct xdp_rxq_info xdp_rxq;
	atomic64_t stats[VNET_NR_STATS];
};

/* vnet_device.c */
struct vnet *vnet_create(const struct vnet_spec *spec, int part,
			 unsigned int index, struct device *parent);
void vnet_destroy(struct vnet *vnet);
struct vnet *vnet_from_netdev(struct net_device *dev);

/* vnet_links.c */
struct vnet *vnet_take_link(int part, unsigned int index);
bool vnet_put_link(struct vnet *vnet);
int vnet_links_init(void);

/* vnet_rxtx.c */
bool vnet_process(struct ikc_vbe_queue *q, unsigned int budget);
netdev_tx_t vnet_start_xmit(struct sk_buff *skb, struct net_device *dev);
netdev_features_t vnet_features_check(struct sk_buff *skb,
				      struct net_device *dev,
				      netdev_features_t features);
void vnet_drop_backlog(struct vnet *vnet);
void vnet_count_rx(struct net_device *dev, unsigned int len);

/* vnet_xdp.c */
struct sk_buff *vnet_xdp_native(struct vnet *vnet, struct ikc_vbe_queue *q,
				struct virtio_net_hdr *hdr, unsigned int len);
bool vnet_xdp_generic(struct vnet *vnet, struct sk_buff **pskb);
int vnet_xdp_bpf(struct net_device *dev, struct netdev_bpf *bpf);
int vnet_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		  u32 flags);

#endif /* _DRIVERS_VIRT_IKC_VNET_H */

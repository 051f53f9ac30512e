/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-net back end over IKC, shared by its files: vnet_device.c
 * (the device, and the host's network interface it is) and vnet_rxtx.c
 * (moving packets between the interface and the front end's rings).
 */
#ifndef _DRIVERS_VIRT_IKC_VNET_H
#define _DRIVERS_VIRT_IKC_VNET_H

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

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
/* Receive buffers one frame may take (mergeable buffers of 1 KiB or more). */
#define VNET_MAX_RX_BUFS	(VNET_MAX_FRAME / SZ_1K + 1)
/* Bytes of a frame from the partition copied into the skb's head. */
#define VNET_COPYBREAK		256

/* Counters of what the front end got wrong, in sysfs (VNET_ST_*). */
enum vnet_stat {
	VNET_ST_BAD_CHAINS,	/* wrong directions, sizes */
	VNET_ST_BAD_HEADERS,	/* virtio_net_hdr the kernel refused */
	VNET_ST_UNNEGOTIATED,	/* offloads it did not negotiate */
	VNET_ST_TOO_BIG,	/* our frames larger than its buffers */
	VNET_NR_STATS,
};

/**
 * struct vnet - one Ethernet link: the virtio device and the interface
 * @vbe: the virtio device
 * @dev: the host's interface
 * @backlog: frames sent on @dev, waiting for the partition's buffers
 * @mac: the partition's MAC address (the config space's)
 * @mtu: the largest MTU the partition may set (the config space's)
 * @link_up: the config space's VIRTIO_NET_S_LINK_UP: @dev is up
 * @running: the front end's driver is OK (under the device's lock)
 * @stats: VNET_ST_*
 */
struct vnet {
	struct ikc_vbe vbe;
	struct net_device *dev;
	struct sk_buff_head backlog;
	u8 mac[ETH_ALEN];
	u16 mtu;
	bool link_up;
	bool running;
	atomic64_t stats[VNET_NR_STATS];
};

/* vnet_rxtx.c */
bool vnet_process(struct ikc_vbe_queue *q, unsigned int budget);
netdev_tx_t vnet_start_xmit(struct sk_buff *skb, struct net_device *dev);
netdev_features_t vnet_features_check(struct sk_buff *skb,
				      struct net_device *dev,
				      netdev_features_t features);
void vnet_drop_backlog(struct vnet *vnet);

#endif /* _DRIVERS_VIRT_IKC_VNET_H */

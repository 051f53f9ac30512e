// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio over IKC: the back end of a virtio network device, in the kernel
 * that offers it.  Each virtio-net channel of a partition (or of a
 * loopback pair) is an Ethernet link between the two kernels: the
 * partition drives it with the stock virtio_net driver, and here it is an
 * ordinary network interface, "mkvnet<partition>" (its N-th link:
 * "mkvnet<partition>n<N>"; a loopback pair's: "mkvlo<n>"), that can be
 * addressed, bridged, routed and shaped like any other.  The interface of
 * a link the partition's "net" setting asks for lives as long as the
 * setting (vnet_links.c); a channel binds to it while the partition runs.
 * Frames move in vnet_rxtx.c.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_ids.h>

#include "vnet.h"

#define VNET_FEATURES	(BIT_ULL(VIRTIO_NET_F_MAC) |			\
			 BIT_ULL(VIRTIO_NET_F_STATUS) |			\
			 BIT_ULL(VIRTIO_NET_F_MTU) |			\
			 BIT_ULL(VIRTIO_NET_F_CSUM) |			\
			 BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) |		\
			 BIT_ULL(VIRTIO_NET_F_HOST_TSO4) |		\
			 BIT_ULL(VIRTIO_NET_F_HOST_TSO6) |		\
			 BIT_ULL(VIRTIO_NET_F_HOST_ECN) |		\
			 BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) |		\
			 BIT_ULL(VIRTIO_NET_F_GUEST_TSO6) |		\
			 BIT_ULL(VIRTIO_NET_F_GUEST_ECN) |		\
			 BIT_ULL(VIRTIO_NET_F_MRG_RXBUF) |		\
			 BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |		\
			 BIT_ULL(VIRTIO_RING_F_EVENT_IDX))

static void vnet_get_config(struct ikc_vbe *vbe, void *buf)
{
	struct vnet *vnet = vbe->priv;
	struct virtio_net_config c = {
		.status = __cpu_to_virtio16(true, READ_ONCE(vnet->link_up) ?
					    VIRTIO_NET_S_LINK_UP : 0),
		.max_virtqueue_pairs = __cpu_to_virtio16(true, 1),
		.mtu = __cpu_to_virtio16(true, vnet->mtu),
	};

	memcpy(c.mac, vnet->mac, ETH_ALEN);
	memcpy(buf, &c, sizeof(c));
}

/* The partition's driver came or went: so does the carrier here. */
static void vnet_running(struct ikc_vbe *vbe, bool running)
{
	struct vnet *vnet = vbe->priv;

	WRITE_ONCE(vnet->running, running);
	if (running) {
		netif_carrier_on(vnet->dev);
		return;
	}
	netif_carrier_off(vnet->dev);
	/* Its receive queue is gone: nothing waits for it. */
	vnet_drop_backlog(vnet);
}

static const struct ikc_vbe_ops vnet_vbe_ops = {
	.get_config	= vnet_get_config,
	.process	= vnet_process,
	.running	= vnet_running,
};

/* The partition sees its link up while this interface is up. */
static void vnet_set_link(struct vnet *vnet, bool up)
{
	WRITE_ONCE(vnet->link_up, up);
	guard(mutex)(&vnet->bind_lock);
	if (vnet->bound)
		ikc_vbe_config_changed(&vnet->vbe);
}

static int vnet_open(struct net_device *dev)
{
	vnet_set_link(netdev_priv(dev), true);
	netif_start_queue(dev);
	return 0;
}

static int vnet_stop(struct net_device *dev)
{
	struct vnet *vnet = netdev_priv(dev);

	netif_stop_queue(dev);
	vnet_set_link(vnet, false);
	return 0;
}

static const struct net_device_ops vnet_netdev_ops = {
	.ndo_open		= vnet_open,
	.ndo_stop		= vnet_stop,
	.ndo_start_xmit		= vnet_start_xmit,
	.ndo_features_check	= vnet_features_check,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_bpf		= vnet_xdp_bpf,
	.ndo_xdp_xmit		= vnet_xdp_xmit,
};

static void vnet_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	struct vnet *vnet = netdev_priv(dev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	if (vnet->part < 0)
		strscpy(info->bus_info, "loopback", sizeof(info->bus_info));
	else
		snprintf(info->bus_info, sizeof(info->bus_info),
			 "partition%d-link%u", vnet->part, vnet->index);
}

static const char vnet_stat_names[VNET_NR_STATS][ETH_GSTRING_LEN] = {
	[VNET_ST_BAD_CHAINS]	= "bad_chains",
	[VNET_ST_BAD_HEADERS]	= "bad_headers",
	[VNET_ST_UNNEGOTIATED]	= "unnegotiated_offloads",
	[VNET_ST_TOO_BIG]	= "too_big_for_peer",
	[VNET_ST_XDP_NATIVE]	= "xdp_native",
	[VNET_ST_XDP_GENERIC]	= "xdp_generic",
	[VNET_ST_XDP_DROP]	= "xdp_drop",
	[VNET_ST_XDP_TX]	= "xdp_tx",
	[VNET_ST_XDP_REDIRECT]	= "xdp_redirect",
	[VNET_ST_XDP_XMIT]	= "xdp_xmit",
};

static int vnet_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? VNET_NR_STATS : -EOPNOTSUPP;
}

static void vnet_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, vnet_stat_names, sizeof(vnet_stat_names));
}

static void vnet_get_ethtool_stats(struct net_device *dev,
				   struct ethtool_stats *stats, u64 *data)
{
	struct vnet *vnet = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < VNET_NR_STATS; i++)
		data[i] = atomic64_read(&vnet->stats[i]);
}

static const struct ethtool_ops vnet_ethtool_ops = {
	.get_drvinfo		= vnet_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= vnet_get_sset_count,
	.get_strings		= vnet_get_strings,
	.get_ethtool_stats	= vnet_get_ethtool_stats,
};

static void vnet_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &vnet_netdev_ops;
	dev->ethtool_ops = &vnet_ethtool_ops;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA |
			   NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN;
	dev->features = dev->hw_features;
	dev->min_mtu = VNET_MIN_MTU;
	dev->max_mtu = VNET_MAX_MTU;
	dev->xdp_features = NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT |
			    NETDEV_XDP_ACT_NDO_XMIT;
}

/* The sysfs directory "multikernel" of a link's interface. */
static ssize_t partition_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", vnet_from_netdev(to_net_dev(d))->part);
}
static DEVICE_ATTR_RO(partition);

static ssize_t link_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", vnet_from_netdev(to_net_dev(d))->index);
}
static DEVICE_ATTR_RO(link);

static struct attribute *vnet_attrs[] = {
	&dev_attr_partition.attr,
	&dev_attr_link.attr,
	NULL
};

static const struct attribute_group vnet_attr_group = {
	.name = "multikernel",
	.attrs = vnet_attrs,
};

/**
 * vnet_from_netdev() - the link behind a host interface
 * @dev: any interface
 *
 * Return: the link, or NULL when @dev is not one.
 */
struct vnet *vnet_from_netdev(struct net_device *dev)
{
	return dev->netdev_ops == &vnet_netdev_ops ? netdev_priv(dev) : NULL;
}

/* "mkvnet<partition>", "mkvnet<partition>n<N>", or the loopbacks' "mkvlo<n>". */
static void vnet_ifname(int part, unsigned int index, char *name)
{
	if (part < 0)
		strscpy(name, "mkvlo%d", IFNAMSIZ);
	else if (!index)
		snprintf(name, IFNAMSIZ, "mkvnet%d", part);
	else
		snprintf(name, IFNAMSIZ, "mkvnet%dn%u", part, index);
}

/**
 * vnet_create() - a link's host interface, registered, without carrier
 * @spec: its name ("" for the default one), MAC (zero: random) and MTU
 * @part: the partition it links, -1 for a loopback pair
 * @index: its place among the partition's links
 * @parent: the channel it comes with, or NULL when it outlives channels
 *
 * Return: the link, or an ERR_PTR().
 */
struct vnet *vnet_create(const struct vnet_spec *spec, int part,
			 unsigned int index, struct device *parent)
{
	char name[IFNAMSIZ];
	struct net_device *dev;
	struct vnet *vnet;
	int ret;

	if (spec->name[0])
		strscpy(name, spec->name);
	else
		vnet_ifname(part, index, name);
	dev = alloc_netdev(sizeof(*vnet), name, NET_NAME_PREDICTABLE,
			   vnet_setup);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	SET_NETDEV_DEV(dev, parent);
	eth_hw_addr_random(dev);
	vnet = netdev_priv(dev);
	vnet->dev = dev;
	vnet->spec = *spec;
	vnet->part = part;
	vnet->index = index;
	INIT_LIST_HEAD(&vnet->node);
	mutex_init(&vnet->bind_lock);
	skb_queue_head_init(&vnet->backlog);
	if (is_valid_ether_addr(spec->mac))
		ether_addr_copy(vnet->mac, spec->mac);
	else
		eth_random_addr(vnet->mac);
	vnet->mtu = spec->mtu;
	dev->mtu = spec->mtu;
	if (part >= 0)
		dev->sysfs_groups[0] = &vnet_attr_group;
	netif_carrier_off(dev);

	ret = register_netdev(dev);
	if (ret == -EEXIST && !spec->name[0]) {
		/* Its default name is taken (renamed links): any free one. */
		strscpy(dev->name, "mkvn%d", IFNAMSIZ);
		ret = register_netdev(dev);
	}
	if (ret) {
		free_netdev(dev);
		return ERR_PTR(ret);
	}
	/* Native XDP's frames are whole pages of their own. */
	ret = xdp_rxq_info_reg(&vnet->xdp_rxq, dev, 0, 0);
	if (!ret)
		ret = xdp_rxq_info_reg_mem_model(&vnet->xdp_rxq,
						 MEM_TYPE_PAGE_ORDER0, NULL);
	if (ret) {
		xdp_rxq_info_unreg(&vnet->xdp_rxq);
		unregister_netdev(dev);
		free_netdev(dev);
		return ERR_PTR(ret);
	}
	netdev_info(dev, "network link %d.%u, partition's MAC %pM, MTU %u\n",
		    part, index, vnet->mac, vnet->mtu);
	return vnet;
}

/**
 * vnet_destroy() - unregister a link's host interface and free it
 * @vnet: the link, which no channel serves
 */
void vnet_destroy(struct vnet *vnet)
{
	struct net_device *dev = vnet->dev;

	xdp_rxq_info_unreg(&vnet->xdp_rxq);
	unregister_netdev(dev);
	skb_queue_purge(&vnet->backlog);
	mutex_destroy(&vnet->bind_lock);
	free_netdev(dev);
}

static void vnet_rx(struct ikc_device *idev)
{
	struct vnet *vnet = dev_get_drvdata(&idev->dev);

	ikc_vbe_rx(&vnet->vbe);
}

static void vnet_tx_room(struct ikc_device *idev)
{
	struct vnet *vnet = dev_get_drvdata(&idev->dev);

	ikc_vbe_tx_room(&vnet->vbe);
}

static void vnet_peer_event(struct ikc_device *idev, bool up)
{
	struct vnet *vnet = dev_get_drvdata(&idev->dev);

	ikc_vbe_peer_event(&vnet->vbe, up);
}

static int vnet_probe(struct ikc_device *idev)
{
	struct ikc_vbe_desc desc = {
		.name		= "net",
		.device_id	= VIRTIO_ID_NET,
		.features	= VNET_FEATURES,
		.nr_queues	= VNET_NR_QUEUES,
		.queue_size	= VNET_QUEUE_SIZE,
		.config_len	= sizeof(struct virtio_net_config),
		.ops		= &vnet_vbe_ops,
	};
	struct vnet_spec spec = { .mtu = ETH_DATA_LEN };
	int part = ikc_device_partition(idev);
	struct vnet *vnet = NULL;
	int ret;

	if (part >= 0)
		vnet = vnet_take_link(part, idev->instance);
	if (!vnet) {
		/* Not in a setting: an interface that lives with the channel. */
		vnet = vnet_create(&spec, part, idev->instance, &idev->dev);
		if (IS_ERR(vnet))
			return PTR_ERR(vnet);
	}

	mutex_lock(&vnet->bind_lock);
	memset(&vnet->vbe, 0, sizeof(vnet->vbe));
	ret = ikc_vbe_init(&vnet->vbe, idev, &desc, vnet);
	vnet->bound = !ret;
	mutex_unlock(&vnet->bind_lock);
	if (ret) {
		if (vnet_put_link(vnet))
			vnet_destroy(vnet);
		return ret;
	}
	dev_set_drvdata(&idev->dev, vnet);
	dev_info(&idev->dev, "serves network link %s\n", netdev_name(vnet->dev));
	return 0;
}

static void vnet_remove(struct ikc_device *idev)
{
	struct vnet *vnet = dev_get_drvdata(&idev->dev);

	/* No queue work, no carrier, no backlog after this ... */
	mutex_lock(&vnet->bind_lock);
	ikc_vbe_stop(&vnet->vbe);
	vnet->bound = false;
	mutex_unlock(&vnet->bind_lock);
	/* ... and no transmit still kicking the queues being freed. */
	synchronize_net();
	ikc_stop_rx(idev);
	dev_set_drvdata(&idev->dev, NULL);
	ikc_vbe_destroy(&vnet->vbe);
	vnet_drop_backlog(vnet);
	if (vnet_put_link(vnet))
		vnet_destroy(vnet);
}

static const struct ikc_device_id vnet_ids[] = {
	{ .service = IKC_SVC_VIRTIO, .role = IKC_ROLE_SERVER,
	  .arg = VIRTIO_ID_NET },
	{ }
};

static struct ikc_driver vnet_driver = {
	.driver.name	= "virtio_ikc_net",
	.id_table	= vnet_ids,
	.probe		= vnet_probe,
	.remove		= vnet_remove,
	.rx		= vnet_rx,
	.tx_room	= vnet_tx_room,
	.peer_event	= vnet_peer_event,
};

static int __init vnet_init(void)
{
	int ret;

	ret = vnet_links_init();
	if (ret)
		return ret;
	return ikc_register_driver(&vnet_driver);
}
module_init(vnet_init);

MODULE_DESCRIPTION("virtio network back end over IKC");
MODULE_LICENSE("GPL");

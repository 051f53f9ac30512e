// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net over IKC: the links a partition's "net" setting asks for.
 *
 * The setting lists one link per word: "default", or options separated
 * by commas, name=IFNAME (the host interface's), mac=MAC (the
 * partition's), mtu=N.  A link's host interface exists from the moment
 * the setting names it until the setting drops it or the partition is
 * destroyed, whether the partition runs or not, so that the host can
 * address, bridge and bring it up beforehand and keep it across restarts;
 * it has no carrier while no partition driver runs behind it.  When the
 * partition starts, it gets one virtio-net channel per link, in order; the
 * N-th channel's back end serves the N-th link.
 */

#define pr_fmt(fmt) "ikc: " fmt

#include <linux/ctype.h>
#include <linux/list.h>
#include <linux/multikernel.h>
#include <linux/mutex.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio_ids.h>

#include <asm/multikernel.h>

#include "vnet.h"

/* Links of settings, of every partition; under vnet_links_lock. */
static LIST_HEAD(vnet_links);
static DEFINE_MUTEX(vnet_links_lock);

static struct vnet *vnet_find_link(int part, unsigned int index)
{
	struct vnet *vnet;

	lockdep_assert_held(&vnet_links_lock);
	list_for_each_entry(vnet, &vnet_links, node)
		if (vnet->part == part && vnet->index == index)
			return vnet;
	return NULL;
}

/**
 * vnet_take_link() - the link a channel of a partition serves
 * @part: the partition
 * @index: the channel's instance: the N-th virtio-net channel serves the
 *	setting's N-th link
 *
 * Return: the link, now the channel's until vnet_put_link(); NULL when
 * the setting has no such link (or another channel has it).
 */
struct vnet *vnet_take_link(int part, unsigned int index)
{
	struct vnet *vnet;

	guard(mutex)(&vnet_links_lock);
	vnet = vnet_find_link(part, index);
	if (!vnet || vnet->claimed)
		return NULL;
	vnet->claimed = true;
	return vnet;
}

/**
 * vnet_put_link() - a channel is done with its link
 * @vnet: the link, unbound
 *
 * Return: true when the link is the caller's to destroy: it came with
 * the channel, or the setting dropped it meanwhile.
 */
bool vnet_put_link(struct vnet *vnet)
{
	if (!vnet->of_setting)
		return true;
	guard(mutex)(&vnet_links_lock);
	vnet->claimed = false;
	return vnet->detached;
}

#ifdef CONFIG_IKC_PARTITION

/* One option of a link, name=, mac= or mtu=, into @spec. */
static int vnet_parse_option(char *opt, struct vnet_spec *spec)
{
	char *val = strchr(opt, '=');
	unsigned int mtu;

	if (!val)
		return -EINVAL;
	*val++ = '\0';
	if (!strcmp(opt, "name")) {
		/* A pattern ("eth%d") is the kernel's to expand, not ours. */
		if (!dev_valid_name(val) || strchr(val, '%'))
			return -EINVAL;
		strscpy(spec->name, val);
		return 0;
	}
	if (!strcmp(opt, "mac")) {
		if (!mac_pton(val, spec->mac) || val[3 * ETH_ALEN - 1] ||
		    !is_valid_ether_addr(spec->mac))
			return -EINVAL;
		return 0;
	}
	if (!strcmp(opt, "mtu")) {
		if (kstrtouint(val, 10, &mtu) || mtu < VNET_MIN_MTU ||
		    mtu > VNET_MAX_MTU)
			return -EINVAL;
		spec->mtu = mtu;
		return 0;
	}
	return -EINVAL;
}

static int vnet_parse_spec(char *tok, struct vnet_spec *spec)
{
	char *opt;
	int ret;

	memset(spec, 0, sizeof(*spec));
	spec->mtu = ETH_DATA_LEN;
	if (!strcmp(tok, "default"))
		return 0;
	while ((opt = strsep(&tok, ","))) {
		ret = vnet_parse_option(opt, spec);
		if (ret)
			return ret;
	}
	return 0;
}

static int vnet_parse_word(char *word, unsigned int i, void *specs)
{
	return vnet_parse_spec(word, (struct vnet_spec *)specs + i);
}

/*
 * The links of a "net" value, into @specs (VNET_MAX_LINKS of them): their
 * number, -EINVAL for a malformed list, -E2BIG for too many links.
 */
static int vnet_parse_specs(const char *text, struct vnet_spec *specs)
{
	unsigned int nr;

	return ikc_vbe_parse_list(text, VNET_MAX_LINKS, vnet_parse_word, specs,
				  &nr) ?: nr;
}

/* Forget a link of a setting; destroyed now unless a channel has it. */
static void vnet_drop_link(struct vnet *vnet)
{
	lockdep_assert_held(&vnet_links_lock);
	list_del(&vnet->node);
	if (vnet->claimed) {
		vnet->detached = true;
		return;
	}
	vnet_destroy(vnet);
}

static int vnet_net_check(u32 id, const char *value);
static void vnet_net_apply(u32 id, const char *value);

/* /sys/kernel/multikernel/partitions/<id>/net */
static const struct mk_setting vnet_net_setting = {
	.name = "net",
	.check = vnet_net_check,
	.apply = vnet_net_apply,
};

/* Is @name free for partition @id's link, or that link's already? */
static int vnet_name_free(u32 id, const char *name)
{
	struct net_device *dev;
	struct vnet *vnet;

	ASSERT_RTNL();
	dev = __dev_get_by_name(&init_net, name);
	if (!dev)
		return 0;
	vnet = vnet_from_netdev(dev);
	return vnet && vnet->part == id ? 0 : -EEXIST;
}

/*
 * A value written to a partition's "net": well formed, and the names it
 * asks for are free on the host (default names are not checked: one that
 * is taken is replaced by a free "mkvn<n>").
 */
static int vnet_net_check(u32 id, const char *value)
{
	struct vnet_spec *specs;
	int nr, i, j, ret = 0;

	specs = kcalloc(VNET_MAX_LINKS, sizeof(*specs), GFP_KERNEL);
	if (!specs)
		return -ENOMEM;
	nr = vnet_parse_specs(value, specs);
	if (nr < 0) {
		ret = nr;
		goto out;
	}
	for (i = 0; i < nr && !ret; i++) {
		if (!specs[i].name[0])
			continue;
		for (j = 0; j < i; j++)
			if (!strcmp(specs[i].name, specs[j].name))
				ret = -EINVAL;
		if (!ret) {
			rtnl_lock();
			ret = vnet_name_free(id, specs[i].name);
			rtnl_unlock();
		}
	}
out:
	kfree(specs);
	return ret;
}

/* An unclaimed link of partition @id made from @spec, not in @kept. */
static struct vnet *vnet_find_same(u32 id, const struct vnet_spec *spec,
				   struct vnet **kept, int nr)
{
	struct vnet *vnet;
	int i;

	list_for_each_entry(vnet, &vnet_links, node) {
		if (vnet->part != id || vnet->claimed ||
		    memcmp(&vnet->spec, spec, sizeof(*spec)))
			continue;
		for (i = 0; i < nr; i++)
			if (kept[i] == vnet)
				break;
		if (i == nr)
			return vnet;
	}
	return NULL;
}

/*
 * A value was stored (or the partition is destroyed, ""): a link whose
 * word is still there keeps its interface (and the host's configuration of
 * it), at its new place if words before it went; the others are made or
 * dropped.
 */
static void vnet_net_apply(u32 id, const char *value)
{
	struct vnet *vnet, *tmp, *kept[VNET_MAX_LINKS] = {};
	struct vnet_spec *specs;
	int nr, i, j;

	specs = kcalloc(VNET_MAX_LINKS, sizeof(*specs), GFP_KERNEL);
	nr = specs ? vnet_parse_specs(value, specs) : -ENOMEM;
	if (nr < 0) {
		/* Checked before: only memory can lack.  Drop every link. */
		pr_warn("partition %u: network links not made: %d\n", id, nr);
		nr = 0;
	}

	guard(mutex)(&vnet_links_lock);
	/* The same word at the same place first, then anywhere. */
	list_for_each_entry(vnet, &vnet_links, node)
		if (vnet->part == id && !vnet->claimed && vnet->index < nr &&
		    !memcmp(&vnet->spec, &specs[vnet->index], sizeof(*specs)))
			kept[vnet->index] = vnet;
	for (i = 0; i < nr; i++)
		if (!kept[i])
			kept[i] = vnet_find_same(id, &specs[i], kept, nr);

	list_for_each_entry_safe(vnet, tmp, &vnet_links, node) {
		if (vnet->part != id)
			continue;
		for (j = 0; j < nr && kept[j] != vnet; j++)
			;
		if (j < nr)
			vnet->index = j;
		else
			vnet_drop_link(vnet);
	}
	for (i = 0; i < nr; i++) {
		if (kept[i])
			continue;
		vnet = vnet_create(&specs[i], id, i, NULL);
		if (IS_ERR(vnet)) {
			pr_warn("partition %u: network link %d not made: %ld\n",
				id, i, PTR_ERR(vnet));
			continue;
		}
		vnet->of_setting = true;
		list_add_tail(&vnet->node, &vnet_links);
	}
	kfree(specs);
}

/* A partition starts: one virtio-net channel per link of its setting. */
static int vnet_add_slots(const struct mk_partition_info *info,
			  struct ikc_slot_desc *slots, unsigned int room)
{
	struct vnet *vnet;
	unsigned int nr = 0;

	guard(mutex)(&vnet_links_lock);
	list_for_each_entry(vnet, &vnet_links, node) {
		if (vnet->part != info->id)
			continue;
		if (nr == room) {
			pr_warn("partition %u: no IKC slot left for network link %s\n",
				info->id, netdev_name(vnet->dev));
			continue;
		}
		slots[nr++] = (struct ikc_slot_desc) {
			.service = cpu_to_le32(IKC_SVC_VIRTIO),
			.arg = cpu_to_le32(VIRTIO_ID_NET),
		};
	}
	return nr;
}

static struct ikc_slot_source vnet_slot_source = {
	.add_slots = vnet_add_slots,
};

/**
 * vnet_links_init() - give partitions their "net" setting
 *
 * Return: 0, or -errno on a host that cannot have it.
 */
int vnet_links_init(void)
{
	int ret;

	/* A partition kernel offers no links to anyone. */
	if (multikernel_is_partition())
		return 0;
	ret = multikernel_register_setting(&vnet_net_setting);
	if (ret)
		return ret;
	ikc_register_slot_source(&vnet_slot_source);
	return 0;
}

#else /* !CONFIG_IKC_PARTITION */

int vnet_links_init(void)
{
	return 0;
}

#endif /* CONFIG_IKC_PARTITION */

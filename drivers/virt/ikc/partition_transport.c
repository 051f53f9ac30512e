// SPDX-License-Identifier: GPL-2.0-only
/*
 * IKC between a host and its partition kernels.  The shared area is the
 * MK_IKC_AREA_SIZE bytes the host's loader sets aside at the end of each
 * partition's memory (reserved in the partition's memory map); doorbells
 * are IPIs on MULTIKERNEL_IKC_VECTOR.
 *
 * Host: when a partition starts, lay out its area with the services of
 * its ikc_services setting (a new partition's comes from the
 * partition_services parameter) and add a peer; when it stops or
 * crashes, remove the peer before its memory can be reused.  Doorbells go
 * only to the partition's own CPUs, whatever APIC id the partition wrote.
 *
 * Partition: at boot, check the area the host laid out, add the peer and
 * say we are up.  Our end of page transfer reaches only the area itself:
 * the host's memory is not ours to map.
 */

#define pr_fmt(fmt) "ikc: " fmt

#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/multikernel.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/virtio_ids.h>

#include <asm/apic.h>
#include <asm/multikernel.h>

#include "internal.h"

/**
 * struct ikc_part - the transport's part of a peer
 * @node: in ikc_parts (host) while doorbells may reach it
 * @peer: the peer
 * @id: the partition's id (host)
 * @apicids: the partition's CPUs (host): doorbells go only there ...
 * @nr_apicids: ... this many
 * @base: the partition's memory (host), or the area (partition) ...
 * @size: ... and its size
 */
struct ikc_part {
	struct list_head node;
	struct ikc_peer *peer;
	u32 id;
	u32 apicids[MK_MAX_PART_CPUS];
	unsigned int nr_apicids;
	phys_addr_t base;
	phys_addr_t size;
};

/* Host: partitions' peers doorbells may reach; partition: its host. */
static LIST_HEAD(ikc_parts);
static DEFINE_MUTEX(ikc_parts_lock);

/* Host: what a new partition is offered, see Documentation/driver-api/ikc.rst */
static char *ikc_default_services = "echo@part*4 echo virtio:3";
module_param_named(partition_services, ikc_default_services, charp, 0644);
MODULE_PARM_DESC(partition_services,
		 "Slots of a new partition: echo, virtio:ID; @part: the partition offers it; *N repeats");

/* Device classes that add channels to partitions; see ikc_host_add(). */
static LIST_HEAD(ikc_slot_sources);

/**
 * ikc_register_slot_source() - add channels to partitions that start later
 * @src: the source; stays registered
 *
 * Register from an initcall, before partitions exist.
 */
void ikc_register_slot_source(struct ikc_slot_source *src)
{
	/* Partition control holds the lock that protects the notifier. */
	list_add_tail(&src->node, &ikc_slot_sources);
}
EXPORT_SYMBOL_GPL(ikc_register_slot_source);

/* Append the slots of every source; -errno from one drops its slots only. */
static int ikc_add_source_slots(const struct mk_partition_info *info,
				struct ikc_slot_desc *slots, int nr)
{
	struct ikc_slot_source *src;
	int n;

	list_for_each_entry(src, &ikc_slot_sources, node) {
		n = src->add_slots(info, slots + nr, IKC_MAX_SLOTS - nr);
		if (n < 0) {
			pr_warn("partition %u: a device class gave no channels: %d\n",
				info->id, n);
			continue;
		}
		nr += min_t(int, n, IKC_MAX_SLOTS - nr);
	}
	return nr;
}

/* An empty list: no IKC for the partition. */
static bool ikc_services_empty(const char *list)
{
	return !list[strspn(list, " ,\t\n")];
}

/* A list written to a partition's ikc_services file. */
static int ikc_services_check(u32 id, const char *list)
{
	struct ikc_slot_desc *slots;
	int nr;

	if (ikc_services_empty(list))
		return 0;
	slots = kcalloc(IKC_MAX_SLOTS, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	nr = ikc_parse_slots(list, slots);
	kfree(slots);
	return nr < 0 ? nr : 0;
}

static void ikc_services_init(char *buf)
{
	/* A writer of the parameter frees the old string. */
	kernel_param_lock(THIS_MODULE);
	strscpy(buf, ikc_default_services, MK_SETTING_MAX);
	kernel_param_unlock(THIS_MODULE);
}

/* /sys/kernel/multikernel/partitions/<id>/ikc_services */
static const struct mk_setting ikc_services_setting = {
	.name = "ikc_services",
	.check = ikc_services_check,
	.init = ikc_services_init,
};

static void ikc_part_doorbells(void)
{
	struct ikc_part *part;

	rcu_read_lock();
	list_for_each_entry_rcu(part, &ikc_parts, node)
		ikc_peer_doorbell(part->peer);
	rcu_read_unlock();
}

static u32 ikc_part_cpu_addr(struct ikc_peer *peer, unsigned int cpu)
{
	return per_cpu(x86_cpu_to_apicid, cpu);
}

static void ikc_part_release(struct ikc_peer *peer)
{
	struct ikc_part *part = peer->priv;

	if (!peer->owner)
		memunmap(peer->area);
	kfree(part);
}

/* [@pa, @pa + @len) lies in @part's range: all that its peer may name. */
static bool ikc_part_holds(const struct ikc_part *part, u64 pa, size_t len)
{
	return pa >= part->base && len <= part->size &&
	       pa - part->base <= part->size - len;
}

/* ---- host side ---- */

static void ikc_host_notify(struct ikc_peer *peer, u32 apicid)
{
	struct ikc_part *part = peer->priv;
	unsigned int i;

	for (i = 0; i < part->nr_apicids; i++)
		if (part->apicids[i] == apicid)
			break;
	if (i == part->nr_apicids) {
		/* Never interrupt a CPU that is not the partition's. */
		atomic64_inc(&peer->errors);
		apicid = part->apicids[0];
	}
	multikernel_send_ikc_ipi(apicid);
}

static void *ikc_host_map(struct ikc_peer *peer, u64 pa, size_t len)
{
	struct ikc_part *part = peer->priv;

	if (!ikc_part_holds(part, pa, len))
		return NULL;
	return phys_to_virt(pa);
}

static int ikc_host_walk(struct ikc_peer *peer,
			 int (*fn)(u64 start, u64 size, void *arg), void *arg)
{
	struct ikc_part *part = peer->priv;

	return fn(part->base, part->size, arg);
}

static const struct ikc_transport_ops ikc_host_ops = {
	.notify = ikc_host_notify,
	.cpu_addr = ikc_part_cpu_addr,
	.map = ikc_host_map,
	.walk_memory = ikc_host_walk,
	.release = ikc_part_release,
};

static void ikc_host_add(const struct mk_partition_info *info)
{
	const char *list = multikernel_setting(info, &ikc_services_setting);
	struct ikc_slot_desc slots[IKC_MAX_SLOTS];
	struct ikc_area_hdr *area;
	struct ikc_part *part;
	struct ikc_peer *peer;
	unsigned int cpu;
	int nr;

	if (info->ikc_size < IKC_AREA_SIZE)
		return;
	nr = 0;
	if (!ikc_services_empty(list)) {
		/* Checked when written, but the parameter it came from was not. */
		nr = ikc_parse_slots(list, slots);
		if (nr < 0) {
			pr_warn("partition %u: ikc_services: cannot use \"%s\": %d\n",
				info->id, list, nr);
			nr = 0;
		}
	}
	nr = ikc_add_source_slots(info, slots, nr);
	if (!nr)
		return;
	part = kzalloc(sizeof(*part), GFP_KERNEL);
	if (!part)
		return;
	part->id = info->id;
	part->base = info->mem_base;
	part->size = info->mem_size;
	for_each_cpu(cpu, info->cpus) {
		if (part->nr_apicids == MK_MAX_PART_CPUS)
			break;
		part->apicids[part->nr_apicids++] = per_cpu(x86_cpu_to_apicid, cpu);
	}

	area = phys_to_virt(info->ikc_pa);
	ikc_area_init(area, slots, nr);
	area->owner_apicid = cpu_to_le32(ikc_part_cpu_addr(NULL, ikc_default_cpu(0)));
	/* Until the partition says otherwise: its boot CPU. */
	area->peer_apicid = cpu_to_le32(part->apicids[0]);

	peer = ikc_peer_create(&ikc_host_ops, "partition", area, true, part);
	if (IS_ERR(peer)) {
		kfree(part);
		return;
	}
	peer->partition = info->id;
	part->peer = peer;
	if (ikc_peer_add(peer))
		return;
	ikc_shm_write(&area->owner_state, IKC_SIDE_UP);
	mutex_lock(&ikc_parts_lock);
	list_add_tail_rcu(&part->node, &ikc_parts);
	mutex_unlock(&ikc_parts_lock);
}

static void ikc_host_remove(const struct mk_partition_info *info)
{
	struct ikc_part *part, *found = NULL;

	mutex_lock(&ikc_parts_lock);
	list_for_each_entry(part, &ikc_parts, node) {
		if (part->id == info->id) {
			found = part;
			list_del_rcu(&part->node);
			break;
		}
	}
	mutex_unlock(&ikc_parts_lock);
	if (!found)
		return;
	/* Doorbells run with interrupts off: after this none reaches it. */
	synchronize_rcu();
	ikc_peer_remove(found->peer);
}

static int ikc_host_event(struct notifier_block *nb, unsigned long event,
			  void *data)
{
	if (event == MK_PARTITION_STARTING)
		ikc_host_add(data);
	else if (event == MK_PARTITION_GONE)
		ikc_host_remove(data);
	return NOTIFY_DONE;
}

static struct notifier_block ikc_host_nb = {
	.notifier_call = ikc_host_event,
};

/* ---- partition side ---- */

static void ikc_guest_notify(struct ikc_peer *peer, u32 apicid)
{
	/* The host is our firmware: its APIC ids are to be believed. */
	multikernel_send_ikc_ipi(apicid);
}

static void *ikc_guest_map(struct ikc_peer *peer, u64 pa, size_t len)
{
	struct ikc_part *part = peer->priv;

	if (!ikc_part_holds(part, pa, len))
		return NULL;
	return (void *)peer->area + (pa - part->base);
}

static const struct ikc_transport_ops ikc_guest_ops = {
	.notify = ikc_guest_notify,
	.cpu_addr = ikc_part_cpu_addr,
	.map = ikc_guest_map,
	.walk_memory = ikc_host_walk,
	.release = ikc_part_release,
};

static int __init ikc_guest_init(phys_addr_t pa, size_t size)
{
	struct ikc_area_hdr *area;
	struct ikc_part *part;
	struct ikc_peer *peer;
	int ret;

	if (size < IKC_AREA_SIZE)
		return -EINVAL;
	area = memremap(pa, IKC_AREA_SIZE, MEMREMAP_WB);
	if (!area)
		return -ENOMEM;
	/* A host with no services for us leaves the area untouched. */
	if (!ikc_shm_read(&area->magic)) {
		pr_info("the host offers no IKC channels\n");
		memunmap(area);
		return 0;
	}
	part = kzalloc(sizeof(*part), GFP_KERNEL);
	if (!part) {
		memunmap(area);
		return -ENOMEM;
	}
	part->base = pa;
	part->size = IKC_AREA_SIZE;
	peer = ikc_peer_create(&ikc_guest_ops, "host", area, false, part);
	if (IS_ERR(peer)) {
		memunmap(area);
		kfree(part);
		return PTR_ERR(peer);
	}
	part->peer = peer;
	ikc_shm_write(&area->peer_apicid, ikc_part_cpu_addr(NULL, ikc_default_cpu(0)));
	ret = ikc_peer_add(peer);
	if (ret) {
		pr_err("the host's shared area is not usable: %d\n", ret);
		return ret;
	}
	list_add_tail_rcu(&part->node, &ikc_parts);
	if (ikc_shm_read(&area->owner_state) == IKC_SIDE_UP)
		ikc_peer_set_up(peer, true);
	ikc_peer_say_state(peer, IKC_SIDE_UP);
	return 0;
}

static int __init ikc_partition_init(void)
{
	phys_addr_t pa;
	size_t size;
	int ret;

	multikernel_set_ikc_handler(ikc_part_doorbells);
	pa = multikernel_ikc_area(&size);
	if (pa)
		return ikc_guest_init(pa, size);
	ret = multikernel_register_setting(&ikc_services_setting);
	if (ret)
		return ret;
	return multikernel_register_notifier(&ikc_host_nb);
}
device_initcall(ikc_partition_init);

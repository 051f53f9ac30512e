// SPDX-License-Identifier: GPL-2.0-only
/*
 * IKC loopback: both ends of a shared area in this kernel, so that the
 * bus, the channels and their drivers can be tested without a partition.
 * End A owns the area (like a host), end B checks and uses it (like a
 * partition); everything runs the cross-kernel code except the doorbell,
 * which is an irq_work on the CPU the other end named instead of an IPI,
 * still in hard interrupt context.
 *
 * /sys/bus/ikc/loopback_add takes the services of the slots, offered by
 * end A unless marked "@part" (end B): "echo echo@part*2 virtio:3" makes
 * four slots.  loopback_list shows
 * the pairs made, loopback_del takes the name of either end.
 */

#define pr_fmt(fmt) "ikc: " fmt

#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "internal.h"

/**
 * struct ikc_lb_bell - the doorbell of one end
 * @work: rings it
 * @to: whom it reaches, NULL once the end is being removed
 */
struct ikc_lb_bell {
	struct irq_work work;
	struct ikc_peer *to;
};

/**
 * struct ikc_loopback - a pair of ends
 * @node: in ikc_loopbacks
 * @area: the shared area
 * @end: peer A (owner) and B, until each is released
 * @bell: the doorbell of each end
 */
struct ikc_loopback {
	struct list_head node;
	struct ikc_area_hdr *area;
	struct ikc_peer *end[2];
	struct ikc_lb_bell bell[2];
};

static LIST_HEAD(ikc_loopbacks);
static DEFINE_MUTEX(ikc_loopback_lock);

static struct ikc_loopback *ikc_lb_of(struct ikc_peer *peer)
{
	return peer->priv;
}

static void ikc_lb_bell(struct irq_work *work)
{
	struct ikc_lb_bell *bell = container_of(work, struct ikc_lb_bell, work);
	struct ikc_peer *peer = READ_ONCE(bell->to);

	if (peer)
		ikc_peer_doorbell(peer);
}

/* The other end's doorbell, on the CPU it named (checked: it may lie). */
static void ikc_lb_notify(struct ikc_peer *peer, u32 cpu)
{
	struct ikc_loopback *lb = ikc_lb_of(peer);
	int other = peer == lb->end[0];

	if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		atomic64_inc(&peer->errors);
		cpu = raw_smp_processor_id();
	}
	/*
	 * A sender that waits for its answer with interrupts off (as
	 * virtio_console does) would never take its own doorbell.
	 */
	if (cpu == raw_smp_processor_id() && irqs_disabled() &&
	    num_online_cpus() > 1)
		cpu = cpumask_any_but(cpu_online_mask, cpu);
	irq_work_queue_on(&lb->bell[other].work, cpu);
}

static u32 ikc_lb_cpu_addr(struct ikc_peer *peer, unsigned int cpu)
{
	return cpu;
}

/* The other end is this kernel: any System RAM. */
static void *ikc_lb_map(struct ikc_peer *peer, u64 pa, size_t len)
{
	if (!pfn_valid(PHYS_PFN(pa)) || !page_is_ram(PHYS_PFN(pa)))
		return NULL;
	return phys_to_virt(pa);
}

struct ikc_lb_walk {
	int (*fn)(u64 start, u64 size, void *arg);
	void *arg;
};

static int ikc_lb_walk_one(struct resource *res, void *arg)
{
	struct ikc_lb_walk *w = arg;

	return w->fn(res->start, resource_size(res), w->arg);
}

static int ikc_lb_walk(struct ikc_peer *peer,
		       int (*fn)(u64 start, u64 size, void *arg), void *arg)
{
	struct ikc_lb_walk w = { .fn = fn, .arg = arg };

	return walk_system_ram_res(0, U64_MAX, &w, ikc_lb_walk_one);
}

static void ikc_lb_release(struct ikc_peer *peer)
{
	struct ikc_loopback *lb = ikc_lb_of(peer);

	/* The pair is freed with its second end. */
	if (lb->end[0] == peer)
		lb->end[0] = NULL;
	else
		lb->end[1] = NULL;
	if (lb->end[0] || lb->end[1])
		return;
	free_pages_exact(lb->area, IKC_AREA_SIZE);
	kfree(lb);
}

static const struct ikc_transport_ops ikc_lb_ops = {
	.notify = ikc_lb_notify,
	.cpu_addr = ikc_lb_cpu_addr,
	.map = ikc_lb_map,
	.walk_memory = ikc_lb_walk,
	.release = ikc_lb_release,
	.unbound_rx = true,
};

static int ikc_lb_create(struct ikc_slot_desc *slots, unsigned int nr)
{
	struct ikc_loopback *lb;
	struct ikc_peer *a, *b;
	int ret;

	lb = kzalloc(sizeof(*lb), GFP_KERNEL);
	if (!lb)
		return -ENOMEM;
	lb->area = alloc_pages_exact(IKC_AREA_SIZE, GFP_KERNEL);
	if (!lb->area) {
		kfree(lb);
		return -ENOMEM;
	}
	ikc_area_init(lb->area, slots, nr);
	init_irq_work(&lb->bell[0].work, ikc_lb_bell);
	init_irq_work(&lb->bell[1].work, ikc_lb_bell);
	lb->area->owner_apicid = cpu_to_le32(ikc_default_cpu(0));

	a = ikc_peer_create(&ikc_lb_ops, "loopback-a", lb->area, true, lb);
	if (IS_ERR(a)) {
		free_pages_exact(lb->area, IKC_AREA_SIZE);
		kfree(lb);
		return PTR_ERR(a);
	}
	lb->end[0] = a;
	b = ikc_peer_create(&ikc_lb_ops, "loopback-b", lb->area, false, lb);
	if (IS_ERR(b)) {
		put_device(&a->dev);
		return PTR_ERR(b);
	}
	lb->end[1] = b;
	lb->area->peer_apicid = cpu_to_le32(ikc_default_cpu(0));

	ret = ikc_peer_add(a);
	if (ret) {
		put_device(&b->dev);
		return ret;
	}
	ret = ikc_peer_add(b);
	if (ret) {
		ikc_peer_remove(a);
		return ret;
	}
	list_add_tail(&lb->node, &ikc_loopbacks);
	WRITE_ONCE(lb->bell[0].to, a);
	WRITE_ONCE(lb->bell[1].to, b);
	/* As a host and a partition do: A first, then B, who sees A up. */
	ikc_peer_say_state(a, IKC_SIDE_UP);
	ikc_peer_say_state(b, IKC_SIDE_UP);
	return 0;
}

static ssize_t loopback_add_store(const struct bus_type *bus, const char *buf,
				  size_t count)
{
	struct ikc_slot_desc slots[IKC_MAX_SLOTS];
	int nr, ret;

	nr = ikc_parse_slots(buf, slots);
	if (nr < 0)
		return nr;
	mutex_lock(&ikc_loopback_lock);
	ret = ikc_lb_create(slots, nr);
	mutex_unlock(&ikc_loopback_lock);
	return ret ?: count;
}
static BUS_ATTR_WO(loopback_add);

static ssize_t loopback_del_store(const struct bus_type *bus, const char *buf,
				  size_t count)
{
	struct ikc_loopback *lb;
	int ret = -ENOENT;

	mutex_lock(&ikc_loopback_lock);
	list_for_each_entry(lb, &ikc_loopbacks, node) {
		if (!sysfs_streq(buf, dev_name(&lb->end[0]->dev)) &&
		    !sysfs_streq(buf, dev_name(&lb->end[1]->dev)))
			continue;
		list_del(&lb->node);
		/* No doorbell reaches either end from now on. */
		WRITE_ONCE(lb->bell[0].to, NULL);
		WRITE_ONCE(lb->bell[1].to, NULL);
		irq_work_sync(&lb->bell[0].work);
		irq_work_sync(&lb->bell[1].work);
		/* B goes first, as a partition stops before its host forgets it. */
		ikc_peer_remove(lb->end[1]);
		ikc_peer_remove(lb->end[0]);
		ret = 0;
		break;
	}
	mutex_unlock(&ikc_loopback_lock);
	return ret ?: count;
}
static BUS_ATTR_WO(loopback_del);

static ssize_t loopback_list_show(const struct bus_type *bus, char *buf)
{
	struct ikc_loopback *lb;
	int len = 0;

	mutex_lock(&ikc_loopback_lock);
	list_for_each_entry(lb, &ikc_loopbacks, node)
		len += sysfs_emit_at(buf, len, "%s %s\n", dev_name(&lb->end[0]->dev),
				     dev_name(&lb->end[1]->dev));
	mutex_unlock(&ikc_loopback_lock);
	return len;
}
static BUS_ATTR_RO(loopback_list);

static int __init ikc_loopback_init(void)
{
	int ret;

	ret = bus_create_file(&ikc_bus_type, &bus_attr_loopback_add);
	if (!ret)
		ret = bus_create_file(&ikc_bus_type, &bus_attr_loopback_del);
	if (!ret)
		ret = bus_create_file(&ikc_bus_type, &bus_attr_loopback_list);
	return ret;
}
device_initcall(ikc_loopback_init);

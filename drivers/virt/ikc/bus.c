// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IKC bus.  A peer ("ikc<N>") is a connection to another kernel, or
 * to the other end of a loopback; each slot of its shared area becomes a
 * channel device ("ikc<N>.<slot>") that drivers bind to by service and
 * role.  Peers come and go with partitions: when the other side goes
 * away, drivers hear of it, calls on its channels fail with -ENOTCONN,
 * nobody touches the shared area any more, and the devices are removed.
 */

#define pr_fmt(fmt) "ikc: " fmt

#include <linux/cpuhotplug.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "internal.h"

struct workqueue_struct *ikc_wq;
static DEFINE_IDA(ikc_peer_ida);

static void ikc_device_release(struct device *dev)
{
	struct ikc_device *idev = to_ikc_device(dev);

	ikc_channel_destroy(idev->chan);
	kfree(idev);
}

/* ---- channel attributes that come from the bus ---- */

static ssize_t service_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct ikc_device *idev = to_ikc_device(dev);

	return sysfs_emit(buf, "%s\n", ikc_service_get(idev->service)->name);
}
static DEVICE_ATTR_RO(service);

static ssize_t role_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_ikc_device(dev)->role == IKC_ROLE_SERVER ?
			  "server" : "client");
}
static DEVICE_ATTR_RO(role);

static ssize_t arg_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", to_ikc_device(dev)->arg);
}
static DEVICE_ATTR_RO(arg);

static ssize_t slot_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", to_ikc_device(dev)->slot);
}
static DEVICE_ATTR_RO(slot);

static struct attribute *ikc_dev_attrs[] = {
	&dev_attr_service.attr,
	&dev_attr_role.attr,
	&dev_attr_arg.attr,
	&dev_attr_slot.attr,
	NULL
};

static const struct attribute_group ikc_dev_group = {
	.attrs = ikc_dev_attrs,
};

static const struct attribute_group *ikc_channel_groups[] = {
	&ikc_dev_group,
	&ikc_tune_group,
	&ikc_stat_group,
#ifdef CONFIG_IKC_FAULT_INJECTION
	&ikc_inject_group,
#endif
	NULL
};

static const struct device_type ikc_channel_type = {
	.name = "ikc_channel",
	.groups = ikc_channel_groups,
	.release = ikc_device_release,
};

static const struct ikc_device_id *ikc_match_id(const struct ikc_device_id *id,
						const struct ikc_device *idev)
{
	for (; id->service; id++)
		if (id->service == idev->service && id->role == idev->role &&
		    (id->arg == IKC_ANY_ARG || id->arg == idev->arg))
			return id;
	return NULL;
}

static int ikc_bus_match(struct device *dev, const struct device_driver *drv)
{
	if (dev->type != &ikc_channel_type)
		return 0;
	return !!ikc_match_id(to_ikc_driver(drv)->id_table, to_ikc_device(dev));
}

static int ikc_bus_probe(struct device *dev)
{
	struct ikc_driver *drv = to_ikc_driver(dev->driver);
	struct ikc_device *idev = to_ikc_device(dev);
	int ret;

	ret = drv->probe ? drv->probe(idev) : 0;
	if (!ret && drv->rx) {
		WRITE_ONCE(idev->chan->rx_drv, drv);
		/* Messages may already wait. */
		ikc_channel_kick_rx(idev->chan);
	}
	return ret;
}

static void ikc_bus_remove(struct device *dev)
{
	struct ikc_driver *drv = to_ikc_driver(dev->driver);
	struct ikc_device *idev = to_ikc_device(dev);

	/* Answers may still come while the driver shuts its device down ... */
	if (drv->remove)
		drv->remove(idev);
	/* ... but none runs after; devres is freed after this. */
	ikc_stop_rx(idev);
}

static int ikc_bus_uevent(const struct device *dev, struct kobj_uevent_env *env)
{
	const struct ikc_device *idev;

	if (dev->type != &ikc_channel_type)
		return 0;
	idev = to_ikc_device(dev);
	return add_uevent_var(env, "IKC_SERVICE=%u:%u:%u", idev->service,
			      idev->role, idev->arg);
}

/* ---- peer attributes ---- */

static ssize_t transport_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%s\n", to_ikc_peer(dev)->transport);
}
static DEVICE_ATTR_RO(transport);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", READ_ONCE(to_ikc_peer(dev)->up) ? "up" : "down");
}
static DEVICE_ATTR_RO(state);

static ssize_t partition_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", to_ikc_peer(dev)->partition);
}
static DEVICE_ATTR_RO(partition);

static ssize_t peer_errors_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&to_ikc_peer(dev)->errors));
}

static struct device_attribute dev_attr_peer_errors =
	__ATTR(errors, 0444, peer_errors_show, NULL);

static struct attribute *ikc_peer_attrs[] = {
	&dev_attr_transport.attr,
	&dev_attr_state.attr,
	&dev_attr_partition.attr,
	&dev_attr_peer_errors.attr,
	NULL
};

ATTRIBUTE_GROUPS(ikc_peer);

static const struct device_type ikc_peer_type = {
	.name = "ikc_peer",
	.groups = ikc_peer_groups,
};

const struct bus_type ikc_bus_type = {
	.name = "ikc",
	.match = ikc_bus_match,
	.probe = ikc_bus_probe,
	.remove = ikc_bus_remove,
	.uevent = ikc_bus_uevent,
};
EXPORT_SYMBOL_GPL(ikc_bus_type);

/**
 * __ikc_register_driver() - register an IKC driver
 * @drv: the driver
 * @owner: its module
 *
 * Return: 0 or a negative errno.
 */
int __ikc_register_driver(struct ikc_driver *drv, struct module *owner)
{
	drv->driver.bus = &ikc_bus_type;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__ikc_register_driver);

/**
 * ikc_unregister_driver() - unregister an IKC driver
 * @drv: the driver
 */
void ikc_unregister_driver(struct ikc_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(ikc_unregister_driver);

/**
 * ikc_peer_is_up() - whether both sides of a channel are up
 * @idev: the channel
 */
bool ikc_peer_is_up(struct ikc_device *idev)
{
	return READ_ONCE(idev->peer->up);
}
EXPORT_SYMBOL_GPL(ikc_peer_is_up);

/**
 * ikc_wait_peer_up() - wait for the other side of a channel
 * @idev: the channel
 * @timeout: in jiffies
 *
 * Return: 0, -ETIMEDOUT or -EINTR.
 */
int ikc_wait_peer_up(struct ikc_device *idev, unsigned long timeout)
{
	long ret;

	ret = wait_event_interruptible_timeout(idev->chan->wq,
					       ikc_peer_is_up(idev), timeout);
	if (ret < 0)
		return -EINTR;
	return ret ? 0 : -ETIMEDOUT;
}
EXPORT_SYMBOL_GPL(ikc_wait_peer_up);

/* ---- peers ---- */

static void ikc_peer_release(struct device *dev)
{
	struct ikc_peer *peer = to_ikc_peer(dev);

	if (peer->ops->release)
		peer->ops->release(peer);
	ida_free(&ikc_peer_ida, peer->id);
	mutex_destroy(&peer->lock);
	kfree(peer);
}

static void ikc_peer_state_work(struct work_struct *work)
{
	struct ikc_peer *peer = container_of(work, struct ikc_peer, state_work);
	struct ikc_area_hdr *a = peer->area;
	u32 state = ikc_shm_read(peer->owner ? &a->peer_state : &a->owner_state);

	if (state > IKC_SIDE_UP) {
		atomic64_inc(&peer->errors);
		state = IKC_SIDE_DOWN;
	}
	ikc_peer_set_up(peer, state == IKC_SIDE_UP);
}

/**
 * ikc_peer_create() - a connection to another kernel, not yet visible
 * @ops: its transport
 * @transport: the transport's name
 * @area: the shared area, laid out by its owner
 * @owner: this kernel is the owner
 * @priv: the transport's data
 *
 * Return: the peer, to be added with ikc_peer_add(), or an ERR_PTR.
 */
struct ikc_peer *ikc_peer_create(const struct ikc_transport_ops *ops,
				 const char *transport, struct ikc_area_hdr *area,
				 bool owner, void *priv)
{
	struct ikc_peer *peer;
	int id;

	id = ida_alloc(&ikc_peer_ida, GFP_KERNEL);
	if (id < 0)
		return ERR_PTR(id);
	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer) {
		ida_free(&ikc_peer_ida, id);
		return ERR_PTR(-ENOMEM);
	}
	peer->id = id;
	peer->ops = ops;
	peer->transport = transport;
	peer->partition = -1;
	peer->area = area;
	peer->owner = owner;
	peer->priv = priv;
	mutex_init(&peer->lock);
	INIT_WORK(&peer->state_work, ikc_peer_state_work);
	atomic64_set(&peer->errors, 0);
	device_initialize(&peer->dev);
	peer->dev.bus = &ikc_bus_type;
	peer->dev.type = &ikc_peer_type;
	peer->dev.release = ikc_peer_release;
	dev_set_name(&peer->dev, "ikc%d", id);
	return peer;
}

/* How many devices of the same service, argument and role come before. */
static unsigned int ikc_instance_of(struct ikc_peer *peer,
				    const struct ikc_device *idev)
{
	const struct ikc_device *d;
	unsigned int i, n = 0;

	for (i = 0; i < idev->slot; i++) {
		d = peer->devs[i];
		if (d && d->service == idev->service && d->arg == idev->arg &&
		    d->role == idev->role)
			n++;
	}
	return n;
}

/**
 * ikc_device_partition() - the partition at the other end of a channel
 * @idev: the channel
 *
 * Return: the partition's id on its host, or -1 (a loopback channel, or
 * this kernel is the partition).
 */
int ikc_device_partition(const struct ikc_device *idev)
{
	return idev->peer->owner ? idev->peer->partition : -1;
}
EXPORT_SYMBOL_GPL(ikc_device_partition);

/* A device for each slot whose descriptor makes sense. */
static void ikc_peer_add_devices(struct ikc_peer *peer)
{
	struct ikc_slot_desc *d;
	struct ikc_device *idev;
	unsigned int i;
	u32 svc, flags;

	for (i = 0; i < peer->nr_slots; i++) {
		d = &peer->area->slots[i];
		svc = ikc_shm_read(&d->service);
		flags = ikc_shm_read(&d->flags);
		if (!svc)
			continue;
		if (!ikc_service_get(svc) || flags & ~IKC_SLOT_OFFERED_BY_PEER ||
		    ikc_shm_read(&d->reserved)) {
			atomic64_inc(&peer->errors);
			dev_warn(&peer->dev, "slot %u: unknown service %u, flags %#x\n",
				 i, svc, flags);
			continue;
		}
		idev = kzalloc(sizeof(*idev), GFP_KERNEL);
		if (!idev)
			break;
		idev->chan = ikc_channel_create(peer, i);
		if (!idev->chan) {
			kfree(idev);
			break;
		}
		idev->chan->idev = idev;
		idev->peer = peer;
		idev->service = svc;
		idev->arg = ikc_shm_read(&d->arg);
		idev->slot = i;
		/* Whoever offers the service serves it. */
		idev->role = (!!(flags & IKC_SLOT_OFFERED_BY_PEER) == !peer->owner) ?
			     IKC_ROLE_SERVER : IKC_ROLE_CLIENT;
		idev->instance = ikc_instance_of(peer, idev);
		device_initialize(&idev->dev);
		idev->dev.bus = &ikc_bus_type;
		idev->dev.type = &ikc_channel_type;
		idev->dev.parent = &peer->dev;
		dev_set_name(&idev->dev, "ikc%d.%u", peer->id, i);
		if (device_add(&idev->dev)) {
			put_device(&idev->dev);
			continue;
		}
		peer->devs[i] = idev;
	}
}

/**
 * ikc_peer_add() - make a peer and its channels visible
 * @peer: from ikc_peer_create(); its area is laid out
 *
 * Return: 0, or a negative errno (the peer is then put).
 */
int ikc_peer_add(struct ikc_peer *peer)
{
	int ret;

	ret = ikc_area_check(peer->area, IKC_AREA_SIZE);
	if (ret < 0) {
		put_device(&peer->dev);
		return ret;
	}
	peer->nr_slots = ret;
	ret = device_add(&peer->dev);
	if (ret) {
		put_device(&peer->dev);
		return ret;
	}
	mutex_lock(&peer->lock);
	ikc_peer_add_devices(peer);
	mutex_unlock(&peer->lock);
	return 0;
}

/**
 * ikc_peer_set_up() - the other side came up or went away
 * @peer: the peer
 * @up: which
 *
 * Drivers hear of it through peer_event.  Going down waits until nobody
 * touches the shared area.
 */
void ikc_peer_set_up(struct ikc_peer *peer, bool up)
{
	struct ikc_device *idev;
	struct ikc_driver *drv;
	unsigned int i;

	mutex_lock(&peer->lock);
	if (peer->up == up)
		goto out;
	WRITE_ONCE(peer->up, up);
	/* Doorbells run with interrupts off: none still sees "up" after. */
	if (!up)
		synchronize_rcu();
	dev_info(&peer->dev, "%s is %s\n", peer->transport, up ? "up" : "down");
	for (i = 0; i < peer->nr_slots; i++) {
		idev = peer->devs[i];
		if (!idev)
			continue;
		if (!up)
			ikc_channel_quiesce(idev->chan);
		else
			wake_up_all(&idev->chan->wq);
		device_lock(&idev->dev);
		drv = idev->dev.driver ? to_ikc_driver(idev->dev.driver) : NULL;
		if (drv && drv->peer_event)
			drv->peer_event(idev, up);
		device_unlock(&idev->dev);
		/* Messages may have come before we were told. */
		if (up)
			ikc_channel_kick_rx(idev->chan);
	}
out:
	mutex_unlock(&peer->lock);
}

/**
 * ikc_peer_remove() - the connection is gone for good
 * @peer: the peer
 *
 * Its devices are removed; after this returns nothing of this kernel
 * touches the shared area.
 */
void ikc_peer_remove(struct ikc_peer *peer)
{
	unsigned int i;

	cancel_work_sync(&peer->state_work);
	ikc_peer_set_up(peer, false);
	/* A doorbell between the two calls may have queued the work again. */
	cancel_work_sync(&peer->state_work);
	mutex_lock(&peer->lock);
	for (i = 0; i < peer->nr_slots; i++) {
		if (!peer->devs[i])
			continue;
		device_unregister(&peer->devs[i]->dev);
		peer->devs[i] = NULL;
	}
	mutex_unlock(&peer->lock);
	device_unregister(&peer->dev);
}

/**
 * ikc_peer_doorbell() - the other side rang this kernel's doorbell
 * @peer: the peer
 *
 * Hard interrupt context.  Bits of slots without a channel are counted as
 * errors; the state bit has the other side's state read again.
 */
void ikc_peer_doorbell(struct ikc_peer *peer)
{
	__le64 *bell = peer->owner ? &peer->area->owner_doorbell :
				     &peer->area->peer_doorbell;
	unsigned long bits;
	unsigned int i;

	if (!READ_ONCE(*bell))
		return;
	bits = le64_to_cpu(xchg(bell, 0));
	if (bits & BIT(IKC_DOORBELL_STATE))
		queue_work(ikc_wq, &peer->state_work);
	bits &= ~BIT(IKC_DOORBELL_STATE);
	if (!READ_ONCE(peer->up)) {
		/* Nothing may flow before both sides are up. */
		if (bits)
			queue_work(ikc_wq, &peer->state_work);
		return;
	}
	for_each_set_bit(i, &bits, BITS_PER_LONG) {
		if (i >= peer->nr_slots || !peer->devs[i]) {
			atomic64_inc(&peer->errors);
			continue;
		}
		ikc_channel_kick_rx(peer->devs[i]->chan);
	}
}

/**
 * ikc_peer_say_state() - tell the other side this kernel's state
 * @peer: the peer
 * @state: IKC_SIDE_*
 */
void ikc_peer_say_state(struct ikc_peer *peer, u32 state)
{
	struct ikc_area_hdr *a = peer->area;

	ikc_shm_write(peer->owner ? &a->owner_state : &a->peer_state, state);
	set_bit_le(IKC_DOORBELL_STATE, peer->owner ? &a->peer_doorbell :
						     &a->owner_doorbell);
	peer->ops->notify(peer, ikc_shm_read(peer->owner ? &a->peer_apicid :
							  &a->owner_apicid));
}

/* A channel handled on a CPU going away moves, so no doorbell is lost. */
static int ikc_move_channel(struct device *dev, void *data)
{
	unsigned int cpu = *(unsigned int *)data, to;
	struct ikc_device *idev;

	if (dev->type != &ikc_channel_type)
		return 0;
	idev = to_ikc_device(dev);
	if (READ_ONCE(idev->chan->rx_cpu) != cpu)
		return 0;
	to = cpumask_any_but(cpu_online_mask, cpu);
	if (to >= nr_cpu_ids)
		return 0;
	ikc_channel_set_cpu(idev->chan, to);
	/* A doorbell may have gone to the old CPU: look at the ring. */
	ikc_channel_kick_rx(idev->chan);
	return 0;
}

static int ikc_cpu_offline(unsigned int cpu)
{
	return bus_for_each_dev(&ikc_bus_type, NULL, &cpu, ikc_move_channel);
}

static int __init ikc_init(void)
{
	int ret;

	ikc_channel_attrs_init();
	ikc_wq = alloc_workqueue("ikc", WQ_HIGHPRI, 0);
	if (!ikc_wq)
		return -ENOMEM;
	ret = bus_register(&ikc_bus_type);
	if (ret) {
		destroy_workqueue(ikc_wq);
		return ret;
	}
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "ikc:online",
					NULL, ikc_cpu_offline);
	return ret < 0 ? ret : 0;
}
postcore_initcall(ikc_init);

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKC, the inter-kernel communication bus: channels between this kernel
 * and another one (a partition kernel, its host, or a loopback end in this
 * same kernel), each a pair of single-producer/single-consumer rings of
 * fixed-size messages in shared memory with a pool of payload blocks,
 * notified by IPIs.  Drivers bind to channels by service like any Linux
 * driver binds to its devices.
 *
 * See Documentation/driver-api/ikc.rst.
 */
#ifndef _LINUX_IKC_H
#define _LINUX_IKC_H

#include <linux/device.h>
#include <linux/multikernel/ikc_area.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* Which end of a channel a driver binds to. */
enum ikc_role {
	IKC_ROLE_SERVER,	/* this kernel offers the service */
	IKC_ROLE_CLIENT,	/* this kernel uses it */
};

/* Page references one page-transfer message can carry. */
#define IKC_MAX_PAGE_REFS	(IKC_MSG_MAX / sizeof(struct ikc_page_ref))
/* Kinds of event a channel's ikc_send_event() callers may merge. */
#define IKC_EVENT_KEYS		80

/**
 * struct ikc_msg_info - a received message, as checked by ikc_recv()
 * @type: service-defined type
 * @flags: IKC_MSG_*
 * @tag: service-defined value (a sequence number or cookie)
 * @len: payload bytes copied to the caller's buffer
 */
struct ikc_msg_info {
	u16 type;
	u16 flags;
	u32 tag;
	u32 len;
};

/**
 * struct ikc_stats - per channel counters, in this kernel's view
 * @msgs_tx: messages sent
 * @msgs_rx: messages received
 * @bytes_tx: payload bytes sent
 * @bytes_rx: payload bytes received
 * @notify_sent: IPIs (doorbells) sent to the peer
 * @notify_suppressed: doorbells not needed, the peer was polling
 * @notify_rx: doorbells received for this channel
 * @full: sends that found the ring or the pool full
 * @errors: malformed or out-of-range data read from the peer
 * @room_waits: full rings or pools after which the peer was asked for a
 *	doorbell once it takes a message
 * @room_sent: such doorbells sent to the peer
 * @events_merged: ikc_send_event() messages not sent, the previous one of
 *	their kind being still unread
 */
struct ikc_stats {
	u64 msgs_tx;
	u64 msgs_rx;
	u64 bytes_tx;
	u64 bytes_rx;
	u64 notify_sent;
	u64 notify_suppressed;
	u64 notify_rx;
	u64 full;
	u64 errors;
	u64 room_waits;
	u64 room_sent;
	u64 events_merged;
};

struct ikc_peer;
struct ikc_channel;

/**
 * struct ikc_device - one channel to a peer kernel, as a device on ikc_bus
 * @dev: the device, named "ikc<peer>.<slot>"
 * @peer: the connection it belongs to
 * @chan: its channel
 * @service: IKC_SVC_*
 * @arg: service argument (the virtio device id for IKC_SVC_VIRTIO)
 * @role: which end this kernel holds
 * @slot: its slot in the shared area
 * @instance: how many channels of the same service, argument and role
 *	come before it on its peer: the disk number of a block device, say
 */
struct ikc_device {
	struct device dev;
	struct ikc_peer *peer;
	struct ikc_channel *chan;
	u32 service;
	u32 arg;
	enum ikc_role role;
	unsigned int slot;
	unsigned int instance;
};

#define to_ikc_device(d) container_of_const(d, struct ikc_device, dev)

/**
 * struct ikc_device_id - what an IKC driver binds to
 * @service: IKC_SVC_*
 * @role: the end it serves
 * @arg: service argument to match, or IKC_ANY_ARG
 */
struct ikc_device_id {
	u32 service;
	enum ikc_role role;
	u32 arg;
};

#define IKC_ANY_ARG		0xffffffffu

/**
 * struct ikc_driver - a driver of IKC channels
 * @driver: the driver core's part
 * @id_table: what it binds to, ended by an entry with service 0
 * @probe: bind to a channel; the peer may not be up yet
 * @remove: unbind.  The rx callback still runs while it shuts down, so
 *	that answers arrive; it calls ikc_stop_rx() before it frees what
 *	the callback uses.  No IKC call on the channel may follow.
 * @rx: the channel has messages; called in process context on the
 *	channel's handling CPU, one call at a time per channel.  Optional:
 *	without it, ikc_recv_wait() callers are woken.
 * @peer_event: the peer came up (@up true) or went away; optional.  After
 *	a "down" every call on the channel fails with -ENOTCONN until the
 *	device is removed.
 * @tx_room: the peer took a message after ikc_want_tx_room(); called
 *	like @rx, between its calls.  Optional; needs @rx.
 */
struct ikc_driver {
	struct device_driver driver;
	const struct ikc_device_id *id_table;
	int (*probe)(struct ikc_device *idev);
	void (*remove)(struct ikc_device *idev);
	void (*rx)(struct ikc_device *idev);
	void (*peer_event)(struct ikc_device *idev, bool up);
	void (*tx_room)(struct ikc_device *idev);
};

#define to_ikc_driver(d) container_of_const(d, struct ikc_driver, driver)

extern const struct bus_type ikc_bus_type;

int __ikc_register_driver(struct ikc_driver *drv, struct module *owner);
#define ikc_register_driver(drv) __ikc_register_driver(drv, THIS_MODULE)
void ikc_unregister_driver(struct ikc_driver *drv);

#define module_ikc_driver(__ikc_driver) \
	module_driver(__ikc_driver, ikc_register_driver, ikc_unregister_driver)

/* Sending, receiving */
int ikc_send(struct ikc_device *idev, u16 type, u32 tag,
	     const void *data, size_t len);
int ikc_send_timeout(struct ikc_device *idev, u16 type, u32 tag,
		     const void *data, size_t len, unsigned long timeout);
bool ikc_want_tx_room(struct ikc_device *idev, size_t len);
int ikc_send_event(struct ikc_device *idev, unsigned int key, u16 type,
		   u32 tag, const void *data, size_t len);
int ikc_send_pages(struct ikc_device *idev, u16 type, u32 tag,
		   const struct ikc_page_ref *refs, unsigned int nr);
int ikc_recv(struct ikc_device *idev, struct ikc_msg_info *info,
	     void *buf, size_t size);
int ikc_recv_wait(struct ikc_device *idev, struct ikc_msg_info *info,
		  void *buf, size_t size, unsigned long timeout);
void *ikc_map_page_ref(struct ikc_device *idev,
		       const struct ikc_page_ref *ref, size_t *len);
bool ikc_peer_is_up(struct ikc_device *idev);
int ikc_wait_peer_up(struct ikc_device *idev, unsigned long timeout);
int ikc_walk_peer_memory(struct ikc_device *idev,
			 int (*fn)(u64 start, u64 size, void *arg), void *arg);
void ikc_get_stats(struct ikc_device *idev, struct ikc_stats *stats);
int ikc_device_partition(const struct ikc_device *idev);

struct mk_partition_info;

/**
 * struct ikc_slot_source - a device class that gives partitions channels
 * @node: in the list of sources
 * @add_slots: called when a partition starts, after its ikc_services
 *	slots are known: append up to @room descriptors to @slots (those of
 *	devices the partition is given) and return how many, or -errno
 *	(the partition then gets none of them).  Runs under the lock that
 *	serialises partition control.
 *
 * The same source hears of the partition going through the partition
 * notifier chain, if it keeps anything for it.
 */
struct ikc_slot_source {
	struct list_head node;
	int (*add_slots)(const struct mk_partition_info *info,
			 struct ikc_slot_desc *slots, unsigned int room);
};

#ifdef CONFIG_IKC_PARTITION
void ikc_register_slot_source(struct ikc_slot_source *src);
#else
static inline void ikc_register_slot_source(struct ikc_slot_source *src) { }
#endif
void ikc_stop_rx(struct ikc_device *idev);
int ikc_set_cpu(struct ikc_device *idev, unsigned int cpu);
int ikc_set_poll_us(struct ikc_device *idev, unsigned int us);

#endif /* _LINUX_IKC_H */

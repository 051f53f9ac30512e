/* SPDX-License-Identifier: GPL-2.0 */
/* Shared inside drivers/virt/ikc/ and with its KUnit tests. */
#ifndef _DRIVERS_VIRT_IKC_INTERNAL_H
#define _DRIVERS_VIRT_IKC_INTERNAL_H

#include <linux/atomic.h>
#include <linux/ikc.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/*
 * A 32-bit field of the shared area (little endian), read once or written
 * once: the other side may change it at any time.
 */
#define ikc_shm_read(p)		le32_to_cpu(READ_ONCE(*(p)))
#define ikc_shm_write(p, v)	WRITE_ONCE(*(p), cpu_to_le32(v))

/* ---- ring.c: one direction of a channel, this kernel's view ---- */

/**
 * struct ikc_ring - one ring as seen by its producer or its consumer
 * @shm: the shared indices
 * @msgs: the IKC_RING_ENTRIES messages
 * @prod: our count of produced messages (producer side)
 * @cons: our count of consumed messages (consumer side)
 *
 * Each side keeps its own index here and only publishes it: what the
 * other side wrote is checked, never trusted.
 */
struct ikc_ring {
	struct ikc_ring_shm *shm;
	struct ikc_msg *msgs;
	u32 prod;
	u32 cons;
};

void ikc_ring_init_producer(struct ikc_ring *r, struct ikc_ring_shm *shm,
			    struct ikc_msg *msgs);
void ikc_ring_init_consumer(struct ikc_ring *r, struct ikc_ring_shm *shm,
			    struct ikc_msg *msgs);
int ikc_ring_room(struct ikc_ring *r);
int ikc_ring_produce(struct ikc_ring *r, const struct ikc_msg *msg);
int ikc_ring_consume(struct ikc_ring *r, struct ikc_msg *msg);
int ikc_ring_pending(struct ikc_ring *r);
bool ikc_ring_needs_notify(struct ikc_ring *r);
void ikc_ring_arm(struct ikc_ring *r, bool want_notify);
void ikc_ring_want_room(struct ikc_ring *r);
bool ikc_ring_room_wanted(struct ikc_ring *r);
int ikc_msg_check(const struct ikc_msg *msg);

/* ---- transports ---- */

struct ikc_peer;

/**
 * struct ikc_transport_ops - how the other side is reached
 * @notify: interrupt the other side's CPU at @addr (a CPU address it
 *	published: an APIC id across kernels, a CPU number in loopback);
 *	called with interrupts possibly off
 * @cpu_addr: the address of this kernel's CPU @cpu for the other side
 * @map: this kernel's address of the other side's physical range, or NULL
 *	when the range is not memory this kernel may reach
 * @walk_memory: call @fn for each range @map accepts
 * @release: free the transport's part of @peer
 * @unbound_rx: handle channels on any CPU: the other side may be a CPU of
 *	this kernel spinning with interrupts off for an answer
 */
struct ikc_transport_ops {
	void (*notify)(struct ikc_peer *peer, u32 addr);
	u32 (*cpu_addr)(struct ikc_peer *peer, unsigned int cpu);
	void *(*map)(struct ikc_peer *peer, u64 pa, size_t len);
	int (*walk_memory)(struct ikc_peer *peer,
			   int (*fn)(u64 start, u64 size, void *arg), void *arg);
	void (*release)(struct ikc_peer *peer);
	bool unbound_rx;
};

/**
 * struct ikc_channel - a slot of the area, this kernel's end of it
 * @idev: its device
 * @rx_drv: the bound driver with an rx callback, or NULL
 * @peer: its connection
 * @slot: its slot
 * @hdr: the slot's ring headers and pool bitmap
 * @pool: the slot's payload pool
 * @tx: the ring we produce into
 * @rx: the ring we consume from
 * @tx_lock: one producer at a time
 * @rx_lock: one consumer at a time
 * @rx_work: runs the driver's rx callback on @rx_cpu
 * @wq: ikc_recv_wait() callers
 * @room_wq: ikc_send_timeout() callers waiting for room
 * @room_seq: bumped whenever room may have come: a doorbell, or a pool
 *	block this kernel freed
 * @room_cb: ikc_want_tx_room() was called: call the driver's tx_room
 * @event_pos: per key of ikc_send_event(), one past the ring index of the
 *	last event message sent, or 0; under @tx_lock
 * @rx_cpu: the CPU that handles this channel's doorbells
 * @poll_us: busy-poll this long for more messages before sleeping
 * @broken: the peer wrote something invalid: the channel is dead
 * @st: counters, see struct ikc_stats
 */
struct ikc_channel {
	struct ikc_device *idev;
	struct ikc_driver *rx_drv;
	struct ikc_peer *peer;
	unsigned int slot;
	struct ikc_slot_hdr *hdr;
	u8 *pool;
	struct ikc_ring tx;
	struct ikc_ring rx;
	spinlock_t tx_lock;		/* the tx ring and pool allocation */
	struct mutex rx_lock;		/* the rx ring */
	struct work_struct rx_work;
	wait_queue_head_t wq;
	wait_queue_head_t room_wq;
	atomic_t room_seq;
	bool room_cb;
	u32 event_pos[IKC_EVENT_KEYS];
	unsigned int rx_cpu;
	unsigned int poll_us;
	bool broken;
	struct {
		atomic64_t msgs_tx, msgs_rx, bytes_tx, bytes_rx;
		atomic64_t notify_sent, notify_suppressed, notify_rx;
		atomic64_t full, errors;
		atomic64_t room_waits, room_sent, events_merged;
	} st;
};

/**
 * struct ikc_peer - a connection to another kernel (or loopback end)
 * @dev: "ikc<id>" on ikc_bus
 * @id: its number
 * @ops: its transport
 * @transport: the transport's name, for sysfs
 * @partition: the partition's id when there is one, else -1
 * @area: the shared area
 * @owner: this kernel laid the area out (host, loopback end A)
 * @up: both sides are up: channels may be used
 * @nr_slots: slots in use, checked
 * @devs: a device per slot in use
 * @state_work: looks at the other side's state after a doorbell
 * @lock: serialises up/down and device registration
 * @errors: invalid doorbells and states read from the other side
 * @priv: the transport's data
 */
struct ikc_peer {
	struct device dev;
	int id;
	const struct ikc_transport_ops *ops;
	const char *transport;
	int partition;
	struct ikc_area_hdr *area;
	bool owner;
	bool up;
	unsigned int nr_slots;
	struct ikc_device *devs[IKC_MAX_SLOTS];
	struct work_struct state_work;
	struct mutex lock;		/* up/down, devs[] */
	atomic64_t errors;
	void *priv;
};

#define to_ikc_peer(d) container_of(d, struct ikc_peer, dev)

extern struct workqueue_struct *ikc_wq;

/* area.c: laying out the area and reading the other side's part */
void ikc_area_init(struct ikc_area_hdr *area, const struct ikc_slot_desc *slots,
		   unsigned int nr_slots);
int ikc_area_check(struct ikc_area_hdr *area, size_t size);

/**
 * struct ikc_service - a service, from IKC_SERVICES in <linux/ikc.h>
 * @name: in sysfs and in lists of services
 * @has_arg: its slots carry an argument
 */
struct ikc_service {
	const char *name;
	bool has_arg;
};

/* services.c */
extern const struct ikc_service ikc_services[IKC_SVC_NR];
const struct ikc_service *ikc_service_get(u32 nr);
const struct ikc_service *ikc_service_by_name(const char *name);
int ikc_parse_slots(const char *list, struct ikc_slot_desc *slots);

/* bus.c */
struct ikc_peer *ikc_peer_create(const struct ikc_transport_ops *ops,
				 const char *transport, struct ikc_area_hdr *area,
				 bool owner, void *priv);
int ikc_peer_add(struct ikc_peer *peer);
void ikc_peer_remove(struct ikc_peer *peer);
void ikc_peer_set_up(struct ikc_peer *peer, bool up);
void ikc_peer_doorbell(struct ikc_peer *peer);
void ikc_peer_say_state(struct ikc_peer *peer, u32 state);

/* channel.c */
struct ikc_channel *ikc_channel_create(struct ikc_peer *peer, unsigned int slot);
void ikc_channel_destroy(struct ikc_channel *ch);
void ikc_channel_kick_rx(struct ikc_channel *ch);
void ikc_channel_quiesce(struct ikc_channel *ch);
void ikc_channel_set_cpu(struct ikc_channel *ch, unsigned int cpu);
unsigned int ikc_default_cpu(unsigned int slot);
extern const struct attribute_group ikc_stat_group;
extern const struct attribute_group ikc_tune_group;
void ikc_channel_attrs_init(void);

/* inject.c */
extern const struct attribute_group ikc_inject_group;

#endif /* _DRIVERS_VIRT_IKC_INTERNAL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inter-kernel ABI: the virtio-over-IKC wire protocol, spoken on an
 * IKC_SVC_VIRTIO channel
 * between the front end (IKC_ROLE_CLIENT, the virtio transport) and the
 * back end (IKC_ROLE_SERVER, the device).
 *
 * Control is request/response: the front end sends a request with a fresh
 * tag and waits for the response carrying the same tag, whose type is the
 * request's type | VIRTIO_IKC_RESPONSE.  Kicks (front -> back), used
 * buffer and config change notifications (back -> front) are one-way and
 * carry tag 0.  Every structure is little endian with explicit padding;
 * senders zero reserved fields, receivers ignore them.  A message whose
 * length is not exactly the size of its type's structure is dropped.
 *
 * The vrings live in the front end's memory and carry guest physical
 * addresses (no VIRTIO_F_ACCESS_PLATFORM); the back end checks each one
 * against the memory IKC says the peer may reach.
 *
 * See Documentation/driver-api/ikc-virtio.rst, and
 * Documentation/driver-api/multikernel-abi.rst for the versioning rule;
 * kernel/multikernel/abi_layout.c checks the layout.
 */
#ifndef _LINUX_MULTIKERNEL_VIRTIO_IKC_H
#define _LINUX_MULTIKERNEL_VIRTIO_IKC_H

#include <linux/types.h>

/* Bumped on incompatible changes; both ends must agree. */
#define VIRTIO_IKC_VERSION		1

/* Limits, so that every message fits the IKC inline payload. */
#define VIRTIO_IKC_MAX_QUEUES		64
#define VIRTIO_IKC_MAX_QUEUE_SIZE	32768
#define VIRTIO_IKC_CONFIG_CHUNK		32	/* config bytes per message */
#define VIRTIO_IKC_MAX_CONFIG		256	/* config space size */

/* Message types (struct ikc_msg_info.type) */
enum virtio_ikc_msg_type {
	/* Requests, front -> back; the response uses the same tag. */
	VIRTIO_IKC_GET_INFO		= 0x01,	/* -> info_resp */
	VIRTIO_IKC_GET_FEATURES		= 0x02,	/* -> features_resp */
	VIRTIO_IKC_SET_FEATURES		= 0x03,	/* features_req -> resp_hdr */
	VIRTIO_IKC_GET_STATUS		= 0x04,	/* -> value_resp */
	VIRTIO_IKC_SET_STATUS		= 0x05,	/* status_req -> resp_hdr */
	VIRTIO_IKC_GET_GENERATION	= 0x06,	/* -> value_resp */
	VIRTIO_IKC_QUEUE_INFO		= 0x07,	/* queue_req -> queue_info_resp */
	VIRTIO_IKC_QUEUE_SETUP		= 0x08,	/* queue_setup_req -> resp_hdr */
	VIRTIO_IKC_QUEUE_DISABLE	= 0x09,	/* queue_req -> resp_hdr */
	VIRTIO_IKC_CONFIG_READ		= 0x0a,	/* config_read_req -> config_read_resp */
	VIRTIO_IKC_CONFIG_WRITE		= 0x0b,	/* config_write_req -> resp_hdr */

	/* One-way notifications, tag 0 */
	VIRTIO_IKC_KICK			= 0x40,	/* front -> back, notify */
	VIRTIO_IKC_USED			= 0x41,	/* back -> front, notify */
	VIRTIO_IKC_CONFIG_CHANGED	= 0x42,	/* back -> front, config_changed */
};

/* Set in the type of a response. */
#define VIRTIO_IKC_RESPONSE		0x80

/* struct virtio_ikc_resp_hdr.status */
enum virtio_ikc_resp_status {
	VIRTIO_IKC_S_OK			= 0,
	VIRTIO_IKC_S_INVAL		= 1,	/* bad argument */
	VIRTIO_IKC_S_UNSUPP		= 2,	/* unknown request */
	VIRTIO_IKC_S_STATE		= 3,	/* not allowed in this status */
	VIRTIO_IKC_S_NOMEM		= 4,	/* device out of resources */
	VIRTIO_IKC_S_FAULT		= 5,	/* an address is not reachable */
};

/**
 * struct virtio_ikc_resp_hdr - start of every response
 * @status: VIRTIO_IKC_S_*
 * @reserved: zero
 *
 * A response with a status other than VIRTIO_IKC_S_OK may be just this
 * header.
 */
struct virtio_ikc_resp_hdr {
	__le32 status;
	__le32 reserved;
};

/**
 * struct virtio_ikc_info_resp - response to VIRTIO_IKC_GET_INFO
 * @hdr: status
 * @version: VIRTIO_IKC_VERSION
 * @num_queues: virtqueues the device has, at most VIRTIO_IKC_MAX_QUEUES
 * @config_len: size of the device config space, at most
 *	VIRTIO_IKC_MAX_CONFIG
 * @reserved: zero
 * @device_id: virtio device id; must match the channel's argument
 * @vendor_id: virtio vendor id
 */
struct virtio_ikc_info_resp {
	struct virtio_ikc_resp_hdr hdr;
	__le16 version;
	__le16 num_queues;
	__le16 config_len;
	__le16 reserved;
	__le32 device_id;
	__le32 vendor_id;
};

/**
 * struct virtio_ikc_features_resp - response to VIRTIO_IKC_GET_FEATURES
 * @hdr: status
 * @features: the device feature bits
 */
struct virtio_ikc_features_resp {
	struct virtio_ikc_resp_hdr hdr;
	__le64 features;
};

/**
 * struct virtio_ikc_features_req - VIRTIO_IKC_SET_FEATURES
 * @features: the driver feature bits, a subset of the device's
 */
struct virtio_ikc_features_req {
	__le64 features;
};

/**
 * struct virtio_ikc_value_resp - response to GET_STATUS and GET_GENERATION
 * @hdr: status
 * @value: the device status (low 8 bits) or the config generation
 * @reserved: zero
 */
struct virtio_ikc_value_resp {
	struct virtio_ikc_resp_hdr hdr;
	__le32 value;
	__le32 reserved;
};

/**
 * struct virtio_ikc_status_req - VIRTIO_IKC_SET_STATUS
 * @status: the new device status; 0 resets the device, and the response
 *	comes once the device no longer touches the rings
 * @reserved: zero
 */
struct virtio_ikc_status_req {
	__u8 status;
	__u8 reserved[7];
};

/**
 * struct virtio_ikc_queue_req - VIRTIO_IKC_QUEUE_INFO, _QUEUE_DISABLE
 * @index: the virtqueue
 * @reserved: zero
 *
 * The response to QUEUE_DISABLE comes once the device no longer touches
 * the queue's ring.
 */
struct virtio_ikc_queue_req {
	__le16 index;
	__le16 reserved[3];
};

/**
 * struct virtio_ikc_queue_info_resp - response to VIRTIO_IKC_QUEUE_INFO
 * @hdr: status
 * @max_size: the largest ring size, a power of two, 0 if the queue
 *	does not exist
 * @enabled: 1 if the queue is set up
 * @reserved: zero
 */
struct virtio_ikc_queue_info_resp {
	struct virtio_ikc_resp_hdr hdr;
	__le16 max_size;
	__le16 enabled;
	__le32 reserved;
};

/**
 * struct virtio_ikc_queue_setup_req - VIRTIO_IKC_QUEUE_SETUP
 * @index: the virtqueue
 * @num: ring size, a power of two no larger than max_size
 * @reserved: zero
 * @desc: physical address of the descriptor table (16-byte aligned)
 * @avail: physical address of the driver area (2-byte aligned)
 * @used: physical address of the device area (4-byte aligned)
 *
 * Sets up a split virtqueue and enables it.  Allowed once FEATURES_OK is
 * set, on a disabled queue.
 */
struct virtio_ikc_queue_setup_req {
	__le16 index;
	__le16 num;
	__le32 reserved;
	__le64 desc;
	__le64 avail;
	__le64 used;
};

/**
 * struct virtio_ikc_config_read_req - VIRTIO_IKC_CONFIG_READ
 * @offset: in the device config space
 * @len: 1 to VIRTIO_IKC_CONFIG_CHUNK; offset + len <= config_len
 * @reserved: zero
 */
struct virtio_ikc_config_read_req {
	__le16 offset;
	__le16 len;
	__le32 reserved;
};

/**
 * struct virtio_ikc_config_read_resp - response to VIRTIO_IKC_CONFIG_READ
 * @hdr: status
 * @generation: config generation the bytes were read at
 * @reserved: zero
 * @data: the bytes read, first @len valid
 */
struct virtio_ikc_config_read_resp {
	struct virtio_ikc_resp_hdr hdr;
	__le32 generation;
	__le32 reserved;
	__u8 data[VIRTIO_IKC_CONFIG_CHUNK];
};

/**
 * struct virtio_ikc_config_write_req - VIRTIO_IKC_CONFIG_WRITE
 * @offset: in the device config space
 * @len: 1 to VIRTIO_IKC_CONFIG_CHUNK; offset + len <= config_len
 * @reserved: zero
 * @data: the bytes to write, first @len valid
 */
struct virtio_ikc_config_write_req {
	__le16 offset;
	__le16 len;
	__le32 reserved;
	__u8 data[VIRTIO_IKC_CONFIG_CHUNK];
};

/**
 * struct virtio_ikc_notify - VIRTIO_IKC_KICK and VIRTIO_IKC_USED
 * @index: the virtqueue with new available (KICK) or used (USED) buffers
 * @reserved: zero
 */
struct virtio_ikc_notify {
	__le16 index;
	__le16 reserved[3];
};

/**
 * struct virtio_ikc_config_changed - VIRTIO_IKC_CONFIG_CHANGED
 * @generation: the new config generation
 * @reserved: zero
 *
 * Also sent when the device sets VIRTIO_CONFIG_S_NEEDS_RESET.
 */
struct virtio_ikc_config_changed {
	__le32 generation;
	__le32 reserved;
};

/* Big enough for any message of this protocol. */
#define VIRTIO_IKC_MSG_MAX		48

#endif /* _LINUX_MULTIKERNEL_VIRTIO_IKC_H */

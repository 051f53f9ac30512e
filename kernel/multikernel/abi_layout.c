// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inter-kernel ABI (include/linux/multikernel/), checked at build time.
 *
 * Two kernels of different builds read each other's structures, so every
 * field's offset and every structure's size is stated here once: a change
 * that moves a field fails the build instead of two kernels disagreeing
 * at run time.  A change that means to move one also bumps the version of
 * its structure (Documentation/driver-api/multikernel-abi.rst).
 */

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/multikernel/boot.h>
#include <linux/multikernel/deleg.h>
#include <linux/multikernel/ikc_area.h>
#include <linux/multikernel/status.h>
#include <linux/multikernel/virtio_ikc.h>

#define MK_ABI_AT(type, field, off) \
	static_assert(offsetof(struct type, field) == (off))
#define MK_ABI_SIZE(type, size) \
	static_assert(sizeof(struct type) == (size))

/* Boot information, v2 */
MK_ABI_AT(mk_boot_info, version, 0);
MK_ABI_AT(mk_boot_info, id, 4);
MK_ABI_AT(mk_boot_info, nr_cpus, 8);
MK_ABI_AT(mk_boot_info, console_port, 12);
MK_ABI_AT(mk_boot_info, tsc_khz, 16);
MK_ABI_AT(mk_boot_info, lapic_timer_hz, 24);
MK_ABI_AT(mk_boot_info, status_pa, 32);
MK_ABI_AT(mk_boot_info, wall_ns, 40);
MK_ABI_AT(mk_boot_info, wall_tsc, 48);
MK_ABI_AT(mk_boot_info, apicids, 56);
MK_ABI_AT(mk_boot_info, ikc_pa, 312);
MK_ABI_AT(mk_boot_info, ikc_size, 320);
MK_ABI_SIZE(mk_boot_info, 328);

/* Status page, v1 */
MK_ABI_AT(mk_status, magic, 0);
MK_ABI_AT(mk_status, version, 4);
MK_ABI_AT(mk_status, state, 8);
MK_ABI_AT(mk_status, cmd, 12);
MK_ABI_AT(mk_status, heartbeat, 16);
MK_ABI_AT(mk_status, init_tsc, 24);
MK_ABI_AT(mk_status, online_cpus, 32);
MK_ABI_AT(mk_status, reserved, 36);
MK_ABI_AT(mk_status, mem_total_kb, 40);
MK_ABI_AT(mk_status, reason, 48);
MK_ABI_SIZE(mk_status, 176);

/* IKC shared area, v1 */
MK_ABI_AT(ikc_msg, type, 0);
MK_ABI_AT(ikc_msg, flags, 2);
MK_ABI_AT(ikc_msg, len, 4);
MK_ABI_AT(ikc_msg, tag, 8);
MK_ABI_AT(ikc_msg, block, 12);
MK_ABI_AT(ikc_msg, nr_blocks, 14);
MK_ABI_AT(ikc_msg, data, 16);
MK_ABI_SIZE(ikc_msg, IKC_MSG_SIZE);

MK_ABI_AT(ikc_page_ref, pa, 0);
MK_ABI_AT(ikc_page_ref, len, 8);
MK_ABI_AT(ikc_page_ref, reserved, 12);
MK_ABI_SIZE(ikc_page_ref, 16);

MK_ABI_AT(ikc_ring_shm, prod, 0);
MK_ABI_AT(ikc_ring_shm, cons, 64);
MK_ABI_AT(ikc_ring_shm, want_notify, 68);
MK_ABI_AT(ikc_ring_shm, notify_apicid, 72);
MK_ABI_AT(ikc_ring_shm, want_room, 76);
MK_ABI_SIZE(ikc_ring_shm, 128);

MK_ABI_AT(ikc_slot_desc, service, 0);
MK_ABI_AT(ikc_slot_desc, flags, 4);
MK_ABI_AT(ikc_slot_desc, arg, 8);
MK_ABI_AT(ikc_slot_desc, reserved, 12);
MK_ABI_SIZE(ikc_slot_desc, 16);

MK_ABI_AT(ikc_area_hdr, magic, 0);
MK_ABI_AT(ikc_area_hdr, version, 4);
MK_ABI_AT(ikc_area_hdr, size, 8);
MK_ABI_AT(ikc_area_hdr, nr_slots, 12);
MK_ABI_AT(ikc_area_hdr, owner_state, 16);
MK_ABI_AT(ikc_area_hdr, peer_state, 20);
MK_ABI_AT(ikc_area_hdr, owner_doorbell, 24);
MK_ABI_AT(ikc_area_hdr, peer_doorbell, 32);
MK_ABI_AT(ikc_area_hdr, owner_apicid, 40);
MK_ABI_AT(ikc_area_hdr, peer_apicid, 44);
MK_ABI_AT(ikc_area_hdr, reserved, 48);
MK_ABI_AT(ikc_area_hdr, slots, 64);
MK_ABI_SIZE(ikc_area_hdr, 64 + IKC_MAX_SLOTS * 16);

MK_ABI_AT(ikc_slot_hdr, ring, 0);
MK_ABI_AT(ikc_slot_hdr, pool_map, 256);
MK_ABI_SIZE(ikc_slot_hdr, 256 + IKC_POOL_BLOCKS / 8);

/* What the IKC area's layout relies on. */
static_assert(IKC_RING_ENTRIES * IKC_MSG_SIZE <= SZ_4K);
static_assert(IKC_SLOT_POOL_OFF + IKC_POOL_BLOCKS * IKC_POOL_BLOCK_SIZE <=
	      IKC_SLOT_SIZE);
static_assert(IKC_POOL_BLOCKS % 64 == 0);
static_assert(IKC_POOL_BLOCKS * IKC_POOL_BLOCK_SIZE >= IKC_MSG_MAX);
static_assert(sizeof(struct ikc_area_hdr) <= SZ_4K);
static_assert(IKC_MAX_SLOTS <= IKC_DOORBELL_STATE);
static_assert(IKC_AREA_SIZE <= MK_IKC_AREA_SIZE);

/* virtio over IKC, v1: every message fits a message's inline payload. */
MK_ABI_AT(virtio_ikc_resp_hdr, status, 0);
MK_ABI_AT(virtio_ikc_resp_hdr, reserved, 4);
MK_ABI_SIZE(virtio_ikc_resp_hdr, 8);

MK_ABI_AT(virtio_ikc_info_resp, version, 8);
MK_ABI_AT(virtio_ikc_info_resp, num_queues, 10);
MK_ABI_AT(virtio_ikc_info_resp, config_len, 12);
MK_ABI_AT(virtio_ikc_info_resp, reserved, 14);
MK_ABI_AT(virtio_ikc_info_resp, device_id, 16);
MK_ABI_AT(virtio_ikc_info_resp, vendor_id, 20);
MK_ABI_SIZE(virtio_ikc_info_resp, 24);

MK_ABI_AT(virtio_ikc_features_resp, features, 8);
MK_ABI_SIZE(virtio_ikc_features_resp, 16);
MK_ABI_AT(virtio_ikc_features_req, features, 0);
MK_ABI_SIZE(virtio_ikc_features_req, 8);

MK_ABI_AT(virtio_ikc_value_resp, value, 8);
MK_ABI_AT(virtio_ikc_value_resp, reserved, 12);
MK_ABI_SIZE(virtio_ikc_value_resp, 16);

MK_ABI_AT(virtio_ikc_status_req, status, 0);
MK_ABI_AT(virtio_ikc_status_req, reserved, 1);
MK_ABI_SIZE(virtio_ikc_status_req, 8);

MK_ABI_AT(virtio_ikc_queue_req, index, 0);
MK_ABI_AT(virtio_ikc_queue_req, reserved, 2);
MK_ABI_SIZE(virtio_ikc_queue_req, 8);

MK_ABI_AT(virtio_ikc_queue_info_resp, max_size, 8);
MK_ABI_AT(virtio_ikc_queue_info_resp, enabled, 10);
MK_ABI_AT(virtio_ikc_queue_info_resp, reserved, 12);
MK_ABI_SIZE(virtio_ikc_queue_info_resp, 16);

MK_ABI_AT(virtio_ikc_queue_setup_req, index, 0);
MK_ABI_AT(virtio_ikc_queue_setup_req, num, 2);
MK_ABI_AT(virtio_ikc_queue_setup_req, reserved, 4);
MK_ABI_AT(virtio_ikc_queue_setup_req, desc, 8);
MK_ABI_AT(virtio_ikc_queue_setup_req, avail, 16);
MK_ABI_AT(virtio_ikc_queue_setup_req, used, 24);
MK_ABI_SIZE(virtio_ikc_queue_setup_req, 32);

MK_ABI_AT(virtio_ikc_config_read_req, offset, 0);
MK_ABI_AT(virtio_ikc_config_read_req, len, 2);
MK_ABI_AT(virtio_ikc_config_read_req, reserved, 4);
MK_ABI_SIZE(virtio_ikc_config_read_req, 8);

MK_ABI_AT(virtio_ikc_config_read_resp, generation, 8);
MK_ABI_AT(virtio_ikc_config_read_resp, reserved, 12);
MK_ABI_AT(virtio_ikc_config_read_resp, data, 16);
MK_ABI_SIZE(virtio_ikc_config_read_resp, 48);

MK_ABI_AT(virtio_ikc_config_write_req, offset, 0);
MK_ABI_AT(virtio_ikc_config_write_req, len, 2);
MK_ABI_AT(virtio_ikc_config_write_req, reserved, 4);
MK_ABI_AT(virtio_ikc_config_write_req, data, 8);
MK_ABI_SIZE(virtio_ikc_config_write_req, 40);

MK_ABI_AT(virtio_ikc_notify, index, 0);
MK_ABI_AT(virtio_ikc_notify, reserved, 2);
MK_ABI_SIZE(virtio_ikc_notify, 8);

MK_ABI_AT(virtio_ikc_config_changed, generation, 0);
MK_ABI_AT(virtio_ikc_config_changed, reserved, 4);
MK_ABI_SIZE(virtio_ikc_config_changed, 8);

static_assert(VIRTIO_IKC_MSG_MAX <= IKC_MSG_INLINE);
static_assert(sizeof(struct virtio_ikc_config_read_resp) <= VIRTIO_IKC_MSG_MAX);

/* System call delegation, v1 */
MK_ABI_AT(mk_deleg_launch, version, 0);
MK_ABI_AT(mk_deleg_launch, flags, 4);
MK_ABI_AT(mk_deleg_launch, strings_len, 8);
MK_ABI_AT(mk_deleg_launch, image_len, 12);
MK_ABI_AT(mk_deleg_launch, argc, 16);
MK_ABI_AT(mk_deleg_launch, envc, 20);
MK_ABI_AT(mk_deleg_launch, uid, 24);
MK_ABI_AT(mk_deleg_launch, gid, 28);
MK_ABI_AT(mk_deleg_launch, va_start, 32);
MK_ABI_AT(mk_deleg_launch, va_end, 40);
MK_ABI_SIZE(mk_deleg_launch, 48);
MK_ABI_SIZE(mk_deleg_status, 8);
MK_ABI_AT(mk_deleg_call, nr, 8);
MK_ABI_AT(mk_deleg_call, flags, 12);
MK_ABI_AT(mk_deleg_call, args, 16);
MK_ABI_SIZE(mk_deleg_call, 64);
MK_ABI_AT(mk_deleg_premap, va, 8);
MK_ABI_AT(mk_deleg_premap, zaps, 24);
MK_ABI_AT(mk_deleg_premap, pa, 32);
MK_ABI_AT(mk_deleg_return, ret, 8);
MK_ABI_AT(mk_deleg_return, signal, 16);
MK_ABI_SIZE(mk_deleg_return, 24);
MK_ABI_AT(mk_deleg_page, va, 8);
MK_ABI_SIZE(mk_deleg_page, 16);
MK_ABI_AT(mk_deleg_page_done, pa, 8);
MK_ABI_AT(mk_deleg_page_done, va, 16);
MK_ABI_AT(mk_deleg_page_done, flags, 24);
MK_ABI_AT(mk_deleg_page_done, zaps, 28);
MK_ABI_SIZE(mk_deleg_page_done, 32);
MK_ABI_SIZE(mk_deleg_zap, 16);
MK_ABI_SIZE(mk_deleg_cancel, 8);
MK_ABI_SIZE(mk_deleg_thread, 8);

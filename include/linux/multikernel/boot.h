/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inter-kernel ABI: what a host kernel hands to a partition kernel it
 * boots, as the payload of an x86 SETUP_MULTIKERNEL setup_data entry.
 *
 * Little endian, fixed width, no pointers; see
 * Documentation/driver-api/multikernel-abi.rst for the versioning rule
 * and kernel/multikernel/abi_layout.c for the layout checks.
 *
 * The partition trusts the boot information: the host is its firmware.
 * It still checks the version and that the values are usable.
 */
#ifndef _LINUX_MULTIKERNEL_BOOT_H
#define _LINUX_MULTIKERNEL_BOOT_H

#include <linux/sizes.h>
#include <linux/types.h>

#define MK_BOOT_INFO_VERSION	2
#define MK_MAX_PART_CPUS	64
/* Room at the end of a partition's memory for the IKC shared area. */
#define MK_IKC_AREA_SIZE	SZ_1M

/**
 * struct mk_boot_info - payload of the SETUP_MULTIKERNEL setup_data
 * @version: MK_BOOT_INFO_VERSION
 * @id: the partition's id on its host
 * @nr_cpus: number of entries of @apicids
 * @console_port: I/O port of the legacy UART the partition owns, or 0
 * @tsc_khz: TSC frequency, measured by the host
 * @lapic_timer_hz: local APIC timer ticks per second, as the host measured
 *	them, or 0 when the host uses the TSC deadline timer
 * @status_pa: physical address of the struct mk_status page
 * @wall_ns: the host's CLOCK_REALTIME when it started the partition ...
 * @wall_tsc: ... and the TSC at that moment
 * @apicids: APIC ids of the partition's CPUs, the boot CPU first
 * @ikc_pa: physical address of the IKC shared area ...
 * @ikc_size: ... and its size
 */
struct mk_boot_info {
	__le32 version;
	__le32 id;
	__le32 nr_cpus;
	__le32 console_port;
	__le64 tsc_khz;
	__le64 lapic_timer_hz;
	__le64 status_pa;
	__le64 wall_ns;
	__le64 wall_tsc;
	__le32 apicids[MK_MAX_PART_CPUS];
	__le64 ikc_pa;
	__le64 ikc_size;
};

#endif /* _LINUX_MULTIKERNEL_BOOT_H */

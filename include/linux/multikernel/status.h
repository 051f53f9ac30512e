/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inter-kernel ABI: the status page a partition kernel and its host share
 * for as long as the partition runs.  The partition writes its state,
 * heartbeat and counters; the host writes commands.
 *
 * Little endian, fixed width, no pointers; see
 * Documentation/driver-api/multikernel-abi.rst for the versioning rule
 * and kernel/multikernel/abi_layout.c for the layout checks.
 *
 * The host trusts nothing it reads here: every value is checked (state
 * in range, reason NUL-terminated by the reader) before use.
 */
#ifndef _LINUX_MULTIKERNEL_STATUS_H
#define _LINUX_MULTIKERNEL_STATUS_H

#include <linux/types.h>

#define MK_STATUS_MAGIC		0x4d4b5354	/* "MKST" */
#define MK_STATUS_VERSION	1

/* mk_status.state, written by the partition */
enum mk_part_state {
	MK_PART_BOOTING = 0,	/* the host cleared the page and started it */
	MK_PART_RUNNING,	/* init is about to run */
	MK_PART_HALTED,		/* powered off or halted by itself */
	MK_PART_CRASHED,	/* panicked; reason says why */
	MK_PART_NR_STATES,
};

/* mk_status.cmd, written by the host */
#define MK_CMD_NONE		0
#define MK_CMD_POWEROFF		1

#define MK_REASON_LEN		128

/**
 * struct mk_status - page shared by a partition and its host
 * @magic: MK_STATUS_MAGIC, written by the partition when it runs
 * @version: MK_STATUS_VERSION
 * @state: enum mk_part_state
 * @cmd: MK_CMD_*, a request from the host
 * @heartbeat: incremented by the partition twice a second
 * @init_tsc: TSC when the partition was about to run init
 * @online_cpus: the partition's count of online CPUs
 * @reserved: zero
 * @mem_total_kb: the memory the partition manages, in KiB
 * @reason: why it stopped or crashed, NUL-terminated
 */
struct mk_status {
	__le32 magic;
	__le32 version;
	__le32 state;
	__le32 cmd;
	__le64 heartbeat;
	__le64 init_tsc;
	__le32 online_cpus;
	__le32 reserved;
	__le64 mem_total_kb;
	char reason[MK_REASON_LEN];
};

#endif /* _LINUX_MULTIKERNEL_STATUS_H */

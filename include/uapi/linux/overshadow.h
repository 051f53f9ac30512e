/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Overshadow: copy far memory to near memory while the copy is already
 * readable.
 *
 * overshadow_create() returns at once a new region whose contents are those
 * of the source.  Until a page has been copied, the new region maps the
 * source page read-only; a copy engine (a DMA channel, or a CPU thread of
 * the calling process) copies the pages to the near node and the kernel
 * switches each page of the region to its near copy as soon as it is done.
 * A write to a page that is not done yet first completes that page, so the
 * source is never changed through the region.
 *
 * See Documentation/userspace-api/overshadow.rst.
 */
#ifndef _UAPI_LINUX_OVERSHADOW_H
#define _UAPI_LINUX_OVERSHADOW_H

#include <linux/types.h>

/* struct overshadow_args.flags */
#define OVERSHADOW_CREATE_NODE	(1U << 0)	/* near node is @node */
#define OVERSHADOW_CREATE_CPU	(1U << 1)	/* never use a DMA channel */
#define OVERSHADOW_CREATE_DMA	(1U << 2)	/* fail with ENODEV without one */

/* struct overshadow_args.engine and struct overshadow_status.engine */
#define OVERSHADOW_ENGINE_CPU	1	/* a thread of the caller copies */
#define OVERSHADOW_ENGINE_DMA	2	/* a dmaengine DMA_MEMCPY channel */

/* struct overshadow_status.flags */
#define OVERSHADOW_STATUS_COMPLETE	(1U << 0)	/* every page is near */
#define OVERSHADOW_STATUS_FAILED	(1U << 1)	/* see @error */

/**
 * struct overshadow_args - argument of overshadow_create()
 * @from: start of the source region; need not be page aligned
 * @len: length of the source region in bytes, not zero
 * @to: set on return: address of the new region.  It has the same offset
 *	into its first page as @from; the region covers the whole pages
 *	that hold [@from, @from + @len).
 * @flags: OVERSHADOW_CREATE_* flags
 * @node: near NUMA node with OVERSHADOW_CREATE_NODE, else must be zero;
 *	by default the near node is the caller's node
 * @engine: set on return: the OVERSHADOW_ENGINE_* that copies the region
 * @__reserved: must be zero
 *
 * The structure is extensible: overshadow_create() takes its size,
 * accepts a shorter (older) one and a longer one whose extra bytes are
 * zero.
 */
struct overshadow_args {
	__u64 from;
	__u64 len;
	__u64 to;
	__u32 flags;
	__s32 node;
	__u32 engine;
	__u32 __reserved;
};

#define OVERSHADOW_ARGS_SIZE_VER0	40

/**
 * struct overshadow_status - filled by overshadow_test()
 * @len: bytes in the region (whole pages)
 * @done: bytes already switched to their near copy
 * @pages_dma: pages copied by a DMA channel
 * @pages_cpu: pages copied by the CPU engine
 * @pages_early: pages copied ahead of the engine because they were written
 *	or pinned
 * @pages_dma_failed: pages whose DMA failed and that the CPU copied instead
 * @engine: OVERSHADOW_ENGINE_* of the region
 * @node: near node
 * @error: zero, or the negative errno that stopped the copy
 * @flags: OVERSHADOW_STATUS_* flags
 *
 * Extensible like struct overshadow_args: overshadow_test() fills as many
 * bytes as the caller gives and clears any bytes it does not know about.
 */
struct overshadow_status {
	__u64 len;
	__u64 done;
	__u64 pages_dma;
	__u64 pages_cpu;
	__u64 pages_early;
	__u64 pages_dma_failed;
	__u32 engine;
	__s32 node;
	__s32 error;
	__u32 flags;
};

#define OVERSHADOW_STATUS_SIZE_VER0	64

#endif /* _UAPI_LINUX_OVERSHADOW_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Overshadow internals, shared by the region code (overshadow.c), the
 * copy engines (overshadow_copy.c) and the KUnit suite.
 */
#ifndef _MM_OVERSHADOW_H
#define _MM_OVERSHADOW_H

#include <linux/completion.h>
#include <linux/mm_types.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <uapi/linux/overshadow.h>

/* Per-page state; OSH_NEAR is final. */
enum osh_page_state {
	OSH_SRC,	/* mapped onto the pinned source page */
	OSH_COPYING,	/* claimed by an engine or by a writer */
	OSH_NEAR,	/* the near copy is done and mapped on next access */
};

/* Largest region: 256 GiB, so that its page arrays stay below INT_MAX. */
#define OSH_MAX_PAGES		(1UL << (38 - PAGE_SHIFT))
/* Pages an engine claims, copies and switches at once. */
#define OSH_CHUNK_PAGES		32

#define OSH_CREATE_FLAGS	(OVERSHADOW_CREATE_NODE | \
				 OVERSHADOW_CREATE_CPU | \
				 OVERSHADOW_CREATE_DMA)

/**
 * struct osh_region - one overshadow region
 * @refs: held by the file, the engine thread and lookups in progress
 * @file: the file behind the mapping; its mapping is what gets zapped
 * @offset: offset of the source into its first page
 * @nr_pages: pages in the region
 * @nid: near node
 * @engine: OVERSHADOW_ENGINE_*
 * @src: pinned source pages; an entry is unpinned and cleared at OSH_NEAR
 * @dst: near pages, allocated by whoever claims the page
 * @state: enum osh_page_state per page
 * @map_lock: held for read while faults map pages chosen by @state, for
 *	write while pages become OSH_NEAR and their old mappings are zapped,
 *	so no mapping of a source page outlives its pin
 * @lock: serialises claims (OSH_SRC -> OSH_COPYING)
 * @wq: woken when pages become OSH_NEAR, on errors and on cancel
 * @nr_near: pages in OSH_NEAR
 * @nr_vmas: mappings of @file; zero once the region is unmapped
 * @cancelled: the region is unmapped or its process exits
 * @error: zero or the negative errno that stopped the engine
 * @stopped: completed when the engine thread has finished with the region
 * @engine_node: in the engine's queue of regions
 * @cursor: the engine's next page
 * @dma_ref: the region holds an osh_dma_get() reference
 * @pages_dma: pages copied by DMA
 * @pages_cpu: pages copied by the CPU engine
 * @pages_early: pages copied by a writer ahead of the engine
 * @pages_dma_failed: pages copied by the CPU after their DMA failed
 */
struct osh_region {
	refcount_t refs;
	struct file *file;
	unsigned long offset;
	unsigned long nr_pages;
	int nid;
	unsigned int engine;
	struct page **src;
	struct page **dst;
	u8 *state;
	struct rw_semaphore map_lock;
	spinlock_t lock;		/* see above */
	wait_queue_head_t wq;
	atomic_long_t nr_near;
	atomic_t nr_vmas;
	bool cancelled;
	int error;
	struct completion stopped;
	struct list_head engine_node;
	unsigned long cursor;
	bool dma_ref;
	atomic_long_t pages_dma;
	atomic_long_t pages_cpu;
	atomic_long_t pages_early;
	atomic_long_t pages_dma_failed;
};

int osh_check_args(const struct overshadow_args *args, int default_nid,
		   int *nid, unsigned long *nr_pages);
void osh_region_put(struct osh_region *r);

static inline bool osh_complete(struct osh_region *r)
{
	return atomic_long_read(&r->nr_near) == r->nr_pages;
}

/* overshadow_copy.c */
extern unsigned long sysctl_overshadow_dma_threshold;
int osh_engine_start(struct osh_region *r);
bool osh_dma_get(void);
void osh_dma_put(void);
unsigned long osh_claim(struct osh_region *r, unsigned long first,
			unsigned long max, unsigned long *idx);
void osh_unclaim(struct osh_region *r, const unsigned long *idx,
		 unsigned long n);
void osh_mark_near(struct osh_region *r, const unsigned long *idx,
		   unsigned long n);
int osh_copy_early(struct osh_region *r, unsigned long idx);

#endif /* _MM_OVERSHADOW_H */

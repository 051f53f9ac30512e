// SPDX-License-Identifier: GPL-2.0-only
/*
 * Overshadow copy engines.
 *
 * Each process has one engine thread: an I/O thread of the process
 * (create_io_thread(), like io_uring's workers), so the copy's CPU time,
 * its near pages and its cgroup charges belong to that process, and the
 * thread dies with it.  It walks its regions in chunks: it claims the
 * pages still on their source, allocates their near pages, copies them
 * with a DMA_MEMCPY channel or with the CPU, and then switches the chunk
 * to near.
 *
 * DMA is used for regions of at least vm.overshadow_dma_threshold bytes
 * when a public DMA_MEMCPY channel exists (per-page DMA of small copies does
 * not pay); a page whose DMA fails is copied by the CPU.
 */

#include <linux/cpuset.h>
#include <linux/dmaengine.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mutex.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <linux/task_work.h>
#include <linux/workqueue.h>

#include "overshadow.h"

#define OSH_GFP			(GFP_HIGHUSER | __GFP_ACCOUNT)
#define OSH_DMA_TIMEOUT		(5 * HZ)

unsigned long sysctl_overshadow_dma_threshold = SZ_256K;

static struct ctl_table osh_sysctls[] = {
	{
		.procname	= "overshadow_dma_threshold",
		.data		= &sysctl_overshadow_dma_threshold,
		.maxlen		= sizeof(sysctl_overshadow_dma_threshold),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
};

static int __init osh_sysctl_init(void)
{
	register_sysctl_init("vm", osh_sysctls);
	return 0;
}
late_initcall(osh_sysctl_init);

/*
 * dmaengine hands out public channels only while a client holds
 * dmaengine_get(), and taking or dropping that rebalances every channel:
 * hold it while regions copy by DMA and for a while after the last one.
 */
static DEFINE_MUTEX(osh_dma_mutex);
static unsigned int osh_dma_users;
static bool osh_dma_held;

static void osh_dma_release(struct work_struct *work)
{
	mutex_lock(&osh_dma_mutex);
	if (!osh_dma_users && osh_dma_held) {
		dmaengine_put();
		osh_dma_held = false;
	}
	mutex_unlock(&osh_dma_mutex);
}

static DECLARE_DELAYED_WORK(osh_dma_release_work, osh_dma_release);

/* Returns true, holding a reference, when a DMA_MEMCPY channel exists. */
bool osh_dma_get(void)
{
	bool found;

	mutex_lock(&osh_dma_mutex);
	if (!osh_dma_held) {
		dmaengine_get();
		osh_dma_held = true;
	}
	found = dma_find_channel(DMA_MEMCPY);
	if (found)
		osh_dma_users++;
	else if (!osh_dma_users)
		mod_delayed_work(system_wq, &osh_dma_release_work, 10 * HZ);
	mutex_unlock(&osh_dma_mutex);
	return found;
}

void osh_dma_put(void)
{
	mutex_lock(&osh_dma_mutex);
	if (!--osh_dma_users)
		mod_delayed_work(system_wq, &osh_dma_release_work, 10 * HZ);
	mutex_unlock(&osh_dma_mutex);
}

/*
 * Claims the pages of [@first, @last) still on their source
 * (OSH_SRC -> OSH_COPYING) and stores their indices in @idx.
 */
unsigned long osh_claim(struct osh_region *r, unsigned long first,
			unsigned long last, unsigned long *idx)
{
	unsigned long i, n = 0;

	spin_lock(&r->lock);
	for (i = first; i < last; i++) {
		if (r->state[i] != OSH_SRC)
			continue;
		WRITE_ONCE(r->state[i], OSH_COPYING);
		idx[n++] = i;
	}
	spin_unlock(&r->lock);
	return n;
}

/* Gives back claimed pages that were not copied. */
void osh_unclaim(struct osh_region *r, const unsigned long *idx,
		 unsigned long n)
{
	unsigned long i;

	spin_lock(&r->lock);
	for (i = 0; i < n; i++)
		WRITE_ONCE(r->state[idx[i]], OSH_SRC);
	spin_unlock(&r->lock);
	wake_up_all(&r->wq);
}

/*
 * Switches copied pages (sorted, claimed by the caller) to near: from here
 * a fault maps the copy, and the mappings of the source are zapped before
 * any fault can look again, so the source pins can go.
 */
void osh_mark_near(struct osh_region *r, const unsigned long *idx,
		   unsigned long n)
{
	unsigned long i;

	down_write(&r->map_lock);
	for (i = 0; i < n; i++)
		/* Pairs with the acquire in the fault paths: @dst is set. */
		smp_store_release(&r->state[idx[i]], OSH_NEAR);
	unmap_mapping_range(r->file->f_mapping, (loff_t)idx[0] << PAGE_SHIFT,
			    (loff_t)(idx[n - 1] - idx[0] + 1) << PAGE_SHIFT, 1);
	up_write(&r->map_lock);

	for (i = 0; i < n; i++) {
		unpin_user_page(r->src[idx[i]]);
		r->src[idx[i]] = NULL;
	}
	atomic_long_add(n, &r->nr_near);
	wake_up_all(&r->wq);
}

static int osh_alloc_near(struct osh_region *r, const unsigned long *idx,
			  unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (r->dst[idx[i]])
			continue;
		r->dst[idx[i]] = alloc_pages_node(r->nid, OSH_GFP | __GFP_NOWARN,
						  0);
		if (!r->dst[idx[i]])
			return -ENOMEM;
	}
	return 0;
}

/**
 * osh_copy_early - copy one page ahead of the engine
 * @r: the region
 * @idx: the page, which a program is about to write
 *
 * Runs in the faulting thread, so the copy is charged to it.
 *
 * Return: 0 when the page is near, -EAGAIN when someone else had claimed
 * it, -ENOMEM when no near page could be allocated.
 */
int osh_copy_early(struct osh_region *r, unsigned long idx)
{
	if (!osh_claim(r, idx, idx + 1, &idx))
		return -EAGAIN;
	if (osh_alloc_near(r, &idx, 1)) {
		osh_unclaim(r, &idx, 1);
		return -ENOMEM;
	}
	copy_highpage(r->dst[idx], r->src[idx]);
	atomic_long_inc(&r->pages_early);
	osh_mark_near(r, &idx, 1);
	return 0;
}

static void osh_copy_cpu(struct osh_region *r, const unsigned long *idx,
			 unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		copy_highpage(r->dst[idx[i]], r->src[idx[i]]);
		cond_resched();
	}
	atomic_long_add(n, &r->pages_cpu);
}

struct osh_dma_chunk;

struct osh_dma_page {
	struct osh_dma_chunk *chunk;
	dma_addr_t src;
	dma_addr_t dst;
	bool ok;
};

struct osh_dma_chunk {
	atomic_t pending;
	struct completion done;
	struct osh_dma_page pg[OSH_CHUNK_PAGES];
};

static void osh_dma_callback(void *arg, const struct dmaengine_result *res)
{
	struct osh_dma_page *p = arg;

	p->ok = res->result == DMA_TRANS_NOERROR;
	if (atomic_dec_and_test(&p->chunk->pending))
		complete(&p->chunk->done);
}

static bool osh_dma_submit(struct dma_chan *chan, struct osh_dma_page *p,
			   struct page *src, struct page *dst)
{
	struct device *dev = chan->device->dev;
	struct dma_async_tx_descriptor *tx;

	p->src = dma_map_page(dev, src, 0, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, p->src))
		return false;
	p->dst = dma_map_page(dev, dst, 0, PAGE_SIZE, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, p->dst))
		return false;
	tx = dmaengine_prep_dma_memcpy(chan, p->dst, p->src, PAGE_SIZE,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx)
		return false;
	tx->callback_result = osh_dma_callback;
	tx->callback_param = p;
	atomic_inc(&p->chunk->pending);
	if (dma_submit_error(dmaengine_submit(tx))) {
		atomic_dec(&p->chunk->pending);
		return false;
	}
	return true;
}

/* Copies a chunk by DMA; the CPU copies what the channel did not. */
static void osh_copy_dma(struct osh_region *r, struct dma_chan *chan,
			 struct osh_dma_chunk *c, const unsigned long *idx,
			 unsigned long n)
{
	struct device *dev = chan->device->dev;
	unsigned long i, failed = 0;

	/* One count for the submitter, so completion waits for all. */
	atomic_set(&c->pending, 1);
	reinit_completion(&c->done);
	for (i = 0; i < n; i++) {
		struct osh_dma_page *p = &c->pg[i];

		p->chunk = c;
		p->ok = false;
		p->src = DMA_MAPPING_ERROR;
		p->dst = DMA_MAPPING_ERROR;
		osh_dma_submit(chan, p, r->src[idx[i]], r->dst[idx[i]]);
	}
	dma_async_issue_pending(chan);
	if (!atomic_dec_and_test(&c->pending) &&
	    !wait_for_completion_timeout(&c->done, OSH_DMA_TIMEOUT)) {
		/*
		 * A stuck channel: stop it, so no transfer can land after the
		 * CPU has copied the page and the program has written it.
		 */
		dmaengine_terminate_sync(chan);
	}

	for (i = 0; i < n; i++) {
		struct osh_dma_page *p = &c->pg[i];

		if (!dma_mapping_error(dev, p->src))
			dma_unmap_page(dev, p->src, PAGE_SIZE, DMA_TO_DEVICE);
		if (!dma_mapping_error(dev, p->dst))
			dma_unmap_page(dev, p->dst, PAGE_SIZE, DMA_FROM_DEVICE);
		if (!READ_ONCE(p->ok)) {
			copy_highpage(r->dst[idx[i]], r->src[idx[i]]);
			failed++;
		}
	}
	atomic_long_add(n - failed, &r->pages_dma);
	atomic_long_add(failed, &r->pages_dma_failed);
}

/* Returns true when the thread must stop: its process is exiting. */
static bool osh_engine_killed(void)
{
	struct ksignal ksig;

	if (test_thread_flag(TIF_NOTIFY_SIGNAL))
		clear_notify_signal();
	if (task_work_pending(current))
		task_work_run();
	/* Only fatal signals reach an I/O thread. */
	return task_sigpending(current) && get_signal(&ksig);
}

static bool osh_engine_interrupted(void)
{
	return unlikely(task_sigpending(current) ||
			test_thread_flag(TIF_NOTIFY_SIGNAL) ||
			task_work_pending(current));
}

/*
 * One engine thread per process, shared by its regions: the first region
 * starts it, it copies the regions queued to it a chunk at a time, round
 * robin, and it exits after OSH_ENGINE_IDLE without work or when its
 * process exits.  Keeping it saves creating a thread per region.
 */
struct osh_engine {
	struct list_head node;		/* in osh_engines */
	struct mm_struct *mm;		/* the process's; the key */
	spinlock_t lock;		/* protects @regions */
	struct list_head regions;
	wait_queue_head_t wq;
	struct osh_dma_chunk *chunk;
};

#define OSH_ENGINE_IDLE		(2 * HZ)

/* Engines in use; lookups, creation and retirement hold the mutex. */
static DEFINE_MUTEX(osh_engines_mutex);
static LIST_HEAD(osh_engines);

/* The engine is done with @r: completed, failed or cancelled. */
static void osh_region_stop(struct osh_region *r, int err)
{
	if (err) {
		WRITE_ONCE(r->error, err);
		wake_up_all(&r->wq);
	}
	complete_all(&r->stopped);
	fput(r->file);
	osh_region_put(r);
}

/* Copies the next chunk of @r; returns true when @r needs no more. */
static bool osh_engine_chunk(struct osh_engine *e, struct osh_region *r,
			     int *err)
{
	unsigned long idx[OSH_CHUNK_PAGES], first = r->cursor, last = first;
	struct dma_chan *chan = NULL;
	unsigned long n = 0;

	/* Skip chunks that writers have copied already. */
	while (first < r->nr_pages) {
		last = min(first + OSH_CHUNK_PAGES, r->nr_pages);
		n = osh_claim(r, first, last, idx);
		if (n)
			break;
		first = last;
	}
	r->cursor = last;
	if (!n)
		return true;

	*err = osh_alloc_near(r, idx, n);
	if (*err) {
		osh_unclaim(r, idx, n);
		return true;
	}
	if (r->engine == OVERSHADOW_ENGINE_DMA && e->chunk)
		chan = dma_find_channel(DMA_MEMCPY);
	if (chan)
		osh_copy_dma(r, chan, e->chunk, idx, n);
	else
		osh_copy_cpu(r, idx, n);
	osh_mark_near(r, idx, n);
	return r->cursor >= r->nr_pages;
}

/* Takes the next region to work on, or NULL; finishes cancelled ones. */
static struct osh_region *osh_engine_next(struct osh_engine *e)
{
	struct osh_region *r;

	for (;;) {
		spin_lock(&e->lock);
		r = list_first_entry_or_null(&e->regions, struct osh_region,
					     engine_node);
		if (r)
			list_del_init(&r->engine_node);
		spin_unlock(&e->lock);
		if (!r || !READ_ONCE(r->cancelled))
			return r;
		osh_region_stop(r, 0);
	}
}

/* Retires @e unless work came in; called without work in hand. */
static bool osh_engine_retire(struct osh_engine *e, bool killed)
{
	struct osh_region *r;

	mutex_lock(&osh_engines_mutex);
	if (!killed && !list_empty_careful(&e->regions)) {
		mutex_unlock(&osh_engines_mutex);
		return false;
	}
	list_del(&e->node);
	mutex_unlock(&osh_engines_mutex);

	/* The process is exiting: its regions go with it, uncopied. */
	while ((r = osh_engine_next(e)))
		osh_region_stop(r, 0);
	return true;
}

static int osh_engine_fn(void *data)
{
	struct osh_engine *e = data;
	char name[TASK_COMM_LEN];
	struct osh_region *r;
	bool killed = false;
	int err;

	snprintf(name, sizeof(name), "osh-%d", task_tgid_nr(current));
	set_task_comm(current, name);

	for (;;) {
		if (osh_engine_interrupted() && osh_engine_killed()) {
			killed = true;
			break;
		}
		r = osh_engine_next(e);
		if (!r) {
			bool work = wait_event_interruptible_timeout(e->wq,
						!list_empty_careful(&e->regions),
						OSH_ENGINE_IDLE);

			if (!work && osh_engine_retire(e, false))
				break;
			continue;
		}

		err = 0;
		if (osh_engine_chunk(e, r, &err) || err) {
			osh_region_stop(r, err);
		} else {
			/* Round robin: the next region gets the next chunk. */
			spin_lock(&e->lock);
			list_add_tail(&r->engine_node, &e->regions);
			spin_unlock(&e->lock);
		}
		cond_resched();
	}

	if (killed)
		osh_engine_retire(e, true);
	kfree(e->chunk);
	kfree(e);
	do_exit(0);
}

/* The engine runs on another CPU of the caller's cpuset, near if it can. */
static void osh_engine_cpus(int nid, struct cpumask *mask, struct cpumask *tmp)
{
	int self = raw_smp_processor_id();

	cpuset_cpus_allowed(current, mask);
	cpumask_and(mask, mask, cpu_online_mask);
	cpumask_and(tmp, mask, cpumask_of_node(nid));
	__cpumask_clear_cpu(self, tmp);
	if (!cpumask_empty(tmp)) {
		cpumask_copy(mask, tmp);
		return;
	}
	cpumask_copy(tmp, mask);
	__cpumask_clear_cpu(self, tmp);
	if (!cpumask_empty(tmp))
		cpumask_copy(mask, tmp);
}

/* Starts the calling process's engine; osh_engines_mutex is held. */
static struct osh_engine *osh_engine_create(int nid)
{
	cpumask_var_t mask, tmp;
	struct task_struct *tsk;
	struct osh_engine *e;
	int ret = -ENOMEM;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return ERR_PTR(-ENOMEM);
	e->mm = current->mm;
	spin_lock_init(&e->lock);
	INIT_LIST_HEAD(&e->regions);
	init_waitqueue_head(&e->wq);
	/* Without it the DMA engine's regions are copied by the CPU. */
	e->chunk = kmalloc(sizeof(*e->chunk), GFP_KERNEL);
	if (e->chunk)
		init_completion(&e->chunk->done);

	if (!alloc_cpumask_var(&mask, GFP_KERNEL))
		goto free;
	if (!alloc_cpumask_var(&tmp, GFP_KERNEL))
		goto free_mask;
	osh_engine_cpus(nid, mask, tmp);
	tsk = create_io_thread(osh_engine_fn, e, NUMA_NO_NODE);
	if (IS_ERR(tsk)) {
		ret = PTR_ERR(tsk);
		goto free_tmp;
	}
	set_cpus_allowed_ptr(tsk, mask);
	list_add(&e->node, &osh_engines);
	wake_up_new_task(tsk);
	free_cpumask_var(tmp);
	free_cpumask_var(mask);
	return e;

free_tmp:
	free_cpumask_var(tmp);
free_mask:
	free_cpumask_var(mask);
free:
	kfree(e->chunk);
	kfree(e);
	return ERR_PTR(ret);
}

/**
 * osh_engine_start - queue a region to its process's copy engine
 * @r: the region, mapped and owned by its file
 *
 * Called by the creating thread: a new engine thread joins its process.
 *
 * Return: 0 or a negative errno; on failure @r->stopped is completed.
 */
int osh_engine_start(struct osh_region *r)
{
	struct osh_engine *e, *found = NULL;

	mutex_lock(&osh_engines_mutex);
	list_for_each_entry(e, &osh_engines, node) {
		if (e->mm == current->mm) {
			found = e;
			break;
		}
	}
	if (!found) {
		found = osh_engine_create(r->nid);
		if (IS_ERR(found)) {
			mutex_unlock(&osh_engines_mutex);
			complete_all(&r->stopped);
			return PTR_ERR(found);
		}
	}
	refcount_inc(&r->refs);
	get_file(r->file);
	spin_lock(&found->lock);
	list_add_tail(&r->engine_node, &found->regions);
	spin_unlock(&found->lock);
	mutex_unlock(&osh_engines_mutex);
	wake_up(&found->wq);
	return 0;
}

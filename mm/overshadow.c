// SPDX-License-Identifier: GPL-2.0-only
/*
 * Overshadow: a copy of far memory that can be read before it is made.
 *
 * overshadow_create() pins the source pages and maps a new region of the
 * caller onto them, read-only, then lets a copy engine copy them to the
 * near node.  As the engine finishes a chunk it zaps those pages of the
 * region; the next access faults and maps the near copy.  A write to a page
 * not yet copied copies that page first (or waits for the engine to finish
 * it), so the source never changes through the region.
 *
 * The region is a VM_MIXEDMAP shared mapping of an anonymous-inode file:
 * faults map either the source page (as a special PFN mapping, read-only:
 * the mapping asks for write notification, so a write reaches
 * ->pfn_mkwrite) or the near page (an ordinary page, with rmap and
 * refcount, so GUP works on it), chosen by the per-page state.  GUP that
 * meets a source page asks ->pin_special, which copies that page first.
 * unmap_mapping_range() on the file's own address space removes a chunk's
 * stale mappings wherever they are, without the engine touching the
 * process's mmap_lock.
 *
 * See Documentation/userspace-api/overshadow.rst.
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/nodemask.h>
#include <linux/pagemap.h>
#include <linux/pfn_t.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include <linux/userfaultfd_k.h>

#include "overshadow.h"

static const struct vm_operations_struct osh_vm_ops;

#define OSH_ARRAY_GFP		(GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

/* Pages a read fault maps around the faulting one. */
#define OSH_FAULT_AROUND	OSH_CHUNK_PAGES

/**
 * osh_check_args - validate the arguments of overshadow_create()
 * @args: the arguments, copied from userspace
 * @default_nid: near node when none is given
 * @nid: set to the near node
 * @nr_pages: set to the number of pages the region covers
 *
 * Return: 0, or -EINVAL for unknown flags, a non-zero reserved field, an
 * empty, overflowing or too large range, or a bad node.
 */
int osh_check_args(const struct overshadow_args *args, int default_nid,
		   int *nid, unsigned long *nr_pages)
{
	unsigned long start, end;

	if (args->flags & ~OSH_CREATE_FLAGS || args->__reserved)
		return -EINVAL;
	if ((args->flags & OVERSHADOW_CREATE_CPU) &&
	    (args->flags & OVERSHADOW_CREATE_DMA))
		return -EINVAL;
	if (!args->len || args->len > TASK_SIZE ||
	    args->from > TASK_SIZE - args->len)
		return -EINVAL;
	start = args->from & PAGE_MASK;
	end = PAGE_ALIGN(args->from + args->len);
	if ((end - start) >> PAGE_SHIFT > OSH_MAX_PAGES)
		return -EINVAL;

	if (args->flags & OVERSHADOW_CREATE_NODE) {
		if (args->node < 0 || args->node >= MAX_NUMNODES ||
		    !node_state(args->node, N_MEMORY))
			return -EINVAL;
		*nid = args->node;
	} else {
		if (args->node)
			return -EINVAL;
		*nid = default_nid;
	}
	*nr_pages = (end - start) >> PAGE_SHIFT;
	return 0;
}

static void osh_region_free(struct osh_region *r)
{
	unsigned long i;

	for (i = 0; i < r->nr_pages; i++) {
		if (r->src[i])
			unpin_user_page(r->src[i]);
		if (r->dst[i])
			__free_page(r->dst[i]);
		if (!(i % 1024))
			cond_resched();
	}
	if (r->dma_ref)
		osh_dma_put();
	kvfree(r->state);
	kvfree(r->dst);
	kvfree(r->src);
	kfree(r);
}

void osh_region_put(struct osh_region *r)
{
	if (refcount_dec_and_test(&r->refs))
		osh_region_free(r);
}

static struct osh_region *osh_region_alloc(unsigned long nr_pages)
{
	struct osh_region *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return NULL;
	r->nr_pages = nr_pages;
	/* Sizes come from userspace: fail big ones quietly with ENOMEM. */
	r->src = kvcalloc(nr_pages, sizeof(*r->src), OSH_ARRAY_GFP);
	r->dst = kvcalloc(nr_pages, sizeof(*r->dst), OSH_ARRAY_GFP);
	r->state = kvcalloc(nr_pages, sizeof(*r->state), OSH_ARRAY_GFP);
	if (!r->src || !r->dst || !r->state) {
		kvfree(r->state);
		kvfree(r->dst);
		kvfree(r->src);
		kfree(r);
		return NULL;
	}
	refcount_set(&r->refs, 1);
	init_rwsem(&r->map_lock);
	spin_lock_init(&r->lock);
	init_waitqueue_head(&r->wq);
	init_completion(&r->stopped);
	INIT_LIST_HEAD(&r->engine_node);
	return r;
}

/*
 * Refuses a source that is, even in part, an overshadow region: its pages
 * not yet copied are special mappings that cannot be pinned.
 */
static int osh_check_source(unsigned long start, unsigned long end)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int ret = 0;

	VMA_ITERATOR(vmi, mm, start);
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	for_each_vma_range(vmi, vma, end) {
		if (vma->vm_ops == &osh_vm_ops) {
			ret = -EFAULT;
			break;
		}
	}
	mmap_read_unlock(mm);
	return ret;
}

/* Pins every source page; on failure nothing stays pinned. */
static int osh_pin_source(struct osh_region *r, unsigned long start)
{
	unsigned long done = 0;
	long ret;

	while (done < r->nr_pages) {
		ret = pin_user_pages_fast(start + (done << PAGE_SHIFT),
					  min(r->nr_pages - done, (unsigned long)INT_MAX),
					  0, r->src + done);
		if (ret <= 0) {
			unpin_user_pages(r->src, done);
			memset(r->src, 0, done * sizeof(*r->src));
			return ret ? ret : -EFAULT;
		}
		done += ret;
		cond_resched();
	}
	return 0;
}

static int osh_release(struct inode *inode, struct file *file)
{
	osh_region_put(file->private_data);
	return 0;
}

/* Mapping, splitting and moving: the region is one whole, fixed mapping. */
static void osh_vm_open(struct vm_area_struct *vma)
{
	struct osh_region *r = vma->vm_private_data;

	atomic_inc(&r->nr_vmas);
}

static void osh_vm_close(struct vm_area_struct *vma)
{
	struct osh_region *r = vma->vm_private_data;

	if (atomic_dec_and_test(&r->nr_vmas)) {
		WRITE_ONCE(r->cancelled, true);
		wake_up_all(&r->wq);
	}
}

static int osh_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int osh_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const char *osh_vm_name(struct vm_area_struct *vma)
{
	return "[overshadow]";
}

/*
 * Maps page @idx read-only: its near copy once it is done, else the source
 * page.  The caller holds @map_lock for read.  Returns 0, leaving the page
 * unmapped, for a source that is the shared zero page: that one may not be
 * mapped into a writable shared mapping, so the caller copies it first.
 */
static vm_fault_t osh_map_page(struct osh_region *r, struct vm_area_struct *vma,
			       unsigned long addr, unsigned long idx)
{
	struct page *page;
	int err;

	/* Pairs with the release in osh_mark_near(): @dst is set. */
	if (smp_load_acquire(&r->state[idx]) == OSH_NEAR) {
		err = vm_insert_page(vma, addr, r->dst[idx]);
		if (!err || err == -EBUSY)
			return VM_FAULT_NOPAGE;
		return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	}
	page = r->src[idx];
	if (is_zero_page(page))
		return 0;
	/* vm_page_prot is read-only: the mapping wants write notification. */
	return vmf_insert_mixed(vma, addr, page_to_pfn_t(page));
}

/* Makes page @idx near: copies it now, or waits for the engine. */
static vm_fault_t osh_fault_near(struct osh_region *r, unsigned long idx)
{
	int ret;

	for (;;) {
		/* Pairs with the release in osh_mark_near(): @dst is set. */
		u8 state = smp_load_acquire(&r->state[idx]);

		if (state == OSH_NEAR)
			return 0;
		if (state == OSH_SRC) {
			ret = osh_copy_early(r, idx);
			if (ret == -ENOMEM)
				return VM_FAULT_OOM;
			if (ret != -EAGAIN)
				return 0;
			continue;
		}
		/* The engine finishes or gives back what it claimed. */
		if (wait_event_killable(r->wq,
					READ_ONCE(r->state[idx]) != OSH_COPYING))
			return VM_FAULT_SIGBUS;
	}
}

static vm_fault_t osh_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct osh_region *r = vma->vm_private_data;
	unsigned long idx = vmf->pgoff, first, last, i;
	vm_fault_t ret = 0;

	if (idx >= r->nr_pages)
		return VM_FAULT_SIGBUS;

	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		/*
		 * Map a window around the fault so a scan faults once per
		 * window.  The mapping is always whole and unmoved: page i
		 * is at vm_start + i pages.
		 */
		first = round_down(idx, OSH_FAULT_AROUND);
		last = min(first + OSH_FAULT_AROUND, r->nr_pages);
		down_read(&r->map_lock);
		ret = osh_map_page(r, vma, vmf->address, idx);
		for (i = first; i < last && ret == VM_FAULT_NOPAGE; i++) {
			if (i != idx &&
			    osh_map_page(r, vma, vma->vm_start + (i << PAGE_SHIFT),
					 i) & VM_FAULT_ERROR)
				break;
		}
		up_read(&r->map_lock);
		if (ret)
			return ret;
	}

	/* A write, or a zero page: hand the near copy to the fault code. */
	ret = osh_fault_near(r, idx);
	if (ret)
		return ret;
	/* OSH_NEAR is final: @dst stays until the region is freed. */
	get_page(r->dst[idx]);
	vmf->page = r->dst[idx];
	return 0;
}

/*
 * A write to a page mapped read-only: a near page just becomes writable; a
 * source page is copied first and its mapping zapped, and the retried
 * access faults in the copy.
 */
static vm_fault_t osh_vm_pfn_mkwrite(struct vm_fault *vmf)
{
	struct osh_region *r = vmf->vma->vm_private_data;
	vm_fault_t ret;

	if (vmf->pgoff >= r->nr_pages)
		return VM_FAULT_SIGBUS;
	/* Pairs with the release in osh_mark_near(). */
	if (smp_load_acquire(&r->state[vmf->pgoff]) == OSH_NEAR)
		return 0;
	ret = osh_fault_near(r, vmf->pgoff);
	return ret ? ret : VM_FAULT_NOPAGE;
}

/*
 * A pin (O_DIRECT I/O, vmsplice(), process_vm_readv()) of a page still
 * mapped onto the source: GUP cannot take the special entry, so the page
 * is copied now, as a write fault does.  Taking @map_lock once waits out
 * the zap that goes with the switch to near, so GUP's next look faults in
 * the copy and does not come back here.
 */
static int osh_vm_pin_special(struct vm_area_struct *vma, unsigned long addr)
{
	struct osh_region *r = vma->vm_private_data;
	unsigned long idx = linear_page_index(vma, addr);
	vm_fault_t fault;

	if (idx >= r->nr_pages)
		return -EFAULT;
	fault = osh_fault_near(r, idx);
	if (fault)
		return fault & VM_FAULT_OOM ? -ENOMEM : -EINTR;
	down_read(&r->map_lock);
	up_read(&r->map_lock);
	return 0;
}

/*
 * ptrace and /proc/PID/mem when GUP failed on a page mapped onto the
 * source (->pin_special found no memory for the copy, or was killed):
 * access_remote_vm() comes here.  A read sees what the program would, the
 * source or the copy; a write makes the page near first, as a write fault
 * does, so the source never changes.
 */
static int osh_vm_access(struct vm_area_struct *vma, unsigned long addr,
			 void *buf, int len, int write)
{
	struct osh_region *r = vma->vm_private_data;
	unsigned long idx = linear_page_index(vma, addr);
	unsigned int off = offset_in_page(addr);
	struct page *page;
	vm_fault_t fault;
	void *kaddr;

	/* As GUP refuses a forced write to a read-only shared mapping. */
	if (idx >= r->nr_pages || (write && !(vma->vm_flags & VM_WRITE)))
		return -EFAULT;
	len = min_t(int, len, PAGE_SIZE - off);
	if (write) {
		fault = osh_fault_near(r, idx);
		if (fault)
			return fault & VM_FAULT_OOM ? -ENOMEM : -EFAULT;
	}
	/* The source stays pinned until the page is near (osh_mark_near()). */
	down_read(&r->map_lock);
	/* Pairs with the release in osh_mark_near(): @dst is set. */
	if (smp_load_acquire(&r->state[idx]) == OSH_NEAR)
		page = r->dst[idx];
	else
		page = r->src[idx];
	kaddr = kmap_local_page(page);
	if (write)
		memcpy(kaddr + off, buf, len);
	else
		memcpy(buf, kaddr + off, len);
	kunmap_local(kaddr);
	up_read(&r->map_lock);
	return len;
}

static const struct vm_operations_struct osh_vm_ops = {
	.open		= osh_vm_open,
	.close		= osh_vm_close,
	.may_split	= osh_vm_may_split,
	.mremap		= osh_vm_mremap,
	.name		= osh_vm_name,
	.fault		= osh_vm_fault,
	.pfn_mkwrite	= osh_vm_pfn_mkwrite,
	.access		= osh_vm_access,
	.pin_special	= osh_vm_pin_special,
};

static int osh_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct osh_region *r = file->private_data;

	/* Only overshadow_create() maps the file, once, whole and shared. */
	if (atomic_read(&r->nr_vmas) || READ_ONCE(r->cancelled))
		return -EBUSY;
	if (vma->vm_pgoff || vma_pages(vma) != r->nr_pages ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTCOPY |
		     VM_DONTDUMP);
	vma->vm_ops = &osh_vm_ops;
	vma->vm_private_data = r;
	atomic_set(&r->nr_vmas, 1);
	return 0;
}

static const struct file_operations osh_fops = {
	.owner		= THIS_MODULE,
	.mmap		= osh_mmap,
	/* msync(MS_SYNC) of the region: nothing to write back. */
	.fsync		= noop_fsync,
	.release	= osh_release,
};

/*
 * Finds the region a program named by the address overshadow_create()
 * returned; takes a reference.  The caller holds the mmap_lock.
 */
static struct osh_region *osh_find(struct mm_struct *mm, unsigned long to,
				   struct vm_area_struct **vmap)
{
	struct vm_area_struct *vma = vma_lookup(mm, to);
	struct osh_region *r;

	if (!vma || vma->vm_ops != &osh_vm_ops ||
	    vma->vm_start != (to & PAGE_MASK))
		return NULL;
	r = vma->vm_private_data;
	if (r->offset != offset_in_page(to))
		return NULL;
	if (vmap)
		*vmap = vma;
	refcount_inc(&r->refs);
	return r;
}

static struct osh_region *osh_get(unsigned long to)
{
	struct mm_struct *mm = current->mm;
	struct osh_region *r;

	if (mmap_read_lock_killable(mm))
		return ERR_PTR(-EINTR);
	r = osh_find(mm, to, NULL);
	mmap_read_unlock(mm);
	return r ?: ERR_PTR(-EINVAL);
}

/* Unmaps the region at @to if it is still the one that was created. */
static int osh_unmap(unsigned long to, struct osh_region **rp)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct osh_region *r;
	LIST_HEAD(uf);
	int ret;

	if (mmap_write_lock_killable(mm))
		return -EINTR;
	r = osh_find(mm, to, &vma);
	if (!r) {
		mmap_write_unlock(mm);
		return -EINVAL;
	}
	ret = do_munmap(mm, vma->vm_start, vma->vm_end - vma->vm_start, &uf);
	mmap_write_unlock(mm);
	userfaultfd_unmap_complete(mm, &uf);
	if (rp && !ret)
		*rp = r;
	else
		osh_region_put(r);
	return ret;
}

static int osh_create(struct overshadow_args *args)
{
	unsigned long nr_pages, start, addr;
	struct osh_region *r;
	struct file *file;
	int nid, ret;

	ret = osh_check_args(args, numa_node_id(), &nid, &nr_pages);
	if (ret)
		return ret;

	r = osh_region_alloc(nr_pages);
	if (!r)
		return -ENOMEM;
	r->nid = nid;
	r->offset = offset_in_page(args->from);
	start = args->from & PAGE_MASK;

	r->engine = OVERSHADOW_ENGINE_CPU;
	if (!(args->flags & OVERSHADOW_CREATE_CPU) &&
	    ((args->flags & OVERSHADOW_CREATE_DMA) ||
	     nr_pages << PAGE_SHIFT >= READ_ONCE(sysctl_overshadow_dma_threshold)) &&
	    osh_dma_get()) {
		r->dma_ref = true;
		r->engine = OVERSHADOW_ENGINE_DMA;
	}
	if ((args->flags & OVERSHADOW_CREATE_DMA) &&
	    r->engine != OVERSHADOW_ENGINE_DMA) {
		ret = -ENODEV;
		goto put;
	}

	ret = osh_check_source(start, start + (nr_pages << PAGE_SHIFT));
	if (!ret)
		ret = osh_pin_source(r, start);
	if (ret)
		goto put;

	file = anon_inode_create_getfile("[overshadow]", &osh_fops, r, O_RDWR,
					 NULL);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto put;
	}
	/* The file owns the first reference from here on. */
	r->file = file;
	addr = vm_mmap(file, 0, nr_pages << PAGE_SHIFT, PROT_READ | PROT_WRITE,
		       MAP_SHARED, 0);
	fput(file);
	if (IS_ERR_VALUE(addr))
		return addr;
	args->to = addr + r->offset;
	args->engine = r->engine;

	ret = osh_engine_start(r);
	if (ret) {
		osh_unmap(args->to, NULL);
		return ret;
	}
	return 0;

put:
	osh_region_put(r);
	return ret;
}

SYSCALL_DEFINE2(overshadow_create, struct overshadow_args __user *, uargs,
		size_t, usize)
{
	struct overshadow_args args;
	int ret;

	if (usize < OVERSHADOW_ARGS_SIZE_VER0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(&args, sizeof(args), uargs, usize);
	if (ret)
		return ret;

	ret = osh_create(&args);
	if (ret)
		return ret;
	if (put_user(args.to, &uargs->to) ||
	    put_user(args.engine, &uargs->engine)) {
		osh_unmap(args.to, NULL);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE2(overshadow_wait, unsigned long, to, unsigned int, flags)
{
	struct osh_region *r;
	int ret;

	if (flags)
		return -EINVAL;
	r = osh_get(to);
	if (IS_ERR(r))
		return PTR_ERR(r);

	ret = wait_event_interruptible(r->wq, osh_complete(r) ||
				       READ_ONCE(r->error) ||
				       READ_ONCE(r->cancelled));
	if (!ret) {
		if (osh_complete(r))
			ret = 0;
		else if (READ_ONCE(r->error))
			ret = READ_ONCE(r->error);
		else
			ret = -ECANCELED;
	}
	osh_region_put(r);
	return ret;
}

static void osh_fill_status(struct osh_region *r, struct overshadow_status *st)
{
	memset(st, 0, sizeof(*st));
	st->len = r->nr_pages << PAGE_SHIFT;
	st->done = (u64)atomic_long_read(&r->nr_near) << PAGE_SHIFT;
	st->pages_dma = atomic_long_read(&r->pages_dma);
	st->pages_cpu = atomic_long_read(&r->pages_cpu);
	st->pages_early = atomic_long_read(&r->pages_early);
	st->pages_dma_failed = atomic_long_read(&r->pages_dma_failed);
	st->engine = r->engine;
	st->node = r->nid;
	st->error = READ_ONCE(r->error);
	if (st->done == st->len)
		st->flags |= OVERSHADOW_STATUS_COMPLETE;
	if (st->error)
		st->flags |= OVERSHADOW_STATUS_FAILED;
}

SYSCALL_DEFINE3(overshadow_test, unsigned long, to,
		struct overshadow_status __user *, ust, size_t, usize)
{
	struct overshadow_status st;
	struct osh_region *r;
	int ret;

	if (ust ? usize < OVERSHADOW_STATUS_SIZE_VER0 : usize)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	r = osh_get(to);
	if (IS_ERR(r))
		return PTR_ERR(r);
	osh_fill_status(r, &st);
	osh_region_put(r);

	ret = !!(st.flags & OVERSHADOW_STATUS_COMPLETE);
	if (!ust)
		return ret;
	if (copy_to_user(ust, &st, sizeof(st)) ||
	    clear_user((void __user *)ust + sizeof(st), usize - sizeof(st)))
		return -EFAULT;
	return ret;
}

SYSCALL_DEFINE2(overshadow_destroy, unsigned long, to, unsigned int, flags)
{
	struct osh_region *r;
	int ret;

	if (flags)
		return -EINVAL;
	ret = osh_unmap(to, &r);
	if (ret)
		return ret;
	/* Unmapping cancelled the copy; wait until the engine lets go. */
	wait_for_completion_killable(&r->stopped);
	osh_region_put(r);
	return 0;
}

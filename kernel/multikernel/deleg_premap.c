// SPDX-License-Identifier: GPL-2.0-only
/*
 * System call delegation, pre-mapped buffers (MKEXEC_LAUNCH_PREMAP): before
 * a read(), write(), pread64() or pwrite64() of a program launched this
 * way, the partition looks up the pages of the call's buffer and sends
 * them (PREMAP messages, then the CALL); the proxy maps them all at its
 * first touch of the buffer, so that a buffer new to the proxy costs no
 * page request per page.  The pages are looked up as a page request would
 * (writable when the proxy will write them) and kept coherent the same
 * way: by the MMU notifier's zaps, and by the count of zaps each PREMAP
 * carries.  What is not sent (past MK_DELEG_PREMAP_MAX pages, or past a
 * page the program cannot use) is asked for page by page as usual.
 */

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/slab.h>
#include <asm/unistd.h>

#include "deleg_host.h"
#include "deleg_part.h"

/* ---- host: keep the pages until the call, map them at its first fault ---- */

/**
 * mk_deleg_premap_store() - a PREMAP message came
 * @s: its session
 * @buf: the message
 * @len: its length
 *
 * Kept for the thread's next call if it goes on where the last one for
 * that call ended; anything else is dropped (the proxy then asks for each
 * page).
 */
void mk_deleg_premap_store(struct mk_deleg_hsess *s, const void *buf, u32 len)
{
	const struct mk_deleg_premap *m = buf;
	struct mk_deleg_proxy *p;
	u32 nr, seq;
	u64 va;

	if (len < sizeof(*m))
		return;
	nr = le32_to_cpu(m->nr);
	va = le64_to_cpu(m->va);
	seq = le32_to_cpu(m->seq);
	if (!nr || nr > MK_DELEG_PREMAP_BATCH ||
	    len != struct_size(m, pa, nr) || !PAGE_ALIGNED(va) ||
	    (le32_to_cpu(m->flags) & ~MK_DELEG_PAGE_WRITABLE) || m->reserved)
		return;

	spin_lock(&s->lock);
	p = xa_load(&s->proxies, le32_to_cpu(m->tid));
	/* Only while the server does not read them. */
	if (!p || !p->premap_pa || p->call_pending || p->in_call)
		goto out;
	if (p->premap_seq != seq || !p->premap_nr) {
		p->premap_seq = seq;
		p->premap_va = va;
		p->premap_nr = 0;
		p->premap_flags = le32_to_cpu(m->flags);
		p->premap_zaps = le32_to_cpu(m->zaps);
	}
	if (va != p->premap_va + ((u64)p->premap_nr << PAGE_SHIFT) ||
	    p->premap_flags != le32_to_cpu(m->flags) ||
	    p->premap_zaps != le32_to_cpu(m->zaps) ||
	    nr > MK_DELEG_PREMAP_MAX - p->premap_nr)
		goto out;
	memcpy(p->premap_pa + p->premap_nr, m->pa, nr * sizeof(u64));
	p->premap_nr += nr;
out:
	spin_unlock(&s->lock);
}

/**
 * mk_deleg_premap_install() - map the pages sent for the running call
 * @vmf: the proxy's fault
 * @s: the session
 * @p: the proxy of the current task, which runs a call
 * @write: the proxy writes
 *
 * Maps every page sent for the call that the fault's VMA covers, once.
 *
 * Return: true when the faulting page is mapped now.
 */
bool mk_deleg_premap_install(struct vm_fault *vmf, struct mk_deleg_hsess *s,
			     struct mk_deleg_proxy *p, bool write)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long va = vmf->address & PAGE_MASK, addr;
	bool writable = p->premap_flags & MK_DELEG_PAGE_WRITABLE;
	bool hit = false;
	pgprot_t prot;
	u32 i, nr;
	u64 pa;

	nr = p->premap_nr;
	if (!nr || !p->in_call || p->premap_seq != p->cur_seq ||
	    va < p->premap_va ||
	    va - p->premap_va >= (unsigned long)nr << PAGE_SHIFT ||
	    (write && !writable))
		return false;
	/* Checked before the lock: each must be the partition's memory. */
	for (i = 0; i < nr; i++)
		if (!mk_deleg_phys_ok(s, le64_to_cpu(p->premap_pa[i])))
			p->premap_pa[i] = 0;
	prot = vm_get_page_prot(vma->vm_flags & (writable ? ~0UL : ~VM_WRITE));

	mutex_lock(&s->map_lock);
	/* A zap since they were looked up, or one not handled yet. */
	if (p->premap_zaps == (u32)s->zap_seq) {
		for (i = 0; i < nr; i++) {
			addr = p->premap_va + ((unsigned long)i << PAGE_SHIFT);
			pa = le64_to_cpu(p->premap_pa[i]);
			if (!pa || addr < vma->vm_start || addr >= vma->vm_end)
				continue;
			if (vmf_insert_pfn_prot(vma, addr, PHYS_PFN(pa), prot) ==
			    VM_FAULT_NOPAGE && addr == va)
				hit = true;
		}
	}
	mutex_unlock(&s->map_lock);
	/* Once: later faults of this call are for pages zapped since. */
	p->premap_nr = 0;
	return hit;
}

/* ---- partition: look the buffer up, send it before the call ---- */

/* Look up to @nr pages from @va up and send them; pages sent, or 0. */
static int mk_deleg_premap_batch(struct mk_deleg_psess *s,
				 struct mk_deleg_pthread *t, unsigned long va,
				 int nr, bool write)
{
	struct mk_deleg_premap *m = t->premap_msg;
	struct page **pages = t->premap_pages;
	unsigned long seq;
	int got, sent, i;

	for (;;) {
		seq = mmu_interval_read_begin(&s->notifier);
		got = get_user_pages_fast(va, nr, write ? FOLL_WRITE : 0,
					  pages);
		if (got <= 0)
			return 0;
		mutex_lock(&s->zap_lock);
		if (!mmu_interval_read_retry(&s->notifier, seq))
			break;
		mutex_unlock(&s->zap_lock);
		for (i = 0; i < got; i++)
			put_page(pages[i]);
	}
	m->tid = cpu_to_le32(t->tid);
	m->seq = cpu_to_le32(t->seq);
	m->va = cpu_to_le64(va);
	m->nr = cpu_to_le32(got);
	m->flags = cpu_to_le32(write ? MK_DELEG_PAGE_WRITABLE : 0);
	m->zaps = cpu_to_le32(s->zaps_sent);
	m->reserved = 0;
	for (i = 0; i < got; i++)
		m->pa[i] = cpu_to_le64(page_to_phys(pages[i]));
	s->mapped_lo = min(s->mapped_lo, va);
	s->mapped_hi = max(s->mapped_hi, va + ((unsigned long)got << PAGE_SHIFT));
	/* Sent under zap_lock, as a page answer: a later zap comes after. */
	sent = mk_deleg_tsend(t, MK_DELEG_PREMAP, m, struct_size(m, pa, got)) ?
	       0 : got;
	mutex_unlock(&s->zap_lock);
	for (i = 0; i < got; i++)
		put_page(pages[i]);
	return sent;
}

/**
 * mk_deleg_premap_send() - send the pages of a call's buffer
 * @s: the session, launched with MK_DELEG_LAUNCH_PREMAP
 * @t: the calling thread, its call's seq already counted
 * @nr: read, write, pread64 or pwrite64
 * @args: its arguments
 *
 * Best effort: the pages not sent are asked for as usual.
 */
void mk_deleg_premap_send(struct mk_deleg_psess *s, struct mk_deleg_pthread *t,
			  unsigned long nr, const unsigned long *args)
{
	bool write = mk_deleg_rw_fills(nr);
	unsigned long start = le64_to_cpu(s->launch.va_start);
	unsigned long end = le64_to_cpu(s->launch.va_end);
	unsigned long va = args[1] & PAGE_MASK, last;
	size_t len = min_t(size_t, args[2], MAX_RW_COUNT);
	int batch, sent;

	if (!len || args[1] < start || args[1] >= end || len > end - args[1])
		return;
	last = min(PAGE_ALIGN(args[1] + len),
		   va + ((unsigned long)MK_DELEG_PREMAP_MAX << PAGE_SHIFT));
	if (!t->premap_msg) {
		t->premap_msg = kmalloc(struct_size(t->premap_msg, pa,
						    MK_DELEG_PREMAP_BATCH),
					GFP_KERNEL);
		t->premap_pages = kmalloc_array(MK_DELEG_PREMAP_BATCH,
						sizeof(struct page *),
						GFP_KERNEL);
		if (!t->premap_msg || !t->premap_pages) {
			mk_deleg_premap_free(t);
			return;
		}
	}
	while (va < last) {
		batch = min_t(unsigned long, MK_DELEG_PREMAP_BATCH,
			      (last - va) >> PAGE_SHIFT);
		sent = mk_deleg_premap_batch(s, t, va, batch, write);
		/* A page the program cannot use: the rest faults as usual. */
		if (sent < batch)
			break;
		va += (unsigned long)sent << PAGE_SHIFT;
	}
}

/**
 * mk_deleg_premap_free() - a thread's premap buffer is no longer needed
 * @t: the thread, exiting
 */
void mk_deleg_premap_free(struct mk_deleg_pthread *t)
{
	kfree(t->premap_msg);
	kfree(t->premap_pages);
	t->premap_msg = NULL;
	t->premap_pages = NULL;
}

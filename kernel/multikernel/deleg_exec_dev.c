// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/mkexec: launch a program on a partition, and its session file.
 *
 * The session file is the launcher's handle on the program (its threads,
 * its end, signals to it) and, mapped over the range the launcher left
 * free, the proxy's view of the program's memory: a fault there asks the
 * partition for the page behind that address and maps that very page.
 * The file's offset is the address, so the partition's zaps are plain
 * unmap_mapping_range() calls.
 */

#define pr_fmt(fmt) "mk-deleg: " fmt

#include <linux/anon_inodes.h>
#include <linux/elf.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <uapi/linux/mkexec.h>

#include "deleg_host.h"
#include "internal.h"

/* ---- the proxy's view ---- */

/* Ask for the page at @va for the current proxy thread; map it. */
static vm_fault_t mk_deleg_map_page(struct vm_fault *vmf, bool write)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mk_deleg_hsess *s = vma->vm_file->private_data;
	unsigned long va = vmf->address & PAGE_MASK;
	struct mk_deleg_page req = {
		.va = cpu_to_le64(va),
		.flags = cpu_to_le32(write ? MK_DELEG_PAGE_WRITE : 0),
	};
	struct mk_deleg_page_done ans;
	struct mk_deleg_proxy *p;
	phys_addr_t pa;
	vm_fault_t ret;
	pgprot_t prot;
	u32 zaps;

	/* Moved by mremap(), the view no longer shows the same address. */
	if (vmf->pgoff != va >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	p = mk_deleg_proxy_of_current(s);
	if (!p)
		return VM_FAULT_SIGBUS;
	if (!(vmf->flags & FAULT_FLAG_MKWRITE) &&
	    mk_deleg_premap_install(vmf, s, p, write))
		return VM_FAULT_NOPAGE;
	req.tid = cpu_to_le32(p->tid);
	spin_lock(&s->lock);
	p->page_done = false;
	p->page_va = va;
	spin_unlock(&s->lock);
	if (mk_deleg_hsend_on(s, p->idev, MK_DELEG_PAGE, &req, sizeof(req)))
		return VM_FAULT_SIGBUS;
	for (;;) {
		set_current_state(TASK_KILLABLE);
		if (READ_ONCE(p->page_done) || READ_ONCE(s->lost) ||
		    fatal_signal_pending(current))
			break;
		if (!schedule_timeout(MK_DELEG_TIMEOUT))
			break;
	}
	__set_current_state(TASK_RUNNING);
	spin_lock(&s->lock);
	ans = p->page;
	zaps = le32_to_cpu(ans.zaps);
	if (!p->page_done)
		ans.status = cpu_to_le32(EFAULT);
	p->page_va = 1;		/* no address: a late answer is dropped */
	spin_unlock(&s->lock);

	pa = le64_to_cpu(ans.pa);
	if (ans.status || !mk_deleg_phys_ok(s, pa) ||
	    (write && !(le32_to_cpu(ans.flags) & MK_DELEG_PAGE_WRITABLE)))
		return VM_FAULT_SIGBUS;
	prot = vm_get_page_prot(vma->vm_flags &
				(le32_to_cpu(ans.flags) & MK_DELEG_PAGE_WRITABLE ?
				 ~0UL : ~VM_WRITE));
	mutex_lock(&s->map_lock);
	/* A zap since the lookup, or one not handled yet: ask again. */
	if (zaps != (u32)s->zap_seq) {
		mutex_unlock(&s->map_lock);
		return VM_FAULT_NOPAGE;
	}
	if (vmf->flags & FAULT_FLAG_MKWRITE) {
		/* Writable as it is, or moved (COW): then mapped afresh. */
		ret = pte_pfn(vmf->orig_pte) == PHYS_PFN(pa) ? 0 : VM_FAULT_NOPAGE;
		if (ret)
			zap_vma_ptes(vma, va, PAGE_SIZE);
	} else {
		ret = vmf_insert_pfn_prot(vma, va, PHYS_PFN(pa), prot);
	}
	mutex_unlock(&s->map_lock);
	return ret;
}

static vm_fault_t mk_deleg_fault(struct vm_fault *vmf)
{
	return mk_deleg_map_page(vmf, vmf->flags & FAULT_FLAG_WRITE);
}

/* A write to a page mapped for reading: the program's own may differ. */
static vm_fault_t mk_deleg_pfn_mkwrite(struct vm_fault *vmf)
{
	return mk_deleg_map_page(vmf, true);
}

static const struct vm_operations_struct mk_deleg_vm_ops = {
	.fault = mk_deleg_fault,
	.pfn_mkwrite = mk_deleg_pfn_mkwrite,
};

static int mk_deleg_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mk_deleg_hsess *s = file->private_data;

	/* Only the program's own addresses, at themselves, shared. */
	if (!(vma->vm_flags & VM_SHARED) ||
	    vma->vm_pgoff != vma->vm_start >> PAGE_SHIFT ||
	    vma->vm_start < s->va_start || vma->vm_end > s->va_end)
		return -EINVAL;
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
		     VM_DONTCOPY);
	vma->vm_ops = &mk_deleg_vm_ops;
	return 0;
}

/* ---- the session file ---- */

/* The next event, or false when there is none yet; under the lock. */
static bool mk_deleg_next_event(struct mk_deleg_hsess *s,
				struct mkexec_event *ev)
{
	struct mk_deleg_proxy *p;
	unsigned long tid;

	if (s->exited) {
		ev->type = MKEXEC_EVENT_EXIT;
		ev->status = s->status;
		return true;
	}
	if (s->lost) {
		ev->type = MKEXEC_EVENT_LOST;
		return true;
	}
	xa_for_each(&s->proxies, tid, p) {
		if (!p->announced && !p->ended) {
			p->announced = true;
			ev->type = MKEXEC_EVENT_THREAD;
			ev->tid = p->tid;
			return true;
		}
	}
	return false;
}

static long mk_deleg_event(struct mk_deleg_hsess *s, void __user *uarg)
{
	struct mkexec_event ev;
	int ret;

	ret = mk_copy_args(&ev, sizeof(ev), sizeof(ev), uarg);
	if (ret)
		return ret;
	if (ev.type || ev.tid || ev.status || ev.reserved[0] || ev.reserved[1])
		return -EINVAL;
	ret = wait_event_interruptible(s->wq, ({
		bool got;

		spin_lock(&s->lock);
		got = mk_deleg_next_event(s, &ev);
		spin_unlock(&s->lock);
		got;
	}));
	if (ret)
		return -EINTR;
	ev.size = sizeof(ev);
	return copy_to_user(uarg, &ev, sizeof(ev)) ? -EFAULT : 0;
}

static long mk_deleg_kill(struct mk_deleg_hsess *s, unsigned long sig)
{
	struct mk_deleg_status st = { .value = cpu_to_le32(sig) };

	if (!sig || sig >= _NSIG)
		return -EINVAL;
	if (READ_ONCE(s->exited))
		return -ESRCH;
	return mk_deleg_hsend(s, MK_DELEG_SIGNAL, &st, sizeof(st)) ? -ENODEV : 0;
}

static long mk_deleg_session_ioctl(struct file *file, unsigned int cmd,
				   unsigned long arg)
{
	struct mk_deleg_hsess *s = file->private_data;

	switch (cmd) {
	case MKEXEC_IOC_SERVE:
		return mk_deleg_serve(s, (void __user *)arg);
	case MKEXEC_IOC_EVENT:
		return mk_deleg_event(s, (void __user *)arg);
	case MKEXEC_IOC_KILL:
		return mk_deleg_kill(s, arg);
	}
	return -ENOTTY;
}

static int mk_deleg_session_release(struct inode *inode, struct file *file)
{
	struct mk_deleg_hsess *s = file->private_data;

	mk_deleg_end_session(s);
	mk_deleg_hsess_put(s);
	return 0;
}

static const struct file_operations mk_deleg_session_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = mk_deleg_session_ioctl,
	.mmap = mk_deleg_mmap,
	.release = mk_deleg_session_release,
	.llseek = noop_llseek,
};

/* ---- /dev/mkexec ---- */

/* A static x86_64 executable, as the partition can run it. */
static int mk_deleg_check_image(struct file *image, loff_t *size)
{
	struct inode *inode = file_inode(image);
	struct elf64_hdr eh;
	struct elf64_phdr ph;
	loff_t pos = 0;
	int i;

	if (!S_ISREG(inode->i_mode) || !(image->f_mode & FMODE_READ))
		return -EACCES;
	*size = i_size_read(inode);
	if (*size > MKEXEC_MAX_IMAGE)
		return -EFBIG;
	if (kernel_read(image, &eh, sizeof(eh), &pos) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_type != ET_EXEC || eh.e_phentsize != sizeof(ph) ||
	    eh.e_phnum > 64)
		return -ENOEXEC;
	for (i = 0; i < eh.e_phnum; i++) {
		pos = eh.e_phoff + i * sizeof(ph);
		if (kernel_read(image, &ph, sizeof(ph), &pos) != sizeof(ph))
			return -ENOEXEC;
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			return -ENOEXEC;	/* not static */
	}
	return 0;
}

/* argv then envp: exactly @argc + @envc NUL-ended strings. */
static int mk_deleg_check_strings(const char *buf, u32 len, u32 count)
{
	u32 nuls = 0, i;

	for (i = 0; i < len; i++)
		nuls += !buf[i];
	return nuls == count && !buf[len - 1] ? 0 : -EINVAL;
}

/* The wire's launch flags for the uapi's. */
static u32 mk_deleg_launch_flags(u32 flags)
{
	return (flags & MKEXEC_LAUNCH_COPY ? MK_DELEG_LAUNCH_COPY : 0) |
	       (flags & MKEXEC_LAUNCH_PREMAP ? MK_DELEG_LAUNCH_PREMAP : 0);
}

static long mk_deleg_launch_ioctl(void __user *uarg)
{
	struct mk_deleg_hsess *s;
	struct mkexec_launch l;
	struct file *image, *file;
	char *strings;
	loff_t size;
	u32 usize;
	int ret, fd, i;

	ret = mk_copy_args(&l, sizeof(l), MKEXEC_LAUNCH_SIZE_VER0, uarg);
	if (ret)
		return ret;
	usize = l.size;
	for (i = 0; i < ARRAY_SIZE(l.reserved); i++)
		if (l.reserved[i])
			return -EINVAL;
	if ((l.flags & ~(MKEXEC_LAUNCH_COPY | MKEXEC_LAUNCH_PREMAP)) ||
	    hweight32(l.flags) > 1 || l.pid || l.session_fd ||
	    l.partition < 0 || !l.argc ||
	    !l.strings_len || l.strings_len > MKEXEC_MAX_STRINGS ||
	    l.argc > l.strings_len || l.envc > l.strings_len - l.argc ||
	    !PAGE_ALIGNED(l.va_start) || !PAGE_ALIGNED(l.va_end) ||
	    l.va_start < PAGE_SIZE || l.va_end > DEFAULT_MAP_WINDOW ||
	    l.va_end < SZ_4G || l.va_start >= l.va_end - SZ_1G)
		return -EINVAL;

	strings = vmemdup_user(u64_to_user_ptr(l.strings), l.strings_len);
	if (IS_ERR(strings))
		return PTR_ERR(strings);
	ret = mk_deleg_check_strings(strings, l.strings_len, l.argc + l.envc);
	if (ret)
		goto out_strings;
	ret = -EBADF;
	image = fget(l.image_fd);
	if (!image)
		goto out_strings;
	ret = mk_deleg_check_image(image, &size);
	if (ret)
		goto out_image;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto out_image;
	}
	s = mk_deleg_launch_session(l.partition, image, size, strings,
				    l.strings_len, l.argc, l.envc, l.va_start,
				    l.va_end, mk_deleg_launch_flags(l.flags));
	/* It took the image and the strings. */
	if (IS_ERR(s)) {
		put_unused_fd(fd);
		return PTR_ERR(s);
	}
	file = anon_inode_create_getfile("[mkexec]", &mk_deleg_session_fops, s,
					 O_RDWR, NULL);
	if (IS_ERR(file)) {
		mk_deleg_end_session(s);
		mk_deleg_hsess_put(s);
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	mutex_lock(&s->map_lock);
	s->file = file;
	mutex_unlock(&s->map_lock);
	l.pid = s->pid;
	l.session_fd = fd;
	if (copy_to_user(uarg, &l, min_t(u32, usize, sizeof(l)))) {
		/* The release of the file ends the program. */
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;

out_image:
	fput(image);
out_strings:
	kvfree(strings);
	return ret;
}

static long mk_deleg_dev_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	if (cmd == MKEXEC_IOC_LAUNCH)
		return mk_deleg_launch_ioctl((void __user *)arg);
	return -ENOTTY;
}

static const struct file_operations mk_deleg_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = mk_deleg_dev_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice mk_deleg_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mkexec",
	.fops = &mk_deleg_dev_fops,
};

static int __init mk_deleg_init(void)
{
	int ret;

	ret = mk_deleg_part_init();
	if (ret)
		return ret;
	ret = mk_deleg_host_init();
	if (ret)
		return ret;
	return misc_register(&mk_deleg_dev);
}

/* After the virtual devices: their slots come first. */
late_initcall(mk_deleg_init);

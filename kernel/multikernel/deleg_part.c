// SPDX-License-Identifier: GPL-2.0-only
/*
 * System call delegation, partition side: the channel to the host and the
 * start of a program.
 *
 * The host's LAUNCH names sizes only; the program's strings and ELF image
 * are fetched into pages of this kernel that the host fills, written to a
 * private tmpfs and executed by a user-mode helper marked as delegated.
 * Everything the host sends is checked: it may be wrong, not malicious
 * towards itself, but this kernel must not trust another one's memory.
 */

#define pr_fmt(fmt) "mk-deleg: " fmt

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/umh.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>

#include <uapi/linux/mkexec.h>

#include "deleg_part.h"

#define MK_DELEG_IMAGE_NAME	"program"

/* The programs this kernel runs, by session id; the channels, by instance. */
static DEFINE_XARRAY(mk_deleg_psessions);
static struct mk_deleg_pchan *mk_deleg_pchans[IKC_MAX_SLOTS];
static unsigned int mk_deleg_nr_pchans;
static DEFINE_MUTEX(mk_deleg_pchans_lock);

static void mk_deleg_psess_free(struct kref *ref)
{
	struct mk_deleg_psess *s = container_of(ref, struct mk_deleg_psess, ref);

	WARN_ON(!xa_empty(&s->threads));
	if (s->mnt)
		kern_unmount(s->mnt);
	put_pid(s->pid);
	kfree(s);
}

void mk_deleg_psess_put(struct mk_deleg_psess *s)
{
	kref_put(&s->ref, mk_deleg_psess_free);
}

/* A message about program @s; -ENOTCONN once the host is gone. */
int mk_deleg_psend(struct mk_deleg_psess *s, u16 type, const void *data,
		   size_t len)
{
	return ikc_send_timeout(s->chan->idev, type, s->id, data, len,
				MK_DELEG_TIMEOUT);
}

/* A message about thread @t, on its channel. */
int mk_deleg_tsend(struct mk_deleg_pthread *t, u16 type, const void *data,
		   size_t len)
{
	return ikc_send_timeout(t->chan->idev, type, t->sess->id, data, len,
				MK_DELEG_TIMEOUT);
}

/* The channel of thread @tid: spread by id over those there are. */
struct mk_deleg_pchan *mk_deleg_thread_chan(struct mk_deleg_psess *s,
					    pid_t tid)
{
	unsigned int nr = READ_ONCE(mk_deleg_nr_pchans);
	struct mk_deleg_pchan *c = nr ? READ_ONCE(mk_deleg_pchans[tid % nr]) :
				   NULL;

	return c ?: s->chan;
}

void mk_deleg_answer_page(struct mk_deleg_psess *s, struct mk_deleg_pchan *c,
			  pid_t tid, u64 va, u32 status, phys_addr_t pa,
			  u32 flags)
{
	struct mk_deleg_page_done d = {
		.tid = cpu_to_le32(tid),
		.status = cpu_to_le32(status),
		.pa = cpu_to_le64(pa),
		.va = cpu_to_le64(va),
		.flags = cpu_to_le32(flags),
		.zaps = cpu_to_le32(READ_ONCE(s->zaps_sent)),
	};

	ikc_send_timeout(c->idev, MK_DELEG_PAGE_DONE, s->id, &d, sizeof(d),
			 MK_DELEG_TIMEOUT);
}

/**
 * mk_deleg_psess_any() - the newest program this kernel runs, for tests
 *
 * Return: its session, with a reference, or NULL.
 */
struct mk_deleg_psess *mk_deleg_psess_any(void)
{
	struct mk_deleg_psess *s, *found = NULL;
	unsigned long id;

	xa_lock(&mk_deleg_psessions);
	xa_for_each(&mk_deleg_psessions, id, s)
		found = s;
	if (found)
		kref_get(&found->ref);
	xa_unlock(&mk_deleg_psessions);
	return found;
}

/* ---- starting a program ---- */

static void mk_deleg_signal(struct mk_deleg_psess *s, int sig)
{
	if (sig <= 0 || sig >= _NSIG || !s->pid)
		return;
	kill_pid(s->pid, sig, 1);
}

/* Fetch @len next bytes of the launch into @dst (kernel buffer) or @file. */
static int mk_deleg_fetch(struct mk_deleg_psess *s, struct page **pages,
			  void *dst, struct file *file, size_t len)
{
	struct ikc_page_ref refs[MK_DELEG_FETCH_PAGES];
	loff_t pos = 0;
	size_t chunk, n;
	unsigned int i, nr;
	ssize_t w;
	int ret;

	while (len) {
		chunk = min_t(size_t, len, MK_DELEG_FETCH_PAGES * PAGE_SIZE);
		nr = DIV_ROUND_UP(chunk, PAGE_SIZE);
		for (i = 0; i < nr; i++) {
			n = min_t(size_t, PAGE_SIZE, chunk - i * PAGE_SIZE);
			refs[i] = (struct ikc_page_ref) {
				.pa = cpu_to_le64(page_to_phys(pages[i])),
				.len = cpu_to_le32(n),
			};
		}
		WRITE_ONCE(s->fetched, false);
		ret = ikc_send_pages(s->chan->idev, MK_DELEG_FETCH, s->id, refs, nr);
		if (ret)
			return ret;
		if (!wait_event_timeout(s->wq, READ_ONCE(s->fetched),
					MK_DELEG_TIMEOUT))
			return -ETIMEDOUT;
		ret = READ_ONCE(s->fetch_value);
		if (ret < 0)
			return ret;
		if (ret != chunk)
			return -EIO;
		for (i = 0; i < nr; i++) {
			n = min_t(size_t, PAGE_SIZE, chunk - i * PAGE_SIZE);
			if (dst) {
				memcpy(dst, page_address(pages[i]), n);
				dst += n;
				continue;
			}
			w = kernel_write(file, page_address(pages[i]), n, &pos);
			if (w != n)
				return w < 0 ? w : -ENOSPC;
		}
		len -= chunk;
	}
	return 0;
}

/* The image, fetched into a file of a private tmpfs. */
static int mk_deleg_fetch_image(struct mk_deleg_psess *s, struct page **pages)
{
	struct file_system_type *type;
	struct file *file;
	int ret;

	type = get_fs_type("tmpfs");
	if (!type)
		return -ENODEV;
	s->mnt = kern_mount(type);
	put_filesystem(type);
	if (IS_ERR(s->mnt)) {
		ret = PTR_ERR(s->mnt);
		s->mnt = NULL;
		return ret;
	}
	file = file_open_root_mnt(s->mnt, MK_DELEG_IMAGE_NAME,
				  O_CREAT | O_WRONLY, 0755);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = mk_deleg_fetch(s, pages, NULL, file,
			     le32_to_cpu(s->launch.image_len));
	fput(file);
	/* Exec refuses a file still open for writing. */
	flush_delayed_fput();
	task_work_run();
	return ret;
}

/*
 * Split @buf of @len bytes into @n NUL-ended strings, in an array with
 * room for two NULLs: one ending argv, one envp.
 */
static char **mk_deleg_split(char *buf, size_t len, unsigned int n)
{
	char **v = kcalloc(n + 2, sizeof(*v), GFP_KERNEL);
	unsigned int i;
	char *end;

	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		end = memchr(buf, '\0', len);
		if (!end) {
			kfree(v);
			return NULL;
		}
		v[i] = buf;
		len -= end + 1 - buf;
		buf = end + 1;
	}
	return v;
}

/* In the new process, before it executes the program. */
static int mk_deleg_umh_init(struct subprocess_info *info, struct cred *new)
{
	struct mk_deleg_psess *s = info->data;
	struct path root = { .mnt = s->mnt, .dentry = s->mnt->mnt_root };
	kuid_t uid = make_kuid(&init_user_ns, le32_to_cpu(s->launch.uid));
	kgid_t gid = make_kgid(&init_user_ns, le32_to_cpu(s->launch.gid));

	if (!uid_valid(uid) || !gid_valid(gid))
		return -EINVAL;
	new->uid = uid;
	new->euid = uid;
	new->suid = uid;
	new->fsuid = uid;
	new->gid = gid;
	new->egid = gid;
	new->sgid = gid;
	new->fsgid = gid;
	if (!uid_eq(uid, GLOBAL_ROOT_UID)) {
		cap_clear(new->cap_inheritable);
		cap_clear(new->cap_permitted);
		cap_clear(new->cap_effective);
		cap_clear(new->cap_ambient);
	}
	set_fs_pwd(current->fs, &root);
	return mk_deleg_mark_program(s);
}

static int mk_deleg_exec(struct mk_deleg_psess *s, char **argv, char **envp)
{
	struct subprocess_info *info;

	info = call_usermodehelper_setup(MK_DELEG_IMAGE_NAME, argv, envp,
					 GFP_KERNEL, mk_deleg_umh_init, NULL, s);
	if (!info)
		return -ENOMEM;
	return call_usermodehelper_exec(info, UMH_WAIT_EXEC);
}

static void mk_deleg_launch_work(struct work_struct *work)
{
	struct mk_deleg_psess *s = container_of(work, struct mk_deleg_psess,
						launch_work);
	u32 slen = le32_to_cpu(s->launch.strings_len);
	u32 argc = le32_to_cpu(s->launch.argc);
	u32 envc = le32_to_cpu(s->launch.envc);
	struct page *pages[MK_DELEG_FETCH_PAGES] = {};
	struct mk_deleg_status st = {};
	char *strings = NULL, **argv = NULL;
	unsigned int i;
	int ret = -ENOMEM;

	for (i = 0; i < MK_DELEG_FETCH_PAGES; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			goto out;
	}
	strings = kvmalloc(slen, GFP_KERNEL);
	if (!strings)
		goto out;
	ret = mk_deleg_fetch(s, pages, strings, NULL, slen);
	if (ret)
		goto out;
	argv = mk_deleg_split(strings, slen, argc + envc);
	ret = -EINVAL;
	if (!argv)
		goto out;
	ret = mk_deleg_fetch_image(s, pages);
	if (ret)
		goto out;
	/* argv[argc] ends argv: envp follows it, kept aside first. */
	memmove(argv + argc + 1, argv + argc, (envc + 1) * sizeof(*argv));
	argv[argc] = NULL;
	ret = mk_deleg_exec(s, argv, argv + argc + 1);
	/* Ended while it started: END found no process to kill yet. */
	if (!ret && READ_ONCE(s->host_gone))
		mk_deleg_signal(s, SIGKILL);
out:
	for (i = 0; i < MK_DELEG_FETCH_PAGES; i++)
		if (pages[i])
			__free_page(pages[i]);
	kfree(argv);
	kvfree(strings);
	if (ret)
		pr_info("session %u: not started: %d\n", s->id, ret);
	st.value = cpu_to_le32(-ret);
	st.arg = cpu_to_le32(ret ? 0 : pid_nr(s->pid));
	mk_deleg_psend(s, MK_DELEG_STARTED, &st, sizeof(st));
	mk_deleg_psess_put(s);
}

/* LAUNCH: checked here, run by the work. */
static void mk_deleg_launch(struct mk_deleg_pchan *c, u32 id, const void *buf,
			    u32 len)
{
	const struct mk_deleg_launch *l = buf;
	struct mk_deleg_status st = { .value = cpu_to_le32(EINVAL) };
	struct mk_deleg_psess *s;
	u64 start, end;
	int ret;

	if (len != sizeof(*l))
		goto refuse;
	if (le32_to_cpu(l->version) != MK_DELEG_VERSION) {
		st.value = cpu_to_le32(EPROTO);
		goto refuse;
	}
	start = le64_to_cpu(l->va_start);
	end = le64_to_cpu(l->va_end);
	if (!le32_to_cpu(l->argc) || !le32_to_cpu(l->strings_len) ||
	    le32_to_cpu(l->strings_len) > MKEXEC_MAX_STRINGS ||
	    le32_to_cpu(l->argc) > MKEXEC_MAX_STRINGS / 2 ||
	    le32_to_cpu(l->envc) > MKEXEC_MAX_STRINGS / 2 ||
	    !le32_to_cpu(l->image_len) ||
	    le32_to_cpu(l->image_len) > MKEXEC_MAX_IMAGE ||
	    !PAGE_ALIGNED(start) || !PAGE_ALIGNED(end) || start < PAGE_SIZE ||
	    end <= start || end > DEFAULT_MAP_WINDOW ||
	    (le32_to_cpu(l->flags) &
	     ~(MK_DELEG_LAUNCH_COPY | MK_DELEG_LAUNCH_PREMAP)))
		goto refuse;
	st.value = cpu_to_le32(ENOMEM);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		goto refuse;
	kref_init(&s->ref);
	s->id = id;
	s->chan = c;
	s->launch = *l;
	xa_init(&s->threads);
	init_waitqueue_head(&s->wq);
	mutex_init(&s->zap_lock);
	mutex_init(&s->watch_lock);
	s->mapped_lo = ULONG_MAX;
	INIT_WORK(&s->launch_work, mk_deleg_launch_work);
	ret = xa_insert(&mk_deleg_psessions, id, s, GFP_KERNEL);
	if (ret) {
		st.value = cpu_to_le32(ret == -EBUSY ? EEXIST : ENOMEM);
		kfree(s);
		goto refuse;
	}
	kref_get(&s->ref);		/* the work's */
	queue_work(system_unbound_wq, &s->launch_work);
	return;
refuse:
	ikc_send_timeout(c->idev, MK_DELEG_STARTED, id, &st, sizeof(st),
			 MK_DELEG_TIMEOUT);
}

/* A thread's answer, under the lock rx and the thread agree on. */
static void mk_deleg_rx_thread(struct mk_deleg_psess *s,
			       struct mk_deleg_pchan *c, u16 type,
			       const void *buf, u32 len)
{
	const struct mk_deleg_return *r = buf;
	const struct mk_deleg_page *pg = buf;
	struct mk_deleg_pthread *t;
	bool refuse = false;
	pid_t tid;
	u64 va = 0;

	if ((type == MK_DELEG_RETURN && len != sizeof(*r)) ||
	    (type == MK_DELEG_PAGE && len != sizeof(*pg)))
		return;
	tid = le32_to_cpu(type == MK_DELEG_RETURN ? r->tid : pg->tid);
	if (type == MK_DELEG_PAGE)
		va = le64_to_cpu(pg->va);
	xa_lock(&s->threads);
	t = xa_load(&s->threads, tid);
	if (type == MK_DELEG_RETURN) {
		if (t && t->in_call && le32_to_cpu(r->seq) == t->seq &&
		    !t->returned) {
			t->ret = (long)le64_to_cpu(r->ret);
			t->signal = le32_to_cpu(r->signal);
			t->returned = true;
			wake_up(&t->wq);
		}
	} else if (t && t->in_call && !t->page_pending) {
		t->page_va = va;
		t->page_flags = le32_to_cpu(pg->flags);
		t->page_pending = true;
		wake_up(&t->wq);
	} else {
		/* Nobody of that id waits: the proxy must not hang. */
		refuse = true;
	}
	xa_unlock(&s->threads);
	if (refuse)
		mk_deleg_answer_page(s, c, tid, va, EFAULT, 0, 0);
}

/* The host is done with @s: kill the program, wake whoever waits. */
static void mk_deleg_host_gone(struct mk_deleg_psess *s)
{
	struct mk_deleg_pthread *t;
	unsigned long tid;

	WRITE_ONCE(s->host_gone, true);
	mk_deleg_signal(s, SIGKILL);
	xa_lock(&s->threads);
	xa_for_each(&s->threads, tid, t)
		wake_up(&t->wq);
	xa_unlock(&s->threads);
	wake_up_all(&s->wq);
}

static void mk_deleg_refuse_page(struct mk_deleg_pchan *c, u32 id,
				 const void *buf, u32 len)
{
	const struct mk_deleg_page *pg = buf;
	struct mk_deleg_page_done d = { .status = cpu_to_le32(EFAULT) };

	if (len != sizeof(*pg))
		return;
	d.tid = pg->tid;
	d.va = pg->va;
	ikc_send_timeout(c->idev, MK_DELEG_PAGE_DONE, id, &d, sizeof(d),
			 MK_DELEG_TIMEOUT);
}

static void mk_deleg_prx(struct ikc_device *idev)
{
	struct mk_deleg_pchan *c = dev_get_drvdata(&idev->dev);
	const struct mk_deleg_status *st = (const void *)c->buf;
	struct mk_deleg_psess *s;
	struct ikc_msg_info info;
	int ret;

	while ((ret = ikc_recv(idev, &info, c->buf, IKC_MSG_MAX)) != -EAGAIN) {
		if (ret)
			return;
		if (info.type == MK_DELEG_LAUNCH) {
			mk_deleg_launch(c, info.tag, c->buf, info.len);
			continue;
		}
		xa_lock(&mk_deleg_psessions);
		s = xa_load(&mk_deleg_psessions, info.tag);
		if (s)
			kref_get(&s->ref);
		xa_unlock(&mk_deleg_psessions);
		if (!s) {
			/* Gone already: its proxy must not wait for an answer. */
			if (info.type == MK_DELEG_PAGE)
				mk_deleg_refuse_page(c, info.tag, c->buf, info.len);
			continue;
		}
		switch (info.type) {
		case MK_DELEG_FETCH_DONE:
			if (info.len == sizeof(*st)) {
				s->fetch_value = le32_to_cpu(st->value) ?
					-(int)min_t(u32, le32_to_cpu(st->value), MAX_ERRNO) :
					(int)min_t(u32, le32_to_cpu(st->arg), INT_MAX);
				WRITE_ONCE(s->fetched, true);
				wake_up_all(&s->wq);
			}
			break;
		case MK_DELEG_RETURN:
		case MK_DELEG_PAGE:
			mk_deleg_rx_thread(s, c, info.type, c->buf, info.len);
			break;
		case MK_DELEG_ZAP_DONE:
			WRITE_ONCE(s->zap_done, true);
			wake_up_all(&s->wq);
			break;
		case MK_DELEG_SIGNAL:
			if (info.len == sizeof(*st))
				mk_deleg_signal(s, le32_to_cpu(st->value));
			break;
		case MK_DELEG_END:
			if (xa_erase(&mk_deleg_psessions, s->id) == s) {
				mk_deleg_host_gone(s);
				mk_deleg_psess_put(s);	/* the table's */
			}
			break;
		}
		mk_deleg_psess_put(s);
	}
}

/* The host went away: so does everything it served. */
static void mk_deleg_ppeer_event(struct ikc_device *idev, bool up)
{
	struct mk_deleg_psess *s;
	unsigned long id;

	if (up)
		return;
	xa_for_each(&mk_deleg_psessions, id, s) {
		if (xa_erase(&mk_deleg_psessions, id) != s)
			continue;
		mk_deleg_host_gone(s);
		mk_deleg_psess_put(s);
	}
}

static int mk_deleg_pprobe(struct ikc_device *idev)
{
	struct mk_deleg_pchan *c;

	c = devm_kzalloc(&idev->dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->idev = idev;
	dev_set_drvdata(&idev->dev, c);
	if (idev->instance >= IKC_MAX_SLOTS)
		return 0;
	mutex_lock(&mk_deleg_pchans_lock);
	WRITE_ONCE(mk_deleg_pchans[idev->instance], c);
	/* Counted while they come in order: a gap keeps the count. */
	while (mk_deleg_nr_pchans < IKC_MAX_SLOTS &&
	       mk_deleg_pchans[mk_deleg_nr_pchans])
		WRITE_ONCE(mk_deleg_nr_pchans, mk_deleg_nr_pchans + 1);
	mutex_unlock(&mk_deleg_pchans_lock);
	return 0;
}

static void mk_deleg_premove(struct ikc_device *idev)
{
	ikc_stop_rx(idev);
	mutex_lock(&mk_deleg_pchans_lock);
	if (idev->instance < IKC_MAX_SLOTS) {
		WRITE_ONCE(mk_deleg_pchans[idev->instance], NULL);
		WRITE_ONCE(mk_deleg_nr_pchans,
			   min(mk_deleg_nr_pchans, idev->instance));
	}
	mutex_unlock(&mk_deleg_pchans_lock);
	mk_deleg_ppeer_event(idev, false);
}

static const struct ikc_device_id mk_deleg_pids[] = {
	{ IKC_SVC_DELEG, IKC_ROLE_CLIENT, IKC_ANY_ARG },
	{ }
};

static struct ikc_driver mk_deleg_pdriver = {
	.driver.name = "mk-deleg-partition",
#ifdef CONFIG_IKC_FAULT_INJECTION
	.driver.dev_groups = mk_deleg_fuzz_groups,	/* deleg_fuzz.c */
#endif
	.id_table = mk_deleg_pids,
	.probe = mk_deleg_pprobe,
	.remove = mk_deleg_premove,
	.rx = mk_deleg_prx,
	.peer_event = mk_deleg_ppeer_event,
};

int mk_deleg_part_init(void)
{
	return ikc_register_driver(&mk_deleg_pdriver);
}

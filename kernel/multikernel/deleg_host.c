// SPDX-License-Identifier: GPL-2.0-only
/*
 * System call delegation, host side: the channels to partitions and the
 * sessions of the programs launched on them.
 *
 * Every partition started while delegation is built in gets one "deleg"
 * channel (the partition setting "delegation" turns it off).  The rx
 * callback answers what needs no proxy (fetches of a program's image,
 * zaps of the proxy's view) and hands calls and page answers to the
 * launcher threads that wait for them.  It never waits for them.
 */

#define pr_fmt(fmt) "mk-deleg: " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/multikernel.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "deleg_host.h"

/* Channels come and go with partitions: taken for reading around any use. */
static LIST_HEAD(mk_deleg_chans);
static DECLARE_RWSEM(mk_deleg_chans_rwsem);
/* Every session, by id: a partition's threads may use any of its channels. */
static DEFINE_XARRAY(mk_deleg_hsessions);
static DEFINE_IDA(mk_deleg_ids);

static void mk_deleg_hsess_free(struct kref *ref)
{
	struct mk_deleg_hsess *s = container_of(ref, struct mk_deleg_hsess, ref);
	struct mk_deleg_proxy *p;
	unsigned long tid;

	xa_for_each(&s->proxies, tid, p) {
		seccomp_delegate_release(&p->seccomp);
		kvfree(p->premap_pa);
		kfree(p);
	}
	xa_destroy(&s->proxies);
	if (s->image)
		fput(s->image);
	kvfree(s->strings);
	ida_free(&mk_deleg_ids, s->id);
	kfree(s);
}

void mk_deleg_hsess_put(struct mk_deleg_hsess *s)
{
	kref_put(&s->ref, mk_deleg_hsess_free);
}

/* A message about @s on channel @idev of its partition. */
int mk_deleg_hsend_on(struct mk_deleg_hsess *s, struct ikc_device *idev,
		      u16 type, const void *data, size_t len)
{
	int ret = -ENODEV;

	/* Lost is set, under the lock, before any of its channels goes. */
	down_read(&mk_deleg_chans_rwsem);
	if (s->chan && !READ_ONCE(s->lost))
		ret = ikc_send_timeout(idev, type, s->id, data, len,
				       MK_DELEG_TIMEOUT);
	up_read(&mk_deleg_chans_rwsem);
	return ret;
}

/* A message about @s on the channel it was launched on. */
int mk_deleg_hsend(struct mk_deleg_hsess *s, u16 type, const void *data,
		   size_t len)
{
	return mk_deleg_hsend_on(s, s->idev, type, data, len);
}

static int mk_deleg_in_range(u64 start, u64 size, void *arg)
{
	phys_addr_t pa = *(phys_addr_t *)arg;

	return pa >= start && pa - start < size && size - (pa - start) >= PAGE_SIZE;
}

/**
 * mk_deleg_phys_ok() - whether a page a partition named is its own
 * @s: the session
 * @pa: the page's address, page aligned
 *
 * Return: true when the page lies in the partition's memory.
 */
bool mk_deleg_phys_ok(struct mk_deleg_hsess *s, phys_addr_t pa)
{
	bool ok = false;

	if (!PAGE_ALIGNED(pa))
		return false;
	down_read(&mk_deleg_chans_rwsem);
	if (s->chan && !READ_ONCE(s->lost))
		ok = ikc_walk_peer_memory(s->idev, mk_deleg_in_range, &pa) > 0;
	up_read(&mk_deleg_chans_rwsem);
	return ok;
}

/* The session's state changed: wake its launcher's threads; lock held. */
static void mk_deleg_wake(struct mk_deleg_hsess *s)
{
	struct mk_deleg_proxy *p;
	unsigned long tid;

	wake_up_all(&s->wq);
	xa_for_each(&s->proxies, tid, p)
		if (p->server)
			wake_up_process(p->server);
}

static struct mk_deleg_proxy *mk_deleg_add_proxy(struct mk_deleg_hsess *s,
						 struct ikc_device *idev,
						 pid_t tid)
{
	struct mk_deleg_proxy *p;

	/* A partition must not make the host allocate without bound. */
	if (atomic_inc_return(&s->nr_proxies) > MK_DELEG_MAX_THREADS) {
		atomic_dec(&s->nr_proxies);
		return NULL;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (p) {
		p->tid = tid;
		p->idev = idev;
		p->page_va = 1;
		/* Without it, the proxy asks for each page as usual. */
		if (s->flags & MK_DELEG_LAUNCH_PREMAP)
			p->premap_pa = kvcalloc(MK_DELEG_PREMAP_MAX,
						sizeof(__le64), GFP_KERNEL);
		if (tid > 0 && !xa_insert(&s->proxies, tid, p, GFP_KERNEL))
			return p;
		kvfree(p->premap_pa);
		kfree(p);
	}
	atomic_dec(&s->nr_proxies);
	return NULL;
}

/* ---- messages from the partition ---- */

/* FETCH: the next bytes of the launch into the partition's pages. */
static void mk_deleg_fetch(struct mk_deleg_hsess *s, const void *buf, u32 len)
{
	const struct ikc_page_ref *refs = buf;
	struct mk_deleg_status st = {};
	unsigned int i, nr = len / sizeof(*refs);
	u64 total = (u64)s->strings_len + s->image_len;
	size_t n, part, sent = 0;
	loff_t pos;
	ssize_t r;
	void *dst;
	int err = 0;

	for (i = 0; i < nr && !err; i++) {
		dst = ikc_map_page_ref(s->idev, &refs[i], &n);
		if (!dst || n > total - s->cursor) {
			err = EFAULT;
			break;
		}
		while (n) {
			if (s->cursor < s->strings_len) {
				part = min_t(size_t, n, s->strings_len - s->cursor);
				memcpy(dst, s->strings + s->cursor, part);
			} else {
				pos = s->cursor - s->strings_len;
				r = kernel_read(s->image, dst, n, &pos);
				if (r <= 0) {
					err = r ? -r : EIO;
					break;
				}
				part = r;
			}
			dst += part;
			n -= part;
			s->cursor += part;
			sent += part;
		}
	}
	st.value = cpu_to_le32(err);
	st.arg = cpu_to_le32(sent);
	mk_deleg_hsend(s, MK_DELEG_FETCH_DONE, &st, sizeof(st));
}

static void mk_deleg_zap(struct mk_deleg_hsess *s, const void *buf, u32 len)
{
	const struct mk_deleg_zap *z = buf;
	u64 start, end;

	if (len == sizeof(*z)) {
		start = max_t(u64, le64_to_cpu(z->start), s->va_start);
		end = min_t(u64, le64_to_cpu(z->end), s->va_end);
		mutex_lock(&s->map_lock);
		s->zap_seq++;
		if (start < end && s->file)
			unmap_mapping_range(s->file->f_mapping, start,
					    end - start, 1);
		mutex_unlock(&s->map_lock);
	}
	/* Answered whatever came: the partition waits for it. */
	mk_deleg_hsend(s, MK_DELEG_ZAP_DONE, NULL, 0);
}

static void mk_deleg_thread_msg(struct mk_deleg_hsess *s,
				struct ikc_device *idev, u16 type,
				const void *buf, u32 len)
{
	const struct mk_deleg_call *c = buf;
	const struct mk_deleg_cancel *cn = buf;
	const struct mk_deleg_page_done *pd = buf;
	const struct mk_deleg_thread *th = buf;
	struct mk_deleg_return r = {};
	struct mk_deleg_proxy *p;
	bool refuse = false;
	pid_t tid;

	switch (type) {
	case MK_DELEG_CALL:
		if (len != sizeof(*c))
			return;
		tid = le32_to_cpu(c->tid);
		break;
	case MK_DELEG_CANCEL:
		if (len != sizeof(*cn))
			return;
		tid = le32_to_cpu(cn->tid);
		break;
	case MK_DELEG_PAGE_DONE:
		if (len != sizeof(*pd))
			return;
		tid = le32_to_cpu(pd->tid);
		break;
	default:
		if (len != sizeof(*th))
			return;
		tid = le32_to_cpu(th->tid);
		break;
	}
	if (type == MK_DELEG_THREAD) {
		/* Allocated outside the lock; a repeated tid is dropped. */
		p = mk_deleg_add_proxy(s, idev, tid);
		if (p)
			wake_up_all(&s->wq);
		return;
	}
	spin_lock(&s->lock);
	p = xa_load(&s->proxies, tid);
	switch (type) {
	case MK_DELEG_CALL:
		if (!p || p->ended || p->call_pending || p->in_call) {
			refuse = true;
			break;
		}
		p->call = *c;
		p->call_pending = true;
		p->cancel_seq = 0;
		if (p->server)
			wake_up_process(p->server);
		break;
	case MK_DELEG_CANCEL:
		if (!p)
			break;
		if (p->in_call && p->cur_seq == le32_to_cpu(cn->seq))
			set_notify_signal(p->server);
		else if (p->call_pending)
			p->cancel_seq = le32_to_cpu(cn->seq);
		break;
	case MK_DELEG_PAGE_DONE:
		/* Only the answer to the request the server waits for. */
		if (!p || p->page_done || le64_to_cpu(pd->va) != p->page_va)
			break;
		p->page = *pd;
		p->page_done = true;
		if (p->server)
			wake_up_process(p->server);
		break;
	case MK_DELEG_THREAD_EXIT:
		if (!p)
			break;
		p->ended = true;
		if (p->server)
			wake_up_process(p->server);
		break;
	}
	spin_unlock(&s->lock);
	if (refuse) {
		/* No thread to run it: the caller must not hang. */
		r.tid = c->tid;
		r.seq = c->seq;
		r.ret = cpu_to_le64(-ESRCH);
		mk_deleg_hsend_on(s, idev, MK_DELEG_RETURN, &r, sizeof(r));
	}
}

static void mk_deleg_status_msg(struct mk_deleg_hsess *s, u16 type,
				const void *buf, u32 len)
{
	const struct mk_deleg_status *st = buf;
	u32 value;

	if (len != sizeof(*st))
		return;
	value = le32_to_cpu(st->value);
	spin_lock(&s->lock);
	if (type == MK_DELEG_STARTED && !s->started) {
		s->start_err = value ? -(int)min_t(u32, value, MAX_ERRNO) : 0;
		s->pid = le32_to_cpu(st->arg);
		if (!s->start_err && (s->pid <= 0 || s->pid > PID_MAX_LIMIT))
			s->start_err = -EIO;
		s->started = true;
	} else if (type == MK_DELEG_EXIT && !s->exited) {
		s->status = value & 0xffff;
		s->exited = true;
	}
	mk_deleg_wake(s);
	spin_unlock(&s->lock);
}

static void mk_deleg_hrx(struct ikc_device *idev)
{
	struct mk_deleg_hchan *c = dev_get_drvdata(&idev->dev);
	struct mk_deleg_hsess *s;
	struct ikc_msg_info info;
	int ret;

	while ((ret = ikc_recv(idev, &info, c->buf, IKC_MSG_MAX)) != -EAGAIN) {
		if (ret)
			return;
		xa_lock(&mk_deleg_hsessions);
		s = xa_load(&mk_deleg_hsessions, info.tag);
		/* Another partition's session is none of this one's business. */
		if (s && s->partition == c->partition)
			kref_get(&s->ref);
		else
			s = NULL;
		xa_unlock(&mk_deleg_hsessions);
		if (!s) {
			/* A zap for a closed session still waits for its answer. */
			if (info.type == MK_DELEG_ZAP)
				ikc_send_timeout(idev, MK_DELEG_ZAP_DONE, info.tag,
						 NULL, 0, MK_DELEG_TIMEOUT);
			continue;
		}
		switch (info.type) {
		case MK_DELEG_FETCH:
			if (info.flags & IKC_MSG_PAGES)
				mk_deleg_fetch(s, c->buf, info.len);
			break;
		case MK_DELEG_ZAP:
			mk_deleg_zap(s, c->buf, info.len);
			break;
		case MK_DELEG_PREMAP:
			mk_deleg_premap_store(s, c->buf, info.len);
			break;
		case MK_DELEG_CALL:
		case MK_DELEG_CANCEL:
		case MK_DELEG_PAGE_DONE:
		case MK_DELEG_THREAD:
		case MK_DELEG_THREAD_EXIT:
			mk_deleg_thread_msg(s, idev, info.type, c->buf, info.len);
			break;
		case MK_DELEG_STARTED:
		case MK_DELEG_EXIT:
			mk_deleg_status_msg(s, info.type, c->buf, info.len);
			break;
		}
		mk_deleg_hsess_put(s);
	}
}

/* ---- sessions ---- */

/* The partition's first channel: programs are launched on it. */
static struct mk_deleg_hchan *mk_deleg_find_chan(int partition)
{
	struct mk_deleg_hchan *c, *first = NULL;

	list_for_each_entry(c, &mk_deleg_chans, node)
		if (c->partition == partition && READ_ONCE(c->up) &&
		    (!first || c->idev->instance < first->idev->instance))
			first = c;
	return first;
}

/**
 * mk_deleg_launch_session() - start a program on a partition
 * @partition: the partition's id
 * @image: the program's file (the session takes the reference)
 * @image_len: its size
 * @strings: argv then envp strings (the session takes the buffer)
 * @strings_len: their bytes
 * @argc: argument strings
 * @envc: environment strings
 * @va_start: the program's range in the launcher ...
 * @va_end: ... and its end
 * @flags: MK_DELEG_LAUNCH_*
 *
 * The session takes @image and @strings, whatever the outcome.
 *
 * Return: the session, its program started, or an ERR_PTR: -ENODEV (no
 * running partition with a delegation channel), -ENOEXEC (the partition
 * could not execute it), -ETIMEDOUT, -EINTR.
 */
struct mk_deleg_hsess *mk_deleg_launch_session(int partition,
					       struct file *image, u32 image_len,
					       char *strings, u32 strings_len,
					       u32 argc, u32 envc,
					       unsigned long va_start,
					       unsigned long va_end, u32 flags)
{
	struct mk_deleg_launch l = {
		.version = cpu_to_le32(MK_DELEG_VERSION),
		.flags = cpu_to_le32(flags),
		.strings_len = cpu_to_le32(strings_len),
		.image_len = cpu_to_le32(image_len),
		.argc = cpu_to_le32(argc),
		.envc = cpu_to_le32(envc),
		.uid = cpu_to_le32(from_kuid_munged(&init_user_ns, current_uid())),
		.gid = cpu_to_le32(from_kgid_munged(&init_user_ns, current_gid())),
		.va_start = cpu_to_le64(va_start),
		.va_end = cpu_to_le64(va_end),
	};
	struct mk_deleg_hsess *s;
	struct mk_deleg_hchan *c;
	long left;
	int ret, id;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	id = s ? ida_alloc_min(&mk_deleg_ids, 1, GFP_KERNEL) : -ENOMEM;
	if (id < 0) {
		kfree(s);
		fput(image);
		kvfree(strings);
		return ERR_PTR(id);
	}
	kref_init(&s->ref);
	s->id = id;
	s->partition = partition;
	s->va_start = va_start;
	s->va_end = va_end;
	s->flags = flags;
	spin_lock_init(&s->lock);
	init_waitqueue_head(&s->wq);
	xa_init(&s->proxies);
	mutex_init(&s->map_lock);
	/* Read by the rx callback for FETCH, freed with the session. */
	s->image = image;
	s->image_len = image_len;
	s->strings = strings;
	s->strings_len = strings_len;

	down_read(&mk_deleg_chans_rwsem);
	c = mk_deleg_find_chan(partition);
	ret = -ENODEV;
	if (c) {
		s->chan = c;
		s->idev = c->idev;
		ret = xa_insert(&mk_deleg_hsessions, id, s, GFP_KERNEL);
		if (!ret)
			kref_get(&s->ref);	/* the table's */
	}
	up_read(&mk_deleg_chans_rwsem);
	if (ret) {
		mk_deleg_hsess_put(s);
		return ERR_PTR(ret);
	}
	ret = mk_deleg_hsend(s, MK_DELEG_LAUNCH, &l, sizeof(l));
	if (ret)
		goto fail;
	left = wait_event_interruptible_timeout(s->wq, READ_ONCE(s->started) ||
						READ_ONCE(s->lost),
						3 * MK_DELEG_TIMEOUT);
	if (left < 0)
		ret = -EINTR;
	else if (!left)
		ret = -ETIMEDOUT;
	else if (READ_ONCE(s->lost))
		ret = -ENODEV;
	else
		ret = s->start_err;
	if (ret)
		goto fail;
	return s;
fail:
	mk_deleg_end_session(s);
	mk_deleg_hsess_put(s);
	return ERR_PTR(ret == -ENOTCONN ? -ENODEV : ret);
}

/**
 * mk_deleg_end_session() - the launcher is done: end the program
 * @s: the session
 */
void mk_deleg_end_session(struct mk_deleg_hsess *s)
{
	struct mk_deleg_hchan *c;

	bool ended = false;

	down_read(&mk_deleg_chans_rwsem);
	c = s->chan;
	if (c && xa_erase(&mk_deleg_hsessions, s->id) == s) {
		if (!READ_ONCE(s->lost))
			ikc_send_timeout(s->idev, MK_DELEG_END, s->id, NULL, 0,
					 MK_DELEG_TIMEOUT);
		ended = true;
	}
	up_read(&mk_deleg_chans_rwsem);
	if (ended)
		mk_deleg_hsess_put(s);		/* the table's */
}

/* ---- channels ---- */

/* One channel down: the partition's kernel is gone, for every session. */
static void mk_deleg_chan_down(struct mk_deleg_hchan *c)
{
	struct mk_deleg_hsess *s;
	unsigned long id;

	WRITE_ONCE(c->up, false);
	xa_lock(&mk_deleg_hsessions);
	xa_for_each(&mk_deleg_hsessions, id, s) {
		if (s->partition != c->partition)
			continue;
		WRITE_ONCE(s->lost, true);
		spin_lock(&s->lock);
		mk_deleg_wake(s);
		spin_unlock(&s->lock);
	}
	xa_unlock(&mk_deleg_hsessions);
}

static void mk_deleg_hpeer_event(struct ikc_device *idev, bool up)
{
	struct mk_deleg_hchan *c = dev_get_drvdata(&idev->dev);

	if (up)
		WRITE_ONCE(c->up, true);
	else
		mk_deleg_chan_down(c);
}

static int mk_deleg_hprobe(struct ikc_device *idev)
{
	struct mk_deleg_hchan *c;

	c = devm_kzalloc(&idev->dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->idev = idev;
	c->partition = ikc_device_partition(idev);
	c->up = ikc_peer_is_up(idev);
	dev_set_drvdata(&idev->dev, c);
	down_write(&mk_deleg_chans_rwsem);
	list_add_tail(&c->node, &mk_deleg_chans);
	up_write(&mk_deleg_chans_rwsem);
	return 0;
}

static void mk_deleg_hremove(struct ikc_device *idev)
{
	struct mk_deleg_hchan *c = dev_get_drvdata(&idev->dev);
	struct mk_deleg_hsess *s;
	unsigned long id;

	ikc_stop_rx(idev);
	down_write(&mk_deleg_chans_rwsem);
	list_del(&c->node);
	mk_deleg_chan_down(c);
	/* Sessions outlive the channel: they only see it lost. */
	xa_for_each(&mk_deleg_hsessions, id, s) {
		if (s->chan != c || xa_erase(&mk_deleg_hsessions, id) != s)
			continue;
		s->chan = NULL;
		mk_deleg_hsess_put(s);
	}
	up_write(&mk_deleg_chans_rwsem);
}

static const struct ikc_device_id mk_deleg_hids[] = {
	{ IKC_SVC_DELEG, IKC_ROLE_SERVER, IKC_ANY_ARG },
	{ }
};

static struct ikc_driver mk_deleg_hdriver = {
	.driver.name = "mk-deleg-host",
	.id_table = mk_deleg_hids,
	.probe = mk_deleg_hprobe,
	.remove = mk_deleg_hremove,
	.rx = mk_deleg_hrx,
	.peer_event = mk_deleg_hpeer_event,
};

/* ---- the partition setting and slot ---- */

/* "delegation": how many channels, 0 (none) to MK_DELEG_MAX_CHANNELS. */
static int mk_deleg_channels(const char *value)
{
	unsigned int n;

	if (kstrtouint(value, 10, &n) || n > MK_DELEG_MAX_CHANNELS)
		return -EINVAL;
	return n;
}

static int mk_deleg_setting_check(u32 id, const char *value)
{
	int n = mk_deleg_channels(value);

	return n < 0 ? n : 0;
}

static void mk_deleg_setting_init(char *buf)
{
	strscpy(buf, "1", MK_SETTING_MAX);
}

static const struct mk_setting mk_deleg_setting = {
	.name = "delegation",
	.check = mk_deleg_setting_check,
	.init = mk_deleg_setting_init,
};

static int mk_deleg_add_slots(const struct mk_partition_info *info,
			      struct ikc_slot_desc *slots, unsigned int room)
{
	int i, n = mk_deleg_channels(multikernel_setting(info,
							 &mk_deleg_setting));

	if (n > room) {
		pr_warn("partition %u: IKC slots left for %u delegation channels of %d\n",
			info->id, room, n);
		n = room;
	}
	for (i = 0; i < n; i++)
		slots[i] = (struct ikc_slot_desc) {
			.service = cpu_to_le32(IKC_SVC_DELEG),
		};
	return max(n, 0);
}

static struct ikc_slot_source mk_deleg_slot_source = {
	.add_slots = mk_deleg_add_slots,
};

int mk_deleg_host_init(void)
{
	int ret;

	ret = multikernel_register_setting(&mk_deleg_setting);
	if (ret)
		return ret;
	ikc_register_slot_source(&mk_deleg_slot_source);
	return ikc_register_driver(&mk_deleg_hdriver);
}

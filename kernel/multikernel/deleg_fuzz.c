// SPDX-License-Identifier: GPL-2.0-only
/*
 * System call delegation, partition side, for tests only
 * (CONFIG_IKC_FAULT_INJECTION): "deleg_fuzz" on a delegation channel
 * sends the host what a broken or hostile partition kernel could about a
 * running program's session: every message type the host takes and some
 * it does not, wrong lengths, unknown threads, sessions and sequence
 * numbers, addresses outside the partition's memory or the program's
 * range, oversized batches.  A seed makes a run replayable.  Calls are
 * forged only in forms the host must refuse or fail (numbers it does not
 * serve, unknown flags, descriptor -1): a partition may make the host run
 * real calls with the user's authority, which is not what is tested.
 */

#include <linux/device.h>
#include <linux/io.h>
#include <linux/memblock.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <asm/unistd.h>

#include "deleg_part.h"

struct mk_deleg_fuzz {
	struct rnd_state rnd;
	struct mk_deleg_psess *s;
	pid_t tid;		/* a thread of the program, or 0 */
	u8 buf[IKC_MSG_MAX] __aligned(8);
};

static u32 fz_below(struct mk_deleg_fuzz *f, u32 n)
{
	return prandom_u32_state(&f->rnd) % n;
}

static u64 fz_u64(struct mk_deleg_fuzz *f)
{
	return (u64)prandom_u32_state(&f->rnd) << 32 |
	       prandom_u32_state(&f->rnd);
}

/* A physical address: none, low, ours, past our memory, anything. */
static u64 fz_pa(struct mk_deleg_fuzz *f)
{
	switch (fz_below(f, 6)) {
	case 0:
		return 0;
	case 1:
		return PAGE_SIZE;
	case 2:
		return virt_to_phys(f->buf) & PAGE_MASK;
	case 3:
		return PFN_PHYS(max_pfn) + PAGE_SIZE * fz_below(f, 4);
	case 4:
		return fz_u64(f) & PAGE_MASK;
	default:
		return fz_u64(f);
	}
}

/* A program address: in its range, at its edges, outside, unaligned. */
static u64 fz_va(struct mk_deleg_fuzz *f)
{
	u64 start = le64_to_cpu(f->s->launch.va_start);
	u64 end = le64_to_cpu(f->s->launch.va_end);

	switch (fz_below(f, 6)) {
	case 0:
		return start + ((fz_u64(f) % (end - start)) & PAGE_MASK);
	case 1:
		return start - PAGE_SIZE;
	case 2:
		return end - PAGE_SIZE * fz_below(f, 2);
	case 3:
		return fz_u64(f) | 1;
	case 4:
		return 0;
	default:
		return fz_u64(f);
	}
}

/* A thread id: the program's, none, a handful of strangers, anything. */
static __le32 fz_tid(struct mk_deleg_fuzz *f)
{
	switch (fz_below(f, 4)) {
	case 0:
		return cpu_to_le32(f->tid);
	case 1:
		return cpu_to_le32(fz_below(f, 2) ? 0 : -1);
	case 2:
		/* Few: each becomes a proxy thread of the launcher. */
		return cpu_to_le32(100000 + fz_below(f, 8));
	default:
		return cpu_to_le32(prandom_u32_state(&f->rnd));
	}
}

static u64 fz_len(struct mk_deleg_fuzz *f)
{
	static const u64 lens[] = { 0, 1, PAGE_SIZE, MK_DELEG_COPY_MAX,
				    MK_DELEG_COPY_MAX + 1, ~0ULL };

	return fz_below(f, 4) ? lens[fz_below(f, ARRAY_SIZE(lens))] : fz_u64(f);
}

static size_t fz_call(struct mk_deleg_fuzz *f, struct mk_deleg_call *c)
{
	static const u32 nrs[] = { __NR_read, __NR_write, __NR_pread64,
				   __NR_pwrite64, __NR_getpid, __NR_fork,
				   NR_syscalls, ~0U };
	u32 nr = nrs[fz_below(f, ARRAY_SIZE(nrs))];
	bool copy = fz_below(f, 2);

	c->tid = fz_tid(f);
	c->seq = cpu_to_le32(prandom_u32_state(&f->rnd));
	c->nr = cpu_to_le32(nr);
	/* Copy-based, or with a flag nobody knows. */
	c->flags = cpu_to_le32(copy ? MK_DELEG_CALL_COPY :
			       fz_below(f, 2) ? 0 : BIT(fz_below(f, 32)));
	c->args[0] = cpu_to_le64(-1);	/* no descriptor: it fails */
	c->args[1] = cpu_to_le64(copy ? fz_pa(f) : fz_va(f));
	c->args[2] = cpu_to_le64(fz_len(f));
	return sizeof(*c);
}

static size_t fz_premap(struct mk_deleg_fuzz *f, struct mk_deleg_premap *m)
{
	static const u32 counts[] = { 0, 1, MK_DELEG_PREMAP_BATCH,
				      MK_DELEG_PREMAP_BATCH + 1 };
	u32 nr = counts[fz_below(f, ARRAY_SIZE(counts))], i, room;

	m->tid = fz_tid(f);
	m->seq = cpu_to_le32(prandom_u32_state(&f->rnd));
	m->va = cpu_to_le64(fz_va(f));
	m->nr = cpu_to_le32(nr);
	m->flags = cpu_to_le32(fz_below(f, 3));
	m->zaps = cpu_to_le32(fz_below(f, 2) ? f->s->zaps_sent :
			      prandom_u32_state(&f->rnd));
	m->reserved = 0;
	room = (IKC_MSG_MAX - sizeof(*m)) / sizeof(m->pa[0]);
	for (i = 0; i < min(nr, room); i++)
		m->pa[i] = cpu_to_le64(fz_pa(f));
	return struct_size(m, pa, min(nr, room));
}

/* One forged message in f->buf: its type, its length in *@len. */
static u16 fz_message(struct mk_deleg_fuzz *f, size_t *len)
{
	static const u16 types[] = {
		MK_DELEG_CALL, MK_DELEG_PREMAP, MK_DELEG_PAGE_DONE,
		MK_DELEG_ZAP, MK_DELEG_CANCEL, MK_DELEG_THREAD,
		MK_DELEG_THREAD_EXIT, MK_DELEG_FETCH, MK_DELEG_STARTED,
		MK_DELEG_RETURN, 0, 0xffff,
	};
	union {
		struct mk_deleg_call call;
		struct mk_deleg_page_done pd;
		struct mk_deleg_zap zap;
		struct mk_deleg_cancel cancel;
		struct mk_deleg_thread th;
		struct mk_deleg_status st;
	} *u = (void *)f->buf;
	u16 type = types[fz_below(f, ARRAY_SIZE(types))];

	prandom_bytes_state(&f->rnd, f->buf, 64);
	switch (type) {
	case MK_DELEG_CALL:
		*len = fz_call(f, &u->call);
		break;
	case MK_DELEG_PREMAP:
		*len = fz_premap(f, (void *)f->buf);
		break;
	case MK_DELEG_PAGE_DONE:
		u->pd.tid = fz_tid(f);
		u->pd.pa = cpu_to_le64(fz_pa(f));
		u->pd.va = cpu_to_le64(fz_va(f));
		*len = sizeof(u->pd);
		break;
	case MK_DELEG_ZAP:
		u->zap.start = cpu_to_le64(fz_va(f));
		u->zap.end = cpu_to_le64(fz_va(f));
		*len = sizeof(u->zap);
		break;
	case MK_DELEG_CANCEL:
		u->cancel.tid = fz_tid(f);
		*len = sizeof(u->cancel);
		break;
	case MK_DELEG_THREAD:
	case MK_DELEG_THREAD_EXIT:
		u->th.tid = fz_tid(f);
		*len = sizeof(u->th);
		break;
	default:
		*len = sizeof(u->st);
		break;
	}
	/* A length that does not fit the type, now and then. */
	if (!fz_below(f, 4)) {
		*len = fz_below(f, 2) ? fz_below(f, 80) : fz_below(f, IKC_MSG_MAX + 1);
		prandom_bytes_state(&f->rnd, f->buf + 64, IKC_MSG_MAX - 64);
	}
	return type;
}

static ssize_t deleg_fuzz_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct ikc_device *idev = to_ikc_device(dev);
	struct mk_deleg_pthread *t;
	struct mk_deleg_fuzz *f;
	unsigned long tid;
	u32 seed, n, i, tag;
	size_t len;
	u16 type;
	int ret = 0;

	if (sscanf(buf, "%u %u", &seed, &n) != 2 || n > 100000)
		return -EINVAL;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->s = mk_deleg_psess_any();
	if (!f->s) {
		kfree(f);
		return -ESRCH;
	}
	xa_lock(&f->s->threads);
	xa_for_each(&f->s->threads, tid, t) {
		f->tid = t->tid;
		break;
	}
	xa_unlock(&f->s->threads);
	prandom_seed_state(&f->rnd, seed);
	for (i = 0; i < n && !ret; i++) {
		type = fz_message(f, &len);
		tag = fz_below(f, 8) ? f->s->id : prandom_u32_state(&f->rnd);
		ret = ikc_send_timeout(idev, type, tag, f->buf, len, HZ);
		/* Too long for a message: the sender refuses, as it should. */
		if (ret == -EMSGSIZE || ret == -EINVAL)
			ret = 0;
	}
	mk_deleg_psess_put(f->s);
	kfree(f);
	return ret ?: count;
}
static DEVICE_ATTR_WO(deleg_fuzz);

static struct attribute *mk_deleg_fuzz_attrs[] = {
	&dev_attr_deleg_fuzz.attr,
	NULL
};

static const struct attribute_group mk_deleg_fuzz_group = {
	.attrs = mk_deleg_fuzz_attrs,
};

const struct attribute_group *mk_deleg_fuzz_groups[] = {
	&mk_deleg_fuzz_group,
	NULL
};

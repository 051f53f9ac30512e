// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk over IKC: which disk each channel serves.
 *
 * A partition's disks are its "disks" setting, a list of
 * PATH[,ro][,serial=ID][,queues=N] separated by spaces: writing it checks
 * every backing (it exists, is a regular file or a block device, opens as
 * asked, and no other partition has it for writing, nor this one twice).
 * When the partition starts, the backings are opened and the partition's
 * IKC area gets one virtio-blk channel per disk, in order; the N-th
 * channel's back end takes the N-th backing.  Whatever no back end took is
 * closed when the partition goes.
 *
 * A loopback pair (both ends in this kernel, for tests) serves the disks
 * of the driver's loopback_disks file the same way.
 */

#define pr_fmt(fmt) "ikc: " fmt

#include <linux/blkdev.h>
#include <linux/ctype.h>
#include <linux/file.h>
#include <linux/list.h>
#include <linux/multikernel.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/string.h>
#include <linux/virtio_ids.h>

#include <asm/multikernel.h>

#include "vblk.h"

/* One token of a spec, "ro", "serial=ID" or "queues=N", into @spec. */
static int vblk_parse_option(char *opt, struct vblk_spec *spec)
{
	unsigned int len;
	char *val;

	if (!strcmp(opt, "ro")) {
		spec->ro = true;
		return 0;
	}
	if (!strcmp(opt, "rw")) {
		spec->ro = false;
		return 0;
	}
	val = strchr(opt, '=');
	if (!val)
		return -EINVAL;
	*val++ = '\0';
	if (!strcmp(opt, "queues")) {
		if (kstrtouint(val, 10, &spec->queues) || !spec->queues ||
		    spec->queues > VBLK_MAX_QUEUES)
			return -EINVAL;
		return 0;
	}
	if (!strcmp(opt, "serial")) {
		len = strlen(val);
		if (!len || len > VBLK_SERIAL_LEN)
			return -EINVAL;
		for (; *val; val++)
			if (!isgraph(*val))
				return -EINVAL;
		memset(spec->serial, 0, sizeof(spec->serial));
		memcpy(spec->serial, val - len, len);
		return 0;
	}
	return -EINVAL;
}

static int vblk_parse_spec(char *tok, struct vblk_spec *spec)
{
	char *opt, *path = strsep(&tok, ",");
	int ret;

	if (!*path || path[0] != '/')
		return -EINVAL;
	memset(spec, 0, sizeof(*spec));
	spec->queues = VBLK_DEFAULT_QUEUES;
	while ((opt = strsep(&tok, ","))) {
		ret = vblk_parse_option(opt, spec);
		if (ret)
			return ret;
	}
	spec->path = kstrdup(path, GFP_KERNEL);
	return spec->path ? 0 : -ENOMEM;
}

static int vblk_parse_word(char *word, unsigned int i, void *specs)
{
	return vblk_parse_spec(word, (struct vblk_spec *)specs + i);
}

/**
 * vblk_parse_specs() - disks from the text of a "disks" setting
 * @text: PATH[,ro][,serial=ID][,queues=N], separated by spaces
 * @specs: out: up to @max disks; free with vblk_free_specs()
 * @max: room in @specs
 *
 * Return: the number of disks (0 for an empty list), -EINVAL for a
 * malformed one, -E2BIG past @max.
 */
int vblk_parse_specs(const char *text, struct vblk_spec *specs,
		     unsigned int max)
{
	unsigned int nr;
	int ret;

	ret = ikc_vbe_parse_list(text, max, vblk_parse_word, specs, &nr);
	if (ret) {
		vblk_free_specs(specs, nr);
		return ret;
	}
	return nr;
}

/**
 * vblk_free_specs() - free what vblk_parse_specs() gave
 * @specs: the disks
 * @nr: how many
 */
void vblk_free_specs(struct vblk_spec *specs, unsigned int nr)
{
	while (nr--)
		kfree(specs[nr].path);
}

/* The identity of a backing: its inode, or the block device it names. */
struct vblk_id {
	dev_t dev;
	u64 ino;
	bool ro;
};

static int vblk_identify(const struct vblk_spec *spec, struct vblk_id *id)
{
	struct inode *inode;
	struct path path;
	int ret;

	ret = kern_path(spec->path, LOOKUP_FOLLOW, &path);
	if (ret)
		return ret;
	inode = d_backing_inode(path.dentry);
	ret = 0;
	if (S_ISDIR(inode->i_mode)) {
		ret = -EISDIR;
	} else if (S_ISBLK(inode->i_mode)) {
		id->dev = inode->i_rdev;
		id->ino = 0;
	} else if (S_ISREG(inode->i_mode)) {
		id->dev = inode->i_sb->s_dev;
		id->ino = inode->i_ino;
	} else {
		ret = -EINVAL;
	}
	id->ro = spec->ro;
	path_put(&path);
	return ret;
}

/* Two disks on one backing, one of them for writing. */
static bool vblk_clash(const struct vblk_id *a, const struct vblk_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && (!a->ro || !b->ro);
}

/* What a disk on @file offers now: its size in whole sectors. */
static u64 vblk_file_size(struct file *file)
{
	struct inode *inode = file_inode(file);
	loff_t size;

	if (S_ISBLK(inode->i_mode))
		size = bdev_nr_bytes(I_BDEV(file->f_mapping->host));
	else
		size = i_size_read(inode);
	return round_down(max_t(loff_t, size, 0), SECTOR_SIZE);
}

/* Can @spec be opened as asked?  Its errno if not. */
static int vblk_try_open(const struct vblk_spec *spec)
{
	struct file *file;
	u64 size;

	file = filp_open(spec->path, (spec->ro ? O_RDONLY : O_RDWR) |
			 O_LARGEFILE, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);
	size = vblk_file_size(file);
	fput(file);
	return size ? 0 : -EINVAL;
}

/* Every backing of @specs usable as asked, none twice for writing. */
static int vblk_check_specs(const struct vblk_spec *specs, unsigned int nr,
			    struct vblk_id *ids)
{
	unsigned int i, j;
	int ret;

	for (i = 0; i < nr; i++) {
		ret = vblk_identify(&specs[i], &ids[i]);
		if (!ret)
			ret = vblk_try_open(&specs[i]);
		if (ret)
			return ret;
		for (j = 0; j < i; j++)
			if (vblk_clash(&ids[i], &ids[j]))
				return -EBUSY;
	}
	return 0;
}

static void vblk_set_dio(struct vblk_backing *b)
{
	struct kstat st = {};

	if (b->bdev) {
		b->lbs = bdev_logical_block_size(b->bdev);
		b->dio_align = max(b->lbs, bdev_dma_alignment(b->bdev) + 1);
		return;
	}
	/* Only a file system that says how to align does direct I/O here. */
	b->lbs = SECTOR_SIZE;
	if (vfs_getattr(&b->file->f_path, &st, STATX_DIOALIGN,
			AT_STATX_SYNC_AS_STAT) ||
	    !(st.result_mask & STATX_DIOALIGN) || !st.dio_offset_align ||
	    !(b->file->f_mode & FMODE_CAN_ODIRECT))
		return;
	b->dio_align = max(st.dio_offset_align, st.dio_mem_align);
	if (st.dio_offset_align > SECTOR_SIZE &&
	    st.dio_offset_align <= PAGE_SIZE &&
	    is_power_of_2(st.dio_offset_align))
		b->lbs = st.dio_offset_align;
	if (!is_power_of_2(b->dio_align) || b->dio_align > PAGE_SIZE)
		b->dio_align = 0;
}

/* Open a disk: a block device is claimed, for writing, by this backing. */
static struct vblk_backing *vblk_open_backing(const struct vblk_spec *spec)
{
	struct vblk_backing *b;
	struct file *file;
	int ret;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->spec = *spec;
	b->spec.path = kstrdup(spec->path, GFP_KERNEL);
	ret = -ENOMEM;
	if (!b->spec.path)
		goto err;

	file = filp_open(spec->path, (spec->ro ? O_RDONLY : O_RDWR) |
			 O_LARGEFILE, 0);
	ret = PTR_ERR(file);
	if (IS_ERR(file))
		goto err;
	if (S_ISBLK(file_inode(file)->i_mode)) {
		fput(file);
		file = bdev_file_open_by_path(spec->path, BLK_OPEN_READ |
					      (spec->ro ? 0 : BLK_OPEN_WRITE),
					      spec->ro ? NULL : b, NULL);
		ret = PTR_ERR(file);
		if (IS_ERR(file))
			goto err;
		b->bdev = file_bdev(file);
		b->discard = !spec->ro && bdev_max_discard_sectors(b->bdev);
		b->write_zeroes = !spec->ro;
	} else if (S_ISREG(file_inode(file)->i_mode)) {
		b->discard = !spec->ro && file->f_op->fallocate;
		b->write_zeroes = b->discard;
	} else {
		fput(file);
		ret = -EINVAL;
		goto err;
	}
	b->file = file;
	b->size = vblk_file_size(file);
	ret = -EINVAL;
	if (!b->size)
		goto err_close;
	vblk_set_dio(b);
	return b;

err_close:
	fput(b->file);
err:
	kfree(b->spec.path);
	kfree(b);
	return ERR_PTR(ret);
}

/**
 * vblk_update_size() - take a backing's new size
 * @b: the backing
 *
 * A file grown (or cut) on the host, or a block device resized, is offered
 * at its new size: requests are checked against it from now on.
 *
 * Return: 1 if the size changed, 0 if not, -EINVAL if nothing is left.
 */
int vblk_update_size(struct vblk_backing *b)
{
	u64 size = vblk_file_size(b->file);

	if (!size)
		return -EINVAL;
	if (size == READ_ONCE(b->size))
		return 0;
	WRITE_ONCE(b->size, size);
	return 1;
}

/**
 * vblk_close_backing() - close a disk and free it
 * @b: the backing; no I/O of it is in flight
 */
void vblk_close_backing(struct vblk_backing *b)
{
	if (!b)
		return;
	fput(b->file);
	kfree(b->spec.path);
	kfree(b);
}

/* Disks of loopback channels, for tests. */
static DEFINE_MUTEX(vblk_loopback_lock);
static char vblk_loopback_disks[MK_SETTING_MAX];

static struct vblk_backing *vblk_take_loopback(unsigned int instance)
{
	struct vblk_spec specs[VBLK_MAX_DISKS];
	struct vblk_backing *b;
	int nr;

	scoped_guard(mutex, &vblk_loopback_lock)
		nr = vblk_parse_specs(vblk_loopback_disks, specs,
				      VBLK_MAX_DISKS);
	if (nr < 0)
		return ERR_PTR(nr);
	if (instance >= nr)
		b = ERR_PTR(-ENODEV);
	else
		b = vblk_open_backing(&specs[instance]);
	vblk_free_specs(specs, nr);
	return b;
}

static ssize_t loopback_disks_show(struct device_driver *drv, char *buf)
{
	guard(mutex)(&vblk_loopback_lock);
	return sysfs_emit(buf, "%s\n", vblk_loopback_disks);
}

static ssize_t loopback_disks_store(struct device_driver *drv,
				    const char *buf, size_t count)
{
	struct vblk_spec specs[VBLK_MAX_DISKS];
	struct vblk_id ids[VBLK_MAX_DISKS];
	char *value;
	int nr, ret;

	if (count >= sizeof(vblk_loopback_disks))
		return -E2BIG;
	value = kstrndup(buf, count, GFP_KERNEL);
	if (!value)
		return -ENOMEM;
	value[strcspn(value, "\n")] = '\0';
	nr = vblk_parse_specs(value, specs, VBLK_MAX_DISKS);
	ret = nr;
	if (nr >= 0) {
		ret = vblk_check_specs(specs, nr, ids);
		vblk_free_specs(specs, nr);
	}
	if (ret >= 0) {
		scoped_guard(mutex, &vblk_loopback_lock)
			strscpy(vblk_loopback_disks, value);
		ret = count;
	}
	kfree(value);
	return ret;
}
static DRIVER_ATTR_RW(loopback_disks);

static struct attribute *vblk_driver_attrs[] = {
	&driver_attr_loopback_disks.attr,
	NULL
};

const struct attribute_group vblk_driver_group = {
	.attrs = vblk_driver_attrs,
};

#ifdef CONFIG_IKC_PARTITION

/**
 * struct vblk_part - the disks of a partition that started
 * @node: in vblk_parts
 * @id: the partition
 * @nr: disks opened
 * @disks: each, until its channel's back end takes it
 */
struct vblk_part {
	struct list_head node;
	u32 id;
	unsigned int nr;
	struct vblk_backing *disks[VBLK_MAX_DISKS];
};

static LIST_HEAD(vblk_parts);
static DEFINE_MUTEX(vblk_parts_lock);

/**
 * struct vblk_conflict - looking for a backing another partition has
 * @self: the partition being set
 * @ids: its disks ...
 * @nr: ... this many
 */
struct vblk_conflict {
	u32 self;
	const struct vblk_id *ids;
	unsigned int nr;
};

static int vblk_conflict_one(u32 id, const char *value, void *arg)
{
	struct vblk_spec specs[VBLK_MAX_DISKS];
	struct vblk_conflict *c = arg;
	struct vblk_id other;
	int nr, i, j, ret = 0;

	if (id == c->self)
		return 0;
	nr = vblk_parse_specs(value, specs, VBLK_MAX_DISKS);
	if (nr <= 0)
		return 0;
	for (i = 0; i < nr && !ret; i++) {
		/* A backing gone since is no conflict. */
		if (vblk_identify(&specs[i], &other))
			continue;
		for (j = 0; j < c->nr; j++)
			if (vblk_clash(&c->ids[j], &other))
				ret = -EBUSY;
	}
	vblk_free_specs(specs, nr);
	return ret;
}

static int vblk_disks_check(u32 id, const char *value);

/* /sys/kernel/multikernel/partitions/<id>/disks */
static const struct mk_setting vblk_disks_setting = {
	.name = "disks",
	.check = vblk_disks_check,
};

/*
 * A value written to a partition's "disks": every backing usable as
 * asked, none twice for writing, none another partition has for writing.
 */
static int vblk_disks_check(u32 id, const char *value)
{
	struct vblk_spec specs[VBLK_MAX_DISKS];
	struct vblk_id ids[VBLK_MAX_DISKS];
	struct vblk_conflict c = { .self = id, .ids = ids };
	int nr, ret;

	nr = vblk_parse_specs(value, specs, VBLK_MAX_DISKS);
	if (nr <= 0)
		return nr;
	ret = vblk_check_specs(specs, nr, ids);
	c.nr = nr;
	if (!ret)
		ret = multikernel_setting_for_each(&vblk_disks_setting,
						   vblk_conflict_one, &c);
	vblk_free_specs(specs, nr);
	return ret;
}

static void vblk_part_free(struct vblk_part *part)
{
	unsigned int i;

	for (i = 0; i < part->nr; i++)
		vblk_close_backing(part->disks[i]);
	kfree(part);
}

/* A partition starts: open its disks, one virtio-blk channel each. */
static int vblk_add_slots(const struct mk_partition_info *info,
			  struct ikc_slot_desc *slots, unsigned int room)
{
	const char *value = multikernel_setting(info, &vblk_disks_setting);
	struct vblk_spec specs[VBLK_MAX_DISKS];
	struct vblk_backing *b;
	struct vblk_part *part;
	int nr, i;

	nr = vblk_parse_specs(value, specs, VBLK_MAX_DISKS);
	if (nr <= 0)
		return nr;
	part = kzalloc(sizeof(*part), GFP_KERNEL);
	if (!part) {
		vblk_free_specs(specs, nr);
		return -ENOMEM;
	}
	part->id = info->id;
	for (i = 0; i < nr && part->nr < room; i++) {
		b = vblk_open_backing(&specs[i]);
		if (IS_ERR(b)) {
			/* Changed since it was attached: the others still go. */
			pr_warn("partition %u: disk %s not offered: %ld\n",
				info->id, specs[i].path, PTR_ERR(b));
			continue;
		}
		slots[part->nr] = (struct ikc_slot_desc) {
			.service = cpu_to_le32(IKC_SVC_VIRTIO),
			.arg = cpu_to_le32(VIRTIO_ID_BLOCK),
		};
		part->disks[part->nr++] = b;
	}
	vblk_free_specs(specs, nr);
	if (i < nr)
		pr_warn("partition %u: no IKC slot left for %d disks\n",
			info->id, nr - i);

	nr = part->nr;
	mutex_lock(&vblk_parts_lock);
	list_add_tail(&part->node, &vblk_parts);
	mutex_unlock(&vblk_parts_lock);
	return nr;
}

static struct ikc_slot_source vblk_slot_source = {
	.add_slots = vblk_add_slots,
};

/* A partition went: close what no back end took. */
static int vblk_partition_event(struct notifier_block *nb,
				unsigned long event, void *data)
{
	const struct mk_partition_info *info = data;
	struct vblk_part *part, *found = NULL;

	if (event != MK_PARTITION_GONE)
		return NOTIFY_DONE;
	mutex_lock(&vblk_parts_lock);
	list_for_each_entry(part, &vblk_parts, node) {
		if (part->id == info->id) {
			list_del(&part->node);
			found = part;
			break;
		}
	}
	mutex_unlock(&vblk_parts_lock);
	if (found)
		vblk_part_free(found);
	return NOTIFY_DONE;
}

static struct notifier_block vblk_partition_nb = {
	.notifier_call = vblk_partition_event,
};

static struct vblk_backing *vblk_take_partition_disk(u32 id,
						     unsigned int instance)
{
	struct vblk_backing *b = ERR_PTR(-ENODEV);
	struct vblk_part *part;

	guard(mutex)(&vblk_parts_lock);
	list_for_each_entry(part, &vblk_parts, node) {
		if (part->id != id)
			continue;
		if (instance < part->nr && part->disks[instance]) {
			b = part->disks[instance];
			part->disks[instance] = NULL;
		}
		break;
	}
	return b;
}

/**
 * vblk_disks_init() - give partitions their "disks" setting
 *
 * Return: 0, or -errno on a host that cannot have it.
 */
int vblk_disks_init(void)
{
	int ret;

	/* A partition kernel offers no disks to anyone. */
	if (multikernel_is_partition())
		return 0;
	ret = multikernel_register_setting(&vblk_disks_setting);
	if (ret)
		return ret;
	ret = multikernel_register_notifier(&vblk_partition_nb);
	if (ret)
		return ret;
	ikc_register_slot_source(&vblk_slot_source);
	return 0;
}

#else /* !CONFIG_IKC_PARTITION */

static struct vblk_backing *vblk_take_partition_disk(u32 id,
						     unsigned int instance)
{
	return ERR_PTR(-ENODEV);
}

int vblk_disks_init(void)
{
	return 0;
}

#endif /* CONFIG_IKC_PARTITION */

/**
 * vblk_take_backing() - the disk a channel serves, now the caller's
 * @idev: the channel: the N-th virtio-blk channel of its peer serves the
 *	N-th disk
 *
 * Return: the backing, ERR_PTR(-ENODEV) when the channel has no disk.
 */
struct vblk_backing *vblk_take_backing(struct ikc_device *idev)
{
	int id = ikc_device_partition(idev);

	if (id < 0)
		return vblk_take_loopback(idev->instance);
	return vblk_take_partition_disk(id, idev->instance);
}

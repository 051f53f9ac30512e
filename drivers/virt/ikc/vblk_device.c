// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio over IKC: the back end of a virtio block device, in the kernel
 * that offers it.  Each virtio-blk channel of a partition (or of a
 * loopback pair) serves one disk, a file or a block device of this kernel
 * (vblk_disks.c), through the back-end core; requests are checked and done
 * in vblk_request.c.  The channel's sysfs directory shows the backing and
 * counters of what the front end asked, in disk/.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_ids.h>

#include "vblk.h"

static void vblk_get_config(struct ikc_vbe *vbe, void *buf)
{
	struct vblk *vblk = vbe->priv;
	struct vblk_backing *b = vblk->backing;
	struct virtio_blk_config c = {
		.capacity = __cpu_to_virtio64(true, READ_ONCE(b->size) >>
					      SECTOR_SHIFT),
		.size_max = __cpu_to_virtio32(true, VBLK_SIZE_MAX),
		.seg_max = __cpu_to_virtio32(true, VBLK_SEG_MAX),
		.blk_size = __cpu_to_virtio32(true, b->lbs),
		.num_queues = __cpu_to_virtio16(true, vbe->desc.nr_queues),
	};

	if (b->discard) {
		c.max_discard_sectors =
			__cpu_to_virtio32(true, VBLK_MAX_DISCARD_SECTORS);
		c.max_discard_seg = __cpu_to_virtio32(true, 1);
		c.discard_sector_alignment =
			__cpu_to_virtio32(true, b->lbs >> SECTOR_SHIFT);
	}
	if (b->write_zeroes) {
		c.max_write_zeroes_sectors =
			__cpu_to_virtio32(true, VBLK_MAX_DISCARD_SECTORS);
		c.max_write_zeroes_seg = __cpu_to_virtio32(true, 1);
		c.write_zeroes_may_unmap = 1;
	}
	memcpy(buf, &c, sizeof(c));
}

static const struct ikc_vbe_ops vblk_vbe_ops = {
	.get_config	= vblk_get_config,
	.process	= vblk_process,
	.quiesce	= vblk_quiesce,
};

static u64 vblk_features(const struct vblk_backing *b)
{
	u64 f = BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) | BIT_ULL(VIRTIO_BLK_F_SEG_MAX) |
		BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) | BIT_ULL(VIRTIO_BLK_F_MQ) |
		BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |
		BIT_ULL(VIRTIO_RING_F_EVENT_IDX);

	if (b->spec.ro)
		f |= BIT_ULL(VIRTIO_BLK_F_RO);
	else
		f |= BIT_ULL(VIRTIO_BLK_F_FLUSH);
	if (b->discard)
		f |= BIT_ULL(VIRTIO_BLK_F_DISCARD);
	if (b->write_zeroes)
		f |= BIT_ULL(VIRTIO_BLK_F_WRITE_ZEROES);
	return f;
}

/* sysfs, on the IKC device */

static ssize_t backing_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vblk *vblk = dev_get_drvdata(dev);
	struct vblk_backing *b = vblk->backing;

	return sysfs_emit(buf, "%s %s %llu %s\n", b->spec.path,
			  b->spec.ro ? "ro" : "rw",
			  READ_ONCE(b->size) >> SECTOR_SHIFT,
			  b->dio_align ? "direct" : "buffered");
}
static DEVICE_ATTR_RO(backing);

/*
 * "1": the backing was resized on the host; offer its new size and tell
 * the front end (a config change, as QEMU's block_resize does).
 */
static ssize_t resize_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct vblk *vblk = dev_get_drvdata(dev);
	bool yes;
	int ret;

	ret = kstrtobool(buf, &yes);
	if (ret)
		return ret;
	if (!yes)
		return -EINVAL;
	ret = vblk_update_size(vblk->backing);
	if (ret < 0)
		return ret;
	if (ret) {
		dev_info(dev, "%s: now %llu sectors\n", vblk->backing->spec.path,
			 READ_ONCE(vblk->backing->size) >> SECTOR_SHIFT);
		ikc_vbe_config_changed(&vblk->vbe);
	}
	return count;
}
static DEVICE_ATTR_WO(resize);

static ssize_t queues_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vblk *vblk = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", vblk->vbe.desc.nr_queues);
}
static DEVICE_ATTR_RO(queues);

static const char * const vblk_stat_names[VBLK_NR_STATS] = {
	[VBLK_ST_READS] = "reads",
	[VBLK_ST_WRITES] = "writes",
	[VBLK_ST_FLUSHES] = "flushes",
	[VBLK_ST_DISCARDS] = "discards",
	[VBLK_ST_DIRECT] = "direct",
	[VBLK_ST_BUFFERED] = "buffered",
	[VBLK_ST_IOERR] = "io_errors",
	[VBLK_ST_BAD] = "bad_requests",
	[VBLK_ST_UNSUPP] = "unsupported",
};

/* "name value" per line, as the echo client's stats */
static ssize_t stats_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct vblk *vblk = dev_get_drvdata(dev);
	unsigned int i;
	int len = 0;

	for (i = 0; i < VBLK_NR_STATS; i++)
		len += sysfs_emit_at(buf, len, "%s %lld\n", vblk_stat_names[i],
				     atomic64_read(&vblk->stats[i]));
	len += sysfs_emit_at(buf, len, "ring_errors %ld\n",
			     atomic_long_read(&vblk->vbe.errors));
	return len;
}
static DEVICE_ATTR_RO(stats);

static struct attribute *vblk_attrs[] = {
	&dev_attr_backing.attr,
	&dev_attr_queues.attr,
	&dev_attr_resize.attr,
	&dev_attr_stats.attr,
	NULL
};

/* In a directory of its own: the channel has its "stats" already. */
static const struct attribute_group vblk_group = {
	.name = "disk",
	.attrs = vblk_attrs,
};

static const struct attribute_group *vblk_groups[] = {
	&vblk_group,
	NULL
};

static void vblk_rx(struct ikc_device *idev)
{
	struct vblk *vblk = dev_get_drvdata(&idev->dev);

	ikc_vbe_rx(&vblk->vbe);
}

static void vblk_tx_room(struct ikc_device *idev)
{
	struct vblk *vblk = dev_get_drvdata(&idev->dev);

	ikc_vbe_tx_room(&vblk->vbe);
}

static void vblk_peer_event(struct ikc_device *idev, bool up)
{
	struct vblk *vblk = dev_get_drvdata(&idev->dev);

	ikc_vbe_peer_event(&vblk->vbe, up);
}

static int vblk_probe(struct ikc_device *idev)
{
	struct ikc_vbe_desc desc = {
		.name		= "blk",
		.device_id	= VIRTIO_ID_BLOCK,
		.queue_size	= VBLK_QUEUE_SIZE,
		.config_len	= sizeof(struct virtio_blk_config),
		.ops		= &vblk_vbe_ops,
	};
	struct vblk_backing *b;
	struct vblk *vblk;
	unsigned int i;
	int ret;

	b = vblk_take_backing(idev);
	if (IS_ERR(b)) {
		dev_info(&idev->dev, "no disk for this channel: %ld\n",
			 PTR_ERR(b));
		return PTR_ERR(b);
	}
	vblk = kzalloc(sizeof(*vblk), GFP_KERNEL);
	if (!vblk) {
		vblk_close_backing(b);
		return -ENOMEM;
	}
	vblk->backing = b;
	atomic_set(&vblk->io_inflight, 0);
	init_waitqueue_head(&vblk->io_wait);
	INIT_DELAYED_WORK(&vblk->retry, vblk_retry_work);
	for (i = 0; i < VBLK_MAX_QUEUES; i++)
		init_llist_head(&vblk->q[i].done);

	desc.features = vblk_features(b);
	desc.nr_queues = min(b->spec.queues, num_online_cpus());
	ret = ikc_vbe_init(&vblk->vbe, idev, &desc, vblk);
	if (ret) {
		vblk_close_backing(b);
		kfree(vblk);
		return ret;
	}
	dev_set_drvdata(&idev->dev, vblk);
	dev_info(&idev->dev, "virtio disk %s (%s, %llu sectors, %u queues, %s I/O)\n",
		 b->spec.path, b->spec.ro ? "ro" : "rw",
		 b->size >> SECTOR_SHIFT, desc.nr_queues,
		 b->dio_align ? "direct" : "buffered");
	return 0;
}

static void vblk_remove(struct ikc_device *idev)
{
	struct vblk *vblk = dev_get_drvdata(&idev->dev);

	/* Returns once no request points into the peer's memory. */
	ikc_vbe_stop(&vblk->vbe);
	ikc_stop_rx(idev);
	cancel_delayed_work_sync(&vblk->retry);
	dev_set_drvdata(&idev->dev, NULL);
	ikc_vbe_destroy(&vblk->vbe);
	vblk_close_backing(vblk->backing);
	kfree(vblk);
}

static const struct ikc_device_id vblk_ids[] = {
	{ .service = IKC_SVC_VIRTIO, .role = IKC_ROLE_SERVER,
	  .arg = VIRTIO_ID_BLOCK },
	{ }
};

static const struct attribute_group *vblk_driver_groups[] = {
	&vblk_driver_group,
	NULL
};

static struct ikc_driver vblk_driver = {
	.driver = {
		.name		= "virtio_ikc_blk",
		.groups		= vblk_driver_groups,
		.dev_groups	= vblk_groups,
	},
	.id_table	= vblk_ids,
	.probe		= vblk_probe,
	.remove		= vblk_remove,
	.rx		= vblk_rx,
	.tx_room	= vblk_tx_room,
	.peer_event	= vblk_peer_event,
};

static int __init vblk_init(void)
{
	int ret;

	ret = vblk_disks_init();
	if (ret)
		return ret;
	return ikc_register_driver(&vblk_driver);
}
module_init(vblk_init);

MODULE_DESCRIPTION("virtio block back end over IKC");
MODULE_LICENSE("GPL");

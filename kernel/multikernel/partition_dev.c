// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/multikernel: the ioctls that control partitions (their arguments
 * are extensible structs whose first member is their size), and the
 * initcall that sets partitions up on a host.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "partition.h"

static long mk_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	union {
		struct mk_create create;
		struct mk_load load;
		struct mk_op op;
	} a;
	int ret;

	if (_IOC_TYPE(cmd) != MK_IOC_MAGIC)
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(MK_IOC_CREATE):
		ret = mk_copy_args(&a.create, sizeof(a.create),
				   offsetofend(struct mk_create, id), uarg);
		return ret ?: mk_create(&a.create,
					&((struct mk_create __user *)uarg)->id);
	case _IOC_NR(MK_IOC_LOAD):
		ret = mk_copy_args(&a.load, sizeof(a.load),
				   offsetofend(struct mk_load, cmdline_ptr), uarg);
		return ret ?: mk_load(&a.load);
	case _IOC_NR(MK_IOC_START):
	case _IOC_NR(MK_IOC_STOP):
	case _IOC_NR(MK_IOC_DESTROY):
		ret = mk_copy_args(&a.op, sizeof(a.op),
				   offsetofend(struct mk_op, timeout_ms), uarg);
		if (ret)
			return ret;
		if (_IOC_NR(cmd) == _IOC_NR(MK_IOC_START))
			return mk_start(&a.op);
		if (_IOC_NR(cmd) == _IOC_NR(MK_IOC_STOP))
			return mk_stop(&a.op);
		return mk_destroy(&a.op);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mk_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = mk_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice mk_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "multikernel",
	.fops = &mk_fops,
	.mode = 0600,
};

static int __init mk_partition_init(void)
{
	int ret;

	if (multikernel_is_partition() || !multikernel_kobj)
		return 0;
	ret = mk_sysfs_init();
	if (ret)
		return ret;
	ret = mk_cpus_init();
	if (ret)
		goto sysfs;
	ret = misc_register(&mk_miscdev);
	if (ret)
		goto cpus;
	return 0;
cpus:
	mk_cpus_exit();
sysfs:
	mk_sysfs_exit();
	return ret;
}
late_initcall(mk_partition_init);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multikernel core: /sys/kernel/multikernel/ with the interface version
 * and the parts of the series this kernel was built with.
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/multikernel.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "internal.h"

/**
 * mk_copy_args() - copy in an extensible argument of the series
 * @args: the kernel's structure
 * @ksize: its size
 * @min_size: the size of its first version
 * @uargs: the caller's; its first member, a u32, is its size
 *
 * Past a page it is refused before its tail is read: checking gigabytes
 * of zeros would hold the CPU for seconds.
 *
 * Return: 0, -EFAULT, -EINVAL (below @min_size), -E2BIG (above a page, or
 * non-zero bytes past @ksize).
 */
int mk_copy_args(void *args, size_t ksize, size_t min_size,
		 void __user *uargs)
{
	u32 usize;

	if (get_user(usize, (u32 __user *)uargs))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(args, ksize, uargs, usize);
}

struct kobject *multikernel_kobj;
EXPORT_SYMBOL_GPL(multikernel_kobj);

VISIBLE_IF_KUNIT ssize_t mk_version_show(struct kobject *kobj,
					 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", MULTIKERNEL_API_VERSION);
}
EXPORT_SYMBOL_IF_KUNIT(mk_version_show);

VISIBLE_IF_KUNIT ssize_t mk_feature_show(struct kobject *kobj,
					 struct kobj_attribute *attr, char *buf)
{
	struct mk_feature *f = container_of(attr, struct mk_feature, attr);

	return sysfs_emit(buf, "%d\n", f->built_in);
}
EXPORT_SYMBOL_IF_KUNIT(mk_feature_show);

#define MK_FEATURE(_name, _built_in) {					\
	.attr = __ATTR(_name, 0444, mk_feature_show, NULL),		\
	.built_in = _built_in,						\
}

/*
 * Every part of the series has a file here, built in or not, so that a
 * tool can tell "not built" (0) from "unknown to this kernel" (no file).
 */
VISIBLE_IF_KUNIT struct mk_feature mk_features[] = {
	MK_FEATURE(partitions, IS_ENABLED(CONFIG_MULTIKERNEL_PARTITION)),
	MK_FEATURE(ikc, IS_ENABLED(CONFIG_IKC)),
	MK_FEATURE(overshadow, IS_ENABLED(CONFIG_OVERSHADOW)),
	MK_FEATURE(exceptionless_syscall, IS_ENABLED(CONFIG_EXCEPTIONLESS_SYSCALL)),
	MK_FEATURE(syscall_delegation,
		   IS_ENABLED(CONFIG_MULTIKERNEL_SYSCALL_DELEGATION)),
	{ }
};
EXPORT_SYMBOL_IF_KUNIT(mk_features);

static struct kobj_attribute mk_version_attr = __ATTR(version, 0444,
						      mk_version_show, NULL);

static struct attribute *mk_attrs[] = {
	&mk_version_attr.attr,
	NULL
};

static const struct attribute_group mk_group = {
	.attrs = mk_attrs,
};

/* NULL-terminated like mk_features[], filled in at init. */
static struct attribute *mk_feature_attrs[ARRAY_SIZE(mk_features)];

static const struct attribute_group mk_feature_group = {
	.name = "features",
	.attrs = mk_feature_attrs,
};

static const struct attribute_group *mk_groups[] = {
	&mk_group,
	&mk_feature_group,
	NULL
};

static int __init multikernel_init(void)
{
	struct kobject *kobj;
	struct mk_feature *f;
	int ret;

	for (f = mk_features; f->attr.attr.name; f++)
		mk_feature_attrs[f - mk_features] = &f->attr.attr;

	kobj = kobject_create_and_add("multikernel", kernel_kobj);
	if (!kobj)
		return -ENOMEM;

	ret = sysfs_create_groups(kobj, mk_groups);
	if (ret) {
		kobject_put(kobj);
		return ret;
	}
	multikernel_kobj = kobj;

	pr_info("interface version %d\n", MULTIKERNEL_API_VERSION);
	return 0;
}
subsys_initcall(multikernel_init);

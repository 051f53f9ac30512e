/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared inside kernel/multikernel/ and with its KUnit tests. */
#ifndef _KERNEL_MULTIKERNEL_INTERNAL_H
#define _KERNEL_MULTIKERNEL_INTERNAL_H

#include <linux/kobject.h>
#include <linux/types.h>

/**
 * struct mk_feature - one part of the series that may be built in
 * @attr: its file in /sys/kernel/multikernel/features/
 * @built_in: whether this kernel was built with it
 */
struct mk_feature {
	struct kobj_attribute attr;
	bool built_in;
};

int mk_copy_args(void *args, size_t ksize, size_t min_size,
		 void __user *uargs);

#if IS_ENABLED(CONFIG_KUNIT)
/* Terminated by an entry with no name. */
extern struct mk_feature mk_features[];

ssize_t mk_version_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf);
ssize_t mk_feature_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf);
#endif

#endif /* _KERNEL_MULTIKERNEL_INTERNAL_H */

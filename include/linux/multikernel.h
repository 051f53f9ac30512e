/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multikernel: several Linux kernels side by side on one machine.
 */
#ifndef _LINUX_MULTIKERNEL_H
#define _LINUX_MULTIKERNEL_H

#include <uapi/linux/multikernel.h>

struct kobject;

#ifdef CONFIG_MULTIKERNEL
/*
 * /sys/kernel/multikernel/, set up at subsys_initcall time; the parts of
 * the series add their own directories below it.
 */
extern struct kobject *multikernel_kobj;
#endif

#endif /* _LINUX_MULTIKERNEL_H */

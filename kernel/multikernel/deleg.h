/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System call delegation, shared by its host and partition halves.
 */
#ifndef _KERNEL_MULTIKERNEL_DELEG_H
#define _KERNEL_MULTIKERNEL_DELEG_H

#include <linux/ikc.h>
#include <linux/multikernel/deleg.h>

enum mk_deleg_kind {
	MK_DELEG_LOCAL,		/* the partition runs it */
	MK_DELEG_REMOTE,	/* the host runs it in the proxy */
	MK_DELEG_REFUSED,	/* neither: -EOPNOTSUPP */
};

enum mk_deleg_kind mk_deleg_kind(unsigned long nr);
bool mk_deleg_rw_nr(unsigned long nr);
bool mk_deleg_rw_fills(unsigned long nr);
bool mk_deleg_rw_positional(unsigned long nr);

/* How long a kernel waits for the other one before it gives up on it. */
#define MK_DELEG_TIMEOUT	(10 * HZ)

/* Host side (deleg_host.c, deleg_exec_dev.c, deleg_serve.c). */
struct mk_deleg_hsess;
struct mk_deleg_proxy;
int mk_deleg_host_init(void);

/* Partition side (deleg_part.c, deleg_task.c). */
struct mk_deleg_psess;
int mk_deleg_part_init(void);

#endif /* _KERNEL_MULTIKERNEL_DELEG_H */

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Multikernel: several Linux kernels side by side on one machine.
 *
 * User-visible constants shared by the kernel and its tools.
 */
#ifndef _UAPI_LINUX_MULTIKERNEL_H
#define _UAPI_LINUX_MULTIKERNEL_H

/*
 * Version of the multikernel user interface, as read from
 * /sys/kernel/multikernel/version.  Raised when an interface changes in a
 * way a tool has to know about; additions that tools can probe for (a new
 * file, a new flag rejected with EINVAL by older kernels) do not raise it.
 */
#define MULTIKERNEL_API_VERSION		1

#endif /* _UAPI_LINUX_MULTIKERNEL_H */

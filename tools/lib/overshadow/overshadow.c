// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Overshadow from user space.  See overshadow.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "overshadow.h"

int overshadow_create_node(void *from, size_t size, void **to,
			   unsigned int flags, int node, unsigned int *engine)
{
	struct overshadow_args args;

	if (!to) {
		errno = EFAULT;
		return -1;
	}
	memset(&args, 0, sizeof(args));
	args.from = (unsigned long)from;
	args.len = size;
	args.flags = flags;
	if (node >= 0)
		args.flags |= OVERSHADOW_CREATE_NODE;
	/* a negative node with OVERSHADOW_CREATE_NODE is the kernel's to refuse */
	if (args.flags & OVERSHADOW_CREATE_NODE)
		args.node = node;

	if (syscall(__NR_overshadow_create, &args, sizeof(args)))
		return -1;
	*to = (void *)(unsigned long)args.to;
	if (engine)
		*engine = args.engine;
	return 0;
}

int overshadow_create(void *from, size_t size, void **to, unsigned int flags)
{
	return overshadow_create_node(from, size, to, flags,
				      OVERSHADOW_NODE_DEFAULT, NULL);
}

int overshadow_wait(void *to)
{
	return syscall(__NR_overshadow_wait, (unsigned long)to, 0U);
}

int overshadow_test(void *to, struct overshadow_status *st)
{
	return syscall(__NR_overshadow_test, (unsigned long)to, st,
		       st ? sizeof(*st) : (size_t)0);
}

int overshadow_destroy(void *to)
{
	return syscall(__NR_overshadow_destroy, (unsigned long)to, 0U);
}

const char *overshadow_engine_name(unsigned int engine)
{
	switch (engine) {
	case OVERSHADOW_ENGINE_CPU:
		return "cpu";
	case OVERSHADOW_ENGINE_DMA:
		return "dma";
	default:
		return "unknown";
	}
}

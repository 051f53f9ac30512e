/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Overshadow from user space: thin wrappers of overshadow_create(),
 * overshadow_wait(), overshadow_test() and overshadow_destroy() of
 * <linux/overshadow.h>.
 *
 * A region made by overshadow_create() holds the contents of the source at
 * once; the pages move to the near node behind the caller's back.  Every
 * function returns like libc: 0 (or the documented value) on success, -1
 * with errno set on failure.  @to is always the address that
 * overshadow_create() returned, with the source's offset into its page.
 */
#ifndef __LIB_OVERSHADOW_H
#define __LIB_OVERSHADOW_H

#include <stddef.h>
#include <sys/syscall.h>
#include <linux/overshadow.h>

#ifndef __NR_overshadow_create
#define __NR_overshadow_create	465
#endif
#ifndef __NR_overshadow_wait
#define __NR_overshadow_wait	466
#endif
#ifndef __NR_overshadow_test
#define __NR_overshadow_test	467
#endif
#ifndef __NR_overshadow_destroy
#define __NR_overshadow_destroy	468
#endif

/* overshadow_create_node(): the near node is the caller's node */
#define OVERSHADOW_NODE_DEFAULT	(-1)

/*
 * Copy [@from, @from + @size) to a new region on the caller's node and
 * store its address in *@to.  @flags: OVERSHADOW_CREATE_CPU or
 * OVERSHADOW_CREATE_DMA (or none: the kernel picks the engine).
 */
int overshadow_create(void *from, size_t size, void **to, unsigned int flags);

/*
 * As overshadow_create(), with the near node @node, or the caller's node
 * when @node is OVERSHADOW_NODE_DEFAULT (any negative value).  A node of
 * zero or more sets OVERSHADOW_CREATE_NODE.  If @engine is not NULL, the
 * OVERSHADOW_ENGINE_* that copies the region is stored there.
 */
int overshadow_create_node(void *from, size_t size, void **to,
			   unsigned int flags, int node, unsigned int *engine);

/* Block until the whole region is near: 0, or -1 and the copy's errno. */
int overshadow_wait(void *to);

/*
 * Without blocking: 1 if the whole region is near, 0 if not, -1 on error.
 * Fills *@st unless it is NULL.
 */
int overshadow_test(void *to, struct overshadow_status *st);

/* Stop the copy and unmap the region. */
int overshadow_destroy(void *to);

/* "cpu", "dma" or "unknown" for an OVERSHADOW_ENGINE_* value */
const char *overshadow_engine_name(unsigned int engine);

#endif /* __LIB_OVERSHADOW_H */

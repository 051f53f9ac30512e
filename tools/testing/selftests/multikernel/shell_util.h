/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running a shell command from a multikernel test (Debian's tools and
 * busybox's in the guest).
 */
#ifndef MULTIKERNEL_SHELL_UTIL_H
#define MULTIKERNEL_SHELL_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* A shell command's exit status, -1 if it did not exit. */
static inline int mk_run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif /* MULTIKERNEL_SHELL_UTIL_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which system calls of a delegated program the host serves.
 *
 * The proxy owns the program's file table, its working directory and its
 * view of the filesystem, so every call that names a file descriptor or a
 * path runs there.  Memory, threads, signals, time and scheduling stay on
 * the partition.  A call that would make a file descriptor of the
 * partition's own (the numbers would clash with the proxy's) or a new
 * process is refused.  The host checks every request against the same
 * table: it runs nothing else for a partition.
 */

#include <linux/array_size.h>
#include <linux/nospec.h>
#include <asm/unistd.h>

#include "deleg.h"

#define R MK_DELEG_REMOTE
#define X MK_DELEG_REFUSED

/* Unlisted numbers are 0, MK_DELEG_LOCAL. */
static const u8 mk_deleg_kinds[NR_syscalls] = {
	/* files and paths */
	[__NR_read] = R, [__NR_write] = R, [__NR_open] = R, [__NR_close] = R,
	[__NR_stat] = R, [__NR_fstat] = R, [__NR_lstat] = R, [__NR_poll] = R,
	[__NR_lseek] = R, [__NR_ioctl] = R, [__NR_pread64] = R,
	[__NR_pwrite64] = R, [__NR_readv] = R, [__NR_writev] = R,
	[__NR_access] = R, [__NR_pipe] = R, [__NR_select] = R, [__NR_dup] = R,
	[__NR_dup2] = R, [__NR_sendfile] = R, [__NR_fcntl] = R,
	[__NR_flock] = R, [__NR_fsync] = R, [__NR_fdatasync] = R,
	[__NR_truncate] = R, [__NR_ftruncate] = R, [__NR_getdents] = R,
	[__NR_getcwd] = R, [__NR_chdir] = R, [__NR_fchdir] = R,
	[__NR_rename] = R, [__NR_mkdir] = R, [__NR_rmdir] = R,
	[__NR_creat] = R, [__NR_link] = R, [__NR_unlink] = R,
	[__NR_symlink] = R, [__NR_readlink] = R, [__NR_chmod] = R,
	[__NR_fchmod] = R, [__NR_chown] = R, [__NR_fchown] = R,
	[__NR_lchown] = R, [__NR_umask] = R, [__NR_utime] = R,
	[__NR_statfs] = R, [__NR_fstatfs] = R, [__NR_getdents64] = R,
	[__NR_fadvise64] = R, [__NR_utimes] = R, [__NR_openat] = R,
	[__NR_mkdirat] = R, [__NR_fchownat] = R, [__NR_futimesat] = R,
	[__NR_newfstatat] = R, [__NR_unlinkat] = R, [__NR_renameat] = R,
	[__NR_linkat] = R, [__NR_symlinkat] = R, [__NR_readlinkat] = R,
	[__NR_fchmodat] = R, [__NR_faccessat] = R, [__NR_pselect6] = R,
	[__NR_ppoll] = R, [__NR_splice] = R, [__NR_tee] = R,
	[__NR_sync_file_range] = R, [__NR_utimensat] = R,
	[__NR_fallocate] = R, [__NR_dup3] = R, [__NR_pipe2] = R,
	[__NR_preadv] = R, [__NR_pwritev] = R, [__NR_syncfs] = R,
	[__NR_renameat2] = R, [__NR_copy_file_range] = R,
	[__NR_preadv2] = R, [__NR_pwritev2] = R, [__NR_statx] = R,
	[__NR_openat2] = R, [__NR_close_range] = R, [__NR_faccessat2] = R,
	[__NR_fchmodat2] = R, [__NR_sync] = R, [__NR_readahead] = R,
	[__NR_setxattr] = R, [__NR_lsetxattr] = R, [__NR_fsetxattr] = R,
	[__NR_getxattr] = R, [__NR_lgetxattr] = R, [__NR_fgetxattr] = R,
	[__NR_listxattr] = R, [__NR_llistxattr] = R, [__NR_flistxattr] = R,
	[__NR_removexattr] = R, [__NR_lremovexattr] = R,
	[__NR_fremovexattr] = R, [__NR_memfd_create] = R,
	[__NR_name_to_handle_at] = R, [__NR_vmsplice] = R,
	[__NR_mknod] = R, [__NR_mknodat] = R, [__NR_chroot] = R,
	[__NR_cachestat] = R,
	/* sockets */
	[__NR_socket] = R, [__NR_connect] = R, [__NR_accept] = R,
	[__NR_sendto] = R, [__NR_recvfrom] = R, [__NR_sendmsg] = R,
	[__NR_recvmsg] = R, [__NR_shutdown] = R, [__NR_bind] = R,
	[__NR_listen] = R, [__NR_getsockname] = R, [__NR_getpeername] = R,
	[__NR_socketpair] = R, [__NR_setsockopt] = R, [__NR_getsockopt] = R,
	[__NR_accept4] = R, [__NR_recvmmsg] = R, [__NR_sendmmsg] = R,
	/* waiting on descriptors, descriptor-shaped objects */
	[__NR_epoll_create] = R, [__NR_epoll_wait] = R, [__NR_epoll_ctl] = R,
	[__NR_epoll_pwait] = R, [__NR_epoll_create1] = R,
	[__NR_epoll_pwait2] = R, [__NR_eventfd] = R, [__NR_eventfd2] = R,
	[__NR_timerfd_create] = R, [__NR_timerfd_settime] = R,
	[__NR_timerfd_gettime] = R, [__NR_inotify_init] = R,
	[__NR_inotify_init1] = R, [__NR_inotify_add_watch] = R,
	[__NR_inotify_rm_watch] = R,
	/* new processes and programs: the proxy has no second one */
	[__NR_fork] = X, [__NR_vfork] = X, [__NR_execve] = X,
	[__NR_execveat] = X,
	/* descriptors the partition would make for itself */
	[__NR_signalfd] = X, [__NR_signalfd4] = X, [__NR_userfaultfd] = X,
	[__NR_perf_event_open] = X, [__NR_io_uring_setup] = X,
	[__NR_io_uring_enter] = X, [__NR_io_uring_register] = X,
	[__NR_bpf] = X, [__NR_pidfd_open] = X, [__NR_pidfd_getfd] = X,
	[__NR_fanotify_init] = X, [__NR_fanotify_mark] = X,
	[__NR_open_by_handle_at] = X, [__NR_memfd_secret] = X,
	[__NR_io_setup] = X, [__NR_io_submit] = X, [__NR_io_getevents] = X,
	[__NR_io_pgetevents] = X, [__NR_io_cancel] = X,
	[__NR_io_destroy] = X, [__NR_fsopen] = X, [__NR_fsmount] = X,
	[__NR_fspick] = X, [__NR_open_tree] = X, [__NR_move_mount] = X,
	[__NR_mount_setattr] = X, [__NR_landlock_create_ruleset] = X,
	[__NR_landlock_add_rule] = X, [__NR_landlock_restrict_self] = X,
	[__NR_mq_open] = X, [__NR_finit_module] = X,
	[__NR_kexec_file_load] = X, [__NR_quotactl_fd] = X,
	[__NR_process_madvise] = X, [__NR_pidfd_send_signal] = X,
	[__NR_fsconfig] = X, [__NR_setns] = X,
};

#undef R
#undef X

/**
 * mk_deleg_rw_nr() - whether a call has one buffer, args[1] of args[2] bytes
 * @nr: its number
 *
 * The calls that copy-based and pre-mapped launches treat apart.
 *
 * Return: true for read, write, pread64 and pwrite64.
 */
bool mk_deleg_rw_nr(unsigned long nr)
{
	return nr == __NR_read || nr == __NR_write || nr == __NR_pread64 ||
	       nr == __NR_pwrite64;
}

/**
 * mk_deleg_rw_fills() - whether such a call stores into its buffer
 * @nr: read, write, pread64 or pwrite64
 *
 * Return: true for read and pread64.
 */
bool mk_deleg_rw_fills(unsigned long nr)
{
	return nr == __NR_read || nr == __NR_pread64;
}

/**
 * mk_deleg_rw_positional() - whether such a call has an offset, args[3]
 * @nr: read, write, pread64 or pwrite64
 *
 * Return: true for pread64 and pwrite64.
 */
bool mk_deleg_rw_positional(unsigned long nr)
{
	return nr == __NR_pread64 || nr == __NR_pwrite64;
}

/**
 * mk_deleg_kind() - where a delegated program's call runs
 * @nr: the system call number, as the program passed it
 *
 * Return: MK_DELEG_LOCAL, MK_DELEG_REMOTE (the host serves it) or
 * MK_DELEG_REFUSED.  Numbers past the table are local: the partition's
 * kernel answers them as it answers any unknown call.
 */
enum mk_deleg_kind mk_deleg_kind(unsigned long nr)
{
	if (nr >= ARRAY_SIZE(mk_deleg_kinds))
		return MK_DELEG_LOCAL;
	return mk_deleg_kinds[array_index_nospec(nr, ARRAY_SIZE(mk_deleg_kinds))];
}

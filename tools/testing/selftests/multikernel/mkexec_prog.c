// SPDX-License-Identifier: GPL-2.0
/*
 * What mkexec_test runs on a partition with mkexec (static, not PIE), its
 * file, pipe and socket calls served by the host.  Each subcommand prints
 * "ok <name>" when every call did what it does on any Linux, or says what
 * did not (with errno's text) and exits 1.  "files DIR" runs in DIR;
 * "threads DIR" leaves t0..t7 there, written by 8 threads at once;
 * "pins DEV mapped|copy" tries the calls that pin the program's pages, as
 * documented for each way of running it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define BIG		(8 * 1024 * 1024)
#define KEPT		12345
#define SEGS		64
#define PAGE		4096
#define THREADS		8
/* Thread @i's file "t<i>": this many bytes of pattern 10 + @i. */
#define THREAD_LEN(i)	(256 * 1024 + (i) * 4097)

static const char *cmd, *dir;
static const char usage[] =
	"files DIR|threads DIR|stdio|tcp PORT|efault [DIR]|pins DEV mapped|copy|exit N|\n"
	"kill SIG|wait-int|block|poll [TAG]";
/* Never valid buffers, in variables: the compiler does not see them. */
unsigned long low_addr = 8, kernel_addr = 0xffffffff81000000UL;
#define LOW	((void *)low_addr)
#define KERNEL	((void *)kernel_addr)

/* Say what failed, with errno's text, and exit 1. */
#define CHECK(cond, fmt, ...) do {				\
	if (!(cond))						\
		err(1, "%s: " fmt, cmd, ##__VA_ARGS__);		\
} while (0)
/* A call that must fail with errno @e. */
#define FAILS(call, e, what) do {	\
	errno = 0;			\
	CHECK((call) == -1 && errno == (e), "%s: not " #e, what); \
} while (0)

/* Pattern @seed from byte @off on: put at @p (@what NULL) or checked. */
static void pat(unsigned char *p, size_t off, size_t n, int seed, const char *what)
{
	unsigned char c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = (off + i) * 7 + ((off + i) >> 12) * 13 + seed * 101;	/* as mkexec_test */
		if (!what)
			p[i] = c;
		CHECK(p[i] == c, "%s: byte %zu of %zu differs", what, i, n);
	}
}

static const char *in_dir(char *buf, const char *name)
{
	snprintf(buf, 4096, "%s/%s", dir, name);
	return buf;
}

/* A write (@off < 0) or pread that must move all @n bytes. */
static void io(int fd, const void *p, size_t n, off_t off, const char *what)
{
	ssize_t r;

	errno = 0;
	r = off < 0 ? write(fd, p, n) : pread(fd, (void *)p, n, off);
	CHECK(r == (ssize_t)n, "%s %s: %zd of %zu bytes", off < 0 ? "write" : "pread", what, r, n);
}

static int create(const char *name, int mode)
{
	char p[4096];
	int fd = syscall(SYS_open, in_dir(p, name), O_CREAT | O_TRUNC | O_RDWR, mode);

	CHECK(fd >= 0, "open %s", p);
	return fd;
}

/* lseek, fstat, stat, lstat and statx agree on @name's size. */
static void sizes(int fd, const char *name, off_t size)
{
	struct stat st, st2;
	struct statx stx;
	char p[4096];

	CHECK(lseek(fd, 0, SEEK_END) == size, "lseek SEEK_END of %s", name);
	CHECK(!syscall(SYS_fstat, fd, &st) && st.st_size == size && S_ISREG(st.st_mode),
	      "fstat %s", name);
	CHECK(!syscall(SYS_stat, in_dir(p, name), &st2) && st2.st_size == size &&
	      st2.st_ino == st.st_ino && st2.st_mode == st.st_mode, "stat %s", p);
	CHECK(!syscall(SYS_lstat, p, &st2) && st2.st_ino == st.st_ino, "lstat %s", p);
	CHECK(!statx(AT_FDCWD, p, 0, STATX_BASIC_STATS, &stx) &&
	      stx.stx_size == (unsigned long long)size && stx.stx_ino == st.st_ino, "statx %s", p);
}

/* 1 byte, a page, 8 MiB from malloc, aligned and not; offsets, a hole. */
static void contents(void)
{
	static const size_t lens[] = { 1, PAGE, BIG }, mis[] = { 1, 2049, 4095 };
	static const off_t offs[] = { 0, 4090, 8190, BIG / 8 + 3 };
	unsigned char *a = malloc(BIG + 3 * PAGE), *b = malloc(BIG + 3 * PAGE), *ma, *mb;
	size_t i, len;
	char p[4096];
	int fd = -1;

	CHECK(a && b, "malloc");
	for (i = 0; i < 3; i++) {
		if (i)
			close(fd);
		fd = create("big", 0644);
		pat(a, 0, lens[i], 2, NULL);
		io(fd, a, lens[i], -1, "aligned");
		memset(b, 0, lens[i]);
		CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, b, BIG) == (ssize_t)lens[i] &&
		      read(fd, b + lens[i], 1) == 0, "read %zu bytes back", lens[i]);
		pat(b, 0, lens[i], 2, "read back");
		sizes(fd, "big", lens[i]);
	}
	for (i = 0; i < 3; i++) {
		ma = (void *)(((unsigned long)a + PAGE) & ~(PAGE - 1UL)) + mis[i];
		mb = (void *)(((unsigned long)b + PAGE) & ~(PAGE - 1UL)) + PAGE - mis[i];
		len = i ? 5 * PAGE + mis[i] : BIG;
		pat(ma, 0, len, 2, NULL);
		memset(mb, 0, len);
		CHECK(pwrite(fd, ma, len, 0) == (ssize_t)len, "pwrite from +%zu", mis[i]);
		io(fd, mb, len, 0, "misaligned");
		pat(mb, 0, len, 2, "misaligned read back");
	}
	for (i = 0; i < 4; i++)
		CHECK(pwrite(fd, "0123456789", 10, BIG + offs[i]) == 10 &&
		      pread(fd, b, 10, BIG + offs[i]) == 10 && !memcmp(b, "0123456789", 10) &&
		      lseek(fd, 0, SEEK_CUR) == BIG, "pwrite, pread at %lld", (long long)offs[i]);
	CHECK(pread(fd, b, 10, BIG + 20000) == 10 && !memcmp(b, "\0\0\0\0\0\0\0\0\0\0", 10) &&
	      pread(fd, b, 10, 2 * BIG) == 0, "pread of a hole, past the end");
	CHECK(lseek(fd, BIG + 4090, SEEK_SET) == BIG + 4090 && read(fd, b, 4) == 4 &&
	      !memcmp(b, "0123", 4) && lseek(fd, 0, SEEK_CUR) == BIG + 4094, "read after lseek");
	sizes(fd, "big", BIG + BIG / 8 + 13);
	CHECK(!ftruncate(fd, BIG), "ftruncate");
	sizes(fd, "big", BIG);
	CHECK(!fsync(fd) && !fdatasync(fd) && !close(fd), "fsync and close big");
	FAILS(close(fd), EBADF, "close twice");
	FAILS(open(in_dir(p, "big"), O_CREAT | O_EXCL | O_RDWR, 0600), EEXIST, "O_EXCL");
	free(a);
	free(b);
}

/* 64 segments of odd sizes at odd places, out, and back in other pieces. */
static void vectors(void)
{
	unsigned char *out = malloc(SEGS * 512), *in = calloc(SEGS, 512);
	struct iovec iov[SEGS], iov2[SEGS];
	size_t off = 1, off2 = 3, total = 0, len;
	int fd = create("vec", 0644), i;

	CHECK(out && in, "malloc");
	for (i = 0; i < SEGS; i++) {
		len = 1 + 2 * ((i * 37 + 11) % 190);
		iov[i] = (struct iovec){ out + off, len };
		pat(out + off, total, len, 3, NULL);
		off += len + 2 * i + 1;
		total += len;
		len = 1 + 2 * (((SEGS - 1 - i) * 37 + 11) % 190);
		iov2[i] = (struct iovec){ in + off2, len };	/* sizes backwards */
		off2 += len + 5;
	}
	errno = 0;
	CHECK(writev(fd, iov, SEGS) == (ssize_t)total, "writev of %zu bytes", total);
	CHECK(!lseek(fd, 0, SEEK_SET) && readv(fd, iov2, SEGS) == (ssize_t)total, "readv");
	for (i = 0, off = 0; i < SEGS; off += iov2[i++].iov_len)
		pat(iov2[i].iov_base, off, iov2[i].iov_len, 3, "readv");
	sizes(fd, "vec", total);
	close(fd);
	printf("writev vec bytes=%zu\n", total);
}

/* sub/f0 .. sub/f9 listed by getdents64, renamed, unlinked, sub removed. */
static void directory(void)
{
	char p[4096], p2[4096], name[16], buf[100], *nm;
	int dfd, fd, i, n, off, seen = 0;
	unsigned short reclen;
	struct stat st;

	CHECK(!syscall(SYS_mkdir, in_dir(p, "sub"), 0755), "mkdir %s", p);
	dfd = open(p, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open %s", p);
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		fd = openat(dfd, name, O_CREAT | O_WRONLY, 0600);
		CHECK(fd >= 0 && !close(fd), "openat %s", name);
	}
	/* Room for a few entries at a time: several calls. */
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += reclen) {
			memcpy(&reclen, buf + off + offsetof(struct dirent64, d_reclen), 2);
			nm = buf + off + offsetof(struct dirent64, d_name);
			if (!strcmp(nm, ".") || !strcmp(nm, ".."))
				continue;
			i = nm[0] == 'f' && !nm[2] ? nm[1] - '0' : -1;
			errno = 0;
			CHECK(i >= 0 && i < 10 && !(seen & (1 << i)), "getdents64: %s", nm);
			seen |= 1 << i;
		}
	}
	CHECK(n == 0 && seen == 0x3ff, "getdents64: %d, seen %#x", n, seen);
	FAILS(syscall(SYS_rmdir, p), ENOTEMPTY, "rmdir of sub with files");
	CHECK(!syscall(SYS_rename, in_dir(p, "sub/f0"), in_dir(p2, "sub/g0")), "rename");
	CHECK(syscall(SYS_stat, p, &st) && !syscall(SYS_stat, p2, &st), "stat after rename");
	CHECK(!renameat(dfd, "f1", dfd, "g1"), "renameat");
	CHECK(!syscall(SYS_unlink, p2) && !unlinkat(dfd, "g1", 0), "unlink");
	for (i = 2; i < 10; i++) {
		snprintf(name, sizeof(name), "sub/f%d", i);
		CHECK(!syscall(SYS_unlink, in_dir(p, name)), "unlink %s", p);
	}
	CHECK(!syscall(SYS_rmdir, in_dir(p, "sub")), "rmdir %s", p);
	close(dfd);
}

static void files(void)
{
	static unsigned char k[KEPT];
	struct stat st, cwd;
	char p[4096];
	int fd;

	CHECK(!stat(".", &cwd) && !stat(dir, &st) && st.st_ino == cwd.st_ino,
	      "%s is not the working directory", dir);
	contents();
	vectors();
	directory();
	fd = open("rel", O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 0 && !fstat(fd, &cwd) && !stat(in_dir(p, "rel"), &st) &&
	      st.st_ino == cwd.st_ino && !close(fd), "relative open");
	CHECK(!unlink("rel"), "unlink rel");
	fd = create("kept", 0640);
	pat(k, 0, KEPT, 1, NULL);
	io(fd, k, KEPT, -1, "kept");	/* from .bss */
	CHECK(!fsync(fd), "fsync kept");
	sizes(fd, "kept", KEPT);
	CHECK(!syscall(SYS_stat, in_dir(p, "kept"), &st), "stat kept");
	printf("stat kept size=%lld mode=%o ino=%llu\n", (long long)st.st_size,
	       st.st_mode, (unsigned long long)st.st_ino);
	close(fd);
}

static void stdio(void)
{
	static const size_t rsz[] = { 1, 3, 17, 4096, 65536, 100, 8191, 2 };
	static const size_t wsz[] = { 5, 1, 1000, 4097, 64 };
	static char buf[65536];
	size_t i, j, w = 0, part;
	ssize_t n;

	for (i = 0; (n = read(0, buf, rsz[i % 8])) > 0; i++) {
		for (j = 0; j < (size_t)n; j++)
			buf[j] = toupper((unsigned char)buf[j]);	/* a-z only: C locale */
		for (j = 0; j < (size_t)n; j += part) {
			part = wsz[w++ % 5];
			part = part < (size_t)n - j ? part : (size_t)n - j;
			io(1, buf + j, part, -1, "stdout");
		}
	}
	CHECK(n == 0, "read stdin");
	io(2, "stderr-line\n", 12, -1, "stderr");
}

static void tcp(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) }, peer;
	socklen_t len = sizeof(peer);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char buf[4096];
	size_t got = 0;
	ssize_t n;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(s >= 0 && !connect(s, (struct sockaddr *)&sin, sizeof(sin)), "connect to %d", port);
	CHECK(!getpeername(s, (struct sockaddr *)&peer, &len) && len == sizeof(peer) &&
	      peer.sin_port == sin.sin_port, "getpeername");
	io(s, "ping from partition\n", 20, -1, "socket");
	while (got < sizeof(buf) - 1 && (n = read(s, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	CHECK(got && n == 0, "read the reply (%zu bytes)", got);
	buf[got] = '\0';
	printf("%s", buf);
	close(s);
}

static void efault(void)
{
	int fd = create("efault", 0600), pfd[2];
	unsigned char *m, buf[PAGE];
	char p[4096];

	FAILS(write(1, LOW, 16), EFAULT, "write from 8");
	FAILS(write(1, KERNEL, 16), EFAULT, "write from a kernel address");
	CHECK(!syscall(SYS_pipe, pfd) && write(pfd[1], "0123456789abcdef", 16) == 16, "pipe");
	FAILS(read(pfd[0], LOW, 16), EFAULT, "read from a pipe to 8");
	io(fd, "0123456789abcdef", 16, -1, "efault");
	FAILS(pread(fd, LOW, 16, 0), EFAULT, "pread to 8");
	FAILS(pread(fd, KERNEL, 16, 0), EFAULT, "pread to a kernel address");
	FAILS(syscall(SYS_stat, LOW, buf), EFAULT, "stat of a path at 8");
	FAILS(syscall(SYS_open, KERNEL, O_RDONLY), EFAULT, "open of a kernel address");
	FAILS(syscall(SYS_stat, in_dir(p, "efault"), LOW), EFAULT, "stat to 8");

	/* Unmapped after the host has seen it: no stale pages. */
	m = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap");
	memset(m, 0xa5, 16 * PAGE);
	io(fd, m, PAGE, -1, "mmap'd");
	io(fd, m + 15 * PAGE, PAGE, -1, "mmap'd");
	CHECK(!munmap(m, 16 * PAGE), "munmap");
	FAILS(write(fd, m, PAGE), EFAULT, "write from unmapped memory");
	FAILS(write(fd, m + 8 * PAGE, PAGE), EFAULT, "write from memory never seen");
	CHECK(mmap(m, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		   -1, 0) == m, "mmap again");
	memset(m, 0x5a, 16 * PAGE);
	CHECK(pwrite(fd, m, PAGE, 0) == PAGE, "pwrite from new memory");
	io(fd, buf, PAGE, 0, "efault");
	CHECK(buf[0] == 0x5a && buf[PAGE - 1] == 0x5a, "the old pages were written");
	/* Across the end of a mapping: as Linux does, a short write or EFAULT. */
	CHECK(!munmap(m + PAGE, PAGE) && (pwrite(fd, m + PAGE - 100, PAGE, 0) == 100 ||
					  errno == EFAULT), "write across the end of a mapping");

	/* Read-only memory, writable when the host first saw it. */
	io(fd, m + 2 * PAGE, PAGE, 0, "into writable memory");
	pat(m + 3 * PAGE, 0, PAGE, 5, NULL);
	CHECK(!mprotect(m + 2 * PAGE, 2 * PAGE, PROT_READ), "mprotect");
	FAILS(pread(fd, m + 2 * PAGE, PAGE, 0), EFAULT, "pread into read-only memory");
	CHECK(write(pfd[1], "0123456789abcdef", 16) == 16, "write to the pipe");
	FAILS(read(pfd[0], m + 3 * PAGE, 16), EFAULT, "read into read-only memory");
	pat(m + 3 * PAGE, 0, PAGE, 5, "read-only memory");
	CHECK(pwrite(fd, m + 3 * PAGE, PAGE, 0) == PAGE, "pwrite from read-only memory");
	io(fd, buf, PAGE, 0, "efault");
	pat(buf, 0, PAGE, 5, "written from read-only memory");
	CHECK(!munmap(m, 16 * PAGE) && !close(fd) && !unlink(p), "munmap, close, unlink");
}

/*
 * Calls that pin the program's pages: vmsplice() fails with EFAULT either
 * way; O_DIRECT read and write of block device @dev fail with EFAULT when
 * the proxy maps the program's pages, and work copy-based (@copy).
 */
static void pins(const char *dev, int copy)
{
	unsigned char *a = aligned_alloc(PAGE, 2 * PAGE), *b = a + PAGE;
	struct iovec iov = { a, PAGE };
	int fd, pfd[2];

	CHECK(a, "aligned_alloc");
	pat(a, 0, PAGE, 6, NULL);
	CHECK(!syscall(SYS_pipe, pfd), "pipe");
	FAILS(vmsplice(pfd[1], &iov, 1, 0), EFAULT, "vmsplice of the program's memory");
	fd = open(dev, O_RDWR | O_DIRECT);
	CHECK(fd >= 0, "open %s with O_DIRECT", dev);
	if (copy) {
		memset(b, 0, PAGE);
		CHECK(pwrite(fd, a, PAGE, 0) == PAGE && pread(fd, b, PAGE, 0) == PAGE,
		      "O_DIRECT write and read back");
		pat(b, 0, PAGE, 6, "O_DIRECT read back");
	} else {
		FAILS(pwrite(fd, a, PAGE, 0), EFAULT, "O_DIRECT write");
		FAILS(pread(fd, b, PAGE, 0), EFAULT, "O_DIRECT read");
	}
	CHECK(!close(fd) && !close(pfd[0]) && !close(pfd[1]), "close");
	free(a);
}

/* One of THREADS: its own file, written in odd pieces, read back. */
static void *thread_io(void *arg)
{
	int i = (int)(long)arg, fd, seed = 10 + i;
	size_t len = THREAD_LEN(i), off, n;
	unsigned char *a = malloc(len), *b = malloc(len);
	char name[16];

	CHECK(a && b, "malloc");
	snprintf(name, sizeof(name), "t%d", i);
	fd = create(name, 0644);
	pat(a, 0, len, seed, NULL);
	for (off = 0; off < len; off += n) {
		n = 1000 + 4096 * (off % 7) + i;
		if (n > len - off)
			n = len - off;
		io(fd, a + off, n, -1, name);
	}
	memset(b, 0, len);
	io(fd, b, len, 0, name);
	pat(b, 0, len, seed, name);
	dprintf(1, "thread %d done\n", i);
	CHECK(!close(fd), "close %s", name);
	free(a);
	free(b);
	return NULL;
}

/* THREADS threads doing I/O at once, each served by its own proxy thread. */
static void threads(void)
{
	pthread_t t[THREADS];
	long i;

	for (i = 0; i < THREADS; i++)
		CHECK(!pthread_create(&t[i], NULL, thread_io, (void *)i), "pthread_create");
	for (i = 0; i < THREADS; i++)
		CHECK(!pthread_join(t[i], NULL), "pthread_join");
}

static void on_sigint(int sig)
{
}

/* Read stdin until EINTR (@wait_int, after SIGINT) or forever. */
static void block(int wait_int)
{
	struct sigaction sa = { .sa_handler = on_sigint };	/* no SA_RESTART */
	char buf[256];
	ssize_t n;

	CHECK(!wait_int || !sigaction(SIGINT, &sa, NULL), "sigaction");
	dprintf(1, "%s\n", wait_int ? "waiting" : "blocking");
	while ((n = read(0, buf, sizeof(buf))) > 0 || (n < 0 && !wait_int && errno == EINTR))
		;
	CHECK(wait_int && n < 0 && errno == EINTR, "read of stdin: %zd", n);
	printf("interrupted\n");
	exit(3);
}

/* poll() stdin until it is readable, through a stop and a SIGCONT. */
static void poll_stdin(void)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	int n;

	dprintf(1, "polling\n");
	n = poll(&pfd, 1, 60000);
	CHECK(n == 1 && (pfd.revents & POLLIN), "poll of stdin: %d", n);
	printf("poll ready\n");
}

static void die_by(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
	errx(1, "alive after signal %d", sig);
}

int main(int argc, char **argv)
{
	const char *arg = argc > 2 ? argv[2] : NULL;

	cmd = argc > 1 ? argv[1] : "";
	dir = arg ? arg : ".";
	if (!strcmp(cmd, "files") && arg)
		files();
	else if (!strcmp(cmd, "threads") && arg)
		threads();
	else if (!strcmp(cmd, "stdio"))
		stdio();
	else if (!strcmp(cmd, "tcp") && arg)
		tcp(atoi(arg));
	else if (!strcmp(cmd, "efault"))
		efault();
	else if (!strcmp(cmd, "poll"))
		poll_stdin();
	else if (!strcmp(cmd, "pins") && arg && argc > 3)
		pins(arg, !strcmp(argv[3], "copy"));
	else if (!strcmp(cmd, "exit") && arg)
		exit(atoi(arg));
	else if (!strcmp(cmd, "kill") && arg)
		die_by(atoi(arg));
	else if (!strcmp(cmd, "wait-int") || !strcmp(cmd, "block"))
		block(!strcmp(cmd, "wait-int"));
	else
		errx(2, "%s", usage);
	printf("ok %s\n", cmd);
	return 0;
}

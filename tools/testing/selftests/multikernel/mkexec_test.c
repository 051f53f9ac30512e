// SPDX-License-Identifier: GPL-2.0
/*
 * System call delegation: mkexec runs mkexec_prog (static, installed beside
 * this test) on a partition kernel on CPUs 2-3, its file, pipe and socket
 * calls served by this kernel in mkexec's process.
 *
 * - calls_then_stop: files in a directory of ours, checked here too (their
 *   contents, and the program's stat line against ours); 8 program threads
 *   writing and reading their own files at once, their calls spread over
 *   the partition's 3 delegation channels; stdin to stdout
 *   through our pipes; a TCP connection to our listener on 127.0.0.1; bad,
 *   unmapped, read-only and kernel addresses give EFAULT; the files, pipes
 *   and faults again copy-based (mkexec -c), with far fewer messages from
 *   the partition than mapping the program's pages took, and pre-mapped
 *   (mkexec -m, with the threads too), also with far fewer; vmsplice and
 *   O_DIRECT on the program's buffers (EFAULT; O_DIRECT works copy-based);
 *   exit statuses
 *   (the code, 128 + a signal); a missing program (127), a dynamic one, a
 *   PIE and a truncated ELF (126); a partition that does not exist; two
 *   programs at once (one blocked in a read of our pipe); then the
 *   partition stopped by force under the blocked one: mkexec exits 255
 *   within 20 s and says so.
 * - arguments: /dev/mkexec's and a session's ioctls and mapping refuse bad
 *   sizes (a 4 GiB one with E2BIG, unread), flags, reserved fields,
 *   strings, ranges and descriptors with their documented errno; a
 *   session launched by hand reports its thread and its end by SIGTERM.
 * - signals_then_crash: SIGINT to mkexec reaches the program, whose read
 *   of our pipe ends with EINTR; SIGTERM ends it (143); a program stopped
 *   and continued in poll() goes on polling; SIGKILL to mkexec
 *   ends the program on the partition too, and the next one runs; the
 *   partition kernel forges 3000 delegation messages about a blocked
 *   program's session (deleg_fuzz, seed printed): mkexec still ends when
 *   killed and the next program runs; then the partition crashes under a
 *   blocked program: 255 within 20 s.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/mkexec.h>

#include "../kselftest_harness.h"
#include "part_shell.h"

#define MKEXEC		"/usr/bin/mkexec"
#define MKEXEC_DEV	"/dev/mkexec"
#define PROG		"mkexec_prog"
#define BUSYBOX		"/bin/busybox"	/* Debian's busybox-static: ET_EXEC */
#define RAMDISK		"/dev/ram0"	/* scratch for O_DIRECT */
/* harness/guest/partition-disk.sh: its "panic" says it is on purpose */
#define PART_DISK_SH	"/partition-disk.sh"
#define OUT_MAX		(1024 * 1024)
#define ERR_MAX		(64 * 1024)
#define RUN_MS		90000	/* any one run, 8 MiB files included */
#define LOST_MS		20000	/* mkexec's end after its partition's */
#define BIG		(8 * 1024 * 1024)
#define KEPT		12345
#define STDIO_LEN	(256 * 1024 + 77)
#define NO_PART		999	/* a partition id nobody has */
/* mkexec_prog's "threads": t<i> holds THREAD_LEN(i) bytes of pattern 10 + i. */
#define THREADS		8
#define CHANNELS	3	/* calls_then_stop's partition: delegation=3 */
#define THREAD_LEN(i)	(256 * 1024 + (i) * 4097)
/* mkexec's status when it was killed by @sig itself (not its program). */
#define SIGNALED(sig)	(256 + (sig))
#define LOST_MSG	"mkexec: partition %d stopped or crashed"
/* signals_then_crash's forged delegation messages, per channel */
#define FUZZ_SEED	20261203
#define FUZZ_MSGS	3000

/* One mkexec: its pipes, what it printed, how it ended. */
struct mkx {
	pid_t pid;
	int in, out, err;	/* our ends, -1 once closed */
	const char *feed;	/* its stdin, then EOF unless keep_in */
	size_t feed_len, fed;
	bool keep_in;
	const char *mode;	/* "-c" (copy-based), "-m" (pre-mapped) or NULL */
	char *obuf, *ebuf;
	size_t olen, elen;
	int status;	/* exit code, SIGNALED(), -ETIMEDOUT or -errno */
};

FIXTURE(mkx) {
	struct part p;
	char prog[PATH_MAX];
	char dir[32];
	pid_t server;
};

FIXTURE_SETUP(mkx)
{
	char exe[PATH_MAX - sizeof(PROG) - 1];
	ssize_t n;

	self->p.id = -1;
	self->p.fd = -1;
	self->server = -1;
	if (access(MKEXEC_DEV, F_OK) || access(TEST_PART_KERNEL, R_OK) ||
	    access("/dev/multikernel", R_OK))
		SKIP(return, "no " MKEXEC_DEV " or no partition kernel");
	ASSERT_EQ(0, access(MKEXEC, X_OK)) TH_LOG(MKEXEC " is not installed");
	/* The program is beside this test. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(self->prog, sizeof(self->prog), "%s/" PROG, exe);
	ASSERT_EQ(0, access(self->prog, X_OK)) TH_LOG("no %s", self->prog);
	snprintf(self->dir, sizeof(self->dir), "/tmp/mkexec-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	signal(SIGPIPE, SIG_IGN);	/* a program that did not read its stdin */
}

FIXTURE_TEARDOWN(mkx)
{
	if (self->server > 0) {
		kill(self->server, SIGKILL);
		waitpid(self->server, NULL, 0);
	}
	/* Our mkexec processes die with us (PR_SET_PDEATHSIG). */
	part_stop(&self->p, true);
	if (self->dir[0])
		mk_run("rm -rf %s", self->dir);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* In the child: mkexec with our pipes, default signals, in @cwd. */
static void mkx_exec(int in, int out, int err, const char *cwd, char **argv)
{
	sigset_t none;
	int sig;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 || (cwd && chdir(cwd)))
		_exit(120);
	close_range(3, ~0U, 0);		/* the partition's console, for one */
	umask(022);
	execv(MKEXEC, argv);
	dprintf(2, "exec " MKEXEC ": %s\n", strerror(errno));
	_exit(120);
}

/* Start "mkexec @id @prog ARGS" in @cwd (NULL: ours); 0 or -errno. */
static int mkx_vstart(struct mkx *m, int id, const char *cwd, const char *prog, va_list ap)
{
	int in[2], out[2], err[2], n = 0;
	char ids[16], *argv[16];

	snprintf(ids, sizeof(ids), "%d", id);
	argv[n++] = "mkexec";
	if (m->mode)
		argv[n++] = (char *)m->mode;
	argv[n++] = ids;
	argv[n++] = (char *)prog;
	while (n < 15 && (argv[n] = va_arg(ap, char *)))
		n++;
	argv[n] = NULL;
	free(m->obuf);
	free(m->ebuf);
	m->obuf = calloc(1, OUT_MAX);
	m->ebuf = calloc(1, ERR_MAX);
	m->olen = 0;
	m->elen = 0;
	m->fed = 0;
	m->status = -1;
	if (!m->obuf || !m->ebuf || pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC))
		return -errno;
	m->pid = fork();
	if (m->pid < 0)
		return -errno;
	if (!m->pid)
		mkx_exec(in[0], out[1], err[1], cwd, argv);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	m->in = in[1];
	m->out = out[0];
	m->err = err[0];
	fcntl(m->in, F_SETFL, O_NONBLOCK);
	if (!m->feed_len && !m->keep_in)
		close_fd(&m->in);
	return 0;
}

static int mkx_start(struct mkx *m, int id, const char *cwd, const char *prog, ...)
{
	va_list ap;
	int ret;

	va_start(ap, prog);
	ret = mkx_vstart(m, id, cwd, prog, ap);
	va_end(ap);
	return ret;
}

/* What is in the pipe @fd (its stdout or stderr), kept while there is room. */
static void mkx_collect(struct mkx *m, int *fd)
{
	bool out = fd == &m->out;
	char *buf = out ? m->obuf : m->ebuf, scratch[4096];
	size_t *len = out ? &m->olen : &m->elen;
	size_t room = (out ? OUT_MAX : ERR_MAX) - 1 - *len;
	ssize_t n = read(*fd, room ? buf + *len : scratch, room ? room : sizeof(scratch));

	if (n > 0 && room)
		*len += n;
	else if (!n || (n < 0 && errno != EINTR && errno != EAGAIN))
		close_fd(fd);
}

static void mkx_feed(struct mkx *m)
{
	size_t left = m->feed_len - m->fed;
	ssize_t n = write(m->in, m->feed + m->fed, left < 65536 ? left : 65536);

	if (n > 0)
		m->fed += n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		m->fed = m->feed_len;	/* it is gone: give up */
	if (m->fed == m->feed_len && !m->keep_in)
		close_fd(&m->in);
}

/*
 * Feed its stdin and collect its output until @want shows up in its
 * stdout (NULL: until it has exited and closed both, or 2 s after its
 * exit), for @ms at most: 0, -ESRCH (it ended without saying @want) or
 * -ETIMEDOUT.
 */
static int mkx_pump(struct mkx *m, const char *want, int ms)
{
	long long end = ikc_now_ms() + ms, ended = 0;
	struct pollfd pfd[3];
	int *fds[3], n, i, st;

	for (;;) {
		if (want && memmem(m->obuf, m->olen, want, strlen(want)))
			return 0;
		if (m->pid > 0 && waitpid(m->pid, &st, WNOHANG) == m->pid) {
			m->status = WIFEXITED(st) ? WEXITSTATUS(st) : SIGNALED(WTERMSIG(st));
			m->pid = -1;
		}
		if (m->pid < 0 && !ended)
			ended = ikc_now_ms();
		if (m->pid < 0 && ((m->out < 0 && m->err < 0) || ikc_now_ms() > ended + 2000))
			return want ? -ESRCH : 0;
		if (ikc_now_ms() >= end)
			return -ETIMEDOUT;
		n = 0;
		if (m->out >= 0) {
			pfd[n] = (struct pollfd){ .fd = m->out, .events = POLLIN };
			fds[n++] = &m->out;
		}
		if (m->err >= 0) {
			pfd[n] = (struct pollfd){ .fd = m->err, .events = POLLIN };
			fds[n++] = &m->err;
		}
		if (m->in >= 0 && m->fed < m->feed_len) {
			pfd[n] = (struct pollfd){ .fd = m->in, .events = POLLOUT };
			fds[n++] = &m->in;
		}
		if (!n || poll(pfd, n, 50) <= 0) {
			if (!n)
				usleep(10000);
			continue;
		}
		for (i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (fds[i] == &m->in)
				mkx_feed(m);
			else
				mkx_collect(m, fds[i]);
		}
	}
}

/* Signal mkexec, if it still runs. */
static void mkx_kill(struct mkx *m, int sig)
{
	if (m->pid > 0)
		kill(m->pid, sig);
}

/* Its end within @ms (killed after that): its status. */
static int mkx_wait(struct __test_metadata *_metadata, struct mkx *m, int ms)
{
	if (mkx_pump(m, NULL, ms)) {
		TH_LOG("mkexec still ran after %d s: killed", ms / 1000);
		mkx_kill(m, SIGKILL);
		if (m->pid > 0)
			waitpid(m->pid, NULL, 0);
		m->pid = -1;
		m->status = -ETIMEDOUT;
	}
	close_fd(&m->in);
	close_fd(&m->out);
	close_fd(&m->err);
	m->obuf[m->olen] = '\0';
	m->ebuf[m->elen] = '\0';
	m->feed = NULL;
	m->feed_len = 0;
	m->keep_in = false;
	return m->status;
}

/* Run "mkexec @id @prog ARGS" in @cwd to its end: its status. */
static int mkx_run(struct __test_metadata *_metadata, struct mkx *m, int id,
		   const char *cwd, const char *prog, ...)
{
	va_list ap;
	int ret;

	va_start(ap, prog);
	ret = mkx_vstart(m, id, cwd, prog, ap);
	va_end(ap);
	if (ret) {
		TH_LOG("cannot start mkexec: %s", strerror(-ret));
		return ret;
	}
	return mkx_wait(_metadata, m, RUN_MS);
}

static bool mkx_said(const struct mkx *m, const char *s)
{
	return memmem(m->obuf, m->olen, s, strlen(s));
}

/* The end of @buf on one line, "|" for its newlines, "." for bytes unprintable. */
static const char *one_line(char *line, size_t size, const char *buf, size_t len)
{
	size_t i, from = len > size - 1 ? len - (size - 1) : 0;
	unsigned char c;

	for (i = from; buf && i < len; i++) {
		c = buf[i];
		line[i - from] = c == '\n' ? '|' : isprint(c) ? c : '.';
	}
	line[buf ? len - from : 0] = '\0';
	return line;
}

/* What mkexec did (the end of what it printed), after what we wanted. */
static void mkx_log(struct __test_metadata *_metadata, const struct mkx *m, const char *what)
{
	char line[1024];

	TH_LOG("%s: mkexec's status %d, stdout (%zu bytes): %s", what, m->status, m->olen,
	       one_line(line, sizeof(line), m->obuf, m->olen));
	TH_LOG("%s: its stderr: %s", what, one_line(line, sizeof(line), m->ebuf, m->elen));
}

/*
 * mkexec ended with @status, printed @out on stdout and @err on stderr
 * (NULL: anything; "": something); if not, what it did is logged.
 */
static void expect_end(struct __test_metadata *_metadata, const struct mkx *m,
		       const char *what, int status, const char *out, const char *err)
{
	bool ok = m->status == status && (!out || mkx_said(m, out));
	const char *e = err && !err[0] ? "any message" : err ?: "";
	char want[160];

	if (err)
		ok = ok && (err[0] ? !!memmem(m->ebuf, m->elen, err, strlen(err)) : m->elen > 0);
	/* What we wanted, the first line of each. */
	snprintf(want, sizeof(want), "%s (wanted status %d, \"%.*s\", \"%.*s\")", what, status,
		 out ? (int)strcspn(out, "\n") : 0, out ?: "", (int)strcspn(e, "\n"), e);
	EXPECT_TRUE(ok) mkx_log(_metadata, m, want);
}

/* mkexec printed exactly the @len bytes at @want. */
static void expect_output(struct __test_metadata *_metadata, const struct mkx *m,
			  const unsigned char *want, size_t len, const char *what)
{
	size_t i;

	EXPECT_EQ(len, m->olen) TH_LOG("%s: %zu bytes out", what, m->olen);
	for (i = 0; i < m->olen && i < len && m->obuf[i] == (char)want[i]; i++)
		;
	EXPECT_EQ(len, i) TH_LOG("%s: byte %zu differs", what, i);
}

/* Does @path hold @size bytes of mkexec_prog's pattern @seed? */
static bool holds_pattern(struct __test_metadata *_metadata, const char *path, size_t size,
			  int seed)
{
	unsigned char *buf = malloc(size + 1);
	int fd = open(path, O_RDONLY);
	ssize_t n = -1;
	size_t i;

	if (fd >= 0 && buf)
		n = read(fd, buf, size + 1);
	if (fd >= 0)
		close(fd);
	for (i = 0; n == (ssize_t)size && i < size; i++)
		if (buf[i] != (unsigned char)(i * 7 + (i >> 12) * 13 + seed * 101))
			break;
	free(buf);
	if (n != (ssize_t)size || i < size)
		TH_LOG("%s: %zd bytes, not %zu of pattern %d (byte %zu differs)", path, n,
		       size, seed, i);
	return n == (ssize_t)size && i == size;
}

/* What "files" left in @dir: big, kept and vec, as it says and we see. */
static void check_files(struct __test_metadata *_metadata, const char *dir,
			const struct mkx *m)
{
	unsigned long long ino = 0;
	long long size = -1;
	char path[128], *line;
	unsigned int mode = 0;
	struct dirent *de;
	size_t vec = 0;
	struct stat st;
	int others = 0;
	DIR *d;

	line = memmem(m->obuf, m->olen, "stat kept ", 10);
	EXPECT_TRUE(line && sscanf(line, "stat kept size=%lld mode=%o ino=%llu",
				   &size, &mode, &ino) == 3) mkx_log(_metadata, m, "files");
	snprintf(path, sizeof(path), "%s/kept", dir);
	ASSERT_EQ(0, stat(path, &st));
	/* The program's stat of our file is ours. */
	EXPECT_EQ(KEPT, size);
	EXPECT_EQ(st.st_size, size);
	EXPECT_EQ(st.st_mode, mode);
	EXPECT_EQ(S_IFREG | 0640, mode);	/* its umask: mkexec's, ours */
	EXPECT_EQ(st.st_ino, ino);
	EXPECT_TRUE(holds_pattern(_metadata, path, KEPT, 1));
	snprintf(path, sizeof(path), "%s/big", dir);
	EXPECT_TRUE(holds_pattern(_metadata, path, BIG, 2));
	line = memmem(m->obuf, m->olen, "writev vec bytes=", 17);
	EXPECT_TRUE(line && sscanf(line, "writev vec bytes=%zu", &vec) == 1);
	snprintf(path, sizeof(path), "%s/vec", dir);
	EXPECT_TRUE(vec > 64 && holds_pattern(_metadata, path, vec, 3));
	/* Nothing else: the rest was removed, by the program, from here. */
	d = opendir(dir);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "big") && strcmp(de->d_name, "kept") &&
		    strcmp(de->d_name, "vec")) {
			TH_LOG("left behind: %s", de->d_name);
			others++;
		}
	closedir(d);
	EXPECT_EQ(0, others);
}

/*
 * The delegation channels of partition @id on this side: how many there
 * are, in @used how many have carried messages, and in @msgs (if not NULL)
 * how many messages came from the partition on them in all.
 */
static int deleg_channels(int id, int *used, long long *msgs)
{
	long long rx;
	char svc[32], role[32], peer[64];
	struct dirent *de;
	char *dot;
	int n = 0;
	DIR *d;

	*used = 0;
	if (msgs)
		*msgs = 0;
	d = opendir(IKC_DEVS);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		dot = strchr(de->d_name, '.');
		if (strncmp(de->d_name, "ikc", 3) || !dot ||
		    ikc_dev_read(de->d_name, "service", svc, sizeof(svc)) < 0 ||
		    ikc_dev_read(de->d_name, "role", role, sizeof(role)) < 0 ||
		    strcmp(svc, "deleg") || strcmp(role, "server"))
			continue;
		snprintf(peer, sizeof(peer), "%.*s", (int)(dot - de->d_name), de->d_name);
		if (ikc_dev_num(peer, "partition") != id)
			continue;
		n++;
		rx = ikc_stat(de->d_name, "msgs_rx");
		if (rx > 0)
			(*used)++;
		if (msgs && rx > 0)
			*msgs += rx;
	}
	closedir(d);
	return n;
}

/*
 * mkexec_prog's "files" in @dir, run as @m says, and its files checked
 * here: the messages partition @id sent on its delegation channels.
 */
static long long run_files(struct __test_metadata *_metadata, struct mkx *m, int id,
			   const char *prog, const char *dir, const char *what)
{
	long long before, after;
	int used;

	deleg_channels(id, &used, &before);
	mkx_run(_metadata, m, id, dir, prog, "files", dir, NULL);
	expect_end(_metadata, m, what, 0, "ok files\n", NULL);
	check_files(_metadata, dir, m);
	deleg_channels(id, &used, &after);
	return after - before;
}

/* The MD5 sum of @path by busybox here, 32 hex digits in @sum; true if got. */
static bool local_md5(const char *path, char *sum)
{
	char cmd[128];
	FILE *f;
	bool ok;

	snprintf(cmd, sizeof(cmd), BUSYBOX " md5sum %s", path);
	f = popen(cmd, "r");
	if (!f)
		return false;
	ok = fscanf(f, "%32s", sum) == 1 && strlen(sum) == 32;
	pclose(f);
	return ok;
}

/* Answer one connection on @ls: the program's line, after ours. */
static int serve_once(int ls)
{
	char line[64] = "";
	size_t len = 0;
	ssize_t n = 0;
	int c;

	signal(SIGALRM, SIG_DFL);
	alarm(RUN_MS / 1000);
	c = accept(ls, NULL, NULL);
	if (c < 0)
		return 2;
	while (len < sizeof(line) - 1 && !memchr(line, '\n', len) &&
	       (n = read(c, line + len, sizeof(line) - 1 - len)) > 0)
		len += n;
	line[len] = '\0';
	if (strcmp(line, "ping from partition\n"))
		return 3;
	dprintf(c, "pong from host: %s", line);
	close(c);
	return 0;
}

/* A child that listens on 127.0.0.1:@port and answers once; its pid. */
static pid_t tcp_server(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sin, len) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&sin, &len))
		return -1;
	*port = ntohs(sin.sin_port);
	pid = fork();
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(serve_once(ls));
	}
	close(ls);
	return pid;
}

/* Child @pid's exit status within @ms, or -1 (then killed). */
static int reap(pid_t pid, int ms)
{
	long long end = ikc_now_ms() + ms;
	int st;

	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (ikc_now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return -1;
		}
		usleep(20000);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Copy of @src at @dst with ELF type @type (ET_DYN: a PIE); 0 or -1. */
static int copy_as_type(const char *src, const char *dst, int type)
{
	static char buf[4 << 20];
	int in = open(src, O_RDONLY), out;
	ssize_t n = in < 0 ? -1 : read(in, buf, sizeof(buf));

	if (in >= 0)
		close(in);
	if (n < 64 || memcmp(buf, "\177ELF", 4))
		return -1;
	buf[16] = type;
	buf[17] = 0;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0)
		return -1;
	if (write(out, buf, n) != n) {
		close(out);
		return -1;
	}
	return close(out);
}

/* A dynamically linked program of Debian's in the guest, or NULL. */
static const char *dynamic_program(void)
{
	static const char * const progs[] = { "/usr/bin/mke2fs", "/usr/bin/iperf3" };
	unsigned char h[18];
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(progs); i++) {
		fd = open(progs[i], O_RDONLY);
		if (fd < 0)
			continue;
		/* ELF, 64-bit, ET_DYN: dynamic or PIE, either way refused. */
		if (read(fd, h, sizeof(h)) == sizeof(h) && !memcmp(h, "\177ELF\2", 5) &&
		    h[16] == 3 && !h[17]) {
			close(fd);
			return progs[i];
		}
		close(fd);
	}
	return NULL;
}

/* Start @prog "block" (stdin kept open) on @id and wait until it blocks. */
static void start_blocked(struct __test_metadata *_metadata, struct mkx *m, int id,
			  const char *prog, const char *tag)
{
	m->keep_in = true;
	ASSERT_EQ(0, mkx_start(m, id, NULL, prog, "block", tag, NULL));
	ASSERT_EQ(0, mkx_pump(m, "blocking\n", RUN_MS)) mkx_log(_metadata, m, "block");
	/* Its read of our pipe reaches this kernel. */
	mkx_pump(m, NULL, 1000);
}

/* A blocked program's mkexec after its partition's end: 255, said, soon. */
static void expect_lost(struct __test_metadata *_metadata, struct mkx *m, int id,
			long long since, const char *what)
{
	char msg[64];

	mkx_wait(_metadata, m, 2 * LOST_MS);
	snprintf(msg, sizeof(msg), LOST_MSG, id);
	expect_end(_metadata, m, what, 255, NULL, msg);
	EXPECT_GE(LOST_MS, ikc_now_ms() - since) mkx_log(_metadata, m, what);
}

/* ---- argument checks of /dev/mkexec and of a session, by hand ---- */

/* A LAUNCH of mkexec_prog @argv0 "exit" @code on @id, as mkexec would ask. */
static void fill_launch(struct mkexec_launch *l, int id, int image, const char *strings,
			size_t len)
{
	*l = (struct mkexec_launch){
		.size = sizeof(*l), .partition = id, .image_fd = image,
		.strings = (uintptr_t)strings, .strings_len = len, .argc = 3,
		.va_start = 0x10000, .va_end = 0x500000000000ULL,
	};
}

/* ioctl @cmd of @fd with @arg: 0, or the errno it failed with. */
static int ioctl_err(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

TEST_F_TIMEOUT(mkx, arguments, 120)
{
	static const char strings[] = "mkexec_prog\0block\0tag\0";
	struct { struct mkexec_launch l; __u64 tail; } big;
	struct mkexec_launch l;
	struct mkexec_serve sv;
	struct mkexec_event ev;
	int dev, image, id, sfd;
	void *p;

	dev = open(MKEXEC_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	image = open(self->prog, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, image);

	/* Sizes: past a page refused before the rest is read, as documented. */
	fill_launch(&l, NO_PART, image, strings, sizeof(strings) - 1);
	l.size = 0xffffffff;
	EXPECT_EQ(E2BIG, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	l.size = 8;
	EXPECT_EQ(EINVAL, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	fill_launch(&big.l, NO_PART, image, strings, sizeof(strings) - 1);
	big.l.size = sizeof(big);
	big.tail = 1;
	EXPECT_EQ(E2BIG, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &big));
	/* Flags, reserved fields, strings, range, descriptor. */
	fill_launch(&l, NO_PART, image, strings, sizeof(strings) - 1);
	l.flags = MKEXEC_LAUNCH_PREMAP << 1;
	EXPECT_EQ(EINVAL, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	l.flags = MKEXEC_LAUNCH_COPY | MKEXEC_LAUNCH_PREMAP;	/* one way or the other */
	EXPECT_EQ(EINVAL, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	fill_launch(&l, NO_PART, image, strings, sizeof(strings) - 1);
	l.reserved[6] = 1;
	EXPECT_EQ(EINVAL, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	fill_launch(&l, NO_PART, image, strings, sizeof(strings) - 1);
	l.argc = 4;
	EXPECT_EQ(EINVAL, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	fill_launch(&l, NO_PART, image, strings, sizeof(strings) - 1);
	l.va_end = 1ULL << 48;
	EXPECT_EQ(EINVAL, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	fill_launch(&l, NO_PART, image, strings, sizeof(strings) - 1);
	l.strings = 8;
	EXPECT_EQ(EFAULT, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	fill_launch(&l, NO_PART, -1, strings, sizeof(strings) - 1);
	EXPECT_EQ(EBADF, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	fill_launch(&l, NO_PART, dev, strings, sizeof(strings) - 1);
	EXPECT_EQ(EACCES, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	/* All well but the partition: none of that id. */
	fill_launch(&l, NO_PART, image, strings, sizeof(strings) - 1);
	EXPECT_EQ(ENODEV, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	EXPECT_EQ(ENOTTY, ioctl_err(dev, MKEXEC_IOC_SERVE, &sv));

	/* A session: its own ioctls and mapping check theirs. */
	ASSERT_EQ(0, part_boot(&self->p, ""));
	id = self->p.id;
	fill_launch(&l, id, image, strings, sizeof(strings) - 1);
	ASSERT_EQ(0, ioctl_err(dev, MKEXEC_IOC_LAUNCH, &l));
	sfd = l.session_fd;
	EXPECT_LT(0, (int)l.pid);
	EXPECT_EQ(FD_CLOEXEC, fcntl(sfd, F_GETFD));
	sv = (struct mkexec_serve){ .size = 0xffffffff, .tid = l.pid };
	EXPECT_EQ(E2BIG, ioctl_err(sfd, MKEXEC_IOC_SERVE, &sv));
	sv = (struct mkexec_serve){ .size = 4, .tid = l.pid };
	EXPECT_EQ(EINVAL, ioctl_err(sfd, MKEXEC_IOC_SERVE, &sv));
	sv = (struct mkexec_serve){ .size = sizeof(sv), .flags = 1, .tid = l.pid };
	EXPECT_EQ(EINVAL, ioctl_err(sfd, MKEXEC_IOC_SERVE, &sv));
	sv = (struct mkexec_serve){ .size = sizeof(sv), .tid = 999999 };
	EXPECT_EQ(ESRCH, ioctl_err(sfd, MKEXEC_IOC_SERVE, &sv));
	ev = (struct mkexec_event){ .size = 0xffffffff };
	EXPECT_EQ(E2BIG, ioctl_err(sfd, MKEXEC_IOC_EVENT, &ev));
	ev = (struct mkexec_event){ .size = sizeof(ev), .type = 1 };
	EXPECT_EQ(EINVAL, ioctl_err(sfd, MKEXEC_IOC_EVENT, &ev));
	EXPECT_EQ(EINVAL, ioctl(sfd, MKEXEC_IOC_KILL, 0) ? errno : 0);
	EXPECT_EQ(EINVAL, ioctl(sfd, MKEXEC_IOC_KILL, 65) ? errno : 0);
	EXPECT_EQ(ENOTTY, ioctl_err(sfd, MKEXEC_IOC_LAUNCH, &l));
	/* Only shared, only at the program's own addresses. */
	p = mmap((void *)0x20000000, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, sfd,
		 0x20000000);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap((void *)0x20000000, 4096, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, sfd,
		 0x30000000);
	EXPECT_EQ(MAP_FAILED, p);
	/* Its first call announces its thread; SIGTERM ends it, by default. */
	ev = (struct mkexec_event){ .size = sizeof(ev) };
	ASSERT_EQ(0, ioctl_err(sfd, MKEXEC_IOC_EVENT, &ev));
	EXPECT_EQ(MKEXEC_EVENT_THREAD, ev.type);
	EXPECT_EQ((int)l.pid, ev.tid);
	EXPECT_EQ(0, ioctl(sfd, MKEXEC_IOC_KILL, SIGTERM) ? errno : 0);
	ev = (struct mkexec_event){ .size = sizeof(ev) };
	ASSERT_EQ(0, ioctl_err(sfd, MKEXEC_IOC_EVENT, &ev));
	EXPECT_EQ(MKEXEC_EVENT_EXIT, ev.type);
	EXPECT_EQ(SIGTERM, ev.status);
	close(sfd);
	close(image);
	close(dev);
}

TEST_F_TIMEOUT(mkx, calls_then_stop, 300)
{
	static const struct {
		const char *how, *arg;
		int status;
	} ends[] = {
		{ "exit", "0", 0 }, { "exit", "7", 7 },
		{ "kill", "11", 128 + SIGSEGV }, { "kill", "15", 128 + SIGTERM },
	};
	char path[64], path2[64], port_s[16], want_line[32], sum[33];
	long long mapped_msgs, copied_msgs, premapped_msgs;
	struct mkx m = { 0 }, other = { 0 };
	unsigned char *in, *want;
	const char *dyn;
	long long t0;
	int id, i, port, fd, used;

	/* Three channels: the threads' calls spread over them. */
	ASSERT_EQ(0, part_boot(&self->p, "--set delegation=3"));
	id = self->p.id;
	EXPECT_EQ(CHANNELS, deleg_channels(id, &used, NULL));

	/* Files, in our directory, also its working directory. */
	mapped_msgs = run_files(_metadata, &m, id, self->prog, self->dir, "files");

	/* A tool nobody here wrote: busybox (static) sums "big" as we do. */
	mkx_run(_metadata, &m, id, self->dir, BUSYBOX, "md5sum", "big", NULL);
	expect_end(_metadata, &m, "busybox md5sum", 0, NULL, NULL);
	snprintf(path, sizeof(path), "%s/big", self->dir);
	EXPECT_TRUE(local_md5(path, sum) && !strncmp(m.obuf, sum, 32))
		mkx_log(_metadata, &m, "busybox md5sum, against ours");

	/* 8 program threads doing I/O at once, 8 proxy threads here. */
	mkx_run(_metadata, &m, id, NULL, self->prog, "threads", self->dir, NULL);
	expect_end(_metadata, &m, "threads", 0, "ok threads\n", NULL);
	for (i = 0; i < THREADS; i++) {
		snprintf(path, sizeof(path), "%s/t%d", self->dir, i);
		EXPECT_TRUE(holds_pattern(_metadata, path, THREAD_LEN(i), 10 + i));
		snprintf(want_line, sizeof(want_line), "thread %d done\n", i);
		EXPECT_TRUE(mkx_said(&m, want_line)) mkx_log(_metadata, &m, "threads");
		unlink(path);
	}
	/* Threads 1 to 9 of the partition: every channel had some. */
	EXPECT_EQ(CHANNELS, deleg_channels(id, &used, NULL));
	EXPECT_EQ(CHANNELS, used);

	/* Our pipes both ways: stdin in capitals on stdout, a line on stderr. */
	in = malloc(STDIO_LEN);
	want = malloc(STDIO_LEN + 16);
	ASSERT_TRUE(in && want);
	for (i = 0; i < STDIO_LEN; i++) {
		in[i] = (i * 2654435761U) >> 24;
		want[i] = in[i] >= 'a' && in[i] <= 'z' ? in[i] - 'a' + 'A' : in[i];
	}
	memcpy(want + STDIO_LEN, "ok stdio\n", 9);
	m.feed = (const char *)in;
	m.feed_len = STDIO_LEN;
	mkx_run(_metadata, &m, id, NULL, self->prog, "stdio", NULL);
	expect_end(_metadata, &m, "stdio", 0, NULL, "stderr-line\n");
	expect_output(_metadata, &m, want, STDIO_LEN + 9, "stdio");

	/* TCP to our listener, through this kernel's loopback. */
	ASSERT_EQ(0, mk_run("ip link set dev lo up"));
	self->server = tcp_server(&port);
	ASSERT_LT(0, self->server);
	snprintf(port_s, sizeof(port_s), "%d", port);
	mkx_run(_metadata, &m, id, NULL, self->prog, "tcp", port_s, NULL);
	expect_end(_metadata, &m, "tcp", 0, "pong from host: ping from partition\nok tcp\n",
		   NULL);
	EXPECT_EQ(0, reap(self->server, 10000)) TH_LOG("our listener did not get the line");
	self->server = -1;

	/* Bad addresses: EFAULT, and no stale or too wide mappings. */
	mkx_run(_metadata, &m, id, NULL, self->prog, "efault", self->dir, NULL);
	expect_end(_metadata, &m, "efault", 0, "ok efault\n", NULL);
	/* Pinning calls on the program's pages: EFAULT, as documented. */
	mkx_run(_metadata, &m, id, NULL, self->prog, "pins", RAMDISK, "mapped", NULL);
	expect_end(_metadata, &m, "pins", 0, "ok pins\n", NULL);

	/*
	 * Copy-based: the same files and faults, and our pipes.  Its 8 MiB
	 * reads and writes take a call per MiB instead of a page request per
	 * page the proxy touches: that is how we know which way the bytes went.
	 */
	m.mode = "-c";
	copied_msgs = run_files(_metadata, &m, id, self->prog, self->dir, "files, copy-based");
	TH_LOG("messages from the partition for \"files\": %lld mapped, %lld copy-based",
	       mapped_msgs, copied_msgs);
	EXPECT_LT(copied_msgs, BIG / 4096) TH_LOG("the proxy still mapped the buffers");
	EXPECT_LT(BIG / 4096, mapped_msgs) TH_LOG("the proxy did not map the buffers");
	mkx_run(_metadata, &m, id, NULL, self->prog, "efault", self->dir, NULL);
	expect_end(_metadata, &m, "efault, copy-based", 0, "ok efault\n", NULL);
	/* O_DIRECT works copy-based: the buffer is the partition kernel's. */
	mkx_run(_metadata, &m, id, NULL, self->prog, "pins", RAMDISK, "copy", NULL);
	expect_end(_metadata, &m, "pins, copy-based", 0, "ok pins\n", NULL);
	m.feed = (const char *)in;
	m.feed_len = STDIO_LEN;
	mkx_run(_metadata, &m, id, NULL, self->prog, "stdio", NULL);
	expect_end(_metadata, &m, "stdio, copy-based", 0, NULL, "stderr-line\n");
	expect_output(_metadata, &m, want, STDIO_LEN + 9, "stdio, copy-based");
	free(in);
	free(want);

	/*
	 * Pre-mapped: the pages of each read and write buffer go with the
	 * call, a message per MiB; the threads, on 3 channels, too.
	 */
	m.mode = "-m";
	premapped_msgs = run_files(_metadata, &m, id, self->prog, self->dir,
				   "files, pre-mapped");
	TH_LOG("... and %lld pre-mapped", premapped_msgs);
	EXPECT_LT(premapped_msgs, BIG / 4096) TH_LOG("the proxy asked for each page");
	mkx_run(_metadata, &m, id, NULL, self->prog, "efault", self->dir, NULL);
	expect_end(_metadata, &m, "efault, pre-mapped", 0, "ok efault\n", NULL);
	mkx_run(_metadata, &m, id, NULL, self->prog, "threads", self->dir, NULL);
	expect_end(_metadata, &m, "threads, pre-mapped", 0, "ok threads\n", NULL);
	for (i = 0; i < THREADS; i++) {
		snprintf(path, sizeof(path), "%s/t%d", self->dir, i);
		EXPECT_TRUE(holds_pattern(_metadata, path, THREAD_LEN(i), 10 + i));
		unlink(path);
	}
	m.mode = NULL;

	/* Exit codes, and 128 + the signal that ended it. */
	for (i = 0; i < (int)ARRAY_SIZE(ends); i++) {
		mkx_run(_metadata, &m, id, NULL, self->prog, ends[i].how, ends[i].arg, NULL);
		expect_end(_metadata, &m, ends[i].how, ends[i].status, NULL, NULL);
	}

	/* Programs it cannot run: missing (127), not static non-PIE (126). */
	mkx_run(_metadata, &m, id, NULL, "/nonexistent/" PROG, "exit", "0", NULL);
	expect_end(_metadata, &m, "missing program", 127, NULL, "");
	dyn = dynamic_program();
	if (dyn) {
		mkx_run(_metadata, &m, id, NULL, dyn, "-V", NULL);
		expect_end(_metadata, &m, dyn, 126, NULL, "");
	} else {
		TH_LOG("no dynamic program here: not tried");
	}
	snprintf(path, sizeof(path), "%s/pie", self->dir);
	ASSERT_EQ(0, copy_as_type(self->prog, path, 3));
	mkx_run(_metadata, &m, id, NULL, path, "exit", "0", NULL);
	expect_end(_metadata, &m, "ET_DYN", 126, NULL, "");
	snprintf(path2, sizeof(path2), "%s/short", self->dir);
	fd = open(path2, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ASSERT_EQ(8, write(fd, "\177ELF\2\1\1\0", 8));
	close(fd);
	mkx_run(_metadata, &m, id, NULL, path2, NULL);
	expect_end(_metadata, &m, "8-byte ELF", 126, NULL, "");
	unlink(path);
	unlink(path2);

	/* A partition that does not exist: an error, at once. */
	mkx_run(_metadata, &m, NO_PART, NULL, self->prog, "exit", "0", NULL);
	EXPECT_TRUE(m.status > 0 && m.status < 256 && m.elen > 0)
		mkx_log(_metadata, &m, "a partition that does not exist");

	/* Two programs at once: one blocked in a read, one with its faults. */
	start_blocked(_metadata, &m, id, self->prog, NULL);
	mkx_run(_metadata, &other, id, NULL, self->prog, "efault", self->dir, NULL);
	expect_end(_metadata, &other, "efault, beside a blocked program", 0, "ok efault\n", NULL);
	free(other.obuf);
	free(other.ebuf);

	/* Stopped by force under that program, still blocked. */
	t0 = ikc_now_ms();
	EXPECT_EQ(0, mk_run("mkctl stop %d --force", id));
	expect_lost(_metadata, &m, id, t0, "forced stop");
	/* Nothing runs on a stopped partition, and mkexec says so at once. */
	mkx_run(_metadata, &m, id, NULL, self->prog, "exit", "0", NULL);
	EXPECT_TRUE(m.status > 0 && m.status < 256 && m.elen > 0)
		mkx_log(_metadata, &m, "stopped partition");
	free(m.obuf);
	free(m.ebuf);
}

TEST_F_TIMEOUT(mkx, signals_then_crash, 300)
{
	char tag[32], cmd[256];
	long long t0, msgs0, msgs;
	struct mkx m = { 0 };
	int id, sent, used;
	unsigned int seed;

	ASSERT_EQ(0, part_boot(&self->p, ""));
	id = self->p.id;

	/* SIGINT, forwarded: the program's blocked read fails with EINTR. */
	m.keep_in = true;
	ASSERT_EQ(0, mkx_start(&m, id, NULL, self->prog, "wait-int", NULL));
	ASSERT_EQ(0, mkx_pump(&m, "waiting\n", RUN_MS)) mkx_log(_metadata, &m, "wait-int");
	mkx_pump(&m, NULL, 2000);
	/* One should do; one that came before the read would not. */
	for (sent = 0; sent < 3 && m.pid > 0;) {
		mkx_kill(&m, SIGINT);
		sent++;
		if (!mkx_pump(&m, NULL, 5000))
			break;
	}
	mkx_wait(_metadata, &m, RUN_MS);
	expect_end(_metadata, &m, "wait-int", 3, "interrupted\n", NULL);
	if (sent > 1)
		TH_LOG("wait-int: %d SIGINTs sent", sent);

	/* SIGTERM, forwarded: the program ends by it. */
	start_blocked(_metadata, &m, id, self->prog, NULL);
	mkx_kill(&m, SIGTERM);
	mkx_wait(_metadata, &m, RUN_MS);
	expect_end(_metadata, &m, "SIGTERM", 128 + SIGTERM, NULL, NULL);

	/* Stopped and continued in poll(): it goes on polling, as locally. */
	snprintf(tag, sizeof(tag), "mkexec-poll-%d", getpid());
	m.keep_in = true;
	ASSERT_EQ(0, mkx_start(&m, id, NULL, self->prog, "poll", tag, NULL));
	ASSERT_EQ(0, mkx_pump(&m, "polling\n", RUN_MS)) mkx_log(_metadata, &m, "poll");
	mkx_pump(&m, NULL, 1000);
	snprintf(cmd, sizeof(cmd),
		 "for f in $(grep -ls '[m]kexec-poll-%d' /proc/[0-9]*/cmdline); do p=${f#/proc/};"
		 " p=${p%%/cmdline}; kill -STOP $p && sleep 1 && kill -CONT $p || exit 1;"
		 " done; [ -n \"$f\" ]", getpid());
	EXPECT_TRUE(part_run(_metadata, &self->p, cmd, 30000));
	mkx_pump(&m, NULL, 1000);
	EXPECT_EQ(1, write(m.in, "x", 1));
	mkx_wait(_metadata, &m, RUN_MS);
	expect_end(_metadata, &m, "poll, stopped and continued", 0, "poll ready\n", NULL);

	/* mkexec killed: its program goes too, and the next one runs. */
	snprintf(tag, sizeof(tag), "mkexec-tag-%d", getpid());
	start_blocked(_metadata, &m, id, self->prog, tag);
	/* The partition sees it (busybox has no pgrep; "[m]": not grep itself). */
	snprintf(cmd, sizeof(cmd), "grep -qs '[m]kexec-tag-%d' /proc/[0-9]*/cmdline", getpid());
	EXPECT_TRUE(part_run(_metadata, &self->p, cmd, 30000));
	mkx_kill(&m, SIGKILL);
	mkx_wait(_metadata, &m, RUN_MS);
	EXPECT_EQ(SIGNALED(SIGKILL), m.status) mkx_log(_metadata, &m, "SIGKILL");
	snprintf(cmd, sizeof(cmd),
		 "i=0; while grep -qs '[m]kexec-tag-%d' /proc/[0-9]*/cmdline; do i=$((i + 1));"
		 " [ $i -lt 20 ] || exit 1; sleep 1; done", getpid());
	EXPECT_TRUE(part_run(_metadata, &self->p, cmd, 40000))
		TH_LOG("its program still runs on the partition");
	mkx_run(_metadata, &m, id, NULL, self->prog, "exit", "0", NULL);
	expect_end(_metadata, &m, "after SIGKILL", 0, NULL, NULL);

	/*
	 * A hostile partition kernel: forged messages of every kind about a
	 * blocked program's session.  This kernel must take them all without
	 * a report (the harness fails the run on any), mkexec must still end
	 * when killed, and the next program must run.
	 */
	seed = getenv("MKX_FUZZ_SEED") ? strtoul(getenv("MKX_FUZZ_SEED"), NULL, 0) :
					 FUZZ_SEED;
	TH_LOG("forged delegation messages: seed %u (MKX_FUZZ_SEED=%u replays it)", seed,
	       seed);
	start_blocked(_metadata, &m, id, self->prog, NULL);
	deleg_channels(id, &used, &msgs0);
	snprintf(cmd, sizeof(cmd),
		 "for f in /sys/bus/ikc/devices/ikc*/deleg_fuzz; do echo %u %d > $f || exit 1;"
		 " done", seed, FUZZ_MSGS);
	EXPECT_TRUE(part_run(_metadata, &self->p, cmd, 120000));
	deleg_channels(id, &used, &msgs);
	EXPECT_LE(FUZZ_MSGS, msgs - msgs0) TH_LOG("the forged messages did not come");
	mkx_pump(&m, NULL, 1000);
	mkx_kill(&m, SIGKILL);
	mkx_wait(_metadata, &m, RUN_MS);
	EXPECT_NE(-ETIMEDOUT, m.status) mkx_log(_metadata, &m, "after forged messages");
	mkx_run(_metadata, &m, id, NULL, self->prog, "exit", "0", NULL);
	expect_end(_metadata, &m, "after forged messages", 0, NULL, NULL);

	/* A crash under a program blocked in a read of our pipe. */
	start_blocked(_metadata, &m, id, self->prog, NULL);
	t0 = ikc_now_ms();
	ASSERT_EQ(0, part_type_line(&self->p, PART_DISK_SH " panic"));
	/* The script waits 1 s before it panics. */
	expect_lost(_metadata, &m, id, t0 + 1000, "crash");
	EXPECT_EQ(0, mk_run("mkctl wait %d crashed --timeout 60", id));
	free(m.obuf);
	free(m.ebuf);
}

TEST_HARNESS_MAIN

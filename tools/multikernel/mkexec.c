// SPDX-License-Identifier: GPL-2.0
/*
 * mkexec: run a static program on a multikernel partition.
 *
 * The program runs on the partition's CPUs; its file, path, pipe and socket
 * calls come back to this process, its proxy on the host.  One thread of ours
 * per program thread waits in MKEXEC_IOC_SERVE, where the kernel runs those
 * calls as the thread's own: the program sees our standard input and output,
 * working directory and files.  The main thread forwards signals to the
 * program and exits with its status.  See <linux/mkexec.h>.
 */
#define _GNU_SOURCE	/* environ */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/elf.h>
#include <linux/mkexec.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define DEVICE		"/dev/mkexec"
#define SZ_1G		0x40000000ULL
#define SZ_4G		0x100000000ULL
#define VA_START	0x10000ULL	/* the program's range: from here ... */
#define VA_LIMIT	0x800000000000ULL	/* ... to below our own mappings */
#define SERVER_STACK	(256 * 1024)	/* the calls run in the kernel */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Our own failures; otherwise we exit with the program's status. */
enum { RET_FAIL = 1, RET_USAGE = 2, RET_NOEXEC = 126, RET_NOENT = 127, RET_LOST = 255 };

static const char usage_text[] =
"Usage: mkexec [-c|-m] [-p] PARTITION PROGRAM [ARG...]\n"
"\n"
"Run PROGRAM, a static x86_64 executable (linked -static, not PIE), on the\n"
"multikernel partition PARTITION, with its file, path, pipe and socket calls\n"
"served by this host: it uses this command's standard input and output,\n"
"working directory and environment.  Signals such as Ctrl-C go to it.\n"
"PROGRAM is a path; it is not looked up in PATH.\n"
"\n"
"  -p PARTITION  the partition's id (the same as giving it first)\n"
"  -c            copy the bytes of read and write through the kernels'\n"
"                buffers instead of mapping the program's memory here\n"
"                (slower for large buffers; for comparison)\n"
"  -m            send the pages of each read and write buffer with the\n"
"                call, so that none is asked for one by one (pre-mapped)\n"
"  -h            show this text\n"
"\n"
"Exit status: the program's (128+N if signal N ended it); 126 if PROGRAM\n"
"cannot run on a partition, 127 if it does not exist, 1 if it could not be\n"
"started, 2 on bad usage, 255 if the partition stopped or crashed.\n";

/* Signals for the program rather than for us. */
static const int forwarded[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH, SIGCONT,
};

static atomic_bool caught[NSIG];	/* lock-free: safe in a handler */
static const char *prog;
static int partition;
static unsigned int launch_flags;
static int session_fd = -1;

static noreturn void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mkexec: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(status);
}

static noreturn void refuse(const char *why)
{
	die(RET_NOEXEC, "%s: not a static x86_64 executable (%s)", prog, why);
}

/* [-p] PARTITION PROGRAM: returns the index of PROGRAM in @argv. */
static int parse_args(int argc, char **argv)
{
	const char *id = NULL;
	char *end;
	long n;
	int opt;

	/* "+": the program's arguments are its own. */
	opterr = 0;
	while ((opt = getopt(argc, argv, "+chmp:")) != -1) {
		if (opt == 'p') {
			id = optarg;
		} else if (opt == 'c' || opt == 'm') {
			if (launch_flags)
				die(RET_USAGE, "-c and -m do not go together; try 'mkexec -h'");
			launch_flags = opt == 'c' ? MKEXEC_LAUNCH_COPY : MKEXEC_LAUNCH_PREMAP;
		} else if (opt == 'h') {
			fputs(usage_text, stdout);
			exit(0);
		} else if (optopt == 'p') {
			die(RET_USAGE, "-p needs a partition id; try 'mkexec -h'");
		} else {
			die(RET_USAGE, "unknown option -%c; try 'mkexec -h'", optopt);
		}
	}
	if (!id && optind < argc)
		id = argv[optind++];
	if (!id || optind == argc)
		die(RET_USAGE, "missing %s; try 'mkexec -h'", id ? "program" : "partition");
	errno = 0;
	n = strtol(id, &end, 10);
	if (!isdigit((unsigned char)id[0]) || *end || errno || n > INT32_MAX)
		die(RET_USAGE, "bad partition id '%s'; try 'mkexec -h'", id);
	partition = n;
	prog = argv[optind];
	return optind;
}

static int open_program(void)
{
	struct stat st;
	int fd;

	fd = open(prog, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(errno == ENOENT ? RET_NOENT : RET_NOEXEC, "%s: %s", prog, strerror(errno));
	if (fstat(fd, &st))
		die(RET_NOEXEC, "%s: %s", prog, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die(RET_NOEXEC, "%s: %s", prog, strerror(S_ISDIR(st.st_mode) ? EISDIR : EACCES));
	if (st.st_size > MKEXEC_MAX_IMAGE)
		die(RET_NOEXEC, "%s: too large for a partition (at most %d MiB)", prog,
		    MKEXEC_MAX_IMAGE >> 20);
	return fd;
}

/* Refuse what the partition cannot load, with the reason, before asking it. */
static void check_elf(int fd)
{
	struct elf64_hdr eh;
	struct elf64_phdr ph;
	ssize_t n;
	int i;

	n = pread(fd, &eh, sizeof(eh), 0);
	if (n < 0)
		die(RET_NOEXEC, "%s: %s", prog, strerror(errno));
	if (n != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG))
		refuse("not an ELF file");
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_X86_64)
		refuse("built for another machine");
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		refuse("not an executable");
	if (eh.e_phentsize != sizeof(ph))
		refuse("bad program headers");
	for (i = 0; i < eh.e_phnum; i++) {
		n = pread(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * sizeof(ph));
		if (n != sizeof(ph))
			refuse("bad program headers");
		if (ph.p_type == PT_INTERP)
			refuse("dynamic programs cannot run on a partition");
	}
	if (eh.e_type == ET_DYN)
		refuse("PIE programs cannot run on a partition");
}

/*
 * The program gets every address from VA_START to 1 GiB below our lowest
 * mapping above 4 GiB.  Linked -static-pie, we live high (image, heap and
 * stack); a static executable lives low (0x400000 and up), so each has room.
 */
static uint64_t program_va_end(void)
{
	unsigned long long start;
	uint64_t end, low = VA_LIMIT + SZ_1G;
	uint64_t brk = (uintptr_t)sbrk(0);	/* the heap may not be mapped yet */
	bool low_used = brk < SZ_4G;
	size_t size = 0;
	char *line = NULL;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		die(RET_FAIL, "/proc/self/maps: %s", strerror(errno));
	if (brk >= SZ_4G)
		low = brk;
	while (getline(&line, &size, f) > 0) {
		if (sscanf(line, "%llx-", &start) != 1)
			continue;
		if (start < SZ_4G)
			low_used = true;
		else if (start < low)
			low = start;
	}
	free(line);
	fclose(f);
	if (low_used)
		die(RET_FAIL, "mkexec itself is mapped below 4 GiB (not linked -static-pie?)");
	end = (low & ~(SZ_1G - 1)) - SZ_1G;
	if (end > VA_LIMIT)
		end = VA_LIMIT;
	if (end < VA_START + SZ_4G)
		die(RET_FAIL, "too few free addresses for the program (below 0x%llx)",
		    (unsigned long long)low);
	return end;
}

/* Count (@buf NULL) or append the strings of @v; returns how many. */
static uint32_t pack(char *const *v, char *buf, size_t *len)
{
	uint32_t n;
	size_t sz;

	for (n = 0; v && v[n]; n++) {
		sz = strlen(v[n]) + 1;
		if (buf)
			memcpy(buf + *len, v[n], sz);
		*len += sz;
	}
	return n;
}

/* argv and then environ, each string ended by its NUL. */
static void build_strings(char *const *args, struct mkexec_launch *l)
{
	size_t len = 0;
	char *buf;

	pack(args, NULL, &len);
	pack(environ, NULL, &len);
	if (len > MKEXEC_MAX_STRINGS)
		die(RET_NOEXEC, "%s: %s (at most %d bytes with the environment)", prog,
		    strerror(E2BIG), MKEXEC_MAX_STRINGS);
	buf = malloc(len);
	if (!buf)
		die(RET_FAIL, "%s", strerror(ENOMEM));
	len = 0;
	l->argc = pack(args, buf, &len);
	l->envc = pack(environ, buf, &len);
	l->strings = (uintptr_t)buf;
	l->strings_len = len;
}

static int open_device(void)
{
	int fd = open(DEVICE, O_RDWR | O_CLOEXEC);
	int err = fd < 0 ? errno : 0;

	if (err)
		die(RET_FAIL, "%s: %s%s", DEVICE, strerror(err), err == ENOENT ?
		    " (kernel without CONFIG_MULTIKERNEL_SYSCALL_DELEGATION?)" : "");
	return fd;
}

static void launch(int dev, struct mkexec_launch *l)
{
	if (!ioctl(dev, MKEXEC_IOC_LAUNCH, l))
		return;
	switch (errno) {
	case ENOENT:
		die(RET_FAIL, "no partition %d", partition);
	case ENODEV:
		die(RET_FAIL, "partition %d is not running or has no delegation channel",
		    partition);
	case ENOEXEC:
		die(RET_FAIL, "partition %d could not start %s", partition, prog);
	case EACCES:
	case EPERM:
		die(RET_FAIL, "not allowed to run programs on partition %d: %s", partition,
		    strerror(errno));
	default:
		die(RET_FAIL, "running %s on partition %d: %s", prog, partition,
		    strerror(errno));
	}
}

/* The program's addresses are ours too: its pointers work in our calls. */
static void map_range(const struct mkexec_launch *l)
{
	void *want = (void *)(uintptr_t)l->va_start;
	void *p;

	p = mmap(want, l->va_end - l->va_start, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, session_fd, l->va_start);
	if (p == MAP_FAILED || p != want)
		die(RET_FAIL, "mapping the program's addresses 0x%llx-0x%llx: %s",
		    (unsigned long long)l->va_start, (unsigned long long)l->va_end,
		    strerror(p == MAP_FAILED ? errno : EEXIST));
}

/* Serve program thread @arg until it ends. */
static void *serve(void *arg)
{
	int tid = (intptr_t)arg;
	struct mkexec_serve s;

	for (;;) {
		s = (struct mkexec_serve){ .size = sizeof(s), .tid = tid };
		if (!ioctl(session_fd, MKEXEC_IOC_SERVE, &s))
			return NULL;
		if (errno == EINTR)
			continue;
		/* ENODEV: the partition is gone; the main thread says so. */
		if (errno != ENODEV)
			fprintf(stderr, "mkexec: serving thread %d: %s\n", tid, strerror(errno));
		return NULL;
	}
}

static void start_server(int tid)
{
	pthread_attr_t attr;
	sigset_t mask, old;
	pthread_t thread;
	int err;

	/* Signals are the main thread's to forward, but for our own faults. */
	sigfillset(&mask);
	sigdelset(&mask, SIGSEGV);
	sigdelset(&mask, SIGBUS);
	sigdelset(&mask, SIGILL);
	sigdelset(&mask, SIGFPE);
	sigdelset(&mask, SIGABRT);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, SERVER_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_sigmask(SIG_SETMASK, &mask, &old);
	err = pthread_create(&thread, &attr, serve, (void *)(intptr_t)tid);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	/* Unserved, the thread would hang: end the program with us. */
	if (err)
		die(RET_FAIL, "serving thread %d: %s", tid, strerror(err));
}

static void on_signal(int sig)
{
	atomic_store(&caught[sig], true);
}

/* No SA_RESTART: a signal must end the wait for an event. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal }, old;
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(forwarded); i++) {
		/* Ignored when we started (nohup, background job): for the program too. */
		if (!sigaction(forwarded[i], NULL, &old) && old.sa_handler == SIG_IGN)
			continue;
		sigaction(forwarded[i], &sa, NULL);
	}
}

static void forward_signals(void)
{
	size_t i;
	int sig;

	for (i = 0; i < ARRAY_SIZE(forwarded); i++) {
		sig = forwarded[i];
		if (!atomic_exchange(&caught[sig], false))
			continue;
		if (ioctl(session_fd, MKEXEC_IOC_KILL, sig) && errno != ESRCH)
			fprintf(stderr, "mkexec: forwarding %s: %s\n", strsignal(sig),
				strerror(errno));
	}
}

/* As a shell reports a child: silent unless a signal other than these ended it. */
static int exit_status(int status)
{
	int sig;

	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (!WIFSIGNALED(status))
		return RET_LOST;
	sig = WTERMSIG(status);
	if (sig != SIGINT && sig != SIGPIPE)
		fprintf(stderr, "mkexec: %s: %s\n", prog, strsignal(sig));
	return 128 + sig;
}

static int wait_events(void)
{
	struct mkexec_event ev;

	for (;;) {
		forward_signals();
		ev = (struct mkexec_event){ .size = sizeof(ev) };
		if (ioctl(session_fd, MKEXEC_IOC_EVENT, &ev)) {
			if (errno == EINTR)
				continue;
			die(RET_LOST, "waiting for %s on partition %d: %s", prog, partition,
			    strerror(errno));
		}
		switch (ev.type) {
		case MKEXEC_EVENT_THREAD:
			start_server(ev.tid);
			break;
		case MKEXEC_EVENT_EXIT:
			return exit_status(ev.status);
		case MKEXEC_EVENT_LOST:
			die(RET_LOST, "partition %d stopped or crashed", partition);
		}
	}
}

int main(int argc, char **argv)
{
	struct mkexec_launch l = { .size = sizeof(l), .va_start = VA_START };
	int first, image, dev;

	first = parse_args(argc, argv);
	image = open_program();
	check_elf(image);
	l.partition = partition;
	l.flags = launch_flags;
	l.image_fd = image;
	l.va_end = program_va_end();
	build_strings(argv + first, &l);
	dev = open_device();
	launch(dev, &l);
	session_fd = l.session_fd;
	close(dev);
	close(image);
	free((void *)(uintptr_t)l.strings);

	/* From here on, our exit closes the session, which ends the program. */
	map_range(&l);
	catch_signals();
	/* Server threads are left running: exit() ends them and the session. */
	return wait_events();
}

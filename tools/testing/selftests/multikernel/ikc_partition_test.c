// SPDX-License-Identifier: GPL-2.0
/*
 * IKC between this kernel and a partition kernel it boots on CPUs 2-3
 * (with mkctl): the channels the host offers and uses appear on both
 * sides, round trips with checked contents run across the kernels (one
 * long run, every payload size, several channels at once), what
 * the partition may not touch is refused, corrupted indices are refused,
 * a partition stopped in the middle of traffic ends the runs at once
 * and leaves nothing behind, and a partition's own list of services
 * (ikc_services) is checked and decides its channels.
 *
 * IKC_TEST_ROUND_TRIPS sets the length of the long run (default 100000
 * round trips, 200000 messages; 500000 for a soak of a million).
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>

#include "../kselftest_harness.h"
#include "ikc_util.h"
#include "test_partition.h"

/* Kernel messages on ttyS1 too, where the harness looks for splats. */
#define PART_CMDLINE	"console=hvc0 console=ttyS1,115200 kunit.enable=0 mkpart.action=idle"
#define NR_ECHO_CLIENTS	4	/* slots 0-3: served by the partition */
#define CONSOLE_SLOT	5	/* the virtio console the host serves */

FIXTURE(part) {
	int id;
	char peer[32];
};

static int mkctl(const char *fmt, int id)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), fmt, id);
	return system(cmd);
}

FIXTURE_SETUP(part)
{
	char line[64], cmd[512];
	FILE *f;

	self->id = -1;
	if (access(IKC_BUS, F_OK))
		SKIP(return, "no IKC bus (CONFIG_IKC=n)");
	if (access(TEST_PART_KERNEL, R_OK) || access("/dev/multikernel", R_OK))
		SKIP(return, "no partition kernel or no /dev/multikernel");
	snprintf(cmd, sizeof(cmd),
		 "mkctl boot --cpus " TEST_PART_CPUS " --mem " TEST_PART_MEM
		 " --console 1 --wait 300 %s %s %s '%s'",
		 "--kernel " TEST_PART_KERNEL, "--initrd " TEST_PART_INITRD, "--cmdline",
		 PART_CMDLINE);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	if (fgets(line, sizeof(line), f))
		self->id = atoi(line);
	ASSERT_EQ(0, pclose(f));
	ASSERT_GE(self->id, 0);
	ASSERT_EQ(0, ikc_find_peer("partition", self->id, self->peer, sizeof(self->peer)));
	/* The partition says it is up once its IKC driver has run. */
	ASSERT_TRUE(ikc_wait_attr(self->peer, "state", "up", 60000))
		TH_LOG("%s never came up", self->peer);
}

FIXTURE_TEARDOWN(part)
{
	if (self->id < 0)
		return;
	mkctl("mkctl stop %d --force >/dev/null 2>&1", self->id);
	EXPECT_EQ(0, mkctl("mkctl destroy %d", self->id));
}

static void check_devices(struct __test_metadata *_metadata, const char *peer)
{
	static const char * const roles[] = {
		"client", "client", "client", "client", "server", "server",
	};
	static const char * const services[] = {
		"echo", "echo", "echo", "echo", "echo", "virtio",
	};
	char chan[48], buf[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(roles); i++) {
		ikc_chan(chan, sizeof(chan), peer, i);
		ASSERT_GT(ikc_dev_read(chan, "service", buf, sizeof(buf)), 0)
			TH_LOG("%s", chan);
		EXPECT_STREQ(services[i], buf);
		ASSERT_GT(ikc_dev_read(chan, "role", buf, sizeof(buf)), 0);
		EXPECT_STREQ(roles[i], buf);
	}
}

TEST_F_TIMEOUT(part, traffic, 1200)
{
	static const int sizes[] = { 0, 1, 48, 49, 256, 257, 4096 };
	const char *env = getenv("IKC_TEST_ROUND_TRIPS");
	long n = env ? atol(env) : 100000;
	char chan[48], what[64];
	pid_t pids[NR_ECHO_CLIENTS];
	long long t;
	int i, status;

	check_devices(_metadata, self->peer);
	ikc_chan(chan, sizeof(chan), self->peer, 0);

	for (i = 0; i < (int)ARRAY_SIZE(sizes); i++) {
		snprintf(what, sizeof(what), "100 %d", sizes[i]);
		EXPECT_EQ(0, ikc_pingpong(chan, what)) TH_LOG("size %d", sizes[i]);
	}

	/*
	 * Both ends busy-poll for the long run, as a latency-bound user
	 * would; the runs above and below ring doorbells.
	 */
	ASSERT_EQ(0, ikc_dev_write(chan, "poll_us", "100000"));
	ASSERT_EQ(0, ikc_dev_write(chan, "server_config", "100000 -1"));
	t = ikc_now_ms();
	snprintf(what, sizeof(what), "%ld 32", n);
	ASSERT_EQ(0, ikc_pingpong(chan, what));
	ksft_print_msg("%ld round trips (%ld messages) across kernels in %lld ms, avg %lld ns\n",
		       n, 2 * n, ikc_now_ms() - t, ikc_last_avg_ns(chan));
	EXPECT_EQ(0, ikc_dev_write(chan, "server_config", "0 -1"));
	EXPECT_EQ(0, ikc_dev_write(chan, "poll_us", "0"));
	EXPECT_EQ(-EINVAL, ikc_dev_write(chan, "server_config", "0 99"));
	EXPECT_EQ(-EINVAL, ikc_dev_write(chan, "server_config", "2000000 -1"));
	EXPECT_EQ(n + 100 * ARRAY_SIZE(sizes) + 4, ikc_stat(chan, "msgs_rx"));
	EXPECT_EQ(0, ikc_stat(chan, "errors"));

	/* The CPU handling a channel goes offline: the channel moves. */
	if (!access("/sys/devices/system/cpu/cpu1/online", W_OK)) {
		ASSERT_EQ(0, ikc_dev_write(chan, "cpu", "1"));
		ASSERT_EQ(0, mk_write_text("/sys/devices/system/cpu/cpu1/online", "0"));
		EXPECT_EQ(0, ikc_dev_num(chan, "cpu"));
		EXPECT_EQ(0, ikc_pingpong(chan, "100 64"));
		EXPECT_EQ(-EINVAL, ikc_dev_write(chan, "cpu", "1"));
		ASSERT_EQ(0, mk_write_text("/sys/devices/system/cpu/cpu1/online", "1"));
	}

	/* Every client channel at once. */
	for (i = 0; i < NR_ECHO_CLIENTS; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (!pids[i]) {
			ikc_chan(chan, sizeof(chan), self->peer, i);
			_exit(ikc_pingpong(chan, i % 2 ? "5000 700" : "5000 16") ? 1 : 0);
		}
	}
	for (i = 0; i < NR_ECHO_CLIENTS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) TH_LOG("channel %d", i);
	}
}

#define PASTE_SIZE	65536

/*
 * Open the partition's console on channel @chan, raw, and read it until
 * the kernel message the partition prints once its shell runs (kept for
 * us if it came before we opened the tty); what came is left in @buf.
 * Return the fd, -ENODEV without a tty, -ETIMEDOUT without the message,
 * or another -errno.
 */
static int open_console(const char *chan, char *buf, size_t size, size_t *len)
{
	char tty[32], path[64];
	struct termios t;
	int fd, err;

	*len = 0;
	buf[0] = '\0';
	if (ikc_dev_read(chan, "tty_name", tty, sizeof(tty)) <= 0)
		return -ENODEV;
	snprintf(path, sizeof(path), "/dev/%s", tty);
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (tcgetattr(fd, &t))
		goto fail;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSANOW, &t))
		goto fail;
	if (!ikc_read_until(fd, buf, size, len, TEST_PART_MARK " shell on hvc0",
			    30000)) {
		close(fd);
		return -ETIMEDOUT;
	}
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

/*
 * The partition's console over IKC: its kernel messages come out of the
 * host's tty, and a command typed there runs in the partition's shell on
 * hvc0.
 */
TEST_F_TIMEOUT(part, console, 120)
{
	char chan[48], buf[8192];
	size_t len;
	int fd;

	ikc_chan(chan, sizeof(chan), self->peer, CONSOLE_SLOT);
	fd = open_console(chan, buf, sizeof(buf), &len);
	ASSERT_NE(-ENODEV, fd)
		TH_LOG("%s has no tty: is CONFIG_IKC_VIRTIO_CONSOLE set?", chan);
	ASSERT_GE(fd, 0)
		TH_LOG("no kernel messages on the console of %s (%s): got \"%.200s\"",
		       chan, strerror(-fd), buf);
	/* Its shell computes what we ask: the text crossed both ways. */
	ASSERT_EQ(20, write(fd, "echo IKC-$((6 * 7))\r", 20));
	EXPECT_TRUE(ikc_read_until(fd, buf, sizeof(buf), &len, "IKC-42", 30000))
		TH_LOG("no answer from the partition's shell: got \"%.300s\"",
		       len > 300 ? buf + len - 300 : buf);
	EXPECT_EQ(0, ikc_dev_num(chan, "errors"));
	close(fd);
}

/* Where console_exchange() also keeps all it reads, when set. */
static char *exchange_all;
static size_t exchange_all_size, exchange_all_len;

/*
 * Write @len bytes of @out to the console @fd while reading what comes
 * back, until @mark shows up or @ms pass; the tail of what came is left in
 * @tail.  Return the milliseconds it took, or -1 on a timeout.
 */
static long long console_exchange(int fd, const char *out, size_t len,
				  const char *mark, int ms, char *tail,
				  size_t tail_size, size_t *got)
{
	long long start = ikc_now_ms(), end = start + ms;
	struct pollfd pfd = { .fd = fd };
	size_t sent = 0, have = 0;
	char buf[4096];
	ssize_t n;

	*got = 0;
	tail[0] = '\0';
	while (ikc_now_ms() < end) {
		pfd.events = POLLIN | (sent < len ? POLLOUT : 0);
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if (pfd.revents & POLLOUT) {
			n = write(fd, out + sent, len - sent);
			if (n > 0)
				sent += n;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			continue;
		*got += n;
		if (exchange_all && exchange_all_len + n <= exchange_all_size) {
			memcpy(exchange_all + exchange_all_len, buf, n);
			exchange_all_len += n;
		}
		/* Keep the newest bytes in @tail. */
		if ((size_t)n >= tail_size) {
			memcpy(tail, buf + n - (tail_size - 1), tail_size - 1);
			have = tail_size - 1;
		} else {
			if (have + n >= tail_size) {
				memmove(tail, tail + have + n - (tail_size - 1),
					tail_size - 1 - n);
				have = tail_size - 1 - n;
			}
			memcpy(tail + have, buf, n);
			have += n;
		}
		tail[have] = '\0';
		if (sent == len && strstr(tail, mark))
			return ikc_now_ms() - start;
	}
	return -1;
}

/* Phase marks for harness/qemu-cpu-phases.py, which times QEMU's CPUs. */
static void paste_phase(const char *name, const char *what)
{
	ksft_print_msg("phase %s %s\n", name, what);
	fflush(stdout);
}

/*
 * How many of the PASTE_SIZE bytes pasted at @data came back as their
 * echo at the start of @got (after the end of the line that asked for
 * them), with ONLCR's "\r\n" for "\n".
 */
static size_t paste_echoed(const char *got, size_t len, const char *data,
			   size_t *where)
{
	size_t i = 0, at = 0;

	while (at < len && (got[at] == '\r' || got[at] == '\n'))
		at++;
	for (; i < PASTE_SIZE && at < len; i++, at++) {
		if (data[i] == '\n') {
			if (got[at] != '\r' || ++at == len)
				break;
		}
		if (got[at] != data[i])
			break;
	}
	*where = at;
	return i;
}

/*
 * Text pasted into the partition's shell is echoed back while it arrives:
 * traffic both ways at once, measured against each direction alone in the
 * same run: output of the partition, and input without echo, raw and
 * through the line discipline's canonical mode as the paste goes.  A
 * console that resumed a full ring from a timer, and echoed a character
 * per host round trip, took minutes.  The paste moves the bytes of both
 * directions: together they may go no slower than the slower direction
 * alone, with a second for this machine's noise.  (Per direction the
 * paste runs at 55-95% of the slower direction's rate here, where QEMU
 * keeps the machine's cores busy in every phase: see ikc-virtio.rst.)
 * No byte may be lost, nor its echo (the line discipline drops echo it
 * finds no room for), and the shell answers after.
 */
TEST_F_TIMEOUT(part, console_paste, 300)
{
	/* Markers computed by the shell: the echoed command lacks them. */
	static const char out_cmd[] =
		"head -c $((1<<16)) /dev/zero | tr '\\0' x; echo; echo O-$((2*3))\r";
	static const char in_cmd[] =
		"stty raw -echo; echo R-$((2*2)); head -c $((1<<16)) >/tmp/in;"
		" stty sane; wc -c </tmp/in; echo I-$((4*2))\r";
	static const char cooked_cmd[] =
		"stty -echo; echo R-$((2*3)); head -c $((1<<16)) >/tmp/c;"
		" stty sane; wc -c </tmp/c; echo C-$((4*3))\r";
	static const char paste_cmd[] =
		"echo R-$((3*3)); head -c $((1<<16)) >/tmp/p; wc -c </tmp/p;"
		" echo P-$((5*2))\r";
	long long t_out, t_in, t_cooked, t_paste, slower, full0, full1, kicks0,
		kicks1;
	char chan[48], tail[2048], *data;
	char instead[80];
	size_t got, i, echoed, at;
	int fd;

	ikc_chan(chan, sizeof(chan), self->peer, CONSOLE_SLOT);
	fd = open_console(chan, tail, sizeof(tail), &got);
	ASSERT_GE(fd, 0) TH_LOG("no shell on the console of %s: %s", chan, strerror(-fd));
	data = malloc(PASTE_SIZE);
	ASSERT_NE(NULL, data);
	/* Lines of 63 letters: nothing a tty in either mode changes. */
	for (i = 0; i < PASTE_SIZE; i++)
		data[i] = i % 64 == 63 ? '\n' : 'a' + i % 64 % 26;

	/* Output alone. */
	paste_phase("output", "begin");
	t_out = console_exchange(fd, out_cmd, strlen(out_cmd), "O-6", 120000,
				 tail, sizeof(tail), &got);
	paste_phase("output", "end");
	ASSERT_GE(t_out, 0) TH_LOG("no end of the output: \"%s\"", tail);
	EXPECT_GE(got, PASTE_SIZE);

	/* Input alone: raw, no echo. */
	ASSERT_LT(0, console_exchange(fd, in_cmd, strlen(in_cmd), "R-4", 30000,
				      tail, sizeof(tail), &got))
		TH_LOG("no prompt for the input: \"%s\"", tail);
	paste_phase("raw", "begin");
	t_in = console_exchange(fd, data, PASTE_SIZE, "I-8", 120000, tail,
				sizeof(tail), &got);
	paste_phase("raw", "end");
	ASSERT_GE(t_in, 0) TH_LOG("no end of the input: \"%s\"", tail);
	EXPECT_NE(NULL, strstr(tail, "65536")) TH_LOG("input lost: \"%s\"", tail);

	/* Input alone through canonical mode, no echo. */
	ASSERT_LT(0, console_exchange(fd, cooked_cmd, strlen(cooked_cmd), "R-6",
				      30000, tail, sizeof(tail), &got))
		TH_LOG("no prompt for the cooked input: \"%s\"", tail);
	paste_phase("cooked", "begin");
	t_cooked = console_exchange(fd, data, PASTE_SIZE, "C-12", 120000, tail,
				    sizeof(tail), &got);
	paste_phase("cooked", "end");
	ASSERT_GE(t_cooked, 0) TH_LOG("no end of the cooked input: \"%s\"", tail);
	EXPECT_NE(NULL, strstr(tail, "65536"))
		TH_LOG("cooked input lost: \"%s\"", tail);

	/* Both at once: pasted into a cooked tty, which echoes. */
	ASSERT_LT(0, console_exchange(fd, paste_cmd, strlen(paste_cmd), "R-9",
				      30000, tail, sizeof(tail), &got))
		TH_LOG("no prompt for the paste: \"%s\"", tail);
	full0 = ikc_stat(chan, "full");
	kicks0 = ikc_stat(chan, "msgs_rx");
	exchange_all_size = 2 * PASTE_SIZE;
	exchange_all = malloc(exchange_all_size);
	ASSERT_NE(NULL, exchange_all);
	exchange_all_len = 0;
	paste_phase("paste", "begin");
	t_paste = console_exchange(fd, data, PASTE_SIZE, "P-10", 240000, tail,
				   sizeof(tail), &got);
	paste_phase("paste", "end");
	echoed = paste_echoed(exchange_all, exchange_all_len, data, &at);
	/* What came instead, for the log. */
	for (i = 0; i < sizeof(instead) - 1 && at + i < exchange_all_len; i++)
		instead[i] = isprint((unsigned char)exchange_all[at + i]) ?
			     exchange_all[at + i] : '.';
	instead[i] = '\0';
	free(exchange_all);
	exchange_all = NULL;
	full1 = ikc_stat(chan, "full");
	kicks1 = ikc_stat(chan, "msgs_rx");
	ASSERT_GE(t_paste, 0)
		TH_LOG("the shell did not answer after the paste: \"%s\"", tail);
	EXPECT_NE(NULL, strstr(tail, "65536")) TH_LOG("paste lost: \"%s\"", tail);
	/* Every character comes back once, in order, "\n" as "\r\n". */
	EXPECT_EQ(PASTE_SIZE, echoed)
		TH_LOG("the echo differs from the paste at byte %zu: \"%s\" came",
		       echoed, instead);
	slower = t_out > t_cooked ? t_out : t_cooked;
	ksft_print_msg("64 KiB: output %lld ms, input %lld ms raw, %lld ms cooked;"
		       " paste with echo %lld ms, %.1fx the slower direction;"
		       " both ways at %.0f%% of its rate;"
		       " ring full %lld times, %lld messages from the partition\n",
		       t_out, t_in, t_cooked, t_paste, (double)t_paste / slower,
		       200.0 * slower / (t_paste ? t_paste : 1),
		       full1 - full0, kicks1 - kicks0);
	EXPECT_LE(t_paste, 2 * slower + 1000)
		TH_LOG("longer than twice the slower direction and a second");
	EXPECT_EQ(0, ikc_dev_num(chan, "errors"));
	free(data);
	close(fd);
}

/* NMIs the host's CPUs took, from /proc/interrupts; -1 if unknown. */
static long long host_nmis(void)
{
	char line[4096], *p, *end;
	long long sum = -1;
	FILE *f;

	f = fopen("/proc/interrupts", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, "NMI:", 4))
			continue;
		for (p += 4, sum = 0;; p = end) {
			long long v = strtoll(p, &end, 10);

			if (end == p)
				break;
			sum += v;
		}
	}
	fclose(f);
	return sum;
}

/*
 * A backtrace of all the partition's CPUs (sysrq l: an NMI to each other
 * CPU of the partition, never to the host's): every CPU answers, the
 * output from interrupt context reaches the console, and the shell goes
 * on.
 */
TEST_F_TIMEOUT(part, sysrq_backtrace, 180)
{
	static const char cmd[] =
		"echo l >/proc/sysrq-trigger; sleep 1;"
		" echo BT-$(dmesg | grep -c 'NMI backtrace for cpu')-of-$(nproc);"
		" echo END-$((2*3))\r";
	char chan[48], tail[2048], *bt;
	int fd, n, seen = -1, cpus = -1;
	long long nmis;
	size_t got;

	ikc_chan(chan, sizeof(chan), self->peer, CONSOLE_SLOT);
	fd = open_console(chan, tail, sizeof(tail), &got);
	ASSERT_GE(fd, 0) TH_LOG("no shell on the console of %s: %s", chan, strerror(-fd));
	nmis = host_nmis();
	ASSERT_LE(0, console_exchange(fd, cmd, strlen(cmd), "END-6", 60000,
				      tail, sizeof(tail), &got)) {
		TH_LOG("the partition stopped answering after sysrq l: \"%s\"", tail);
	}
	bt = strstr(tail, "BT-");
	ASSERT_NE(NULL, bt);
	n = sscanf(bt, "BT-%d-of-%d", &seen, &cpus);
	ASSERT_EQ(2, n) TH_LOG("\"%s\"", bt);
	EXPECT_LT(1, cpus);
	EXPECT_EQ(cpus, seen) TH_LOG("backtraces of %d of %d CPUs", seen, cpus);
	EXPECT_EQ(nmis, host_nmis()) TH_LOG("the host's CPUs took NMIs");
	close(fd);
}

/* What the partition may not reach or may not say is refused. */
TEST_F_TIMEOUT(part, refused, 300)
{
	char chan[48], path[256];
	long long errors;

	/* Host pages are not the partition's to map: it answers EFAULT. */
	ikc_chan(chan, sizeof(chan), self->peer, 1);
	EXPECT_EQ(-EFAULT, ikc_pingpong(chan, "pages 2"));
	EXPECT_EQ(0, ikc_pingpong(chan, "10 10"));

	snprintf(path, sizeof(path), IKC_DEVS "/%s.2/inject", self->peer);
	if (access(path, F_OK))
		SKIP(return, "no inject file: CONFIG_IKC_FAULT_INJECTION=n");
	/* An impossible consumer index from the partition. */
	ikc_chan(chan, sizeof(chan), self->peer, 2);
	ASSERT_EQ(0, ikc_dev_write(chan, "inject", "tx_cons"));
	EXPECT_EQ(-EPROTO, ikc_pingpong(chan, "1 16"));
	EXPECT_EQ(1, ikc_dev_num(chan, "broken"));
	EXPECT_GE(ikc_stat(chan, "errors"), 1);
	/* A doorbell for a slot that does not exist. */
	errors = ikc_dev_num(self->peer, "errors");
	ikc_chan(chan, sizeof(chan), self->peer, 3);
	ASSERT_EQ(0, ikc_dev_write(chan, "inject", "doorbell"));
	EXPECT_EQ(errors + 1, ikc_dev_num(self->peer, "errors"));
	/* Other channels are unharmed. */
	EXPECT_EQ(0, ikc_pingpong(chan, "100 300"));
}

/* Count the channels of @peer. */
static int nr_channels(const char *peer)
{
	char chan[48], buf[16];
	int i, n = 0;

	for (i = 0; i < IKC_MAX_SLOTS; i++) {
		ikc_chan(chan, sizeof(chan), peer, i);
		if (ikc_dev_read(chan, "slot", buf, sizeof(buf)) > 0)
			n++;
	}
	return n;
}

/*
 * Channels a partition gets beyond its ikc_services: one for system call
 * delegation when the kernel has it (the "delegation" setting's default).
 */
static int deleg_slots(void)
{
	return mk_read_num("/sys/kernel/multikernel/features/syscall_delegation") == 1;
}

/*
 * Partitions come and go: each time the host gives back what IKC took for
 * the last one (its peer, channels and console line are gone and reused).
 */
TEST_F_TIMEOUT(part, lifetimes, 300)
{
	char chan[48], first_tty[32], tty[32], line[64];
	int i, n = nr_channels(self->peer);
	FILE *f;

	EXPECT_EQ(6 + deleg_slots(), n);
	ikc_chan(chan, sizeof(chan), self->peer, CONSOLE_SLOT);
	ASSERT_GT(ikc_dev_read(chan, "tty_name", first_tty, sizeof(first_tty)), 0);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, mkctl("mkctl stop %d --force", self->id));
		ASSERT_EQ(0, mkctl("mkctl destroy %d", self->id));
		EXPECT_EQ(-ENOENT, ikc_find_peer("partition", self->id, chan, sizeof(chan)));
		self->id = -1;
		/* Started, not waited for: the host's side exists at once. */
		f = popen("mkctl boot --cpus " TEST_PART_CPUS " --mem " TEST_PART_MEM
			  " --console none --kernel " TEST_PART_KERNEL
			  " --initrd " TEST_PART_INITRD,
			  "r");
		ASSERT_NE(NULL, f);
		if (fgets(line, sizeof(line), f))
			self->id = atoi(line);
		ASSERT_EQ(0, pclose(f));
		ASSERT_GE(self->id, 0);
		ASSERT_EQ(0, ikc_find_peer("partition", self->id, self->peer,
					   sizeof(self->peer)));
		EXPECT_EQ(n, nr_channels(self->peer)) TH_LOG("lifetime %d", i);
		ikc_chan(chan, sizeof(chan), self->peer, CONSOLE_SLOT);
		ASSERT_GT(ikc_dev_read(chan, "tty_name", tty, sizeof(tty)), 0);
		EXPECT_STREQ(first_tty, tty) TH_LOG("lifetime %d: console line not reused", i);
	}
}

/* The partition is stopped in the middle of traffic. */
TEST_F_TIMEOUT(part, stopped_mid_traffic, 300)
{
	char chan[48];
	pid_t pids[2];
	int i, status;
	long long t;

	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (!pids[i]) {
			ikc_chan(chan, sizeof(chan), self->peer, i);
			_exit(-ikc_pingpong(chan, i ? "100000000 3000" : "100000000 8"));
		}
	}
	sleep(2);
	t = ikc_now_ms();
	ASSERT_EQ(0, mkctl("mkctl stop %d --force", self->id));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(ENOTCONN, WEXITSTATUS(status));
	}
	ksft_print_msg("runs ended %lld ms after the stop\n", ikc_now_ms() - t);
	EXPECT_LT(ikc_now_ms() - t, 10000);
	/* The peer and its channels are gone with the partition. */
	EXPECT_EQ(-ENOENT, ikc_find_peer("partition", self->id, chan, sizeof(chan)));
}

/* The output of a command, without its final newline: 0 or -1. */
static int run_line(const char *cmd, char *line, size_t size)
{
	FILE *f = popen(cmd, "r");
	int ok;

	if (!f)
		return -1;
	ok = !!fgets(line, size, f);
	if (pclose(f) || !ok)
		return -1;
	line[strcspn(line, "\n")] = '\0';
	return 0;
}

/*
 * A partition's own list of IKC services: it starts as the parameter
 * says, refuses lists that do not parse and changes while the partition
 * is live, and the partition gets exactly the channels it lists.
 */
FIXTURE(setting) {
	int id;
};

FIXTURE_SETUP(setting)
{
	char line[32];

	self->id = -1;
	if (access(IKC_BUS, F_OK) || access(TEST_PART_KERNEL, R_OK) ||
	    access("/dev/multikernel", R_OK))
		SKIP(return, "no IKC bus, partition kernel or /dev/multikernel");
	ASSERT_EQ(0, run_line("mkctl create --cpus " TEST_PART_CPUS " --mem " TEST_PART_MEM
			      " --console none",
			      line, sizeof(line)));
	self->id = atoi(line);
}

FIXTURE_TEARDOWN(setting)
{
	if (self->id < 0)
		return;
	mkctl("mkctl stop %d --force >/dev/null 2>&1", self->id);
	EXPECT_EQ(0, mkctl("mkctl destroy %d", self->id));
}

TEST_F_TIMEOUT(setting, ikc_services, 300)
{
	static const char * const bad[] = {
		"bogus", "virtio", "echo:3", "echo@host", "echo*0", "echo*17",
		"echo*9 echo*8",
	};
	char path[128], param[256], buf[256], cmd[512], peer[32], chan[48];
	char *longlist;
	int id = self->id;
	size_t i;

	snprintf(path, sizeof(path), "/sys/kernel/multikernel/partitions/%d/ikc_services", id);
	ASSERT_LE(0, mk_read_text("/sys/module/ikc/parameters/partition_services",
				  param, sizeof(param)));
	ASSERT_LE(0, mk_read_text(path, buf, sizeof(buf)));
	EXPECT_STREQ(param, buf);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = mk_write_text(path, bad[i]);

		EXPECT_TRUE(ret == -EINVAL || ret == -E2BIG) TH_LOG("\"%s\": %d", bad[i], ret);
	}
	longlist = malloc(2000);
	ASSERT_NE(NULL, longlist);
	memset(longlist, ' ', 1999);
	longlist[1999] = '\0';
	EXPECT_EQ(-E2BIG, mk_write_text(path, longlist));
	free(longlist);
	ASSERT_LE(0, mk_read_text(path, buf, sizeof(buf)));
	EXPECT_STREQ(param, buf) TH_LOG("a refused list changed the setting");

	/* mkctl set writes the same file and reports what is refused. */
	snprintf(cmd, sizeof(cmd), "mkctl set %d ikc_services=bogus 2>/dev/null", id);
	EXPECT_EQ(1, WEXITSTATUS(system(cmd)));
	snprintf(cmd, sizeof(cmd), "mkctl set %d 'ikc_services=echo@part*2 echo'", id);
	ASSERT_EQ(0, system(cmd));
	ASSERT_LE(0, mk_read_text(path, buf, sizeof(buf)));
	EXPECT_STREQ("echo@part*2 echo", buf);
	snprintf(cmd, sizeof(cmd), "mkctl load %d --kernel %s --initrd %s --cmdline '%s'",
		 id, TEST_PART_KERNEL, TEST_PART_INITRD, PART_CMDLINE);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, mkctl("mkctl start %d --wait 300", id));
	ASSERT_EQ(-EBUSY, mk_write_text(path, "echo"));

	ASSERT_EQ(0, ikc_find_peer("partition", id, peer, sizeof(peer)));
	EXPECT_TRUE(ikc_wait_attr(peer, "state", "up", 60000));
	EXPECT_EQ(3 + deleg_slots(), nr_channels(peer));
	/* The partition serves slots 0-1 ("@part"), the host slot 2. */
	ikc_chan(chan, sizeof(chan), peer, 2);
	ASSERT_GT(ikc_dev_read(chan, "role", buf, sizeof(buf)), 0);
	EXPECT_STREQ("server", buf);
	ikc_chan(chan, sizeof(chan), peer, 1);
	ASSERT_GT(ikc_dev_read(chan, "role", buf, sizeof(buf)), 0);
	EXPECT_STREQ("client", buf);
	EXPECT_EQ(0, ikc_pingpong(chan, "10 100"));

	EXPECT_EQ(0, mkctl("mkctl stop %d --force", id));
	/* Stopped: it may be changed again, and an empty list is allowed. */
	EXPECT_EQ(0, mk_write_text(path, "\n"));
}

TEST_HARNESS_MAIN

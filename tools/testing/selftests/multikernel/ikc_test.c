// SPDX-License-Identifier: GPL-2.0
/*
 * IKC over the loopback transport: both ends of a shared area in this
 * kernel, running the same channel, ring and driver code as between
 * kernels.  Round trips with checked contents at every payload size, many
 * channels at once, the peer going away in the middle of traffic, a
 * peer writing nonsense into the shared memory (refused, counted, and
 * never a crash), and a virtio console joined to a ttyIKC.
 *
 * IKC_TEST_ROUND_TRIPS sets the length of the long run (default 100000
 * round trips, 200000 messages; 500000 for a soak of a million).
 */

#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>

#include "../kselftest_harness.h"
#include "ikc_util.h"

#define NR_SLOTS	6

FIXTURE(loop) {
	char a[32], b[32];	/* end A serves, end B is the client */
};

FIXTURE_SETUP(loop)
{
	char slots[128] = "";
	int i;

	if (access(IKC_BUS "/loopback_add", W_OK))
		SKIP(return, "no IKC loopback (CONFIG_IKC=n, or not root)");
	for (i = 0; i < NR_SLOTS; i++)
		strcat(slots, "echo ");
	ASSERT_EQ(0, mk_write_text(IKC_BUS "/loopback_add", slots));
	ASSERT_EQ(0, ikc_last_pair(self->a, self->b));
	ASSERT_TRUE(ikc_wait_attr(self->a, "state", "up", 5000));
	ASSERT_TRUE(ikc_wait_attr(self->b, "state", "up", 5000));
}

FIXTURE_TEARDOWN(loop)
{
	if (self->a[0])
		EXPECT_EQ(0, mk_write_text(IKC_BUS "/loopback_del", self->a));
}

TEST_F(loop, devices)
{
	char chan[48], buf[64], path[256];
	int i;

	EXPECT_GT(ikc_dev_read(self->a, "transport", buf, sizeof(buf)), 0);
	EXPECT_STREQ("loopback-a", buf);
	for (i = 0; i < NR_SLOTS; i++) {
		ikc_chan(chan, sizeof(chan), self->a, i);
		ASSERT_GT(ikc_dev_read(chan, "service", buf, sizeof(buf)), 0);
		EXPECT_STREQ("echo", buf);
		ASSERT_GT(ikc_dev_read(chan, "role", buf, sizeof(buf)), 0);
		EXPECT_STREQ("server", buf);
		ikc_chan(chan, sizeof(chan), self->b, i);
		ASSERT_GT(ikc_dev_read(chan, "role", buf, sizeof(buf)), 0);
		EXPECT_STREQ("client", buf);
		/* Bound to the echo client. */
		snprintf(path, sizeof(path), IKC_DEVS "/%s/pingpong", chan);
		EXPECT_EQ(0, access(path, W_OK)) TH_LOG("%s", chan);
		EXPECT_EQ(0, ikc_dev_num(chan, "stats/errors"));
	}
	ikc_chan(chan, sizeof(chan), self->b, NR_SLOTS);
	EXPECT_EQ(-ENOENT, ikc_dev_read(chan, "role", buf, sizeof(buf)));
}

/* Every payload size class: inline, one pool block, several, the largest. */
TEST_F(loop, sizes)
{
	static const int sizes[] = { 0, 1, 47, 48, 49, 255, 256, 257, 1000, 4095, 4096 };
	char chan[48], what[64];
	size_t i;

	ikc_chan(chan, sizeof(chan), self->b, 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(what, sizeof(what), "200 %d", sizes[i]);
		EXPECT_EQ(0, ikc_pingpong(chan, what)) TH_LOG("size %d", sizes[i]);
	}
	EXPECT_EQ(-EINVAL, ikc_pingpong(chan, "1 4097"));
	EXPECT_EQ(-EINVAL, ikc_pingpong(chan, "0 16"));
	EXPECT_EQ(-EINVAL, ikc_pingpong(chan, "ten 16"));
	EXPECT_EQ(400 * ARRAY_SIZE(sizes), ikc_stat(chan, "msgs_tx") + ikc_stat(chan, "msgs_rx"));
	EXPECT_EQ(0, ikc_stat(chan, "errors"));
}

/*
 * A long run (IKC_TEST_ROUND_TRIPS), contents checked by the client;
 * counters agree.
 * Both ends busy-poll, as a latency-bound user would: doorbells cost an
 * interrupt and a work item each under emulation (the other tests use
 * them).
 */
TEST_F_TIMEOUT(loop, long_run, 900)
{
	const char *env = getenv("IKC_TEST_ROUND_TRIPS");
	long n = env ? atol(env) : 100000;
	char chan[48], srv[48], what[64];
	long long t = ikc_now_ms();

	ikc_chan(chan, sizeof(chan), self->b, 1);
	ikc_chan(srv, sizeof(srv), self->a, 1);
	ASSERT_EQ(0, ikc_dev_write(chan, "poll_us", "100000"));
	ASSERT_EQ(0, ikc_dev_write(srv, "poll_us", "100000"));
	/* Half of them in the pool, half inline. */
	snprintf(what, sizeof(what), "%ld 40", n / 2);
	ASSERT_EQ(0, ikc_pingpong(chan, what));
	snprintf(what, sizeof(what), "%ld 300", n - n / 2);
	ASSERT_EQ(0, ikc_pingpong(chan, what));
	ksft_print_msg("%ld round trips (%ld messages) in %lld ms; last run avg %lld ns\n",
		       n, 2 * n, ikc_now_ms() - t, ikc_last_avg_ns(chan));
	EXPECT_EQ(n, ikc_stat(chan, "msgs_tx"));
	EXPECT_EQ(n, ikc_stat(chan, "msgs_rx"));
	EXPECT_EQ(n, ikc_stat(srv, "msgs_rx"));
	EXPECT_EQ(n, ikc_stat(srv, "msgs_tx"));
	EXPECT_EQ(ikc_stat(chan, "msgs_tx"),
		  ikc_stat(chan, "notify_sent") + ikc_stat(chan, "notify_suppressed"));
	EXPECT_EQ(0, ikc_stat(chan, "errors"));
	EXPECT_EQ(0, ikc_stat(srv, "errors"));
}

/* Busy-polling on the server end: doorbells to it become unneeded. */
TEST_F(loop, poll_suppresses_doorbells)
{
	char chan[48], srv[48];

	ikc_chan(chan, sizeof(chan), self->b, 2);
	ikc_chan(srv, sizeof(srv), self->a, 2);
	ASSERT_EQ(0, ikc_dev_write(srv, "poll_us", "20000"));
	ASSERT_EQ(0, ikc_dev_write(chan, "poll_us", "20000"));
	ASSERT_EQ(0, ikc_pingpong(chan, "2000 64"));
	ksft_print_msg("client: %lld doorbells sent, %lld suppressed\n",
		       ikc_stat(chan, "notify_sent"), ikc_stat(chan, "notify_suppressed"));
	EXPECT_GT(ikc_stat(chan, "notify_suppressed"), 0);
	EXPECT_EQ(-EINVAL, ikc_dev_write(srv, "poll_us", "2000000"));
	EXPECT_EQ(-EINVAL, ikc_dev_write(srv, "poll_us", "-1"));
}

/*
 * A stream fills the ring and the pool: the sender asks the server for a
 * doorbell once it takes a message, and goes on when it rings, not by
 * polling.
 */
TEST_F(loop, full_ring_resumes_on_doorbell)
{
	char chan[48], srv[48];

	ikc_chan(chan, sizeof(chan), self->b, 3);
	ikc_chan(srv, sizeof(srv), self->a, 3);
	ASSERT_EQ(0, ikc_pingpong(chan, "stream 20000 300"));
	ksft_print_msg("client: ring or pool full %lld times, %lld room requests;"
		       " server: %lld room doorbells\n", ikc_stat(chan, "full"),
		       ikc_stat(chan, "room_waits"), ikc_stat(srv, "room_sent"));
	EXPECT_GT(ikc_stat(chan, "room_waits"), 0);
	EXPECT_GT(ikc_stat(srv, "room_sent"), 0);
	EXPECT_LE(ikc_stat(srv, "room_sent"), ikc_stat(chan, "room_waits"));
	EXPECT_EQ(20001, ikc_stat(srv, "msgs_rx"));
	EXPECT_EQ(0, ikc_stat(chan, "errors"));
	EXPECT_EQ(0, ikc_stat(srv, "errors"));
}

/* Handling CPUs can be moved; the channel keeps working. */
TEST_F(loop, handling_cpu)
{
	char chan[48], srv[48], buf[16];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int cpu;

	ikc_chan(chan, sizeof(chan), self->b, 3);
	ikc_chan(srv, sizeof(srv), self->a, 3);
	for (cpu = 0; cpu < cpus; cpu++) {
		snprintf(buf, sizeof(buf), "%d", cpu);
		if (ikc_dev_write(srv, "cpu", buf))
			continue;	/* offline */
		EXPECT_EQ(cpu, ikc_dev_num(srv, "cpu"));
		EXPECT_EQ(0, ikc_pingpong(chan, "200 16")) TH_LOG("cpu %d", cpu);
	}
	EXPECT_EQ(-EINVAL, ikc_dev_write(srv, "cpu", "4096"));
	EXPECT_EQ(-EINVAL, ikc_dev_write(srv, "cpu", "x"));
}

/* Page transfer: the server maps our pages and checksums them. */
TEST_F(loop, page_transfer)
{
	char chan[48];

	ikc_chan(chan, sizeof(chan), self->b, 4);
	EXPECT_EQ(0, ikc_pingpong(chan, "pages 1"));
	EXPECT_EQ(0, ikc_pingpong(chan, "pages 16"));
	EXPECT_EQ(-EINVAL, ikc_pingpong(chan, "pages 0"));
	EXPECT_EQ(-EINVAL, ikc_pingpong(chan, "pages 65"));
}

/* All channels at once, each from its own process. */
TEST_F_TIMEOUT(loop, many_channels, 300)
{
	pid_t pids[NR_SLOTS];
	char chan[48];
	int i, status;

	for (i = 0; i < NR_SLOTS; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (!pids[i]) {
			const char *what = i % 2 ? "2000 500" : "2000 32";

			ikc_chan(chan, sizeof(chan), self->b, i);
			_exit(!!ikc_pingpong(chan, what));
		}
	}
	for (i = 0; i < NR_SLOTS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) TH_LOG("channel %d", i);
	}
}

/* The peer goes away in the middle of traffic: the run ends, nothing hangs. */
TEST_F_TIMEOUT(loop, peer_gone_mid_traffic, 120)
{
	char chan[48];
	int status, i;
	long long t;
	pid_t pids[2];

	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (!pids[i]) {
			ikc_chan(chan, sizeof(chan), self->b, i);
			_exit(-ikc_pingpong(chan, i ? "100000000 2000" : "100000000 8"));
		}
	}
	usleep(500000);
	t = ikc_now_ms();
	ASSERT_EQ(0, mk_write_text(IKC_BUS "/loopback_del", self->a));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(ENOTCONN, WEXITSTATUS(status));
	}
	ksft_print_msg("runs ended %lld ms after the peer went\n", ikc_now_ms() - t);
	EXPECT_LT(ikc_now_ms() - t, 10000);
	EXPECT_EQ(-ENOENT, ikc_dev_read(self->b, "state", chan, sizeof(chan)));
	self->a[0] = '\0';
}

/*
 * What a hostile peer can write, each into a channel of its own.  What
 * the server end reads is injected there: it must refuse it, count it and
 * stop the channel.  The client's next round trip then gets no answer, or,
 * when the server had consumed the injected message, finds the server's
 * consumer index ahead of what it produced and refuses the channel too.
 * A consumer index is injected at the client, which sees it when it sends.
 */
TEST_F_TIMEOUT(loop, corrupted_by_peer, 120)
{
	static const struct {
		const char *kind;
		bool at_server;
		int ret;
	} cases[] = {
		{ "rx_prod", true, -ETIMEDOUT },
		{ "bad_len", true, -EPROTO },
		{ "bad_pool", true, -EPROTO },
		{ "bad_flags", true, -EPROTO },
		{ "tx_cons", false, -EPROTO },
	};
	char chan[48], hit[48], path[256];
	long long peer_errors;
	size_t i;

	ikc_chan(chan, sizeof(chan), self->b, 0);
	snprintf(path, sizeof(path), IKC_DEVS "/%s/inject", chan);
	if (access(path, F_OK))
		SKIP(return, "no inject file: CONFIG_IKC_FAULT_INJECTION=n");
	EXPECT_EQ(-EINVAL, ikc_dev_write(chan, "inject", "nonsense"));

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *end = self->b;

		if (cases[i].at_server)
			end = self->a;
		ikc_chan(chan, sizeof(chan), self->b, i);
		ikc_chan(hit, sizeof(hit), end, i);
		ASSERT_EQ(0, ikc_pingpong(chan, "10 16"));
		ASSERT_EQ(0, ikc_dev_write(hit, "inject", cases[i].kind))
			TH_LOG("%s", cases[i].kind);
		if (cases[i].at_server)
			EXPECT_TRUE(ikc_wait_attr(hit, "broken", "1", 5000))
				TH_LOG("%s", cases[i].kind);
		EXPECT_EQ(cases[i].ret, ikc_pingpong(chan, "1 16")) TH_LOG("%s", cases[i].kind);
		EXPECT_EQ(1, ikc_dev_num(hit, "broken")) TH_LOG("%s", cases[i].kind);
		EXPECT_GE(ikc_stat(hit, "errors"), 1) TH_LOG("%s", cases[i].kind);
	}
	/* A broken channel stays refused. */
	ikc_chan(chan, sizeof(chan), self->b, 4);
	EXPECT_EQ(-EPROTO, ikc_pingpong(chan, "1 16"));

	peer_errors = ikc_dev_num(self->b, "errors");
	ikc_chan(chan, sizeof(chan), self->b, NR_SLOTS - 1);
	EXPECT_EQ(0, ikc_dev_write(chan, "inject", "doorbell"));
	EXPECT_EQ(peer_errors + 1, ikc_dev_num(self->b, "errors"));
	/* The untouched channel still works. */
	EXPECT_EQ(0, ikc_pingpong(chan, "100 100"));
}

/* A service offered by end B: the roles swap, and it works both ways. */
TEST(roles)
{
	char a[32], b[32], chan[48], buf[16];

	if (access(IKC_BUS "/loopback_add", W_OK))
		SKIP(return, "no IKC loopback (CONFIG_IKC=n, or not root)");
	ASSERT_EQ(0, mk_write_text(IKC_BUS "/loopback_add", "echo echo@part*2"));
	ASSERT_EQ(0, ikc_last_pair(a, b));
	ASSERT_TRUE(ikc_wait_attr(a, "state", "up", 5000));
	ASSERT_TRUE(ikc_wait_attr(b, "state", "up", 5000));
	ikc_chan(chan, sizeof(chan), a, 2);
	ASSERT_GT(ikc_dev_read(chan, "role", buf, sizeof(buf)), 0);
	EXPECT_STREQ("client", buf);
	EXPECT_EQ(0, ikc_pingpong(chan, "100 100"));
	ikc_chan(chan, sizeof(chan), a, 0);
	EXPECT_EQ(-ENOENT, ikc_pingpong(chan, "1 1"));
	ikc_chan(chan, sizeof(chan), b, 0);
	EXPECT_EQ(0, ikc_pingpong(chan, "100 100"));
	EXPECT_EQ(0, mk_write_text(IKC_BUS "/loopback_del", b));
}

/* The hvc lines that open now, one bit per /dev/hvcN. */
static unsigned int hvc_lines(void)
{
	unsigned int mask = 0;
	char path[32];
	int i, fd;

	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/dev/hvc%d", i);
		fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0) {
			mask |= 1u << i;
			close(fd);
		}
	}
	return mask;
}

/* @path in raw mode, not blocking: an fd or -errno. */
static int open_raw(const char *path)
{
	struct termios t;
	int fd;

	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

/* True once @fd is hung up: read() ends with 0 or EIO, not EAGAIN. */
static bool hung_up(int fd, int ms)
{
	long long end = ikc_now_ms() + ms;
	char c[64];
	ssize_t n;

	do {
		n = read(fd, c, sizeof(c));
		if (!n || (n < 0 && errno == EIO))
			return true;
		usleep(20000);
	} while (ikc_now_ms() < end);
	return false;
}

/*
 * A virtio console over a loopback pair: virtio_console drives end B as a
 * partition's kernel would, and its hvc line is joined to end A's
 * ttyIKC.  Text crosses both ways; deleting the pair with both lines open
 * hangs them up and gives the hvc line back.
 */
FIXTURE(vcon) {
	char a[32], b[32];
	unsigned int hvc_before;
};

FIXTURE_SETUP(vcon)
{
	if (access(IKC_BUS "/loopback_add", W_OK))
		SKIP(return, "no IKC loopback (CONFIG_IKC=n, or not root)");
	self->hvc_before = hvc_lines();
	ASSERT_EQ(0, mk_write_text(IKC_BUS "/loopback_add", "virtio:3"));
	ASSERT_EQ(0, ikc_last_pair(self->a, self->b));
}

FIXTURE_TEARDOWN(vcon)
{
	char path[128];

	/* The test deletes the pair itself; this is for when it stopped early. */
	snprintf(path, sizeof(path), IKC_DEVS "/%s", self->a);
	if (self->a[0] && !access(path, F_OK))
		mk_write_text(IKC_BUS "/loopback_del", self->a);
}

TEST_F_TIMEOUT(vcon, lines_joined, 90)
{
	char chan[48], tty[32], path[64], buf[4096];
	unsigned int added = 0;
	int host_fd, hvc_fd, line;
	long long end;
	size_t len;

	ikc_chan(chan, sizeof(chan), self->a, 0);
	if (ikc_dev_read(chan, "tty_name", tty, sizeof(tty)) <= 0)
		SKIP(return, "%s has no tty: CONFIG_IKC_VIRTIO_CONSOLE=n", chan);
	/* virtio_console adds its console port once the device is set up. */
	end = ikc_now_ms() + 10000;
	while (!added && ikc_now_ms() < end) {
		added = hvc_lines() & ~self->hvc_before;
		if (!added)
			usleep(50000);
	}
	ASSERT_NE(0, added) TH_LOG("no new hvc line: is CONFIG_VIRTIO_CONSOLE set?");
	line = __builtin_ctz(added);

	snprintf(path, sizeof(path), "/dev/%s", tty);
	host_fd = open_raw(path);
	ASSERT_GE(host_fd, 0) TH_LOG("%s: %s", path, strerror(-host_fd));
	snprintf(path, sizeof(path), "/dev/hvc%d", line);
	hvc_fd = open_raw(path);
	ASSERT_GE(hvc_fd, 0) TH_LOG("%s: %s", path, strerror(-hvc_fd));

	ASSERT_EQ(15, write(host_fd, "to-the-hvc-end\n", 15));
	len = 0;
	EXPECT_TRUE(ikc_read_until(hvc_fd, buf, sizeof(buf), &len, "to-the-hvc-end", 10000))
		TH_LOG("hvc%d got \"%.100s\"", line, buf);
	ASSERT_EQ(15, write(hvc_fd, "to-the-ikc-end\n", 15));
	len = 0;
	EXPECT_TRUE(ikc_read_until(host_fd, buf, sizeof(buf), &len, "to-the-ikc-end", 10000))
		TH_LOG("%s got \"%.100s\"", tty, buf);
	EXPECT_EQ(0, ikc_dev_num(chan, "errors"));

	/* Both lines open while the pair goes away: hung up, no oops. */
	EXPECT_EQ(0, mk_write_text(IKC_BUS "/loopback_del", self->a));
	EXPECT_TRUE(hung_up(host_fd, 5000)) TH_LOG("%s not hung up", tty);
	EXPECT_TRUE(hung_up(hvc_fd, 5000)) TH_LOG("hvc%d not hung up", line);
	close(host_fd);
	close(hvc_fd);
	EXPECT_EQ(self->hvc_before, hvc_lines());
}

TEST(bad_loopback_requests)
{
	char many[256] = "";
	int i;

	if (access(IKC_BUS "/loopback_add", W_OK))
		SKIP(return, "no IKC loopback (CONFIG_IKC=n, or not root)");
	for (i = 0; i <= IKC_MAX_SLOTS; i++)
		strcat(many, "echo ");
	EXPECT_EQ(-EINVAL, mk_write_text(IKC_BUS "/loopback_add", " "));
	EXPECT_EQ(-EINVAL, mk_write_text(IKC_BUS "/loopback_add", "bogus"));
	EXPECT_EQ(-EINVAL, mk_write_text(IKC_BUS "/loopback_add", "virtio"));
	EXPECT_EQ(-EINVAL, mk_write_text(IKC_BUS "/loopback_add", "echo virtio:x"));
	EXPECT_EQ(-E2BIG, mk_write_text(IKC_BUS "/loopback_add", many));
	EXPECT_EQ(-EINVAL, mk_write_text(IKC_BUS "/loopback_add", "echo@host"));
	EXPECT_EQ(-EINVAL, mk_write_text(IKC_BUS "/loopback_add", "echo*0"));
	EXPECT_EQ(-E2BIG, mk_write_text(IKC_BUS "/loopback_add", "echo*9 echo*8"));
	EXPECT_EQ(-ENOENT, mk_write_text(IKC_BUS "/loopback_del", "ikc9999"));
	EXPECT_EQ(-ENOENT, mk_write_text(IKC_BUS "/loopback_del", "ikc"));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-net back end over an IKC loopback pair: virtio_net drives end
 * B as a partition's kernel would, end A is a network interface of this
 * kernel ("mkvlo<n>").  B's interface lives in a network namespace of its
 * own, so that traffic between the two addresses crosses the link: ping
 * both ways, a TCP stream each way whose bytes are checked and whose large
 * frames crossed as one (segmentation offload both ways), the carrier
 * following the front end's driver, the front end's link following the
 * interface here.
 */

#define _GNU_SOURCE
#include <errno.h>

#include "../kselftest_harness.h"
#include "vnet_util.h"

#define HOST_IP		"10.99.0.1"
#define PEER_IP		"10.99.0.2"
#define PORT		5001
#define STREAM		(16 << 20)

FIXTURE(link) {
	struct vnet_loop l;
};

FIXTURE_SETUP(link)
{
	const char *why = vnet_loop_missing();

	self->l.ns = -1;
	self->l.a[0] = '\0';
	if (why)
		SKIP(return, "%s", why);
	why = vnet_loop_up(&self->l, HOST_IP, PEER_IP);
	ASSERT_EQ(NULL, why) TH_LOG("loopback link: %s", why);
	ASSERT_EQ(0, strncmp(self->l.host, "mkvlo", 5)) TH_LOG("%s", self->l.host);
}

FIXTURE_TEARDOWN(link)
{
	EXPECT_EQ(0, vnet_loop_down(&self->l));
}

/* Pings both ways; the counters here saw them. */
TEST_F_TIMEOUT(link, ping_both_ways, 120)
{
	EXPECT_EQ(1, vnet_if_num(self->l.host, "carrier"));
	EXPECT_EQ(0, mk_run("ping -c 3 -W 10 " PEER_IP " >/dev/null"));
	EXPECT_EQ(0, mk_run("nsenter -t %d -n ping -c 3 -W 10 " HOST_IP " >/dev/null",
			    self->l.ns));
	EXPECT_LE(3, vnet_if_num(self->l.host, "statistics/rx_packets"));
	EXPECT_LE(3, vnet_if_num(self->l.host, "statistics/tx_packets"));
	EXPECT_EQ(0, vnet_if_num(self->l.host, "statistics/rx_errors"));
}

/* The server, in the namespace: takes stream 1, answers with stream 2. */
static void serve_stream(pid_t ns, int ready, int result)
{
	uint64_t res[2] = { 0, 0 };
	size_t len;
	int c;

	c = vnet_serve_one(ns, PEER_IP, PORT, ready);
	if (c < 0 || vnet_recv_stream(c, &res[0], &len))
		_exit(4);
	res[1] = len;
	if (vnet_send_stream(c, STREAM, 2))
		_exit(5);
	close(c);
	if (write(result, res, sizeof(res)) != sizeof(res))
		_exit(6);
	_exit(0);
}

/*
 * A TCP stream each way, its bytes checked; its frames crossed the link
 * segmented by neither end (more than 3000 bytes a frame on average).
 */
TEST_F_TIMEOUT(link, tcp_both_ways, 120)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	int ready[2], result[2], s, status;
	uint64_t res[2], hash;
	size_t len;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(result));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		serve_stream(self->l.ns, ready[1], result[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));

	inet_pton(AF_INET, PEER_IP, &sa.sin_addr);
	s = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, connect(s, (void *)&sa, sizeof(sa))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, vnet_send_stream(s, STREAM, 1));
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	ASSERT_EQ(0, vnet_recv_stream(s, &hash, &len));
	close(s);
	ASSERT_EQ(sizeof(res), read(result[0], res, sizeof(res)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);

	EXPECT_EQ(STREAM, res[1]);
	EXPECT_EQ(vnet_stream_hash(STREAM, 1), res[0]) TH_LOG("stream to the peer differs");
	EXPECT_EQ(STREAM, len);
	EXPECT_EQ(vnet_stream_hash(STREAM, 2), hash) TH_LOG("stream from the peer differs");
	EXPECT_LT(3000, vnet_if_num(self->l.host, "statistics/tx_bytes") /
		  vnet_if_num(self->l.host, "statistics/tx_packets"));
	EXPECT_LT(3000, vnet_if_num(self->l.host, "statistics/rx_bytes") /
		  vnet_if_num(self->l.host, "statistics/rx_packets"));
	EXPECT_EQ(0, vnet_if_num(self->l.host, "statistics/rx_errors"));
}

/*
 * No carrier here while the front end's driver is away; the front end's
 * link is down while the interface here is.
 */
TEST_F_TIMEOUT(link, carrier_follows_both_ends, 120)
{
	char vdev[32], pattern[160];

	snprintf(pattern, sizeof(pattern), IKC_DEVS "/%s/virtio*", self->l.chan_b);
	ASSERT_EQ(0, vnet_glob_one(pattern, vdev, sizeof(vdev)));
	EXPECT_EQ(1, vnet_wait_carrier(self->l.host, 1));
	ASSERT_EQ(0, mk_write_text("/sys/bus/virtio/drivers/virtio_net/unbind", vdev));
	EXPECT_EQ(0, vnet_wait_carrier(self->l.host, 0));
	/* Frames for a partition that is not there are dropped. */
	mk_run("ping -c 1 -W 1 " PEER_IP " >/dev/null 2>&1");
	ASSERT_EQ(0, mk_write_text("/sys/bus/virtio/drivers/virtio_net/bind", vdev));
	EXPECT_EQ(1, vnet_wait_carrier(self->l.host, 1));

	/* A new virtio_net interface, in this namespace. */
	ASSERT_EQ(0, vnet_ifaces(self->l.chan_a, self->l.chan_b, self->l.host,
				 self->l.peer, 20000));
	ASSERT_EQ(0, mk_run("ip link set dev %s up", self->l.peer));
	EXPECT_EQ(1, vnet_wait_carrier(self->l.peer, 1));
	ASSERT_EQ(0, mk_run("ip link set dev %s down", self->l.host));
	EXPECT_EQ(0, vnet_wait_carrier(self->l.peer, 0));
	ASSERT_EQ(0, mk_run("ip link set dev %s up", self->l.host));
	EXPECT_EQ(1, vnet_wait_carrier(self->l.peer, 1));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * XDP on the virtio-net back end's interface, over an IKC loopback pair
 * (end B's virtio_net interface in a network namespace, as in vnet_test):
 * a program in native mode on frames from the front end, each verdict
 * checked by where the frames arrive and by the driver's counters; frames
 * too large for the native path (segmentation offload) through the same
 * program on the generic path, the stream intact; and the interface as a
 * redirect target of a veth's program.
 */

#define _GNU_SOURCE
#include <errno.h>

#include "../kselftest_harness.h"
#include "vnet_util.h"
#include "vnet_xdp.h"

#define HOST_IP		"10.98.0.1"
#define PEER_IP		"10.98.0.2"
#define PORT		5002
#define STREAM		(2 << 20)
#define FRAMES		8

FIXTURE(xdp) {
	struct vnet_loop l;
	int map, prog, link;
};

/* A socket in the namespace @ns holds, for the tests' frames on @ifname. */
static int peer_socket(pid_t ns, const char *ifname)
{
	int self_ns, fd = -1;

	self_ns = open("/proc/self/ns/net", O_RDONLY);
	if (self_ns < 0)
		return -1;
	if (!vnet_enter_netns(ns))
		fd = xt_socket(ifname);
	if (setns(self_ns, CLONE_NEWNET)) {
		close(fd);
		fd = -1;
	}
	close(self_ns);
	return fd;
}

FIXTURE_SETUP(xdp)
{
	const char *why = vnet_loop_missing();

	self->l.ns = -1;
	self->l.a[0] = '\0';
	self->map = -1;
	self->prog = -1;
	self->link = -1;
	if (why)
		SKIP(return, "%s", why);
	if (xt_no_bpf())
		SKIP(return, "no bpf(2) (CONFIG_BPF_SYSCALL=n)");
	self->map = xt_counters(1);
	ASSERT_LE(0, self->map) TH_LOG("BPF_MAP_CREATE: %s", strerror(errno));
	self->prog = xt_load_verdicts(self->map);
	ASSERT_LE(0, self->prog);
	why = vnet_loop_up(&self->l, HOST_IP, PEER_IP);
	ASSERT_EQ(NULL, why) TH_LOG("loopback link: %s", why);
	ASSERT_EQ(1, vnet_wait_carrier(self->l.host, 1));
}

FIXTURE_TEARDOWN(xdp)
{
	if (self->link >= 0)
		close(self->link);
	if (self->prog >= 0)
		close(self->prog);
	if (self->map >= 0)
		close(self->map);
	EXPECT_EQ(0, vnet_loop_down(&self->l));
}

/*
 * Frames from the front end through the program in native mode: those it
 * passes reach this kernel's stack, those it sends back reach the front
 * end marked by the program, those it drops go nowhere.  Without the
 * program again, nothing is sent back.
 */
TEST_F_TIMEOUT(xdp, native_verdicts, 120)
{
	unsigned int here_seen[128] = {}, there_seen[128] = {};
	int here, there;

	self->link = xt_attach(self->prog, if_nametoindex(self->l.host));
	ASSERT_LE(0, self->link) TH_LOG("native attach: %s", strerror(errno));
	here = xt_socket(self->l.host);
	ASSERT_LE(0, here);
	there = peer_socket(self->l.ns, self->l.peer);
	ASSERT_LE(0, there);

	ASSERT_EQ(0, xt_send(there, XT_PASS, FRAMES));
	ASSERT_EQ(0, xt_send(there, XT_DROP, FRAMES));
	ASSERT_EQ(0, xt_send(there, XT_TX, FRAMES));
	xt_seen(there, XT_RETURNED, 1000, there_seen);
	xt_seen(here, XT_SENT, 200, here_seen);
	EXPECT_EQ(FRAMES, there_seen[XT_TX]);
	EXPECT_EQ(FRAMES, here_seen[XT_PASS]);
	EXPECT_EQ(0, here_seen[XT_DROP]);
	EXPECT_EQ(0, here_seen[XT_TX]);

	EXPECT_LE(3 * FRAMES, xt_counter(self->map, 0));
	EXPECT_LE(3 * FRAMES, xt_ethtool_stat(self->l.host, "xdp_native"));
	EXPECT_EQ(FRAMES, xt_ethtool_stat(self->l.host, "xdp_drop"));
	EXPECT_EQ(FRAMES, xt_ethtool_stat(self->l.host, "xdp_tx"));
	EXPECT_EQ(0, xt_ethtool_stat(self->l.host, "xdp_generic"));

	/* Detached: the same frames reach this kernel's stack. */
	close(self->link);
	self->link = -1;
	memset(here_seen, 0, sizeof(here_seen));
	memset(there_seen, 0, sizeof(there_seen));
	ASSERT_EQ(0, xt_send(there, XT_TX, FRAMES));
	xt_seen(here, XT_SENT, 1000, here_seen);
	xt_seen(there, XT_RETURNED, 0, there_seen);
	EXPECT_EQ(FRAMES, here_seen[XT_TX]);
	EXPECT_EQ(0, there_seen[XT_TX]);
	EXPECT_EQ(FRAMES, xt_ethtool_stat(self->l.host, "xdp_tx"));
	close(here);
	close(there);
}

/* The sending end of the stream, in the namespace. */
static void serve_stream(pid_t ns, int ready)
{
	int c;

	c = vnet_serve_one(ns, PEER_IP, PORT, ready);
	if (c < 0 || vnet_send_stream(c, STREAM, 3))
		_exit(4);
	close(c);
	_exit(0);
}

/*
 * A TCP stream from the front end: its segmentation-offloaded frames are
 * too large for the native path and go through the program on the generic
 * one, its acknowledgements on the native one; the bytes arrive intact.
 */
TEST_F_TIMEOUT(xdp, generic_for_large_frames, 120)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	int ready[2], s, status;
	uint64_t hash;
	long long frames;
	size_t len;
	pid_t pid;
	char c;

	self->link = xt_attach(self->prog, if_nametoindex(self->l.host));
	ASSERT_LE(0, self->link) TH_LOG("native attach: %s", strerror(errno));
	frames = vnet_if_num(self->l.host, "statistics/rx_packets");
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		serve_stream(self->l.ns, ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));

	inet_pton(AF_INET, PEER_IP, &sa.sin_addr);
	s = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, connect(s, (void *)&sa, sizeof(sa))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, vnet_recv_stream(s, &hash, &len));
	close(s);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(STREAM, len);
	EXPECT_EQ(vnet_stream_hash(STREAM, 3), hash);

	frames = vnet_if_num(self->l.host, "statistics/rx_packets") - frames;
	EXPECT_LT(0, xt_ethtool_stat(self->l.host, "xdp_generic"));
	EXPECT_LT(0, xt_ethtool_stat(self->l.host, "xdp_native"));
	EXPECT_EQ(frames, xt_ethtool_stat(self->l.host, "xdp_generic") +
			  xt_ethtool_stat(self->l.host, "xdp_native"));
	EXPECT_LE(frames, xt_counter(self->map, 0));
	EXPECT_EQ(0, xt_ethtool_stat(self->l.host, "xdp_drop"));
}

/*
 * The interface as a redirect target: a native program on a veth sends
 * the tests' frames that reach it to the link, and the front end gets
 * them (ndo_xdp_xmit).
 */
TEST_F_TIMEOUT(xdp, redirect_target, 120)
{
	unsigned int seen[128] = {};
	int redirect, vlink, tx, there;
	char vdev[32], pattern[160], vpeer[IF_NAMESIZE];

	ASSERT_EQ(0, vnet_veth_add("xdpv0", vpeer));
	ASSERT_EQ(0, mk_run("ip link set dev xdpv0 up && ip link set dev %s up",
			    vpeer));
	redirect = xt_load_redirect(if_nametoindex(self->l.host));
	ASSERT_LE(0, redirect);
	vlink = xt_attach(redirect, if_nametoindex("xdpv0"));
	ASSERT_LE(0, vlink) TH_LOG("veth attach: %s", strerror(errno));
	tx = xt_socket(vpeer);
	ASSERT_LE(0, tx);
	there = peer_socket(self->l.ns, self->l.peer);
	ASSERT_LE(0, there);

	ASSERT_EQ(0, xt_send(tx, XT_PASS, FRAMES));
	xt_seen(there, XT_SENT, 1000, seen);
	EXPECT_EQ(FRAMES, seen[XT_PASS]);
	EXPECT_EQ(FRAMES, xt_ethtool_stat(self->l.host, "xdp_xmit"));
	EXPECT_LE(FRAMES, vnet_if_num(self->l.host, "statistics/tx_packets"));

	/* Without the front end's driver, frames are refused, not queued. */
	snprintf(pattern, sizeof(pattern), IKC_DEVS "/%s/virtio*", self->l.chan_b);
	ASSERT_EQ(0, vnet_glob_one(pattern, vdev, sizeof(vdev)));
	ASSERT_EQ(0, mk_write_text("/sys/bus/virtio/drivers/virtio_net/unbind", vdev));
	EXPECT_EQ(0, vnet_wait_carrier(self->l.host, 0));
	ASSERT_EQ(0, xt_send(tx, XT_PASS, FRAMES));
	usleep(200 * 1000);
	EXPECT_EQ(FRAMES, xt_ethtool_stat(self->l.host, "xdp_xmit"));

	close(there);
	close(vlink);
	close(redirect);
	close(tx);
	EXPECT_EQ(0, mk_run("ip link del xdpv0"));
}

TEST_HARNESS_MAIN

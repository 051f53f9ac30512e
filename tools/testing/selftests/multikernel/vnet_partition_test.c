// SPDX-License-Identifier: GPL-2.0
/*
 * A partition kernel's Ethernet links to this kernel over IKC: links of
 * the partition's "net" setting (mkctl --net), eth0, eth1, ... in the
 * partition (on CPUs 2-3, driven through its shell on the IKC console),
 * mkvnet<id>, mkvnet<id>n1, ... here.
 *
 * - ping_streams_jumbo_route: pings both ways (and through an XDP program
 *   on the host's interface), a 64 MiB TCP stream each way whose sha256
 *   both ends agree on, Debian's iperf3 both ways, 9000 byte pings
 *   unfragmented on a link of MTU 9000, and this kernel routing the
 *   partition's packets to a network namespace behind a veth pair.
 * - restart_bridge_crash: two partitions (CPU 2 and CPU 3) on one bridge
 *   talk to each other through this kernel; one is stopped by force with
 *   traffic in flight (its interface stays, without carrier, in the
 *   bridge), started again (traffic comes back), and panics with traffic
 *   in flight.  Nothing hangs.
 * - net_setting: what the setting accepts and refuses, and the interface
 *   living with it, without booting.
 */

#define _GNU_SOURCE
#include <sys/stat.h>

#include "../kselftest_harness.h"
#include "vnet_util.h"
#include "vnet_xdp.h"
#include "part_shell.h"

#define HOST_IP		"10.98.0.1"
#define PART_IP		"10.98.0.2"
#define PART2_IP	"10.98.0.3"
#define JUMBO_HOST_IP	"10.96.0.1"
#define JUMBO_PART_IP	"10.96.0.2"
#define FAR_HOST_IP	"10.97.0.1"
#define FAR_IP		"10.97.0.2"
#define STREAM		(64 << 20)
#define SHORT_STREAM	(4 << 20)
#define STREAM_TOOL	"vnet_stream"	/* in both initramfs */
#define PART_DISK_SH	"/partition-disk.sh"	/* its "panic" says it is on purpose */
#define BRIDGE		"mkvbr0"
#define VETH		"mkvr0"
#define PART_NET	"/sys/kernel/multikernel/partitions/%d/net"
#define MAC		"mac=02:00:00:00:00:07"
#define NINE_LINKS	"default mtu=1500 mtu=1501 mtu=1502 mtu=1503 mtu=1504 mtu=1505 mtu=1506 x"
/* Payload of a ping that fills a 9000 byte MTU: less IP and ICMP headers. */
#define JUMBO_PING	(9000 - 20 - 8)
#define JUMBO_FRAME	(9000 + 14)

FIXTURE(part) {
	struct part p, q;
	char host[IFNAMSIZ];
	pid_t ns;
};

FIXTURE_SETUP(part)
{
	self->p.id = -1;
	self->p.fd = -1;
	self->q.id = -1;
	self->q.fd = -1;
	self->ns = -1;
	if (access(VNET_DRIVER, F_OK) || access(TEST_PART_KERNEL, R_OK) ||
	    access("/dev/multikernel", R_OK))
		SKIP(return, "no partitions or no virtio-net back end");
}

FIXTURE_TEARDOWN(part)
{
	part_stop(&self->q, true);
	part_stop(&self->p, true);
	mk_run("ip link del " BRIDGE " 2>/dev/null; ip link del " VETH " 2>/dev/null;"
	       " sysctl -qw net.ipv4.ip_forward=0");
	vnet_netns_end(self->ns);
	unlink("/tmp/vnet-p2h.sum");
}

/* The host interface of partition @id's link @n, waited for; 0 or -1. */
static int link_ifname(int id, int n, char *name)
{
	char path[128];
	int i;

	if (n)
		snprintf(name, IFNAMSIZ, "mkvnet%dn%d", id, n);
	else
		snprintf(name, IFNAMSIZ, "mkvnet%d", id);
	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	for (i = 0; i < 200 && access(path, F_OK); i++)
		usleep(50 * 1000);
	return access(path, F_OK) ? -1 : 0;
}

/* Address and bring up partition @p's eth@n with @ip; true if it did. */
static bool part_addr(struct __test_metadata *_metadata, struct part *p,
		      int n, const char *ip)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "ip addr add %s/24 dev eth%d && ip link set dev eth%d up && ip link set dev lo up",
		 ip, n, n);
	return part_run(_metadata, p, cmd, 30000);
}

/* The sha256 of @len bytes of stream @seed, from this kernel's own copy. */
static int stream_sum(int seed, int len, char *sum)
{
	char cmd[160];
	FILE *f;
	int ok;

	snprintf(cmd, sizeof(cmd), STREAM_TOOL " gen %d %d | sha256sum", seed, len);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%64s", sum) == 1;
	return pclose(f) || !ok ? -1 : 0;
}

/* Has partition @p received stream @seed of @len bytes in full on @port? */
static bool part_got_stream(struct __test_metadata *_metadata, struct part *p,
			    const char *file, int seed, int len)
{
	char want[80], cmd[256];

	if (stream_sum(seed, len, want))
		return false;
	snprintf(cmd, sizeof(cmd),
		 "for i in $(seq 90); do grep -q ' -' %s && break; sleep 1; done; grep -q '^%s ' %s",
		 file, want, file);
	return part_run(_metadata, p, cmd, 120000);
}

/* Debian's iperf3 to the partition's server: 0, and its rate logged. */
static int iperf(struct __test_metadata *_metadata, const char *dir)
{
	char cmd[160], line[256], last[256] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd), "iperf3 -c " PART_IP " -t 1 -f m %s 2>&1", dir);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "receiver"))
			snprintf(last, sizeof(last), "%s", line);
	TH_LOG("iperf3 %s: %s", dir[0] ? "partition to host" : "host to partition",
	       last[0] ? last : "no result");
	return pclose(f) || !last[0] ? -1 : 0;
}

/* Host counters of @dev around one ping of @size bytes: whole frames? */
static void jumbo_ping(struct __test_metadata *_metadata, struct part *p,
		       const char *dev, bool from_host)
{
	long long pk, by;
	const char *pk_attr = from_host ? "statistics/tx_packets" : "statistics/rx_packets";
	const char *by_attr = from_host ? "statistics/tx_bytes" : "statistics/rx_bytes";
	char cmd[128];

	pk = vnet_if_num(dev, pk_attr);
	by = vnet_if_num(dev, by_attr);
	if (from_host) {
		EXPECT_EQ(0, mk_run("ping -c 1 -W 10 -s %d " JUMBO_PART_IP " >/dev/null",
				    JUMBO_PING));
	} else {
		snprintf(cmd, sizeof(cmd), "ping -c 1 -W 10 -s %d " JUMBO_HOST_IP " >/dev/null",
			 JUMBO_PING);
		EXPECT_TRUE(part_run(_metadata, p, cmd, 30000));
	}
	/* One 9014 byte frame (an ARP probe may come too), not 7 fragments. */
	EXPECT_GE(2, vnet_if_num(dev, pk_attr) - pk);
	EXPECT_LE(JUMBO_FRAME, vnet_if_num(dev, by_attr) - by);
}

/* Address and bring up interface @dev of this kernel; 0 or not. */
static int host_addr(const char *dev, const char *ip)
{
	return mk_run("ip addr add %s/24 dev %s && ip link set dev %s up", ip, dev, dev);
}

/* A veth pair to a network namespace that routes back through us. */
static int far_network(struct __test_metadata *_metadata, pid_t *ns)
{
	char peer[IF_NAMESIZE];

	if (vnet_veth_add(VETH, peer))
		return -1;
	*ns = vnet_netns_holder();
	if (*ns < 0)
		return -1;
	if (mk_run("ip link set dev %s netns %d", peer, *ns) ||
	    mk_run("nsenter -t %d -n ip addr add " FAR_IP "/24 dev %s", *ns, peer) ||
	    mk_run("nsenter -t %d -n ip link set dev %s up", *ns, peer) ||
	    mk_run("nsenter -t %d -n ip route add default via " FAR_HOST_IP, *ns))
		return -1;
	return host_addr(VETH, FAR_HOST_IP) ?: mk_run("sysctl -qw net.ipv4.ip_forward=1");
}

/* An XDP program in native mode on @host sees the partition's pings. */
static void xdp_sees_pings(struct __test_metadata *_metadata, struct part *p,
			   const char *host)
{
	int map, prog, link;

	if (xt_no_bpf()) {
		TH_LOG("no bpf(2) (CONFIG_BPF_SYSCALL=n): XDP not tried");
		return;
	}
	map = xt_counters(1);
	ASSERT_LE(0, map);
	prog = xt_load_verdicts(map);
	ASSERT_LE(0, prog);
	link = xt_attach(prog, if_nametoindex(host));
	ASSERT_LE(0, link) TH_LOG("native attach: %s", strerror(errno));
	EXPECT_TRUE(part_run(_metadata, p, "ping -c 3 -W 10 " HOST_IP " >/dev/null",
			     60000));
	EXPECT_LE(3, xt_counter(map, 0));
	EXPECT_LE(3, xt_ethtool_stat(host, "xdp_native"));
	EXPECT_EQ(0, xt_ethtool_stat(host, "xdp_drop"));
	close(link);
	close(prog);
	close(map);
}

TEST_F_TIMEOUT(part, ping_streams_jumbo_route, 900)
{
	char got[80], want[80], jumbo[IFNAMSIZ];
	long long forwarded;
	int status;
	FILE *f;
	pid_t pid;

	ASSERT_EQ(0, part_boot(&self->p, "--net --net mtu=9000"));
	ASSERT_EQ(0, link_ifname(self->p.id, 0, self->host));
	ASSERT_EQ(0, link_ifname(self->p.id, 1, jumbo));
	EXPECT_EQ(9000, vnet_if_num(jumbo, "mtu"));
	ASSERT_EQ(0, host_addr(self->host, HOST_IP));
	ASSERT_EQ(0, host_addr(jumbo, JUMBO_HOST_IP));
	ASSERT_TRUE(part_addr(_metadata, &self->p, 0, PART_IP));
	ASSERT_TRUE(part_addr(_metadata, &self->p, 1, JUMBO_PART_IP));

	EXPECT_EQ(1, vnet_wait_carrier(self->host, 1));
	EXPECT_EQ(0, mk_run("ping -c 3 -W 10 " PART_IP " >/dev/null"));
	EXPECT_TRUE(part_run(_metadata, &self->p,
			     "ping -c 3 -W 10 " HOST_IP " >/dev/null", 60000));
	xdp_sees_pings(_metadata, &self->p, self->host);

	/* To the partition: it sums what it received, we compare. */
	ASSERT_TRUE(part_run(_metadata, &self->p,
			     STREAM_TOOL " recv 5001 | sha256sum > /tmp/h2p.sum &",
			     10000));
	EXPECT_EQ(0, mk_run(STREAM_TOOL " send " PART_IP " 5001 1 %d", STREAM));
	EXPECT_TRUE(part_got_stream(_metadata, &self->p, "/tmp/h2p.sum", 1, STREAM));

	/* From the partition. */
	ASSERT_EQ(0, stream_sum(2, STREAM, want));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(mk_run(STREAM_TOOL " recv 5002 | sha256sum > /tmp/vnet-p2h.sum"));
	EXPECT_TRUE(part_run(_metadata, &self->p,
			     STREAM_TOOL " send " HOST_IP " 5002 2 67108864", 600000));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	f = fopen("/tmp/vnet-p2h.sum", "r");
	ASSERT_NE(NULL, f);
	EXPECT_EQ(1, fscanf(f, "%64s", got));
	fclose(f);
	EXPECT_STREQ(want, got);

	/* Debian's iperf3, a short run each way. */
	ASSERT_TRUE(part_run(_metadata, &self->p, "iperf3 -s -D >/dev/null", 10000));
	usleep(500 * 1000);
	EXPECT_EQ(0, iperf(_metadata, ""));
	EXPECT_EQ(0, iperf(_metadata, "-R"));

	/* MTU 9000 on both sides, and 9000 byte packets cross whole. */
	EXPECT_TRUE(part_run(_metadata, &self->p,
			     "test $(cat /sys/class/net/eth1/mtu) = 9000", 10000));
	EXPECT_EQ(0, mk_run("ping -c 1 -W 10 " JUMBO_PART_IP " >/dev/null"));
	jumbo_ping(_metadata, &self->p, jumbo, true);
	jumbo_ping(_metadata, &self->p, jumbo, false);

	/* We route for the partition: to our other interface and past it. */
	ASSERT_EQ(0, far_network(_metadata, &self->ns));
	forwarded = vnet_if_num(VETH, "statistics/tx_packets");
	EXPECT_TRUE(part_run(_metadata, &self->p, "ip route add 10.97.0.0/24 via " HOST_IP,
			     10000));
	EXPECT_TRUE(part_run(_metadata, &self->p, "ping -c 2 -W 10 " FAR_HOST_IP, 30000));
	EXPECT_TRUE(part_run(_metadata, &self->p, "ping -c 2 -W 10 " FAR_IP, 30000));
	EXPECT_LE(forwarded + 2, vnet_if_num(VETH, "statistics/tx_packets"));

	EXPECT_LE(STREAM, vnet_if_num(self->host, "statistics/tx_bytes"));
	EXPECT_LE(STREAM, vnet_if_num(self->host, "statistics/rx_bytes"));
	EXPECT_EQ(0, vnet_if_num(self->host, "statistics/rx_errors"));
	part_stop(&self->p, false);
}

/* Partition @p streams to @q's port @port, in the background. */
static bool stream_between(struct __test_metadata *_metadata, struct part *p,
			   struct part *q, int port, int seed, int len)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), STREAM_TOOL " recv %d | sha256sum > /tmp/p2p%d.sum &",
		 port, port);
	if (!part_run(_metadata, q, cmd, 10000))
		return false;
	usleep(300 * 1000);
	snprintf(cmd, sizeof(cmd), STREAM_TOOL " send " PART2_IP " %d %d %d", port, seed, len);
	return part_run(_metadata, p, cmd, 300000);
}

TEST_F_TIMEOUT(part, restart_bridge_crash, 900)
{
	char host2[IFNAMSIZ], cmd[96];
	long long ifindex;

	self->p.first_of_two = true;
	self->q.second = true;
	ASSERT_EQ(0, part_boot(&self->p, "--net"));
	ASSERT_EQ(0, part_boot(&self->q, "--net"));
	ASSERT_EQ(0, link_ifname(self->p.id, 0, self->host));
	ASSERT_EQ(0, link_ifname(self->q.id, 0, host2));
	ASSERT_EQ(0, mk_run("ip link add " BRIDGE " type bridge"));
	ASSERT_EQ(0, mk_run("brctl addif " BRIDGE " %s && ip link set dev %s up",
			    self->host, self->host));
	ASSERT_EQ(0, mk_run("brctl addif " BRIDGE " %s && ip link set dev %s up", host2, host2));
	ASSERT_EQ(0, host_addr(BRIDGE, HOST_IP));
	ASSERT_TRUE(part_addr(_metadata, &self->p, 0, PART_IP));
	ASSERT_TRUE(part_addr(_metadata, &self->q, 0, PART2_IP));

	/* Partition to partition, through our bridge. */
	EXPECT_TRUE(part_run(_metadata, &self->p,
			     "ping -c 3 -W 10 " PART2_IP " >/dev/null", 60000));
	EXPECT_TRUE(stream_between(_metadata, &self->p, &self->q, 5003, 3, SHORT_STREAM));
	EXPECT_TRUE(part_got_stream(_metadata, &self->q, "/tmp/p2p5003.sum", 3,
				    SHORT_STREAM));

	/* Stopped by force while it streams and is pinged. */
	ifindex = vnet_if_num(self->host, "ifindex");
	ASSERT_TRUE(part_run(_metadata, &self->q, STREAM_TOOL " recv 5004 >/dev/null &",
			     10000));
	ASSERT_EQ(0, part_type_line(&self->p, STREAM_TOOL " send " PART2_IP
				    " 5004 4 1073741824 &"));
	ASSERT_EQ(0, mk_run("(ping -c 50 -i 0.1 " PART_IP " >/dev/null &); sleep 1;"
			    " mkctl stop %d --force", self->p.id));
	/* The interface stays, in the bridge, without carrier. */
	EXPECT_EQ(ifindex, vnet_if_num(self->host, "ifindex"));
	EXPECT_EQ(0, vnet_wait_carrier(self->host, 0));
	snprintf(cmd, sizeof(cmd), "/sys/class/net/%s/brport", self->host);
	EXPECT_EQ(0, access(cmd, F_OK));
	EXPECT_TRUE(part_run(_metadata, &self->q, "ping -c 1 -W 10 " HOST_IP " >/dev/null",
			     30000));

	/* Started again: the same link carries traffic again. */
	ASSERT_EQ(0, part_restart(&self->p));
	ASSERT_TRUE(part_addr(_metadata, &self->p, 0, PART_IP));
	EXPECT_EQ(1, vnet_wait_carrier(self->host, 1));
	EXPECT_TRUE(part_run(_metadata, &self->p,
			     "ping -c 3 -W 10 " PART2_IP " >/dev/null", 60000));
	EXPECT_EQ(0, mk_run("ping -c 2 -W 10 " PART_IP " >/dev/null"));

	/* A panic while it streams: the other partition and the bridge go on. */
	ASSERT_TRUE(part_run(_metadata, &self->q, STREAM_TOOL " recv 5005 >/dev/null &",
			     10000));
	ASSERT_EQ(0, part_type_line(&self->p, STREAM_TOOL " send " PART2_IP
				    " 5005 5 1073741824 &"));
	usleep(500 * 1000);
	ASSERT_EQ(0, part_type_line(&self->p, PART_DISK_SH " panic"));
	EXPECT_EQ(0, mk_run("mkctl wait %d crashed --timeout 60", self->p.id));
	EXPECT_EQ(0, vnet_wait_carrier(self->host, 0));
	EXPECT_TRUE(part_run(_metadata, &self->q, "ping -c 2 -W 10 " HOST_IP " >/dev/null",
			     30000));
	part_stop(&self->q, false);
}

/* What the "net" setting accepts and refuses; its interfaces' life. */
TEST(net_setting)
{
	char path[96], name[IFNAMSIZ], line[256];
	int id = -1;
	FILE *f;

	if (access(VNET_DRIVER, F_OK) || access("/dev/multikernel", R_OK))
		SKIP(return, "no partitions or no virtio-net back end");
	/* A partition that never starts, with a link that has a name. */
	f = popen("mkctl create --cpus 2 --mem 32M --net name=mkvtest0,mtu=2000 --net " MAC,
		  "r");
	ASSERT_NE(NULL, f);
	if (fgets(line, sizeof(line), f))
		id = atoi(line);
	pclose(f);
	ASSERT_LE(0, id);
	snprintf(path, sizeof(path), PART_NET, id);

	/* It exists now, up without carrier, with the asked MTU. */
	EXPECT_EQ(2000, vnet_if_num("mkvtest0", "mtu"));
	EXPECT_EQ(0, mk_run("ip link set dev mkvtest0 up"));
	EXPECT_EQ(0, vnet_if_num("mkvtest0", "carrier"));
	EXPECT_EQ(id, vnet_if_num("mkvtest0", "multikernel/partition"));
	EXPECT_EQ(0, vnet_if_num("mkvtest0", "multikernel/link"));
	EXPECT_EQ(0, link_ifname(id, 1, name));
	EXPECT_EQ(1, vnet_if_num(name, "multikernel/link"));
	EXPECT_EQ(0, mk_run("mkctl net list %d | grep -q '^0 mkvtest0 %s no-carrier$'",
			    id, "name=mkvtest0,mtu=2000"));
	/* Sending to it drops, counted, and never blocks. */
	EXPECT_EQ(0, mk_run("ip addr add 10.95.0.1/24 dev mkvtest0"));
	mk_run("ping -c 2 -W 1 10.95.0.2 >/dev/null 2>&1");

	/* What it refuses. */
	EXPECT_EQ(-EINVAL, mk_write_text(path, "mtu=9001"));
	EXPECT_EQ(-EINVAL, mk_write_text(path, "mtu=67"));
	EXPECT_EQ(-EINVAL, mk_write_text(path, "mac=01:00:00:00:00:01"));	/* multicast */
	EXPECT_EQ(-EINVAL, mk_write_text(path, "mac=02:00:00:00:00:0"));
	EXPECT_EQ(-EINVAL, mk_write_text(path, "mac=02:00:00:00:00:01x"));
	EXPECT_EQ(-EINVAL, mk_write_text(path, "name=a/b"));
	EXPECT_EQ(-EINVAL, mk_write_text(path, "name=eth%d"));
	EXPECT_EQ(-EINVAL, mk_write_text(path, "name=x23456789012345678"));
	EXPECT_EQ(-EINVAL, mk_write_text(path, "name=a name=a"));
	EXPECT_EQ(-EINVAL, mk_write_text(path, "speed=10"));
	EXPECT_EQ(-EINVAL, mk_write_text(path, "mtu"));
	EXPECT_EQ(-EEXIST, mk_write_text(path, "name=lo"));
	EXPECT_EQ(-E2BIG, mk_write_text(path, NINE_LINKS));
	/* Refused values left the links as they were. */
	EXPECT_EQ(2000, vnet_if_num("mkvtest0", "mtu"));

	/* Renamed by the host, detached by name, then all gone. */
	EXPECT_EQ(0, mk_run("ip link set dev mkvtest0 down"));
	EXPECT_EQ(0, mk_run("ip link set dev mkvtest0 name mkvtest1"));
	EXPECT_EQ(0, mk_run("mkctl net detach %d mkvtest1", id));
	EXPECT_EQ(-1, vnet_if_num("mkvtest1", "mtu"));
	EXPECT_EQ(0, mk_run("mkctl net list %d | grep -q '^0 %s " MAC " '", id, name));
	EXPECT_EQ(0, mk_run("mkctl net attach %d && mkctl net list %d | grep -q '^1 .* default '",
			    id, id));
	EXPECT_EQ(0, mk_run("mkctl destroy %d", id));
	EXPECT_EQ(-1, vnet_if_num(name, "mtu"));
}

TEST_HARNESS_MAIN

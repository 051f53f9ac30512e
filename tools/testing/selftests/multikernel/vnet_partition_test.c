// SPDX-License-Identifier: GPL-2.0
/*
 * A partition kernel's Ethernet link to this kernel over IKC: the
 * partition (on CPUs 2-3, driven through its shell on the IKC console)
 * gets a virtio:1 channel, its eth0; here the link is mkvnet<id>.  Pings
 * both ways, then a 64 MiB TCP stream each way whose sha256 both ends
 * agree on.
 */

#define _GNU_SOURCE
#include <sys/stat.h>

#include "../kselftest_harness.h"
#include "vnet_util.h"
#include "part_shell.h"

/* The default services and a network link. */
#define NET_SERVICES	"echo@part*4 echo virtio:3 virtio:1"
#define HOST_IP		"10.98.0.1"
#define PART_IP		"10.98.0.2"
#define STREAM		(64 << 20)
#define STREAM_TOOL	"vnet_stream"	/* in both initramfs */
#define PART_ADDR_CMD \
	"ip addr add " PART_IP "/24 dev eth0 && ip link set dev eth0 up && ip link set dev lo up"

FIXTURE(part) {
	struct part p;
	char host[IFNAMSIZ];
};

FIXTURE_SETUP(part)
{
	self->p.id = -1;
	self->p.fd = -1;
	if (access(VNET_DRIVER, F_OK) || access(TEST_PART_KERNEL, R_OK) ||
	    access("/dev/multikernel", R_OK))
		SKIP(return, "no partitions or no virtio-net back end");
}

FIXTURE_TEARDOWN(part)
{
	part_stop(&self->p, true);
	unlink("/tmp/vnet-p2h.sum");
}

/* A partition with a link, addressed at both ends; 0 or -errno. */
static int boot_linked(struct __test_metadata *_metadata, struct part *p,
		       char *host)
{
	char path[64];
	int ret, i;

	ret = part_boot(p, "--set 'ikc_services=" NET_SERVICES "'");
	if (ret)
		return ret;
	snprintf(host, IFNAMSIZ, "mkvnet%d", p->id);
	snprintf(path, sizeof(path), "/sys/class/net/%s", host);
	for (i = 0; i < 200 && access(path, F_OK); i++)
		usleep(50 * 1000);
	if (mk_run("ip addr add " HOST_IP "/24 dev %s && ip link set dev %s up",
		   host, host))
		return -ENODEV;
	if (!part_run(_metadata, p, PART_ADDR_CMD, 30000))
		return -ENODEV;
	return 0;
}

/* The sha256 of stream @seed, from this kernel's own copy of it. */
static int stream_sum(int seed, char *sum)
{
	char cmd[160];
	FILE *f;
	int ok;

	snprintf(cmd, sizeof(cmd), STREAM_TOOL " gen %d %d | sha256sum", seed, STREAM);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%64s", sum) == 1;
	return pclose(f) || !ok ? -1 : 0;
}

TEST_F_TIMEOUT(part, ping_and_streams, 900)
{
	char want[80], got[80], cmd[256];
	int status;
	FILE *f;
	pid_t pid;

	ASSERT_EQ(0, boot_linked(_metadata, &self->p, self->host));
	EXPECT_EQ(1, vnet_if_num(self->host, "carrier"));
	EXPECT_EQ(0, mk_run("ping -c 3 -W 10 " PART_IP " >/dev/null"));
	EXPECT_TRUE(part_run(_metadata, &self->p,
			     "ping -c 3 -W 10 " HOST_IP " >/dev/null", 60000));

	/* To the partition: it sums what it received, we compare. */
	ASSERT_EQ(0, stream_sum(1, want));
	ASSERT_TRUE(part_run(_metadata, &self->p,
			     STREAM_TOOL " recv 5001 | sha256sum > /tmp/h2p.sum &",
			     10000));
	EXPECT_EQ(0, mk_run(STREAM_TOOL " send " PART_IP " 5001 1 %d", STREAM));
	snprintf(cmd, sizeof(cmd),
		 "for i in $(seq 60); do grep -q ' -' /tmp/h2p.sum && break; sleep 1; done;"
		 " grep -q '^%s ' /tmp/h2p.sum", want);
	EXPECT_TRUE(part_run(_metadata, &self->p, cmd, 90000));

	/* From the partition. */
	ASSERT_EQ(0, stream_sum(2, want));
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

	EXPECT_LE(STREAM, vnet_if_num(self->host, "statistics/tx_bytes"));
	EXPECT_LE(STREAM, vnet_if_num(self->host, "statistics/rx_bytes"));
	EXPECT_EQ(0, vnet_if_num(self->host, "statistics/rx_errors"));
	part_stop(&self->p, false);
}

TEST_HARNESS_MAIN

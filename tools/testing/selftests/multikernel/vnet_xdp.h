/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the XDP tests of the virtio-net back end: XDP programs
 * written as BPF instructions and loaded with bpf(2) (no compiler or
 * libbpf in the guest), a driver counter from ethtool -S, and raw
 * Ethernet frames of an experimental EtherType sent and received with
 * packet sockets.
 */
#ifndef MULTIKERNEL_VNET_XDP_H
#define MULTIKERNEL_VNET_XDP_H

#include <errno.h>
#include <linux/bpf.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <net/if.h>

#include "../kselftest.h"

/* IEEE 802 local experimental EtherType 1: the tests' own frames. */
#define XT_ETHERTYPE	0x88b5
/* Its value as the program loads it (a little-endian 16-bit load). */
#define XT_ETHERTYPE_LE	0xb588

/* What a test frame asks the verdict program (its first payload byte). */
#define XT_PASS		'P'
#define XT_DROP		'D'
#define XT_TX		'T'
/* The second payload byte: 'S' as sent, 'R' once sent back by XDP_TX. */
#define XT_SENT		'S'
#define XT_RETURNED	'R'

#define XT_INSN(c, d, s, o, i)	((struct bpf_insn){ .code = (c),	\
	.dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define XT_MOV_REG(d, s)	XT_INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define XT_MOV_IMM(d, i)	XT_INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define XT_ADD_IMM(d, i)	XT_INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define XT_LDX(sz, d, s, o)	XT_INSN(BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define XT_ST(sz, d, o, i)	XT_INSN(BPF_ST | (sz) | BPF_MEM, d, 0, o, i)
#define XT_ATOMIC_ADD64(d, s, o) \
	XT_INSN(BPF_STX | BPF_DW | BPF_ATOMIC, d, s, o, BPF_ADD)
#define XT_JMP_REG(op, d, s, o)	XT_INSN(BPF_JMP | (op) | BPF_X, d, s, o, 0)
#define XT_JMP_IMM(op, d, i, o)	XT_INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
/* A map's address: two instructions, the second one's immediate unused. */
#define XT_LD_MAP(d, fd)	\
	XT_INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd)
#define XT_LD_MAP_HI()		XT_INSN(0, 0, 0, 0, 0)
#define XT_CALL(fn)		XT_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, fn)
#define XT_EXIT()		XT_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static inline int xt_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* bpf(2) fails as a system call that does not exist (no BPF_SYSCALL). */
static inline bool xt_no_bpf(void)
{
	union bpf_attr a = {};
	int none;

	errno = 0;
	syscall(100000);
	none = errno;
	errno = 0;
	return xt_bpf(-1, &a) < 0 && errno == none;
}

/* An array map of @n 64-bit counters; its fd or -1. */
static inline int xt_counters(unsigned int n)
{
	union bpf_attr a = {
		.map_type = BPF_MAP_TYPE_ARRAY,
		.key_size = 4,
		.value_size = 8,
		.max_entries = n,
	};

	return xt_bpf(BPF_MAP_CREATE, &a);
}

static inline long long xt_counter(int map, uint32_t key)
{
	uint64_t v = 0;
	union bpf_attr a = {
		.map_fd = map,
		.key = (uintptr_t)&key,
		.value = (uintptr_t)&v,
	};

	return xt_bpf(BPF_MAP_LOOKUP_ELEM, &a) ? -1 : (long long)v;
}

/* Load an XDP program; its fd, or -1 with the verifier's log printed. */
static inline int xt_load(const struct bpf_insn *insns, unsigned int n)
{
	static char log[8192];
	union bpf_attr a = {
		.prog_type = BPF_PROG_TYPE_XDP,
		.insns = (uintptr_t)insns,
		.insn_cnt = n,
		.license = (uintptr_t)"GPL",
	};
	int fd;

	fd = xt_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	fd = xt_bpf(BPF_PROG_LOAD, &a);
	fprintf(stderr, "# BPF_PROG_LOAD: %s\n%s\n", strerror(errno), log);
	if (fd >= 0)
		close(fd);
	return -1;
}

/*
 * The verdict program: counts every frame in @map[0]; of the tests'
 * frames, sends 'T' ones back with their second byte made 'R', drops 'D'
 * ones and passes the rest.
 */
static inline int xt_load_verdicts(int map)
{
	const struct bpf_insn p[] = {
		XT_MOV_REG(BPF_REG_6, BPF_REG_1),
		XT_ST(BPF_W, BPF_REG_10, -4, 0),
		XT_LD_MAP(BPF_REG_1, map),
		XT_LD_MAP_HI(),
		XT_MOV_REG(BPF_REG_2, BPF_REG_10),
		XT_ADD_IMM(BPF_REG_2, -4),
		XT_CALL(BPF_FUNC_map_lookup_elem),
		XT_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
		XT_MOV_IMM(BPF_REG_1, 1),
		XT_ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 0),
		/* 10: the frame's first 16 bytes, if it has them */
		XT_LDX(BPF_W, BPF_REG_2, BPF_REG_6, offsetof(struct xdp_md, data)),
		XT_LDX(BPF_W, BPF_REG_3, BPF_REG_6, offsetof(struct xdp_md, data_end)),
		XT_MOV_REG(BPF_REG_4, BPF_REG_2),
		XT_ADD_IMM(BPF_REG_4, 16),
		XT_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 10),
		XT_LDX(BPF_H, BPF_REG_5, BPF_REG_2, 12),
		XT_JMP_IMM(BPF_JNE, BPF_REG_5, XT_ETHERTYPE_LE, 8),
		XT_LDX(BPF_B, BPF_REG_7, BPF_REG_2, 14),
		XT_JMP_IMM(BPF_JNE, BPF_REG_7, XT_TX, 3),
		XT_ST(BPF_B, BPF_REG_2, 15, XT_RETURNED),
		XT_MOV_IMM(BPF_REG_0, XDP_TX),
		XT_EXIT(),
		/* 22 */
		XT_JMP_IMM(BPF_JNE, BPF_REG_7, XT_DROP, 2),
		XT_MOV_IMM(BPF_REG_0, XDP_DROP),
		XT_EXIT(),
		/* 25 */
		XT_MOV_IMM(BPF_REG_0, XDP_PASS),
		XT_EXIT(),
	};

	return xt_load(p, ARRAY_SIZE(p));
}

/* The redirecting program: the tests' frames go to interface @ifindex. */
static inline int xt_load_redirect(int ifindex)
{
	const struct bpf_insn p[] = {
		XT_LDX(BPF_W, BPF_REG_2, BPF_REG_1, offsetof(struct xdp_md, data)),
		XT_LDX(BPF_W, BPF_REG_3, BPF_REG_1, offsetof(struct xdp_md, data_end)),
		XT_MOV_REG(BPF_REG_4, BPF_REG_2),
		XT_ADD_IMM(BPF_REG_4, 16),
		XT_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 6),
		XT_LDX(BPF_H, BPF_REG_5, BPF_REG_2, 12),
		XT_JMP_IMM(BPF_JNE, BPF_REG_5, XT_ETHERTYPE_LE, 4),
		XT_MOV_IMM(BPF_REG_1, ifindex),
		XT_MOV_IMM(BPF_REG_2, 0),
		XT_CALL(BPF_FUNC_redirect),
		XT_EXIT(),
		/* 11 */
		XT_MOV_IMM(BPF_REG_0, XDP_PASS),
		XT_EXIT(),
	};

	return xt_load(p, ARRAY_SIZE(p));
}

/*
 * Attach @prog to interface @ifindex in native mode (XDP_FLAGS_DRV_MODE:
 * refused if the driver has none); the link's fd, which detaches it when
 * closed, or -1.
 */
static inline int xt_attach(int prog, int ifindex)
{
	union bpf_attr a = {
		.link_create = {
			.prog_fd = prog,
			.target_ifindex = ifindex,
			.attach_type = BPF_XDP,
			.flags = XDP_FLAGS_DRV_MODE,
		},
	};

	return xt_bpf(BPF_LINK_CREATE, &a);
}

/* The counter @name of ethtool -S @ifname (this namespace's), or -1. */
static inline long long xt_ethtool_stat(const char *ifname, const char *name)
{
	struct ethtool_sset_info *info;
	struct ethtool_gstrings *strings = NULL;
	struct ethtool_stats *stats = NULL;
	struct ifreq ifr = {};
	long long ret = -1;
	unsigned int n, i;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	info = calloc(1, sizeof(*info) + sizeof(uint32_t));
	if (!info)
		goto out;
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ULL << ETH_SS_STATS;
	ifr.ifr_data = (void *)info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) || !info->sset_mask)
		goto out;
	n = info->data[0];
	strings = calloc(1, sizeof(*strings) + n * ETH_GSTRING_LEN);
	stats = calloc(1, sizeof(*stats) + n * sizeof(uint64_t));
	if (!strings || !stats)
		goto out;
	strings->cmd = ETHTOOL_GSTRINGS;
	strings->string_set = ETH_SS_STATS;
	strings->len = n;
	ifr.ifr_data = (void *)strings;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		goto out;
	stats->cmd = ETHTOOL_GSTATS;
	stats->n_stats = n;
	ifr.ifr_data = (void *)stats;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		goto out;
	for (i = 0; i < n; i++)
		if (!strncmp((char *)strings->data + i * ETH_GSTRING_LEN, name,
			     ETH_GSTRING_LEN))
			ret = stats->data[i];
out:
	free(info);
	free(strings);
	free(stats);
	close(fd);
	return ret;
}

/* A packet socket for the tests' frames on @ifname; its fd or -1. */
static inline int xt_socket(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(XT_ETHERTYPE),
		.sll_ifindex = if_nametoindex(ifname),
	};
	int fd;

	if (!sll.sll_ifindex)
		return -1;
	fd = socket(AF_PACKET, SOCK_RAW, htons(XT_ETHERTYPE));
	if (fd < 0)
		return -1;
	if (bind(fd, (void *)&sll, sizeof(sll))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send @n broadcast frames asking @verdict on @fd's interface; 0 or -1. */
static inline int xt_send(int fd, char verdict, unsigned int n)
{
	uint8_t frame[64] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* to: broadcast */
		0x02, 0, 0, 0, 0, 0x01,			/* from: local */
		XT_ETHERTYPE >> 8, XT_ETHERTYPE & 0xff,
		verdict, XT_SENT,
	};
	unsigned int i;

	for (i = 0; i < n; i++) {
		frame[16] = i;
		if (send(fd, frame, sizeof(frame), 0) != sizeof(frame))
			return -1;
	}
	return 0;
}

/*
 * Tally in @seen[verdict] the frames with second byte @mark that arrive
 * on @fd's interface (not those it sent), until @ms pass without one.
 */
static inline void xt_seen(int fd, char mark, int ms, unsigned int seen[128])
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct sockaddr_ll from;
	socklen_t fromlen;
	uint8_t buf[128];
	ssize_t len;

	while (poll(&pfd, 1, ms) == 1) {
		fromlen = sizeof(from);
		len = recvfrom(fd, buf, sizeof(buf), 0, (void *)&from, &fromlen);
		if (len < 16 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (buf[15] == mark && buf[14] < 128)
			seen[buf[14]]++;
	}
}

#endif /* MULTIKERNEL_VNET_XDP_H */

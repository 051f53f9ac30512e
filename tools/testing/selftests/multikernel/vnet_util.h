/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the virtio-net over IKC tests: the interfaces of a link, a
 * network namespace to put one end in, and a TCP stream both ways whose
 * bytes are checked.
 */
#ifndef MULTIKERNEL_VNET_UTIL_H
#define MULTIKERNEL_VNET_UTIL_H

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ikc_util.h"
#include "shell_util.h"

#define VNET_DRIVER	IKC_BUS "/drivers/virtio_ikc_net"

/* The one entry @pattern matches, in @name (its last path component). */
static inline int vnet_glob_one(const char *pattern, char *name, size_t size)
{
	glob_t g;
	int ret = -1;

	if (glob(pattern, 0, NULL, &g))
		return -1;
	if (g.gl_pathc == 1) {
		const char *base = strrchr(g.gl_pathv[0], '/');

		snprintf(name, size, "%s", base ? base + 1 : g.gl_pathv[0]);
		ret = 0;
	}
	globfree(&g);
	return ret;
}

/*
 * The interfaces of the link on channel @chan of a loopback pair: @host,
 * the back end's ("mkvlo<n>", on end A's channel), and @peer, virtio_net's
 * on end B's; waits up to @ms for the driver to bind.
 */
static inline int vnet_ifaces(const char *chan_a, const char *chan_b,
			      char *host, char *peer, int ms)
{
	char pattern[256];
	int i;

	for (i = 0; i < ms / 50; i++) {
		snprintf(pattern, sizeof(pattern), IKC_DEVS "/%s/net/*", chan_a);
		if (!vnet_glob_one(pattern, host, IFNAMSIZ)) {
			snprintf(pattern, sizeof(pattern),
				 IKC_DEVS "/%s/virtio*/net/*", chan_b);
			if (!vnet_glob_one(pattern, peer, IFNAMSIZ))
				return 0;
		}
		usleep(50 * 1000);
	}
	return -1;
}

/* An interface's number in /sys/class/net/@ifname/@attr, or -1. */
static inline long long vnet_if_num(const char *ifname, const char *attr)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	return mk_read_num(path);
}

/*
 * @ifname's carrier once it is @want, or its last value after 10 s: the
 * carrier follows the other end a moment after that end changed.
 */
static inline long long vnet_wait_carrier(const char *ifname, long long want)
{
	long long v = -1;
	int i;

	for (i = 0; i < 200; i++) {
		v = vnet_if_num(ifname, "carrier");
		if (v == want)
			break;
		usleep(50 * 1000);
	}
	return v;
}

/*
 * A process that only holds a new network namespace; its pid, or -1.  It
 * dies with the process that made it and holds none of its output: a
 * test whose teardown did not run must not keep the runner waiting.
 */
static inline pid_t vnet_netns_holder(void)
{
	pid_t parent = getpid(), pid;
	int p[2], null;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(null, 2) < 0)
			_exit(1);
		c = unshare(CLONE_NEWNET) ? 'n' : 'y';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1 || c != 'y') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

static inline void vnet_netns_end(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* Enter the namespace @pid holds; 0 or -1. */
static inline int vnet_enter_netns(pid_t pid)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	return ret;
}

/* A veth pair @name here; its other end's name (busybox picks it) in @peer. */
static inline int vnet_veth_add(const char *name, char *peer)
{
	long long idx;

	if (mk_run("ip link add %s type veth", name))
		return -1;
	idx = vnet_if_num(name, "iflink");
	return idx > 0 && if_indextoname(idx, peer) ? 0 : -1;
}

/*
 * A link over a new IKC loopback pair: end A's interface @host here, end
 * B's virtio_net interface @peer in a network namespace of its own, which
 * @ns holds.
 */
struct vnet_loop {
	char a[32], b[32], chan_a[48], chan_b[48];
	char host[IFNAMSIZ], peer[IFNAMSIZ];
	pid_t ns;
};

/* Why no loopback link can be made here, or NULL. */
static inline const char *vnet_loop_missing(void)
{
	if (access(VNET_DRIVER, F_OK))
		return "no virtio-net back end (CONFIG_IKC_VIRTIO_NET=n)";
	if (access("/sys/bus/virtio/drivers/virtio_net", F_OK))
		return "no virtio_net driver (CONFIG_VIRTIO_NET=n)";
	if (access("/proc/self/ns/net", F_OK))
		return "no network namespaces (CONFIG_NET_NS=n)";
	return NULL;
}

/*
 * Make @l, with @host_ip/24 on its host end and @peer_ip/24 on its peer,
 * both up; NULL, or the step that failed (vnet_loop_down() undoes the
 * others).
 */
static inline const char *vnet_loop_up(struct vnet_loop *l,
				       const char *host_ip, const char *peer_ip)
{
	l->ns = -1;
	l->a[0] = '\0';
	if (mk_write_text(IKC_BUS "/loopback_add", "virtio:1"))
		return "loopback_add";
	if (ikc_last_pair(l->a, l->b))
		return "the new pair";
	ikc_chan(l->chan_a, sizeof(l->chan_a), l->a, 0);
	ikc_chan(l->chan_b, sizeof(l->chan_b), l->b, 0);
	if (vnet_ifaces(l->chan_a, l->chan_b, l->host, l->peer, 20000))
		return "the link's interfaces";
	l->ns = vnet_netns_holder();
	if (l->ns < 0)
		return "a network namespace";
	if (mk_run("ip link set dev %s netns %d", l->peer, l->ns))
		return "moving the peer";
	if (mk_run("ip addr add %s/24 dev %s && ip link set dev %s up",
		   host_ip, l->host, l->host))
		return "the host's address";
	if (mk_run("nsenter -t %d -n ip addr add %s/24 dev %s", l->ns, peer_ip,
		   l->peer) ||
	    mk_run("nsenter -t %d -n ip link set dev %s up", l->ns, l->peer) ||
	    mk_run("nsenter -t %d -n ip link set dev lo up", l->ns))
		return "the peer's address";
	return NULL;
}

/* Undo vnet_loop_up(); 0 or -1. */
static inline int vnet_loop_down(struct vnet_loop *l)
{
	vnet_netns_end(l->ns);
	l->ns = -1;
	if (l->a[0] && mk_write_text(IKC_BUS "/loopback_del", l->a))
		return -1;
	l->a[0] = '\0';
	return 0;
}

/*
 * In the namespace @ns holds, which the calling process enters: listen on
 * @ip:@port, say so with a byte on @ready, take one connection; its fd,
 * or -1.
 */
static inline int vnet_serve_one(pid_t ns, const char *ip, int port, int ready)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, s, c;

	if (vnet_enter_netns(ns) || inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return -1;
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	c = -1;
	if (!bind(s, (void *)&sa, sizeof(sa)) && !listen(s, 1) &&
	    write(ready, "y", 1) == 1)
		c = accept(s, NULL, NULL);
	close(s);
	return c;
}

/* Bytes that depend on where they are in the stream and on @seed. */
static inline void vnet_fill(uint8_t *buf, size_t len, uint64_t off,
			     uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint64_t x = (off + i) * 0x9e3779b97f4a7c15ULL + seed;

		buf[i] = (uint8_t)(x >> 29);
	}
}

static inline uint64_t vnet_fnv(uint64_t h, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ buf[i]) * 0x100000001b3ULL;
	return h;
}

#define VNET_FNV_INIT	0xcbf29ce484222325ULL
#define VNET_CHUNK	65536

/* The hash of @len bytes of stream @seed. */
static inline uint64_t vnet_stream_hash(size_t len, uint32_t seed)
{
	static uint8_t buf[VNET_CHUNK];
	uint64_t h = VNET_FNV_INIT;
	size_t off, n;

	for (off = 0; off < len; off += n) {
		n = len - off < VNET_CHUNK ? len - off : VNET_CHUNK;
		vnet_fill(buf, n, off, seed);
		h = vnet_fnv(h, buf, n);
	}
	return h;
}

/* Send @len bytes of stream @seed; 0 or -errno. */
static inline int vnet_send_stream(int fd, size_t len, uint32_t seed)
{
	static uint8_t buf[VNET_CHUNK];
	size_t off, n;
	ssize_t w;

	for (off = 0; off < len; off += n) {
		n = len - off < VNET_CHUNK ? len - off : VNET_CHUNK;
		vnet_fill(buf, n, off, seed);
		w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w < 0)
			return -errno;
		n = w;
	}
	return 0;
}

/* Receive until EOF; the bytes' hash and count. */
static inline int vnet_recv_stream(int fd, uint64_t *hash, size_t *len)
{
	static uint8_t buf[VNET_CHUNK];
	ssize_t n;

	*hash = VNET_FNV_INIT;
	*len = 0;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		*hash = vnet_fnv(*hash, buf, n);
		*len += n;
	}
	return n < 0 ? -errno : 0;
}

#endif /* MULTIKERNEL_VNET_UTIL_H */

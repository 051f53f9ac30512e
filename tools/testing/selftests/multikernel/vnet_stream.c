// SPDX-License-Identifier: GPL-2.0
/*
 * vnet_stream: TCP streams for the network link tests, on the host and in
 * a partition (its initramfs has it), where busybox nc stops reading when
 * its own input ends.  The bytes are a pattern of a seed, made as they
 * are sent, so that 64 MiB need no file; sha256sum checks them:
 *
 *   vnet_stream gen SEED BYTES           the pattern, to stdout
 *   vnet_stream send HOST PORT SEED BYTES
 *                                        connect (retrying for 30 s), send
 *   vnet_stream recv PORT                accept one connection, copy what
 *                                        it sends to stdout until it ends
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vnet_util.h"

static const char usage_text[] =
	"usage: vnet_stream gen SEED BYTES | send HOST PORT SEED BYTES | recv PORT\n";

static int usage(void)
{
	fputs(usage_text, stderr);
	return 2;
}

static int gen(uint32_t seed, size_t len)
{
	static uint8_t buf[VNET_CHUNK];
	size_t off, n;

	for (off = 0; off < len; off += n) {
		n = len - off < VNET_CHUNK ? len - off : VNET_CHUNK;
		vnet_fill(buf, n, off, seed);
		if (fwrite(buf, 1, n, stdout) != n)
			return 1;
	}
	return fflush(stdout) ? 1 : 0;
}

static int sender(const char *host, int port, uint32_t seed, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = -1, i, err;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return usage();
	for (i = 0; i < 300; i++) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0 || !connect(s, (void *)&sa, sizeof(sa)))
			break;
		close(s);
		s = -1;
		usleep(100 * 1000);
	}
	if (s < 0) {
		perror("vnet_stream: connect");
		return 1;
	}
	err = vnet_send_stream(s, len, seed);
	if (err) {
		fprintf(stderr, "vnet_stream: send: %s\n", strerror(-err));
		return 1;
	}
	return close(s) ? 1 : 0;
}

static int receiver(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	static uint8_t buf[VNET_CHUNK];
	int one = 1, s, c;
	ssize_t n;

	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (void *)&sa, sizeof(sa)) || listen(s, 1)) {
		perror("vnet_stream: listen");
		return 1;
	}
	c = accept(s, NULL, NULL);
	if (c < 0) {
		perror("vnet_stream: accept");
		return 1;
	}
	while ((n = recv(c, buf, sizeof(buf), 0)) > 0)
		if (fwrite(buf, 1, n, stdout) != (size_t)n)
			return 1;
	if (n < 0)
		perror("vnet_stream: recv");
	return n < 0 || fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "gen"))
		return gen(strtoul(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
	if (argc == 6 && !strcmp(argv[1], "send"))
		return sender(argv[2], atoi(argv[3]), strtoul(argv[4], NULL, 0),
			      strtoull(argv[5], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "recv"))
		return receiver(atoi(argv[2]));
	return usage();
}

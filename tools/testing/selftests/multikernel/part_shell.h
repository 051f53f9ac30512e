/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A partition kernel booted for a test, driven through its shell on the
 * IKC console (harness/guest/partition-init starts one on hvc0): boot it
 * with mkctl, type commands, read their exit status, stop it.  Include
 * after ../kselftest_harness.h.
 */
#ifndef MULTIKERNEL_PART_SHELL_H
#define MULTIKERNEL_PART_SHELL_H

#include <ctype.h>
#include <termios.h>

#include "ikc_util.h"
#include "shell_util.h"
#include "test_partition.h"

/* Kernel messages on ttyS1 too, where the harness looks for splats. */
#define PART_SHELL_CMDLINE \
	"console=hvc0 console=ttyS1,115200 kunit.enable=0 mkpart.action=idle"
/* A second partition at once: ttyS1 is the first one's. */
#define PART_SHELL_CMDLINE_2	"console=hvc0 kunit.enable=0 mkpart.action=idle"
/* The console with the default ikc_services: after echo@part*4 echo. */
#define PART_CONSOLE_SLOT	5
/* What a command run in the shell prints before its status. */
#define PART_RC_MARK		"PART-42-RC-"

/*
 * A booted partition and its shell over the IKC console.  Two at once:
 * @first_of_two on the first CPU of TEST_PART_CPUS, @second on the last
 * one, without a serial console.
 */
struct part {
	int id;
	int fd;
	char peer[32];
	bool second;
	bool first_of_two;
};

/* Open the shell of partition @p, started; 0 or -errno. */
static inline int part_open_shell(struct part *p)
{
	char chan[48], tty[32], path[64], buf[8192];
	struct termios t;
	size_t len = 0;

	if (ikc_find_peer("partition", p->id, p->peer, sizeof(p->peer)) ||
	    !ikc_wait_attr(p->peer, "state", "up", 60000))
		return -ETIMEDOUT;
	ikc_chan(chan, sizeof(chan), p->peer, PART_CONSOLE_SLOT);
	if (ikc_dev_read(chan, "tty_name", tty, sizeof(tty)) <= 0)
		return -ENODEV;
	snprintf(path, sizeof(path), "/dev/%s", tty);
	p->fd = open(path, O_RDWR | O_NOCTTY);
	if (p->fd < 0)
		return -errno;
	tcgetattr(p->fd, &t);
	cfmakeraw(&t);
	tcsetattr(p->fd, TCSANOW, &t);
	/* Typed before the shell reads hvc0, a line would be lost. */
	if (!ikc_read_until(p->fd, buf, sizeof(buf), &len,
			    TEST_PART_MARK " shell on hvc0", 60000))
		return -ETIMEDOUT;
	return 0;
}

static inline const char *part_cmdline(const struct part *p)
{
	return p->second ? PART_SHELL_CMDLINE_2 : PART_SHELL_CMDLINE;
}

/*
 * Boot the test partition with @args added to mkctl's (its disks, its
 * settings) and open its shell; 0 or -errno.
 */
static inline int part_boot(struct part *p, const char *args)
{
	const char *cpus = TEST_PART_CPUS, *last = strpbrk(cpus, "-,");
	char line[64], cmd[1024], first[8];
	FILE *f;

	p->id = -1;
	p->fd = -1;
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(cpus, "-,"), cpus);
	if (p->first_of_two)
		cpus = first;
	else if (p->second && last)
		cpus = last + 1;
	snprintf(cmd, sizeof(cmd),
		 "mkctl boot --cpus %s --mem " TEST_PART_MEM
		 " --console %s --wait 300 --kernel " TEST_PART_KERNEL
		 " --initrd " TEST_PART_INITRD " %s --cmdline '%s'",
		 cpus, p->second ? "none" : "1", args, part_cmdline(p));
	f = popen(cmd, "r");
	if (!f)
		return -errno;
	if (fgets(line, sizeof(line), f))
		p->id = atoi(line);
	if (pclose(f) || p->id < 0)
		return -EIO;
	return part_open_shell(p);
}

/*
 * Start partition @p again after it stopped (its settings, such as its
 * network links, stay) and open its new shell; 0 or -errno.
 */
static inline int part_restart(struct part *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (mk_run("mkctl load %d --kernel " TEST_PART_KERNEL " --initrd "
		   TEST_PART_INITRD " --cmdline '%s' && mkctl start %d --wait 300",
		   p->id, part_cmdline(p), p->id))
		return -EIO;
	return part_open_shell(p);
}

static inline int part_type_line(struct part *p, const char *cmd)
{
	char line[256];
	ssize_t len;

	len = snprintf(line, sizeof(line), "%s\r", cmd);
	return write(p->fd, line, len) == len ? 0 : -EIO;
}

/*
 * Run @cmd in the partition's shell; true when it exits 0 within @ms.
 * Its exit status comes after "PART-42-RC-", which the typed line itself
 * does not hold.  Lines with "step: " or "IOPS=" are logged.
 */
static inline bool part_run(struct __test_metadata *_metadata, struct part *p,
			    const char *cmd, int ms)
{
	static char buf[65536];
	char line[2048], *step, *rc = NULL;
	size_t len = 0;
	bool ok;
	int i;

	snprintf(line, sizeof(line), "(%s); echo PART-$((6 * 7))-RC-$?\r", cmd);
	if (write(p->fd, line, strlen(line)) != (ssize_t)strlen(line))
		return false;
	ok = ikc_read_until(p->fd, buf, sizeof(buf), &len, PART_RC_MARK, ms);
	/* The exit status follows: wait until its line ends. */
	for (i = 0; ok && i < 25; i++) {
		rc = strstr(buf, PART_RC_MARK) + strlen(PART_RC_MARK);
		if (strpbrk(rc, "\r\n"))
			break;
		ikc_read_until(p->fd, buf, sizeof(buf), &len, "\r", 200);
	}
	if (ok)
		rc = strstr(buf, PART_RC_MARK) + strlen(PART_RC_MARK);
	if (!ok || rc[0] != '0' || isdigit((unsigned char)rc[1])) {
		TH_LOG("partition said: %.600s", len > 600 ? buf + len - 600 : buf);
		return false;
	}
	/* What each step took and fio's figures, for the record. */
	for (step = strstr(buf, "step: "); step; step = strstr(step + 1, "step: "))
		TH_LOG("%.*s", (int)strcspn(step, "\r\n"), step);
	for (step = strstr(buf, "IOPS="); step; step = strstr(step + 1, "IOPS="))
		TH_LOG("%.*s", (int)strcspn(step, "\r\n"), step);
	return true;
}

static inline void part_stop(struct part *p, bool force)
{
	char cmd[128];

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->id < 0)
		return;
	snprintf(cmd, sizeof(cmd), "mkctl stop %d %s >/dev/null 2>&1; mkctl destroy %d",
		 p->id, force ? "--force" : "", p->id);
	mk_run("%s", cmd);	/* part_run() said what failed */
	p->id = -1;
}

#endif /* MULTIKERNEL_PART_SHELL_H */

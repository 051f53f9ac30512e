// SPDX-License-Identifier: GPL-2.0
/*
 * mkctl: control multikernel partitions.
 *
 * A partition is another Linux kernel running on CPUs and memory the host
 * gave up for it.  mkctl creates, loads, starts, stops and destroys
 * partitions through the ioctls of /dev/multikernel, and reports on them
 * from /sys/kernel/multikernel/partitions/.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/multikernel.h>
#include "../lib/multikernel/multikernel.h"

#define NOT_SUPPORTED	"partitions are not supported by this kernel " \
			"(CONFIG_MULTIKERNEL_PARTITION)"

#define MAX_CPUS	8192	/* the kernel takes a bitmap of up to a page */
#define NO_TIMEOUT	UINT32_MAX
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum { RET_OK, RET_FAIL, RET_USAGE };

static const char usage_text[] =
"Usage: mkctl COMMAND [ARGS]\n"
"\n"
"Control multikernel partitions: Linux kernels running on CPUs and memory\n"
"reserved from this host.\n"
"\n"
"Commands:\n"
"  create --cpus LIST --mem SIZE [--console N|none] [--force]\n"
"         [--set NAME=VALUE]... [--disk DISK]... [--net [LINK]]...\n"
"        Reserve CPUs and memory for a new partition and print its id.\n"
"        --force takes the CPUs even if tasks are pinned to them; --set\n"
"        changes one of its settings (see 'set'); --disk gives it a disk\n"
"        (see 'disk'), --net a network link (see 'net').\n"
"  load ID --kernel FILE [--initrd FILE] [--cmdline STRING]\n"
"        Load a kernel (bzImage) and an initramfs into a partition.\n"
"  start ID [--wait SECONDS]\n"
"        Start the loaded kernel; with --wait, wait until it is running.\n"
"  stop ID [--force] [--timeout MS]\n"
"        Ask the partition to power off, waiting up to MS milliseconds\n"
"        (default 30000); --force resets its CPUs at once instead.\n"
"  destroy ID\n"
"        Give a stopped partition's CPUs and memory back to the host.\n"
"  boot --cpus LIST --mem SIZE [--console N|none] --kernel FILE\n"
"       [--initrd FILE] [--cmdline STRING] [--wait SECONDS]\n"
"       [--set NAME=VALUE]... [--disk DISK]... [--net [LINK]]...\n"
"        Create, load and start a partition and print its id; whatever\n"
"        was created is destroyed again if a step fails.\n"
"  set ID NAME=VALUE\n"
"        Change a setting of a partition that is not running, such as\n"
"        ikc_services, the IKC channels it gets when it starts.\n"
"  disk attach ID DISK | disk detach ID PATH | disk list ID\n"
"        Give a partition that is not running a disk, take one back, or\n"
"        show its disks.  DISK is PATH[,ro][,serial=ID][,queues=N]: a\n"
"        regular file or a block device of this host, which the partition\n"
"        sees as /dev/vda, /dev/vdb, ... in the order given.\n"
"  disk resize ID PATH\n"
"        Tell a running partition that the disk PATH grew or shrank.\n"
"  net attach ID [LINK] | net detach ID N|IFNAME | net list ID\n"
"        Give a partition that is not running an Ethernet link to this\n"
"        host, take one back, or show its links.  LINK is 'default' or\n"
"        [name=IFNAME][,mac=MAC][,mtu=N]: the host's interface (default\n"
"        mkvnet<ID>, then mkvnet<ID>n<N>), which exists from now on, and the\n"
"        partition's eth0, eth1, ... in the order given.\n"
"  list\n"
"        Show the partitions and the free memory of the pool.\n"
"  status ID\n"
"        Show everything the kernel reports about a partition.\n"
"  wait ID STATE [--timeout SECONDS]\n"
"        Wait until the partition is in STATE: created, loaded, starting,\n"
"        running, stopped or crashed.\n"
"  help\n"
"        Show this text.\n"
"\n"
"LIST is a list of CPUs such as 2-3 or 2,4-7; CPU 0 cannot be given.\n"
"SIZE is in bytes or has a K, M or G suffix; a multiple of 2M, at least 32M.\n"
"The console is a legacy serial port, 0-3 (ttyS0-ttyS3), or none (default).\n"
"\n"
"Exit status: 0 on success, 1 if an operation failed, 2 on bad usage.\n";

enum opt {
	OPT_CPUS, OPT_MEM, OPT_CONSOLE, OPT_FORCE, OPT_KERNEL, OPT_INITRD,
	OPT_CMDLINE, OPT_WAIT, OPT_TIMEOUT, OPT_SET, OPT_DISK, OPT_NET, NR_OPTS
};

/* --set, --disk and --net may be given this many times. */
#define MAX_SETS	8
#define MAX_DISKS	8
#define MAX_NETS	8

/* A partition's setting that lists devices it is given, one per word. */
struct dev_list {
	const char *setting;
	const char *what;
	const char *config;
};

static const struct dev_list disk_list = { "disks", "disks", "CONFIG_IKC_VIRTIO_BLK" };
static const struct dev_list net_list = { "net", "network links", "CONFIG_IKC_VIRTIO_NET" };

#define F(opt)		(1U << (opt))

static const char * const opt_names[NR_OPTS] = {
	[OPT_CPUS] = "cpus", [OPT_MEM] = "mem", [OPT_CONSOLE] = "console",
	[OPT_FORCE] = "force", [OPT_KERNEL] = "kernel", [OPT_INITRD] = "initrd",
	[OPT_CMDLINE] = "cmdline", [OPT_WAIT] = "wait", [OPT_TIMEOUT] = "timeout",
	[OPT_SET] = "set", [OPT_DISK] = "disk", [OPT_NET] = "net",
};

/*
 * The command line: command, partition id, its other positional argument
 * (a state, or NAME=VALUE), and options as given; the values of --set.
 */
struct args {
	const char *cmd;
	uint32_t id;
	const char *state;
	const char *opt[NR_OPTS];
	const char *sets[MAX_SETS];
	unsigned int nr_sets;
	const char *disks[MAX_DISKS];
	unsigned int nr_disks;
	const char *nets[MAX_NETS];
	unsigned int nr_nets;
};

static const char * const states[] = {
	"created", "loaded", "starting", "running", "stopped", "crashed",
};

/* The files of partitions/ID/, "state" first. */
static const char * const attrs[] = {
	"state", "reason", "cpus", "memory", "mem_bytes", "console",
	"heartbeat", "boot_us", "reported_cpus", "reported_mem_kb",
	"status_errors",
};

static uint64_t cpu_bits[MAX_CPUS / 64];

/* ---- messages ---- */

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mkctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'mkctl help'.\n", stderr);
	va_end(ap);
	return RET_USAGE;
}

/* What an error most likely means, for one command or (NULL) any. */
static const struct {
	const char *cmd;
	int err;
	const char *text;
} hints[] = {
	{ "load", EPERM,
	  "needs root (CAP_SYS_ADMIN and CAP_SYS_BOOT); under lockdown, a signed kernel" },
	{ NULL, EPERM, "needs root (CAP_SYS_ADMIN, and CAP_SYS_BOOT to load or start)" },
	{ "create", EBUSY,
	  "CPUs or console taken by another partition, or tasks pinned to the CPUs (--force)" },
	{ "load", EBUSY, "the partition is running or crashed: stop it first" },
	{ "start", EBUSY, "the partition is already running" },
	{ NULL, EBUSY, "the partition is running: stop it first" },
	{ "create", ENOMEM, "not enough contiguous memory in the pool (see 'mkctl list')" },
	{ "create", ENODEV, "no memory pool: boot the host with multikernel_mem=SIZE[@ADDR]" },
	{ "create", ENOSPC, "too many partitions" },
	{ "create", EINVAL,
	  "--mem: a multiple of 2M, at least 32M; not CPU 0, nor CPUs the host lacks" },
	{ "load", ENOEXEC, "not a relocatable x86_64 bzImage (boot protocol 2.12 or later)" },
	{ "load", EFBIG, "the kernel and initramfs do not fit the partition's memory" },
	{ "load", E2BIG, "the command line is too long" },
	{ "start", ENOEXEC, "nothing is loaded (load the kernel again after a stop)" },
	{ "stop", EALREADY, "the partition is already stopped" },
	{ "stop", ETIMEDOUT, "the partition did not power off in time: use --force" },
	{ "stop", EINVAL, "the partition has not been started" },
	{ "stop", EIO, "the partition crashed while stopping" },
	{ "set", EINVAL, "the kernel cannot use that value" },
	{ "set", E2BIG, "the value is too long" },
	{ "set", ENOENT, "no such partition, or no such setting (see 'mkctl status')" },
	{ "set", EBUSY, "the partition is running: stop it first" },
	{ NULL, ENOENT, "no such partition (see 'mkctl list')" },
	{ NULL, ENOTTY, NOT_SUPPORTED },
};

static const char *hint(const char *cmd, int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hints); i++)
		if (hints[i].err == err && (!hints[i].cmd || !strcmp(hints[i].cmd, cmd)))
			return hints[i].text;
	return NULL;
}

/* "mkctl: CMD partition ID: error" and a hint; @id < 0: not known yet. */
static int report(const char *cmd, long long id, int err)
{
	const char *h = hint(cmd, err);

	if (id < 0)
		fprintf(stderr, "mkctl: %s partition: %s\n", cmd, strerror(err));
	else
		fprintf(stderr, "mkctl: %s partition %lld: %s\n", cmd, id, strerror(err));
	if (h)
		fprintf(stderr, "mkctl: %s\n", h);
	return RET_FAIL;
}

/* ---- parsing ---- */

static int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n > UINT32_MAX)
		return -1;
	*v = n;
	return 0;
}

/* "2-3,6": set the bits; return the bitmap's size in bytes, 0 if malformed. */
static unsigned int parse_cpulist(const char *s, uint64_t *bits)
{
	unsigned long first, last, words = 0;
	char *end;

	memset(bits, 0, MAX_CPUS / 8);
	do {
		if (!isdigit((unsigned char)*s))
			return 0;
		first = strtoul(s, &end, 10);
		last = first;
		if (*end == '-') {
			s = end + 1;
			if (!isdigit((unsigned char)*s))
				return 0;
			last = strtoul(s, &end, 10);
		}
		if (first > last || last >= MAX_CPUS)
			return 0;
		for (; first <= last; first++)
			bits[first / 64] |= 1ULL << (first % 64);
		if (last / 64 >= words)
			words = last / 64 + 1;
		s = end;
	} while (*s++ == ',');
	return s[-1] ? 0 : words * 8;
}

/* A size in bytes with an optional K, M, G or T suffix. */
static int parse_size(const char *s, uint64_t *bytes)
{
	static const char suffixes[] = "KMGT";
	unsigned long long n;
	unsigned int shift = 0;
	const char *p;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	p = *end ? strchr(suffixes, toupper((unsigned char)*end)) : NULL;
	if (p) {
		shift = 10 * (p - suffixes + 1);
		end++;
	}
	if (errno || *end || !n || n > UINT64_MAX >> shift)
		return -1;
	*bytes = (uint64_t)n << shift;
	return 0;
}

/* "none", "N" or "ttySN" for the legacy serial ports 0-3. */
static int parse_console(const char *s, int *console)
{
	uint32_t n;

	if (!strcmp(s, "none")) {
		*console = MK_CONSOLE_NONE;
		return 0;
	}
	if (!strncmp(s, "ttyS", 4))
		s += 4;
	if (parse_u32(s, &n) || n > 3)
		return -1;
	*console = n;
	return 0;
}

/* Option @o as a number in @v, which is left alone if the option is not given. */
static int opt_u32(const struct args *a, enum opt o, uint32_t *v)
{
	if (a->opt[o] && parse_u32(a->opt[o], v))
		return usage_error("%s: bad --%s '%s'", a->cmd, opt_names[o], a->opt[o]);
	return RET_OK;
}

/* ---- sysfs ---- */

static bool have_sysfs(void)
{
	if (access(MKL_PARTITIONS_DIR, F_OK) == 0)
		return true;
	fprintf(stderr, "mkctl: %s\n", NOT_SUPPORTED);
	return false;
}

/*
 * Poll the state of partition @id until it is @want, for about @secs
 * seconds (NO_TIMEOUT: for ever).  With @give_up, fail at once when it
 * crashed or stopped.  Return: RET_OK, or RET_FAIL after saying why.
 */
static int wait_state(const char *cmd, uint32_t id, const char *want, uint32_t secs,
		      bool give_up)
{
	long long ms = secs == NO_TIMEOUT ? MKL_WAIT_FOREVER : secs * 1000LL;
	char state[64], reason[256];
	bool late;
	int err;

	err = mkl_wait_state(id, want, ms, give_up ? MKL_WAIT_GIVE_UP : 0, state,
			     sizeof(state));
	if (!err)
		return RET_OK;
	if (err != -ETIMEDOUT && err != -ECANCELED)
		return report(cmd, id, -err);
	late = err == -ETIMEDOUT;
	mkl_read_attr(id, "reason", reason, sizeof(reason));
	fprintf(stderr, "mkctl: partition %u is %s%s", id, late ? "still " : "", state);
	if (late)
		fprintf(stderr, " after %u seconds", secs);
	fprintf(stderr, "%s%s\n", reason[0] ? ": " : "", reason);
	return RET_FAIL;
}

/* ---- /dev/multikernel ---- */

static int open_dev(void)
{
	int fd = mkl_open();

	if (fd < 0) {
		fprintf(stderr, "mkctl: %s: %s\n", MKL_DEVICE, strerror(-fd));
		if (fd == -ENOENT || fd == -ENODEV || fd == -ENXIO)
			fprintf(stderr, "mkctl: %s\n", NOT_SUPPORTED);
		else if (fd == -EACCES || fd == -EPERM)
			fprintf(stderr, "mkctl: %s\n", hint("", EPERM));
	}
	return fd;
}

/* What create and boot ask for; the CPUs are in cpu_bits. */
struct create_req {
	unsigned int cpus_size;
	uint64_t mem_bytes;
	int console;
	unsigned int flags;
};

static int prep_create(const struct args *a, struct create_req *c)
{
	c->console = MK_CONSOLE_NONE;
	c->flags = a->opt[OPT_FORCE] ? MK_CREATE_FORCE : 0;
	c->cpus_size = parse_cpulist(a->opt[OPT_CPUS], cpu_bits);
	if (!c->cpus_size)
		return usage_error("%s: bad CPU list '%s'", a->cmd, a->opt[OPT_CPUS]);
	if (parse_size(a->opt[OPT_MEM], &c->mem_bytes))
		return usage_error("%s: bad memory size '%s'", a->cmd, a->opt[OPT_MEM]);
	if (a->opt[OPT_CONSOLE] && parse_console(a->opt[OPT_CONSOLE], &c->console))
		return usage_error("%s: bad console '%s'", a->cmd, a->opt[OPT_CONSOLE]);
	return RET_OK;
}

/* Create the partition @c asks for: 0 and its id, or -errno. */
static int do_create(int fd, const struct create_req *c, uint32_t *id)
{
	return mkl_create(fd, cpu_bits, c->cpus_size, c->mem_bytes, c->console,
			  c->flags, id);
}

static int open_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "mkctl: %s: %s\n", path, strerror(errno));
	return fd;
}

/* What load and boot load: the files, opened, and the command line. */
struct load_req {
	int kernel_fd;
	int initrd_fd;		/* -1: no initramfs */
	const char *cmdline;
};

static int prep_load(const struct args *a, struct load_req *l)
{
	l->cmdline = a->opt[OPT_CMDLINE] ? a->opt[OPT_CMDLINE] : "";
	l->initrd_fd = -1;
	l->kernel_fd = open_file(a->opt[OPT_KERNEL]);
	if (l->kernel_fd < 0)
		return RET_FAIL;
	if (!a->opt[OPT_INITRD])
		return RET_OK;
	l->initrd_fd = open_file(a->opt[OPT_INITRD]);
	return l->initrd_fd < 0 ? RET_FAIL : RET_OK;
}

/* Load what @l holds into partition @id: 0 or -errno. */
static int do_load(int fd, uint32_t id, const struct load_req *l)
{
	return mkl_load(fd, id, l->kernel_fd, l->initrd_fd, l->cmdline);
}

/* Write "NAME=VALUE" @set to partition @id's settings: RET_OK or RET_FAIL. */
static int apply_set(uint32_t id, const char *set)
{
	const char *eq = strchr(set, '=');
	char name[64];
	int err;

	/* A file of partitions/ID/, never a path elsewhere. */

	if (!eq || eq == set || (size_t)(eq - set) >= sizeof(name) ||
	    memchr(set, '/', eq - set)) {
		fprintf(stderr, "mkctl: set: bad setting '%s': NAME=VALUE\n", set);
		return RET_FAIL;
	}
	memcpy(name, set, eq - set);
	name[eq - set] = '\0';
	err = mkl_write_attr(id, name, eq + 1);
	if (!err)
		return RET_OK;
	fprintf(stderr, "mkctl: set %s of partition %u: %s\n", name, id, strerror(-err));
	if (hint("set", -err))
		fprintf(stderr, "mkctl: %s\n", hint("set", -err));
	return RET_FAIL;
}

/* Write a partition's list of devices; RET_OK or RET_FAIL after saying why. */
static int write_list(const char *cmd, uint32_t id, const struct dev_list *l,
		      const char *list)
{
	/* An empty write would not reach the kernel: a newline says "none". */
	int err = mkl_write_attr(id, l->setting, list[0] ? list : "\n");

	if (!err)
		return RET_OK;
	if (err == -ENOENT)
		fprintf(stderr, "mkctl: %s: this kernel offers no %s (%s)\n",
			cmd, l->what, l->config);
	else
		fprintf(stderr, "mkctl: %s: %s of partition %u: %s\n", cmd, l->what, id,
			strerror(-err));
	if (err == -EEXIST)
		fprintf(stderr, "mkctl: another interface of this host has that name\n");
	else if (hint("set", -err))
		fprintf(stderr, "mkctl: %s\n", hint("set", -err));
	return RET_FAIL;
}

/* Words given with --disk or --net as one list, written to the setting. */
static int write_words(const char *cmd, uint32_t id, const struct dev_list *l,
		       const char * const *words, unsigned int nr)
{
	char list[4096] = "";
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (strlen(list) + strlen(words[i]) + 2 > sizeof(list)) {
			fprintf(stderr, "mkctl: %s: too long a list of %s\n", cmd, l->what);
			return RET_FAIL;
		}
		if (i)
			strcat(list, " ");
		strcat(list, words[i]);
	}
	return write_list(cmd, id, l, list);
}

static int apply_sets(const struct args *a, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < a->nr_sets; i++)
		if (apply_set(id, a->sets[i]))
			return RET_FAIL;
	if (a->nr_disks && write_words(a->cmd, id, &disk_list, a->disks, a->nr_disks))
		return RET_FAIL;
	if (a->nr_nets && write_words(a->cmd, id, &net_list, a->nets, a->nr_nets))
		return RET_FAIL;
	return RET_OK;
}

/* ---- commands ---- */

static int cmd_create(struct args *a)
{
	struct create_req c;
	uint32_t id;
	int fd, ret;

	ret = prep_create(a, &c);
	if (ret)
		return ret;
	fd = open_dev();
	if (fd < 0)
		return RET_FAIL;
	ret = do_create(fd, &c, &id);
	if (ret)
		return report(a->cmd, -1, -ret);
	if (apply_sets(a, id)) {
		ret = mkl_destroy(fd, id);
		if (ret)
			report("destroy", id, -ret);
		return RET_FAIL;
	}
	printf("%u\n", id);
	return RET_OK;
}

static int cmd_load(struct args *a)
{
	struct load_req l;
	int fd, ret;

	ret = prep_load(a, &l);
	if (ret)
		return ret;
	fd = open_dev();
	if (fd < 0)
		return RET_FAIL;
	ret = do_load(fd, a->id, &l);
	return ret ? report(a->cmd, a->id, -ret) : RET_OK;
}

/* Open the device and start, stop or destroy partition a->id. */
static int do_op(const struct args *a, unsigned long req, uint32_t flags, uint32_t timeout_ms)
{
	int fd = open_dev(), err;

	if (fd < 0)
		return RET_FAIL;
	err = mkl_op(fd, req, a->id, flags, timeout_ms);
	return err ? report(a->cmd, a->id, -err) : RET_OK;
}

static void print_running(uint32_t id)
{
	char boot_us[32];

	if (mkl_read_attr(id, "boot_us", boot_us, sizeof(boot_us)) < 0)
		snprintf(boot_us, sizeof(boot_us), "?");
	printf("partition %u running (boot %s us)\n", id, boot_us);
}

static int cmd_start(struct args *a)
{
	uint32_t secs = 0;
	int ret;

	ret = opt_u32(a, OPT_WAIT, &secs);
	if (ret)
		return ret;
	ret = do_op(a, MK_IOC_START, 0, 0);
	if (ret || !a->opt[OPT_WAIT])
		return ret;
	ret = wait_state(a->cmd, a->id, "running", secs, true);
	if (!ret)
		print_running(a->id);
	return ret;
}

static int cmd_stop(struct args *a)
{
	uint32_t timeout_ms = 0;
	int ret;

	ret = opt_u32(a, OPT_TIMEOUT, &timeout_ms);
	if (ret)
		return ret;
	if (a->opt[OPT_FORCE] && a->opt[OPT_TIMEOUT])
		return usage_error("stop: --force and --timeout exclude each other");
	return do_op(a, MK_IOC_STOP, a->opt[OPT_FORCE] ? MK_STOP_FORCE : 0, timeout_ms);
}

static int cmd_destroy(struct args *a)
{
	return do_op(a, MK_IOC_DESTROY, 0, 0);
}

static int cmd_set(struct args *a)
{
	if (!have_sysfs())
		return RET_FAIL;
	return apply_set(a->id, a->state);
}

/* The PATH of one DISK: up to its first comma. */
static size_t disk_path_len(const char *disk)
{
	return strcspn(disk, ", \t");
}

static int read_list(const char *cmd, uint32_t id, const struct dev_list *l,
		     char *list, size_t size)
{
	int err;

	if (!have_sysfs())
		return RET_FAIL;
	err = mkl_read_attr(id, l->setting, list, size);
	if (err >= 0)
		return RET_OK;
	if (err == -ENOENT && mkl_read_attr(id, "state", list, size) >= 0)
		fprintf(stderr, "mkctl: %s: this kernel offers no %s (%s)\n",
			cmd, l->what, l->config);
	else
		report(cmd, id, -err);
	return RET_FAIL;
}

/* Add @word at the end of a partition's list of devices. */
static int attach_word(const char *cmd, uint32_t id, const struct dev_list *l,
		       const char *word)
{
	char list[4096];
	size_t len;

	if (strchr(word, ' ') || strchr(word, '\t'))
		return usage_error("%s: no spaces in what is attached", cmd);
	if (read_list(cmd, id, l, list, sizeof(list)))
		return RET_FAIL;
	len = strlen(list);
	if (len + strlen(word) + 2 > sizeof(list)) {
		fprintf(stderr, "mkctl: %s: too long a list of %s\n", cmd, l->what);
		return RET_FAIL;
	}
	snprintf(list + len, sizeof(list) - len, "%s%s", len ? " " : "", word);
	return write_list(cmd, id, l, list);
}

static int cmd_disk_attach(struct args *a)
{
	return attach_word(a->cmd, a->id, &disk_list, a->state);
}

static int cmd_disk_detach(struct args *a)
{
	char list[4096], out[4096] = "", *tok, *save;
	bool found = false;

	if (read_list(a->cmd, a->id, &disk_list, list, sizeof(list)))
		return RET_FAIL;
	for (tok = strtok_r(list, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (!found && disk_path_len(tok) == strlen(a->state) &&
		    !strncmp(tok, a->state, disk_path_len(tok))) {
			found = true;
			continue;
		}
		if (out[0])
			strcat(out, " ");
		strcat(out, tok);
	}
	if (!found) {
		fprintf(stderr, "mkctl: %s: partition %u has no disk %s\n", a->cmd, a->id,
			a->state);
		return RET_FAIL;
	}
	return write_list(a->cmd, a->id, &disk_list, out);
}

static int cmd_disk_list(struct args *a)
{
	char list[4096], *tok, *save;
	int n = 0;

	if (read_list(a->cmd, a->id, &disk_list, list, sizeof(list)))
		return RET_FAIL;
	for (tok = strtok_r(list, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		printf("vd%c %s\n", 'a' + n++, tok);
	return RET_OK;
}

static int cmd_net_attach(struct args *a)
{
	return attach_word(a->cmd, a->id, &net_list, a->state ? a->state : "default");
}

static int cmd_net_detach(struct args *a)
{
	char list[4096], out[4096] = "", name[64], *tok, *save;
	uint32_t n = UINT32_MAX, i = 0;

	if (read_list(a->cmd, a->id, &net_list, list, sizeof(list)))
		return RET_FAIL;
	/* A number is the link's place; anything else its interface. */
	if (parse_u32(a->state, &n)) {
		for (i = 0; i < MAX_NETS && n == UINT32_MAX; i++)
			if (!mkl_net_ifname(a->id, i, name, sizeof(name)) &&
			    !strcmp(name, a->state))
				n = i;
	}
	for (i = 0, tok = strtok_r(list, " \t", &save); tok;
	     i++, tok = strtok_r(NULL, " \t", &save)) {
		if (i == n)
			continue;
		if (out[0])
			strcat(out, " ");
		strcat(out, tok);
	}
	if (n >= i) {
		fprintf(stderr, "mkctl: %s: partition %u has no network link %s\n",
			a->cmd, a->id, a->state);
		return RET_FAIL;
	}
	return write_list(a->cmd, a->id, &net_list, out);
}

static int cmd_net_list(struct args *a)
{
	static const char * const carrier[] = { "down", "no-carrier", "carrier" };
	char list[4096], name[64], *tok, *save;
	unsigned int n = 0;
	int c;

	if (read_list(a->cmd, a->id, &net_list, list, sizeof(list)))
		return RET_FAIL;
	for (tok = strtok_r(list, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save), n++) {
		if (mkl_net_ifname(a->id, n, name, sizeof(name))) {
			printf("%u - %s (no interface: see the kernel log)\n", n, tok);
			continue;
		}
		c = mkl_net_carrier(name);
		printf("%u %s %s %s\n", n, name, tok, carrier[c < 0 ? 0 : c + 1]);
	}
	return RET_OK;
}

static int cmd_disk_resize(struct args *a)
{
	int err = mkl_resize_disk(a->id, a->state);

	if (err == -ENOENT) {
		fprintf(stderr, "mkctl: %s: partition %u is not served a disk %s now\n",
			a->cmd, a->id, a->state);
		return RET_FAIL;
	}
	if (err == -ENODEV) {
		fprintf(stderr, "mkctl: %s: this kernel has no IKC (CONFIG_IKC)\n", a->cmd);
		return RET_FAIL;
	}
	return err ? report(a->cmd, a->id, -err) : RET_OK;
}

static int cmd_boot(struct args *a)
{
	struct create_req c;
	struct load_req l;
	uint32_t secs = 0, id;
	int fd, err, ret;

	ret = prep_create(a, &c);
	if (!ret)
		ret = opt_u32(a, OPT_WAIT, &secs);
	if (ret)
		return ret;
	ret = prep_load(a, &l);
	if (ret)
		return ret;
	fd = open_dev();
	if (fd < 0)
		return RET_FAIL;

	err = do_create(fd, &c, &id);
	if (err)
		return report("create", -1, -err);
	if (apply_sets(a, id))
		goto destroy;
	err = do_load(fd, id, &l);
	if (err) {
		report("load", id, -err);
		goto destroy;
	}
	err = mkl_start(fd, id);
	if (err) {
		report("start", id, -err);
		goto destroy;
	}
	if (a->opt[OPT_WAIT] && wait_state("start", id, "running", secs, true))
		goto stop;
	printf("%u\n", id);
	return RET_OK;

stop:
	/* It may have crashed or stopped by itself: no error to report. */
	mkl_stop(fd, id, MK_STOP_FORCE, 0);
destroy:
	err = mkl_destroy(fd, id);
	if (err)
		report("destroy", id, -err);
	return RET_FAIL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Read a partition's file for "list", "?" if that fails. */
static const char *attr_or_what(uint32_t id, const char *name, char *buf, size_t size)
{
	if (mkl_read_attr(id, name, buf, size) < 0)
		snprintf(buf, size, "?");
	return buf;
}

/* How many devices a partition's list has; 0 without the setting. */
static int count_words(uint32_t id, const struct dev_list *l)
{
	char list[4096], *tok, *save;
	int n = 0;

	if (mkl_read_attr(id, l->setting, list, sizeof(list)) < 0)
		return 0;
	for (tok = strtok_r(list, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		n++;
	return n;
}

static int cmd_list(struct args *a)
{
	char state[64], cpus[256], mem[32], console[32], heartbeat[32];
	unsigned long long base, total, avail;
	uint32_t *ids = NULL;
	int i, nr_ids, max = 0;

	(void)a;
	if (!have_sysfs())
		return RET_FAIL;
	/* Until the array holds them all: partitions come and go meanwhile. */
	while ((nr_ids = mkl_list(ids, max)) > max) {
		max = nr_ids;
		ids = realloc(ids, max * sizeof(*ids));
		if (!ids) {
			fputs("mkctl: out of memory\n", stderr);
			return RET_FAIL;
		}
	}
	if (nr_ids < 0) {
		fprintf(stderr, "mkctl: %s: %s\n", MKL_PARTITIONS_DIR, strerror(-nr_ids));
		free(ids);
		return RET_FAIL;
	}
	if (nr_ids)
		qsort(ids, nr_ids, sizeof(*ids), cmp_u32);

	printf("%-4s %-9s %-16s %8s %-8s %-5s %-4s %s\n",
	       "ID", "STATE", "CPUS", "MEM(MiB)", "CONSOLE", "DISKS", "NETS", "HEARTBEAT");
	for (i = 0; i < nr_ids; i++) {
		/* Skip those destroyed since the directory was read. */
		if (mkl_read_attr(ids[i], "state", state, sizeof(state)) < 0)
			continue;
		if (mkl_read_attr(ids[i], "mem_bytes", mem, sizeof(mem)) < 0)
			snprintf(mem, sizeof(mem), "0");
		printf("%-4u %-9s %-16s %8llu %-8s %-5d %-4d %s\n", ids[i], state,
		       attr_or_what(ids[i], "cpus", cpus, sizeof(cpus)),
		       strtoull(mem, NULL, 10) >> 20,
		       attr_or_what(ids[i], "console", console, sizeof(console)),
		       count_words(ids[i], &disk_list), count_words(ids[i], &net_list),
		       attr_or_what(ids[i], "heartbeat", heartbeat, sizeof(heartbeat)));
	}
	free(ids);

	if (mkl_read_pool(&base, &total, &avail))
		puts("pool: unknown");
	else if (!total)
		puts("pool: none (boot the host with multikernel_mem=SIZE[@ADDR])");
	else
		printf("pool: %llu MiB, %llu MiB free\n", total >> 20, avail >> 20);
	return RET_OK;
}

static bool is_attr(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		if (!strcmp(name, attrs[i]))
			return true;
	return false;
}

/* The other files of partitions/ID/: settings that subsystems added. */
static void print_settings(uint32_t id)
{
	char path[128], value[4096];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), MKL_PARTITIONS_DIR "/%u", id);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || is_attr(d->d_name) ||
		    mkl_read_attr(id, d->d_name, value, sizeof(value)) < 0)
			continue;
		printf("%s: %s\n", d->d_name, value);
	}
	closedir(dir);
}

static int cmd_status(struct args *a)
{
	char value[4096];
	size_t i;
	int err;

	if (!have_sysfs())
		return RET_FAIL;
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		err = mkl_read_attr(a->id, attrs[i], value, sizeof(value));
		/* No state: no partition. */
		if (err < 0 && !i)
			return report(a->cmd, a->id, -err);
		printf("%s: %s\n", attrs[i], err < 0 ? strerror(-err) : value);
	}
	print_settings(a->id);
	return RET_OK;
}

static int cmd_wait(struct args *a)
{
	uint32_t secs = NO_TIMEOUT;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(states); i++)
		if (!strcmp(a->state, states[i]))
			break;
	if (i == ARRAY_SIZE(states))
		return usage_error("%s: unknown state '%s'", a->cmd, a->state);
	ret = opt_u32(a, OPT_TIMEOUT, &secs);
	if (ret)
		return ret;
	if (!have_sysfs())
		return RET_FAIL;
	return wait_state(a->cmd, a->id, a->state, secs, false);
}

static const struct command_desc {
	const char *name;
	int (*run)(struct args *a);
	int nr_pos;		/* positional arguments */
	unsigned int opts;	/* options it takes */
	unsigned int needs;	/* options it must have */
} commands[] = {
	{ "create", cmd_create, 0,
	  F(OPT_CPUS) | F(OPT_MEM) | F(OPT_CONSOLE) | F(OPT_FORCE) | F(OPT_SET) |
	  F(OPT_DISK) | F(OPT_NET),
	  F(OPT_CPUS) | F(OPT_MEM) },
	{ "load", cmd_load, 1, F(OPT_KERNEL) | F(OPT_INITRD) | F(OPT_CMDLINE), F(OPT_KERNEL) },
	{ "start", cmd_start, 1, F(OPT_WAIT), 0 },
	{ "stop", cmd_stop, 1, F(OPT_FORCE) | F(OPT_TIMEOUT), 0 },
	{ "destroy", cmd_destroy, 1, 0, 0 },
	{ "boot", cmd_boot, 0, F(OPT_CPUS) | F(OPT_MEM) | F(OPT_CONSOLE) | F(OPT_KERNEL) |
	  F(OPT_INITRD) | F(OPT_CMDLINE) | F(OPT_WAIT) | F(OPT_SET) | F(OPT_DISK) |
	  F(OPT_NET),
	  F(OPT_CPUS) | F(OPT_MEM) | F(OPT_KERNEL) },
	{ "set", cmd_set, 2, 0, 0 },
	{ "list", cmd_list, 0, 0, 0 },
	{ "status", cmd_status, 1, 0, 0 },
	{ "wait", cmd_wait, 2, F(OPT_TIMEOUT), 0 },
	{ "disk attach", cmd_disk_attach, 2, 0, 0 },
	{ "disk detach", cmd_disk_detach, 2, 0, 0 },
	{ "disk list", cmd_disk_list, 1, 0, 0 },
	{ "disk resize", cmd_disk_resize, 2, 0, 0 },
	{ "net attach", cmd_net_attach, 2, 0, 0 },
	{ "net detach", cmd_net_detach, 2, 0, 0 },
	{ "net list", cmd_net_list, 1, 0, 0 },
};

/* Sort argv into positional arguments and "--name VALUE" or "--name=VALUE". */
static int parse_args(const struct command_desc *c, int argc, char **argv, struct args *a)
{
	int i, o, nr_pos = 0;

	for (i = 0; i < argc; i++) {
		const char *s = argv[i], *val;
		size_t len;

		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			fputs(usage_text, stdout);
			exit(RET_OK);
		}
		if (strncmp(s, "--", 2)) {
			if (nr_pos == c->nr_pos)
				return usage_error("%s: unexpected argument '%s'", c->name, s);
			if (nr_pos++)
				a->state = s;
			else if (parse_u32(s, &a->id))
				return usage_error("%s: bad partition id '%s'", c->name, s);
			continue;
		}
		s += 2;
		val = strchr(s, '=');
		len = val ? (size_t)(val - s) : strlen(s);
		for (o = 0; o < NR_OPTS; o++)
			if (strlen(opt_names[o]) == len && !strncmp(s, opt_names[o], len))
				break;
		if (o == NR_OPTS || !(c->opts & F(o)))
			return usage_error("%s: unknown option '%s'", c->name, argv[i]);
		if (o == OPT_FORCE) {
			if (val)
				return usage_error("%s: --force takes no value", c->name);
			a->opt[o] = "";
			continue;
		}
		if (val)
			val++;
		else if (o == OPT_NET && (i + 1 == argc || !strncmp(argv[i + 1], "--", 2)))
			val = "default";	/* a link with nothing chosen */
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return usage_error("%s: --%s needs a value", c->name, opt_names[o]);
		if (o == OPT_SET) {
			if (a->nr_sets == MAX_SETS)
				return usage_error("%s: at most %d --set", c->name, MAX_SETS);
			a->sets[a->nr_sets++] = val;
		}
		if (o == OPT_DISK) {
			if (a->nr_disks == MAX_DISKS)
				return usage_error("%s: at most %d --disk", c->name, MAX_DISKS);
			a->disks[a->nr_disks++] = val;
		}
		if (o == OPT_NET) {
			if (a->nr_nets == MAX_NETS)
				return usage_error("%s: at most %d --net", c->name, MAX_NETS);
			a->nets[a->nr_nets++] = val;
		}
		a->opt[o] = val;
	}
	/* Attaching a link with nothing chosen needs no LINK. */
	if (nr_pos < c->nr_pos && !(c->run == cmd_net_attach && nr_pos == 1))
		return usage_error("%s: missing %s", c->name,
				   !nr_pos ? "partition id" : c->run == cmd_set ?
				   "NAME=VALUE" : c->run == cmd_wait ? "state" :
				   c->run == cmd_disk_detach ||
				   c->run == cmd_disk_resize ? "PATH" :
				   c->run == cmd_net_detach ? "N or IFNAME" : "DISK");
	for (o = 0; o < NR_OPTS; o++)
		if ((c->needs & F(o)) && !a->opt[o])
			return usage_error("%s: --%s is required", c->name, opt_names[o]);
	return RET_OK;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	char name[64];
	size_t i;
	int ret;

	if (argc < 2)
		return usage_error("no command given");
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return RET_OK;
	}
	/* "disk attach" and the like: two words, one command. */
	if (!strcmp(argv[1], "disk") || !strcmp(argv[1], "net")) {
		if (argc < 3)
			return usage_error("%s: attach, detach, list%s?", argv[1],
					   argv[1][0] == 'd' ? " or resize" : "");
		snprintf(name, sizeof(name), "%s %s", argv[1], argv[2]);
		argv++;
		argc--;
	} else {
		snprintf(name, sizeof(name), "%s", argv[1]);
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			break;
	if (i == ARRAY_SIZE(commands))
		return usage_error("unknown command '%s'", name);
	a.cmd = commands[i].name;
	ret = parse_args(&commands[i], argc - 2, argv + 2, &a);
	return ret ? ret : commands[i].run(&a);
}

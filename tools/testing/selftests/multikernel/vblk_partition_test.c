// SPDX-License-Identifier: GPL-2.0
/*
 * Disks of a partition kernel, served by this kernel over IKC: the
 * partition (on CPUs 2-3, driven through its shell on the IKC console)
 * makes ext4 on its /dev/vda with Debian's mke2fs and writes files with
 * known checksums; this kernel finds the image clean with e2fsck, mounts
 * it and checks them, writes its own, and a new partition reads those
 * back; an image grown while the partition runs is seen at its new size
 * once mkctl tells the disk.  A partition stopped by force or crashing with many requests in
 * flight leaves nothing behind: the back end lets its block device go.
 * The "disks" setting refuses what it cannot serve, with its errno.
 */

#define _GNU_SOURCE
#include <sys/mount.h>
#include <sys/stat.h>

#include "../kselftest_harness.h"
#include "vblk_util.h"
#include "part_shell.h"

#define DISK_SLOT	6	/* disks come after ikc_services' slots */
#define IMG		"/tmp/vblk-part.img"
#define IMG_SIZE	(112 << 20)
#define GROWTH		(16 << 20)	/* the image grows by this, online */
#define RAMDISK		"/dev/ram0"
#define HOST_MNT	"/tmp/vblk-host-mnt"
#define PART_DISKS	"/sys/kernel/multikernel/partitions/%d/disks"
/* The first disk is vda, the second vdb (serials "first", "second"). */
#define DISK_ORDER_CHECK \
	"grep -qx first /sys/block/vda/serial && grep -qx second /sys/block/vdb/serial"
/* harness/guest/partition-disk.sh, in the partition's initramfs */
#define PART_DISK_SH	"/partition-disk.sh"

/* The N-th disk's channel: disks come after ikc_services' slots. */
static const char *disk_chan(const struct part *p, int n)
{
	static char chan[48];

	ikc_chan(chan, sizeof(chan), p->peer, DISK_SLOT + n);
	return chan;
}

/* A partition with @disks: mkctl's --disk DISK [--disk DISK...]. */
static int boot_with(struct part *p, const char *disks)
{
	char args[512];

	snprintf(args, sizeof(args), "--disk %s", disks);
	return part_boot(p, args);
}

static bool have_partitions(void)
{
	return !access(VBLK_DRIVER, F_OK) && !access(TEST_PART_KERNEL, R_OK) &&
	       !access("/dev/multikernel", R_OK);
}

FIXTURE(part) {
	struct part p;
};

FIXTURE_SETUP(part)
{
	self->p.id = -1;
	self->p.fd = -1;
	if (!have_partitions())
		SKIP(return, "no partitions or no virtio-blk back end");
}

FIXTURE_TEARDOWN(part)
{
	umount(HOST_MNT);
	part_stop(&self->p, true);
	unlink(IMG);
}

static int make_image(void)
{
	int fd = open(IMG, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || ftruncate(fd, IMG_SIZE))
		return -1;
	return close(fd);
}

/*
 * ext4 across kernels: made and filled (64 MiB) by the partition, checked
 * and filled more by this kernel, read back by a new partition.
 */
TEST_F_TIMEOUT(part, ext4_both_ways, 900)
{
	char path[96], cmd[256];

	ASSERT_EQ(0, make_image());
	ASSERT_EQ(0, boot_with(&self->p, IMG ",serial=part-disk"));
	ASSERT_TRUE(part_run(_metadata, &self->p, PART_DISK_SH " fill", 600000));
	/* Its serial, asked with VIRTIO_BLK_T_GET_ID. */
	EXPECT_TRUE(part_run(_metadata, &self->p,
			     "grep -qx part-disk /sys/block/vda/serial", 30000));
	EXPECT_GT(vblk_stat(disk_chan(&self->p, 0), "flushes"), 0);
	EXPECT_GT(vblk_stat(disk_chan(&self->p, 0), "writes"), 0);
	/* A running partition's disks do not change. */
	snprintf(path, sizeof(path), PART_DISKS, self->p.id);
	EXPECT_EQ(-EBUSY, mk_write_text(path, "\n"));
	/* But the image may grow: the partition sees it once told. */
	ASSERT_EQ(0, truncate(IMG, IMG_SIZE + GROWTH));
	EXPECT_EQ(0, mk_run("mkctl disk resize %d " IMG, self->p.id));
	EXPECT_NE(0, mk_run("mkctl disk resize %d /tmp/no-such-disk 2>/dev/null",
			    self->p.id));
	snprintf(cmd, sizeof(cmd),
		 "for i in 1 2 3 4 5 6 7 8 9 10; do [ $(cat /sys/block/vda/size) = %d ] && break;"
		 " sleep 1; done; [ $(cat /sys/block/vda/size) = %d ]",
		 (IMG_SIZE + GROWTH) / 512, (IMG_SIZE + GROWTH) / 512);
	EXPECT_TRUE(part_run(_metadata, &self->p, cmd, 30000));
	EXPECT_EQ(0, vblk_stat(disk_chan(&self->p, 0), "bad_requests"));
	part_stop(&self->p, false);

	/* The back end closed the file: it is all in the image. */
	EXPECT_EQ(0, mk_run(VBLK_FSCK " " IMG " >/dev/null"));
	mkdir(HOST_MNT, 0755);
	ASSERT_EQ(0, mk_run("mount -o loop " IMG " " HOST_MNT));
	EXPECT_EQ(0, mk_run("cd " HOST_MNT " && sha256sum -c -s PSUMS"));
	ASSERT_EQ(0, mk_run("dd if=/dev/urandom of=%s/h bs=1M count=8 2>/dev/null",
			    HOST_MNT));
	ASSERT_EQ(0, mk_run("cd %s && sha256sum h > HSUMS", HOST_MNT));
	ASSERT_EQ(0, mk_run("umount -d " HOST_MNT));

	/* With a second disk: they are vda and vdb in the order given. */
	ASSERT_EQ(0, boot_with(&self->p, IMG ",ro,serial=first --disk " RAMDISK
			       ",ro,serial=second"));
	EXPECT_TRUE(part_run(_metadata, &self->p, PART_DISK_SH " verify", 300000));
	EXPECT_TRUE(part_run(_metadata, &self->p, DISK_ORDER_CHECK, 30000));
	part_stop(&self->p, false);
}

/*
 * fio with verification on the raw disk, several jobs at queue depth 16;
 * then requests in flight when the partition goes: a forced stop, then a
 * crash.  Nothing hangs, and the block device is let go (it opens
 * exclusively again).
 */
TEST_F_TIMEOUT(part, gone_mid_io, 600)
{
	static const char * const how[] = { "forced stop", "panic" };
	char path[64];
	int i, fd;

	if (access(RAMDISK, W_OK))
		SKIP(return, "no " RAMDISK " (CONFIG_BLK_DEV_RAM=n)");
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, boot_with(&self->p, RAMDISK));
		/* Debian's fio first: what it wrote reads back intact. */
		if (!i)
			EXPECT_TRUE(part_run(_metadata, &self->p, PART_DISK_SH " fio",
					     300000));
		ASSERT_TRUE(part_run(_metadata, &self->p, PART_DISK_SH " load", 60000));
		EXPECT_GT(vblk_stat(disk_chan(&self->p, 0), "direct"), 0);
		if (i) {
			/* It tells the harness that this panic is on purpose. */
			ASSERT_EQ(0, part_type_line(&self->p, PART_DISK_SH " panic"));
			snprintf(path, sizeof(path), "mkctl wait %d crashed --timeout 60",
				 self->p.id);
			EXPECT_EQ(0, mk_run("%s", path)) TH_LOG("%s: no crash", how[i]);
		}
		part_stop(&self->p, true);
		fd = open(RAMDISK, O_RDWR | O_EXCL);
		EXPECT_LE(0, fd) TH_LOG("%s: %s still claimed: %s", how[i],
					RAMDISK, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

/* What the disks setting refuses, and when. */
TEST(disks_setting)
{
	char path[96], cmd[256], line[32];
	int a = -1, b = -1;
	FILE *f;

	if (!have_partitions())
		SKIP(return, "no partitions or no virtio-blk back end");
	ASSERT_EQ(0, make_image());
	/* Two partitions that never start: one CPU and 32M each. */
	f = popen("mkctl create --cpus 2 --mem 32M --disk " IMG, "r");
	ASSERT_NE(NULL, f);
	if (fgets(line, sizeof(line), f))
		a = atoi(line);
	pclose(f);
	f = popen("mkctl create --cpus 3 --mem 32M", "r");
	ASSERT_NE(NULL, f);
	if (fgets(line, sizeof(line), f))
		b = atoi(line);
	pclose(f);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);

	snprintf(path, sizeof(path), PART_DISKS, b);
	EXPECT_EQ(-EBUSY, mk_write_text(path, IMG));	/* a has it for writing */
	EXPECT_EQ(-EBUSY, mk_write_text(path, IMG ",ro"));
	EXPECT_EQ(-ENOENT, mk_write_text(path, "/tmp/no-such-disk"));
	EXPECT_EQ(-EISDIR, mk_write_text(path, "/tmp"));
	EXPECT_EQ(-EINVAL, mk_write_text(path, "/dev/null"));
	snprintf(cmd, sizeof(cmd), "mkctl disk detach %d " IMG, a);
	EXPECT_EQ(0, mk_run("%s", cmd));
	EXPECT_EQ(0, mk_write_text(path, IMG ",ro"));	/* free now */
	snprintf(cmd, sizeof(cmd), "mkctl disk attach %d " IMG ",ro,serial=two", b);
	EXPECT_EQ(0, mk_run("%s", cmd));	/* read-only twice */
	snprintf(cmd, sizeof(cmd), "mkctl disk list %d | grep -qx 'vdb " IMG ",ro,serial=two'", b);
	EXPECT_EQ(0, mk_run("%s", cmd));
	snprintf(cmd, sizeof(cmd), "mkctl disk attach %d " IMG " 2>/dev/null", a);
	EXPECT_NE(0, mk_run("%s", cmd));	/* b reads it */

	snprintf(cmd, sizeof(cmd), "mkctl destroy %d; mkctl destroy %d", a, b);
	EXPECT_EQ(0, mk_run("%s", cmd));
	unlink(IMG);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-blk back end over an IKC loopback pair: virtio_blk drives end
 * B as a partition's kernel would, end A serves a file or a block device
 * of this kernel.  Data written to the virtual disk is in the backing at
 * the same offset and the other way round, also with the disk's work
 * confined to one host CPU; ext4 made on it by Debian's
 * mke2fs passes e2fsck on the backing and keeps its files across a new
 * pair; a read-only disk refuses writes; a RAM disk backing takes the
 * zero-copy direct path, a tmpfs file the buffered one (the counters say
 * which ran); a resized file is offered at its new size once the back end
 * is told; bad lists of disks are refused with their errno.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "../kselftest_harness.h"
#include "direct_io.h"
#include "vblk_util.h"

#define IMG		"/tmp/vblk-test.img"
#define IMG_RO		"/tmp/vblk-test-ro.img"
#define IMG_SIZE	(64 << 20)
#define RAMDISK		"/dev/ram0"
#define MNT		"/tmp/vblk-mnt"
#define CHUNK		(1024 * 1024)
#define VBLK_WQ_CPUMASK	"/sys/devices/virtual/workqueue/ikc-blk-%s/cpumask"

static int make_file(const char *path, off_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size)) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

/* A pair serving @disks; its end A in @a, its first disk's vdX in @vd. */
static int add_pair(const char *disks, const char *serial, char *a, char *b,
		    char *vd, size_t vd_size)
{
	int ret;

	ret = mk_write_text(VBLK_LOOPBACK, disks);
	if (ret)
		return ret;
	ret = mk_write_text(IKC_BUS "/loopback_add", "virtio:2");
	if (ret)
		return ret;
	if (ikc_last_pair(a, b))
		return -EIO;
	return vblk_find_disk(serial, vd, vd_size, 20000);
}

/* What failed last in rw_direct(), for the log. */
static const char *rw_failed = "";

/* @len bytes at @off of @path, through O_DIRECT; 0 or -errno. */
static int rw_direct(const char *path, bool write, void *buf, size_t len,
		     off_t off)
{
	return direct_rw(path, write, buf, len, off, &rw_failed);
}

FIXTURE(disk) {
	char a[32], b[32], vd[32], dev[48], chan[48];
};

FIXTURE_SETUP(disk)
{
	if (access(VBLK_LOOPBACK, W_OK))
		SKIP(return, "no virtio-blk back end (CONFIG_IKC_VIRTIO_BLK=n)");
	if (access("/sys/bus/virtio/drivers/virtio_blk", F_OK))
		SKIP(return, "no virtio_blk driver (CONFIG_VIRTIO_BLK=n)");
	ASSERT_EQ(0, make_file(IMG, IMG_SIZE));
	ASSERT_EQ(0, add_pair(IMG ",serial=vblk-test", "vblk-test", self->a,
			      self->b, self->vd, sizeof(self->vd)));
	snprintf(self->dev, sizeof(self->dev), "/dev/%s", self->vd);
	ikc_chan(self->chan, sizeof(self->chan), self->a, 0);
}

FIXTURE_TEARDOWN(disk)
{
	umount(MNT);
	if (self->a[0])
		EXPECT_EQ(0, mk_write_text(IKC_BUS "/loopback_del", self->a));
	mk_write_text(VBLK_LOOPBACK, "\n");
	unlink(IMG);
}

/* What is written to the disk is in the file, and the other way round. */
TEST_F(disk, data_lands_in_backing)
{
	char *buf, *back, sectors[96], wq[128];
	int fd;

	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, CHUNK));
	ASSERT_EQ(0, posix_memalign((void **)&back, 4096, CHUNK));
	snprintf(sectors, sizeof(sectors), "/sys/block/%s/size", self->vd);
	EXPECT_EQ(IMG_SIZE / 512, mk_read_num(sectors));
	/* Which host CPUs serve the disk is the administrator's choice. */
	snprintf(wq, sizeof(wq), VBLK_WQ_CPUMASK, self->chan);
	ASSERT_EQ(0, mk_write_text(wq, "2")) TH_LOG("%s", wq);

	vblk_pattern(buf, CHUNK, 4 * CHUNK, 1);
	ASSERT_EQ(0, rw_direct(self->dev, true, buf, CHUNK, 4 * CHUNK))
		TH_LOG("%s: %s failed", self->dev, rw_failed);
	fd = open(IMG, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(CHUNK, pread(fd, back, CHUNK, 4 * CHUNK));
	close(fd);
	EXPECT_EQ(0, memcmp(buf, back, CHUNK)) TH_LOG("the backing differs");

	vblk_pattern(buf, CHUNK, 9 * CHUNK, 2);
	fd = open(IMG, O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(CHUNK, pwrite(fd, buf, CHUNK, 9 * CHUNK));
	ASSERT_EQ(0, fsync(fd));
	close(fd);
	ASSERT_EQ(0, rw_direct(self->dev, false, back, CHUNK, 9 * CHUNK));
	EXPECT_EQ(0, memcmp(buf, back, CHUNK)) TH_LOG("the disk differs");

	/* The end of the disk is the end: nothing is read past it. */
	EXPECT_EQ(-EIO, rw_direct(self->dev, false, back, CHUNK,
				  IMG_SIZE - CHUNK / 2));

	EXPECT_GT(vblk_stat(self->chan, "writes"), 0);
	EXPECT_GT(vblk_stat(self->chan, "reads"), 0);
	/* tmpfs does no direct I/O: the copying path ran. */
	EXPECT_GT(vblk_stat(self->chan, "buffered"), 0);
	EXPECT_EQ(0, vblk_stat(self->chan, "direct"));
	EXPECT_EQ(0, vblk_stat(self->chan, "bad_requests"));
	EXPECT_EQ(0, vblk_stat(self->chan, "ring_errors"));
	free(buf);
	free(back);
}

/* @path's size in sectors once it is @want, or its last value after 10 s. */
static long long wait_sectors(const char *path, long long want)
{
	long long n = -1;
	int i;

	for (i = 0; i < 100; i++) {
		n = mk_read_num(path);
		if (n == want)
			break;
		usleep(100 * 1000);
	}
	return n;
}

/*
 * The file grows, then shrinks, on the host: the disk follows once told
 * (a config change the front end acts on), not before.
 */
TEST_F(disk, resize_announced)
{
	char *buf, *back, sectors[96];
	int fd;

	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, CHUNK));
	ASSERT_EQ(0, posix_memalign((void **)&back, 4096, CHUNK));
	snprintf(sectors, sizeof(sectors), "/sys/block/%s/size", self->vd);
	ASSERT_EQ(0, truncate(IMG, 2 * IMG_SIZE));
	usleep(200 * 1000);
	EXPECT_EQ(IMG_SIZE / 512, mk_read_num(sectors));
	EXPECT_EQ(-EINVAL, ikc_dev_write(self->chan, "disk/resize", "0"));
	EXPECT_EQ(-EINVAL, ikc_dev_write(self->chan, "disk/resize", "grow"));

	ASSERT_EQ(0, ikc_dev_write(self->chan, "disk/resize", "1"));
	ASSERT_EQ(2 * IMG_SIZE / 512, wait_sectors(sectors, 2 * IMG_SIZE / 512));
	/* Past the old end: lands in the file. */
	vblk_pattern(buf, CHUNK, IMG_SIZE + CHUNK, 5);
	ASSERT_EQ(0, rw_direct(self->dev, true, buf, CHUNK, IMG_SIZE + CHUNK))
		TH_LOG("%s: %s failed", self->dev, rw_failed);
	fd = open(IMG, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(CHUNK, pread(fd, back, CHUNK, IMG_SIZE + CHUNK));
	close(fd);
	EXPECT_EQ(0, memcmp(buf, back, CHUNK));

	/* Cut: the disk ends earlier; the same size again is no change. */
	ASSERT_EQ(0, truncate(IMG, IMG_SIZE / 2));
	ASSERT_EQ(0, ikc_dev_write(self->chan, "disk/resize", "1"));
	ASSERT_EQ(IMG_SIZE / 2 / 512, wait_sectors(sectors, IMG_SIZE / 2 / 512));
	EXPECT_EQ(0, ikc_dev_write(self->chan, "disk/resize", "1"));
	EXPECT_EQ(-EIO, rw_direct(self->dev, false, back, CHUNK, IMG_SIZE));

	/* Nothing left is no disk: refused, the size stays. */
	ASSERT_EQ(0, truncate(IMG, 0));
	EXPECT_EQ(-EINVAL, ikc_dev_write(self->chan, "disk/resize", "1"));
	EXPECT_EQ(IMG_SIZE / 2 / 512, mk_read_num(sectors));
	EXPECT_EQ(0, vblk_stat(self->chan, "bad_requests"));
	free(buf);
	free(back);
}

/* ext4 by Debian's mke2fs: clean for e2fsck, files kept across pairs. */
TEST_F_TIMEOUT(disk, ext4_survives, 300)
{
	int i;

	ASSERT_EQ(0, mk_run(VBLK_MKFS " %s >/dev/null", self->dev));
	mkdir(MNT, 0755);
	ASSERT_EQ(0, mount(self->dev, MNT, "ext4", 0, NULL)) TH_LOG("%s", strerror(errno));
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, mk_run("dd if=/dev/urandom of=%s/f%d bs=64k count=16 2>/dev/null",
				    MNT, i));
	ASSERT_EQ(0, mk_run("cd " MNT " && sha256sum f* > /tmp/vblk-sums"));
	ASSERT_EQ(0, umount(MNT));
	EXPECT_GT(vblk_stat(self->chan, "flushes"), 0);

	/* The pair goes: the back end closes the file, e2fsck reads it. */
	ASSERT_EQ(0, mk_write_text(IKC_BUS "/loopback_del", self->a));
	self->a[0] = '\0';
	EXPECT_EQ(0, mk_run(VBLK_FSCK " " IMG " >/dev/null"));

	ASSERT_EQ(0, add_pair(IMG ",serial=vblk-test", "vblk-test", self->a,
			      self->b, self->vd, sizeof(self->vd)));
	snprintf(self->dev, sizeof(self->dev), "/dev/%s", self->vd);
	ASSERT_EQ(0, mount(self->dev, MNT, "ext4", MS_RDONLY, NULL));
	EXPECT_EQ(0, mk_run("cd " MNT " && sha256sum -c -s /tmp/vblk-sums"));
	EXPECT_EQ(0, umount(MNT));
	unlink("/tmp/vblk-sums");
}

/* A read-only disk: the kernel sees it so, and the backing never changes. */
TEST(read_only)
{
	char a[32] = "", b[32], vd[32], dev[48], path[96], chan[48];
	char *buf, *back;
	int fd;

	if (access(VBLK_LOOPBACK, W_OK))
		SKIP(return, "no virtio-blk back end (CONFIG_IKC_VIRTIO_BLK=n)");
	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, CHUNK));
	ASSERT_EQ(0, posix_memalign((void **)&back, 4096, CHUNK));
	ASSERT_EQ(0, make_file(IMG_RO, 8 << 20));
	vblk_pattern(buf, CHUNK, 0, 3);
	fd = open(IMG_RO, O_WRONLY);
	ASSERT_EQ(CHUNK, pwrite(fd, buf, CHUNK, 0));
	close(fd);
	ASSERT_EQ(0, add_pair(IMG_RO ",ro,serial=vblk-ro", "vblk-ro", a, b, vd,
			      sizeof(vd)));
	ikc_chan(chan, sizeof(chan), a, 0);
	snprintf(dev, sizeof(dev), "/dev/%s", vd);
	snprintf(path, sizeof(path), "/sys/block/%s/ro", vd);
	EXPECT_EQ(1, mk_read_num(path));

	memset(back, 0x5a, CHUNK);
	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd >= 0) {
		EXPECT_GT(0, pwrite(fd, back, CHUNK, 0));
		close(fd);
	}
	ASSERT_EQ(0, rw_direct(dev, false, back, CHUNK, 0));
	EXPECT_EQ(0, memcmp(buf, back, CHUNK));
	fd = open(IMG_RO, O_RDONLY);
	ASSERT_EQ(CHUNK, pread(fd, back, CHUNK, 0));
	close(fd);
	EXPECT_EQ(0, memcmp(buf, back, CHUNK)) TH_LOG("the read-only backing changed");
	EXPECT_EQ(0, vblk_stat(chan, "writes"));

	EXPECT_EQ(0, mk_write_text(IKC_BUS "/loopback_del", a));
	mk_write_text(VBLK_LOOPBACK, "\n");
	unlink(IMG_RO);
	free(buf);
	free(back);
}

/* A block device backing: direct I/O on the peer's pages, no copy. */
TEST(ramdisk_direct)
{
	char a[32] = "", b[32], vd[32], dev[48], chan[48], back_attr[256];
	char *buf, *back;
	int fd;

	if (access(VBLK_LOOPBACK, W_OK))
		SKIP(return, "no virtio-blk back end (CONFIG_IKC_VIRTIO_BLK=n)");
	if (access(RAMDISK, W_OK))
		SKIP(return, "no " RAMDISK " (CONFIG_BLK_DEV_RAM=n)");
	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, CHUNK));
	ASSERT_EQ(0, posix_memalign((void **)&back, 4096, CHUNK));
	ASSERT_EQ(0, add_pair(RAMDISK ",serial=vblk-ram", "vblk-ram", a, b, vd,
			      sizeof(vd)));
	ikc_chan(chan, sizeof(chan), a, 0);
	ASSERT_GT(ikc_dev_read(chan, "disk/backing", back_attr, sizeof(back_attr)), 0);
	EXPECT_NE(NULL, strstr(back_attr, " direct")) TH_LOG("backing: %s", back_attr);
	/* Claimed for writing: nobody else opens it exclusively. */
	EXPECT_GT(0, open(RAMDISK, O_RDWR | O_EXCL));

	snprintf(dev, sizeof(dev), "/dev/%s", vd);
	vblk_pattern(buf, CHUNK, CHUNK, 4);
	ASSERT_EQ(0, rw_direct(dev, true, buf, CHUNK, CHUNK))
		TH_LOG("%s: %s failed", dev, rw_failed);
	ASSERT_EQ(0, rw_direct(RAMDISK, false, back, CHUNK, CHUNK));
	EXPECT_EQ(0, memcmp(buf, back, CHUNK));
	EXPECT_GT(vblk_stat(chan, "direct"), 0);
	EXPECT_EQ(0, vblk_stat(chan, "buffered"));

	EXPECT_EQ(0, mk_write_text(IKC_BUS "/loopback_del", a));
	/* The pair is gone: so is the claim. */
	fd = open(RAMDISK, O_RDWR | O_EXCL);
	EXPECT_LE(0, fd) TH_LOG("%s still claimed: %s", RAMDISK, strerror(errno));
	if (fd >= 0)
		close(fd);
	mk_write_text(VBLK_LOOPBACK, "\n");
	free(buf);
	free(back);
}

/* Lists of disks that cannot be served, and their errno. */
TEST(bad_disk_lists)
{
	char nine[1024] = "";
	int i;

	if (access(VBLK_LOOPBACK, W_OK))
		SKIP(return, "no virtio-blk back end (CONFIG_IKC_VIRTIO_BLK=n)");
	ASSERT_EQ(0, make_file(IMG, 1 << 20));
	ASSERT_EQ(0, make_file(IMG_RO, 100));
	for (i = 0; i < 9; i++)
		strcat(nine, IMG ",ro ");
	EXPECT_EQ(-ENOENT, mk_write_text(VBLK_LOOPBACK, "/tmp/no-such-disk"));
	EXPECT_EQ(-EISDIR, mk_write_text(VBLK_LOOPBACK, "/tmp"));
	EXPECT_EQ(-EINVAL, mk_write_text(VBLK_LOOPBACK, "tmp/relative"));
	EXPECT_EQ(-EINVAL, mk_write_text(VBLK_LOOPBACK, "/dev/null"));
	EXPECT_EQ(-EINVAL, mk_write_text(VBLK_LOOPBACK, IMG_RO));	/* < 512 bytes */
	EXPECT_EQ(-EINVAL, mk_write_text(VBLK_LOOPBACK, IMG ",bogus"));
	EXPECT_EQ(-EINVAL, mk_write_text(VBLK_LOOPBACK, IMG ",queues=0"));
	EXPECT_EQ(-EINVAL, mk_write_text(VBLK_LOOPBACK, IMG ",queues=99"));
	EXPECT_EQ(-EINVAL, mk_write_text(VBLK_LOOPBACK, IMG ",serial=123456789012345678901"));
	EXPECT_EQ(-EBUSY, mk_write_text(VBLK_LOOPBACK, IMG " " IMG));
	EXPECT_EQ(-EBUSY, mk_write_text(VBLK_LOOPBACK, IMG " " IMG ",ro"));
	EXPECT_EQ(-E2BIG, mk_write_text(VBLK_LOOPBACK, nine));
	/* Read-only twice is fine; so is nothing. */
	EXPECT_EQ(0, mk_write_text(VBLK_LOOPBACK, IMG ",ro " IMG ",ro,queues=2"));
	EXPECT_EQ(0, mk_write_text(VBLK_LOOPBACK, "\n"));
	unlink(IMG);
	unlink(IMG_RO);
}

TEST_HARNESS_MAIN

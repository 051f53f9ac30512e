#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the multikernel kselftests as static binaries and pack them with
# busybox-static and harness/guest/ into $BUILD/initramfs.cpio.gz.
. "$(dirname "$0")/common.sh"

ksft=$BUILD/kselftest
root=$BUILD/initramfs
conf=$REPO/harness/guest/harness.conf

# The selftests' partition must be the harness's.
hdr=$REPO/tools/testing/selftests/multikernel/test_partition.h
for pair in MK_PART_CPUS:TEST_PART_CPUS MK_PART_MEM:TEST_PART_MEM \
	    MK_PART_KERNEL:TEST_PART_KERNEL MK_PART_INITRD:TEST_PART_INITRD \
	    MK_MARK_PART:TEST_PART_MARK; do
	want=$(sed -n "s/^${pair%%:*}=\"\(.*\)\"$/\1/p" "$conf")
	grep -q "^#define ${pair#*:}[[:space:]]*\"$want\"$" "$hdr" ||
		die "$hdr: ${pair#*:} is not \"$want\" (${pair%%:*} in harness.conf)"
done

# Debian's programs that judge the virtual devices, e2fsprogs for the
# disks and iperf3 for the network links: each with the shared libraries
# ldd names (iperf3's source tarball is not on the archive's mirror, so it
# cannot be built static as fio is), and mke2fs's configuration, under ROOT.
add_debian_tools() {
	local root=$1 bin lib
	mkdir -p "$root/usr/bin" "$root/etc"
	for bin in /usr/sbin/mke2fs /usr/sbin/e2fsck /usr/bin/iperf3; do
		cp "$bin" "$root/usr/bin/"
		for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	done
	ln -sf mke2fs "$root/usr/bin/mkfs.ext4"
	cp /etc/mke2fs.conf "$root/etc/mke2fs.conf"
}

"$REPO/harness/build-fio.sh"

say "building kselftests (static)"
rm -rf "$ksft"
# -B: lib.mk does not track the UAPI headers the tests include.
CFLAGS=-Werror LDFLAGS=-static make -B -s -C "$SRC/tools/testing/selftests" TARGETS=multikernel \
	KHDR_INCLUDES="-isystem $OUT_TEST/usr/include" \
	INSTALL_PATH="$ksft" install >/dev/null

# mkexec is a static PIE, high in memory: its program gets the low addresses.
say "building mkctl and mkexec (static)"
make -s -C "$REPO/tools/multikernel" OUTPUT="$BUILD/mkctl/" LDFLAGS=-static \
	UAPI_INCLUDE="$OUT_TEST/usr/include" >/dev/null

# A partition kernel's initramfs: busybox and its own /init.
proot=$BUILD/partition-initramfs
rm -rf "$proot"
mkdir -p "$proot/bin" "$proot/etc"
cp "$conf" "$proot/etc/harness.conf"
cp /bin/busybox "$proot/bin/busybox"
ln -s busybox "$proot/bin/sh"
add_debian_tools "$proot"
cp "$BUILD/fio/fio" "$proot/usr/bin/fio"
cp "$REPO/harness/guest/partition-init" "$proot/init"
cp "$REPO/harness/guest/partition-bench.sh" "$proot/partition-bench.sh"
cp "$REPO/harness/guest/partition-disk.sh" "$proot/partition-disk.sh"
cp "$REPO/harness/guest/disk-bench.sh" "$proot/disk-bench.sh"
cp "$ksft/multikernel/partition_bench" "$proot/partition_bench"
cp "$ksft/multikernel/vnet_stream" "$proot/usr/bin/vnet_stream"
chmod +x "$proot/init" "$proot/partition-bench.sh" "$proot/partition-disk.sh" \
	"$proot/disk-bench.sh"
(cd "$proot" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 > "$BUILD/partition-initramfs.cpio.gz"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,etc,proc,sys,dev,tmp,root,boot}
# What the host boots in partitions: this same kernel (make bench: the
# bench kernel), and the initramfs above.
cp "${MK_PARTITION_KERNEL:-$OUT_TEST/arch/x86/boot/bzImage}" "$root/boot/partition-bzImage"
cp "$BUILD/partition-initramfs.cpio.gz" "$root/boot/partition-initramfs.cpio.gz"
cp "$BUILD/mkctl/mkctl" "$root/usr/bin/mkctl"
cp "$BUILD/mkctl/mkexec" "$root/usr/bin/mkexec"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"	# /init is a script: its shell must exist first
add_debian_tools "$root"
cp "$BUILD/fio/fio" "$root/usr/bin/fio"
cp "$ksft/multikernel/vnet_stream" "$root/usr/bin/vnet_stream"
cp "$REPO/harness/guest/init" "$root/init"
cp "$REPO/harness/guest/timeout" "$root/usr/bin/timeout"
cp "$REPO/harness/guest/motd" "$root/etc/motd"
cp "$conf" "$root/etc/harness.conf"
cp "$REPO/harness/guest/bench.sh" "$root/bench.sh"
cp "$REPO/harness/guest/disk-bench.sh" "$root/disk-bench.sh"
cp "$REPO/harness/guest/net-bench.sh" "$root/net-bench.sh"
chmod +x "$root/init" "$root/usr/bin/timeout" "$root/bench.sh" "$root/disk-bench.sh" \
	"$root/net-bench.sh"
cp -a "$ksft" "$root/kselftest"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$BUILD/initramfs.cpio.gz"
say "initramfs: $BUILD/initramfs.cpio.gz ($(du -k "$BUILD/initramfs.cpio.gz" | cut -f1) KiB)"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In a partition kernel, what vblk_partition_test asks of its disk
# /dev/vda (the host's file or block device, over IKC), step by step with
# the seconds each took:
#   fill    ext4 by Debian's mke2fs, 64 MiB of files, their sha256 in
#           PSUMS, unmounted and synced
#   verify  mounted read-only: the host's files (HSUMS) and ours (PSUMS)
#           are intact, and nothing can be written
#   load    16 readers and writers with O_DIRECT, left running
#   panic   crash at once, after telling the harness it is on purpose
. /etc/harness.conf

step() {
	local t0 t1 rest
	read -r t0 rest < /proc/uptime
	"$@" || { echo "step failed: $*" >&2; exit 1; }
	read -r t1 rest < /proc/uptime
	echo "step: $* ($(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s)" >&2
}

fill_files() {
	local i j
	dd if=/dev/urandom of=/tmp/r bs=1M count=1 2>/dev/null || return 1
	for i in 0 1 2 3 4 5 6 7; do
		# 8 MiB each, each different: a header line, then the MiB.
		{ echo "$i"; for j in 1 2 3 4 5 6 7 8; do cat /tmp/r; done; } > /mnt/p$i ||
			return 1
	done
}

sums() {
	(cd /mnt && sha256sum "$@")
}

case $1 in
fill)
	mkdir -p /mnt
	step /usr/bin/mke2fs -q -F -t ext4 /dev/vda
	step mount -t ext4 /dev/vda /mnt
	step fill_files
	step sums p0 p1 p2 p3 p4 p5 p6 p7 > /tmp/PSUMS
	cp /tmp/PSUMS /mnt/PSUMS
	step umount /mnt
	step sync
	;;
verify)
	mkdir -p /mnt
	step mount -t ext4 -o ro /dev/vda /mnt
	step sums -c -s HSUMS
	step sums -c -s PSUMS
	if touch /mnt/nope 2>/dev/null; then
		echo "wrote to a read-only disk"
		exit 1
	fi
	step umount /mnt
	;;
load)
	for i in $(seq 16); do
		while :; do
			dd if=/dev/vda of=/dev/null bs=4k count=256 skip=$((i * 32)) \
				iflag=direct 2>/dev/null
			dd if=/dev/zero of=/dev/vda bs=4k count=64 seek=$((i * 32)) \
				oflag=direct 2>/dev/null
		done &
	done
	sleep 3
	;;
panic)
	echo "$MK_MARK_PART panicking on purpose" > /dev/ttyS"$MK_PART_CONSOLE"
	echo c > /proc/sysrq-trigger
	;;
*)
	echo "usage: $0 fill|verify|load|panic" >&2
	exit 2
	;;
esac

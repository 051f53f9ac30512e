#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In a partition kernel, what vblk_partition_test asks of its disk
# /dev/vda (the host's file or block device, over IKC), step by step with
# the seconds each took:
#   fill    ext4 by Debian's mke2fs, 64 MiB of files, their sha256 in
#           PSUMS, unmounted and synced
#   verify  mounted read-only: the host's files (HSUMS) and ours (PSUMS)
#           are intact, and nothing can be written
#   fio     fio's random writes, verified (crc32c) by reading them back:
#           4 jobs at queue depth 16, O_DIRECT
#   load    fio's random reads and writes, 16 in flight, left running
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

# Each job writes its own MiB, then reads it back and checks every block.
fio_verify() {
	fio --name=verify --filename=/dev/vda --direct=1 --ioengine=libaio \
		--iodepth=16 --numjobs=4 --rw=randwrite --bs=4k --size=1m \
		--offset_increment=1m --verify=crc32c --verify_fatal=1 \
		--group_reporting > /tmp/fio.out 2>&1 || { cat /tmp/fio.out; return 1; }
	grep -E '^ +(write|read):|err=' /tmp/fio.out
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
fio)
	step fio_verify
	;;
load)
	fio --name=load --filename=/dev/vda --direct=1 --ioengine=libaio \
		--iodepth=8 --numjobs=2 --rw=randrw --bs=4k --size=1m \
		--offset_increment=1m --time_based --runtime=600 \
		> /dev/null 2>&1 &
	sleep 3
	;;
panic)
	echo "$MK_MARK_PART panicking on purpose" > /dev/ttyS"$MK_PART_CONSOLE"
	# The line out first, before the panic's own lines cut into it.
	sleep 1
	echo c > /proc/sysrq-trigger
	;;
*)
	echo "usage: $0 fill|verify|fio|load|panic" >&2
	exit 2
	;;
esac

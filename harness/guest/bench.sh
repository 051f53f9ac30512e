#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmarks of the series, run by /init in mk.mode=bench (make bench).
# Each prints its own figures; nothing here is a pass/fail test.

. /etc/harness.conf
echo "$MK_MARK_BENCH begin"
echo "cpus: $(nproc), kernel: $(uname -r)"

# The fast test device: ext2 on RAM-backed null_blk (see qemu.sh).
fast=/tmp
if [ -b /dev/nullb0 ] && mke2fs -q /dev/nullb0 >/dev/null 2>&1 &&
   mkdir -p /mnt/fast && mount -t ext2 /dev/nullb0 /mnt/fast; then
	fast=/mnt/fast
fi

# Exception-less system calls: the application on CPU 0, the syscall
# threads (and io_uring's SQPOLL thread) on CPU 1.
echo "== xsc_bench, files on $fast"
/kselftest/multikernel/xsc_bench -d "$fast" -c 1 -a 0

# Overshadow: the program on CPU 0 (node 0), the source on the CPU-less
# node 1, the copy engine on another CPU; with the DMA channel (the test
# kernel's soft_memcpy) for every size, then with the CPU engine.
echo "== overshadow_bench, DMA engine"
/kselftest/multikernel/overshadow_bench -c 0 -e dma
echo "== overshadow_bench, CPU engine"
/kselftest/multikernel/overshadow_bench -c 0 -e cpu

# Partitions: the same CPU- and memory-bound program with 2 threads on the
# host's CPUs the partition gets (from the first), then in a partition
# kernel on them (its figures are on the partition's console; the harness
# puts both side by side).
echo "== partition_bench: host, CPUs $MK_PART_CPUS"
for i in 1 2 3; do
	/kselftest/multikernel/partition_bench -t 2 -p "${MK_PART_CPUS%%[-,]*}" -l host
done
echo "== partition_bench: partition on CPUs $MK_PART_CPUS (figures in partition.log)"
for action in bench idle idle; do
	id=$(mkctl boot --cpus "$MK_PART_CPUS" --mem "$MK_PART_MEM" \
		--console "$MK_PART_CONSOLE" --kernel "$MK_PART_KERNEL" \
		--initrd "$MK_PART_INITRD" \
		--cmdline "console=ttyS$MK_PART_CONSOLE,115200 mkpart.action=$action" \
		--wait 300) || continue
	echo "partition boot_us: $(cat /sys/kernel/multikernel/partitions/$id/boot_us)"
	if [ $action = bench ]; then
		mkctl wait "$id" stopped --timeout 900
	else
		mkctl stop "$id"
	fi
	mkctl destroy "$id"
done

# IKC: the echo service's round trips (doorbell and busy-poll), throughput
# and concurrent requesters; first inside this kernel (loopback), then
# across kernels with a partition it boots (test_partition.h) and stops.  On
# SIGTERM (the timeout) it ends its runs, stops the partition and says so.
echo "== ikc_bench: loopback"
timeout 1200 /kselftest/multikernel/ikc_bench -l
echo "== ikc_bench: host and partition on CPUs $MK_PART_CPUS"
timeout 1200 /kselftest/multikernel/ikc_bench -c 2

echo "$MK_MARK_BENCH end"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmarks of the series, run by /init in mk.mode=bench (make bench).
# Each prints its own figures; nothing here is a pass/fail test.

. /etc/harness.conf
echo "$MK_MARK_BENCH begin"
echo "cpus: $(nproc), kernel: $(uname -r)"

# While working on one: MK_APPEND="mk.bench=disk" make bench runs only
# that one (xsc, overshadow, partition, ikc, disk, net, deleg; comma-separated).
only=
for arg in $(cat /proc/cmdline); do
	case $arg in
	mk.bench=*) only=" $(echo "${arg#mk.bench=}" | tr , ' ') " ;;
	esac
done
want() {
	[ -z "$only" ] || case $only in *" $1 "*) true ;; *) false ;; esac
}

# The fast test device: ext2 on RAM-backed null_blk (see qemu.sh).
fast=/tmp
if [ -b /dev/nullb0 ] && mke2fs -q /dev/nullb0 >/dev/null 2>&1 &&
   mkdir -p /mnt/fast && mount -t ext2 /dev/nullb0 /mnt/fast; then
	fast=/mnt/fast
fi

# Exception-less system calls: the application on CPU 0, the syscall
# threads (and io_uring's SQPOLL thread) on CPU 1.
if want xsc; then
	echo "== xsc_bench, files on $fast"
	/kselftest/multikernel/xsc_bench -d "$fast" -c 1 -a 0
fi

# Overshadow: the program on CPU 0 (node 0), the source on the CPU-less
# node 1, the copy engine on another CPU; with the DMA channel (the test
# kernel's soft_memcpy) for every size, then with the CPU engine.
if want overshadow; then
	echo "== overshadow_bench, DMA engine"
	/kselftest/multikernel/overshadow_bench -c 0 -e dma
	echo "== overshadow_bench, CPU engine"
	/kselftest/multikernel/overshadow_bench -c 0 -e cpu
fi

# Partitions: the same CPU- and memory-bound program with 2 threads on the
# host's CPUs the partition gets (from the first), then in a partition
# kernel on them (its figures are on the partition's console; the harness
# puts both side by side).
if want partition; then
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
fi

# IKC: the echo service's round trips (doorbell and busy-poll), throughput
# and concurrent requesters; first inside this kernel (loopback), then
# across kernels with a partition it boots (test_partition.h) and stops.  On
# SIGTERM (the timeout) it ends its runs, stops the partition and says so.
if want ikc; then
	echo "== ikc_bench: loopback"
	timeout 1200 /kselftest/multikernel/ikc_bench -l
	echo "== ikc_bench: host and partition on CPUs $MK_PART_CPUS"
	timeout 1200 /kselftest/multikernel/ikc_bench -c 2
fi

# Virtual disks: fio on the host's own block devices, on the CPUs a
# partition gets, then in a partition on those CPUs on the virtual disks
# the host serves from the same devices (figures in partition.log): a brd
# RAM disk (64 MiB, brd.rd_size on the command line, written once so that
# reads find pages) and a null_blk device without memory (configfs).
if want disk; then
	echo "== disk_bench: host, CPUs $MK_PART_CPUS"
	dd if=/dev/zero of=/dev/ram0 bs=1M count=64 2>/dev/null
	nullb=/sys/kernel/config/nullb/nullb1
	mount -t configfs configfs /sys/kernel/config 2>/dev/null
	if mkdir "$nullb" && echo 0 > "$nullb/memory_backed" &&
	   echo 0 > "$nullb/poll_queues" && echo 4096 > "$nullb/blocksize" &&
	   echo 1024 > "$nullb/size" && echo 1 > "$nullb/power"; then
		/disk-bench.sh host brd /dev/ram0 "$MK_PART_CPUS"
		/disk-bench.sh host null_blk /dev/nullb1 "$MK_PART_CPUS"
		echo "== disk_bench: partition on CPUs $MK_PART_CPUS (figures in partition.log)"
		id=$(mkctl boot --cpus "$MK_PART_CPUS" --mem "$MK_PART_MEM" \
			--console "$MK_PART_CONSOLE" --kernel "$MK_PART_KERNEL" \
			--initrd "$MK_PART_INITRD" --disk /dev/ram0,serial=brd \
			--disk /dev/nullb1,serial=null_blk \
			--cmdline "console=ttyS$MK_PART_CONSOLE,115200 mkpart.action=diskbench" \
			--wait 300) &&
		mkctl wait "$id" stopped --timeout 900
		[ -n "$id" ] && mkctl destroy "$id"
	else
		echo "disk-bench: no null_blk device from configfs"
	fi
fi

# Network links: ping and iperf3 from the host's other CPUs to a server on
# the partition's CPUs: on the host's loopback (the seeds' "native"), in a
# namespace behind a veth pair, and in a partition over its IKC link, the
# last with the IKC channels sleeping between messages, then busy-polling
# 200 us on both sides (ping only).
if want net; then
	client=0-$((${MK_PART_CPUS%%[-,]*} - 1))
	server=$MK_PART_CPUS
	ip link set dev lo up
	echo "== net_bench: client on CPUs $client, servers on CPUs $server"
	taskset -c "$server" iperf3 -s -D
	/net-bench.sh loopback 127.0.0.1 "$client"
	killall iperf3

	unshare -n sleep 100000 &
	ns=$!
	sleep 1
	ip link add mkvb0 type veth
	peer=$(grep -lx "$(cat /sys/class/net/mkvb0/iflink)" /sys/class/net/*/ifindex | cut -d/ -f5)
	ip link set dev "$peer" netns $ns
	nsenter -t $ns -n sh -c "ip addr add 10.99.1.2/24 dev $peer && ip link set dev $peer up &&
		ip link set dev lo up && taskset -c $server iperf3 -s -D"
	ip addr add 10.99.1.1/24 dev mkvb0 && ip link set dev mkvb0 up
	/net-bench.sh veth 10.99.1.2 "$client"
	killall iperf3		# the namespace's: it holds the partition's CPUs
	kill $ns
	ip link del mkvb0

	for poll in 0 200; do
		id=$(mkctl boot --cpus "$MK_PART_CPUS" --mem "$MK_PART_MEM" \
			--console "$MK_PART_CONSOLE" --kernel "$MK_PART_KERNEL" \
			--initrd "$MK_PART_INITRD" --net \
			--cmdline "console=ttyS$MK_PART_CONSOLE,115200 mkpart.action=netserve mkpart.ip=10.99.2.2/24 mkpart.poll_us=$poll" \
			--wait 300) || continue
		ip addr add 10.99.2.1/24 dev mkvnet"$id" && ip link set dev mkvnet"$id" up
		for c in /sys/bus/ikc/devices/ikc*.*; do
			[ "$(basename "$(readlink "$c/driver")")" = virtio_ikc_net ] &&
				echo $poll > "$c/poll_us"
		done
		i=0
		until ping -c 1 -W 1 10.99.2.2 >/dev/null 2>&1 || [ $i -ge 60 ]; do
			i=$((i + 1))
		done
		if [ $poll = 0 ]; then
			/net-bench.sh partition 10.99.2.2 "$client"
		else
			/net-bench.sh partition-poll 10.99.2.2 "$client" ping
		fi
		mkctl stop "$id"
		mkctl destroy "$id"
	done
fi

# System call delegation: the same static program on the host's CPUs the
# partition gets (every call local), then on the partition with mkexec (its
# file calls served here, the launcher on the host's other CPUs), the raw
# IKC round trip to that partition (its echo channel) beside them; then the
# threads again with 2 delegation channels handled on the host's 2 CPUs.
if want deleg; then
	b=/kselftest/multikernel/mkexec_bench
	f=$fast/deleg-bench.dat
	dd if=/dev/urandom of="$f" bs=1M count=16 2>/dev/null
	on=${MK_PART_CPUS%%[-,]*}
	echo "== deleg_bench: calls, host (local), CPU $on"
	taskset -c "$on" $b calls "$f" 5000
	echo "== deleg_bench: read, host (local)"
	taskset -c "$on" $b read "$f"
	echo "== deleg_bench: threads, host (local), CPUs $MK_PART_CPUS"
	taskset -c "$MK_PART_CPUS" $b threads "$f" 2000 1 2 4 6
	id=$(mkctl boot --cpus "$MK_PART_CPUS" --mem "$MK_PART_MEM" \
		--console "$MK_PART_CONSOLE" --kernel "$MK_PART_KERNEL" \
		--initrd "$MK_PART_INITRD" \
		--cmdline "console=ttyS$MK_PART_CONSOLE,115200" --wait 300)
	if [ -n "$id" ]; then
		for c in /sys/bus/ikc/devices/ikc*.*; do
			[ "$(cat "$c/service")" = echo ] && [ "$(cat "$c/role")" = client ] &&
				[ "$(cat "${c%.*}/partition")" = "$id" ] || continue
			echo "2000 8" > "$c/pingpong" &&
				echo "== deleg_bench: raw IKC round trip: $(cat "$c/pingpong")"
			break
		done
		echo "== deleg_bench: calls, partition (delegated)"
		mkexec "$id" $b calls "$f" 5000
		echo "== deleg_bench: read, partition (delegated)"
		mkexec "$id" $b read "$f"
		echo "== deleg_bench: calls, partition (delegated, copy-based: mkexec -c)"
		mkexec -c "$id" $b calls "$f" 5000
		echo "== deleg_bench: read, partition (delegated, copy-based: mkexec -c)"
		mkexec -c "$id" $b read "$f"
		echo "== deleg_bench: calls, partition (delegated, pre-mapped: mkexec -m)"
		mkexec -m "$id" $b calls "$f" 5000
		echo "== deleg_bench: read, partition (delegated, pre-mapped: mkexec -m)"
		mkexec -m "$id" $b read "$f"
		echo "== deleg_bench: threads, partition (delegated), 1 channel"
		mkexec "$id" $b threads "$f" 2000 1 2 4 6
		mkctl stop "$id"
		mkctl destroy "$id"
	fi
	id=$(mkctl boot --cpus "$MK_PART_CPUS" --mem "$MK_PART_MEM" \
		--console "$MK_PART_CONSOLE" --kernel "$MK_PART_KERNEL" \
		--initrd "$MK_PART_INITRD" --set delegation=2 \
		--cmdline "console=ttyS$MK_PART_CONSOLE,115200" --wait 300)
	if [ -n "$id" ]; then
		cpu=0
		for c in /sys/bus/ikc/devices/ikc*.*; do
			[ "$(cat "$c/service")" = deleg ] &&
				[ "$(cat "${c%.*}/partition")" = "$id" ] || continue
			echo $cpu > "$c/cpu" && cpu=$((cpu + 1))
		done
		echo "== deleg_bench: threads, partition (delegated), 2 channels on host CPUs 0-1"
		mkexec "$id" $b threads "$f" 2000 1 2 4 6
		mkctl stop "$id"
		mkctl destroy "$id"
	fi
	rm -f "$f"
fi

echo "$MK_MARK_BENCH end"

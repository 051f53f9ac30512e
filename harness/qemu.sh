#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qemu.sh run|check|bench [RESULTS_DIR]
# Boot the test kernel and initramfs: TCG (KVM aborts on these machines),
# 4 CPUs, 2 GiB in two NUMA nodes: node 0 has the CPUs and 1.5 GiB, node 1
# is 512 MiB of CPU-less memory, a far tier like CXL memory.  run: console
# and shell on this terminal, partition console in
# $BUILD/partition-console.log.  check: every serial port to a file in
# RESULTS_DIR; the guest runs the tests and powers off.  bench: as check,
# running the benchmarks instead of the tests.
. "$(dirname "$0")/common.sh"

mode=$1
kernel=${MK_KERNEL:-$OUT_TEST/arch/x86/boot/bzImage}
# null_blk: the fast test device of exception-less polled I/O (1 GiB of
# RAM-backed storage with a poll queue).
append="console=ttyS0 panic=-1 mk.mode=$mode null_blk.memory_backed=1"
# Partitions: 384 MiB of node 0 set aside (tests and demo use 128 MiB each).
append+=" multikernel_mem=384M@0x40000000"
append+=" null_blk.gb=1 null_blk.poll_queues=1 ${MK_APPEND:-}"
# make bench's disk benchmark: a 64 MiB RAM disk (the tests' is 4 MiB).
[ "$mode" = bench ] && append+=" brd.rd_size=65536"
# No 5-level paging: under KASAN, 6.12 reports a false wild-memory-access
# when an interrupt hits the boot CPU while identify_cpu() has cleared its
# capabilities (pgtable_l5_enabled() reads false for that moment); it
# came in about one run of ten.  Threads named by vCPU ("CPU 2/TCG"), so
# that top -H on this machine shows which kernel's CPUs are busy.
args=(-accel tcg -cpu max,la57=off -smp 4 -m 2G -nodefaults
      -name mk,debug-threads=on
      -object memory-backend-ram,id=near,size=1536M
      -object memory-backend-ram,id=far,size=512M
      -numa node,nodeid=0,cpus=0-3,memdev=near -numa node,nodeid=1,memdev=far
      -display none -kernel "$kernel" -initrd "$BUILD/initramfs.cpio.gz")

case $mode in
run)
	exec qemu-system-x86_64 "${args[@]}" -no-reboot -append "$append" \
		-serial mon:stdio -serial "file:$BUILD/partition-console.log" -serial null
	;;
check|bench)
	out=$2
	# CPU resets and their register state.  check runs without
	# -no-reboot: a CPU that triple faults resets the machine, and the
	# reset logs every CPU's registers at that moment (the faulting one's
	# included); check.py stops QEMU then, or when the guest panics,
	# before a second boot.
	reboot=-no-reboot
	[ "$mode" = check ] && reboot=
	exec qemu-system-x86_64 "${args[@]}" $reboot -append "$append" \
		-serial "file:$out/console.log" -serial "file:$out/partition.log" \
		-serial "file:$out/tests.log" -monitor none \
		-d cpu_reset,guest_errors -D "$out/qemu-debug.log"
	;;
*)
	die "usage: qemu.sh run|check|bench RESULTS_DIR"
	;;
esac

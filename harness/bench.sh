#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: build the bench kernel (the test config without its debug
# checks, configs/bench/no-debug.config, in $SRC/out-bench), boot it in QEMU
# and run the benchmarks (harness/guest/bench.sh); print their figures.
# Not a test: TCG timing is emulated, so compare figures of one run with
# each other only.
. "$(dirname "$0")/common.sh"
lock_build
"$REPO/harness/install-deps.sh"
"$REPO/harness/build-kernel.sh"
bench_out=$SRC/out-bench
"$REPO/harness/configure.sh" "$bench_out" "$REPO/configs/bench/no-debug.config"
say "building the bench kernel (no debug checks)"
start=$SECONDS
kmake -s O="$bench_out" bzImage
say "bench kernel built in $((SECONDS - start)) s"
# Partitions boot the bench kernel too.
MK_PARTITION_KERNEL=$bench_out/arch/x86/boot/bzImage "$REPO/harness/build-initramfs.sh"

out=$BUILD/bench
mkdir -p "$out"
rm -f "$out"/*.log
say "booting the bench kernel for the benchmarks (TCG, -smp 4)"
MK_KERNEL=$bench_out/arch/x86/boot/bzImage \
	timeout "${MK_BENCH_TIMEOUT:-3600}" "$REPO/harness/qemu.sh" bench "$out" ||
	say "QEMU ended with status $?"
cat "$out/tests.log"
. "$REPO/harness/guest/harness.conf"
grep -q "$MK_MARK_BENCH end" "$out/tests.log" || die "the benchmarks did not finish"
"$REPO/harness/partition-bench-report.py" "$out/tests.log" "$out/partition.log"

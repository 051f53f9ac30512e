#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: build, boot the test kernel in QEMU and run the benchmarks
# (harness/guest/bench.sh); print their figures.  Not a test: TCG timing
# is emulated, so compare figures of one run with each other only.
. "$(dirname "$0")/common.sh"
lock_build
"$REPO/harness/install-deps.sh"
"$REPO/harness/build-kernel.sh"
"$REPO/harness/build-initramfs.sh"

out=$BUILD/bench
mkdir -p "$out"
rm -f "$out"/*.log
say "booting the test kernel for the benchmarks (TCG, -smp 4)"
timeout "${MK_BENCH_TIMEOUT:-3600}" "$REPO/harness/qemu.sh" bench "$out" ||
	say "QEMU ended with status $?"
cat "$out/tests.log"
grep -q "MK-BENCH: end" "$out/tests.log" || die "the benchmarks did not finish"

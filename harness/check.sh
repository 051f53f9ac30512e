#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: lint, build the test kernel and initramfs, boot them in QEMU,
# run KUnit and the multikernel kselftests, judge the run (harness/check.py).
# Ends with "N passed, N failed, N skipped"; exit 1 on any failure.
. "$(dirname "$0")/common.sh"
lock_build
"$REPO/harness/install-deps.sh"

results=$BUILD/results
mkdir -p "$results"
rm -f "$results"/{harness.tap,lint.tap,build.tap,console.log,partition.log,tests.log,qemu.log}
extra=(--extra "$results/harness.tap" --extra "$results/lint.tap" --extra "$results/build.tap")

if python3 "$REPO/harness/test_check.py" > "$results/harness-test.log" 2>&1; then
	echo "ok 1 harness: result parser unit tests" > "$results/harness.tap"
else
	cat "$results/harness-test.log" >&2
	echo "not ok 1 harness: result parser unit tests" > "$results/harness.tap"
fi
# Where the time goes, phase by phase (printed by check.py).
phases=$results/phases.txt
: > "$phases"
phase() { echo "$(($SECONDS - $1)) $2" >> "$phases"; }

t=$SECONDS
"$REPO/harness/lint.sh" "$results/lint.tap" || true
phase $t "lint (checkpatch --strict, docutils)"

# check-configs results count only if made from exactly these sources.
if [ -f "$results/check-configs.tap" ] &&
   grep -qxF "# source-state $(source_state)" "$results/check-configs.tap"; then
	extra+=(--extra "$results/check-configs.tap")
fi

start=$SECONDS
if "$REPO/harness/build-kernel.sh" && phase $start "test kernel (build or check)" &&
   t=$SECONDS && "$REPO/harness/build-initramfs.sh" && phase $t "kselftests and initramfs"; then
	echo "ok 1 build: kernel, headers, kselftests, initramfs # $((SECONDS - start)) s" > "$results/build.tap"
else
	echo "not ok 1 build: kernel, headers, kselftests, initramfs" > "$results/build.tap"
	exec python3 "$REPO/harness/check.py" --no-boot --phases "$phases" "${extra[@]}"
fi

overlay_files | grep '\.c$' | grep -v '^tools/' > "$results/our-sources.txt" || true
say "booting the test kernel (TCG, -smp 4, -m 2G)"
exec python3 "$REPO/harness/check.py" --qemu "$REPO/harness/qemu.sh" \
	--out "$results" --objdir "$OUT_TEST" --sources "$results/our-sources.txt" \
	--timeout "${MK_TIMEOUT:-2700}" --boot-timeout "${MK_BOOT_TIMEOUT:-180}" \
	--phases "$phases" "${extra[@]}"

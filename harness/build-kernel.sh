#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make kernel: prepare the tree, configure and build the test kernel's
# bzImage and UAPI headers in $OUT_TEST.
. "$(dirname "$0")/common.sh"

lock_build
"$REPO/harness/install-deps.sh"
"$REPO/harness/prepare-tree.sh"
"$REPO/harness/configure.sh" "$OUT_TEST"
say "building bzImage ($(command -v ccache >/dev/null && echo with ccache || echo without ccache), -j$JOBS)"
start=$SECONDS
kmake -s O="$OUT_TEST" bzImage
kmake -s O="$OUT_TEST" headers >/dev/null
say "kernel built in $((SECONDS - start)) s: $OUT_TEST/arch/x86/boot/bzImage"

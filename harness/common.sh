# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers for the harness scripts; sourced, not run.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
SRC=$BUILD/linux			# patched tree with the overlay copied in
OUT_TEST=$SRC/out-test			# O= of the test kernel
TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz}
JOBS=${JOBS:-$(($(nproc) + 1))}

# Fixed build identity: identical inputs give identical objects (and ccache hits).
export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-2024-11-17}
export KBUILD_BUILD_USER=multikernel KBUILD_BUILD_HOST=harness

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Top-level directories of this repository that are also top-level
# directories of the kernel: their files are copied over the tree.
overlay_dirs() {
	local d
	for d in "$REPO"/*/; do
		d=$(basename "$d")
		[ -d "$SRC/$d" ] && echo "$d"
	done
	return 0
}

# Every overlay file, relative to the repository root.
overlay_files() {
	local d
	for d in $(overlay_dirs); do
		(cd "$REPO" && find "$d" -type f ! -name .gitkeep)
	done | LC_ALL=C sort
}

# Patches named in series, in order (comments and blank lines skipped).
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$REPO/series" | awk '{ print $1 }'
}

# Hash of the series file and the patches it names, as the tree has them
# applied (build/series.stamp).
series_state() {
	(cat "$REPO/series"; for p in $(series_patches); do cat "$REPO/patches/$p"; done) | sha256sum
}

# Hash of everything that defines the kernel sources and config:
# series, patches, overlay files and config fragments.
source_state() {
	{
		cat "$REPO/series"
		for p in $(series_patches); do cat "$REPO/patches/$p"; done
		for f in $(overlay_files); do echo "$f"; cat "$REPO/$f"; done
		cat "$REPO"/configs/*.config "$REPO"/configs/variants/*.config
	} | sha256sum | cut -d' ' -f1
}

# ccache's depend mode: a miss runs the compiler once and takes the
# headers from its dependency file, instead of preprocessing first.
export CCACHE_DEPEND=${CCACHE_DEPEND:-1}

kmake() {
	local cc=gcc
	command -v ccache >/dev/null && cc="ccache gcc"
	make -C "$SRC" -j"$JOBS" CC="$cc" HOSTCC="$cc" "$@"
}

# One harness run at a time per build folder: two builds in one output
# tree corrupt each other.  The lock is inherited by child scripts.
lock_build() {
	mkdir -p "$BUILD"
	if [ -z "${MK_BUILD_LOCKED:-}" ]; then
		exec 9>"$BUILD/.lock"
		flock -n 9 || { say "waiting for another harness run on $BUILD"; flock 9; }
		export MK_BUILD_LOCKED=1
	fi
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bring $SRC up to date: unpack the pristine tree once, (re)apply the quilt
# series when it changed, and copy the overlay over it.  Files whose
# contents did not change keep their timestamps, so rebuilds stay small.
. "$(dirname "$0")/common.sh"

unpack() {
	local tmp=$BUILD/unpack.tmp top
	say "unpacking $TARBALL"
	rm -rf "$tmp" && mkdir -p "$tmp"
	tar -C "$tmp" -xf "$TARBALL"
	top=$(ls "$tmp")
	(cd "$tmp/$top" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) \
		> "$BUILD/pristine-files.txt"
	mv "$tmp/$top" "$SRC"
	rmdir "$tmp"
}

# Refuse layouts that would make the series ambiguous: a patch that
# creates a file (new files belong in the overlay) or an overlay file
# that would overwrite an upstream one (changes belong in a patch).
check_layout() {
	local bad=0 p f
	for p in $(series_patches); do
		[ -f "$REPO/patches/$p" ] || { echo "series names missing patch $p" >&2; bad=1; continue; }
		for f in $(awk '/^--- \/dev\/null/ { getline; sub(/^\+\+\+ [^\/]*\//, ""); print $1 }' "$REPO/patches/$p"); do
			echo "patch $p creates $f: new files belong in the overlay" >&2
			bad=1
		done
	done
	for p in $(cd "$REPO/patches" && ls); do
		series_patches | grep -qxF "$p" && continue
		echo "patches/$p is not named in series" >&2
		bad=1
	done
	for f in $(overlay_files | LC_ALL=C comm -12 - "$BUILD/pristine-files.txt"); do
		echo "overlay file $f would overwrite the upstream file: change it with a patch" >&2
		bad=1
	done
	[ $bad -eq 0 ] || die "layout check failed"
}

apply_series() {
	local want have applied=$BUILD/applied-patches p log
	want=$(series_state)
	have=$(cat "$BUILD/series.stamp" 2>/dev/null || true)
	[ "$want" = "$have" ] && return 0

	export QUILT_PATCHES=$applied QUILT_PC=.pc
	local touched=$BUILD/patched-files.txt
	# After a failed push only some (or none) of the patches are applied.
	if (cd "$SRC" && quilt applied >/dev/null 2>&1); then
		say "series changed: removing the applied patches"
		(cd "$SRC" && quilt pop -a -q >/dev/null)
	fi
	rm -rf "$applied" && mkdir -p "$applied"
	cp "$REPO/series" "$applied/series"
	for p in $(series_patches); do cp "$REPO/patches/$p" "$applied/$p"; done

	rm -f "$BUILD/series.stamp"
	for p in $(series_patches); do
		if ! log=$(cd "$SRC" && quilt push -q --fuzz=0 2>&1); then
			printf '%s\n' "$log" >&2
			die "patch $p does not apply to $(kernel_version) (reject or fuzz)"
		fi
		if grep -qi 'fuzz' <<<"$log"; then
			printf '%s\n' "$log" >&2
			die "patch $p applies only with fuzz"
		fi
	done
	# quilt restores and patches files with their old timestamps: make
	# sure everything a previous or the current series touched rebuilds.
	{ cat "$touched" 2>/dev/null || true; (cd "$SRC" && quilt files -a 2>/dev/null) || true; } |
		LC_ALL=C sort -u > "$touched.new"
	(cd "$SRC" && xargs -r touch -c < "$touched.new")
	(cd "$SRC" && quilt files -a 2>/dev/null || true) > "$touched"
	rm -f "$touched.new"
	echo "$want" > "$BUILD/series.stamp"
	say "applied $(series_patches | wc -l) patches"
}

kernel_version() {
	make -s -C "$SRC" kernelversion 2>/dev/null
}

# Copy changed overlay files in; delete ones the repository no longer has.
sync_overlay() {
	local manifest=$BUILD/overlay-files.txt f
	overlay_files > "$manifest.new"
	if [ -f "$manifest" ]; then
		for f in $(LC_ALL=C comm -23 "$manifest" "$manifest.new"); do
			rm -f "$SRC/$f"
		done
	fi
	while read -r f; do
		if ! cmp -s "$REPO/$f" "$SRC/$f"; then
			mkdir -p "$(dirname "$SRC/$f")"
			cp "$REPO/$f" "$SRC/$f"
		fi
	done < "$manifest.new"
	mv "$manifest.new" "$manifest"
}

mkdir -p "$BUILD"
[ -d "$SRC" ] || unpack
say "kernel $(kernel_version) from $(basename "$TARBALL") in $SRC"
check_layout
apply_series
sync_overlay

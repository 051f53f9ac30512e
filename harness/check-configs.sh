#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-configs: build each configs/variants/*.config, merged last
# over the test config, in its own output folder: vmlinux, or the targets
# a "# build: TARGET..." line in the fragment names (a directory such as
# kernel/multikernel/ when only our #if boundaries are at stake).  The
# results are kept with the source state they were made from, so that
# make check reports them while they still hold.
#
# A variant over the test config differs from it in a few options, so its
# folder starts as a copy of the test kernel's (built first, and reused by
# make check): Kbuild records which CONFIG_ symbols each object was
# compiled with (include/config/, fixdep), so only the files that test an
# option the variant changes are compiled again.  A variant on its own
# base ("# base: tinyconfig") is built in its own folder, incrementally
# from one run to the next; every upstream .c file the series patches must
# have been compiled in it.
. "$(dirname "$0")/common.sh"
lock_build
# A test kernel that does not build is make check's to report; the
# variants are then built from what there is.
"$REPO/harness/build-kernel.sh" || say "the test kernel did not build"

# Every upstream .c file the series patches has an object in $1, compiled
# since the source last changed and linked into its vmlinux (an object
# left from an older config of $1 is not).  Kbuild rebuilds an object
# when an option it uses changes, not on any change of .config.
patched_sources_built() {
	local f o linked bad=0
	linked=$(cd "$1" && ar t vmlinux.a 2>/dev/null)
	for f in $(sort -u "$BUILD/patched-files.txt"); do
		case $f in *.c) ;; *) continue ;; esac
		o=${f%.c}.o
		[ "$1/$o" -nt "$SRC/$f" ] && grep -qx "$o" <<< "$linked" && continue
		echo "  $f: patched by the series but not compiled in $(basename "$1")" >&2
		bad=1
	done
	return $bad
}

results=$BUILD/results
mkdir -p "$results"
tap=$results/check-configs.tap
: > "$tap.new"
bad=0 n=0
for v in "$REPO"/configs/variants/*.config; do
	name=$(basename "$v" .config)
	out=$SRC/out-$name
	targets=$(sed -n 's/^# build: //p' "$v")
	n=$((n + 1))
	start=$SECONDS
	own_base=
	grep -qx '# base: tinyconfig' "$v" && own_base=1
	# The copy keeps the objects' times: what the variant does not
	# change is not rebuilt.
	[ -n "$own_base" ] || rsync -a --delete "$OUT_TEST/" "$out/"
	# shellcheck disable=SC2086 # a list of make targets
	if "$REPO/harness/configure.sh" "$out" "$v" && kmake -s O="$out" ${targets:-vmlinux} &&
	   { [ -z "$own_base" ] || patched_sources_built "$out"; }; then
		echo "ok $n config $name: builds # $((SECONDS - start)) s" >> "$tap.new"
		say "config $name: built in $((SECONDS - start)) s"
	else
		echo "not ok $n config $name: builds" >> "$tap.new"
		say "config $name: FAILED"
		bad=1
	fi
done
echo "# source-state $(source_state)" >> "$tap.new"
mv "$tap.new" "$tap"
cat "$tap"
exit $bad

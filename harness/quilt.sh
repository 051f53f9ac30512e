#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# quilt.sh QUILT-ARGS...
# Run quilt on the build tree to write or change a patch of the series,
# then copy the series and any changed patch back into the repository.
#
#   harness/quilt.sh new x86-entry-wire-up-foo.patch
#   harness/quilt.sh add arch/x86/entry/syscalls/syscall_64.tbl
#   $EDITOR build/linux/arch/x86/entry/syscalls/syscall_64.tbl
#   harness/quilt.sh refresh
#   harness/quilt.sh header -e        # subject, why, Signed-off-by
#
# Patches change existing files only: new files go in the overlay.
. "$(dirname "$0")/common.sh"
lock_build
"$REPO/harness/prepare-tree.sh"

# Our own quiltrc: the system one would override these settings.
export QUILT_PATCHES=$BUILD/applied-patches
cat > "$BUILD/quiltrc" <<'RC'
QUILT_PC=.pc
QUILT_NO_DIFF_INDEX=1
QUILT_NO_DIFF_TIMESTAMPS=1
QUILT_DIFF_ARGS="-p ab --no-timestamps --no-index"
QUILT_REFRESH_ARGS="-p ab --no-timestamps --no-index --sort"
QUILT_PUSH_ARGS="--fuzz=0"
RC

before=$(series_patches)
rc=0
(cd "$SRC" && quilt --quiltrc "$BUILD/quiltrc" "$@") || rc=$?

# quilt keeps series comments and order; take its series and patches back.
cp "$QUILT_PATCHES/series" "$REPO/series"
for p in $(series_patches); do
	# "quilt new" names a patch before it writes one: keep both sides whole.
	[ -f "$QUILT_PATCHES/$p" ] || touch "$QUILT_PATCHES/$p"
	cmp -s "$QUILT_PATCHES/$p" "$REPO/patches/$p" ||
		{ cp "$QUILT_PATCHES/$p" "$REPO/patches/$p"; say "updated patches/$p"; }
done
# A patch quilt deleted or renamed leaves the repository too.
for p in $before; do
	grep -qxF "$p" "$REPO/series" || { rm -f "$REPO/patches/$p"; say "removed patches/$p"; }
done

# Remember what the series patches, so a later re-application touches it.
{ cat "$BUILD/patched-files.txt" 2>/dev/null || true; (cd "$SRC" && quilt files -a 2>/dev/null) || true; } |
	LC_ALL=C sort -u > "$BUILD/patched-files.txt.new"
mv "$BUILD/patched-files.txt.new" "$BUILD/patched-files.txt"

# The stamp says "the tree has exactly this series applied": after a pop
# it does not, and the next build must re-apply the whole series.
if [ -z "$(cd "$SRC" && quilt --quiltrc "$BUILD/quiltrc" unapplied 2>/dev/null)" ]; then
	series_state > "$BUILD/series.stamp"
else
	rm -f "$BUILD/series.stamp"
fi
exit $rc

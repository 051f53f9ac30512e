#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lint.sh [TAPFILE]
# checkpatch --strict over every patch in series and every overlay file;
# one TAP line each.  Exit 1 on any error, warning or check.
. "$(dirname "$0")/common.sh"
lock_build
"$REPO/harness/install-deps.sh"
"$REPO/harness/prepare-tree.sh" >/dev/null

tap=${1:-/dev/null}
: > "$tap"
checkpatch=("$SRC/scripts/checkpatch.pl" --strict --no-summary --terse --show-types)
bad=0 n=0

record() {	# record OK NAME OUTPUT
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n checkpatch: $2" >> "$tap"
	else
		bad=1
		echo "not ok $n checkpatch: $2" >> "$tap"
		printf '%s\n' "$3" | sed 's/^/    /' >&2
	fi
}

for p in $(series_patches); do
	out=$(cd "$SRC" && "${checkpatch[@]}" "$REPO/patches/$p" 2>&1) && [ -z "$out" ] &&
		record ok "patches/$p" || record bad "patches/$p" "$out"
done
for f in $(overlay_files); do
	out=$(cd "$SRC" && "${checkpatch[@]}" -f "$f" 2>&1) && [ -z "$out" ] &&
		record ok "$f" || record bad "$f" "$out"
done

if [ $bad -eq 0 ]; then
	say "checkpatch --strict: $n files clean"
else
	say "checkpatch --strict: problems above"
fi
exit $bad

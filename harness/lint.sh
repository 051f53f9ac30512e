#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lint.sh [TAPFILE]
# checkpatch --strict over every patch in series and every overlay file,
# and docutils over every overlay .rst file (check-rst.py); one TAP line
# each.  Exit 1 on any error, warning or check.  Files run in parallel,
# and a file checkpatch found clean is not checked again while its path
# and contents stay the same ($BUILD/lint-clean/).
. "$(dirname "$0")/common.sh"
lock_build
"$REPO/harness/install-deps.sh"
"$REPO/harness/prepare-tree.sh" >/dev/null

tap=${1:-/dev/null}
: > "$tap"
work=$BUILD/lint
clean=$BUILD/lint-clean
rm -rf "$work"
mkdir -p "$work" "$clean"

{
	for p in $(series_patches); do echo "patches/$p"; done
	overlay_files
} > "$work/files"

# lint_one N PATH: checkpatch PATH (relative to the repository) into
# $work/N.out; $work/N.ok when it is clean.
lint_one() {
	local n=$1 f=$2 key
	key=$( (echo "$f"; cat "$REPO/$f") | sha256sum | cut -d' ' -f1)
	if [ -e "$clean/$key" ]; then
		: > "$work/$n.ok"
		return 0
	fi
	local checkpatch=("$SRC/scripts/checkpatch.pl" --strict --no-summary --terse --show-types)
	case $f in
	patches/*) (cd "$SRC" && "${checkpatch[@]}" "$REPO/$f") ;;
	*) (cd "$SRC" && "${checkpatch[@]}" -f "$f") ;;
	esac > "$work/$n.out" 2>&1 && [ ! -s "$work/$n.out" ] &&
		: > "$work/$n.ok" && : > "$clean/$key"
	return 0
}
export -f lint_one
export REPO SRC work clean
nl -ba -w1 -s' ' "$work/files" | xargs -P "$JOBS" -L1 bash -c 'lint_one "$@"' _

bad=0 n=0
while read -r f; do
	n=$((n + 1))
	if [ -e "$work/$n.ok" ]; then
		echo "ok $n checkpatch: $f" >> "$tap"
	else
		bad=1
		echo "not ok $n checkpatch: $f" >> "$tap"
		sed 's/^/    /' "$work/$n.out" >&2
	fi
done < "$work/files"

if [ $bad -eq 0 ]; then
	say "checkpatch --strict: $n files clean"
else
	say "checkpatch --strict: problems above"
fi

# Debian's python3, which has python3-docutils (install-deps.sh).
docs=0
for f in $(grep '\.rst$' "$work/files"); do
	n=$((n + 1)) docs=$((docs + 1))
	if /usr/bin/python3 "$REPO/harness/check-rst.py" "$REPO/$f" > "$work/rst.out" 2>&1; then
		echo "ok $n docutils: $f" >> "$tap"
	else
		bad=1
		echo "not ok $n docutils: $f" >> "$tap"
		sed 's/^/    /' "$work/rst.out" >&2
	fi
done
say "docutils: $docs rst files checked"
exit $bad

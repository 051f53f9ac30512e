#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-configs: build each configs/variants/*.config, merged last
# over the test config, in its own output folder: vmlinux, or the targets
# a "# build: TARGET..." line in the fragment names (a directory such as
# kernel/multikernel/ when only our #if boundaries are at stake).  The
# results are kept with the source state they were made from, so that
# make check reports them while they still hold.
. "$(dirname "$0")/common.sh"
lock_build
"$REPO/harness/install-deps.sh"
"$REPO/harness/prepare-tree.sh"

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
	# shellcheck disable=SC2086 # a list of make targets
	if "$REPO/harness/configure.sh" "$out" "$v" && kmake -s O="$out" ${targets:-vmlinux}; then
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

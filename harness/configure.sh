#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# configure.sh OUTDIR [VARIANT]
# Make OUTDIR/.config: tinyconfig, then configs/*.config in name order,
# then the variant fragment if any, then olddefconfig.  A variant with a
# "# base: tinyconfig" line is merged onto tinyconfig alone.  Fails when an
# option did not end up with the requested value (usually an unmet
# dependency): every option of configs/*.config for the test config; for a
# variant, every option of the variant (options it makes unreachable may
# differ from configs/*.config, which the test config already checks).
# Skipped when nothing that shapes the config changed.
. "$(dirname "$0")/common.sh"

out=$1
variant=${2:-}
fragments=("$REPO"/configs/*.config $variant)
if [ -n "$variant" ] && grep -qx '# base: tinyconfig' "$variant"; then
	fragments=("$variant")
fi
checked=("${fragments[@]}")
[ -n "$variant" ] && checked=("$variant")

state=$( {
	cat "${fragments[@]}"
	for p in $(series_patches); do cat "$REPO/patches/$p"; done
	for f in $(overlay_files | grep '/Kconfig[^/]*$'); do cat "$REPO/$f"; done
} | sha256sum)
if [ -f "$out/.config" ] && [ "$state" = "$(cat "$out/.mk-config.stamp" 2>/dev/null)" ]; then
	exit 0
fi

say "configuring $(basename "$out") from tinyconfig + ${fragments[*]##*/}"
rm -f "$out/.mk-config.stamp"
mkdir -p "$out"
old=$out/.config.mk-old
rm -f "$old"
[ -f "$out/.config" ] && cp -p "$out/.config" "$old"
kmake -s O="$out" tinyconfig >/dev/null
(cd "$SRC" && scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" "${fragments[@]}" >/dev/null)
kmake -s O="$out" olddefconfig >/dev/null
# The same config keeps its time: check-configs compares objects with it.
if [ -f "$old" ] && cmp -s "$old" "$out/.config"; then
	touch -r "$old" "$out/.config"
fi
rm -f "$old"

# The last fragment that names an option decides what is requested.
bad=0
while IFS=' ' read -r sym want; do
	case $want in
	n) grep -q "^$sym=" "$out/.config" || continue ;;
	*) grep -qxF "$sym=$want" "$out/.config" && continue ;;
	esac
	got=$(grep "^$sym=" "$out/.config" | cut -d= -f2- || true)
	echo "  $sym: asked for $want, got ${got:-n} (check its dependencies)" >&2
	bad=1
done < <(sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)/\1 \2/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1 n/p' "${checked[@]}" |
	awk '{ want[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } }
	     END { for (i = 0; i < n; i++) print order[i], want[order[i]] }')
[ $bad -eq 0 ] || die "config $(basename "$out"): requested options not set"
echo "$state" > "$out/.mk-config.stamp"

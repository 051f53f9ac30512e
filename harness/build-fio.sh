#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A static fio for the guests, from Debian's source package of the fio the
# machine's archive has: Debian's binary needs 80 MB of shared libraries
# (rbd, gluster, rdma, ...), too much for a partition's initramfs.  Built
# once into $BUILD/fio/fio (libaio, io_uring and psync engines); later runs
# use it as it is.
. "$(dirname "$0")/common.sh"

dest=$BUILD/fio
[ -x "$dest/fio" ] && exit 0

# apt-get source needs the archive's source lists: the same archive as
# the binary packages, in a file of our own.
srcs=/etc/apt/sources.list.d/multikernel-deb-src.sources
if ! apt-get source --print-uris fio >/dev/null 2>&1; then
	[ "$(id -u)" -eq 0 ] || die "no deb-src entry for fio's source; as root, add one and run apt-get update"
	say "adding $srcs (deb-src of the configured archive)"
	sed -n '/^Types:/s/.*/Types: deb-src/p; /^URIs:/p; /^Suites:/p; /^Components:/p; /^Signed-By:/p; /^$/p' \
		/etc/apt/sources.list.d/debian.sources > "$srcs"
	apt-get update -qq
fi

say "building fio (static) from Debian's source package"
work=$BUILD/fio-src
rm -rf "$work"
mkdir -p "$work" "$dest"
(cd "$work" && apt-get source -qq fio >/dev/null 2>&1) || die "apt-get source fio failed"
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'fio-*' | head -1)
[ -n "$dir" ] || die "no fio source in $work"
(cd "$dir" && ./configure --build-static --disable-native \
	>/dev/null && make -s -j"$JOBS" fio >/dev/null) ||
	die "fio did not build: see $dir"
cp "$dir/fio" "$dest/fio"
strip "$dest/fio"
rm -rf "$work"
say "fio: $dest/fio ($(du -k "$dest/fio" | cut -f1) KiB, $("$dest/fio" --version))"

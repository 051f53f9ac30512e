#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make sure every tool the harness uses is there.  As root, install what
# is missing with apt-get; otherwise print the exact command to run.
. "$(dirname "$0")/common.sh"

# command-or-file:package
needs=(
	"$TARBALL:linux-source-6.12"
	quilt:quilt
	qemu-system-x86_64:qemu-system-x86
	/bin/busybox:busybox-static
	gcc:build-essential make:build-essential bc:bc bison:bison flex:flex
	/usr/include/libelf.h:libelf-dev /usr/include/openssl/ssl.h:libssl-dev
	cpio:cpio depmod:kmod ccache:ccache python3:python3 nm:binutils
	perl:perl xz:xz-utils gzip:gzip lz4:lz4 rsync:rsync
	/usr/lib/x86_64-linux-gnu/libc.a:libc6-dev
	/usr/lib/python3/dist-packages/docutils/__init__.py:python3-docutils
	/usr/sbin/mke2fs:e2fsprogs /usr/sbin/e2fsck:e2fsprogs
	/usr/bin/iperf3:iperf3
	# fio, built from Debian's source package (build-fio.sh)
	dpkg-source:dpkg-dev /usr/lib/x86_64-linux-gnu/libaio.a:libaio-dev
)

missing=()
for n in "${needs[@]}"; do
	what=${n%%:*} pkg=${n##*:}
	case $what in
	/*) [ -e "$what" ] && continue ;;
	*) command -v "$what" >/dev/null && continue ;;
	esac
	case " ${missing[*]} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
done

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	die "missing packages; run as root: apt-get install ${missing[*]}"
fi
say "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

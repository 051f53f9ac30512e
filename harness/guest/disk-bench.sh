#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# disk-bench.sh SIDE BACKING DEVICE [CPUS]
# fio's figures for one disk, the same way on the host (its own block
# device) and in a partition (the virtual disk the host serves from that
# block device): 4 KiB random reads and writes with O_DIRECT at queue
# depth 1 and 16, then 1 MiB sequential reads and writes at queue depth 4,
# over the first 64 MiB.  One line per workload:
#   disk-bench: SIDE BACKING WORKLOAD iops=N mbs=N p50_us=N p99_us=N
# (completion latency percentiles); partition-bench-report.py pairs the
# host's and the partition's lines.  CPUS pins fio (the host runs it on
# the CPUs a partition gets).
side=$1
backing=$2
dev=$3
cpus=${4:-}
secs=${MK_DISK_BENCH_SECS:-5}

run() {
	local name=$1
	shift
	# Terse v3: field 8 read IOPS, 7 read KiB/s, 18/19 its p50/p99;
	# 49, 48, 59/60 the same for writes.
	fio --name="$name" --filename="$dev" --direct=1 --ioengine=libaio \
		--size=64m --time_based --runtime="$secs" --ramp_time=1 \
		--percentile_list=50:99 --output-format=terse --terse-version=3 \
		${cpus:+--cpus_allowed="$cpus"} "$@" 2>/tmp/disk-bench.err |
	awk -F';' -v side="$side" -v backing="$backing" -v name="$name" '
		function pct(f) { sub(/.*=/, "", f); return f }
		$1 == 3 {
			if ($8 + 0 > 0) { i = 8; b = 7; p = 18 } else { i = 49; b = 48; p = 59 }
			printf "disk-bench: %s %s %s iops=%d mbs=%.1f p50_us=%s p99_us=%s\n",
				side, backing, name, $i, $b / 1024, pct($p), pct($(p + 1))
			found = 1
		}
		END { if (!found) printf "disk-bench: %s %s %s failed\n", side, backing, name }'
	[ -s /tmp/disk-bench.err ] && sed 's/^/disk-bench: fio: /' /tmp/disk-bench.err
}

run randread-4k-qd1 --rw=randread --bs=4k --iodepth=1
run randread-4k-qd16 --rw=randread --bs=4k --iodepth=16
run randwrite-4k-qd1 --rw=randwrite --bs=4k --iodepth=1
run randwrite-4k-qd16 --rw=randwrite --bs=4k --iodepth=16
run read-1m-qd4 --rw=read --bs=1m --iodepth=4
run write-1m-qd4 --rw=write --bs=1m --iodepth=4

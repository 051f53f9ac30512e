#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# One side of the network benchmark (make bench): ping and Debian's iperf3
# from this kernel to a server at ADDR, which the caller started (iperf3
# -s): on the loopback, in a namespace behind a veth pair, or in a
# partition over its IKC link.  The client runs on CPUS; the host's CPU
# time on them per GB moved is counted from /proc/stat.
#
#   net-bench.sh LABEL ADDR CPUS [ping]
#
# Prints, for partition-bench-report.py:
#   net-bench: LABEL ping p50_us=N p99_us=N lost=N
#   net-bench: LABEL tcp to|from streams=N mbps=N cpu_s_per_gb=N
label=$1 addr=$2 cpus=$3 only=$4

# Busy jiffies of the CPUs in CPUS ("0-1" or "0,1") so far.
busy() {
	awk -v list="$cpus" '
		BEGIN {
			n = split(list, parts, ",")
			for (i = 1; i <= n; i++) {
				if (split(parts[i], r, "-") == 2)
					for (c = r[1]; c <= r[2]; c++) want["cpu" c] = 1
				else
					want["cpu" parts[i]] = 1
			}
		}
		$1 in want { s += $2 + $3 + $4 + $7 + $8 }
		END { print s }' /proc/stat
}

# 1000 pings 10 ms apart: the median and 99th percentile round trip.
ping -c 1000 -i 0.01 -W 2 "$addr" 2>/dev/null |
	sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | sort -n |
	awk -v label="$label" '
		{ t[NR] = $1 }
		END {
			if (!NR) { printf "net-bench: %s ping none\n", label; exit }
			printf "net-bench: %s ping p50_us=%d p99_us=%d lost=%d\n", label,
			       t[int((NR + 1) / 2)] * 1000, t[int((NR * 99 + 99) / 100)] * 1000,
			       1000 - NR
		}'

[ "$only" = ping ] && exit 0
hz=100		# /proc/stat counts in USER_HZ
for streams in 1 4; do
	for dir in to from; do
		rev=
		[ $dir = from ] && rev=-R
		b0=$(busy)
		out=$(taskset -c "$cpus" iperf3 -c "$addr" -t 3 -f m -P $streams $rev 2>&1)
		b1=$(busy)
		# The receiver's total (the SUM line with several streams) over
		# the 3 s: its GB (10^9 bytes) from its rate.
		mbps=$(echo "$out" | grep receiver | tail -1 |
			sed -n 's/.* \([0-9.]*\) Mbits\/sec.*/\1/p')
		if [ -z "$mbps" ]; then
			echo "net-bench: $label tcp $dir streams=$streams failed: $(echo "$out" | tail -1)"
			continue
		fi
		echo "$label $dir $streams $mbps $((b1 - b0)) $hz" | awk '{
			gb = $4 * 3 / 8 / 1000
			printf "net-bench: %s tcp %s streams=%d mbps=%s cpu_s_per_gb=%.2f\n",
			       $1, $2, $3, $4, (gb > 0 ? $5 / $6 / gb : 0) }'
	done
done

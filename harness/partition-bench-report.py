#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Put the partition benchmarks' host and partition figures side by side.

tests.log has the host's partition_bench, disk-bench and net-bench lines
and the partitions' boot times; partition.log has the partition's.
"""

import re
import statistics
import sys

from harness_conf import CONF

LINE = re.compile(r"partition_bench: (\S+) threads (\d+) cpu_ms ([\d.]+) "
                  r"mem_ms ([\d.]+) total_ms ([\d.]+)")


def runs(path, label):
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.search(line)
            if m and m.group(1) == label:
                out.append([float(m.group(i)) for i in (3, 4, 5)])
    return out


DISK = re.compile(r"disk-bench: (host|partition) (\S+) (\S+) iops=(\d+) "
                  r"mbs=([\d.]+) p50_us=(\d+) p99_us=(\d+)")


def disk_runs(*paths):
    out = {}
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                m = DISK.search(line)
                if m:
                    out[m.group(1, 2, 3)] = m.group(4, 5, 6, 7)
    return out


def disk_report(tests, part):
    """fio on a host block device and on the partition's disk served from it."""
    runs = disk_runs(tests, part)
    print("== disk benchmark (fio, O_DIRECT, libaio; partition on CPUs %s)" % CONF["MK_PART_CPUS"])
    keys = [(b, w) for (side, b, w) in runs if side == "host"]
    if not keys:
        print("no disk-bench figures")
        return 1
    print("| backing | workload | host IOPS | partition IOPS | partition/host "
          "| host MB/s | partition MB/s | host p50/p99 us | partition p50/p99 us |")
    print("|---|---|---|---|---|---|---|---|---|")
    missing = 0
    for b, w in keys:
        h = runs[("host", b, w)]
        g = runs.get(("partition", b, w))
        if not g:
            missing += 1
            print("| %s | %s | %s | - | - | %s | - | %s/%s | - |" % (b, w, h[0], h[1], h[2], h[3]))
            continue
        ratio = int(g[0]) / int(h[0]) if int(h[0]) else 0
        print("| %s | %s | %s | %s | %.2f | %s | %s | %s/%s | %s/%s |"
              % (b, w, h[0], g[0], ratio, h[1], g[1], h[2], h[3], g[2], g[3]))
    return 1 if missing else 0


NET_PING = re.compile(r"net-bench: (\S+) ping p50_us=(\d+) p99_us=(\d+) lost=(\d+)")
NET_TCP = re.compile(r"net-bench: (\S+) tcp (to|from) streams=(\d+) mbps=([\d.]+) "
                     r"cpu_s_per_gb=([\d.]+)")
NET_TARGETS = ("loopback", "veth", "partition", "partition-poll")


def net_report(tests):
    """ping and iperf3 to a loopback, a veth namespace and a partition."""
    ping, tcp = {}, {}
    with open(tests, errors="replace") as f:
        for line in f:
            m = NET_PING.search(line)
            if m:
                ping[m.group(1)] = [int(x) for x in m.group(2, 3, 4)]
            m = NET_TCP.search(line)
            if m:
                tcp[(m.group(1), m.group(2), int(m.group(3)))] = \
                    (float(m.group(4)), float(m.group(5)))
    print("== network benchmark (ping: 1000 at 10 ms; iperf3 TCP 3 s; Mbit/s, "
          "and host client-CPU s per GB)")
    if "partition" not in ping:
        print("no figures from the partition")
        return 1
    print("| target | ping p50/p99 us | lost | to 1 | from 1 | to 4 | from 4 | CPU s/GB to 1 |")
    print("|---|---|---|---|---|---|---|---|")
    for t in NET_TARGETS:
        if t not in ping:
            continue
        p = ping[t]
        row = ["%.1f" % tcp[(t, d, n)][0] if (t, d, n) in tcp else "-"
               for n in (1, 4) for d in ("to", "from")]
        cpu = "%.2f" % tcp[(t, "to", 1)][1] if (t, "to", 1) in tcp else "-"
        print("| %s | %d/%d | %d | %s | %s |" % (t, p[0], p[1], p[2], " | ".join(row), cpu))
    for t in ("partition", "partition-poll"):
        if t in ping and "loopback" in ping and ping["loopback"][0]:
            print("%s RTT / loopback RTT (median): %.1f" % (t, ping[t][0] / ping["loopback"][0]))
    for n in (1, 4):
        for d in ("to", "from"):
            g, v = tcp.get(("partition", d, n)), tcp.get(("veth", d, n))
            if g and v and v[0]:
                print("partition / veth throughput, %s, %d stream(s): %.2f" % (d, n, g[0] / v[0]))
    return 0


def partition_report(tests, part):
    """partition_bench's figures on the host's CPUs and in a partition."""
    host, guest = runs(tests, "host"), runs(part, "partition")
    boots = [int(m.group(1)) for m in
             (re.search(r"partition boot_us: (\d+)", l) for l in open(tests, errors="replace"))
             if m]
    print("== partition benchmark (medians; ms)")
    if not host or not guest:
        print("missing figures: %d host run(s), %d partition run(s)" % (len(host), len(guest)))
        return 1
    cpus = CONF["MK_PART_CPUS"]
    print("| | host, CPUs %s | partition, CPUs %s | partition/host |" % (cpus, cpus))
    print("|---|---|---|---|")
    for i, name in enumerate(("cpu", "mem", "total")):
        h = statistics.median(r[i] for r in host)
        g = statistics.median(r[i] for r in guest)
        print("| %s | %.1f | %.1f | %.3f |" % (name, h, g, g / h))
    if boots:
        print("partition start to init: %s ms (median %.0f ms)"
              % (", ".join("%.0f" % (b / 1000) for b in boots),
                 statistics.median(boots) / 1000))
    return 0


def main():
    tests, part = sys.argv[1], sys.argv[2]
    with open(tests, errors="replace") as f:
        ran = f.read()
    ret = 0
    # Only the benchmarks that ran (make bench with mk.bench= runs some).
    if "== partition_bench: host" in ran:
        ret |= partition_report(tests, part)
    if "== disk_bench: host" in ran:
        ret |= disk_report(tests, part)
    if "== net_bench:" in ran:
        ret |= net_report(tests)
    return ret


if __name__ == "__main__":
    sys.exit(main())

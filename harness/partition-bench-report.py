#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Put the partition benchmark's host and partition figures side by side.

tests.log has the host's partition_bench lines and the partitions' boot
times; partition.log has the partition's partition_bench lines.
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


def main():
    tests, part = sys.argv[1], sys.argv[2]
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


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""QEMU's CPU time per phase of a test, measured from outside the guest.

Run it beside `make check`: it waits for the QEMU that harness/qemu.sh
starts (whose threads are named per vCPU), samples the run time of each of
its threads (/proc/PID/task/*/schedstat) every 10 ms, and watches a serial
log for lines holding "phase NAME begin" and "phase NAME end" (the console
paste test prints them).  For each phase it prints the wall time, QEMU's
CPU-seconds, how many cores that is, and each thread's share.  Under TCG
this tells whether the machine's cores, rather than the code under test,
bound a phase.

    harness/qemu-cpu-phases.py build/results/tests.log &
    MK_APPEND="mk.only=ikc_partition_test:-t:console_paste" make check
"""
import os
import re
import sys
import time

MARK = re.compile(r"\bphase (\S+) (begin|end)\b")


def find_qemu(wait):
    """The pid of harness/qemu.sh's QEMU, waiting up to @wait seconds."""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read()
            except OSError:
                continue
            if b"qemu-system" in cmd and b"debug-threads=on" in cmd:
                return pid
        time.sleep(0.1)
    return None


def thread_times(pid):
    """Run time in ns of each thread of @pid, by thread name."""
    times = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return times
    for tid in tids:
        base = f"/proc/{pid}/task/{tid}"
        try:
            with open(base + "/schedstat") as f:
                ns = int(f.read().split()[0])
            with open(base + "/comm") as f:
                name = f.read().strip()
        except (OSError, ValueError, IndexError):
            continue
        times[name] = times.get(name, 0) + ns
    return times


def report(name, begin, end):
    (t0, c0), (t1, c1) = begin, end
    wall = t1 - t0
    used = {k: (c1[k] - c0.get(k, 0)) / 1e9 for k in c1}
    cpu = sum(used.values())
    share = ", ".join(f"{k} {v:.2f}" for k, v in sorted(used.items())
                      if v >= 0.02)
    cores = cpu / wall if wall > 0 else 0.0
    print(f"{name}: wall {wall:.3f} s, QEMU {cpu:.3f} CPU-s = "
          f"{cores:.2f} cores [{share}]", flush=True)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: qemu-cpu-phases.py SERIAL_LOG")
    log = sys.argv[1]
    pid = find_qemu(3600)
    if pid is None:
        sys.exit("no QEMU started by harness/qemu.sh within an hour")
    # What the log holds now is an earlier run's until QEMU truncates it.
    try:
        pos = os.path.getsize(log)
    except OSError:
        pos = 0
    partial, begun = "", {}
    while os.path.exists(f"/proc/{pid}"):
        now, times = time.monotonic(), thread_times(pid)
        try:
            if os.path.getsize(log) < pos:
                pos, partial = 0, ""
            with open(log, errors="replace") as f:
                f.seek(pos)
                partial += f.read()
                pos = f.tell()
        except OSError:
            pass
        *lines, partial = partial.split("\n")
        for line in lines:
            m = MARK.search(line)
            if not m:
                continue
            if m.group(2) == "begin":
                begun[m.group(1)] = (now, times)
            elif m.group(1) in begun:
                report(m.group(1), begun.pop(m.group(1)), (now, times))
        time.sleep(0.01)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot the test guest, watch it, and judge the run.

Reads what the guest wrote on its serial ports (console.log: kernel
console with the KUnit KTAP; tests.log: kselftest TAP, kmemleak report,
taint), adds the TAP files of the harness's own checks, prints one line
per test and ends with "N passed, N failed, N skipped".  Exit status 1 on
any failure, including a kernel splat, a leak in our code, a taint, or a
guest that did not finish in time.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time

from harness_conf import CONF

MARK = CONF["MK_MARK_HARNESS"] + " "
PART_MARK = re.escape(CONF["MK_MARK_PART"])

# Kernel reports that fail a run whatever the tests said.
SPLATS = re.compile(
    r"\bBUG:|WARNING:|\bOops\b|general protection fault|kernel BUG at|"
    r"Kernel panic|INFO: task .* blocked for more than|"
    r"rcu: INFO: .*detected stall|UBSAN:|ODEBUG:|"
    r"INFO: trying to register non-static key|list_(add|del) corruption"
)

# Taint flags that mean the kernel complained: bad page, die, warn,
# soft lockup, machine check.  (KUnit itself sets TAINT_TEST.)
TAINT_FAIL = {4: "M (machine check)", 5: "B (bad page)", 7: "D (oops)",
              9: "W (warning)", 14: "L (soft lockup)"}

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\] ?")
# The guest init stamps each line of a test's output with its uptime.
GUEST_STAMP = re.compile(r"^\[\s*(\d+\.\d+)\] ")
RESULT = re.compile(r"^(ok|not ok) (\d+)(?: -)? ?(.*?)(?:\s+#\s*(SKIP|TODO|TIMEOUT|exit=\S+)(.*))?$")


class Results:
    def __init__(self):
        self.rows = []  # (status, name, note); status: ok, not ok, skip

    def add(self, ok, name, note="", skip=False):
        status = "skip" if skip else ("ok" if ok else "not ok")
        self.rows.append((status, name, note))

    def count(self, status):
        return sum(1 for r in self.rows if r[0] == status)

    def failed(self):
        return self.count("not ok") > 0


def read_lines(path):
    try:
        with open(path, errors="replace") as f:
            return [line.rstrip("\r\n").replace("\r", "") for line in f]
    except FileNotFoundError:
        return []


def console_lines(path):
    return [TIMESTAMP.sub("", line) for line in read_lines(path)]


class Tail:
    """The lines of a file that grows, each with when it was first seen."""

    def __init__(self, path):
        self.path, self.pos, self.rest, self.lines = path, 0, b"", []

    def poll(self, now):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return
        self.pos += len(data)
        *done, self.rest = (self.rest + data).split(b"\n")
        for raw in done:
            line = raw.decode(errors="replace").rstrip("\r").replace("\r", "")
            self.lines.append((now, line))

    def finish(self, now):
        self.poll(now)
        if self.rest:
            self.lines.append((now, self.rest.decode(errors="replace")))
            self.rest = b""


# A guest that went down without powering off: QEMU runs without
# -no-reboot (so that a triple fault logs every CPU's registers as the
# machine resets), and these end the run instead of a second boot.
TRIPLE_FAULT = "Triple fault"
GUEST_WENT_DOWN = ("Kernel panic - not syncing", "reboot: Restarting system")
RESET_LOG_GRACE = 2.0   # seconds for QEMU to log every CPU's reset


def run_guest(args):
    """Start QEMU, wait for the guest.

    Returns a note if it had to be killed, how long it ran, when user space
    came up, and the lines of tests.log with the second each was seen.
    """
    for name in ("console.log", "partition.log", "tests.log"):
        open(os.path.join(args.out, name), "w").close()
    qemu = subprocess.Popen([args.qemu, "check", args.out],
                            start_new_session=True,
                            stdout=open(os.path.join(args.out, "qemu.log"), "w"),
                            stderr=subprocess.STDOUT)
    start = time.monotonic()
    console = Tail(os.path.join(args.out, "console.log"))
    tests = Tail(os.path.join(args.out, "tests.log"))
    debug = Tail(os.path.join(args.out, "qemu-debug.log"))
    problem, up_at, down_at = None, None, None
    while qemu.poll() is None:
        elapsed = time.monotonic() - start
        tests.poll(elapsed)
        console.poll(elapsed)
        debug.poll(elapsed)
        if up_at is None and any(MARK + "userspace up" in l for _, l in console.lines):
            up_at = elapsed
        if down_at is None and (
                any(TRIPLE_FAULT in l for _, l in debug.lines) or
                any(m in l for _, l in console.lines for m in GUEST_WENT_DOWN)):
            down_at = elapsed
        console.lines, debug.lines = [], []     # only the markers are wanted
        if down_at is not None and elapsed > down_at + RESET_LOG_GRACE:
            problem = "the guest went down without powering off"
        elif up_at is None and elapsed > args.boot_timeout:
            problem = "no userspace within %d s" % args.boot_timeout
        elif elapsed > args.timeout:
            problem = "guest still running after %d s" % args.timeout
        if problem:
            os.killpg(qemu.pid, signal.SIGKILL)
            qemu.wait()
            break
        time.sleep(0.5)
    took = time.monotonic() - start
    tests.finish(took)
    return problem, took, up_at, tests.lines


PROGRAM_START = re.compile(r"^# selftests: (\S+): (\S+)$")
PROGRAM_END = re.compile(r"^(?:not )?ok \d+ selftests: (\S+): (\S+)")
CASE_START = re.compile(r"^# #\s+RUN\s+(\S+) \.\.\.")
CASE_END = re.compile(r"^# (?:not )?ok \d+ (\S+)")


def guest_stamped(seen):
    """(time, line) from (second seen, line): the guest's own stamp, stripped
    from the line, where it has one."""
    out = []
    for t, line in seen:
        m = GUEST_STAMP.match(line)
        out.append((float(m.group(1)), line[m.end():]) if m else (t, line))
    return out


def guest_timings(took, up_at, stamped):
    """Where the guest's time went: [(what, seconds, [(case, seconds)])].

    From the guest's stamp of each line of tests.log, or the second it was
    seen (half a second resolution): boot and KUnit up to user space, each
    kselftest program with its cases, the kmemleak scan, and the rest (the
    partition started beside the host's tests, shutdown).
    """
    phases = [("boot and KUnit", up_at if up_at is not None else took, [])]
    prog, cases, case, last = None, [], None, None
    scan = None
    for t, line in stamped:
        m = PROGRAM_START.match(line)
        if m:
            prog, cases, case = (m.group(2), t), [], None
        elif prog and CASE_START.match(line):
            case = (CASE_START.match(line).group(1), t)
        elif prog and case and CASE_END.match(line):
            cases.append((case[0], t - case[1]))
            case = None
        elif prog and PROGRAM_END.match(line):
            phases.append((prog[0], t - prog[1], cases))
            prog = None
        elif line == MARK + "kmemleak begin" and last is not None:
            scan = t - last
        last = t
    if scan is not None:
        phases.append(("kmemleak scan", scan, []))
    phases.append(("other (partition beside the tests, shutdown)",
                   max(0.0, took - sum(p[1] for p in phases)), []))
    return phases


CALIBRATE = re.compile(r"^" + re.escape(MARK) + r"calibrate((?: \d+\.\d+ \d+\.\d+)+)$")
# A calibration outside these bounds is a broken one, not a machine's speed.
SPEED_BOUNDS = (0.5, 3.0)


def machine_speeds(lines, reference):
    """[(guest second, factor)] from the guest's calibrations: how many
    times longer than on the reference machine its fastest round took
    (2.0: this machine ran the guest half as fast), bounded by
    SPEED_BOUNDS."""
    out = []
    for line in lines:
        m = CALIBRATE.match(line)
        if m:
            t = [float(v) for v in m.group(1).split()]
            fastest = min(end - start for start, end in zip(t[0::2], t[1::2]))
            factor = fastest / reference
            out.append((t[-1], min(max(factor, SPEED_BOUNDS[0]), SPEED_BOUNDS[1])))
    return out


def speed_factor(speeds):
    """The machine's factor for the whole run: the median of its
    calibrations (one can be slowed by what the guest does meanwhile), or
    1.0 without any."""
    if not speeds:
        return 1.0
    factors = sorted(f for _, f in speeds)
    n = len(factors)
    return factors[n // 2] if n % 2 else (factors[n // 2 - 1] + factors[n // 2]) / 2


def format_timings(phases, took, budget, speeds=()):
    if speeds:
        factors = sorted(f for _, f in speeds)
        text = ["\nguest time: %.0f s, %.0f s at the reference speed (budget %d s);"
                " speed factor %.2f (%d calibrations, %.2f to %.2f)" %
                (took, took / speed_factor(speeds), budget, speed_factor(speeds),
                 len(factors), factors[0], factors[-1])]
    else:
        text = ["\nguest time: %.0f s (budget %d s)" % (took, budget)]
    for what, sec, cases in phases:
        text.append("  %6.0f s  %s" % (sec, what))
        for name, csec in cases:
            text.append("  %6.0f s      %s" % (csec, name))
    return text


def parse_kunit(lines, res):
    """KUnit KTAP on the kernel console: suites at depth 0, cases at 1."""
    try:
        first = lines.index("KTAP version 1")
    except ValueError:
        res.add(False, "kunit", "no KUnit output on the console")
        return
    planned, reported, suite, suite_fail, details = None, 0, "?", False, []
    for line in lines[first + 1:]:
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if indent == 0 and planned is None and re.fullmatch(r"1\.\.\d+", body):
            planned = int(body[3:])
            continue
        m = re.match(r"# Subtest: (\S+)", body)
        if indent == 4 and m:
            suite = m.group(1)
            continue
        m = RESULT.match(body)
        if not m:
            if indent >= 4:
                details.append(body.lstrip("# "))
            continue
        ok, name, skip = m.group(1) == "ok", m.group(3), m.group(4) == "SKIP"
        if indent == 4:
            res.add(ok, "kunit: %s.%s" % (suite, name),
                    "; ".join(details) if not ok or skip else "", skip)
            suite_fail |= not ok
        elif indent == 0:
            if not ok and not suite_fail:
                res.add(False, "kunit: %s" % name, "suite failed")
            reported += 1
            suite_fail = False
            if planned is not None and reported >= planned:
                break
        details = []
    if planned is None or reported < planned:
        res.add(False, "kunit", "incomplete: %d of %s suites reported"
                % (reported, planned if planned is not None else "?"))


def parse_kselftest(lines, res):
    """run_kselftest.sh output: programs at top level, their TAP behind '# '."""
    planned, programs, subtests, diag, ran = None, 0, [], [], False
    for line in lines:
        if line.startswith("1..") and planned is None:
            planned = int(line[3:])
            continue
        if line.startswith("# "):
            m = RESULT.match(line[2:])
            if m:
                subtests.append((m, diag))
                diag = []
            elif line.startswith("# # "):
                diag.append(line[4:].strip())
            continue
        m = RESULT.match(line)
        if not m:
            continue
        ran = True
        programs += 1
        ok, name, directive = m.group(1) == "ok", m.group(3), m.group(4)
        prog = name.replace("selftests: ", "").replace(": ", "/")
        for s, why in subtests:
            ok_sub, skip = s.group(1) == "ok", s.group(4) == "SKIP"
            note = (s.group(5) or "").strip() if skip else \
                "" if ok_sub else "; ".join(why[-4:])
            res.add(ok_sub, "kselftest: %s: %s" % (prog, s.group(3)), note, skip)
        sub_fail = any(s.group(1) != "ok" for s, _ in subtests)
        if not subtests:
            # Our programs all print TAP: none means lost or broken output.
            skip = directive == "SKIP"
            res.add(ok and skip, "kselftest: %s" % prog,
                    "%s%s" % (directive or "", m.group(5) or "") if skip or not ok
                    else "printed no TAP results", skip)
        elif not ok and not sub_fail:
            res.add(False, "kselftest: %s" % prog,
                    "program failed: %s" % (directive or "?"))
        subtests, diag = [], []
    if not ran:
        res.add(False, "kselftest", "the runner reported no test")
    elif planned is not None and programs < planned:
        res.add(False, "kselftest", "incomplete: %d of %d programs reported"
                % (programs, planned))


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if text[-1].upper() in units:
        return int(text[:-1], 0) * units[text[-1].upper()]
    return int(text, 0)


def cpu_list(text):
    """The CPUs of a list like 2-3 or 1,4-5."""
    cpus = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        cpus |= set(range(int(lo), int(hi or lo) + 1))
    return cpus


def parse_partitions(console, part, res):
    """partition.log: each partition kernel on its own CPUs and memory.

    Every boot of a partition kernel on ttyS1 must report APIC ids of CPUs
    the host gave partitions (its log: "created on CPUs", and the CPUs'
    APIC ids from "Booting ... Processor") and System RAM only inside the
    host's pool (multikernel_mem= on the host's command line) or below
    1 MiB (the partition's real-mode slot); and no splat, except in the
    boot of a partition that panics on purpose: the crash test's
    (mkpart.action=panic), or one that said "panicking on purpose" first.
    """
    pool = None
    apicid, given = {}, set()
    for line in console:
        m = re.search(r"Command line:.*multikernel_mem=(\S+)@(\S+)", line)
        if m and pool is None:
            pool = (parse_size(m.group(2)),
                    parse_size(m.group(2)) + parse_size(m.group(1)))
        m = re.search(r"Booting Node \d+ Processor (\d+) APIC (0x[0-9a-f]+)", line)
        if m:
            apicid[int(m.group(1))] = str(int(m.group(2), 16))
        m = re.search(r"multikernel: partition \d+: created on CPUs (\S+)", line)
        if m:
            given |= cpu_list(m.group(1))
    allowed = {apicid[c] for c in given if c in apicid}
    boots, bad, splats = 0, [], []
    on_purpose = False
    for line in part:
        if "Linux version" in line:
            boots += 1
            on_purpose = False
        elif "Command line:" in line and "mkpart.action=panic" in line:
            on_purpose = True
        elif PART_MARK + " panicking on purpose" in line:
            on_purpose = True
        m = re.search(PART_MARK + r" up: cpus (\S+) apicids ([\d ]+?)\s+MemTotal", line)
        if m and not set(m.group(2).split()) <= allowed:
            bad.append(line)
        m = re.search(PART_MARK + r"\s+([0-9a-f]+)-([0-9a-f]+) : System RAM", line)
        if m:
            lo, hi = int(m.group(1), 16), int(m.group(2), 16) + 1
            if not (hi <= 1 << 20 or (pool and pool[0] <= lo and hi <= pool[1])):
                bad.append(line)
        if SPLATS.search(line) and not on_purpose:
            splats.append(line)
    ups = sum(1 for l in part if re.search(PART_MARK + " up:", l))
    # A run of chosen programs (mk.only=) may boot no partition at all.
    only = any("Command line:" in l and "mk.only=" in l for l in console)
    name = "partition console: each partition kernel saw only its CPUs and memory"
    if only and not boots:
        res.add(True, name, "no partition booted by the programs of mk.only=", skip=True)
    else:
        res.add(ups > 0 and not bad, name,
                "%d boot(s), %d reached init%s" % (boots, ups,
                                                   "; wrong: " + " | ".join(bad[:3])
                                                   if bad else ""))
    res.add(not splats, "partition console: no splat in a partition kernel",
            " | ".join(splats[:3]))


def section(lines, begin, end):
    try:
        i = lines.index(MARK + begin)
    except ValueError:
        return None
    try:
        j = lines.index(MARK + end, i)
    except ValueError:
        j = len(lines)
    return lines[i + 1:j]


def our_symbols(objdir, sources):
    """Functions defined by our overlay .c files, as built into objdir."""
    syms = set()
    for src in read_lines(sources):
        obj = os.path.join(objdir, src[:-2] + ".o")
        if not src.endswith(".c") or not os.path.exists(obj):
            continue
        out = subprocess.run(["nm", "--defined-only", obj],
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "tTwW":
                syms.add(p[2])
    return syms


def parse_kmemleak(report, syms, res):
    blocks, cur = [], None
    for line in report:
        if line.startswith("unreferenced object"):
            cur = [line]
            blocks.append(cur)
        elif cur is not None:
            cur.append(line)
    ours = []
    for b in blocks:
        frames = {m.group(1) for m in (re.search(r"([A-Za-z0-9_.]+)\+0x", l)
                                       for l in b) if m}
        if frames & syms:
            ours.append(b)
    note = "%d leak(s) reported, %d in our code" % (len(blocks), len(ours))
    res.add(not ours, "kmemleak: no leak allocated by our code", note)
    for b in ours:
        for l in b:
            print("    " + l)


def parse_extra(path, res):
    """A harness check's TAP: 'ok/not ok N name # note' lines."""
    for line in read_lines(path):
        m = RESULT.match(line)
        if m:
            res.add(m.group(1) == "ok", m.group(3),
                    (m.group(4) or "") + (m.group(5) or ""), m.group(4) == "SKIP")


def judge_guest(args, res):
    """Boot the guest and add its results; return the report to print."""
    problem, took, up_at, seen = run_guest(args)
    stamped = guest_stamped(seen)
    console = console_lines(os.path.join(args.out, "console.log"))
    tests = [line for _, line in stamped]
    up = MARK + "userspace up" in console
    res.add(up, "boot: reached userspace", problem if not up else "")
    finished = MARK + "end" in tests
    note = problem
    if not finished and not problem:
        note = "guest stopped early"
    if any(TRIPLE_FAULT in l for l in read_lines(os.path.join(args.out, "qemu-debug.log"))):
        note = "a CPU triple faulted and the machine reset: qemu-debug.log " \
            "has every CPU's registers after 'Triple fault'"
    res.add(finished, "guest: ran every test and shut down", note)

    parse_kunit(console, res)
    parse_partitions(console, console_lines(os.path.join(args.out, "partition.log")), res)

    ksft = section(tests, "begin", "kmemleak begin")
    if ksft is None:
        ksft = section(tests, "begin", "end") or []
    parse_kselftest(ksft, res)

    splats = [(i, l) for i, l in enumerate(console) if SPLATS.search(l)]
    res.add(not splats, "kernel: no splat (BUG, WARNING, Oops, lockdep, KASAN, "
            "UBSAN, hung task, panic)", "%d report(s)" % len(splats) if splats else "")

    report = section(tests, "kmemleak begin", "kmemleak end")
    if report is not None:
        parse_kmemleak(report, our_symbols(args.objdir, args.sources), res)
    elif finished:
        res.add(False, "kmemleak: no leak allocated by our code",
                "kmemleak scan unavailable")

    taint = [l for l in tests if l.startswith(MARK + "tainted ")]
    if taint:
        value = int(taint[-1].split()[-1])
        bad = [v for b, v in TAINT_FAIL.items() if value & (1 << b)]
        res.add(not bad, "kernel: not tainted by a complaint",
                "tainted %d: %s" % (value, ", ".join(bad)) if bad else "")

    phases = guest_timings(took, up_at, stamped)
    speeds = machine_speeds(tests, float(CONF["MK_CAL_REFERENCE"]))
    scaled = took / speed_factor(speeds)
    timing = format_timings(phases, took, args.budget, speeds)
    with open(os.path.join(args.out, "timings.txt"), "w") as f:
        f.write("\n".join([timing[0].strip()] + timing[1:]) + "\n")
    how = "%.0f s of %d s" % (scaled, args.budget)
    if speeds:
        how += " (%.0f s measured, scaled by this machine's speed)" % took
    else:
        how += " (no calibration from the guest: unscaled)"
    res.add(scaled <= args.budget, "guest: within its time budget",
            how + ("" if scaled <= args.budget else
                   ": a test made the run slower; see timings.txt"
                   " and the budget in README.md"))

    text = timing
    for i, line in splats[:10]:
        text.append("\n--- splat at console line %d:" % (i + 1))
        text.extend("    " + l for l in console[max(0, i - 2):i + 25])
    text.append("\nguest ran %.0f s; logs in %s" % (took, args.out))
    return text


def print_phases(args):
    """The build phases' times: check-configs' notes and check.sh's."""
    rows = []
    for path in args.extra:
        if os.path.basename(path) == "check-configs.tap":
            for line in read_lines(path):
                m = re.match(r"ok \d+ config (\S+): builds # (\d+) s", line)
                if m:
                    rows.append((int(m.group(2)), "config variant " + m.group(1)))
    if args.phases:
        for line in read_lines(args.phases):
            sec, _, what = line.partition(" ")
            rows.append((int(sec), what))
    if rows:
        print("time by phase:")
        for sec, what in rows:
            print("  %6d s  %s" % (sec, what))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--no-boot", action="store_true",
                    help="only report the --extra results (the build failed)")
    ap.add_argument("--qemu", help="harness/qemu.sh")
    ap.add_argument("--out", help="results directory")
    ap.add_argument("--objdir", help="kernel build directory")
    ap.add_argument("--sources",
                    help="file listing our kernel .c files, relative to the tree")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--boot-timeout", type=int, default=120)
    ap.add_argument("--budget", type=int,
                    default=int(os.environ.get("MK_GUEST_BUDGET", "1440")),
                    help="seconds the guest may take before the run fails "
                    "(MK_GUEST_BUDGET, default 1440)")
    ap.add_argument("--phases", help="file of 'SECONDS phase' lines to print")
    ap.add_argument("--extra", action="append", default=[],
                    help="TAP file of a harness check to include")
    args = ap.parse_args()
    if not args.no_boot and not (args.qemu and args.out and args.objdir and args.sources):
        ap.error("--qemu, --out, --objdir and --sources are needed to boot")

    res = Results()
    for path in args.extra:
        parse_extra(path, res)
    report = [] if args.no_boot else judge_guest(args, res)

    print()
    print_phases(args)
    for status, name, note in res.rows:
        print("%-6s %s%s" % (status, name, "  # " + note if note else ""))
    for line in report:
        print(line)
    print("%d passed, %d failed, %d skipped"
          % (res.count("ok"), res.count("not ok"), res.count("skip")))
    return 1 if res.failed() else 0


if __name__ == "__main__":
    sys.exit(main())

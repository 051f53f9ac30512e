#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests for harness/check.py's judging of guest output.

Each test feeds the parsers the kind of output a guest really prints and
checks the verdict, so a change to the harness cannot quietly turn a
failure into a pass.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402

KUNIT_OK = """\
[   20.7] KTAP version 1
[   20.7] 1..1
[   20.7]     KTAP version 1
[   20.7]     # Subtest: multikernel_core
[   20.7]     1..2
[   20.8]     ok 1 case_a
[   20.8]     ok 2 case_b # SKIP no hardware
[   20.8] # multikernel_core: pass:1 fail:0 skip:1 total:2
[   20.8] ok 1 multikernel_core
"""

KSFT = """\
TAP version 13
1..1
# timeout set to 45
# selftests: multikernel: sysfs_test
# TAP version 13
# 1..3
# ok 1 global.a
# # sysfs_test.c:62:b:Expected '2' == '1'
# not ok 2 global.b
# ok 3 global.c # SKIP no config
# # Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0
not ok 1 selftests: multikernel: sysfs_test # exit=1
"""


def lines(text):
    return [check.TIMESTAMP.sub("", l) for l in text.splitlines()]


def rows(res):
    return {name: (status, note) for status, name, note in res.rows}


class KUnit(unittest.TestCase):
    def test_pass_and_skip(self):
        res = check.Results()
        check.parse_kunit(lines(KUNIT_OK), res)
        r = rows(res)
        self.assertEqual(r["kunit: multikernel_core.case_a"][0], "ok")
        self.assertEqual(r["kunit: multikernel_core.case_b"][0], "skip")
        self.assertFalse(res.failed())

    def test_failed_case_keeps_its_message(self):
        text = KUNIT_OK.replace(
            "    ok 1 case_a",
            "    # case_a: EXPECTATION FAILED at core_kunit.c:70\n[ 20.8]     not ok 1 case_a")
        res = check.Results()
        check.parse_kunit(lines(text), res)
        status, note = rows(res)["kunit: multikernel_core.case_a"]
        self.assertEqual(status, "not ok")
        self.assertIn("EXPECTATION FAILED", note)

    def test_missing_and_truncated_output_fail(self):
        res = check.Results()
        check.parse_kunit(["Run /init as init process"], res)
        self.assertTrue(res.failed())
        res = check.Results()
        check.parse_kunit(lines(KUNIT_OK)[:6], res)  # crashed mid-suite
        self.assertIn("incomplete", rows(res)["kunit"][1])

    def test_failed_suite_without_failed_case(self):
        res = check.Results()
        check.parse_kunit(lines(KUNIT_OK.replace("] ok 1 multikernel_core",
                                                 "] not ok 1 multikernel_core")), res)
        self.assertEqual(rows(res)["kunit: multikernel_core"][0], "not ok")


class Kselftest(unittest.TestCase):
    def test_subtests_counted_with_reasons(self):
        res = check.Results()
        check.parse_kselftest(KSFT.splitlines(), res)
        r = rows(res)
        self.assertEqual(r["kselftest: multikernel/sysfs_test: global.a"][0], "ok")
        status, note = r["kselftest: multikernel/sysfs_test: global.b"]
        self.assertEqual(status, "not ok")
        self.assertIn("Expected", note)
        self.assertEqual(r["kselftest: multikernel/sysfs_test: global.c"],
                         ("skip", "no config"))

    def test_program_failing_after_passing_subtests(self):
        text = KSFT.replace("# not ok 2 global.b", "# ok 2 global.b")
        res = check.Results()
        check.parse_kselftest(text.splitlines(), res)
        self.assertEqual(rows(res)["kselftest: multikernel/sysfs_test"][0], "not ok")

    def test_program_without_tap_output_fails(self):
        res = check.Results()
        check.parse_kselftest(["TAP version 13", "1..1",
                               "ok 1 selftests: multikernel: sysfs_test"], res)
        self.assertEqual(rows(res)["kselftest: multikernel/sysfs_test"],
                         ("not ok", "printed no TAP results"))

    def test_timeout_and_missing_programs(self):
        res = check.Results()
        check.parse_kselftest(["1..2", "not ok 1 selftests: multikernel: t "
                               "# TIMEOUT 45 seconds"], res)
        r = rows(res)
        self.assertEqual(r["kselftest: multikernel/t"][0], "not ok")
        self.assertIn("incomplete", r["kselftest"][1])

    def test_nothing_ran(self):
        res = check.Results()
        check.parse_kselftest([], res)
        self.assertTrue(res.failed())


class Timings(unittest.TestCase):
    STAMPED = [(40.0, "MK-HARNESS: begin"),
               (41.0, "# selftests: multikernel: partition_test"),
               (41.5, "# #  RUN           part.boot ..."),
               (61.5, "# ok 1 part.boot"),
               (62.0, "# #  RUN           part.cycles ..."),
               (162.0, "# not ok 2 part.cycles"),
               (163.0, "not ok 1 selftests: multikernel: partition_test # exit=1"),
               (180.0, "MK-HARNESS: kmemleak begin"),
               (181.0, "MK-HARNESS: end")]

    def test_programs_cases_and_scan(self):
        phases = check.guest_timings(190.0, 40.0, self.STAMPED)
        by = {p[0]: p for p in phases}
        self.assertEqual(by["boot and KUnit"][1], 40.0)
        self.assertEqual(by["partition_test"][1], 122.0)
        self.assertEqual(by["partition_test"][2],
                         [("part.boot", 20.0), ("part.cycles", 100.0)])
        self.assertEqual(by["kmemleak scan"][1], 17.0)
        self.assertAlmostEqual(sum(p[1] for p in phases), 190.0)

    def test_guest_stamps_win_and_are_stripped(self):
        seen = [(50.0, "[  41.25] # #  RUN           part.boot ..."),
                (50.0, "[61.5] # ok 1 part.boot"),
                (51.0, "MK-HARNESS: end")]
        self.assertEqual(check.guest_stamped(seen),
                         [(41.25, "# #  RUN           part.boot ..."),
                          (61.5, "# ok 1 part.boot"), (51.0, "MK-HARNESS: end")])

    def test_no_userspace(self):
        phases = check.guest_timings(180.0, None, [])
        self.assertEqual(phases[0], ("boot and KUnit", 180.0, []))

    def test_budget_row(self):
        text = check.format_timings(check.guest_timings(190.0, 40.0, self.STAMPED),
                                    190.0, 600)
        self.assertIn("guest time: 190 s (budget 600 s)", text[0])
        self.assertTrue(any("part.cycles" in l for l in text))

    def test_speeds_from_calibrations(self):
        got = check.machine_speeds(["MK-HARNESS: calibrate 30.00 30.60 30.60 31.10",
                                    "# ok 1 part.boot",
                                    "MK-HARNESS: calibrate 100.00 101.00",
                                    "MK-HARNESS: calibrate 200.00 200.01",
                                    "MK-HARNESS: calibrate 300.00 310.00 310.00 320.00",
                                    "MK-HARNESS: calibrate 1.00",
                                    "MK-HARNESS: calibrate x y"], 0.5)
        self.assertEqual(got, [(31.1, 1.0), (101.0, 2.0), (200.01, 0.5), (320.0, 3.0)])

    def test_speed_factor(self):
        self.assertEqual(check.speed_factor([]), 1.0)
        # The median: one calibration slowed by the guest's own work
        # does not move it.
        self.assertEqual(check.speed_factor([(1.0, 1.5), (2.0, 3.0), (3.0, 1.4)]), 1.5)
        self.assertEqual(check.speed_factor([(1.0, 1.0), (2.0, 2.0)]), 1.5)

    def test_budget_row_scaled(self):
        speeds = [(41.0, 2.0), (170.0, 1.0), (180.0, 2.0)]
        text = check.format_timings(check.guest_timings(190.0, 40.0, self.STAMPED),
                                    190.0, 600, speeds)
        self.assertIn("guest time: 190 s, 95 s at the reference speed (budget 600 s)",
                      text[0])
        self.assertIn("speed factor 2.00 (3 calibrations, 1.00 to 2.00)", text[0])


class KernelReports(unittest.TestCase):
    def test_splats(self):
        for line in ("WARNING: CPU: 3 PID: 1 at kernel/multikernel/core.c:100 f+0x1/0x2",
                     "BUG: KASAN: slab-use-after-free in f+0x1/0x2",
                     "WARNING: possible circular locking dependency detected",
                     "BUG: sleeping function called from invalid context at x.c:1",
                     "INFO: task kworker/0:1:12 blocked for more than 60 seconds.",
                     "UBSAN: array-index-out-of-bounds in x.c:3:4",
                     "Kernel panic - not syncing: No working init found.",
                     "Oops: general protection fault, probably for non-canonical address",
                     "ODEBUG: free active (active state 0) object: x"):
            self.assertTrue(check.SPLATS.search(line), line)
        for line in ("Run /init as init process", "multikernel: interface version 1",
                     "kmemleak: Kernel memory leak detector initialized (mem pool available: 15788)"):
            self.assertFalse(check.SPLATS.search(line), line)

    def test_kmemleak_attributes_leaks(self):
        report = ["unreferenced object 0xffff888003b4e580 (size 64):",
                  "  comm \"swapper/0\", pid 1, jiffies 4294672310",
                  "  backtrace (crc f40b4c28):",
                  "    __kmalloc_cache_noprof+0x133/0x169",
                  "    multikernel_init+0xd1/0xf6",
                  "unreferenced object 0xffff888003b4e600 (size 32):",
                  "  backtrace (crc 1):",
                  "    __kmalloc_noprof+0x1/0x2",
                  "    acpi_something+0x1/0x2"]
        res = check.Results()
        check.parse_kmemleak(report, {"multikernel_init"}, res)
        status, note = res.rows[0][0], res.rows[0][2]
        self.assertEqual(status, "not ok")
        self.assertEqual(note, "2 leak(s) reported, 1 in our code")
        res = check.Results()
        check.parse_kmemleak(report[5:], {"multikernel_init"}, res)
        self.assertFalse(res.failed())


class Partitions(unittest.TestCase):
    CONSOLE = ["[    0.0] Command line: console=ttyS0 multikernel_mem=384M@0x40000000",
               "[    0.5] smpboot: Booting Node 0 Processor 1 APIC 0x1",
               "[    0.6] smpboot: Booting Node 0 Processor 2 APIC 0x2",
               "[    0.7] smpboot: Booting Node 0 Processor 3 APIC 0x3",
               "[   30.0] multikernel: partition 0: created on CPUs 2-3 with 128 MiB"]
    UP = ["[    0.0] Linux version 6.12.117",
          "MKPART: up: cpus 0-1 apicids 2 3 MemTotal: 46080 kB",
          "MKPART:   0005e000-0006dfff : System RAM",
          "MKPART:   40000000-47efbfff : System RAM"]

    def verdict(self, console, part, row=0):
        res = check.Results()
        check.parse_partitions(console, part, res)
        return res.rows[row][0]

    def test_own_cpus_and_memory(self):
        self.assertEqual(self.verdict(self.CONSOLE, self.UP), "ok")
        wrong_cpu = [l.replace("apicids 2 3", "apicids 0 3") for l in self.UP]
        self.assertEqual(self.verdict(self.CONSOLE, wrong_cpu), "not ok")
        wrong_mem = self.UP + ["MKPART:   00100000-3fffffff : System RAM"]
        self.assertEqual(self.verdict(self.CONSOLE, wrong_mem), "not ok")
        # The CPUs given come from the host's log, not from a fixed list.
        on_1_2 = [l.replace("CPUs 2-3", "CPUs 1-2") for l in self.CONSOLE]
        self.assertEqual(self.verdict(on_1_2, self.UP), "not ok")
        up_1_2 = [l.replace("apicids 2 3", "apicids 1 2") for l in self.UP]
        self.assertEqual(self.verdict(on_1_2, up_1_2), "ok")
        no_apic = [l for l in self.CONSOLE if "Processor 3" not in l]
        self.assertEqual(self.verdict(no_apic, self.UP), "not ok")

    def test_panic_on_purpose(self):
        panic = ["[   50.0] Kernel panic - not syncing: sysrq triggered crash"]
        self.assertEqual(self.verdict(self.CONSOLE, self.UP + panic, 1), "not ok")
        told = ["MKPART: panicking on purpose"]
        self.assertEqual(self.verdict(self.CONSOLE, self.UP + told + panic, 1), "ok")
        # Forgiven for that boot only, not the next.
        again = self.UP + told + panic + self.UP + panic
        self.assertEqual(self.verdict(self.CONSOLE, again, 1), "not ok")

    def test_no_partition_booted(self):
        self.assertEqual(self.verdict(self.CONSOLE, []), "not ok")
        only = [self.CONSOLE[0] + " mk.only=sysfs_test"] + self.CONSOLE[1:]
        self.assertEqual(self.verdict(only, []), "skip")
        self.assertEqual(self.verdict(only, self.UP[:1]), "not ok")



class GuestWentDown(unittest.TestCase):
    """A guest that resets or panics is stopped, not left to boot again."""

    def run_fake(self, writes):
        import argparse
        import tempfile
        out = tempfile.mkdtemp()
        qemu = os.path.join(out, "fake-qemu")
        with open(qemu, "w") as f:
            f.write("#!/bin/sh\n%s\nexec sleep 60\n" % writes)
        os.chmod(qemu, 0o755)
        args = argparse.Namespace(qemu=qemu, out=out, boot_timeout=30, timeout=30)
        return check.run_guest(args)

    def test_triple_fault(self):
        problem, took, _, _ = self.run_fake(
            'echo "MK-HARNESS: userspace up" > "$2/console.log"; '
            'echo "Triple fault" > "$2/qemu-debug.log"')
        self.assertEqual(problem, "the guest went down without powering off")
        self.assertLess(took, 10)

    def test_panic(self):
        problem, took, up_at, _ = self.run_fake(
            'printf "MK-HARNESS: userspace up\\nKernel panic - not syncing: x\\n" '
            '> "$2/console.log"')
        self.assertEqual(problem, "the guest went down without powering off")
        self.assertIsNotNone(up_at)
        self.assertLess(took, 10)

if __name__ == "__main__":
    unittest.main()

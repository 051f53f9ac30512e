/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The partition the multikernel selftests boot: its CPUs, memory, kernel
 * and initramfs, and the marker its init starts its lines with.  The
 * repository's harness says the same in harness/guest/harness.conf and
 * checks that the two agree.
 */
#ifndef _SELFTESTS_MULTIKERNEL_TEST_PARTITION_H
#define _SELFTESTS_MULTIKERNEL_TEST_PARTITION_H

/* Its two CPUs, the first one its boot CPU, and the same as a list. */
#define TEST_PART_CPU0		2
#define TEST_PART_CPU1		3
#define TEST_PART_CPUS		"2-3"
#define TEST_PART_MEM		"160M"
#define TEST_PART_KERNEL	"/boot/partition-bzImage"
#define TEST_PART_INITRD	"/boot/partition-initramfs.cpio.gz"
#define TEST_PART_MARK		"MKPART:"

#endif /* _SELFTESTS_MULTIKERNEL_TEST_PARTITION_H */

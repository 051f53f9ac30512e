#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The partition side of the partition benchmark (mkpart.action=bench): the
# same program the host runs, on all of the partition's CPUs; its figures
# go to the partition's console, where the harness picks them up.
. /etc/harness.conf
echo "$MK_MARK_PART_BENCH $(/partition_bench -t "$(nproc)" -l partition)"
echo "$MK_MARK_PART_BENCH $(/partition_bench -t "$(nproc)" -l partition)"
echo "$MK_MARK_PART_BENCH $(/partition_bench -t "$(nproc)" -l partition)"

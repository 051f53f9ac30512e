# SPDX-License-Identifier: GPL-2.0
# Entry points of the multikernel series' harness.  Everything is built in
# build/ (one kernel tree, kept between runs and rebuilt incrementally).

H := harness

.NOTPARALLEL:
.PHONY: help kernel initramfs run check bench lint check-configs clean distclean

help:
	@echo "make run            build if needed, boot the patched kernel in QEMU to a shell"
	@echo "make check          lint, build, boot, run KUnit + kselftests; 'N passed, N failed'"
	@echo "make check-configs  build the config variants in configs/variants/"
	@echo "make bench          boot the test kernel and print the benchmarks' figures"
	@echo "make kernel         prepare the tree and build bzImage (incremental)"
	@echo "make lint           checkpatch --strict on every patch and overlay file, docutils on rst"
	@echo "make clean          drop results and the initramfs; distclean: all of build/"

kernel:
	@$(H)/build-kernel.sh

initramfs: kernel
	@$(H)/build-initramfs.sh

run: initramfs
	@$(H)/qemu.sh run

check:
	@$(H)/check.sh

bench:
	@$(H)/bench.sh

lint:
	@$(H)/lint.sh

check-configs:
	@$(H)/check-configs.sh

clean:
	rm -rf build/results build/initramfs build/initramfs.cpio.gz build/kselftest

distclean:
	rm -rf build

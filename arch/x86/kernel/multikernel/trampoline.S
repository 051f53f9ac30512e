/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry of a partition's boot CPU.  The host copies this blob to a page of
 * the partition's memory below 1 MiB and points the CPU's STARTUP IPI at
 * it.  It goes from real mode to long mode on the identity page table the
 * host built and enters the partition kernel by the 64-bit boot protocol:
 * flat __BOOT_CS (0x10) and __BOOT_DS (0x18), interrupts off, %rsi the
 * boot_params.
 *
 * It is data here, never run in place: it runs where it was copied, so it
 * finds that place from %cs and patches its far pointers and GDT base.
 *
 * It runs once.  The first CPU in takes the armed byte of its parameters;
 * any later entry, and any entry after the host disarmed it to take the
 * CPUs back, halts here in real mode.  A STARTUP IPI can be delivered late
 * (QEMU keeps one pending across an INIT), and a second run would enter a
 * partition kernel that already relocated itself: it triple faults, which
 * resets the whole machine.
 */

#include <linux/linkage.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#define OFF(sym)	((sym) - mk_trampoline)

	.section .rodata, "a"
	.balign	16
SYM_DATA_START(mk_trampoline)
	.code16
	cli
	cld
	xorb	%al, %al
	xchgb	%al, %cs:OFF(.Lparams) + 24	/* armed */
	testb	%al, %al
	jz	.Lspent
	movw	%cs, %ax
	movw	%ax, %ds
	movzwl	%ax, %ebx
	shll	$4, %ebx			/* %ebx: where we run */

	leal	OFF(.Lgdt)(%ebx), %eax
	movl	%eax, OFF(.Lgdt_desc) + 2
	leal	OFF(.Lprotected)(%ebx), %eax
	movl	%eax, OFF(.Lprotected_ptr)
	leal	OFF(.Llong)(%ebx), %eax
	movl	%eax, OFF(.Llong_ptr)

	lgdtl	OFF(.Lgdt_desc)
	/* Also clears CD and NW, which INIT set. */
	movl	$(X86_CR0_PE | X86_CR0_ET | X86_CR0_NE), %eax
	movl	%eax, %cr0
	ljmpl	*OFF(.Lprotected_ptr)

	.code32
.Lprotected:
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss

	movl	OFF(.Lparams)(%ebx), %eax	/* cr4 */
	movl	%eax, %cr4
	movl	OFF(.Lparams) + 4(%ebx), %eax	/* cr3 */
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	$(X86_CR0_PG | X86_CR0_PE | X86_CR0_ET | X86_CR0_NE), %eax
	movl	%eax, %cr0
	ljmpl	*OFF(.Llong_ptr)(%ebx)

	.code64
.Llong:
	movl	%ebx, %ebx
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movq	OFF(.Lparams) + 8(%rbx), %rsi	/* boot_params */
	movq	OFF(.Lparams) + 16(%rbx), %rax	/* entry */
	jmp	*%rax

	.code16
.Lspent:
	hlt
	jmp	.Lspent

	.balign	8
.Lgdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* 0x08: flat 32-bit code */
	.quad	0x00af9a000000ffff		/* 0x10: 64-bit code */
	.quad	0x00cf92000000ffff		/* 0x18: flat data */
.Lgdt_end:
.Lgdt_desc:
	.word	.Lgdt_end - .Lgdt - 1
	.long	0
	.balign	4
.Lprotected_ptr:
	.long	0
	.word	0x08
.Llong_ptr:
	.long	0
	.word	0x10

	/* struct mk_trampoline_params, filled in by the host */
	.balign	8
.Lparams:
	.fill	32, 1, 0
SYM_DATA_END_LABEL(mk_trampoline, SYM_L_GLOBAL, mk_trampoline_end)

/*
 * Where the host parks a CPU it takes back from a partition, until it
 * onlines the CPU or starts another partition on it: copied to a page of
 * the host's below 1 MiB and entered by a STARTUP IPI after an INIT.  It
 * sets its last byte, so the host knows the CPU runs host code, and halts
 * with interrupts off.  A CPU that runs this no longer waits for a STARTUP
 * IPI, so one the partition sent before it was stopped cannot restart it.
 */
	.balign	16
SYM_DATA_START(mk_park)
	.code16
	cli
	movb	$1, %cs:(.Lpark_flag - mk_park)
.Lpark_halt:
	hlt
	jmp	.Lpark_halt
.Lpark_flag:
	.byte	0
SYM_DATA_END_LABEL(mk_park, SYM_L_GLOBAL, mk_park_end)

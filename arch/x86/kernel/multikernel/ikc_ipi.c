// SPDX-License-Identifier: GPL-2.0-only
/*
 * IKC doorbells: an IPI on MULTIKERNEL_IKC_VECTOR to a CPU of another
 * kernel, named by its APIC id (the other kernel's CPU numbers mean
 * nothing here).  Host and partitions run the same vector; what a
 * doorbell is about is read from the shared area by the IKC driver.
 */

#include <linux/compiler.h>
#include <linux/irqflags.h>

#include <asm/apic.h>
#include <asm/idtentry.h>
#include <asm/irq_regs.h>
#include <asm/multikernel.h>

/* Set once at boot, before anyone knows where to send us doorbells. */
static void (*mk_ikc_handler)(void) __ro_after_init;

DEFINE_IDTENTRY_SYSVEC(sysvec_multikernel_ikc)
{
	struct pt_regs *old_regs = set_irq_regs(regs);

	apic_eoi();
	if (mk_ikc_handler)
		mk_ikc_handler();
	set_irq_regs(old_regs);
}

/**
 * multikernel_set_ikc_handler() - who handles IKC doorbells
 * @handler: called in hard interrupt context
 *
 * Only at boot (initcalls).
 */
void __init multikernel_set_ikc_handler(void (*handler)(void))
{
	mk_ikc_handler = handler;
}

/**
 * multikernel_send_ikc_ipi() - ring a doorbell of another kernel
 * @apicid: the CPU, which must belong to the kernel meant
 *
 * Any context.
 */
void multikernel_send_ikc_ipi(u32 apicid)
{
	unsigned long flags;

	/* xAPIC writes the destination and the command separately. */
	local_irq_save(flags);
	apic_icr_write(APIC_DM_FIXED | APIC_DEST_PHYSICAL | MULTIKERNEL_IKC_VECTOR,
		       apicid);
	local_irq_restore(flags);
}

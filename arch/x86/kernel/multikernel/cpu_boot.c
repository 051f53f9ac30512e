// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host side: start a partition's boot CPU in the partition kernel, and
 * take CPUs back from a partition.
 *
 * The CPU is offline in the host.  INIT and STARTUP IPIs send it to a copy
 * of trampoline.S in the partition's memory below 1 MiB, with an identity
 * page table next to it; it enters the partition kernel in long mode.  The
 * partition starts its other CPUs itself, the same way, with its own
 * trampoline.  To take CPUs back, the host disarms the trampoline (it runs
 * once), INITs the CPUs and parks each in a
 * page of its own below 1 MiB (mk_park in trampoline.S), waiting until the
 * CPU says it got there: after an INIT alone, a STARTUP IPI that was still
 * pending (the partition's, to start its other CPUs, or the host's own
 * when the CPU had not run yet) would start the CPU again in partition
 * memory, which the host then scrubs under it.
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/cpufeature.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/pgtable.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include <asm/apic.h>
#include <asm/multikernel.h>
#include <asm/processor-flags.h>
#include <asm/tsc.h>

#include "internal.h"

/* trampoline.S finds the armed byte at this offset of its parameters. */
static_assert(offsetof(struct mk_trampoline_params, armed) == 24);
static_assert(sizeof(struct mk_trampoline_params) == 32);

#define MK_PT_FLAGS	(_PAGE_PRESENT | _PAGE_RW)

/* The partition's copy of the trampoline, and its parameters at its end. */
static u8 *mk_trampoline_copy(const struct mk_part_layout *mem)
{
	return phys_to_virt(mem->low_base + MK_LOW_TRAMPOLINE * PAGE_SIZE);
}

static struct mk_trampoline_params *
mk_trampoline_params_of(const struct mk_part_layout *mem)
{
	size_t len = mk_trampoline_end - mk_trampoline;

	return (void *)(mk_trampoline_copy(mem) + len -
			sizeof(struct mk_trampoline_params));
}

/*
 * Identity map for the way into the partition: all of the first 512 GiB
 * with 1 GiB pages, or the first 4 GiB with 2 MiB pages when the CPU has
 * no 1 GiB pages.  The partition kernel builds its own at once.
 */
static int mk_build_identity_map(const struct mk_part_layout *mem, u32 *cr3,
				 u32 *cr4)
{
	phys_addr_t low = mem->low_base, end = mem->base + mem->size;
	u64 *top = phys_to_virt(low + MK_LOW_TOP * PAGE_SIZE);
	u64 *p4d = phys_to_virt(low + MK_LOW_P4D * PAGE_SIZE);
	u64 *pud = phys_to_virt(low + MK_LOW_PUD * PAGE_SIZE);
	u64 *pmd = phys_to_virt(low + MK_LOW_PMD * PAGE_SIZE);
	bool gbpages = boot_cpu_has(X86_FEATURE_GBPAGES);
	unsigned int i;

	if (end > (gbpages ? 512 * (u64)SZ_1G : 4 * (u64)SZ_1G))
		return -ERANGE;
	memset(top, 0, (MK_LOW_PAGES - MK_LOW_TOP) * PAGE_SIZE);

	*cr4 = X86_CR4_PAE;
	if (pgtable_l5_enabled()) {
		/* Long mode keeps the paging depth it is entered with. */
		*cr4 |= X86_CR4_LA57;
		top[0] = (low + MK_LOW_P4D * PAGE_SIZE) | MK_PT_FLAGS;
		top = p4d;
	}
	top[0] = (low + MK_LOW_PUD * PAGE_SIZE) | MK_PT_FLAGS;
	if (gbpages) {
		for (i = 0; i < PTRS_PER_PUD; i++)
			pud[i] = ((u64)i << 30) | MK_PT_FLAGS | _PAGE_PSE;
	} else {
		for (i = 0; i < 4; i++)
			pud[i] = (low + (MK_LOW_PMD + i) * PAGE_SIZE) | MK_PT_FLAGS;
		for (i = 0; i < 4 * PTRS_PER_PMD; i++)
			pmd[i] = ((u64)i << 21) | MK_PT_FLAGS | _PAGE_PSE;
	}
	*cr3 = low + MK_LOW_TOP * PAGE_SIZE;
	return 0;
}

/*
 * INIT: asserted, then deasserted after @assert_ms (the MP specification's
 * 10 ms for a start; none when taking a CPU back, where every millisecond
 * is one in which a late STARTUP IPI could restart the CPU).
 */
static void mk_send_init(u32 apicid, unsigned int assert_ms)
{
	apic_icr_write(APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT, apicid);
	safe_apic_wait_icr_idle();
	mdelay(assert_ms);
	apic_icr_write(APIC_INT_LEVELTRIG | APIC_DM_INIT, apicid);
	safe_apic_wait_icr_idle();
}

static void mk_send_startup(u32 apicid, phys_addr_t page)
{
	apic_write(APIC_ESR, 0);
	apic_read(APIC_ESR);
	apic_icr_write(APIC_DM_STARTUP | (page >> PAGE_SHIFT), apicid);
	safe_apic_wait_icr_idle();
}

/**
 * mk_arch_start() - start a loaded partition kernel
 * @mem: the partition's memory
 * @img: the kernel, as mk_arch_load() left it
 * @boot_cpu: the CPU to start it on, offline in the host
 *
 * Return: 0 when the CPU was sent on its way, or a negative errno.
 */
int mk_arch_start(const struct mk_part_layout *mem,
		  const struct mk_part_image *img, unsigned int boot_cpu)
{
	size_t len = mk_trampoline_end - mk_trampoline;
	struct mk_trampoline_params *params;
	struct mk_boot_info *info;
	u32 apicid = per_cpu(x86_cpu_to_apicid, boot_cpu);
	int ret, i;

	if (mem->low_size < MK_LOW_PAGES * PAGE_SIZE || len > PAGE_SIZE ||
	    mem->low_base + mem->low_size > SZ_1M)
		return -EINVAL;

	memcpy(mk_trampoline_copy(mem), mk_trampoline, len);
	params = mk_trampoline_params_of(mem);
	ret = mk_build_identity_map(mem, &params->cr3, &params->cr4);
	if (ret)
		return ret;
	params->boot_params = img->boot_params;
	params->entry = img->entry;
	params->armed = 1;

	memset(phys_to_virt(img->status), 0, PAGE_SIZE);
	info = phys_to_virt(img->boot_info);
	info->wall_ns = cpu_to_le64(ktime_get_real_ns());
	info->wall_tsc = cpu_to_le64(rdtsc());

	/* Everything above is in memory before the CPU can look at it. */
	mb();

	preempt_disable();
	mk_send_init(apicid, 10);
	preempt_enable();
	for (i = 0; i < 2; i++) {
		preempt_disable();
		mk_send_startup(apicid, mem->low_base + MK_LOW_TRAMPOLINE * PAGE_SIZE);
		preempt_enable();
		usleep_range(300, 400);
	}
	return 0;
}

/* Tries and time for one CPU to reach the park page: slow under emulation. */
#define MK_PARK_TRIES		3
#define MK_PARK_WAIT_MS		1000

/* INIT a CPU and send it straight to the park page. */
static void mk_send_park(unsigned int cpu, phys_addr_t park)
{
	u32 apicid = per_cpu(x86_cpu_to_apicid, cpu);

	preempt_disable();
	mk_send_init(apicid, 0);
	mk_send_startup(apicid, park);
	preempt_enable();
}

/* Park @cpu and wait until it says it got there; true once it did. */
static bool mk_park_cpu(unsigned int cpu, phys_addr_t park)
{
	size_t len = mk_park_end - mk_park;
	u8 *flag = (u8 *)phys_to_virt(park) + len - 1;
	unsigned long deadline;
	int try;

	for (try = 0; try < MK_PARK_TRIES; try++) {
		WRITE_ONCE(*flag, 0);
		/* The cleared flag is in memory before the CPU can set it. */
		mb();
		mk_send_park(cpu, park);
		deadline = jiffies + msecs_to_jiffies(MK_PARK_WAIT_MS);
		while (!READ_ONCE(*flag) && time_before(jiffies, deadline))
			usleep_range(200, 500);
		if (READ_ONCE(*flag))
			return true;
	}
	return false;
}

/**
 * mk_arch_take_back_cpus() - stop a partition's CPUs wherever they are
 * @mem: the partition's memory, whose trampoline started its boot CPU
 * @cpus: the CPUs, offline in the host
 * @park: a page below 1 MiB that the host keeps for this
 *
 * Disarms the partition's trampoline, so that a STARTUP IPI of its start
 * that arrives late halts the CPU instead of entering the partition again;
 * sends every CPU at once to the park page; then parks each again and
 * waits until it got there, twice over, since a CPU can still have sent
 * its neighbour an IPI before its own INIT.  On return no CPU of @cpus
 * runs partition code: the host may scrub the partition's memory, online
 * the CPUs or start another partition on them.  May sleep.
 */
void mk_arch_take_back_cpus(const struct mk_part_layout *mem,
			    const struct cpumask *cpus, phys_addr_t park)
{
	unsigned int cpu;
	int pass;

	WRITE_ONCE(mk_trampoline_params_of(mem)->armed, 0);
	memcpy(phys_to_virt(park), mk_park, mk_park_end - mk_park);
	/* Disarmed, and the park page ready, before any CPU is sent. */
	mb();
	for_each_cpu(cpu, cpus)
		mk_send_park(cpu, park);
	for (pass = 0; pass < 2; pass++)
		for_each_cpu(cpu, cpus)
			if (!mk_park_cpu(cpu, park))
				pr_warn("CPU %u did not reach the park page\n", cpu);
}

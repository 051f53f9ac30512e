// SPDX-License-Identifier: GPL-2.0-only
/*
 * The platform of a partition kernel: a kernel booted by a multikernel host
 * on some of the machine's CPUs and memory, beside the host.
 *
 * The host describes the partition in a SETUP_MULTIKERNEL setup_data.
 * From it the partition learns its CPUs, its TSC frequency and its console,
 * and it stays off every piece of hardware the machine has only one of:
 * ACPI, the I/O APIC and the 8259 PIC, the PIT and HPET, the CMOS clock,
 * PCI configuration space, the keyboard controller and the serial ports
 * it was not given.  Time comes from the TSC and the local APIC timer;
 * interrupts other than the local APIC's do not exist, so its console
 * UART is polled.
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/acpi.h>
#include <linux/cpufeature.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/serial_8250.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include <asm/apic.h>
#include <asm/i8259.h>
#include <asm/multikernel.h>
#include <asm/pci_x86.h>
#include <asm/setup.h>
#include <asm/tsc.h>
#include <asm/x86_init.h>

#include "internal.h"

struct mk_part_boot mk_boot __ro_after_init;
static bool mk_partition __ro_after_init;

/**
 * multikernel_is_partition() - whether this kernel runs as a partition
 *
 * Return: true when a multikernel host booted this kernel beside itself.
 */
bool multikernel_is_partition(void)
{
	return mk_partition;
}

static unsigned long mk_tsc_khz(void)
{
	return mk_boot.tsc_khz;
}

static void __init mk_timer_init(void)
{
	/* 0: the TSC deadline timer needs no calibration. */
	if (mk_boot.lapic_timer_hz)
		lapic_timer_period = div_u64(mk_boot.lapic_timer_hz, HZ);
}

/* The host's wall clock at start, advanced by the TSC since then. */
static void mk_get_wallclock(struct timespec64 *now)
{
	u64 ns = mk_boot.wall_ns;

	if (ns)
		ns += mul_u64_u64_div_u64(rdtsc() - mk_boot.wall_tsc,
					  NSEC_PER_MSEC, mk_boot.tsc_khz);
	*now = ns_to_timespec64(ns);
}

/* The CMOS clock belongs to the host. */
static int mk_set_wallclock(const struct timespec64 *now)
{
	return -ENODEV;
}

static void __init mk_parse_smp_cfg(void)
{
	unsigned int i;

	register_lapic_address(APIC_DEFAULT_PHYS_BASE);
	for (i = 0; i < mk_boot.nr_cpus; i++)
		topology_register_apic(mk_boot.apicids[i],
				       CPU_ACPIID_INVALID, true);
	smp_found_config = 1;
}

static int __init mk_pci_arch_init(void)
{
	/* No configuration space access: 0xcf8/0xcfc are the host's. */
	return 0;
}

#if IS_BUILTIN(CONFIG_SERIAL_8250)
/*
 * Legacy UARTs: keep the one the host gave us, polled (we have no I/O APIC
 * to route its interrupt), and never probe the others, which the host or
 * another partition may be using.
 */
static void mk_serial_fixup(int port, struct uart_port *up, u32 *capabilities)
{
	if (mk_boot.console_port && up->iobase == mk_boot.console_port) {
		up->irq = 0;
		return;
	}
	up->iobase = 0;
}

static void __init mk_serial_setup(void)
{
	serial8250_set_isa_configurator(mk_serial_fixup);
}
#else
static void __init mk_serial_setup(void)
{
}
#endif

/* The host's words, in our byte order, and whether we can run on them. */
static bool __init mk_decode_boot_info(const struct mk_boot_info *info,
				       struct mk_part_boot *b)
{
	unsigned int i;

	if (le32_to_cpu(info->version) != MK_BOOT_INFO_VERSION)
		return false;
	b->id = le32_to_cpu(info->id);
	b->nr_cpus = le32_to_cpu(info->nr_cpus);
	if (b->nr_cpus < 1 || b->nr_cpus > MK_MAX_PART_CPUS)
		return false;
	for (i = 0; i < b->nr_cpus; i++)
		b->apicids[i] = le32_to_cpu(info->apicids[i]);
	b->console_port = le32_to_cpu(info->console_port);
	b->tsc_khz = le64_to_cpu(info->tsc_khz);
	b->lapic_timer_hz = le64_to_cpu(info->lapic_timer_hz);
	b->status_pa = le64_to_cpu(info->status_pa);
	b->wall_ns = le64_to_cpu(info->wall_ns);
	b->wall_tsc = le64_to_cpu(info->wall_tsc);
	b->ikc_pa = le64_to_cpu(info->ikc_pa);
	b->ikc_size = le64_to_cpu(info->ikc_size);
	return b->tsc_khz && b->status_pa && PAGE_ALIGNED(b->status_pa) &&
	       PAGE_ALIGNED(b->ikc_pa) && PAGE_ALIGNED(b->ikc_size);
}

/**
 * multikernel_ikc_area() - where the IKC area shared with the host is
 * @size: out: its size
 *
 * Return: its physical address, or 0 when this kernel is no partition or
 * its host gave it none.
 */
phys_addr_t multikernel_ikc_area(size_t *size)
{
	if (!multikernel_is_partition())
		return 0;
	*size = mk_boot.ikc_size;
	return mk_boot.ikc_pa;
}

/**
 * multikernel_partition_setup() - take the platform of a partition kernel
 * @pa_data: physical address of the SETUP_MULTIKERNEL setup_data
 * @data_len: its length, header included
 *
 * Called from parse_setup_data(), before the platform is probed.
 */
void __init multikernel_partition_setup(u64 pa_data, u32 data_len)
{
	struct setup_data *data;
	bool usable;

	if (data_len < sizeof(*data) + sizeof(struct mk_boot_info)) {
		pr_err("setup_data too short (%u bytes): not a partition\n",
		       data_len);
		return;
	}
	data = early_memremap(pa_data, data_len);
	usable = mk_decode_boot_info((struct mk_boot_info *)data->data, &mk_boot);
	early_memunmap(data, data_len);
	if (!usable) {
		pr_err("unsupported boot information: not a partition\n");
		return;
	}
	mk_partition = true;

	x86_init.irqs.pre_vector_init = x86_init_noop;
	x86_init.timers.timer_init = mk_timer_init;
	x86_init.mpparse.find_mptable = x86_init_noop;
	x86_init.mpparse.early_parse_smp_cfg = x86_init_noop;
	x86_init.mpparse.parse_smp_cfg = mk_parse_smp_cfg;
	x86_init.pci.arch_init = mk_pci_arch_init;
	x86_init.resources.probe_roms = x86_init_noop;

	x86_platform.calibrate_cpu = mk_tsc_khz;
	x86_platform.calibrate_tsc = mk_tsc_khz;
	x86_platform.get_wallclock = mk_get_wallclock;
	x86_platform.set_wallclock = mk_set_wallclock;
	x86_platform.legacy.rtc = 0;
	x86_platform.legacy.warm_reset = 0;
	x86_platform.legacy.i8042 = X86_LEGACY_I8042_PLATFORM_ABSENT;

	legacy_pic = &null_legacy_pic;
	pci_probe = 0;
	disable_acpi();

	/* The host measured it; no PIT or HPET here to refine it with. */
	setup_force_cpu_cap(X86_FEATURE_TSC_KNOWN_FREQ);
	setup_force_cpu_cap(X86_FEATURE_TSC_RELIABLE);

	mk_serial_setup();
	mk_partition_machine_ops();
}

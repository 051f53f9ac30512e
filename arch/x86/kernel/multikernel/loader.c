// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host side: put a partition kernel (a bzImage), its initramfs and command
 * line in the partition's memory, with the boot_params of the 64-bit boot
 * protocol.  Its e820 map shows only the partition's own memory; its
 * SETUP_MULTIKERNEL setup_data tells it its CPUs, clock and console.
 *
 * The image comes from userspace and is checked field by field before
 * anything is written.
 *
 * Layout of the partition's memory:
 *
 *   base                         kernel, decompressed in place (init_size)
 *   after it                     initramfs
 *   then MK_IKC_AREA_SIZE        the IKC shared area (reserved)
 *   last MK_META_PAGES pages     boot_params, command line, setup_data,
 *                                status page (reserved in the e820 map)
 */

#define pr_fmt(fmt) "multikernel: " fmt

#include <linux/align.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <linux/string.h>

#include <asm/apic.h>
#include <asm/bootparam.h>
#include <asm/e820/types.h>
#include <asm/multikernel.h>
#include <asm/setup_data.h>
#include <asm/tsc.h>

#include "internal.h"

enum { MK_META_BOOT_PARAMS, MK_META_CMDLINE, MK_META_SETUP_DATA,
	MK_META_STATUS, MK_META_PAGES };

/* Always added: see Documentation/admin-guide/multikernel/partitions.rst. */
static const char mk_forced_cmdline[] =
	" no_ipi_broadcast=1 dis_ucode_ldr";

static const u16 mk_uart_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

#define MK_HDR_OFFSET	offsetof(struct boot_params, hdr)
#define MK_ENTRY_64	0x200

/* The setup header's end, from its jump instruction: 0x202 + jump target. */
static size_t mk_hdr_end(const u8 *kernel)
{
	return 0x202 + kernel[0x201];
}

/**
 * mk_check_image() - check a bzImage's setup header
 * @kernel: the file
 * @len: its length
 * @hdr: out: a copy of its setup header, zero-padded
 * @hdr_len: out: how many bytes of it the file has
 *
 * Return: 0, or -ENOEXEC when it is not a relocatable 64-bit bzImage of
 * boot protocol 2.12 or later.
 */
static int mk_check_image(const u8 *kernel, size_t len,
			  struct setup_header *hdr, size_t *hdr_len)
{
	size_t setup_len, end;

	if (len < 1024)
		return -ENOEXEC;
	end = mk_hdr_end(kernel);
	if (end < offsetofend(struct boot_params, hdr.init_size) ||
	    end > MK_HDR_OFFSET + sizeof(*hdr))
		return -ENOEXEC;
	memset(hdr, 0, sizeof(*hdr));
	*hdr_len = end - MK_HDR_OFFSET;
	memcpy(hdr, kernel + MK_HDR_OFFSET, *hdr_len);

	if (hdr->boot_flag != 0xAA55 || hdr->header != 0x53726448 ||
	    hdr->version < 0x020c)
		return -ENOEXEC;
	if (!(hdr->xloadflags & XLF_KERNEL_64) ||
	    !(hdr->loadflags & LOADED_HIGH) || !hdr->relocatable_kernel)
		return -ENOEXEC;
	if (!is_power_of_2(hdr->kernel_alignment) ||
	    hdr->kernel_alignment < PAGE_SIZE || hdr->kernel_alignment > SZ_1G)
		return -ENOEXEC;

	setup_len = ((hdr->setup_sects ?: 4) + 1) * 512;
	if (setup_len < end || setup_len + MK_ENTRY_64 >= len)
		return -ENOEXEC;
	/* The whole payload is there, and the decompressor has room for it. */
	if ((u64)hdr->syssize * 16 > len - setup_len ||
	    hdr->init_size < len - setup_len)
		return -ENOEXEC;
	return 0;
}

static void mk_add_e820(struct boot_params *bp, u64 addr, u64 size, u32 type)
{
	struct boot_e820_entry *e = &bp->e820_table[bp->e820_entries++];

	e->addr = addr;
	e->size = size;
	e->type = type;
}

static void mk_fill_boot_info(struct mk_boot_info *info, u32 id,
			      const struct cpumask *cpus, int console,
			      phys_addr_t status, phys_addr_t ikc)
{
	unsigned int cpu, nr = 0;

	info->version = cpu_to_le32(MK_BOOT_INFO_VERSION);
	info->id = cpu_to_le32(id);
	for_each_cpu(cpu, cpus)
		info->apicids[nr++] = cpu_to_le32(per_cpu(x86_cpu_to_apicid, cpu));
	info->nr_cpus = cpu_to_le32(nr);
	info->console_port = cpu_to_le32(console >= 0 ? mk_uart_ports[console] : 0);
	info->tsc_khz = cpu_to_le64(tsc_khz);
	/* Per second: the partition's kernel may run at another HZ. */
	info->lapic_timer_hz = cpu_to_le64((u64)lapic_timer_period * HZ);
	info->status_pa = cpu_to_le64(status);
	info->ikc_pa = cpu_to_le64(ikc);
	info->ikc_size = cpu_to_le64(MK_IKC_AREA_SIZE);
}

/**
 * mk_arch_load() - load a partition kernel into the partition's memory
 * @mem: the partition's memory
 * @id: the partition's id
 * @cpus: its CPUs, at most MK_MAX_PART_CPUS; the first boots it
 * @console: index of the legacy UART it gets, or -1
 * @kernel: the bzImage ...
 * @kernel_len: ... and its length
 * @initrd: the initramfs, or NULL ...
 * @initrd_len: ... and its length
 * @cmdline: its command line, NUL-terminated
 * @img: out: where things are, for mk_arch_start()
 *
 * Return: 0; -ENOEXEC if @kernel is not a kernel this loader can boot;
 * -E2BIG if the command line is too long for it; -EFBIG if the kernel and
 * initramfs do not fit the partition's memory.
 */
int mk_arch_load(const struct mk_part_layout *mem, u32 id,
		 const struct cpumask *cpus, int console,
		 const void *kernel, size_t kernel_len,
		 const void *initrd, size_t initrd_len,
		 const char *cmdline, struct mk_part_image *img)
{
	phys_addr_t load, initrd_pa, meta, ikc, end = mem->base + mem->size;
	size_t hdr_len, setup_len, cmd_len, max_cmd;
	struct boot_params *bp;
	struct setup_data *sd;
	struct setup_header hdr;
	char *cmd;
	int ret;

	if (WARN_ON_ONCE(cpumask_weight(cpus) > MK_MAX_PART_CPUS ||
			 console >= (int)ARRAY_SIZE(mk_uart_ports)))
		return -EINVAL;
	ret = mk_check_image(kernel, kernel_len, &hdr, &hdr_len);
	if (ret)
		return ret;

	max_cmd = min_t(size_t, hdr.cmdline_size, PAGE_SIZE - 1);
	cmd_len = strlen(cmdline) + strlen(mk_forced_cmdline);
	if (cmd_len > max_cmd)
		return -E2BIG;

	meta = end - MK_META_PAGES * PAGE_SIZE;
	ikc = meta - MK_IKC_AREA_SIZE;
	load = ALIGN(mem->base, hdr.kernel_alignment);
	initrd_pa = PAGE_ALIGN(load + hdr.init_size);
	if (load >= ikc || initrd_pa > ikc ||
	    PAGE_ALIGN(initrd_len) > ikc - initrd_pa)
		return -EFBIG;
	if (initrd_len && !(hdr.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) &&
	    initrd_pa + initrd_len - 1 > hdr.initrd_addr_max)
		return -EFBIG;

	setup_len = ((hdr.setup_sects ?: 4) + 1) * 512;
	memcpy(phys_to_virt(load), kernel + setup_len, kernel_len - setup_len);
	if (initrd_len)
		memcpy(phys_to_virt(initrd_pa), initrd, initrd_len);
	memset(phys_to_virt(ikc), 0, end - ikc);

	img->entry = load + MK_ENTRY_64;
	img->boot_params = meta + MK_META_BOOT_PARAMS * PAGE_SIZE;
	img->boot_info = meta + MK_META_SETUP_DATA * PAGE_SIZE +
			 sizeof(struct setup_data);
	img->status = meta + MK_META_STATUS * PAGE_SIZE;
	img->ikc = ikc;

	cmd = phys_to_virt(meta + MK_META_CMDLINE * PAGE_SIZE);
	strscpy(cmd, cmdline, PAGE_SIZE);
	strlcat(cmd, mk_forced_cmdline, PAGE_SIZE);

	sd = phys_to_virt(meta + MK_META_SETUP_DATA * PAGE_SIZE);
	sd->type = SETUP_MULTIKERNEL;
	sd->len = sizeof(struct mk_boot_info);
	mk_fill_boot_info((struct mk_boot_info *)sd->data, id, cpus, console,
			  img->status, img->ikc);

	bp = phys_to_virt(img->boot_params);
	memcpy(&bp->hdr, &hdr, hdr_len);
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.cmd_line_ptr = lower_32_bits(meta + MK_META_CMDLINE * PAGE_SIZE);
	bp->ext_cmd_line_ptr = upper_32_bits(meta + MK_META_CMDLINE * PAGE_SIZE);
	if (initrd_len) {
		bp->hdr.ramdisk_image = lower_32_bits(initrd_pa);
		bp->ext_ramdisk_image = upper_32_bits(initrd_pa);
		bp->hdr.ramdisk_size = lower_32_bits(initrd_len);
		bp->ext_ramdisk_size = upper_32_bits(initrd_len);
	}
	bp->hdr.setup_data = meta + MK_META_SETUP_DATA * PAGE_SIZE;

	/*
	 * Only its own memory; the low part first, the map is sorted.  The
	 * trampoline page stays the host's: the host disarms it when it
	 * takes the CPUs back (cpu_boot.c).
	 */
	mk_add_e820(bp, mem->low_base, PAGE_SIZE, E820_TYPE_RESERVED);
	mk_add_e820(bp, mem->low_base + PAGE_SIZE, mem->low_size - PAGE_SIZE,
		    E820_TYPE_RAM);
	mk_add_e820(bp, mem->base, ikc - mem->base, E820_TYPE_RAM);
	mk_add_e820(bp, ikc, end - ikc, E820_TYPE_RESERVED);
	return 0;
}

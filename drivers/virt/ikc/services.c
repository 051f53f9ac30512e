// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IKC services, by the numbers include/linux/multikernel/ikc_area.h
 * gives them, and the lists of services that say what a new shared area's
 * slots are for.
 */

#include <linux/errno.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/* Indexed by number; a retired number keeps its entry, without a name. */
const struct ikc_service ikc_services[IKC_SVC_NR] = {
	[IKC_SVC_ECHO] = { .name = "echo", .has_arg = false },
	[IKC_SVC_VIRTIO] = { .name = "virtio", .has_arg = true },
	[IKC_SVC_DELEG] = { .name = "deleg", .has_arg = false },
};

/**
 * ikc_service_get() - a service by its number
 * @nr: IKC_SVC_*, perhaps read from the other kernel
 *
 * Return: the service, or NULL when this kernel does not know it.
 */
const struct ikc_service *ikc_service_get(u32 nr)
{
	if (nr >= IKC_SVC_NR || !ikc_services[nr].name)
		return NULL;
	return &ikc_services[array_index_nospec(nr, IKC_SVC_NR)];
}

/**
 * ikc_service_by_name() - a service by its name
 * @name: as in sysfs and in lists of services
 *
 * Return: the service, or NULL when there is none of that name.
 */
const struct ikc_service *ikc_service_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < IKC_SVC_NR; i++)
		if (ikc_services[i].name && !strcmp(ikc_services[i].name, name))
			return &ikc_services[i];
	return NULL;
}

/* "echo@part*4": one descriptor and its count, or -EINVAL. */
static int ikc_parse_slot(char *tok, struct ikc_slot_desc *d)
{
	char *rep = strchr(tok, '*'), *at = strchr(tok, '@'), *arg;
	const struct ikc_service *svc;
	unsigned int n = 1;
	u32 value = 0;

	if (rep) {
		*rep++ = '\0';
		if (kstrtouint(rep, 0, &n) || !n || n > IKC_MAX_SLOTS)
			return -EINVAL;
	}
	memset(d, 0, sizeof(*d));
	if (at) {
		*at++ = '\0';
		if (strcmp(at, "part"))
			return -EINVAL;
		d->flags = cpu_to_le32(IKC_SLOT_OFFERED_BY_PEER);
	}
	arg = strchr(tok, ':');
	if (arg) {
		*arg++ = '\0';
		if (kstrtou32(arg, 0, &value))
			return -EINVAL;
		d->arg = cpu_to_le32(value);
	}
	svc = ikc_service_by_name(tok);
	if (!svc || svc->has_arg != !!arg)
		return -EINVAL;
	d->service = cpu_to_le32(svc - ikc_services);
	return n;
}

/**
 * ikc_parse_slots() - slot descriptors from a list of services
 * @list: "echo echo@part*4 virtio:3": a service by name (with ":ARG" when
 *	it takes an argument, as virtio its device id), "@part" when the
 *	other side offers it, "*N" to repeat; separated by spaces or commas
 * @slots: out: IKC_MAX_SLOTS descriptors
 *
 * Return: the number of slots, -EINVAL when the list is empty or
 * malformed, -E2BIG when it needs more than IKC_MAX_SLOTS.
 */
int ikc_parse_slots(const char *list, struct ikc_slot_desc *slots)
{
	char *s, *p, *tok;
	int nr = 0, n = 0;

	s = kstrdup(list, GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	p = s;
	while ((tok = strsep(&p, " ,\t\n"))) {
		if (!*tok)
			continue;
		if (nr == IKC_MAX_SLOTS) {
			n = -E2BIG;
			break;
		}
		n = ikc_parse_slot(tok, &slots[nr]);
		if (n < 0)
			break;
		if (n > IKC_MAX_SLOTS - nr) {
			n = -E2BIG;
			break;
		}
		while (--n > 0) {
			slots[nr + 1] = slots[nr];
			nr++;
		}
		nr++;
	}
	kfree(s);
	if (n < 0)
		return n;
	return nr ?: -EINVAL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-partition settings that other subsystems declare: IKC's list of
 * services, and the devices a partition is given.  The core keeps one
 * string per setting and partition, shows it as a file in the partition's
 * sysfs directory, lets the owner of the setting check what is written
 * there, and hands the values to the notifier chain when the partition
 * starts.  Values change only while the partition is not live.
 */

#include <linux/export.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "partition.h"

/**
 * struct mk_setting_attr - a registered setting and its sysfs file
 * @setting: the declaration, from its subsystem
 * @attr: the file each partition has for it
 */
struct mk_setting_attr {
	const struct mk_setting *setting;
	struct kobj_attribute attr;
};

/* Registered at boot, before a partition can exist; under mk_lock. */
static struct mk_setting_attr mk_settings[MK_MAX_SETTINGS];
static unsigned int mk_nr_settings;

static unsigned int mk_setting_index(const struct kobj_attribute *attr)
{
	return container_of(attr, struct mk_setting_attr, attr) - mk_settings;
}

static ssize_t mk_setting_show(struct kobject *kobj, struct kobj_attribute *attr,
			       char *buf)
{
	struct mk_partition *p = to_partition(kobj);

	guard(spinlock)(&p->lock);
	return sysfs_emit(buf, "%s\n", p->settings[mk_setting_index(attr)]);
}

static ssize_t mk_setting_store(struct kobject *kobj, struct kobj_attribute *attr,
				const char *buf, size_t count)
{
	const struct mk_setting *s = mk_settings[mk_setting_index(attr)].setting;
	struct mk_partition *p = to_partition(kobj);
	char *value, **slot;
	int ret;

	if (count >= MK_SETTING_MAX)
		return -E2BIG;
	value = kstrndup(buf, count, GFP_KERNEL);
	if (!value)
		return -ENOMEM;
	value[strcspn(value, "\n")] = '\0';

	/*
	 * Destroying a partition removes this file under mk_lock and waits
	 * for us: never sleep on the lock here.
	 */
	if (!mutex_trylock(&mk_lock)) {
		ret = restart_syscall();
		goto out;
	}
	slot = &p->settings[mk_setting_index(attr)];
	if (mk_is_live(p))
		ret = -EBUSY;
	else
		ret = s->check ? s->check(p->id, value) : 0;
	if (!ret) {
		scoped_guard(spinlock, &p->lock)
			swap(*slot, value);
		if (s->apply)
			s->apply(p->id, *slot);
		ret = count;
	}
	mutex_unlock(&mk_lock);
out:
	kfree(value);
	return ret;
}

/**
 * multikernel_register_setting() - give every partition a setting
 * @s: its declaration, which must stay valid
 *
 * Return: 0; -ENOSPC past MK_MAX_SETTINGS settings; -EBUSY once a
 * partition exists (register from an initcall).
 */
int multikernel_register_setting(const struct mk_setting *s)
{
	struct mk_setting_attr *a;

	guard(mutex)(&mk_lock);
	if (!idr_is_empty(&mk_partitions))
		return -EBUSY;
	if (mk_nr_settings == MK_MAX_SETTINGS)
		return -ENOSPC;
	a = &mk_settings[mk_nr_settings];
	a->setting = s;
	sysfs_attr_init(&a->attr.attr);
	a->attr.attr.name = s->name;
	a->attr.attr.mode = 0644;
	a->attr.show = mk_setting_show;
	a->attr.store = mk_setting_store;
	mk_nr_settings++;
	return 0;
}
EXPORT_SYMBOL_GPL(multikernel_register_setting);

/**
 * multikernel_setting() - a partition's value of a setting
 * @info: the partition, as the notifier chain passes it
 * @s: the setting, as registered
 *
 * Return: the value, valid until the notifier call returns; "" when @s
 * is not registered.
 */
const char *multikernel_setting(const struct mk_partition_info *info,
				const struct mk_setting *s)
{
	unsigned int i;

	lockdep_assert_held(&mk_lock);
	for (i = 0; i < mk_nr_settings; i++)
		if (mk_settings[i].setting == s)
			return info->settings[i];
	return "";
}
EXPORT_SYMBOL_GPL(multikernel_setting);

/**
 * multikernel_setting_for_each() - every partition's value of a setting
 * @s: the setting, as registered
 * @fn: called with each partition's id and value; a non-zero return
 *	stops the walk
 * @arg: passed to @fn
 *
 * For a setting's check, which runs under the same lock, to compare a
 * value with those of other partitions.
 *
 * Return: what @fn returned last, 0 when @s is not registered.
 */
int multikernel_setting_for_each(const struct mk_setting *s,
				 int (*fn)(u32 id, const char *value, void *arg),
				 void *arg)
{
	struct mk_partition *p;
	unsigned int i;
	int id, ret = 0;

	lockdep_assert_held(&mk_lock);
	for (i = 0; i < mk_nr_settings; i++)
		if (mk_settings[i].setting == s)
			break;
	if (i == mk_nr_settings)
		return 0;
	idr_for_each_entry(&mk_partitions, p, id) {
		ret = fn(p->id, p->settings[i], arg);
		if (ret)
			break;
	}
	return ret;
}
EXPORT_SYMBOL_GPL(multikernel_setting_for_each);

/* A new partition's values, as each setting's owner wants them. */
int mk_settings_alloc(struct mk_partition *p)
{
	const struct mk_setting *s;
	unsigned int i;

	for (i = 0; i < mk_nr_settings; i++) {
		p->settings[i] = kzalloc(MK_SETTING_MAX, GFP_KERNEL);
		if (!p->settings[i])
			return -ENOMEM;
		s = mk_settings[i].setting;
		if (s->init)
			s->init(p->settings[i]);
		p->settings[i][MK_SETTING_MAX - 1] = '\0';
	}
	return 0;
}

/* The files of a partition just added to sysfs. */
int mk_settings_add_files(struct mk_partition *p)
{
	unsigned int i;
	int ret;

	for (i = 0; i < mk_nr_settings; i++) {
		ret = sysfs_create_file(&p->kobj, &mk_settings[i].attr.attr);
		if (ret)
			return ret;
	}
	return 0;
}

/* A partition is destroyed: what its values made goes too. */
void mk_settings_forget(struct mk_partition *p)
{
	const struct mk_setting *s;
	unsigned int i;

	lockdep_assert_held(&mk_lock);
	for (i = 0; i < mk_nr_settings; i++) {
		s = mk_settings[i].setting;
		if (s->apply && p->settings[i] && p->settings[i][0])
			s->apply(p->id, "");
	}
}

void mk_settings_free(struct mk_partition *p)
{
	unsigned int i;

	for (i = 0; i < MK_MAX_SETTINGS; i++)
		kfree(p->settings[i]);
}

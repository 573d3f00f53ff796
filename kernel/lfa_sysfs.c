// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Live Firmware Activation (LFA) driver: the image inventory and
 * /sys/firmware/lfa/<GUID>/.
 */

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "lfa_fw.h"

/* More would be a broken agent; it bounds the time a rescan can take */
#define LFA_MAX_IMAGES	1024

/*
 * GUID_INIT() stores its first three fields little-endian, and sysfs
 * prints the agent's bytes as they come (%pUb): each comment gives the
 * directory name, and the fields are that name's byte-swapped groups.
 */
static const struct {
	guid_t guid;
	const char *name;
} lfa_known_images[] = {
	/* 47d4086d-4cfe-9846-9b95-2950cbbd5a00 */
	{ GUID_INIT(0x6d08d447, 0xfe4c, 0x4698,
		    0x9b, 0x95, 0x29, 0x50, 0xcb, 0xbd, 0x5a, 0x00),
	  "TF-A BL31 runtime" },
	/* d6d0eea7-fcea-d54b-9782-9934f234b6e4 */
	{ GUID_INIT(0xa7eed0d6, 0xeafc, 0x4bd5,
		    0x97, 0x82, 0x99, 0x34, 0xf2, 0x34, 0xb6, 0xe4),
	  "BL33 non-secure payload" },
	/* 6c0762a6-12f2-4b56-92cb-ba8f633606d9 */
	{ GUID_INIT(0xa662076c, 0xf212, 0x564b,
		    0x92, 0xcb, 0xba, 0x8f, 0x63, 0x36, 0x06, 0xd9),
	  "TF-RMM" },
};

static const char *lfa_known_name(const guid_t *guid)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(lfa_known_images); i++) {
		if (guid_equal(guid, &lfa_known_images[i].guid))
			return lfa_known_images[i].name;
	}

	return NULL;
}

/* Userspace's documented signal that /sys/firmware/lfa is up to date */
static char *lfa_settled_envp[] = { "LFA_INVENTORY=settled", NULL };

static struct lfa_image *to_image(struct kobject *kobj)
{
	return container_of(kobj, struct lfa_image, kobj);
}

/**
 * lfa_image_query_locked() - fresh GET_INVENTORY for an image
 * @img: the image
 * @inv: filled on success
 *
 * Context: @img->drv->seq_lock held, for reading or writing.
 * Return: 0; -ENOENT if the agent no longer lists the image at its
 * sequence id; otherwise the errno of the LFA status.
 */
int lfa_image_query_locked(struct lfa_image *img, struct lfa_inventory *inv)
{
	long status;

	lockdep_assert_held(&img->drv->seq_lock);

	if (img->gone)
		return -ENOENT;

	status = lfa_get_inventory(img->seq_id, inv);
	if (status == LFA_INVALID_PARAMETERS || status == LFA_WRONG_STATE)
		return -ENOENT;
	if (status)
		return lfa_status_to_errno(status);

	if (!guid_equal(&inv->guid, &img->guid))
		return -ENOENT;

	return 0;
}

/**
 * lfa_image_query() - fresh GET_INVENTORY for an image, taking the lock
 * @img: the image
 * @inv: filled on success
 *
 * Context: process context; may wait for a running ACTIVATE and rescan.
 * Return: as lfa_image_query_locked(), or -EINTR if killed while waiting.
 */
int lfa_image_query(struct lfa_image *img, struct lfa_inventory *inv)
{
	int ret;

	ret = down_read_killable(&img->drv->seq_lock);
	if (ret)
		return ret;
	ret = lfa_image_query_locked(img, inv);
	up_read(&img->drv->seq_lock);

	return ret;
}

/* A reader waits for a running ACTIVATE, so that it can be killed */
static int lfa_cached_inv(struct lfa_image *img, struct lfa_inventory *inv)
{
	int ret;

	ret = down_read_killable(&img->drv->seq_lock);
	if (ret)
		return ret;
	*inv = img->inv;
	up_read(&img->drv->seq_lock);

	return 0;
}

static ssize_t lfa_emit_version(char *buf, u64 ver)
{
	if (ver == LFA_VER_UNREPORTED)
		return sysfs_emit(buf, "unknown\n");
	return sysfs_emit(buf, "%llu.%llu\n", FIELD_GET(LFA_VER_MAJOR, ver),
			  FIELD_GET(LFA_VER_MINOR, ver));
}

static ssize_t name_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct lfa_image *img = to_image(kobj);

	if (img->name)
		return sysfs_emit(buf, "%s\n", img->name);
	return sysfs_emit(buf, "%pUb\n", &img->guid);
}

static ssize_t current_version_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct lfa_inventory inv;
	int ret;

	ret = lfa_cached_inv(to_image(kobj), &inv);
	if (ret)
		return ret;

	return lfa_emit_version(buf, inv.cur_ver);
}

static ssize_t pending_version_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct lfa_inventory inv;
	int ret;

	ret = lfa_image_query(to_image(kobj), &inv);
	if (ret)
		return ret;
	if (!(inv.flags & LFA_INV_PENDING))
		return sysfs_emit(buf, "N/A\n");

	return lfa_emit_version(buf, inv.pend_ver);
}

static ssize_t activation_pending_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	struct lfa_inventory inv;
	int ret;

	ret = lfa_image_query(to_image(kobj), &inv);
	if (ret)
		return ret;

	return sysfs_emit(buf, "%d\n", !!(inv.flags & LFA_INV_PENDING));
}

/* "1" when the cached @mask bit is @set, else "0" */
static ssize_t lfa_flag_show(struct kobject *kobj, char *buf, u64 mask,
			     bool set)
{
	struct lfa_inventory inv;
	int ret;

	ret = lfa_cached_inv(to_image(kobj), &inv);
	if (ret)
		return ret;

	return sysfs_emit(buf, "%d\n", !!(inv.flags & mask) == set);
}

static ssize_t activation_capable_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return lfa_flag_show(kobj, buf, LFA_INV_CAPABLE, true);
}

static ssize_t may_reset_cpu_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return lfa_flag_show(kobj, buf, LFA_INV_MAY_RESET_CPU, true);
}

static ssize_t cpu_rendezvous_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	/* The ABI flags the optional case; a rendezvous is the default */
	return lfa_flag_show(kobj, buf, LFA_INV_RENDEZVOUS_OPT, false);
}

static ssize_t force_cpu_rendezvous_show(struct kobject *kobj,
					 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(to_image(kobj)->force_rendezvous));
}

/* The user settings are lone bools, read without a lock (see lfa_image) */
static ssize_t lfa_setting_store(bool *setting, const char *buf, size_t count)
{
	bool val;
	int ret;

	ret = kstrtobool(buf, &val);
	if (ret)
		return ret;
	WRITE_ONCE(*setting, val);

	return count;
}

static ssize_t force_cpu_rendezvous_store(struct kobject *kobj,
					  struct kobj_attribute *attr,
					  const char *buf, size_t count)
{
	return lfa_setting_store(&to_image(kobj)->force_rendezvous, buf, count);
}

static ssize_t auto_activate_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_image(kobj)->auto_activate));
}

static ssize_t auto_activate_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	return lfa_setting_store(&to_image(kobj)->auto_activate, buf, count);
}

/*
 * activate and cancel take "1" and run under act_lock. A second writer
 * must not queue behind a 40 s activation, so it gets -EBUSY; a running
 * activation cancels by itself when it fails.
 */
static ssize_t lfa_image_op_store(struct kobject *kobj, const char *buf,
				  size_t count,
				  int (*op)(struct lfa_image *img))
{
	struct lfa_image *img = to_image(kobj);
	struct lfa_drv *drv = img->drv;
	int ret;

	if (!sysfs_streq(buf, "1"))
		return -EINVAL;

	if (!mutex_trylock(&drv->act_lock))
		return -EBUSY;
	if (drv->dying)
		ret = -ENODEV;
	else
		ret = op(img);
	mutex_unlock(&drv->act_lock);

	return ret ? ret : count;
}

static ssize_t activate_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t count)
{
	return lfa_image_op_store(kobj, buf, count, lfa_activate_locked);
}

static ssize_t cancel_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	return lfa_image_op_store(kobj, buf, count, lfa_cancel);
}

static struct kobj_attribute lfa_attr_name = __ATTR_RO(name);
static struct kobj_attribute lfa_attr_current_version = __ATTR_RO(current_version);
static struct kobj_attribute lfa_attr_pending_version = __ATTR_RO(pending_version);
static struct kobj_attribute lfa_attr_activation_capable = __ATTR_RO(activation_capable);
static struct kobj_attribute lfa_attr_activation_pending = __ATTR_RO(activation_pending);
static struct kobj_attribute lfa_attr_may_reset_cpu = __ATTR_RO(may_reset_cpu);
static struct kobj_attribute lfa_attr_cpu_rendezvous = __ATTR_RO(cpu_rendezvous);
static struct kobj_attribute lfa_attr_force_cpu_rendezvous =
	__ATTR_RW_MODE(force_cpu_rendezvous, 0644);
static struct kobj_attribute lfa_attr_activate = __ATTR_WO(activate);
static struct kobj_attribute lfa_attr_cancel = __ATTR_WO(cancel);
static struct kobj_attribute lfa_attr_auto_activate =
	__ATTR_RW_MODE(auto_activate, 0644);

static struct attribute *lfa_image_attrs[] = {
	&lfa_attr_name.attr,
	&lfa_attr_current_version.attr,
	&lfa_attr_pending_version.attr,
	&lfa_attr_activation_capable.attr,
	&lfa_attr_activation_pending.attr,
	&lfa_attr_may_reset_cpu.attr,
	&lfa_attr_cpu_rendezvous.attr,
	&lfa_attr_force_cpu_rendezvous.attr,
	&lfa_attr_activate.attr,
	&lfa_attr_cancel.attr,
	&lfa_attr_auto_activate.attr,
	NULL
};
ATTRIBUTE_GROUPS(lfa_image);

static void lfa_image_release(struct kobject *kobj)
{
	kfree(to_image(kobj));
}

static const struct kobj_type lfa_image_ktype = {
	.release	= lfa_image_release,
	.sysfs_ops	= &kobj_sysfs_ops,
	.default_groups	= lfa_image_groups,
};

static struct lfa_image *lfa_image_create(struct lfa_drv *drv, u64 seq_id,
					  const struct lfa_inventory *inv)
{
	struct lfa_image *img;
	int ret;

	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return NULL;

	img->drv = drv;
	img->guid = inv->guid;
	img->name = lfa_known_name(&inv->guid);
	img->seq_id = seq_id;
	img->inv = *inv;
	img->force_rendezvous = true;
	INIT_LIST_HEAD(&img->dead_node);

	img->kobj.kset = drv->kset;
	ret = kobject_init_and_add(&img->kobj, &lfa_image_ktype, NULL, "%pUb",
				   &img->guid);
	if (ret) {
		dev_err(drv->dev, "%pUb: cannot create sysfs directory: %d\n",
			&inv->guid, ret);
		kobject_put(&img->kobj);
		return NULL;
	}

	return img;
}

static struct lfa_image *lfa_find_image(struct lfa_drv *drv,
					const guid_t *guid)
{
	struct lfa_image *img;

	list_for_each_entry(img, &drv->images, node) {
		if (guid_equal(&img->guid, guid))
			return img;
	}

	return NULL;
}

static void lfa_image_bury(struct lfa_image *img)
{
	img->gone = true;
	list_del_init(&img->node);
	list_add_tail(&img->dead_node, &img->drv->dead);
}

/*
 * An image listed again before the settle work removed its directory:
 * the directory still exists, so it is kept rather than created twice.
 */
static struct lfa_image *lfa_image_revive(struct lfa_drv *drv,
					  const guid_t *guid)
{
	struct lfa_image *img;

	list_for_each_entry(img, &drv->dead, dead_node) {
		if (guid_equal(&img->guid, guid)) {
			list_del_init(&img->dead_node);
			return img;
		}
	}

	return NULL;
}

/**
 * lfa_rescan() - re-enumerate the agent's images and update sysfs
 * @drv: driver state
 *
 * Existing directories are kept (with their user settings) and given
 * their new sequence ids; new images get a directory; vanished images
 * are handed to the settle work, which removes them and then sends the
 * KOBJ_CHANGE that tells userspace the inventory settled. An inventory
 * that could not be read completely (a GET_INVENTORY failed, or the agent
 * lists more than LFA_MAX_IMAGES) removes nothing and is not announced:
 * userspace would take it for the whole truth.
 *
 * Context: @drv->act_lock held and @drv->seq_lock held for writing.
 * Return: 0, or a negative errno if GET_INFO failed.
 */
int lfa_rescan(struct lfa_drv *drv)
{
	struct arm_smccc_1_2_regs in = { .a0 = LFA_GET_INFO, .a1 = 0 };
	struct arm_smccc_1_2_regs out = {};
	struct lfa_image *img, *tmp;
	struct lfa_inventory inv;
	bool complete = true;
	LIST_HEAD(seen);
	u64 i, count, listed, unread = 0;
	long status;

	lockdep_assert_held(&drv->act_lock);
	lockdep_assert_held_write(&drv->seq_lock);

	lfa_smc(&in, &out);
	status = lfa_status(out.a0);
	if (status) {
		dev_err(drv->dev, "GET_INFO failed: %s (%ld)\n",
			lfa_status_name(status), status);
		return lfa_status_to_errno(status);
	}

	listed = out.a1;
	count = listed;
	if (count > LFA_MAX_IMAGES) {
		dev_warn(drv->dev, "agent lists %llu images, using the first %u\n",
			 count, LFA_MAX_IMAGES);
		unread = count - LFA_MAX_IMAGES;
		count = LFA_MAX_IMAGES;
		complete = false;
	}

	for (i = 0; i < count; i++) {
		status = lfa_get_inventory(i, &inv);
		if (status) {
			dev_warn_ratelimited(drv->dev,
					     "GET_INVENTORY(%llu) failed: %s (%ld)\n",
					     i, lfa_status_name(status), status);
			unread++;
			complete = false;
			continue;
		}

		img = lfa_find_image(drv, &inv.guid);
		if (!img)
			img = lfa_image_revive(drv, &inv.guid);
		if (img) {
			list_move_tail(&img->node, &seen);
			img->seq_id = i;
			img->inv = inv;
			img->gone = false;
			continue;
		}

		list_for_each_entry(img, &seen, node) {
			if (guid_equal(&img->guid, &inv.guid))
				break;
		}
		if (!list_entry_is_head(img, &seen, node)) {
			dev_warn(drv->dev, "%pUb: listed twice, ignoring id %llu\n",
				 &inv.guid, i);
			continue;
		}

		img = lfa_image_create(drv, i, &inv);
		if (!img) {
			unread++;
			complete = false;
			continue;
		}
		list_add_tail(&img->node, &seen);
	}

	/*
	 * What is left was not listed. If part of the inventory could not be
	 * read, keep those images: their ids are checked against the GUID on
	 * every use, so a stale one is refused rather than misused.
	 */
	list_for_each_entry_safe(img, tmp, &drv->images, node) {
		if (complete)
			lfa_image_bury(img);
	}
	list_splice_tail_init(&seen, &drv->images);

	if (!complete)
		dev_warn(drv->dev,
			 "inventory incomplete: %llu of %llu images unread; keeping the images already known and not announcing it\n",
			 unread, listed);
	WRITE_ONCE(drv->settled, complete);
	schedule_work(&drv->settle_work);
	return 0;
}

/*
 * Removes the directories of vanished images. Holds act_lock, so that a
 * rescan finds a vanished image either still on the dead list with its
 * directory (and revives it) or with its directory gone (and creates a
 * new one), never half-removed. Removing a directory waits for its
 * running show and store handlers; none of them waits for act_lock (the
 * writers only try it), and seq_lock, which the readers take, is not held
 * here. Process context, no LFA lock held.
 */
static void lfa_reap_dead(struct lfa_drv *drv)
{
	struct lfa_image *img, *tmp;

	mutex_lock(&drv->act_lock);
	list_for_each_entry_safe(img, tmp, &drv->dead, dead_node) {
		list_del_init(&img->dead_node);
		kobject_del(&img->kobj);
		kobject_put(&img->kobj);
	}
	mutex_unlock(&drv->act_lock);
}

/**
 * lfa_settle_work() - remove vanished images, then announce the inventory
 * @work: &lfa_drv.settle_work
 *
 * The uevent goes to the bound device, which the unbind teardown clears
 * only after cancelling this work.
 */
void lfa_settle_work(struct work_struct *work)
{
	struct lfa_drv *drv = container_of(work, struct lfa_drv, settle_work);

	lfa_reap_dead(drv);

	if (drv->dev && READ_ONCE(drv->settled))
		kobject_uevent_env(&drv->dev->kobj, KOBJ_CHANGE,
				   lfa_settled_envp);
}

/**
 * lfa_remove_all() - take every image away, for unbind
 * @drv: driver state
 *
 * Waits for a running activation, stops new ones, and removes all
 * directories.
 *
 * Context: process context, no LFA lock held.
 */
void lfa_remove_all(struct lfa_drv *drv)
{
	struct lfa_image *img, *tmp;

	mutex_lock(&drv->act_lock);
	drv->dying = true;
	down_write(&drv->seq_lock);
	list_for_each_entry_safe(img, tmp, &drv->images, node)
		lfa_image_bury(img);
	up_write(&drv->seq_lock);
	mutex_unlock(&drv->act_lock);

	cancel_work_sync(&drv->settle_work);
	lfa_reap_dead(drv);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Arm Live Firmware Activation (LFA, DEN0147) driver: shared definitions.
 */

#ifndef _LFA_FW_H
#define _LFA_FW_H

#include <linux/arm-smccc.h>
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#define LFA_FID(n)	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, \
					   ARM_SMCCC_SMC_64, \
					   ARM_SMCCC_OWNER_STANDARD, (n))

#define LFA_VERSION		LFA_FID(0x2e0)
#define LFA_FEATURES		LFA_FID(0x2e1)
#define LFA_GET_INFO		LFA_FID(0x2e2)
#define LFA_GET_INVENTORY	LFA_FID(0x2e3)
#define LFA_PRIME		LFA_FID(0x2e4)
#define LFA_ACTIVATE		LFA_FID(0x2e5)
#define LFA_CANCEL		LFA_FID(0x2e6)

#define LFA_VERSION_MAJOR(v)	((u32)FIELD_GET(GENMASK(30, 16), (v)))
#define LFA_VERSION_MINOR(v)	((u32)FIELD_GET(GENMASK(15, 0), (v)))

/* An image version, from x4/x5 of GET_INVENTORY */
#define LFA_VER_MAJOR		GENMASK_ULL(63, 32)
#define LFA_VER_MINOR		GENMASK_ULL(31, 0)

/* x1 of PRIME and ACTIVATE results */
#define LFA_CALL_AGAIN		BIT(0)
/* x2 of ACTIVATE arguments */
#define LFA_SKIP_RENDEZVOUS	BIT(0)

/* x3 of GET_INVENTORY results */
#define LFA_INV_CAPABLE		BIT(0)
#define LFA_INV_PENDING		BIT(1)
#define LFA_INV_MAY_RESET_CPU	BIT(2)
#define LFA_INV_RENDEZVOUS_OPT	BIT(3)

/*
 * Passed in x4/x5 of GET_INVENTORY: an agent that does not report versions
 * (TF-A's returns x0-x3 only) leaves it there, and no agent reports version
 * 4294967295.4294967295.
 */
#define LFA_VER_UNREPORTED	U64_MAX

enum lfa_status {
	LFA_SUCCESS			= 0,
	LFA_NOT_SUPPORTED		= -1,
	LFA_BUSY			= -2,
	LFA_AUTH_ERROR			= -3,
	LFA_NO_MEMORY			= -4,
	LFA_CRITICAL_ERROR		= -5,
	LFA_DEVICE_ERROR		= -6,
	LFA_WRONG_STATE			= -7,
	LFA_INVALID_PARAMETERS		= -8,
	LFA_COMPONENT_WRONG_STATE	= -9,
	LFA_INVALID_ADDRESS		= -10,
	LFA_ACTIVATION_FAILED		= -11,
};

/**
 * lfa_status() - the status an agent returned in x0
 * @a0: x0 after the call
 *
 * LFA status codes are 32-bit signed values. An agent that returns them in
 * W0 without sign extension (BUSY as 0xfffffffe) means the same code.
 *
 * Return: the status, sign-extended from bit 31.
 */
static inline long lfa_status(unsigned long a0)
{
	return (s32)lower_32_bits(a0);
}

/**
 * struct lfa_inventory - one GET_INVENTORY answer
 * @guid: image GUID, bytes in the order %pUb prints them
 * @flags: LFA_INV_* bits
 * @cur_ver: running version, (major << 32) | minor, or LFA_VER_UNREPORTED
 * @pend_ver: staged version, meaningful only with LFA_INV_PENDING; may be
 *	LFA_VER_UNREPORTED
 */
struct lfa_inventory {
	guid_t guid;
	u64 flags;
	u64 cur_ver;
	u64 pend_ver;
};

/**
 * struct lfa_image - one firmware image, i.e. one /sys/firmware/lfa/<GUID>
 * @kobj: sysfs directory; its release frees the structure
 * @drv: the driver state the image belongs to; never changes
 * @guid: identity of the image; never changes
 * @name: known name, or NULL to show the GUID
 * @node: entry in @drv->images
 * @dead_node: entry in @drv->dead, once the agent no longer lists it,
 *	until its directory is removed or a rescan lists it again
 * @seq_id: sequence id the agent currently gives the image
 * @gone: the agent no longer lists the image
 * @inv: cached inventory from the last enumeration
 * @force_rendezvous: user setting force_cpu_rendezvous
 * @auto_activate: user setting auto_activate
 * @notify_pass: last notification pass that tried this image
 *
 * @seq_id, @gone and @inv are protected by @drv->seq_lock; @node,
 * @dead_node and @notify_pass by @drv->act_lock.
 * The two user settings are single bools read and written with
 * READ_ONCE()/WRITE_ONCE() and need no lock.
 */
struct lfa_image {
	struct kobject kobj;
	struct lfa_drv *drv;
	guid_t guid;
	const char *name;
	struct list_head node;
	struct list_head dead_node;
	u64 seq_id;
	bool gone;
	struct lfa_inventory inv;
	bool force_rendezvous;
	bool auto_activate;
	unsigned int notify_pass;
};

/**
 * struct lfa_drv - driver state; there is one LFA agent per system
 * @conduit: SMC or HVC, as discovered; for the log line
 * @version: LFA_VERSION answer
 * @own: the device the module created because firmware describes none
 *	(see lfa_compat.h), or NULL; set and cleared by module init and exit
 * @dev: bound device (described by firmware, or @own), NULL when not
 *	bound; set at bind and cleared by the unbind teardown, while no
 *	sysfs file and no work of the driver exists
 * @kset: /sys/firmware/lfa, with the same lifetime as @dev
 * @act_lock: serialises activations, cancels, enumerations and walks of
 *	@images; taken first. Writers from sysfs only try it (-EBUSY).
 * @seq_lock: sequence ids. Every SMC that names a sequence id holds it for
 *	reading; ACTIVATE (after which the agent may renumber) and the
 *	rescan that follows hold it for writing, so the ids cached in the
 *	images match the agent's whenever a reader holds it. Taken after
 *	@act_lock. Never held across kobject removal: removal waits for
 *	show handlers, which take it.
 * @images: images the agent lists (@act_lock)
 * @dying: set under @act_lock when the device goes away
 * @dead: images no longer listed, waiting for @settle_work to remove them
 *	(@act_lock)
 * @settle_work: removes @dead images, then tells userspace the inventory
 *	settled; a store handler cannot remove its own directory
 * @notify_work: auto-activation after a platform notification
 * @notify_pass: counter so one notification tries each image once
 *	(@act_lock)
 * @acpi_notify: an ACPI notify handler is installed; bind and unbind only
 * @settled: the last re-enumeration read the whole inventory, so the
 *	settle work may announce it; written under @act_lock, read with
 *	READ_ONCE() by the settle work
 * @held: GUID of the image whose CANCEL the agent refused after a failed
 *	activation, so that the agent still holds it primed (TF-A does so
 *	between ACTIVATE rounds until one completes); guid_null if none.
 *	Protected by @act_lock.
 *
 * Lock order: @act_lock, then @seq_lock, then the kset's list lock (taken
 * by the kobject core). The one instance is static in lfa_core.c, as the
 * agent is a singleton of the machine; the other files reach it through
 * the image (&lfa_image.drv), the work item or an argument.
 */
struct lfa_drv {
	enum arm_smccc_conduit conduit;
	u32 version;
	struct device *own;
	struct device *dev;
	struct kset *kset;
	struct mutex act_lock;		/* see above */
	struct rw_semaphore seq_lock;
	struct list_head images;
	bool dying;
	struct list_head dead;
	struct work_struct settle_work;
	struct work_struct notify_work;
	unsigned int notify_pass;
	bool acpi_notify;
	bool settled;
	guid_t held;
};

/* lfa_core.c */
void lfa_smc(struct arm_smccc_1_2_regs *in, struct arm_smccc_1_2_regs *out);
long lfa_get_inventory(u64 seq_id, struct lfa_inventory *inv);
const char *lfa_status_name(long status);
int lfa_status_to_errno(long status);
int lfa_bind(struct device *dev);

/* lfa_sysfs.c */
int lfa_rescan(struct lfa_drv *drv);
void lfa_settle_work(struct work_struct *work);
int lfa_image_query(struct lfa_image *img, struct lfa_inventory *inv);
int lfa_image_query_locked(struct lfa_image *img, struct lfa_inventory *inv);
void lfa_remove_all(struct lfa_drv *drv);

/* lfa_activate.c */
int lfa_activate_locked(struct lfa_image *img);
int lfa_cancel(struct lfa_image *img);
void lfa_notify_work(struct work_struct *work);

#endif /* _LFA_FW_H */

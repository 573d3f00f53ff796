// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Live Firmware Activation (LFA) driver: PRIME, ACTIVATE, CANCEL and
 * notification-driven auto-activation.
 */

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/nmi.h>
#include <linux/sched/signal.h>
#include <linux/stop_machine.h>

#include "lfa_fw.h"

/*
 * Agents usually finish a step within microseconds; start polling there
 * and back off exponentially so a slow step does not burn a CPU either.
 */
#define LFA_POLL_MIN_US		10
#define LFA_POLL_MAX_US		10000
/*
 * Except between rendezvous rounds: each one stops every CPU, so retrying
 * from microseconds would stop the machine about ten times in the first
 * 20 ms of a slow ACTIVATE.
 */
#define LFA_RDV_POLL_MIN_US	1000

/*
 * A CANCEL refused with BUSY because another CPU holds the agent's lock
 * succeeds a moment later; one refused because an activation is under way
 * does not until a round completes, so retry only briefly.
 */
#define LFA_CANCEL_TRIES	5
#define LFA_CANCEL_RETRY_US	1000

/*
 * The budgets, documented for operators in the ABI document
 * (/sys/module/lfa_fw/parameters/); read once per activation.
 */
static unsigned int prime_timeout_ms = 30000;
module_param(prime_timeout_ms, uint, 0644);
MODULE_PARM_DESC(prime_timeout_ms,
		 "Time PRIME may keep asking to be called again (ms, default 30000)");

static unsigned int activate_timeout_ms = 10000;
module_param(activate_timeout_ms, uint, 0644);
MODULE_PARM_DESC(activate_timeout_ms,
		 "Time ACTIVATE is retried on CALL_AGAIN or BUSY (ms, default 10000)");

/* Every message names the image and its GUID, as users report them */
#define lfa_img_log(dev_level, img, fmt, ...)				\
	do {								\
		const struct lfa_image *__img = (img);			\
									\
		dev_level(__img->drv->dev, "%s %pUb: " fmt,		\
			  __img->name ? __img->name : "image",		\
			  &__img->guid, ##__VA_ARGS__);			\
	} while (0)
#define lfa_img_err(img, fmt, ...) lfa_img_log(dev_err, img, fmt, ##__VA_ARGS__)
#define lfa_img_info(img, fmt, ...) lfa_img_log(dev_info, img, fmt, ##__VA_ARGS__)
#define lfa_img_dbg(img, fmt, ...) lfa_img_log(dev_dbg, img, fmt, ##__VA_ARGS__)

static void lfa_backoff(unsigned long *delay_us)
{
	fsleep(*delay_us);
	touch_nmi_watchdog();
	*delay_us = min(*delay_us * 2, (unsigned long)LFA_POLL_MAX_US);
}

static void lfa_log_status(struct lfa_image *img, const char *call,
			   long status)
{
	lfa_img_err(img, "%s failed: %s (%ld)\n", call,
		    lfa_status_name(status), status);
}

/*
 * Sets *started once the agent took a PRIME in hand: a BUSY first answer
 * means another CPU held its lock (maybe priming this very image for
 * someone else), so there is nothing of ours to CANCEL.
 * Caller holds the seq_lock.
 */
static int lfa_prime(struct lfa_image *img, u64 seq_id, bool *started)
{
	unsigned int budget = READ_ONCE(prime_timeout_ms);
	ktime_t end = ktime_add_ms(ktime_get(), budget);
	unsigned long delay = LFA_POLL_MIN_US;
	struct arm_smccc_1_2_regs in = { .a0 = LFA_PRIME, .a1 = seq_id };
	struct arm_smccc_1_2_regs out;
	long status;

	for (;;) {
		memset(&out, 0, sizeof(out));
		lfa_smc(&in, &out);
		touch_nmi_watchdog();
		status = lfa_status(out.a0);
		if (status != LFA_BUSY)
			*started = true;
		if (status) {
			lfa_log_status(img, "PRIME", status);
			return lfa_status_to_errno(status);
		}
		if (!(out.a1 & LFA_CALL_AGAIN))
			return 0;
		if (ktime_after(ktime_get(), end)) {
			lfa_img_err(img,
				    "PRIME still asks to be called again after %u ms\n",
				    budget);
			return -ETIMEDOUT;
		}
		lfa_backoff(&delay);
		if (fatal_signal_pending(current)) {
			lfa_img_err(img, "PRIME interrupted by a fatal signal\n");
			return -EINTR;
		}
	}
}

struct lfa_rendezvous {
	u64 seq_id;
	atomic_long_t status;
	atomic_t call_again;
};

/* Runs on every online CPU with interrupts off */
static int lfa_activate_cpu(void *data)
{
	struct lfa_rendezvous *rdv = data;
	struct arm_smccc_1_2_regs in = {
		.a0 = LFA_ACTIVATE,
		.a1 = rdv->seq_id,
	};
	struct arm_smccc_1_2_regs out = {};
	long status;

	lfa_smc(&in, &out);
	touch_nmi_watchdog();

	status = lfa_status(out.a0);
	if (status)
		atomic_long_cmpxchg(&rdv->status, 0, status);
	else if (out.a1 & LFA_CALL_AGAIN)
		atomic_set(&rdv->call_again, 1);

	return 0;
}

/*
 * One ACTIVATE round; returns the LFA status and sets *again, or a
 * negative errno in *err when the machine could not be stopped.
 */
static long lfa_activate_once(u64 seq_id, bool skip_rendezvous, bool *again,
			      int *err)
{
	struct lfa_rendezvous rdv = { .seq_id = seq_id };
	struct arm_smccc_1_2_regs in = {
		.a0 = LFA_ACTIVATE,
		.a1 = seq_id,
		.a2 = LFA_SKIP_RENDEZVOUS,
	};
	struct arm_smccc_1_2_regs out = {};
	int ret;

	if (skip_rendezvous) {
		lfa_smc(&in, &out);
		touch_nmi_watchdog();
		*again = out.a1 & LFA_CALL_AGAIN;
		return lfa_status(out.a0);
	}

	atomic_long_set(&rdv.status, 0);
	atomic_set(&rdv.call_again, 0);

	/* The agent holds early CPUs until the last one arrives */
	ret = stop_machine(lfa_activate_cpu, &rdv, cpu_online_mask);
	if (ret) {
		*err = ret;
		return LFA_SUCCESS;
	}

	*again = atomic_read(&rdv.call_again);
	return atomic_long_read(&rdv.status);
}

/*
 * Adds the rounds that stopped the machine to *stops.
 * Caller holds the seq_lock for writing.
 */
static int lfa_activate(struct lfa_image *img, u64 seq_id, bool skip,
			unsigned int *stops)
{
	unsigned int budget = READ_ONCE(activate_timeout_ms);
	ktime_t end = ktime_add_ms(ktime_get(), budget);
	unsigned long delay = skip ? LFA_POLL_MIN_US : LFA_RDV_POLL_MIN_US;
	bool again;
	long status;
	int err;

	for (;;) {
		again = false;
		err = 0;
		status = lfa_activate_once(seq_id, skip, &again, &err);
		if (err) {
			lfa_img_err(img, "cannot stop the machine for ACTIVATE: %d\n",
				    err);
			return err;
		}
		if (!skip)
			(*stops)++;
		if (!status && !again)
			return 0;
		if (status && status != LFA_BUSY) {
			lfa_log_status(img, "ACTIVATE", status);
			return lfa_status_to_errno(status);
		}
		if (ktime_after(ktime_get(), end)) {
			lfa_img_err(img, "ACTIVATE still %s after %u ms\n",
				    status ? "BUSY" : "asks to be called again",
				    budget);
			return -ETIMEDOUT;
		}
		lfa_backoff(&delay);
		if (fatal_signal_pending(current)) {
			lfa_img_err(img, "ACTIVATE interrupted by a fatal signal\n");
			return -EINTR;
		}
	}
}

static long lfa_send_cancel(u64 seq_id)
{
	struct arm_smccc_1_2_regs in = { .a0 = LFA_CANCEL, .a1 = seq_id };
	struct arm_smccc_1_2_regs out;
	long status;
	int i;

	for (i = 0; i < LFA_CANCEL_TRIES; i++) {
		if (i)
			fsleep(LFA_CANCEL_RETRY_US << (i - 1));
		memset(&out, 0, sizeof(out));
		lfa_smc(&in, &out);
		status = lfa_status(out.a0);
		if (status != LFA_BUSY)
			break;
	}
	return status;
}

/*
 * Remembers which image the agent keeps primed after refusing its CANCEL,
 * so that activating another one fails with a reason instead of the
 * agent's INVALID_PARAMETERS at ACTIVATE.  Caller holds the act_lock.
 */
static void lfa_note_cancel(struct lfa_image *img, long status)
{
	struct lfa_drv *drv = img->drv;

	if (status == LFA_BUSY) {
		guid_copy(&drv->held, &img->guid);
		lfa_img_err(img,
			    "the agent refused CANCEL and keeps this image primed; activate or cancel it again before activating another image\n");
	} else if ((!status || status == LFA_INVALID_PARAMETERS) &&
		   guid_equal(&drv->held, &img->guid)) {
		/* cancelled, or nothing of it left in progress */
		drv->held = guid_null;
	}
}

/* The agent changed its list behind our back: bring sysfs up to date */
static void lfa_rescan_after_change(struct lfa_drv *drv)
{
	int ret;

	down_write(&drv->seq_lock);
	ret = lfa_rescan(drv);
	up_write(&drv->seq_lock);
	if (ret)
		dev_err(drv->dev, "re-enumeration failed: %d\n", ret);
}

/* Checks that may refuse before any call with a side effect is made */
static int lfa_activate_precheck(struct lfa_image *img,
				 const struct lfa_inventory *inv)
{
	if (inv->flags & LFA_INV_MAY_RESET_CPU) {
		lfa_img_err(img,
			    "refused: activation may reset CPUs, which is not supported\n");
		return -EOPNOTSUPP;
	}
	if (!(inv->flags & LFA_INV_CAPABLE)) {
		lfa_img_err(img, "refused: not activation capable\n");
		return -EOPNOTSUPP;
	}

	return 0;
}

/*
 * The refusals, on a fresh inventory: before PRIME and again after it,
 * since a PRIME may be where the agent learns what the staged image needs.
 * Decides on the rendezvous from the same inventory.
 */
static int lfa_activate_check(struct lfa_image *img,
			      const struct lfa_inventory *inv, bool *skip)
{
	int ret;

	ret = lfa_activate_precheck(img, inv);
	if (ret)
		return ret;
	if (!(inv->flags & LFA_INV_PENDING)) {
		lfa_img_dbg(img, "nothing pending to activate\n");
		return -ENODATA;
	}

	*skip = (inv->flags & LFA_INV_RENDEZVOUS_OPT) &&
		!READ_ONCE(img->force_rendezvous);
	return 0;
}

/**
 * lfa_activate_locked() - live-activate one image
 * @img: the image
 *
 * PRIMEs the image until the agent stops asking to be called again, then
 * ACTIVATEs it, on every online CPU unless the image allows skipping the
 * rendezvous and the user does not force one. The inventory read after
 * PRIME is checked as the one before it, and decides on the rendezvous.
 * Once the agent took a PRIME in hand (its first answer was not BUSY), any
 * failure sends CANCEL, and so does a success, for agents that keep the
 * prime after an activation.
 * Whatever the outcome after PRIME, the inventory is re-read, since the
 * agent may renumber or change its images.
 *
 * Context: process context, @img->drv->act_lock held; sleeps up to the
 * PRIME and ACTIVATE budgets.
 * Return: 0 or a negative errno as documented in the sysfs ABI.
 */
int lfa_activate_locked(struct lfa_image *img)
{
	struct lfa_drv *drv = img->drv;
	struct lfa_inventory inv;
	unsigned int stops = 0;
	bool started = false;
	bool skip;
	u64 seq;
	long status;
	int ret, ret2;

	lockdep_assert_held(&drv->act_lock);

	/* Cached flags first: refusals must not reach the agent at all */
	down_read(&drv->seq_lock);
	inv = img->inv;
	ret = img->gone ? -ENOENT : 0;
	up_read(&drv->seq_lock);
	if (ret)
		return ret;
	ret = lfa_activate_precheck(img, &inv);
	if (ret)
		return ret;

	down_read(&drv->seq_lock);
	ret = lfa_image_query_locked(img, &inv);
	if (ret) {
		seq = img->seq_id;
		up_read(&drv->seq_lock);
		if (ret != -ENOENT) {
			lfa_img_err(img, "cannot read inventory: %d\n", ret);
			return ret;
		}
		lfa_img_err(img, "no longer listed at sequence id %llu\n", seq);
		lfa_rescan_after_change(drv);
		return ret;
	}
	ret = lfa_activate_check(img, &inv, &skip);
	if (ret) {
		up_read(&drv->seq_lock);
		return ret;
	}

	if (!guid_is_null(&drv->held) &&
	    !guid_equal(&drv->held, &img->guid)) {
		up_read(&drv->seq_lock);
		lfa_img_err(img,
			    "refused: the agent still holds %pUb primed after a refused CANCEL; activate or cancel that image first\n",
			    &drv->held);
		return -EBUSY;
	}

	seq = img->seq_id;
	up_read(&drv->seq_lock);

	/*
	 * The agent's holding pen counts the CPUs that are online: none may
	 * come or go from PRIME to the last ACTIVATE round, so hotplug
	 * requests fail with EBUSY meanwhile (a module cannot hold the
	 * hotplug lock across rounds: stop_machine_cpuslocked() is not
	 * exported). The id cannot change while seq_lock is dropped, since
	 * only act_lock holders renumber.
	 */
	cpu_hotplug_disable();
	down_read(&drv->seq_lock);
	ret = lfa_prime(img, seq, &started);
	up_read(&drv->seq_lock);

	/*
	 * Only act_lock holders change ids, and we hold it, so the id is
	 * still ours; the agent may still have changed, hence the check.
	 */
	down_write(&drv->seq_lock);
	if (!ret) {
		ret = lfa_image_query_locked(img, &inv);
		if (ret == -ENOENT)
			lfa_img_err(img,
				    "sequence id %llu no longer names this image\n",
				    seq);
		else if (ret)
			lfa_img_err(img, "cannot read inventory: %d\n",
				    ret);
		else
			ret = lfa_activate_check(img, &inv, &skip);
	}
	if (!ret)
		ret = lfa_activate(img, seq, skip, &stops);

	if (ret && !started) {
		lfa_img_dbg(img, "PRIME refused before it started; no CANCEL\n");
	} else if (ret) {
		/*
		 * INVALID_PARAMETERS only means the agent had nothing in
		 * progress (PRIME failed before starting); not worth a line.
		 */
		status = lfa_send_cancel(seq);
		if (status && status != LFA_INVALID_PARAMETERS)
			lfa_img_err(img, "CANCEL after failure: %s (%ld)\n",
				    lfa_status_name(status), status);
		lfa_note_cancel(img, status);
	} else {
		/*
		 * The one line on success: the firmware running below the
		 * kernel changed, which the log must record as it does for
		 * a late microcode load.
		 */
		lfa_img_info(img, "activated (%u machine stops)\n", stops);
		/*
		 * TF-A leaves ending the prime to the component's activator,
		 * and BL31's does not: the agent would then refuse the next
		 * image's ACTIVATE with INVALID_PARAMETERS. CANCEL ends it;
		 * an agent that ended it answers INVALID_PARAMETERS.
		 */
		status = lfa_send_cancel(seq);
		if (status && status != LFA_INVALID_PARAMETERS)
			lfa_img_err(img, "CANCEL after activation: %s (%ld)\n",
				    lfa_status_name(status), status);
		lfa_note_cancel(img, status);
	}

	ret2 = lfa_rescan(drv);
	up_write(&drv->seq_lock);
	cpu_hotplug_enable();
	if (ret2)
		dev_err(drv->dev, "re-enumeration after activation failed: %d\n",
			ret2);

	return ret;
}

/**
 * lfa_cancel() - send CANCEL for one image on the user's request
 * @img: the image
 *
 * Context: process context, @img->drv->act_lock held, so no activation
 * runs.
 * Return: 0, -ENOENT if the image vanished, or the errno of the LFA status.
 */
int lfa_cancel(struct lfa_image *img)
{
	struct lfa_drv *drv = img->drv;
	struct lfa_inventory inv;
	long status;
	int ret;

	lockdep_assert_held(&drv->act_lock);

	down_read(&drv->seq_lock);
	ret = lfa_image_query_locked(img, &inv);
	if (!ret) {
		status = lfa_send_cancel(img->seq_id);
		if (status) {
			lfa_log_status(img, "CANCEL", status);
			ret = lfa_status_to_errno(status);
		}
		lfa_note_cancel(img, status);
	}
	up_read(&drv->seq_lock);

	return ret;
}

/**
 * lfa_notify_work() - activate images after a platform notification
 * @work: &lfa_drv.notify_work
 *
 * Every image that is capable, pending and has auto_activate set is
 * activated once per notification. Each activation re-enumerates, so the
 * walk restarts from the head of the new list after each one. When none
 * was activated the inventory is re-read all the same: the platform
 * notifies because something was staged out of band, and the uevent of
 * the rescan is how userspace learns that an image now awaits activation.
 */
void lfa_notify_work(struct work_struct *work)
{
	struct lfa_drv *drv = container_of(work, struct lfa_drv, notify_work);
	struct lfa_inventory inv;
	struct lfa_image *img;
	bool activated = false;
	unsigned int pass;
	bool found;

	mutex_lock(&drv->act_lock);
	if (drv->dying)
		goto out;

	pass = ++drv->notify_pass;
	for (;;) {
		found = false;
		list_for_each_entry(img, &drv->images, node) {
			if (img->notify_pass == pass ||
			    !READ_ONCE(img->auto_activate))
				continue;
			img->notify_pass = pass;
			if (lfa_image_query(img, &inv) ||
			    !(inv.flags & LFA_INV_CAPABLE) ||
			    !(inv.flags & LFA_INV_PENDING))
				continue;

			found = true;
			break;
		}
		if (!found)
			break;

		/* The rescan may hand the image to the settle work */
		kobject_get(&img->kobj);
		lfa_img_dbg(img, "auto-activating on notification\n");
		lfa_activate_locked(img);
		kobject_put(&img->kobj);
		activated = true;
	}
	if (!activated)
		lfa_rescan_after_change(drv);
out:
	mutex_unlock(&drv->act_lock);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Live Firmware Activation (LFA, DEN0147) driver: SMC transport,
 * discovery, platform binding and platform notifications.
 */

#define pr_fmt(fmt) "lfa_fw: " fmt

#include <linux/acpi.h>
#include <linux/arm-smccc.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kernel.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/string.h>

#include "lfa_compat.h"
#include "lfa_fw.h"

#define LFA_DRV_NAME	"arm-lfa"
#define LFA_ACPI_HID	"ARML0003"

/* The agent is one per machine, and so is this; see struct lfa_drv */
static struct lfa_drv lfa_drv = {
	.act_lock	= __MUTEX_INITIALIZER(lfa_drv.act_lock),
	.seq_lock	= __RWSEM_INITIALIZER(lfa_drv.seq_lock),
	.images		= LIST_HEAD_INIT(lfa_drv.images),
	.dead		= LIST_HEAD_INIT(lfa_drv.dead),
	.settle_work	= __WORK_INITIALIZER(lfa_drv.settle_work,
					     lfa_settle_work),
	.notify_work	= __WORK_INITIALIZER(lfa_drv.notify_work,
					     lfa_notify_work),
};

/**
 * lfa_smc() - issue one LFA call through the discovered conduit
 * @in: argument registers
 * @out: result registers; a separate set, so a retry never sends results
 *	back as arguments
 *
 * Safe in atomic context, including stop_machine() callbacks.
 */
void lfa_smc(struct arm_smccc_1_2_regs *in, struct arm_smccc_1_2_regs *out)
{
	arm_smccc_1_2_invoke(in, out);
}

/**
 * lfa_status_name() - name of an LFA status code, for log lines
 * @status: x0 of an LFA call, as a signed value
 *
 * Return: a constant string; "UNKNOWN" for codes the ABI does not define.
 */
const char *lfa_status_name(long status)
{
	switch (status) {
	case LFA_SUCCESS:
		return "SUCCESS";
	case LFA_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	case LFA_BUSY:
		return "BUSY";
	case LFA_AUTH_ERROR:
		return "AUTH_ERROR";
	case LFA_NO_MEMORY:
		return "NO_MEMORY";
	case LFA_CRITICAL_ERROR:
		return "CRITICAL_ERROR";
	case LFA_DEVICE_ERROR:
		return "DEVICE_ERROR";
	case LFA_WRONG_STATE:
		return "WRONG_STATE";
	case LFA_INVALID_PARAMETERS:
		return "INVALID_PARAMETERS";
	case LFA_COMPONENT_WRONG_STATE:
		return "COMPONENT_WRONG_STATE";
	case LFA_INVALID_ADDRESS:
		return "INVALID_ADDRESS";
	case LFA_ACTIVATION_FAILED:
		return "ACTIVATION_FAILED";
	default:
		return "UNKNOWN";
	}
}

/**
 * lfa_status_to_errno() - errno that userspace sees for an LFA status
 * @status: x0 of an LFA call, as a signed value
 *
 * The mapping is part of the userspace contract (docs/contracts.md) and
 * keeps each failure class distinguishable.
 *
 * Return: 0 for SUCCESS, else a negative errno.
 */
int lfa_status_to_errno(long status)
{
	switch (status) {
	case LFA_SUCCESS:
		return 0;
	case LFA_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case LFA_BUSY:
		return -EBUSY;
	case LFA_AUTH_ERROR:
		return -EKEYREJECTED;
	case LFA_NO_MEMORY:
		return -ENOMEM;
	case LFA_CRITICAL_ERROR:
		return -ENOTRECOVERABLE;
	case LFA_DEVICE_ERROR:
		return -EIO;
	case LFA_WRONG_STATE:
	case LFA_COMPONENT_WRONG_STATE:
		return -EPROTO;
	case LFA_INVALID_PARAMETERS:
		return -EINVAL;
	case LFA_INVALID_ADDRESS:
		return -EFAULT;
	case LFA_ACTIVATION_FAILED:
		return -ECANCELED;
	default:
		return -EBADMSG;
	}
}

/**
 * lfa_get_inventory() - GET_INVENTORY for one sequence id
 * @seq_id: sequence id to ask about
 * @inv: filled on success
 *
 * Callers that use an id cached in an image hold the seq_lock.
 *
 * Return: the LFA status (0 on success).
 */
long lfa_get_inventory(u64 seq_id, struct lfa_inventory *inv)
{
	struct arm_smccc_1_2_regs in = {
		.a0 = LFA_GET_INVENTORY, .a1 = seq_id,
		.a4 = LFA_VER_UNREPORTED, .a5 = LFA_VER_UNREPORTED,
	};
	struct arm_smccc_1_2_regs out = {};
	__le64 raw[2];
	long status;

	lfa_smc(&in, &out);
	status = lfa_status(out.a0);
	if (status)
		return status;

	/* The agent packs the 16 GUID bytes little-endian into x1 and x2 */
	raw[0] = cpu_to_le64(out.a1);
	raw[1] = cpu_to_le64(out.a2);
	BUILD_BUG_ON(sizeof(raw) != sizeof(inv->guid));
	memcpy(&inv->guid, raw, sizeof(raw));
	inv->flags = out.a3;
	inv->cur_ver = out.a4;
	inv->pend_ver = out.a5;
	return 0;
}

static long lfa_simple_call(unsigned long fid, unsigned long arg)
{
	struct arm_smccc_1_2_regs in = { .a0 = fid, .a1 = arg };
	struct arm_smccc_1_2_regs out = {};

	lfa_smc(&in, &out);
	return lfa_status(out.a0);
}

static int lfa_discover(struct lfa_drv *drv)
{
	static const u32 needed[] = {
		LFA_GET_INFO, LFA_GET_INVENTORY, LFA_PRIME, LFA_ACTIVATE,
		LFA_CANCEL,
	};
	long ret;
	int i;

	/* The 1.2 register ABI passes x4-x17, which GET_INVENTORY needs */
	if (arm_smccc_get_version() < ARM_SMCCC_VERSION_1_2)
		return -ENODEV;

	drv->conduit = arm_smccc_1_1_get_conduit();
	if (drv->conduit != SMCCC_CONDUIT_SMC &&
	    drv->conduit != SMCCC_CONDUIT_HVC)
		return -ENODEV;

	/* Bit 31 is zero in a version; set, it is an error code */
	ret = lfa_simple_call(LFA_VERSION, 0);
	if (ret < 0 || (ret >> 31) || LFA_VERSION_MAJOR(ret) != 1)
		return -ENODEV;
	drv->version = ret;

	for (i = 0; i < ARRAY_SIZE(needed); i++) {
		if (lfa_simple_call(LFA_FEATURES, needed[i]))
			return -ENODEV;
	}

	return 0;
}

static irqreturn_t lfa_irq(int irq, void *data)
{
	struct lfa_drv *drv = data;

	queue_work(system_long_wq, &drv->notify_work);
	return IRQ_HANDLED;
}

#ifdef CONFIG_ACPI
static void lfa_acpi_notify(acpi_handle handle, u32 event, void *data)
{
	struct lfa_drv *drv = data;

	queue_work(system_long_wq, &drv->notify_work);
}

static int lfa_acpi_notify_install(struct lfa_drv *drv)
{
	acpi_handle handle = ACPI_HANDLE(drv->dev);
	acpi_status status;

	if (!handle)
		return 0;

	status = acpi_install_notify_handler(handle, ACPI_DEVICE_NOTIFY,
					     lfa_acpi_notify, drv);
	if (ACPI_FAILURE(status))
		return -EIO;

	drv->acpi_notify = true;
	return 0;
}

static void lfa_acpi_notify_remove(struct lfa_drv *drv)
{
	if (!drv->acpi_notify)
		return;

	acpi_remove_notify_handler(ACPI_HANDLE(drv->dev), ACPI_DEVICE_NOTIFY,
				   lfa_acpi_notify);
	drv->acpi_notify = false;
}
#else
static int lfa_acpi_notify_install(struct lfa_drv *drv)
{
	return 0;
}

static void lfa_acpi_notify_remove(struct lfa_drv *drv)
{
}
#endif

/* Only firmware-described devices notify: the module's own has no source */
static int lfa_notify_setup(struct lfa_drv *drv, struct platform_device *pdev)
{
	int irq, ret;

	if (pdev->dev.of_node) {
		irq = platform_get_irq_optional(pdev, 0);
		if (irq == -EPROBE_DEFER)
			return irq;
		/*
		 * Nothing in the ABI lets the OS acknowledge a notification,
		 * so a level line would stay asserted and storm.
		 */
		if (irq > 0 && (irq_get_trigger_type(irq) & IRQ_TYPE_LEVEL_MASK)) {
			dev_warn(&pdev->dev,
				 "level-triggered notification interrupt %d not supported; working without notifications\n",
				 irq);
			irq = 0;
		}
		/*
		 * Registered after the teardown action, so released before
		 * it: no new notification work once the teardown waits for it.
		 */
		if (irq > 0) {
			ret = devm_request_irq(&pdev->dev, irq, lfa_irq, 0,
					       LFA_DRV_NAME, drv);
			if (ret)
				return ret;
		}
	}

	return lfa_acpi_notify_install(drv);
}

/* Undoes lfa_bind() on unbind and on probe failure, whatever was set up */
static void lfa_teardown(void *data)
{
	struct lfa_drv *drv = data;

	lfa_acpi_notify_remove(drv);
	/* Waits for a running auto-activation, which may take 40 s */
	cancel_work_sync(&drv->notify_work);
	lfa_remove_all(drv);
	kset_unregister(drv->kset);
	drv->kset = NULL;
	drv->dev = NULL;
}

/**
 * lfa_bind() - make a device the agent's: inventory, sysfs, teardown
 * @dev: a platform device (described by firmware, or before 6.14 the
 *	module's own) or the module's own faux device
 *
 * Reads the inventory, creates /sys/firmware/lfa with a directory per
 * image and announces it. Everything is undone by a devm action when
 * @dev is unbound, or if probing fails later on. Silent on success.
 *
 * Context: process context, from the probe of @dev.
 * Return: 0, -EBUSY if another device is bound already, or a negative
 * errno.
 */
int lfa_bind(struct device *dev)
{
	struct lfa_drv *drv = &lfa_drv;
	int ret;

	if (drv->dev) {
		dev_warn(dev, "LFA agent already bound to %s\n",
			 dev_name(drv->dev));
		return -EBUSY;
	}

	drv->kset = kset_create_and_add("lfa", NULL, firmware_kobj);
	if (!drv->kset)
		return -ENOMEM;
	drv->dev = dev;
	dev_set_drvdata(dev, drv);

	/* A devm action rather than .remove, whose type changed in 6.11 */
	ret = devm_add_action_or_reset(dev, lfa_teardown, drv);
	if (ret)
		return ret;

	dev_dbg(dev, "LFA v%u.%u agent (%s conduit)\n",
		LFA_VERSION_MAJOR(drv->version),
		LFA_VERSION_MINOR(drv->version),
		drv->conduit == SMCCC_CONDUIT_HVC ? "HVC" : "SMC");

	mutex_lock(&drv->act_lock);
	drv->dying = false;
	down_write(&drv->seq_lock);
	ret = lfa_rescan(drv);
	up_write(&drv->seq_lock);
	mutex_unlock(&drv->act_lock);

	return ret;
}

static int lfa_probe(struct platform_device *pdev)
{
	int ret;

	ret = lfa_bind(&pdev->dev);
	if (ret)
		return ret;

	return lfa_notify_setup(&lfa_drv, pdev);
}

static const struct of_device_id lfa_of_match[] = {
	{ .compatible = "arm,lfa" },
	{ }
};
MODULE_DEVICE_TABLE(of, lfa_of_match);

static const struct acpi_device_id lfa_acpi_match[] = {
	{ LFA_ACPI_HID, 0 },
	{ }
};
MODULE_DEVICE_TABLE(acpi, lfa_acpi_match);

static struct platform_driver lfa_driver = {
	.probe	= lfa_probe,
	.driver	= {
		.name			= LFA_DRV_NAME,
		.of_match_table		= lfa_of_match,
		.acpi_match_table	= lfa_acpi_match,
		.suppress_bind_attrs	= true,
		/* lfa_own_device_create() needs its device bound at once */
		.probe_type		= PROBE_FORCE_SYNCHRONOUS,
	},
};

/* A node that is disabled gets no device from the DT core either */
static bool lfa_firmware_describes_device(void)
{
	struct device_node *np;
	bool available;

	np = of_find_compatible_node(NULL, NULL, "arm,lfa");
	if (np) {
		available = of_device_is_available(np);
		of_node_put(np);
		if (available)
			return true;
	}

	return acpi_dev_present(LFA_ACPI_HID, NULL, -1);
}

static int __init lfa_init(void)
{
	struct lfa_drv *drv = &lfa_drv;
	int ret;

	ret = lfa_discover(drv);
	if (ret) {
		pr_info("no LFA agent found\n");
		return ret;
	}

	ret = platform_driver_register(&lfa_driver);
	if (ret)
		return ret;

	/*
	 * Discovery alone proves an agent; firmware need not describe it.
	 * Without a node the module's own device stands for it, and the
	 * module is of no use unless that is bound.
	 */
	if (!lfa_firmware_describes_device()) {
		drv->own = lfa_own_device_create(LFA_DRV_NAME);
		if (drv->own && drv->dev != drv->own) {
			lfa_own_device_destroy(drv->own);
			drv->own = NULL;
		}
		if (!drv->own) {
			pr_err("cannot bind the LFA agent's device\n");
			ret = -ENODEV;
			goto err_driver;
		}
	}

	return 0;

err_driver:
	platform_driver_unregister(&lfa_driver);
	return ret;
}
module_init(lfa_init);

static void __exit lfa_exit(void)
{
	if (lfa_drv.own)
		lfa_own_device_destroy(lfa_drv.own);
	platform_driver_unregister(&lfa_driver);
}
module_exit(lfa_exit);

MODULE_DESCRIPTION("Arm Live Firmware Activation (LFA) driver");
MODULE_LICENSE("GPL");
MODULE_ALIAS("platform:" LFA_DRV_NAME);

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Arm Live Firmware Activation (LFA) driver: what differs between the
 * kernels it builds for (Debian's 6.1 and 6.12, mainline 7.2).
 */

#ifndef _LFA_COMPAT_H
#define _LFA_COMPAT_H

#include <linux/arm-smccc.h>
#include <linux/device.h>
#include <linux/platform_device.h>

#include "lfa_fw.h"

/*
 * arm_smccc_1_2_invoke() (a macro, so its absence shows) came after 6.12;
 * this is what it does: the call through the discovered conduit.
 */
#ifndef arm_smccc_1_2_invoke
static inline int lfa_compat_smccc_1_2_invoke(struct arm_smccc_1_2_regs *args,
					      struct arm_smccc_1_2_regs *res)
{
	int conduit = arm_smccc_1_1_get_conduit();

	switch (conduit) {
	case SMCCC_CONDUIT_HVC:
		arm_smccc_1_2_hvc(args, res);
		break;
	case SMCCC_CONDUIT_SMC:
		arm_smccc_1_2_smc(args, res);
		break;
	default:
		res->a0 = SMCCC_RET_NOT_SUPPORTED;
		conduit = SMCCC_CONDUIT_NONE;
		break;
	}

	return conduit;
}

#define arm_smccc_1_2_invoke(args, res) lfa_compat_smccc_1_2_invoke(args, res)
#endif

/*
 * The device that stands for the agent when firmware describes none (no
 * DT "arm,lfa" node, no ACPI ARML0003 device): discovery through SMCCC
 * proves the agent, so the module makes one itself. It has no resources
 * and nothing matches it, which is what faux devices (6.14) are for:
 * there it is /sys/devices/faux/arm-lfa on the "faux" bus, bound through
 * lfa_bind() from its probe callback. Older kernels (Debian's 6.1 and
 * 6.12) get a platform device of the driver's name, which the
 * platform driver binds as it binds a described one.
 *
 * lfa_own_device_create() returns NULL when the device could not be
 * created (a faux device also when it could not be bound); the caller
 * checks that it is bound, which the driver core decides synchronously
 * for both buses (faux_driver, and the platform driver's probe_type).
 *
 * A checker that lacks __has_include (Debian 12's sparse) sees the
 * platform variant, which is what 6.1 and 6.12 build anyway.
 */
#ifdef __has_include
#if __has_include("linux/device/faux.h")
#define LFA_COMPAT_FAUX_DEVICE
#endif
#endif

#ifdef LFA_COMPAT_FAUX_DEVICE
#include <linux/device/faux.h>

/* This header is included by lfa_core.c only, so these are defined once */

static int lfa_compat_faux_probe(struct faux_device *fdev)
{
	return lfa_bind(&fdev->dev);
}

static const struct faux_device_ops lfa_compat_faux_ops = {
	.probe = lfa_compat_faux_probe,
};

static inline struct device *lfa_own_device_create(const char *name)
{
	struct faux_device *fdev;

	fdev = faux_device_create(name, NULL, &lfa_compat_faux_ops);
	return fdev ? &fdev->dev : NULL;
}

static inline void lfa_own_device_destroy(struct device *dev)
{
	faux_device_destroy(to_faux_device(dev));
}
#else
static inline struct device *lfa_own_device_create(const char *name)
{
	struct platform_device *pdev;

	pdev = platform_device_register_simple(name, PLATFORM_DEVID_NONE,
					       NULL, 0);
	return IS_ERR(pdev) ? NULL : &pdev->dev;
}

static inline void lfa_own_device_destroy(struct device *dev)
{
	platform_device_unregister(to_platform_device(dev));
}
#endif

#endif /* _LFA_COMPAT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Arm Live Firmware Activation (LFA) driver: what differs between the
 * kernels it builds for (Debian's 6.1 and 6.12, mainline 7.2).
 */

#ifndef _LFA_COMPAT_H
#define _LFA_COMPAT_H

#include <linux/arm-smccc.h>

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

#endif /* _LFA_COMPAT_H */

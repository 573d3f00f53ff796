/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated LFA agent's interface as the test modules see it: LFA v1.0
 * function IDs and codes, and the emulator's SiP service.  The agent side is
 * tests/agent/lfa-agent.h; tests/agent/README.md documents both.
 */

#ifndef _LFA_EMU_H
#define _LFA_EMU_H

#include <linux/arm-smccc.h>
#include <linux/types.h>

#define LFA_EMU_FID(owner, n)	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, \
						   ARM_SMCCC_SMC_64, (owner), (n))

#define LFA_VERSION		LFA_EMU_FID(ARM_SMCCC_OWNER_STANDARD, 0x2e0)
#define LFA_FEATURES		LFA_EMU_FID(ARM_SMCCC_OWNER_STANDARD, 0x2e1)
#define LFA_GET_INFO		LFA_EMU_FID(ARM_SMCCC_OWNER_STANDARD, 0x2e2)
#define LFA_GET_INVENTORY	LFA_EMU_FID(ARM_SMCCC_OWNER_STANDARD, 0x2e3)
#define LFA_PRIME		LFA_EMU_FID(ARM_SMCCC_OWNER_STANDARD, 0x2e4)
#define LFA_ACTIVATE		LFA_EMU_FID(ARM_SMCCC_OWNER_STANDARD, 0x2e5)
#define LFA_CANCEL		LFA_EMU_FID(ARM_SMCCC_OWNER_STANDARD, 0x2e6)

#define LFA_EMU_SIP_INFO	LFA_EMU_FID(ARM_SMCCC_OWNER_SIP, 0x4c00)
#define LFA_EMU_SIP_IMAGE	LFA_EMU_FID(ARM_SMCCC_OWNER_SIP, 0x4c01)
#define LFA_EMU_SIP_STAGE	LFA_EMU_FID(ARM_SMCCC_OWNER_SIP, 0x4c02)
#define LFA_EMU_SIP_LOG_READ	LFA_EMU_FID(ARM_SMCCC_OWNER_SIP, 0x4c03)
#define LFA_EMU_SIP_LOG_CLEAR	LFA_EMU_FID(ARM_SMCCC_OWNER_SIP, 0x4c04)
#define LFA_EMU_SIP_LINE	LFA_EMU_FID(ARM_SMCCC_OWNER_SIP, 0x4c05)
#define LFA_EMU_SIP_BMC_STAGE	LFA_EMU_FID(ARM_SMCCC_OWNER_SIP, 0x4c06)
#define LFA_EMU_MAGIC		0x4c464145	/* "LFAE" */
#define LFA_EMU_LINE_MAX	256

/* x3 of LFA_EMU_SIP_IMAGE */
#define LFA_EMU_IMG_STAGEABLE	BIT(0)
#define LFA_EMU_IMG_LISTED	BIT(1)
#define LFA_EMU_IMG_STAGED	BIT(2)
#define LFA_EMU_IMG_BMC		BIT(3)
#define LFA_EMU_IMG_CAPABLE	BIT(4)

/* emulated image format, docs/contracts.md */
#define LFA_EMU_IMG_MAGIC	"LFAEMU01"
#define LFA_EMU_IMG_HDR		40
#define LFA_EMU_IMG_MAX		65536

#define LFA_SUCCESS			0
#define LFA_NOT_SUPPORTED		-1
#define LFA_BUSY			-2
#define LFA_AUTH_ERROR			-3
#define LFA_NO_MEMORY			-4
#define LFA_CRITICAL_ERROR		-5
#define LFA_DEVICE_ERROR		-6
#define LFA_WRONG_STATE			-7
#define LFA_INVALID_PARAMETERS		-8
#define LFA_COMPONENT_WRONG_STATE	-9
#define LFA_INVALID_ADDRESS		-10
#define LFA_ACTIVATION_FAILED		-11

#endif /* _LFA_EMU_H */

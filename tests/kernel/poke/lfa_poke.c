// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only: activates one image by calling the LFA agent directly,
 * behind lfa_fw's back, so that the agent renumbers its images while the
 * driver still holds the old sequence ids (tests/kernel, test_seq_change).
 *
 *   insmod lfa_poke.ko guid=<GUID>
 *
 * The image must allow skipping the CPU rendezvous. Loading fails with
 * ENOENT if the agent does not list the GUID, EIO if an LFA call fails.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/arm-smccc.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uuid.h>

#define POKE_FID(n)	(0xC4000000u | (n))
#define POKE_TRIES	10000

static char *guid = "";
module_param(guid, charp, 0);
MODULE_PARM_DESC(guid, "image to activate");

static long poke_call(u32 fid, u64 a1, u64 a2, struct arm_smccc_1_2_regs *out)
{
	struct arm_smccc_1_2_regs in = { .a0 = fid, .a1 = a1, .a2 = a2 };

	memset(out, 0, sizeof(*out));
	arm_smccc_1_2_smc(&in, out);
	return (long)out->a0;
}

static int poke_find(u64 *seq)
{
	struct arm_smccc_1_2_regs out;
	char str[UUID_STRING_LEN + 1];
	__le64 raw[2];
	u64 i, n;

	if (poke_call(POKE_FID(0x2e2), 0, 0, &out))
		return -EIO;
	n = out.a1;
	for (i = 0; i < n; i++) {
		if (poke_call(POKE_FID(0x2e3), i, 0, &out))
			return -EIO;
		raw[0] = cpu_to_le64(out.a1);
		raw[1] = cpu_to_le64(out.a2);
		snprintf(str, sizeof(str), "%pUb", raw);
		if (!strcmp(str, guid)) {
			*seq = i;
			return 0;
		}
	}
	return -ENOENT;
}

static int __init poke_init(void)
{
	struct arm_smccc_1_2_regs out;
	int i, ret;
	long st;
	u64 seq;

	ret = poke_find(&seq);
	if (ret)
		return ret;

	for (i = 0; i < POKE_TRIES; i++) {
		st = poke_call(POKE_FID(0x2e4), seq, 0, &out);
		if (st || !(out.a1 & 1))
			break;
	}
	if (st) {
		pr_err("PRIME(%llu): %ld\n", seq, st);
		return -EIO;
	}
	for (i = 0; i < POKE_TRIES; i++) {
		st = poke_call(POKE_FID(0x2e5), seq, 1, &out);
		if (st != -2 && !(st == 0 && (out.a1 & 1)))
			break;
	}
	if (st) {
		pr_err("ACTIVATE(%llu): %ld\n", seq, st);
		poke_call(POKE_FID(0x2e6), seq, 0, &out);
		return -EIO;
	}
	pr_info("activated %s at id %llu\n", guid, seq);
	return 0;
}
module_init(poke_init);

static void __exit poke_exit(void)
{
}
module_exit(poke_exit);

MODULE_DESCRIPTION("Test-only direct LFA activation");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver-independent check of the emulated LFA agent: issues every LFA call
 * directly with arm_smccc_1_2_smc() and reports, as TAP lines in debugfs
 * lfa_check/run, whether each call and each error is answered as DEN0147
 * and TF-A's agent answer it (agent lfa; tests/agent/README.md).
 *
 * Reading lfa_check/run runs the checks once; they change the agent's
 * state, so the module expects a freshly booted scenario named by the
 * "scenario" parameter: check (tests/scenarios/check.scn), empty or noagent.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/arm-smccc.h>
#include <linux/crc32.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/unaligned.h>
#include <asm/io.h>

#include "lfa_emu.h"

static char *scenario = "check";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario, "scenario the guest booted: check, empty or noagent");

#define SENTINEL(i)	(0xa5a5000000000000ULL | (i))
#define V(maj, min)	((u64)(maj) << 32 | (min))

/* check.scn, images in scenario order */
enum { IMG_A, IMG_B, IMG_C, IMG_R, IMG_H };

struct lfa_ck {
	struct seq_file *s;
	unsigned int failed;
	u32 codes_seen;		/* bit n: code -n was answered */
};

struct lfa_ck_rdv {
	u64 id, flags, ep, ctx;
	s64 *ret;
	u64 *r1;
};

static DEFINE_MUTEX(lfa_ck_lock);
static struct dentry *lfa_ck_dir;

static __printf(3, 4) void lfa_ck(struct lfa_ck *c, bool ok, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	seq_printf(c->s, "%s - %pV\n", ok ? "ok" : "not ok", &vaf);
	va_end(args);
	if (!ok)
		c->failed++;
}

static void lfa_ck_eq(struct lfa_ck *c, s64 got, s64 want, const char *what)
{
	lfa_ck(c, got == want, "%s: got %lld (0x%llx), want %lld", what, got,
	       (u64)got, want);
}

/*
 * One call with x5..x17 set to sentinels: SMCCC v1.2 requires the agent to
 * preserve x4..x17 except where a call returns values (GET_INVENTORY x4/x5).
 */
static s64 lfa_ck_call(struct lfa_ck *c, u64 fid, u64 a1, u64 a2, u64 a3,
		       u64 a4, struct arm_smccc_1_2_regs *res)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = fid, .a1 = a1, .a2 = a2, .a3 = a3, .a4 = a4,
		.a5 = SENTINEL(5), .a6 = SENTINEL(6), .a7 = SENTINEL(7),
		.a8 = SENTINEL(8), .a9 = SENTINEL(9), .a10 = SENTINEL(10),
		.a11 = SENTINEL(11), .a12 = SENTINEL(12), .a13 = SENTINEL(13),
		.a14 = SENTINEL(14), .a15 = SENTINEL(15), .a16 = SENTINEL(16),
		.a17 = SENTINEL(17),
	};
	const unsigned long *r = &res->a0;
	bool kept = true;
	s64 ret;
	int i;

	arm_smccc_1_2_smc(&args, res);
	ret = (s64)res->a0;
	for (i = 6; i <= 17; i++)
		kept &= r[i] == SENTINEL(i);
	if (fid != LFA_GET_INVENTORY || ret != LFA_SUCCESS)
		kept &= res->a4 == a4 && res->a5 == SENTINEL(5);
	if (!kept)
		lfa_ck(c, false, "fid 0x%llx clobbered x4..x17", fid);
	if (fid >= LFA_VERSION && fid <= LFA_CANCEL && ret <= 0 && ret >= -31)
		c->codes_seen |= BIT(-ret);
	return ret;
}

static s64 lfa_ck_simple(struct lfa_ck *c, u64 fid, u64 a1)
{
	struct arm_smccc_1_2_regs res;

	return lfa_ck_call(c, fid, a1, 0, 0, 0, &res);
}

static void lfa_ck_sip(u64 fid, u64 a1, u64 a2, u64 a3,
		       struct arm_smccc_1_2_regs *res)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = fid, .a1 = a1, .a2 = a2, .a3 = a3,
	};

	arm_smccc_1_2_smc(&args, res);
}

static int lfa_ck_line(const char *line)
{
	struct arm_smccc_1_2_regs res;
	size_t len = strlen(line);
	char *buf = kmemdup(line, len + 1, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	lfa_ck_sip(LFA_EMU_SIP_LINE, virt_to_phys(buf), len, 0, &res);
	kfree(buf);
	return (s64)res.a0 == LFA_SUCCESS ? 0 : -EINVAL;
}

static void lfa_ck_inject(struct lfa_ck *c, const char *line)
{
	lfa_ck(c, lfa_ck_line(line) == 0, "agent accepts \"%s\"", line);
}

/* GUID registers of scenario image @idx, from the emulator's own list */
static void lfa_ck_image(unsigned int idx, u64 *lo, u64 *hi)
{
	struct arm_smccc_1_2_regs res;

	lfa_ck_sip(LFA_EMU_SIP_IMAGE, idx, 0, 0, &res);
	*lo = res.a1;
	*hi = res.a2;
}

static void lfa_ck_inventory(struct lfa_ck *c, u64 id, unsigned int idx,
			     u64 flags, u64 cur, u64 pend)
{
	struct arm_smccc_1_2_regs res;
	u64 lo, hi;
	s64 ret;

	lfa_ck_image(idx, &lo, &hi);
	ret = lfa_ck_call(c, LFA_GET_INVENTORY, id, 0, 0, 0, &res);
	lfa_ck(c, ret == LFA_SUCCESS && res.a1 == lo && res.a2 == hi &&
	       res.a3 == flags && res.a4 == cur && res.a5 == pend,
	       "GET_INVENTORY(%llu): image %u flags 0x%llx (got 0x%lx) versions 0x%llx/0x%llx (got 0x%lx/0x%lx)",
	       id, idx, flags, res.a3, cur, pend, res.a4, res.a5);
}

static int lfa_ck_activate_cpu(void *data)
{
	struct lfa_ck_rdv *rdv = data;
	struct arm_smccc_1_2_regs args = {
		.a0 = LFA_ACTIVATE, .a1 = rdv->id, .a2 = rdv->flags,
		.a3 = rdv->ep, .a4 = rdv->ctx,
	};
	struct arm_smccc_1_2_regs res;
	int cpu = smp_processor_id();

	arm_smccc_1_2_smc(&args, &res);
	rdv->ret[cpu] = (s64)res.a0;
	rdv->r1[cpu] = res.a1;
	return 0;
}

/*
 * ACTIVATE on every online CPU at once, as the holding pen requires.
 * Returns the common result, or 1 if the CPUs disagreed.
 */
static s64 lfa_ck_rendezvous(struct lfa_ck *c, u64 id, u64 ep, u64 *r1)
{
	struct lfa_ck_rdv rdv = { .id = id, .ep = ep };
	s64 ret = 0;
	bool first = true, same = true;
	int cpu;

	rdv.ret = kcalloc(nr_cpu_ids, sizeof(*rdv.ret), GFP_KERNEL);
	rdv.r1 = kcalloc(nr_cpu_ids, sizeof(*rdv.r1), GFP_KERNEL);
	if (!rdv.ret || !rdv.r1) {
		kfree(rdv.ret);
		kfree(rdv.r1);
		return 1;
	}
	stop_machine(lfa_ck_activate_cpu, &rdv, cpu_online_mask);
	for_each_online_cpu(cpu) {
		if (first) {
			ret = rdv.ret[cpu];
			*r1 = rdv.r1[cpu];
			first = false;
		} else if (rdv.ret[cpu] != ret || rdv.r1[cpu] != *r1) {
			same = false;
		}
	}
	kfree(rdv.ret);
	kfree(rdv.r1);
	lfa_ck(c, same, "all %u CPUs leave the holding pen with the same result",
	       num_online_cpus());
	if (ret <= 0 && ret >= -31)
		c->codes_seen |= BIT(-ret);
	return same ? ret : 1;
}

/* ACTIVATE entries per CPU in the call log since @from */
static unsigned int lfa_ck_logged_cpus(u64 from)
{
	struct arm_smccc_1_2_regs res;
	unsigned int cpus = 0;
	u64 seq, head;

	lfa_ck_sip(LFA_EMU_SIP_LOG_READ, 0, 0, 0, &res);
	head = res.a2;
	for (seq = from; seq < head; seq++) {
		lfa_ck_sip(LFA_EMU_SIP_LOG_READ, seq, 0, 0, &res);
		if ((s64)res.a0 == LFA_SUCCESS && res.a5 == LFA_ACTIVATE &&
		    res.a4 < 32)
			cpus |= BIT(res.a4);
	}
	return hweight32(cpus);
}

static u64 lfa_ck_log_head(void)
{
	struct arm_smccc_1_2_regs res;

	lfa_ck_sip(LFA_EMU_SIP_LOG_READ, 0, 0, 0, &res);
	return res.a2;
}

/* Stages an emulated image for scenario image @idx; @bad_crc corrupts it. */
static s64 lfa_ck_stage(unsigned int idx, u64 version, bool bad_crc)
{
	const u32 plen = 256;
	struct arm_smccc_1_2_regs res;
	u64 lo, hi;
	u8 *buf;
	u32 i;

	buf = kmalloc(LFA_EMU_IMG_HDR + plen, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	lfa_ck_image(idx, &lo, &hi);
	memcpy(buf, LFA_EMU_IMG_MAGIC, 8);
	put_unaligned_le64(lo, buf + 8);
	put_unaligned_le64(hi, buf + 16);
	put_unaligned_le64(version, buf + 24);
	put_unaligned_le32(plen, buf + 32);
	for (i = 0; i < plen; i++)
		buf[LFA_EMU_IMG_HDR + i] = i * 13;
	put_unaligned_le32(~crc32_le(~0, buf + LFA_EMU_IMG_HDR, plen) ^ bad_crc,
			   buf + 36);
	lfa_ck_sip(LFA_EMU_SIP_STAGE, virt_to_phys(buf), LFA_EMU_IMG_HDR + plen,
		   0, &res);
	kfree(buf);
	return (s64)res.a0;
}

static irqreturn_t lfa_ck_irq(int irq, void *data)
{
	atomic_inc(data);
	return IRQ_HANDLED;
}

static void lfa_ck_discovery(struct lfa_ck *c, bool agent)
{
	u64 fid;

	lfa_ck_eq(c, arm_smccc_get_version(), ARM_SMCCC_VERSION_1_2,
		  "SMCCC version is 1.2");
	lfa_ck_eq(c, arm_smccc_1_1_get_conduit(), SMCCC_CONDUIT_SMC,
		  "SMC conduit");
	if (!agent) {
		for (fid = LFA_VERSION; fid <= LFA_CANCEL; fid++)
			lfa_ck_eq(c, lfa_ck_simple(c, fid, 0), LFA_NOT_SUPPORTED,
				  "no agent: LFA call answers NOT_SUPPORTED");
		return;
	}
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_VERSION, 0), 0x10000, "LFA_VERSION is 1.0");
	for (fid = LFA_VERSION; fid <= LFA_CANCEL; fid++)
		lfa_ck_eq(c, lfa_ck_simple(c, LFA_FEATURES, fid), LFA_SUCCESS,
			  "LFA_FEATURES of an LFA function");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_FEATURES, LFA_CANCEL + 1),
		  LFA_NOT_SUPPORTED, "LFA_FEATURES(0xC40002E7)");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_CANCEL + 1, 0), LFA_NOT_SUPPORTED,
		  "unassigned FID in the LFA range");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_GET_INFO, 1), LFA_INVALID_PARAMETERS,
		  "GET_INFO selector 1");
}

static void lfa_ck_empty(struct lfa_ck *c)
{
	struct arm_smccc_1_2_regs res;

	lfa_ck_eq(c, lfa_ck_call(c, LFA_GET_INFO, 0, 0, 0, 0, &res), LFA_SUCCESS,
		  "GET_INFO(0)");
	lfa_ck_eq(c, res.a1, 0, "zero components");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_GET_INVENTORY, 0), LFA_WRONG_STATE,
		  "GET_INVENTORY without components");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_CANCEL, 0), LFA_WRONG_STATE,
		  "CANCEL without components");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 0), LFA_INVALID_PARAMETERS,
		  "PRIME without components");
}

/* Prime, activation and every error, on check.scn. */
static void lfa_ck_state_machine(struct lfa_ck *c)
{
	struct arm_smccc_1_2_regs res;
	u64 r1, log_from;
	int i;

	lfa_ck_eq(c, lfa_ck_call(c, LFA_GET_INFO, 0, 0, 0, 0, &res), LFA_SUCCESS,
		  "GET_INFO(0)");
	lfa_ck_eq(c, res.a1, 4, "four components listed");
	lfa_ck_inventory(c, 0, IMG_A, 0x3, V(1, 0), V(1, 1));
	lfa_ck_inventory(c, 1, IMG_B, 0xb, V(2, 0), V(2, 1));
	lfa_ck_inventory(c, 2, IMG_C, 0x2, V(3, 0), V(3, 1));
	lfa_ck_inventory(c, 3, IMG_R, 0x7, V(4, 0), V(4, 1));
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_GET_INVENTORY, 4), LFA_INVALID_PARAMETERS,
		  "GET_INVENTORY id out of range");

	/* PRIME */
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 9), LFA_INVALID_PARAMETERS,
		  "PRIME id out of range");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 2), LFA_NOT_SUPPORTED,
		  "PRIME of an incapable image");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_CANCEL, 0), LFA_INVALID_PARAMETERS,
		  "CANCEL with nothing primed");
	for (i = 0; i < 2; i++) {
		lfa_ck_eq(c, lfa_ck_call(c, LFA_PRIME, 0, 0, 0, 0, &res), LFA_SUCCESS,
			  "PRIME(0) step");
		lfa_ck_eq(c, res.a1, 1, "CALL_AGAIN while the prime has work left");
		lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 1), LFA_WRONG_STATE,
			  "PRIME of another id mid-prime");
		lfa_ck_eq(c, lfa_ck_simple(c, LFA_ACTIVATE, 0),
			  LFA_COMPONENT_WRONG_STATE, "ACTIVATE mid-prime");
	}
	lfa_ck_eq(c, lfa_ck_call(c, LFA_PRIME, 0, 0, 0, 0, &res), LFA_SUCCESS,
		  "PRIME(0) last step");
	lfa_ck_eq(c, res.a1, 0, "no CALL_AGAIN when primed");

	/* ACTIVATE errors */
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_ACTIVATE, 1), LFA_INVALID_PARAMETERS,
		  "ACTIVATE of an id that is not primed");
	lfa_ck_eq(c, lfa_ck_call(c, LFA_ACTIVATE, 0, 1, 0, 0, &res),
		  LFA_INVALID_PARAMETERS, "skip rendezvous when it is required");
	lfa_ck_inject(c, "fault ACTIVATE 1 ACTIVATION_FAILED");
	lfa_ck_eq(c, lfa_ck_rendezvous(c, 0, 0, &r1), LFA_ACTIVATION_FAILED,
		  "platform failure: ACTIVATION_FAILED on every CPU");
	lfa_ck_inject(c, "fault ACTIVATE 1 INVALID_ADDRESS");
	lfa_ck_eq(c, lfa_ck_rendezvous(c, 0, 0, &r1), LFA_INVALID_ADDRESS,
		  "injected INVALID_ADDRESS");
	lfa_ck_inventory(c, 0, IMG_A, 0x3, V(1, 0), V(1, 1));

	/* the rendezvous itself, two rounds (activate-steps 1) */
	log_from = lfa_ck_log_head();
	lfa_ck_eq(c, lfa_ck_rendezvous(c, 0, 0, &r1), LFA_SUCCESS, "ACTIVATE round 1");
	lfa_ck_eq(c, r1, 1, "round 1 asks to call again");
	lfa_ck_eq(c, lfa_ck_rendezvous(c, 0, 0, &r1), LFA_SUCCESS, "ACTIVATE round 2");
	lfa_ck_eq(c, r1, 0, "round 2 completes");
	lfa_ck_eq(c, lfa_ck_logged_cpus(log_from), num_online_cpus(),
		  "call log shows ACTIVATE from every CPU");

	/* after the activation: c vanished, h appeared, a runs 1.1 */
	lfa_ck_eq(c, lfa_ck_call(c, LFA_GET_INFO, 0, 0, 0, 0, &res), LFA_SUCCESS,
		  "GET_INFO after activation");
	lfa_ck_eq(c, res.a1, 4, "still four components");
	lfa_ck_inventory(c, 0, IMG_A, 0x1, V(1, 1), 0);
	lfa_ck_inventory(c, 2, IMG_R, 0x7, V(4, 0), V(4, 1));
	lfa_ck_inventory(c, 3, IMG_H, 0x1, V(5, 0), 0);
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_ACTIVATE, 0), LFA_INVALID_PARAMETERS,
		  "ACTIVATE again: nothing primed");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 0), LFA_WRONG_STATE,
		  "PRIME of an image with nothing pending");
}

/* Faults, staging and CANCEL on image b (seq id 1 after the first part). */
static void lfa_ck_faults_staging(struct lfa_ck *c)
{
	struct arm_smccc_1_2_regs res;
	u64 r1;

	lfa_ck_inject(c, "fault PRIME 1 BUSY");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 1), LFA_BUSY, "injected BUSY");
	lfa_ck_inject(c, "fault PRIME 1 NO_MEMORY");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 1), LFA_NO_MEMORY,
		  "injected NO_MEMORY");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 2), LFA_WRONG_STATE,
		  "failed prime stays started: other id refused");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_CANCEL, 0), LFA_INVALID_PARAMETERS,
		  "CANCEL of another id");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_CANCEL, 1), LFA_SUCCESS, "CANCEL(1)");
	lfa_ck_inject(c, "fault PRIME 1 DEVICE_ERROR");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 1), LFA_DEVICE_ERROR,
		  "injected DEVICE_ERROR");
	lfa_ck_inject(c, "fault CANCEL 1 BUSY");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_CANCEL, 1), LFA_BUSY, "CANCEL BUSY");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_CANCEL, 1), LFA_SUCCESS, "CANCEL retried");

	/* staging: a corrupt image fails authentication and is discarded */
	lfa_ck_eq(c, lfa_ck_stage(IMG_B, V(2, 5), true), LFA_SUCCESS,
		  "stage an image with a bad CRC");
	lfa_ck_inventory(c, 1, IMG_B, 0xb, V(2, 0), V(2, 5));
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 1), LFA_AUTH_ERROR,
		  "PRIME of the corrupt image: AUTH_ERROR");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_CANCEL, 1), LFA_SUCCESS, "CANCEL(1)");
	lfa_ck_inventory(c, 1, IMG_B, 0x9, V(2, 0), 0);
	lfa_ck_eq(c, lfa_ck_stage(IMG_B, 0, false), LFA_INVALID_PARAMETERS,
		  "staging version 0 is refused");
	lfa_ck_eq(c, lfa_ck_stage(IMG_C, V(3, 9), false), LFA_INVALID_PARAMETERS,
		  "staging a non-stageable image is refused");
	lfa_ck_sip(LFA_EMU_SIP_STAGE, 0x1000, 64, 0, &res);
	lfa_ck_eq(c, res.a0, LFA_INVALID_ADDRESS, "staging from outside RAM");

	/* a good image, activated without rendezvous on this CPU */
	lfa_ck_eq(c, lfa_ck_stage(IMG_B, V(2, 6), false), LFA_SUCCESS,
		  "stage a good image");
	lfa_ck_inventory(c, 1, IMG_B, 0xb, V(2, 0), V(2, 6));
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 1), LFA_SUCCESS, "PRIME(1)");
	lfa_ck_inject(c, "fault ACTIVATE 1 CALL_AGAIN 2");
	lfa_ck_eq(c, lfa_ck_call(c, LFA_ACTIVATE, 1, 1, 0, 0, &res), LFA_SUCCESS,
		  "skip-rendezvous ACTIVATE with injected CALL_AGAIN");
	lfa_ck_eq(c, res.a1, 1, "CALL_AGAIN 1");
	lfa_ck_eq(c, lfa_ck_call(c, LFA_ACTIVATE, 1, 1, 0, 0, &res), LFA_SUCCESS,
		  "again");
	lfa_ck_eq(c, res.a1, 1, "CALL_AGAIN 2");
	lfa_ck_eq(c, lfa_ck_call(c, LFA_ACTIVATE, 1, 1, 0, 0, &res), LFA_SUCCESS,
		  "skip-rendezvous ACTIVATE completes");
	lfa_ck_eq(c, res.a1, 0, "no CALL_AGAIN");
	lfa_ck_inventory(c, 1, IMG_B, 0x9, V(2, 6), 0);

	/* may_reset_cpu with an invalid entry point */
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 2), LFA_SUCCESS, "PRIME(2) may-reset");
	lfa_ck_eq(c, lfa_ck_rendezvous(c, 2, 0x2, &r1), LFA_CRITICAL_ERROR,
		  "may-reset activation with a bad entry point: CRITICAL_ERROR");
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_CANCEL, 2), LFA_SUCCESS, "CANCEL(2)");
}

static void lfa_ck_bmc(struct lfa_ck *c)
{
	struct device_node *np;
	struct arm_smccc_1_2_regs res;
	atomic_t hits = ATOMIC_INIT(0);
	u64 lo, hi;
	int irq, i;

	np = of_find_compatible_node(NULL, NULL, "arm,lfa");
	lfa_ck(c, np, "DT has an arm,lfa node");
	irq = np ? irq_of_parse_and_map(np, 0) : 0;
	of_node_put(np);
	lfa_ck(c, irq > 0, "arm,lfa node has an interrupt");
	if (irq <= 0 || request_irq(irq, lfa_ck_irq, 0, "lfa_check", &hits)) {
		lfa_ck(c, false, "request the arm,lfa interrupt");
		return;
	}
	lfa_ck_image(IMG_H, &lo, &hi);
	lfa_ck_sip(LFA_EMU_SIP_BMC_STAGE, lo, hi, V(5, 5), &res);
	lfa_ck_eq(c, res.a0, LFA_SUCCESS, "BMC stages h 5.5");
	for (i = 0; i < 50 && !atomic_read(&hits); i++)
		msleep(20);
	free_irq(irq, &hits);
	lfa_ck_eq(c, atomic_read(&hits), 1, "one notification interrupt");
	lfa_ck_inventory(c, 3, IMG_H, 0x3, V(5, 0), V(5, 5));
}

/*
 * The pen must count only online CPUs: take one CPU offline (PSCI CPU_OFF
 * through the stub) and activate h, which the BMC staged, with the rest.
 */
static void lfa_ck_hotplug(struct lfa_ck *c)
{
	unsigned int cpu = num_online_cpus() - 1;
	u64 r1;

	if (!cpu || remove_cpu(cpu)) {
		lfa_ck(c, false, "take CPU %u offline", cpu);
		return;
	}
	lfa_ck_eq(c, lfa_ck_simple(c, LFA_PRIME, 3), LFA_SUCCESS, "PRIME(3)");
	lfa_ck_eq(c, lfa_ck_rendezvous(c, 3, 0, &r1), LFA_SUCCESS,
		  "rendezvous of the CPUs still online");
	lfa_ck(c, !add_cpu(cpu), "CPU %u back online", cpu);
	lfa_ck_inventory(c, 3, IMG_H, 0x1, V(5, 5), 0);
}

static int lfa_ck_run_show(struct seq_file *s, void *unused)
{
	struct lfa_ck c = { .s = s };
	struct arm_smccc_1_2_regs res;
	int code;

	mutex_lock(&lfa_ck_lock);
	if (!strcmp(scenario, "noagent")) {
		lfa_ck_discovery(&c, false);
		goto out;
	}
	lfa_ck_discovery(&c, true);
	lfa_ck_sip(LFA_EMU_SIP_INFO, 0, 0, 0, &res);
	lfa_ck_eq(&c, res.a1, LFA_EMU_MAGIC, "emulator's SiP service answers");
	if (!strcmp(scenario, "empty")) {
		lfa_ck_empty(&c);
		goto out;
	}
	lfa_ck_state_machine(&c);
	lfa_ck_faults_staging(&c);
	lfa_ck_bmc(&c);
	lfa_ck_hotplug(&c);
	for (code = 0; code >= LFA_ACTIVATION_FAILED; code--)
		lfa_ck(&c, c.codes_seen & BIT(-code), "return code %d was seen", code);
out:
	seq_printf(s, "# %u check(s) failed\n", c.failed);
	mutex_unlock(&lfa_ck_lock);
	return 0;
}

/*
 * The checks change the agent's state: they must run once per open, so the
 * buffer is sized up front and seq_file never re-runs show() to grow it.
 */
static int lfa_ck_run_open(struct inode *inode, struct file *file)
{
	return single_open_size(file, lfa_ck_run_show, NULL, SZ_64K);
}

static const struct file_operations lfa_ck_run_fops = {
	.owner = THIS_MODULE,
	.open = lfa_ck_run_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init lfa_ck_init(void)
{
	lfa_ck_dir = debugfs_create_dir("lfa_check", NULL);
	debugfs_create_file("run", 0400, lfa_ck_dir, NULL, &lfa_ck_run_fops);
	return 0;
}
module_init(lfa_ck_init);

static void __exit lfa_ck_exit(void)
{
	debugfs_remove_recursive(lfa_ck_dir);
}
module_exit(lfa_ck_exit);

MODULE_DESCRIPTION("Driver-independent check of the emulated Arm LFA agent");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host unit tests of the emulated LFA agent: drives lfa-agent.c,
 * lfa-scenario.c and lfa-sip.c directly, simulating several CPUs by
 * interleaving their calls.  Prints TAP.
 *
 * Usage: test-agent [scenario.scn ...]   (each file is parsed and checked)
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "test-harness.h"

static void test_discovery(void)
{
	struct res r;
	uint64_t f;

	cur_test = "discovery";
	load(basic);
	r = smc(LFA_FID_VERSION, 0, 0, 0, 0);
	CHECK_EQ(r.x[0], 0x10000, "VERSION is 1.0");
	CHECK_EQ(r.disp, LFA_DISP_DONE, "VERSION disposition");
	for (f = LFA_FID_FIRST; f <= LFA_FID_LAST; f++) {
		r = smc(LFA_FID_FEATURES, f, 0, 0, 0);
		CHECK_EQ(ret0(r), 0, "FEATURES of an LFA call");
	}
	r = smc(LFA_FID_FEATURES, LFA_FID_LAST + 1, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_NOT_SUPPORTED, "FEATURES of 0xC40002E7");
	r = smc(LFA_FID_FEATURES, 0x84000000, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_NOT_SUPPORTED, "FEATURES of PSCI_VERSION");
	r = smc(LFA_FID_LAST + 1, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_NOT_SUPPORTED, "unknown FID in the LFA range");
	r = smc(0x84000000, 0, 0, 0, 0);
	CHECK_EQ(r.disp, LFA_DISP_UNKNOWN, "PSCI FID is not the agent's");
	r = smc(0xffffffff00000000ull | LFA_FID_VERSION, 0, 0, 0, 0);
	CHECK_EQ(r.disp, LFA_DISP_UNKNOWN, "upper bits of x0 set");
	r = smc(LFA_FID_GET_INFO, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "GET_INFO(0)");
	CHECK_EQ(r.x[1], 3, "GET_INFO count");
	CHECK_EQ(r.x[2], 0, "GET_INFO x2");
	r = smc(LFA_FID_GET_INFO, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "GET_INFO(1)");
	CHECK_EQ(r.x[1], 1, "GET_INFO error leaves x1");
}

static void test_inventory(void)
{
	struct res r;

	cur_test = "inventory";
	load(basic);
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "GET_INVENTORY(0)");
	CHECK_EQ(r.x[1], 0x4698fe4c6d08d447ull, "BL31 GUID x1");
	CHECK_EQ(r.x[2], 0x005abdcb5029959bull, "BL31 GUID x2");
	CHECK_EQ(r.x[3], LFA_INV_CAPABLE | LFA_INV_PENDING, "BL31 flags");
	CHECK_EQ(r.x[4], V(2, 12), "current version");
	CHECK_EQ(r.x[5], V(2, 13), "pending version");
	r = smc(LFA_FID_GET_INVENTORY, 1, 0, 0, 0);
	CHECK_EQ(r.x[3], LFA_INV_CAPABLE | LFA_INV_PENDING | LFA_INV_RDV_OPTIONAL,
		 "rmm flags: rendezvous optional");
	r = smc(LFA_FID_GET_INVENTORY, 2, 0, 0, 0);
	CHECK_EQ(r.x[3], LFA_INV_PENDING, "incapable image: no capable/reset/rdv bits");
	r = smc(LFA_FID_GET_INVENTORY, 3, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "id out of range");
	r = smc(LFA_FID_GET_INVENTORY, 0x100000000ull, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "id is 32 bits like TF-A's fw_seq_id");

	load("image a 01234567-89ab-cdef-0123-456789abcdef 1.0 may-reset\n");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[3], LFA_INV_CAPABLE | LFA_INV_MAY_RESET_CPU, "may-reset flag");
	CHECK_EQ(r.x[5], 0, "no pending version when nothing staged");

	load("");
	r = smc(LFA_FID_GET_INFO, 0, 0, 0, 0);
	CHECK_EQ(r.x[1], 0, "empty: zero images");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_WRONG_STATE, "empty: GET_INVENTORY");
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_WRONG_STATE, "empty: CANCEL");
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "empty: PRIME");
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "empty: ACTIVATE");
}

static void test_noagent(void)
{
	struct res r;
	uint64_t f;

	cur_test = "noagent";
	load("agent none\nimage a 01234567-89ab-cdef-0123-456789abcdef 1.0\n");
	for (f = LFA_FID_FIRST; f <= LFA_FID_LAST; f++) {
		r = smc(f, 0, 0, 0, 0);
		CHECK_EQ(ret0(r), LFA_NOT_SUPPORTED, "every LFA call");
	}
}

static void test_prime(void)
{
	struct res r;

	cur_test = "prime";
	load(basic);
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_WRONG_STATE,
		 "pending flag is stale until GET_INVENTORY");
	inventory_all();
	r = smc(LFA_FID_PRIME, 3, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "PRIME id out of range");
	r = smc(LFA_FID_PRIME, 2, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_NOT_SUPPORTED, "PRIME of incapable image");
	r = smc_ex(1, true, LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_BUSY, "PRIME while another CPU holds the lock");
	CHECK_EQ(ag.prime_state, LFA_PRIME_NONE, "BUSY leaves state");
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "PRIME(0)");
	CHECK_EQ(r.x[1], 0, "single-step PRIME: no CALL_AGAIN");
	CHECK_EQ(ag.prime_state, LFA_PRIME_COMPLETE, "prime complete");
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "PRIME again when complete");
	r = smc(LFA_FID_PRIME, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "PRIME of another id when complete (TF-A)");
	CHECK_EQ(ag.prime_id, 0, "...does not switch the primed id");
	r = smc(LFA_FID_ACTIVATE, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "...so ACTIVATE(1) is refused");

	load("image a 01234567-89ab-cdef-0123-456789abcdef 1.0 pending 1.1 prime-steps 3\n"
	     "image b 01234567-89ab-cdef-0123-456789abcde0 1.0 pending 1.1\n"
	     "image c 01234567-89ab-cdef-0123-456789abcde1 1.0\n");
	inventory_all();
	r = smc(LFA_FID_PRIME, 2, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_WRONG_STATE, "PRIME of image with nothing pending");
	for (int i = 0; i < 3; i++) {
		r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
		CHECK_EQ(ret0(r), 0, "multi-step PRIME step");
		CHECK_EQ(r.x[1], 1, "CALL_AGAIN while work remains");
		CHECK_EQ(ag.prime_state, LFA_PRIME_STARTED, "state STARTED");
		r = smc(LFA_FID_PRIME, 1, 0, 0, 0);
		CHECK_EQ(ret0(r), LFA_WRONG_STATE, "other id mid-prime");
		r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
		CHECK_EQ(ret0(r), LFA_COMPONENT_WRONG_STATE, "ACTIVATE mid-prime");
		CHECK_EQ(r.x[1], 0, "ACTIVATE error clears x1");
	}
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(r.x[1], 0, "last step: no CALL_AGAIN");
	CHECK_EQ(ag.prime_state, LFA_PRIME_COMPLETE, "complete after 4 calls");
}

/* step-us: the cost of a step is the caller's to spend, and in the log */
static void test_step_cost(void)
{
	const struct lfa_log_entry *e;
	struct res r;

	cur_test = "step-us";
	load("image a 01234567-89ab-cdef-0123-456789abcdef 1.0 pending 1.1 prime-steps 1 step-us 200\n"
	     "image b 01234567-89ab-cdef-0123-456789abcde0 1.0 pending 1.1\n");
	inventory_all();
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(r.x[1], 1, "a step that asks to be called again");
	CHECK_EQ(r.ctx.busy_until, r.ctx.now + 200 * ag.cntfrq / 1000000, "costs 200 us of counter");
	e = lfa_agent_log_get(&ag, ag.log_head - 1);
	CHECK_EQ(e->t_out - e->t_in, 200 * ag.cntfrq / 1000000, "the log's call lasts as long");
	r = smc(LFA_FID_GET_INFO, 0, 0, 0, 0);
	CHECK_EQ(r.ctx.busy_until, 0, "other calls cost nothing");
	r = smc(LFA_FID_PRIME, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_WRONG_STATE, "...nor a refused PRIME of another image");
	CHECK_EQ(r.ctx.busy_until, 0, "...which costs nothing");
}

static void test_prime_reveals(void)
{
	struct res r;

	cur_test = "prime-reveals";
	load("image a 01234567-89ab-cdef-0123-456789abcdef 1.0 pending 1.1 rdv-optional prime-steps 1 prime-reveals may-reset\n"
	     "image b 01234567-89ab-cdef-0123-456789abcde0 1.0 pending 1.1 rdv-optional prime-reveals rdv-required\n");
	inventory_all();
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[3] & 0xc, 0x8, "a before PRIME: rendezvous optional, no reset");
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(r.x[1], 1, "a: first PRIME step");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[3] & 0x4, 0, "a mid-PRIME: nothing revealed yet");
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(r.x[1], 0, "a: PRIME complete");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[3] & 0x4, 0x4, "a after PRIME: may reset CPUs");
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "CANCEL a");
	r = smc(LFA_FID_PRIME, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "PRIME b");
	r = smc(LFA_FID_GET_INVENTORY, 1, 0, 0, 0);
	CHECK_EQ(r.x[3] & 0x8, 0, "b after PRIME: rendezvous required");
	r = smc(LFA_FID_ACTIVATE, 1, 1, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "b: skipping it is refused");
}

static void test_activate_single(void)
{
	struct res r;

	cur_test = "activate";
	load(basic);
	inventory_all();
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "ACTIVATE without PRIME");
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	r = smc(LFA_FID_ACTIVATE, 0, LFA_SKIP_RENDEZVOUS_BIT, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "skip rendezvous when required");
	CHECK_EQ(ag.act_in_progress, 0, "refused skip leaves no activation");
	r = smc(LFA_FID_ACTIVATE, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "ACTIVATE of unprimed id");
	/* one online CPU: the pen fills at once */
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "ACTIVATE(0), one CPU");
	CHECK_EQ(r.disp, LFA_DISP_DONE, "disposition");
	CHECK_EQ(r.x[1], 0, "no CALL_AGAIN");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[4], V(2, 13), "new version runs");
	CHECK_EQ(r.x[3] & LFA_INV_PENDING, 0, "no longer pending");
	CHECK_EQ(r.x[5], 0, "no pending version");
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "second ACTIVATE: prime reset");
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_WRONG_STATE, "PRIME after activation: not pending");

	/* rendezvous optional, skipped */
	smc(LFA_FID_PRIME, 1, 0, 0, 0);
	ag.online_cpus = 4;
	r = smc_ex(2, false, LFA_FID_ACTIVATE, 1, LFA_SKIP_RENDEZVOUS_BIT, 0, 0);
	CHECK_EQ(ret0(r), 0, "skip-rendezvous ACTIVATE on one of 4 CPUs");
	CHECK_EQ(r.disp, LFA_DISP_DONE, "no holding pen when skipped");
	r = smc(LFA_FID_GET_INVENTORY, 1, 0, 0, 0);
	CHECK_EQ(r.x[4], V(0, 8), "rmm 0.8 runs");
}

static void test_pen(void)
{
	struct res r[4], p;
	unsigned int cpu;

	cur_test = "pen";
	load("image a 01234567-89ab-cdef-0123-456789abcdef 1.0 pending 2.0 activate-steps 1\n"
	     "image b 01234567-89ab-cdef-0123-456789abcde0 1.0 pending 1.1 rdv-optional\n");
	ag.online_cpus = 4;
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	lfa_agent_log_clear(&ag);

	for (int round = 0; round < 2; round++) {
		for (cpu = 0; cpu < 4; cpu++) {
			r[cpu] = smc_ex(cpu, false, LFA_FID_ACTIVATE, 0, 0, 0, 0);
			CHECK_EQ(r[cpu].disp, cpu < 3 ? LFA_DISP_WAIT : LFA_DISP_DONE,
				 "early CPUs wait, the last performs");
		}
		p = poll_cpu(0);
		CHECK_EQ(p.disp, LFA_DISP_DONE, "released after the last CPU");
		CHECK_EQ(ret0(p), 0, "waiter result");
		CHECK_EQ(p.x[1], round == 0 ? 1 : 0, "waiter CALL_AGAIN like the leader");
		CHECK_EQ(r[3].x[1], round == 0 ? 1 : 0, "leader CALL_AGAIN per round");
		CHECK_EQ(ag.act_in_progress, 1, "activation still counted in progress");
		/* CANCEL is refused while CPUs are still in the round */
		r[0] = smc_ex(0, false, LFA_FID_CANCEL, 0, 0, 0, 0);
		CHECK_EQ(ret0(r[0]), round == 0 ? LFA_BUSY : LFA_INVALID_PARAMETERS,
			 "CANCEL while waiters remain (after success: nothing primed)");
		for (cpu = 1; cpu < 3; cpu++) {
			p = poll_cpu(cpu);
			CHECK_EQ(ret0(p), 0, "every waiter gets the leader's result");
		}
	}
	CHECK_EQ(ag.act_in_progress, 0, "over once every CPU left");
	CHECK_EQ(ag.img[0].cur_ver, V(2, 0), "activated");
	CHECK_EQ(ag.img[0].pending_flag, 0, "pending cleared");
	/* log: 4 ACTIVATE per round + 1 CANCEL per round */
	CHECK_EQ(ag.log_head - ag.log_tail, 10, "log entries");
	{
		unsigned int seen = 0;
		uint64_t s;

		for (s = ag.log_tail; s < ag.log_head; s++) {
			const struct lfa_log_entry *e = lfa_agent_log_get(&ag, s);

			if (e->fid == LFA_FID_ACTIVATE)
				seen |= 1u << e->cpu;
			if (e->fid == LFA_FID_ACTIVATE && e->cpu == 0)
				check(e->t_out > e->t_in, "waiter log entry spans its wait");
		}
		CHECK_EQ(seen, 0xf, "all 4 CPUs logged ACTIVATE");
	}

	/* pen timeout: only 2 of 4 CPUs come */
	cur_test = "pen-timeout";
	ag.img[0].staged = true;
	ag.img[0].pend_ver = V(3, 0);
	smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	ag.img[0].activate_steps = 0;
	ag.pen_timeout = 100;
	r[0] = smc_ex(0, false, LFA_FID_ACTIVATE, 0, 0, 0, 0);
	r[1] = smc_ex(1, false, LFA_FID_ACTIVATE, 0, 0, 0, 0);
	p = poll_cpu(0);
	CHECK_EQ(p.disp, LFA_DISP_WAIT, "still waiting before the deadline");
	now += 200;
	p = poll_cpu(0);
	CHECK_EQ(ret0(p), LFA_ACTIVATION_FAILED, "round fails at the deadline");
	p = poll_cpu(1);
	CHECK_EQ(ret0(p), LFA_ACTIVATION_FAILED, "for every waiter");
	CHECK_EQ(ag.act_in_progress, 0, "activation over");
	CHECK_EQ(ag.img[0].cur_ver, V(2, 0), "old version still runs");
	r[0] = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r[0].x[3] & LFA_INV_PENDING, LFA_INV_PENDING, "still pending");
	r[0] = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r[0]), 0, "CANCEL after failed activation");

	/* late skip request after a rendezvous round started: BUSY */
	cur_test = "pen-late-skip";
	smc(LFA_FID_GET_INVENTORY, 1, 0, 0, 0);
	smc(LFA_FID_PRIME, 1, 0, 0, 0);
	ag.pen_timeout = 1000000;
	r[0] = smc_ex(0, false, LFA_FID_ACTIVATE, 1, 0, 0, 0);
	CHECK_EQ(r[0].disp, LFA_DISP_WAIT, "first CPU chose the rendezvous");
	r[1] = smc_ex(1, false, LFA_FID_ACTIVATE, 1, LFA_SKIP_RENDEZVOUS_BIT, 0, 0);
	CHECK_EQ(ret0(r[1]), LFA_BUSY, "late skip request");
	r[1] = smc_ex(1, false, LFA_FID_ACTIVATE, 1, 0, 0, 0);
	r[2] = smc_ex(2, false, LFA_FID_ACTIVATE, 1, 0, 0, 0);
	r[3] = smc_ex(3, false, LFA_FID_ACTIVATE, 1, 0, 0, 0);
	CHECK_EQ(ret0(r[3]), 0, "round completes with the 4th CPU");
	for (cpu = 0; cpu < 3; cpu++)
		CHECK_EQ(ret0(poll_cpu(cpu)), 0, "waiters released");
	CHECK_EQ(ag.img[1].cur_ver, V(1, 1), "b activated");

	/* a skip-rendezvous activation in CALL_AGAIN blocks rendezvous callers */
	cur_test = "skip-busy";
	load("image b 01234567-89ab-cdef-0123-456789abcde0 1.0 pending 1.1 rdv-optional activate-steps 1\n");
	ag.online_cpus = 2;
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	r[0] = smc_ex(0, false, LFA_FID_ACTIVATE, 0, LFA_SKIP_RENDEZVOUS_BIT, 0, 0);
	CHECK_EQ(r[0].x[1], 1, "skip activation step 1: CALL_AGAIN");
	r[1] = smc_ex(1, false, LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r[1]), LFA_BUSY, "rendezvous ACTIVATE during skip activation");
	r[0] = smc_ex(0, true, LFA_FID_ACTIVATE, 0, LFA_SKIP_RENDEZVOUS_BIT, 0, 0);
	CHECK_EQ(ret0(r[0]), LFA_BUSY, "skip ACTIVATE with the lock contended");
	r[0] = smc_ex(0, false, LFA_FID_ACTIVATE, 0, LFA_SKIP_RENDEZVOUS_BIT, 0, 0);
	CHECK_EQ(ret0(r[0]), 0, "skip activation step 2");
	CHECK_EQ(r[0].x[1], 0, "done");
	CHECK_EQ(ag.img[0].cur_ver, V(1, 1), "activated");
}

static void test_cancel(void)
{
	struct res r;

	cur_test = "cancel";
	load(basic);
	inventory_all();
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "CANCEL with nothing in progress");
	r = smc(LFA_FID_CANCEL, 9, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "CANCEL id out of range");
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	r = smc(LFA_FID_CANCEL, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "CANCEL of another id");
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "CANCEL of the primed id");
	CHECK_EQ(ag.prime_state, LFA_PRIME_NONE, "prime state reset");
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "ACTIVATE after CANCEL");
	r = smc(LFA_FID_PRIME, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "another image can be primed");
	CHECK_EQ(ag.img[0].cur_ver, V(2, 12), "cancelled image not activated");
}

static void test_faults(void)
{
	struct res r;
	int i;

	cur_test = "fault-prime-auth";
	load(basic);
	inventory_all();
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	lfa_agent_add_fault(&ag, LFA_FID_PRIME, 1, LFA_AUTH_ERROR, 1);
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_AUTH_ERROR, "injected AUTH_ERROR");
	CHECK_EQ(ag.prime_state, LFA_PRIME_STARTED, "prime stays started (TF-A)");
	r = smc(LFA_FID_PRIME, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_WRONG_STATE, "so another id is refused");
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "until CANCEL");
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "fault fired once");

	cur_test = "fault-nth";
	load(basic);
	inventory_all();
	lfa_agent_add_fault(&ag, LFA_FID_GET_INFO, 2, LFA_DEVICE_ERROR, 2);
	CHECK_EQ(ret0(smc(LFA_FID_GET_INFO, 0, 0, 0, 0)), 0, "1st call fine");
	CHECK_EQ(ret0(smc(LFA_FID_GET_INFO, 0, 0, 0, 0)), LFA_DEVICE_ERROR, "2nd faulted");
	CHECK_EQ(ret0(smc(LFA_FID_GET_INFO, 0, 0, 0, 0)), LFA_DEVICE_ERROR, "3rd faulted");
	CHECK_EQ(ret0(smc(LFA_FID_GET_INFO, 0, 0, 0, 0)), 0, "4th fine");

	cur_test = "fault-busy";
	lfa_agent_add_fault(&ag, LFA_FID_PRIME, 1, LFA_BUSY, 2);
	CHECK_EQ(ret0(smc(LFA_FID_PRIME, 0, 0, 0, 0)), LFA_BUSY, "BUSY 1");
	CHECK_EQ(ag.prime_state, LFA_PRIME_NONE, "BUSY before the state machine");
	CHECK_EQ(ret0(smc(LFA_FID_PRIME, 0, 0, 0, 0)), LFA_BUSY, "BUSY 2");
	CHECK_EQ(ret0(smc(LFA_FID_PRIME, 0, 0, 0, 0)), 0, "then PRIME works");

	cur_test = "fault-activate-call-again-forever";
	lfa_agent_add_fault(&ag, LFA_FID_ACTIVATE, 1, LFA_FAULT_CALL_AGAIN, -1);
	for (i = 0; i < 50; i++) {
		r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
		if (ret0(r) != 0 || r.x[1] != 1)
			break;
	}
	CHECK_EQ(i, 50, "CALL_AGAIN 50 times in a row");
	CHECK_EQ(ag.img[0].cur_ver, V(2, 12), "nothing activated");
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "CANCEL between CALL_AGAIN rounds");
	lfa_agent_clear_faults(&ag);

	cur_test = "fault-activate-failed";
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	lfa_agent_add_fault(&ag, LFA_FID_ACTIVATE, 1, LFA_ACTIVATION_FAILED, 1);
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_ACTIVATION_FAILED, "injected ACTIVATION_FAILED");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[3] & LFA_INV_PENDING, LFA_INV_PENDING, "still pending");
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "retry of ACTIVATE succeeds (still primed)");

	cur_test = "fault-activate-busy";
	load(basic);
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	lfa_agent_add_fault(&ag, LFA_FID_ACTIVATE, 1, LFA_BUSY, 3);
	for (i = 0; i < 3; i++)
		CHECK_EQ(ret0(smc(LFA_FID_ACTIVATE, 0, 0, 0, 0)), LFA_BUSY, "BUSY");
	CHECK_EQ(ag.act_in_progress, 0, "BUSY never entered the activation");
	CHECK_EQ(ret0(smc(LFA_FID_ACTIVATE, 0, 0, 0, 0)), 0, "then it works");

	cur_test = "fault-cancel-busy";
	load(basic);
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	lfa_agent_add_fault(&ag, LFA_FID_CANCEL, 1, LFA_BUSY, 1);
	CHECK_EQ(ret0(smc(LFA_FID_CANCEL, 0, 0, 0, 0)), LFA_BUSY, "CANCEL BUSY");
	CHECK_EQ(ag.prime_state, LFA_PRIME_COMPLETE, "state kept");
	CHECK_EQ(ret0(smc(LFA_FID_CANCEL, 0, 0, 0, 0)), 0, "then CANCEL works");

	cur_test = "fault-reject";
	CHECK_EQ(lfa_agent_add_fault(&ag, LFA_FID_VERSION, 1, LFA_FAULT_CALL_AGAIN, 1),
		 -1, "CALL_AGAIN only for PRIME/ACTIVATE");
	CHECK_EQ(lfa_agent_add_fault(&ag, 0x84000000, 1, LFA_BUSY, 1), -1,
		 "non-LFA call");
	CHECK_EQ(lfa_agent_add_fault(&ag, LFA_FID_PRIME, 1, 5, 1), -1,
		 "positive code");

	cur_test = "fault-undefined-code";
	load(basic);
	inventory_all();
	{
		const char *line = "fault PRIME 1 -42";
		char err[64];

		CHECK_EQ(lfa_scenario_line(&ag, line, strlen(line), err, sizeof(err)),
			 0, "numeric code accepted");
		CHECK_EQ(ret0(smc(LFA_FID_PRIME, 0, 0, 0, 0)), -42, "undefined code -42");
		line = "fault PRIME 1 -4x";
		CHECK_EQ(lfa_scenario_line(&ag, line, strlen(line), err, sizeof(err)),
			 -1, "malformed number refused");
		line = "fault PRIME 1 -0";
		CHECK_EQ(lfa_scenario_line(&ag, line, strlen(line), err, sizeof(err)),
			 -1, "-0 refused");
	}
}

static void test_status_w32(void)
{
	struct res r;

	cur_test = "status-w32";
	load("status-w32 on\n"
	     "image a 01234567-89ab-cdef-0123-456789abcd00 1.0 pending 1.1\n"
	     "fault PRIME 1 AUTH_ERROR\n");
	inventory_all();
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(r.x[0], 0xfffffffdu, "AUTH_ERROR in W0 only");
	r = smc(LFA_FID_GET_INFO, 0, 0, 0, 0);
	CHECK_EQ(r.x[0], 0, "SUCCESS unchanged");
	r = smc(LFA_FID_VERSION, 0, 0, 0, 0);
	CHECK_EQ(r.x[0], 0x10000, "VERSION unchanged");
	ag.online_cpus = 2;
	lfa_agent_add_fault(&ag, LFA_FID_ACTIVATE, 1, LFA_ACTIVATION_FAILED, 1);
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	smc_ex(0, false, LFA_FID_ACTIVATE, 0, 0, 0, 0);
	r = smc_ex(1, false, LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(r.x[0], 0xfffffff5u, "the performing CPU");
	CHECK_EQ(poll_cpu(0).x[0], 0xfffffff5u, "a CPU leaving the pen");
	CHECK_EQ(lfa_agent_log_get(&ag, ag.log_head - 1)->ret, LFA_ACTIVATION_FAILED,
		 "the log keeps the code");
	{
		const char *line = "status-w32 off";
		char err[64];

		lfa_scenario_line(&ag, line, strlen(line), err, sizeof(err));
	}
	r = smc(LFA_FID_GET_INVENTORY, 7, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "off: sign-extended again");
}

static void test_effects(void)
{
	struct res r;

	cur_test = "effects";
	load("image a 01234567-89ab-cdef-0123-456789abcd00 1.0 pending 1.1\n"
	     "image b 01234567-89ab-cdef-0123-456789abcd01 1.0 pending 1.1\n"
	     "image c 01234567-89ab-cdef-0123-456789abcd02 1.0\n"
	     "image d 01234567-89ab-cdef-0123-456789abcd03 1.0 hidden\n"
	     "after a vanish b\n"
	     "after a appear d\n"
	     "after c order c d a\n");
	r = smc(LFA_FID_GET_INFO, 0, 0, 0, 0);
	CHECK_EQ(r.x[1], 3, "hidden image not listed");
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	r = smc(LFA_FID_GET_INFO, 0, 0, 0, 0);
	CHECK_EQ(r.x[1], 3, "b vanished, d appeared");
	r = smc(LFA_FID_GET_INVENTORY, 1, 0, 0, 0);
	CHECK_EQ(r.x[2] >> 56, 0x02, "seq 1 is now c");
	r = smc(LFA_FID_GET_INVENTORY, 2, 0, 0, 0);
	CHECK_EQ(r.x[2] >> 56, 0x03, "seq 2 is d");
	r = smc(LFA_FID_PRIME, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_WRONG_STATE, "old seq id 1 now names c, not pending");
	/* activate c: reorder */
	ag.img[2].staged = true;
	ag.img[2].pend_ver = V(1, 5);
	inventory_all();
	smc(LFA_FID_PRIME, 1, 0, 0, 0);
	smc(LFA_FID_ACTIVATE, 1, 0, 0, 0);
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[2] >> 56, 0x02, "reordered: c first");
	r = smc(LFA_FID_GET_INVENTORY, 1, 0, 0, 0);
	CHECK_EQ(r.x[2] >> 56, 0x03, "then d");
	r = smc(LFA_FID_GET_INVENTORY, 2, 0, 0, 0);
	CHECK_EQ(r.x[2] >> 56, 0x00, "then a");
	r = smc(LFA_FID_GET_INFO, 0, 0, 0, 0);
	CHECK_EQ(r.x[1], 3, "count unchanged by reorder");
}

static void test_may_reset(void)
{
	struct res r;

	cur_test = "may-reset";
	load("image r 01234567-89ab-cdef-0123-456789abcd00 1.0 pending 1.1 may-reset\n");
	ag.ram_base = 0x40000000;
	ag.ram_size = 0x40000000;
	ag.online_cpus = 2;
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	r = smc_ex(0, false, LFA_FID_ACTIVATE, 0, 0, 0x1000, 7);
	CHECK_EQ(r.disp, LFA_DISP_WAIT, "cpu0 waits");
	r = smc_ex(1, false, LFA_FID_ACTIVATE, 0, 0, 0x1000, 7);
	CHECK_EQ(ret0(r), LFA_CRITICAL_ERROR, "entry point outside RAM");
	CHECK_EQ(ret0(poll_cpu(0)), LFA_CRITICAL_ERROR, "waiter too");
	smc_ex(0, false, LFA_FID_ACTIVATE, 0, 0, 0x40080000, 7);
	r = smc_ex(1, false, LFA_FID_ACTIVATE, 0, 0, 0x40080000, 7);
	CHECK_EQ(r.disp, LFA_DISP_RESET, "leader warm-resets");
	CHECK_EQ(r.ctx.reset_ep, 0x40080000, "into x3");
	CHECK_EQ(r.ctx.reset_ctx, 7, "with context x4");
	r = poll_cpu(0);
	CHECK_EQ(r.disp, LFA_DISP_RESET, "waiter warm-resets");
	CHECK_EQ(r.ctx.reset_ep, 0x40080000, "into the same entry");
	CHECK_EQ(ag.img[0].cur_ver, V(1, 1), "activated");
}

static uint8_t img_buf[LFA_IMG_HEADER_SIZE + LFA_IMG_MAX_PAYLOAD + 8];

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static size_t make_image(const uint8_t guid[16], uint64_t ver, uint32_t plen,
			 bool corrupt_crc)
{
	uint32_t i;

	memcpy(img_buf, LFA_IMG_MAGIC, 8);
	memcpy(img_buf + 8, guid, 16);
	put_le(img_buf + 24, ver, 8);
	put_le(img_buf + 32, plen, 4);
	for (i = 0; i < plen; i++)
		img_buf[LFA_IMG_HEADER_SIZE + i] = (uint8_t)(i * 7 + 3);
	put_le(img_buf + 36, lfa_crc32(img_buf + LFA_IMG_HEADER_SIZE, plen) ^
	       (corrupt_crc ? 1 : 0), 4);
	return LFA_IMG_HEADER_SIZE + plen;
}

static void test_staging(void)
{
	uint8_t rmm_guid[16];
	struct res r;
	size_t len;

	cur_test = "crc32";
	CHECK_EQ(lfa_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u,
		 "CRC-32 check value");

	cur_test = "staging";
	load(basic);
	lfa_parse_guid("6c0762a6-12f2-4b56-92cb-ba8f633606d9", 36, rmm_guid);
	ag.img[0].staged = false;
	inventory_all();
	len = make_image(bl31_guid, V(2, 14), 1000, false);
	CHECK_EQ(lfa_agent_stage(&ag, img_buf, len), 0, "valid image");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[3] & LFA_INV_PENDING, LFA_INV_PENDING, "pending after staging");
	CHECK_EQ(r.x[5], V(2, 14), "pending version from header");
	CHECK_EQ(lfa_agent_stage(&ag, img_buf, len - 1), LFA_INVALID_PARAMETERS,
		 "length mismatch");
	CHECK_EQ(lfa_agent_stage(&ag, img_buf, 39), LFA_INVALID_PARAMETERS,
		 "shorter than a header");
	make_image(rmm_guid, V(1, 0), 10, false);
	CHECK_EQ(lfa_agent_stage(&ag, img_buf, 50), LFA_INVALID_PARAMETERS,
		 "image not stageable");
	len = make_image(bl31_guid, 0, 10, false);
	CHECK_EQ(lfa_agent_stage(&ag, img_buf, len), LFA_INVALID_PARAMETERS,
		 "version 0");
	len = make_image(bl31_guid, V(3, 0), 10, false);
	img_buf[0] = 'X';
	CHECK_EQ(lfa_agent_stage(&ag, img_buf, len), LFA_INVALID_PARAMETERS,
		 "bad magic");
	len = make_image(bl31_guid, V(3, 0), LFA_IMG_MAX_PAYLOAD + 1, false);
	CHECK_EQ(lfa_agent_stage(&ag, img_buf, len), LFA_NO_MEMORY, "too large");
	len = make_image(bl31_guid, V(3, 0), LFA_IMG_MAX_PAYLOAD, false);
	CHECK_EQ(lfa_agent_stage(&ag, img_buf, len), 0, "64 KiB payload");
	smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "good CRC primes");
	len = make_image(bl31_guid, V(3, 1), 10, false);
	CHECK_EQ(lfa_agent_stage(&ag, img_buf, len), LFA_BUSY, "staging while primed");
	smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ag.img[0].cur_ver, V(3, 0), "staged image activated");

	cur_test = "staging-corrupt";
	len = make_image(bl31_guid, V(4, 0), 500, true);
	CHECK_EQ(lfa_agent_stage(&ag, img_buf, len), 0, "bad CRC stages (checked at PRIME)");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[3] & LFA_INV_PENDING, LFA_INV_PENDING, "pending");
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_AUTH_ERROR, "PRIME: AUTH_ERROR");
	CHECK_EQ(ret0(smc(LFA_FID_CANCEL, 0, 0, 0, 0)), 0, "CANCEL");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[3] & LFA_INV_PENDING, 0, "discarded: no longer pending");
	CHECK_EQ(r.x[4], V(3, 0), "old version keeps running");

	cur_test = "corrupt-scenario";
	load("image a 01234567-89ab-cdef-0123-456789abcd00 1.0 pending 1.1 corrupt\n");
	inventory_all();
	CHECK_EQ(ret0(smc(LFA_FID_PRIME, 0, 0, 0, 0)), LFA_AUTH_ERROR,
		 "corrupt preloaded image");

	cur_test = "bmc";
	load("image a 01234567-89ab-cdef-0123-456789abcd00 1.0 bmc 1.7\n");
	inventory_all();
	CHECK_EQ(lfa_agent_bmc_stage(&ag, ag.img[0].guid, 0), 0, "BMC stage");
	CHECK_EQ(ag.irq_request, 1, "notification requested");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[5], V(1, 7), "scenario's BMC version");
	CHECK_EQ(ret0(smc(LFA_FID_PRIME, 0, 0, 0, 0)), 0, "primes without payload");
	CHECK_EQ(lfa_agent_bmc_stage(&ag, bl31_guid, 1), LFA_INVALID_PARAMETERS,
		 "unknown GUID");
}

static struct res sip(uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3)
{
	struct res r = { 0 };

	r.x[0] = fid;
	r.x[1] = x1;
	r.x[2] = x2;
	r.x[3] = x3;
	r.ctx.now = now++;
	r.disp = lfa_sip_smc(&ag, &r.ctx, r.x);
	return r;
}

static void test_sip(void)
{
	const char *line = "fault PRIME 1 NO_MEMORY";
	struct res r;
	size_t len;

	cur_test = "sip";
	load(basic);
	r = sip(LFA_SIP_INFO, 0, 0, 0);
	CHECK_EQ(r.x[1], LFA_SIP_MAGIC, "magic");
	CHECK_EQ(r.x[2], 3, "images");
	r = sip(LFA_SIP_IMAGE, 0, 0, 0);
	CHECK_EQ(r.x[1], 0x4698fe4c6d08d447ull, "image 0 GUID");
	CHECK_EQ(r.x[3], LFA_SIP_IMG_STAGEABLE | LFA_SIP_IMG_LISTED |
		 LFA_SIP_IMG_STAGED | LFA_SIP_IMG_CAPABLE, "image 0 flags");
	CHECK_EQ(r.x[6], 0x31336c62, "name \"bl31\"");
	r = sip(LFA_SIP_IMAGE, 3, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "image index out of range");
	r = sip(0xC2004CFF, 0, 0, 0);
	CHECK_EQ(r.disp, LFA_DISP_UNKNOWN, "unknown SiP FID");

	len = make_image(bl31_guid, V(9, 9), 64, false);
	r = sip(LFA_SIP_STAGE, (uintptr_t)img_buf, len, 0);
	CHECK_EQ(ret0(r), 0, "stage through SiP");
	ag.ram_base = 0x40000000;
	ag.ram_size = 0x1000;
	r = sip(LFA_SIP_STAGE, 0x40000f00, 0x200, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_ADDRESS, "buffer leaves RAM");
	r = sip(LFA_SIP_LINE, 0x3fffffff, 4, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_ADDRESS, "line below RAM");
	ag.ram_base = 0;
	ag.ram_size = ~0ull;

	r = sip(LFA_SIP_LINE, (uintptr_t)line, strlen(line), 0);
	CHECK_EQ(ret0(r), 0, "inject through SiP");
	inventory_all();
	CHECK_EQ(ret0(smc(LFA_FID_PRIME, 0, 0, 0, 0)), LFA_NO_MEMORY, "injected fault fires");
	r = sip(LFA_SIP_LINE, (uintptr_t)"fault PRIME 0 BUSY", 18, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "bad line refused");
	r = sip(LFA_SIP_LINE, (uintptr_t)"clear-faults", 12, 0);
	CHECK_EQ(ret0(r), 0, "clear-faults");
	CHECK_EQ(ag.nfaults, 0, "faults gone");

	r = sip(LFA_SIP_LOG_READ, ag.log_tail, 0, 0);
	CHECK_EQ(ret0(r), 0, "log read");
	CHECK_EQ(r.x[5], LFA_FID_GET_INVENTORY, "first logged call");
	CHECK_EQ(r.x[2], ag.log_head, "head returned");
	r = sip(LFA_SIP_LOG_READ, ag.log_head - 1, 0, 0);
	CHECK_EQ(r.x[5], LFA_FID_PRIME, "last logged call");
	CHECK_EQ(r.x[10], (uint64_t)(int64_t)LFA_NO_MEMORY, "its result");
	r = sip(LFA_SIP_LOG_READ, ag.log_head, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "beyond head");
	sip(LFA_SIP_LOG_CLEAR, 0, 0, 0);
	r = sip(LFA_SIP_LOG_READ, ag.log_head - 1, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "cleared");
	CHECK_EQ(r.x[1], r.x[2], "tail == head");

	r = sip(LFA_SIP_BMC_STAGE, 0x4698fe4c6d08d447ull, 0x005abdcb5029959bull, V(5, 5));
	CHECK_EQ(ret0(r), 0, "BMC stage through SiP");
	CHECK_EQ(ag.img[0].pend_ver, V(5, 5), "version");
	CHECK_EQ(ag.irq_request, 1, "interrupt requested");

	/* ring wrap: oldest entries drop out */
	cur_test = "log-wrap";
	for (int i = 0; i < LFA_AGENT_LOG_SIZE + 10; i++)
		smc(LFA_FID_VERSION, 0, 0, 0, 0);
	CHECK_EQ(ag.log_head - ag.log_tail, LFA_AGENT_LOG_SIZE, "ring full");
	CHECK_EQ(lfa_agent_log_get(&ag, ag.log_tail - 1) == NULL, 1, "overwritten entry gone");
}

static void test_scenario_errors(void)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "image a 1234 1.0\n", "line 1: image: bad GUID" },
		{ "\nimage a 01234567-89ab-cdef-0123-456789abcd00 1\n", "line 2: image: bad version" },
		{ "image a 01234567-89ab-cdef-0123-456789abcd00 1.0 shiny\n", "line 1: image: bad attribute: shiny" },
		{ "fault PRIME 1 OOPS\n", "line 1: fault: unknown code: OOPS" },
		{ "fault VERSION 1 CALL_AGAIN\n", "line 1: fault: not injectable" },
		{ "after x vanish y\n", "line 1: after: unknown image: x" },
		{ "frobnicate\n", "line 1: unknown keyword: frobnicate" },
		{ "image a 01234567-89ab-cdef-0123-456789abcd00 1.0 corrupt\n", "line 1: image: corrupt needs pending" },
		{ "image a 01234567-89ab-cdef-0123-456789abcd00 1.0\n"
		  "image b 01234567-89ab-cdef-0123-456789abcd00 1.0\n", "line 2: image: duplicate GUID" },
	};
	char err[128];
	unsigned int i;

	cur_test = "scenario-errors";
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lfa_agent_init(&ag);
		err[0] = '\0';
		int rc = lfa_scenario_load(&ag, bad[i].text, strlen(bad[i].text),
					   err, sizeof(err));
		check(rc == -1 && strncmp(err, bad[i].msg, strlen(bad[i].msg)) == 0,
		      "\"%s\" -> \"%s\"", bad[i].msg, err);
	}
	cur_test = "scenario-faults";
	load("image a 01234567-89ab-cdef-0123-456789abcd00 1.0 pending 1.1\n"
	     "fault ACTIVATE 2 CALL_AGAIN 3  # comment\n"
	     "fault CANCEL 1 BUSY forever\n");
	CHECK_EQ(ag.nfaults, 2, "two faults");
	CHECK_EQ(ag.faults[0].nth, 2, "nth");
	CHECK_EQ(ag.faults[0].left, 3, "count");
	CHECK_EQ(ag.faults[1].left, -1, "forever");
}

/*
 * The harness runs every scenario in both modes: in tf-a mode it either
 * loads or is refused for a spec-only feature (then it runs only in lfa).
 */
static void check_tfa_file(const char *path, const char *text)
{
	static char buf[65536 + 16];
	char err[128];

	snprintf(buf, sizeof(buf), "agent tf-a\n%s", text);
	if (load_err(buf, err, sizeof(err)) == 0) {
		check(ag.tfa || !ag.present, "%s parses as tf-a", path);
		return;
	}
	if (strstr(err, "spec-only"))
		printf("ok %u - %s: %s # SKIP lfa only: %s\n", ++n_tests,
		       cur_test, path, err);
	else
		check(0, "%s as tf-a: %s", path, err);
}

static void test_files(int argc, char **argv)
{
	static char text[65536];
	char err[128];
	int i;

	cur_test = "scenario-files";
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		size_t n;

		if (!f) {
			check(0, "open %s", argv[i]);
			continue;
		}
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		check_tfa_file(argv[i], text);
		check(load_err(text, err, sizeof(err)) == 0,
		      "%s parses %s", argv[i], err);
		/* every listed image answers GET_INVENTORY consistently */
		struct res r = smc(LFA_FID_GET_INFO, 0, 0, 0, 0);

		if (!ag.present) {
			CHECK_EQ(ret0(r), LFA_NOT_SUPPORTED, "no agent");
			continue;
		}
		for (uint64_t s = 0; s < r.x[1]; s++) {
			struct res inv = smc(LFA_FID_GET_INVENTORY, s, 0, 0, 0);

			if (ret0(inv) != 0)
				check(0, "%s: GET_INVENTORY(%" PRIu64 ")", argv[i], s);
		}
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_discovery();
	test_inventory();
	test_noagent();
	test_prime();
	test_prime_reveals();
	test_step_cost();
	test_activate_single();
	test_pen();
	test_cancel();
	test_faults();
	test_effects();
	test_status_w32();
	test_may_reset();
	test_staging();
	test_sip();
	test_scenario_errors();
	test_tfa();
	test_files(argc, argv);
	printf("1..%u\n", n_tests);
	return n_failed ? 1 : 0;
}

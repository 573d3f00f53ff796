// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host tests of `agent tf-a`: where the emulator answers as TF-A's LFA
 * service (services/std_svc/lfa, master of August 2026) does rather than
 * as the specification reads.  Each case runs the same calls in both modes
 * where they differ, so a change that makes one mode copy the other fails.
 */

#include <stdio.h>
#include <string.h>

#include "test-harness.h"

#define TFA	"agent tf-a\n"

static const char *const rounds2 =
	"image rmm 6c0762a6-12f2-4b56-92cb-ba8f633606d9 0.7 pending 0.8 activate-steps 1\n"
	"image sp 11111111-2222-3333-4444-555555555555 1.0 pending 1.1\n";

/* @text as TF-A answers it */
static void load_tfa(const char *text)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), TFA "%s", text);
	load(buf);
}

static void test_tfa_inventory(void)
{
	struct res r;

	cur_test = "tfa-inventory";
	load(TFA "image bl31 47d4086d-4cfe-9846-9b95-2950cbbd5a00 2.12 pending 2.13\n");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0x1234);
	CHECK_EQ(ret0(r), 0, "GET_INVENTORY(0)");
	CHECK_EQ(r.x[1], 0x4698fe4c6d08d447ull, "GUID still in x1");
	CHECK_EQ(r.x[3], LFA_INV_CAPABLE | LFA_INV_PENDING, "flags in x3");
	CHECK_EQ(r.x[4], 0x1234, "x4 keeps the caller's value");
	CHECK_EQ(r.x[5], SENTINEL(5), "x5 keeps the caller's value");

	cur_test = "tfa-no-components";
	load(TFA);
	CHECK_EQ(ag.present, 0, "service not initialised without components");
	r = smc(LFA_FID_VERSION, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_NOT_SUPPORTED, "VERSION");
	load("");
	r = smc(LFA_FID_VERSION, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0x10000, "agent lfa: an empty agent still answers");
}

static void test_tfa_check_order(void)
{
	struct res r;

	/* TF-A commit 3675bd893 checks the id before the prime state */
	cur_test = "tfa-check-order";
	load(TFA "image a 01234567-89ab-cdef-0123-456789abcd00 1.0 pending 1.1\n"
	     "image b 01234567-89ab-cdef-0123-456789abcd01 1.0 pending 1.1\n");
	inventory_all();
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "ACTIVATE with nothing primed");
	CHECK_EQ(r.x[1], 0, "ACTIVATE error: x1 = 0 (SMC_RET2)");
	r = smc(LFA_FID_PRIME, 2, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "PRIME: range before pending");
	ag.img[0].staged = false;
	smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_WRONG_STATE, "PRIME of an image not pending");
	smc(LFA_FID_PRIME, 1, 0, 0, 0);
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "ACTIVATE of an id not primed");
	ag.img[1].staged = false;
	smc(LFA_FID_GET_INVENTORY, 1, 0, 0, 0);
	r = smc(LFA_FID_ACTIVATE, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_COMPONENT_WRONG_STATE,
		 "ACTIVATE of the primed id once no longer pending");
}

/* Round one of a two-round rendezvous activation of image 0 on 4 CPUs. */
static void first_round(void)
{
	struct res r;
	unsigned int cpu;

	ag.online_cpus = 4;
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	for (cpu = 0; cpu < 4; cpu++)
		r = smc_ex(cpu, false, LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(r.x[1], LFA_CALL_AGAIN_BIT, "round 1 asks to be called again");
	for (cpu = 0; cpu < 3; cpu++)
		poll_cpu(cpu);
	CHECK_EQ(ag.act_users, 0, "every CPU left round 1");
}

static void second_round(void)
{
	unsigned int cpu;

	for (cpu = 0; cpu < 4; cpu++)
		smc_ex(cpu, false, LFA_FID_ACTIVATE, 0, 0, 0, 0);
	for (cpu = 0; cpu < 3; cpu++)
		poll_cpu(cpu);
}

static void test_tfa_cancel(void)
{
	struct res r;

	cur_test = "tfa-cancel-between-rounds";
	load_tfa(rounds2);
	first_round();
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_BUSY, "CANCEL between rounds");
	CHECK_EQ(ag.prime_state, LFA_PRIME_COMPLETE, "image stays primed");
	CHECK_EQ(ag.act_in_progress, 1, "activation still in progress");
	r = smc(LFA_FID_PRIME, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "PRIME of another image: SUCCESS");
	CHECK_EQ(ag.prime_id, 0, "...but the primed image stays");
	r = smc(LFA_FID_ACTIVATE, 1, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "...and its ACTIVATE fails");
	second_round();
	CHECK_EQ(ag.img[0].cur_ver, V(0, 8), "the next round still activates");
	CHECK_EQ(ag.prime_state, LFA_PRIME_NONE, "activator reset the prime");
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "nothing left to cancel");

	cur_test = "lfa-cancel-between-rounds";
	load(rounds2);
	first_round();
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "agent lfa abandons the activation");
	CHECK_EQ(ag.act_in_progress, 0, "no activation left");
	CHECK_EQ(ag.img[0].cur_ver, V(0, 7), "old version runs");

	cur_test = "tfa-cancel-lock";
	load_tfa(rounds2);
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	r = smc_ex(1, true, LFA_FID_CANCEL, 5, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_BUSY, "CANCEL loses the trylock, before any check");
	CHECK_EQ(r.x[1], 5, "x1 keeps the caller's value (SMC_RET1)");
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "uncontended CANCEL before ACTIVATE");
}

static void test_tfa_rounds(void)
{
	struct res r;
	unsigned int cpu;

	/* RMM's activator resets the prime after its round, even a failed one */
	cur_test = "tfa-failed-round";
	load_tfa(rounds2);
	ag.img[0].activate_steps = 0;
	lfa_agent_add_fault(&ag, LFA_FID_ACTIVATE, 1, LFA_ACTIVATION_FAILED, 1);
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_ACTIVATION_FAILED, "injected ACTIVATION_FAILED");
	CHECK_EQ(ag.prime_state, LFA_PRIME_NONE, "prime reset by the activator");
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_INVALID_PARAMETERS, "retry needs a new PRIME");
	r = smc(LFA_FID_GET_INVENTORY, 0, 0, 0, 0);
	CHECK_EQ(r.x[3] & LFA_INV_PENDING, LFA_INV_PENDING, "still pending");

	cur_test = "tfa-keeps-prime";
	load(TFA "image bl31 47d4086d-4cfe-9846-9b95-2950cbbd5a00 2.12 pending 2.13 keeps-prime\n");
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "activated");
	CHECK_EQ(ag.prime_state, LFA_PRIME_COMPLETE, "BL31's activator keeps the prime");
	r = smc(LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_COMPONENT_WRONG_STATE, "ACTIVATE again: not pending");
	r = smc(LFA_FID_CANCEL, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "CANCEL clears it");

	/* an ACTIVATE fault answers every CPU of its round the same */
	cur_test = "lfa-whole-round-busy";
	load(rounds2);
	ag.img[0].activate_steps = 0;
	ag.online_cpus = 4;
	lfa_agent_add_fault(&ag, LFA_FID_ACTIVATE, 1, LFA_BUSY, 1);
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	for (cpu = 0; cpu < 4; cpu++)
		r = smc_ex(cpu, false, LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_BUSY, "the performing CPU: BUSY");
	for (cpu = 0; cpu < 3; cpu++)
		CHECK_EQ(ret0(poll_cpu(cpu)), LFA_BUSY, "every waiter: BUSY");
	CHECK_EQ(ag.act_in_progress, 0, "no activation left behind");
	CHECK_EQ(ag.prime_state, LFA_PRIME_COMPLETE, "still primed");
	CHECK_EQ(ag.rounds, 1, "one round counted");
	second_round();
	CHECK_EQ(ag.img[0].cur_ver, V(0, 8), "the next round activates");

	cur_test = "tfa-skip-busy-x1";
	load(TFA "image rmm 6c0762a6-12f2-4b56-92cb-ba8f633606d9 0.7 pending 0.8 rdv-optional\n");
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	r = smc_ex(0, true, LFA_FID_ACTIVATE, 0x77, LFA_SKIP_RENDEZVOUS_BIT, 0, 0);
	CHECK_EQ(ret0(r), LFA_BUSY, "skip ACTIVATE loses the trylock");
	CHECK_EQ(r.x[1], 0x77, "x1 keeps the caller's value (SMC_RET1)");
}

static void test_tfa_prime_leak(void)
{
	const char *img = "image rmm 6c0762a6-12f2-4b56-92cb-ba8f633606d9 0.7 pending 0.8 prime-leak 1\n";
	struct res r;

	cur_test = "tfa-prime-leak";
	load_tfa(img);
	inventory_all();
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), LFA_TFA_RAW_EAGAIN, "component step's -EAGAIN leaks raw");
	CHECK_EQ(ag.prime_state, LFA_PRIME_STARTED, "prime left started");
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "the next PRIME completes");
	CHECK_EQ(r.x[1], 0, "without CALL_AGAIN");

	cur_test = "lfa-prime-leak";
	load(img);
	inventory_all();
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ret0(r), 0, "agent lfa: SUCCESS");
	CHECK_EQ(r.x[1], LFA_CALL_AGAIN_BIT, "with CALL_AGAIN");
	r = smc(LFA_FID_PRIME, 0, 0, 0, 0);
	CHECK_EQ(ag.prime_state, LFA_PRIME_COMPLETE, "then complete");
}

static void test_tfa_pen(void)
{
	struct res r;

	cur_test = "tfa-pen-safety-net";
	load(TFA "image rmm 6c0762a6-12f2-4b56-92cb-ba8f633606d9 0.7 pending 0.8\n");
	CHECK_EQ(ag.pen_timeout, ag.cntfrq * LFA_TFA_PEN_SAFETY_S, "long safety net");
	ag.online_cpus = 2;
	inventory_all();
	smc(LFA_FID_PRIME, 0, 0, 0, 0);
	r = smc_ex(0, false, LFA_FID_ACTIVATE, 0, 0, 0, 0);
	CHECK_EQ(r.disp, LFA_DISP_WAIT, "one CPU of two waits");
	now += 5 * ag.cntfrq;
	CHECK_EQ(poll_cpu(0).disp, LFA_DISP_WAIT, "still waiting after 5 s");
	now += LFA_TFA_PEN_SAFETY_S * ag.cntfrq;
	r = poll_cpu(0);
	CHECK_EQ(ret0(r), LFA_ACTIVATION_FAILED, "given up after the safety net");
	CHECK_EQ(ag.pen_give_ups, 1, "counted, for the stub to report");
	CHECK_EQ(ag.img[0].cur_ver, V(0, 7), "old version runs");
}

static void test_tfa_refusals(void)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ TFA "image a 01234567-89ab-cdef-0123-456789abcd00 1.0 hidden\n",
		  "line 2: image: spec-only, TF-A lists every component from boot: hidden" },
		{ TFA "image a 01234567-89ab-cdef-0123-456789abcd00 1.0\n"
		  "image b 01234567-89ab-cdef-0123-456789abcd01 1.0\n"
		  "after a vanish b\n",
		  "line 4: after: spec-only, TF-A's inventory never changes after boot" },
		{ TFA "image a 01234567-89ab-cdef-0123-456789abcd00 1.0 pending 1.1 prime-reveals may-reset\n",
		  "line 2: image: spec-only, TF-A's component flags are fixed at boot: prime-reveals" },
		{ TFA "fault ACTIVATE 1 BUSY\n",
		  "line 2: fault: spec-only, TF-A never gives this code here: BUSY" },
		{ TFA "fault GET_INVENTORY 1 DEVICE_ERROR\n",
		  "line 2: fault: spec-only, TF-A never gives this code here: DEVICE_ERROR" },
		{ TFA "fault CANCEL 1 DEVICE_ERROR\n",
		  "line 2: fault: spec-only, TF-A never gives this code here: DEVICE_ERROR" },
		{ TFA "agent lfa\n", "line 2: agent: mode already set to tf-a: lfa" },
		{ "image a 01234567-89ab-cdef-0123-456789abcd00 1.0\n" TFA,
		  "line 2: agent: must come before images and faults: tf-a" },
		{ "agent arm\n", "line 1: agent: need lfa, tf-a or none: arm" },
		{ TFA "status-w32 on\n",
		  "line 2: status-w32: spec-only, TF-A sign-extends its status" },
	};
	static const char *const good[] = {
		TFA "fault PRIME 1 BUSY\n",
		TFA "fault PRIME 1 AUTH_ERROR\n",
		TFA "fault PRIME 1 -35\n",
		TFA "fault ACTIVATE 1 CALL_AGAIN 2\n",
		TFA "fault ACTIVATE 1 ACTIVATION_FAILED\n",
		TFA "fault CANCEL 1 BUSY\n",
	};
	char err[128];
	unsigned int i;

	cur_test = "tfa-scenario-errors";
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = load_err(bad[i].text, err, sizeof(err));

		check(rc == -1 && strcmp(err, bad[i].msg) == 0,
		      "\"%s\" -> \"%s\"", bad[i].msg, err);
	}
	cur_test = "spec-only-lines";
	{
		const char *text =
			"image a 01234567-89ab-cdef-0123-456789abcd00 1.0 pending 1.1\n"
			"spec-only image b 01234567-89ab-cdef-0123-456789abcd01 1.0 hidden\n"
			"spec-only after a appear b\n"
			"spec-only fault ACTIVATE 1 BUSY\n";

		load(text);
		CHECK_EQ(ag.nimages, 2, "agent lfa applies spec-only lines");
		CHECK_EQ(ag.nfaults, 1, "...all of them");
		load_tfa(text);
		CHECK_EQ(ag.nimages, 1, "agent tf-a skips them");
		CHECK_EQ(ag.nfaults, 0, "...all of them");
		CHECK_EQ(load_err("spec-only\n", err, sizeof(err)), -1, "empty spec-only");
		CHECK_EQ(load_err("spec-only agent tf-a\n", err, sizeof(err)), -1,
			 "spec-only agent refused");
	}

	cur_test = "tfa-scenario-faults";
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int rc = load_err(good[i], err, sizeof(err));

		check(rc == 0 && ag.nfaults == 1, "%.*s accepted %s",
		      (int)strcspn(good[i] + 11, "\n"), good[i] + 11, err);
	}
	CHECK_EQ(lfa_agent_add_fault(&ag, LFA_FID_ACTIVATE, 1, LFA_BUSY, 1),
		 LFA_FAULT_NOT_TFA, "API refuses ACTIVATE BUSY too");
}

void test_tfa(void)
{
	test_tfa_inventory();
	test_tfa_check_order();
	test_tfa_cancel();
	test_tfa_rounds();
	test_tfa_prime_leak();
	test_tfa_pen();
	test_tfa_refusals();
}

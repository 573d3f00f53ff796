/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Emulated Arm Live Firmware Activation (LFA v1.0) agent: the model.
 *
 * Freestanding (no libc, no allocation) so that the same code runs in the
 * EL2 firmware stub under QEMU and in the host unit tests.  The caller owns
 * all concurrency: it holds one lock around every lfa_agent_*() call.
 */

#ifndef LFA_AGENT_H
#define LFA_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* LFA v1.0 function IDs (fast SMC64, standard secure service range) */
#define LFA_FID_VERSION		0xC40002E0u
#define LFA_FID_FEATURES	0xC40002E1u
#define LFA_FID_GET_INFO	0xC40002E2u
#define LFA_FID_GET_INVENTORY	0xC40002E3u
#define LFA_FID_PRIME		0xC40002E4u
#define LFA_FID_ACTIVATE	0xC40002E5u
#define LFA_FID_CANCEL		0xC40002E6u
#define LFA_FID_FIRST		LFA_FID_VERSION
#define LFA_FID_LAST		LFA_FID_CANCEL
#define LFA_NR_CALLS		7

#define LFA_VERSION_1_0		0x10000u

/* Return codes (x0, signed) */
#define LFA_SUCCESS			0
#define LFA_NOT_SUPPORTED		(-1)
#define LFA_BUSY			(-2)
#define LFA_AUTH_ERROR			(-3)
#define LFA_NO_MEMORY			(-4)
#define LFA_CRITICAL_ERROR		(-5)
#define LFA_DEVICE_ERROR		(-6)
#define LFA_WRONG_STATE			(-7)
#define LFA_INVALID_PARAMETERS		(-8)
#define LFA_COMPONENT_WRONG_STATE	(-9)
#define LFA_INVALID_ADDRESS		(-10)
#define LFA_ACTIVATION_FAILED		(-11)
#define LFA_LOWEST_CODE			LFA_ACTIVATION_FAILED
/*
 * Not an LFA code: a fault that makes PRIME or ACTIVATE answer SUCCESS with
 * CALL_AGAIN instead of making progress.
 */
#define LFA_FAULT_CALL_AGAIN		1
/*
 * Not an LFA code either: TF-A passes a component's own prime step's
 * -EAGAIN through unmapped, so the caller sees Linux's -EAGAIN value.
 */
#define LFA_TFA_RAW_EAGAIN		(-35)

/* agent tf-a: how long the holding pen waits before the harness's safety net */
#define LFA_TFA_PEN_SAFETY_S		120

/* x1 of PRIME/ACTIVATE results, x2 of ACTIVATE arguments */
#define LFA_CALL_AGAIN_BIT		1u
#define LFA_SKIP_RENDEZVOUS_BIT		1u

/* x3 of GET_INVENTORY results */
#define LFA_INV_CAPABLE		(1u << 0)
#define LFA_INV_PENDING		(1u << 1)
#define LFA_INV_MAY_RESET_CPU	(1u << 2)
#define LFA_INV_RDV_OPTIONAL	(1u << 3)

/* Limits of the static tables */
#define LFA_AGENT_MAX_IMAGES	16
#define LFA_AGENT_MAX_CPUS	16
#define LFA_AGENT_LOG_SIZE	512
#define LFA_AGENT_MAX_FAULTS	16
#define LFA_AGENT_MAX_EFFECTS	16
#define LFA_AGENT_NAME_LEN	16

/* Emulated image format (docs/contracts.md) */
#define LFA_IMG_MAGIC		"LFAEMU01"
#define LFA_IMG_HEADER_SIZE	40u
#define LFA_IMG_MAX_PAYLOAD	65536u

/* What the caller of lfa_agent_smc() / lfa_agent_pen_poll() must do next */
enum lfa_disp {
	LFA_DISP_DONE,		/* x[] holds the result: return to the caller */
	LFA_DISP_WAIT,		/* CPU is in the holding pen: poll again later */
	LFA_DISP_RESET,		/* done, and warm-reset the CPU into ctx->reset_ep */
	LFA_DISP_UNKNOWN,	/* not an LFA or emulator call: caller handles it */
};

enum lfa_prime_state {
	LFA_PRIME_NONE,
	LFA_PRIME_STARTED,
	LFA_PRIME_COMPLETE,
};

enum lfa_effect_kind {
	LFA_EFFECT_VANISH,
	LFA_EFFECT_APPEAR,
	LFA_EFFECT_ORDER,
};

/**
 * struct lfa_call_ctx - per-call context supplied by the caller
 * @cpu: linear index of the calling CPU, < LFA_AGENT_MAX_CPUS
 * @now: generic counter value at the call
 * @contended: another CPU held the agent lock when this CPU arrived; PRIME
 *	and skip-rendezvous ACTIVATE then answer BUSY, as TF-A's trylock does
 * @reset_ep: out, with LFA_DISP_RESET: normal-world entry point
 * @reset_ctx: out, with LFA_DISP_RESET: context id for x0
 * @busy_until: out: the counter value until which the calling CPU stays in
 *	the agent before returning (a step's cost, see @step_us of an image);
 *	0 for none
 */
struct lfa_call_ctx {
	unsigned int cpu;
	uint64_t now;
	bool contended;
	uint64_t reset_ep;
	uint64_t reset_ctx;
	uint64_t busy_until;
};

/**
 * struct lfa_image - one firmware component as the emulated platform sees it
 * @name: short name used by scenarios and logs
 * @guid: the 16 bytes in the order %pUb prints them
 * @cur_ver: running version, (major << 32) | minor
 * @pend_ver: staged version, meaningful while @staged
 * @listed: currently part of the inventory
 * @capable: has an activator
 * @may_reset_cpu: activation warm-resets the CPUs
 * @rdv_optional: activation may skip the CPU rendezvous
 * @stageable: the guest may stage an image for it (firmware upload)
 * @staged: platform side of "activation pending"
 * @has_payload: @staged came with a payload whose CRC PRIME checks
 * @corrupt: a staged image without payload that fails authentication
 * @pending_flag: agent's cached pending flag, refreshed by GET_INVENTORY
 * @prime_steps: PRIME calls answered with CALL_AGAIN before completion
 * @activate_steps: ACTIVATE rounds answered with CALL_AGAIN before completion
 * @step_us: agent time, in microseconds, that each PRIME call and each
 *	ACTIVATE round of this image takes (the caller spins, see busy_until)
 * @bmc_ver: version the out-of-band (BMC) path stages, 0 if none
 * @payload_len: length of the staged payload
 * @payload_crc: CRC-32 the staged header claims
 * @prime_leak: PRIME calls on which the component's own prime step asks to
 *	be called again (TF-A leaks that as LFA_TFA_RAW_EAGAIN)
 * @keeps_prime: agent tf-a only: the component's activator leaves the prime
 *	state set after a round completes (TF-A's BL31 activator does)
 * @prime_reveals: LFA_REVEAL_* flags the staged image turns out to need
 *	once a PRIME completes (its header is read only then); applied once
 */
struct lfa_image {
	char name[LFA_AGENT_NAME_LEN];
	uint8_t guid[16];
	uint64_t cur_ver;
	uint64_t pend_ver;
	bool listed;
	bool capable;
	bool may_reset_cpu;
	bool rdv_optional;
	bool stageable;
	bool staged;
	bool has_payload;
	bool corrupt;
	bool pending_flag;
	uint32_t prime_steps;
	uint32_t activate_steps;
	uint32_t step_us;
	uint64_t bmc_ver;
	uint32_t payload_len;
	uint32_t payload_crc;
	uint32_t prime_leak;
	bool keeps_prime;
	uint8_t prime_reveals;
};

/* What a completed PRIME may reveal about the staged image */
#define LFA_REVEAL_MAY_RESET	0x1	/* activation may reset CPUs */
#define LFA_REVEAL_RDV_REQUIRED	0x2	/* the CPU rendezvous is required */

/**
 * struct lfa_fault - an injected fault
 * @call: index of the LFA call (fid - LFA_FID_FIRST)
 * @code: LFA return code to give, or LFA_FAULT_CALL_AGAIN
 * @nth: armed from the nth call (1-based) after installation; for ACTIVATE
 *	the nth round (a rendezvous round counts once, whatever its CPUs)
 * @base: call (or round) counter at installation
 * @left: times it still fires; < 0 means forever
 *
 * PRIME and ACTIVATE faults fire where the platform would fail (after the
 * agent's own checks), so the state machine moves as TF-A's does; an
 * ACTIVATE fault answers every CPU of its round alike.  BUSY on PRIME and
 * faults on the other calls fire on entry.
 */
struct lfa_fault {
	unsigned int call;
	int code;
	uint32_t nth;
	uint32_t base;
	int32_t left;
};

/**
 * struct lfa_effect - inventory change after an image's activation
 * @trigger: image whose successful activation applies the effect
 * @kind: what happens
 * @target: image that vanishes or appears (VANISH, APPEAR)
 * @order: new inventory order, image indexes (ORDER)
 * @norder: entries in @order
 * @done: applied already (effects apply once)
 */
struct lfa_effect {
	uint8_t trigger;
	uint8_t kind;
	uint8_t target;
	uint8_t norder;
	uint8_t order[LFA_AGENT_MAX_IMAGES];
	bool done;
};

/**
 * struct lfa_log_entry - one LFA call as the agent saw it
 * @seq: running number of the entry, from 0
 * @cpu: calling CPU
 * @fid: function ID (x0 of the call)
 * @args: x1..x4 of the call
 * @ret: x0 of the result
 * @ret1: x1 of the result
 * @t_in: generic counter on entry
 * @t_out: generic counter on return (later than @t_in for pen waiters)
 */
struct lfa_log_entry {
	uint64_t seq;
	uint32_t cpu;
	uint32_t fid;
	uint64_t args[4];
	int64_t ret;
	uint64_t ret1;
	uint64_t t_in;
	uint64_t t_out;
};

/**
 * struct lfa_pen - the rendezvous holding pen
 * @round: number of the round now gathering CPUs, from 1
 * @arrived: CPUs in the current round so far
 * @cpu_round: round each CPU waits for, 0 when not waiting
 * @cpu_args: arguments of each waiting CPU's call, for its log entry
 * @cpu_t_in: entry time of each waiting CPU's call
 * @done_round: last round released
 * @ret: x0 given to the CPUs of @done_round
 * @ret1: x1 given to the CPUs of @done_round
 * @reset: @done_round ends in a warm reset
 * @reset_ep: entry point of that reset (x3 of the performing CPU's call)
 * @reset_ctx: context id of that reset (x4 of that call)
 * @deadline: counter value at which a round that never fills fails
 */
struct lfa_pen {
	uint32_t round;
	uint32_t arrived;
	uint32_t cpu_round[LFA_AGENT_MAX_CPUS];
	uint64_t cpu_args[LFA_AGENT_MAX_CPUS][4];
	uint64_t cpu_t_in[LFA_AGENT_MAX_CPUS];
	uint32_t done_round;
	int64_t ret;
	uint64_t ret1;
	bool reset;
	uint64_t reset_ep;
	uint64_t reset_ctx;
	uint64_t deadline;
};

/**
 * struct lfa_agent - the whole emulated agent and platform
 * @present: an LFA service exists (else every LFA call is NOT_SUPPORTED)
 * @status_w32: return status codes as 32-bit words (x0 bits 63:32 clear),
 *	as an agent written with 32-bit return values would
 * @tfa: answer as TF-A's LFA service does (scenario `agent tf-a`), not as
 *	the specification reads (`agent lfa`); tests/agent/README.md lists
 *	every difference
 * @nimages: images defined by the scenario, listed or not
 * @img: the images
 * @payload: staged payload of each image
 * @count: number of listed images, what GET_INFO returns
 * @order: inventory: sequence id -> image index
 * @effects: post-activation inventory changes
 * @neffects: entries in @effects
 * @faults: injected faults
 * @nfaults: entries in @faults
 * @calls: number of calls of each LFA function so far
 * @prime_state: PRIME state machine
 * @prime_id: sequence id being primed/activated, or -1
 * @prime_left: CALL_AGAIN answers the current PRIME still gives
 * @leak_left: answers of the current PRIME whose component step asks again
 * @activate_left: CALL_AGAIN rounds the current activation still gives
 * @act_in_progress: some CPU entered ACTIVATE and the activation is not over
 * @act_skip: the current activation skips the rendezvous
 * @act_failed: a CPU of the current activation got an error
 * @act_users: CPUs inside the current ACTIVATE round
 * @act_cancel_locked: every online CPU entered the activation: TF-A then
 *	refuses CANCEL until a round completes
 * @rounds: ACTIVATE rounds performed, for faults on ACTIVATE
 * @act_img: image index of the current activation
 * @online_cpus: CPUs expected in the holding pen
 * @pen: the holding pen
 * @pen_timeout: counter ticks after which an unfilled round fails
 * @pen_give_ups: rounds failed because the pen never filled; with @tfa each
 *	one is a hang on real TF-A, which the stub reports loudly
 * @ram_base: start of normal-world RAM (staging buffers, reset entry points)
 * @ram_size: size of normal-world RAM
 * @cntfrq: generic counter frequency, for logs
 * @irq_request: set when the platform wants the notification interrupt
 * @log: the call log ring
 * @log_head: number of entries ever logged
 * @log_tail: oldest entry still readable (raised by clearing)
 */
struct lfa_agent {
	bool present;
	bool status_w32;
	bool tfa;
	uint32_t nimages;
	struct lfa_image img[LFA_AGENT_MAX_IMAGES];
	uint8_t payload[LFA_AGENT_MAX_IMAGES][LFA_IMG_MAX_PAYLOAD];
	uint32_t count;
	uint8_t order[LFA_AGENT_MAX_IMAGES];
	struct lfa_effect effects[LFA_AGENT_MAX_EFFECTS];
	uint32_t neffects;
	struct lfa_fault faults[LFA_AGENT_MAX_FAULTS];
	uint32_t nfaults;
	uint32_t calls[LFA_NR_CALLS];
	enum lfa_prime_state prime_state;
	int32_t prime_id;
	uint32_t prime_left;
	uint32_t leak_left;
	uint32_t activate_left;
	bool act_in_progress;
	bool act_skip;
	bool act_failed;
	uint32_t act_users;
	bool act_cancel_locked;
	uint32_t rounds;
	uint8_t act_img;
	uint32_t online_cpus;
	struct lfa_pen pen;
	uint64_t pen_timeout;
	uint32_t pen_give_ups;
	uint64_t ram_base;
	uint64_t ram_size;
	uint64_t cntfrq;
	bool irq_request;
	struct lfa_log_entry log[LFA_AGENT_LOG_SIZE];
	uint64_t log_head;
	uint64_t log_tail;
};

void lfa_agent_init(struct lfa_agent *a);
int lfa_agent_add_image(struct lfa_agent *a, const char *name,
			const uint8_t guid[16], uint64_t cur_ver);
void lfa_agent_relist(struct lfa_agent *a);
int lfa_agent_find_guid(const struct lfa_agent *a, const uint8_t guid[16]);
int lfa_agent_find_name(const struct lfa_agent *a, const char *name);
#define LFA_FAULT_NOT_TFA	(-2)
int lfa_agent_add_fault(struct lfa_agent *a, uint32_t fid, uint32_t nth,
			int code, int32_t count);
bool lfa_tfa_can_answer(uint32_t fid, int code);
void lfa_agent_clear_faults(struct lfa_agent *a);
int lfa_agent_add_effect(struct lfa_agent *a, const struct lfa_effect *e);

enum lfa_disp lfa_agent_smc(struct lfa_agent *a, struct lfa_call_ctx *ctx,
			    uint64_t x[18]);
enum lfa_disp lfa_agent_pen_poll(struct lfa_agent *a,
				 struct lfa_call_ctx *ctx, uint64_t x[18]);

int lfa_agent_stage(struct lfa_agent *a, const uint8_t *buf, uint64_t len);
int lfa_agent_bmc_stage(struct lfa_agent *a, const uint8_t guid[16],
			uint64_t version);

void lfa_agent_log_clear(struct lfa_agent *a);
const struct lfa_log_entry *lfa_agent_log_get(const struct lfa_agent *a,
					      uint64_t seq);

uint32_t lfa_crc32(const uint8_t *buf, uint32_t len);
const char *lfa_call_name(uint32_t fid);
const char *lfa_code_name(int code);
int lfa_call_from_name(const char *name, size_t len, uint32_t *fid);
int lfa_code_from_name(const char *name, size_t len, int *code);

/* lfa-scenario.c */
int lfa_parse_guid(const char *s, size_t len, uint8_t guid[16]);
int lfa_scenario_load(struct lfa_agent *a, const char *text, size_t len,
		      char *err, size_t errlen);
int lfa_scenario_line(struct lfa_agent *a, const char *line, size_t len,
		      char *err, size_t errlen);

/*
 * lfa-sip.c: the emulator's vendor (SiP) service, fast SMC64 calls.
 * Documented in tests/agent/README.md.
 */
#define LFA_SIP_INFO		0xC2004C00u
#define LFA_SIP_IMAGE		0xC2004C01u
#define LFA_SIP_STAGE		0xC2004C02u
#define LFA_SIP_LOG_READ	0xC2004C03u
#define LFA_SIP_LOG_CLEAR	0xC2004C04u
#define LFA_SIP_LINE		0xC2004C05u
#define LFA_SIP_BMC_STAGE	0xC2004C06u
#define LFA_SIP_FIRST		LFA_SIP_INFO
#define LFA_SIP_LAST		LFA_SIP_BMC_STAGE
#define LFA_SIP_MAGIC		0x4c464145u	/* "LFAE" */

/* x3 of LFA_SIP_IMAGE results */
#define LFA_SIP_IMG_STAGEABLE	(1u << 0)
#define LFA_SIP_IMG_LISTED	(1u << 1)
#define LFA_SIP_IMG_STAGED	(1u << 2)
#define LFA_SIP_IMG_BMC		(1u << 3)
#define LFA_SIP_IMG_CAPABLE	(1u << 4)

enum lfa_disp lfa_sip_smc(struct lfa_agent *a, struct lfa_call_ctx *ctx,
			  uint64_t x[18]);

#endif /* LFA_AGENT_H */

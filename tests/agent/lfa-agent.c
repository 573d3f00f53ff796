// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Emulated LFA v1.0 agent: the state machine TF-A's reference agent
 * implements (services/std_svc/lfa), the emulated platform below it
 * (staging, authentication, activation, inventory changes) and fault
 * injection.  Written from the behaviour of TF-A's service as observed
 * and documented in tests/agent/README.md; no TF-A code.
 */

#include "lfa-agent.h"

#define LFA_NO_ID	(-1)

static const char *const call_names[LFA_NR_CALLS] = {
	"VERSION", "FEATURES", "GET_INFO", "GET_INVENTORY",
	"PRIME", "ACTIVATE", "CANCEL",
};

/* indexed by -code */
static const char *const code_names[] = {
	"SUCCESS", "NOT_SUPPORTED", "BUSY", "AUTH_ERROR", "NO_MEMORY",
	"CRITICAL_ERROR", "DEVICE_ERROR", "WRONG_STATE", "INVALID_PARAMETERS",
	"COMPONENT_WRONG_STATE", "INVALID_ADDRESS", "ACTIVATION_FAILED",
};

static void mem_zero(void *p, size_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = 0;
}

static bool mem_eq(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	while (n--)
		if (*x++ != *y++)
			return false;
	return true;
}

static bool name_eq(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++)
		if (b[i] != a[i])
			return false;
	return b[alen] == '\0';
}

/* The stub runs with the MMU off, where unaligned accesses fault. */
static uint64_t get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

uint32_t lfa_crc32(const uint8_t *buf, uint32_t len)
{
	/* nibble table: small enough for the stub, fast enough under TCG */
	static const uint32_t tab[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	uint32_t crc = 0xffffffffu;

	while (len--) {
		crc ^= *buf++;
		crc = (crc >> 4) ^ tab[crc & 15];
		crc = (crc >> 4) ^ tab[crc & 15];
	}
	return ~crc;
}

const char *lfa_call_name(uint32_t fid)
{
	if (fid < LFA_FID_FIRST || fid > LFA_FID_LAST)
		return "UNKNOWN";
	return call_names[fid - LFA_FID_FIRST];
}

const char *lfa_code_name(int code)
{
	if (code == LFA_FAULT_CALL_AGAIN)
		return "CALL_AGAIN";
	if (code > 0 || code < LFA_LOWEST_CODE)
		return "UNKNOWN";
	return code_names[-code];
}

int lfa_call_from_name(const char *name, size_t len, uint32_t *fid)
{
	unsigned int i;

	for (i = 0; i < LFA_NR_CALLS; i++) {
		if (name_eq(name, len, call_names[i])) {
			*fid = LFA_FID_FIRST + i;
			return 0;
		}
	}
	return -1;
}

int lfa_code_from_name(const char *name, size_t len, int *code)
{
	size_t i;

	if (name_eq(name, len, "CALL_AGAIN")) {
		*code = LFA_FAULT_CALL_AGAIN;
		return 0;
	}
	/* "-42": codes LFA does not define, to test how callers cope */
	if (len >= 2 && len <= 10 && name[0] == '-') {
		int v = 0;

		for (i = 1; i < len; i++) {
			if (name[i] < '0' || name[i] > '9')
				return -1;
			v = v * 10 + (name[i] - '0');
		}
		if (v == 0)
			return -1;
		*code = -v;
		return 0;
	}
	for (i = 0; i < sizeof(code_names) / sizeof(code_names[0]); i++) {
		if (name_eq(name, len, code_names[i])) {
			*code = -(int)i;
			return 0;
		}
	}
	return -1;
}

static void reset_activation(struct lfa_agent *a)
{
	a->prime_state = LFA_PRIME_NONE;
	a->prime_id = LFA_NO_ID;
	a->prime_left = 0;
	a->leak_left = 0;
	a->act_in_progress = false;
	a->act_cancel_locked = false;
	a->act_skip = false;
	a->act_failed = false;
	a->act_users = 0;
}

void lfa_agent_init(struct lfa_agent *a)
{
	/* the payload buffers are large and need no clearing */
	a->present = true;
	a->status_w32 = false;
	a->tfa = false;
	a->nimages = 0;
	mem_zero(a->img, sizeof(a->img));
	a->count = 0;
	a->neffects = 0;
	a->nfaults = 0;
	mem_zero(a->calls, sizeof(a->calls));
	reset_activation(a);
	a->activate_left = 0;
	a->rounds = 0;
	a->act_img = 0;
	a->online_cpus = 1;
	mem_zero(&a->pen, sizeof(a->pen));
	a->cntfrq = 62500000;
	a->pen_timeout = 5 * a->cntfrq;
	a->pen_give_ups = 0;
	a->ram_base = 0;
	a->ram_size = ~0ull;
	a->irq_request = false;
	a->log_head = 0;
	a->log_tail = 0;
}

int lfa_agent_add_image(struct lfa_agent *a, const char *name,
			const uint8_t guid[16], uint64_t cur_ver)
{
	struct lfa_image *img;
	unsigned int i;

	if (a->nimages >= LFA_AGENT_MAX_IMAGES)
		return -1;
	if (lfa_agent_find_guid(a, guid) >= 0)
		return -1;
	img = &a->img[a->nimages];
	mem_zero(img, sizeof(*img));
	for (i = 0; i < LFA_AGENT_NAME_LEN - 1 && name[i]; i++)
		img->name[i] = name[i];
	for (i = 0; i < 16; i++)
		img->guid[i] = guid[i];
	img->cur_ver = cur_ver;
	img->listed = true;
	img->capable = true;
	a->order[a->count++] = (uint8_t)a->nimages;
	return (int)a->nimages++;
}

/*
 * Keep the current order of images still listed, drop those no longer
 * listed, append newly listed ones: sequence ids of the survivors shift
 * exactly as they would on a platform that re-scans after an activation.
 */
void lfa_agent_relist(struct lfa_agent *a)
{
	bool seen[LFA_AGENT_MAX_IMAGES] = { false };
	uint8_t order[LFA_AGENT_MAX_IMAGES];
	uint32_t n = 0, i;

	for (i = 0; i < a->count; i++) {
		uint8_t idx = a->order[i];

		if (idx < a->nimages && a->img[idx].listed && !seen[idx]) {
			seen[idx] = true;
			order[n++] = idx;
		}
	}
	for (i = 0; i < a->nimages; i++) {
		if (a->img[i].listed && !seen[i])
			order[n++] = (uint8_t)i;
	}
	for (i = 0; i < n; i++)
		a->order[i] = order[i];
	a->count = n;
}

int lfa_agent_find_guid(const struct lfa_agent *a, const uint8_t guid[16])
{
	uint32_t i;

	for (i = 0; i < a->nimages; i++)
		if (mem_eq(a->img[i].guid, guid, 16))
			return (int)i;
	return -1;
}

int lfa_agent_find_name(const struct lfa_agent *a, const char *name)
{
	uint32_t i;
	size_t len = 0;

	while (name[len])
		len++;
	for (i = 0; i < a->nimages; i++)
		if (name_eq(name, len, a->img[i].name))
			return (int)i;
	return -1;
}

/**
 * lfa_tfa_can_answer() - whether TF-A's service can give @code to @fid
 * @fid: LFA function ID
 * @code: LFA code, LFA_FAULT_CALL_AGAIN or an undefined negative code
 *
 * PRIME passes its lock's BUSY, the platform's load errors, CALL_AGAIN and
 * whatever a component's prime step returns; ACTIVATE passes what a
 * component's activator returns for the round, but its lock never answers
 * BUSY to a rendezvous; CANCEL can only be refused (BUSY).  The other calls
 * have no failure TF-A could report.
 *
 * Return: true if a fault of @code on @fid can happen on TF-A.
 */
bool lfa_tfa_can_answer(uint32_t fid, int code)
{
	switch (fid) {
	case LFA_FID_PRIME:
		return true;
	case LFA_FID_ACTIVATE:
		return code != LFA_BUSY;
	case LFA_FID_CANCEL:
		return code == LFA_BUSY;
	default:
		return false;
	}
}

static uint32_t fault_counter(const struct lfa_agent *a, unsigned int call)
{
	/* an ACTIVATE fault answers whole rounds, so it counts rounds */
	if (call == LFA_FID_ACTIVATE - LFA_FID_FIRST)
		return a->rounds;
	return a->calls[call];
}

/*
 * Returns 0, -1 for a fault no agent could give, LFA_FAULT_NOT_TFA for one
 * that only a spec-following agent gives while @a answers as TF-A.
 */
int lfa_agent_add_fault(struct lfa_agent *a, uint32_t fid, uint32_t nth,
			int code, int32_t count)
{
	struct lfa_fault *f;

	if (fid < LFA_FID_FIRST || fid > LFA_FID_LAST)
		return -1;
	if (code != LFA_FAULT_CALL_AGAIN && code > 0)
		return -1;
	if (code == LFA_FAULT_CALL_AGAIN &&
	    fid != LFA_FID_PRIME && fid != LFA_FID_ACTIVATE)
		return -1;
	if (a->nfaults >= LFA_AGENT_MAX_FAULTS || count == 0)
		return -1;
	if (a->tfa && !lfa_tfa_can_answer(fid, code))
		return LFA_FAULT_NOT_TFA;
	f = &a->faults[a->nfaults++];
	f->call = fid - LFA_FID_FIRST;
	f->code = code;
	f->nth = nth ? nth : 1;
	f->base = fault_counter(a, f->call);
	f->left = count;
	return 0;
}

void lfa_agent_clear_faults(struct lfa_agent *a)
{
	a->nfaults = 0;
}

int lfa_agent_add_effect(struct lfa_agent *a, const struct lfa_effect *e)
{
	if (a->neffects >= LFA_AGENT_MAX_EFFECTS)
		return -1;
	a->effects[a->neffects] = *e;
	a->effects[a->neffects].done = false;
	a->neffects++;
	return 0;
}

/*
 * Returns the injected code of the first armed fault of @call that matches
 * @busy (BUSY faults fire where TF-A's lock is tried, the others where the
 * platform acts), or LFA_SUCCESS when none fires.
 */
static int fault_take(struct lfa_agent *a, unsigned int call, bool busy)
{
	uint32_t i;

	for (i = 0; i < a->nfaults; i++) {
		struct lfa_fault *f = &a->faults[i];

		if (f->call != call || f->left == 0)
			continue;
		if ((f->code == LFA_BUSY) != busy)
			continue;
		if (fault_counter(a, call) - f->base < f->nth)
			continue;
		if (f->left > 0)
			f->left--;
		return f->code;
	}
	return LFA_SUCCESS;
}

static void log_call(struct lfa_agent *a, unsigned int cpu, uint32_t fid,
		     const uint64_t args[4], uint64_t t_in, uint64_t t_out,
		     int64_t ret, uint64_t ret1)
{
	struct lfa_log_entry *e = &a->log[a->log_head % LFA_AGENT_LOG_SIZE];
	unsigned int i;

	e->seq = a->log_head;
	e->cpu = cpu;
	e->fid = fid;
	for (i = 0; i < 4; i++)
		e->args[i] = args[i];
	e->ret = ret;
	e->ret1 = ret1;
	e->t_in = t_in;
	e->t_out = t_out;
	a->log_head++;
	if (a->log_head - a->log_tail > LFA_AGENT_LOG_SIZE)
		a->log_tail = a->log_head - LFA_AGENT_LOG_SIZE;
}

void lfa_agent_log_clear(struct lfa_agent *a)
{
	a->log_tail = a->log_head;
}

const struct lfa_log_entry *lfa_agent_log_get(const struct lfa_agent *a,
					      uint64_t seq)
{
	if (seq < a->log_tail || seq >= a->log_head)
		return NULL;
	return &a->log[seq % LFA_AGENT_LOG_SIZE];
}

static struct lfa_image *seq_image(struct lfa_agent *a, uint32_t id)
{
	return &a->img[a->order[id]];
}

static uint64_t inventory_flags(const struct lfa_image *img)
{
	uint64_t flags = 0;

	if (img->capable)
		flags |= LFA_INV_CAPABLE;
	if (img->pending_flag)
		flags |= LFA_INV_PENDING;
	/* like TF-A, these two come from the activator, absent when incapable */
	if (img->capable && img->may_reset_cpu)
		flags |= LFA_INV_MAY_RESET_CPU;
	if (img->capable && img->rdv_optional)
		flags |= LFA_INV_RDV_OPTIONAL;
	return flags;
}

static void discard_staged(struct lfa_image *img)
{
	img->staged = false;
	img->has_payload = false;
	img->corrupt = false;
	img->pend_ver = 0;
	img->payload_len = 0;
}

static void get_inventory(struct lfa_agent *a, uint64_t x[18])
{
	uint32_t id = (uint32_t)x[1];
	struct lfa_image *img;

	if (a->count == 0) {
		x[0] = (uint64_t)(int64_t)LFA_WRONG_STATE;
		return;
	}
	if (id >= a->count) {
		x[0] = (uint64_t)(int64_t)LFA_INVALID_PARAMETERS;
		return;
	}
	img = seq_image(a, id);
	img->pending_flag = img->staged;
	x[0] = LFA_SUCCESS;
	x[1] = get_le(img->guid, 8);
	x[2] = get_le(img->guid + 8, 8);
	x[3] = inventory_flags(img);
	/* TF-A returns x0..x3 only: the versions keep the caller's values */
	if (a->tfa)
		return;
	x[4] = img->cur_ver;
	x[5] = img->staged ? img->pend_ver : 0;
}

/* The platform's load-and-authenticate step of PRIME. */
static int platform_load(struct lfa_agent *a, struct lfa_image *img,
			 bool *again)
{
	int code = fault_take(a, LFA_FID_PRIME - LFA_FID_FIRST, false);
	uint8_t idx = (uint8_t)(img - a->img);

	if (code == LFA_FAULT_CALL_AGAIN) {
		*again = true;
		return LFA_SUCCESS;
	}
	if (code != LFA_SUCCESS)
		return code;
	if (!img->staged || img->corrupt ||
	    (img->has_payload &&
	     lfa_crc32(a->payload[idx], img->payload_len) != img->payload_crc)) {
		/* the old version keeps running; the bad image is gone */
		discard_staged(img);
		return LFA_AUTH_ERROR;
	}
	if (a->prime_left) {
		a->prime_left--;
		*again = true;
	}
	return LFA_SUCCESS;
}

/* a step of @img ends @step_us after it started, on the generic counter */
static void step_cost(const struct lfa_agent *a, const struct lfa_image *img,
		      struct lfa_call_ctx *ctx)
{
	if (img->step_us)
		ctx->busy_until = ctx->now + (uint64_t)img->step_us * a->cntfrq / 1000000u;
}

/*
 * The component's own prime step, after a load that needs no more calls.
 * Asking to be called again is CALL_AGAIN by the specification; TF-A maps
 * only the load's -EAGAIN and passes this one through raw.
 */
static int component_prime(struct lfa_agent *a, bool *again)
{
	if (!a->leak_left)
		return LFA_SUCCESS;
	a->leak_left--;
	if (a->tfa)
		return LFA_TFA_RAW_EAGAIN;
	*again = true;
	return LFA_SUCCESS;
}

static void prime(struct lfa_agent *a, struct lfa_call_ctx *ctx,
		  uint64_t x[18])
{
	uint32_t id = (uint32_t)x[1];
	struct lfa_image *img;
	bool again = false;
	int ret;

	if (ctx->contended ||
	    fault_take(a, LFA_FID_PRIME - LFA_FID_FIRST, true) == LFA_BUSY) {
		x[0] = (uint64_t)(int64_t)LFA_BUSY;
		return;
	}
	if (id >= a->count) {
		x[0] = (uint64_t)(int64_t)LFA_INVALID_PARAMETERS;
		return;
	}
	img = seq_image(a, id);
	if (!img->pending_flag) {
		x[0] = (uint64_t)(int64_t)LFA_WRONG_STATE;
		return;
	}
	if (!img->capable) {
		x[0] = (uint64_t)(int64_t)LFA_NOT_SUPPORTED;
		return;
	}
	switch (a->prime_state) {
	case LFA_PRIME_NONE:
		a->prime_id = (int32_t)id;
		a->prime_state = LFA_PRIME_STARTED;
		a->prime_left = img->prime_steps;
		a->leak_left = img->prime_leak;
		break;
	case LFA_PRIME_STARTED:
		if (a->prime_id != (int32_t)id) {
			x[0] = (uint64_t)(int64_t)LFA_WRONG_STATE;
			return;
		}
		break;
	case LFA_PRIME_COMPLETE:
		/*
		 * TF-A re-runs the load for any id here without switching the
		 * primed id; ACTIVATE of another id then fails.
		 */
		break;
	}
	step_cost(a, img, ctx);
	ret = platform_load(a, img, &again);
	if (ret == LFA_SUCCESS && !again)
		ret = component_prime(a, &again);
	if (ret != LFA_SUCCESS) {
		/* TF-A leaves the prime started: the caller must CANCEL */
		x[0] = (uint64_t)(int64_t)ret;
		return;
	}
	if (!again) {
		a->prime_state = LFA_PRIME_COMPLETE;
		if (img->prime_reveals & LFA_REVEAL_MAY_RESET)
			img->may_reset_cpu = true;
		if (img->prime_reveals & LFA_REVEAL_RDV_REQUIRED)
			img->rdv_optional = false;
		img->prime_reveals = 0;
	}
	x[0] = LFA_SUCCESS;
	x[1] = again ? LFA_CALL_AGAIN_BIT : 0;
}

static void apply_effects(struct lfa_agent *a, uint8_t trigger)
{
	uint32_t i, j;

	for (i = 0; i < a->neffects; i++) {
		struct lfa_effect *e = &a->effects[i];

		if (e->trigger != trigger || e->done)
			continue;
		e->done = true;
		switch (e->kind) {
		case LFA_EFFECT_VANISH:
			a->img[e->target].listed = false;
			break;
		case LFA_EFFECT_APPEAR:
			a->img[e->target].listed = true;
			break;
		case LFA_EFFECT_ORDER: {
			uint8_t rest[LFA_AGENT_MAX_IMAGES];
			uint32_t n = 0, k;

			/* named images first, the others keep their order */
			for (j = 0; j < a->count; j++) {
				bool named = false;

				for (k = 0; k < e->norder; k++)
					if (e->order[k] == a->order[j])
						named = true;
				if (!named)
					rest[n++] = a->order[j];
			}
			for (k = 0; k < e->norder; k++)
				a->order[k] = e->order[k];
			for (j = 0; j < n; j++)
				a->order[e->norder + j] = rest[j];
			a->count = e->norder + n;
			break;
		}
		}
	}
	lfa_agent_relist(a);
}

static bool valid_entry_point(const struct lfa_agent *a, uint64_t ep)
{
	return (ep & 3) == 0 && ep >= a->ram_base &&
	       ep - a->ram_base < a->ram_size;
}

/*
 * One activation step on the CPU that performs it.  Returns the LFA code;
 * *again when the activation needs another round.
 */
static int platform_activate(struct lfa_agent *a, uint64_t ep, bool *again,
			     bool *reset)
{
	struct lfa_image *img = &a->img[a->act_img];
	int code = fault_take(a, LFA_FID_ACTIVATE - LFA_FID_FIRST, false);

	*again = false;
	*reset = false;
	if (code == LFA_FAULT_CALL_AGAIN) {
		*again = true;
		return LFA_SUCCESS;
	}
	if (code != LFA_SUCCESS)
		return code;
	if (a->activate_left) {
		a->activate_left--;
		*again = true;
		return LFA_SUCCESS;
	}
	if (img->may_reset_cpu && !valid_entry_point(a, ep))
		return LFA_CRITICAL_ERROR;
	img->cur_ver = img->pend_ver;
	discard_staged(img);
	img->pending_flag = false;
	*reset = img->may_reset_cpu;
	apply_effects(a, a->act_img);
	return LFA_SUCCESS;
}

/*
 * A round that did not ask to be called again is over.  The specification
 * ends the prime with a successful activation and keeps it for a retry
 * after a failure; TF-A leaves that to the component's activator, and the
 * usual one (RMM's) resets it whatever the result.
 */
static void round_over(struct lfa_agent *a, int ret)
{
	const struct lfa_image *img = &a->img[a->act_img];
	bool reset;

	if (a->tfa)
		reset = !img->keeps_prime;
	else
		reset = ret == LFA_SUCCESS;
	if (reset) {
		a->prime_state = LFA_PRIME_NONE;
		a->prime_id = LFA_NO_ID;
	}
}

/*
 * The CPU performing a round (the last to arrive, or the only one when the
 * rendezvous is skipped).  An injected BUSY answers the whole round without
 * progress, as a spec-following platform that cannot start now would.
 */
static int perform_round(struct lfa_agent *a, uint64_t ep, bool *again,
			 bool *reset)
{
	int ret;

	a->rounds++;
	*again = false;
	*reset = false;
	if (fault_take(a, LFA_FID_ACTIVATE - LFA_FID_FIRST, true) == LFA_BUSY)
		return LFA_BUSY;
	ret = platform_activate(a, ep, again, reset);
	if (!*again)
		round_over(a, ret);
	return ret;
}

/* Bookkeeping of a CPU leaving ACTIVATE with @ret. */
static void activate_finish(struct lfa_agent *a, int ret, bool again)
{
	if (a->act_users)
		a->act_users--;
	if (again)
		return;
	if (ret != LFA_SUCCESS)
		a->act_failed = true;
	if (a->act_users == 0) {
		a->act_in_progress = false;
		a->act_skip = false;
		a->act_cancel_locked = false;
		if (!a->act_failed)
			a->img[a->act_img].pending_flag = false;
	}
}

static int activate_prepare(struct lfa_agent *a, uint32_t id, bool skip)
{
	bool first = !a->act_in_progress;
	struct lfa_image *img;

	if (id >= a->count || a->prime_id != (int32_t)id)
		return LFA_INVALID_PARAMETERS;
	img = seq_image(a, id);
	if (!img->pending_flag || a->prime_state != LFA_PRIME_COMPLETE)
		return LFA_COMPONENT_WRONG_STATE;
	if (!img->capable)
		return LFA_NOT_SUPPORTED;
	if (first) {
		a->act_failed = false;
		a->act_skip = false;
		a->act_cancel_locked = false;
	}
	if (skip) {
		if (!img->rdv_optional)
			return LFA_INVALID_PARAMETERS;
		/* the first CPU chose a rendezvous for this activation */
		if (!first && !a->act_skip)
			return LFA_BUSY;
		a->act_skip = true;
	}
	if (first) {
		a->act_in_progress = true;
		a->act_img = a->order[id];
		a->activate_left = img->activate_steps;
	}
	a->act_users++;
	if (a->act_users >= a->online_cpus)
		a->act_cancel_locked = true;
	return LFA_SUCCESS;
}

static void set_result(uint64_t x[18], int64_t ret, uint64_t ret1)
{
	x[0] = (uint64_t)ret;
	x[1] = ret1;
}

static enum lfa_disp pen_release(struct lfa_agent *a, int ret, bool again,
				 bool reset, const uint64_t args[4])
{
	a->pen.done_round = a->pen.round;
	a->pen.ret = ret;
	a->pen.ret1 = again ? LFA_CALL_AGAIN_BIT : 0;
	a->pen.reset = reset;
	a->pen.reset_ep = args ? args[2] : 0;
	a->pen.reset_ctx = args ? args[3] : 0;
	a->pen.round++;
	a->pen.arrived = 0;
	return LFA_DISP_DONE;
}

static enum lfa_disp activate(struct lfa_agent *a, struct lfa_call_ctx *ctx,
			      uint64_t x[18])
{
	bool skip = x[2] & LFA_SKIP_RENDEZVOUS_BIT;
	bool again, reset;
	uint32_t cpus;
	int ret;

	/* TF-A's lock: SMC_RET1, so x1 keeps the caller's value */
	if ((skip && ctx->contended) || (!skip && a->act_skip)) {
		x[0] = (uint64_t)(int64_t)LFA_BUSY;
		return LFA_DISP_DONE;
	}
	ret = activate_prepare(a, (uint32_t)x[1], skip);
	if (ret != LFA_SUCCESS) {
		set_result(x, ret, 0);
		return LFA_DISP_DONE;
	}
	if (a->act_skip) {
		step_cost(a, &a->img[a->act_img], ctx);
		ret = perform_round(a, x[3], &again, &reset);
		activate_finish(a, ret, again);
		set_result(x, ret, again ? LFA_CALL_AGAIN_BIT : 0);
		if (ret == LFA_SUCCESS && reset) {
			ctx->reset_ep = x[3];
			ctx->reset_ctx = x[4];
			return LFA_DISP_RESET;
		}
		return LFA_DISP_DONE;
	}

	/* holding pen: the last CPU to arrive performs the activation */
	if (a->pen.round == 0)
		a->pen.round = 1;
	if (a->pen.arrived == 0)
		a->pen.deadline = ctx->now + a->pen_timeout;
	a->pen.arrived++;
	cpus = a->online_cpus ? a->online_cpus : 1;
	if (a->pen.arrived < cpus) {
		unsigned int i;

		a->pen.cpu_round[ctx->cpu] = a->pen.round;
		a->pen.cpu_t_in[ctx->cpu] = ctx->now;
		for (i = 0; i < 4; i++)
			a->pen.cpu_args[ctx->cpu][i] = x[i + 1];
		return LFA_DISP_WAIT;
	}
	step_cost(a, &a->img[a->act_img], ctx);
	ret = perform_round(a, x[3], &again, &reset);
	pen_release(a, ret, again, reset, &x[1]);
	activate_finish(a, ret, again);
	set_result(x, ret, again ? LFA_CALL_AGAIN_BIT : 0);
	if (ret == LFA_SUCCESS && reset) {
		ctx->reset_ep = x[3];
		ctx->reset_ctx = x[4];
		return LFA_DISP_RESET;
	}
	return LFA_DISP_DONE;
}

/* An agent written with 32-bit status words leaves x0's upper half clear */
static void status_width(const struct lfa_agent *a, uint64_t x[18])
{
	if (a->status_w32 && (int64_t)x[0] < 0)
		x[0] &= 0xffffffffu;
}

/**
 * lfa_agent_pen_poll() - ask whether a CPU waiting in the pen may leave
 * @a: agent
 * @ctx: the waiting CPU; @ctx->now is checked against the round's deadline
 * @x: registers of the waiting CPU, filled on release
 *
 * Return: LFA_DISP_WAIT while the round is not over, else the disposition
 * of the CPU's ACTIVATE call.
 */
enum lfa_disp lfa_agent_pen_poll(struct lfa_agent *a,
				 struct lfa_call_ctx *ctx, uint64_t x[18])
{
	uint32_t round = a->pen.cpu_round[ctx->cpu];
	const uint64_t *args = a->pen.cpu_args[ctx->cpu];

	if (round == 0)
		return LFA_DISP_DONE;
	if (a->pen.done_round < round) {
		if ((int64_t)(ctx->now - a->pen.deadline) < 0)
			return LFA_DISP_WAIT;
		/*
		 * Not every online CPU came: TF-A would hold them forever; the
		 * emulator fails the round so that a broken caller is visible
		 * (with agent tf-a only after a long safety net, reported).
		 */
		a->pen_give_ups++;
		pen_release(a, LFA_ACTIVATION_FAILED, false, false, NULL);
		round_over(a, LFA_ACTIVATION_FAILED);
	}
	a->pen.cpu_round[ctx->cpu] = 0;
	activate_finish(a, (int)a->pen.ret, a->pen.ret1 & LFA_CALL_AGAIN_BIT);
	set_result(x, a->pen.ret, a->pen.ret1);
	log_call(a, ctx->cpu, LFA_FID_ACTIVATE, args, a->pen.cpu_t_in[ctx->cpu],
		 ctx->now, a->pen.ret, a->pen.ret1);
	status_width(a, x);
	if (a->pen.ret == LFA_SUCCESS && a->pen.reset) {
		ctx->reset_ep = a->pen.reset_ep;
		ctx->reset_ctx = a->pen.reset_ctx;
		return LFA_DISP_RESET;
	}
	return LFA_DISP_DONE;
}

static void cancel(struct lfa_agent *a, const struct lfa_call_ctx *ctx,
		   uint64_t x[18])
{
	uint32_t id = (uint32_t)x[1];
	int code;

	/* TF-A only tries its lock for CANCEL */
	if (a->tfa && ctx->contended) {
		x[0] = (uint64_t)(int64_t)LFA_BUSY;
		return;
	}
	if (a->count == 0) {
		x[0] = (uint64_t)(int64_t)LFA_WRONG_STATE;
		return;
	}
	if (id >= a->count || a->prime_id != (int32_t)id) {
		x[0] = (uint64_t)(int64_t)LFA_INVALID_PARAMETERS;
		return;
	}
	code = fault_take(a, LFA_FID_CANCEL - LFA_FID_FIRST, false);
	if (code == LFA_SUCCESS)
		code = fault_take(a, LFA_FID_CANCEL - LFA_FID_FIRST, true);
	/*
	 * CPUs still inside an ACTIVATE round cannot be taken back; between
	 * CALL_AGAIN rounds a platform can still abandon the activation, but
	 * TF-A refuses once every CPU entered it, until a round completes.
	 */
	if (code == LFA_SUCCESS) {
		if (a->tfa ? a->act_in_progress &&
			     (a->act_cancel_locked || a->act_skip) :
			     a->act_users != 0)
			code = LFA_BUSY;
	}
	if (code != LFA_SUCCESS) {
		x[0] = (uint64_t)(int64_t)code;
		return;
	}
	reset_activation(a);
	x[0] = LFA_SUCCESS;
}

/* VERSION, FEATURES, GET_INFO, GET_INVENTORY: faults fire on entry. */
static void simple_call(struct lfa_agent *a, uint32_t fid, uint64_t x[18])
{
	unsigned int call = fid - LFA_FID_FIRST;
	int code = fault_take(a, call, false);

	if (code == LFA_SUCCESS)
		code = fault_take(a, call, true);
	if (code != LFA_SUCCESS) {
		x[0] = (uint64_t)(int64_t)code;
		return;
	}
	switch (fid) {
	case LFA_FID_VERSION:
		x[0] = LFA_VERSION_1_0;
		break;
	case LFA_FID_FEATURES:
		x[0] = (x[1] >= LFA_FID_FIRST && x[1] <= LFA_FID_LAST) ?
			LFA_SUCCESS : (uint64_t)(int64_t)LFA_NOT_SUPPORTED;
		break;
	case LFA_FID_GET_INFO:
		if (x[1] != 0) {
			x[0] = (uint64_t)(int64_t)LFA_INVALID_PARAMETERS;
		} else {
			x[0] = LFA_SUCCESS;
			x[1] = a->count;
			x[2] = 0;
		}
		break;
	case LFA_FID_GET_INVENTORY:
		get_inventory(a, x);
		break;
	}
}

/**
 * lfa_agent_smc() - handle one SMC addressed to the LFA service
 * @a: agent
 * @ctx: calling CPU and time
 * @x: x0..x17; results are written in place.  Registers an LFA call does
 *	not return keep the caller's values, as with TF-A's SMC_RETn.
 *
 * Return: LFA_DISP_UNKNOWN if @x[0] is not in the LFA range, LFA_DISP_WAIT
 * if the CPU entered the holding pen (call lfa_agent_pen_poll() until it
 * returns something else), LFA_DISP_RESET when the CPU must re-enter the
 * normal world at @ctx->reset_ep, else LFA_DISP_DONE.
 */
enum lfa_disp lfa_agent_smc(struct lfa_agent *a, struct lfa_call_ctx *ctx,
			    uint64_t x[18])
{
	uint32_t fid = (uint32_t)x[0];
	uint64_t args[4] = { x[1], x[2], x[3], x[4] };
	enum lfa_disp disp = LFA_DISP_DONE;

	if ((x[0] >> 32) != 0 || fid < LFA_FID_FIRST || fid > LFA_FID_FIRST + 0x1f)
		return LFA_DISP_UNKNOWN;
	if (ctx->cpu >= LFA_AGENT_MAX_CPUS)
		ctx->cpu = LFA_AGENT_MAX_CPUS - 1;
	if (!a->present || fid > LFA_FID_LAST) {
		x[0] = (uint64_t)(int64_t)LFA_NOT_SUPPORTED;
	} else {
		a->calls[fid - LFA_FID_FIRST]++;
		switch (fid) {
		case LFA_FID_PRIME:
			prime(a, ctx, x);
			break;
		case LFA_FID_ACTIVATE:
			disp = activate(a, ctx, x);
			break;
		case LFA_FID_CANCEL:
			cancel(a, ctx, x);
			break;
		default:
			simple_call(a, fid, x);
			break;
		}
	}
	if (disp != LFA_DISP_WAIT) {
		/* the step's cost is part of the call, though the caller spends it */
		log_call(a, ctx->cpu, fid, args, ctx->now,
			 ctx->busy_until > ctx->now ? ctx->busy_until : ctx->now,
			 (int64_t)x[0],
			 fid == LFA_FID_PRIME || fid == LFA_FID_ACTIVATE ||
			 fid == LFA_FID_GET_INFO ? x[1] : 0);
		status_width(a, x);
	}
	return disp;
}

/**
 * lfa_agent_stage() - stage an emulated firmware image (docs/contracts.md)
 * @a: agent
 * @buf: header and payload, readable
 * @len: bytes in @buf
 *
 * Return: LFA_SUCCESS; LFA_INVALID_PARAMETERS for a bad magic, unknown or
 * not stageable GUID, wrong length or version 0; LFA_NO_MEMORY for a
 * payload over LFA_IMG_MAX_PAYLOAD; LFA_BUSY while the image is being
 * primed or activated.
 */
int lfa_agent_stage(struct lfa_agent *a, const uint8_t *buf, uint64_t len)
{
	struct lfa_image *img;
	uint64_t version;
	uint32_t plen, i;
	int idx;

	if (len < LFA_IMG_HEADER_SIZE || !mem_eq(buf, LFA_IMG_MAGIC, 8))
		return LFA_INVALID_PARAMETERS;
	idx = lfa_agent_find_guid(a, buf + 8);
	if (idx < 0 || !a->img[idx].stageable)
		return LFA_INVALID_PARAMETERS;
	version = get_le(buf + 24, 8);
	plen = (uint32_t)get_le(buf + 32, 4);
	if (plen > LFA_IMG_MAX_PAYLOAD)
		return LFA_NO_MEMORY;
	if (len != LFA_IMG_HEADER_SIZE + (uint64_t)plen || version == 0)
		return LFA_INVALID_PARAMETERS;
	if (a->prime_state != LFA_PRIME_NONE && a->prime_id >= 0 &&
	    a->order[a->prime_id] == idx)
		return LFA_BUSY;
	img = &a->img[idx];
	for (i = 0; i < plen; i++)
		a->payload[idx][i] = buf[LFA_IMG_HEADER_SIZE + i];
	img->payload_len = plen;
	img->payload_crc = (uint32_t)get_le(buf + 36, 4);
	img->pend_ver = version;
	img->staged = true;
	img->has_payload = true;
	img->corrupt = false;
	return LFA_SUCCESS;
}

/**
 * lfa_agent_bmc_stage() - stage an update out of band, as a BMC would
 * @a: agent
 * @guid: image
 * @version: version staged, 0 for the image's scenario default
 *
 * Sets @a->irq_request: the platform then raises the notification.
 *
 * Return: LFA_SUCCESS, or LFA_INVALID_PARAMETERS for an unknown image or
 * no version.
 */
int lfa_agent_bmc_stage(struct lfa_agent *a, const uint8_t guid[16],
			uint64_t version)
{
	int idx = lfa_agent_find_guid(a, guid);
	struct lfa_image *img;

	if (idx < 0)
		return LFA_INVALID_PARAMETERS;
	img = &a->img[idx];
	if (version == 0)
		version = img->bmc_ver;
	if (version == 0)
		return LFA_INVALID_PARAMETERS;
	discard_staged(img);
	img->staged = true;
	img->pend_ver = version;
	a->irq_request = true;
	return LFA_SUCCESS;
}

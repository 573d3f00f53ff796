// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario files (tests/scenarios/NAME.scn) -> agent state.  Freestanding: the
 * stub parses the text QEMU loaded, the host tests parse the same files.
 * The line format is documented in tests/agent/README.md.
 */

#include "lfa-agent.h"

struct tok {
	const char *p;
	size_t len;
};

struct lexer {
	const char *p;
	const char *end;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool next_tok(struct lexer *lx, struct tok *t)
{
	while (lx->p < lx->end && is_space(*lx->p))
		lx->p++;
	if (lx->p >= lx->end || *lx->p == '#')
		return false;
	t->p = lx->p;
	while (lx->p < lx->end && !is_space(*lx->p) && *lx->p != '#')
		lx->p++;
	t->len = (size_t)(lx->p - t->p);
	return true;
}

static bool tok_is(const struct tok *t, const char *s)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (s[i] != t->p[i])
			return false;
	return s[t->len] == '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_u64(const struct tok *t, uint64_t *v)
{
	uint64_t r = 0;
	size_t i;

	if (t->len == 0 || t->len > 19)
		return -1;
	for (i = 0; i < t->len; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return -1;
		r = r * 10 + (uint64_t)(t->p[i] - '0');
	}
	*v = r;
	return 0;
}

static int parse_u32(const struct tok *t, uint32_t *v)
{
	uint64_t r;

	if (parse_u64(t, &r) || r > 0xffffffffu)
		return -1;
	*v = (uint32_t)r;
	return 0;
}

/* "maj.min" -> (maj << 32) | min */
static int parse_version(const struct tok *t, uint64_t *v)
{
	struct tok maj = *t, min;
	uint32_t a, b;
	size_t i;

	for (i = 0; i < t->len && t->p[i] != '.'; i++)
		;
	if (i == t->len)
		return -1;
	maj.len = i;
	min.p = t->p + i + 1;
	min.len = t->len - i - 1;
	if (parse_u32(&maj, &a) || parse_u32(&min, &b))
		return -1;
	*v = ((uint64_t)a << 32) | b;
	return 0;
}

/* textual GUID -> bytes in the order %pUb prints them */
int lfa_parse_guid(const char *s, size_t len, uint8_t guid[16])
{
	unsigned int n = 0;
	size_t i;

	if (len != 36)
		return -1;
	for (i = 0; i < len; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		hi = hexval(s[i]);
		lo = i + 1 < len ? hexval(s[i + 1]) : -1;
		if (hi < 0 || lo < 0)
			return -1;
		guid[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return n == 16 ? 0 : -1;
}

static void err_set(char *err, size_t errlen, const char *msg,
		    const struct tok *t)
{
	size_t n = 0, i;

	if (!err || errlen == 0)
		return;
	for (i = 0; msg[i] && n + 1 < errlen; i++)
		err[n++] = msg[i];
	if (t) {
		if (n + 3 < errlen) {
			err[n++] = ':';
			err[n++] = ' ';
		}
		for (i = 0; i < t->len && n + 1 < errlen; i++)
			err[n++] = t->p[i];
	}
	err[n] = '\0';
}

static int find_image(struct lfa_agent *a, const struct tok *t)
{
	char name[LFA_AGENT_NAME_LEN];
	size_t i;

	if (t->len >= LFA_AGENT_NAME_LEN)
		return -1;
	for (i = 0; i < t->len; i++)
		name[i] = t->p[i];
	name[t->len] = '\0';
	return lfa_agent_find_name(a, name);
}

static int image_attr(struct lfa_agent *a, struct lfa_image *img,
		      struct lexer *lx, const struct tok *t, struct tok *arg)
{
	bool has_arg = tok_is(t, "pending") || tok_is(t, "bmc") ||
		       tok_is(t, "prime-steps") || tok_is(t, "activate-steps") ||
		       tok_is(t, "step-us") ||
		       tok_is(t, "prime-leak") || tok_is(t, "prime-reveals");

	if (has_arg && !next_tok(lx, arg))
		return -1;
	if (tok_is(t, "pending")) {
		if (parse_version(arg, &img->pend_ver) || !img->pend_ver)
			return -1;
		img->staged = true;
	} else if (tok_is(t, "bmc")) {
		if (parse_version(arg, &img->bmc_ver) || !img->bmc_ver)
			return -1;
	} else if (tok_is(t, "prime-steps")) {
		return parse_u32(arg, &img->prime_steps);
	} else if (tok_is(t, "activate-steps")) {
		return parse_u32(arg, &img->activate_steps);
	} else if (tok_is(t, "step-us")) {
		return parse_u32(arg, &img->step_us);
	} else if (tok_is(t, "prime-leak")) {
		return parse_u32(arg, &img->prime_leak);
	} else if (tok_is(t, "prime-reveals")) {
		/* TF-A's flags come from a component table fixed at boot */
		if (a->tfa)
			return -2;
		if (tok_is(arg, "may-reset"))
			img->prime_reveals |= LFA_REVEAL_MAY_RESET;
		else if (tok_is(arg, "rdv-required"))
			img->prime_reveals |= LFA_REVEAL_RDV_REQUIRED;
		else
			return -1;
	} else if (tok_is(t, "keeps-prime")) {
		img->keeps_prime = true;
	} else if (tok_is(t, "stageable")) {
		img->stageable = true;
	} else if (tok_is(t, "nocap")) {
		img->capable = false;
	} else if (tok_is(t, "may-reset")) {
		img->may_reset_cpu = true;
	} else if (tok_is(t, "rdv-optional")) {
		img->rdv_optional = true;
	} else if (tok_is(t, "hidden")) {
		/* TF-A's component table is fixed at boot */
		if (a->tfa)
			return -2;
		img->listed = false;
	} else if (tok_is(t, "corrupt")) {
		img->corrupt = true;
	} else {
		return -1;
	}
	return 0;
}

static int line_image(struct lfa_agent *a, struct lexer *lx, char *err,
		      size_t errlen)
{
	struct tok name, guid, ver, t, arg;
	char cname[LFA_AGENT_NAME_LEN];
	uint8_t g[16];
	uint64_t cur;
	size_t i;
	int idx;

	if (!next_tok(lx, &name) || !next_tok(lx, &guid) || !next_tok(lx, &ver)) {
		err_set(err, errlen, "image: need <name> <GUID> <maj.min>", NULL);
		return -1;
	}
	if (name.len >= LFA_AGENT_NAME_LEN) {
		err_set(err, errlen, "image: name too long", &name);
		return -1;
	}
	if (lfa_parse_guid(guid.p, guid.len, g)) {
		err_set(err, errlen, "image: bad GUID", &guid);
		return -1;
	}
	if (parse_version(&ver, &cur)) {
		err_set(err, errlen, "image: bad version", &ver);
		return -1;
	}
	for (i = 0; i < name.len; i++)
		cname[i] = name.p[i];
	cname[name.len] = '\0';
	if (lfa_agent_find_name(a, cname) >= 0) {
		err_set(err, errlen, "image: duplicate name", &name);
		return -1;
	}
	idx = lfa_agent_add_image(a, cname, g, cur);
	if (idx < 0) {
		err_set(err, errlen, "image: duplicate GUID or too many images", &guid);
		return -1;
	}
	while (next_tok(lx, &t)) {
		int ret = image_attr(a, &a->img[idx], lx, &t, &arg);

		if (ret == -2) {
			err_set(err, errlen, tok_is(&t, "hidden") ?
				"image: spec-only, TF-A lists every component from boot" :
				"image: spec-only, TF-A's component flags are fixed at boot",
				&t);
			return -1;
		}
		if (ret) {
			err_set(err, errlen, "image: bad attribute", &t);
			return -1;
		}
	}
	if (a->img[idx].corrupt && !a->img[idx].staged) {
		err_set(err, errlen, "image: corrupt needs pending", &name);
		return -1;
	}
	lfa_agent_relist(a);
	return 0;
}

static int line_after(struct lfa_agent *a, struct lexer *lx, char *err,
		      size_t errlen)
{
	struct lfa_effect e = { 0 };
	struct tok trig, kind, t;
	int idx;

	if (a->tfa) {
		err_set(err, errlen,
			"after: spec-only, TF-A's inventory never changes after boot",
			NULL);
		return -1;
	}
	if (!next_tok(lx, &trig) || !next_tok(lx, &kind)) {
		err_set(err, errlen, "after: need <image> vanish|appear|order ...", NULL);
		return -1;
	}
	idx = find_image(a, &trig);
	if (idx < 0) {
		err_set(err, errlen, "after: unknown image", &trig);
		return -1;
	}
	e.trigger = (uint8_t)idx;
	if (tok_is(&kind, "vanish") || tok_is(&kind, "appear")) {
		e.kind = tok_is(&kind, "vanish") ? LFA_EFFECT_VANISH : LFA_EFFECT_APPEAR;
		if (!next_tok(lx, &t) || (idx = find_image(a, &t)) < 0) {
			err_set(err, errlen, "after: unknown target image", NULL);
			return -1;
		}
		e.target = (uint8_t)idx;
	} else if (tok_is(&kind, "order")) {
		e.kind = LFA_EFFECT_ORDER;
		while (next_tok(lx, &t)) {
			idx = find_image(a, &t);
			if (idx < 0 || e.norder >= LFA_AGENT_MAX_IMAGES) {
				err_set(err, errlen, "after: bad order entry", &t);
				return -1;
			}
			e.order[e.norder++] = (uint8_t)idx;
		}
	} else {
		err_set(err, errlen, "after: unknown change", &kind);
		return -1;
	}
	if (next_tok(lx, &t) || lfa_agent_add_effect(a, &e)) {
		err_set(err, errlen, "after: trailing words or too many changes", NULL);
		return -1;
	}
	return 0;
}

static int line_fault(struct lfa_agent *a, struct lexer *lx, char *err,
		      size_t errlen)
{
	struct tok call, nth, code, count;
	uint32_t fid, n;
	int32_t left = 1;
	int c;

	if (!next_tok(lx, &call) || !next_tok(lx, &nth) || !next_tok(lx, &code)) {
		err_set(err, errlen, "fault: need <CALL> <nth> <CODE> [count|forever]", NULL);
		return -1;
	}
	if (lfa_call_from_name(call.p, call.len, &fid)) {
		err_set(err, errlen, "fault: unknown call", &call);
		return -1;
	}
	if (parse_u32(&nth, &n) || n == 0) {
		err_set(err, errlen, "fault: bad nth", &nth);
		return -1;
	}
	if (lfa_code_from_name(code.p, code.len, &c)) {
		err_set(err, errlen, "fault: unknown code", &code);
		return -1;
	}
	if (next_tok(lx, &count)) {
		uint32_t v;

		if (tok_is(&count, "forever")) {
			left = -1;
		} else if (parse_u32(&count, &v) || v == 0 || v > 0x7fffffff) {
			err_set(err, errlen, "fault: bad count", &count);
			return -1;
		} else {
			left = (int32_t)v;
		}
	}
	switch (lfa_agent_add_fault(a, fid, n, c, left)) {
	case 0:
		return 0;
	case LFA_FAULT_NOT_TFA:
		err_set(err, errlen, "fault: spec-only, TF-A never gives this code here",
			&code);
		return -1;
	default:
		err_set(err, errlen, "fault: not injectable or too many faults", &code);
		return -1;
	}
}

/*
 * `agent lfa|tf-a|none`.  The mode decides what the other lines may say,
 * so it comes first; the harness prepends `agent tf-a` to pick TF-A's
 * answers for a scenario written for both.
 */
static int line_agent(struct lfa_agent *a, struct lexer *lx, char *err,
		      size_t errlen)
{
	struct tok arg;
	bool tfa;

	if (!next_tok(lx, &arg)) {
		err_set(err, errlen, "agent: need lfa, tf-a or none", NULL);
		return -1;
	}
	if (tok_is(&arg, "none")) {
		a->present = false;
		return 0;
	}
	if (tok_is(&arg, "lfa")) {
		tfa = false;
	} else if (tok_is(&arg, "tf-a")) {
		tfa = true;
	} else {
		err_set(err, errlen, "agent: need lfa, tf-a or none", &arg);
		return -1;
	}
	if (a->nimages || a->nfaults || a->neffects) {
		err_set(err, errlen, "agent: must come before images and faults", &arg);
		return -1;
	}
	if (a->tfa && !tfa) {
		err_set(err, errlen, "agent: mode already set to tf-a", &arg);
		return -1;
	}
	if (tfa && !a->tfa) {
		a->tfa = true;
		a->pen_timeout = a->cntfrq * LFA_TFA_PEN_SAFETY_S;
	}
	a->present = true;
	return 0;
}

/**
 * lfa_scenario_line() - apply one scenario line
 * @a: agent
 * @line: the line, without its newline
 * @len: its length
 * @err: buffer for an error message
 * @errlen: size of @err
 *
 * Return: 0, or -1 with a message in @err.
 */
int lfa_scenario_line(struct lfa_agent *a, const char *line, size_t len,
		      char *err, size_t errlen)
{
	struct lexer lx = { line, line + len };
	struct tok t, arg = { NULL, 0 };

	if (!next_tok(&lx, &t))
		return 0;
	/*
	 * A line the scenario's author marked as needing a spec-following
	 * agent: it shapes the inventory in ways TF-A cannot, so agent tf-a
	 * runs the scenario without it.
	 */
	if (tok_is(&t, "spec-only")) {
		if (a->tfa)
			return 0;
		if (!next_tok(&lx, &t)) {
			err_set(err, errlen, "spec-only: need a line", NULL);
			return -1;
		}
		if (tok_is(&t, "agent") || tok_is(&t, "spec-only")) {
			err_set(err, errlen, "spec-only: not for this keyword", &t);
			return -1;
		}
	}
	if (tok_is(&t, "image"))
		return line_image(a, &lx, err, errlen);
	if (tok_is(&t, "after"))
		return line_after(a, &lx, err, errlen);
	if (tok_is(&t, "fault"))
		return line_fault(a, &lx, err, errlen);
	if (tok_is(&t, "clear-faults")) {
		lfa_agent_clear_faults(a);
		return 0;
	}
	if (tok_is(&t, "agent"))
		return line_agent(a, &lx, err, errlen);
	if (tok_is(&t, "status-w32")) {
		/* TF-A returns ints through SMC_RET, sign-extended */
		if (a->tfa) {
			err_set(err, errlen,
				"status-w32: spec-only, TF-A sign-extends its status", NULL);
			return -1;
		}
		if (!next_tok(&lx, &arg) ||
		    (!tok_is(&arg, "on") && !tok_is(&arg, "off"))) {
			err_set(err, errlen, "status-w32: need on or off", NULL);
			return -1;
		}
		a->status_w32 = tok_is(&arg, "on");
		return 0;
	}
	if (tok_is(&t, "ram-mb")) {
		uint32_t mb;

		if (!next_tok(&lx, &arg) || parse_u32(&arg, &mb) || mb == 0) {
			err_set(err, errlen, "ram-mb: need a number", NULL);
			return -1;
		}
		a->ram_size = (uint64_t)mb << 20;
		return 0;
	}
	if (tok_is(&t, "pen-timeout-ms")) {
		uint32_t ms;

		if (!next_tok(&lx, &arg) || parse_u32(&arg, &ms) || ms == 0) {
			err_set(err, errlen, "pen-timeout-ms: need a number", NULL);
			return -1;
		}
		a->pen_timeout = a->cntfrq / 1000 * ms;
		return 0;
	}
	err_set(err, errlen, "unknown keyword", &t);
	return -1;
}

/**
 * lfa_scenario_load() - apply a whole scenario file
 * @a: agent, freshly initialised
 * @text: the file; parsing stops at @len or at a NUL byte
 * @len: its length
 * @err: buffer for "line N: message"
 * @errlen: size of @err
 *
 * Return: 0, or -1 with a message in @err.
 */
int lfa_scenario_load(struct lfa_agent *a, const char *text, size_t len,
		      char *err, size_t errlen)
{
	size_t pos = 0;
	unsigned int lineno = 0;

	while (pos < len && text[pos]) {
		size_t start = pos;

		while (pos < len && text[pos] && text[pos] != '\n')
			pos++;
		lineno++;
		if (lfa_scenario_line(a, text + start, pos - start, err, errlen)) {
			/* prefix "line N: " by shifting the message */
			char num[12];
			size_t n = 0, mlen = 0, i;
			unsigned int v = lineno;

			do {
				num[n++] = (char)('0' + v % 10);
				v /= 10;
			} while (v && n < sizeof(num));
			while (err && mlen < errlen && err[mlen])
				mlen++;
			if (err && mlen + n + 7 < errlen) {
				for (i = mlen + 1; i > 0; i--)
					err[i - 1 + n + 7] = err[i - 1];
				err[0] = 'l'; err[1] = 'i'; err[2] = 'n'; err[3] = 'e';
				err[4] = ' ';
				for (i = 0; i < n; i++)
					err[5 + i] = num[n - 1 - i];
				err[5 + n] = ':';
				err[6 + n] = ' ';
			}
			return -1;
		}
		if (pos < len && text[pos] == '\n')
			pos++;
	}
	/* TF-A's service does not initialise without components */
	if (a->tfa && a->count == 0)
		a->present = false;
	return 0;
}

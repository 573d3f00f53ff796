// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The host test harness of the emulated agent (see test-harness.h).
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "test-harness.h"

struct lfa_agent ag;
uint64_t now = 1000;
unsigned int n_tests, n_failed;
const char *cur_test = "";

void check(int ok, const char *fmt, ...)
{
	va_list ap;

	n_tests++;
	printf("%s %u - %s: ", ok ? "ok" : "not ok", n_tests, cur_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		n_failed++;
}

struct res smc_ex(unsigned int cpu, bool contended, uint64_t fid,
		  uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4)
{
	struct res r = { 0 };
	unsigned int i;

	r.x[0] = fid;
	r.x[1] = x1;
	r.x[2] = x2;
	r.x[3] = x3;
	r.x[4] = x4;
	for (i = 5; i < 18; i++)
		r.x[i] = SENTINEL(i);
	r.ctx.cpu = cpu;
	r.ctx.now = now++;
	r.ctx.contended = contended;
	r.disp = lfa_agent_smc(&ag, &r.ctx, r.x);
	/* SMCCC v1.2: x6..x17 are preserved; x4/x5 only by calls not using them */
	for (i = 6; i < 18; i++) {
		if (r.x[i] != SENTINEL(i)) {
			check(0, "x%u clobbered by fid 0x%" PRIx64, i, fid);
			break;
		}
	}
	if ((uint32_t)fid != LFA_FID_GET_INVENTORY || (int64_t)r.x[0] != 0) {
		if (r.x[5] != SENTINEL(5))
			check(0, "x5 clobbered by fid 0x%" PRIx64, fid);
		if (r.x[4] != x4)
			check(0, "x4 clobbered by fid 0x%" PRIx64, fid);
	}
	return r;
}

struct res smc(uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
	       uint64_t x4)
{
	return smc_ex(0, false, fid, x1, x2, x3, x4);
}

int64_t ret0(struct res r)
{
	return (int64_t)r.x[0];
}

struct res poll_cpu(unsigned int cpu)
{
	struct res r = { 0 };

	r.ctx.cpu = cpu;
	r.ctx.now = now++;
	r.disp = lfa_agent_pen_poll(&ag, &r.ctx, r.x);
	return r;
}

const uint8_t bl31_guid[16] = {
	0x47, 0xd4, 0x08, 0x6d, 0x4c, 0xfe, 0x98, 0x46,
	0x9b, 0x95, 0x29, 0x50, 0xcb, 0xbd, 0x5a, 0x00,
};

/* A fresh agent from @text; returns the loader's result and message. */
int load_err(const char *text, char *err, size_t errlen)
{
	err[0] = '\0';
	lfa_agent_init(&ag);
	return lfa_scenario_load(&ag, text, strlen(text), err, errlen);
}

void load(const char *text)
{
	char err[128];

	if (load_err(text, err, sizeof(err))) {
		fprintf(stderr, "scenario error: %s\n", err);
		check(0, "scenario loads: %s", err);
	}
}

/* a 3-image platform used by most tests */
const char *const basic =
	"image bl31 47d4086d-4cfe-9846-9b95-2950cbbd5a00 2.12 pending 2.13 stageable\n"
	"image rmm 6c0762a6-12f2-4b56-92cb-ba8f633606d9 0.7 pending 0.8 rdv-optional\n"
	"image opaque 11111111-2222-3333-4444-555555555555 1.0 pending 1.1 nocap\n";

void inventory_all(void)
{
	uint32_t i;

	for (i = 0; i < ag.count; i++)
		smc(LFA_FID_GET_INVENTORY, i, 0, 0, 0);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host test harness of the emulated agent: one agent, a clock, TAP
 * output, and SMC calls from simulated CPUs.  Shared by test-agent.c (the
 * behaviour both modes have) and test-tfa.c (where `agent tf-a` differs).
 */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "lfa-agent.h"

extern struct lfa_agent ag;
extern uint64_t now;
extern unsigned int n_tests, n_failed;
extern const char *cur_test;

/* what an SMC leaves in x5..x17 that it must not touch */
#define SENTINEL(i)	(0x5a5a000000000000ull | (uint64_t)(i))
#define V(maj, min)	(((uint64_t)(maj) << 32) | (min))

void check(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define CHECK_EQ(a, b, what) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	check(_a == _b, "%s: got %lld (0x%llx), want %lld (0x%llx)", what, \
	      _a, (unsigned long long)_a, _b, (unsigned long long)_b); \
} while (0)

struct res {
	enum lfa_disp disp;
	uint64_t x[18];
	struct lfa_call_ctx ctx;
};

struct res smc_ex(unsigned int cpu, bool contended, uint64_t fid,
		  uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4);
struct res smc(uint64_t fid, uint64_t x1, uint64_t x2, uint64_t x3,
	       uint64_t x4);
int64_t ret0(struct res r);
struct res poll_cpu(unsigned int cpu);
void load(const char *text);
int load_err(const char *text, char *err, size_t errlen);
void inventory_all(void);

extern const uint8_t bl31_guid[16];
extern const char *const basic;

void test_tfa(void);

#endif

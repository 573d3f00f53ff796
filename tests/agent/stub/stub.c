// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * EL2 firmware stub, platform part: sits below Debian's unmodified arm64
 * kernel under QEMU (-M virt,virtualization=on) and answers the SMCs the
 * kernel makes, as EL3 firmware with an LFA agent would:
 *  - SMCCC_VERSION (v1.2, or v1.5 as TF-A reports it with `agent tf-a`)
 *    and SMCCC_ARCH_FEATURES, so that the kernel uses the SMC conduit and
 *    SMCCC v1.2 register passing;
 *  - PSCI, forwarded to QEMU's own PSCI, with CPU_ON rewritten so that the
 *    secondary CPUs start in the stub (QEMU starts them at EL2);
 *  - LFA calls and the emulator's SiP calls, through the agent model.
 */

#include "../lfa-agent.h"
#include "stub.h"

#define SMCCC_VERSION		0x80000000u
#define SMCCC_ARCH_FEATURES	0x80000001u
#define SMCCC_NOT_SUPPORTED	(-1)
#define PSCI_CPU_OFF		0x84000002u
#define PSCI_CPU_ON_32		0x84000003u
#define PSCI_CPU_ON_64		0xC4000003u
#define PSCI_FEATURES		0x8400000Au
#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_SYSTEM_RESET	0x84000009u

#define HCR_RW		(1ull << 31)
#define HCR_TSC		(1ull << 19)
#define HCR_APK		(1ull << 40)
#define HCR_API		(1ull << 41)
#define HCR_ATA		(1ull << 56)

#define EC_HVC64	0x16
#define EC_SMC64	0x17

#define read_sysreg(r) ({ uint64_t __v; \
	__asm__ volatile("mrs %0, " #r : "=r" (__v)); __v; })
#define write_sysreg(r, v) \
	__asm__ volatile("msr " #r ", %0" : : "r" ((uint64_t)(v)))

static struct lfa_agent agent;
static uint32_t agent_lock;	/* protects agent and the CPU tables */
static uint32_t tfa_lock;	/* TF-A's lfa_lock, for its BUSY answers */
static uint32_t print_lock;
static uint64_t cpu_entry[STUB_MAX_CPUS];
static uint64_t cpu_ctx[STUB_MAX_CPUS];
static bool cpu_online[STUB_MAX_CPUS];

/* the compiler may emit calls to these for struct copies */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *dp = d;

	while (n--)
		*dp++ = (uint8_t)c;
	return d;
}

static bool trylock(uint32_t *l)
{
	return __atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE) == 0;
}

static void lock(uint32_t *l)
{
	while (!trylock(l))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			__asm__ volatile("yield");
}

static void unlock(uint32_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

static void putc_raw(char c)
{
	volatile uint32_t *uart = (volatile uint32_t *)STUB_UART;

	while (uart[0x18 / 4] & (1u << 5))	/* FR.TXFF */
		;
	uart[0] = (uint32_t)c;
}

static void puts_raw(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putc_raw('\r');
		putc_raw(*s++);
	}
}

static void put_dec(uint64_t v)
{
	char buf[21];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc_raw(buf[--n]);
}

static void put_hex(uint64_t v)
{
	int i;

	puts_raw("0x");
	for (i = 60; i >= 0; i -= 4)
		putc_raw("0123456789abcdef"[(v >> i) & 15]);
}

static void power_off(void)
{
	psci_call(0x84000008u, 0, 0, 0);	/* SYSTEM_OFF */
	for (;;)
		__asm__ volatile("wfe");
}

static unsigned int mpidr_to_idx(uint64_t mpidr)
{
	/* QEMU virt: 8 CPUs per cluster in Aff1 */
	return (unsigned int)((mpidr & 0xff) + ((mpidr >> 8) & 0xff) * 8);
}

static unsigned int this_cpu(void)
{
	return mpidr_to_idx(read_sysreg(mpidr_el1));
}

static void el2_init(void)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1);
	uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	uint64_t hcr = HCR_RW | HCR_TSC | HCR_API | HCR_APK;

	/* MTE tag accesses must not trap when the CPU has MTE2 */
	if (((pfr1 >> 8) & 0xf) >= 2)
		hcr |= HCR_ATA;
	write_sysreg(hcr_el2, hcr);
	/* no FP/SIMD, SVE or SME traps */
	write_sysreg(cptr_el2, 0x22ff);
	write_sysreg(cnthctl_el2, 3);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(vmpidr_el2, read_sysreg(mpidr_el1));
	write_sysreg(mdcr_el2, (read_sysreg(pmcr_el0) >> 11) & 0x1f);
	if ((pfr0 >> 24) & 0xf)		/* GICv3 system registers */
		write_sysreg(s3_4_c12_c9_5, 0xf);	/* ICC_SRE_EL2 */
	if ((pfr0 >> 32) & 0xf)		/* SVE: longest vector length */
		write_sysreg(s3_4_c1_c2_0, 0x1ff);	/* ZCR_EL2 */
	if ((pfr1 >> 24) & 0xf)		/* SME */
		write_sysreg(s3_4_c1_c2_6, 0x1ff);	/* SMCR_EL2 */
	if ((mmfr1 >> 40) & 0xf)	/* FEAT_HCX */
		write_sysreg(s3_4_c1_c2_2, 0);		/* HCRX_EL2 */
	write_sysreg(sctlr_el1, 0x30d00800);
	write_sysreg(vbar_el2, (uint64_t)stub_vectors);
	__asm__ volatile("isb");
}

static uint64_t stack_top(unsigned int idx)
{
	return (uint64_t)stub_stacks + (uint64_t)(idx + 1) * STUB_STACK_SIZE;
}

static void raise_notification(void)
{
	volatile uint32_t *ispendr = (volatile uint32_t *)(STUB_GICD + 0x200);
	unsigned int intid = 32 + STUB_LFA_SPI;

	ispendr[intid / 32] = 1u << (intid % 32);
}

static uint64_t now(void)
{
	__asm__ volatile("isb");
	return read_sysreg(cntpct_el0);
}

static void count_online(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < STUB_MAX_CPUS; i++)
		n += cpu_online[i];
	agent.online_cpus = n;
}

/* Warm reset into the normal world, as an agent does for may_reset_cpu. */
static void warm_reset(struct trap_frame *f, uint64_t ep, uint64_t ctx)
{
	unsigned int i;

	for (i = 0; i < 31; i++)
		f->x[i] = 0;
	f->x[0] = ctx;
	f->elr = ep;
	f->spsr = 0x3c5;
	write_sysreg(sctlr_el1, 0x30d00800);
}

/*
 * TF-A's holding pen never gives up: on a real server this CPU would stay
 * in EL3 for good.  The emulator ends the round after a safety net so that
 * a test fails instead of hanging CI; say so where nobody can miss it.
 */
static void report_pen_hang(void)
{
	lock(&print_lock);
	puts_raw("\nlfa-stub: *** HOLDING PEN HANG: not every online CPU entered ACTIVATE within ");
	put_dec(LFA_TFA_PEN_SAFETY_S);
	puts_raw(" s; TF-A would hang here forever, failing the round instead ***\n");
	unlock(&print_lock);
}

/* Returns true when the CPU was warm-reset: @f then holds the new state. */
static bool lfa_call(struct trap_frame *f, uint64_t x[18])
{
	struct lfa_call_ctx ctx = { .cpu = this_cpu() };
	uint32_t fid = (uint32_t)x[0];
	bool skip = fid == LFA_FID_ACTIVATE && (x[2] & LFA_SKIP_RENDEZVOUS_BIT);
	bool tries = fid == LFA_FID_PRIME || fid == LFA_FID_CANCEL || skip;
	bool serialised = tries || fid == LFA_FID_ACTIVATE;
	bool have_tfa_lock = false;
	uint32_t give_ups;
	enum lfa_disp disp;

	/*
	 * TF-A serialises PRIME and ACTIVATE with a lock that PRIME and a
	 * skip-rendezvous ACTIVATE only try (BUSY when taken); the model's
	 * data is protected by agent_lock around every call.
	 */
	if (serialised) {
		if (tries) {
			have_tfa_lock = trylock(&tfa_lock);
			ctx.contended = !have_tfa_lock;
		} else {
			lock(&tfa_lock);
			have_tfa_lock = true;
		}
	}
	lock(&agent_lock);
	ctx.now = now();
	disp = lfa_agent_smc(&agent, &ctx, x);
	unlock(&agent_lock);
	if (have_tfa_lock)
		unlock(&tfa_lock);
	while (disp == LFA_DISP_WAIT) {
		unsigned int i;

		for (i = 0; i < 64; i++)
			__asm__ volatile("yield");
		lock(&agent_lock);
		ctx.now = now();
		give_ups = agent.pen_give_ups;
		disp = lfa_agent_pen_poll(&agent, &ctx, x);
		give_ups = agent.tfa && agent.pen_give_ups != give_ups;
		unlock(&agent_lock);
		if (give_ups)
			report_pen_hang();
	}
	/* the step's cost, spent in the agent as firmware would */
	while (ctx.busy_until && now() < ctx.busy_until)
		__asm__ volatile("yield");
	if (disp != LFA_DISP_RESET)
		return false;
	warm_reset(f, ctx.reset_ep, ctx.reset_ctx);
	return true;
}

static void sip_call(uint64_t x[18])
{
	struct lfa_call_ctx ctx = { .cpu = this_cpu() };
	bool irq;

	lock(&agent_lock);
	ctx.now = now();
	if (lfa_sip_smc(&agent, &ctx, x) == LFA_DISP_UNKNOWN)
		x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
	irq = agent.irq_request;
	agent.irq_request = false;
	unlock(&agent_lock);
	if (irq)
		raise_notification();
}

/*
 * What this boot asked of the agent, on the console as the machine goes
 * off or resets: the one record of a boot that outlives it, which a test
 * of what happens at shutdown reads (tests/debian/README.md).
 */
static void report_calls(void)
{
	lock(&print_lock);
	puts_raw("lfa-stub: leaving after ");
	put_dec(agent.calls[LFA_FID_PRIME - LFA_FID_FIRST]);
	puts_raw(" PRIME and ");
	put_dec(agent.calls[LFA_FID_ACTIVATE - LFA_FID_FIRST]);
	puts_raw(" ACTIVATE calls\n");
	unlock(&print_lock);
}

static void psci(uint64_t x[18])
{
	uint32_t fid = (uint32_t)x[0];
	unsigned int idx, me = this_cpu();

	switch (fid) {
	case PSCI_FEATURES:
		if ((uint32_t)x[1] == SMCCC_VERSION) {
			x[0] = 0;
			return;
		}
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		idx = mpidr_to_idx(x[1]);
		if (idx >= STUB_MAX_CPUS)
			break;
		lock(&agent_lock);
		cpu_entry[idx] = x[2];
		cpu_ctx[idx] = x[3];
		unlock(&agent_lock);
		x[0] = psci_call(fid, x[1], (uint64_t)secondary_entry, idx);
		return;
	case PSCI_CPU_OFF:
		lock(&agent_lock);
		cpu_online[me] = false;
		count_online();
		unlock(&agent_lock);
		x[0] = psci_call(fid, x[1], x[2], x[3]);
		/* only back here if the CPU stayed on */
		lock(&agent_lock);
		cpu_online[me] = true;
		count_online();
		unlock(&agent_lock);
		return;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		report_calls();
		break;
	}
	x[0] = psci_call(fid, x[1], x[2], x[3]);
}

static void smc(struct trap_frame *f)
{
	uint64_t x[18];
	uint32_t fid;
	unsigned int i;

	for (i = 0; i < 18; i++)
		x[i] = f->x[i];
	/* SMCCC: the function ID is W0 */
	x[0] = (uint32_t)x[0];
	fid = (uint32_t)x[0];
	if (fid == SMCCC_VERSION) {
		x[0] = agent.tfa ? 0x10005 : 0x10002;
	} else if (fid == SMCCC_ARCH_FEATURES) {
		x[0] = ((uint32_t)x[1] == SMCCC_VERSION ||
			(uint32_t)x[1] == SMCCC_ARCH_FEATURES) ?
			0 : (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
	} else if ((fid & 0xbfffffe0u) == 0x84000000u) {
		psci(x);
	} else if (fid >= LFA_FID_FIRST && fid <= LFA_FID_FIRST + 0x1f) {
		if (lfa_call(f, x))
			return;
	} else if ((fid & 0xffff0000u) == 0xC2000000u) {
		sip_call(x);
	} else {
		x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
	}
	for (i = 0; i < 18; i++)
		f->x[i] = x[i];
}

void stub_sync_lower(struct trap_frame *f)
{
	uint64_t esr = read_sysreg(esr_el2);
	unsigned int ec = (unsigned int)(esr >> 26);

	if (ec == EC_SMC64) {
		/* a trapped SMC returns to itself */
		f->elr += 4;
		smc(f);
		return;
	}
	if (ec == EC_HVC64) {
		/* no hypervisor services here */
		f->x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
		return;
	}
	stub_bad_exception(8, f);
	power_off();
}

void stub_bad_exception(uint64_t kind, struct trap_frame *f)
{
	lock(&print_lock);
	puts_raw("\nlfa-stub: unexpected exception kind ");
	put_dec(kind);
	puts_raw(" ESR ");
	put_hex(read_sysreg(esr_el2));
	puts_raw(" ELR ");
	put_hex(f->elr);
	puts_raw(" FAR ");
	put_hex(read_sysreg(far_el2));
	puts_raw(" on CPU ");
	put_dec(this_cpu());
	puts_raw("\n");
	unlock(&print_lock);
	power_off();
}

static void load_scenario(void)
{
	const char *text = (const char *)STUB_SCENARIO_ADDR;
	char err[96];
	size_t len = 0;
	unsigned int i;

	lfa_agent_init(&agent);
	agent.cntfrq = read_sysreg(cntfrq_el0);
	agent.pen_timeout = 5 * agent.cntfrq;
	agent.ram_base = STUB_RAM_BASE;
	agent.ram_size = 0x40000000;	/* "ram-mb" in the scenario overrides */
	while (len < STUB_SCENARIO_MAX && text[len])
		len++;
	if (len == 0 || len == STUB_SCENARIO_MAX) {
		puts_raw("lfa-stub: no NUL-terminated scenario at 0x40100000\n");
		power_off();
	}
	if (lfa_scenario_load(&agent, text, len, err, sizeof(err))) {
		puts_raw("lfa-stub: scenario error: ");
		puts_raw(err);
		puts_raw("\n");
		power_off();
	}
	puts_raw("lfa-stub: LFA agent ");
	puts_raw(agent.present ? "present" : "absent");
	puts_raw(", images:");
	for (i = 0; i < agent.nimages; i++) {
		puts_raw(" ");
		puts_raw(agent.img[i].name);
	}
	puts_raw("\n");
}

void stub_main(uint64_t dtb)
{
	uint64_t el;

	__asm__ volatile("mrs %0, CurrentEL" : "=r" (el));
	if (((el >> 2) & 3) != 2) {
		puts_raw("lfa-stub: not entered at EL2 (need virtualization=on)\n");
		power_off();
	}
	if ((uint64_t)stub_vectors < STUB_BASE) {
		puts_raw("lfa-stub: loaded at the wrong address\n");
		power_off();
	}
	el2_init();
	load_scenario();
	cpu_online[this_cpu()] = true;
	count_online();
	enter_el1(STUB_KERNEL_ADDR, dtb, stack_top(this_cpu()));
}

void stub_secondary(uint64_t idx)
{
	uint64_t entry, ctx;

	el2_init();
	lock(&agent_lock);
	cpu_online[idx] = true;
	count_online();
	entry = cpu_entry[idx];
	ctx = cpu_ctx[idx];
	unlock(&agent_lock);
	enter_el1(entry, ctx, stack_top((unsigned int)idx));
}

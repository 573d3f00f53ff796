// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The emulator's vendor (SiP) SMC service: what a real platform does through
 * its BMC or its own update path (staging images, out-of-band updates), plus
 * the test hooks (call log, fault injection).  Guest physical addresses are
 * used as pointers: the stub runs with the MMU off, so they are identical;
 * the host tests pass host pointers with an unlimited RAM window.
 */

#include "lfa-agent.h"

#define LFA_SIP_LINE_MAX	256

static uint64_t get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static bool in_ram(const struct lfa_agent *a, uint64_t addr, uint64_t len)
{
	if (addr < a->ram_base)
		return false;
	addr -= a->ram_base;
	return addr <= a->ram_size && len <= a->ram_size - addr;
}

static void image_info(struct lfa_agent *a, uint64_t x[18])
{
	const struct lfa_image *img;
	uint8_t name[LFA_AGENT_NAME_LEN];
	uint64_t flags = 0;
	unsigned int i;

	if (x[1] >= a->nimages) {
		x[0] = (uint64_t)(int64_t)LFA_INVALID_PARAMETERS;
		return;
	}
	img = &a->img[x[1]];
	if (img->stageable)
		flags |= LFA_SIP_IMG_STAGEABLE;
	if (img->listed)
		flags |= LFA_SIP_IMG_LISTED;
	if (img->staged)
		flags |= LFA_SIP_IMG_STAGED;
	if (img->bmc_ver)
		flags |= LFA_SIP_IMG_BMC;
	if (img->capable)
		flags |= LFA_SIP_IMG_CAPABLE;
	for (i = 0; i < LFA_AGENT_NAME_LEN; i++)
		name[i] = (uint8_t)img->name[i];
	x[0] = LFA_SUCCESS;
	x[1] = get_le(img->guid, 8);
	x[2] = get_le(img->guid + 8, 8);
	x[3] = flags;
	x[4] = img->cur_ver;
	x[5] = img->staged ? img->pend_ver : 0;
	x[6] = get_le(name, 8);
	x[7] = get_le(name + 8, 8);
}

static void log_read(struct lfa_agent *a, uint64_t x[18])
{
	const struct lfa_log_entry *e = lfa_agent_log_get(a, x[1]);
	unsigned int i;

	x[0] = e ? LFA_SUCCESS : (uint64_t)(int64_t)LFA_INVALID_PARAMETERS;
	x[1] = a->log_tail;
	x[2] = a->log_head;
	if (!e)
		return;
	x[3] = e->seq;
	x[4] = e->cpu;
	x[5] = e->fid;
	for (i = 0; i < 4; i++)
		x[6 + i] = e->args[i];
	x[10] = (uint64_t)e->ret;
	x[11] = e->ret1;
	x[12] = e->t_in;
	x[13] = e->t_out;
}

static int apply_line(struct lfa_agent *a, uint64_t addr, uint64_t len)
{
	char line[LFA_SIP_LINE_MAX];
	char err[64];
	const char *src = (const char *)(uintptr_t)addr;
	uint64_t i;

	if (len > sizeof(line))
		return LFA_INVALID_PARAMETERS;
	if (!in_ram(a, addr, len))
		return LFA_INVALID_ADDRESS;
	for (i = 0; i < len; i++)
		line[i] = src[i];
	if (lfa_scenario_line(a, line, (size_t)len, err, sizeof(err)))
		return LFA_INVALID_PARAMETERS;
	return LFA_SUCCESS;
}

/**
 * lfa_sip_smc() - handle one call of the emulator's SiP service
 * @a: agent
 * @ctx: calling CPU and time (unused today, kept for symmetry)
 * @x: x0..x17, results written in place
 *
 * Return: LFA_DISP_UNKNOWN for a FID outside the service, else
 * LFA_DISP_DONE.  After LFA_SIP_BMC_STAGE the caller checks
 * @a->irq_request to raise the notification.
 */
enum lfa_disp lfa_sip_smc(struct lfa_agent *a, struct lfa_call_ctx *ctx,
			  uint64_t x[18])
{
	uint32_t fid = (uint32_t)x[0];
	uint8_t guid[16];
	int ret;

	(void)ctx;
	if ((x[0] >> 32) != 0 || fid < LFA_SIP_FIRST || fid > LFA_SIP_LAST)
		return LFA_DISP_UNKNOWN;
	switch (fid) {
	case LFA_SIP_INFO:
		x[0] = LFA_SUCCESS;
		x[1] = LFA_SIP_MAGIC;
		x[2] = a->nimages;
		x[3] = LFA_AGENT_LOG_SIZE;
		x[4] = a->cntfrq;
		x[5] = a->present;
		break;
	case LFA_SIP_IMAGE:
		image_info(a, x);
		break;
	case LFA_SIP_STAGE:
		if (!in_ram(a, x[1], x[2]))
			ret = LFA_INVALID_ADDRESS;
		else
			ret = lfa_agent_stage(a, (const uint8_t *)(uintptr_t)x[1], x[2]);
		x[0] = (uint64_t)(int64_t)ret;
		break;
	case LFA_SIP_LOG_READ:
		log_read(a, x);
		break;
	case LFA_SIP_LOG_CLEAR:
		lfa_agent_log_clear(a);
		x[0] = LFA_SUCCESS;
		break;
	case LFA_SIP_LINE:
		x[0] = (uint64_t)(int64_t)apply_line(a, x[1], x[2]);
		break;
	case LFA_SIP_BMC_STAGE:
		put_le(guid, x[1], 8);
		put_le(guid + 8, x[2], 8);
		x[0] = (uint64_t)(int64_t)lfa_agent_bmc_stage(a, guid, x[3]);
		break;
	}
	return LFA_DISP_DONE;
}

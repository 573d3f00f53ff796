/*
 * Copyright (c) 2026, the fwupd-lfa authors.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * A test port of TF-A's LFA service for PLAT=qemu (TF-A ships one only for
 * FVP). Its components live nowhere: priming and activating them only moves
 * their state, so a kernel driver can be exercised against TF-A's own
 * service code (services/std_svc/lfa) on an emulator. The components
 * mirror the images of fwupd-lfa's kernel guest tests (A, B, C, E, G, H in
 * tests/kernel/kernel.scn); tests/kernel/guest/adapter-tf-a.sh names them.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <common/debug.h>
#include <lib/spinlock.h>
#include <plat/common/platform.h>
#include <platform_def.h>
#include <services/lfa_component_desc.h>
#include <services/lfa_holding_pen.h>
#include <services/lfa_svc.h>

enum qemu_lfa_id {
	QEMU_LFA_A,	/* rendezvous required; its load asks to be called again */
	QEMU_LFA_B,	/* nothing pending; rendezvous optional */
	QEMU_LFA_C,	/* pending, but activating it may reset CPUs */
	QEMU_LFA_E,	/* pending; rendezvous optional */
	QEMU_LFA_G,	/* pending, no activator: not activation capable */
	QEMU_LFA_H,	/* pending; its own prime step asks to be called again */
	QEMU_LFA_COUNT
};

/* uuid_t bytes in the order of the string form the kernel prints */
#define QEMU_LFA_UUID(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11,	\
		      b12, b13, b14, b15)					\
	{ { b0, b1, b2, b3 }, { b4, b5 }, { b6, b7 }, b8, b9,			\
	  { b10, b11, b12, b13, b14, b15 } }

/*
 * State a real platform keeps in its staging area: whether a new image
 * waits, and how far the current prime or activation has gone.
 */
static bool qemu_lfa_pending[QEMU_LFA_COUNT] = {
	[QEMU_LFA_A] = true,
	[QEMU_LFA_C] = true,
	[QEMU_LFA_E] = true,
	[QEMU_LFA_G] = true,
	[QEMU_LFA_H] = true,
};
static unsigned int qemu_lfa_load_calls[QEMU_LFA_COUNT];
static unsigned int qemu_lfa_prime_calls[QEMU_LFA_COUNT];
static spinlock_t qemu_lfa_lock;

static void qemu_lfa_done(uint32_t id)
{
	spin_lock(&qemu_lfa_lock);
	qemu_lfa_pending[id] = false;
	qemu_lfa_load_calls[id] = 0U;
	qemu_lfa_prime_calls[id] = 0U;
	spin_unlock(&qemu_lfa_lock);
	NOTICE("LFA test: component %u activated on CPU %u\n", id,
	       plat_my_core_pos());
}

/* H: its first prime step of each prime asks to be called again */
static int qemu_lfa_prime_again(struct lfa_component_status *st)
{
	if (qemu_lfa_prime_calls[st->component_id]++ == 0U)
		return -EAGAIN;
	return 0;
}

/*
 * Every CPU of a rendezvous calls in; the last one to arrive activates
 * while the others wait in TF-A's holding pen, which has no timeout.
 */
static int qemu_lfa_activate(struct lfa_component_status *st,
			     uint64_t ep_address, uint64_t context_id)
{
	(void)ep_address;
	(void)context_id;

	if (!st->cpu_rendezvous) {
		qemu_lfa_done(st->component_id);
		return 0;
	}
	if (!lfa_holding_start())
		return lfa_holding_wait() == LFA_SUCCESS ? 0 : -EIO;
	qemu_lfa_done(st->component_id);
	lfa_holding_release(LFA_SUCCESS);
	return 0;
}

static int qemu_lfa_cancel_component(struct lfa_component_status *st)
{
	(void)st;
	return 0;
}

static struct lfa_component_ops qemu_lfa_rendezvous_ops = {
	.activate = qemu_lfa_activate,
	.cancel = qemu_lfa_cancel_component,
	.cpu_rendezvous_required = true,
};

static struct lfa_component_ops qemu_lfa_optional_ops = {
	.activate = qemu_lfa_activate,
	.cancel = qemu_lfa_cancel_component,
};

static struct lfa_component_ops qemu_lfa_reset_ops = {
	.activate = qemu_lfa_activate,
	.may_reset_cpu = true,
	.cpu_rendezvous_required = true,
};

static struct lfa_component_ops qemu_lfa_prime_again_ops = {
	.prime = qemu_lfa_prime_again,
	.activate = qemu_lfa_activate,
	.cpu_rendezvous_required = true,
};

static plat_lfa_component_info_t qemu_lfa_components[QEMU_LFA_COUNT] = {
	/* TF-A's own BL31 UUID: the kernel names the image by it */
	[QEMU_LFA_A] = { QEMU_LFA_A,
		QEMU_LFA_UUID(0x47, 0xd4, 0x08, 0x6d, 0x4c, 0xfe, 0x98, 0x46,
			      0x9b, 0x95, 0x29, 0x50, 0xcb, 0xbd, 0x5a, 0x00),
		&qemu_lfa_rendezvous_ops, false },
	[QEMU_LFA_B] = { QEMU_LFA_B,
		QEMU_LFA_UUID(0x0b, 0x0b, 0x0b, 0x0b, 0x00, 0x00, 0x40, 0x00,
			      0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b),
		&qemu_lfa_optional_ops, false },
	[QEMU_LFA_C] = { QEMU_LFA_C,
		QEMU_LFA_UUID(0x0c, 0x0c, 0x0c, 0x0c, 0x00, 0x00, 0x40, 0x00,
			      0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c),
		&qemu_lfa_reset_ops, false },
	[QEMU_LFA_E] = { QEMU_LFA_E,
		QEMU_LFA_UUID(0x0e, 0x0e, 0x0e, 0x0e, 0x00, 0x00, 0x40, 0x00,
			      0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0e),
		&qemu_lfa_optional_ops, false },
	[QEMU_LFA_G] = { QEMU_LFA_G,
		QEMU_LFA_UUID(0x0a, 0x0a, 0x0a, 0x0a, 0x00, 0x00, 0x40, 0x00,
			      0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a),
		NULL, false },
	[QEMU_LFA_H] = { QEMU_LFA_H,
		QEMU_LFA_UUID(0x08, 0x08, 0x08, 0x08, 0x00, 0x00, 0x40, 0x00,
			      0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08),
		&qemu_lfa_prime_again_ops, false },
};

uint32_t plat_lfa_get_components(plat_lfa_component_info_t **components)
{
	*components = qemu_lfa_components;
	return QEMU_LFA_COUNT;
}

bool is_plat_lfa_activation_pending(uint32_t lfa_component_id)
{
	return lfa_component_id < QEMU_LFA_COUNT &&
	       qemu_lfa_pending[lfa_component_id];
}

int plat_lfa_cancel(uint32_t lfa_component_id)
{
	if (lfa_component_id < QEMU_LFA_COUNT) {
		qemu_lfa_load_calls[lfa_component_id] = 0U;
		qemu_lfa_prime_calls[lfa_component_id] = 0U;
	}
	return 0;
}

/* A: the load of each prime takes two calls, as a large image would */
int plat_lfa_load_auth_image(uint32_t lfa_component_id)
{
	if (lfa_component_id == QEMU_LFA_A &&
	    qemu_lfa_load_calls[lfa_component_id]++ == 0U)
		return -EAGAIN;
	return 0;
}

int plat_lfa_get_image_info(uint32_t lfa_component_id,
			    uintptr_t *image_address, size_t *image_size)
{
	(void)lfa_component_id;
	(void)image_address;
	(void)image_size;
	return -EPERM;
}

int plat_lfa_notify_activate(uint32_t lfa_component_id)
{
	(void)lfa_component_id;
	return 0;
}

/* Only a BL31 activation resets CPUs through a mailbox; none does here */
uint64_t plat_lfa_mailbox_base(void)
{
	return 0U;
}

/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

/* the emulated image the platform takes (the plugin's README, Firmware Format) */
#define LFA_HEADER_SIZE 40
#define LFA_PAYLOAD_MAX (64 * 1024)
#define LFA_IMAGE_MAX	(LFA_HEADER_SIZE + LFA_PAYLOAD_MAX)

typedef struct {
	gint root_fd; /* the directory under the mount, opened before mounting */
	/* knobs */
	gint activate_errno;
	gboolean activate_noop;
	gchar *activate_version;
	gchar *upload_error;
	gboolean upload_discard;
	gchar *upload_status;
	gboolean versions_none;
	/* counters */
	guint activate_count;
	guint upload_count;
	guint64 activate_ns;
	GHashTable *partial; /* fh of an open control file: GString of an unfinished line */
} FuLfaFakeKernel;

/* fu-lfa-fake-kernel-tree.c */
gboolean
fu_lfa_fake_kernel_get_raw(FuLfaFakeKernel *self,
			   const gchar *rel,
			   guint8 *buf,
			   gsize bufsz,
			   gsize *len);
gchar *
fu_lfa_fake_kernel_get(FuLfaFakeKernel *self, const gchar *dir, const gchar *attr);
gboolean
fu_lfa_fake_kernel_set_raw(FuLfaFakeKernel *self, const gchar *rel, const guint8 *buf, gsize bufsz);
gboolean
fu_lfa_fake_kernel_set(FuLfaFakeKernel *self,
		       const gchar *dir,
		       const gchar *attr,
		       const gchar *value);
gboolean
fu_lfa_fake_kernel_mkdir(FuLfaFakeKernel *self, const gchar *rel);
gint
fu_lfa_fake_kernel_image(FuLfaFakeKernel *self, gchar **argv);
gint
fu_lfa_fake_kernel_platform_device(FuLfaFakeKernel *self);
gint
fu_lfa_fake_kernel_smccc_device(FuLfaFakeKernel *self, gchar **argv);
gint
fu_lfa_fake_kernel_dmi(FuLfaFakeKernel *self, gchar **argv);
gint
fu_lfa_fake_kernel_dmi_firmware_inventory(FuLfaFakeKernel *self, gchar **argv);

/* fu-lfa-fake-kernel-store.c */
gint
fu_lfa_fake_kernel_activate(FuLfaFakeKernel *self, const gchar *dir, const gchar *buf, gsize count);
gint
fu_lfa_fake_kernel_loading(FuLfaFakeKernel *self, const gchar *dir, const gchar *buf, gsize count);

/* fu-lfa-fake-kernel-control.c */
void
fu_lfa_fake_kernel_save_state(FuLfaFakeKernel *self);
void
fu_lfa_fake_kernel_reset(FuLfaFakeKernel *self);
gint
fu_lfa_fake_kernel_control(FuLfaFakeKernel *self,
			   guint64 fh,
			   const gchar *buf,
			   gsize count,
			   gboolean flush);

/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* lfa-fake-kernel: what the LFA driver and the firmware-upload class do when
 * their files are written */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fu-lfa-fake-kernel.h"

/* IEEE 802.3, as zlib's crc32() */
static guint32
fu_lfa_fake_kernel_crc32(const guint8 *buf, gsize bufsz)
{
	guint32 crc = 0xffffffff;
	for (gsize i = 0; i < bufsz; i++) {
		crc ^= buf[i];
		for (guint j = 0; j < 8; j++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

static guint64
fu_lfa_fake_kernel_le(const guint8 *buf, guint n)
{
	guint64 val = 0;
	for (guint i = n; i > 0; i--)
		val = (val << 8) | buf[i - 1];
	return val;
}

/* the GUID as %pUb prints it is the 16 bytes in memory order */
static gboolean
fu_lfa_fake_kernel_guid_to_bytes(const gchar *str, guint8 *buf)
{
	guint n = 0;
	for (const gchar *p = str; *p != '\0'; p++) {
		gint nibble;
		if (*p == '-')
			continue;
		nibble = g_ascii_xdigit_value(*p);
		if (nibble < 0 || n >= 32)
			return FALSE;
		if (n % 2 == 0)
			buf[n / 2] = nibble << 4;
		else
			buf[n / 2] |= nibble;
		n++;
	}
	return n == 32;
}

static gchar *
fu_lfa_fake_kernel_staged_path(const gchar *guid)
{
	return g_build_filename(".staged", guid, NULL);
}

/* the driver's store handler; returns 0 or the errno of the write */
gint
fu_lfa_fake_kernel_activate(FuLfaFakeKernel *self, const gchar *dir, const gchar *buf, gsize count)
{
	const gchar *guid = strrchr(dir, '/') + 1;
	g_autofree gchar *capable = fu_lfa_fake_kernel_get(self, dir, "activation_capable");
	g_autofree gchar *pending = fu_lfa_fake_kernel_get(self, dir, "activation_pending");
	g_autofree gchar *reset = fu_lfa_fake_kernel_get(self, dir, "may_reset_cpu");
	g_autofree gchar *pending_version = fu_lfa_fake_kernel_get(self, dir, "pending_version");
	g_autofree gchar *staged = fu_lfa_fake_kernel_staged_path(guid);
	guint8 image[LFA_IMAGE_MAX];
	gsize len = 0;

	self->activate_count++;
	if (count < 1 || buf[0] != '1' || (count > 1 && (count != 2 || buf[1] != '\n')))
		return EINVAL;
	if (self->activate_errno != 0)
		return self->activate_errno;
	if (capable == NULL || pending == NULL || reset == NULL || pending_version == NULL)
		return ENOENT;
	if (g_strcmp0(capable, "1") != 0 || g_strcmp0(reset, "0") != 0)
		return EOPNOTSUPP;
	if (g_strcmp0(pending, "1") != 0)
		return ENODATA;

	/* PRIME authenticates an image staged through the upload device, and the
	 * platform discards one that fails */
	if (fu_lfa_fake_kernel_get_raw(self, staged, image, sizeof(image), &len)) {
		(void)unlinkat(self->root_fd, staged, 0);
		if (len >= LFA_HEADER_SIZE &&
		    fu_lfa_fake_kernel_crc32(image + LFA_HEADER_SIZE, len - LFA_HEADER_SIZE) !=
			fu_lfa_fake_kernel_le(image + 36, 4)) {
			fu_lfa_fake_kernel_set(self, dir, "activation_pending", "0");
			fu_lfa_fake_kernel_set(self, dir, "pending_version", "N/A");
			return EKEYREJECTED;
		}
	}
	if (self->activate_noop)
		return 0;
	fu_lfa_fake_kernel_set(self,
			       dir,
			       "current_version",
			       self->activate_version != NULL ? self->activate_version
							      : pending_version);
	fu_lfa_fake_kernel_set(self, dir, "activation_pending", "0");
	fu_lfa_fake_kernel_set(self, dir, "pending_version", "N/A");
	return 0;
}

/* the emulated platform's checks of an uploaded image; NULL, or the upload
 * class's error string */
static const gchar *
fu_lfa_fake_kernel_stage(FuLfaFakeKernel *self, const gchar *dir)
{
	const gchar *guid = strrchr(dir, '/') + 1 + strlen("lfa-");
	guint8 image[LFA_IMAGE_MAX + 1];
	guint8 guid_bytes[16];
	guint64 version;
	gsize len = 0;
	g_autofree gchar *data = g_build_filename(dir, "data", NULL);
	g_autofree gchar *image_dir = g_build_filename("firmware", "lfa", guid, NULL);
	g_autofree gchar *staged = fu_lfa_fake_kernel_staged_path(guid);
	g_autofree gchar *version_str = NULL;

	if (!fu_lfa_fake_kernel_get_raw(self, data, image, sizeof(image), &len))
		return "preparing:read-write-error";
	if (len < LFA_HEADER_SIZE || len > LFA_IMAGE_MAX)
		return "preparing:invalid-file-size";
	version = fu_lfa_fake_kernel_le(image + 24, 8);
	if (memcmp(image, "LFAEMU01", 8) != 0 ||
	    !fu_lfa_fake_kernel_guid_to_bytes(guid, guid_bytes) ||
	    memcmp(image + 8, guid_bytes, 16) != 0 ||
	    fu_lfa_fake_kernel_le(image + 32, 4) != len - LFA_HEADER_SIZE || version == 0)
		return "preparing:firmware-invalid";
	if (self->upload_discard)
		return NULL;
	if (!fu_lfa_fake_kernel_mkdir(self, ".staged") ||
	    !fu_lfa_fake_kernel_set_raw(self, staged, image, len))
		return "programming:read-write-error";

	/* TF-A's LFA service reports no versions: every driver shows 0.0 */
	if (self->versions_none)
		version = 0;
	version_str =
	    g_strdup_printf("%u.%u", (guint)(version >> 32), (guint)(version & 0xffffffff));
	fu_lfa_fake_kernel_set(self, image_dir, "pending_version", version_str);
	fu_lfa_fake_kernel_set(self, image_dir, "activation_pending", "1");
	return NULL;
}

/* the firmware-upload class's loading file; returns 0 or the errno */
gint
fu_lfa_fake_kernel_loading(FuLfaFakeKernel *self, const gchar *dir, const gchar *buf, gsize count)
{
	if (count >= 2 && strncmp(buf, "-1", 2) == 0) {
		fu_lfa_fake_kernel_set(self, dir, "status", "idle");
		fu_lfa_fake_kernel_set(self, dir, "error", "receiving:user-abort");
		return 0;
	}
	if (count >= 1 && buf[0] == '1') {
		g_autofree gchar *data = g_build_filename(dir, "data", NULL);
		(void)fu_lfa_fake_kernel_set_raw(self, data, NULL, 0);
		fu_lfa_fake_kernel_set(self, dir, "error", "");
		fu_lfa_fake_kernel_set(self, dir, "status", "receiving");
		return 0;
	}
	if (count >= 1 && buf[0] == '0') {
		const gchar *error_str = self->upload_error;
		self->upload_count++;
		if (error_str == NULL)
			error_str = fu_lfa_fake_kernel_stage(self, dir);
		fu_lfa_fake_kernel_set(self, dir, "error", error_str != NULL ? error_str : "");
		fu_lfa_fake_kernel_set(self,
				       dir,
				       "status",
				       self->upload_status != NULL ? self->upload_status : "idle");
		return 0;
	}
	return EINVAL;
}

/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "fu-lfa-compat.h"
#include "fu-lfa-smbios.h"
#include "fu-lfa-sysfs.h"

/*
 * SMBIOS 3.5 added the Firmware Inventory Information structure (type 45): one
 * per firmware component, with its version and an ID that can be the component's
 * GUID.  The platform writes the tables when it boots, so what they say is the
 * version the platform booted, nothing more.
 *
 * FuSmbios hands out the strings of the first structure of a type only, and a
 * platform has one type 45 structure per component, so each structure is read
 * from the copy the kernel exports in /sys/firmware/dmi/entries/45-N/raw.
 */

#define FU_LFA_SMBIOS_TYPE_FIRMWARE_INVENTORY	 45
#define FU_LFA_SMBIOS_FW_INVENTORY_LENGTH_MIN	 0x18
#define FU_LFA_SMBIOS_OFFSET_VERSION		 0x05
#define FU_LFA_SMBIOS_OFFSET_VERSION_FORMAT	 0x06
#define FU_LFA_SMBIOS_OFFSET_ID			 0x07
#define FU_LFA_SMBIOS_OFFSET_ID_FORMAT		 0x08
#define FU_LFA_SMBIOS_VERSION_FORMAT_MAJOR_MINOR 0x01
#define FU_LFA_SMBIOS_ID_FORMAT_UEFI_GUID	 0x01
/* a structure is a few dozen bytes; anything larger is not one */
#define FU_LFA_SMBIOS_RAW_MAX 0x1000

/* string @idx of the structure in @buf (1-based, as SMBIOS numbers them), or NULL */
static gchar *
fu_lfa_smbios_get_string(const guint8 *buf, gsize bufsz, guint8 idx)
{
	gsize off = buf[1];

	if (idx == 0)
		return NULL;
	for (guint i = 1; off < bufsz && buf[off] != '\0'; i++) {
		const gchar *str = (const gchar *)buf + off;
		gsize len = strnlen(str, bufsz - off);
		if (off + len >= bufsz)
			return NULL;
		if (i == idx)
			return g_strndup(str, len);
		off += len + 1;
	}
	return NULL;
}

/* the version that one structure publishes for @guid, in the pair format, or NULL */
static gchar *
fu_lfa_smbios_parse(const guint8 *buf, gsize bufsz, const gchar *guid)
{
	guint64 version = 0;
	g_autofree gchar *id = NULL;
	g_autofree gchar *version_str = NULL;
	g_autoptr(GError) error_local = NULL;

	if (bufsz < FU_LFA_SMBIOS_FW_INVENTORY_LENGTH_MIN ||
	    buf[0] != FU_LFA_SMBIOS_TYPE_FIRMWARE_INVENTORY ||
	    buf[1] < FU_LFA_SMBIOS_FW_INVENTORY_LENGTH_MIN || buf[1] >= bufsz)
		return NULL;
	if (buf[FU_LFA_SMBIOS_OFFSET_ID_FORMAT] != FU_LFA_SMBIOS_ID_FORMAT_UEFI_GUID)
		return NULL;
	id = fu_lfa_smbios_get_string(buf, bufsz, buf[FU_LFA_SMBIOS_OFFSET_ID]);
	if (id == NULL || g_ascii_strcasecmp(id, guid) != 0)
		return NULL;

	/* only MAJOR.MINOR compares with the pair format fwupd shows */
	if (buf[FU_LFA_SMBIOS_OFFSET_VERSION_FORMAT] != FU_LFA_SMBIOS_VERSION_FORMAT_MAJOR_MINOR) {
		g_debug("SMBIOS firmware inventory of %s: version format 0x%02x is not "
			"MAJOR.MINOR, ignored",
			guid,
			buf[FU_LFA_SMBIOS_OFFSET_VERSION_FORMAT]);
		return NULL;
	}
	version_str = fu_lfa_smbios_get_string(buf, bufsz, buf[FU_LFA_SMBIOS_OFFSET_VERSION]);
	if (version_str == NULL)
		return NULL;
	if (!fu_lfa_sysfs_parse_version(version_str, &version, &error_local)) {
		g_debug("SMBIOS firmware inventory of %s: %s", guid, error_local->message);
		return NULL;
	}
	/* what TF-A reports when it reports nothing is no version here either */
	if (version == 0)
		return NULL;
	return fu_lfa_sysfs_version_to_string(version);
}

/**
 * fu_lfa_smbios_get_booted_version:
 * @ctx: a #FuContext
 * @guid: an image GUID
 *
 * Gets the version that the SMBIOS firmware inventory (type 45) publishes for
 * the image, i.e. the version the platform booted.
 *
 * Returns: (transfer full): a version in the pair format, or %NULL if none
 **/
gchar *
fu_lfa_smbios_get_booted_version(FuContext *ctx, const gchar *guid)
{
	const gchar *name;
	g_autofree gchar *path = NULL;
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GError) error_local = NULL;

	path = fu_context_build_filename(ctx,
					 &error_local,
					 FU_PATH_KIND_SYSFSDIR_FW,
					 "dmi",
					 "entries",
					 NULL);
	if (path == NULL)
		return NULL;
	dir = g_dir_open(path, 0, NULL);
	if (dir == NULL)
		return NULL;
	while ((name = g_dir_read_name(dir)) != NULL) {
		gsize bufsz = 0;
		gchar *version;
		g_autofree gchar *fn = NULL;
		g_autofree guint8 *buf = NULL;

		if (!g_str_has_prefix(name, "45-"))
			continue;
		fn = g_build_filename(path, name, "raw", NULL);
		if (!g_file_get_contents(fn, (gchar **)&buf, &bufsz, NULL) ||
		    bufsz > FU_LFA_SMBIOS_RAW_MAX)
			continue;
		version = fu_lfa_smbios_parse(buf, bufsz, guid);
		if (version != NULL)
			return version;
	}
	return NULL;
}

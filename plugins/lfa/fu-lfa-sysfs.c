/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fu-lfa-compat.h"
#include "fu-lfa-sysfs.h"

gchar *
fu_lfa_sysfs_get_inventory_dir(FuContext *ctx, GError **error)
{
	return fu_context_build_filename(ctx, error, FU_PATH_KIND_SYSFSDIR_FW, "lfa", NULL);
}

gchar *
fu_lfa_sysfs_get_upload_dir(FuContext *ctx, const gchar *guid, GError **error)
{
	g_autofree gchar *basename = g_strdup_printf("lfa-%s", guid);
	return fu_context_build_filename(ctx,
					 error,
					 FU_PATH_KIND_SYSFSDIR,
					 "class",
					 "firmware",
					 basename,
					 NULL);
}

static FwupdError
fu_lfa_sysfs_error_from_errno(gint errsv)
{
	if (errsv == ENOENT || errsv == ENOTDIR)
		return FWUPD_ERROR_NOT_FOUND;
	if (errsv == EACCES || errsv == EPERM)
		return FWUPD_ERROR_PERMISSION_DENIED;
	return FWUPD_ERROR_READ;
}

gchar *
fu_lfa_sysfs_read(const gchar *dir, const gchar *attr, FuLfaSysfsReadFlags flags, GError **error)
{
	gint fd;
	gsize bufsz = 0;
	struct stat st = {0};
	g_autofree gchar *fn = g_build_filename(dir, attr, NULL);
	g_autofree gchar *buf = g_malloc0(FU_LFA_SYSFS_ATTR_MAX + 2);

	/* O_NONBLOCK and O_NOFOLLOW so that a FIFO or a link planted in the tree cannot
	 * block the daemon or redirect it elsewhere */
	fd = open(fn, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		gint errsv = errno;
		g_set_error(error,
			    FWUPD_ERROR,
			    fu_lfa_sysfs_error_from_errno(errsv),
			    "cannot open %s: %s",
			    attr,
			    g_strerror(errsv));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_INVALID_DATA,
			    "%s is not a regular file",
			    attr);
		return NULL;
	}

	/* read one byte more than allowed to detect oversized files */
	while (bufsz <= FU_LFA_SYSFS_ATTR_MAX) {
		gssize rc = read(fd, buf + bufsz, FU_LFA_SYSFS_ATTR_MAX + 1 - bufsz);
		if (rc < 0) {
			gint errsv = errno;
			if (errsv == EINTR)
				continue;
			close(fd);
			g_set_error(error,
				    FWUPD_ERROR,
				    fu_lfa_sysfs_error_from_errno(errsv),
				    "cannot read %s: %s",
				    attr,
				    g_strerror(errsv));
			return NULL;
		}
		if (rc == 0)
			break;
		bufsz += rc;
	}
	close(fd);
	if (bufsz > FU_LFA_SYSFS_ATTR_MAX) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_INVALID_DATA,
			    "%s is larger than %u bytes",
			    attr,
			    (guint)FU_LFA_SYSFS_ATTR_MAX);
		return NULL;
	}
	if (memchr(buf, '\0', bufsz) != NULL) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_INVALID_DATA,
			    "%s contains a NUL byte",
			    attr);
		return NULL;
	}

	/* the kernel terminates every value with exactly one newline */
	if (bufsz > 0 && buf[bufsz - 1] == '\n')
		buf[--bufsz] = '\0';
	if (bufsz == 0 && (flags & FU_LFA_SYSFS_READ_FLAG_ALLOW_EMPTY) == 0) {
		g_set_error(error, FWUPD_ERROR, FWUPD_ERROR_INVALID_DATA, "%s is empty", attr);
		return NULL;
	}
	if (!g_utf8_validate(buf, bufsz, NULL)) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_INVALID_DATA,
			    "%s is not valid UTF-8",
			    attr);
		return NULL;
	}
	return g_steal_pointer(&buf);
}

/* returns 0 or the errno of the failing call, as the kernel's store handler
 * reports its result only through errno; fwupd's I/O helpers would fold every
 * errno into FWUPD_ERROR_WRITE */
gint
fu_lfa_sysfs_write(const gchar *dir, const gchar *attr, const gchar *value)
{
	gint fd;
	gsize len = strlen(value);
	gssize rc;
	g_autofree gchar *fn = g_build_filename(dir, attr, NULL);

	fd = open(fn, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	do {
		rc = write(fd, value, len);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		gint errsv = errno;
		close(fd);
		return errsv;
	}
	if ((gsize)rc != len) {
		close(fd);
		return EIO;
	}
	if (close(fd) < 0)
		return errno;
	return 0;
}

gboolean
fu_lfa_sysfs_parse_bool(const gchar *str, gboolean *value, GError **error)
{
	if (g_strcmp0(str, "0") == 0) {
		if (value != NULL)
			*value = FALSE;
		return TRUE;
	}
	if (g_strcmp0(str, "1") == 0) {
		if (value != NULL)
			*value = TRUE;
		return TRUE;
	}
	g_set_error(error, FWUPD_ERROR, FWUPD_ERROR_INVALID_DATA, "expected 0 or 1, got '%s'", str);
	return FALSE;
}

/* strict decimal u32: no sign, no spaces, no empty part */
static gboolean
fu_lfa_sysfs_parse_u32(const gchar *str, gsize len, guint32 *value, GError **error)
{
	guint64 tmp = 0;

	if (len == 0) {
		g_set_error_literal(error,
				    FWUPD_ERROR,
				    FWUPD_ERROR_INVALID_DATA,
				    "missing version number");
		return FALSE;
	}
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isdigit(str[i])) {
			g_set_error(error,
				    FWUPD_ERROR,
				    FWUPD_ERROR_INVALID_DATA,
				    "invalid character 0x%02x in version",
				    (guint)(guchar)str[i]);
			return FALSE;
		}
		tmp = tmp * 10 + (str[i] - '0');
		if (tmp > G_MAXUINT32) {
			g_set_error_literal(error,
					    FWUPD_ERROR,
					    FWUPD_ERROR_INVALID_DATA,
					    "version number exceeds 32 bits");
			return FALSE;
		}
	}
	*value = (guint32)tmp;
	return TRUE;
}

gboolean
fu_lfa_sysfs_parse_version(const gchar *str, guint64 *value, GError **error)
{
	const gchar *dot = strchr(str, '.');
	guint32 major = 0;
	guint32 minor = 0;

	if (dot == NULL) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_INVALID_DATA,
			    "expected major.minor, got '%s'",
			    str);
		return FALSE;
	}
	if (!fu_lfa_sysfs_parse_u32(str, dot - str, &major, error) ||
	    !fu_lfa_sysfs_parse_u32(dot + 1, strlen(dot + 1), &minor, error)) {
		g_prefix_error(error, "invalid version '%s': ", str);
		return FALSE;
	}
	if (value != NULL)
		*value = ((guint64)major << 32) | minor;
	return TRUE;
}

/* the kernel prints GUIDs with %pUb: lower case, 8-4-4-4-12; fwupd has no use
 * for the zero GUID either */
gboolean
fu_lfa_sysfs_guid_is_valid(const gchar *str)
{
	if (!fwupd_guid_is_valid(str))
		return FALSE;
	for (const gchar *p = str; *p != '\0'; p++) {
		if (g_ascii_isupper(*p))
			return FALSE;
	}
	return TRUE;
}

gchar *
fu_lfa_sysfs_version_to_string(guint64 version)
{
	return fu_version_from_uint64(version, FWUPD_VERSION_FORMAT_PAIR);
}

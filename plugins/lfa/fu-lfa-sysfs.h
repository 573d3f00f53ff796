/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <fwupdplugin.h>

/* sysfs attributes are at most one page; anything larger is not from the kernel */
#define FU_LFA_SYSFS_ATTR_MAX 4096

typedef enum {
	FU_LFA_SYSFS_READ_FLAG_NONE = 0,
	FU_LFA_SYSFS_READ_FLAG_ALLOW_EMPTY = 1 << 0,
} FuLfaSysfsReadFlags;

gchar *
fu_lfa_sysfs_get_inventory_dir(FuContext *ctx, GError **error) G_GNUC_NON_NULL(1);
gchar *
fu_lfa_sysfs_get_upload_dir(FuContext *ctx, const gchar *guid, GError **error)
    G_GNUC_NON_NULL(1, 2);

gchar *
fu_lfa_sysfs_read(const gchar *dir, const gchar *attr, FuLfaSysfsReadFlags flags, GError **error)
    G_GNUC_NON_NULL(1, 2);
gint
fu_lfa_sysfs_write(const gchar *dir, const gchar *attr, const gchar *value)
    G_GNUC_NON_NULL(1, 2, 3);

gboolean
fu_lfa_sysfs_parse_bool(const gchar *str, gboolean *value, GError **error) G_GNUC_NON_NULL(1);
gboolean
fu_lfa_sysfs_parse_version(const gchar *str, guint64 *value, GError **error) G_GNUC_NON_NULL(1);
gboolean
fu_lfa_sysfs_guid_is_valid(const gchar *str) G_GNUC_NON_NULL(1);
gchar *
fu_lfa_sysfs_version_to_string(guint64 version);

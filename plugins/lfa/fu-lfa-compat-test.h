/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "fu-context-private.h"
#include "fu-lfa-compat.h"

/*
 * What the self-test and the benchmark need of a context, for both fwupd
 * releases (see fu-lfa-compat.h): the locations from the environment, the
 * quirk files without a cache and the HWID values that fwupd.conf sets.
 * Only the tests include this, so none of it is linked into the daemon.
 */
static inline gboolean
fu_lfa_context_load_for_test(FuContext *ctx, FuProgress *progress, GError **error)
{
#if FU_LFA_FWUPD_2_1
	const gchar *sysfs = g_getenv("FWUPD_SYSFSDIR");
	const gchar *procfs = g_getenv("FWUPD_PROCFS");

	fu_context_add_flag(ctx, FU_CONTEXT_FLAG_NO_CACHE);
	if (!fu_context_load(ctx,
			     progress,
			     FU_CONTEXT_LOAD_FLAG_PATH_STORE_DEFAULTS |
				 FU_CONTEXT_LOAD_FLAG_PATH_STORE_ENV |
				 FU_CONTEXT_LOAD_FLAG_HWID_CONFIG,
			     error))
		return FALSE;

	/* 2.1 no longer reads FWUPD_SYSFSDIR and FWUPD_PROCFS: the fixture trees
	 * stand in for /sys and /proc as they did with 2.0 */
	if (sysfs != NULL) {
		g_autofree gchar *sysfs_fw = g_build_filename(sysfs, "firmware", NULL);
		fu_context_set_path(ctx, FU_PATH_KIND_SYSFSDIR, sysfs);
		if (g_getenv("FWUPD_SYSFSFWDIR") == NULL)
			fu_context_set_path(ctx, FU_PATH_KIND_SYSFSDIR_FW, sysfs_fw);
	}
	if (procfs != NULL)
		fu_context_set_path(ctx, FU_PATH_KIND_PROCFS, procfs);
	return TRUE;
#else
	if (!fu_context_load_quirks(ctx,
				    FU_QUIRKS_LOAD_FLAG_NO_CACHE | FU_QUIRKS_LOAD_FLAG_NO_VERIFY,
				    error))
		return FALSE;
	return fu_context_load_hwinfo(ctx, progress, FU_CONTEXT_HWID_FLAG_LOAD_CONFIG, error);
#endif
}

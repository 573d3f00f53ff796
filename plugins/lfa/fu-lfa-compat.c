/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "fu-context-private.h"
#include "fu-lfa-compat.h"

/**
 * fu_lfa_build_filename:
 * @ctx: a #FuContext
 * @error: (nullable): optional return location for an error
 * @kind: a #FuPathKind, e.g. %FU_PATH_KIND_SYSFSDIR
 * @...: path components, ending with %NULL
 *
 * Builds a path below one of fwupd's locations, which the environment can
 * move (FWUPD_SYSFSDIR and friends) for the tests' fake trees.
 *
 * Returns: (transfer full): a path, or %NULL if fwupd does not know @kind
 **/
gchar *
fu_lfa_build_filename(FuContext *ctx, GError **error, FuPathKind kind, ...)
{
	va_list args;
	const gchar *part;
	g_autoptr(GPtrArray) parts = g_ptr_array_new();
#if FU_LFA_FWUPD_2_1
	const gchar *base = fu_context_get_path(ctx, kind, error);
	if (base == NULL)
		return NULL;
#else
	g_autofree gchar *base = fu_path_from_kind(kind);
#endif

	g_ptr_array_add(parts, (gpointer)base);
	va_start(args, kind);
	while ((part = va_arg(args, const gchar *)) != NULL)
		g_ptr_array_add(parts, (gpointer)part);
	va_end(args);
	g_ptr_array_add(parts, NULL);
	return g_build_filenamev((gchar **)parts->pdata);
}

/**
 * fu_lfa_compat_plugin_add_device:
 * @plugin: a #FuPlugin
 * @device: a #FuDevice
 *
 * Tells the daemon about a new device.
 **/
void
fu_lfa_compat_plugin_add_device(FuPlugin *plugin, FuDevice *device)
{
#if FU_LFA_FWUPD_2_1
	fu_plugin_add_device(plugin, device);
#else
	fu_plugin_device_add(plugin, device);
#endif
}

/**
 * fu_lfa_compat_plugin_remove_device:
 * @plugin: a #FuPlugin
 * @device: a #FuDevice
 *
 * Tells the daemon a device has gone.
 **/
void
fu_lfa_compat_plugin_remove_device(FuPlugin *plugin, FuDevice *device)
{
#if FU_LFA_FWUPD_2_1
	fu_plugin_remove_device(plugin, device);
#else
	fu_plugin_device_remove(plugin, device);
#endif
}

/**
 * fu_lfa_device_class_register_private_flag:
 * @klass: a #FuDeviceClass
 * @flag: a private flag
 *
 * Registers @flag from class_init where fwupd wants it there (2.1).
 **/
void
fu_lfa_device_class_register_private_flag(FuDeviceClass *klass, const gchar *flag)
{
#if FU_LFA_FWUPD_2_1
	fu_device_register_private_flag(klass, flag);
#endif
}

/**
 * fu_lfa_device_register_private_flag:
 * @device: a #FuDevice
 * @flag: a private flag
 *
 * Registers @flag from init where fwupd wants it there (2.0).
 **/
void
fu_lfa_device_register_private_flag(FuDevice *device, const gchar *flag)
{
#if !FU_LFA_FWUPD_2_1
	fu_device_register_private_flag(device, flag);
#endif
}

/**
 * fu_lfa_context_load_for_test:
 * @ctx: a new #FuContext
 * @progress: a #FuProgress
 * @error: (nullable): optional return location for an error
 *
 * Loads what the self-test and the benchmark need of a context: the locations
 * from the environment, the quirk files without a cache and the HWID values
 * that fwupd.conf sets.
 *
 * Returns: %TRUE for success
 **/
gboolean
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

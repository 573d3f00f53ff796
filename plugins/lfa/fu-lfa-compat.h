/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <fwupdplugin.h>

/*
 * The plugin is written against the newest fwupd release (2.1.7) and also
 * builds against the one Debian 12 ships (2.0.20): this header gives 2.0 the
 * 2.1 calls the plugin makes, and is the only place that knows the
 * difference.  The series for fwupd itself (upstream/fwupd/) is made without
 * it.  The guards are checked against those two releases, not the ones in
 * between.
 */
#define FU_LFA_FWUPD_2_1 FWUPD_CHECK_VERSION(2, 1, 0)

#if !FU_LFA_FWUPD_2_1
/* 2.1 renamed these */
#define fu_plugin_add_device(plugin, device)	fu_plugin_device_add(plugin, device)
#define fu_plugin_remove_device(plugin, device) fu_plugin_device_remove(plugin, device)

/* 2.1 builds paths from the context's locations; 2.0 reads them from the
 * environment (FWUPD_SYSFSDIR and friends) and cannot fail */
static inline gchar *
fu_context_build_filename(FuContext *ctx, GError **error, FuPathKind kind, ...)
{
	va_list args;
	const gchar *part;
	g_autofree gchar *base = fu_path_from_kind(kind);
	g_autoptr(GPtrArray) parts = g_ptr_array_new();

	g_ptr_array_add(parts, (gpointer)base);
	va_start(args, kind);
	while ((part = va_arg(args, const gchar *)) != NULL)
		g_ptr_array_add(parts, (gpointer)part);
	va_end(args);
	g_ptr_array_add(parts, NULL);
	return g_build_filenamev((gchar **)parts->pdata);
}
#endif

/* 2.1 registers a private flag once, on the class; 2.0 on each instance */
static inline void
fu_lfa_device_class_register_private_flag(FuDeviceClass *klass, const gchar *flag)
{
#if FU_LFA_FWUPD_2_1
	fu_device_register_private_flag(klass, flag);
#endif
}

static inline void
fu_lfa_device_register_private_flag(FuDevice *device, const gchar *flag)
{
#if !FU_LFA_FWUPD_2_1
	fu_device_register_private_flag(device, flag);
#endif
}

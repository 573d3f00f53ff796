/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <fwupdplugin.h>

/*
 * The plugin builds against the fwupd Debian 12 ships (2.0.20) and the newest
 * release (2.1.7).  2.1 moved the path helpers into the context, renamed the
 * plugin's device calls, registers private flags on the class and loads a
 * context in one call; this file is the only place that knows.  The guards
 * are checked against those two releases, not the ones in between.
 */
#define FU_LFA_FWUPD_2_1 FWUPD_CHECK_VERSION(2, 1, 0)

void
fu_lfa_compat_plugin_add_device(FuPlugin *plugin, FuDevice *device) G_GNUC_NON_NULL(1, 2);
void
fu_lfa_compat_plugin_remove_device(FuPlugin *plugin, FuDevice *device) G_GNUC_NON_NULL(1, 2);
gchar *
fu_lfa_build_filename(FuContext *ctx, GError **error, FuPathKind kind, ...) G_GNUC_NULL_TERMINATED
    G_GNUC_NON_NULL(1) G_GNUC_WARN_UNUSED_RESULT;
void
fu_lfa_device_class_register_private_flag(FuDeviceClass *klass, const gchar *flag)
    G_GNUC_NON_NULL(1, 2);
void
fu_lfa_device_register_private_flag(FuDevice *device, const gchar *flag) G_GNUC_NON_NULL(1, 2);
gboolean
fu_lfa_context_load_for_test(FuContext *ctx, FuProgress *progress, GError **error)
    G_GNUC_NON_NULL(1, 2);

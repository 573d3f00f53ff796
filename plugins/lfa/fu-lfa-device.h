/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <fwupdplugin.h>

#include "fu-lfa-record.h"

#define FU_TYPE_LFA_DEVICE (fu_lfa_device_get_type())
G_DECLARE_FINAL_TYPE(FuLfaDevice, fu_lfa_device, FU, LFA_DEVICE, FuDevice)

/* set by the plugin when fwupd.conf has [lfa] ActivationPolicy=deferred */
#define FU_LFA_DEVICE_FLAG_DEFERRED_ACTIVATION "deferred-activation"
/* set by the plugin when it runs in systemd's last moments of a shutdown */
#define FU_LFA_DEVICE_FLAG_FINAL_SHUTDOWN "final-shutdown"

FuLfaDevice *
fu_lfa_device_new(FuContext *ctx, const gchar *path) G_GNUC_NON_NULL(1, 2);
void
fu_lfa_device_set_record(FuLfaDevice *self, FuLfaRecord *record) G_GNUC_NON_NULL(1);
const gchar *
fu_lfa_device_get_guid(FuLfaDevice *self) G_GNUC_NON_NULL(1);
gboolean
fu_lfa_device_refresh(FuLfaDevice *self, GError **error) G_GNUC_NON_NULL(1);

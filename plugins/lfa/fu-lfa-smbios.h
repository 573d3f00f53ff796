/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <fwupdplugin.h>

gchar *
fu_lfa_smbios_get_booted_version(FuContext *ctx, const gchar *guid) G_GNUC_NON_NULL(1, 2);

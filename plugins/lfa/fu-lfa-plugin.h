/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <fwupdplugin.h>

#define FU_TYPE_LFA_PLUGIN (fu_lfa_plugin_get_type())
G_DECLARE_FINAL_TYPE(FuLfaPlugin, fu_lfa_plugin, FU, LFA_PLUGIN, FuPlugin)

void
fu_lfa_plugin_set_poll_interval(FuLfaPlugin *self, guint poll_ms);

/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "fu-lfa-plugin.h"

struct _FuLfaPlugin {
	FuPlugin parent_instance;
};

G_DEFINE_TYPE(FuLfaPlugin, fu_lfa_plugin, FU_TYPE_PLUGIN)

static void
fu_lfa_plugin_init(FuLfaPlugin *self)
{
}

static void
fu_lfa_plugin_class_init(FuLfaPluginClass *klass)
{
}

/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

GSubprocess *
fu_lfa_fake_kernel_client_start(const gchar *dir, GError **error);
gboolean
fu_lfa_fake_kernel_client_stop(GSubprocess *kernel, GError **error);
gint
fu_lfa_fake_kernel_client_command(const gchar *dir, const gchar *commands);
gchar *
fu_lfa_fake_kernel_client_get(const gchar *dir, const gchar *key, GError **error);

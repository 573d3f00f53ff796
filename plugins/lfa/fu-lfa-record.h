/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <fwupdplugin.h>

#define FU_TYPE_LFA_RECORD (fu_lfa_record_get_type())
G_DECLARE_FINAL_TYPE(FuLfaRecord, fu_lfa_record, FU, LFA_RECORD, GObject)

/**
 * FuLfaRecordKind:
 * @FU_LFA_RECORD_KIND_STAGED: the version fwupd staged, still pending
 * @FU_LFA_RECORD_KIND_RUNNING: the version fwupd activated
 *
 * What the plugin remembers of an image whose agent reports no version.
 **/
typedef enum {
	FU_LFA_RECORD_KIND_STAGED,
	FU_LFA_RECORD_KIND_RUNNING,
} FuLfaRecordKind;

FuLfaRecord *
fu_lfa_record_new(const gchar *filename, const gchar *boot_id) G_GNUC_NON_NULL(1);
gboolean
fu_lfa_record_load(FuLfaRecord *self, GError **error) G_GNUC_NON_NULL(1);
gchar *
fu_lfa_record_get_version(FuLfaRecord *self, const gchar *guid, FuLfaRecordKind kind)
    G_GNUC_NON_NULL(1, 2);
gboolean
fu_lfa_record_set_version(FuLfaRecord *self,
			  const gchar *guid,
			  FuLfaRecordKind kind,
			  const gchar *version,
			  GError **error) G_GNUC_NON_NULL(1, 2);
gboolean
fu_lfa_record_forget(FuLfaRecord *self, const gchar *guid, GError **error) G_GNUC_NON_NULL(1, 2);
gboolean
fu_lfa_record_get_changed(FuLfaRecord *self, const gchar *guid) G_GNUC_NON_NULL(1, 2);
gboolean
fu_lfa_record_set_changed(FuLfaRecord *self, const gchar *guid, GError **error)
    G_GNUC_NON_NULL(1, 2);
gchar *
fu_lfa_record_read_boot_id(FuContext *ctx) G_GNUC_NON_NULL(1);

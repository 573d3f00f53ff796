/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "fu-lfa-compat.h"
#include "fu-lfa-record.h"
#include "fu-lfa-sysfs.h"

/*
 * TF-A's LFA service reports no versions, so for its images the only trustworthy
 * version is the one fwupd itself staged and then saw activated.  That stays true
 * only until something fwupd does not see replaces the image, and a reboot is such
 * a thing (the platform boots whatever its flash holds), so every entry carries the
 * boot ID it was made in and is worthless in any other boot.
 */

struct _FuLfaRecord {
	GObject parent_instance;
	gchar *filename;
	gchar *boot_id; /* NULL: boots cannot be told apart, nothing is recorded */
	GKeyFile *kf;
};

G_DEFINE_TYPE(FuLfaRecord, fu_lfa_record, G_TYPE_OBJECT)

#define FU_LFA_RECORD_KEY_BOOT_ID "BootId"
#define FU_LFA_RECORD_KEY_CHANGED "Changed"

static const gchar *
fu_lfa_record_kind_to_key(FuLfaRecordKind kind)
{
	if (kind == FU_LFA_RECORD_KIND_STAGED)
		return "Staged";
	return "Running";
}

/**
 * fu_lfa_record_read_boot_id:
 * @ctx: a #FuContext
 *
 * Reads the kernel's random ID of the current boot.
 *
 * Returns: the boot ID, or %NULL if procfs does not provide one
 **/
gchar *
fu_lfa_record_read_boot_id(FuContext *ctx)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *dir = fu_context_build_filename(ctx,
							  &error_local,
							  FU_PATH_KIND_PROCFS,
							  "sys",
							  "kernel",
							  "random",
							  NULL);
	gchar *boot_id = NULL;

	if (dir != NULL)
		boot_id =
		    fu_lfa_sysfs_read(dir, "boot_id", FU_LFA_SYSFS_READ_FLAG_NONE, &error_local);
	if (boot_id == NULL)
		g_debug("no boot ID, fwupd's versions are not recorded: %s", error_local->message);
	return boot_id;
}

/**
 * fu_lfa_record_load:
 * @self: a #FuLfaRecord
 * @error: (nullable): optional return location for an error
 *
 * Loads the record, dropping what earlier boots left.  A missing file is an
 * empty record.
 *
 * Returns: %TRUE for success; on failure the record is empty
 **/
gboolean
fu_lfa_record_load(FuLfaRecord *self, GError **error)
{
	g_auto(GStrv) groups = NULL;
	g_autoptr(GError) error_local = NULL;

	g_return_val_if_fail(FU_IS_LFA_RECORD(self), FALSE);

	if (!g_key_file_load_from_file(self->kf, self->filename, G_KEY_FILE_NONE, &error_local)) {
		if (g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return TRUE;
		g_key_file_unref(self->kf);
		self->kf = g_key_file_new();
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_INVALID_FILE,
			    "cannot load %s: %s",
			    self->filename,
			    error_local->message);
		return FALSE;
	}
	groups = g_key_file_get_groups(self->kf, NULL);
	for (guint i = 0; groups[i] != NULL; i++) {
		g_autofree gchar *boot_id =
		    g_key_file_get_string(self->kf, groups[i], FU_LFA_RECORD_KEY_BOOT_ID, NULL);
		if (self->boot_id == NULL || g_strcmp0(boot_id, self->boot_id) != 0) {
			g_debug("dropping the record of %s from another boot", groups[i]);
			g_key_file_remove_group(self->kf, groups[i], NULL);
		}
	}
	return TRUE;
}

static gboolean
fu_lfa_record_save(FuLfaRecord *self, GError **error)
{
	if (!fu_path_mkdir_parent(self->filename, error))
		return FALSE;
	if (!g_key_file_save_to_file(self->kf, self->filename, error)) {
		fwupd_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

/**
 * fu_lfa_record_get_version:
 * @self: a #FuLfaRecord
 * @guid: an image GUID
 * @kind: a #FuLfaRecordKind
 *
 * Gets what fwupd recorded for the image in this boot.
 *
 * Returns: (transfer full): a version in the pair format, or %NULL if none was recorded
 **/
gchar *
fu_lfa_record_get_version(FuLfaRecord *self, const gchar *guid, FuLfaRecordKind kind)
{
	g_autofree gchar *version = NULL;

	g_return_val_if_fail(FU_IS_LFA_RECORD(self), NULL);
	g_return_val_if_fail(guid != NULL, NULL);

	/* the file is the admin's too: never hand out what fwupd could not display */
	version = g_key_file_get_string(self->kf, guid, fu_lfa_record_kind_to_key(kind), NULL);
	if (version == NULL)
		return NULL;
	if (!fu_version_verify_format(version, FWUPD_VERSION_FORMAT_PAIR, NULL)) {
		g_debug("ignoring recorded version '%s' of %s", version, guid);
		return NULL;
	}
	return g_steal_pointer(&version);
}

/**
 * fu_lfa_record_set_version:
 * @self: a #FuLfaRecord
 * @guid: an image GUID
 * @kind: a #FuLfaRecordKind
 * @version: (nullable): a version in the pair format, or %NULL to remove it
 * @error: (nullable): optional return location for an error
 *
 * Records a version for the image in this boot and saves the record.  Versions
 * fwupd could not display in the pair format are not recorded.
 *
 * Returns: %TRUE for success
 **/
gboolean
fu_lfa_record_set_version(FuLfaRecord *self,
			  const gchar *guid,
			  FuLfaRecordKind kind,
			  const gchar *version,
			  GError **error)
{
	const gchar *key = fu_lfa_record_kind_to_key(kind);

	g_return_val_if_fail(FU_IS_LFA_RECORD(self), FALSE);
	g_return_val_if_fail(guid != NULL, FALSE);

	if (self->boot_id == NULL)
		return TRUE;
	if (version == NULL) {
		if (!g_key_file_has_key(self->kf, guid, key, NULL))
			return TRUE;
		g_key_file_remove_key(self->kf, guid, key, NULL);
		return fu_lfa_record_save(self, error);
	}
	if (!fu_version_verify_format(version, FWUPD_VERSION_FORMAT_PAIR, NULL)) {
		g_debug("not recording version '%s' of %s: not in the pair format", version, guid);
		return fu_lfa_record_set_version(self, guid, kind, NULL, error);
	}
	g_key_file_set_string(self->kf, guid, FU_LFA_RECORD_KEY_BOOT_ID, self->boot_id);
	g_key_file_set_string(self->kf, guid, key, version);
	return fu_lfa_record_save(self, error);
}

/**
 * fu_lfa_record_forget:
 * @self: a #FuLfaRecord
 * @guid: an image GUID
 * @error: (nullable): optional return location for an error
 *
 * Forgets everything recorded for the image, e.g. when it changed without fwupd.
 *
 * Returns: %TRUE for success
 **/
gboolean
fu_lfa_record_forget(FuLfaRecord *self, const gchar *guid, GError **error)
{
	g_return_val_if_fail(FU_IS_LFA_RECORD(self), FALSE);
	g_return_val_if_fail(guid != NULL, FALSE);

	if (!g_key_file_has_group(self->kf, guid))
		return TRUE;
	g_key_file_remove_group(self->kf, guid, NULL);
	return fu_lfa_record_save(self, error);
}

/**
 * fu_lfa_record_get_changed:
 * @self: a #FuLfaRecord
 * @guid: an image GUID
 *
 * Gets whether the image stopped being pending in this boot, so that what the
 * platform published at boot about it no longer holds.
 *
 * Returns: %TRUE if it changed, or if boots cannot be told apart
 **/
gboolean
fu_lfa_record_get_changed(FuLfaRecord *self, const gchar *guid)
{
	g_return_val_if_fail(FU_IS_LFA_RECORD(self), TRUE);
	g_return_val_if_fail(guid != NULL, TRUE);

	if (self->boot_id == NULL)
		return TRUE;
	return g_key_file_get_boolean(self->kf, guid, FU_LFA_RECORD_KEY_CHANGED, NULL);
}

/**
 * fu_lfa_record_set_changed:
 * @self: a #FuLfaRecord
 * @guid: an image GUID
 * @error: (nullable): optional return location for an error
 *
 * Records that the image stopped being pending in this boot, activated or
 * cancelled, and saves the record.
 *
 * Returns: %TRUE for success
 **/
gboolean
fu_lfa_record_set_changed(FuLfaRecord *self, const gchar *guid, GError **error)
{
	g_return_val_if_fail(FU_IS_LFA_RECORD(self), FALSE);
	g_return_val_if_fail(guid != NULL, FALSE);

	if (self->boot_id == NULL || fu_lfa_record_get_changed(self, guid))
		return TRUE;
	g_key_file_set_string(self->kf, guid, FU_LFA_RECORD_KEY_BOOT_ID, self->boot_id);
	g_key_file_set_boolean(self->kf, guid, FU_LFA_RECORD_KEY_CHANGED, TRUE);
	return fu_lfa_record_save(self, error);
}

static void
fu_lfa_record_init(FuLfaRecord *self)
{
	self->kf = g_key_file_new();
}

static void
fu_lfa_record_finalize(GObject *object)
{
	FuLfaRecord *self = FU_LFA_RECORD(object);
	g_free(self->filename);
	g_free(self->boot_id);
	g_key_file_unref(self->kf);
	G_OBJECT_CLASS(fu_lfa_record_parent_class)->finalize(object);
}

static void
fu_lfa_record_class_init(FuLfaRecordClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	object_class->finalize = fu_lfa_record_finalize;
}

/**
 * fu_lfa_record_new:
 * @filename: the key file that holds the record
 * @boot_id: (nullable): the current boot's ID, or %NULL to record nothing
 *
 * Creates an empty record; see fu_lfa_record_load().
 *
 * Returns: (transfer full): a #FuLfaRecord
 **/
FuLfaRecord *
fu_lfa_record_new(const gchar *filename, const gchar *boot_id)
{
	FuLfaRecord *self = g_object_new(FU_TYPE_LFA_RECORD, NULL);
	self->filename = g_strdup(filename);
	self->boot_id = g_strdup(boot_id);
	return self;
}

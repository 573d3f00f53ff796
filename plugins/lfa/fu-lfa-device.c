/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fu-lfa-compat.h"
#include "fu-lfa-device.h"
#include "fu-lfa-record.h"
#include "fu-lfa-smbios.h"
#include "fu-lfa-sysfs.h"

/* the kernel gives PRIME 30 s and ACTIVATE 10 s; staging on a BMC-backed upload
 * device can be much slower than the write itself */
#define FU_LFA_DEVICE_UPLOAD_TIMEOUT_MS	  (10 * 60 * 1000)
#define FU_LFA_DEVICE_UPLOAD_POLL_MS	  50
#define FU_LFA_DEVICE_UPLOAD_CHUNK	  0x10000
#define FU_LFA_DEVICE_FIRMWARE_SIZE_MAX	  (64 * 1024 * 1024)
#define FU_LFA_DEVICE_INHIBIT_NO_LIVE	  "lfa-no-live-activation"
#define FU_LFA_DEVICE_INHIBIT_NO_UPLOAD	  "lfa-no-upload-device"
#define FU_LFA_DEVICE_INHIBIT_NO_PLATFORM "lfa-no-platform-identity"

typedef enum {
	FU_LFA_TRISTATE_UNKNOWN,
	FU_LFA_TRISTATE_FALSE,
	FU_LFA_TRISTATE_TRUE,
} FuLfaTristate;

/* one consistent reading of an image directory */
typedef struct {
	gchar *name;
	guint64 current_version;
	guint64 pending_version; /* 0 when the agent does not report it */
	gboolean activation_capable;
	gboolean activation_pending;
	gboolean may_reset_cpu;
	gboolean cpu_rendezvous;
	FuLfaTristate force_cpu_rendezvous;
	FuLfaTristate auto_activate;
} FuLfaDeviceInventory;

/* where the version fwupd shows comes from */
typedef enum {
	FU_LFA_VERSION_SOURCE_NONE,
	FU_LFA_VERSION_SOURCE_FIRMWARE,
	FU_LFA_VERSION_SOURCE_RECORD,
	FU_LFA_VERSION_SOURCE_SMBIOS,
} FuLfaVersionSource;

struct _FuLfaDevice {
	FuDevice parent_instance;
	gchar *guid;
	gchar *upload_dir; /* NULL without a firmware-upload device */
	FuLfaDeviceInventory inv;
	gboolean has_inventory;
	FuLfaRecord *record; /* NULL: nothing is remembered */
	FuLfaVersionSource version_source;
	gchar *booted_version;	  /* SMBIOS firmware inventory, NULL if it has none */
	gboolean has_platform_id; /* firmware can be matched to this platform only */
};

G_DEFINE_TYPE(FuLfaDevice, fu_lfa_device, FU_TYPE_DEVICE)

static void
fu_lfa_device_inventory_clear(FuLfaDeviceInventory *inv)
{
	g_clear_pointer(&inv->name, g_free);
}

static const gchar *
fu_lfa_version_source_to_string(FuLfaVersionSource val)
{
	if (val == FU_LFA_VERSION_SOURCE_FIRMWARE)
		return "firmware";
	if (val == FU_LFA_VERSION_SOURCE_RECORD)
		return "fwupd-record";
	if (val == FU_LFA_VERSION_SOURCE_SMBIOS)
		return "smbios";
	return "none";
}

static const gchar *
fu_lfa_tristate_to_string(FuLfaTristate val)
{
	if (val == FU_LFA_TRISTATE_TRUE)
		return "true";
	if (val == FU_LFA_TRISTATE_FALSE)
		return "false";
	return "unknown";
}

static void
fu_lfa_device_to_string(FuDevice *device, guint idt, GString *str)
{
	FuLfaDevice *self = FU_LFA_DEVICE(device);
	g_autofree gchar *current = fu_lfa_sysfs_version_to_string(self->inv.current_version);
	g_autofree gchar *pending = fu_lfa_sysfs_version_to_string(self->inv.pending_version);

	fwupd_codec_string_append(str, idt, "Guid", self->guid);
	fwupd_codec_string_append(str, idt, "UploadDir", self->upload_dir);
	fwupd_codec_string_append_bool(str, idt, "HasInventory", self->has_inventory);
	if (!self->has_inventory)
		return;
	fwupd_codec_string_append(str, idt, "KernelName", self->inv.name);
	fwupd_codec_string_append(str, idt, "CurrentVersion", current);
	fwupd_codec_string_append(str,
				  idt,
				  "VersionSource",
				  fu_lfa_version_source_to_string(self->version_source));
	fwupd_codec_string_append(str, idt, "BootedVersion", self->booted_version);
	fwupd_codec_string_append(str,
				  idt,
				  "PendingVersion",
				  self->inv.pending_version != 0 ? pending : "unknown");
	fwupd_codec_string_append_bool(str, idt, "ActivationCapable", self->inv.activation_capable);
	fwupd_codec_string_append_bool(str, idt, "ActivationPending", self->inv.activation_pending);
	fwupd_codec_string_append_bool(str, idt, "MayResetCpu", self->inv.may_reset_cpu);
	fwupd_codec_string_append_bool(str, idt, "CpuRendezvous", self->inv.cpu_rendezvous);
	fwupd_codec_string_append(str,
				  idt,
				  "ForceCpuRendezvous",
				  fu_lfa_tristate_to_string(self->inv.force_cpu_rendezvous));
	fwupd_codec_string_append(str,
				  idt,
				  "AutoActivate",
				  fu_lfa_tristate_to_string(self->inv.auto_activate));
}

static gboolean
fu_lfa_device_read_bool(const gchar *dir, const gchar *attr, gboolean *value, GError **error)
{
	g_autofree gchar *str = fu_lfa_sysfs_read(dir, attr, FU_LFA_SYSFS_READ_FLAG_NONE, error);
	if (str == NULL)
		return FALSE;
	if (!fu_lfa_sysfs_parse_bool(str, value, error)) {
		g_prefix_error(error, "invalid %s: ", attr);
		return FALSE;
	}
	return TRUE;
}

/* tunables that older drivers do not have: a missing file is fine, garbage is not */
static gboolean
fu_lfa_device_read_tristate(const gchar *dir,
			    const gchar *attr,
			    FuLfaTristate *value,
			    GError **error)
{
	gboolean tmp = FALSE;
	g_autofree gchar *fn = g_build_filename(dir, attr, NULL);

	if (!g_file_test(fn, G_FILE_TEST_EXISTS) && !g_file_test(fn, G_FILE_TEST_IS_SYMLINK)) {
		*value = FU_LFA_TRISTATE_UNKNOWN;
		return TRUE;
	}
	if (!fu_lfa_device_read_bool(dir, attr, &tmp, error))
		return FALSE;
	*value = tmp ? FU_LFA_TRISTATE_TRUE : FU_LFA_TRISTATE_FALSE;
	return TRUE;
}

static gboolean
fu_lfa_device_read_inventory(const gchar *dir, FuLfaDeviceInventory *inv, GError **error)
{
	g_autofree gchar *current = NULL;
	g_autofree gchar *pending = NULL;
	g_autofree gchar *rendezvous_fn = g_build_filename(dir, "cpu_rendezvous", NULL);

	inv->name = fu_lfa_sysfs_read(dir, "name", FU_LFA_SYSFS_READ_FLAG_NONE, error);
	if (inv->name == NULL)
		return FALSE;
	for (const gchar *p = inv->name; *p != '\0'; p++) {
		if (g_ascii_iscntrl(*p)) {
			g_set_error_literal(error,
					    FWUPD_ERROR,
					    FWUPD_ERROR_INVALID_DATA,
					    "name contains control characters");
			return FALSE;
		}
	}
	current = fu_lfa_sysfs_read(dir, "current_version", FU_LFA_SYSFS_READ_FLAG_NONE, error);
	if (current == NULL)
		return FALSE;
	/* lfa_fw says "unknown" where the agent reports none; other drivers show 0.0 */
	if (g_strcmp0(current, "unknown") == 0) {
		inv->current_version = 0;
	} else if (!fu_lfa_sysfs_parse_version(current, &inv->current_version, error)) {
		g_prefix_error_literal(error, "current_version: ");
		return FALSE;
	}
	if (!fu_lfa_device_read_bool(dir, "activation_capable", &inv->activation_capable, error))
		return FALSE;
	if (!fu_lfa_device_read_bool(dir, "activation_pending", &inv->activation_pending, error))
		return FALSE;
	if (!fu_lfa_device_read_bool(dir, "may_reset_cpu", &inv->may_reset_cpu, error))
		return FALSE;

	/* read after activation_pending: it is only meaningful while something is pending */
	pending = fu_lfa_sysfs_read(dir, "pending_version", FU_LFA_SYSFS_READ_FLAG_NONE, error);
	if (pending == NULL)
		return FALSE;
	if (g_strcmp0(pending, "N/A") == 0 || g_strcmp0(pending, "unknown") == 0) {
		inv->pending_version = 0;
	} else if (!fu_lfa_sysfs_parse_version(pending, &inv->pending_version, error)) {
		g_prefix_error_literal(error, "pending_version: ");
		return FALSE;
	}
	if (!inv->activation_pending)
		inv->pending_version = 0;

	/* the safe assumption when the driver does not say is that one is needed */
	if (g_file_test(rendezvous_fn, G_FILE_TEST_EXISTS) ||
	    g_file_test(rendezvous_fn, G_FILE_TEST_IS_SYMLINK)) {
		if (!fu_lfa_device_read_bool(dir, "cpu_rendezvous", &inv->cpu_rendezvous, error))
			return FALSE;
	} else {
		inv->cpu_rendezvous = TRUE;
	}
	if (!fu_lfa_device_read_tristate(dir,
					 "force_cpu_rendezvous",
					 &inv->force_cpu_rendezvous,
					 error))
		return FALSE;
	if (!fu_lfa_device_read_tristate(dir, "auto_activate", &inv->auto_activate, error))
		return FALSE;
	return TRUE;
}

static const gchar *
fu_lfa_device_get_label(FuLfaDevice *self)
{
	if (fu_device_get_name(FU_DEVICE(self)) != NULL)
		return fu_device_get_name(FU_DEVICE(self));
	return self->guid;
}

static gchar *
fu_lfa_device_record_get(FuLfaDevice *self, FuLfaRecordKind kind)
{
	if (self->record == NULL || self->guid == NULL)
		return NULL;
	return fu_lfa_record_get_version(self->record, self->guid, kind);
}

/* a record that cannot be saved costs the version shown, never the update */
static void
fu_lfa_device_record_set(FuLfaDevice *self, FuLfaRecordKind kind, const gchar *version)
{
	g_autoptr(GError) error_local = NULL;
	if (self->record == NULL || self->guid == NULL)
		return;
	if (!fu_lfa_record_set_version(self->record, self->guid, kind, version, &error_local))
		g_warning("cannot record the version of %s: %s", self->guid, error_local->message);
}

static void
fu_lfa_device_record_forget(FuLfaDevice *self)
{
	g_autoptr(GError) error_local = NULL;
	if (self->record == NULL || self->guid == NULL)
		return;
	if (!fu_lfa_record_forget(self->record, self->guid, &error_local))
		g_warning("cannot update the record of %s: %s", self->guid, error_local->message);
}

/* an image that stopped being pending changed without fwupd (auto-activation,
 * a cancel, a restart of the daemon around either): what fwupd recorded is stale;
 * fwupd's own activation records again afterwards */
static void
fu_lfa_device_record_observe(FuLfaDevice *self, gboolean was_pending)
{
	g_autofree gchar *staged = NULL;

	if (self->inv.activation_pending)
		return;
	staged = fu_lfa_device_record_get(self, FU_LFA_RECORD_KIND_STAGED);
	if (was_pending || staged != NULL) {
		g_autoptr(GError) error_local = NULL;
		fu_lfa_device_record_forget(self);
		/* what SMBIOS says is what booted, no longer what runs */
		if (self->record != NULL && self->guid != NULL &&
		    !fu_lfa_record_set_changed(self->record, self->guid, &error_local))
			g_warning("cannot update the record of %s: %s",
				  self->guid,
				  error_local->message);
	}
}

/* never show a version nobody reported: TF-A reports none, which reads as 0.0 */
static void
fu_lfa_device_sync_version(FuLfaDevice *self)
{
	FuDevice *device = FU_DEVICE(self);
	g_autofree gchar *recorded = NULL;

	if (self->inv.current_version != 0) {
		self->version_source = FU_LFA_VERSION_SOURCE_FIRMWARE;
		fu_device_remove_private_flag(device, FU_DEVICE_PRIVATE_FLAG_NO_VERSION_EXPECTED);
		fu_device_set_version_raw(device, self->inv.current_version);
		return;
	}
	recorded = fu_lfa_device_record_get(self, FU_LFA_RECORD_KIND_RUNNING);
	if (recorded != NULL) {
		self->version_source = FU_LFA_VERSION_SOURCE_RECORD;
		fu_device_remove_private_flag(device, FU_DEVICE_PRIVATE_FLAG_NO_VERSION_EXPECTED);
		fu_device_set_version(device, recorded);
		return;
	}
	if (self->booted_version != NULL && self->record != NULL &&
	    !fu_lfa_record_get_changed(self->record, self->guid)) {
		self->version_source = FU_LFA_VERSION_SOURCE_SMBIOS;
		fu_device_remove_private_flag(device, FU_DEVICE_PRIVATE_FLAG_NO_VERSION_EXPECTED);
		fu_device_set_version(device, self->booted_version);
		return;
	}

	/* fwupd then offers no update for it, but a local cabinet can still be installed */
	self->version_source = FU_LFA_VERSION_SOURCE_NONE;
	fu_device_add_private_flag(device, FU_DEVICE_PRIVATE_FLAG_NO_VERSION_EXPECTED);
	fu_device_set_version(device, NULL);
}

static gchar *
fu_lfa_device_get_summary_idle(FuLfaDevice *self)
{
	const gchar *base = "Firmware image with Arm Live Firmware Activation";
	if (self->version_source == FU_LFA_VERSION_SOURCE_NONE)
		return g_strdup_printf("%s; the firmware does not report its version", base);
	if (self->version_source == FU_LFA_VERSION_SOURCE_RECORD) {
		return g_strdup_printf("%s; the firmware does not report its version, %s is "
				       "the one fwupd activated in this boot",
				       base,
				       fu_device_get_version(FU_DEVICE(self)));
	}
	if (self->version_source == FU_LFA_VERSION_SOURCE_SMBIOS) {
		return g_strdup_printf("%s; the firmware does not report its version, %s is "
				       "the one the platform booted (SMBIOS firmware inventory)",
				       base,
				       fu_device_get_version(FU_DEVICE(self)));
	}
	return g_strdup(base);
}

/* derive every flag from the last inventory, so that a rescan that changes one file
 * always yields the same device state as a fresh coldplug would */
static void
fu_lfa_device_sync(FuLfaDevice *self)
{
	FuDevice *device = FU_DEVICE(self);
	gboolean can_activate = self->inv.activation_capable && !self->inv.may_reset_cpu;

	fu_lfa_device_sync_version(self);

	if (!can_activate) {
		const gchar *reason = self->inv.may_reset_cpu
					  ? "Cannot be activated live: the firmware may reset "
					    "CPUs, which Linux does not support; a reboot "
					    "activates it"
					  : "Cannot be activated live: the firmware reports it "
					    "is not activation capable; a reboot activates it";
		fu_device_inhibit(device, FU_LFA_DEVICE_INHIBIT_NO_LIVE, reason);
	} else {
		fu_device_uninhibit(device, FU_LFA_DEVICE_INHIBIT_NO_LIVE);
	}

	/* without an identity, any cabinet for this GUID would be for every platform */
	if (!self->has_platform_id) {
		fu_device_inhibit(device,
				  FU_LFA_DEVICE_INHIBIT_NO_PLATFORM,
				  "The platform does not identify itself (no SMBIOS system "
				  "manufacturer and product, and no device-tree root), so no "
				  "firmware can be matched to it");
	} else {
		fu_device_uninhibit(device, FU_LFA_DEVICE_INHIBIT_NO_PLATFORM);
	}

	if (self->upload_dir != NULL && can_activate && self->has_platform_id) {
		/* an inhibited device is updatable-hidden until the inhibit goes away */
		if (!fu_device_has_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE_HIDDEN))
			fu_device_add_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE);
	} else {
		fu_device_remove_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE);
		fu_device_remove_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE_HIDDEN);
	}

	/* the reason it cannot be activated is the one that matters; set or clear
	 * the inhibit only when that changes, as each change is a D-Bus signal
	 * and every rescan syncs every image */
	if (self->upload_dir == NULL && can_activate && self->has_platform_id) {
		fu_device_inhibit(device,
				  FU_LFA_DEVICE_INHIBIT_NO_UPLOAD,
				  "The platform (BMC or capsule) stages updates of this "
				  "image; run `fwupdmgr activate` to activate a staged "
				  "update");
	} else {
		fu_device_uninhibit(device, FU_LFA_DEVICE_INHIBIT_NO_UPLOAD);
	}

	/* fwupd's shutdown hook activates what needs activation; the reboot under way
	 * boots a staged image anyway, while a live activation there could hold the
	 * reboot for as long as the firmware's rendezvous lasts */
	if (can_activate && self->inv.activation_pending &&
	    !fu_device_has_private_flag(device, FU_LFA_DEVICE_FLAG_FINAL_SHUTDOWN))
		fu_device_add_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION);
	else
		fu_device_remove_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION);

	/* the summary is the one free-text field that fwupdmgr get-devices always shows */
	if (self->inv.activation_pending) {
		g_autofree gchar *summary = NULL;
		g_autofree gchar *pending = NULL;
		if (self->inv.pending_version != 0)
			pending = fu_lfa_sysfs_version_to_string(self->inv.pending_version);
		else
			pending = fu_lfa_device_record_get(self, FU_LFA_RECORD_KIND_STAGED);
		if (pending != NULL) {
			summary = g_strdup_printf("Version %s is staged and pending %s",
						  pending,
						  can_activate ? "live activation" : "a reboot");
		} else {
			summary = g_strdup_printf("An update is staged and pending %s",
						  can_activate ? "live activation" : "a reboot");
		}
		fu_device_set_summary(device, summary);
	} else {
		g_autofree gchar *summary = fu_lfa_device_get_summary_idle(self);
		fu_device_set_summary(device, summary);
	}
}

/* the image's sysfs directory, set as the physical ID before probe; probe
 * takes the GUID from its name, so @need_guid asks for a probed device */
static const gchar *
fu_lfa_device_get_dir(FuLfaDevice *self, gboolean need_guid, GError **error)
{
	const gchar *dir = fu_device_get_physical_id(FU_DEVICE(self));

	if (dir == NULL || (need_guid && self->guid == NULL)) {
		g_set_error_literal(error,
				    FWUPD_ERROR,
				    FWUPD_ERROR_NOT_SUPPORTED,
				    "no LFA image directory");
		return NULL;
	}
	return dir;
}

gboolean
fu_lfa_device_refresh(FuLfaDevice *self, GError **error)
{
	const gchar *dir;
	FuLfaDeviceInventory inv = {0};
	gboolean was_pending = self->has_inventory && self->inv.activation_pending;
	g_autofree gchar *upload_dir = NULL;

	g_return_val_if_fail(FU_IS_LFA_DEVICE(self), FALSE);

	dir = fu_lfa_device_get_dir(self, TRUE, error);
	if (dir == NULL)
		return FALSE;
	if (!fu_lfa_device_read_inventory(dir, &inv, error)) {
		fu_lfa_device_inventory_clear(&inv);
		return FALSE;
	}
	fu_lfa_device_inventory_clear(&self->inv);
	self->inv = inv;
	self->has_inventory = TRUE;
	fu_lfa_device_record_observe(self, was_pending);

	upload_dir =
	    fu_lfa_sysfs_get_upload_dir(fu_device_get_context(FU_DEVICE(self)), self->guid, NULL);
	g_free(self->upload_dir);
	self->upload_dir = upload_dir != NULL && g_file_test(upload_dir, G_FILE_TEST_IS_DIR)
			       ? g_steal_pointer(&upload_dir)
			       : NULL;
	fu_lfa_device_sync(self);
	return TRUE;
}

/* Manufacturer and ProductName come from SMBIOS, or on device-tree platforms
 * from the root node (vendor and model, else the first compatible); decided
 * before the first sync, which makes the device updatable or not */
static void
fu_lfa_device_probe_platform(FuLfaDevice *self, FuContext *ctx)
{
	FuDevice *device = FU_DEVICE(self);

	if (!fu_context_has_flag(ctx, FU_CONTEXT_FLAG_LOADED_HWINFO))
		return;
	fu_device_add_instance_strsafe(device,
				       "VENDOR",
				       fu_context_get_hwid_value(ctx, FU_HWIDS_KEY_MANUFACTURER));
	fu_device_add_instance_strsafe(device,
				       "PRODUCT",
				       fu_context_get_hwid_value(ctx, FU_HWIDS_KEY_PRODUCT_NAME));
	fu_device_add_instance_str(device, "GUID", self->guid);
	self->has_platform_id = fu_device_get_instance_str(device, "VENDOR") != NULL &&
				fu_device_get_instance_str(device, "PRODUCT") != NULL;
}

/* images are the platform's firmware: the platform vendor owns them on the LVFS */
static void
fu_lfa_device_probe_vendor(FuLfaDevice *self, FuContext *ctx)
{
	FuDevice *device = FU_DEVICE(self);
	const gchar *vendor = fu_context_get_hwid_value(ctx, FU_HWIDS_KEY_MANUFACTURER);
	const gchar *bios_vendor = fu_context_get_hwid_value(ctx, FU_HWIDS_KEY_BIOS_VENDOR);

	if (!fu_context_has_flag(ctx, FU_CONTEXT_FLAG_LOADED_HWINFO))
		return;
	if (fu_device_get_vendor(device) == NULL && vendor != NULL)
		fu_device_set_vendor(device, vendor);
	/* device-tree platforms have no SMBIOS: like mtd, fall back to the
	 * manufacturer fwupd derives from the DT root node */
	if (bios_vendor == NULL)
		bios_vendor = vendor;
	if (bios_vendor != NULL)
		fu_device_build_vendor_id(device, "DMI", bios_vendor);
}

static gboolean
fu_lfa_device_probe(FuDevice *device, GError **error)
{
	FuLfaDevice *self = FU_LFA_DEVICE(device);
	FuContext *ctx = fu_device_get_context(device);
	const gchar *dir = fu_lfa_device_get_dir(self, FALSE, error);
	g_autofree gchar *guid = NULL;

	if (dir == NULL)
		return FALSE;
	guid = g_path_get_basename(dir);
	if (!fu_lfa_sysfs_guid_is_valid(guid)) {
		g_set_error(error, FWUPD_ERROR, FWUPD_ERROR_INVALID_DATA, "%s is not a GUID", guid);
		return FALSE;
	}
	g_free(self->guid);
	self->guid = g_steal_pointer(&guid);
	g_free(self->booted_version);
	self->booted_version = fu_lfa_smbios_get_booted_version(ctx, self->guid);
	fu_lfa_device_probe_platform(self, ctx);
	if (!fu_lfa_device_refresh(self, error))
		return FALSE;

	/* the kernel name first, so that a quirk matching the GUID can replace it */
	fu_device_set_name(device, self->inv.name);
	fu_device_set_logical_id(device, self->guid);

	/* image GUIDs are TF-A's generic component UUIDs, the same on every platform:
	 * the bare GUID only selects quirks, firmware matches the qualified one */
	fu_device_add_instance_id_full(device, self->guid, FU_DEVICE_INSTANCE_FLAG_QUIRKS);
	if (self->has_platform_id &&
	    !fu_device_build_instance_id(device, error, "LFA", "VENDOR", "PRODUCT", "GUID", NULL))
		return FALSE;
	fu_lfa_device_probe_vendor(self, ctx);
	return TRUE;
}

static gboolean
fu_lfa_device_reload(FuDevice *device, GError **error)
{
	return fu_lfa_device_refresh(FU_LFA_DEVICE(device), error);
}

static gboolean
fu_lfa_device_activate_error(FuLfaDevice *self, gint errsv, GError **error)
{
	const gchar *label = fu_lfa_device_get_label(self);
	FwupdError code = FWUPD_ERROR_WRITE;
	const gchar *what;

	switch (errsv) {
	case EBUSY:
		code = FWUPD_ERROR_BUSY;
		what = "another activation is running or the firmware is busy; try again "
		       "when it has finished";
		break;
	case EOPNOTSUPP:
		code = FWUPD_ERROR_NOT_SUPPORTED;
		what = "it cannot be activated live (not activation capable, may reset CPUs, "
		       "or the firmware refused); reboot to activate it";
		break;
	case ENODATA:
		code = FWUPD_ERROR_NOTHING_TO_DO;
		what = "no update is pending; stage an update first";
		break;
	case ENOENT:
		code = FWUPD_ERROR_NOT_FOUND;
		what = "the image is no longer in the firmware inventory; run "
		       "`fwupdmgr get-devices` and retry";
		break;
	case ETIMEDOUT:
		code = FWUPD_ERROR_TIMED_OUT;
		what = "the firmware did not finish in time and the kernel cancelled the "
		       "activation; the old version keeps running, retry later";
		break;
	case EKEYREJECTED:
		code = FWUPD_ERROR_SIGNATURE_INVALID;
		what = "the staged image failed authentication and was discarded; stage a "
		       "correctly signed image";
		break;
	case ENOMEM:
		code = FWUPD_ERROR_INTERNAL;
		what = "the firmware ran out of memory while loading the image; retry, and "
		       "contact the platform vendor if it persists";
		break;
	case ENOTRECOVERABLE:
		code = FWUPD_ERROR_BROKEN_SYSTEM;
		what = "the firmware reported a critical error; the system may be unstable, "
		       "save your work and reboot";
		break;
	case EIO:
		code = FWUPD_ERROR_WRITE;
		what = "the firmware reported a device error; see the kernel log";
		break;
	case EPROTO:
		code = FWUPD_ERROR_INTERNAL;
		what = "the firmware was in the wrong state for this activation; run "
		       "`fwupdmgr get-devices` and retry";
		break;
	case EINVAL:
		code = FWUPD_ERROR_INVALID_DATA;
		what = "the request was rejected as invalid; if force_cpu_rendezvous is 0, "
		       "set it to 1 and retry";
		break;
	case EFAULT:
		code = FWUPD_ERROR_INTERNAL;
		what = "the firmware rejected an address passed by the kernel; report this "
		       "to the kernel and platform vendors";
		break;
	case ECANCELED:
		code = FWUPD_ERROR_WRITE;
		what = "the firmware failed to activate the image; the old version keeps "
		       "running, see the kernel log and contact the platform vendor";
		break;
	case EBADMSG:
		code = FWUPD_ERROR_INTERNAL;
		what = "the firmware returned an unknown status; see the kernel log";
		break;
	case EACCES:
	case EPERM:
		code = FWUPD_ERROR_PERMISSION_DENIED;
		what = "permission denied writing the activate file; run as root";
		break;
	default:
		what = "unexpected kernel error; see the kernel log";
		break;
	}
	g_set_error(error,
		    FWUPD_ERROR,
		    code,
		    "failed to activate %s (%s): %s [%s]",
		    label,
		    self->guid,
		    what,
		    g_strerror(errsv));
	return FALSE;
}

static gboolean
fu_lfa_device_activate_live(FuLfaDevice *self, FuProgress *progress, GError **error)
{
	const gchar *dir = fu_lfa_device_get_dir(self, TRUE, error);
	guint64 version_expected = self->inv.pending_version;
	g_autofree gchar *staged = fu_lfa_device_record_get(self, FU_LFA_RECORD_KIND_STAGED);
	gint errsv;

	fu_progress_set_id(progress, G_STRLOC);
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_BUSY, 95, "activate");
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_VERIFY, 5, "reload");

	if (dir == NULL)
		return FALSE;

	/* the kernel primes and activates inside this write and reports through errno */
	errsv = fu_lfa_sysfs_write(dir, "activate", "1");
	if (errsv != 0)
		return fu_lfa_device_activate_error(self, errsv, error);
	fu_progress_step_done(progress);

	/* a zero return only means the calls succeeded: check what runs now */
	if (!fu_lfa_device_refresh(self, error)) {
		g_prefix_error(error,
			       "%s (%s) was activated but cannot be read back: ",
			       fu_lfa_device_get_label(self),
			       self->guid);
		return FALSE;
	}
	if (self->inv.activation_pending) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_INTERNAL,
			    "%s (%s) is still pending after a successful activation; the "
			    "firmware did not switch to the new image, see the kernel log",
			    fu_lfa_device_get_label(self),
			    self->guid);
		return FALSE;
	}
	if (version_expected != 0 && self->inv.current_version != version_expected) {
		g_autofree gchar *expected = fu_lfa_sysfs_version_to_string(version_expected);
		g_autofree gchar *current =
		    fu_lfa_sysfs_version_to_string(self->inv.current_version);
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_INTERNAL,
			    "%s (%s) runs version %s after activation, expected %s; see the "
			    "kernel log",
			    fu_lfa_device_get_label(self),
			    self->guid,
			    current,
			    expected);
		return FALSE;
	}

	/* the refresh forgot the record: only an image fwupd staged has a known version */
	if (self->inv.current_version == 0 && staged != NULL) {
		fu_lfa_device_record_set(self, FU_LFA_RECORD_KIND_RUNNING, staged);
		fu_lfa_device_sync(self);
	}
	fu_progress_step_done(progress);
	return TRUE;
}

static gboolean
fu_lfa_device_activate(FuDevice *device, FuProgress *progress, GError **error)
{
	return fu_lfa_device_activate_live(FU_LFA_DEVICE(device), progress, error);
}

/* the kernel's firmware-upload error names (sysfs-class-firmware) */
static const struct {
	const gchar *name;
	FwupdError code;
	const gchar *what;
} fu_lfa_device_upload_errors[] = {
    {"hw-error", FWUPD_ERROR_WRITE, "the hardware reported an error; see the kernel log"},
    {"timeout", FWUPD_ERROR_TIMED_OUT, "the platform did not answer in time; retry later"},
    {"user-abort", FWUPD_ERROR_WRITE, "the upload was cancelled"},
    {"device-busy", FWUPD_ERROR_BUSY, "another upload is in progress; retry when it has finished"},
    {"invalid-file-size", FWUPD_ERROR_INVALID_FILE, "the platform rejected the size of the image"},
    {"read-write-error",
     FWUPD_ERROR_WRITE,
     "reading or writing the staging area failed; see the kernel log"},
    {"flash-wearout", FWUPD_ERROR_WRITE, "the staging storage is wearing out; wait and retry"},
    {"firmware-invalid",
     FWUPD_ERROR_INVALID_FILE,
     "the platform rejected the image as invalid for this component"},
};

static gboolean
fu_lfa_device_upload_error(FuLfaDevice *self, const gchar *str, GError **error)
{
	const gchar *label = fu_lfa_device_get_label(self);
	g_auto(GStrv) split = g_strsplit(str, ":", 2);
	const gchar *phase = split[0];
	const gchar *code_str = split[1] != NULL ? split[1] : split[0];
	FwupdError code = FWUPD_ERROR_WRITE;
	const gchar *what = "unknown upload error; see the kernel log";

	for (guint i = 0; i < G_N_ELEMENTS(fu_lfa_device_upload_errors); i++) {
		if (g_strcmp0(code_str, fu_lfa_device_upload_errors[i].name) == 0) {
			code = fu_lfa_device_upload_errors[i].code;
			what = fu_lfa_device_upload_errors[i].what;
			break;
		}
	}
	g_set_error(error,
		    FWUPD_ERROR,
		    code,
		    "failed to stage %s (%s): %s [%s during %s]",
		    label,
		    self->guid,
		    what,
		    code_str,
		    split[1] != NULL ? phase : "upload");
	return FALSE;
}

static gboolean
fu_lfa_device_upload_data(FuLfaDevice *self, GBytes *fw, FuProgress *progress, GError **error)
{
	gint fd;
	gsize bufsz = 0;
	const guint8 *buf = g_bytes_get_data(fw, &bufsz);
	g_autofree gchar *fn = g_build_filename(self->upload_dir, "data", NULL);

	fd = open(fn, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		gint errsv = errno;
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_WRITE,
			    "cannot open %s: %s",
			    fn,
			    g_strerror(errsv));
		return FALSE;
	}
	for (gsize off = 0; off < bufsz;) {
		gsize chunksz = MIN(bufsz - off, FU_LFA_DEVICE_UPLOAD_CHUNK);
		gssize rc = write(fd, buf + off, chunksz);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			gint errsv = rc < 0 ? errno : EIO;
			close(fd);
			/* the kernel refuses data beyond what the device can take */
			g_set_error(error,
				    FWUPD_ERROR,
				    errsv == ENOSPC || errsv == EFBIG ? FWUPD_ERROR_INVALID_FILE
								      : FWUPD_ERROR_WRITE,
				    "failed to write image at offset 0x%x: %s",
				    (guint)off,
				    g_strerror(errsv));
			return FALSE;
		}
		off += rc;
		fu_progress_set_percentage_full(progress, off, bufsz);
	}
	if (close(fd) < 0) {
		gint errsv = errno;
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_WRITE,
			    "failed to write image: %s",
			    g_strerror(errsv));
		return FALSE;
	}
	return TRUE;
}

/* the kernel stages asynchronously after loading=0; status returns to idle when done */
static gboolean
fu_lfa_device_upload_wait(FuLfaDevice *self, gsize total, FuProgress *progress, GError **error)
{
	g_autoptr(GTimer) timer = g_timer_new();

	while (TRUE) {
		g_autofree gchar *status = NULL;

		status = fu_lfa_sysfs_read(self->upload_dir,
					   "status",
					   FU_LFA_SYSFS_READ_FLAG_NONE,
					   error);
		if (status == NULL)
			return FALSE;
		if (g_strcmp0(status, "idle") == 0)
			break;
		if (g_strcmp0(status, "transferring") == 0) {
			g_autofree gchar *remaining = fu_lfa_sysfs_read(self->upload_dir,
									"remaining_size",
									FU_LFA_SYSFS_READ_FLAG_NONE,
									NULL);
			guint64 val = 0;
			if (remaining != NULL &&
			    fu_strtoull(remaining, &val, 0, total, FU_INTEGER_BASE_10, NULL))
				fu_progress_set_percentage_full(progress, total - val, total);
		} else if (g_strcmp0(status, "receiving") != 0 &&
			   g_strcmp0(status, "preparing") != 0 &&
			   g_strcmp0(status, "programming") != 0) {
			g_set_error(error,
				    FWUPD_ERROR,
				    FWUPD_ERROR_INVALID_DATA,
				    "unknown upload status '%s'",
				    status);
			return FALSE;
		}
		if (g_timer_elapsed(timer, NULL) * 1000 > FU_LFA_DEVICE_UPLOAD_TIMEOUT_MS) {
			(void)fu_lfa_sysfs_write(self->upload_dir, "cancel", "1");
			g_set_error(error,
				    FWUPD_ERROR,
				    FWUPD_ERROR_TIMED_OUT,
				    "staging %s (%s) did not finish within %u s; cancelled",
				    fu_lfa_device_get_label(self),
				    self->guid,
				    (guint)(FU_LFA_DEVICE_UPLOAD_TIMEOUT_MS / 1000));
			return FALSE;
		}
		fu_device_sleep(FU_DEVICE(self), FU_LFA_DEVICE_UPLOAD_POLL_MS);
	}
	fu_progress_set_percentage(progress, 100);
	return TRUE;
}

static gboolean
fu_lfa_device_upload(FuLfaDevice *self, GBytes *fw, FuProgress *progress, GError **error)
{
	gint errsv;
	g_autofree gchar *error_str = NULL;

	fu_progress_set_id(progress, G_STRLOC);
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_WRITE, 40, "write");
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_WRITE, 60, "stage");

	errsv = fu_lfa_sysfs_write(self->upload_dir, "loading", "1");
	if (errsv != 0) {
		g_set_error(error,
			    FWUPD_ERROR,
			    errsv == EBUSY ? FWUPD_ERROR_BUSY : FWUPD_ERROR_WRITE,
			    "cannot start the upload: %s",
			    g_strerror(errsv));
		return FALSE;
	}
	if (!fu_lfa_device_upload_data(self, fw, fu_progress_get_child(progress), error)) {
		/* -1 makes the kernel drop what it received */
		(void)fu_lfa_sysfs_write(self->upload_dir, "loading", "-1");
		return FALSE;
	}
	errsv = fu_lfa_sysfs_write(self->upload_dir, "loading", "0");
	if (errsv != 0) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_WRITE,
			    "cannot finish the upload: %s",
			    g_strerror(errsv));
		return FALSE;
	}
	fu_progress_step_done(progress);

	if (!fu_lfa_device_upload_wait(self,
				       g_bytes_get_size(fw),
				       fu_progress_get_child(progress),
				       error))
		return FALSE;
	error_str =
	    fu_lfa_sysfs_read(self->upload_dir, "error", FU_LFA_SYSFS_READ_FLAG_ALLOW_EMPTY, error);
	if (error_str == NULL)
		return FALSE;
	if (error_str[0] != '\0')
		return fu_lfa_device_upload_error(self, error_str, error);
	fu_progress_step_done(progress);
	return TRUE;
}

static gboolean
fu_lfa_device_write_firmware(FuDevice *device,
			     FuFirmware *firmware,
			     FuProgress *progress,
			     FwupdInstallFlags flags,
			     GError **error)
{
	FuLfaDevice *self = FU_LFA_DEVICE(device);
	g_autoptr(GBytes) fw = NULL;

	fu_progress_set_id(progress, G_STRLOC);
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_WRITE, 50, "upload");
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_VERIFY, 2, "reload");
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_BUSY, 48, "activate");

	if (self->upload_dir == NULL || self->guid == NULL) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_NOT_SUPPORTED,
			    "%s has no firmware-upload device: the platform (BMC or capsule) "
			    "stages its updates and `fwupdmgr activate` activates them",
			    fu_lfa_device_get_label(self));
		return FALSE;
	}
	fw = fu_firmware_get_bytes(firmware, error);
	if (fw == NULL)
		return FALSE;
	if (g_bytes_get_size(fw) == 0) {
		g_set_error_literal(error, FWUPD_ERROR, FWUPD_ERROR_INVALID_FILE, "image is empty");
		return FALSE;
	}
	if (!fu_lfa_device_upload(self, fw, fu_progress_get_child(progress), error)) {
		g_prefix_error(error, "%s (%s): ", fu_lfa_device_get_label(self), self->guid);
		return FALSE;
	}
	fu_progress_step_done(progress);

	/* the platform decides whether the image is acceptable: trust only the inventory */
	if (!fu_lfa_device_refresh(self, error)) {
		g_prefix_error(error,
			       "%s (%s) was staged but cannot be read back: ",
			       fu_lfa_device_get_label(self),
			       self->guid);
		return FALSE;
	}
	if (!self->inv.activation_pending) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_WRITE,
			    "%s (%s) was uploaded but the firmware reports no pending update; "
			    "the platform discarded the image, see the kernel log",
			    fu_lfa_device_get_label(self),
			    self->guid);
		return FALSE;
	}
	if (self->inv.pending_version == 0) {
		fu_lfa_device_record_set(self,
					 FU_LFA_RECORD_KIND_STAGED,
					 fu_firmware_get_version(firmware));
		fu_lfa_device_sync(self);
	}
	fu_progress_step_done(progress);

	if (fu_device_has_private_flag(device, FU_LFA_DEVICE_FLAG_DEFERRED_ACTIVATION)) {
		g_info("%s staged, activation deferred by ActivationPolicy",
		       fu_lfa_device_get_label(self));
		fu_progress_step_done(progress);
		return TRUE;
	}
	if (!fu_lfa_device_activate_live(self, fu_progress_get_child(progress), error))
		return FALSE;
	fu_progress_step_done(progress);
	return TRUE;
}

static gchar *
fu_lfa_device_convert_version(FuDevice *device, guint64 version_raw)
{
	return fu_version_from_uint64(version_raw, fu_device_get_version_format(device));
}

static void
fu_lfa_device_set_progress(FuDevice *device, FuProgress *progress)
{
	fu_progress_set_id(progress, G_STRLOC);
	fu_progress_add_flag(progress, FU_PROGRESS_FLAG_GUESSED);
	fu_progress_add_step(progress, FWUPD_STATUS_LOADING, 0, "prepare-firmware");
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_RESTART, 0, "detach");
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_WRITE, 100, "write");
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_RESTART, 0, "attach");
	fu_progress_add_step(progress, FWUPD_STATUS_DEVICE_BUSY, 0, "reload");
}

static void
fu_lfa_device_init(FuLfaDevice *self)
{
	FuDevice *device = FU_DEVICE(self);
	fu_device_set_version_format(device, FWUPD_VERSION_FORMAT_PAIR);
	fu_device_add_protocol(device, "com.arm.lfa");
	fu_device_add_icon(device, FU_DEVICE_ICON_COMPUTER);
	fu_device_add_flag(device, FWUPD_DEVICE_FLAG_INTERNAL);
	fu_device_add_flag(device, FWUPD_DEVICE_FLAG_SIGNED_PAYLOAD);
	fu_device_add_private_flag(device, FU_DEVICE_PRIVATE_FLAG_SKIPS_RESTART);
	fu_device_set_firmware_size_max(device, FU_LFA_DEVICE_FIRMWARE_SIZE_MAX);
	fu_lfa_device_register_private_flag(device, FU_LFA_DEVICE_FLAG_DEFERRED_ACTIVATION);
	fu_lfa_device_register_private_flag(device, FU_LFA_DEVICE_FLAG_FINAL_SHUTDOWN);
}

static void
fu_lfa_device_finalize(GObject *object)
{
	FuLfaDevice *self = FU_LFA_DEVICE(object);
	g_free(self->guid);
	g_free(self->upload_dir);
	g_free(self->booted_version);
	g_clear_object(&self->record);
	fu_lfa_device_inventory_clear(&self->inv);
	G_OBJECT_CLASS(fu_lfa_device_parent_class)->finalize(object);
}

static void
fu_lfa_device_class_init(FuLfaDeviceClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	FuDeviceClass *device_class = FU_DEVICE_CLASS(klass);
	object_class->finalize = fu_lfa_device_finalize;
	device_class->to_string = fu_lfa_device_to_string;
	device_class->probe = fu_lfa_device_probe;
	device_class->reload = fu_lfa_device_reload;
	device_class->activate = fu_lfa_device_activate;
	device_class->write_firmware = fu_lfa_device_write_firmware;
	device_class->convert_version = fu_lfa_device_convert_version;
	device_class->set_progress = fu_lfa_device_set_progress;
	fu_lfa_device_class_register_private_flag(device_class,
						  FU_LFA_DEVICE_FLAG_DEFERRED_ACTIVATION);
	fu_lfa_device_class_register_private_flag(device_class, FU_LFA_DEVICE_FLAG_FINAL_SHUTDOWN);
}

/**
 * fu_lfa_device_set_record:
 * @self: a #FuLfaDevice
 * @record: (nullable): the plugin's #FuLfaRecord
 *
 * Sets where the device remembers the versions fwupd staged and activated, for
 * agents that report none.
 **/
void
fu_lfa_device_set_record(FuLfaDevice *self, FuLfaRecord *record)
{
	g_return_if_fail(FU_IS_LFA_DEVICE(self));
	g_set_object(&self->record, record);
}

const gchar *
fu_lfa_device_get_guid(FuLfaDevice *self)
{
	g_return_val_if_fail(FU_IS_LFA_DEVICE(self), NULL);
	return self->guid;
}

FuLfaDevice *
fu_lfa_device_new(FuContext *ctx, const gchar *path)
{
	return g_object_new(FU_TYPE_LFA_DEVICE, "context", ctx, "physical-id", path, NULL);
}

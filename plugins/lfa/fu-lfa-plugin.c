/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "fu-lfa-compat.h"
#include "fu-lfa-device.h"
#include "fu-lfa-plugin.h"
#include "fu-lfa-record.h"
#include "fu-lfa-sysfs.h"

/* LFA agents list a handful of components; far more means a broken agent or tree,
 * and each one becomes a D-Bus object */
#define FU_LFA_PLUGIN_IMAGES_MAX 1024

#define FU_LFA_PLUGIN_DRIVER_NAME "arm-lfa"

/* on kernels with faux devices (6.14+) and no arm,lfa or ARML0003 node, the
 * project's driver binds a faux device of the same name, which the faux bus's
 * only driver holds: the name is what tells it apart */
#define FU_LFA_PLUGIN_FAUX_SUBSYSTEM "faux"

/* the upstream v3 series and NVIDIA's kernels bind on the SMCCC bus; NVIDIA's
 * announces every refresh with a change event on that device, v3 with none */
#define FU_LFA_PLUGIN_SMCCC_SUBSYSTEM "arm_smccc"
#define FU_LFA_PLUGIN_SMCCC_MODALIAS  "arm_smccc:arm-smccc-lfa"

/* without any event, a newly staged image shows within a minute; a rescan reads a
 * few small files per image */
#define FU_LFA_PLUGIN_POLL_MS 60000

struct _FuLfaPlugin {
	FuPlugin parent_instance;
	GHashTable *devices;  /* GUID: FuLfaDevice */
	GHashTable *warned;   /* directory name: reason already warned about */
	FuLfaRecord *record;  /* versions fwupd staged and activated in this boot */
	gchar *inventory_dir; /* set at startup */
	guint rescan_cnt;
	guint poll_ms;
	guint poll_id;
	gboolean poll_warned;	    /* the inventory went away under the poll */
	gboolean smccc_events_seen; /* the SMCCC-bus driver announces its refreshes */
	gboolean final_shutdown;    /* run by systemd's shutdown hook: set at startup */
};

G_DEFINE_TYPE(FuLfaPlugin, fu_lfa_plugin, FU_TYPE_PLUGIN)

static void
fu_lfa_plugin_to_string(FuPlugin *plugin, guint idt, GString *str)
{
	FuLfaPlugin *self = FU_LFA_PLUGIN(plugin);
	fwupd_codec_string_append(str, idt, "InventoryDir", self->inventory_dir);
	fwupd_codec_string_append_int(str, idt, "Devices", g_hash_table_size(self->devices));
	fwupd_codec_string_append_int(str, idt, "Warned", g_hash_table_size(self->warned));
	fwupd_codec_string_append_int(str, idt, "RescanCnt", self->rescan_cnt);
	fwupd_codec_string_append_int(str, idt, "PollMs", self->poll_id != 0 ? self->poll_ms : 0);
	fwupd_codec_string_append_bool(str, idt, "FinalShutdown", self->final_shutdown);
	fwupd_codec_string_append(str,
				  idt,
				  "ActivationPolicy",
				  fu_plugin_get_config_value(plugin, "ActivationPolicy"));
}

static gboolean
fu_lfa_plugin_policy_is_deferred(FuPlugin *plugin)
{
	const gchar *policy = fu_plugin_get_config_value(plugin, "ActivationPolicy");
	return g_strcmp0(policy, "immediate") != 0;
}

static void
fu_lfa_plugin_sync_policy(FuPlugin *plugin, FuDevice *device)
{
	if (fu_lfa_plugin_policy_is_deferred(plugin))
		fu_device_add_private_flag(device, FU_LFA_DEVICE_FLAG_DEFERRED_ACTIVATION);
	else
		fu_device_remove_private_flag(device, FU_LFA_DEVICE_FLAG_DEFERRED_ACTIVATION);
}

/* a broken image is reported once, not on every uevent */
static void
fu_lfa_plugin_warn_once(FuLfaPlugin *self, GHashTable *seen, const gchar *name, const gchar *reason)
{
	const gchar *old = g_hash_table_lookup(self->warned, name);
	g_hash_table_add(seen, g_strdup(name));
	if (g_strcmp0(old, reason) == 0)
		return;
	g_warning("ignoring LFA image %s: %s", name, reason);
	g_hash_table_insert(self->warned, g_strdup(name), g_strdup(reason));
}

static void
fu_lfa_plugin_remove_device(FuLfaPlugin *self, const gchar *guid)
{
	FuDevice *device = g_hash_table_lookup(self->devices, guid);
	if (device == NULL)
		return;
	g_debug("LFA image %s is gone", guid);
	fu_plugin_remove_device(FU_PLUGIN(self), device);
	g_hash_table_remove(self->devices, guid);
}

static void
fu_lfa_plugin_scan_one(FuLfaPlugin *self, const gchar *dir, const gchar *name, GHashTable *seen)
{
	FuPlugin *plugin = FU_PLUGIN(self);
	FuLfaDevice *device_old = g_hash_table_lookup(self->devices, name);
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	g_autoptr(FuLfaDevice) device = NULL;
	g_autoptr(GError) error_local = NULL;

	if (!fu_lfa_sysfs_guid_is_valid(name)) {
		fu_lfa_plugin_warn_once(self, seen, name, "directory name is not a GUID");
		return;
	}
	if (!g_file_test(path, G_FILE_TEST_IS_DIR) || g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		fu_lfa_plugin_warn_once(self, seen, name, "not a directory");
		fu_lfa_plugin_remove_device(self, name);
		return;
	}

	/* known image: the device keeps its ID, only its state moves */
	if (device_old != NULL) {
		if (!fu_lfa_device_refresh(device_old, &error_local)) {
			fu_lfa_plugin_warn_once(self, seen, name, error_local->message);
			fu_lfa_plugin_remove_device(self, name);
			return;
		}
		g_hash_table_add(seen, g_strdup(name));
		g_hash_table_remove(self->warned, name);
		return;
	}

	device = fu_lfa_device_new(fu_plugin_get_context(plugin), path);
	fu_lfa_device_set_record(device, self->record);
	if (self->final_shutdown)
		fu_device_add_private_flag(FU_DEVICE(device), FU_LFA_DEVICE_FLAG_FINAL_SHUTDOWN);
	if (!fu_device_probe(FU_DEVICE(device), &error_local)) {
		fu_lfa_plugin_warn_once(self, seen, name, error_local->message);
		return;
	}
	g_hash_table_add(seen, g_strdup(name));
	g_hash_table_remove(self->warned, name);
	fu_lfa_plugin_sync_policy(plugin, FU_DEVICE(device));
	g_hash_table_insert(self->devices, g_strdup(name), g_object_ref(device));
	fu_plugin_add_device(plugin, FU_DEVICE(device));
}

static gint
fu_lfa_plugin_strcmp_cb(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar **)a, *(const gchar **)b);
}

static gboolean
fu_lfa_plugin_rescan(FuLfaPlugin *self, GError **error)
{
	GHashTableIter iter;
	gpointer key;
	const gchar *name;
	const gchar *dir = self->inventory_dir;
	g_autoptr(GDir) gdir = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

	self->rescan_cnt++;
	gdir = g_dir_open(dir, 0, &error_local);
	if (gdir == NULL) {
		/* no driver loaded (yet): not an error, a later uevent brings the images */
		g_debug("no LFA inventory: %s", error_local->message);
	} else {
		while ((name = g_dir_read_name(gdir)) != NULL)
			g_ptr_array_add(names, g_strdup(name));
	}

	/* sorted, so that the images kept over the limit do not depend on readdir order */
	g_ptr_array_sort(names, fu_lfa_plugin_strcmp_cb);
	for (guint i = 0; i < names->len; i++) {
		if (i >= FU_LFA_PLUGIN_IMAGES_MAX) {
			g_autofree gchar *reason =
			    g_strdup_printf("the inventory lists %u images, only the first %u "
					    "are used; %u ignored",
					    names->len,
					    (guint)FU_LFA_PLUGIN_IMAGES_MAX,
					    names->len - (guint)FU_LFA_PLUGIN_IMAGES_MAX);
			fu_lfa_plugin_warn_once(self, seen, dir, reason);
			break;
		}
		fu_lfa_plugin_scan_one(self, dir, g_ptr_array_index(names, i), seen);
	}

	/* images that vanished, and warnings about entries that vanished */
	g_hash_table_iter_init(&iter, self->devices);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		if (!g_hash_table_contains(seen, key))
			g_ptr_array_add(gone, g_strdup(key));
	}
	for (guint i = 0; i < gone->len; i++)
		fu_lfa_plugin_remove_device(self, g_ptr_array_index(gone, i));
	g_hash_table_iter_init(&iter, self->warned);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		if (!g_hash_table_contains(seen, key))
			g_hash_table_iter_remove(&iter);
	}
	return TRUE;
}

/* the project's driver registers this platform driver on every kernel (also where its
 * own device is a faux one) and announces every settled inventory; the SMCCC-bus
 * drivers may not announce anything */
static gboolean
fu_lfa_plugin_has_settled_events(FuLfaPlugin *self)
{
	g_autofree gchar *fn = fu_context_build_filename(fu_plugin_get_context(FU_PLUGIN(self)),
							 NULL,
							 FU_PATH_KIND_SYSFSDIR,
							 "bus",
							 "platform",
							 "drivers",
							 FU_LFA_PLUGIN_DRIVER_NAME,
							 NULL);
	return fn != NULL && g_file_test(fn, G_FILE_TEST_IS_DIR);
}

static void
fu_lfa_plugin_rescan_after(FuLfaPlugin *self)
{
	g_autoptr(GError) error_local = NULL;
	if (!fu_lfa_plugin_rescan(self, &error_local))
		g_warning("failed to rescan the LFA inventory: %s", error_local->message);
}

static gboolean
fu_lfa_plugin_poll_cb(gpointer user_data)
{
	FuLfaPlugin *self = FU_LFA_PLUGIN(user_data);
	const gchar *dir = self->inventory_dir;

	/* the driver went away or is re-creating the tree: no evidence to act on */
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		if (!self->poll_warned)
			g_warning("LFA inventory %s is gone; keeping the devices as they were",
				  dir);
		self->poll_warned = TRUE;
		return G_SOURCE_CONTINUE;
	}
	self->poll_warned = FALSE;
	fu_lfa_plugin_rescan_after(self);
	return G_SOURCE_CONTINUE;
}

/* poll only where an inventory exists and nothing will announce its changes */
static void
fu_lfa_plugin_poll_update(FuLfaPlugin *self)
{
	gboolean need = !self->smccc_events_seen && !fu_lfa_plugin_has_settled_events(self) &&
			self->inventory_dir != NULL &&
			g_file_test(self->inventory_dir, G_FILE_TEST_IS_DIR);

	if (need && self->poll_id == 0) {
		g_debug("no LFA inventory events, rescanning every %u ms", self->poll_ms);
		self->poll_id = g_timeout_add(self->poll_ms, fu_lfa_plugin_poll_cb, self);
	} else if (!need && self->poll_id != 0) {
		g_debug("LFA inventory events available, no longer polling");
		g_source_remove(self->poll_id);
		self->poll_id = 0;
	}
}

/* a rescan for coldplug or a kernel event, after which the evidence for polling
 * may have changed */
static gboolean
fu_lfa_plugin_rescan_and_poll(FuLfaPlugin *self, GError **error)
{
	if (!fu_lfa_plugin_rescan(self, error))
		return FALSE;
	fu_lfa_plugin_poll_update(self);
	return TRUE;
}

/**
 * fu_lfa_plugin_set_poll_interval:
 * @self: a #FuLfaPlugin
 * @poll_ms: interval of the fallback rescan
 *
 * Sets how often the inventory is rescanned where no kernel event announces its
 * changes; takes effect when the poll is next armed. For the self-tests.
 **/
void
fu_lfa_plugin_set_poll_interval(FuLfaPlugin *self, guint poll_ms)
{
	g_return_if_fail(FU_IS_LFA_PLUGIN(self));
	self->poll_ms = poll_ms;
}

static gboolean
fu_lfa_plugin_coldplug(FuPlugin *plugin, FuProgress *progress, GError **error)
{
	return fu_lfa_plugin_rescan_and_poll(FU_LFA_PLUGIN(plugin), error);
}

/* the kernel announces a settled inventory with a change uevent on the driver's
 * platform device; the driver may bind after the device was first seen, so the
 * event's own DRIVER property counts as well */
static gboolean
fu_lfa_plugin_is_lfa_platform_device(FuDevice *device)
{
	FuUdevDevice *udev_device;
	g_autofree gchar *driver = NULL;

	if (!FU_IS_UDEV_DEVICE(device))
		return FALSE;
	udev_device = FU_UDEV_DEVICE(device);
	if (g_strcmp0(fu_udev_device_get_driver(udev_device), FU_LFA_PLUGIN_DRIVER_NAME) == 0)
		return TRUE;
	if (fu_udev_device_get_sysfs_path(udev_device) != NULL) {
		g_autofree gchar *fn =
		    g_build_filename(fu_udev_device_get_sysfs_path(udev_device), "driver", NULL);
		g_autofree gchar *target = g_file_read_link(fn, NULL);
		if (target != NULL) {
			g_autofree gchar *basename = g_path_get_basename(target);
			return g_strcmp0(basename, FU_LFA_PLUGIN_DRIVER_NAME) == 0;
		}
	}
	driver = fu_udev_device_read_property(udev_device, "DRIVER", NULL);
	return g_strcmp0(driver, FU_LFA_PLUGIN_DRIVER_NAME) == 0;
}

/* the project's driver's own device on the faux bus, /sys/devices/faux/arm-lfa */
static gboolean
fu_lfa_plugin_is_lfa_faux_device(FuDevice *device)
{
	FuUdevDevice *udev_device;
	const gchar *sysfs_path;
	g_autofree gchar *basename = NULL;

	if (!FU_IS_UDEV_DEVICE(device))
		return FALSE;
	udev_device = FU_UDEV_DEVICE(device);
	if (g_strcmp0(fu_udev_device_get_subsystem(udev_device), FU_LFA_PLUGIN_FAUX_SUBSYSTEM) != 0)
		return FALSE;
	sysfs_path = fu_udev_device_get_sysfs_path(udev_device);
	if (sysfs_path == NULL)
		return FALSE;
	basename = g_path_get_basename(sysfs_path);
	return g_strcmp0(basename, FU_LFA_PLUGIN_DRIVER_NAME) == 0;
}

/* the SMCCC-bus drivers' device, whatever driver is bound to it */
static gboolean
fu_lfa_plugin_is_lfa_smccc_device(FuDevice *device)
{
	FuUdevDevice *udev_device;
	g_autofree gchar *modalias = NULL;

	if (!FU_IS_UDEV_DEVICE(device))
		return FALSE;
	udev_device = FU_UDEV_DEVICE(device);
	if (g_strcmp0(fu_udev_device_get_subsystem(udev_device), FU_LFA_PLUGIN_SMCCC_SUBSYSTEM) !=
	    0)
		return FALSE;
	modalias = fu_udev_device_read_property(udev_device, "MODALIAS", NULL);
	return g_strcmp0(modalias, FU_LFA_PLUGIN_SMCCC_MODALIAS) == 0;
}

static gboolean
fu_lfa_plugin_backend_device_added(FuPlugin *plugin,
				   FuDevice *device,
				   FuProgress *progress,
				   GError **error)
{
	FuLfaPlugin *self = FU_LFA_PLUGIN(plugin);
	if (!fu_lfa_plugin_is_lfa_platform_device(device) &&
	    !fu_lfa_plugin_is_lfa_faux_device(device) &&
	    !fu_lfa_plugin_is_lfa_smccc_device(device)) {
		g_set_error_literal(error,
				    FWUPD_ERROR,
				    FWUPD_ERROR_NOT_SUPPORTED,
				    "not the device of an LFA driver");
		return FALSE;
	}
	return fu_lfa_plugin_rescan_and_poll(self, error);
}

static gboolean
fu_lfa_plugin_backend_device_changed(FuPlugin *plugin, FuDevice *device, GError **error)
{
	FuLfaPlugin *self = FU_LFA_PLUGIN(plugin);
	if (fu_lfa_plugin_is_lfa_smccc_device(device)) {
		self->smccc_events_seen = TRUE;
	} else if (!fu_lfa_plugin_is_lfa_platform_device(device) &&
		   !fu_lfa_plugin_is_lfa_faux_device(device)) {
		return TRUE;
	}
	g_debug("LFA inventory changed, rescanning");
	return fu_lfa_plugin_rescan_and_poll(self, error);
}

/* an activation can add, remove or renumber images: rescan even on failure */
static gboolean
fu_lfa_plugin_activate(FuPlugin *plugin, FuDevice *device, FuProgress *progress, GError **error)
{
	gboolean ret;
	g_autoptr(FuDeviceLocker) locker = fu_device_locker_new(device, error);
	if (locker == NULL)
		return FALSE;
	ret = fu_device_activate(device, progress, error);
	fu_lfa_plugin_rescan_after(FU_LFA_PLUGIN(plugin));
	return ret;
}

static gboolean
fu_lfa_plugin_write_firmware(FuPlugin *plugin,
			     FuDevice *device,
			     FuFirmware *firmware,
			     FuProgress *progress,
			     FwupdInstallFlags flags,
			     GError **error)
{
	gboolean ret;
	g_autoptr(FuDeviceLocker) locker = fu_device_locker_new(device, error);
	if (locker == NULL)
		return FALSE;

	/* the policy may have changed with modify-config since the device was added */
	fu_lfa_plugin_sync_policy(plugin, device);
	ret = fu_device_write_firmware(device, firmware, progress, flags, error);
	fu_lfa_plugin_rescan_after(FU_LFA_PLUGIN(plugin));
	return ret;
}

static gboolean
fu_lfa_plugin_modify_config(FuPlugin *plugin, const gchar *key, const gchar *value, GError **error)
{
	FuLfaPlugin *self = FU_LFA_PLUGIN(plugin);
	GHashTableIter iter;
	gpointer device;

	if (g_strcmp0(key, "ActivationPolicy") != 0) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_NOT_SUPPORTED,
			    "config key %s not supported",
			    key);
		return FALSE;
	}
	if (g_strcmp0(value, "immediate") != 0 && g_strcmp0(value, "deferred") != 0) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_INVALID_DATA,
			    "ActivationPolicy must be immediate or deferred, got %s",
			    value);
		return FALSE;
	}
	if (!fu_plugin_set_config_value(plugin, key, value, error))
		return FALSE;
	g_hash_table_iter_init(&iter, self->devices);
	while (g_hash_table_iter_next(&iter, NULL, &device))
		fu_lfa_plugin_sync_policy(plugin, FU_DEVICE(device));
	return TRUE;
}

/* systemd runs fwupd's shutdown hook (`fwupdtool activate`) from systemd-shutdown,
 * which is PID 1 only once every service has stopped, just before the reboot */
static gboolean
fu_lfa_plugin_is_final_shutdown(FuContext *ctx)
{
	g_autofree gchar *fn = NULL;
	g_autofree gchar *comm = NULL;

	fn = fu_context_build_filename(ctx, NULL, FU_PATH_KIND_PROCFS, "1", "comm", NULL);
	if (fn == NULL || !g_file_get_contents(fn, &comm, NULL, NULL))
		return FALSE;
	g_strchomp(comm);
	/* the kernel keeps 15 characters of the name */
	return g_strcmp0(comm, "systemd-shutdow") == 0;
}

static gboolean
fu_lfa_plugin_startup(FuPlugin *plugin, FuProgress *progress, GError **error)
{
	FuLfaPlugin *self = FU_LFA_PLUGIN(plugin);
	FuContext *ctx = fu_plugin_get_context(plugin);
	const gchar *policy = fu_plugin_get_config_value(plugin, "ActivationPolicy");
	g_autofree gchar *filename = NULL;
	g_autofree gchar *boot_id = fu_lfa_record_read_boot_id(ctx);
	g_autoptr(GError) error_local = NULL;

	g_free(self->inventory_dir);
	self->inventory_dir = fu_lfa_sysfs_get_inventory_dir(ctx, error);
	if (self->inventory_dir == NULL)
		return FALSE;
	filename = fu_context_build_filename(ctx,
					     error,
					     FU_PATH_KIND_LOCALSTATEDIR_PKG,
					     "lfa",
					     "versions.conf",
					     NULL);
	if (filename == NULL)
		return FALSE;

	self->final_shutdown = fu_lfa_plugin_is_final_shutdown(ctx);
	if (self->final_shutdown)
		g_info("the system is rebooting: staged LFA images are left to the reboot");

	/* an unknown policy must never activate firmware the admin wanted held back */
	if (g_strcmp0(policy, "immediate") != 0 && g_strcmp0(policy, "deferred") != 0)
		g_warning("unknown [lfa] ActivationPolicy '%s', using deferred", policy);

	/* a lost record only turns versions fwupd activated back into unknown ones */
	g_clear_object(&self->record);
	self->record = fu_lfa_record_new(filename, boot_id);
	if (!fu_lfa_record_load(self->record, &error_local))
		g_warning("starting with no recorded versions: %s", error_local->message);
	return TRUE;
}

static void
fu_lfa_plugin_init(FuLfaPlugin *self)
{
	self->devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
	self->warned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->poll_ms = FU_LFA_PLUGIN_POLL_MS;
}

static void
fu_lfa_plugin_constructed(GObject *obj)
{
	FuPlugin *plugin = FU_PLUGIN(obj);
	fu_plugin_add_device_gtype(plugin, FU_TYPE_LFA_DEVICE);
	/* the platform device is claimed by its quirk (there are hundreds of others);
	 * the SMCCC bus has a handful of devices and the name of the driver bound to
	 * the LFA one differs between kernels, so the plugin claims them all and
	 * tells them apart by modalias; the faux bus, also small, has one driver for
	 * all its devices, so there the device's name decides */
	fu_plugin_add_udev_subsystem(plugin, "platform");
	fu_plugin_add_device_udev_subsystem(plugin, FU_LFA_PLUGIN_SMCCC_SUBSYSTEM);
	fu_plugin_add_device_udev_subsystem(plugin, FU_LFA_PLUGIN_FAUX_SUBSYSTEM);
	fu_plugin_set_config_default(plugin, "ActivationPolicy", "immediate");
}

static void
fu_lfa_plugin_finalize(GObject *obj)
{
	FuLfaPlugin *self = FU_LFA_PLUGIN(obj);
	if (self->poll_id != 0)
		g_source_remove(self->poll_id);
	g_hash_table_unref(self->devices);
	g_hash_table_unref(self->warned);
	g_clear_object(&self->record);
	g_free(self->inventory_dir);
	G_OBJECT_CLASS(fu_lfa_plugin_parent_class)->finalize(obj);
}

static void
fu_lfa_plugin_class_init(FuLfaPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	FuPluginClass *plugin_class = FU_PLUGIN_CLASS(klass);
	plugin_class->constructed = fu_lfa_plugin_constructed;
	object_class->finalize = fu_lfa_plugin_finalize;
	plugin_class->to_string = fu_lfa_plugin_to_string;
	plugin_class->startup = fu_lfa_plugin_startup;
	plugin_class->coldplug = fu_lfa_plugin_coldplug;
	plugin_class->backend_device_added = fu_lfa_plugin_backend_device_added;
	plugin_class->backend_device_changed = fu_lfa_plugin_backend_device_changed;
	plugin_class->activate = fu_lfa_plugin_activate;
	plugin_class->write_firmware = fu_lfa_plugin_write_firmware;
	plugin_class->modify_config = fu_lfa_plugin_modify_config;
}

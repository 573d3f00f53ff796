/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fu-context-private.h"
#include "fu-lfa-compat-test.h"
#include "fu-lfa-device.h"
#include "fu-lfa-fake-kernel-client.h"
#include "fu-lfa-plugin.h"
#include "fu-lfa-sysfs.h"
#include "fu-plugin-private.h"
#include "fu-udev-device-private.h"

#define GUID_BL31    "47d4086d-4cfe-9846-9b95-2950cbbd5a00"
#define GUID_BL33    "d6d0eea7-fcea-d54b-9782-9934f234b6e4"
#define GUID_RMM     "6c0762a6-12f2-4b56-92cb-ba8f633606d9"
#define GUID_UNKNOWN "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
#define GUID_NEW     "3f2a6b1c-0d4e-4f5a-8b6c-7d8e9fa0b1c2"

/* the platform every test runs on, as fwupd.conf can set its HWID values */
#define TEST_MANUFACTURER "Example"
#define TEST_PRODUCT	  "Arm Server"
#define TEST_INSTANCE_BL31                                                                         \
	"LFA\\VENDOR_Example&PRODUCT_Arm-Server&GUID_47d4086d-4cfe-9846-9b95-2950cbbd5a00"

/*
 * The kernel is played by lfa-fake-kernel (fu-lfa-fake-kernel.c), a separate
 * process that serves each test's sysfs tree as a FUSE filesystem: it builds
 * the tree from the commands written to its control file, and answers the
 * plugin's writes to activate and loading as the LFA driver and the
 * firmware-upload class do, errno included.
 */
static gboolean
fu_test_has_fake_kernel(void)
{
	return LFA_FAKE_KERNEL[0] != '\0';
}

/* a plain file, as a test plants it */
static void
fu_test_file_set(const gchar *dir, const gchar *attr, const gchar *value)
{
	g_autofree gchar *fn = g_build_filename(dir, attr, NULL);
	g_autofree gchar *str = g_strdup_printf("%s\n", value);
	gint fd;

	fd = g_open(fn, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	g_assert_cmpint(fd, >=, 0);
	if (value[0] != '\0')
		g_assert_cmpint(write(fd, str, strlen(str)), ==, strlen(str));
	g_assert_cmpint(close(fd), ==, 0);
}

typedef struct {
	gchar *tmpdir;
	gchar *root; /* the fake sysfs tree, served by the fake kernel */
	GSubprocess *kernel;
	FuContext *ctx;
	FuPlugin *plugin;
	GHashTable *devices; /* GUID: FuDevice */
	GPtrArray *warnings;
	guint added_cnt;
	guint removed_cnt;
} FuTest;

static void
fu_test_kernel_command(FuTest *self, const gchar *commands)
{
	g_assert_cmpint(fu_lfa_fake_kernel_client_command(self->root, commands), ==, 0);
}

static guint
fu_test_kernel_count(FuTest *self, const gchar *key)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *str = fu_lfa_fake_kernel_client_get(self->root, key, &error);
	g_assert_no_error(error);
	return (guint)g_ascii_strtoull(str, NULL, 10);
}

static GPtrArray *captured_warnings = NULL;

/* the plugin warns about bad images by design; the tests count those warnings */
static void
fu_test_log_cb(const gchar *log_domain,
	       GLogLevelFlags log_level,
	       const gchar *message,
	       gpointer user_data)
{
	if (captured_warnings != NULL)
		g_ptr_array_add(captured_warnings, g_strdup(message));
	g_log_default_handler(log_domain, log_level, message, user_data);
}

static void
fu_test_device_added_cb(FuPlugin *plugin, FuDevice *device, gpointer user_data)
{
	FuTest *self = (FuTest *)user_data;
	self->added_cnt++;
	g_hash_table_insert(self->devices,
			    g_strdup(fu_lfa_device_get_guid(FU_LFA_DEVICE(device))),
			    g_object_ref(device));
}

static void
fu_test_device_removed_cb(FuPlugin *plugin, FuDevice *device, gpointer user_data)
{
	FuTest *self = (FuTest *)user_data;
	self->removed_cnt++;
	g_hash_table_remove(self->devices, fu_lfa_device_get_guid(FU_LFA_DEVICE(device)));
}

/* not fu_path_rmtree(): it descends into symlinks to directories, which these
 * trees have (the bound driver link) */
static void
fu_test_rm_rf(const gchar *path)
{
	g_autofree gchar *argv0 = g_find_program_in_path("rm");
	const gchar *argv[] = {argv0, "-rf", path, NULL};
	g_autoptr(GError) error = NULL;
	g_assert_nonnull(argv0);
	g_spawn_sync(NULL, (gchar **)argv, NULL, 0, NULL, NULL, NULL, NULL, NULL, &error);
	g_assert_no_error(error);
}

static gchar *
fu_test_image_dir(FuTest *self, const gchar *guid)
{
	return g_build_filename(self->root, "firmware", "lfa", guid, NULL);
}

static void
fu_test_image_set(FuTest *self, const gchar *guid, const gchar *attr, const gchar *value)
{
	g_autofree gchar *dir = fu_test_image_dir(self, guid);
	fu_test_file_set(dir, attr, value);
}

/* a complete, valid image as the contract describes it */
static void
fu_test_image_create(FuTest *self, const gchar *guid, const gchar *name, const gchar *version)
{
	g_autofree gchar *name_quoted = g_shell_quote(name);
	g_autofree gchar *cmd =
	    g_strdup_printf("image %s name=%s current=%s\n", guid, name_quoted, version);
	fu_test_kernel_command(self, cmd);
}

static void
fu_test_set_boot_id(FuTest *self, const gchar *boot_id)
{
	g_autofree gchar *dir =
	    g_build_filename(self->tmpdir, "proc", "sys", "kernel", "random", NULL);
	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	fu_test_file_set(dir, "boot_id", boot_id);
}

static gchar *
fu_test_record_filename(FuTest *self)
{
	g_autoptr(GError) error = NULL;
	gchar *fn = fu_context_build_filename(self->ctx,
					      &error,
					      FU_PATH_KIND_LOCALSTATEDIR_PKG,
					      "lfa",
					      "versions.conf",
					      NULL);
	g_assert_no_error(error);
	return fn;
}

/* a new plugin instance over the same tree, as when the daemon starts */
static void
fu_test_plugin_start(FuTest *self)
{
	gboolean ret;
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(GError) error = NULL;

	g_clear_object(&self->plugin);
	g_hash_table_remove_all(self->devices);
	self->plugin = fu_plugin_new_from_gtype(fu_lfa_plugin_get_type(), self->ctx);
	g_signal_connect(self->plugin, "device-added", G_CALLBACK(fu_test_device_added_cb), self);
	g_signal_connect(self->plugin,
			 "device-removed",
			 G_CALLBACK(fu_test_device_removed_cb),
			 self);
	ret = fu_plugin_runner_startup(self->plugin, progress, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
}

/* fwupd.conf in FWUPD_SYSCONFDIR is where fwupd takes HWID values from first;
 * NULL leaves the platform without an identity */
static void
fu_test_set_platform(const gchar *manufacturer, const gchar *product)
{
	gboolean ret;
	g_autofree gchar *dir = g_build_filename(g_getenv("FWUPD_SYSCONFDIR"), "fwupd", NULL);
	g_autofree gchar *fn = g_build_filename(dir, "fwupd.conf", NULL);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	(void)g_key_file_load_from_file(kf, fn, G_KEY_FILE_KEEP_COMMENTS, NULL);
	(void)g_key_file_remove_key(kf, "fwupd", FU_HWIDS_KEY_MANUFACTURER, NULL);
	(void)g_key_file_remove_key(kf, "fwupd", FU_HWIDS_KEY_PRODUCT_NAME, NULL);
	if (manufacturer != NULL)
		g_key_file_set_string(kf, "fwupd", FU_HWIDS_KEY_MANUFACTURER, manufacturer);
	if (product != NULL)
		g_key_file_set_string(kf, "fwupd", FU_HWIDS_KEY_PRODUCT_NAME, product);
	ret = g_key_file_save_to_file(kf, fn, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
}

/* every test starts from a fresh tree: empty, or the inventory in tests/@tree */
static FuTest *
fu_test_new(const gchar *tree)
{
	FuTest *self = g_new0(FuTest, 1);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *procfs = NULL;
	g_autofree gchar *record = NULL;
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	gboolean ret;

	self->tmpdir = g_dir_make_tmp("fu-lfa-XXXXXX", &error);
	g_assert_no_error(error);
	self->root = g_build_filename(self->tmpdir, "sys", NULL);
	g_assert_cmpint(g_mkdir(self->root, 0755), ==, 0);
	self->kernel = fu_lfa_fake_kernel_client_start(self->root, &error);
	g_assert_no_error(error);
	if (tree != NULL) {
		g_autofree gchar *fn = g_test_build_filename(G_TEST_DIST, "tests", tree, NULL);
		g_autofree gchar *commands = NULL;
		g_file_get_contents(fn, &commands, NULL, &error);
		g_assert_no_error(error);
		fu_test_kernel_command(self, commands);
	}
	(void)g_setenv("FWUPD_SYSFSDIR", self->root, TRUE);
	(void)g_unsetenv("FWUPD_SYSFSFWDIR");

	/* what fwupd recorded in an earlier test is from another machine */
	procfs = g_build_filename(self->tmpdir, "proc", NULL);
	(void)g_setenv("FWUPD_PROCFS", procfs, TRUE);
	fu_test_set_boot_id(self, "5a2b3c4d-0000-4000-8000-000000000001");

	self->warnings = g_ptr_array_new_with_free_func(g_free);
	captured_warnings = self->warnings;
	self->devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
	self->ctx = fu_context_new();
	ret = fu_lfa_context_load_for_test(self->ctx, progress, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	record = fu_test_record_filename(self);
	(void)g_unlink(record);
	fu_test_plugin_start(self);
	return self;
}

static void
fu_test_coldplug(FuTest *self)
{
	gboolean ret;
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(GError) error = NULL;
	ret = fu_plugin_runner_coldplug(self->plugin, progress, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
}

static void
fu_test_free(FuTest *self)
{
	gboolean ret;
	g_autoptr(GError) error = NULL;

	captured_warnings = NULL;
	g_object_unref(self->plugin);
	g_object_unref(self->ctx);
	ret = fu_lfa_fake_kernel_client_stop(self->kernel, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	g_object_unref(self->kernel);
	fu_test_rm_rf(self->tmpdir);
	g_hash_table_unref(self->devices);
	g_ptr_array_unref(self->warnings);
	g_free(self->root);
	g_free(self->tmpdir);
	g_free(self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FuTest, fu_test_free)

static FuDevice *
fu_test_get_device(FuTest *self, const gchar *guid)
{
	FuDevice *device = g_hash_table_lookup(self->devices, guid);
	g_assert_nonnull(device);
	return device;
}

/* the daemon restarts: a new plugin over the same tree; returns BL31's device */
static FuDevice *
fu_test_restart(FuTest *self)
{
	fu_test_plugin_start(self);
	fu_test_coldplug(self);
	return fu_test_get_device(self, GUID_BL31);
}

static void
fu_test_set_policy(FuTest *self, const gchar *policy)
{
	gboolean ret;
	g_autoptr(GError) error = NULL;
	ret = fu_plugin_runner_modify_config(self->plugin, "ActivationPolicy", policy, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
}

static void
fu_test_activate(FuTest *self, FuDevice *device)
{
	gboolean ret;
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(GError) error = NULL;
	ret = fu_plugin_runner_activate(self->plugin, device, progress, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
}

static guint
fu_test_count_warnings(FuTest *self, const gchar *needle)
{
	guint cnt = 0;
	g_autofree gchar *needle_full = g_strdup_printf("image %s: ", needle);
	for (guint i = 0; i < self->warnings->len; i++) {
		const gchar *msg = g_ptr_array_index(self->warnings, i);
		if (g_strstr_len(msg, -1, needle_full) != NULL)
			cnt++;
	}
	return cnt;
}

static void
fu_test_rescan_uevent(FuTest *self)
{
	gboolean ret;
	g_autoptr(FuUdevDevice) udev_device = NULL;
	g_autoptr(GError) error = NULL;

	g_autofree gchar *sysfs_path =
	    g_build_filename(self->root, "devices", "platform", "arm-lfa", NULL);

	/* the platform device as the kernel shows it once the driver is bound */
	fu_test_kernel_command(self, "platform-device\n");
	udev_device =
	    g_object_new(FU_TYPE_UDEV_DEVICE, "context", self->ctx, "backend-id", sysfs_path, NULL);
	fu_udev_device_add_property(udev_device, "LFA_INVENTORY", "settled");
	ret = fu_plugin_runner_backend_device_changed(self->plugin, FU_DEVICE(udev_device), &error);
	g_assert_no_error(error);
	g_assert_true(ret);
}

static void
fu_lfa_sysfs_parse_func(void)
{
	guint64 version = 0;
	gboolean val = FALSE;
	struct {
		const gchar *str;
		gboolean ok;
		guint64 value;
	} versions[] = {
	    {"1.2", TRUE, 0x100000002},
	    {"0.0", TRUE, 0},
	    {"4294967295.4294967295", TRUE, G_MAXUINT64},
	    {"4294967296.0", FALSE, 0},
	    {"0.99999999999999999999999", FALSE, 0},
	    {"-1.0", FALSE, 0},
	    {"+1.0", FALSE, 0},
	    {" 1.0", FALSE, 0},
	    {"1.0 ", FALSE, 0},
	    {"1", FALSE, 0},
	    {"1.", FALSE, 0},
	    {".1", FALSE, 0},
	    {"1.2.3", FALSE, 0},
	    {"abc", FALSE, 0},
	    {"0x1.0", FALSE, 0},
	    {"", FALSE, 0},
	};
	const gchar *bools_bad[] = {"2", "-1", "01", "yes", "true", "", " 1", NULL};

	for (guint i = 0; i < G_N_ELEMENTS(versions); i++) {
		g_autoptr(GError) error = NULL;
		gboolean ret = fu_lfa_sysfs_parse_version(versions[i].str, &version, &error);
		g_debug("%s: %s", versions[i].str, error != NULL ? error->message : "ok");
		g_assert_cmpint(ret, ==, versions[i].ok);
		if (versions[i].ok) {
			g_assert_no_error(error);
			g_assert_cmpuint(version, ==, versions[i].value);
		} else {
			g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_INVALID_DATA);
		}
	}
	g_assert_true(fu_lfa_sysfs_parse_bool("0", &val, NULL));
	g_assert_false(val);
	g_assert_true(fu_lfa_sysfs_parse_bool("1", &val, NULL));
	g_assert_true(val);
	for (guint i = 0; bools_bad[i] != NULL; i++) {
		g_autoptr(GError) error = NULL;
		g_assert_false(fu_lfa_sysfs_parse_bool(bools_bad[i], &val, &error));
		g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_INVALID_DATA);
	}

	g_assert_true(fu_lfa_sysfs_guid_is_valid(GUID_BL31));
	g_assert_false(fu_lfa_sysfs_guid_is_valid("47D4086D-4CFE-9846-9B95-2950CBBD5A00"));
	g_assert_false(fu_lfa_sysfs_guid_is_valid("47d4086d-4cfe-9846-9b95-2950cbbd5a0"));
	g_assert_false(fu_lfa_sysfs_guid_is_valid("47d4086d-4cfe-9846-9b95-2950cbbd5a000"));
	g_assert_false(fu_lfa_sysfs_guid_is_valid("47d4086d4cfe-9846-9b95-2950cbbd5a00-"));
	g_assert_false(fu_lfa_sysfs_guid_is_valid("47d4086g-4cfe-9846-9b95-2950cbbd5a00"));
	g_assert_false(fu_lfa_sysfs_guid_is_valid(""));
	g_assert_false(fu_lfa_sysfs_guid_is_valid("00000000-0000-0000-0000-000000000000"));
}

static void
fu_lfa_sysfs_read_func(void)
{
	gint fd;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = g_dir_make_tmp("fu-lfa-read-XXXXXX", &error);
	g_autofree gchar *fn_huge = g_build_filename(dir, "huge", NULL);
	g_autofree gchar *fn_fifo = g_build_filename(dir, "fifo", NULL);
	g_autofree gchar *fn_dir = g_build_filename(dir, "subdir", NULL);
	g_autofree gchar *fn_link = g_build_filename(dir, "link", NULL);
	g_autofree gchar *fn_nul = g_build_filename(dir, "nul", NULL);
	g_autofree gchar *fn_utf8 = g_build_filename(dir, "utf8", NULL);
	g_autofree gchar *fn_max = g_build_filename(dir, "max", NULL);
	g_autofree gchar *fn_unreadable = g_build_filename(dir, "unreadable", NULL);
	g_autofree gchar *buf_max = g_strnfill(FU_LFA_SYSFS_ATTR_MAX - 1, 'x');
	g_autofree gchar *str = NULL;
	struct {
		const gchar *attr;
		gint code;
	} bad[] = {
	    {"huge", FWUPD_ERROR_INVALID_DATA},
	    {"fifo", FWUPD_ERROR_INVALID_DATA},
	    {"subdir", FWUPD_ERROR_INVALID_DATA},
	    {"link", FWUPD_ERROR_READ},
	    {"nul", FWUPD_ERROR_INVALID_DATA},
	    {"utf8", FWUPD_ERROR_INVALID_DATA},
	    {"empty", FWUPD_ERROR_INVALID_DATA},
	    {"missing", FWUPD_ERROR_NOT_FOUND},
	};
	g_assert_no_error(error);

	/* 8 GiB, sparse: an unbounded read would exhaust memory */
	fd = g_open(fn_huge, O_CREAT | O_WRONLY, 0644);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, (goffset)8 * 1024 * 1024 * 1024), ==, 0);
	close(fd);
	/* a FIFO without writer: a blocking read would hang forever */
	g_assert_cmpint(mkfifo(fn_fifo, 0644), ==, 0);
	g_assert_cmpint(g_mkdir(fn_dir, 0755), ==, 0);
	g_assert_cmpint(symlink("/nonexistent", fn_link), ==, 0);
	g_file_set_contents(fn_nul, "1\0\n", 3, &error);
	g_assert_no_error(error);
	g_file_set_contents(fn_utf8, "\xff\xfe\n", 3, &error);
	g_assert_no_error(error);
	fu_test_file_set(dir, "empty", "");
	g_file_set_contents(fn_max, buf_max, -1, &error);
	g_assert_no_error(error);

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error_local = NULL;
		g_autofree gchar *tmp =
		    fu_lfa_sysfs_read(dir, bad[i].attr, FU_LFA_SYSFS_READ_FLAG_NONE, &error_local);
		g_debug("%s: %s", bad[i].attr, error_local != NULL ? error_local->message : "");
		g_assert_error(error_local, FWUPD_ERROR, bad[i].code);
		g_assert_null(tmp);
	}

	/* empty is fine for the upload error file */
	str = fu_lfa_sysfs_read(dir, "empty", FU_LFA_SYSFS_READ_FLAG_ALLOW_EMPTY, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(str, ==, "");
	g_clear_pointer(&str, g_free);

	/* a full page is still a valid attribute */
	str = fu_lfa_sysfs_read(dir, "max", FU_LFA_SYSFS_READ_FLAG_NONE, &error);
	g_assert_no_error(error);
	g_assert_cmpint(strlen(str), ==, FU_LFA_SYSFS_ATTR_MAX - 1);
	g_clear_pointer(&str, g_free);

	/* root reads anything, so only test permissions as a normal user */
	if (geteuid() != 0) {
		fu_test_file_set(dir, "unreadable", "1");
		g_assert_cmpint(g_chmod(fn_unreadable, 0), ==, 0);
		str = fu_lfa_sysfs_read(dir, "unreadable", FU_LFA_SYSFS_READ_FLAG_NONE, &error);
		g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_PERMISSION_DENIED);
		g_assert_null(str);
	}
	fu_test_rm_rf(dir);
}

static gboolean
fu_test_string_has_kv(const gchar *str, const gchar *key, const gchar *value)
{
	g_auto(GStrv) lines = g_strsplit(str, "\n", -1);
	g_autofree gchar *prefix = g_strdup_printf("%s:", key);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_strstrip(lines[i]);
		if (g_str_has_prefix(lines[i], prefix) &&
		    g_strcmp0(g_strstrip(lines[i] + strlen(prefix)), value) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
fu_lfa_plugin_coldplug_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autofree gchar *str = NULL;

	fu_test_coldplug(self);
	g_assert_cmpint(g_hash_table_size(self->devices), ==, 4);
	g_assert_cmpint(self->warnings->len, ==, 0);

	/* known image, pending, with an upload device */
	device = fu_test_get_device(self, GUID_BL31);
	g_assert_true(
	    fu_device_has_instance_id(device, TEST_INSTANCE_BL31, FU_DEVICE_INSTANCE_FLAG_VISIBLE));
	g_assert_cmpstr(fu_device_get_name(device), ==, "TF-A BL31 Runtime Firmware");
	g_assert_cmpstr(fu_device_get_vendor(device), ==, "Arm");
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.2");
	g_assert_cmpint(fu_device_get_version_format(device), ==, FWUPD_VERSION_FORMAT_PAIR);
	g_assert_cmpint(fu_device_get_version_raw(device), ==, 0x100000002);
	g_assert_true(fu_device_has_protocol(device, "com.arm.lfa"));
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_INTERNAL));
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_true(fu_device_has_private_flag(device, FU_DEVICE_PRIVATE_FLAG_SKIPS_RESTART));
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_REBOOT));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Version 1.3 is staged and pending live activation");
	/* pending activation inhibits a second update, as for every fwupd device */
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE_HIDDEN));
	str = fu_device_to_string(device);
	g_debug("%s", str);
	g_assert_true(fu_test_string_has_kv(str, "CpuRendezvous", "true"));
	g_assert_true(fu_test_string_has_kv(str, "ForceCpuRendezvous", "true"));
	g_assert_true(fu_test_string_has_kv(str, "PendingVersion", "1.3"));
	g_assert_true(fu_test_string_has_kv(str, "KernelName", "TF-A BL31 runtime"));
	g_clear_pointer(&str, g_free);

	/* known image, nothing pending, staged by the platform */
	device = fu_test_get_device(self, GUID_BL33);
	g_assert_cmpstr(fu_device_get_name(device), ==, "BL33 Non-secure Firmware");
	g_assert_cmpstr(fu_device_get_version(device), ==, "2.0");
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE));
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE_HIDDEN));
	g_assert_nonnull(g_strstr_len(fu_device_get_update_error(device), -1, "BMC or capsule"));
	g_assert_nonnull(g_strstr_len(fu_device_get_update_error(device), -1, "fwupdmgr activate"));

	/* pending, but may reset CPUs: never offered for activation, says why */
	device = fu_test_get_device(self, GUID_RMM);
	g_assert_cmpstr(fu_device_get_name(device), ==, "TF-RMM Realm Management Monitor");
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_nonnull(g_strstr_len(fu_device_get_update_error(device), -1, "reset CPUs"));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Version 0.9 is staged and pending a reboot");

	/* unknown GUID, not capable, an older driver without the tunables */
	device = fu_test_get_device(self, GUID_UNKNOWN);
	g_assert_cmpstr(fu_device_get_name(device), ==, GUID_UNKNOWN);
	g_assert_cmpstr(fu_device_get_version(device), ==, "4294967295.4294967295");
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_nonnull(
	    g_strstr_len(fu_device_get_update_error(device), -1, "not activation capable"));
	str = fu_device_to_string(device);
	g_assert_true(fu_test_string_has_kv(str, "ForceCpuRendezvous", "unknown"));
}

static void
fu_lfa_plugin_no_inventory_func(void)
{
	g_autoptr(FuTest) self = fu_test_new(NULL);
	fu_test_coldplug(self);
	g_assert_cmpint(g_hash_table_size(self->devices), ==, 0);
	g_assert_cmpint(self->warnings->len, ==, 0);

	/* the driver loads later and announces its inventory */
	fu_test_image_create(self, GUID_NEW, "late", "1.0");
	fu_test_rescan_uevent(self);
	g_assert_cmpint(g_hash_table_size(self->devices), ==, 1);
}

typedef enum {
	FU_TEST_BAD_CONTENT,
	FU_TEST_BAD_DELETE,
	FU_TEST_BAD_FIFO,
	FU_TEST_BAD_HUGE,
	FU_TEST_BAD_DIR,
	FU_TEST_BAD_LINK,
} FuTestBadKind;

static void
fu_lfa_plugin_malformed_func(void)
{
	struct {
		const gchar *guid;
		const gchar *attr;
		FuTestBadKind kind;
		const gchar *content;
	} bad[] = {
	    {"00000000-0000-0000-0000-000000000001", "name", FU_TEST_BAD_DELETE, NULL},
	    {"00000000-0000-0000-0000-000000000002", "name", FU_TEST_BAD_CONTENT, ""},
	    {"00000000-0000-0000-0000-000000000003", "current_version", FU_TEST_BAD_CONTENT, "abc"},
	    {"00000000-0000-0000-0000-000000000004",
	     "current_version",
	     FU_TEST_BAD_CONTENT,
	     "4294967296.1"},
	    {"00000000-0000-0000-0000-000000000005",
	     "current_version",
	     FU_TEST_BAD_CONTENT,
	     "99999999999999999999999.0"},
	    {"00000000-0000-0000-0000-000000000006",
	     "current_version",
	     FU_TEST_BAD_CONTENT,
	     "-1.0"},
	    {"00000000-0000-0000-0000-000000000007", "pending_version", FU_TEST_BAD_CONTENT, "1.x"},
	    {"00000000-0000-0000-0000-000000000008",
	     "activation_capable",
	     FU_TEST_BAD_CONTENT,
	     "2"},
	    {"00000000-0000-0000-0000-000000000009",
	     "activation_pending",
	     FU_TEST_BAD_CONTENT,
	     "yes"},
	    {"00000000-0000-0000-0000-00000000000a", "may_reset_cpu", FU_TEST_BAD_CONTENT, "-1"},
	    {"00000000-0000-0000-0000-00000000000b", "cpu_rendezvous", FU_TEST_BAD_CONTENT, "10"},
	    {"00000000-0000-0000-0000-00000000000c",
	     "force_cpu_rendezvous",
	     FU_TEST_BAD_CONTENT,
	     "on"},
	    {"00000000-0000-0000-0000-00000000000d", "name", FU_TEST_BAD_HUGE, NULL},
	    {"00000000-0000-0000-0000-00000000000e", "current_version", FU_TEST_BAD_FIFO, NULL},
	    {"00000000-0000-0000-0000-00000000000f", "activation_pending", FU_TEST_BAD_DIR, NULL},
	    {"00000000-0000-0000-0000-000000000010", "name", FU_TEST_BAD_LINK, NULL},
	    {"00000000-0000-0000-0000-000000000011", "name", FU_TEST_BAD_CONTENT, "bad\x01name"},
	    {"00000000-0000-0000-0000-000000000012", "current_version", FU_TEST_BAD_CONTENT, ""},
	    {"00000000-0000-0000-0000-000000000013",
	     "activation_capable",
	     FU_TEST_BAD_DELETE,
	     NULL},
	};
	const gchar *bad_names[] = {"not-a-guid",
				    "47D4086D-4CFE-9846-9B95-2950CBBD5A01",
				    "47d4086d-4cfe-9846-9b95-2950cbbd5a0",
				    "{47d4086d-4cfe-9846-9b95-2950cbbd5a02}",
				    NULL};
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autofree gchar *file_guid =
	    fu_test_image_dir(self, "00000000-0000-0000-0000-0000000000ff");

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree gchar *dir = fu_test_image_dir(self, bad[i].guid);
		g_autofree gchar *fn = g_build_filename(dir, bad[i].attr, NULL);
		fu_test_image_create(self, bad[i].guid, "bad", "1.0");
		if (bad[i].kind == FU_TEST_BAD_CONTENT) {
			g_autoptr(GError) error = NULL;
			g_file_set_contents(fn, bad[i].content, -1, &error);
			g_assert_no_error(error);
			continue;
		}
		g_assert_cmpint(g_unlink(fn), ==, 0);
		if (bad[i].kind == FU_TEST_BAD_FIFO) {
			g_assert_cmpint(mkfifo(fn, 0644), ==, 0);
		} else if (bad[i].kind == FU_TEST_BAD_HUGE) {
			gint fd = g_open(fn, O_CREAT | O_WRONLY, 0644);
			g_assert_cmpint(fd, >=, 0);
			g_assert_cmpint(ftruncate(fd, 1024 * 1024 * 1024), ==, 0);
			close(fd);
		} else if (bad[i].kind == FU_TEST_BAD_DIR) {
			g_assert_cmpint(g_mkdir(fn, 0755), ==, 0);
		} else if (bad[i].kind == FU_TEST_BAD_LINK) {
			g_assert_cmpint(symlink("/proc/self/environ", fn), ==, 0);
		}
	}
	for (guint i = 0; bad_names[i] != NULL; i++) {
		g_autofree gchar *dir = fu_test_image_dir(self, bad_names[i]);
		g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	}
	fu_test_file_set(g_path_get_dirname(file_guid), g_path_get_basename(file_guid), "1");

	fu_test_coldplug(self);

	/* the good images still appear */
	g_assert_cmpint(g_hash_table_size(self->devices), ==, 4);
	fu_test_get_device(self, GUID_BL31);

	/* exactly one warning per bad entry, naming it */
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_cmpint(fu_test_count_warnings(self, bad[i].guid), ==, 1);
	for (guint i = 0; bad_names[i] != NULL; i++)
		g_assert_cmpint(fu_test_count_warnings(self, bad_names[i]), ==, 1);
	g_assert_cmpint(fu_test_count_warnings(self, "00000000-0000-0000-0000-0000000000ff"),
			==,
			1);
	g_assert_cmpint(self->warnings->len,
			==,
			G_N_ELEMENTS(bad) + g_strv_length((gchar **)bad_names) + 1);

	/* a later uevent does not repeat them */
	fu_test_rescan_uevent(self);
	g_assert_cmpint(self->warnings->len,
			==,
			G_N_ELEMENTS(bad) + g_strv_length((gchar **)bad_names) + 1);

	/* a fixed image appears, a good image that breaks goes away with one warning */
	fu_test_image_set(self, bad[2].guid, "current_version", "3.4");
	fu_test_image_set(self, GUID_BL33, "activation_pending", "maybe");
	fu_test_rescan_uevent(self);
	g_assert_cmpstr(fu_device_get_version(fu_test_get_device(self, bad[2].guid)), ==, "3.4");
	g_assert_null(g_hash_table_lookup(self->devices, GUID_BL33));
	g_assert_cmpint(fu_test_count_warnings(self, GUID_BL33), ==, 1);
}

static void
fu_lfa_plugin_many_func(void)
{
	guint cnt = 1100;
	g_autoptr(FuTest) self = fu_test_new(NULL);
	g_autoptr(GTimer) timer = g_timer_new();

	for (guint i = 0; i < cnt; i++) {
		g_autofree gchar *guid = g_strdup_printf("00000000-0000-0000-0000-%012x", i + 1);
		fu_test_image_create(self, guid, "many", "1.0");
	}
	g_debug("creating %u images took %.2f s", cnt, g_timer_elapsed(timer, NULL));
	g_timer_reset(timer);
	fu_test_coldplug(self);
	g_debug("coldplug of %u images took %.2f s", cnt, g_timer_elapsed(timer, NULL));
	g_assert_cmpint(g_hash_table_size(self->devices), ==, 1024);
	g_assert_cmpint(self->warnings->len, ==, 1);
	g_assert_nonnull(g_strstr_len(g_ptr_array_index(self->warnings, 0), -1, "76 ignored"));
	g_assert_nonnull(
	    g_hash_table_lookup(self->devices, "00000000-0000-0000-0000-000000000400"));
	g_assert_null(g_hash_table_lookup(self->devices, "00000000-0000-0000-0000-000000000401"));

	/* rescanning a large, unchanged inventory adds and removes nothing */
	fu_test_rescan_uevent(self);
	g_assert_cmpint(self->added_cnt, ==, 1024);
	g_assert_cmpint(self->removed_cnt, ==, 0);
	g_assert_cmpint(self->warnings->len, ==, 1);
	g_debug("coldplug and rescan of %u images took %.2f s", cnt, g_timer_elapsed(timer, NULL));
	g_assert_cmpfloat(g_timer_elapsed(timer, NULL), <, 20.f);
}

static void
fu_test_notify_cb(GObject *object, GParamSpec *pspec, gpointer user_data)
{
	guint *cnt = (guint *)user_data;
	(*cnt)++;
}

/* the daemon sends a D-Bus signal for every change of a device's flags, problems or
 * update error: a rescan must change only the images whose files changed */
static void
fu_lfa_plugin_rescan_quiet_func(void)
{
	GHashTableIter iter;
	gpointer value;
	guint notify_cnt = 0;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");

	fu_test_coldplug(self);
	g_hash_table_iter_init(&iter, self->devices);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		g_signal_connect(value, "notify", G_CALLBACK(fu_test_notify_cb), &notify_cnt);

	fu_test_rescan_uevent(self);
	fu_test_rescan_uevent(self);
	g_assert_cmpint(notify_cnt, ==, 0);

	/* one image staged: that device, and only that one, changes */
	fu_test_image_set(self, GUID_BL33, "activation_pending", "1");
	fu_test_image_set(self, GUID_BL33, "pending_version", "2.1");
	fu_test_rescan_uevent(self);
	g_assert_cmpint(notify_cnt, >, 0);
	g_hash_table_iter_init(&iter, self->devices);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		g_signal_handlers_disconnect_by_func(value, fu_test_notify_cb, &notify_cnt);
	notify_cnt = 0;
	g_signal_connect(fu_test_get_device(self, GUID_BL31),
			 "notify",
			 G_CALLBACK(fu_test_notify_cb),
			 &notify_cnt);
	fu_test_image_set(self, GUID_BL33, "pending_version", "2.2");
	fu_test_rescan_uevent(self);
	g_assert_cmpint(notify_cnt, ==, 0);
	g_signal_handlers_disconnect_by_func(fu_test_get_device(self, GUID_BL31),
					     fu_test_notify_cb,
					     &notify_cnt);
}

static void
fu_lfa_plugin_rescan_func(void)
{
	FuDevice *device;
	gboolean ret;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autoptr(FuUdevDevice) other = NULL;
	g_autoptr(GError) error = NULL;

	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL33);
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));

	/* the platform staged an update out of band, an image vanished, one appeared */
	fu_test_image_set(self, GUID_BL33, "activation_pending", "1");
	fu_test_image_set(self, GUID_BL33, "pending_version", "2.1");
	{
		g_autofree gchar *dir = fu_test_image_dir(self, GUID_UNKNOWN);
		fu_test_rm_rf(dir);
	}
	fu_test_image_create(self, GUID_NEW, "new image", "7.0");

	/* a change on an unrelated platform device is ignored */
	other = g_object_new(FU_TYPE_UDEV_DEVICE,
			     "context",
			     self->ctx,
			     "backend-id",
			     "/sys/devices/platform/serial8250",
			     "driver",
			     "serial8250",
			     NULL);
	fu_udev_device_add_property(other, "DRIVER", "serial8250");
	ret = fu_plugin_runner_backend_device_changed(self->plugin, FU_DEVICE(other), &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_nonnull(g_hash_table_lookup(self->devices, GUID_UNKNOWN));

	/* ...and not offered to the plugin as a device of its own */
	ret = fu_plugin_runner_backend_device_added(self->plugin,
						    FU_DEVICE(other),
						    fu_progress_new(G_STRLOC),
						    &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_NOT_SUPPORTED);
	g_assert_false(ret);
	g_clear_error(&error);

	/* the LFA driver's change event rescans */
	fu_test_rescan_uevent(self);
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Version 2.1 is staged and pending live activation");
	g_assert_null(g_hash_table_lookup(self->devices, GUID_UNKNOWN));
	device = fu_test_get_device(self, GUID_NEW);
	g_assert_cmpstr(fu_device_get_name(device), ==, "new image");
	g_assert_cmpstr(fu_device_get_version(device), ==, "7.0");
	g_assert_cmpint(self->removed_cnt, ==, 1);
	g_assert_cmpint(self->added_cnt, ==, 5);

	/* the driver property from sysfs is enough too, e.g. when bound after the add */
	g_clear_object(&other);
	other = g_object_new(FU_TYPE_UDEV_DEVICE,
			     "context",
			     self->ctx,
			     "backend-id",
			     "/sys/devices/platform/arm-lfa",
			     "driver",
			     "arm-lfa",
			     NULL);
	fu_test_image_set(self, GUID_NEW, "current_version", "7.1");
	ret = fu_plugin_runner_backend_device_added(self->plugin,
						    FU_DEVICE(other),
						    fu_progress_new(G_STRLOC),
						    &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	g_assert_cmpstr(fu_device_get_version(device), ==, "7.1");
	g_assert_cmpint(self->warnings->len, ==, 0);
}

/* a device as fwupd's udev backend shows it; @driver may be NULL */
static FuUdevDevice *
fu_test_udev_device_new(FuTest *self,
			const gchar *sysfs_path,
			const gchar *subsystem,
			const gchar *driver)
{
	return g_object_new(FU_TYPE_UDEV_DEVICE,
			    "context",
			    self->ctx,
			    "backend-id",
			    sysfs_path,
			    "subsystem",
			    subsystem,
			    "driver",
			    driver,
			    NULL);
}

/* the device of the upstream v3 and NVIDIA drivers on the SMCCC bus, as sysfs and
 * fwupd's udev backend show it */
static FuUdevDevice *
fu_test_smccc_device_new(FuTest *self, const gchar *name, const gchar *modalias)
{
	g_autofree gchar *sysfs_path =
	    g_build_filename(self->root, "devices", "platform", "arm-smccc", name, NULL);
	g_autofree gchar *cmd = g_strdup_printf("smccc-device %s %s\n", name, modalias);

	fu_test_kernel_command(self, cmd);
	return fu_test_udev_device_new(self, sysfs_path, "arm_smccc", NULL);
}

/* a device on the faux bus, bound to its only driver; the plugin needs nothing from
 * its sysfs directory, only its subsystem and name */
static FuUdevDevice *
fu_test_faux_device_new(FuTest *self, const gchar *name)
{
	g_autofree gchar *sysfs_path = g_build_filename(self->root, "devices", "faux", name, NULL);
	return fu_test_udev_device_new(self, sysfs_path, "faux", "faux_driver");
}

/* runs the main loop for @ms, or until @device shows @flag */
static void
fu_test_loop(guint ms, FuDevice *device, FwupdDeviceFlags flag)
{
	g_autoptr(GTimer) timer = g_timer_new();
	while (g_timer_elapsed(timer, NULL) * 1000 < ms) {
		if (device != NULL && fu_device_has_flag(device, flag))
			return;
		if (!g_main_context_iteration(NULL, FALSE))
			g_usleep(1000);
	}
}

static guint
fu_test_count_gone_warnings(FuTest *self)
{
	guint cnt = 0;
	for (guint i = 0; i < self->warnings->len; i++) {
		if (g_strstr_len(g_ptr_array_index(self->warnings, i), -1, "is gone") != NULL)
			cnt++;
	}
	return cnt;
}

/* upstream v3: no event at all, so the plugin rescans on a timer */
static void
fu_lfa_plugin_poll_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autofree gchar *dir = g_build_filename(self->root, "firmware", "lfa", NULL);
	g_autofree gchar *moved = g_build_filename(self->root, "firmware", "lfa.x", NULL);

	fu_lfa_plugin_set_poll_interval(FU_LFA_PLUGIN(self->plugin), 20);
	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL33);
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));

	/* staged out of band: noticed without any event */
	fu_test_image_set(self, GUID_BL33, "activation_pending", "1");
	fu_test_image_set(self, GUID_BL33, "pending_version", "2.1");
	fu_test_loop(5000, device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION);
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));

	/* the tree goes away under the poll: devices kept, one warning */
	g_assert_cmpint(g_rename(dir, moved), ==, 0);
	fu_test_loop(200, NULL, 0);
	g_assert_cmpint(fu_test_count_gone_warnings(self), ==, 1);
	g_assert_nonnull(g_hash_table_lookup(self->devices, GUID_BL33));
	g_assert_cmpint(self->removed_cnt, ==, 0);
	g_assert_cmpint(g_rename(moved, dir), ==, 0);

	/* and comes back changed */
	fu_test_image_set(self, GUID_RMM, "current_version", "0.9");
	device = fu_test_get_device(self, GUID_RMM);
	for (guint i = 0; i < 250 && g_strcmp0(fu_device_get_version(device), "0.9") != 0; i++)
		fu_test_loop(20, NULL, 0);
	g_assert_cmpstr(fu_device_get_version(device), ==, "0.9");
	g_assert_cmpint(fu_test_count_gone_warnings(self), ==, 1);
}

/* a kernel's event device @lfa beside another device of its bus, @other: only @lfa
 * is the plugin's and its change event rescans at once; nothing else rescans, as
 * the events exist */
static void
fu_test_event_device(FuTest *self, FuUdevDevice *lfa, FuUdevDevice *other)
{
	FuDevice *device = fu_test_get_device(self, GUID_BL33);
	gboolean ret;
	g_autoptr(GError) error = NULL;

	/* only the LFA device is the plugin's */
	ret = fu_plugin_runner_backend_device_added(self->plugin,
						    FU_DEVICE(other),
						    fu_progress_new(G_STRLOC),
						    &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_NOT_SUPPORTED);
	g_assert_false(ret);
	g_clear_error(&error);
	ret = fu_plugin_runner_backend_device_added(self->plugin,
						    FU_DEVICE(lfa),
						    fu_progress_new(G_STRLOC),
						    &error);
	g_assert_no_error(error);
	g_assert_true(ret);

	/* its change event rescans at once */
	fu_test_image_set(self, GUID_BL33, "activation_pending", "1");
	fu_test_image_set(self, GUID_BL33, "pending_version", "2.1");
	ret = fu_plugin_runner_backend_device_changed(self->plugin, FU_DEVICE(lfa), &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));

	/* events exist, so nothing is rescanned without one */
	fu_test_image_set(self, GUID_RMM, "current_version", "0.9");
	fu_test_loop(200, NULL, 0);
	device = fu_test_get_device(self, GUID_RMM);
	g_assert_cmpstr(fu_device_get_version(device), ==, "0.8");

	/* a change on another device of the bus is no reason to rescan */
	ret = fu_plugin_runner_backend_device_changed(self->plugin, FU_DEVICE(other), &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	g_assert_cmpstr(fu_device_get_version(device), ==, "0.8");
	ret = fu_plugin_runner_backend_device_changed(self->plugin, FU_DEVICE(lfa), &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	g_assert_cmpstr(fu_device_get_version(device), ==, "0.9");
}

/* NVIDIA's kernels announce each refresh on the SMCCC device: that event rescans,
 * and from then on the timer is not needed */
static void
fu_lfa_plugin_smccc_event_func(void)
{
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autoptr(FuUdevDevice) lfa = NULL;
	g_autoptr(FuUdevDevice) other = NULL;

	fu_lfa_plugin_set_poll_interval(FU_LFA_PLUGIN(self->plugin), 20);
	fu_test_coldplug(self);
	lfa = fu_test_smccc_device_new(self, "arm-smccc-lfa", "arm_smccc:arm-smccc-lfa");
	other = fu_test_smccc_device_new(self, "arm-smccc-trng", "arm_smccc:arm-smccc-trng");
	fu_test_event_device(self, lfa, other);
}

/* the project's driver where the kernel has faux devices and firmware describes no
 * node: the settled event comes from its own faux device, found by its name; the
 * platform driver is registered on every kernel, so there is no timer either */
static void
fu_lfa_plugin_faux_event_func(void)
{
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autoptr(FuUdevDevice) lfa = NULL;
	g_autoptr(FuUdevDevice) other = NULL;

	fu_test_kernel_command(self, "platform-device\n");
	fu_lfa_plugin_set_poll_interval(FU_LFA_PLUGIN(self->plugin), 20);
	fu_test_coldplug(self);
	lfa = fu_test_faux_device_new(self, "arm-lfa");
	other = fu_test_faux_device_new(self, "regulator-dummy");
	fu_test_event_device(self, lfa, other);
}

/* the project's driver announces every settled inventory: no timer */
static void
fu_lfa_plugin_no_poll_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");

	fu_test_kernel_command(self, "platform-device\n");
	fu_lfa_plugin_set_poll_interval(FU_LFA_PLUGIN(self->plugin), 20);
	fu_test_coldplug(self);
	fu_test_image_set(self, GUID_RMM, "current_version", "0.9");
	fu_test_loop(200, NULL, 0);
	device = fu_test_get_device(self, GUID_RMM);
	g_assert_cmpstr(fu_device_get_version(device), ==, "0.8");
}

static void
fu_lfa_plugin_activate_func(void)
{
	FuDevice *device;
	gboolean ret;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(GError) error = NULL;

	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);
	fu_test_activate(self, device);
	g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, 1);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.3");
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Firmware image with Arm Live Firmware Activation");

	/* nothing left to activate: refused before the kernel is asked */
	ret = fu_plugin_runner_activate(self->plugin, device, progress, &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_NOT_SUPPORTED);
	g_assert_false(ret);
	g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, 1);
}

static void
fu_lfa_plugin_activate_errno_func(void)
{
	struct {
		gint errsv;
		gint code;
		const gchar *advice;
	} map[] = {
	    {EBUSY, FWUPD_ERROR_BUSY, "try again"},
	    {ECANCELED, FWUPD_ERROR_WRITE, "old version keeps running"},
	    {ENOENT, FWUPD_ERROR_NOT_FOUND, "fwupdmgr get-devices"},
	    {EINVAL, FWUPD_ERROR_INVALID_DATA, "force_cpu_rendezvous"},
	    {ETIMEDOUT, FWUPD_ERROR_TIMED_OUT, "retry later"},
	    {EOPNOTSUPP, FWUPD_ERROR_NOT_SUPPORTED, "reboot"},
	    {ENODATA, FWUPD_ERROR_NOTHING_TO_DO, "stage an update"},
	    {EKEYREJECTED, FWUPD_ERROR_SIGNATURE_INVALID, "signed image"},
	    {ENOMEM, FWUPD_ERROR_INTERNAL, "out of memory"},
	    {ENOTRECOVERABLE, FWUPD_ERROR_BROKEN_SYSTEM, "reboot"},
	    {EIO, FWUPD_ERROR_WRITE, "kernel log"},
	    {EPROTO, FWUPD_ERROR_INTERNAL, "wrong state"},
	    {EFAULT, FWUPD_ERROR_INTERNAL, "address"},
	    {EBADMSG, FWUPD_ERROR_INTERNAL, "unknown status"},
	    {EPERM, FWUPD_ERROR_PERMISSION_DENIED, "root"},
	    {E2BIG, FWUPD_ERROR_WRITE, "kernel log"},
	};
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	FuDevice *device;

	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);
	for (guint i = 0; i < G_N_ELEMENTS(map); i++) {
		gboolean ret;
		g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
		g_autoptr(GError) error = NULL;

		g_autofree gchar *cmd = g_strdup_printf("activate_errno=%d\n", map[i].errsv);

		fu_test_kernel_command(self, cmd);
		ret = fu_plugin_runner_activate(self->plugin, device, progress, &error);
		g_debug("%s: %s", g_strerror(map[i].errsv), error != NULL ? error->message : "");
		g_assert_error(error, FWUPD_ERROR, map[i].code);
		g_assert_false(ret);
		g_assert_nonnull(g_strstr_len(error->message, -1, GUID_BL31));
		g_assert_nonnull(g_strstr_len(error->message, -1, "TF-A BL31 Runtime Firmware"));
		g_assert_nonnull(g_strstr_len(error->message, -1, map[i].advice));
		g_assert_nonnull(g_strstr_len(error->message, -1, g_strerror(map[i].errsv)));

		/* a failure leaves the update pending and activatable */
		g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
		g_assert_cmpstr(fu_device_get_version(device), ==, "1.2");
	}
	g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, G_N_ELEMENTS(map));
}

static void
fu_lfa_plugin_activate_inconsistent_func(void)
{
	FuDevice *device;
	gboolean ret;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(GError) error = NULL;

	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);

	/* the kernel says yes but nothing changed */
	fu_test_kernel_command(self, "activate_noop=1\n");
	ret = fu_plugin_runner_activate(self->plugin, device, progress, &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_INTERNAL);
	g_assert_nonnull(g_strstr_len(error->message, -1, "still pending"));
	g_assert_nonnull(g_strstr_len(error->message, -1, GUID_BL31));
	g_assert_false(ret);
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_clear_error(&error);

	/* no longer pending, but running something other than what was pending */
	fu_test_kernel_command(self, "activate_noop=0 activate_version=1.1\n");
	ret = fu_plugin_runner_activate(self->plugin, device, progress, &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_INTERNAL);
	g_assert_nonnull(g_strstr_len(error->message, -1, "runs version 1.1"));
	g_assert_nonnull(g_strstr_len(error->message, -1, "expected 1.3"));
	g_assert_false(ret);
	g_clear_error(&error);

	/* the image vanished during activation */
	fu_test_kernel_command(self, "activate_version=\n");
	fu_test_image_set(self, GUID_BL31, "activation_pending", "1");
	fu_test_image_set(self, GUID_BL31, "pending_version", "1.4");
	fu_test_rescan_uevent(self);
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	{
		g_autofree gchar *dir = fu_test_image_dir(self, GUID_BL31);
		g_autofree gchar *fn = g_build_filename(dir, "name", NULL);
		g_assert_cmpint(g_unlink(fn), ==, 0);
	}
	ret = fu_plugin_runner_activate(self->plugin, device, progress, &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_NOT_FOUND);
	g_assert_nonnull(g_strstr_len(error->message, -1, "cannot be read back"));
	g_assert_false(ret);
	/* and the rescan after the activation dropped it */
	g_assert_null(g_hash_table_lookup(self->devices, GUID_BL31));
}

/*
 * The agent reports no versions (TF-A today): other drivers show 0.0,
 * lfa_fw "unknown"; only the flag can be checked
 */
static void
fu_lfa_plugin_activate_unknown_version(const gchar *shown)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");

	fu_test_image_set(self, GUID_BL31, "current_version", shown);
	fu_test_image_set(self, GUID_BL31, "pending_version", shown);
	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);
	g_assert_null(fu_device_get_version(device));
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"An update is staged and pending live activation");
	fu_test_activate(self, device);
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));

	/* the platform staged it, so nobody knows what runs now */
	g_assert_null(fu_device_get_version(device));
	g_assert_true(
	    fu_device_has_private_flag(device, FU_DEVICE_PRIVATE_FLAG_NO_VERSION_EXPECTED));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Firmware image with Arm Live Firmware Activation; the firmware does not "
			"report its version");
}

static void
fu_lfa_plugin_activate_unknown_version_func(void)
{
	fu_lfa_plugin_activate_unknown_version("0.0");
}

static void
fu_lfa_plugin_activate_unreported_version_func(void)
{
	fu_lfa_plugin_activate_unknown_version("unknown");
}

/* an image for BL31 as the emulated platform takes it (README.md): a 40-byte
 * header, then the payload */
static FuFirmware *
fu_test_firmware_new(const gchar *payload, guint32 major, guint32 minor)
{
	gsize payloadsz = strlen(payload);
	guint8 guid[16] = {0};
	g_autoptr(FuFirmware) firmware = fu_firmware_new();
	g_autoptr(GByteArray) buf = g_byte_array_new();
	g_autoptr(GBytes) blob = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_true(fwupd_guid_from_string(GUID_BL31, &guid, FWUPD_GUID_FLAG_NONE, &error));
	g_assert_no_error(error);
	g_byte_array_append(buf, (const guint8 *)"LFAEMU01", 8);
	g_byte_array_append(buf, guid, sizeof(guid));
	fu_byte_array_append_uint64(buf, ((guint64)major << 32) | minor, G_LITTLE_ENDIAN);
	fu_byte_array_append_uint32(buf, payloadsz, G_LITTLE_ENDIAN);
	fu_byte_array_append_uint32(
	    buf,
	    fu_crc32(FU_CRC_KIND_B32_STANDARD, (const guint8 *)payload, payloadsz),
	    G_LITTLE_ENDIAN);
	g_byte_array_append(buf, (const guint8 *)payload, payloadsz);
	blob = g_bytes_new(buf->data, buf->len);
	fu_firmware_set_bytes(firmware, blob);
	return g_steal_pointer(&firmware);
}

/* an image as TF-A shows it through any driver: no versions, nothing pending */
static FuTest *
fu_test_new_tfa(void)
{
	FuTest *self = fu_test_new("inventory.txt");
	fu_test_image_set(self, GUID_BL31, "current_version", "0.0");
	fu_test_image_set(self, GUID_BL31, "activation_pending", "0");
	fu_test_image_set(self, GUID_BL31, "pending_version", "N/A");
	fu_test_kernel_command(self, "versions=none\n");
	fu_test_coldplug(self);
	return self;
}

/* what the engine does for fwupdmgr install */
static gboolean
fu_test_write_firmware(FuTest *self,
		       FuDevice *device,
		       FuFirmware *firmware,
		       FuProgress *progress,
		       GError **error)
{
	return fu_plugin_runner_write_firmware(self->plugin,
					       device,
					       firmware,
					       progress,
					       FWUPD_INSTALL_FLAG_NONE,
					       error);
}

/* an install that fails once @command is given to the fake kernel */
static void
fu_test_write_firmware_fails(FuTest *self,
			     FuDevice *device,
			     FuFirmware *firmware,
			     const gchar *command,
			     gint code,
			     const gchar *needle,
			     guint activate_count)
{
	gboolean ret;
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(GError) error = NULL;

	fu_test_kernel_command(self, command);
	ret = fu_test_write_firmware(self, device, firmware, progress, &error);
	g_debug("%s: %s", command, error != NULL ? error->message : "");
	g_assert_error(error, FWUPD_ERROR, code);
	g_assert_nonnull(g_strstr_len(error->message, -1, needle));
	g_assert_false(ret);
	g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, activate_count);
}

static void
fu_test_install(FuTest *self, const gchar *version)
{
	gboolean ret;
	FuDevice *device = fu_test_get_device(self, GUID_BL31);
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(FuFirmware) firmware = fu_test_firmware_new("tf-a", 1, 0);
	g_autoptr(GError) error = NULL;

	/* what the engine does with the release's version */
	fu_firmware_set_version(firmware, version);
	ret = fu_test_write_firmware(self, device, firmware, progress, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
}

static void
fu_lfa_plugin_tfa_versions_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new_tfa();
	g_autofree gchar *str = NULL;
	g_autofree gchar *record = NULL;

	/* 0.0 is what the driver passed in, not a version */
	device = fu_test_get_device(self, GUID_BL31);
	g_assert_null(fu_device_get_version(device));
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE));
	g_assert_true(
	    fu_device_has_private_flag(device, FU_DEVICE_PRIVATE_FLAG_NO_VERSION_EXPECTED));
	g_assert_nonnull(
	    g_strstr_len(fu_device_get_summary(device), -1, "does not report its version"));
	str = fu_device_to_string(device);
	g_assert_nonnull(g_strstr_len(str, -1, "VersionSource:"));
	g_assert_nonnull(g_strstr_len(str, -1, "none"));

	/* fwupd knows what it installed, and the engine's after-install check holds */
	fu_test_install(self, "1.5");
	g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, 1);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.5");
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_false(
	    fu_device_has_private_flag(device, FU_DEVICE_PRIVATE_FLAG_NO_VERSION_EXPECTED));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Firmware image with Arm Live Firmware Activation; the firmware does not "
			"report its version, 1.5 is the one fwupd activated in this boot");

	/* the daemon restarts in the same boot */
	device = fu_test_restart(self);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.5");

	/* a reboot runs whatever the platform booted */
	fu_test_set_boot_id(self, "5a2b3c4d-0000-4000-8000-000000000002");
	device = fu_test_restart(self);
	g_assert_null(fu_device_get_version(device));

	/* and the next install records in the new boot */
	fu_test_install(self, "1.6");
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.6");
	record = fu_test_record_filename(self);
	{
		g_autofree gchar *buf = NULL;
		g_assert_true(g_file_get_contents(record, &buf, NULL, NULL));
		g_assert_nonnull(g_strstr_len(buf, -1, "000000000002"));
		g_assert_null(g_strstr_len(buf, -1, "000000000001"));
	}
}

static void
fu_lfa_plugin_tfa_deferred_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new_tfa();

	fu_test_set_policy(self, "deferred");
	device = fu_test_get_device(self, GUID_BL31);
	fu_test_install(self, "1.6");
	g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, 0);
	g_assert_null(fu_device_get_version(device));
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Version 1.6 is staged and pending live activation");

	/* still staged after a daemon restart, then activated by fwupdmgr activate */
	device = fu_test_restart(self);
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Version 1.6 is staged and pending live activation");
	fu_test_activate(self, device);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.6");

	fu_test_set_policy(self, "immediate");
}

/* what fwupd recorded goes stale the moment the image changes without it */
static void
fu_lfa_plugin_tfa_out_of_band_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new_tfa();

	device = fu_test_get_device(self, GUID_BL31);
	fu_test_install(self, "1.5");
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.5");

	/* the BMC stages an image: 1.5 still runs */
	fu_test_image_set(self, GUID_BL31, "activation_pending", "1");
	fu_test_image_set(self, GUID_BL31, "pending_version", "0.0");
	fu_test_rescan_uevent(self);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.5");
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"An update is staged and pending live activation");

	/* fwupdmgr activate runs the BMC's image, whose version nobody knows */
	fu_test_activate(self, device);
	g_assert_null(fu_device_get_version(device));

	/* the kernel auto-activates an image the BMC staged over fwupd's */
	fu_test_install(self, "1.7");
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.7");
	fu_test_image_set(self, GUID_BL31, "activation_pending", "1");
	fu_test_rescan_uevent(self);
	fu_test_image_set(self, GUID_BL31, "activation_pending", "0");
	fu_test_rescan_uevent(self);
	g_assert_null(fu_device_get_version(device));

	/* fwupd staged it but something else activated it while the daemon was down */
	fu_test_set_policy(self, "deferred");
	fu_test_install(self, "1.8");
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	fu_test_image_set(self, GUID_BL31, "activation_pending", "0");
	device = fu_test_restart(self);
	g_assert_null(fu_device_get_version(device));
	fu_test_set_policy(self, "immediate");
}

/* the record is a file an admin can break: it costs versions, never an update */
static void
fu_lfa_plugin_tfa_bad_record_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new_tfa();
	g_autofree gchar *record = fu_test_record_filename(self);
	g_autoptr(GError) error = NULL;
	gboolean ret;

	/* not a key file */
	ret = g_file_set_contents(record, "\x01 garbage [[[\n", -1, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	fu_test_plugin_start(self);
	g_assert_cmpint(self->warnings->len, ==, 1);
	g_assert_nonnull(g_strstr_len(g_ptr_array_index(self->warnings, 0), -1, "versions.conf"));
	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);
	g_assert_null(fu_device_get_version(device));
	fu_test_install(self, "1.5");
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.5");

	/* a version fwupd could not display is ignored */
	ret = g_file_set_contents(record,
				  "[" GUID_BL31 "]\n"
				  "BootId=5a2b3c4d-0000-4000-8000-000000000001\n"
				  "Running=1.2.3\n",
				  -1,
				  &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	device = fu_test_restart(self);
	g_assert_null(fu_device_get_version(device));

	/* and a release whose version is not a pair is installed but not recorded */
	fu_test_install(self, "1.2.3");
	g_assert_null(fu_device_get_version(device));
}

/* the platform publishes the version it booted in its SMBIOS firmware inventory
 * (type 45): that is the version until the image changes in this boot */
static void
fu_lfa_plugin_tfa_smbios_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autofree gchar *str = NULL;

	fu_test_image_set(self, GUID_BL31, "current_version", "0.0");
	fu_test_image_set(self, GUID_BL31, "activation_pending", "0");
	fu_test_image_set(self, GUID_BL31, "pending_version", "N/A");
	fu_test_image_set(self, GUID_BL33, "current_version", "0.0");
	fu_test_image_set(self, GUID_UNKNOWN, "current_version", "0.0");
	fu_test_kernel_command(self,
			       "versions=none\n"
			       "dmi-firmware-inventory " GUID_BL31 " 1.4\n"
			       /* a free-form version cannot be compared with a pair */
			       "dmi-firmware-inventory " GUID_BL33 " v2-rc1 version_format=0\n"
			       /* what the firmware reports is what runs now */
			       "dmi-firmware-inventory " GUID_RMM " 9.9\n"
			       /* an ID that is not a GUID names nothing */
			       "dmi-firmware-inventory " GUID_UNKNOWN " 3.0 id_format=0\n");
	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.4");
	g_assert_false(
	    fu_device_has_private_flag(device, FU_DEVICE_PRIVATE_FLAG_NO_VERSION_EXPECTED));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Firmware image with Arm Live Firmware Activation; the firmware does not "
			"report its version, 1.4 is the one the platform booted (SMBIOS firmware "
			"inventory)");
	str = fu_device_to_string(device);
	g_assert_true(fu_test_string_has_kv(str, "VersionSource", "smbios"));
	g_assert_null(fu_device_get_version(fu_test_get_device(self, GUID_BL33)));
	g_assert_cmpstr(fu_device_get_version(fu_test_get_device(self, GUID_RMM)), ==, "0.8");
	g_assert_null(fu_device_get_version(fu_test_get_device(self, GUID_UNKNOWN)));

	/* the BMC stages an image, and the kernel activates it behind fwupd's back */
	fu_test_image_set(self, GUID_BL31, "activation_pending", "1");
	fu_test_image_set(self, GUID_BL31, "pending_version", "0.0");
	fu_test_rescan_uevent(self);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.4");
	fu_test_image_set(self, GUID_BL31, "activation_pending", "0");
	fu_test_image_set(self, GUID_BL31, "pending_version", "N/A");
	fu_test_rescan_uevent(self);
	g_assert_null(fu_device_get_version(device));

	/* the daemon restarts in the same boot: the platform still booted 1.4, but
	 * that no longer runs */
	device = fu_test_restart(self);
	g_assert_null(fu_device_get_version(device));

	/* what fwupd activated runs */
	fu_test_install(self, "1.5");
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.5");

	/* the next boot runs what the platform booted */
	fu_test_set_boot_id(self, "5a2b3c4d-0000-4000-8000-000000000002");
	device = fu_test_restart(self);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.4");
}

static void
fu_lfa_plugin_upload_func(void)
{
	FuDevice *device;
	gboolean ret;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(FuFirmware) firmware = fu_test_firmware_new("payload", 1, 5);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) blob = NULL;
	g_autofree gchar *data = NULL;
	g_autofree gchar *buf = NULL;
	gsize bufsz = 0;

	/* nothing pending yet, so the device is updatable */
	fu_test_image_set(self, GUID_BL31, "activation_pending", "0");
	fu_test_image_set(self, GUID_BL31, "pending_version", "N/A");
	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE));
	g_assert_null(fu_device_get_update_error(device));

	ret = fu_test_write_firmware(self, device, firmware, progress, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	data = g_build_filename(self->root, "class", "firmware", "lfa-" GUID_BL31, "data", NULL);
	g_file_get_contents(data, &buf, &bufsz, &error);
	g_assert_no_error(error);
	blob = fu_firmware_get_bytes(firmware, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(buf, bufsz, g_bytes_get_data(blob, NULL), g_bytes_get_size(blob));
	g_assert_cmpint(fu_test_kernel_count(self, "upload_count"), ==, 1);
	g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, 1);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.5");
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_REBOOT));
	g_assert_cmpint(fu_progress_get_percentage(progress), ==, 100);
}

static void
fu_lfa_plugin_upload_deferred_func(void)
{
	FuDevice *device;
	gboolean ret;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(FuFirmware) firmware = fu_test_firmware_new("deferred", 1, 6);
	g_autoptr(GError) error = NULL;

	fu_test_image_set(self, GUID_BL31, "activation_pending", "0");
	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);

	/* bad values are refused */
	ret = fu_plugin_runner_modify_config(self->plugin, "ActivationPolicy", "later", &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_INVALID_DATA);
	g_assert_false(ret);
	g_clear_error(&error);
	ret = fu_plugin_runner_modify_config(self->plugin, "Unknown", "1", &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_NOT_SUPPORTED);
	g_assert_false(ret);
	g_clear_error(&error);

	fu_test_set_policy(self, "deferred");
	g_assert_cmpstr(fu_plugin_get_config_value(self->plugin, "ActivationPolicy"),
			==,
			"deferred");

	ret = fu_test_write_firmware(self, device, firmware, progress, &error);
	g_assert_no_error(error);
	g_assert_true(ret);
	g_assert_cmpint(fu_test_kernel_count(self, "upload_count"), ==, 1);
	g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, 0);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.2");
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_REBOOT));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Version 1.6 is staged and pending live activation");

	/* activated later by fwupdmgr activate */
	fu_test_activate(self, device);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.6");

	/* back to the default for the other tests sharing this state directory */
	fu_test_set_policy(self, "immediate");
}

/* fwupd's shutdown hook runs `fwupdtool activate` from systemd-shutdown */
static void
fu_lfa_plugin_final_shutdown_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autofree gchar *pid1 = g_build_filename(self->tmpdir, "proc", "1", NULL);

	g_assert_cmpint(g_mkdir_with_parents(pid1, 0755), ==, 0);
	fu_test_file_set(pid1, "comm", "systemd");
	device = fu_test_restart(self);
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));

	/* the reboot under way boots the staged image: nothing for the hook */
	fu_test_file_set(pid1, "comm", "systemd-shutdow");
	device = fu_test_restart(self);
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	g_assert_cmpstr(fu_device_get_summary(device),
			==,
			"Version 1.3 is staged and pending live activation");
	g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, 0);
}

static void
fu_lfa_plugin_upload_error_func(void)
{
	struct {
		const gchar *kernel_error;
		gint code;
		const gchar *needle;
	} map[] = {
	    {"preparing:firmware-invalid", FWUPD_ERROR_INVALID_FILE, "rejected the image"},
	    {"preparing:invalid-file-size", FWUPD_ERROR_INVALID_FILE, "size"},
	    {"transferring:device-busy", FWUPD_ERROR_BUSY, "another upload"},
	    {"programming:hw-error", FWUPD_ERROR_WRITE, "hardware reported an error"},
	    {"programming:timeout", FWUPD_ERROR_TIMED_OUT, "in time"},
	    {"transferring:read-write-error", FWUPD_ERROR_WRITE, "staging area"},
	    {"programming:flash-wearout", FWUPD_ERROR_WRITE, "wearing out"},
	    {"receiving:user-abort", FWUPD_ERROR_WRITE, "cancelled"},
	    {"programming:something-new", FWUPD_ERROR_WRITE, "unknown upload error"},
	};
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autoptr(FuFirmware) firmware = fu_test_firmware_new("bad", 1, 7);
	FuDevice *device;

	fu_test_image_set(self, GUID_BL31, "activation_pending", "0");
	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);
	for (guint i = 0; i < G_N_ELEMENTS(map); i++) {
		gboolean ret;
		g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
		g_autoptr(GError) error = NULL;
		g_auto(GStrv) split = g_strsplit(map[i].kernel_error, ":", 2);

		g_autofree gchar *cmd = g_strdup_printf("upload_error=%s\n", map[i].kernel_error);

		fu_test_kernel_command(self, cmd);
		ret = fu_test_write_firmware(self, device, firmware, progress, &error);
		g_debug("%s: %s", map[i].kernel_error, error != NULL ? error->message : "");
		g_assert_error(error, FWUPD_ERROR, map[i].code);
		g_assert_false(ret);
		g_assert_nonnull(g_strstr_len(error->message, -1, map[i].needle));
		g_assert_nonnull(g_strstr_len(error->message, -1, GUID_BL31));
		g_assert_nonnull(g_strstr_len(error->message, -1, split[0]));
		g_assert_nonnull(g_strstr_len(error->message, -1, split[1]));
		g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, 0);
	}

	/* accepted by the upload class but discarded by the platform */
	fu_test_write_firmware_fails(self,
				     device,
				     firmware,
				     "upload_error= upload_discard=1\n",
				     FWUPD_ERROR_WRITE,
				     "discarded",
				     0);

	/* a status the plugin does not know fails instead of polling forever */
	fu_test_write_firmware_fails(self,
				     device,
				     firmware,
				     "upload_discard=0 upload_status=bogus\n",
				     FWUPD_ERROR_INVALID_DATA,
				     "unknown upload status 'bogus'",
				     0);

	/* staged, but the platform authenticates it when it is primed and discards it */
	{
		gsize bufsz = 0;
		g_autoptr(FuFirmware) corrupt = fu_test_firmware_new("bad", 1, 7);
		g_autoptr(GBytes) blob = fu_firmware_get_bytes(corrupt, NULL);
		g_autoptr(GBytes) blob_bad = NULL;
		const guint8 *data = g_bytes_get_data(blob, &bufsz);
		g_autofree guint8 *buf = g_memdup2(data, bufsz);

		/* the last payload byte: the header's CRC no longer matches */
		buf[bufsz - 1] ^= 0xff;
		blob_bad = g_bytes_new(buf, bufsz);
		fu_firmware_set_bytes(corrupt, blob_bad);
		fu_test_write_firmware_fails(self,
					     device,
					     corrupt,
					     "upload_status=\n",
					     FWUPD_ERROR_SIGNATURE_INVALID,
					     "failed authentication",
					     1);
		g_assert_cmpstr(fu_device_get_version(device), ==, "1.2");
	}
}

static void
fu_lfa_plugin_no_upload_func(void)
{
	FuDevice *device;
	gboolean ret;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(FuFirmware) firmware = fu_test_firmware_new("x", 1, 8);
	g_autoptr(GError) error = NULL;

	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL33);
	ret = fu_test_write_firmware(self, device, firmware, progress, &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_NOT_SUPPORTED);
	g_assert_nonnull(g_strstr_len(error->message, -1, "fwupdmgr activate"));
	g_assert_false(ret);
}

/* what src/fu-self-test does to every device type: no tree, odd physical ID */
/* TF-A's image GUIDs are the same on every platform: firmware matches only the
 * GUID qualified by this platform's manufacturer and product */
static void
fu_lfa_plugin_platform_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = fu_test_new("inventory.txt");
	g_autofree gchar *guid_qualified = fwupd_guid_hash_string(TEST_INSTANCE_BL31);
	g_autofree gchar *guid_other =
	    fwupd_guid_hash_string("LFA\\VENDOR_Example&PRODUCT_Other-Server&GUID_" GUID_BL31);

	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);
	g_assert_true(fu_device_has_guid(device, guid_qualified));
	g_assert_false(fu_device_has_guid(device, guid_other));
	g_assert_false(fu_device_has_guid(device, GUID_BL31));
	g_assert_true(fu_device_has_instance_id(device, GUID_BL31, FU_DEVICE_INSTANCE_FLAG_QUIRKS));
	g_assert_false(
	    fu_device_has_instance_id(device, GUID_BL31, FU_DEVICE_INSTANCE_FLAG_VISIBLE));
	/* the quirk still names it */
	g_assert_cmpstr(fu_device_get_name(device), ==, "TF-A BL31 Runtime Firmware");
	g_assert_true(fu_device_has_vendor_id(device, "DMI:" TEST_MANUFACTURER));
}

/* a platform that names nobody must not accept everybody's firmware */
static void
fu_lfa_plugin_no_platform_func(void)
{
	FuDevice *device;
	g_autoptr(FuTest) self = NULL;

	fu_test_set_platform(NULL, TEST_PRODUCT);
	self = fu_test_new("inventory.txt");
	fu_test_set_platform(TEST_MANUFACTURER, TEST_PRODUCT);
	fu_test_coldplug(self);
	device = fu_test_get_device(self, GUID_BL31);
	g_assert_cmpint(fu_device_get_guids(device)->len, ==, 0);
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE));
	g_assert_false(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_UPDATABLE_HIDDEN));
	g_assert_nonnull(
	    g_strstr_len(fu_device_get_update_error(device), -1, "does not identify itself"));

	/* what the BMC staged still activates live */
	g_assert_true(fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION));
	fu_test_activate(self, device);
	g_assert_cmpint(fu_test_kernel_count(self, "activate_count"), ==, 1);
	g_assert_cmpstr(fu_device_get_version(device), ==, "1.3");
}

static void
fu_lfa_device_no_tree_func(void)
{
	gboolean ret;
	g_autoptr(FuContext) ctx = fu_context_new();
	g_autoptr(FuLfaDevice) device = fu_lfa_device_new(ctx, "/sys");
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *str = NULL;

	ret = fu_device_probe(FU_DEVICE(device), &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_INVALID_DATA);
	g_assert_false(ret);
	g_clear_error(&error);
	ret = fu_device_activate(FU_DEVICE(device), progress, &error);
	g_assert_error(error, FWUPD_ERROR, FWUPD_ERROR_NOT_SUPPORTED);
	g_assert_false(ret);
	str = fu_device_to_string(FU_DEVICE(device));
	g_assert_nonnull(str);
}

/* a typo in a test's command must fail that test, not leave a fault uninjected */
static void
fu_lfa_fake_kernel_control_func(void)
{
	g_autoptr(FuTest) self = fu_test_new(NULL);
	const gchar *bad[] = {"activate_erno=16\n",
			      "activate_noop=yes\n",
			      "versions=some\n",
			      "image " GUID_NEW " colour=blue\n",
			      "image ../" GUID_NEW "\n",
			      "smccc-device arm-smccc-lfa\n",
			      "name='unbalanced\n",
			      /* a last line without a newline runs when the file is closed */
			      "bogus",
			      NULL};

	for (guint i = 0; bad[i] != NULL; i++)
		g_assert_cmpint(fu_lfa_fake_kernel_client_command(self->root, bad[i]), ==, EINVAL);
	fu_test_kernel_command(self, "# a comment\n\nactivate_errno=16");
	g_assert_cmpint(fu_test_kernel_count(self, "activate_errno"), ==, EBUSY);
	fu_test_kernel_command(self, "reset\n");
	g_assert_cmpint(fu_test_kernel_count(self, "activate_errno"), ==, 0);
}

static void
fu_test_no_fake_kernel_func(void)
{
	g_test_skip("lfa-fake-kernel was not built: fwupd was configured without libfuse3");
}

/* the tests over a sysfs tree need the fake kernel to serve it */
static void
fu_test_add_kernel_func(const gchar *path, GTestFunc func)
{
	g_test_add_func(path, fu_test_has_fake_kernel() ? func : fu_test_no_fake_kernel_func);
}

int
main(int argc, char **argv)
{
	gint rc;
	g_autofree gchar *statedir = NULL;
	g_autoptr(GError) error = NULL;

	(void)g_setenv("G_TEST_SRCDIR", SRCDIR, FALSE);

	/* the fake trees hold thousands of small files: keep them off slow disks */
	if (g_getenv("TMPDIR") == NULL && g_access("/dev/shm", W_OK) == 0)
		(void)g_setenv("TMPDIR", "/dev/shm", TRUE);
	g_test_init(&argc, &argv, NULL);
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	g_log_set_handler("FuPluginLfa", G_LOG_LEVEL_WARNING, fu_test_log_cb, NULL);
	(void)g_setenv("G_MESSAGES_DEBUG", "all", FALSE);

	/* config written by modify-config must not leak into other runs */
	statedir = g_dir_make_tmp("fu-lfa-state-XXXXXX", &error);
	g_assert_no_error(error);
	(void)g_setenv("FWUPD_LOCALSTATEDIR", statedir, TRUE);
	(void)g_setenv("FWUPD_SYSCONFDIR", statedir, TRUE);
	(void)g_setenv("FWUPD_DATADIR_QUIRKS", SRCDIR, TRUE);
	fu_test_set_platform(TEST_MANUFACTURER, TEST_PRODUCT);

	g_test_add_func("/lfa/sysfs/parse", fu_lfa_sysfs_parse_func);
	g_test_add_func("/lfa/sysfs/read", fu_lfa_sysfs_read_func);
	g_test_add_func("/lfa/device/no-tree", fu_lfa_device_no_tree_func);
	fu_test_add_kernel_func("/lfa/fake-kernel/control", fu_lfa_fake_kernel_control_func);
	fu_test_add_kernel_func("/lfa/plugin/coldplug", fu_lfa_plugin_coldplug_func);
	fu_test_add_kernel_func("/lfa/plugin/platform", fu_lfa_plugin_platform_func);
	fu_test_add_kernel_func("/lfa/plugin/no-platform", fu_lfa_plugin_no_platform_func);
	fu_test_add_kernel_func("/lfa/plugin/no-inventory", fu_lfa_plugin_no_inventory_func);
	fu_test_add_kernel_func("/lfa/plugin/malformed", fu_lfa_plugin_malformed_func);
	fu_test_add_kernel_func("/lfa/plugin/many", fu_lfa_plugin_many_func);
	fu_test_add_kernel_func("/lfa/plugin/rescan", fu_lfa_plugin_rescan_func);
	fu_test_add_kernel_func("/lfa/plugin/rescan-quiet", fu_lfa_plugin_rescan_quiet_func);
	fu_test_add_kernel_func("/lfa/plugin/poll", fu_lfa_plugin_poll_func);
	fu_test_add_kernel_func("/lfa/plugin/faux-event", fu_lfa_plugin_faux_event_func);
	fu_test_add_kernel_func("/lfa/plugin/smccc-event", fu_lfa_plugin_smccc_event_func);
	fu_test_add_kernel_func("/lfa/plugin/no-poll", fu_lfa_plugin_no_poll_func);
	fu_test_add_kernel_func("/lfa/plugin/activate", fu_lfa_plugin_activate_func);
	fu_test_add_kernel_func("/lfa/plugin/activate-errno", fu_lfa_plugin_activate_errno_func);
	fu_test_add_kernel_func("/lfa/plugin/activate-inconsistent",
				fu_lfa_plugin_activate_inconsistent_func);
	fu_test_add_kernel_func("/lfa/plugin/activate-unknown-version",
				fu_lfa_plugin_activate_unknown_version_func);
	fu_test_add_kernel_func("/lfa/plugin/activate-unreported-version",
				fu_lfa_plugin_activate_unreported_version_func);
	fu_test_add_kernel_func("/lfa/plugin/tfa-versions", fu_lfa_plugin_tfa_versions_func);
	fu_test_add_kernel_func("/lfa/plugin/tfa-deferred", fu_lfa_plugin_tfa_deferred_func);
	fu_test_add_kernel_func("/lfa/plugin/tfa-out-of-band", fu_lfa_plugin_tfa_out_of_band_func);
	fu_test_add_kernel_func("/lfa/plugin/tfa-bad-record", fu_lfa_plugin_tfa_bad_record_func);
	fu_test_add_kernel_func("/lfa/plugin/tfa-smbios", fu_lfa_plugin_tfa_smbios_func);
	fu_test_add_kernel_func("/lfa/plugin/upload", fu_lfa_plugin_upload_func);
	fu_test_add_kernel_func("/lfa/plugin/upload-deferred", fu_lfa_plugin_upload_deferred_func);
	fu_test_add_kernel_func("/lfa/plugin/upload-error", fu_lfa_plugin_upload_error_func);
	fu_test_add_kernel_func("/lfa/plugin/final-shutdown", fu_lfa_plugin_final_shutdown_func);
	fu_test_add_kernel_func("/lfa/plugin/no-upload", fu_lfa_plugin_no_upload_func);
	rc = g_test_run();
	fu_test_rm_rf(statedir);
	return rc;
}

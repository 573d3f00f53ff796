/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * How long the plugin takes to coldplug an inventory and to rescan it when the
 * kernel announces a change: a newly pending image must show NEEDS_ACTIVATION
 * within one second of the uevent.  lfa-fake-kernel builds the tree, as for
 * the self-test, and is stopped before the clock starts: nothing here writes
 * what the kernel would answer, and a FUSE round trip per read would measure
 * FUSE rather than the plugin.  The plain files it leaves are in memory, as
 * sysfs is.  Prints one line per run and a summary line
 * (median, min, max) per inventory size; run with `meson test --benchmark
 * lfa-bench`, or `lfa-bench RUNS` as ./scripts/bench does.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "fu-context-private.h"
#include "fu-lfa-compat-test.h"
#include "fu-lfa-device.h"
#include "fu-lfa-fake-kernel-client.h"
#include "fu-lfa-plugin.h"
#include "fu-plugin-private.h"
#include "fu-udev-device-private.h"

#define FU_LFA_BENCH_ROUNDS 20
#define FU_LFA_BENCH_RUNS   5

/* what the kernel shows once the platform staged an image behind fwupd's back */
static void
fu_lfa_bench_set(const gchar *dir, const gchar *attr, const gchar *value)
{
	g_autofree gchar *fn = g_build_filename(dir, attr, NULL);
	g_autofree gchar *str = g_strdup_printf("%s\n", value);
	g_autoptr(GError) error = NULL;

	if (!g_file_set_contents(fn, str, -1, &error))
		g_error("%s", error->message);
}

static gchar *
fu_lfa_bench_guid(guint idx)
{
	return g_strdup_printf("%08x-0000-4000-8000-%012x", idx, idx);
}

/* @cnt images and the kernel driver's platform device, bound, built by the
 * fake kernel as for the self-test */
static FuUdevDevice *
fu_lfa_bench_tree(FuContext *ctx, const gchar *root, guint cnt)
{
	g_autoptr(GString) commands = g_string_new("platform-device\n");
	g_autofree gchar *sysfs_path =
	    g_build_filename(root, "devices", "platform", "arm-lfa", NULL);
	FuUdevDevice *udev_device;
	gint errsv;

	for (guint i = 0; i < cnt; i++) {
		g_autofree gchar *guid = fu_lfa_bench_guid(i);
		g_string_append_printf(commands, "image %s name=bench current=1.0\n", guid);
	}
	errsv = fu_lfa_fake_kernel_client_command(root, commands->str);
	if (errsv != 0)
		g_error("cannot build the tree in %s: %s", root, g_strerror(errsv));
	udev_device =
	    g_object_new(FU_TYPE_UDEV_DEVICE, "context", ctx, "backend-id", sysfs_path, NULL);
	fu_udev_device_add_property(udev_device, "LFA_INVENTORY", "settled");
	return udev_device;
}

static void
fu_lfa_bench_device_added_cb(FuPlugin *plugin, FuDevice *device, gpointer user_data)
{
	GHashTable *devices = (GHashTable *)user_data;
	g_hash_table_insert(devices,
			    g_strdup(fu_lfa_device_get_guid(FU_LFA_DEVICE(device))),
			    g_object_ref(device));
}

static void
fu_lfa_bench_run(guint cnt, gdouble *coldplug_out, gdouble *rescan_out)
{
	gdouble coldplug_ms;
	gdouble rescan_ms = 0.f;
	gdouble rescan_max_ms = 0.f;
	g_autofree gchar *tmpdir = g_dir_make_tmp("fu-lfa-bench-XXXXXX", NULL);
	g_autofree gchar *root = g_build_filename(tmpdir, "sys", NULL);
	g_autoptr(GSubprocess) kernel = NULL;
	g_autoptr(FuContext) ctx = fu_context_new();
	g_autoptr(FuPlugin) plugin = NULL;
	g_autoptr(FuProgress) progress = fu_progress_new(G_STRLOC);
	g_autoptr(FuUdevDevice) platform = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) devices =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
	g_autoptr(GTimer) timer = g_timer_new();

	if (g_mkdir(root, 0755) != 0)
		g_error("cannot create %s", root);
	kernel = fu_lfa_fake_kernel_client_start(root, &error);
	if (kernel == NULL)
		g_error("%s", error->message);
	platform = fu_lfa_bench_tree(ctx, root, cnt);
	if (!fu_lfa_fake_kernel_client_stop(kernel, &error))
		g_error("%s", error->message);
	(void)g_setenv("FWUPD_SYSFSDIR", root, TRUE);

	if (!fu_lfa_context_load_for_test(ctx, progress, &error))
		g_error("%s", error->message);
	plugin = fu_plugin_new_from_gtype(fu_lfa_plugin_get_type(), ctx);
	g_signal_connect(plugin, "device-added", G_CALLBACK(fu_lfa_bench_device_added_cb), devices);
	if (!fu_plugin_runner_startup(plugin, progress, &error))
		g_error("%s", error->message);

	g_timer_start(timer);
	if (!fu_plugin_runner_coldplug(plugin, progress, &error))
		g_error("%s", error->message);
	coldplug_ms = g_timer_elapsed(timer, NULL) * 1000.f;
	if (g_hash_table_size(devices) != cnt)
		g_error("coldplug found %u of %u images", g_hash_table_size(devices), cnt);

	/* stage an update on one image, then time the rescan the uevent starts */
	for (guint r = 0; r < FU_LFA_BENCH_ROUNDS; r++) {
		g_autofree gchar *guid = fu_lfa_bench_guid(r % cnt);
		g_autofree gchar *dir = g_build_filename(root, "firmware", "lfa", guid, NULL);
		FuDevice *device = g_hash_table_lookup(devices, guid);
		gdouble ms;

		fu_lfa_bench_set(dir, "activation_pending", "1");
		fu_lfa_bench_set(dir, "pending_version", "1.1");
		g_timer_start(timer);
		if (!fu_plugin_runner_backend_device_changed(plugin, FU_DEVICE(platform), &error))
			g_error("%s", error->message);
		ms = g_timer_elapsed(timer, NULL) * 1000.f;
		if (!fu_device_has_flag(device, FWUPD_DEVICE_FLAG_NEEDS_ACTIVATION))
			g_error("%s is not flagged after the rescan", guid);
		rescan_ms += ms;
		rescan_max_ms = MAX(rescan_max_ms, ms);

		/* back to idle, as after an activation */
		fu_lfa_bench_set(dir, "activation_pending", "0");
		fu_lfa_bench_set(dir, "pending_version", "N/A");
		if (!fu_plugin_runner_backend_device_changed(plugin, FU_DEVICE(platform), &error))
			g_error("%s", error->message);
	}
	g_print("images=%-5u coldplug_ms=%-9.2f rescan_ms_mean=%-9.2f rescan_ms_max=%-9.2f"
		" (target: uevent to needs-activation < 1000 ms)\n",
		cnt,
		coldplug_ms,
		rescan_ms / FU_LFA_BENCH_ROUNDS,
		rescan_max_ms);
	*coldplug_out = coldplug_ms;
	*rescan_out = rescan_ms / FU_LFA_BENCH_ROUNDS;

	if (!fu_path_rmtree(tmpdir, &error))
		g_warning("%s", error->message);
}

static gint
fu_lfa_bench_cmp_cb(gconstpointer a, gconstpointer b)
{
	gdouble da = *(const gdouble *)a;
	gdouble db = *(const gdouble *)b;
	return (da > db) - (da < db);
}

/* the median of a noisy machine's runs, with the spread beside it */
static void
fu_lfa_bench_print_summary(const gchar *what, guint cnt, GArray *values)
{
	g_array_sort(values, fu_lfa_bench_cmp_cb);
	g_print("summary images=%u %s_median=%.2f min=%.2f max=%.2f runs=%u\n",
		cnt,
		what,
		g_array_index(values, gdouble, values->len / 2),
		g_array_index(values, gdouble, 0),
		g_array_index(values, gdouble, values->len - 1),
		values->len);
}

int
main(int argc, char **argv)
{
	guint sizes[] = {1, 16, 128, 256, 1024};
	guint64 runs = FU_LFA_BENCH_RUNS;
	g_autoptr(GError) error = NULL;

	(void)g_setenv("G_DEBUG", "fatal-criticals", FALSE);
	(void)g_setenv("FWUPD_LOCALSTATEDIR", "/tmp/fwupd-lfa-bench/var", FALSE);

	/* sysfs is in memory: a tree on a disk would measure the disk */
	if (g_getenv("TMPDIR") == NULL && g_access("/dev/shm", W_OK) == 0)
		(void)g_setenv("TMPDIR", "/dev/shm", TRUE);
	if (argc > 1 && !fu_strtoull(argv[1], &runs, 1, 1000, FU_INTEGER_BASE_10, &error)) {
		g_printerr("usage: lfa-bench [RUNS]: %s\n", error->message);
		return 1;
	}
	for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
		g_autoptr(GArray) coldplug = g_array_new(FALSE, FALSE, sizeof(gdouble));
		g_autoptr(GArray) rescan = g_array_new(FALSE, FALSE, sizeof(gdouble));
		for (guint r = 0; r < runs; r++) {
			gdouble coldplug_ms = 0.f;
			gdouble rescan_ms = 0.f;
			fu_lfa_bench_run(sizes[i], &coldplug_ms, &rescan_ms);
			g_array_append_val(coldplug, coldplug_ms);
			g_array_append_val(rescan, rescan_ms);
		}
		fu_lfa_bench_print_summary("coldplug_ms", sizes[i], coldplug);
		fu_lfa_bench_print_summary("rescan_ms", sizes[i], rescan);
	}
	return 0;
}

/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* lfa-fake-kernel: the backing tree's files, and the fixtures built in it */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fu-lfa-fake-kernel.h"

/* the names lfa_fw gives the images it knows; any other is named by its GUID */
static const gchar *
fu_lfa_fake_kernel_known_name(const gchar *guid)
{
	if (g_strcmp0(guid, "47d4086d-4cfe-9846-9b95-2950cbbd5a00") == 0)
		return "TF-A BL31 runtime";
	if (g_strcmp0(guid, "d6d0eea7-fcea-d54b-9782-9934f234b6e4") == 0)
		return "BL33 non-secure payload";
	if (g_strcmp0(guid, "6c0762a6-12f2-4b56-92cb-ba8f633606d9") == 0)
		return "TF-RMM";
	return guid;
}

gboolean
fu_lfa_fake_kernel_get_raw(FuLfaFakeKernel *self,
			   const gchar *rel,
			   guint8 *buf,
			   gsize bufsz,
			   gsize *len)
{
	gssize rc;
	gint fd = openat(self->root_fd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return FALSE;
	rc = read(fd, buf, bufsz);
	close(fd);
	if (rc < 0)
		return FALSE;
	*len = rc;
	return TRUE;
}

/* a sysfs value without its newline, or NULL */
gchar *
fu_lfa_fake_kernel_get(FuLfaFakeKernel *self, const gchar *dir, const gchar *attr)
{
	gchar buf[256] = {0};
	gsize len = 0;
	g_autofree gchar *rel = g_build_filename(dir, attr, NULL);
	if (!fu_lfa_fake_kernel_get_raw(self, rel, (guint8 *)buf, sizeof(buf) - 1, &len))
		return NULL;
	buf[len] = '\0';
	return g_strchomp(g_strdup(buf));
}

gboolean
fu_lfa_fake_kernel_set_raw(FuLfaFakeKernel *self, const gchar *rel, const guint8 *buf, gsize bufsz)
{
	gint fd = openat(self->root_fd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	gboolean ret;
	if (fd < 0)
		return FALSE;
	ret = bufsz == 0 || write(fd, buf, bufsz) == (gssize)bufsz;
	close(fd);
	return ret;
}

/* as sysfs shows a value: one newline after it, nothing for an empty one */
gboolean
fu_lfa_fake_kernel_set(FuLfaFakeKernel *self,
		       const gchar *dir,
		       const gchar *attr,
		       const gchar *value)
{
	g_autofree gchar *rel = g_build_filename(dir, attr, NULL);
	g_autofree gchar *str = g_strdup_printf("%s\n", value);
	return fu_lfa_fake_kernel_set_raw(self,
					  rel,
					  (const guint8 *)str,
					  value[0] == '\0' ? 0 : strlen(str));
}

gboolean
fu_lfa_fake_kernel_mkdir(FuLfaFakeKernel *self, const gchar *rel)
{
	g_auto(GStrv) parts = g_strsplit(rel, "/", -1);
	g_autoptr(GString) path = g_string_new(NULL);
	for (guint i = 0; parts[i] != NULL; i++) {
		if (parts[i][0] == '\0')
			continue;
		if (path->len > 0)
			g_string_append_c(path, '/');
		g_string_append(path, parts[i]);
		if (mkdirat(self->root_fd, path->str, 0755) < 0 && errno != EEXIST)
			return FALSE;
	}
	return TRUE;
}
/* key=value arguments of a fixture command, checked against @allowed */
static GHashTable *
fu_lfa_fake_kernel_parse_kv(gchar **argv, const gchar **allowed)
{
	g_autoptr(GHashTable) kv = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; argv[i] != NULL; i++) {
		const gchar *eq = strchr(argv[i], '=');
		g_autofree gchar *key = eq != NULL ? g_strndup(argv[i], eq - argv[i]) : NULL;
		if (key == NULL || !g_strv_contains(allowed, key)) {
			g_printerr("lfa-fake-kernel: unknown argument %s\n", argv[i]);
			return NULL;
		}
		g_hash_table_insert(kv, g_steal_pointer(&key), g_strdup(eq + 1));
	}
	return g_steal_pointer(&kv);
}

static const gchar *
fu_lfa_fake_kernel_kv(GHashTable *kv, const gchar *key, const gchar *fallback)
{
	const gchar *value = g_hash_table_lookup(kv, key);
	return value != NULL ? value : fallback;
}

/* one image as lfa_fw lists it, and its firmware-upload device when upload=1 */
gint
fu_lfa_fake_kernel_image(FuLfaFakeKernel *self, gchar **argv)
{
	const gchar *allowed[] = {"name",
				  "current",
				  "pending",
				  "capable",
				  "may_reset_cpu",
				  "cpu_rendezvous",
				  "tunables",
				  "upload",
				  NULL};
	const gchar *guid = argv[0];
	const gchar *pending;
	g_autofree gchar *dir = NULL;
	g_autoptr(GHashTable) kv = NULL;

	if (guid == NULL || strchr(guid, '/') != NULL || guid[0] == '.')
		return EINVAL;
	kv = fu_lfa_fake_kernel_parse_kv(argv + 1, allowed);
	if (kv == NULL)
		return EINVAL;
	pending = fu_lfa_fake_kernel_kv(kv, "pending", NULL);
	dir = g_build_filename("firmware", "lfa", guid, NULL);
	if (!fu_lfa_fake_kernel_mkdir(self, dir))
		return errno;
	fu_lfa_fake_kernel_set(
	    self,
	    dir,
	    "name",
	    fu_lfa_fake_kernel_kv(kv, "name", fu_lfa_fake_kernel_known_name(guid)));
	fu_lfa_fake_kernel_set(self,
			       dir,
			       "current_version",
			       fu_lfa_fake_kernel_kv(kv, "current", "1.0"));
	fu_lfa_fake_kernel_set(self, dir, "pending_version", pending != NULL ? pending : "N/A");
	fu_lfa_fake_kernel_set(self,
			       dir,
			       "activation_capable",
			       fu_lfa_fake_kernel_kv(kv, "capable", "1"));
	fu_lfa_fake_kernel_set(self, dir, "activation_pending", pending != NULL ? "1" : "0");
	fu_lfa_fake_kernel_set(self,
			       dir,
			       "may_reset_cpu",
			       fu_lfa_fake_kernel_kv(kv, "may_reset_cpu", "0"));
	fu_lfa_fake_kernel_set(self,
			       dir,
			       "cpu_rendezvous",
			       fu_lfa_fake_kernel_kv(kv, "cpu_rendezvous", "1"));
	/* drivers older than the tunables lack these two */
	if (g_strcmp0(fu_lfa_fake_kernel_kv(kv, "tunables", "1"), "1") == 0) {
		fu_lfa_fake_kernel_set(self, dir, "force_cpu_rendezvous", "1");
		fu_lfa_fake_kernel_set(self, dir, "auto_activate", "0");
	}
	fu_lfa_fake_kernel_set(self, dir, "activate", "");
	fu_lfa_fake_kernel_set(self, dir, "cancel", "");

	if (g_strcmp0(fu_lfa_fake_kernel_kv(kv, "upload", "0"), "1") == 0) {
		g_autofree gchar *basename = g_strdup_printf("lfa-%s", guid);
		g_autofree gchar *up = g_build_filename("class", "firmware", basename, NULL);
		if (!fu_lfa_fake_kernel_mkdir(self, up))
			return errno;
		fu_lfa_fake_kernel_set(self, up, "loading", "0");
		fu_lfa_fake_kernel_set(self, up, "data", "");
		fu_lfa_fake_kernel_set(self, up, "status", "idle");
		fu_lfa_fake_kernel_set(self, up, "error", "");
		fu_lfa_fake_kernel_set(self, up, "remaining_size", "0");
		fu_lfa_fake_kernel_set(self, up, "cancel", "");
	}
	return 0;
}

/* lfa_fw's platform device, bound to its driver, as sysfs shows it */
gint
fu_lfa_fake_kernel_platform_device(FuLfaFakeKernel *self)
{
	if (!fu_lfa_fake_kernel_mkdir(self, "devices/platform/arm-lfa") ||
	    !fu_lfa_fake_kernel_mkdir(self, "bus/platform/drivers/arm-lfa"))
		return errno;
	if (symlinkat("../../../bus/platform/drivers/arm-lfa",
		      self->root_fd,
		      "devices/platform/arm-lfa/driver") < 0 &&
	    errno != EEXIST)
		return errno;
	return 0;
}

/* the SMCCC bus device of the upstream v3 and NVIDIA drivers */
gint
fu_lfa_fake_kernel_smccc_device(FuLfaFakeKernel *self, gchar **argv)
{
	g_autofree gchar *dir = NULL;
	g_autofree gchar *uevent = NULL;
	if (g_strv_length(argv) != 2 || strchr(argv[0], '/') != NULL || argv[0][0] == '.')
		return EINVAL;
	dir = g_build_filename("devices", "platform", "arm-smccc", argv[0], NULL);
	if (!fu_lfa_fake_kernel_mkdir(self, dir))
		return errno;
	uevent = g_strdup_printf("MODALIAS=%s", argv[1]);
	fu_lfa_fake_kernel_set(self, dir, "uevent", uevent);
	return 0;
}

/* the DMI tables as the kernel exports them, e.g. dmi sys_vendor=Example */
gint
fu_lfa_fake_kernel_dmi(FuLfaFakeKernel *self, gchar **argv)
{
	if (!fu_lfa_fake_kernel_mkdir(self, "class/dmi/id"))
		return errno;
	for (guint i = 0; argv[i] != NULL; i++) {
		const gchar *eq = strchr(argv[i], '=');
		g_autofree gchar *key = NULL;
		if (eq == NULL || eq == argv[i])
			return EINVAL;
		key = g_strndup(argv[i], eq - argv[i]);
		if (strchr(key, '/') != NULL || key[0] == '.')
			return EINVAL;
		fu_lfa_fake_kernel_set(self, "class/dmi/id", key, eq + 1);
	}
	return 0;
}

/* one SMBIOS Firmware Inventory Information structure (type 45) naming an image
 * by its GUID, as the kernel exports it in firmware/dmi/entries/45-N/raw */
gint
fu_lfa_fake_kernel_dmi_firmware_inventory(FuLfaFakeKernel *self, gchar **argv)
{
	const gchar *allowed[] = {"version_format", "id_format", NULL};
	const gchar *strings[] = {"LFA image", argv[0], argv[0] != NULL ? argv[1] : NULL};
	guint idx = 0;
	guint64 version_format = 0x01; /* MAJOR.MINOR */
	guint64 id_format = 0x01;      /* a UEFI GUID */
	guint8 hdr[0x18] = {0};
	g_autofree gchar *dir = NULL;
	g_autofree gchar *raw = NULL;
	g_autoptr(GByteArray) buf = g_byte_array_new();
	g_autoptr(GHashTable) kv = NULL;

	if (argv[0] == NULL || argv[1] == NULL)
		return EINVAL;
	kv = fu_lfa_fake_kernel_parse_kv(argv + 2, allowed);
	if (kv == NULL ||
	    !g_ascii_string_to_unsigned(fu_lfa_fake_kernel_kv(kv, "version_format", "1"),
					10,
					0,
					G_MAXUINT8,
					&version_format,
					NULL) ||
	    !g_ascii_string_to_unsigned(fu_lfa_fake_kernel_kv(kv, "id_format", "1"),
					10,
					0,
					G_MAXUINT8,
					&id_format,
					NULL))
		return EINVAL;
	do {
		g_free(dir);
		dir = g_strdup_printf("firmware/dmi/entries/45-%u", idx++);
	} while (faccessat(self->root_fd, dir, F_OK, AT_SYMLINK_NOFOLLOW) == 0);
	if (!fu_lfa_fake_kernel_mkdir(self, dir))
		return errno;

	/* type, length, handle; strings 1 name, 2 version, 3 ID; no release date,
	 * manufacturer or lowest version; image size unknown; state unknown */
	hdr[0x00] = 45;
	hdr[0x01] = sizeof(hdr);
	hdr[0x02] = idx;
	hdr[0x03] = 0x2d;
	hdr[0x04] = 1;
	hdr[0x05] = 3;
	hdr[0x06] = version_format;
	hdr[0x07] = 2;
	hdr[0x08] = id_format;
	memset(hdr + 0x0c, 0xff, 8);
	hdr[0x16] = 0x02;
	g_byte_array_append(buf, hdr, sizeof(hdr));
	for (guint i = 0; i < G_N_ELEMENTS(strings); i++)
		g_byte_array_append(buf, (const guint8 *)strings[i], strlen(strings[i]) + 1);
	g_byte_array_append(buf, (const guint8 *)"", 1);
	raw = g_build_filename(dir, "raw", NULL);
	if (!fu_lfa_fake_kernel_set_raw(self, raw, buf->data, buf->len))
		return errno;
	return 0;
}

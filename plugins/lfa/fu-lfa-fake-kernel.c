/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * The kernel's side of /sys/firmware/lfa and /sys/class/firmware/lfa-<GUID>
 * for tests: a FUSE filesystem mounted over a directory that serves what the
 * directory held before, so that fwupd reads it as a sysfs tree, and that
 * answers the writes a plain file cannot:
 *
 *  - firmware/lfa/<GUID>/activate: "1" activates the pending image, or fails
 *    with the errno the LFA driver's store handler returns;
 *  - class/firmware/lfa-<GUID>/loading: "1" starts an upload, "0" stages the
 *    emulated image written to data (its header checked as the emulated
 *    platform does, see README.md), "-1" aborts;
 *  - control: one command per line to build the tree and inject faults, see
 *    fu_lfa_fake_kernel_command(); reading it shows the knobs and counters.
 *
 * Usage: lfa-fake-kernel DIR; prints "ready" once DIR is served and unmounts
 * it on SIGTERM, or when the process that started it exits.
 */

#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LFA_HEADER_SIZE 40
#define LFA_PAYLOAD_MAX (64 * 1024)
#define LFA_IMAGE_MAX	(LFA_HEADER_SIZE + LFA_PAYLOAD_MAX)

typedef struct {
	gint root_fd; /* the directory under the mount, opened before mounting */
	/* knobs */
	gint activate_errno;
	gboolean activate_noop;
	gchar *activate_version;
	gchar *upload_error;
	gboolean upload_discard;
	gchar *upload_status;
	gboolean versions_none;
	/* counters */
	guint activate_count;
	guint upload_count;
	guint64 activate_ns;
	GHashTable *partial; /* fh of an open control file: GString of an unfinished line */
} FuLfaFakeKernel;

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

/* FUSE paths start with '/'; the backing tree is reached relative to root_fd */
static const gchar *
fu_lfa_fake_kernel_rel(const gchar *path)
{
	while (*path == '/')
		path++;
	return *path == '\0' ? "." : path;
}

static gboolean
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
static gchar *
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

static gboolean
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
static gboolean
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

static gboolean
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

/* what reading the control file shows */
static void
fu_lfa_fake_kernel_save_state(FuLfaFakeKernel *self)
{
	g_autofree gchar *str =
	    g_strdup_printf("activate_errno=%d\n"
			    "activate_noop=%d\n"
			    "activate_version=%s\n"
			    "upload_error=%s\n"
			    "upload_discard=%d\n"
			    "upload_status=%s\n"
			    "versions=%s\n"
			    "activate_count=%u\n"
			    "upload_count=%u\n"
			    "activate_ns=%" G_GUINT64_FORMAT "\n",
			    self->activate_errno,
			    self->activate_noop,
			    self->activate_version != NULL ? self->activate_version : "",
			    self->upload_error != NULL ? self->upload_error : "",
			    self->upload_discard,
			    self->upload_status != NULL ? self->upload_status : "",
			    self->versions_none ? "none" : "reported",
			    self->activate_count,
			    self->upload_count,
			    self->activate_ns);
	if (!fu_lfa_fake_kernel_set_raw(self, "control", (const guint8 *)str, strlen(str)))
		g_warning("cannot save the state: %s", g_strerror(errno));
}

static void
fu_lfa_fake_kernel_reset(FuLfaFakeKernel *self)
{
	g_clear_pointer(&self->activate_version, g_free);
	g_clear_pointer(&self->upload_error, g_free);
	g_clear_pointer(&self->upload_status, g_free);
	self->activate_errno = 0;
	self->activate_noop = FALSE;
	self->upload_discard = FALSE;
	self->versions_none = FALSE;
	self->activate_count = 0;
	self->upload_count = 0;
	self->activate_ns = 0;
}

/* IEEE 802.3, as zlib's crc32() */
static guint32
fu_lfa_fake_kernel_crc32(const guint8 *buf, gsize bufsz)
{
	guint32 crc = 0xffffffff;
	for (gsize i = 0; i < bufsz; i++) {
		crc ^= buf[i];
		for (guint j = 0; j < 8; j++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

static guint64
fu_lfa_fake_kernel_le(const guint8 *buf, guint n)
{
	guint64 val = 0;
	for (guint i = n; i > 0; i--)
		val = (val << 8) | buf[i - 1];
	return val;
}

/* the GUID as %pUb prints it is the 16 bytes in memory order */
static gboolean
fu_lfa_fake_kernel_guid_to_bytes(const gchar *str, guint8 *buf)
{
	guint n = 0;
	for (const gchar *p = str; *p != '\0'; p++) {
		gint nibble;
		if (*p == '-')
			continue;
		nibble = g_ascii_xdigit_value(*p);
		if (nibble < 0 || n >= 32)
			return FALSE;
		if (n % 2 == 0)
			buf[n / 2] = nibble << 4;
		else
			buf[n / 2] |= nibble;
		n++;
	}
	return n == 32;
}

static gchar *
fu_lfa_fake_kernel_staged_path(const gchar *guid)
{
	return g_build_filename(".staged", guid, NULL);
}

/* the driver's store handler; returns 0 or the errno of the write */
static gint
fu_lfa_fake_kernel_activate(FuLfaFakeKernel *self, const gchar *dir, const gchar *buf, gsize count)
{
	const gchar *guid = strrchr(dir, '/') + 1;
	g_autofree gchar *capable = fu_lfa_fake_kernel_get(self, dir, "activation_capable");
	g_autofree gchar *pending = fu_lfa_fake_kernel_get(self, dir, "activation_pending");
	g_autofree gchar *reset = fu_lfa_fake_kernel_get(self, dir, "may_reset_cpu");
	g_autofree gchar *pending_version = fu_lfa_fake_kernel_get(self, dir, "pending_version");
	g_autofree gchar *staged = fu_lfa_fake_kernel_staged_path(guid);
	guint8 image[LFA_IMAGE_MAX];
	gsize len = 0;

	self->activate_count++;
	if (count < 1 || buf[0] != '1' || (count > 1 && (count != 2 || buf[1] != '\n')))
		return EINVAL;
	if (self->activate_errno != 0)
		return self->activate_errno;
	if (capable == NULL || pending == NULL || reset == NULL || pending_version == NULL)
		return ENOENT;
	if (g_strcmp0(capable, "1") != 0 || g_strcmp0(reset, "0") != 0)
		return EOPNOTSUPP;
	if (g_strcmp0(pending, "1") != 0)
		return ENODATA;

	/* PRIME authenticates an image staged through the upload device, and the
	 * platform discards one that fails */
	if (fu_lfa_fake_kernel_get_raw(self, staged, image, sizeof(image), &len)) {
		(void)unlinkat(self->root_fd, staged, 0);
		if (len >= LFA_HEADER_SIZE &&
		    fu_lfa_fake_kernel_crc32(image + LFA_HEADER_SIZE, len - LFA_HEADER_SIZE) !=
			fu_lfa_fake_kernel_le(image + 36, 4)) {
			fu_lfa_fake_kernel_set(self, dir, "activation_pending", "0");
			fu_lfa_fake_kernel_set(self, dir, "pending_version", "N/A");
			return EKEYREJECTED;
		}
	}
	if (self->activate_noop)
		return 0;
	fu_lfa_fake_kernel_set(self,
			       dir,
			       "current_version",
			       self->activate_version != NULL ? self->activate_version
							      : pending_version);
	fu_lfa_fake_kernel_set(self, dir, "activation_pending", "0");
	fu_lfa_fake_kernel_set(self, dir, "pending_version", "N/A");
	return 0;
}

/* the emulated platform's checks of an uploaded image; NULL, or the upload
 * class's error string */
static const gchar *
fu_lfa_fake_kernel_stage(FuLfaFakeKernel *self, const gchar *dir)
{
	const gchar *guid = strrchr(dir, '/') + 1 + strlen("lfa-");
	guint8 image[LFA_IMAGE_MAX + 1];
	guint8 guid_bytes[16];
	guint64 version;
	gsize len = 0;
	g_autofree gchar *data = g_build_filename(dir, "data", NULL);
	g_autofree gchar *image_dir = g_build_filename("firmware", "lfa", guid, NULL);
	g_autofree gchar *staged = fu_lfa_fake_kernel_staged_path(guid);
	g_autofree gchar *version_str = NULL;

	if (!fu_lfa_fake_kernel_get_raw(self, data, image, sizeof(image), &len))
		return "preparing:read-write-error";
	if (len < LFA_HEADER_SIZE || len > LFA_IMAGE_MAX)
		return "preparing:invalid-file-size";
	version = fu_lfa_fake_kernel_le(image + 24, 8);
	if (memcmp(image, "LFAEMU01", 8) != 0 ||
	    !fu_lfa_fake_kernel_guid_to_bytes(guid, guid_bytes) ||
	    memcmp(image + 8, guid_bytes, 16) != 0 ||
	    fu_lfa_fake_kernel_le(image + 32, 4) != len - LFA_HEADER_SIZE || version == 0)
		return "preparing:firmware-invalid";
	if (self->upload_discard)
		return NULL;
	if (!fu_lfa_fake_kernel_mkdir(self, ".staged") ||
	    !fu_lfa_fake_kernel_set_raw(self, staged, image, len))
		return "programming:read-write-error";

	/* TF-A's LFA service reports no versions: every driver shows 0.0 */
	if (self->versions_none)
		version = 0;
	version_str =
	    g_strdup_printf("%u.%u", (guint)(version >> 32), (guint)(version & 0xffffffff));
	fu_lfa_fake_kernel_set(self, image_dir, "pending_version", version_str);
	fu_lfa_fake_kernel_set(self, image_dir, "activation_pending", "1");
	return NULL;
}

/* the firmware-upload class's loading file; returns 0 or the errno */
static gint
fu_lfa_fake_kernel_loading(FuLfaFakeKernel *self, const gchar *dir, const gchar *buf, gsize count)
{
	if (count >= 2 && strncmp(buf, "-1", 2) == 0) {
		fu_lfa_fake_kernel_set(self, dir, "status", "idle");
		fu_lfa_fake_kernel_set(self, dir, "error", "receiving:user-abort");
		return 0;
	}
	if (count >= 1 && buf[0] == '1') {
		g_autofree gchar *data = g_build_filename(dir, "data", NULL);
		(void)fu_lfa_fake_kernel_set_raw(self, data, NULL, 0);
		fu_lfa_fake_kernel_set(self, dir, "error", "");
		fu_lfa_fake_kernel_set(self, dir, "status", "receiving");
		return 0;
	}
	if (count >= 1 && buf[0] == '0') {
		const gchar *error_str = self->upload_error;
		self->upload_count++;
		if (error_str == NULL)
			error_str = fu_lfa_fake_kernel_stage(self, dir);
		fu_lfa_fake_kernel_set(self, dir, "error", error_str != NULL ? error_str : "");
		fu_lfa_fake_kernel_set(self,
				       dir,
				       "status",
				       self->upload_status != NULL ? self->upload_status : "idle");
		return 0;
	}
	return EINVAL;
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
static gint
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
static gint
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
static gint
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
static gint
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
static gint
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

static gboolean
fu_lfa_fake_kernel_parse_bool(const gchar *str, gboolean *value)
{
	if (g_strcmp0(str, "0") != 0 && g_strcmp0(str, "1") != 0)
		return FALSE;
	*value = str[0] == '1';
	return TRUE;
}

/* a fault knob, KEY=VALUE */
static gint
fu_lfa_fake_kernel_knob(FuLfaFakeKernel *self, const gchar *key, const gchar *value)
{
	if (g_strcmp0(key, "activate_errno") == 0) {
		gchar *endptr = NULL;
		gint64 tmp = g_ascii_strtoll(value, &endptr, 10);
		if (*value == '\0' || *endptr != '\0' || tmp < 0 || tmp > 511)
			return EINVAL;
		self->activate_errno = (gint)tmp;
		return 0;
	}
	if (g_strcmp0(key, "activate_noop") == 0)
		return fu_lfa_fake_kernel_parse_bool(value, &self->activate_noop) ? 0 : EINVAL;
	if (g_strcmp0(key, "upload_discard") == 0)
		return fu_lfa_fake_kernel_parse_bool(value, &self->upload_discard) ? 0 : EINVAL;
	if (g_strcmp0(key, "versions") == 0) {
		if (g_strcmp0(value, "none") != 0 && g_strcmp0(value, "reported") != 0)
			return EINVAL;
		self->versions_none = g_strcmp0(value, "none") == 0;
		return 0;
	}
	/* strings: empty is the default */
	if (g_strcmp0(key, "activate_version") == 0) {
		g_free(self->activate_version);
		self->activate_version = value[0] != '\0' ? g_strdup(value) : NULL;
		return 0;
	}
	if (g_strcmp0(key, "upload_error") == 0) {
		g_free(self->upload_error);
		self->upload_error = value[0] != '\0' ? g_strdup(value) : NULL;
		return 0;
	}
	if (g_strcmp0(key, "upload_status") == 0) {
		g_free(self->upload_status);
		self->upload_status = value[0] != '\0' ? g_strdup(value) : NULL;
		return 0;
	}
	g_printerr("lfa-fake-kernel: unknown knob %s\n", key);
	return EINVAL;
}

/*
 * One line written to the control file; returns 0 or the errno of the write:
 *
 *   image GUID [name=N] [current=V] [pending=V] [capable=0|1] [may_reset_cpu=0|1]
 *              [cpu_rendezvous=0|1] [tunables=0|1] [upload=0|1]
 *   platform-device
 *   smccc-device NAME MODALIAS
 *   dmi KEY=VALUE...
 *   dmi-firmware-inventory GUID VERSION [version_format=N] [id_format=N]
 *   KEY=VALUE...     activate_errno, activate_noop, activate_version, upload_error,
 *                    upload_discard, upload_status, versions=none|reported
 *   reset            every knob and counter back to its default
 *
 * Arguments are split as a shell would, so that a name may be quoted; a line
 * starting with '#' is a comment.
 */
static gint
fu_lfa_fake_kernel_command(FuLfaFakeKernel *self, const gchar *line)
{
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	gint argc = 0;

	/* a comment may hold anything, quotes included */
	while (g_ascii_isspace(*line))
		line++;
	if (*line == '#')
		return 0;
	if (!g_shell_parse_argv(line, &argc, &argv, &error)) {
		if (g_error_matches(error, G_SHELL_ERROR, G_SHELL_ERROR_EMPTY_STRING))
			return 0;
		g_printerr("lfa-fake-kernel: %s: %s\n", line, error->message);
		return EINVAL;
	}
	if (g_strcmp0(argv[0], "image") == 0)
		return fu_lfa_fake_kernel_image(self, argv + 1);
	if (g_strcmp0(argv[0], "platform-device") == 0 && argc == 1)
		return fu_lfa_fake_kernel_platform_device(self);
	if (g_strcmp0(argv[0], "smccc-device") == 0)
		return fu_lfa_fake_kernel_smccc_device(self, argv + 1);
	if (g_strcmp0(argv[0], "dmi") == 0)
		return fu_lfa_fake_kernel_dmi(self, argv + 1);
	if (g_strcmp0(argv[0], "dmi-firmware-inventory") == 0)
		return fu_lfa_fake_kernel_dmi_firmware_inventory(self, argv + 1);
	if (g_strcmp0(argv[0], "reset") == 0 && argc == 1) {
		fu_lfa_fake_kernel_reset(self);
		return 0;
	}
	for (guint i = 0; argv[i] != NULL; i++) {
		const gchar *eq = strchr(argv[i], '=');
		g_autofree gchar *key = NULL;
		gint rc;
		if (eq == NULL) {
			g_printerr("lfa-fake-kernel: unknown command %s\n", argv[i]);
			return EINVAL;
		}
		key = g_strndup(argv[i], eq - argv[i]);
		rc = fu_lfa_fake_kernel_knob(self, key, eq + 1);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* every complete line of what was written; the rest waits for more, or for close */
static gint
fu_lfa_fake_kernel_control(FuLfaFakeKernel *self,
			   guint64 fh,
			   const gchar *buf,
			   gsize count,
			   gboolean flush)
{
	GString *partial = g_hash_table_lookup(self->partial, &fh);
	gchar *nl;
	gint rc = 0;

	if (partial == NULL) {
		guint64 *key = g_new(guint64, 1);
		*key = fh;
		partial = g_string_new(NULL);
		g_hash_table_insert(self->partial, key, partial);
	}
	g_string_append_len(partial, buf, count);
	while (rc == 0 && (nl = strchr(partial->str, '\n')) != NULL) {
		g_autofree gchar *line = g_strndup(partial->str, nl - partial->str);
		g_string_erase(partial, 0, nl - partial->str + 1);
		rc = fu_lfa_fake_kernel_command(self, line);
	}
	if (rc == 0 && flush && partial->len > 0) {
		rc = fu_lfa_fake_kernel_command(self, partial->str);
		g_string_truncate(partial, 0);
	}
	if (rc != 0)
		g_string_truncate(partial, 0);
	fu_lfa_fake_kernel_save_state(self);
	return rc;
}

/* FUSE operations: everything else passes through to the directory under the mount */

static gint
fu_lfa_fake_kernel_op_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	/* by path even for an open file: directories have no handle of ours */
	return fstatat(self->root_fd, fu_lfa_fake_kernel_rel(path), st, AT_SYMLINK_NOFOLLOW) < 0
		   ? -errno
		   : 0;
}

static gint
fu_lfa_fake_kernel_op_readlink(const char *path, char *buf, size_t bufsz)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	gssize rc = readlinkat(self->root_fd, fu_lfa_fake_kernel_rel(path), buf, bufsz - 1);
	if (rc < 0)
		return -errno;
	buf[rc] = '\0';
	return 0;
}

static gint
fu_lfa_fake_kernel_op_mknod(const char *path, mode_t mode, dev_t rdev)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	return mknodat(self->root_fd, fu_lfa_fake_kernel_rel(path), mode, rdev) < 0 ? -errno : 0;
}

static gint
fu_lfa_fake_kernel_op_mkdir(const char *path, mode_t mode)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	return mkdirat(self->root_fd, fu_lfa_fake_kernel_rel(path), mode) < 0 ? -errno : 0;
}

static gint
fu_lfa_fake_kernel_op_unlink(const char *path)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	return unlinkat(self->root_fd, fu_lfa_fake_kernel_rel(path), 0) < 0 ? -errno : 0;
}

static gint
fu_lfa_fake_kernel_op_rmdir(const char *path)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	return unlinkat(self->root_fd, fu_lfa_fake_kernel_rel(path), AT_REMOVEDIR) < 0 ? -errno : 0;
}

static gint
fu_lfa_fake_kernel_op_symlink(const char *target, const char *path)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	return symlinkat(target, self->root_fd, fu_lfa_fake_kernel_rel(path)) < 0 ? -errno : 0;
}

static gint
fu_lfa_fake_kernel_op_rename(const char *from, const char *to, unsigned int flags)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	if (flags != 0)
		return -EINVAL;
	return renameat(self->root_fd,
			fu_lfa_fake_kernel_rel(from),
			self->root_fd,
			fu_lfa_fake_kernel_rel(to)) < 0
		   ? -errno
		   : 0;
}

static gint
fu_lfa_fake_kernel_op_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	return fchmodat(self->root_fd, fu_lfa_fake_kernel_rel(path), mode, 0) < 0 ? -errno : 0;
}

static gint
fu_lfa_fake_kernel_op_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	return fchownat(self->root_fd,
			fu_lfa_fake_kernel_rel(path),
			uid,
			gid,
			AT_SYMLINK_NOFOLLOW) < 0
		   ? -errno
		   : 0;
}

static gint
fu_lfa_fake_kernel_op_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	gint fd;
	gint rc = 0;
	if (fi != NULL)
		return ftruncate(fi->fh, size) < 0 ? -errno : 0;
	fd = openat(self->root_fd, fu_lfa_fake_kernel_rel(path), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static gint
fu_lfa_fake_kernel_op_utimens(const char *path,
			      const struct timespec tv[2],
			      struct fuse_file_info *fi)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	return utimensat(self->root_fd, fu_lfa_fake_kernel_rel(path), tv, AT_SYMLINK_NOFOLLOW) < 0
		   ? -errno
		   : 0;
}

/* the page cache is off (direct_io in init): every read sees what the fake
 * kernel wrote last, and every write reaches it and returns its errno */
static gint
fu_lfa_fake_kernel_open_fh(FuLfaFakeKernel *self,
			   const char *path,
			   gint flags,
			   mode_t mode,
			   struct fuse_file_info *fi)
{
	gint fd = openat(self->root_fd, fu_lfa_fake_kernel_rel(path), flags | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	fi->fh = fd;
	return 0;
}

static gint
fu_lfa_fake_kernel_op_open(const char *path, struct fuse_file_info *fi)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	/* O_NOFOLLOW is the kernel's business: it resolved the path already */
	return fu_lfa_fake_kernel_open_fh(self,
					  path,
					  fi->flags & ~(O_NOFOLLOW | O_NONBLOCK),
					  0,
					  fi);
}

static gint
fu_lfa_fake_kernel_op_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	return fu_lfa_fake_kernel_open_fh(self, path, fi->flags, mode, fi);
}

static gint
fu_lfa_fake_kernel_op_read(const char *path,
			   char *buf,
			   size_t bufsz,
			   off_t offset,
			   struct fuse_file_info *fi)
{
	gssize rc = pread(fi->fh, buf, bufsz, offset);
	return rc < 0 ? -errno : (gint)rc;
}

static gint
fu_lfa_fake_kernel_op_write(const char *path,
			    const char *buf,
			    size_t count,
			    off_t offset,
			    struct fuse_file_info *fi)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	const gchar *rel = fu_lfa_fake_kernel_rel(path);
	g_autofree gchar *basename = g_path_get_basename(rel);
	g_autofree gchar *dir = g_path_get_dirname(rel);
	g_autofree gchar *parent = g_path_get_dirname(dir);
	g_autofree gchar *parent_name = g_path_get_basename(dir);
	gssize rc;
	gint errsv = -1;

	if (g_strcmp0(rel, "control") == 0) {
		errsv = fu_lfa_fake_kernel_control(self, fi->fh, buf, count, FALSE);
	} else if (g_strcmp0(basename, "activate") == 0 && g_strcmp0(parent, "firmware/lfa") == 0) {
		struct timespec ts0, ts1;
		clock_gettime(CLOCK_MONOTONIC, &ts0);
		errsv = fu_lfa_fake_kernel_activate(self, dir, buf, count);
		clock_gettime(CLOCK_MONOTONIC, &ts1);
		/* what the benchmark subtracts from the time an activation takes */
		self->activate_ns += (ts1.tv_sec - ts0.tv_sec) * G_GINT64_CONSTANT(1000000000) +
				     (ts1.tv_nsec - ts0.tv_nsec);
		fu_lfa_fake_kernel_save_state(self);
	} else if (g_strcmp0(basename, "loading") == 0 &&
		   g_strcmp0(parent, "class/firmware") == 0 &&
		   g_str_has_prefix(parent_name, "lfa-")) {
		errsv = fu_lfa_fake_kernel_loading(self, dir, buf, count);
		fu_lfa_fake_kernel_save_state(self);
	}
	if (errsv > 0)
		return -errsv;
	if (errsv == 0)
		return (gint)count;
	rc = pwrite(fi->fh, buf, count, offset);
	return rc < 0 ? -errno : (gint)rc;
}

static gint
fu_lfa_fake_kernel_op_flush(const char *path, struct fuse_file_info *fi)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	/* a last line without a newline is a command too; its errno is close()'s */
	if (g_strcmp0(fu_lfa_fake_kernel_rel(path), "control") == 0 &&
	    g_hash_table_contains(self->partial, &fi->fh)) {
		gint rc = fu_lfa_fake_kernel_control(self, fi->fh, "", 0, TRUE);
		if (rc != 0)
			return -rc;
	}
	return 0;
}

static gint
fu_lfa_fake_kernel_op_release(const char *path, struct fuse_file_info *fi)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	g_hash_table_remove(self->partial, &fi->fh);
	close(fi->fh);
	return 0;
}

static gint
fu_lfa_fake_kernel_op_readdir(const char *path,
			      void *buf,
			      fuse_fill_dir_t filler,
			      off_t offset,
			      struct fuse_file_info *fi,
			      enum fuse_readdir_flags flags)
{
	FuLfaFakeKernel *self = fuse_get_context()->private_data;
	struct dirent *de;
	DIR *dp;
	gint fd =
	    openat(self->root_fd, fu_lfa_fake_kernel_rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dp = fdopendir(fd);
	if (dp == NULL) {
		gint errsv = errno;
		close(fd);
		return -errsv;
	}
	while ((de = readdir(dp)) != NULL) {
		struct stat st = {.st_ino = de->d_ino, .st_mode = DTTOIF(de->d_type)};
		/* the fake kernel's own bookkeeping is not part of the tree */
		if (g_strcmp0(path, "/") == 0 && g_strcmp0(de->d_name, ".staged") == 0)
			continue;
		if (filler(buf, de->d_name, &st, 0, 0) != 0)
			break;
	}
	closedir(dp);
	return 0;
}

static void *
fu_lfa_fake_kernel_op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/* sysfs is never cached: the kernel changes it behind the reader's back */
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->direct_io = 1;
	cfg->use_ino = 0;
	/* what main() passed to fuse_new(), for every operation */
	return fuse_get_context()->private_data;
}

static const struct fuse_operations fu_lfa_fake_kernel_ops = {
    .init = fu_lfa_fake_kernel_op_init,
    .getattr = fu_lfa_fake_kernel_op_getattr,
    .readlink = fu_lfa_fake_kernel_op_readlink,
    .mknod = fu_lfa_fake_kernel_op_mknod,
    .mkdir = fu_lfa_fake_kernel_op_mkdir,
    .unlink = fu_lfa_fake_kernel_op_unlink,
    .rmdir = fu_lfa_fake_kernel_op_rmdir,
    .symlink = fu_lfa_fake_kernel_op_symlink,
    .rename = fu_lfa_fake_kernel_op_rename,
    .chmod = fu_lfa_fake_kernel_op_chmod,
    .chown = fu_lfa_fake_kernel_op_chown,
    .truncate = fu_lfa_fake_kernel_op_truncate,
    .utimens = fu_lfa_fake_kernel_op_utimens,
    .open = fu_lfa_fake_kernel_op_open,
    .create = fu_lfa_fake_kernel_op_create,
    .read = fu_lfa_fake_kernel_op_read,
    .write = fu_lfa_fake_kernel_op_write,
    .flush = fu_lfa_fake_kernel_op_flush,
    .release = fu_lfa_fake_kernel_op_release,
    .readdir = fu_lfa_fake_kernel_op_readdir,
};

static void
fu_lfa_fake_kernel_partial_free(gpointer data)
{
	g_string_free((GString *)data, TRUE);
}

int
main(int argc, char **argv)
{
	gint rc;
	FuLfaFakeKernel kernel = {.root_fd = -1};
	FuLfaFakeKernel *self = &kernel;
	struct fuse *fuse;
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);

	if (argc != 2) {
		g_printerr("usage: lfa-fake-kernel DIR\n");
		return 2;
	}

	/* a test that crashes must not leave the mount behind */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() == 1)
		return 1;

	self->root_fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (self->root_fd < 0) {
		g_printerr("lfa-fake-kernel: cannot open %s: %s\n", argv[1], g_strerror(errno));
		return 1;
	}
	self->partial = g_hash_table_new_full(g_int64_hash,
					      g_int64_equal,
					      g_free,
					      fu_lfa_fake_kernel_partial_free);
	fu_lfa_fake_kernel_reset(self);
	fu_lfa_fake_kernel_save_state(self);

	if (fuse_opt_add_arg(&args, argv[0]) != 0 ||
	    fuse_opt_add_arg(&args, "-ofsname=lfa-fake-kernel,subtype=lfa") != 0)
		return 1;
	fuse = fuse_new(&args, &fu_lfa_fake_kernel_ops, sizeof(fu_lfa_fake_kernel_ops), self);
	if (fuse == NULL)
		return 1;
	if (fuse_mount(fuse, argv[1]) != 0) {
		fuse_destroy(fuse);
		return 1;
	}
	if (fuse_set_signal_handlers(fuse_get_session(fuse)) != 0) {
		fuse_unmount(fuse);
		fuse_destroy(fuse);
		return 1;
	}
	g_print("ready\n");
	(void)fflush(stdout);

	/* one request at a time: the kernel's store handlers do not race either */
	rc = fuse_loop(fuse);
	fuse_remove_signal_handlers(fuse_get_session(fuse));
	fuse_unmount(fuse);
	fuse_destroy(fuse);
	fuse_opt_free_args(&args);
	fu_lfa_fake_kernel_reset(self);
	g_hash_table_unref(self->partial);
	close(self->root_fd);
	/* a positive value is the signal that ended the loop: the normal way out */
	return rc < 0 ? 1 : 0;
}

/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* lfa-fake-kernel: the control file's commands, knobs and counters */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fu-lfa-fake-kernel.h"

/* what reading the control file shows */
void
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

void
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
gint
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

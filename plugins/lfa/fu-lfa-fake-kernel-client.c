/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* what the self-test and the benchmark need to run lfa-fake-kernel
 * (fu-lfa-fake-kernel.c) and talk to it through its control file */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fwupd.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>

#include "fu-lfa-fake-kernel-client.h"

/* returns once @dir is served; the kernel serves it until stopped */
GSubprocess *
fu_lfa_fake_kernel_client_start(const gchar *dir, GError **error)
{
	g_autoptr(GDataInputStream) stream = NULL;
	g_autoptr(GSubprocess) kernel = NULL;
	g_autofree gchar *line = NULL;

	kernel =
	    g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, LFA_FAKE_KERNEL, dir, NULL);
	if (kernel == NULL)
		return NULL;
	stream = g_data_input_stream_new(g_subprocess_get_stdout_pipe(kernel));
	line = g_data_input_stream_read_line(stream, NULL, NULL, error);
	if (line == NULL && error != NULL && *error != NULL)
		return NULL;
	if (g_strcmp0(line, "ready") != 0) {
		g_set_error(error,
			    FWUPD_ERROR,
			    FWUPD_ERROR_NOT_SUPPORTED,
			    "lfa-fake-kernel could not serve %s: is /dev/fuse usable?",
			    dir);
		return NULL;
	}
	return g_steal_pointer(&kernel);
}

gboolean
fu_lfa_fake_kernel_client_stop(GSubprocess *kernel, GError **error)
{
	g_subprocess_send_signal(kernel, SIGTERM);
	return g_subprocess_wait_check(kernel, NULL, error);
}

/* commands for the fake kernel, one per line; returns 0 or the errno it gave */
gint
fu_lfa_fake_kernel_client_command(const gchar *dir, const gchar *commands)
{
	g_autofree gchar *fn = g_build_filename(dir, "control", NULL);
	gsize len = strlen(commands);
	gint fd = g_open(fn, O_WRONLY | O_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	for (gsize off = 0; off < len;) {
		gssize rc = write(fd, commands + off, len - off);
		if (rc < 0) {
			gint errsv = errno;
			close(fd);
			return errsv;
		}
		off += rc;
	}
	/* a last line without a newline runs when the file is closed */
	if (close(fd) < 0)
		return errno;
	return 0;
}

/* a knob or counter as the fake kernel shows it in its control file */
gchar *
fu_lfa_fake_kernel_client_get(const gchar *dir, const gchar *key, GError **error)
{
	g_autofree gchar *fn = g_build_filename(dir, "control", NULL);
	g_autofree gchar *buf = NULL;
	g_autofree gchar *prefix = g_strdup_printf("%s=", key);
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(fn, &buf, NULL, error))
		return NULL;
	lines = g_strsplit(buf, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		if (g_str_has_prefix(lines[i], prefix))
			return g_strdup(lines[i] + strlen(prefix));
	}
	g_set_error(error, FWUPD_ERROR, FWUPD_ERROR_NOT_FOUND, "the fake kernel has no %s", key);
	return NULL;
}

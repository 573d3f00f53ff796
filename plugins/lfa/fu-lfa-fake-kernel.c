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
 *    fu-lfa-fake-kernel-control.c; reading it shows the knobs and counters.
 *
 * Usage: lfa-fake-kernel DIR; prints "ready" once DIR is served and unmounts
 * it on SIGTERM, or when the process that started it exits.
 */

#define FUSE_USE_VERSION 31

#include "fu-lfa-fake-kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* FUSE paths start with '/'; the backing tree is reached relative to root_fd */
static const gchar *
fu_lfa_fake_kernel_rel(const gchar *path)
{
	while (*path == '/')
		path++;
	return *path == '\0' ? "." : path;
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

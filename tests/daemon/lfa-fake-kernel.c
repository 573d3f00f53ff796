/*
 * Copyright 2026 The fwupd-lfa authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * LD_PRELOAD shim that plays the kernel for the daemon test.
 *
 * The daemon writes sysfs files of a fake tree under $LFA_FAKE_ROOT.  With plain
 * files nothing would react before the daemon reads the inventory back, so this
 * shim performs the side effects of the lfa_fw driver and of the firmware-upload
 * class synchronously inside write(), following docs/contracts.md:
 *
 *  - firmware/lfa/<GUID>/activate: "1" activates the pending image (CRC-32 of a
 *    staged emulated image checked first, as the emulated platform does at PRIME);
 *    the errno of the contract otherwise.  $LFA_FAKE_ROOT/control may hold
 *    "activate_errno=N" to inject an errno, and "versions=none" to list staged
 *    images as TF-A's LFA service does, with version 0.0.
 *  - class/firmware/lfa-<GUID>/loading: "1" starts, "0" stages the data written
 *    to `data` (header checks: magic, GUID, length, version), "-1" aborts.
 *
 * Every other write goes straight to the system call.  No GLib: the shim runs
 * inside every thread of the daemon.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define LFA_HEADER_SIZE	 40
#define LFA_PAYLOAD_MAX	 (64 * 1024)
#define LFA_IMAGE_MAX	 (LFA_HEADER_SIZE + LFA_PAYLOAD_MAX)
#define LFA_GUID_STR_LEN 36

static ssize_t
raw_write(int fd, const void *buf, size_t count)
{
	return syscall(SYS_write, fd, buf, count);
}

static ssize_t
file_get_raw(const char *dir, const char *attr, uint8_t *buf, size_t bufsz)
{
	char fn[PATH_MAX];
	ssize_t rc;
	int fd;

	snprintf(fn, sizeof(fn), "%s/%s", dir, attr);
	fd = open(fn, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = read(fd, buf, bufsz);
	close(fd);
	return rc;
}

/* a sysfs-style value: NUL-terminated, without its trailing newlines */
static int
file_get(const char *dir, const char *attr, char *buf, size_t bufsz)
{
	ssize_t rc = file_get_raw(dir, attr, (uint8_t *)buf, bufsz - 1);

	if (rc < 0)
		return -1;
	buf[rc] = '\0';
	while (rc > 0 && buf[rc - 1] == '\n')
		buf[--rc] = '\0';
	return (int)rc;
}

static void
file_set(const char *dir, const char *attr, const void *buf, size_t bufsz)
{
	char fn[PATH_MAX];
	int fd;

	snprintf(fn, sizeof(fn), "%s/%s", dir, attr);
	fd = open(fn, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (bufsz > 0 && raw_write(fd, buf, bufsz) < 0)
		perror("lfa-fake-kernel");
	close(fd);
}

static void
file_set_str(const char *dir, const char *attr, const char *value)
{
	char buf[128];
	int len = snprintf(buf, sizeof(buf), "%s\n", value);
	file_set(dir, attr, buf, value[0] == '\0' ? 0 : (size_t)len);
}

/* IEEE 802.3, as zlib's crc32() */
static uint32_t
crc32_ieee(const uint8_t *buf, size_t bufsz)
{
	uint32_t crc = 0xffffffff;
	for (size_t i = 0; i < bufsz; i++) {
		crc ^= buf[i];
		for (int j = 0; j < 8; j++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* %pUb prints the 16 bytes in memory order */
static int
guid_to_bytes(const char *str, uint8_t *buf)
{
	int n = 0;
	for (const char *p = str; *p != '\0' && n < 32; p++) {
		unsigned int nibble;
		if (*p == '-')
			continue;
		if (sscanf((char[]){p[0], '\0'}, "%1x", &nibble) != 1)
			return -1;
		if (n % 2 == 0)
			buf[n / 2] = (uint8_t)(nibble << 4);
		else
			buf[n / 2] |= (uint8_t)nibble;
		n++;
	}
	return n == 32 ? 0 : -1;
}

/* the value after key= in the control file, or NULL */
static const char *
control_get(const char *root, const char *key, char *buf, size_t bufsz)
{
	const char *p;
	if (file_get(root, "control", buf, bufsz) < 0)
		return NULL;
	p = strstr(buf, key);
	if (p == NULL)
		return NULL;
	return p + strlen(key);
}

static int
control_errno(const char *root)
{
	char buf[256];
	const char *p = control_get(root, "activate_errno=", buf, sizeof(buf));
	return p != NULL ? atoi(p) : 0;
}

static int
control_no_versions(const char *root)
{
	char buf[256];
	const char *p = control_get(root, "versions=", buf, sizeof(buf));
	return p != NULL && strncmp(p, "none", 4) == 0;
}

static ssize_t
do_activate(const char *root, const char *dir, const char *buf, size_t count)
{
	char capable[16], pending[16], reset[16], pending_version[64];
	char staged_dir[PATH_MAX];
	const char *guid = strrchr(dir, '/') + 1;
	uint8_t image[LFA_IMAGE_MAX];
	int errsv;
	int len;

	if (count < 1 || buf[0] != '1' || (count > 1 && (count != 2 || buf[1] != '\n'))) {
		errno = EINVAL;
		return -1;
	}
	errsv = control_errno(root);
	if (errsv != 0) {
		errno = errsv;
		return -1;
	}
	if (file_get(dir, "activation_capable", capable, sizeof(capable)) < 0 ||
	    file_get(dir, "activation_pending", pending, sizeof(pending)) < 0 ||
	    file_get(dir, "may_reset_cpu", reset, sizeof(reset)) < 0 ||
	    file_get(dir, "pending_version", pending_version, sizeof(pending_version)) < 0) {
		errno = ENOENT;
		return -1;
	}
	if (strcmp(capable, "1") != 0 || strcmp(reset, "0") != 0) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (strcmp(pending, "1") != 0) {
		errno = ENODATA;
		return -1;
	}

	/* PRIME authenticates an image staged through the upload device */
	snprintf(staged_dir, sizeof(staged_dir), "%s/staged", root);
	len = (int)file_get_raw(staged_dir, guid, image, sizeof(image));
	if (len >= LFA_HEADER_SIZE) {
		uint32_t payloadsz = le32(image + 32);
		if (crc32_ieee(image + LFA_HEADER_SIZE, payloadsz) != le32(image + 36)) {
			char fn[PATH_MAX];
			snprintf(fn, sizeof(fn), "%s/%s", staged_dir, guid);
			unlink(fn);
			file_set_str(dir, "activation_pending", "0");
			file_set_str(dir, "pending_version", "N/A");
			errno = EKEYREJECTED;
			return -1;
		}
	}
	{
		char fn[PATH_MAX];
		snprintf(fn, sizeof(fn), "%s/%s", staged_dir, guid);
		unlink(fn);
	}
	file_set_str(dir, "current_version", pending_version);
	file_set_str(dir, "activation_pending", "0");
	file_set_str(dir, "pending_version", "N/A");
	return (ssize_t)count;
}

static void
stage(const char *root, const char *dir)
{
	const char *guid = strrchr(dir, '/') + 1 + strlen("lfa-");
	char image_dir[PATH_MAX];
	char staged_dir[PATH_MAX];
	char version[64];
	uint8_t image[LFA_IMAGE_MAX + 1];
	uint8_t guid_bytes[16];
	uint64_t version_raw;
	ssize_t len;

	len = file_get_raw(dir, "data", image, sizeof(image));
	if (len < 0) {
		file_set_str(dir, "error", "preparing:read-write-error");
		return;
	}
	if (len < LFA_HEADER_SIZE || len > LFA_IMAGE_MAX) {
		file_set_str(dir, "error", "preparing:invalid-file-size");
		return;
	}
	version_raw = le64(image + 24);
	if (memcmp(image, "LFAEMU01", 8) != 0 || guid_to_bytes(guid, guid_bytes) < 0 ||
	    memcmp(image + 8, guid_bytes, 16) != 0 || le32(image + 32) != len - LFA_HEADER_SIZE ||
	    version_raw == 0) {
		file_set_str(dir, "error", "preparing:firmware-invalid");
		return;
	}
	snprintf(staged_dir, sizeof(staged_dir), "%s/staged", root);
	mkdir(staged_dir, 0755);
	file_set(staged_dir, guid, image, (size_t)len);
	snprintf(image_dir, sizeof(image_dir), "%s/firmware/lfa/%s", root, guid);
	if (control_no_versions(root))
		version_raw = 0;
	snprintf(version,
		 sizeof(version),
		 "%u.%u",
		 (unsigned)(version_raw >> 32),
		 (unsigned)(version_raw & 0xffffffff));
	file_set_str(image_dir, "pending_version", version);
	file_set_str(image_dir, "activation_pending", "1");
}

static ssize_t
do_loading(const char *root, const char *dir, const char *buf, size_t count)
{
	if (count >= 2 && strncmp(buf, "-1", 2) == 0) {
		file_set_str(dir, "status", "idle");
		file_set_str(dir, "error", "receiving:user-abort");
		return (ssize_t)count;
	}
	if (count >= 1 && buf[0] == '1') {
		file_set(dir, "data", "", 0);
		file_set_str(dir, "error", "");
		file_set_str(dir, "status", "receiving");
		return (ssize_t)count;
	}
	if (count >= 1 && buf[0] == '0') {
		file_set_str(dir, "error", "");
		stage(root, dir);
		file_set_str(dir, "status", "idle");
		return (ssize_t)count;
	}
	errno = EINVAL;
	return -1;
}

/* how long the kernel's side of each activation took, appended to
 * $LFA_FAKE_ROOT/activate_ns: what the benchmark subtracts from the time
 * fwupdmgr activate takes */
static ssize_t
timed_activate(const char *root, const char *dir, const char *buf, size_t count)
{
	struct timespec t0, t1;
	char fn[PATH_MAX], line[32];
	ssize_t rc;
	int errsv, fd;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = do_activate(root, dir, buf, count);
	errsv = errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	snprintf(fn, sizeof(fn), "%s/activate_ns", root);
	fd = open(fn, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
		int len = snprintf(line, sizeof(line), "%lld\n", ns);
		/* a lost line fails the benchmark, never the activation */
		ssize_t wr = raw_write(fd, line, (size_t)len);
		(void)wr;
		close(fd);
	}
	errno = errsv;
	return rc;
}

ssize_t
write(int fd, const void *buf, size_t count)
{
	const char *root = getenv("LFA_FAKE_ROOT");
	char proc[64];
	char path[PATH_MAX];
	char *slash;
	ssize_t len;

	if (root == NULL || root[0] == '\0')
		return raw_write(fd, buf, count);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	len = readlink(proc, path, sizeof(path) - 1);
	if (len <= 0)
		return raw_write(fd, buf, count);
	path[len] = '\0';
	if (strncmp(path, root, strlen(root)) != 0)
		return raw_write(fd, buf, count);
	slash = strrchr(path, '/');
	if (slash == NULL)
		return raw_write(fd, buf, count);
	*slash = '\0';
	if (strcmp(slash + 1, "activate") == 0)
		return timed_activate(root, path, buf, count);
	if (strcmp(slash + 1, "loading") == 0)
		return do_loading(root, path, buf, count);
	return raw_write(fd, buf, count);
}

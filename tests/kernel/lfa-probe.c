// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest-side helper for the lfa_fw tests: sysfs access that reports the
 * exact errno, and a uevent listener. Built static for arm64.
 *
 *   lfa-probe write FILE VALUE   prints OK or the errno name (EBUSY, ...)
 *   lfa-probe read FILE          prints the content or the errno name
 *   lfa-probe uevent MS          prints the first KOBJ_CHANGE with
 *                                LFA_INVENTORY=settled seen within MS ms,
 *                                as "settled DEVPATH SUBSYSTEM DRIVER",
 *                                else "timeout"
 *   lfa-probe insmod KO [PARAMS] one finit_module() (busybox insmod falls
 *                                back to init_module and loads twice);
 *                                prints OK or the errno name
 *   lfa-probe asuser UID CMD...  runs one of the above as UID
 *
 * Exit status is 0 in all these cases, so scripts compare the output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "EUNKNOWN";
}

static int do_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0) {
		printf("%s\n", errname(errno));
		return 0;
	}
	n = write(fd, val, len);
	if (n < 0)
		printf("%s\n", errname(errno));
	else if ((size_t)n != len)
		printf("SHORT\n");
	else
		printf("OK\n");
	close(fd);
	return 0;
}

static int do_read(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("%s\n", errname(errno));
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		printf("%s\n", errname(errno));
	} else {
		buf[n] = '\0';
		fputs(buf, stdout);
	}
	close(fd);
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int do_uevent(long timeout_ms)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,	/* the kernel's own uevent group */
	};
	long end = now_ms() + timeout_ms;
	char buf[8192];
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		printf("%s\n", errname(errno));
		return 1;
	}
	/* Tell the caller it may now trigger the event */
	fprintf(stderr, "listening\n");

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const char *action = NULL, *devpath = "-", *subsys = "-";
		const char *driver = "-";
		int settled = 0;
		long left = end - now_ms();
		ssize_t n, off;

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		for (off = 0; off < n; off += strlen(buf + off) + 1) {
			const char *kv = buf + off;

			if (!strncmp(kv, "ACTION=", 7))
				action = kv + 7;
			else if (!strncmp(kv, "DEVPATH=", 8))
				devpath = kv + 8;
			else if (!strncmp(kv, "SUBSYSTEM=", 10))
				subsys = kv + 10;
			else if (!strncmp(kv, "DRIVER=", 7))
				driver = kv + 7;
			else if (!strcmp(kv, "LFA_INVENTORY=settled"))
				settled = 1;
		}
		if (settled && action && !strcmp(action, "change")) {
			printf("settled %s %s %s\n", devpath, subsys, driver);
			return 0;
		}
	}
	printf("timeout\n");
	return 0;
}

static int do_insmod(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || syscall(SYS_finit_module, fd, params, 0) < 0)
		printf("%s\n", errname(errno));
	else
		printf("OK\n");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "asuser")) {
		uid_t uid = atoi(argv[2]);

		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)) {
			printf("%s\n", errname(errno));
			return 1;
		}
		argv += 2;
		argc -= 2;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "insmod"))
		return do_insmod(argv[2], argc == 4 ? argv[3] : "");
	if (argc == 4 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "read"))
		return do_read(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "uevent"))
		return do_uevent(atol(argv[2]));
	fprintf(stderr, "usage: lfa-probe [asuser UID] write FILE VALUE | read FILE | uevent MS | insmod KO [PARAMS]\n");
	return 2;
}

# SPDX-License-Identifier: LGPL-2.1-or-later
# The arm64 fwupd daemon in the guest, for the end-to-end cases (busybox sh).
# The host's / is at /host (9p, read-only); the arm64 binaries of
# build-arm64/ and the host's arm64 libraries run in a chroot there, with
# the guest's /proc, /sys and /dev and a tmpfs for everything written.
. /tests/files/chain.env
. /tests/files/fwupd-lib.sh

R=/host

# in the chroot: busybox applets only, the host's x86 tools would not run
in_root() {
	chroot "$R" /tmp/bb/env -i PATH=/tmp/bb HOME=/tmp LANG=C.UTF-8 \
		NO_COLOR=1 DBUS_SYSTEM_BUS_ADDRESS=unix:path=/tmp/system_bus_socket \
		FWUPD_SYSCONFDIR=/tmp/etc FWUPD_LOCALSTATEDIR=/tmp/var \
		CACHE_DIRECTORY=/tmp/cache STATE_DIRECTORY=/tmp/state \
		FWUPD_DATADIR_QUIRKS="$TOP/plugins/lfa" "$@"
}

# The chroot's /tmp is a tmpfs over the host's; a checkout (or a build or
# cache) under the host's /tmp stays visible through a bind of its top
# directory.  Call with the host's /tmp still visible at $R/tmp.
chain_tmpfs_keeping_host_dirs() {
	mkdir -p /host-tmp
	mount --bind "$R/tmp" /host-tmp
	mount -t tmpfs tmpfs "$R/tmp"
	for p in "$TOP" "$FWUPD_BIN" "$DBUS_DAEMON" "$BUSYBOX"; do
		case $p in
		/tmp/?*) ;;
		*) continue ;;
		esac
		d=${p#/tmp/}
		d=${d%%/*}
		[ -d "$R/tmp/$d" ] && continue
		mkdir -p "$R/tmp/$d"
		mount --bind "/host-tmp/$d" "$R/tmp/$d"
	done
}

chain_mounts() {
	chain_tmpfs_keeping_host_dirs
	mount -t tmpfs tmpfs "$R/run"
	mkdir -p "$R/run/lock"
	mount -o rbind /proc "$R/proc"
	mount -o rbind /sys "$R/sys"
	mount -o rbind /dev "$R/dev"
	mkdir -p "$R/tmp/bb" "$R/tmp/etc/fwupd" "$R/tmp/var" "$R/tmp/cache" \
		"$R/tmp/state"
	chroot "$R" "$BUSYBOX" --install -s /tmp/bb
	cp /tests/files/*.cab "$R/tmp/" 2>/dev/null || true
}

# fwupd.conf: the test cabinets are not signed; POLICY is the plugin's
# ActivationPolicy
write_fwupd_conf() {
	cat >"$R/tmp/etc/fwupd/fwupd.conf" <<CONF
[fwupd]
OnlyTrusted=false
[lfa]
ActivationPolicy=${1:-immediate}
CONF
	chmod 640 "$R/tmp/etc/fwupd/fwupd.conf"
}

start_dbus() {
	sed 's|@SOCKET@|/tmp/system_bus_socket|' /tests/files/dbus-system.conf.in \
		>"$R/tmp/dbus.conf"
	in_root "$DBUS_DAEMON" --config-file=/tmp/dbus.conf --nofork \
		--nopidfile >"$R/tmp/dbus.log" 2>&1 &
	wait_for 30 test -S "$R/tmp/system_bus_socket"
}

FWUPD_PID=
fwupd_ready() {
	grep -q "ready for requests" "$R/tmp/fwupd.log"
}

# the daemon takes 5-30 s to start under TCG, depending on the host's load
start_fwupd() {
	: >"$R/tmp/fwupd.log"
	in_root "$FWUPD_BIN/fwupd" --verbose >>"$R/tmp/fwupd.log" 2>&1 &
	FWUPD_PID=$!
	wait_for 180 fwupd_ready
}

stop_fwupd() {
	[ -n "$FWUPD_PID" ] && kill "$FWUPD_PID" 2>/dev/null
	wait "$FWUPD_PID" 2>/dev/null
	FWUPD_PID=
}

fwupd_alive() {
	[ -n "$FWUPD_PID" ] && kill -0 "$FWUPD_PID" 2>/dev/null
}

fwupdmgr() {
	in_root "$FWUPD_BIN/fwupdmgr" "$@" --no-unreported-check \
		--no-metadata-check --no-remote-check --no-reboot-check \
		--no-safety-check
}

fwupdtool() {
	in_root "$FWUPD_BIN/fwupdtool" "$@"
}

# the whole chain: test platform, our driver, dbus, fwupd
start_chain() {
	load_module lfa_testplat || return 1
	load_module lfa_fw || return 1
	chain_mounts
	write_fwupd_conf "${1:-immediate}"
	start_dbus
	start_fwupd
}

# keep the daemon's log with the TAP when something failed
chain_done() {
	if [ "$tap_failed" != 0 ]; then
		diag "---- fwupd log (tail) ----"
		tail -n 60 "$R/tmp/fwupd.log" | sed 's/^/# /'
		diag "---- dmesg (tail) ----"
		dmesg | tail -n 40 | sed 's/^/# /'
	fi
	stop_fwupd
	tap_done
}

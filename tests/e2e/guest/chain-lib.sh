# SPDX-License-Identifier: LGPL-2.1-or-later
# The chain for the end-to-end cases, on the emulated server's Debian
# userland (tests/debian): fwupd as Debian runs it (systemd unit, D-Bus
# activation, udevd, polkit) from the packages the deployment installed,
# the driver DKMS built, and the test platform beside it.
. /tests/files/fwupd-lib.sh
export LANG=C.UTF-8 NO_COLOR=1

# the kernel's log up to the script, as the busybox guest's /init keeps it
dmesg >/tmp/dmesg 2>/dev/null

fwupdmgr() {
	command fwupdmgr "$@" --no-unreported-check --no-metadata-check \
		--no-remote-check --no-reboot-check --no-safety-check
}

# fwupd.conf: the test cabinets are not signed; POLICY is the plugin's
# ActivationPolicy
write_fwupd_conf() {
	sed -i -e '/^OnlyTrusted=/d' -e '/^\[lfa\]$/,$d' \
		-e 's/^\[fwupd\]$/[fwupd]\nOnlyTrusted=false/' /etc/fwupd/fwupd.conf
	printf '[lfa]\nActivationPolicy=%s\n' "${1:-immediate}" >>/etc/fwupd/fwupd.conf
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

FWUPD_PID=
start_fwupd() {
	_t0=$(uptime_s)
	systemctl restart fwupd || return 1
	FWUPD_PID=$(systemctl show -P MainPID fwupd)
	[ "${FWUPD_PID:-0}" != 0 ] || return 1
	# what each case pays before its first check, under TCG
	diag "fwupd started in $(echo "$_t0 $(uptime_s)" | awk '{printf "%.1f", $2 - $1}') s," \
		"$_t0 s after the kernel"
}

stop_fwupd() {
	systemctl stop fwupd
	FWUPD_PID=
}

fwupd_alive() {
	[ -n "$FWUPD_PID" ] && [ "$(systemctl show -P MainPID fwupd)" = "$FWUPD_PID" ]
}

# the kernel's side: the test platform (the emulated BMC's staging path)
# and our driver, which DKMS installed and udev has loaded at boot
start_kernel_side() {
	insmod /tests/files/modules/lfa_testplat.ko || return 1
	modprobe lfa_fw
}

# the whole chain: the kernel's side, then fwupd
start_chain() {
	start_kernel_side || return 1
	cp /tests/files/*.cab /tmp/ 2>/dev/null || true
	write_fwupd_conf "${1:-immediate}"
	start_fwupd
}

chain_done() {
	if [ "$tap_failed" != 0 ]; then
		diag "---- fwupd's journal (tail) ----"
		journalctl -u fwupd -n 60 --no-pager | sed 's/^/# /'
		diag "---- dmesg (tail) ----"
		dmesg | tail -n 40 | sed 's/^/# /'
	fi
	tap_done
}

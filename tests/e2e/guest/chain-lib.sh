# SPDX-License-Identifier: LGPL-2.1-or-later
# The chain on the emulated server's Debian userland, for the end-to-end
# cases of tests/e2e/guest that run there: the same functions as the busybox
# guest's chain-lib.sh, over fwupd as Debian runs it (systemd unit, dbus
# activation, udevd, polkit) from the packages installed by the deployment.
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

FWUPD_PID=
start_fwupd() {
	systemctl restart fwupd || return 1
	FWUPD_PID=$(systemctl show -P MainPID fwupd)
	[ "${FWUPD_PID:-0}" != 0 ]
}

stop_fwupd() {
	systemctl stop fwupd
	FWUPD_PID=
}

fwupd_alive() {
	[ -n "$FWUPD_PID" ] && [ "$(systemctl show -P MainPID fwupd)" = "$FWUPD_PID" ]
}

# the whole chain: test platform, our driver (installed by DKMS), fwupd
start_chain() {
	insmod /tests/files/modules/lfa_testplat.ko || return 1
	modprobe lfa_fw || return 1
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

# SPDX-License-Identifier: LGPL-2.1-or-later
# An operator deploys fwupd-lfa on a Debian 12 Arm server: apt installs the
# packages of dist/ over Debian's fwupd, DKMS builds the driver for the
# running kernel, udev loads it through its alias and systemd runs fwupd,
# which lists the images.  The disk it leaves is the installed server the
# other cases start from (run-case).  Runs as root (/bin/sh).
. /tests/lib.sh
. /tests/files/chain-lib.sh
. /tests/files/case.env
F=/tests/files

lfa_module_loaded() {
	grep -q '^lfa_fw ' /proc/modules
}

diag "Debian $(cat /etc/debian_version), kernel $(uname -r)"
# the guest's boot under TCG (this unit runs after it; systemd-analyze
# would call the boot unfinished while it runs)
diag "boot: multi-user.target reached $(systemctl show -P ActiveEnterTimestampMonotonic \
	multi-user.target | awk '{printf "%.1f", $1 / 1e6}') s after the kernel started"
check_eq "systemd is PID 1" "$(cat /proc/1/comm)" systemd
check "udevd runs" systemctl is-active --quiet systemd-udevd
check_eq "Debian's own fwupd is installed" "$(dpkg-query -W -f '${Version}' fwupd)" \
	"$DEBIAN_FWUPD_VERSION"
check "no LFA driver yet" eval '! lfa_module_loaded'

cd "$F/dist"
if apt-get install -y ./fwupd_*_arm64.deb ./libfwupd3_*_arm64.deb \
	./lfa-fw-dkms_*_all.deb >/tmp/apt.log 2>&1; then
	ok "apt installs fwupd, libfwupd3 and lfa-fw-dkms from dist/"
else
	not_ok "apt installs fwupd, libfwupd3 and lfa-fw-dkms from dist/"
	tail -n 30 /tmp/apt.log | sed 's/^/#   /'
fi
cd /
check_eq "apt took our fwupd over Debian's" "$(dpkg-query -W -f '${Version}' fwupd)" \
	"$LFA_FWUPD_VERSION"
check "DKMS built and installed lfa_fw for $(uname -r)" \
	eval "dkms status lfa-fw | grep -q '$(uname -r).*installed'"
check "the module is where modprobe looks" modinfo -n lfa_fw

# udev loads the driver for the arm,lfa node through the module's alias,
# as it does at boot on a machine where the package is installed
alias=$(grep -l 'arm,lfa' /sys/bus/platform/devices/*/modalias 2>/dev/null | head -n 1)
check_eq "the alias of the arm,lfa device resolves to lfa_fw" \
	"$(modprobe --resolve-alias "$(cat "$alias")" 2>&1)" lfa_fw
udevadm trigger --action=add --subsystem-match=platform
udevadm settle
check "udev loaded lfa_fw" lfa_module_loaded
check "the kernel lists the firmware images" test -d "$LFA/$GUID_BL31"

# fwupd as Debian runs it: the unit of the package, polkit for non-root
systemctl restart fwupd
check "fwupd.service runs" systemctl is-active --quiet fwupd
dev_json
check_eq "fwupd shows TF-A BL31" "$(dev_field $GUID_BL31 Name)" "TF-A BL31 Runtime Firmware"
check_eq "fwupd shows BL31's version" "$(dev_field $GUID_BL31 Version)" "2.12"
check "the pending RMM needs activation" dev_has_flag $GUID_RMM needs-activation

tap_done

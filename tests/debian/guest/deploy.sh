# SPDX-License-Identifier: LGPL-2.1-or-later
# An operator deploys fwupd-lfa on a Debian 12 Arm server: apt installs the
# packages of dist/ over Debian's fwupd, DKMS builds the driver for the
# running kernel, udev loads it through its alias, systemd runs fwupd, and
# a BMC-staged update, an activation authorised by polkit and a cabinet
# install work; a reinstall keeps it all working.  Runs as root (/bin/sh).
. /tests/lib.sh
. /tests/files/chain-lib.sh
. /tests/files/case.env
F=/tests/files

# as a person at a terminal (pkttyagent asks there): at-terminal USER PW CMD...
as_user() {
	_user=$1 _pw=$2
	shift 2
	su "$_user" -c "python3 $F/at-terminal --password '$_pw' --timeout 300 -- $* \
		--no-unreported-check --no-metadata-check --no-remote-check --no-reboot-check"
}

lfa_module_loaded() {
	grep -q '^lfa_fw ' /proc/modules
}

diag "Debian $(cat /etc/debian_version), kernel $(uname -r)"
check_eq "systemd is PID 1" "$(cat /proc/1/comm)" systemd
check "udevd runs" systemctl is-active --quiet systemd-udevd
check_eq "Debian's own fwupd is installed" "$(dpkg-query -W -f '${Version}' fwupd)" \
	"$DEBIAN_FWUPD_VERSION"
check "no LFA driver yet" eval '! lfa_module_loaded'

# the emulated platform's staging path: what the BMC does on a real server
insmod "$F/modules/lfa_testplat.ko"

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

# a BMC stages an update out of band: udevd passes the kernel's uevent on
sp_pending() {
	dev_json
	dev_has_flag $GUID_SP needs-activation
}
check "the secure partition has nothing pending" eval '! sp_pending'
echo "$GUID_SP 1.5" >"$LFA_EMU/bmc_stage"
check "fwupd shows the BMC-staged image as needing activation" wait_for 60 sp_pending

# polkit: an administrator (sudo group) authenticates, anyone else cannot
dev_json
rmm=$(dev_id $GUID_RMM)
refused "auditor (not in sudo) cannot activate, even with a password" \
	as_user auditor auditor-pw fwupdmgr activate "$rmm"
# PAM's verdict, or the agent's when it gets to print it before the client
# gives up
check "polkit asked for an administrator's password and refused auditor's" \
	grep -qi "authentication fail" /tmp/out
check_eq "RMM is still pending" "$(sysfs $GUID_RMM activation_pending)" 1
if as_user admin admin-pw fwupdmgr activate "$rmm" >/tmp/out 2>&1; then
	ok "admin activates RMM after authenticating with polkit"
else
	not_ok "admin activates RMM after authenticating with polkit"
	tail -n 8 /tmp/out | sed 's/^/#   /'
fi
check "polkit asked admin for a password" grep -q "AUTHENTICATION COMPLETE" /tmp/out
check_eq "RMM runs the new version" "$(sysfs $GUID_RMM activation_pending)" 0

# an LVFS cabinet, staged through firmware upload and activated live (the
# test cabinet is not signed: OnlyTrusted=false, as fwupd.conf documents)
write_fwupd_conf immediate
systemctl restart fwupd
boot_id=$(cat /proc/sys/kernel/random/boot_id)
check "fwupdmgr install stages and activates the BL31 cabinet" \
	fwupdmgr install -y "$F/bl31-2.13.cab"
check_eq "BL31 runs 2.13" "$(sysfs $GUID_BL31 current_version)" "2.13"
check_eq "without a reboot" "$(cat /proc/sys/kernel/random/boot_id)" "$boot_id"

# a reinstall (or an upgrade to the same version) keeps everything working
cd "$F/dist"
check "apt reinstalls the packages" apt-get install -y --reinstall \
	./fwupd_*_arm64.deb ./libfwupd3_*_arm64.deb ./lfa-fw-dkms_*_all.deb
cd /
check "DKMS still has lfa_fw installed" \
	eval "dkms status lfa-fw | grep -q '$(uname -r).*installed'"
# the upgrade stops the daemon; D-Bus starts the new one for the next client
dev_json
check_eq "fwupd still shows BL31 at 2.13" "$(dev_field $GUID_BL31 Version)" "2.13"
check "fwupd.service runs again, started by D-Bus" systemctl is-active --quiet fwupd
tap_done

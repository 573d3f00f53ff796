# SPDX-License-Identifier: LGPL-2.1-or-later
# The operator's day on the installed server (run-case deploy made it): a
# BMC-staged update reaches fwupd through the kernel's uevent and udevd,
# polkit lets an administrator activate and refuses anyone else, a cabinet
# installs live, and a reinstall of fwupd keeps all of it working.
# Runs as root (/bin/sh).
. /tests/lib.sh
. /tests/files/chain-lib.sh
F=/tests/files

# as a person at a terminal (pkttyagent asks there): at-terminal USER PW CMD...
as_user() {
	_user=$1 _pw=$2
	shift 2
	su "$_user" -c "python3 $F/at-terminal --password '$_pw' --timeout 300 -- $* \
		--no-unreported-check --no-metadata-check --no-remote-check --no-reboot-check"
}

# the emulated platform's staging path: what the BMC does on a real server
insmod "$F/modules/lfa_testplat.ko"
# the test unit starts once multi-user.target is reached, which does not
# wait for udevd to have handled every coldplug event
check "udev loaded lfa_fw at boot" wait_for 120 grep -q '^lfa_fw ' /proc/modules
dev_json
check "fwupd runs for its first client" systemctl is-active --quiet fwupd
check_eq "fwupd shows BL31's version" "$(dev_field $GUID_BL31 Version)" "2.12"

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

# A reinstall of fwupd, as an upgrade to the same version would do, keeps
# the plugin and everything it shows.  (Reinstalling lfa-fw-dkms too makes
# DKMS build the module again, which the deployment shows; the three
# together took four minutes under TCG.)
cd "$F/dist"
check "apt reinstalls fwupd and libfwupd3" apt-get install -y --reinstall \
	./fwupd_*_arm64.deb ./libfwupd3_*_arm64.deb
cd /
# the upgrade stops the daemon; D-Bus starts the new one for the next client
dev_json
check_eq "fwupd still shows BL31 at 2.13" "$(dev_field $GUID_BL31 Version)" "2.13"
check "fwupd.service runs again, started by D-Bus" systemctl is-active --quiet fwupd
tap_done

# SPDX-License-Identifier: LGPL-2.1-or-later
# A deferred install, then `systemctl reboot`: fwupd's shutdown hook runs
# `fwupdtool activate`, which must leave the staged LFA image to the reboot
# (plugins/lfa/README.md, "Update Behavior").  The script runs once per
# boot (lfa-test.service); the host reads the agent's call counts that the
# stub prints as each boot ends (run-case reboot).  Runs as root.
. /tests/lib.sh
. /tests/files/chain-lib.sh
F=/tests/files
state=/var/lib/lfa-test/reboot

if [ ! -f "$state" ]; then
	diag "boot 1: deferred install, then reboot"
	start_chain_or_bail deferred
	check "fwupdmgr install stages the BL31 cabinet" fwupdmgr install -y "$F/bl31-2.13.cab"
	check_eq "the kernel lists 2.13 as pending" "$(sysfs $GUID_BL31 pending_version)" "2.13"
	dev_json
	check "fwupd shows BL31 as needing activation" dev_has_flag $GUID_BL31 needs-activation
	check "fwupd's history holds it, so the shutdown hook will run" \
		test -f /var/lib/fwupd/pending.db
	check "Debian's shutdown hook is installed" \
		test -x /lib/systemd/system-shutdown/fwupd.shutdown
	mkdir -p "$(dirname "$state")"
	{
		echo "tap_n=$tap_n tap_failed=$tap_failed"
		echo "boot_id=$(cat /proc/sys/kernel/random/boot_id)"
	} >"$state"
	# lfa-test.service: run again after the boot, do not power off now
	touch /run/lfa-test-reboots
	systemctl reboot
	exit 0
fi

. "$state"
diag "boot 2: after the reboot"
check "the machine rebooted" \
	test "$(cat /proc/sys/kernel/random/boot_id)" != "$boot_id"
check "the shutdown hook's fwupdtool is Debian's, with the lfa plugin" \
	sh -c 'fwupdtool get-plugins --json | grep -q "\"Name\" : \"lfa\""'
tap_done

# SPDX-License-Identifier: LGPL-2.1-or-later
# Out-of-band staging (the scenario's BMC) raises the arm,lfa interrupt:
# with auto_activate=0 the kernel's uevent makes the running daemon show
# the image as needing activation; with auto_activate=1 the kernel
# activates it and the daemon shows the new version.
. /tests/lib.sh
. /tests/files/chain-lib.sh

sp_pending() {
	dev_json
	dev_has_flag $GUID_SP needs-activation
}

sp_runs() {
	dev_json
	[ "$(dev_field $GUID_SP Version)" = "$1" ]
}

start_chain_or_bail
check "secure partition has nothing pending" eval '! sp_pending'
t0=$(cut -d' ' -f1 /proc/uptime)
echo "$GUID_SP 1.5" >"$LFA_EMU/bmc_stage"
if wait_for 30 sp_pending; then
	t1=$(cut -d' ' -f1 /proc/uptime)
	ok "daemon shows the BMC-staged image as needing activation"
	diag "uevent to needs-activation: $(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}') s (TCG)"
else
	not_ok "daemon shows the BMC-staged image as needing activation"
fi
if [ "$AGENT_MODE" = lfa ]; then
	check "its pending version is shown" eval 'dev_field $GUID_SP Summary | grep -q "1\.5"'
else
	skip "its pending version is shown" "TF-A does not report versions"
fi
check "the kernel did not activate it (auto_activate=0)" \
	eval '[ "$(sysfs $GUID_SP activation_pending)" = 1 ]'

# auto activation: activate the staged 1.5 on the next notification
echo 1 >"$LFA/$GUID_SP/auto_activate"
lfa_log_clear
echo "$GUID_SP 1.6" >"$LFA_EMU/bmc_stage"
# without versions from the agent, the flag is what shows the activation
if [ "$AGENT_MODE" = lfa ]; then
	activated() { sp_runs 1.6; }
else
	activated() { ! sp_pending; }
fi
if wait_for 60 activated; then
	ok "auto activation on notification: the daemon shows it"
else
	not_ok "auto activation on notification: the daemon shows it"
	diag "kernel: $(sysfs $GUID_SP current_version) pending $(sysfs $GUID_SP pending_version)"
fi
dev_json
check_version "daemon shows 1.6" "$(dev_field $GUID_SP Version)" 1.6
check "no longer needs activation" eval '! sp_pending'
check "the kernel activated it" grep -q 'call=ACTIVATE' "$LFA_EMU/log"
check "fwupd daemon still running" fwupd_alive
chain_done

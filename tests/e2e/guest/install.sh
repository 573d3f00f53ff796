# SPDX-License-Identifier: LGPL-2.1-or-later
# fwupdmgr install of a cabinet: staged through the firmware-upload device
# and activated live; then a corrupt payload: a clear error, the old
# version still running and nothing left staged.
. /tests/lib.sh
. /tests/files/chain-lib.sh

start_chain_or_bail
dev_json
check_eq "BL31 runs 2.12 before" "$(dev_field $GUID_BL31 Version)" "2.12"

# the same image GUID built for another board: TF-A's GUIDs are the same on
# every platform, so only the platform-qualified GUID may match
lfa_log_clear
refused "a cabinet for another board is refused" fwupdmgr install /tmp/bl31-other-board.cab
check "fwupd says no device here takes it" grep -q "No supported devices found" /tmp/out
check_eq "nothing staged for another board" "$(sysfs $GUID_BL31 activation_pending)" "0"
check "no LFA call for another board" eval '! grep -q "call=PRIME" "$LFA_EMU/log"'

lfa_log_clear
if fwupdmgr install /tmp/bl31-2.13.cab >/tmp/out 2>&1; then
	ok "fwupdmgr install bl31-2.13.cab succeeds"
else
	not_ok "fwupdmgr install bl31-2.13.cab succeeds"
	sed 's/^/#   /' /tmp/out | tail -n 5
fi
dev_json
check_eq "BL31 runs 2.13 after" "$(dev_field $GUID_BL31 Version)" "2.13"
check_eq "kernel agrees" "$(sysfs $GUID_BL31 current_version)" "2.13"
check "BL31 does not need activation" eval '! dev_has_flag $GUID_BL31 needs-activation'
check "activated with a rendezvous of all $(nproc) CPUs" eval '[ "$(activate_cpus)" = "$(nproc)" ]'
check "no reboot requested" eval '! grep -qi "requires a reboot\|needs a reboot" /tmp/out'
check "device not flagged needs-reboot" eval '! dev_has_flag $GUID_BL31 needs-reboot'
check "upload device back to idle" eval '[ "$(cat /sys/class/firmware/lfa-$GUID_BL31/status)" = idle ]'

# authentication fails at PRIME: the old firmware keeps running
lfa_log_clear
refused "corrupt cabinet is refused" fwupdmgr install /tmp/bl31-corrupt.cab --allow-reinstall
check "the error says authentication failed" grep -qi "authenticat" /tmp/out
check "the error names the image" grep -q "$GUID_BL31" /tmp/out
dev_json
check_eq "BL31 still runs 2.13" "$(dev_field $GUID_BL31 Version)" "2.13"
check_eq "kernel still runs 2.13" "$(sysfs $GUID_BL31 current_version)" "2.13"
check_eq "nothing left pending" "$(sysfs $GUID_BL31 activation_pending)" "0"
check "BL31 does not need activation" eval '! dev_has_flag $GUID_BL31 needs-activation'
check "CANCEL was sent" grep -q 'call=CANCEL' "$LFA_EMU/log"
check "fwupd daemon still running" fwupd_alive
chain_done

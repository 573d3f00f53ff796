# SPDX-License-Identifier: LGPL-2.1-or-later
# fwupdmgr activate of an image staged at boot: activated live with all
# CPUs rendezvoused, version before and after, the daemon still running.
. /tests/lib.sh
. /tests/files/chain-lib.sh

start_chain_or_bail
dev_json
id=$(dev_id $GUID_RMM)
check_version "RMM runs 0.7 before" "$(dev_field $GUID_RMM Version)" "0.7"
check "RMM needs activation" dev_has_flag $GUID_RMM needs-activation
lfa_log_clear
check "fwupdmgr activate RMM succeeds" fwupdmgr activate "$id"
dev_json
check_version "RMM runs 0.8 after" "$(dev_field $GUID_RMM Version)" "0.8"
check "RMM no longer needs activation" eval '! dev_has_flag $GUID_RMM needs-activation'
check_version "kernel agrees: current_version" "$(sysfs $GUID_RMM current_version)" "0.8"
check_eq "kernel agrees: nothing pending" "$(sysfs $GUID_RMM activation_pending)" "0"
check_eq "ACTIVATE was called on all $(nproc) CPUs" "$(activate_cpus)" "$(nproc)"
check "PRIME preceded ACTIVATE" eval 'grep -m1 -E "call=(PRIME|ACTIVATE)" $LFA_EMU/log | grep -q call=PRIME'
# the driver ends the prime after a success (TF-A BL31 keeps it)
check_eq "one CANCEL" "$(grep -c call=CANCEL $LFA_EMU/log)" 1
check_eq "the CANCEL came after the last ACTIVATE" \
	"$(grep -E 'call=(ACTIVATE|CANCEL) ' $LFA_EMU/log | tail -n 1 | sed 's/.* call=\([A-Z]*\) .*/\1/')" CANCEL
check "fwupd daemon still running" fwupd_alive
check "the system did not reboot" eval '[ "$(cut -d. -f1 /proc/uptime)" -gt 0 ] && grep -q "lfa_fw" /proc/modules'
check "nothing else needs activation" eval '! fwupdmgr activate 2>&1 | grep -q "$GUID_RMM"'
chain_done

# SPDX-License-Identifier: LGPL-2.1-or-later
# Every LFA error injected at one call (PRIME or ACTIVATE, from
# LFA_E2E_CALL in the files dir): fwupdmgr activate fails with an error
# that names the image, the old firmware keeps running, the device still
# needs activation, CANCEL was sent (unless PRIME was refused with BUSY
# before it started), and a clean retry then works.
. /tests/lib.sh
. /tests/files/chain-lib.sh
. /tests/files/case.env

# BUSY and CALL_AGAIN are retried by the driver: inject them forever and
# shorten the budgets so that the timeout path is taken quickly
start_chain_or_bail
echo 2000 >/sys/module/lfa_fw/parameters/prime_timeout_ms
echo 2000 >/sys/module/lfa_fw/parameters/activate_timeout_ms
dev_json
id=$(dev_id $GUID_RMM)

for code in NOT_SUPPORTED BUSY AUTH_ERROR NO_MEMORY CRITICAL_ERROR \
	DEVICE_ERROR WRONG_STATE INVALID_PARAMETERS COMPONENT_WRONG_STATE \
	INVALID_ADDRESS ACTIVATION_FAILED; do
	if [ "$AGENT_MODE" = tf-a ] && [ "$LFA_E2E_CALL $code" = "ACTIVATE BUSY" ]; then
		skip "ACTIVATE BUSY" "TF-A never answers a rendezvous ACTIVATE with BUSY"
		continue
	fi
	lfa_inject clear
	lfa_log_clear
	lfa_inject "$LFA_E2E_CALL 1 $code forever"
	if fwupdmgr activate "$id" >/tmp/out 2>&1; then
		not_ok "$LFA_E2E_CALL $code: activate fails"
	else
		ok "$LFA_E2E_CALL $code: activate fails"
	fi
	check "$LFA_E2E_CALL $code: error names the image's GUID" grep -q "$GUID_RMM" /tmp/out
	sed 's/^/#   /' /tmp/out | tail -n 2
	lfa_inject clear
	dev_json
	check_version "$LFA_E2E_CALL $code: old version still runs" \
		"$(dev_field $GUID_RMM Version)" "0.7"
	check_version "$LFA_E2E_CALL $code: kernel still runs 0.7" \
		"$(sysfs $GUID_RMM current_version)" "0.7"
	check "$LFA_E2E_CALL $code: still needs activation" \
		dev_has_flag $GUID_RMM needs-activation
	if [ "$LFA_E2E_CALL $code" = "PRIME BUSY" ]; then
		# the agent was busy with another caller's PRIME: not ours to cancel
		check "$LFA_E2E_CALL $code: no CANCEL" eval '! grep -q call=CANCEL "$LFA_EMU/log"'
	else
		check "$LFA_E2E_CALL $code: CANCEL was sent" grep -q 'call=CANCEL' "$LFA_EMU/log"
	fi
	check "$LFA_E2E_CALL $code: daemon still running" fwupd_alive
done
check "a clean activation works afterwards" fwupdmgr activate "$id"
check "and nothing is pending" eval '[ "$(sysfs $GUID_RMM activation_pending)" = 0 ]'
check_version "and runs 0.8" "$(sysfs $GUID_RMM current_version)" "0.8"
chain_done

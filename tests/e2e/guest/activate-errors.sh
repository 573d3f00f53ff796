# SPDX-License-Identifier: LGPL-2.1-or-later
# LFA errors injected at PRIME and at ACTIVATE: fwupdmgr activate fails
# with an error that names the image, the old firmware keeps running, the
# device still needs activation, CANCEL was sent (unless PRIME was refused
# with BUSY before it started), and a clean retry then works.
#
# One code of each kind the chain treats differently: BUSY (the driver
# retries until its budget runs out), AUTH_ERROR (the agent discards the
# image), CRITICAL_ERROR and ACTIVATION_FAILED (the platform failed).  Every
# code's errno is checked at the driver (tests/kernel, kernel-main) and
# every errno's message at the plugin (lfa-self-test); a boot costs half a
# minute under TCG, so this case does not repeat all of them.
. /tests/lib.sh
. /tests/files/chain-lib.sh

# BUSY and CALL_AGAIN are retried by the driver: inject them forever and
# shorten the budgets so that the timeout path is taken quickly
start_chain_or_bail
echo 2000 >/sys/module/lfa_fw/parameters/prime_timeout_ms
echo 2000 >/sys/module/lfa_fw/parameters/activate_timeout_ms
dev_json
id=$(dev_id $GUID_RMM)

for call_code in "PRIME BUSY" "PRIME AUTH_ERROR" "PRIME CRITICAL_ERROR" \
	"PRIME ACTIVATION_FAILED" "ACTIVATE BUSY" "ACTIVATE AUTH_ERROR" \
	"ACTIVATE CRITICAL_ERROR" "ACTIVATE ACTIVATION_FAILED"; do
	call=${call_code% *} code=${call_code#* }
	if [ "$AGENT_MODE" = tf-a ] && [ "$call $code" = "ACTIVATE BUSY" ]; then
		skip "ACTIVATE BUSY" "TF-A never answers a rendezvous ACTIVATE with BUSY"
		continue
	fi
	lfa_inject clear
	lfa_log_clear
	lfa_inject "$call 1 $code forever"
	if fwupdmgr activate "$id" >/tmp/out 2>&1; then
		not_ok "$call $code: activate fails"
	else
		ok "$call $code: activate fails"
	fi
	check "$call $code: error names the image's GUID" grep -q "$GUID_RMM" /tmp/out
	sed 's/^/#   /' /tmp/out | tail -n 2
	lfa_inject clear
	dev_json
	check_version "$call $code: old version still runs" \
		"$(dev_field $GUID_RMM Version)" "0.7"
	check_version "$call $code: kernel still runs 0.7" \
		"$(sysfs $GUID_RMM current_version)" "0.7"
	check "$call $code: still needs activation" \
		dev_has_flag $GUID_RMM needs-activation
	if [ "$call $code" = "PRIME BUSY" ]; then
		# the agent was busy with another caller's PRIME: not ours to cancel
		check "$call $code: no CANCEL" eval '! grep -q call=CANCEL "$LFA_EMU/log"'
	else
		check "$call $code: CANCEL was sent" grep -q 'call=CANCEL' "$LFA_EMU/log"
	fi
	check "$call $code: daemon still running" fwupd_alive
done
check "a clean activation works afterwards" fwupdmgr activate "$id"
check "and nothing is pending" eval '[ "$(sysfs $GUID_RMM activation_pending)" = 0 ]'
check_version "and runs 0.8" "$(sysfs $GUID_RMM current_version)" "0.8"
chain_done

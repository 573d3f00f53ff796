# SPDX-License-Identifier: LGPL-2.1-or-later
# A non-root caller cannot activate: neither through the daemon (polkit
# has no agent to ask for an administrator's password here, so it refuses;
# tests/debian/guest/operate.sh has the agent) nor through sysfs.
. /tests/lib.sh
. /tests/files/chain-lib.sh

start_chain_or_bail
dev_json
id=$(dev_id $GUID_RMM)
as_nobody() {
	su -s /bin/sh nobody -c "$*"
}

refused "nobody cannot activate through fwupd" as_nobody fwupdmgr activate "$id" \
	--no-unreported-check --no-metadata-check --no-remote-check
check "refused for lack of authorisation" grep -qi "auth" /tmp/out
check_eq "nobody is really uid 65534" "$(as_nobody id -u)" "65534"
if as_nobody "echo 1 >$LFA/$GUID_RMM/activate" 2>/tmp/out; then
	not_ok "nobody cannot write activate"
else
	ok "nobody cannot write activate"
fi
check "sysfs says permission denied" grep -qi "denied" /tmp/out
check_eq "RMM still runs 0.7" "$(sysfs $GUID_RMM current_version)" "0.7"
check_eq "RMM still pending" "$(sysfs $GUID_RMM activation_pending)" "1"
chain_done

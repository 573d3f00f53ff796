# SPDX-License-Identifier: LGPL-2.1-or-later
# An agent with no components: the daemon runs and lists no LFA device.
. /tests/lib.sh
. /tests/files/chain-lib.sh

start_chain_or_bail
check "kernel lists no image" eval '[ -z "$(ls $LFA)" ]'
fwupdmgr get-devices --json >/tmp/devices.json 2>&1
check "fwupdmgr lists no LFA device" eval '! grep -q "\"Plugin\" : \"lfa\"" /tmp/devices.json'
check "fwupd daemon still running" fwupd_alive
chain_done

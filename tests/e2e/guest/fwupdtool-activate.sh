# SPDX-License-Identifier: LGPL-2.1-or-later
# fwupdtool activate (no daemon) activates an image staged outside fwupd.
. /tests/lib.sh
. /tests/files/chain-lib.sh

start_kernel_side
write_fwupd_conf
# fwupdtool works on the hardware itself, without the daemon
stop_fwupd
fwupdtool get-devices --plugins lfa --json >/tmp/devices.json 2>/dev/null
id=$(dev_id $GUID_RMM)
check "fwupdtool lists the RMM" test -n "$id"
check "fwupdtool activate RMM" fwupdtool activate --plugins lfa "$id"
check_eq "kernel runs 0.8" "$(sysfs $GUID_RMM current_version)" "0.8"
check_eq "nothing pending" "$(sysfs $GUID_RMM activation_pending)" "0"
fwupdtool get-devices --plugins lfa --json >/tmp/devices.json 2>/dev/null
check_eq "fwupdtool shows 0.8" "$(dev_field $GUID_RMM Version)" "0.8"
tap_done

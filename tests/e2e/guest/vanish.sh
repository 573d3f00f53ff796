# SPDX-License-Identifier: LGPL-2.1-or-later
# Scenario vanish: activating BL31 makes BL33 vanish and a new image appear;
# fwupdmgr follows the kernel's inventory.
. /tests/lib.sh
. /tests/files/chain-lib.sh

GUID_BL33=d6d0eea7-fcea-d54b-9782-9934f234b6e4
GUID_LATE=5a7e0000-1111-4222-8333-944455556666

start_chain_or_bail
dev_json
check "BL33 listed before" eval 'grep -q "$GUID_BL33" /tmp/devices.json'
check "late image not listed before" eval '! grep -q "$GUID_LATE" /tmp/devices.json'
check "fwupdmgr activate BL31" fwupdmgr activate "$(dev_id $GUID_BL31)"
gone() {
	dev_json
	! grep -q "$GUID_BL33" /tmp/devices.json && grep -q "$GUID_LATE" /tmp/devices.json
}
check "BL33 vanished and the late image appeared in fwupdmgr" wait_for 20 gone
check "kernel removed BL33's directory" eval '[ ! -e $LFA/$GUID_BL33 ]'
check_eq "BL31 runs 1.1" "$(dev_field $GUID_BL31 Version)" "1.1"
check "RMM still activatable after renumbering" fwupdmgr activate "$(dev_id $GUID_RMM)"
check_eq "RMM runs 1.1" "$(sysfs $GUID_RMM current_version)" "1.1"
chain_done

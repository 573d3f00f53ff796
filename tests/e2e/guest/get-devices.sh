# SPDX-License-Identifier: LGPL-2.1-or-later
# fwupdmgr get-devices lists every LFA image of the default scenario with
# the kernel's names, versions and the right flags.
. /tests/lib.sh
. /tests/files/chain-lib.sh

if ! start_chain; then
	not_ok "fwupd daemon starts in the guest"
	chain_done
	exit 1
fi
ok "fwupd daemon starts in the guest"
dev_json

check_eq "BL31 name" "$(dev_field $GUID_BL31 Name)" "TF-A BL31 Runtime Firmware"
check_eq "BL31 version" "$(dev_field $GUID_BL31 Version)" "2.12"
# QEMU virt's DT root names the platform (model linux,dummy-virt, no vendor)
check_eq "BL31 is matched by the platform-qualified instance ID" \
	"$(dev_field $GUID_BL31 InstanceIds)" \
	'LFA\\VENDOR_linux&PRODUCT_linux-dummy-virt&GUID_'$GUID_BL31
check "the bare image GUID is not a firmware GUID" \
	eval '! dev_field $GUID_BL31 Guid | grep -qx "$GUID_BL31"'
check_eq "BL31 version format" "$(dev_field $GUID_BL31 VersionFormat)" "pair"
check "BL31 is updatable (firmware-upload device)" dev_has_flag $GUID_BL31 updatable
check "BL31 has nothing to activate" eval '! dev_has_flag $GUID_BL31 needs-activation'
check_eq "RMM version" "$(dev_field $GUID_RMM Version)" "0.7"
check "RMM needs activation (0.8 staged at boot)" dev_has_flag $GUID_RMM needs-activation
check "RMM shows its pending version" eval 'dev_field $GUID_RMM Summary | grep -q "0\.8"'
check_eq "secure partition version" "$(dev_field $GUID_SP Version)" "1.4"
check "SCP (may reset CPUs) cannot be activated and says why" \
	eval 'dev_field $GUID_SCP UpdateError | grep -qi "reset"'
check "SCP is not offered for activation" eval '! dev_has_flag $GUID_SCP needs-activation'
check_eq "unknown image is named after its GUID" \
	"$(dev_field $GUID_VENDOR Name)" "$GUID_VENDOR"
check "unknown image says it is not activation capable" \
	eval 'dev_field $GUID_VENDOR UpdateError | grep -qi "not activation capable"'
n=$(grep -c '"Plugin" : "lfa"' /tmp/devices.json)
check_eq "one device per kernel image" "$n" "$(ls $LFA | wc -l)"
fwupdmgr get-devices 2>&1 | head -n 80 | sed 's/^/# /'
chain_done

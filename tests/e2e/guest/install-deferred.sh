# SPDX-License-Identifier: LGPL-2.1-or-later
# ActivationPolicy=deferred: install only stages; fwupdmgr activate then
# activates live.
. /tests/lib.sh
. /tests/files/chain-lib.sh

start_chain_or_bail deferred
check "fwupdmgr install stages bl31-2.13.cab" fwupdmgr install /tmp/bl31-2.13.cab
dev_json
check_eq "BL31 still runs 2.12" "$(dev_field $GUID_BL31 Version)" "2.12"
check "BL31 needs activation" dev_has_flag $GUID_BL31 needs-activation
check_eq "kernel: 2.13 pending" "$(sysfs $GUID_BL31 pending_version)" "2.13"
check "fwupdmgr activate" fwupdmgr activate "$(dev_id $GUID_BL31)"
dev_json
check_eq "BL31 runs 2.13" "$(dev_field $GUID_BL31 Version)" "2.13"
check "BL31 no longer needs activation" eval '! dev_has_flag $GUID_BL31 needs-activation'
chain_done

# SPDX-License-Identifier: LGPL-2.1-or-later
# The main job's transcript: what an operator of an Arm server with LFA
# sees through fwupd.  Every step also checks itself (TAP ok / not ok).
. /tests/lib.sh
. /tests/files/chain-lib.sh

# the transcript is made of TAP comments, so that meson reads the checks;
# scripts/demo shows it without the "# "
say() {
	echo "#   $*"
}

step() {
	echo "#"
	echo "# == $*"
}

version_of() {	# version_of GUID: fwupd's view (after dev_json)
	dev_field "$1" Version
}

step "Booting the emulated Arm server: $(nproc) CPUs, $(grep -o 'SMC Calling Convention v[0-9.]*' /tmp/dmesg)"
start_chain_or_bail
say "$(dmesg | grep -m1 'lfa_fw: LFA' | sed 's/^\[[^]]*\] //')"
say "$(ls /sys/firmware/lfa | wc -l) firmware images in /sys/firmware/lfa"

step "1. fwupdmgr get-devices"
fwupdmgr get-devices 2>/dev/null | grep -v '^WARNING\|^See \|^$' | sed 's/^/#   /'
dev_json
n=$(grep -c '"Plugin" : "lfa"' /tmp/devices.json)
check_eq "fwupd lists every image the kernel lists" "$n" "$(ls $LFA | wc -l)"

step "2. The BMC stages secure-partition firmware 1.5 out of band"
dev_json
say "before: version $(version_of $GUID_SP), flags $(dev_field $GUID_SP Flags)"
t0=$(uptime_s)
echo "$GUID_SP 1.5" >"$LFA_EMU/bmc_stage"
sp_pending() {
	dev_json
	dev_has_flag $GUID_SP needs-activation
}
if wait_for 30 sp_pending; then
	t1=$(uptime_s)
	ok "the kernel's uevent made the running daemon show it needs activation"
	say "after $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s: flags $(dev_field $GUID_SP Flags)"
	say "summary: $(dev_field $GUID_SP Summary)"
else
	not_ok "the kernel's uevent made the running daemon show it needs activation"
fi

step "3. fwupdmgr activate (live, no reboot)"
pid_before=$FWUPD_PID
up_before=$(uptime_s)
lfa_log_clear
say "before: $(sysfs $GUID_SP name) runs $(sysfs $GUID_SP current_version), pending $(sysfs $GUID_SP pending_version)"
check "fwupdmgr activate $(dev_id $GUID_SP)" fwupdmgr activate "$(dev_id $GUID_SP)"
dev_json
say "after:  runs $(sysfs $GUID_SP current_version), fwupd shows $(version_of $GUID_SP), flags $(dev_field $GUID_SP Flags)"
check_eq "the secure partition now runs 1.5" "$(version_of $GUID_SP)" "1.5"
cpus=$(activate_cpus)
spread=$(grep 'call=ACTIVATE' "$LFA_EMU/log" |
	sed 's/.* t=\([0-9]*\) .*/\1/' | sort -n |
	awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%.1f", (b - a) / 1000 }')
say "rendezvous: ACTIVATE called on $cpus of $(nproc) CPUs, arrivals spread over $spread us"
check_eq "all CPUs rendezvoused" "$cpus" "$(nproc)"
check "the daemon is still the same process" eval '[ "$FWUPD_PID" = "$pid_before" ] && fwupd_alive'
check "no reboot (uptime went on)" eval "awk -v a=$up_before '{ exit !(\$1 > a) }' /proc/uptime"

step "4. fwupdmgr install of a cabinet for TF-A BL31 (staged through firmware upload)"
cab=/tmp/bl31-2.13.cab
want=2.13
if [ -e /tests/files/user.cab ]; then
	cab=/tmp/user.cab
	want=
fi
dev_json
say "before: BL31 $(version_of $GUID_BL31)"
say "upload device: /sys/class/firmware/lfa-$GUID_BL31"
if fwupdmgr install "$cab" --allow-reinstall --allow-older >/tmp/out 2>&1; then
	ok "fwupdmgr install $(basename $cab)"
else
	not_ok "fwupdmgr install $(basename $cab)"
fi
grep -v '…\|^WARNING\|^See \|^$' /tmp/out | sed 's/^/#   | /' | tail -n 4
dev_json
say "after:  BL31 $(version_of $GUID_BL31), kernel $(sysfs $GUID_BL31 current_version), pending $(sysfs $GUID_BL31 activation_pending)"
if [ -n "$want" ]; then
	check_eq "BL31 runs $want, activated live" "$(sysfs $GUID_BL31 current_version)" "$want"
fi
check "nothing left pending" eval '[ "$(sysfs $GUID_BL31 activation_pending)" = 0 ]'

step "5. The same install with a corrupt payload"
before=$(sysfs $GUID_BL31 current_version)
lfa_log_clear
if fwupdmgr install /tmp/bl31-corrupt.cab --allow-reinstall --allow-older >/tmp/out 2>&1; then
	not_ok "the corrupt cabinet is refused"
else
	ok "the corrupt cabinet is refused"
fi
grep -v '…\|^WARNING\|^See \|^$' /tmp/out | sed 's/^/#   | /' | tail -n 3
say "after: BL31 $(sysfs $GUID_BL31 current_version), pending $(sysfs $GUID_BL31 activation_pending), CANCEL sent: $(grep -c 'call=CANCEL' $LFA_EMU/log)x"
check_eq "the old version still runs" "$(sysfs $GUID_BL31 current_version)" "$before"
check_eq "nothing half done: no update left staged" "$(sysfs $GUID_BL31 activation_pending)" "0"
check "fwupd daemon still running" fwupd_alive

if [ "$LFA_VM_INTERACTIVE" = 1 ]; then
	# the shell that follows gets the same tools
	for t in fwupdmgr fwupdtool; do
		printf '#!/bin/sh\n. /tests/files/chain-lib.sh\n%s "$@"\n' "$t" >/bin/$t
		chmod +x /bin/$t
	done
	echo "#"
	echo "# fwupdmgr and fwupdtool are on PATH; the agent's debugfs is $LFA_EMU"
	tap_done
	exit
fi
chain_done

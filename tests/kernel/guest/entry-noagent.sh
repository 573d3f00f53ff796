#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# run-guest --script, scenario noagent: firmware speaks SMCCC 1.2 but has
# no LFA service. The module must refuse to load, quietly.
. /tests/lib.sh
P=/tests/files/lfa-probe
dmesg -c >/dev/null
check_eq "insmod without an agent" "$("$P" insmod /lib/modules-test/lfa_fw.ko)" ENODEV
# the kernel's own taint lines for a first unsigned module are not ours
ours() {
	dmesg -r | grep 'lfa_fw: ' | grep -v -e 'taints kernel' \
		-e 'module verification failed' | sed 's/\[[^]]*\] *//'
}
check_eq "one line" "$(ours | wc -l)" 1
check_eq "the line, at info level" "$(ours)" "<6>lfa_fw: no LFA agent found"
check_eq "no /sys/firmware/lfa" "$([ -e /sys/firmware/lfa ] && echo y)" ""
check_eq "not loaded" "$([ -e /sys/module/lfa_fw ] && echo y)" ""
check_eq "second try" "$("$P" insmod /lib/modules-test/lfa_fw.ko)" ENODEV
tap_done

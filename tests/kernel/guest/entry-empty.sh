#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# run-guest --script, scenario empty: an agent that lists no image.
. /tests/lib.sh
P=/tests/files/lfa-probe
dmesg -c >/dev/null
"$P" uevent 10000 >/tmp/ue 2>/tmp/ue.ready &
while ! grep -q listening /tmp/ue.ready 2>/dev/null; do sleep 0.05; done
check_eq "insmod" "$("$P" insmod /lib/modules-test/lfa_fw.ko)" OK
wait
check_eq "settled uevent on the DT device" "$(cat /tmp/ue)" \
	"settled /devices/platform/lfa platform arm-lfa"
# silent on success: the kernel's own taint lines are not ours
check_eq "no log line from a successful load" \
	"$(dmesg | grep -e 'lfa_fw' -e 'arm-lfa' | grep -v -c -e 'taints kernel' \
		-e 'module verification failed')" 0
check_eq "bound to the arm,lfa node" \
	"$([ -e /sys/bus/platform/drivers/arm-lfa/lfa ] && echo y)" y
check_eq "empty /sys/firmware/lfa" "$(ls /sys/firmware/lfa | wc -l)" 0
# udev would autoload the module for this node: its modalias matches
alias=$(cat /sys/bus/platform/devices/lfa/modalias)
matched=
for a in $(strings /lib/modules-test/lfa_fw.ko | sed -n "s/^alias=//p"); do
	# shellcheck disable=SC2254
	case $alias in $a) matched=$a ;; esac
done
check_eq "modalias '$alias' matches a module alias" "${matched:+yes}" yes
check "rmmod" rmmod lfa_fw
check_eq "sysfs gone" "$([ -e /sys/firmware/lfa ] && echo y)" ""
tap_done

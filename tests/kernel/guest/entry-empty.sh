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
check_eq "version logged once" "$(dmesg | grep -c 'lfa_fw: LFA v1.0 agent found')" 1
check_eq "bound to the arm,lfa node" \
	"$([ -e /sys/bus/platform/drivers/arm-lfa/lfa ] && echo y)" y
check_eq "empty /sys/firmware/lfa" "$(ls /sys/firmware/lfa | wc -l)" 0
check "rmmod" rmmod lfa_fw
check_eq "sysfs gone" "$([ -e /sys/firmware/lfa ] && echo y)" ""
tap_done

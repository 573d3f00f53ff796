#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# run-guest --script --no-lfa-node or --lfa-node-disabled: firmware with an
# LFA agent but no DT (or ACPI) node, or a disabled one; the module
# registers its own platform device and works without notifications.
. /tests/lib.sh
P=/tests/files/lfa-probe
dmesg -c >/dev/null
node=$(grep -l 'arm,lfa' /sys/firmware/devicetree/base/*/compatible 2>/dev/null)
if [ -n "$node" ]; then
	check_eq "the arm,lfa node is disabled" \
		"$(tr -d '\0' <"${node%/compatible}/status" 2>/dev/null)" disabled
else
	ok "no arm,lfa node in the DT"
fi
"$P" uevent 10000 >/tmp/ue 2>/tmp/ue.ready &
while ! grep -q listening /tmp/ue.ready 2>/dev/null; do sleep 0.05; done
check_eq "insmod" "$("$P" insmod /lib/modules-test/lfa_fw.ko)" OK
wait
check_eq "settled uevent on the module's own device" "$(cat /tmp/ue)" \
	"settled /devices/platform/arm-lfa platform arm-lfa"
check_eq "bound to its own arm-lfa device" \
	"$([ -e /sys/bus/platform/drivers/arm-lfa/arm-lfa ] && echo y)" y
check_eq "the default scenario's 5 images listed" "$(ls /sys/firmware/lfa | wc -l)" 5
check_eq "no notification interrupt" "$(grep -c arm-lfa /proc/interrupts)" 0
check "rmmod" rmmod lfa_fw
check_eq "its device is gone" \
	"$([ -e /sys/bus/platform/devices/arm-lfa ] && echo y)" ""
check_eq "sysfs gone" "$([ -e /sys/firmware/lfa ] && echo y)" ""
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# run-guest --script --lfa-node-level: the arm,lfa node's interrupt is
# level-triggered.  LFA has no acknowledgement, so such a line would storm:
# the driver binds, lists the images, says once that it works without
# notifications, and requests no interrupt.
. /tests/lib.sh
P=/tests/files/lfa-probe
dmesg -c >/dev/null
check_eq "insmod" "$("$P" insmod /lib/modules-test/lfa_fw.ko)" OK
check_eq "bound to the arm,lfa node" \
	"$([ -e /sys/bus/platform/drivers/arm-lfa/lfa ] && echo y)" y
check_eq "the default scenario's 5 images listed" "$(ls /sys/firmware/lfa | wc -l)" 5
check_eq "the refusal said once" \
	"$(dmesg | grep -c 'level-triggered notification interrupt .* not supported')" 1
check_eq "no notification interrupt requested" "$(grep -c arm-lfa /proc/interrupts)" 0
check "rmmod" rmmod lfa_fw
check_eq "sysfs gone" "$([ -e /sys/firmware/lfa ] && echo y)" ""
tap_done

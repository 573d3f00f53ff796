#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# run-guest --script --no-lfa-node, scenario bindfail: an agent whose
# GET_INFO always fails, and no node. The module's own device cannot be
# bound, so the module must not stay loaded without its inventory, and
# must leave no device behind.
. /tests/lib.sh
P=/tests/files/lfa-probe
dmesg -c >/dev/null
check_eq "insmod" "$("$P" insmod /lib/modules-test/lfa_fw.ko)" ENODEV
check_eq "the GET_INFO failure logged" \
	"$(dmesg | grep -c 'GET_INFO failed: DEVICE_ERROR')" 1
check_eq "the load failure logged" \
	"$(dmesg | grep -c "lfa_fw: cannot bind the LFA agent's device")" 1
check_eq "not loaded" "$([ -e /sys/module/lfa_fw ] && echo y)" ""
check_eq "no device left" \
	"$([ -e /sys/bus/platform/devices/arm-lfa ] && echo y)" ""
check_eq "no /sys/firmware/lfa" "$([ -e /sys/firmware/lfa ] && echo y)" ""
tap_done

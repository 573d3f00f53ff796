#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# run-guest --script for the main lfa_fw guest tests (scenario
# tests/kernel/kernel.scn). Kernel argument lfa_tests=a,b runs a subset.
F=/tests/files
if ! insmod /lib/modules-test/lfa_testplat.ko; then
	echo "not ok 1 - load lfa_testplat.ko"
	exit 1
fi
export LFA_KO=/lib/modules-test/lfa_fw.ko LFA_PROBE=$F/lfa-probe
tests=$(sed -n 's/.*lfa_tests=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
# shellcheck disable=SC2086
exec sh "$F/lfa-kernel-tests.sh" "$F/adapter-emu.sh" $tests

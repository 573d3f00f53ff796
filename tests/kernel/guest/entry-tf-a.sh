#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# run-guest --script for lfa_fw on a real TF-A build (run-guest --tf-a) with
# the test port of tests/tf-a: the main guest tests, through
# adapter-tf-a.sh. Kernel argument lfa_tests=a,b runs a subset.
F=/tests/files
export LFA_KO=/lib/modules-test/lfa_fw.ko LFA_PROBE=$F/lfa-probe
tests=$(sed -n 's/.*lfa_tests=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
# shellcheck disable=SC2086
exec sh "$F/lfa-kernel-tests.sh" "$F/adapter-tf-a.sh" $tests

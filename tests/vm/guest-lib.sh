# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for guest test scripts (busybox sh): `. /tests/lib.sh`.
# Every check prints one TAP line; finish with tap_done.

tap_n=0
tap_failed=0

ok() {	# ok DESCRIPTION
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {	# not_ok DESCRIPTION
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

check() {	# check DESCRIPTION COMMAND...: ok if the command succeeds
	d=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then
		ok "$d"
	else
		not_ok "$d"
		sed 's/^/#   /' /tmp/check.out
	fi
}

check_eq() {	# check_eq DESCRIPTION GOT WANT
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1: got '$2', want '$3'"
	fi
}

diag() {
	echo "# $*"
}

tap_done() {	# prints the plan; exit status 1 if anything failed
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}

load_module() {	# load_module NAME [PARAMS...]: from /lib/modules-test
	m=$1
	shift
	insmod "/lib/modules-test/$m.ko" "$@"
}

# The emulator's debugfs (tests/platform/lfa_testplat.ko)
LFA_EMU=/sys/kernel/debug/lfa_emu

lfa_log_clear() {
	echo clear >"$LFA_EMU/log"
}

lfa_inject() {	# lfa_inject 'PRIME 1 AUTH_ERROR' | clear
	echo "$*" >"$LFA_EMU/inject"
}

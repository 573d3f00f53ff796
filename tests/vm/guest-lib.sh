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

# The agent's mode (run-guest or run-server --agent): lfa answers as the
# specification reads, tf-a as TF-A's LFA service does
# (tests/agent/README.md).  The busybox guest's /init exports the run's
# settings; the Debian server's test unit does not.
[ -n "${LFA_VM_AGENT:-}" ] || [ ! -r /tests/env ] || . /tests/env
AGENT_MODE=${LFA_VM_AGENT:-lfa}

skip() {	# skip DESCRIPTION REASON: a check this agent mode cannot make
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# check_version DESCRIPTION GOT WANT: TF-A reports no versions
# (GET_INVENTORY leaves x4/x5 as the caller passed them), so with agent
# tf-a nothing may show a version the agent never gave: the driver says
# "unknown", fwupd shows none.
check_version() {
	if [ "$AGENT_MODE" = lfa ]; then
		check_eq "$@"
		return
	fi
	case $2 in
	"" | unknown) ok "$1: '$2', no invented version" ;;
	*) not_ok "$1: shows '$2', which the agent never reported" ;;
	esac
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

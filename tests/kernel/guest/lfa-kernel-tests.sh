#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest-side tests of lfa_fw.ko against an emulated LFA agent. Runs as root
# in the arm64 guest under busybox sh and prints TAP.
#
#   lfa-kernel-tests.sh ADAPTER [TEST...]
#
# Environment: LFA_KO (lfa_fw.ko), LFA_PROBE (lfa-probe built for the
# guest). ADAPTER is a shell file that drives the agent; it must define:
#
#   IMG_A .. IMG_E  GUIDs of the scenario's images:
#     A  capable, pending, rendezvous required, version A_CUR -> A_PEND;
#        activating it makes the agent drop B and list D
#     B  capable, not pending, rendezvous optional, version B_CUR
#     C  capable, pending, may_reset_cpu
#     D  absent at first; capable, pending, rendezvous optional
#     E  capable, not pending; the out-of-band (BMC) path stages E_PEND
#        for it and raises the platform's LFA notification
#     G  (optional) pending but not activation capable
#     H  (optional) pending; its own prime step asks to be called again
#        once (agent lfa: CALL_AGAIN; agent tf-a: the raw code -35)
#   IMG_I IMG_J IMG_K  (optional) I and J pending, rendezvous optional;
#                   activating I makes the agent drop K (version K_CUR),
#                   activating J lists K again
#   IMG_L IMG_M     (optional) pending, rendezvous optional until PRIME
#                   completes; then L needs the rendezvous (version L_PEND
#                   once activated) and M may reset CPUs (version M_CUR)
#   A_NAME          name the driver shows for A
#   AGENT_MODE      lfa (the specification's answers) or tf-a (TF-A's:
#                   no versions, CANCEL refused mid-activation, a fixed
#                   inventory, faults only where TF-A can give them; see
#                   tests/agent/README.md); where the outcomes differ, the
#                   tests say what each mode expects
#   agent_clear     remove injected faults and empty the call log
#                   (optional where the agent has neither)
#   agent_fault CALL STATUS COUNT
#                   CALL PRIME|ACTIVATE|CANCEL; STATUS an LFA status name
#                   (AUTH_ERROR, ...) or CALL_AGAIN; COUNT a number or
#                   "forever"
#   agent_calls CALL
#                   calls of CALL (PRIME|ACTIVATE|CANCEL|GET_INVENTORY)
#                   in the call log
#   agent_bmc_stage_e [VERSION]
#                   stage E_PEND (or VERSION) for E out of band and notify
#   agent_status_w32 on|off
#                   make the agent return status codes as 32-bit words
#                   (optional: the test is skipped without it)
#   agent_renumber  make the agent renumber its images behind the
#                   driver's back, moving E to another sequence id
#                   (optional: the test is skipped without it)
# With AGENT_MODE=tf-a, D never appears and B never vanishes.
# agent_fault, agent_calls and agent_bmc_stage_e are optional too (a real
# firmware has none of them): tests that need a missing one are skipped,
# and so are checks of the call log, each saying why.
#
# The agent keeps its state across tests: tests that activate for real run
# last, in the order of ALL_TESTS. With no TEST, all tests run; the module
# must not be loaded at start.
set -u

ADAPTER=$1
shift
. "$ADAPTER"

MODE=${AGENT_MODE:-lfa}
P=${LFA_PROBE:?}
KO=${LFA_KO:?}
D=/sys/firmware/lfa
M=/sys/module/lfa_fw/parameters
NCPUS=$(grep -c '^processor' /proc/cpuinfo)
T=/tmp/lfa-kernel-tests
mkdir -p "$T"

n=0
failed=0
cur_test=

# One TAP line each, even when a value written contains a newline
ok() {
	n=$((n + 1))
	echo "ok $n - $cur_test: $1" | tr '\n' '|' | sed 's/|$//'
	echo
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $cur_test: $1" | tr '\n' '|' | sed 's/|$//'
	echo
}

# A check this agent mode cannot make, and why
skip() {
	n=$((n + 1))
	echo "ok $n - $cur_test: $1 # SKIP $2"
}

has() { command -v "$1" >/dev/null; }

# needs FUNCTION...: false, with one skipped line, unless the adapter has
# them all; tests start with `needs ... || return`
needs() {
	for f in "$@"; do
		if ! has "$f"; then
			skip "the whole test" "the agent has no $f"
			return 1
		fi
	done
}

# Without a call log, agent_calls answers NOLOG and the checks of it skip
NOLOG=no-call-log
has agent_calls || agent_calls() { echo "$NOLOG"; }
has agent_clear || agent_clear() { :; }

# calls_sum CALL...: how many of these calls the log holds, or NOLOG
calls_sum() {
	sum=0
	for c in "$@"; do
		got=$(agent_calls "$c")
		[ "$got" != "$NOLOG" ] || { echo "$NOLOG"; return; }
		sum=$((sum + got))
	done
	echo "$sum"
}

# expect_version WHAT GOT WANT: TF-A reports no versions (GET_INVENTORY
# leaves x4/x5 as the caller passed them), so with agent tf-a the driver
# shows "unknown" rather than a version it made up
expect_version() {
	if [ "$MODE" = lfa ]; then
		expect "$1" "$2" "$3"
	else
		expect "$1 (not reported)" "$2" unknown
	fi
}

# expect WHAT GOT WANT
expect() {
	if [ "$2" = "$NOLOG" ]; then
		skip "$1" "the agent keeps no call log"
	elif [ "$2" = "$3" ]; then
		ok "$1 = '$3'"
	else
		not_ok "$1: got '$2', want '$3'"
	fi
}

# expect_ge WHAT GOT MIN
expect_ge() {
	if [ "$2" = "$NOLOG" ]; then
		skip "$1" "the agent keeps no call log"
	elif [ "$2" -ge "$3" ] 2>/dev/null; then
		ok "$1 = $2 (>= $3)"
	else
		not_ok "$1: got '$2', want >= $3"
	fi
}

# expect_le WHAT GOT MAX
expect_le() {
	if [ "$2" -le "$3" ] 2>/dev/null; then
		ok "$1 = $2 (<= $3)"
	else
		not_ok "$1: got '$2', want <= $3"
	fi
}

wr() { "$P" write "$1" "$2"; }
rd() { "$P" read "$1"; }
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

load() {
	expect "insmod" "$("$P" insmod "$KO")" OK
}

unload() {
	[ -d /sys/module/lfa_fw ] && rmmod lfa_fw
}

# Keeps the kernel log of every test for test_dmesg_clean
save_dmesg() {
	dmesg -c >>"$T/dmesg"
}

fresh() {
	unload
	agent_clear
	save_dmesg
	load
	# short enough that a stuck test ends, long enough for a loaded host
	echo 5000 >"$M/prime_timeout_ms"
	echo 5000 >"$M/activate_timeout_ms"
}

# Start a uevent listener; settle_result waits for it
settle_listen() {
	rm -f "$T/ue" "$T/ue.ready"
	"$P" uevent "${1:-10000}" >"$T/ue" 2>"$T/ue.ready" &
	ue_pid=$!
	while ! grep -q listening "$T/ue.ready" 2>/dev/null; do
		sleep 0.05
	done
}

# Waits for the listener: not inside $(...), whose subshell cannot wait
settle_wait() {
	wait "$ue_pid"
}

settle_result() {
	cut -d' ' -f1 "$T/ue"
}

# stage_e VERSION: stage E out of band and wait for the notification's
# rescan, so that its work no longer holds the activation lock
stage_e() {
	settle_listen
	agent_bmc_stage_e "$1"
	settle_wait
}

# Sets $cpu to the last CPU's online file, or says why there is none
hotplug_cpu() {
	cpu=/sys/devices/system/cpu/cpu$((NCPUS - 1))/online
	if [ "$NCPUS" -lt 2 ] || [ ! -w "$cpu" ]; then
		ok "skipped: no CPU to take offline"
		return 1
	fi
}

status_errno() {
	case $1 in
	NOT_SUPPORTED) echo EOPNOTSUPP ;;
	BUSY) echo EBUSY ;;
	AUTH_ERROR) echo EKEYREJECTED ;;
	NO_MEMORY) echo ENOMEM ;;
	CRITICAL_ERROR) echo ENOTRECOVERABLE ;;
	DEVICE_ERROR) echo EIO ;;
	WRONG_STATE | COMPONENT_WRONG_STATE) echo EPROTO ;;
	INVALID_PARAMETERS) echo EINVAL ;;
	INVALID_ADDRESS) echo EFAULT ;;
	ACTIVATION_FAILED) echo ECANCELED ;;
	*) echo EBADMSG ;;
	esac
}

ALL_ERRORS="NOT_SUPPORTED BUSY AUTH_ERROR NO_MEMORY CRITICAL_ERROR
DEVICE_ERROR WRONG_STATE INVALID_PARAMETERS COMPONENT_WRONG_STATE
INVALID_ADDRESS ACTIVATION_FAILED ${AGENT_UNDEFINED_CODE:-}"

# ---------------------------------------------------------------------------

test_load() {
	fresh
	# silent on success: nothing but the kernel's own taint lines
	expect "no log line from a successful load" \
		"$(dmesg | grep -e 'lfa_fw' -e 'arm-lfa' | grep -v -c -e 'taints kernel' \
			-e 'module verification failed')" 0
	expect "bound" "$(ls /sys/bus/platform/drivers/arm-lfa | grep -c -v -e bind -e uevent -e module)" 1
	for g in $IMG_A $IMG_B $IMG_C; do
		expect "dir $g" "$([ -d "$D/$g" ] && echo y)" y
	done
	expect "dir D before activation" "$([ -d "$D/$IMG_D" ] && echo y)" ""
	for f in name current_version pending_version activation_capable \
		activation_pending may_reset_cpu cpu_rendezvous; do
		expect "mode $f" "$(stat -c %a "$D/$IMG_A/$f")" 444
	done
	for f in force_cpu_rendezvous auto_activate; do
		expect "mode $f" "$(stat -c %a "$D/$IMG_A/$f")" 644
	done
	for f in activate cancel; do
		expect "mode $f" "$(stat -c %a "$D/$IMG_A/$f")" 200
	done
}

test_read() {
	fresh
	expect "A name" "$(rd "$D/$IMG_A/name")" "$A_NAME"
	expect "B name" "$(rd "$D/$IMG_B/name")" "$IMG_B"
	expect_version "A current" "$(rd "$D/$IMG_A/current_version")" "$A_CUR"
	expect_version "A pending_version" "$(rd "$D/$IMG_A/pending_version")" "$A_PEND"
	expect "A capable" "$(rd "$D/$IMG_A/activation_capable")" 1
	expect "A pending" "$(rd "$D/$IMG_A/activation_pending")" 1
	expect "A may_reset" "$(rd "$D/$IMG_A/may_reset_cpu")" 0
	expect "A rendezvous" "$(rd "$D/$IMG_A/cpu_rendezvous")" 1
	expect "A force" "$(rd "$D/$IMG_A/force_cpu_rendezvous")" 1
	expect "A auto" "$(rd "$D/$IMG_A/auto_activate")" 0
	expect_version "B current" "$(rd "$D/$IMG_B/current_version")" "$B_CUR"
	expect "B pending_version" "$(rd "$D/$IMG_B/pending_version")" N/A
	expect "B pending" "$(rd "$D/$IMG_B/activation_pending")" 0
	expect "B rendezvous" "$(rd "$D/$IMG_B/cpu_rendezvous")" 0
	expect "C may_reset" "$(rd "$D/$IMG_C/may_reset_cpu")" 1
	# pending state is read fresh from the agent on every read
	before=$(agent_calls GET_INVENTORY)
	rd "$D/$IMG_A/activation_pending" >/dev/null
	rd "$D/$IMG_A/pending_version" >/dev/null
	if [ "$before" = "$NOLOG" ]; then
		skip "fresh GET_INVENTORY per read" "the agent keeps no call log"
	else
		expect "fresh GET_INVENTORY per read" \
			"$(($(agent_calls GET_INVENTORY) - before))" 2
	fi
	expect "read activate" "$(rd "$D/$IMG_A/activate")" EACCES
}

test_write_settings() {
	fresh
	for f in force_cpu_rendezvous auto_activate; do
		# (an empty write never reaches the driver: sysfs returns 0)
		for bad in 2 x o "
" " 1" -1; do
			expect "$f <- '$bad'" "$(wr "$D/$IMG_B/$f" "$bad")" EINVAL
		done
		# kstrtobool()'s spellings
		for good in "off 0" "on 1" "n 0" "Y 1" "f 0" "t 1"; do
			expect "$f <- ${good% *}" "$(wr "$D/$IMG_B/$f" "${good% *}")" OK
			expect "$f after ${good% *}" "$(rd "$D/$IMG_B/$f")" "${good#* }"
		done
		expect "$f <- 0" "$(wr "$D/$IMG_B/$f" 0)" OK
		expect "$f after 0" "$(rd "$D/$IMG_B/$f")" 0
		expect "$f <- 1\\n" "$(wr "$D/$IMG_B/$f" "1
")" OK
		expect "$f after 1" "$(rd "$D/$IMG_B/$f")" 1
		expect "$f as uid 1000" \
			"$("$P" asuser 1000 write "$D/$IMG_B/$f" 0)" EACCES
	done
	for f in name current_version activation_pending; do
		expect "write $f" "$(wr "$D/$IMG_A/$f" 1)" EACCES
	done
}

test_write_bad() {
	fresh
	for f in activate cancel; do
		for bad in 0 2 yes "
" 11 " 1"; do
			expect "$f <- '$bad'" "$(wr "$D/$IMG_A/$f" "$bad")" EINVAL
		done
		expect "$f as uid 1000" \
			"$("$P" asuser 1000 write "$D/$IMG_A/$f" 1)" EACCES
	done
	expect "no PRIME sent" "$(agent_calls PRIME)" 0
	expect "no CANCEL sent" "$(agent_calls CANCEL)" 0
	expect "A still pending" "$(rd "$D/$IMG_A/activation_pending")" 1
}

test_refusals() {
	fresh
	agent_clear
	expect "may_reset_cpu image" "$(wr "$D/$IMG_C/activate" 1)" EOPNOTSUPP
	expect "nothing sent for it" "$(calls_sum GET_INVENTORY PRIME)" 0
	if [ -n "${IMG_G:-}" ]; then
		expect "G capable" "$(rd "$D/$IMG_G/activation_capable")" 0
		agent_clear
		expect "not capable" "$(wr "$D/$IMG_G/activate" 1)" EOPNOTSUPP
		expect "nothing sent for G" "$(calls_sum GET_INVENTORY PRIME)" 0
	fi
	expect "not pending" "$(wr "$D/$IMG_B/activate" 1)" ENODATA
	expect "no PRIME sent" "$(agent_calls PRIME)" 0
	expect "no CANCEL sent" "$(agent_calls CANCEL)" 0
	expect "C still pending" "$(rd "$D/$IMG_C/activation_pending")" 1
}

# check_failure WHAT ERRNO: state after a failed activation of A
check_failure() {
	expect "$1 errno" "$2" "$3"
	expect_ge "$1 CANCEL sent" "$(agent_calls CANCEL)" 1
	expect "$1 A still listed" "$([ -d "$D/$IMG_A" ] && echo y)" y
	expect "$1 A still pending" "$(rd "$D/$IMG_A/activation_pending")" 1
	# (with agent tf-a there is no version to compare: test_read says so)
	if [ "$MODE" = lfa ]; then
		expect "$1 A version" "$(rd "$D/$IMG_A/current_version")" "$A_CUR"
	fi
}

# check_img_failure WHAT GUID GOT WANT: a failed activation of another image
check_img_failure() {
	expect "$1 errno" "$3" "$4"
	expect_ge "$1 CANCEL sent" "$(agent_calls CANCEL)" 1
	expect "$1 still listed" "$([ -d "$D/$2" ] && echo y)" y
	expect "$1 still pending" "$(rd "$D/$2/activation_pending")" 1
}

test_prime_errors() {
	needs agent_fault || return
	fresh
	for st in $ALL_ERRORS; do
		agent_clear
		agent_fault PRIME "$st" forever
		if [ "$st" = BUSY ]; then
			# the agent was busy with someone else's PRIME: not ours
			# to CANCEL
			expect "PRIME BUSY errno" "$(wr "$D/$IMG_A/activate" 1)" EBUSY
			expect "PRIME BUSY: no CANCEL" "$(agent_calls CANCEL)" 0
			expect "PRIME BUSY: A still pending" \
				"$(rd "$D/$IMG_A/activation_pending")" 1
			continue
		fi
		check_failure "PRIME $st" "$(wr "$D/$IMG_A/activate" 1)" \
			"$(status_errno "$st")"
		expect "PRIME $st: no ACTIVATE" "$(agent_calls ACTIVATE)" 0
	done
}

test_activate_errors() {
	needs agent_fault || return
	fresh
	for st in $ALL_ERRORS; do
		[ "$st" = BUSY ] && continue	# retried: see test_storms
		agent_clear
		agent_fault ACTIVATE "$st" forever
		check_failure "ACTIVATE $st" "$(wr "$D/$IMG_A/activate" 1)" \
			"$(status_errno "$st")"
	done
}

test_cancel_errors() {
	fresh
	# nothing in progress: the agent answers INVALID_PARAMETERS
	agent_clear
	expect "CANCEL, nothing primed" "$(wr "$D/$IMG_A/cancel" 1)" EINVAL
	needs agent_fault || return
	# a failed activation whose own CANCEL fails leaves A primed; the
	# activation's error is what the writer sees, the CANCEL's is logged
	agent_clear
	# (a BUSY CANCEL is retried a few times: make it stay BUSY)
	agent_fault PRIME CALL_AGAIN forever
	agent_fault CANCEL BUSY forever
	save_dmesg
	expect "PRIME storm, CANCEL BUSY" "$(wr "$D/$IMG_A/activate" 1)" ETIMEDOUT
	expect "CANCEL failure logged" \
		"$(dmesg | grep -c "$IMG_A: CANCEL after failure: BUSY")" 1
	expect_ge "CANCEL retried" "$(agent_calls CANCEL)" 2
	# now the cancel file reaches the agent's fault injection
	for st in $ALL_ERRORS; do
		if [ "$MODE" = tf-a ] && [ "$st" != BUSY ]; then
			skip "CANCEL $st" "TF-A's CANCEL only ever refuses with BUSY"
			continue
		fi
		agent_clear
		if [ "$st" = BUSY ]; then
			agent_fault CANCEL BUSY forever
			expect "CANCEL BUSY" "$(wr "$D/$IMG_A/cancel" 1)" EBUSY
			expect_ge "CANCEL BUSY retried" "$(agent_calls CANCEL)" 2
			continue
		fi
		agent_fault CANCEL "$st" 1
		expect "CANCEL $st" "$(wr "$D/$IMG_A/cancel" 1)" \
			"$(status_errno "$st")"
		expect "CANCEL $st sent once" "$(agent_calls CANCEL)" 1
	done
	agent_clear
	expect "CANCEL clears the prime" "$(wr "$D/$IMG_A/cancel" 1)" OK
	expect "CANCEL again, nothing primed" "$(wr "$D/$IMG_A/cancel" 1)" EINVAL
	expect "A still pending" "$(rd "$D/$IMG_A/activation_pending")" 1
	expect "cancel as uid 1000" \
		"$("$P" asuser 1000 write "$D/$IMG_A/cancel" 1)" EACCES
}

# An agent that returns its status as a 32-bit word (BUSY as 0xfffffffe,
# bits 63:32 clear) means the same codes
test_status_w32() {
	if ! command -v agent_status_w32 >/dev/null; then
		skip "32-bit status words" "the agent always sign-extends its status"
		return
	fi
	fresh
	agent_status_w32 on
	agent_fault PRIME AUTH_ERROR forever
	expect "PRIME AUTH_ERROR in W0" "$(wr "$D/$IMG_A/activate" 1)" EKEYREJECTED
	agent_clear
	agent_fault PRIME BUSY forever
	expect "PRIME BUSY in W0" "$(wr "$D/$IMG_A/activate" 1)" EBUSY
	agent_clear
	expect "CANCEL INVALID_PARAMETERS in W0" "$(wr "$D/$IMG_A/cancel" 1)" EINVAL
	agent_status_w32 off
	expect "A still pending" "$(rd "$D/$IMG_A/activation_pending")" 1
}

test_storms() {
	needs agent_fault || return
	fresh
	echo 1000 >"$M/prime_timeout_ms"
	echo 1000 >"$M/activate_timeout_ms"
	for c in "PRIME CALL_AGAIN" "ACTIVATE CALL_AGAIN" "ACTIVATE BUSY"; do
		set -- $c
		if [ "$MODE" = tf-a ] && [ "$c" = "ACTIVATE BUSY" ]; then
			skip "$c storm" "TF-A never answers a rendezvous ACTIVATE with BUSY"
			continue
		fi
		agent_clear
		agent_fault "$1" "$2" forever
		save_dmesg
		t0=$(ms)
		check_failure "$1 $2 storm" "$(wr "$D/$IMG_A/activate" 1)" ETIMEDOUT
		# between ACTIVATE rounds TF-A refuses the CANCEL and keeps A
		# primed; a spec-following agent abandons the activation
		refused=0
		[ "$MODE" = tf-a ] && [ "$1" = ACTIVATE ] && refused=1
		expect "$1 $2 storm: CANCEL refused" \
			"$(dmesg | grep -c "$IMG_A: CANCEL after failure: BUSY")" "$refused"
		expect_ge "$1 $2 storm lasted (ms)" "$(($(ms) - t0))" 1000
		# a PRIME poll is one trap; an ACTIVATE round stops every
		# vCPU, which takes long on a loaded TCG host: ask for less
		min=10
		[ "$1" = ACTIVATE ] && min=$((2 * NCPUS))
		expect_ge "$1 $2 storm polled" "$(agent_calls "$1")" "$min"
	done
}

# TF-A refuses CANCEL between ACTIVATE rounds and keeps the image primed:
# the driver must say so, and refuse other images with a reason rather
# than pass on the agent's INVALID_PARAMETERS at their ACTIVATE
test_cancel_refused() {
	needs agent_fault || return
	fresh
	echo 1000 >"$M/activate_timeout_ms"
	agent_fault ACTIVATE CALL_AGAIN forever
	expect "ACTIVATE storm on A" "$(wr "$D/$IMG_A/activate" 1)" ETIMEDOUT
	agent_clear
	save_dmesg
	# an activation that reaches the agent fails at once, H stays pending
	agent_fault PRIME AUTH_ERROR forever
	refused="$IMG_H: refused: the agent still holds $IMG_A primed"
	if [ "$MODE" = tf-a ]; then
		expect "activate H while A is held" "$(wr "$D/$IMG_H/activate" 1)" EBUSY
		expect "nothing sent for H" "$(agent_calls PRIME)" 0
		expect "the refusal names A" "$(dmesg | grep -c "$refused")" 1
		agent_clear
		expect "cancel A: the agent still refuses" "$(wr "$D/$IMG_A/cancel" 1)" EBUSY
		expect_ge "that CANCEL was retried" "$(agent_calls CANCEL)" 2
	else
		expect "activate H after A's CANCEL" "$(wr "$D/$IMG_H/activate" 1)" EKEYREJECTED
		expect "no refusal" "$(dmesg | grep -c "$refused")" 0
		expect "cancel A: nothing primed" "$(wr "$D/$IMG_A/cancel" 1)" EINVAL
	fi
	expect "H still pending" "$(rd "$D/$IMG_H/activation_pending")" 1
	expect "A still pending" "$(rd "$D/$IMG_A/activation_pending")" 1
}

test_activate_ok() {
	fresh
	agent_clear
	# a short CALL_AGAIN storm inside the budget is ridden out
	! has agent_fault || agent_fault PRIME CALL_AGAIN 20
	settle_listen
	t0=$(ms)
	expect "activate A" "$(wr "$D/$IMG_A/activate" 1)" OK
	echo "# activation of A took $(($(ms) - t0)) ms"
	settle_wait
	expect "uevent" "$(settle_result)" settled
	expect "only the CANCEL after success" "$(agent_calls CANCEL)" 1
	if has agent_fault; then
		expect_ge "PRIME polled" "$(agent_calls PRIME)" 21
	fi
	expect "rendezvous: ACTIVATE on every CPU" "$(agent_calls ACTIVATE)" "$NCPUS"
	expect_version "A version" "$(rd "$D/$IMG_A/current_version")" "$A_PEND"
	expect "A pending" "$(rd "$D/$IMG_A/activation_pending")" 0
	expect "A pending_version" "$(rd "$D/$IMG_A/pending_version")" N/A
	expect "C kept" "$([ -d "$D/$IMG_C" ] && echo y)" y
	expect "again: nothing pending" "$(wr "$D/$IMG_A/activate" 1)" ENODATA
	# with agent tf-a, A's activator kept the prime: the driver's CANCEL
	# ended it, so the next image can be activated
	expect "nothing left primed" "$(wr "$D/$IMG_A/cancel" 1)" EINVAL
	if [ "$MODE" = tf-a ]; then
		# TF-A's inventory is fixed at boot
		expect "B kept" "$([ -d "$D/$IMG_B" ] && echo y)" y
		expect "D never appears" "$([ -d "$D/$IMG_D" ] && echo y)" ""
		# E allows skipping the rendezvous: with force 0 one CPU
		# calls ACTIVATE (TF-A gives BUSY only to a lost trylock)
		# (the TF-A port's E is pending from boot)
		! has agent_bmc_stage_e || stage_e "$E_PEND6"
		agent_clear
		expect "E force 0" "$(wr "$D/$IMG_E/force_cpu_rendezvous" 0)" OK
		expect "activate E" "$(wr "$D/$IMG_E/activate" 1)" OK
		expect "skip: ACTIVATE on one CPU" "$(agent_calls ACTIVATE)" 1
		expect "E pending" "$(rd "$D/$IMG_E/activation_pending")" 0
		expect "E: only the CANCEL after success" "$(agent_calls CANCEL)" 1
		expect "E force 1" "$(wr "$D/$IMG_E/force_cpu_rendezvous" 1)" OK
		return
	fi
	expect "B vanished" "$([ -d "$D/$IMG_B" ] && echo y)" ""
	expect "D appeared" "$([ -d "$D/$IMG_D" ] && echo y)" y
	# D allows skipping the rendezvous: with force 0 one CPU calls
	# ACTIVATE; two BUSY answers are retried
	agent_clear
	agent_fault ACTIVATE BUSY 2
	expect "D force 0" "$(wr "$D/$IMG_D/force_cpu_rendezvous" 0)" OK
	expect "activate D" "$(wr "$D/$IMG_D/activate" 1)" OK
	expect "skip: ACTIVATE on one CPU, BUSY retried" "$(agent_calls ACTIVATE)" 3
	expect "D pending" "$(rd "$D/$IMG_D/activation_pending")" 0
	expect "D: only the CANCEL after success" "$(agent_calls CANCEL)" 1
}

test_uevent_on_load() {
	unload
	agent_clear
	settle_listen
	load
	settle_wait
	expect "uevent after load" "$(settle_result)" settled
}

# A rescan that cannot read every image must not tell userspace that the
# inventory settled, nor drop the images it could not read
test_incomplete_rescan() {
	if [ "$MODE" = tf-a ]; then
		skip "incomplete inventory" "TF-A's GET_INVENTORY cannot fail for a listed id"
		return
	fi
	needs agent_fault agent_bmc_stage_e || return
	fresh
	agent_fault GET_INVENTORY DEVICE_ERROR 1
	save_dmesg
	settle_listen 3000
	# the notification's rescan meets the failing GET_INVENTORY
	agent_bmc_stage_e "$E_PEND7"
	settle_wait
	expect "no settled uevent" "$(settle_result)" timeout
	expect "one line says why" "$(dmesg | grep -c 'inventory incomplete: 1 of ')" 1
	for g in $IMG_A $IMG_B $IMG_C $IMG_E; do
		expect "$g kept" "$([ -d "$D/$g" ] && echo y)" y
	done
	agent_clear
	settle_listen
	agent_bmc_stage_e "$E_PEND7"
	settle_wait
	expect "the next complete rescan is announced" "$(settle_result)" settled
	expect "E pending" "$(rd "$D/$IMG_E/activation_pending")" 1
}

# kill_after MS PID: SIGKILL; $killed_ms is how long the process took to
# go (not in $(...): a subshell cannot wait for its parent's children)
kill_after() {
	sleep "$(echo "$1" | awk '{ print $1 / 1000 }')"
	k0=$(ms)
	kill -9 "$2"
	wait "$2" 2>/dev/null
	killed_ms=$(($(ms) - k0))
}

# A killed writer or reader must not sit out a whole budget: the PRIME and
# ACTIVATE loops end on a fatal signal (and CANCEL), readers wait killably
test_killable() {
	needs agent_fault || return
	fresh
	echo 10000 >"$M/prime_timeout_ms"
	echo 10000 >"$M/activate_timeout_ms"
	agent_fault PRIME CALL_AGAIN forever
	save_dmesg
	"$P" write "$D/$IMG_A/activate" 1 >/dev/null &
	kill_after 500 $!
	expect_le "writer killed in a PRIME storm gone within (ms)" "$killed_ms" 3000
	expect "PRIME loop saw the signal" \
		"$(dmesg | grep -c "$IMG_A: PRIME interrupted by a fatal signal")" 1
	expect_ge "CANCEL sent" "$(agent_calls CANCEL)" 1
	expect "A still pending" "$(rd "$D/$IMG_A/activation_pending")" 1
	# an ACTIVATE storm holds the sequence lock: readers wait for it
	agent_clear
	agent_fault ACTIVATE CALL_AGAIN forever
	"$P" write "$D/$IMG_A/activate" 1 >/dev/null &
	writer=$!
	sleep 0.5
	"$P" read "$D/$IMG_A/current_version" >/dev/null &
	kill_after 300 $!
	expect_le "blocked reader killed gone within (ms)" "$killed_ms" 3000
	kill_after 0 "$writer"
	expect_le "writer killed in an ACTIVATE storm gone within (ms)" "$killed_ms" 3000
	save_dmesg
	expect "ACTIVATE loop saw the signal" \
		"$(grep -c "$IMG_A: ACTIVATE interrupted by a fatal signal" "$T/dmesg")" 1
	expect "A still pending" "$(rd "$D/$IMG_A/activation_pending")" 1
}

test_concurrency() {
	needs agent_fault || return
	fresh
	echo 4000 >"$M/prime_timeout_ms"
	agent_fault PRIME CALL_AGAIN forever
	wr "$D/$IMG_A/activate" 1 >"$T/w1" &
	w1=$!
	sleep 0.5
	expect "second writer" "$(wr "$D/$IMG_A/activate" 1)" EBUSY
	expect "writer on another image" "$(wr "$D/$IMG_C/activate" 1)" EBUSY
	expect "cancel while active" "$(wr "$D/$IMG_A/cancel" 1)" EBUSY
	expect "read during activation" "$(rd "$D/$IMG_A/activation_pending")" 1
	expect_version "read version during activation" "$(rd "$D/$IMG_A/pending_version")" "$A_PEND"
	wait "$w1"
	expect "first writer" "$(cat "$T/w1")" ETIMEDOUT
	expect_ge "CANCEL sent" "$(agent_calls CANCEL)" 1
}

test_notify() {
	needs agent_bmc_stage_e || return
	fresh
	for g in $IMG_A $IMG_C $IMG_D $IMG_E; do
		[ -d "$D/$g" ] && wr "$D/$g/auto_activate" 0 >/dev/null
	done
	expect "E auto" "$(wr "$D/$IMG_E/auto_activate" 1)" OK
	# C may reset CPUs: refused once per notification, never looped on
	expect "C auto" "$(wr "$D/$IMG_C/auto_activate" 1)" OK
	save_dmesg
	settle_listen
	agent_bmc_stage_e
	settle_wait
	expect "uevent" "$(settle_result)" settled
	expect_version "E activated" "$(rd "$D/$IMG_E/current_version")" "$E_PEND"
	expect "E pending" "$(rd "$D/$IMG_E/activation_pending")" 0
	expect "C untouched" "$(rd "$D/$IMG_C/activation_pending")" 1
	expect "E activated once" "$(dmesg | grep -c "$IMG_E: activated")" 1
	expect "C tried once" \
		"$(dmesg | grep -c "$IMG_C: refused: activation may reset CPUs")" 1
	expect "only the CANCEL after E's success" "$(agent_calls CANCEL)" 1
}

test_seq_change() {
	if ! command -v agent_renumber >/dev/null; then
		ok "skipped: the adapter cannot renumber images"
		return
	fi
	fresh
	# staging is synchronous; the notification it raises finds no image
	# with auto_activate set after the reload
	agent_bmc_stage_e "$E_PEND2"
	expect "E pending again" "$(rd "$D/$IMG_E/activation_pending")" 1
	agent_renumber
	agent_clear
	expect "read at a stale id" "$(rd "$D/$IMG_E/activation_pending")" ENOENT
	settle_listen
	expect "activate at a stale id" "$(wr "$D/$IMG_E/activate" 1)" ENOENT
	expect "nothing primed by mistake" "$(agent_calls PRIME)" 0
	expect "nothing activated by mistake" "$(agent_calls ACTIVATE)" 0
	settle_wait
	expect "rescan announced" "$(settle_result)" settled
	expect "E kept" "$([ -d "$D/$IMG_E" ] && echo y)" y
	expect "E pending at its new id" "$(rd "$D/$IMG_E/activation_pending")" 1
	expect "activate E now" "$(wr "$D/$IMG_E/activate" 1)" OK
	expect_version "E version" "$(rd "$D/$IMG_E/current_version")" "$E_PEND2"
}

test_hotplug() {
	needs agent_bmc_stage_e || return
	hotplug_cpu || return
	fresh
	stage_e "$E_PEND3"
	echo 0 >"$cpu"
	online=$(grep -c '^processor' /proc/cpuinfo)
	expect "one CPU offline" "$online" $((NCPUS - 1))
	agent_clear
	expect "activate E with a CPU offline" "$(wr "$D/$IMG_E/activate" 1)" OK
	expect "ACTIVATE on every online CPU" "$(agent_calls ACTIVATE)" "$online"
	expect_version "E version" "$(rd "$D/$IMG_E/current_version")" "$E_PEND3"
	echo 1 >"$cpu"
	expect "CPU back" "$(grep -c '^processor' /proc/cpuinfo)" "$NCPUS"
}

# The holding pen counts online CPUs: from PRIME to the last ACTIVATE
# round no CPU may go, so every round has every CPU
test_hotplug_during() {
	needs agent_fault agent_bmc_stage_e || return
	hotplug_cpu || return
	fresh
	# E, staged again, with the rendezvous it allows but does not need
	stage_e "$E_PEND8"
	echo 3000 >"$M/activate_timeout_ms"
	agent_fault ACTIVATE CALL_AGAIN forever
	"$P" write "$D/$IMG_E/activate" 1 >"$T/hw" &
	writer=$!
	sleep 0.5
	expect "CPU offline during the activation" "$(wr "$cpu" 0)" EBUSY
	wait "$writer"
	expect "the activation" "$(cat "$T/hw")" ETIMEDOUT
	calls=$(agent_calls ACTIVATE)
	expect "every round on every CPU ($calls ACTIVATE calls)" \
		"$((calls % NCPUS))" 0
	expect "CPU offline after it" "$(wr "$cpu" 0)" OK
	expect "and back" "$(wr "$cpu" 1)" OK
	expect "E still pending" "$(rd "$D/$IMG_E/activation_pending")" 1
}

# An image dropped by one rescan and listed again by the next, before the
# settle work removed its directory, keeps that directory and its settings.
# I and J skip the rendezvous, so the notification's work activates both
# without sleeping, and the settle work, on the same CPU's worker pool,
# cannot run in between.
test_revive() {
	if [ -z "${IMG_K:-}" ]; then
		ok "skipped: the agent's inventory never changes (agent $MODE)"
		return
	fi
	fresh
	for g in $IMG_I $IMG_J; do
		wr "$D/$g/force_cpu_rendezvous" 0 >/dev/null
		wr "$D/$g/auto_activate" 1 >/dev/null
	done
	expect "K setting" "$(wr "$D/$IMG_K/force_cpu_rendezvous" 0)" OK
	save_dmesg
	settle_listen
	agent_bmc_stage_e "$E_PEND8"
	settle_wait
	expect "uevent" "$(settle_result)" settled
	expect "I activated" "$(dmesg | grep -c "$IMG_I: activated")" 1
	expect "J activated" "$(dmesg | grep -c "$IMG_J: activated")" 1
	expect "K listed" "$([ -d "$D/$IMG_K" ] && echo y)" y
	expect "K kept its directory" \
		"$(rd "$D/$IMG_K/force_cpu_rendezvous")" 0
	expect_version "K current" "$(rd "$D/$IMG_K/current_version")" "$K_CUR"
	expect "no second directory" \
		"$(dmesg | grep -c 'cannot create sysfs directory')" 0
}

# A PRIME may show what the staged image needs (the agent reads it only
# then): the inventory after PRIME goes through the same refusals, and the
# rendezvous is decided again from it.
test_prime_recheck() {
	if [ -z "${IMG_M:-}" ]; then
		ok "skipped: the agent's flags never change (agent $MODE)"
		return
	fi
	fresh
	for g in $IMG_L $IMG_M; do
		wr "$D/$g/force_cpu_rendezvous" 0 >/dev/null
	done
	agent_clear
	expect "M may reset CPUs after PRIME" "$(wr "$D/$IMG_M/activate" 1)" \
		EOPNOTSUPP
	expect "M primed" "$(agent_calls PRIME)" 1
	expect "M not activated" "$(agent_calls ACTIVATE)" 0
	expect "M cancelled" "$(agent_calls CANCEL)" 1
	expect "M may_reset_cpu" "$(rd "$D/$IMG_M/may_reset_cpu")" 1
	expect "M still pending" "$(rd "$D/$IMG_M/activation_pending")" 1
	expect_version "M version" "$(rd "$D/$IMG_M/current_version")" "$M_CUR"
	agent_clear
	expect "L needs the rendezvous after PRIME" \
		"$(wr "$D/$IMG_L/activate" 1)" OK
	expect "L: ACTIVATE on every CPU" "$(agent_calls ACTIVATE)" "$NCPUS"
	expect "L cpu_rendezvous" "$(rd "$D/$IMG_L/cpu_rendezvous")" 1
	expect_version "L version" "$(rd "$D/$IMG_L/current_version")" "$L_PEND"
}

# The sleeps lfa-probe asks for while tracing is on, in microseconds, one
# per line, from the hrtimer_start events of its sleeping timers. fsleep()
# of 11 us to 20 ms sleeps between N and 2N us (Linux 6.1 to 6.12), so the
# timer's slack is the request, whatever the clocks. Under TCG the time
# between two rounds says nothing: stopping the machine alone takes
# milliseconds.
TR=/sys/kernel/tracing
trace_sleeps_on() {
	[ -e "$TR/events/timer" ] || mount -t tracefs nodev "$TR" 2>/dev/null
	[ -w "$TR/events/timer/hrtimer_start/enable" ] || return 1
	: >"$TR/trace"
	echo 1 >"$TR/events/timer/hrtimer_start/enable"
}

trace_sleeps_off() {
	echo 0 >"$TR/events/timer/hrtimer_start/enable"
	grep 'lfa-probe-.*hrtimer_start:.*function=hrtimer_wakeup' "$TR/trace" |
		awk '{
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^expires=/) hard = substr($i, 9)
				if ($i ~ /^softexpires=/) soft = substr($i, 13)
			}
			printf "%d\n", (hard - soft) / 1000
		}'
}

# Each rendezvous round stops every CPU: rounds that ask to be called again
# are spaced from 1 ms, doubling, and the success line counts them
test_rdv_backoff() {
	needs agent_fault agent_bmc_stage_e || return
	fresh
	stage_e "$E_PEND8"
	if ! trace_sleeps_on; then
		ok "skipped: no timer:hrtimer_start trace event"
		return
	fi
	agent_clear
	agent_fault ACTIVATE CALL_AGAIN 3
	expect "activate E" "$(wr "$D/$IMG_E/activate" 1)" OK
	trace_sleeps_off >"$T/sleeps"
	expect "4 rendezvous rounds" "$(agent_calls ACTIVATE)" $((4 * NCPUS))
	expect "machine stops reported" \
		"$(dmesg | grep -c "$IMG_E: activated (4 machine stops)")" 1
	expect "sleeps between rounds" "$(wc -l <"$T/sleeps")" 3
	k=1
	want=1000
	while read -r us; do
		expect_ge "sleep before round $((k + 1)) (us)" "$us" "$want"
		k=$((k + 1))
		want=$((want * 2))
	done <"$T/sleeps"
}

# Readers, writers, a notification and rmmod all at once: nothing may hang
# or oops (test_dmesg_clean), and the outcome must still be consistent.
test_stress() {
	needs agent_fault agent_bmc_stage_e || return
	fresh
	rm -f "$T/stop"
	for r in 1 2 3; do
		(
			while [ ! -e "$T/stop" ]; do
				for f in "$D"/*/*; do
					"$P" read "$f" >/dev/null
				done
			done
		) &
	done
	echo 2000 >"$M/prime_timeout_ms"
	agent_clear
	agent_fault PRIME CALL_AGAIN 40
	expect "E auto" "$(wr "$D/$IMG_E/auto_activate" 1)" OK
	agent_bmc_stage_e "$E_PEND4"
	for w in 1 2 3; do
		wr "$D/$IMG_E/activate" 1 >"$T/sw$w" &
	done
	for w in 1 2 3; do
		wr "$D/$IMG_E/cancel" 1 >/dev/null
	done
	wait_for=$(( $(ms) + 20000 ))
	while [ "$(rd "$D/$IMG_E/activation_pending")" != 0 ] &&
		[ "$(ms)" -lt "$wait_for" ]; do
		sleep 0.2
	done
	expect "E activated" "$(rd "$D/$IMG_E/activation_pending")" 0
	expect_version "E version" "$(rd "$D/$IMG_E/current_version")" "$E_PEND4"
	# a second round: an endless PRIME storm, and rmmod in the middle
	agent_clear
	agent_fault PRIME CALL_AGAIN forever
	agent_bmc_stage_e "$E_PEND5"
	wr "$D/$IMG_E/activate" 1 >"$T/sw4" &
	sleep 0.3
	rmmod lfa_fw
	expect "rmmod under load" "$?" 0
	touch "$T/stop"
	wait
	# the notification's work may hold the activation instead: then
	# the writer got EBUSY and rmmod waited for the work
	sw4=$(cat "$T/sw4")
	case $sw4 in
	EBUSY | ETIMEDOUT) ok "writer during the storm: $sw4" ;;
	*) not_ok "writer during the storm: got '$sw4', want EBUSY or ETIMEDOUT" ;;
	esac
	save_dmesg
	expect "the storm was cut by its budget" \
		"$(grep -c "$IMG_E: PRIME still asks to be called again" "$T/dmesg")" 1
	expect "module gone" "$([ -e /sys/module/lfa_fw ] && echo y)" ""
	expect_ge "CANCEL sent" "$(agent_calls CANCEL)" 1
	load
	expect "E pending after the failed round" \
		"$(rd "$D/$IMG_E/activation_pending")" 1
}

test_rmmod_during() {
	needs agent_fault || return
	fresh
	echo 3000 >"$M/prime_timeout_ms"
	agent_fault PRIME CALL_AGAIN forever
	t0=$(ms)
	wr "$D/$IMG_A/activate" 1 >"$T/w1" &
	w1=$!
	sleep 0.5
	rmmod lfa_fw
	rc=$?
	t1=$(ms)
	wait "$w1"
	expect "rmmod" "$rc" 0
	expect_ge "rmmod waited (ms)" "$((t1 - t0))" 2900
	expect "writer" "$(cat "$T/w1")" ETIMEDOUT
	expect_ge "CANCEL sent" "$(agent_calls CANCEL)" 1
	expect "sysfs gone" "$([ -e "$D" ] && echo y)" ""
	expect "module gone" "$([ -e /sys/module/lfa_fw ] && echo y)" ""
	load
	expect "reload lists A" "$([ -d "$D/$IMG_A" ] && echo y)" y
}

# The driver meets a status LFA does not define: TF-A leaks a component's
# own "call me again" from PRIME as -35; the specification's answer is
# CALL_AGAIN, which the driver rides out.
test_prime_leak() {
	if [ -z "${IMG_H:-}" ]; then
		ok "skipped: the adapter has no image H"
		return
	fi
	fresh
	agent_clear
	save_dmesg
	if [ "$MODE" = tf-a ]; then
		check_img_failure "raw -35 at PRIME" "$IMG_H" \
			"$(wr "$D/$IMG_H/activate" 1)" EBADMSG
		expect "no ACTIVATE after it" "$(agent_calls ACTIVATE)" 0
		expect "logged with its value" \
			"$(dmesg | grep -c "$IMG_H: .*-35")" 1
	else
		expect "CALL_AGAIN ridden out" "$(wr "$D/$IMG_H/activate" 1)" OK
		expect_ge "PRIME called again" "$(agent_calls PRIME)" 2
		expect "H pending" "$(rd "$D/$IMG_H/activation_pending")" 0
	fi
}

test_dmesg_clean() {
	unload
	save_dmesg
	expect "kernel warnings" \
		"$(grep -c -E 'BUG:|WARNING:|Oops|Call trace|UBSAN|KASAN|kmemleak|possible circular|lockdep' "$T/dmesg")" 0
}

ALL_TESTS="load read write_settings write_bad refusals prime_errors
activate_errors cancel_errors status_w32 storms cancel_refused killable concurrency rmmod_during uevent_on_load
incomplete_rescan activate_ok notify seq_change hotplug hotplug_during revive prime_recheck rdv_backoff stress prime_leak dmesg_clean"

[ $# -gt 0 ] || set -- $ALL_TESTS
total=$#
echo "TAP version 13"
for t in "$@"; do
	cur_test=$t
	"test_$t"
done
unload
echo "1..$n"
echo "# $failed of $n checks failed in $total tests"
[ "$failed" = 0 ]

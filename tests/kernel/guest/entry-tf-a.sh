#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# run-guest --script for lfa_fw on a real TF-A build (run-guest --tf-a) with
# the test port of tests/tf-a: TF-A's own LFA service answers every call.
# There is no call log, fault injection or out-of-band staging there (those
# belong to the emulator), so this checks what TF-A itself decides: the
# inventory, the driver's refusals, a rendezvous and a skip-rendezvous
# activation through TF-A's holding pen, and the raw -35 TF-A leaks.
F=/tests/files
P=$F/lfa-probe
D=/sys/firmware/lfa
IMG_A=47d4086d-4cfe-9846-9b95-2950cbbd5a00
IMG_B=0b0b0b0b-0000-4000-8000-00000000000b
IMG_C=0c0c0c0c-0000-4000-8000-00000000000c
IMG_E=0e0e0e0e-0000-4000-8000-00000000000e
IMG_G=0a0a0a0a-0000-4000-8000-00000000000a
IMG_H=08080808-0000-4000-8000-000000000008
. /tests/lib.sh

wr() { "$P" write "$1" "$2"; }
rd() { "$P" read "$1"; }

echo "TAP version 13"
diag "skipped here: every check that needs the emulator's call log, fault"
diag "injection, out-of-band staging or a changing inventory (kernel-main-tfa"
diag "runs those against the emulator in tf-a mode)"
check "insmod" load_module lfa_fw
check_eq "agent found" "$(dmesg | grep -c 'lfa_fw: LFA v1.0 agent found (SMC conduit)')" 1
check_eq "images" "$(ls "$D" | wc -l)" 6
check_eq "A name" "$(rd "$D/$IMG_A/name")" "TF-A BL31 runtime"
for g in $IMG_A $IMG_B $IMG_C $IMG_E $IMG_G $IMG_H; do
	# TF-A's GET_INVENTORY leaves x4/x5 as the driver passed them
	check_eq "$g current_version" "$(rd "$D/$g/current_version")" unknown
done
check_eq "A rendezvous" "$(rd "$D/$IMG_A/cpu_rendezvous")" 1
check_eq "E rendezvous optional" "$(rd "$D/$IMG_E/cpu_rendezvous")" 0
check_eq "B pending" "$(rd "$D/$IMG_B/activation_pending")" 0
check_eq "B pending_version" "$(rd "$D/$IMG_B/pending_version")" N/A
check_eq "C may reset" "$(rd "$D/$IMG_C/may_reset_cpu")" 1
check_eq "G capable" "$(rd "$D/$IMG_G/activation_capable")" 0

check_eq "activate C (may reset CPUs)" "$(wr "$D/$IMG_C/activate" 1)" EOPNOTSUPP
check_eq "activate G (not capable)" "$(wr "$D/$IMG_G/activate" 1)" EOPNOTSUPP
check_eq "activate B (nothing pending)" "$(wr "$D/$IMG_B/activate" 1)" ENODATA
# TF-A checks the id against the component it last primed, of which
# there is none yet
check_eq "cancel with nothing primed" "$(wr "$D/$IMG_A/cancel" 1)" EINVAL

# A's load asks to be called again once, then every CPU enters ACTIVATE
dmesg -c >/dev/null
check_eq "activate A" "$(wr "$D/$IMG_A/activate" 1)" OK
check_eq "A pending" "$(rd "$D/$IMG_A/activation_pending")" 0
check_eq "A again: nothing pending" "$(wr "$D/$IMG_A/activate" 1)" ENODATA
# the port's activators, like TF-A BL31's, do not reset the prime when an
# activation completes, so A would stay TF-A's current component and E's
# ACTIVATE would get INVALID_PARAMETERS: the driver's CANCEL after the
# success ended it
check_eq "nothing left primed after A" "$(wr "$D/$IMG_A/cancel" 1)" EINVAL
check_eq "E force 0" "$(wr "$D/$IMG_E/force_cpu_rendezvous" 0)" OK
# E without the rendezvous: one CPU calls ACTIVATE, TF-A holds no pen
check_eq "activate E after A" "$(wr "$D/$IMG_E/activate" 1)" OK
check_eq "E pending" "$(rd "$D/$IMG_E/activation_pending")" 0
# H's own prime step returns -EAGAIN, which TF-A passes on unmapped; the
# driver cancels (TF-A resets the prime) and says what it got
check_eq "activate H" "$(wr "$D/$IMG_H/activate" 1)" EBADMSG
check_eq "H logged with its value" "$(dmesg | grep -c "$IMG_H: .*-35")" 1
check_eq "H still pending" "$(rd "$D/$IMG_H/activation_pending")" 1
check_eq "C still pending" "$(rd "$D/$IMG_C/activation_pending")" 1
check "rmmod" rmmod lfa_fw
check_eq "kernel warnings" \
	"$(dmesg | grep -c -E 'BUG:|WARNING:|Oops|Call trace|UBSAN|lockdep')" 0
tap_done

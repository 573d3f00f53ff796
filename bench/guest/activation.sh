#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-guest --script for bench/activation.scn: activates the image
# bench_runs times and prints, per run, the machine stops the driver
# counted (its success line), the spans of the activation in the agent's
# call log (bench-lib.sh) and the median span of its rendezvous ACTIVATE
# rounds (first CPU in to last CPU out); then the median span of bare
# stop_machine() rounds whose CPUs only enter the agent (lfa_stopbench).
# Times are ns of the generic counter, under TCG.
. /tests/lib.sh
. /tests/files/bench-lib.sh
G=0b0b0b0b-0000-4000-8000-00000000000b
D=/sys/firmware/lfa/$G
runs=$bench_runs
cpus=$(grep -c '^processor' /proc/cpuinfo)

# round_spans CALL: the median, over the rounds of CALL in the log on
# stdin (one entry per online CPU each, logged as each CPU leaves), of the
# time from the first CPU's entry to the last CPU's return
round_spans() {
	awk -v call="call=$1" -v cpus="$cpus" '
		$5 == call {
			t = substr($3, 3); e = t + substr($4, 4)
			if (n == 0 || t < lo) lo = t
			if (n == 0 || e > hi) hi = e
			if (++n == cpus) { s[k++] = hi - lo; n = 0 }
		}
		END {
			if (k == 0) { print "none"; exit }
			for (i = 0; i < k; i++)
				for (j = i + 1; j < k; j++)
					if (s[j] < s[i]) { x = s[i]; s[i] = s[j]; s[j] = x }
			print s[int(k / 2)]
		}'
}

check "load lfa_testplat" load_module lfa_testplat
check "load lfa_fw" load_module lfa_fw
check "the image is listed" test -d "$D"
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	[ "$i" = 1 ] || echo "$G 1.$((i + 1))" >"$LFA_EMU/bmc_stage"
	check_eq "run $i: pending" "$(cat "$D/activation_pending")" 1
	lfa_log_clear
	check "run $i: activate" sh -c "echo 1 >$D/activate"
	stops=$(dmesg | grep "$G: activated (" | tail -n 1 |
		sed -n 's/.*activated (\([0-9]*\) machine stops).*/\1/p')
	rounds=$(grep -c "cpu=0 .*call=ACTIVATE" "$LFA_EMU/log")
	round_span=$(round_spans ACTIVATE <"$LFA_EMU/log")
	check_eq "run $i: the driver counted its machine stops" "${stops:+yes}" yes
	echo "# bench run=$i machine_stops=$stops activate_rounds=$rounds $(activation_spans) round_span_ns=$round_span"
done

lfa_log_clear
check "bare machine stops" load_module lfa_stopbench rounds="$runs"
echo "# bench noop_round_span_ns=$(round_spans VERSION <"$LFA_EMU/log")"
tap_done

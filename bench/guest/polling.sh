#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-guest --script for bench/polling.scn: each image activated
# bench_runs times by lfa_fw and then by lfa_fw_fixed10ms (the same sources
# with a fixed 10 ms sleep between polls, as the upstream driver does;
# bench/mk-fixed-poll makes it).  One line per activation with its spans in
# the agent's call log (bench-lib.sh).  Image ff is the figure's, 00..06
# answer CALL_AGAIN that many times at PRIME.
. /tests/lib.sh
. /tests/files/bench-lib.sh
runs=$bench_runs
check "load lfa_testplat" load_module lfa_testplat

for driver in lfa_fw lfa_fw_fixed10ms; do
	check "$driver: load" load_module "$driver"
	for r in ff 00 01 02 03 04 05 06; do
		g=0c0c0c0c-0000-4000-8000-0000000000$r
		d=/sys/firmware/lfa/$g
		i=0
		while [ "$i" -lt "$runs" ]; do
			i=$((i + 1))
			[ "$(cat "$d/activation_pending")" = 1 ] ||
				echo "$g 1.$((i + 1))" >"$LFA_EMU/bmc_stage"
			# the BMC's notification makes the driver rescan: an
			# activation that meets that rescan in the agent is
			# refused with EBUSY, and an operator would try again
			tries=0
			until lfa_log_clear && echo 1 2>/dev/null >"$d/activate"; do
				tries=$((tries + 1))
				[ "$tries" -lt 5 ] || break
				sleep 1
			done
			if [ "$tries" -ge 5 ]; then
				not_ok "$driver: activate $g (run $i)"
				continue
			fi
			echo "# poll driver=$driver image=$r run=$i $(activation_spans)"
		done
	done
	check "$driver: unload" rmmod "$driver"
done
tap_done

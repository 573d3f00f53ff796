#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-guest --script for bench/polling.scn: each image activated RUNS times
# (kernel argument bench_runs=N, default 5) by lfa_fw and then by
# lfa_fw_fixed10ms (the same sources with a fixed 10 ms sleep between
# polls, as the upstream driver does; bench/mk-fixed-poll makes it).  One
# line per activation: the span in the agent's call log from the first
# PRIME's entry to the last ACTIVATE's return, and to the last PRIME's
# return, ns of the generic counter.  Image ff is the figure's, 00..06
# answer CALL_AGAIN that many times at PRIME.
. /tests/lib.sh
runs=$(sed -n 's/.*bench_runs=\([0-9]*\).*/\1/p' /proc/cmdline)
runs=${runs:-5}
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
			# the whole activation, and its PRIME phase alone (no
			# machine stops: the polling strategy's own share)
			spans=$(awk '
				/call=PRIME/ {
					t = substr($3, 3); e = t + substr($4, 4)
					if (!p) { p = 1; first = t }
					if (e > pend) pend = e
				}
				/call=ACTIVATE/ { e = substr($3, 3) + substr($4, 4); if (e > last) last = e }
				END {
					if (p && last) print "span_ns=" last - first " prime_span_ns=" pend - first
					else print "span_ns=none prime_span_ns=none"
				}' "$LFA_EMU/log")
			echo "# poll driver=$driver image=$r run=$i $spans"
		done
	done
	check "$driver: unload" rmmod "$driver"
done
tap_done

# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the guest benchmarks (run-guest --files bench/guest).

# how many activations each benchmark runs: kernel argument bench_runs=N
bench_runs=$(sed -n 's/.*bench_runs=\([0-9]*\).*/\1/p' /proc/cmdline)
bench_runs=${bench_runs:-5}

# activation_spans: from the agent's call log, the span of the activation
# (first PRIME's entry to last ACTIVATE's return) and of its PRIME phase
# (to the last PRIME's return), ns of the generic counter, as
# "span_ns=N prime_span_ns=N"
activation_spans() {
	awk '
		/call=PRIME/ {
			t = substr($3, 3); e = t + substr($4, 4)
			if (!p) { p = 1; first = t }
			if (e > pend) pend = e
		}
		/call=ACTIVATE/ { e = substr($3, 3) + substr($4, 4); if (e > last) last = e }
		END {
			if (p && last) print "span_ns=" last - first " prime_span_ns=" pend - first
			else print "span_ns=none prime_span_ns=none"
		}' "$LFA_EMU/log"
}

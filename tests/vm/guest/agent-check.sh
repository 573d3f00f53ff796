# SPDX-License-Identifier: LGPL-2.1-or-later
# vm-agent: the emulated agent as the guest sees it, without the product
# driver.  Boot facts, lfa_check.ko's verdict on every LFA call and error,
# and the test platform (firmware upload, debugfs) where the scenario has it.
. ./lib.sh

check "kernel reports SMCCC v1.2" grep -q "SMC Calling Convention v1.2" /tmp/dmesg
check_eq "4 CPUs online" "$(grep -c ^processor /proc/cpuinfo)" 4
check "all CPUs started at EL1" grep -q "All CPU(s) started at EL1" /tmp/dmesg

check "lfa_check.ko loads" load_module lfa_check scenario="$LFA_VM_SCENARIO"
cat /sys/kernel/debug/lfa_check/run >/tmp/run.out 2>&1
while read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	*) echo "$line" ;;
	esac
done </tmp/run.out
check "lfa_check ran checks" grep -q "^ok - " /tmp/run.out

case $LFA_VM_SCENARIO in
noagent)
	load_module lfa_testplat 2>/dev/null
	check_eq "no firmware-upload devices without images" \
		"$(ls -d /sys/class/firmware/lfa-* 2>/dev/null | wc -l)" 0
	;;
check)
	check "lfa_testplat.ko loads" load_module lfa_testplat
	b=0c4ec0a0-0000-4000-8000-00000000000b
	fw=/sys/class/firmware/lfa-$b
	check "one firmware-upload device per stageable image" test -d "$fw"
	check_eq "only stageable images get one" "$(ls -d /sys/class/firmware/lfa-* | wc -l)" 1
	upload() {	# upload FILE: prints the error file afterwards
		echo 1 >"$fw/loading"
		cat "$1" >"$fw/data"
		echo 0 >"$fw/loading"
		i=0
		while [ "$(cat "$fw/status")" != idle ] && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		cat "$fw/error"
	}
	check_eq "upload of a good image" "$(upload files/b-2.9.img)" ""
	check "agent lists b 2.9 as staged" grep -q "^$b b current=2.6 pending=2.9 .*staged" "$LFA_EMU/images"
	check_eq "image for another GUID is invalid" "$(upload files/a-1.9.img)" "preparing:firmware-invalid"
	check_eq "image with version 0 is invalid" "$(upload files/b-0.0.img)" "preparing:firmware-invalid"
	check_eq "too large image" "$(upload files/b-big.img)" "preparing:invalid-file-size"
	lfa_log_clear
	check_eq "log empty after clear" "$(wc -l <"$LFA_EMU/log")" 0
	check "inject PRIME fault" lfa_inject "PRIME 1 AUTH_ERROR"
	check "inject ACTIVATE forever" lfa_inject "ACTIVATE 1 CALL_AGAIN forever"
	if lfa_inject "PRIME 1 NONSENSE" 2>/dev/null; then not_ok "bad inject refused"; else ok "bad inject refused"; fi
	check "inject clear" lfa_inject clear
	check "bmc_stage with explicit version" sh -c "echo '$b 3.1' >$LFA_EMU/bmc_stage"
	check "agent lists b 3.1 staged" grep -q "^$b b current=2.6 pending=3.1 .*staged" "$LFA_EMU/images"
	if echo "0c4ec0a0-0000-4000-8000-0000000000ff" >"$LFA_EMU/bmc_stage" 2>/dev/null; then
		not_ok "bmc_stage of an unknown GUID refused"
	else
		ok "bmc_stage of an unknown GUID refused"
	fi
	# the check module ran LFA calls; the log has the format README documents
	load_module lfa_check 2>/dev/null
	lfa_log_clear
	cat /sys/kernel/debug/lfa_check/run >/dev/null
	check "log line format" grep -Eq '^seq=[0-9]+ cpu=[0-9]+ t=[0-9]+ dt=[0-9]+ call=GET_INFO x1=0x0 x2=0x0 x3=0x0 x4=0x0 ret=SUCCESS r1=0x4$' "$LFA_EMU/log"
	check "log has ACTIVATE from CPU 3" grep -q "cpu=3 .*call=ACTIVATE" "$LFA_EMU/log"
	;;
esac
tap_done

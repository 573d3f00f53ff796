# SPDX-License-Identifier: GPL-2.0-only
# lfa-kernel-tests.sh adapter for the project's emulated agent
# (tests/agent) and its debugfs (tests/platform/lfa_testplat.ko), with the
# scenario tests/kernel/kernel.scn.
LFA_EMU=/sys/kernel/debug/lfa_emu
# the agent's mode, from run-guest --agent
AGENT_MODE=${LFA_VM_AGENT:-lfa}

IMG_A=47d4086d-4cfe-9846-9b95-2950cbbd5a00
A_NAME="TF-A BL31 runtime"
A_CUR=1.0
A_PEND=1.1
IMG_B=0b0b0b0b-0000-4000-8000-00000000000b
B_CUR=2.5
IMG_C=0c0c0c0c-0000-4000-8000-00000000000c
IMG_D=0d0d0d0d-0000-4000-8000-00000000000d
IMG_E=0e0e0e0e-0000-4000-8000-00000000000e
E_PEND=5.1
E_PEND2=5.2
E_PEND3=5.3
E_PEND4=5.4
E_PEND5=5.5
E_PEND6=5.6
E_PEND7=5.7
E_PEND8=5.8
IMG_F=0f0f0f0f-0000-4000-8000-00000000000f
IMG_G=0a0a0a0a-0000-4000-8000-00000000000a
IMG_H=08080808-0000-4000-8000-000000000008
# I's activation drops K and J's lists it again; L and M change their flags
# at PRIME. TF-A's inventory and flags are fixed at boot
if [ "$AGENT_MODE" = lfa ]; then
	IMG_I=09090909-0000-4000-8000-000000000009
	IMG_J=07070707-0000-4000-8000-000000000007
	IMG_K=06060606-0000-4000-8000-000000000006
	K_CUR=6.0
	IMG_L=05050505-0000-4000-8000-000000000005
	L_PEND=1.1
	IMG_M=04040404-0000-4000-8000-000000000004
	M_CUR=1.0
fi
# a status code LFA does not define, for the EBADMSG case
AGENT_UNDEFINED_CODE=-42

agent_clear() {
	echo clear >"$LFA_EMU/inject"
	echo clear >"$LFA_EMU/log"
}

agent_fault() {
	echo "$1 1 $2 $3" >"$LFA_EMU/inject"
}

agent_calls() {
	grep -c " call=$1 " "$LFA_EMU/log"
}

agent_bmc_stage_e() {
	echo "$IMG_E ${1:-$E_PEND}" >"$LFA_EMU/bmc_stage"
}

# TF-A's SMC_RET sign-extends; only a spec-mode agent can be made to not
if [ "$AGENT_MODE" = lfa ]; then
	agent_status_w32() {
		echo "status-w32 $1" >"$LFA_EMU/scenario"
	}
fi

# F's activation, done directly, makes the agent list F and E first; TF-A
# never renumbers (kernel.scn's spec-only lines)
if [ "$AGENT_MODE" = lfa ]; then
	agent_renumber() {
		"$LFA_PROBE" insmod /lib/modules-test/lfa_poke.ko "guid=$IMG_F" >/dev/null
		rmmod lfa_poke
	}
fi

# SPDX-License-Identifier: GPL-2.0-only
# lfa-kernel-tests.sh adapter for a real TF-A build with the test port of
# tests/tf-a (run-guest --tf-a): TF-A's own LFA service answers every call.
# TF-A has no call log, fault injection or out-of-band staging, so this
# adapter defines none of agent_calls, agent_fault, agent_bmc_stage_e: the
# tests and checks that need them are skipped and say so (kernel-main-tfa
# runs them against the emulator in tf-a mode). The port's components
# mirror kernel.scn's A, B, C, E, G and H, except that E is pending from
# boot: nothing could stage it later.
AGENT_MODE=tf-a

IMG_A=47d4086d-4cfe-9846-9b95-2950cbbd5a00
A_NAME="TF-A BL31 runtime"
IMG_B=0b0b0b0b-0000-4000-8000-00000000000b
IMG_C=0c0c0c0c-0000-4000-8000-00000000000c
# not one of the port's components: its directory must never appear
IMG_D=0d0d0d0d-0000-4000-8000-00000000000d
IMG_E=0e0e0e0e-0000-4000-8000-00000000000e
IMG_G=0a0a0a0a-0000-4000-8000-00000000000a
IMG_H=08080808-0000-4000-8000-000000000008
# TF-A reports no versions: expect_version wants "unknown" in tf-a mode
A_CUR=- A_PEND=- B_CUR=-

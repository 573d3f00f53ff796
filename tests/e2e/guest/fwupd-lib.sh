# SPDX-License-Identifier: LGPL-2.1-or-later
# What the end-to-end cases ask of fwupd and the kernel, however fwupd runs:
# in the busybox guest's chroot (chain-lib.sh) or on the Debian userland
# (tests/debian).  Expects a `fwupdmgr` command or function, and from the
# chain library start_chain and chain_done.

GUID_BL31=47d4086d-4cfe-9846-9b95-2950cbbd5a00
GUID_RMM=6c0762a6-12f2-4b56-92cb-ba8f633606d9
GUID_SP=2c8a9f4e-7b31-4d6a-9e05-c1f0a3b7d218
GUID_SCP=9e3c5d71-0a4f-4b8e-a6d2-57f1e08c3b94
GUID_VENDOR=0d1e2f30-4152-6374-8596-a7b8c9dae0f1
LFA=/sys/firmware/lfa

# Field of the lfa device with GUID in `fwupdmgr get-devices --json`
# (one "Key" : value per line; list values on the following lines).
dev_json() {
	fwupdmgr get-devices --json 2>/dev/null >/tmp/devices.json
}

dev_field() {	# dev_field GUID KEY (after dev_json)
	# the image GUID is the name of an unknown image and ends the
	# platform-qualified instance ID (LFA\VENDOR_..&PRODUCT_..&GUID_<image>)
	awk -v guid="$1" -v key="\"$2\"" '
	/^    \{/ { n = 0; hit = 0 }
	{
		line[n++] = $0
		if (index($0, "\"" guid "\"") || index($0, "&GUID_" guid "\""))
			hit = 1
	}
	/^    \}/ {
		if (hit)
			for (i = 0; i < n; i++) {
				if (index(line[i], "      " key " : ") != 1)
					continue
				v = line[i]
				if (v ~ /\[$/) {
					v = ""
					for (j = i + 1; j < n && line[j] !~ /^      \]/; j++) {
						s = line[j]; gsub(/^ +"|",?$/, "", s)
						v = v (v == "" ? "" : ",") s
					}
				} else {
					sub(/^[^:]*: /, "", v); sub(/,$/, "", v); gsub(/"/, "", v)
				}
				print v
			}
		n = 0; hit = 0
	}' /tmp/devices.json
}

dev_has_flag() {	# dev_has_flag GUID FLAG (after dev_json)
	dev_field "$1" Flags | tr ',' '\n' | grep -qx "$2"
}

# Wait up to SEC seconds (of guest time) for a command to succeed; the
# command itself may take a second or more under TCG.
wait_for() {	# wait_for SEC COMMAND...
	end=$(($(cut -d. -f1 /proc/uptime) + $1))
	shift
	while :; do
		"$@" && return 0
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

refused() {	# refused DESCRIPTION COMMAND...: ok if the command fails; its output in /tmp/out
	_what=$1
	shift
	if "$@" >/tmp/out 2>&1; then
		not_ok "$_what"
	else
		ok "$_what"
	fi
	sed 's/^/#   /' /tmp/out | tail -n 3
}

sysfs() {	# sysfs GUID FILE
	cat "$LFA/$1/$2" 2>/dev/null
}

dev_id() {	# dev_id GUID: fwupd's device ID of the image (after dev_json)
	dev_field "$1" DeviceId
}

# distinct CPUs that made the last ACTIVATE round, from the agent's call log
activate_cpus() {
	grep 'call=ACTIVATE' "$LFA_EMU/log" | sed 's/.* cpu=\([0-9]*\) .*/\1/' |
		sort -u | wc -l
}

# start the chain or end the case with one failure
start_chain_or_bail() {
	if start_chain "$@"; then
		ok "fwupd daemon starts in the guest"
		return 0
	fi
	not_ok "fwupd daemon starts in the guest"
	chain_done
	exit 1
}

# SPDX-License-Identifier: LGPL-2.1-or-later
# One server of the emulated fleet (tests/fleet/lfa-fleet-vm.py): QEMU's
# user network, the test's SSH key for admin (whom Ansible logs in as and
# becomes root through sudo, as an operator's inventory would) and for root
# (the test's own checks), then serve until the test says it is done.
. /tests/lib.sh
. /tests/files/chain-lib.sh
. /tests/files/case.env

# QEMU's user network has a fixed plan: 10.0.2.15 for the guest.  udevd
# may not have loaded virtio_net yet.
ether_dev() {
	for d in /sys/class/net/*; do
		[ "$(cat "$d/type")" = 1 ] && echo "${d##*/}" && return 0
	done
	return 1
}
modprobe virtio_net
check "the guest has a network interface" wait_for 60 ether_dev
dev=$(ether_dev)
ip addr add 10.0.2.15/24 dev "$dev"
ip link set "$dev" up
ip route add default via 10.0.2.2

for home in /home/admin /root; do
	install -d -m 700 "$home/.ssh"
	echo "$LFA_E2E_SSH_KEY" >"$home/.ssh/authorized_keys"
	chmod 600 "$home/.ssh/authorized_keys"
done
chown -R admin:admin /home/admin/.ssh
check "the test platform is loaded" start_kernel_side
check "sshd runs" systemctl is-active --quiet ssh
# started before the test logs in: D-Bus gives a service 25 s to start,
# which three busy emulated servers on two host CPUs can exceed
check "fwupd runs" start_fwupd
diag "serving as $LFA_E2E_FLEET_HOST until the test is done"
# a slow poll: every fork costs the emulated CPUs that Ansible is using
i=0
while [ ! -e /run/lfa-fleet-done ] && [ $i -lt 1200 ]; do
	sleep 1
	i=$((i + 1))
done
check "the test said it was done" test -e /run/lfa-fleet-done
tap_done

#!/usr/bin/python3
#
# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
"""A fleet of three emulated Arm servers (tests/debian, each a copy of the
installed server, 2 CPUs and 512 MB), reached over SSH on loopback-forwarded
ports only, and ansible/lfa-rollout.yml run on them by Debian's
ansible-playbook as an operator would: logged in as admin, root through sudo.

1. A check-mode rollout of the pending TF-RMM 0.8 changes nothing; the
   rollout activates it on every server without a reboot; a second run
   changes nothing.
2. The BMC stages secure partition 1.5 on every server and the second
   server's agent refuses it (AUTH_ERROR at PRIME): the rollout stops
   after that server, whose old firmware still runs with nothing left
   primed; the third is untouched; the output names the host and why.

Prints TAP."""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

GUID_RMM = "6c0762a6-12f2-4b56-92cb-ba8f633606d9"
GUID_SP = "2c8a9f4e-7b31-4d6a-9e05-c1f0a3b7d218"
HOSTS = ("lfa-1", "lfa-2", "lfa-3")
EMU = "/sys/kernel/debug/lfa_emu"
LFA = "/sys/firmware/lfa"

tap_n = 0
tap_failed = False


def check(cond, desc, detail=None):
    global tap_n, tap_failed
    tap_n += 1
    print(f"{'ok' if cond else 'not ok'} {tap_n} - {desc}")
    if not cond:
        tap_failed = True
        for line in (detail or "").splitlines()[-30:]:
            print(f"#   {line}")
    sys.stdout.flush()
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Fleet:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.key = os.path.join(tmp, "id_ed25519")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.key], check=True)
        with open(self.key + ".pub", encoding="utf-8") as f:
            self.pubkey = f.read().strip()
        self.ports = {host: free_port() for host in HOSTS}
        self.servers = {}
        self.ssh_opts = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                         "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
                         "-o", "ConnectTimeout=10", "-i", self.key]

    def boot(self):
        """All three at once: the boots overlap, as do their waits."""
        for host in HOSTS:
            env = dict(os.environ, LFA_E2E_SSH_KEY=self.pubkey, LFA_E2E_FLEET_HOST=host)
            log = open(os.path.join(self.tmp, f"{host}.tap"), "w", encoding="utf-8")
            self.servers[host] = (subprocess.Popen(
                [self.args.run_case, self.args.server_script, "--smp", "2", "--mem", "512",
                 "--ssh-port", str(self.ports[host]), "--name", f"fleet-{host}", "--timeout", "1500"],
                env=env, stdout=log, stderr=subprocess.STDOUT), log)

    def ssh(self, host, command, user="root"):
        return subprocess.run(["ssh", *self.ssh_opts, "-p", str(self.ports[host]),
                               f"{user}@127.0.0.1", command],
                              capture_output=True, text=True, timeout=120, check=False)

    def wait_ready(self, host, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            proc = self.servers[host][0]
            if proc.poll() is not None:
                return False
            # ready when the server script has set up root's key
            if self.ssh(host, "true").returncode == 0:
                return True
            time.sleep(3)
        return False

    def read(self, host, path):
        res = self.ssh(host, f"cat {path}")
        return res.stdout.strip() if res.returncode == 0 else None

    def write_inventory(self):
        path = os.path.join(self.tmp, "inventory.yml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("lfa:\n  hosts:\n")
            for host in HOSTS:
                f.write(f"    {host}:\n      ansible_host: 127.0.0.1\n"
                        f"      ansible_port: {self.ports[host]}\n")
            f.write("  vars:\n    ansible_user: admin\n"
                    "    ansible_become_password: admin-pw\n"
                    "    ansible_python_interpreter: /usr/bin/python3\n"
                    f"    ansible_ssh_private_key_file: {self.key}\n"
                    "    ansible_ssh_common_args: >-\n"
                    "      -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null\n"
                    "      -o IdentitiesOnly=yes -o LogLevel=ERROR\n")
        return path

    def rollout(self, inventory, guid, version, *argv):
        """ansible-playbook, from ansible/ so that its ansible.cfg applies."""
        # emulated servers answer slowly: sudo's prompt may take longer
        # than Ansible's default 10 s
        env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_TIMEOUT="60",
                   ANSIBLE_HOME=os.path.join(self.tmp, "ansible-home"),
                   ANSIBLE_LOCAL_TEMP=os.path.join(self.tmp, "ansible-tmp"))
        res = subprocess.run(
            [self.args.ansible_playbook, "-i", inventory, "lfa-rollout.yml",
             "-e", f"lfa_guid={guid}", "-e", f"lfa_version={version}", *argv],
            cwd=os.path.join(self.args.srcdir, "ansible"), env=env,
            capture_output=True, text=True, timeout=900, check=False)
        return res.returncode, res.stdout + res.stderr

    def done(self):
        """The servers power off; returns each one's TAP."""
        for host in HOSTS:
            self.ssh(host, "touch /run/lfa-fleet-done")
        taps = {}
        for host, (proc, log) in self.servers.items():
            try:
                proc.wait(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
            with open(os.path.join(self.tmp, f"{host}.tap"), encoding="utf-8") as f:
                taps[host] = (proc.returncode, f.read())
        return taps


def recap(output):
    """PLAY RECAP: {host: {ok: n, changed: n, ...}}."""
    hosts = {}
    for m in re.finditer(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$", output, re.M):
        hosts[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
    return hosts


def show(output, what):
    print(f"# ---- {what} ----")
    for line in output.rstrip().splitlines():
        print(f"#   {line}")


def rollouts(fleet):
    inventory = fleet.write_inventory()
    boot_ids = {h: fleet.read(h, "/proc/sys/kernel/random/boot_id") for h in HOSTS}

    # 1. the pending TF-RMM 0.8 on every server
    rc, out = fleet.rollout(inventory, GUID_RMM, "0.8", "--check")
    check(rc == 0 and len(recap(out)) == 3, "check mode: the rollout passes on every server", out)
    check(all(fleet.read(h, f"{LFA}/{GUID_RMM}/current_version") == "0.7" for h in HOSTS),
          "check mode: every server still runs TF-RMM 0.7")

    t = time.monotonic()
    rc, out = fleet.rollout(inventory, GUID_RMM, "0.8")
    print(f"# rollout over three servers: {time.monotonic() - t:.0f} s")
    check(rc == 0, "the rollout over all servers succeeds", out)
    for h in HOSTS:
        check(fleet.read(h, f"{LFA}/{GUID_RMM}/current_version") == "0.8"
              and fleet.read(h, f"{LFA}/{GUID_RMM}/activation_pending") == "0",
              f"{h} runs TF-RMM 0.8 with nothing pending")
    check(all(fleet.read(h, "/proc/sys/kernel/random/boot_id") == boot_ids[h] for h in HOSTS),
          "no server rebooted")

    rc, out = fleet.rollout(inventory, GUID_RMM, "0.8")
    check(rc == 0 and len(recap(out)) == 3
          and all(r.get("changed") == 0 for r in recap(out).values()),
          "a second run changes nothing", out)

    # 2. the second server's agent refuses the staged image
    for h in HOSTS:
        fleet.ssh(h, f"echo '{GUID_SP} 1.5' > {EMU}/bmc_stage && echo clear > {EMU}/log")
    fleet.ssh("lfa-2", f"echo 'PRIME 1 AUTH_ERROR forever' > {EMU}/inject")
    check(all(fleet.read(h, f"{LFA}/{GUID_SP}/activation_pending") == "1" for h in HOSTS),
          "the BMC staged secure partition 1.5 on every server")
    rc, out = fleet.rollout(inventory, GUID_SP, "1.5")
    show(out, "the halted rollout")
    check(rc != 0, "the rollout fails")
    failed = [line for line in out.splitlines() if line.startswith("fatal:")]
    check(any("lfa-2" in line for line in failed) and not any("lfa-3" in line for line in failed),
          "the failure is lfa-2's", out)
    check(re.search(r"lfa-2.*(auth|signature|signed)", out, re.I | re.S) is not None,
          "the output names lfa-2 and the reason (authentication)", out)
    check(fleet.read("lfa-1", f"{LFA}/{GUID_SP}/current_version") == "1.5",
          "lfa-1, before it, runs 1.5")
    check(fleet.read("lfa-2", f"{LFA}/{GUID_SP}/current_version") == "1.4"
          and fleet.read("lfa-2", f"{LFA}/{GUID_SP}/activation_pending") == "1",
          "lfa-2 still runs 1.4, with 1.5 still staged")
    log2 = fleet.read("lfa-2", f"{EMU}/log") or ""
    check("call=CANCEL" in log2 and "call=ACTIVATE" not in log2,
          "lfa-2: the agent's prime was cancelled, nothing activated", log2)
    log3 = fleet.read("lfa-3", f"{EMU}/log") or ""
    check(fleet.read("lfa-3", f"{LFA}/{GUID_SP}/current_version") == "1.4"
          and "call=PRIME" not in log3, "lfa-3 is untouched: no PRIME, still 1.4", log3)
    check(all(fleet.read(h, "/proc/sys/kernel/random/boot_id") == boot_ids[h] for h in HOSTS),
          "still no server rebooted")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--srcdir", required=True)
    p.add_argument("--run-case", required=True)
    p.add_argument("--ansible-playbook", required=True)
    args = p.parse_args()
    args.server_script = os.path.join(args.srcdir, "tests", "fleet", "guest", "server.sh")

    tmp = tempfile.mkdtemp(prefix="lfa-fleet.")
    fleet = Fleet(args, tmp)
    try:
        t0 = time.monotonic()
        fleet.boot()
        ready = all([fleet.wait_ready(host, 900) for host in HOSTS])
        print(f"# fleet ready {time.monotonic() - t0:.0f} s after the first boot started")
        if check(ready, "three servers boot and answer over SSH"):
            rollouts(fleet)
    finally:
        taps = fleet.done()
        for host, (rc, tap) in taps.items():
            check(rc == 0, f"{host}'s own checks pass", tap)
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"1..{tap_n}")
    sys.exit(1 if tap_failed else 0)


if __name__ == "__main__":
    main()

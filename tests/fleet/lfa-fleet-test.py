#!/usr/bin/python3
#
# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
"""The Ansible modules and the rollout playbook of ansible/, run for real by
Debian's ansible-playbook against localhost, with the daemon of tests/daemon's
harness on a private bus and lfa-fake-kernel playing the kernel.

Part `modules` runs each module case as a task of a small playbook; part
`rollout` runs ansible/lfa-rollout.yml over up to three inventory hosts that
are all this machine (so each finds the work done by the first)."""

import argparse
import errno
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
# pylint: disable=wrong-import-position
from fwupd_harness import GUID_BL31, GUID_BL33, GUID_RMM, add_arguments, check, run  # noqa: E402

MODULE_FACTS = "fwupd_lfa.fleet.lfa_facts"
MODULE_ACTIVATE = "fwupd_lfa.fleet.lfa_activate"


class Ansible:
    """ansible-playbook as an operator runs it, with the only differences a
    test needs: hosts reached locally, no become (the test is root already,
    and there may be no sudo), and fwupdmgr of this build pointed at the
    harness's bus (DBUS_SYSTEM_BUS_ADDRESS) and fake tree (FWUPD_SYSFSDIR)."""

    def __init__(self, h, args):
        self.h = h
        self.args = args
        self.dir = os.path.join(h.tmp, "ansible")
        os.makedirs(self.dir)
        self.inventory = os.path.join(self.dir, "inventory.ini")
        with open(self.inventory, "w", encoding="utf-8") as f:
            f.write("[lfa]\n")
            for host in ("host-a", "host-b", "host-c"):
                # Debian's python3, as on the servers: no interpreter discovery
                f.write(f"{host} ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
        # the daemon's environment, as the module's on the target
        self.target_env = {k: h.env[k] for k in ("DBUS_SYSTEM_BUS_ADDRESS", "FWUPD_SYSFSDIR")}
        self.extra_vars = {
            "lfa_become": False,
            "lfa_fwupdmgr": args.fwupdmgr,
            "lfa_environment": self.target_env,
        }
        config = os.path.join(self.dir, "ansible.cfg")
        open(config, "w", encoding="utf-8").close()
        self.env = dict(os.environ)
        self.env.update({
            # nothing from the user's or the system's configuration
            "ANSIBLE_CONFIG": config,
            "ANSIBLE_HOME": os.path.join(self.dir, "home"),
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.dir, "tmp"),
            "ANSIBLE_REMOTE_TEMP": os.path.join(self.dir, "tmp"),
            # the playbook finds the collection next to itself; the
            # playbooks of this test are elsewhere
            "ANSIBLE_COLLECTIONS_PATH": os.path.join(args.srcdir, "ansible", "collections"),
            # every task's result, for the checks below
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            # as ansible/ansible.cfg has it
            "ANSIBLE_PIPELINING": "true",
            "ANSIBLE_NOCOLOR": "1",
        })
        self.runs = 0

    def playbook(self, playbook, *argv, extra=None):
        """Run a playbook; returns (exit code, the json callback's report)."""
        self.runs += 1
        extra_file = os.path.join(self.dir, f"extra-{self.runs}.json")
        with open(extra_file, "w", encoding="utf-8") as f:
            json.dump(dict(self.extra_vars, **(extra or {})), f)
        res = subprocess.run(
            [self.args.ansible_playbook, "-i", self.inventory, "-e", f"@{extra_file}", *argv, playbook],
            env=self.env, cwd=self.dir, capture_output=True, text=True, timeout=120, check=False,
        )
        log = os.path.join(self.args.log_dir, f"ansible-{self.runs}.json")
        with open(log, "w", encoding="utf-8") as f:
            f.write(res.stdout + res.stderr)
        try:
            report = json.loads(res.stdout)
        except ValueError:
            print(res.stdout + res.stderr)
            raise
        print(f"# ansible-playbook {' '.join([*argv, os.path.basename(playbook)])}: "
              f"exit {res.returncode}, report in {log}")
        return res.returncode, report

    def tasks(self, tasks, *argv):
        """Run TASKS ({name: ..., module: args, ...}) on host-a as one play;
        returns host-a's result of each task, by name."""
        play = [{"name": "fleet test", "hosts": "host-a", "gather_facts": False,
                 "environment": self.target_env, "tasks": tasks}]
        path = os.path.join(self.dir, f"play-{self.runs + 1}.yml")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(play, f)  # JSON is YAML
        _, report = self.playbook(path, *argv)
        results = {}
        for task in report["plays"][0]["tasks"]:
            results[task["task"]["name"]] = task["hosts"]["host-a"]
        return results

    def module(self, name, module, check_mode=False, diff=False, **args):
        """One task calling MODULE with ARGS, and fwupdmgr of this build; a
        failure does not end the play, as the failures are cases too."""
        return {"name": name, module: dict(args, fwupdmgr=self.args.fwupdmgr),
                "check_mode": check_mode, "diff": diff, "ignore_errors": True}


    def kernel(self, name, command=None):
        """A task that writes COMMAND to the fake kernel's control file, or
        reads its knobs and counters (in stdout_lines)."""
        control = os.path.join(self.h.root, "control")
        if command is None:
            argv = ["cat", control]
        else:
            # not copy or lineinfile: they replace the file, the fake kernel
            # wants a write to it
            argv = ["sh", "-c", 'echo "$1" > "$2"', "sh", command, control]
        return {"name": name, "ansible.builtin.command": {"argv": argv}}


def image(images, guid):
    return next(i for i in images if i["guid"] == guid)


def test_modules(h, ans):
    """Every module case as a task of one playbook run (each run costs
    seconds); the fake kernel's knobs and counters are set and read by tasks
    in between."""
    cab = h.make_cab("bl31-1.4.cab", "1.4")
    res = ans.tasks([
        # nothing changes here: facts, check mode, a refused expectation
        ans.module("facts", MODULE_FACTS),
        ans.module("check all", MODULE_ACTIVATE, all_pending=True, check_mode=True, diff=True),
        ans.module("check one", MODULE_ACTIVATE, guid=GUID_BL31, check_mode=True),
        ans.module("wrong version", MODULE_ACTIVATE, guid=GUID_BL31, expected_version="1.4"),
        ans.kernel("counters after checks"),
        # one activation, then the same task again
        ans.module("activate", MODULE_ACTIVATE, guid=GUID_BL31, expected_version="1.3", diff=True),
        ans.module("again", MODULE_ACTIVATE, guid=GUID_BL31, expected_version="1.3"),
        # the kernel refuses
        ans.kernel("refuse", f"activate_errno={errno.ECANCELED}"),
        ans.module("refused", MODULE_ACTIVATE, guid=GUID_BL33),
        ans.kernel("accept", "activate_errno=0"),
        ans.module("facts after refusal", MODULE_FACTS),
        # every pending image; then a cabinet
        ans.module("all", MODULE_ACTIVATE, all_pending=True),
        ans.module("cabinet, wrong version", MODULE_ACTIVATE, cabinet=cab, expected_version="1.5"),
        ans.module("cabinet, check", MODULE_ACTIVATE, cabinet=cab, check_mode=True),
        ans.module("cabinet", MODULE_ACTIVATE, cabinet=cab, expected_version="1.4"),
        ans.module("cabinet again", MODULE_ACTIVATE, cabinet=cab, expected_version="1.4"),
    ])

    facts = res["facts"]
    images = facts["ansible_facts"]["lfa_images"]
    check(not facts.get("failed") and not facts["changed"], "facts: no change")
    check("ready" in facts["ansible_facts"]["lfa_plugin"], "facts: fwupd's lfa plugin is ready")
    check(len(images) == 4, "facts: every image fwupd lists")
    bl31 = image(images, GUID_BL31)
    check((bl31["name"], bl31["version"], bl31["pending"], bl31["pending_version"], bl31["needs_activation"])
          == ("TF-A BL31 Runtime Firmware", "1.2", True, "1.3", True),
          "facts: BL31 runs 1.2, 1.3 is pending and can be activated live")
    rmm = image(images, GUID_RMM)
    check(rmm["pending"] and rmm["pending_version"] == "0.9" and not rmm["needs_activation"]
          and "reset CPUs" in rmm["update_error"], "facts: TF-RMM is pending a reboot, and says why")
    check(image(images, GUID_BL33)["pending_version"] == "2.1", "facts: BL33 staged out of band is pending")

    checked = res["check all"]
    check(checked["changed"] and not checked.get("failed"), "check mode: reports a change")
    check(sorted((i["guid"], i["version_before"], i["version_after"]) for i in checked["images"])
          == sorted([(GUID_BL31, "1.2", "1.3"), (GUID_BL33, "2.0", "2.1")]),
          "check mode: BL31 and BL33 would be activated, with their versions")
    check([i["guid"] for i in checked["left_pending"]] == [GUID_RMM], "check mode: TF-RMM is left to a reboot")
    check("1.3 pending" in checked["diff"]["before"] and "1.3 pending" not in checked["diff"]["after"],
          "check mode: the diff shows what would change")
    check(res["check one"]["changed"] and res["check one"]["msg"].startswith("would activate"),
          "check mode: one image, would activate")

    wrong = res["wrong version"]
    check(wrong.get("failed") and not wrong["changed"], "expected version: a mismatch fails")
    check("refusing" in wrong["msg"] and GUID_BL31 in wrong["msg"] and "1.3 pending" in wrong["msg"]
          and "1.4" in wrong["msg"], "expected version: the message names the image, both versions")
    check("activate_count=0" in res["counters after checks"]["stdout_lines"],
          "check mode and a refused expectation activate nothing")

    done = res["activate"]
    check(done["changed"] and not done.get("failed"), "activate: changed")
    check((done["images"][0]["version_before"], done["images"][0]["version_after"]) == ("1.2", "1.3"),
          "activate: reports 1.2 before and 1.3 after")
    check(done["diff"]["after"].strip().endswith(": 1.3"), "activate: the diff shows 1.3 running")
    again = res["again"]
    check(not again["changed"] and not again.get("failed") and again["msg"].startswith("nothing to do"),
          "a second run: nothing to do, no change")

    refused = res["refused"]
    print("# " + refused["msg"])
    check(refused.get("failed") and not refused["changed"], "refused: the task fails")
    check("BL33" in refused["msg"] and GUID_BL33 in refused["msg"] and "runs 2.0 with 2.1 still pending"
          in refused["msg"] and "failed to activate the image" in refused["msg"],
          "refused: the message names the image, the versions and the reason")
    bl33 = image(res["facts after refusal"]["ansible_facts"]["lfa_images"], GUID_BL33)
    check(bl33["version"] == "2.0" and bl33["pending"], "refused: BL33 still runs 2.0, 2.1 pending")

    done = res["all"]
    check(done["changed"] and [(i["guid"], i["version_after"]) for i in done["images"]] == [(GUID_BL33, "2.1")],
          "all pending: BL33 activated, 2.1 runs")
    check([i["guid"] for i in done["left_pending"]] == [GUID_RMM], "all pending: TF-RMM left to a reboot")
    check(res["cabinet, wrong version"].get("failed")
          and "carries version 1.4" in res["cabinet, wrong version"]["msg"],
          "cabinet: a version other than the expected one is refused")
    check(res["cabinet, check"]["changed"] and res["cabinet, check"]["images"][0]["installed"],
          "cabinet: check mode would install")
    done = res["cabinet"]
    check(done["changed"] and done["images"][0]["installed"] and done["images"][0]["version_after"] == "1.4",
          "cabinet: installed, and 1.4 runs")
    check(not res["cabinet again"]["changed"] and not res["cabinet again"].get("failed"),
          "cabinet: a second run changes nothing")

    # what the kernel saw of it all
    check(h.image_get(GUID_BL31, "current_version") == "1.4" and h.image_get(GUID_BL33, "current_version") == "2.1",
          "the kernel runs BL31 1.4 and BL33 2.1")
    check(h.kernel_value("activate_count") == "4" and h.kernel_value("upload_count") == "1",
          "four writes to activate (BL31, BL33 refused, BL33, the cabinet's BL31), one upload")


def rollout_outcomes(report):
    """The summary, or else where the rollout stopped: {host: outcome}."""
    for play in reversed(report["plays"]):
        for task in reversed(play["tasks"]):
            if task["task"]["name"] in ("Show what was done on each host", "Show where the rollout stops"):
                return next(iter(task["hosts"].values()))["msg"]
    return {}


def activation(report, host):
    """HOST's result of the activation task, or None if it never got there."""
    for play in report["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == "Activate the image" and host in task["hosts"]:
                return task["hosts"][host]
    return None


def test_rollout(h, ans):
    """The life of a rollout: a dry run, a refusal before anything starts, a
    failure that stops it, the resumed run, a failure in a batch of two, a
    run with nothing left to do, and a cabinet.  Each run, and each host in
    it, costs seconds: no more hosts than a case needs."""
    playbook = os.path.join(ans.args.srcdir, "ansible", "lfa-rollout.yml")
    bl31 = {"lfa_guid": GUID_BL31, "lfa_version": "1.3"}

    rc, report = ans.playbook(playbook, "--check", "--limit", "host-a", extra=bl31)
    check(rc == 0 and h.kernel_value("activate_count") == "0", "rollout --check: activates nothing")
    check(rollout_outcomes(report)["host-a"].startswith("would activate"),
          "rollout --check: the summary says what would be done")

    # a host whose image is not as expected stops the rollout before it starts
    rc, report = ans.playbook(playbook, extra=dict(bl31, lfa_version="1.4"))
    check(rc != 0 and all(activation(report, host) is None for host in ("host-a", "host-b", "host-c")),
          "pre-check: a version that is not staged stops the rollout before any activation")

    # the kernel refuses on the first host: the rollout stops there
    h.control(f"activate_errno={errno.ECANCELED}")
    rc, report = ans.playbook(playbook, "--limit", "host-a:host-b", extra=bl31)
    h.control("activate_errno=0")
    outcomes = rollout_outcomes(report)
    print("".join(f"# {k}: {v}\n" for k, v in outcomes.items()), end="")
    check(rc != 0 and activation(report, "host-a").get("failed"), "failure: host-a fails")
    check(activation(report, "host-b") is None and outcomes["host-b"] == "not started",
          "failure: host-b is never started")
    check(GUID_BL31 in outcomes["host-a"] and "failed to activate" in outcomes["host-a"],
          "failure: the summary says why")
    check(h.image_get(GUID_BL31, "current_version") == "1.2", "failure: BL31 still runs 1.2")

    # the same command again, once the cause is gone
    marker = os.path.join(ans.dir, "healthy-")
    rc, report = ans.playbook(playbook, "--limit", "host-a:host-b",
                              extra=dict(bl31, lfa_health_check=f"touch {marker}{{{{ inventory_hostname }}}}"))
    outcomes = rollout_outcomes(report)
    print("".join(f"# {k}: {v}\n" for k, v in outcomes.items()), end="")
    check(rc == 0, "resume: the rollout succeeds")
    check(report["stats"]["host-a"]["changed"] == 1 and report["stats"]["host-b"]["changed"] == 0,
          "resume: host-a activates, host-b (the same machine) finds it done")
    check(outcomes["host-a"].startswith("activated TF-A BL31 Runtime Firmware")
          and outcomes["host-a"].endswith("checks passed"), "resume: the summary says what was done")
    check(all(os.path.exists(marker + host) for host in ("host-a", "host-b")),
          "resume: the health check ran on each host")
    check(h.image_get(GUID_BL31, "current_version") == "1.3", "resume: BL31 runs 1.3")

    # batches of two of the three hosts; one host of the first batch fails
    # its health check: the other finishes, the second batch never starts
    rc, report = ans.playbook(playbook, extra=dict(bl31, lfa_serial="67%",
                                                   lfa_health_check="test {{ inventory_hostname }} != host-a"))
    outcomes = rollout_outcomes(report)
    print("".join(f"# {k}: {v}\n" for k, v in outcomes.items()), end="")
    check(rc != 0 and outcomes["host-a"].startswith("FAILED in 'Run the health check'")
          and outcomes["host-a"].endswith("(test host-a != host-a: exit code 1)"),
          "health check: host-a fails it, and the summary shows the command")
    check(outcomes["host-b"].endswith("checks passed"), "health check: host-b, in the same batch, passes")
    check(activation(report, "host-c") is None and outcomes["host-c"] == "not started",
          "health check: the next batch (host-c) never starts")

    rc, report = ans.playbook(playbook, "--limit", "host-a", extra=bl31)
    check(rc == 0 and report["stats"]["host-a"]["changed"] == 0, "a second run: no change")

    # a cabinet, copied to the host, installed and activated
    cab = h.make_cab("bl31-1.4.cab", "1.4")
    rc, report = ans.playbook(playbook, "--limit", "host-a",
                              extra={"lfa_guid": GUID_BL31, "lfa_version": "1.4", "lfa_cabinet": cab,
                                     "lfa_cabinet_dir": os.path.join(ans.dir, "cabinets")})
    check(rc == 0 and activation(report, "host-a")["images"][0]["installed"]
          and h.image_get(GUID_BL31, "current_version") == "1.4", "cabinet: installed and activated")


def main():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    parser.add_argument("--ansible-playbook", required=True)
    parser.add_argument("part", choices=["modules", "rollout"])
    args = parser.parse_args()

    def body(h):
        h.load_inventory()
        h.make_dmi()
        # a second image to activate, staged by the platform (a BMC)
        h.stage_out_of_band(GUID_BL33, "2.1")
        h.start()
        ans = Ansible(h, args)
        if args.part == "modules":
            test_modules(h, ans)
        else:
            test_rollout(h, ans)

    return run(args, f"lfa-fleet-{args.part}-", body)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
#
# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
"""The three LFA drivers in the field, as fwupd's udev backend sees them.

The daemon runs in a umockdev testbed: its /sys is the testbed's, and the
uevents the test sends reach it through its own netlink socket and fwupd's
udev backend, as a kernel's would (through udevd), not through a call into
the plugin.  One daemon per driver shape:

  lfa_fw       the platform device bound to arm-lfa; KOBJ_CHANGE with
               LFA_INVENTORY=settled after every inventory change
  nvidia       the SMCCC bus device (modalias arm_smccc:arm-smccc-lfa);
               KOBJ_CHANGE after every refresh, without properties
  upstream-v3  the same SMCCC device and no uevent at all: the plugin's
               once-a-minute rescan must notice a newly staged image

In each, the platform stages an update behind fwupd's back (as a BMC does)
and the daemon must show the image as needing activation; uevents of
unrelated platform and SMCCC devices must not make the plugin rescan."""

import argparse
import os
import sys
import time

import gi

gi.require_version("UMockdev", "1.0")
# pylint: disable=wrong-import-position
from gi.repository import UMockdev  # noqa: E402

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fwupd_harness import GUID_BL33, add_arguments, check, flags, run, testbed_device  # noqa: E402

PRELOAD = "libumockdev-preload.so.0"
SMCCC_MODALIAS = "arm_smccc:arm-smccc-lfa"
# the plugin's rescan interval where the kernel announces nothing
# (FU_LFA_PLUGIN_POLL_MS), and how long past it a rescan may take
POLL_S = 60
SLACK_S = 15

# what the plugin logs (fwupd --verbose) on a kernel event, and when it
# starts and stops rescanning on its own
LOG_EVENT = "LFA inventory changed, rescanning"
LOG_POLL = "no LFA inventory events, rescanning every"
LOG_NO_POLL = "LFA inventory events available, no longer polling"
# what fwupd's engine logs for every change uevent its udev backend passes on
LOG_CHANGED = "udev changed"


def platform_device(tb, name, driver):
    return testbed_device(tb, "platform", f"devices/platform/{name}", driver, f"platform:{name}")


def smccc_device(tb, name, modalias):
    return testbed_device(tb, "arm_smccc", f"devices/arm_smccc/{name}", "lfa", modalias)


def make_inventory(h):
    h.make_dmi()
    h.add_image(GUID_BL33, "1.0", name="BL33 non-secure payload")


def log_count(h, text):
    with open(h.daemon_log, encoding="utf-8", errors="replace") as f:
        return f.read().count(text)


def staged_is_noticed(h, tb, dev, timeout, what):
    """The platform stages an update behind fwupd's back, the kernel sends a
    change uevent on DEV (none if None): the daemon must show the image as
    needing activation within TIMEOUT seconds."""
    h.stage_out_of_band(GUID_BL33, "1.1")
    if dev is not None:
        tb.uevent(dev, "change")
    start = time.monotonic()
    while "needs-activation" not in flags(h.device(GUID_BL33)):
        if time.monotonic() - start > timeout:
            check(False, what)
        time.sleep(0.25)
    check(True, what)
    print(f"# noticed after {time.monotonic() - start:.2f} s")


def noise(h, tb, devices, reach_plugin, count=50):
    """uevents of devices that are not the LFA driver's: no rescan.  Those of
    the SMCCC bus reach the plugin (it claims the subsystem); fwupd drops those
    of platform devices that no plugin claims before any plugin sees them."""
    events, rescans = log_count(h, LOG_CHANGED), log_count(h, LOG_EVENT)
    for _ in range(count):
        for dev in devices:
            tb.uevent(dev, "change")
            # umockdev sends on a datagram socket, whose queue is short
            # (net.unix.max_dgram_qlen); the kernel's netlink queue is not
            time.sleep(0.01)
    # the daemon handles its netlink socket in order: a D-Bus request after
    # a pause returns after the noise was read
    time.sleep(1)
    h.device(GUID_BL33)
    if reach_plugin:
        check(log_count(h, LOG_CHANGED) - events == count * len(devices),
              f"fwupd passed {count * len(devices)} uevents of other SMCCC devices to the plugins")
    check(log_count(h, LOG_EVENT) == rescans,
          f"{count * len(devices)} uevents of unrelated devices: no rescan")


def start(h, tb):
    # the plugin's debug messages say when it rescans
    h.start(preload=[PRELOAD], env={"UMOCKDEV_DIR": tb.get_root_dir()}, debug=["FuPluginLfa", "FuEngine"])
    dev = h.device(GUID_BL33)
    check("needs-activation" not in flags(dev), "nothing pending at start")


def case_lfa_fw(h, tb):
    dev = platform_device(tb, "arm-lfa", "arm-lfa")
    other = platform_device(tb, "serial8250", "serial8250")
    make_inventory(h)
    start(h, tb)
    check(log_count(h, LOG_POLL) == 0, "lfa_fw announces changes: no rescan timer")
    noise(h, tb, [other], reach_plugin=False)
    tb.set_property(dev, "LFA_INVENTORY", "settled")
    staged_is_noticed(h, tb, dev, 10, "settled uevent of arm-lfa: the staged image needs activation")


def case_nvidia(h, tb):
    dev = smccc_device(tb, "arm-smccc-lfa", SMCCC_MODALIAS)
    other = smccc_device(tb, "arm-smccc-trng", "arm_smccc:arm-smccc-trng")
    unrelated = platform_device(tb, "serial8250", "serial8250")
    make_inventory(h)
    start(h, tb)
    # before its first event the SMCCC driver cannot be told from upstream v3
    check(log_count(h, LOG_POLL) == 1, "no event seen yet: the rescan timer is armed")
    noise(h, tb, [other], reach_plugin=True)
    noise(h, tb, [unrelated], reach_plugin=False)
    staged_is_noticed(h, tb, dev, 10,
                      "change uevent of the SMCCC device: the staged image needs activation")
    check(log_count(h, LOG_NO_POLL) == 1, "after the SMCCC device's event the timer is gone")


def case_upstream_v3(h, tb):
    smccc_device(tb, "arm-smccc-lfa", SMCCC_MODALIAS)
    other = smccc_device(tb, "arm-smccc-trng", "arm_smccc:arm-smccc-trng")
    make_inventory(h)
    start(h, tb)
    check(log_count(h, LOG_POLL) == 1, "no event source: the rescan timer is armed")
    noise(h, tb, [other], reach_plugin=True)
    staged_is_noticed(h, tb, None, POLL_S + SLACK_S,
                      f"no uevent: the staged image needs activation within {POLL_S} s")
    check(log_count(h, LOG_EVENT) == 0, "noticed by the timer, not by an event")


CASES = {"lfa_fw": case_lfa_fw, "nvidia": case_nvidia, "upstream-v3": case_upstream_v3}


def main():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    args = parser.parse_args()
    status = 0
    for name in args.case or CASES:
        print(f"# driver shape: {name}")
        tb = UMockdev.Testbed.new()
        status |= run(args, f"lfa-uevent-{name}-",
                      lambda h, name=name, tb=tb: CASES[name](h, tb), root=tb.get_sys_dir())
        del tb
    return status


if __name__ == "__main__":
    sys.exit(main())

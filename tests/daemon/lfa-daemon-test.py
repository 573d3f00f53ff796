#!/usr/bin/python3
#
# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
"""The fwupd daemon with the LFA plugin on a private system bus, driven by
fwupdmgr against a fake sysfs tree whose kernel side is played by
lfa-fake-kernel (plugins/lfa/fu-lfa-fake-kernel.c)."""

import argparse
import errno
import os
import shutil
import subprocess
import sys

# the harness is a module next to this script; do not litter the source tree
# with its bytecode
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from fwupd_harness import GUID_BL31, GUID_BL33, GUID_RMM, Failure, add_arguments, check, flags, run  # noqa: E402


# the plugin self-test's inventory plus DMI for a vendor ID
def make_tree(h):
    h.load_inventory()
    h.make_dmi()
    # BL31 starts with nothing pending, so that it can be installed
    h.image_set(GUID_BL31, "activation_pending", "0")
    h.image_set(GUID_BL31, "pending_version", "N/A")


def test_get_devices(h):
    devs = h.devices()
    check(set(devs) >= {GUID_BL31, GUID_BL33, GUID_RMM}, "get-devices lists every LFA image")
    bl31 = devs[GUID_BL31]
    check(bl31["Name"] == "TF-A BL31 Runtime Firmware", "BL31 has the quirk name")
    check(bl31["Version"] == "1.2", "BL31 version is current_version")
    check("updatable" in flags(bl31), "BL31 with an upload device is updatable")
    check("com.arm.lfa" in bl31.get("Protocols", []), "BL31 has protocol com.arm.lfa")
    check("needs-reboot" not in flags(bl31), "no reboot requested")
    bl33 = devs[GUID_BL33]
    check("updatable" not in flags(bl33), "BL33 without an upload device is not updatable")
    check("fwupdmgr activate" in bl33.get("UpdateError", ""), "BL33 says how it is updated")
    rmm = devs[GUID_RMM]
    check("needs-activation" not in flags(rmm), "TF-RMM that may reset CPUs is not offered")
    check("reset CPUs" in rmm.get("UpdateError", ""), "TF-RMM says why")
    text = h.fwupdmgr(["get-devices"]).stdout
    check("Version 0.9 is staged and pending a reboot" in text, "human output shows the pending version")


def test_activate_staged_out_of_band(h):
    # the platform stages BL33 behind fwupd's back; the daemon sees it on the next read
    h.stage_out_of_band(GUID_BL33, "2.1")
    h.stop()
    h.start()
    bl33 = h.device(GUID_BL33)
    check("needs-activation" in flags(bl33), "BL33 staged out of band needs activation")
    check("Version 2.1 is staged" in bl33.get("Summary", ""), "summary shows the pending version")

    h.control("activate_errno=%d\n" % errno.EBUSY)
    res = h.fwupdmgr(["activate", bl33["DeviceId"]], check_rc=False)
    out = res.stdout + res.stderr
    check(res.returncode != 0, "activate fails when the kernel says EBUSY")
    check("another activation is running" in out and GUID_BL33 in out, "EBUSY error names the image and says what to do")
    check(h.image_get(GUID_BL33, "current_version") == "2.0", "nothing changed after EBUSY")
    h.control("reset")

    h.fwupdmgr(["activate", bl33["DeviceId"]])
    bl33 = h.device(GUID_BL33)
    check(bl33["Version"] == "2.1", "activate: BL33 runs the pending version")
    check("needs-activation" not in flags(bl33), "activate: BL33 no longer needs activation")
    check(h.image_get(GUID_BL33, "activation_pending") == "0", "the fake kernel saw the activation")


def test_install(h):
    cab = h.make_cab("bl31-1.5.cab", "1.5")
    res = h.fwupdmgr(["install", cab, "--allow-reinstall"])
    bl31 = h.device(GUID_BL31)
    check(bl31["Version"] == "1.5", "install: BL31 runs 1.5 without a reboot")
    check("needs-activation" not in flags(bl31), "install: activated live")
    check("needs-reboot" not in flags(bl31) and "reboot" not in res.stdout.lower(), "install: no reboot requested")
    with open(os.path.join(h.root, "class", "firmware", f"lfa-{GUID_BL31}", "data"), "rb") as f:
        data = f.read()
    subprocess.run(
        [sys.executable, h.args.make_cab, "--guid", GUID_BL31, "--version", "1.5", "--image-only",
         "-o", os.path.join(h.tmp, "expected.bin")],
        check=True,
    )
    with open(os.path.join(h.tmp, "expected.bin"), "rb") as f:
        check(data == f.read(), "install: the payload reached the upload device unchanged")

    cab = h.make_cab("bl31-1.6-badcrc.cab", "1.6", "--corrupt-crc")
    res = h.fwupdmgr(["install", cab], check_rc=False)
    out = res.stdout + res.stderr
    check(res.returncode != 0, "install of an image with a bad CRC fails")
    check("failed authentication" in out and GUID_BL31 in out, "bad CRC: clear error naming the image")
    bl31 = h.device(GUID_BL31)
    check(bl31["Version"] == "1.5" and "needs-activation" not in flags(bl31), "bad CRC: old version keeps running")

    cab = h.make_cab("bl31-1.7-wrongguid.cab", "1.7", "--header-guid", GUID_BL33)
    res = h.fwupdmgr(["install", cab], check_rc=False)
    out = res.stdout + res.stderr
    check(res.returncode != 0, "install of an image for another component fails")
    check("rejected the image as invalid" in out, "upload error is turned into a clear error")
    check(h.device(GUID_BL31)["Version"] == "1.5", "upload error: version unchanged")


def test_platform(h):
    """Image GUIDs are the same on every TF-A platform: a cabinet must name this
    platform to be offered, and nothing is staged for one that does not."""
    bl31 = h.device(GUID_BL31)
    check(GUID_BL31 not in bl31.get("Guid", []), "the bare image GUID is not a firmware GUID")
    instance = f"LFA\\VENDOR_Example&PRODUCT_Arm-Server&GUID_{GUID_BL31}"
    check(instance in bl31.get("InstanceIds", []), "the image is qualified by the platform")
    before = h.image_get(GUID_BL31, "current_version")
    for name, target in (
        ("other platform", ["--platform", "Example", "Other Server"]),
        ("bare image GUID", ["--provides", GUID_BL31]),
    ):
        cab = h.make_cab("bl31-other.cab", "1.7", target=target)
        res = h.fwupdmgr(["install", cab], check_rc=False)
        out = res.stdout + res.stderr
        print(f"# {name}: {out.strip().splitlines()[-1]}")
        check(res.returncode != 0, f"{name}: the cabinet is refused")
        check("No supported devices found" in out, f"{name}: fwupd says no device here takes it")
        check(h.image_get(GUID_BL31, "current_version") == before
              and h.image_get(GUID_BL31, "activation_pending") == "0",
              f"{name}: nothing staged, nothing activated")

    # a vendor may restrict further to hardware IDs: a CHID this machine lacks
    cab = h.make_cab("bl31-chid.cab", "1.7", "--requires-chid", "00000000-0000-5000-8000-000000000001")
    res = h.fwupdmgr(["install", cab], check_rc=False)
    out = res.stdout + res.stderr
    print(f"# CHID: {out.strip().splitlines()[-1]}")
    check(res.returncode != 0 and "00000000-0000-5000-8000-000000000001" in out,
          "a cabinet requiring a CHID this machine lacks is refused, naming the CHID")
    check(h.image_get(GUID_BL31, "current_version") == before, "CHID: nothing staged")

    # ...and one that it has, as fwupdtool computes it from the same tables
    # the daemon reads: the same release installs (the running one again, so
    # that the later tests start from the same version)
    chid = machine_chid(h, "Manufacturer + ProductName")
    cab = h.make_cab("bl31-own-chid.cab", before, "--requires-chid", chid)
    data = os.path.join(h.root, "class", "firmware", f"lfa-{GUID_BL31}", "data")
    open(data, "wb").close()
    res = h.fwupdmgr(["install", cab, "--allow-reinstall"], check_rc=False)
    print(f"# own CHID {chid}: {(res.stdout + res.stderr).strip().splitlines()[-1]}")
    check(res.returncode == 0, "a cabinet requiring one of this machine's CHIDs installs")
    check(os.path.getsize(data) > 0 and h.device(GUID_BL31)["Version"] == before
          and h.image_get(GUID_BL31, "activation_pending") == "0",
          "own CHID: the payload was uploaded and activated live")


def machine_chid(h, keys):
    """The CHID fwupdtool lists for these HWID keys, e.g. "Manufacturer + ProductName"."""
    res = subprocess.run([h.args.fwupdtool, "hwids", "--no-timestamp"], env=h.env,
                         capture_output=True, text=True, timeout=60, check=True)
    for line in res.stdout.splitlines():
        guid, _, src = line.partition("<-")
        if src.strip() == keys:
            return guid.strip().strip("{}")
    raise Failure(f"fwupdtool hwids lists no CHID for {keys}:\n{res.stdout}")


def test_directory_remote(h):
    """A client that downloads a release before installing it, as GNOME
    Software does, installs from a directory remote (file:// locations)."""
    h.stop()
    fw = h.add_directory_remote("lfa-directory", "LFA cabinets")
    shutil.copy(h.make_cab("bl31-1.6.cab", "1.6"), fw)
    h.start()
    bl31 = h.device(GUID_BL31)
    res = subprocess.run(
        [sys.executable, os.path.join(os.path.dirname(__file__), "lfa-download-install.py"),
         "--libfwupd", h.args.libfwupd, "--device-id", bl31["DeviceId"]],
        env=h.env, capture_output=True, text=True, timeout=120, check=False,
    )
    print("".join(f"# {line}\n" for line in (res.stdout + res.stderr).splitlines()[-4:]), end="")
    check(res.returncode == 0 and "file://" in res.stdout,
          "directory remote: downloaded from its file:// location and installed through libfwupd")
    bl31 = h.device(GUID_BL31)
    check(bl31.get("Version") == "1.6" and "needs-activation" not in flags(bl31),
          "directory remote: 1.6 runs, activated live")


def test_deferred(h):
    h.stop()
    h.start(policy="deferred")
    cab = h.make_cab("bl31-1.8.cab", "1.8")
    h.fwupdmgr(["install", cab])
    bl31 = h.device(GUID_BL31)
    check(bl31["Version"] == "1.6", "deferred: still running 1.6 after install")
    check("needs-activation" in flags(bl31), "deferred: image needs activation")
    h.fwupdmgr(["activate", bl31["DeviceId"]])
    bl31 = h.device(GUID_BL31)
    check(bl31["Version"] == "1.8" and "needs-activation" not in flags(bl31), "deferred: activate runs 1.8")


def test_fwupdtool_activate(h):
    # fwupdtool must not share the daemon's state: stop the daemon first
    h.stop()
    h.stage_out_of_band(GUID_BL33, "2.2")
    res = subprocess.run(
        [h.args.fwupdtool, "activate", "--plugins", "lfa"],
        env=h.env, capture_output=True, text=True, timeout=60, check=False,
    )
    print(res.stdout + res.stderr)
    check(res.returncode == 0, "fwupdtool activate --plugins lfa activates an image staged outside fwupd")
    check(h.image_get(GUID_BL33, "current_version") == "2.2", "fwupdtool: BL33 runs 2.2")


def test_tfa_versions(h):
    # TF-A's LFA service reports no versions: every driver shows 0.0
    h.image_set(GUID_BL31, "current_version", "0.0")
    h.control("versions=none\n")
    h.start()
    bl31 = h.device(GUID_BL31)
    check("Version" not in bl31, "TF-A: no invented version is shown")
    check("does not report its version" in bl31.get("Summary", ""), "TF-A: the summary says why")
    check("updatable" in flags(bl31), "TF-A: still updatable")

    cab = h.make_cab("bl31-1.9.cab", "1.9")
    h.fwupdmgr(["install", cab])
    bl31 = h.device(GUID_BL31)
    check(h.image_get(GUID_BL31, "current_version") == "0.0", "TF-A: the kernel still says 0.0")
    check(bl31.get("Version") == "1.9", "TF-A: fwupd shows the version it activated")
    check("needs-activation" not in flags(bl31), "TF-A: activated live")
    check("fwupd activated in this boot" in bl31.get("Summary", ""), "TF-A: the summary names the source")

    # no endless update: the same release is now already installed
    res = h.fwupdmgr(["install", cab], check_rc=False)
    check(res.returncode != 0 and "already installed" in res.stdout + res.stderr,
          "TF-A: installing 1.9 again is refused as the same version")

    h.stop()
    h.start()
    check(h.device(GUID_BL31).get("Version") == "1.9", "TF-A: the version survives a daemon restart")
    h.control("reset")


def test_smbios_version(h):
    """An image TF-A reports no version for, whose version the platform
    publishes in its SMBIOS firmware inventory (type 45): the one it booted."""
    guid = "2c8a9f4e-7b31-4d6a-9e05-c1f0a3b7d218"
    h.stop()
    h.add_image(guid, "0.0", name="secure partition")
    h.control(f"dmi-firmware-inventory {guid} 1.4")
    h.start()
    dev = h.device(guid)
    check(dev.get("Version") == "1.4", "SMBIOS: the version the platform booted is shown")
    check("SMBIOS firmware inventory" in dev.get("Summary", ""), "SMBIOS: the summary names the source")


def main():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args()

    def body(h):
        make_tree(h)
        h.start()
        test_get_devices(h)
        test_activate_staged_out_of_band(h)
        test_install(h)
        test_platform(h)
        test_directory_remote(h)
        test_deferred(h)
        test_fwupdtool_activate(h)
        test_tfa_versions(h)
        test_smbios_version(h)

    return run(args, "lfa-daemon-", body)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
#
# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
"""The fwupd daemon with the LFA plugin on a private system bus, driven by
fwupdmgr against a fake sysfs tree whose kernel side is played by an
LD_PRELOAD shim (lfa-fake-kernel.c)."""

import argparse
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

GUID_BL31 = "47d4086d-4cfe-9846-9b95-2950cbbd5a00"
GUID_BL33 = "d6d0eea7-fcea-d54b-9782-9934f234b6e4"
GUID_RMM = "6c0762a6-12f2-4b56-92cb-ba8f633606d9"

DBUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
"""

FWUPD_CONF = """[fwupd]
# test cabinets from data/make-cab are not signed
OnlyTrusted=false
DisabledPlugins=test;test_ble;invalid
[lfa]
ActivationPolicy={policy}
"""


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)
    print(f"ok - {what}")


class Harness:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.root = os.path.join(tmp, "sys")
        self.env = None
        self.dbus = None
        self.daemon = None
        self.daemon_log = os.path.join(args.log_dir, "fwupd-daemon.log")
        self.dbus_log = os.path.join(args.log_dir, "dbus-daemon.log")

    # the fake tree: the plugin's checked-in tree plus DMI for a vendor ID
    def make_tree(self):
        shutil.copytree(os.path.join(self.args.srcdir, "plugins", "lfa", "tests", "sys"), self.root)
        dmi = os.path.join(self.root, "class", "dmi", "id")
        os.makedirs(dmi)
        for key, value in {
            "bios_vendor": "Example Arm Firmware",
            "bios_version": "1.0",
            "sys_vendor": "Example",
            "product_name": "Arm Server",
            "chassis_type": "23",
        }.items():
            with open(os.path.join(dmi, key), "w", encoding="utf-8") as f:
                f.write(value + "\n")
        # BL31 starts with nothing pending, so that it can be installed
        self.image_set(GUID_BL31, "activation_pending", "0")
        self.image_set(GUID_BL31, "pending_version", "N/A")

    def image_dir(self, guid):
        return os.path.join(self.root, "firmware", "lfa", guid)

    def image_get(self, guid, attr):
        with open(os.path.join(self.image_dir(guid), attr), encoding="utf-8") as f:
            return f.read().strip()

    def image_set(self, guid, attr, value):
        with open(os.path.join(self.image_dir(guid), attr), "w", encoding="utf-8") as f:
            f.write(value + "\n")

    def control(self, text):
        with open(os.path.join(self.root, "control"), "w", encoding="utf-8") as f:
            f.write(text)

    def start(self, policy="immediate"):
        sock = os.path.join(self.tmp, "system_bus_socket")
        conf = os.path.join(self.tmp, "dbus.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(DBUS_CONFIG.format(socket=sock))
        etc = os.path.join(self.tmp, "etc")
        os.makedirs(os.path.join(etc, "fwupd"), exist_ok=True)
        with open(os.path.join(etc, "fwupd", "fwupd.conf"), "w", encoding="utf-8") as f:
            f.write(FWUPD_CONF.format(policy=policy))
        os.chmod(os.path.join(etc, "fwupd", "fwupd.conf"), 0o640)
        for d in ("var", "cache", "state"):
            os.makedirs(os.path.join(self.tmp, d), exist_ok=True)

        self.env = dict(os.environ)
        self.env.update(
            {
                "DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={sock}",
                "FWUPD_SYSFSDIR": self.root,
                "FWUPD_SYSCONFDIR": etc,
                "FWUPD_LOCALSTATEDIR": os.path.join(self.tmp, "var"),
                "CACHE_DIRECTORY": os.path.join(self.tmp, "cache"),
                "STATE_DIRECTORY": os.path.join(self.tmp, "state"),
                "FWUPD_DATADIR_QUIRKS": os.path.join(self.args.srcdir, "plugins", "lfa"),
                "LANG": "C.UTF-8",
                "NO_COLOR": "1",
            }
        )
        self.env.pop("FWUPD_SYSFSFWDIR", None)
        self.dbus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={conf}", "--nofork", "--nopidfile"],
            stdout=open(self.dbus_log, "w", encoding="utf-8"),
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        check(os.path.exists(sock), "private system bus is up")

        daemon_env = dict(self.env)
        daemon_env["LD_PRELOAD"] = self.args.shim
        daemon_env["LFA_FAKE_ROOT"] = self.root
        self.daemon = subprocess.Popen(
            [self.args.fwupd, "--verbose"],
            env=daemon_env,
            stdout=open(self.daemon_log, "a", encoding="utf-8"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                raise Failure(f"daemon exited with {self.daemon.returncode}")
            res = self.fwupdmgr(["get-devices", "--json"], check_rc=False)
            if res.returncode == 0:
                break
            time.sleep(0.2)
        check(self.daemon.poll() is None, f"fwupd daemon started (policy {policy})")

    def stop(self):
        for proc in (self.daemon, self.dbus):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.daemon = None
        self.dbus = None

    def fwupdmgr(self, argv, check_rc=True):
        cmd = [
            self.args.fwupdmgr,
            *argv,
            "--no-unreported-check",
            "--no-metadata-check",
            "--no-remote-check",
            "--no-reboot-check",
            "--no-safety-check",
        ]
        res = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=60, check=False)
        if check_rc and res.returncode != 0:
            raise Failure(f"{' '.join(argv)} failed ({res.returncode}): {res.stdout}{res.stderr}")
        return res

    def devices(self):
        res = self.fwupdmgr(["get-devices", "--json"])
        data = json.loads(res.stdout)
        return {d["Guid"][0]: d for d in data["Devices"] if d.get("Plugin") == "lfa"}

    def device(self, guid):
        devs = self.devices()
        if guid not in devs:
            raise Failure(f"no device for {guid}: {sorted(devs)}")
        return devs[guid]

    def make_cab(self, name, version, *extra):
        out = os.path.join(self.tmp, name)
        subprocess.run(
            [sys.executable, self.args.make_cab, "--guid", GUID_BL31, "--version", version, *extra, "-o", out],
            check=True,
        )
        return out


def flags(dev):
    return dev.get("Flags", [])


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
    h.image_set(GUID_BL33, "pending_version", "2.1")
    h.image_set(GUID_BL33, "activation_pending", "1")
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
    h.control("")

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


def test_deferred(h):
    h.stop()
    h.start(policy="deferred")
    cab = h.make_cab("bl31-1.8.cab", "1.8")
    h.fwupdmgr(["install", cab])
    bl31 = h.device(GUID_BL31)
    check(bl31["Version"] == "1.5", "deferred: still running 1.5 after install")
    check("needs-activation" in flags(bl31), "deferred: image needs activation")
    h.fwupdmgr(["activate", bl31["DeviceId"]])
    bl31 = h.device(GUID_BL31)
    check(bl31["Version"] == "1.8" and "needs-activation" not in flags(bl31), "deferred: activate runs 1.8")


def test_fwupdtool_activate(h):
    # fwupdtool must not share the daemon's state: stop the daemon first
    h.stop()
    h.image_set(GUID_BL33, "pending_version", "2.2")
    h.image_set(GUID_BL33, "activation_pending", "1")
    env = dict(h.env)
    env["LD_PRELOAD"] = h.args.shim
    env["LFA_FAKE_ROOT"] = h.root
    res = subprocess.run(
        [h.args.fwupdtool, "activate", "--plugins", "lfa"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    print(res.stdout + res.stderr)
    check(res.returncode == 0, "fwupdtool activate --plugins lfa activates an image staged outside fwupd")
    check(h.image_get(GUID_BL33, "current_version") == "2.2", "fwupdtool: BL33 runs 2.2")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--srcdir", required=True)
    parser.add_argument("--fwupd", required=True)
    parser.add_argument("--fwupdmgr", required=True)
    parser.add_argument("--fwupdtool", required=True)
    parser.add_argument("--shim", required=True)
    parser.add_argument("--make-cab", required=True)
    parser.add_argument("--log-dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.log_dir, exist_ok=True)

    tmp = tempfile.mkdtemp(prefix="lfa-daemon-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
    h = Harness(args, tmp)
    open(h.daemon_log, "w").close()
    ok = False
    try:
        h.make_tree()
        h.start()
        test_get_devices(h)
        test_activate_staged_out_of_band(h)
        test_install(h)
        test_deferred(h)
        test_fwupdtool_activate(h)
        ok = True
    except Exception:  # pylint: disable=broad-except
        traceback.print_exc()
    finally:
        h.stop()
    if not ok:
        print(f"--- daemon log kept in {h.daemon_log}, tail:")
        with open(h.daemon_log, encoding="utf-8", errors="replace") as f:
            print("".join(f.readlines()[-80:]))
        print(f"--- fake tree kept in {tmp}")
        return 1
    shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())

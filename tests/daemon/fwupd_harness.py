#
# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
"""The fwupd daemon from this build on a private system bus, against a fake
sysfs tree served by lfa-fake-kernel, the plugin self-test's FUSE helper
(plugins/lfa/fu-lfa-fake-kernel.c), which builds the tree from commands and
answers the daemon's writes to activate and loading as the kernel does.
Shared by the daemon tests (lfa-daemon-test.py,
lfa-uevent-test.py), the GNOME Firmware screenshot test (tests/screenshot/)
and the daemon benchmark (bench/lfa-daemon-bench.py), so that all of them
talk to the daemon in exactly the same way."""

import json
import os
import shlex
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

FWUPD_CONF = """[fwupd]
# test cabinets from data/make-cab are not signed
OnlyTrusted=false
DisabledPlugins=test;test_ble;invalid
[lfa]
ActivationPolicy={policy}
"""

# what the daemon needs to know about the platform besides LFA: a DMI vendor
# gives devices a vendor ID, and a chassis type keeps fwupd from guessing
DMI = {
    "bios_vendor": "Example Arm Firmware",
    "bios_version": "1.0",
    "sys_vendor": "Example",
    "product_name": "Arm Server",
    "chassis_type": "23",
}

# the platform as make-cab names it for a cabinet that is for this one
PLATFORM = ["--platform", DMI["sys_vendor"], DMI["product_name"]]


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)
    print(f"ok - {what}")


def add_arguments(parser):
    """The command line both tests get from their meson.build."""
    parser.add_argument("--srcdir", required=True)
    parser.add_argument("--fwupd", required=True)
    parser.add_argument("--fwupdmgr", required=True)
    parser.add_argument("--fwupdtool", required=True)
    parser.add_argument("--fake-kernel", required=True, help="lfa-fake-kernel of this build")
    parser.add_argument("--make-cab", required=True)
    parser.add_argument("--libfwupd", help="libfwupd.so of this build, for clients that link it")
    parser.add_argument("--log-dir", required=True)


class Harness:
    def __init__(self, args, tmp, root=None):
        self.args = args
        self.tmp = tmp
        self.root = root or os.path.join(tmp, "sys")
        self.env = None
        self.kernel = None
        self.dbus = None
        self.daemon = None
        self.daemon_log = os.path.join(args.log_dir, "fwupd-daemon.log")
        self.dbus_log = os.path.join(args.log_dir, "dbus-daemon.log")
        self.bus_socket = os.path.join(tmp, "system_bus_socket")

    def mount(self):
        """The fake kernel serves the tree from now on; it unmounts it when
        stopped, or when this process exits."""
        os.makedirs(self.root, exist_ok=True)
        # not under umockdev's preload library, which would redirect its /sys
        env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")}
        self.kernel = subprocess.Popen([self.args.fake_kernel, self.root], env=env,
                                       stdout=subprocess.PIPE, text=True)
        if self.kernel.stdout.readline().strip() != "ready":
            raise Failure(f"lfa-fake-kernel could not serve {self.root} (is /dev/fuse usable?)")

    def unmount(self):
        if self.kernel is not None:
            self.kernel.terminate()
            self.kernel.wait(timeout=10)
            self.kernel = None

    def control(self, commands):
        """Commands for the fake kernel (plugins/lfa/fu-lfa-fake-kernel-control.c says
        which): fixtures and injected faults; an unknown one raises OSError."""
        with open(os.path.join(self.root, "control"), "w", encoding="utf-8") as f:
            f.write(commands if commands.endswith("\n") else commands + "\n")

    def kernel_value(self, key):
        """A knob or counter of the fake kernel, e.g. activate_count."""
        with open(os.path.join(self.root, "control"), encoding="utf-8") as f:
            for line in f:
                if line.startswith(key + "="):
                    return line.split("=", 1)[1].strip()
        raise Failure(f"the fake kernel has no {key}")

    def load_inventory(self):
        """The plugin self-test's inventory (plugins/lfa/tests/inventory.txt)."""
        with open(os.path.join(self.args.srcdir, "plugins", "lfa", "tests", "inventory.txt"),
                  encoding="utf-8") as f:
            self.control(f.read())

    def make_dmi(self):
        self.control("dmi " + " ".join(shlex.quote(f"{k}={v}") for k, v in DMI.items()))

    @staticmethod
    def image_command(guid, current, name=None, pending=None, capable=True,
                      may_reset=False, rendezvous=True, stageable=False):
        """One image the way lfa_fw lists it (docs/contracts.md), and its
        firmware-upload device when the platform can stage it."""
        args = [guid, f"current={current}",
                f"capable={int(capable)}", f"may_reset_cpu={int(may_reset)}",
                f"cpu_rendezvous={int(rendezvous)}", f"upload={int(stageable)}"]
        if name is not None:
            args.append(f"name={name}")
        if pending is not None:
            args.append(f"pending={pending}")
        return "image " + " ".join(shlex.quote(a) for a in args)

    def add_image(self, guid, current, **kwargs):
        self.control(self.image_command(guid, current, **kwargs))

    def image_dir(self, guid):
        return os.path.join(self.root, "firmware", "lfa", guid)

    def image_get(self, guid, attr):
        with open(os.path.join(self.image_dir(guid), attr), encoding="utf-8") as f:
            return f.read().strip()

    def image_set(self, guid, attr, value):
        with open(os.path.join(self.image_dir(guid), attr), "w", encoding="utf-8") as f:
            f.write(value + "\n")

    def stage_out_of_band(self, guid, version):
        """The platform (a BMC) stages VERSION of an image behind fwupd's back,
        as lfa_fw then lists it."""
        self.image_set(guid, "pending_version", version)
        self.image_set(guid, "activation_pending", "1")

    def dbus_config(self, sock):
        path = os.path.join(self.args.srcdir, "tests", "data", "dbus-system.conf.in")
        with open(path, encoding="utf-8") as f:
            return f.read().replace("@SOCKET@", sock)

    def start(self, policy="immediate", preload=(), env=None, debug=()):
        """The bus and the daemon; preload: libraries the daemon preloads,
        env: more of the daemon's environment, debug: log domains whose
        debug messages the daemon log gets."""
        sock = self.bus_socket
        conf = os.path.join(self.tmp, "dbus.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(self.dbus_config(sock))
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
        if preload:
            daemon_env["LD_PRELOAD"] = " ".join(preload)
        daemon_env.update(env or {})
        self.daemon = subprocess.Popen(
            [self.args.fwupd, "--verbose", *(f"--daemon-verbose={d}" for d in debug)],
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

    def all_devices(self):
        res = self.fwupdmgr(["get-devices", "--json"])
        return json.loads(res.stdout)["Devices"]

    def devices(self):
        return {image_guid(d): d for d in self.all_devices() if d.get("Plugin") == "lfa"}

    def device(self, guid):
        devs = self.devices()
        if guid not in devs:
            raise Failure(f"no device for {guid}: {sorted(devs)}")
        return devs[guid]

    def add_directory_remote(self, name, title):
        """A remote serving the cabinets of a new directory, read when the
        daemon starts; returns the directory."""
        fw = os.path.join(self.tmp, name)
        os.makedirs(fw)
        remotes = os.path.join(self.tmp, "etc", "fwupd", "remotes.d")
        os.makedirs(remotes, exist_ok=True)
        with open(os.path.join(remotes, f"{name}.conf"), "w", encoding="utf-8") as f:
            f.write(f"[fwupd Remote]\nEnabled=true\nTitle={title}\n"
                    f"MetadataURI=file://{fw}\nApprovalRequired=false\n")
        return fw

    def make_cab(self, name, version, *extra, target=PLATFORM):
        """A cabinet for BL31 of this platform, or with target=["--provides", GUID]
        (or another ["--platform", ...]) for somebody else's."""
        out = os.path.join(self.tmp, name)
        subprocess.run(
            [sys.executable, self.args.make_cab, "--guid", GUID_BL31, *target, "--version", version,
             *extra, "-o", out],
            check=True, stdout=subprocess.DEVNULL,
        )
        return out


def testbed_device(tb, subsystem, path, driver, modalias):
    """A device at /sys/PATH of a umockdev testbed TB, bound to DRIVER on its
    bus, as the kernel shows it; returns its sysfs path, for TB.uevent()."""
    sysfs = tb.get_sys_dir()
    for sub in ("devices", os.path.join("drivers", driver)):
        os.makedirs(os.path.join(sysfs, "bus", subsystem, sub), exist_ok=True)
    up = "../" * path.strip("/").count("/")
    if not tb.add_from_string(
        f"P: /{path}\nE: SUBSYSTEM={subsystem}\nE: DRIVER={driver}\nE: MODALIAS={modalias}\n"
        f"L: driver={up}../bus/{subsystem}/drivers/{driver}\n"
    ):
        raise Failure(f"umockdev: cannot add {path}")
    return f"/sys/{path}"


def image_guid(dev):
    """The image GUID of an LFA device: the plugin's only visible instance ID is
    LFA\\VENDOR_..&PRODUCT_..&GUID_<image GUID>; without a platform identity
    the device has none and is keyed by its name."""
    for iid in dev.get("InstanceIds", []):
        if iid.startswith("LFA\\") and "&GUID_" in iid:
            return iid.rsplit("&GUID_", 1)[1]
    return dev.get("Name")


def flags(dev):
    return dev.get("Flags", [])


def run(args, prefix, body, root=None):
    """Run body(harness) with a fresh temporary directory (and the sysfs tree
    there, or at root); on failure keep the tree and print the daemon log's
    tail, since that is where the plugin says what went wrong.  Returns the
    process exit code."""
    os.makedirs(args.log_dir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=prefix, dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
    h = Harness(args, tmp, root)
    open(h.daemon_log, "w", encoding="utf-8").close()
    ok = False
    try:
        h.mount()
        body(h)
        ok = True
    except Exception:  # pylint: disable=broad-except
        traceback.print_exc()
    finally:
        h.stop()
        h.unmount()
    if not ok:
        print(f"--- daemon log kept in {h.daemon_log}, tail:")
        with open(h.daemon_log, encoding="utf-8", errors="replace") as f:
            print("".join(f.readlines()[-80:]))
        print(f"--- fake tree kept in {tmp}")
        return 1
    shutil.rmtree(tmp)
    return 0

#!/usr/bin/python3
#
# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
"""GNOME Firmware (Debian's gnome-firmware, under Xvfb) against the fwupd
daemon from this build, over a fake sysfs tree that lists what the emulated
Arm server of a scenario file lists; saves a screenshot of the window.

The daemon side is tests/daemon's harness.  What the test proves:
 - fwupdmgr sees every image of the scenario, and exactly the ones GNOME
   Firmware 43.2 can list (updatable, updatable-hidden or locked) are so;
 - GNOME Firmware asked the daemon for the devices and, after a click on
   the TF-A BL31 row, for that image's releases (seen on the bus);
 - the screenshot is not a blank screen and its device list is drawn.
"""

import argparse
import ctypes
import os
import re
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
# pylint: disable=wrong-import-position
from fwupd_harness import GUID_BL31, PLATFORM, Failure, add_arguments, check, flags, image_guid, run  # noqa: E402

SKIP = 77
SCREEN = (1280, 800)
GNOME_FIRMWARE_FLAGS = {"updatable", "updatable-hidden", "locked"}

# GNOME Firmware 43.2's default window with Adwaita: the sidebar rows, top
# to bottom, centred at y = ROW_Y0 + i * ROW_PITCH (window coordinates; the
# window sits at 0,0 as there is no window manager).  Measured from its
# screenshots; a new layout makes the click miss, which the bus check catches.
ROW_X, ROW_Y0, ROW_PITCH = 160, 75, 38


def parse_scenario(path):
    """The images of a scenario (tests/agent/README.md) as lfa_fw would list
    them at boot.  Statements that only matter once something is activated
    (after, fault, ...) do not change that and are ignored."""
    images = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if words[0] == "agent" and words[1:2] == ["none"]:
                raise Failure(f"{path}:{lineno}: no LFA agent, nothing to show")
            if words[0] != "image":
                continue
            img = {"label": words[1], "guid": words[2], "current": words[3], "pending": None,
                   "stageable": False, "capable": True, "may_reset": False, "rendezvous": True,
                   "hidden": False}
            attrs = iter(words[4:])
            for attr in attrs:
                if attr in ("pending", "bmc", "prime-steps", "activate-steps"):
                    value = next(attrs)
                    if attr == "pending":
                        img["pending"] = value
                elif attr == "stageable":
                    img["stageable"] = True
                elif attr == "nocap":
                    img["capable"] = False
                elif attr == "may-reset":
                    img["may_reset"] = True
                elif attr == "rdv-optional":
                    img["rendezvous"] = False
                elif attr == "hidden":
                    img["hidden"] = True
                elif attr == "corrupt":
                    pass  # only PRIME notices
                else:
                    # a new attribute may change what is listed: make whoever adds it look here
                    raise Failure(f"{path}:{lineno}: unknown image attribute {attr!r}")
            images.append(img)
    return [i for i in images if not i["hidden"]]


def gnome_firmware_lists(img):
    """What the LFA plugin makes updatable: an image the platform can stage
    through firmware upload and that can be activated live."""
    return img["stageable"] and img["capable"] and not img["may_reset"]


def imagemagick(tool):
    # Debian's real binaries; a plain `convert` earlier in PATH need not be ImageMagick
    for name in (f"{tool}-im6.q16", tool):
        path = shutil.which(name)
        if path:
            return path
    raise Failure(f"ImageMagick's {tool} is missing (apt-get install imagemagick)")


class Screen:
    """Xvfb plus the ImageMagick calls the test makes on it."""

    def __init__(self, tmp, log_dir):
        self.tmp = tmp
        rfd, wfd = os.pipe()
        # -displayfd picks a free display, so parallel runs cannot collide;
        # -br gives a black root window to tell the app's window apart from
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(wfd), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
             "-nolisten", "tcp", "-br", "-noreset"],
            pass_fds=(wfd,),
            stdout=open(os.path.join(log_dir, "xvfb.log"), "w", encoding="utf-8"),
            stderr=subprocess.STDOUT,
        )
        os.close(wfd)
        with os.fdopen(rfd) as f:
            display = f.readline().strip()
        check(display.isdigit() and self.proc.poll() is None, f"Xvfb runs on :{display}")
        self.display = f":{display}"
        self.n = 0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def shot(self, name=None):
        self.n += 1
        out = os.path.join(self.tmp, name or f"shot{self.n}.png")
        subprocess.run([imagemagick("import"), "-display", self.display, "-window", "root", out],
                       check=True, timeout=30, capture_output=True)
        return out

    @staticmethod
    def differing_pixels(a, b):
        # compare prints the AE metric on stderr and exits 1 when the images differ
        res = subprocess.run([imagemagick("compare"), "-metric", "AE", a, b, "null:"],
                             capture_output=True, text=True, timeout=30, check=False)
        if res.returncode not in (0, 1):
            raise Failure(f"compare failed: {res.stderr}")
        return int(float(res.stderr.split()[0]))

    @staticmethod
    def stat(path, fmt, crop=None):
        argv = [imagemagick("convert"), path]
        if crop:
            argv += ["-crop", crop, "+repage"]
        argv += ["-format", fmt, "info:"]
        return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=True).stdout.strip()

    def click(self, x, y):
        """A real click through the XTest extension: GTK 4 takes its input from
        XInput2, which synthetic XSendEvent events do not reach.  False when
        libXtst is not installed."""
        try:
            x11 = ctypes.CDLL("libX11.so.6")
            xtst = ctypes.CDLL("libXtst.so.6")
        except OSError:
            return False
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XFlush.argtypes = [ctypes.c_void_p]
        x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                              ctypes.c_ulong]
        xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        dpy = x11.XOpenDisplay(self.display.encode())
        if not dpy:
            raise Failure(f"cannot open display {self.display}")
        for step in (lambda: xtst.XTestFakeMotionEvent(dpy, -1, x, y, 0),
                     lambda: xtst.XTestFakeButtonEvent(dpy, 1, 1, 0),
                     lambda: xtst.XTestFakeButtonEvent(dpy, 1, 0, 0),
                     # park the pointer off the window so no row keeps a hover highlight
                     lambda: xtst.XTestFakeMotionEvent(dpy, -1, SCREEN[0] - 1, SCREEN[1] - 1, 0)):
            step()
            x11.XFlush(dpy)
            time.sleep(0.15)
        x11.XCloseDisplay(dpy)
        return True

    def wait_settled(self, unlike, deadline, what):
        """The newest screenshot once it differs from every image in unlike
        and three in a row, half a second apart, are the same: the app has
        drawn what it was waiting for and stopped changing."""
        shots = [self.shot()]
        while time.monotonic() < deadline:
            time.sleep(0.5)
            shots = shots[-2:] + [self.shot()]
            if (len(shots) == 3 and all(self.differing_pixels(a, shots[-1]) == 0 for a in shots[:-1])
                    and all(self.differing_pixels(u, shots[-1]) > 0 for u in unlike)):
                return shots[-1]
        raise Failure(f"the screen did not settle on {what}")


class BusLog:
    """dbus-monitor on the private system bus: what GNOME Firmware asked fwupd."""

    def __init__(self, h, log_dir):
        self.path = os.path.join(log_dir, "system-bus-monitor.log")
        self.proc = subprocess.Popen(
            ["dbus-monitor", "--address", h.env["DBUS_SYSTEM_BUS_ADDRESS"],
             "type='method_call',interface='org.freedesktop.fwupd'"],
            stdout=open(self.path, "w", encoding="utf-8"),
            stderr=subprocess.STDOUT,
        )

    def text(self):
        with open(self.path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def calls(self, member):
        """The first string argument of every call of member, in order."""
        return re.findall(rf"member={member}\n(?:\s+string \"([^\"]*)\")?", self.text())

    def wait(self, member, count, deadline):
        while time.monotonic() < deadline:
            if len(self.calls(member)) >= count:
                return self.calls(member)
            time.sleep(0.2)
        raise Failure(f"no {member} call on the bus:\n{self.text()}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def add_release(h, img):
    """A directory remote offering the next minor version of img: GNOME
    Firmware then shows an upgrade, and without any remote it opens a
    'Failed to load list of remotes' dialog over the window."""
    major, minor = img["current"].split(".")
    version = f"{major}.{int(minor) + 1}"
    fw = h.add_directory_remote("firmware", "Example LFA firmware")
    subprocess.run([sys.executable, h.args.make_cab, "--guid", img["guid"], *PLATFORM, "--version", version,
                    "--name", "TF-A BL31 Runtime Firmware", "-o", os.path.join(fw, f"bl31-{version}.cab")],
                   check=True, capture_output=True)
    return version


def check_daemon(h, images, release):
    """What fwupdmgr says, which is what GNOME Firmware gets over the same bus."""
    devs = h.devices()
    for img in images:
        check(img["guid"] in devs and devs[img["guid"]]["Version"] == img["current"],
              f"fwupdmgr lists {img['label']} {img['current']}")
    expected = {i["guid"] for i in images if gnome_firmware_lists(i)}
    shown = {image_guid(d) for d in h.all_devices() if GNOME_FIRMWARE_FLAGS & set(flags(d))}
    check(shown == expected,
          f"fwupdmgr: exactly the live-updatable images are what GNOME Firmware lists ({len(expected)})")
    check(f"New version:      {release}" in h.fwupdmgr(["get-updates"]).stdout,
          f"fwupdmgr get-updates offers BL31 {release}")
    return [d for d in h.all_devices() if image_guid(d) in expected]


def screenshot(h, args, images):
    bl31 = next((i for i in images if i["guid"] == GUID_BL31), None)
    if bl31 is None or not gnome_firmware_lists(bl31):
        raise Failure("the scenario needs a stageable TF-A BL31 to show")
    h.make_dmi()
    for img in images:
        h.add_image(img["guid"], img["current"], pending=img["pending"], capable=img["capable"],
                    may_reset=img["may_reset"], rendezvous=img["rendezvous"], stageable=img["stageable"])
    release = add_release(h, bl31)
    h.start()
    shown = check_daemon(h, images, release)

    deadline = time.monotonic() + 40
    bus = BusLog(h, args.log_dir)
    screen = Screen(h.tmp, args.log_dir)
    session = None
    app = None
    try:
        blank = screen.shot("blank.png")
        home = os.path.join(h.tmp, "home")
        os.makedirs(home)
        session_sock = os.path.join(h.tmp, "session_bus_socket")
        # GApplication wants a session bus; a private one keeps the host's out
        session = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                                    f"--address=unix:path={session_sock}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not os.path.exists(session_sock) and time.monotonic() < deadline:
            time.sleep(0.05)
        env = dict(h.env)
        env.update({
            "DISPLAY": screen.display,
            "DBUS_SESSION_BUS_ADDRESS": f"unix:path={session_sock}",
            "GSK_RENDERER": "cairo",          # Xvfb has no GL
            "GTK_A11Y": "none",               # no accessibility bus to wait for
            "GSETTINGS_BACKEND": "memory",    # leave the user's dconf alone
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
            "XDG_RUNTIME_DIR": home,
            "LANG": "C.UTF-8",
        })
        env.pop("WAYLAND_DISPLAY", None)
        app = subprocess.Popen(["gnome-firmware", "--verbose"], env=env,
                               stdout=open(os.path.join(args.log_dir, "gnome-firmware.log"), "w",
                                           encoding="utf-8"),
                               stderr=subprocess.STDOUT)

        bus.wait("GetDevices", 1, deadline)
        check(True, "GNOME Firmware asked fwupd for its devices")
        # it fetches the releases of the device it selects on its own once the list is filled
        bus.wait("GetReleases", 1, deadline)
        first = screen.wait_settled([blank], deadline, "the filled window")
        check(app.poll() is None, "GNOME Firmware is running")

        # which device each sidebar row holds: a click on a row makes GNOME
        # Firmware fetch that device's releases.  Its sort order is its own
        # business, so every row is visited; then TF-A BL31 is selected so
        # that its details and the offered upgrade show.
        ids = {d["DeviceId"]: d for d in shown}
        bl31_id = next(i for i, d in ids.items() if image_guid(d) == GUID_BL31)
        rows = [bus.calls("GetReleases")[0]]

        def select(row):
            before = len(bus.calls("GetReleases"))
            if not screen.click(ROW_X, ROW_Y0 + row * ROW_PITCH):
                return None
            return bus.wait("GetReleases", before + 1, deadline)[-1]

        for row in range(1, len(shown)):
            dev = select(row)
            if dev is None:
                break
            rows.append(dev)
        if len(rows) == len(shown):
            check(sorted(rows) == sorted(ids),
                  "GNOME Firmware's rows are the live-updatable images: "
                  + ", ".join(ids[r]["Name"] for r in rows))
            # wait for the details of BL31 to replace those of another device:
            # an answer on the bus comes before the window redraws
            unlike = [blank]
            if rows[-1] != bl31_id:
                unlike.append(screen.shot())
                check(select(rows.index(bl31_id)) == bl31_id, "a click on its row selects TF-A BL31")
            elif rows[0] != bl31_id:
                unlike.append(first)
            final = screen.wait_settled(unlike, deadline, "the details of TF-A BL31")
        else:
            # without XTest only the first row is known
            print("# libXtst missing: keeping GNOME Firmware's own selection")
            check(rows[0] in ids, "GNOME Firmware selected one of the live-updatable images")
            final = first
        check(app.poll() is None, "GNOME Firmware is still running")

        # the window, not a blank screen: most of the screen is no longer the
        # black root background, and the crop to the window is window-sized
        total = SCREEN[0] * SCREEN[1]
        changed = screen.differing_pixels(blank, final)
        check(changed > total // 3, f"screenshot differs from the bare root window ({changed} of {total} pixels)")
        subprocess.run([imagemagick("convert"), final, "-trim", "+repage", "-strip", args.output],
                       check=True, timeout=30)
        w, hgt = (int(v) for v in Screen.stat(args.output, "%w %h").split())
        check(w >= 800 and hgt >= 500, f"the window fills the screenshot ({w}x{hgt})")
        # one sidebar row per listed device: text in each row band, none below
        # the last (an empty list or a list of the wrong length fails here)
        for i in range(len(shown) + 1):
            band = f"300x24+20+{ROW_Y0 + i * ROW_PITCH - 12}"
            sd = float(Screen.stat(args.output, "%[fx:standard_deviation]", band))
            if i < len(shown):
                check(sd > 0.05, f"sidebar row {i + 1} holds a device (sd {sd:.3f})")
            else:
                check(sd < 0.01, f"sidebar holds no row {i + 1} (sd {sd:.3f})")
        check(os.path.getsize(args.output) < 300 * 1024, f"{args.output} is small")
        print(f"# screenshot saved to {args.output}")
    finally:
        for proc in (app, session):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
        screen.stop()
        bus.stop()


def main():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    # the only reason to skip: the tools under test are not installed
    missing = [t for t in ("Xvfb", "gnome-firmware") if shutil.which(t) is None]
    if missing:
        print(f"# SKIP: {', '.join(missing)} not installed (scripts/install-deps installs them)")
        return SKIP

    try:
        images = parse_scenario(args.scenario)
    except Failure as e:
        print(f"not ok - {e}")
        return 1
    if os.path.exists(args.output):
        os.unlink(args.output)  # never leave an old screenshot for a failed run
    return run(args, "lfa-screenshot-", lambda h: screenshot(h, args, images))


if __name__ == "__main__":
    sys.exit(main())

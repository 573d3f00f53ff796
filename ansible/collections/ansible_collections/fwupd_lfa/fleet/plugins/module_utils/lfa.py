# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""What lfa_facts and lfa_activate share: the LFA images as fwupd sees them
(fwupdmgr), joined with what the kernel says is staged (sysfs)."""

import json
import os
import re

GUID_RE = re.compile(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+$")

# the plugin's summary of a staged image (plugins/lfa/fu-lfa-device.c): the
# only place fwupd shows the version it staged on firmware that reports none
SUMMARY_STAGED_RE = re.compile(r"^Version (\S+) is staged and pending ")

# a module has no terminal: --json makes fwupdmgr print results and errors
# as JSON and never prompt, and the --no-*-check options skip what it
# otherwise looks into before a command (unreported history, old metadata,
# remotes to enable)
# the modules' fwupdmgr option (doc_fragments/fwupdmgr.py documents it)
FWUPDMGR_ARGUMENT_SPEC = {"fwupdmgr": {"type": "str", "default": "fwupdmgr"}}

FWUPDMGR_FLAGS = ["--json", "--no-unreported-check", "--no-metadata-check", "--no-remote-check"]


def lfa_sysfs_dir():
    """/sys/firmware/lfa, or where fwupd itself is told sysfs is: the same
    variables (a test's fake tree) point the daemon and this module at the
    same files, and are unset on a server."""
    fwdir = os.environ.get("FWUPD_SYSFSFWDIR")
    if not fwdir:
        fwdir = os.path.join(os.environ.get("FWUPD_SYSFSDIR") or "/sys", "firmware")
    return os.path.join(fwdir, "lfa")


def _read_attr(guid, attr):
    try:
        with open(os.path.join(lfa_sysfs_dir(), guid, attr), encoding="utf-8") as f:
            return f.read().strip()
    except (OSError, UnicodeDecodeError):
        return None


def _reported_version(text):
    """A MAJOR.MINOR the firmware reported; 0.0 is what drivers show when the
    firmware reports no version (TF-A), not a version."""
    if text is None or not VERSION_RE.match(text) or text == "0.0":
        return None
    return text


def boot_id():
    """The kernel's boot ID, new at each boot: the same before and after an
    activation proves that it was live."""
    with open("/proc/sys/kernel/random/boot_id", encoding="utf-8") as f:
        return f.read().strip()


def image_guid(device):
    """The image GUID of an LFA device: fwupd shows it only inside the
    plugin's instance ID, LFA\\VENDOR_...&PRODUCT_...&GUID_<image GUID>.  A
    platform that does not identify itself has no such ID; the kernel then
    names the images it does not know by their GUID, the others stay None."""
    for iid in device.get("InstanceIds", []):
        if iid.startswith("LFA\\") and "&GUID_" in iid:
            return iid.rsplit("&GUID_", 1)[1].lower()
    name = (device.get("Name") or "").lower()
    return name if GUID_RE.match(name) else None


def _staged(guid, summary):
    """(pending, pending_version) of an image: the kernel's files first, as
    they are the firmware's own answer; the plugin's summary where the
    firmware reports no version, or the files cannot be read."""
    from_summary = SUMMARY_STAGED_RE.match(summary or "")
    pending = _read_attr(guid, "activation_pending") if guid else None
    if pending is None:
        pending = summary.startswith(("Version ", "An update is staged")) if summary else False
    else:
        pending = pending == "1"
    if not pending:
        return False, None
    version = _reported_version(_read_attr(guid, "pending_version") if guid else None)
    if version is None and from_summary:
        version = from_summary.group(1)
    return True, version


def image_from_device(device):
    """What an operator needs to know of one image, from its fwupd device."""
    guid = image_guid(device)
    flags = device.get("Flags", [])
    pending, pending_version = _staged(guid, device.get("Summary"))
    return {
        "guid": guid,
        "name": device.get("Name"),
        "device_id": device.get("DeviceId"),
        # None where the firmware reports no version and fwupd knows none
        "version": device.get("Version"),
        "pending": pending,
        "pending_version": pending_version,
        # fwupd activates it live on request; pending images that need a
        # reboot instead say why in update_error
        "needs_activation": "needs-activation" in flags,
        "update_error": device.get("UpdateError"),
        "summary": device.get("Summary"),
        "flags": flags,
    }


def state(image):
    """What an image runs, and what is staged: "1.2, 1.3 pending"."""
    text = image["version"] or "version unknown"
    if image["pending"]:
        text += ", %s pending" % (image["pending_version"] or "a version not reported")
    return text


def describe(image):
    """One line for messages and diffs: name (GUID): state."""
    return "%s (%s): %s" % (image["name"], image["guid"], state(image))


def _parse_json(text):
    """The JSON document in fwupdmgr's output, which some commands precede
    with a line of progress text; None if there is none."""
    lines = text.splitlines(True)
    for i, line in enumerate(lines):
        if line.startswith("{"):
            try:
                return json.loads("".join(lines[i:]))
            except ValueError:
                return None
    return None


class FwupdError(Exception):
    """fwupdmgr failed; the message is fwupd's, or its output."""


class Fwupd:
    """fwupdmgr, run by a module on the target.  The daemon is reached the way
    fwupdmgr always reaches it, on the system bus; a test points both at a
    private one through the environment (DBUS_SYSTEM_BUS_ADDRESS)."""

    def __init__(self, module):
        self.module = module
        path = module.params["fwupdmgr"]
        if os.sep in path:
            self.path = path
        else:
            self.path = module.get_bin_path(path, required=True)

    def run(self, argv):
        """The parsed JSON of a successful command; FwupdError otherwise."""
        rc, out, err = self.module.run_command([self.path] + argv + FWUPDMGR_FLAGS)
        data = _parse_json(out)
        if isinstance(data, dict) and isinstance(data.get("Error"), dict):
            raise FwupdError(data["Error"].get("Message") or "unknown error")
        if rc != 0:
            raise FwupdError((err.strip() or out.strip() or "exit code %d" % rc).splitlines()[-1])
        return data if isinstance(data, dict) else {}

    def plugin_flags(self):
        """The lfa plugin's flags, or None where fwupd has no lfa plugin
        (Debian's own fwupd, for instance)."""
        for plugin in self.run(["get-plugins"]).get("Plugins", []):
            if plugin.get("Name") == "lfa":
                return plugin.get("Flags", [])
        return None

    def images(self):
        """Every LFA image fwupd lists, ordered by GUID."""
        devices = self.run(["get-devices"]).get("Devices", [])
        images = [image_from_device(d) for d in devices if d.get("Plugin") == "lfa"]
        return sorted(images, key=lambda i: (i["guid"] or "", i["name"] or ""))

    def cabinet_targets(self, cabinet):
        """[(image GUID, release version)] for each LFA image of this host that
        the cabinet carries a release for."""
        targets = []
        for device in self.run(["get-details", cabinet]).get("Devices", []):
            if device.get("Plugin") != "lfa":
                continue
            versions = [r["Version"] for r in device.get("Releases", []) if r.get("Version")]
            if versions:
                targets.append((image_guid(device), versions[0]))
        return targets

    def activate(self, image):
        self.run(["activate", image["device_id"]])

    def install(self, cabinet, device_id):
        self.run(["install", cabinet, device_id])


def find_image(images, guid):
    for image in images:
        if image["guid"] == guid:
            return image
    return None

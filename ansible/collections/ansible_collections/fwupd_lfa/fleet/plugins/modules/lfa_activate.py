#!/usr/bin/python
# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Ansible module: activate staged Arm LFA firmware images live through fwupd."""

DOCUMENTATION = r"""
module: lfa_activate
short_description: Activate staged Arm LFA firmware images live through fwupd
description:
  - Activates an update that is staged for an Arm Live Firmware Activation
    image (by the BMC, a capsule, or fwupd) with C(fwupdmgr activate); the
    new firmware runs without a reboot.
  - Either one image, named by its GUID, or every image that fwupd can
    activate live.  Optionally installs a cabinet first.
  - Reports each image's version before and after.  Changes nothing, and
    reports no change, when nothing is pending.
  - In check mode, reports what it would install and activate.
options:
  guid:
    description:
      - The image GUID, as in C(/sys/firmware/lfa/<GUID>).
      - Required unless I(all_pending) or I(cabinet) is given.
    type: str
  expected_version:
    description:
      - Activate only if this is the pending version (with I(cabinet), the
        version the cabinet carries); the module fails, activating nothing,
        on any other.
      - If nothing is pending, the image must already run this version.
    type: str
  all_pending:
    description:
      - Activate every image that fwupd can activate live, one after the other;
        stops at the first failure.
      - Pending images that need a reboot are listed in C(left_pending).
    type: bool
    default: false
  cabinet:
    description:
      - A firmware cabinet on the target to install first (C(fwupdmgr
        install)), unless the image already runs its version or has it
        staged.  A cabinet with releases for several images needs I(guid).
      - fwupd activates after installing, unless its lfa
        C(ActivationPolicy) is C(deferred); the module then activates.
    type: path
notes:
  - Supports check mode and diff mode.
  - Needs the rights of C(fwupdmgr activate), in practice root (C(become)).
extends_documentation_fragment:
  - fwupd_lfa.fleet.fwupdmgr
author:
  - fwupd-lfa authors
"""

EXAMPLES = r"""
- name: Activate BL31 if 1.3 is the version staged
  fwupd_lfa.fleet.lfa_activate:
    guid: 47d4086d-4cfe-9846-9b95-2950cbbd5a00
    expected_version: "1.3"

- name: Activate whatever is pending
  fwupd_lfa.fleet.lfa_activate:
    all_pending: true

- name: Install a cabinet and activate it
  fwupd_lfa.fleet.lfa_activate:
    cabinet: /var/cache/fwupd-lfa/bl31-1.4.cab
    expected_version: "1.4"
"""

RETURN = r"""
msg:
  description: What was done, or why nothing was.
  returned: always
  type: str
images:
  description: Each image the module installed, activated or checked.
  returned: always
  type: list
  elements: dict
  contains:
    guid:
      description: The image GUID.
      type: str
    name:
      description: The name fwupd shows.
      type: str
    version_before:
      description: The version that ran before.
      type: str
    pending_version_before:
      description: The version that was staged before, if any.
      type: str
    version_after:
      description: The version that runs after (in check mode, would run).
      type: str
    installed:
      description: Whether the cabinet was (would be) installed.
      type: bool
    activated:
      description: Whether the image was (would be) activated.
      type: bool
boot_id:
  description:
    - The kernel's boot ID when the module started; compare it with the
      C(lfa_boot_id) fact afterwards to tell a live activation from a reboot.
  returned: always
  type: str
left_pending:
  description: Images still pending that fwupd cannot activate live, with the reason.
  returned: when all_pending
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.fwupd_lfa.fleet.plugins.module_utils.lfa import (
    FWUPDMGR_ARGUMENT_SPEC,
    GUID_RE,
    Fwupd,
    FwupdError,
    boot_id,
    describe,
    find_image,
    state,
)


class Activation:
    """One run of the module: what it did so far, for both ways out."""

    def __init__(self, module):
        self.module = module
        self.fwupd = Fwupd(module)
        self.results = []
        self.before = []
        self.after = []
        self.extra = {"boot_id": boot_id()}

    def _record(self, before, after, installed=False, activated=False):
        self.results.append({
            "guid": before["guid"],
            "name": before["name"],
            "version_before": before["version"],
            "pending_version_before": before["pending_version"],
            "version_after": after["version"],
            "installed": installed,
            "activated": activated,
        })
        self.before.append(describe(before))
        self.after.append(describe(after))

    def _returns(self, msg):
        ret = dict(self.extra, msg=msg, images=self.results,
                   changed=any(r["installed"] or r["activated"] for r in self.results))
        if self.module._diff:  # pylint: disable=protected-access
            ret["diff"] = {"before": "".join(line + "\n" for line in self.before),
                           "after": "".join(line + "\n" for line in self.after)}
        return ret

    def fail(self, msg):
        self.module.fail_json(**self._returns(msg))

    def done(self):
        """Exit with one line per image: what was (would be) done to it."""
        would = "would " if self.module.check_mode else ""
        lines = []
        for res, before in zip(self.results, self.before):
            if not (res["installed"] or res["activated"]):
                lines.append("nothing to do: %s" % before)
                continue
            verb = "install and activate" if res["installed"] else "activate"
            if not would:
                verb = "installed and activated" if res["installed"] else "activated"
            lines.append("%s%s %s (%s): %s -> %s" % (would, verb, res["name"], res["guid"],
                                                     res["version_before"], res["version_after"]))
        self.module.exit_json(**self._returns("; ".join(lines) or "no image needs activation"))

    def image(self, guid):
        images = self.fwupd.images()
        image = find_image(images, guid)
        if image is None:
            known = ", ".join(i["guid"] or i["name"] for i in images)
            self.fail("fwupd lists no LFA image %s on this host (it lists: %s)" % (guid, known or "none"))
        return image

    def activate(self, image, before=None, installed=False):
        """Activate a pending image; it must then run its pending version.
        before: the image before this run, if it was installed by it."""
        before = before or image
        if self.module.check_mode:
            after = dict(image, version=image["pending_version"] or image["version"],
                         pending=False, pending_version=None)
            self._record(before, after, installed=installed, activated=True)
            return
        label = "%s (%s)" % (image["name"], image["guid"])
        try:
            self.fwupd.activate(image)
        except FwupdError as e:
            now = find_image(self.fwupd.images(), image["guid"])
            if now is None:
                self.fail("could not activate %s, which fwupd no longer lists: %s" % (label, e))
            self._record(before, now, installed=installed)
            still = " with %s still pending" % now["pending_version"] if now["pending_version"] else ""
            self.fail("could not activate %s, which runs %s%s: %s"
                      % (label, now["version"] or "a version not reported", still, e))
        # the firmware may list other images after an activation
        after = find_image(self.fwupd.images(), image["guid"])
        if after is None:
            self.fail("fwupd activated %s, but no longer lists it" % label)
        self._record(before, after, installed=installed, activated=True)
        if after["pending"] or (image["pending_version"] and after["version"] != image["pending_version"]):
            self.fail("fwupd activated %s, but it now runs %s" % (label, state(after)))

    def one(self, guid, expected):
        """Activate the image GUID, if pending (with EXPECTED)."""
        image = self.image(guid)
        if not image["pending"]:
            if expected and image["version"] != expected:
                self.fail("nothing is staged for %s, and it does not run the expected version %s"
                          % (describe(image), expected))
            self._record(image, image)
            return
        if expected and image["pending_version"] != expected:
            self.fail("refusing to activate %s: the expected version is %s" % (describe(image), expected))
        if not image["needs_activation"]:
            self.fail("%s cannot be activated live: %s" % (describe(image), image["update_error"]))
        self.activate(image)

    def all_pending(self):
        images = self.fwupd.images()
        self.extra["left_pending"] = [
            {"guid": i["guid"], "name": i["name"], "update_error": i["update_error"]}
            for i in images if i["pending"] and not i["needs_activation"]
        ]
        for image in images:
            if image["needs_activation"]:
                self.activate(image)

    def _cabinet_target(self, cabinet, guid):
        """(image GUID, version) of the one release in CABINET for this host."""
        try:
            targets = self.fwupd.cabinet_targets(cabinet)
        except FwupdError as e:
            self.fail("fwupd cannot read %s: %s" % (cabinet, e))
        if guid:
            targets = [t for t in targets if t[0] == guid]
        if not targets:
            self.fail("%s has no release for %s on this host" % (cabinet, guid or "any LFA image"))
        if len(targets) > 1:
            self.fail("%s has releases for several images of this host (%s): name one with guid"
                      % (cabinet, ", ".join(t[0] for t in targets)))
        return targets[0]

    def cabinet(self, cabinet, guid, expected):
        """Install CABINET unless its version runs or is staged, then activate."""
        guid, version = self._cabinet_target(cabinet, guid)
        if expected and expected != version:
            self.fail("refusing to install %s: it carries version %s, the expected version is %s"
                      % (cabinet, version, expected))
        image = self.image(guid)
        if image["version"] == version or (image["pending"] and image["pending_version"] == version):
            self.one(guid, version)
            return
        if self.module.check_mode:
            self.activate(dict(image, pending_version=version), before=image, installed=True)
            return
        try:
            self.fwupd.install(cabinet, image["device_id"])
        except FwupdError as e:
            self.fail("installing %s failed, %s: %s" % (cabinet, describe(self.image(guid)), e))
        after = self.image(guid)
        if after["pending"] and after["pending_version"] == version:
            # fwupd's ActivationPolicy deferred the activation
            self.activate(after, before=image, installed=True)
        elif after["version"] == version and not after["pending"]:
            self._record(image, after, installed=True, activated=True)
        else:
            self._record(image, after, installed=True)
            self.fail("installed %s, but now %s" % (cabinet, describe(after)))


def main():
    module = AnsibleModule(
        argument_spec={
            "guid": {"type": "str"},
            "expected_version": {"type": "str"},
            "all_pending": {"type": "bool", "default": False},
            "cabinet": {"type": "path"},
            **FWUPDMGR_ARGUMENT_SPEC,
        },
        required_if=[("all_pending", False, ("guid", "cabinet"), True)],
        supports_check_mode=True,
    )
    params = module.params
    guid = params["guid"].lower() if params["guid"] else None
    if params["all_pending"] and (guid or params["cabinet"] or params["expected_version"]):
        module.fail_json(msg="all_pending activates every pending image: it takes no guid, cabinet "
                         "or expected_version")
    if guid and not GUID_RE.match(guid):
        module.fail_json(msg="guid: %s is not a GUID" % params["guid"])

    act = Activation(module)
    try:
        if params["all_pending"]:
            act.all_pending()
        elif params["cabinet"]:
            act.cabinet(params["cabinet"], guid, params["expected_version"])
        else:
            act.one(guid, params["expected_version"])
    except FwupdError as e:
        act.fail("cannot read the LFA images from fwupd (is fwupd running?): %s" % e)
    act.done()


if __name__ == "__main__":
    main()

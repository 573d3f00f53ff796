#!/usr/bin/python
# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Ansible module: the Arm LFA firmware images fwupd sees on a host."""

DOCUMENTATION = r"""
module: lfa_facts
short_description: The Arm Live Firmware Activation images fwupd sees
description:
  - Asks the fwupd daemon (through C(fwupdmgr)) for the devices of its C(lfa)
    plugin, one per firmware image the kernel's LFA driver lists, and reads
    from C(/sys/firmware/lfa/<GUID>/) whether an update is staged and which
    version.
  - Also reads the kernel's boot ID, which tells a live activation from a
    reboot.
  - Fails when fwupd does not answer, so it doubles as the check that fwupd
    runs.
  - Changes nothing; runs in check mode too.
notes:
  - fwupdmgr talks to fwupd on the system bus, as it always does; the module
    reads sysfs under C(FWUPD_SYSFSDIR) when that is set, as fwupd does.
extends_documentation_fragment:
  - fwupd_lfa.fleet.fwupdmgr
author:
  - fwupd-lfa authors
"""

EXAMPLES = r"""
- name: Read the LFA images
  fwupd_lfa.fleet.lfa_facts:

- name: Show what is staged
  ansible.builtin.debug:
    msg: "{{ ansible_facts['lfa_images'] | selectattr('pending') | map(attribute='name') }}"
"""

RETURN = r"""
ansible_facts:
  description: Facts about the LFA images.
  returned: success
  type: dict
  contains:
    lfa_boot_id:
      description: The kernel's boot ID (/proc/sys/kernel/random/boot_id), new at each boot.
      type: str
    lfa_plugin:
      description: The flags of fwupd's lfa plugin; null if fwupd has no lfa plugin.
      type: list
      elements: str
      sample: [ready]
    lfa_images:
      description: One entry per image, ordered by GUID.
      type: list
      elements: dict
      contains:
        guid:
          description: The image GUID (the directory name in /sys/firmware/lfa).
          type: str
          sample: 47d4086d-4cfe-9846-9b95-2950cbbd5a00
        name:
          description: The name fwupd shows.
          type: str
        device_id:
          description: The fwupd device ID.
          type: str
        version:
          description: The running version; null if neither firmware nor fwupd knows it.
          type: str
          sample: "1.2"
        pending:
          description: Whether an update is staged and waits for activation.
          type: bool
        pending_version:
          description: The staged version, if known.
          type: str
          sample: "1.3"
        needs_activation:
          description: Whether fwupd can activate the staged update live.
          type: bool
        update_error:
          description: Why fwupd cannot update or activate the image, if anything stops it.
          type: str
        summary:
          description: The device summary the plugin writes.
          type: str
        flags:
          description: The fwupd device flags.
          type: list
          elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.fwupd_lfa.fleet.plugins.module_utils.lfa import (
    FWUPDMGR_ARGUMENT_SPEC,
    Fwupd,
    FwupdError,
    boot_id,
)


def main():
    module = AnsibleModule(
        argument_spec=FWUPDMGR_ARGUMENT_SPEC,
        supports_check_mode=True,
    )
    fwupd = Fwupd(module)
    try:
        facts = {"lfa_plugin": fwupd.plugin_flags(), "lfa_images": fwupd.images(), "lfa_boot_id": boot_id()}
    except FwupdError as e:
        module.fail_json(msg="cannot read the LFA images from fwupd (is fwupd running?): %s" % e)
    module.exit_json(changed=False, ansible_facts=facts)


if __name__ == "__main__":
    main()

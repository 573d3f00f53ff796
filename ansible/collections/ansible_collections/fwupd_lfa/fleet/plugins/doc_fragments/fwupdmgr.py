# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""The option every module of the collection has: which fwupdmgr to run
(module_utils/lfa.py's FWUPDMGR_ARGUMENT_SPEC is its argument spec)."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  fwupdmgr:
    description:
      - The fwupdmgr to run, a name looked up in PATH or a path.
    type: str
    default: fwupdmgr
"""

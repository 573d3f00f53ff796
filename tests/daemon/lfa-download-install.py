#!/usr/bin/python3
#
# Copyright 2026 The fwupd-lfa authors
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
"""Install the newest release offered for one device the way a client that
downloads before installing does (GNOME Software's fwupd plugin): through
libfwupd, connect, ask for the device's upgrades, download the release's
first location with fwupd_client_download_bytes() and hand the bytes to the
daemon.  Run by lfa-daemon-test.py with the daemon's environment; prints
the URI it downloaded and exits 1 with libfwupd's error message."""

import argparse
import ctypes
import sys


class GError(ctypes.Structure):
    _fields_ = [("domain", ctypes.c_uint32), ("code", ctypes.c_int), ("message", ctypes.c_char_p)]


class GPtrArray(ctypes.Structure):
    _fields_ = [("pdata", ctypes.POINTER(ctypes.c_void_p)), ("len", ctypes.c_uint)]


GErrorP = ctypes.POINTER(GError)


def bind(lib, name, restype, *argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--libfwupd", required=True, help="path of libfwupd.so")
    parser.add_argument("--device-id", required=True)
    args = parser.parse_args()

    lib = ctypes.CDLL(args.libfwupd)
    vp, cp = ctypes.c_void_p, ctypes.c_char_p
    err_arg = ctypes.POINTER(GErrorP)
    client_new = bind(lib, "fwupd_client_new", vp)
    connect = bind(lib, "fwupd_client_connect", ctypes.c_int, vp, vp, err_arg)
    set_agent = bind(lib, "fwupd_client_set_user_agent_for_package", None, vp, cp, cp)
    get_upgrades = bind(lib, "fwupd_client_get_upgrades", ctypes.POINTER(GPtrArray), vp, cp, vp, err_arg)
    get_locations = bind(lib, "fwupd_release_get_locations", ctypes.POINTER(GPtrArray), vp)
    get_version = bind(lib, "fwupd_release_get_version", cp, vp)
    download = bind(lib, "fwupd_client_download_bytes", vp, vp, cp, ctypes.c_int, vp, err_arg)
    install = bind(lib, "fwupd_client_install_bytes", ctypes.c_int, vp, cp, vp, ctypes.c_uint64, vp, err_arg)

    def fail(what, err):
        print(f"{what}: {err.contents.message.decode()}")
        return 1

    client = client_new()
    err = GErrorP()
    if not connect(client, None, ctypes.byref(err)):
        return fail("connect", err)
    set_agent(client, b"gnome-software", b"43.5")
    device_id = args.device_id.encode()
    upgrades = get_upgrades(client, device_id, None, ctypes.byref(err))
    if not upgrades:
        return fail("get-upgrades", err)
    release = upgrades.contents.pdata[0]
    locations = get_locations(release).contents
    if locations.len == 0:
        print("the release has no location")
        return 1
    uri = ctypes.cast(locations.pdata[0], cp).value
    print(f"release {get_version(release).decode()} at {uri.decode()}")
    blob = download(client, uri, 0, None, ctypes.byref(err))
    if not blob:
        return fail("download", err)
    if not install(client, device_id, blob, 0, None, ctypes.byref(err)):
        return fail("install", err)
    print("installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

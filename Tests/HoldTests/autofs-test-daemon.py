#!/usr/bin/python3
"""A minimal automount daemon for one direct autofs mount, speaking the kernel's autofs v5
protocol (Documentation/filesystems/autofs.rst), for boothold-hold's tests.

Usage: autofs-test-daemon.py MOUNTPOINT
Mounts autofs at MOUNTPOINT; a process outside this daemon's process group that walks into
it triggers a tmpfs mount. Prints "ready", "mounted", "unmounted", "expired",
"expire refused ERRNO" and "refused EHOSTDOWN" lines. Reads lines on stdin: "expire", an
immediate AUTOFS_IOC_EXPIRE_MULTI, which the kernel refuses (EAGAIN) while the mount is busy;
"refuse", from now on fail mount requests with -EHOSTDOWN through /dev/autofs
(AUTOFS_DEV_IOCTL_FAIL), as systemd does once the automount's stop is queued at shutdown;
"serve", mount again. Each command is acknowledged with "ok COMMAND".
"""
import ctypes
import errno
import os
import struct
import sys
import threading

AUTOFS_IOC_READY = 0x9360
AUTOFS_IOC_FAIL = 0x9361
AUTOFS_IOC_CATATONIC = 0x9362
AUTOFS_IOC_EXPIRE_MULTI = 0x40049366  # _IOW(0x93, 0x66, int)
AUTOFS_DEV_IOCTL_FAIL = 0xC0189377  # _IOWR(0x93, 0x77, struct autofs_dev_ioctl), 24 bytes
AUTOFS_EXP_IMMEDIATE = 1
PTYPE_MISSING_DIRECT = 5
PTYPE_EXPIRE_DIRECT = 6

libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
printing = threading.Lock()


def say(line):
    with printing:
        print(line, flush=True)


def check(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def main():
    mountpoint = sys.argv[1].encode()
    # The kernel lets this process group walk the mount point without triggering it.
    os.setpgid(0, 0)
    pipe_read, pipe_write = os.pipe()
    options = f"fd={pipe_write},pgrp={os.getpgrp()},minproto=5,maxproto=5,direct".encode()
    check(libc.mount(b"boothold-test-automount", mountpoint, b"autofs", 0, options), "mount autofs")
    os.close(pipe_write)
    control = os.open(mountpoint, os.O_RDONLY | os.O_DIRECTORY)

    refusing = threading.Event()

    def answer(token, ok):
        libc.ioctl(control, AUTOFS_IOC_READY if ok else AUTOFS_IOC_FAIL, ctypes.c_ulong(token))

    def refuse(token):
        dev = os.open("/dev/autofs", os.O_RDONLY | os.O_CLOEXEC)
        try:
            param = struct.pack("=IIIiIi", 1, 1, 24, control, token, -errno.EHOSTDOWN)
            check(libc.ioctl(dev, AUTOFS_DEV_IOCTL_FAIL, ctypes.create_string_buffer(param, 24)),
                  "AUTOFS_DEV_IOCTL_FAIL")
        finally:
            os.close(dev)

    def serve():
        while True:
            packet = os.read(pipe_read, 512)
            if not packet:
                return
            _, kind, token = struct.unpack_from("=iiI", packet)
            if kind == PTYPE_MISSING_DIRECT and refusing.is_set():
                refuse(token)
                say("refused EHOSTDOWN")
            elif kind == PTYPE_MISSING_DIRECT:
                ok = libc.mount(b"tmpfs", mountpoint, b"tmpfs", 0, b"size=1m") == 0
                answer(token, ok)
                say("mounted" if ok else "mount failed")
            elif kind == PTYPE_EXPIRE_DIRECT:
                ok = libc.umount2(mountpoint, 0) == 0
                answer(token, ok)
                say("unmounted" if ok else "unmount failed")
            else:
                answer(token, False)

    threading.Thread(target=serve, daemon=True).start()
    say("ready")
    for line in sys.stdin:
        command = line.strip()
        if command == "refuse":
            refusing.set()
            say("ok refuse")
            continue
        if command == "serve":
            refusing.clear()
            say("ok serve")
            continue
        if command != "expire":
            continue
        how = ctypes.c_int(AUTOFS_EXP_IMMEDIATE)
        if libc.ioctl(control, AUTOFS_IOC_EXPIRE_MULTI, ctypes.byref(how)) == 0:
            say("expired")
        else:
            say(f"expire refused {errno.errorcode.get(ctypes.get_errno(), '?')}")
    libc.ioctl(control, AUTOFS_IOC_CATATONIC, 0)


if __name__ == "__main__":
    main()

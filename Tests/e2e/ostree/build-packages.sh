#!/usr/bin/env bash
# build-packages.sh BASE_ROOTFS OUT_DIR
#
# The slow, rarely changing half of the ostree guest: copies BASE_ROOTFS (the shared e2e base,
# see ../lib/base-rootfs.sh) to OUT_DIR/rootfs, installs Debian's dracut, ostree and ostree-boot
# from the machine's own apt mirror, and puts the kernel and a small dracut initramfs where ostree
# looks for them (/usr/lib/modules/KVER/{vmlinuz,initramfs.img}). OUT_DIR/rootfs/.ostree-packages
# is written last; a directory without it is incomplete. Needs root. Logs to stderr.
# The suite is E2E_SUITE's (../lib/common.sh; BASE_ROOTFS must be that suite's base): apt in the
# tree uses the machine's own sources when they name that suite, otherwise one line for the
# suite's main component on the machine's mirror (bookworm: 2022.7, trixie: 2025.2).
# Exit: 0 done, 1 failed.
set -euo pipefail
# shellcheck source=Tests/e2e/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

base=${1:?usage: build-packages.sh BASE_ROOTFS OUT_DIR}
out=${2:?usage: build-packages.sh BASE_ROOTFS OUT_DIR}
root=$out/rootfs

log() { echo "build-packages: $*" >&2; }
step() {   # step NAME CMD...: run and print its duration
    local name=$1 t0=$SECONDS; shift
    "$@"
    log "$name took $((SECONDS - t0)) s"
}

cleanup() {
    mountpoint -q "$root/proc" 2>/dev/null && umount "$root/proc"
    mountpoint -q "$root/dev" 2>/dev/null && umount "$root/dev"
    return 0
}
trap cleanup EXIT

rm -rf "$out"
mkdir -p "$out"
step "copy base rootfs" cp -a "$base" "$root"

install_packages() {
    # apt inside the guest tree uses the MACHINE's sources (no mirror address lives in the repo);
    # the tree's own sources come back afterwards.
    mkdir -p "$out/saved-apt"
    mv "$root/etc/apt/sources.list" "$out/saved-apt/" 2>/dev/null || true
    if [ "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" = "$E2E_SUITE" ]; then
        [ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/sources.list"
        cp -a /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/" 2>/dev/null || true
    else
        echo "deb $(e2e_mirror) $E2E_SUITE main" > "$root/etc/apt/sources.list"
    fi
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    mount -t proc proc "$root/proc"
    mount --bind /dev "$root/dev"
    # INITRD=No: dracut's postinst would build a 39 MB generic initramfs nobody boots (≈ 20 s);
    # the small one is built below.
    if ! { DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive INITRD=No chroot "$root" apt-get install -y -q \
               --no-install-recommends dracut ostree ostree-boot; } >"$out/apt.log" 2>&1; then
        tail -n 30 "$out/apt.log" >&2
        return 1
    fi
    chroot "$root" apt-get clean
    rm -rf "$root"/var/lib/apt/lists/*
    rm -f "$root/etc/resolv.conf" "$root/etc/apt/sources.list"
    find "$root/etc/apt/sources.list.d" -mindepth 1 -delete
    mv "$out/saved-apt/sources.list" "$root/etc/apt/" 2>/dev/null || true
    rmdir "$out/saved-apt" 2>/dev/null || true
}
step "apt install dracut ostree ostree-boot" install_packages

kver=$(basename "$(find "$root/usr/lib/modules" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)")
[ -n "$kver" ] || { log "no kernel modules directory in $root/usr/lib/modules"; exit 1; }

make_initramfs() {
    # Only the drivers a virtio guest needs: 16 MB instead of 39 MB. ostree-boot's
    # /etc/dracut.conf.d/ostree.conf adds the ostree and systemd modules.
    chroot "$root" dracut -f -q --no-hostonly --kver "$kver" \
        --drivers "virtio_pci virtio_blk virtio_scsi ext4" \
        "/usr/lib/modules/$kver/initramfs.img" 2>&1 | grep -v 'firmware_class/parameters/path' >&2 || true
    [ -s "$root/usr/lib/modules/$kver/initramfs.img" ] || { log "dracut wrote no initramfs"; return 1; }
    cp "$root/boot/vmlinuz-$kver" "$root/usr/lib/modules/$kver/vmlinuz"
}
step "dracut initramfs ($kver)" make_initramfs
umount "$root/dev" "$root/proc"

echo "$kver" > "$root/.ostree-packages"
log "done: $root (kernel $kver)"

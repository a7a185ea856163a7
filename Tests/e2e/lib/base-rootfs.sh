#!/usr/bin/env bash
# Build the cached base guest of E2E_SUITE (common.sh) once and print the path of its root file
# system directory.
#
#   Tests/e2e/lib/base-rootfs.sh                      → prints  $E2E_CACHE/base-<key>/rootfs
#   E2E_SUITE=trixie Tests/e2e/lib/base-rootfs.sh     → the trixie base, its own <key>
#
# <key> hashes the suite, this script and guest-base/ (see common.sh: e2e_recipe_key), so a
# changed recipe or another suite builds a new base beside the old one. Both suites share the
# recipe; debootstrap's .debs are cached per suite (E2E_DEBS). Beside rootfs/ the same
# directory holds:
#   vmlinuz, initrd.img  the guest kernel and its initramfs (initramfs-tools, MODULES=list, with
#                        the payload hook: `e2e.payload` on the command line copies overlay/ of
#                        the disk labelled E2EPAYLOAD into the root before switch-root)
#   base.img             raw ext4 (LABEL=e2eroot, 2 GiB sparse) of rootfs/, fstab `/dev/vda /`
#   build.log            the build's output; build-seconds: how long the build took
# Treat all of it as read-only (copy rootfs with `cp -a`, layer base.img with qcow2).
# Needs root (debootstrap, chroot). Concurrent callers wait on a lock; progress goes to stderr.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
e2e_suite_ok || exit "$E2E_EXIT_INFRA"

key=$(e2e_recipe_key)
base=$E2E_CACHE/base-$key
if [ -e "$base/.complete" ]; then echo "$base/rootfs"; exit 0; fi

mkdir -p "$E2E_CACHE"
# One lock per suite: the two suites build side by side.
exec 9>"$E2E_CACHE/.base-$E2E_SUITE.lock"
flock 9
if [ -e "$base/.complete" ]; then echo "$base/rootfs"; exit 0; fi

[ "$(id -u)" = 0 ] || { echo "e2e: building the base guest needs root" >&2; exit "$E2E_EXIT_INFRA"; }
for tool in debootstrap mkfs.ext4 chroot; do
    command -v "$tool" >/dev/null || { echo "e2e: missing $tool (see .ci/run)" >&2; exit "$E2E_EXIT_INFRA"; }
done

work=$base.tmp
rootfs=$work/rootfs
rm -rf "$work"
mkdir -p "$work" "$E2E_DEBS"
cleanup() { umount "$rootfs/proc" 2>/dev/null || true; }
trap cleanup EXIT
started=$SECONDS
mirror=$(e2e_mirror)
e2e_log "building base guest $key from $mirror (log: $work/build.log)"

{
    # systemd-boot is in the base so the UEFI machine can install it without a second download.
    debootstrap --variant=minbase --cache-dir="$E2E_DEBS" \
        --include=systemd,systemd-sysv,udev,dbus,linux-image-amd64,initramfs-tools,kmod,e2fsprogs,dosfstools,systemd-boot,systemd-boot-efi \
        "$E2E_SUITE" "$rootfs" "$mirror"

    chroot "$rootfs" passwd -d root
    echo e2e > "$rootfs/etc/hostname"
    printf '127.0.0.1 localhost\n127.0.1.1 e2e\n' > "$rootfs/etc/hosts"
    echo '/dev/vda / ext4 rw 0 1' > "$rootfs/etc/fstab"
    # A fixed machine id: an empty one would make every boot a "first boot" that applies presets.
    [ -s "$rootfs/etc/machine-id" ] || chroot "$rootfs" systemd-machine-id-setup
    # Persistent journal: the host reads it from the disk after the guest powered off.
    mkdir -p "$rootfs/var/log/journal"
    # Whatever touches /boot on its own would trigger the automount behind the test's back
    # (e2scrub_reap did exactly that); timers only add noise to a 30-second life.
    for unit in e2scrub_reap.service e2scrub_all.timer apt-daily.timer apt-daily-upgrade.timer \
                dpkg-db-backup.timer fstrim.timer man-db.timer systemd-boot-system-token.service; do
        ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
    done

    # Small initramfs (36 MB → 6.5 MB) with the payload hook.
    sed -i 's/^MODULES=.*/MODULES=list/' "$rootfs/etc/initramfs-tools/initramfs.conf"
    cp "$E2E_LIB/guest-base/initramfs-modules" "$rootfs/etc/initramfs-tools/modules"
    install -m 0755 "$E2E_LIB/guest-base/initramfs-hook-e2e" "$rootfs/etc/initramfs-tools/hooks/e2e-payload"
    install -m 0755 "$E2E_LIB/guest-base/initramfs-local-bottom-e2e" "$rootfs/etc/initramfs-tools/scripts/local-bottom/e2e-payload"
    mount -t proc proc "$rootfs/proc"
    chroot "$rootfs" update-initramfs -u -k all
    umount "$rootfs/proc"
    chroot "$rootfs" apt-get clean
    rm -rf "$rootfs"/var/lib/apt/lists/*

    cp -L "$rootfs/vmlinuz" "$work/vmlinuz"
    cp -L "$rootfs/initrd.img" "$work/initrd.img"
    mkfs.ext4 -q -F -L e2eroot -d "$rootfs" "$work/base.img" 2G
} > "$work/build.log" 2>&1 || {
    e2e_log "base guest build failed; last lines of $work/build.log:"
    tail -n 20 "$work/build.log" >&2
    exit "$E2E_EXIT_INFRA"
}

echo $((SECONDS - started)) > "$work/build-seconds"
touch "$work/.complete"
rm -rf "$base"
mv "$work" "$base"
e2e_log "base guest $key built in $((SECONDS - started)) s"
echo "$base/rootfs"

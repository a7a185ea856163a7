#!/usr/bin/env bash
# build-image.sh PKGROOT DEB OUT_DIR
#
# The fast half of the ostree guest, rebuilt whenever boothold changes: installs boothold into
# a copy of PKGROOT (the tree from build-packages.sh) from its Debian package DEB
# (../lib/deb-package.sh) with `dpkg -i` inside the tree (chroot) BEFORE the commit, exactly as
# an image builder ships a package (/usr is read-only in a booted ostree system), so the
# package is what the guest proves; bakes in the test driver, converts the tree into ostree's
# layout, commits, deploys into a fresh sysroot and writes two raw ext4 images without loop
# devices:
#   OUT_DIR/root.img  LABEL=ostroot, the physical root (/sysroot)
#   OUT_DIR/boot.img  LABEL=ostboot, /boot on its own disk (the deployment's /etc/fstab mounts it)
#   OUT_DIR/image.env KVER= COMMIT= (the version-1 commit) ENTRY= (its boot loader entry's
#                     file name: ostree-1-debian.conf by 2022.7, ostree-1.conf by 2025.2)
# ostree cannot use vfat for /boot (it needs the loader -> loader.N symlink), hence ext4.
# The commit and the deployment are made by the guest tree's own ostree (PKGROOT's, run in a
# chroot of it, read-only, with the work directory bound in at /mnt), so each suite's image is
# written by the ostree that will finalize it, whatever the host has.
# Needs root. Logs to stderr. Exit 0/1.
set -euo pipefail

pkgroot=${1:?usage: build-image.sh PKGROOT DEB OUT_DIR}
deb=${2:?usage: build-image.sh PKGROOT DEB OUT_DIR}
out=${3:?usage: build-image.sh PKGROOT DEB OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
work=$out/work

log() { echo "build-image: $*" >&2; }
step() {
    local name=$1 t0=$SECONDS; shift
    "$@"
    log "$name took $((SECONDS - t0)) s"
}
# ostree marks every deployment root immutable; nothing under a sysroot can be removed before
# that flag is cleared.
remove_sysroot() {
    [ -d "$1" ] || return 0
    find "$1" -maxdepth 5 -path '*/ostree/deploy/*/deploy/*' -type d -prune -exec chattr -i {} + 2>/dev/null || true
    rm -rf "$1"
}

[ -f "$pkgroot/.ostree-packages" ] || { log "$pkgroot is not a finished build-packages.sh tree"; exit 1; }
[ -f "$deb" ] || { log "no package $deb"; exit 1; }
kver=$(cat "$pkgroot/.ostree-packages")
remove_sysroot "$work/sysroot"
rm -rf "$out"
mkdir -p "$work"
tree=$work/tree seedvar=$work/seedvar sysroot=$work/sysroot

make_tree() {
    # Hard links save 700 MB of copying; every change below replaces a name, never writes
    # into a shared inode.
    cp -al "$pkgroot" "$tree"
    rm -f "$tree/.ostree-packages"

    # boothold from its package, before the commit. dpkg rewrites its database and appends to
    # its logs in place: those get files of their own first, so that nothing reaches the cached
    # package layer through a hard link. /proc and /dev only for the maintainer scripts, in a
    # mount namespace of this command's own (gone with it).
    local dir
    for dir in var/lib/dpkg var/log; do
        rm -rf "${tree:?}/$dir"
        cp -a "$pkgroot/$dir" "$tree/$dir"
    done
    cp "$deb" "$tree/var/tmp/"
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --mount --propagation private sh -c '
        mount -t proc proc "$1/proc" && mount --bind /dev "$1/dev" &&
        chroot "$1" dpkg -i "/var/tmp/$2"' sh "$tree" "${deb##*/}" >&2
    rm -f "$tree/var/tmp/${deb##*/}"
    chroot "$tree" dpkg-query -W -f 'build-image: installed ${Package} ${Version} (${Status})\n' boothold >&2

    # The test driver (the scenario itself arrives on the payload disk at run time).
    install -D -m 0755 "$here/guest/e2e-driver" "$tree/usr/libexec/e2e-driver"
    install -D -m 0644 "$here/guest/e2e-test.service" "$tree/usr/lib/systemd/system/e2e-test.service"
    mkdir -p "$tree/usr/lib/systemd/system/multi-user.target.wants"
    ln -sf ../e2e-test.service "$tree/usr/lib/systemd/system/multi-user.target.wants/e2e-test.service"
    rm -f "$tree/etc/fstab"; : > "$tree/etc/fstab"

    # ostree's layout: /etc becomes /usr/etc, /var is not committed (seeded separately), and
    # the usual top-level directories become links into /var.
    cd "$tree"
    rm -f vmlinuz* initrd.img*
    rm -rf boot; mkdir boot
    mv etc usr/etc
    mv var "$seedvar"; mkdir var
    mv root "$seedvar/roothome"
    mv home srv mnt "$seedvar/"
    rm -rf opt
    rm -rf usr/local media tmp; mkdir -p "$seedvar/usrlocal"
    ln -s var/home home; ln -s var/roothome root; ln -s var/opt opt; ln -s var/srv srv
    ln -s var/mnt mnt; ln -s run/media media; ln -s sysroot/tmp tmp; ln -s ../var/usrlocal usr/local
    mkdir sysroot; ln -s sysroot/ostree ostree
    rm -rf dev/* proc/* sys/* run/*
    mkdir -p "$seedvar/opt"
    cd - >/dev/null
}
step "boothold package install + ostree layout" make_tree

# guest_ostree ARG...: PKGROOT's ostree, in a mount namespace of its own where PKGROOT is bound
# read-only onto itself with /proc, /dev and the work directory (at /mnt) on top; paths under
# the work directory are passed as /mnt/... . Nothing reaches the cached package layer.
guest_ostree() {
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --mount --propagation private sh -c '
        root=$1 work=$2; shift 2
        mount --bind "$root" "$root" && mount -o remount,bind,ro "$root" &&
        mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev" &&
        mount --bind "$work" "$root/mnt" &&
        exec chroot "$root" ostree "$@"' sh "$pkgroot" "$work" "$@"
}
ref=debian/e2e
make_sysroot() {
    mkdir -p "$sysroot"
    guest_ostree --version | sed -n 's/^ *Version: /build-image: the guest tree'"'"'s ostree /p' >&2
    guest_ostree admin init-fs /mnt/sysroot >&2
    guest_ostree admin os-init --sysroot=/mnt/sysroot debian >&2
    guest_ostree --repo=/mnt/sysroot/ostree/repo commit -b "$ref" --tree=dir=/mnt/tree \
        --add-metadata-string=version=1 -s "boothold e2e v1" >&2
    guest_ostree admin deploy --sysroot=/mnt/sysroot --os=debian \
        --karg=root=/dev/vda --karg=rw --karg=console=ttyS0 "$ref" >&2
    # The stateroot's /var: ostree 2022.7 does not populate it (2025.2 copies the commit's /var,
    # which is empty here).
    cp -a "$seedvar/." "$sysroot/ostree/deploy/debian/var/"
}
step "ostree commit + deploy" make_sysroot
commit=$(guest_ostree --repo=/mnt/sysroot/ostree/repo rev-parse "$ref")
rm -rf "$tree" "$seedvar"

make_disks() {
    local deployment
    deployment=$(find "$sysroot/ostree/deploy/debian/deploy" -mindepth 1 -maxdepth 1 -type d -name '*.0')
    # The deployment's /etc/fstab is ostree's private copy of /usr/etc/fstab.
    rm -f "$deployment/etc/fstab"
    echo "LABEL=ostboot /boot ext4 rw,nosuid,nodev 0 2" > "$deployment/etc/fstab"
    mv "$sysroot/boot" "$work/bootfs"; mkdir "$sysroot/boot"
    mkfs.ext4 -q -F -L ostroot -d "$sysroot" "$out/root.img" 3G
    mkfs.ext4 -q -F -L ostboot -d "$work/bootfs" "$out/boot.img" 256M
    entry=$(cd "$work/bootfs/loader/entries" && ls -- *.conf)
    [ "$(echo "$entry" | wc -l)" = 1 ] || { log "expected one boot loader entry, found: $entry"; return 1; }
}
step "mkfs.ext4 -d root + boot" make_disks
remove_sysroot "$sysroot"
rm -rf "$work"
printf 'KVER=%s\nCOMMIT=%s\nENTRY=%s\n' "$kver" "$commit" "$entry" > "$out/image.env"
log "done: $out (commit $commit)"

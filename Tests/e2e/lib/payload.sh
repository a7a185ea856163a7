# Payload disks: files that appear in the guest's root before systemd starts. Source it, then:
#
#   e2e_payload_disk DIR IMG     makes IMG (ext4, LABEL=E2EPAYLOAD, sparse) whose overlay/ is
#                                the content of DIR; boot with `e2e.payload` on the kernel command
#                                line and attach IMG as a read-only drive, and the base guest's
#                                initramfs copies it over the root (lib/guest-base/) before
#                                switch-root
#   e2e_payload_merge_usr DIR    moves DIR/{bin,sbin,lib,lib64} into DIR/usr/: the guest is
#                                merged-/usr, and copying a real lib/ over its /lib symlink fails
#   e2e_payload_driver DIR       adds the test driver (lib/guest/): e2e-driver.service runs
#                                /usr/local/libexec/e2e/scenario BOOT after multi-user.target,
#                                prints "E2E-GUEST-RC=<rc> boot=<n>" and powers the guest off
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

e2e_payload_merge_usr() {
    local dir=$1 top
    for top in bin sbin lib lib64; do
        [ -d "$dir/$top" ] && [ ! -L "$dir/$top" ] || continue
        mkdir -p "$dir/usr/$top"
        cp -a "$dir/$top/." "$dir/usr/$top/"
        rm -rf "${dir:?}/$top"
    done
}

e2e_payload_driver() {
    local dir=$1
    install -D -m 0755 "$E2E_LIB/guest/driver" "$dir/usr/local/libexec/e2e/driver"
    install -D -m 0644 "$E2E_LIB/guest/lib.sh" "$dir/usr/local/libexec/e2e/lib.sh"
    install -D -m 0644 "$E2E_LIB/guest/e2e-driver.service" "$dir/etc/systemd/system/e2e-driver.service"
    mkdir -p "$dir/etc/systemd/system/multi-user.target.wants"
    ln -sfn ../e2e-driver.service "$dir/etc/systemd/system/multi-user.target.wants/e2e-driver.service"
}

e2e_payload_disk() {
    local dir=$1 img=$2 top
    top=$(mktemp -d)
    mkdir "$top/overlay"
    cp -a "$dir/." "$top/overlay/"
    rm -f "$img"
    mkfs.ext4 -q -F -L E2EPAYLOAD -d "$top" "$img" 256M >/dev/null
    rm -rf "$top"
}

# The machine of ostree#2543's report: UEFI (Debian's OVMF), systemd-boot, one GPT disk with
# the ESP and the root, no fstab line for /boot and /boot an empty directory, so that
# systemd-gpt-auto-generator itself automounts the ESP at /boot (TimeoutIdleSec=120, made 1 s
# by a drop-in in /etc) and systemd-boot sets LoaderDevicePartUUID.
# The GPT disk is built once per base guest and cached beside it (uefi-<hash>/disk.img).

uefi_disk_dir() {
    local key
    key=$(sha256sum < "${BASH_SOURCE[0]}" | cut -c1-12)
    echo "$E2E_BASE/uefi-$key"
}

# Builds the cached disk: ESP (vfat, 256 MiB from 1 MiB) + root (ext4, 2 GiB from 257 MiB).
uefi_build_disk() {
    local dir=$1 work=$1.tmp root_uuid esp_uuid
    rm -rf "$work"; mkdir -p "$work/esp/EFI/BOOT" "$work/esp/loader/entries"
    root_uuid=$(cat /proc/sys/kernel/random/uuid)
    esp_uuid=$(cat /proc/sys/kernel/random/uuid)
    cp -a "$(dirname "$E2E_BASE/rootfs")/rootfs" "$work/rootfs"
    # No /boot line and an empty /boot: the conditions under which gpt-auto mounts the ESP.
    echo "PARTUUID=$root_uuid / ext4 rw 0 1" > "$work/rootfs/etc/fstab"
    find "$work/rootfs/boot" -mindepth 1 -delete
    cp "$work/rootfs/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$work/esp/EFI/BOOT/BOOTX64.EFI"
    cp "$E2E_BASE/vmlinuz" "$E2E_BASE/initrd.img" "$work/esp/"
    printf 'default debian.conf\ntimeout 0\n' > "$work/esp/loader/loader.conf"
    cat > "$work/esp/loader/entries/debian.conf" <<ENTRY
title Debian (boothold end-to-end)
linux /vmlinuz
initrd /initrd.img
options root=PARTUUID=$root_uuid rw console=ttyS0 panic=-1 no_timer_check quiet systemd.show_status=0 systemd.journald.forward_to_console=1 e2e.payload
ENTRY
    mkfs.fat -F 32 -n ESP -C "$work/esp.img" 262144 >/dev/null
    MTOOLS_SKIP_CHECK=1 mcopy -s -i "$work/esp.img" "$work/esp/"* ::/
    mkfs.ext4 -q -F -L e2eroot -d "$work/rootfs" "$work/root.img" 2097152k >/dev/null
    truncate -s 2310M "$work/disk.img"
    sfdisk -q "$work/disk.img" <<TABLE
label: gpt
start=1MiB, size=256MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=$esp_uuid, name=esp
start=257MiB, size=2048MiB, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, uuid=$root_uuid, name=root
TABLE
    dd if="$work/esp.img" of="$work/disk.img" bs=1M seek=1 conv=notrunc,sparse status=none
    dd if="$work/root.img" of="$work/disk.img" bs=1M seek=257 conv=notrunc,sparse status=none
    echo "$esp_uuid" > "$work/esp-partuuid"
    rm -rf "$work/rootfs" "$work/esp" "$work/esp.img" "$work/root.img"
    rm -rf "$dir"; mv "$work" "$dir"
}

machine_overlay() {
    local dir=$1
    mkdir -p "$dir/etc/systemd/system/boot.automount.d"
    printf '[Automount]\nTimeoutIdleSec=1\n' > "$dir/etc/systemd/system/boot.automount.d/short.conf"
}

machine_disks() {
    local out=$1 cached
    cached=$(uefi_disk_dir)
    if [ ! -e "$cached/disk.img" ]; then
        exec 8>"$E2E_BASE/.uefi.lock"; flock 8
        [ -e "$cached/disk.img" ] || uefi_build_disk "$cached" >&2
        exec 8>&-
    fi
    qemu-img create -q -f qcow2 -b "$cached/disk.img" -F raw "$out/disk.qcow2"
    cp "$cached/esp-partuuid" "$out/esp-partuuid"
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$out/ovmf-vars.fd"
}

machine_qemu_args() {
    local out=$1 payload=$2
    # The kernel command line is the cached loader entry's: no per-scenario words.
    [ -z "${E2E_KARGS:-}" ] || return 1
    MACHINE_QEMU_ARGS=(
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
        -drive "if=pflash,format=raw,unit=1,file=$out/ovmf-vars.fd"
        -drive "file=$out/disk.qcow2,if=virtio,format=qcow2,cache=unsafe"
        -drive "file=$payload,if=virtio,format=raw,readonly=on"
    )
}

machine_collect() {
    local out=$1
    e2e_disk_raw "$out/disk.qcow2" "$out/disk.raw"
    e2e_vfat_cat "$out/disk.raw@@1048576" finalized.txt > "$out/finalized.txt"
    e2e_ext4_rdump "$out/disk.raw?offset=$((257 * 1048576))" /var/log/journal "$out"
    e2e_ext4_rdump "$out/disk.raw?offset=$((257 * 1048576))" /var/lib/boothold "$out"
    rm -f "$out/disk.raw"
}

# Machine: /boot is a directory of the root file system and the ESP (the small vfat disk) an
# automount at /boot/efi from fstab (x-systemd.automount, idle timeout 1 s), as on Debian and
# Fedora installs; no unit files. The finalize command's /boot/finalized.txt is on the root disk,
# a drop-in's ESP writer's /boot/efi/esp.txt on the vfat disk.
. "$(dirname "${BASH_SOURCE[0]}")/bios-disks.sh"

machine_overlay() {
    local dir=$1
    mkdir -p "$dir/etc" "$dir/boot/efi"
    cat > "$dir/etc/fstab" <<'FSTAB'
/dev/vda / ext4 rw 0 1
LABEL=E2EBOOT /boot/efi vfat x-systemd.automount,x-systemd.idle-timeout=1 0 0
FSTAB
}

# machine_collect OUT: OUT/finalized.txt from the root's /boot, OUT/esp.txt from the ESP,
# OUT/journal/ and OUT/var-lib/ from the root.
machine_collect() {
    local out=$1
    e2e_vfat_cat "$out/boot.img" esp.txt > "$out/esp.txt"
    e2e_disk_raw "$out/root.qcow2" "$out/root.raw"
    e2e_ext4_cat "$out/root.raw" /boot/finalized.txt > "$out/finalized.txt"
    e2e_ext4_rdump "$out/root.raw" /var/log/journal "$out"
    e2e_ext4_rdump "$out/root.raw" /var/lib/boothold "$out"
    rm -f "$out/root.raw"
}

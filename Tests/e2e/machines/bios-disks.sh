# The BIOS machines' disks and boot: a throw-away qcow2 layer over the cached base root
# (/dev/vda), /boot on its own small vfat disk (LABEL=E2EBOOT, /dev/vdb), direct kernel boot.
# Sourced by a machine file; expects $E2E_BASE (the base guest directory).

machine_disks() {
    local out=$1
    qemu-img create -q -f qcow2 -b "$E2E_BASE/base.img" -F raw "$out/root.qcow2"
    truncate -s 64M "$out/boot.img"
    mkfs.vfat -n E2EBOOT "$out/boot.img" >/dev/null
}

# machine_qemu_args OUT PAYLOAD → MACHINE_QEMU_ARGS (kernel options: see lib/qemu.sh, plus
# the scenario's E2E_KARGS)
machine_qemu_args() {
    local out=$1 payload=$2
    MACHINE_QEMU_ARGS=(
        -kernel "$E2E_BASE/vmlinuz" -initrd "$E2E_BASE/initrd.img"
        -append "root=/dev/vda rw console=ttyS0 panic=-1 no_timer_check quiet systemd.show_status=0 systemd.journald.forward_to_console=1 e2e.payload${E2E_KARGS:+ $E2E_KARGS}"
        -drive "file=$out/root.qcow2,if=virtio,format=qcow2,cache=unsafe"
        -drive "file=$out/boot.img,if=virtio,format=raw"
        -drive "file=$payload,if=virtio,format=raw,readonly=on"
    )
}

# machine_collect OUT: OUT/finalized.txt from /boot, OUT/journal/ and OUT/var-lib/ from the root.
machine_collect() {
    local out=$1
    e2e_vfat_cat "$out/boot.img" finalized.txt > "$out/finalized.txt"
    e2e_disk_raw "$out/root.qcow2" "$out/root.raw"
    e2e_ext4_rdump "$out/root.raw" /var/log/journal "$out"
    e2e_ext4_rdump "$out/root.raw" /var/lib/boothold "$out"
    rm -f "$out/root.raw"
}

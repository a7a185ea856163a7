# Machine: /boot is an automount from unit files: boot.mount + boot.automount (TimeoutIdleSec=1),
# enabled from local-fs.target.wants, as an administrator or image builder would install them.
. "$(dirname "${BASH_SOURCE[0]}")/bios-disks.sh"

machine_overlay() {
    local units=$1/etc/systemd/system
    mkdir -p "$units/local-fs.target.wants"
    cat > "$units/boot.mount" <<'UNIT'
[Unit]
Description=Boot partition (test machine)

[Mount]
What=/dev/disk/by-label/E2EBOOT
Where=/boot
Type=vfat
UNIT
    cat > "$units/boot.automount" <<'UNIT'
[Unit]
Description=Boot partition automount (test machine)

[Automount]
Where=/boot
TimeoutIdleSec=1

[Install]
WantedBy=local-fs.target
UNIT
    ln -s ../boot.automount "$units/local-fs.target.wants/boot.automount"
}

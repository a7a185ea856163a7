# Machine: /boot is an automount from fstab (x-systemd.automount, idle timeout 1 s); no unit files.
. "$(dirname "${BASH_SOURCE[0]}")/bios-disks.sh"

machine_overlay() {
    local dir=$1
    mkdir -p "$dir/etc"
    cat > "$dir/etc/fstab" <<'FSTAB'
/dev/vda / ext4 rw 0 1
LABEL=E2EBOOT /boot vfat x-systemd.automount,x-systemd.idle-timeout=1 0 0
FSTAB
}

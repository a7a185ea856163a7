# shellcheck shell=bash
# Sourced by run.sh. The ostree guest's "boot loader" and one boot under QEMU.
#
#   ostree_boot RUN_DIR N TIMEOUT KARGS...
#       Reads /boot from RUN_DIR/boot.img without mounting it (debugfs rdump into
#       RUN_DIR/bootdump-N), picks the Boot Loader Specification entry with the highest
#       `version` under loader/entries (what a BLS boot loader does; ostree makes the newest
#       deployment the highest), and boots its linux/initrd/options plus KARGS with RUN_DIR/root.img,
#       boot.img and payload.img attached. The serial console (journal forwarded) goes to
#       RUN_DIR/serial-N.log, the entry booted to RUN_DIR/boot-N-entry.conf.
#       Returns 0 when the guest printed E2E-GUEST-RC=0 and QEMU ended by itself, 1 when the
#       guest reported a failure, 2 on an infrastructure problem (no entry, timeout, no RC line).
#       With E2E_CUT_AT=ERE set, the power is cut: QEMU is killed (SIGKILL) as soon as a line
#       of the serial console matches ERE; RUN_DIR/boot-N-cut then holds the matching line and
#       the console's last lines before the cut, and the end counts as clean.
#   ostree_entries RUN_DIR  prints the entry file names on boot.img (after the last boot)
#
# The machine and the acceleration choice are ../lib/qemu.sh's (e2e_accel). Its e2e_boot is not
# used: it counts only a power-off as a clean end, and these scenarios reboot between phases
# like ostree's own tests (`-no-reboot` turns the guest's reboot into a clean QEMU exit).

ostree_dump_boot() {   # ostree_dump_boot IMG DIR
    rm -rf "$2"; mkdir -p "$2"
    debugfs -R "rdump / $2" "$1" >/dev/null 2>&1 || return 1
    [ -d "$2/loader/entries" ]
}

ostree_pick_entry() {   # ostree_pick_entry DIR -> entry path with the highest version
    local f v
    for f in "$1"/loader/entries/*.conf; do
        [ -f "$f" ] || continue
        v=$(awk '$1 == "version" { print $2; exit }' "$f")
        [ -n "$v" ] && printf '%s\t%s\n' "$v" "$f"
    done | sort -V -k1,1 | tail -n 1 | cut -f2- | grep .
}

ostree_entry_key() {   # ostree_entry_key FILE KEY
    awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$1"
}

ostree_entries() {
    debugfs -R "ls -l /loader/entries" "$1/boot.img" 2>/dev/null | awk '/\.conf/ { print $NF }' | sort | tr '\n' ' '
}

ostree_qemu_accel() {   # prints "-accel X -cpu Y"
    case $(e2e_accel) in
        kvm) echo "-accel kvm -cpu host" ;;
        *) echo "-accel tcg,thread=multi -cpu max" ;;
    esac
}

ostree_boot() {
    local run=$1 n=$2 limit=$3; shift 3
    local dump=$run/bootdump-$n entry linux initrd options rc
    if ! ostree_dump_boot "$run/boot.img" "$dump"; then
        echo "boot $n: cannot read /boot/loader from boot.img" >&2; return 2
    fi
    entry=$(ostree_pick_entry "$dump") || { echo "boot $n: no BLS entry" >&2; return 2; }
    cp "$entry" "$run/boot-$n-entry.conf"
    # ostree writes paths relative to the /boot file system (no /boot prefix).
    linux=$dump$(ostree_entry_key "$entry" linux)
    initrd=$dump$(ostree_entry_key "$entry" initrd)
    options=$(ostree_entry_key "$entry" options)
    if [ ! -f "$linux" ] || [ ! -f "$initrd" ]; then echo "boot $n: kernel or initrd of $entry missing" >&2; return 2; fi

    local t0=$SECONDS accel pid cut=no
    read -r -a accel <<< "$(ostree_qemu_accel)"
    rm -f "$run/qemu-$n.pid" "$run/boot-$n-cut"
    : > "$run/serial-$n.log"
    timeout --foreground -k 10 "$limit" qemu-system-x86_64 -pidfile "$run/qemu-$n.pid" \
        "${accel[@]}" -machine q35 -smp "$(e2e_smp)" -m 1024 \
        -nodefaults -display none -no-reboot \
        -kernel "$linux" -initrd "$initrd" \
        -append "$options panic=-1 no_timer_check quiet systemd.show_status=0 systemd.journald.forward_to_console=1 rd.shell=0 rd.emergency=reboot $*" \
        -drive "file=$run/root.img,if=virtio,format=raw,cache=unsafe" \
        -drive "file=$run/boot.img,if=virtio,format=raw,cache=unsafe" \
        -drive "file=$run/payload.img,if=virtio,format=raw,readonly=on" \
        -serial "file:$run/serial-$n.log" </dev/null >"$run/qemu-$n.log" 2>&1 &
    pid=$!
    if [ -n "${E2E_CUT_AT:-}" ]; then
        while kill -0 "$pid" 2>/dev/null; do
            if grep -a -q -E "$E2E_CUT_AT" "$run/serial-$n.log"; then
                kill -KILL "$(cat "$run/qemu-$n.pid")" 2>/dev/null && cut=yes
                { grep -a -m1 -E "$E2E_CUT_AT" "$run/serial-$n.log"; echo "---- the console's last lines:"
                  tail -n 8 "$run/serial-$n.log"; } > "$run/boot-$n-cut"
                break
            fi
            sleep 0.1
        done
    fi
    wait "$pid"
    rc=$?
    [ "$cut" = yes ] && [ "$rc" = 137 ] && rc=0
    echo "$((SECONDS - t0))" > "$run/boot-$n-seconds"
    rm -rf "$dump"
    if [ $rc -ne 0 ]; then
        echo "boot $n: qemu ended with $rc after $((SECONDS - t0)) s (124 = timeout)" >&2; return 2
    fi
    local guest
    guest=$(grep -a -o 'E2E-GUEST-RC=[0-9]*' "$run/serial-$n.log" | tail -n 1 | cut -d= -f2)
    [ -n "$guest" ] || { echo "boot $n: the guest never reported" >&2; return 2; }
    [ "$guest" = 0 ] || return 1
    return 0
}

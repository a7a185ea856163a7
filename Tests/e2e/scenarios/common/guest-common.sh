# Shared steps of the scenarios, inside the guest: `. /usr/local/libexec/e2e/scenario-common.sh`.
. /usr/local/libexec/e2e/lib.sh
PROFILE=e2e-finalize
HOLD=$PROFILE-hold.service
STAGED=/run/e2e/staged
GENERATED=/run/systemd/generator

# What the generator made of the profile at this boot: "paired", "plain" or "none" (with
# boothold=0: the stand-ins of ostree's own units in /usr/lib/systemd/system run), plus its
# decision comments (one line per path, with the reason) for the log.
note_generated() {
    local tag=$1 kind=none
    [ -e "$GENERATED/$PROFILE.service" ] && kind=plain
    [ -e "$GENERATED/$PROFILE-hold.service" ] && kind=paired
    note "${tag}units" "$kind"
    note "${tag}finalize_fragment" "$(systemctl show -P FragmentPath "$PROFILE.service")"
    # The whole text, for the post-mortem (the journal keeps it with the run).
    local unit
    for unit in "$GENERATED/$PROFILE.service" "$GENERATED/$PROFILE-hold.service"; do
        [ -e "$unit" ] && sed "s|^|E2E-UNIT $tag${unit##*/}: |" "$unit"
    done
    return 0
}

# Stage as ostree >= 2025.2 does: start the finalize unit (and with it the hold), then write
# the staged file. The hold pins /boot only once the file is there: wait for that (a few
# hundred ms; the stand-in of ostree's own hold has /boot mounted from its start).
# `stage nowait`: no hold is expected to pin (masked).
stage() {
    start_units
    write_staged
    [ "${1:-}" = nowait ] || wait_pinned
    stop_keeper
}

# The stand-ins of ostree's own units (boothold=0) are loaded from /lib/systemd/system.
vendor_units() {
    case $(systemctl show -P FragmentPath "$PROFILE.service") in
        */lib/systemd/system/*) return 0 ;;
    esac
    return 1
}

# Start the finalize unit (and with it the hold). For the stand-ins of ostree's own units the
# test keeps /boot busy meanwhile, as ostree's deploy does: their RequiresMountsFor=/boot
# mounts it directly, and on a loaded host that mount can expire (TimeoutIdleSec=1) before the
# units are up, which cancels their start jobs ("Job for e2e-finalize.service canceled") and
# the control would not be the fault it is meant to be.
keeper=""
start_units() {
    if vendor_units; then
        (cd /boot && exec sleep 120) &
        keeper=$!
        wait_fstype /boot vfat 30
    fi
    systemctl start "$PROFILE.service"
    note start_result "$(systemctl is-active "$PROFILE.service")"
}
stop_keeper() {
    [ -n "$keeper" ] || return 0
    sleep 0.5   # the stand-in hold's shell changes into /boot just after its exec
    kill "$keeper"; wait "$keeper" 2>/dev/null
    keeper=""
}

write_staged() {
    mkdir -p "${STAGED%/*}"
    echo staged > "$STAGED"
    note staged_at "$(uptime_s)"
}

# pinned_after: seconds from now until /boot has its file system on it ("never" within 10 s).
wait_pinned() {
    local t0
    t0=$(uptime_s)
    if wait_fstype /boot vfat 10; then
        note pinned_after "$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.2f", b - a }')"
    else
        note pinned_after never
    fi
}

hold_pid() { systemctl show -P MainPID "$HOLD"; }

# wait_hold_back OLD_PID SECONDS: until the hold is active again with another main process;
# notes hold_back_after (seconds, or "never") and hold_back_pid.
wait_hold_back() {
    local old=$1 t0 end pid
    t0=$(uptime_s)
    # By the clock: under emulation one round of systemctl calls takes a good part of a second.
    end=$(( $(uptime_cs) + $2 * 100 ))
    while [ "$(uptime_cs)" -lt "$end" ]; do
        pid=$(hold_pid)
        if [ "$pid" != 0 ] && [ "$pid" != "$old" ] && [ "$(systemctl is-active "$HOLD")" = active ]; then
            note hold_back_after "$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.2f", b - a }')"
            note hold_back_pid "$pid"
            return 0
        fi
        sleep 0.1
    done
    note hold_back_after never
    return 0
}

# The hold masked (an administrator's `systemctl mask`), in effect at once.
mask_hold() {
    systemctl mask "$HOLD" 2>&1
    systemctl daemon-reload
    note hold_load_state "$(systemctl show -P LoadState "$HOLD")"
}

# Test only: the finalize unit ordered after boot.automount, so that at shutdown its ExecStop=
# runs while boot.automount's stop job is queued and systemd refuses the automount (EHOSTDOWN,
# "Suppressing automount request since unit stop is scheduled") instead of the automount unit
# being gone already.
order_after_automount() {
    mkdir -p "/etc/systemd/system/$PROFILE.service.d"
    printf '[Unit]\nAfter=boot.automount\n' > "/etc/systemd/system/$PROFILE.service.d/e2e-after-automount.conf"
    systemctl daemon-reload
    note finalize_after "$(systemctl show -P After "$PROFILE.service" | tr ' ' '\n' | grep -x boot.automount)"
}

# Test only: the hold's ExecStart= (whichever unit is loaded) wrapped in fail-once, which exits 1
# the first time and then execs the real command line.
fail_hold_once() {
    local fragment
    fragment=$(systemctl show -P FragmentPath "$HOLD")
    mkdir -p "/etc/systemd/system/$HOLD.d"
    {
        printf '[Service]\nExecStart=\n'
        grep -m1 '^ExecStart=' "$fragment" \
            | sed 's|^ExecStart=\([-@:+!]*\)|ExecStart=\1/usr/local/libexec/e2e/fail-once |'
    } > "/etc/systemd/system/$HOLD.d/e2e-fail-once.conf"
    sed 's/^/E2E-UNIT drop-in: /' "/etc/systemd/system/$HOLD.d/e2e-fail-once.conf"
    systemctl daemon-reload
}

# The staged file written and the power-off requested a moment later, after the driver's
# report line (the driver runs /run/e2e/at-poweroff instead of powering off itself).
stage_at_poweroff() {
    mkdir -p /run/e2e
    cat > /run/e2e/at-poweroff <<SCRIPT
# The shutdown stops the driver's unit at once: outlive its SIGTERM to report the times.
trap '' TERM
read -r t0 _ < /proc/uptime
echo staged > $STAGED
systemctl --no-block poweroff
read -r t1 _ < /proc/uptime
echo "E2E-NOTE staged_at=\$t0"
echo "E2E-NOTE poweroff_requested_at=\$t1"
SCRIPT
}

# Something touches /boot once, as an updater writing its files there does (ostree's deploy);
# then nothing holds it and the automount expires: only the autofs is left at /boot.
touch_and_expire() {
    ls /boot >/dev/null
    note touched_boot_fstype "$(fstype_at /boot)"
    wait_fstype /boot autofs 15
    note expired_boot_fstype "$(fstype_at /boot)"
}

# The states the host checks, read without touching /boot.
# note_states TAG [MOUNTPOINT MOUNT_UNIT NAME]: another mount than /boot (boot.mount, "boot"),
# e.g. `note_states staged_ /boot/efi boot-efi.mount esp` notes staged_esp_fstype, ….
note_states() {
    local tag=$1 path=${2:-/boot} unit=${3:-boot.mount} name=${4:-boot}
    note "${tag}${name}_fstype" "$(fstype_at "$path")"
    note "${tag}${name}_mount" "$(systemctl is-active "$unit")"
    note "${tag}finalize" "$(systemctl is-active "$PROFILE.service")"
    note "${tag}hold" "$(systemctl is-active "$PROFILE-hold.service")"
}

# ctl_status TAG: what `bootholdctl status` (the product's, /usr/bin/bootholdctl) says about
# the profile at this step, for the host: one line `E2E-STATUS TAG rc=N {json}` and the text
# form as `E2E-STATUS-TEXT TAG: LINE` lines. It reads the mount table and /proc only, so it
# must not trigger the automount.
ctl_status() {
    local tag=$1 json rc=0
    json=$(bootholdctl status "$PROFILE" --json 2>&1) || rc=$?
    echo "E2E-STATUS $tag rc=$rc $json"
    bootholdctl status "$PROFILE" 2>&1 | sed "s|^|E2E-STATUS-TEXT $tag: |"
    return 0
}

# later_boot BOOT: on a boot after the scenario's first (boots=2 in scenario.conf), only the
# status after the reboot: `later_boot "$@" && exit 0` at the top of a guest.sh.
later_boot() {
    [ "${1:-1}" -gt 1 ] || return 1
    ctl_status after_reboot
}

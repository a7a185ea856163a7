# One scenario run: payload → disks → boot(s) → read the disks → checks. Sourced by run.sh
# (which has sourced lib/*.sh and set E2E_BASE and E2E_PRODUCT, the installed product tree).
#
#   run_scenario SCENARIO_DIR OUT    exit status 0 pass, 1 fail, 2 infrastructure;
#                                    OUT/result holds the one-line summary
#
# A scenario directory has scenario.conf, guest.sh (runs in the guest with the boot number)
# and check.sh (host assertions, see checks.sh). scenario.conf sets
#   machine=     a file of machines/ (the disks, the boot, where /boot comes from)
#   hold=        the profile's Hold= (auto)           trigger=  its Trigger= (none)
#   timeout_sec= the profile's TimeoutSec= (30s), also the vendor units' TimeoutStopSec=
#   boots=       boots of the same disks (1)          timeout=  seconds allowed per boot (180;
#                BOOTHOLD_E2E_BOOT_TIMEOUT raises it on a loaded host, as for the ostree runner)
#   guest=       the scenario whose guest.sh runs (this one): a control shares its fault's script
#   kargs=       more kernel command line words, e.g. boothold=0 (BIOS machines only)
#   vendor=yes   also install stand-ins of ostree's own units (common/vendor/: finalize unit
#                with RequiresMountsFor=, a Type=exec hold that keeps /boot busy, a path
#                unit when trigger=path); with kargs=boothold=0 they are what runs
#   slow_mount=N /boot takes N s to mount: a mount.vfat helper that sleeps first
#   suites=      the Debian suites it runs on (all); run.sh lists it as SKIP on the others
#   root/        a directory of the guest's scenario (guest=, else this one): copied into the
#                guest's root as it is (drop-ins, helper commands the scenario needs at boot)
#   bootc=yes    also install a stand-in bootc (common/bootc/: /usr/bin/bootc, bootc's own
#                bootc-finalize-staged.service, an empty /sysroot); with composefs=… in kargs
#                the shipped bootc profile applies

# Where scenarios/, machines/ and checks.sh are read from: run.sh points this at a copy taken
# when the run starts, so that editing the tree during a long run cannot mix two versions.
E2E_HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_SCENARIOS=$E2E_HARNESS/scenarios

# The overlay every scenario gets: the installed product, the driver, the test profile.
# Reads the scenario.conf variables (hold, trigger, timeout_sec, guest, vendor, slow_mount).
scenario_overlay() {
    local sc=$1 dir=$2 common=$E2E_SCENARIOS/common libexec=$2/usr/local/libexec/e2e
    mkdir -p "$dir"
    cp -a "$E2E_PRODUCT/." "$dir/"
    e2e_payload_driver "$dir"
    install -m 0755 "$E2E_SCENARIOS/${guest:-$(basename "$sc")}/guest.sh" "$libexec/scenario"
    install -m 0644 "$common/guest-common.sh" "$libexec/scenario-common.sh"
    install -m 0755 "$common/finalize-write" "$common/fail-once" "$libexec/"
    local own=$E2E_SCENARIOS/${guest:-$(basename "$sc")}/root
    if [ -d "$own" ]; then cp -a "$own/." "$dir/"; fi
    mkdir -p "$dir/etc/boothold/boothold.conf.d"
    sed -e "s/@HOLD@/$hold/" -e "s/@TRIGGER@/$trigger/" -e "s/@TIMEOUT_SEC@/$timeout_sec/" \
        "$common/profile.conf.in" > "$dir/etc/boothold/boothold.conf.d/e2e.conf"
    if [ "$vendor" = yes ]; then
        local units=$dir/usr/lib/systemd/system unit
        mkdir -p "$units"
        for unit in e2e-finalize.service e2e-finalize-hold.service; do
            sed "s/@TIMEOUT_SEC@/$timeout_sec/" "$common/vendor/$unit" > "$units/$unit"
        done
        if [ "$trigger" = path ]; then
            install -m 0644 "$common/vendor/e2e-finalize.path" "$units/"
            mkdir -p "$dir/etc/systemd/system/multi-user.target.wants"
            ln -sfn /usr/lib/systemd/system/e2e-finalize.path "$dir/etc/systemd/system/multi-user.target.wants/"
        fi
    fi
    if [ "${bootc:-no}" = yes ]; then
        install -D -m 0755 "$common/bootc/bootc" "$dir/usr/bin/bootc"
        mkdir -p "$dir/usr/lib/systemd/system" "$dir/sysroot"
        sed "s/@TIMEOUT_SEC@/$timeout_sec/" "$common/bootc/bootc-finalize-staged.service" \
            > "$dir/usr/lib/systemd/system/bootc-finalize-staged.service"
    fi
    if [ "${slow_mount:-0}" != 0 ]; then
        mkdir -p "$dir/usr/sbin"
        sed "s/@SECONDS@/$slow_mount/" "$common/mount.vfat.in" > "$dir/usr/sbin/mount.vfat"
        chmod 0755 "$dir/usr/sbin/mount.vfat"
    fi
}

# Seconds (kernel clock) of the first serial line matching PATTERN.
serial_time() {
    grep -m1 -- "$2" "$1" 2>/dev/null | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}

run_scenario() (
    local sc=$1 machine hold=auto trigger=none boots=1 timeout=180 timeout_sec=30s b rc
    local guest="" kargs="" vendor=no slow_mount=0
    OUT=$2
    mkdir -p "$OUT"
    # shellcheck source=/dev/null
    . "$sc/scenario.conf"
    [ "${BOOTHOLD_E2E_BOOT_TIMEOUT:-0}" -gt "$timeout" ] && timeout=$BOOTHOLD_E2E_BOOT_TIMEOUT
    # shellcheck source=/dev/null
    . "$E2E_HARNESS/machines/$machine.sh"

    scenario_overlay "$sc" "$OUT/overlay"
    machine_overlay "$OUT/overlay"
    e2e_payload_disk "$OUT/overlay" "$OUT/payload.img"
    machine_disks "$OUT"
    # shellcheck disable=SC2034 # read by machine_qemu_args (machines/bios-disks.sh)
    E2E_KARGS=$kargs
    if ! machine_qemu_args "$OUT" "$OUT/payload.img"; then
        echo "machine $machine: cannot boot this scenario (kargs=$kargs?)" > "$OUT/result"
        exit "$E2E_EXIT_INFRA"
    fi

    for b in $(seq 1 "$boots"); do
        rc=0
        e2e_boot "$OUT/boot-$b" "$timeout" "${MACHINE_QEMU_ARGS[@]}" || rc=$?
        echo "$E2E_BOOT_SECONDS" > "$OUT/boot-$b/qemu-seconds"
        if [ "$rc" != 0 ] && grep -q "E2E-GUEST-RC=" "$OUT/boot-$b/serial.log"; then
            # The scenario ran and then the guest never powered off: the shutdown under test
            # hung. That is the product's failure, not the harness's; judge what is on disk.
            mv "$OUT/boot-$b/infra" "$OUT/boot-$b/shutdown-hung"
            break
        fi
        if [ "$rc" != 0 ]; then
            echo "boot $b: $(cat "$OUT/boot-$b/infra")" > "$OUT/result"
            exit "$E2E_EXIT_INFRA"
        fi
        if ! grep -q "E2E-GUEST-RC=" "$OUT/boot-$b/serial.log"; then
            echo "boot $b: the guest powered off without running the scenario" > "$OUT/result"
            exit "$E2E_EXIT_INFRA"
        fi
    done
    machine_collect "$OUT"
    judge_scenario "$sc" "$OUT"
)

# judge_scenario SCENARIO_DIR OUT: the checks alone, over what a finished run left in OUT
# (run.sh --recheck uses it after a change to the checks).
judge_scenario() (
    local sc=$1 boots=1 b
    OUT=$2
    : > "$OUT/failures"; : > "$OUT/facts"
    # shellcheck source=/dev/null
    . "$sc/scenario.conf"
    for b in $(seq 1 "$boots"); do
        [ -e "$OUT/boot-$b/serial.log" ] || { echo "boot $b: not booted" >> "$OUT/failures"; continue; }
        grep -q "E2E-GUEST-RC=0 " "$OUT/boot-$b/serial.log" \
            || echo "boot $b: guest script: $(grep -m1 -o 'E2E-GUEST-RC=[0-9]*' "$OUT/boot-$b/serial.log")" >> "$OUT/failures"
        [ -e "$OUT/boot-$b/shutdown-hung" ] \
            && echo "boot $b: shutdown hung after the scenario ($(cat "$OUT/boot-$b/shutdown-hung"))" >> "$OUT/failures"
    done

    # shellcheck source=/dev/null
    . "$E2E_HARNESS/checks.sh"
    # shellcheck source=/dev/null
    . "$sc/check.sh"

    # Times of the first boot: to multi-user.target and from the driver's power-off to the end.
    local s1=$OUT/boot-1/serial.log boot_s rc_s off_s timing qemu_s
    qemu_s=$(cat "$OUT/boot-1/qemu-seconds" 2>/dev/null || echo 0)
    boot_s=$(serial_time "$s1" 'Reached target multi-user.target')
    rc_s=$(serial_time "$s1" 'E2E-GUEST-RC=')
    off_s=$(serial_time "$s1" 'reboot: Power down')
    timing=$(awk -v b="$boot_s" -v r="$rc_s" -v o="$off_s" -v q="$qemu_s" \
        'BEGIN { printf "multi-user at %.1f s, shutdown %s, qemu %d s", b, o == "" ? "hung" : sprintf("%.1f s", o - r), q }')
    echo "$timing" >> "$OUT/facts"
    echo "${boot_s:-?} $(awk -v r="$rc_s" -v o="$off_s" 'BEGIN { printf "%.1f", o - r }') $qemu_s" > "$OUT/timing"

    if [ -s "$OUT/failures" ]; then
        echo "$(paste -sd';' "$OUT/failures") ($timing)" > "$OUT/result"
        exit "$E2E_EXIT_FAIL"
    fi
    echo "$timing" > "$OUT/result"
    exit "$E2E_EXIT_PASS"
)

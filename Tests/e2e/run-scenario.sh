# One scenario run: payload → disks → boot(s) → read the disks → checks. Sourced by run.sh
# (which has sourced lib/*.sh and set E2E_BASE and E2E_PRODUCT, the installed product tree).
#
#   run_scenario SCENARIO_DIR OUT    exit status 0 pass, 1 fail, 2 infrastructure;
#                                    OUT/result holds the one-line summary
#
# A scenario directory has scenario.conf (machine=, hold=, boots=, timeout= seconds per boot,
# timeout_sec= the profile's TimeoutSec=), guest.sh (runs in the guest with the boot number)
# and check.sh (host assertions, see checks.sh).

# Where scenarios/, machines/ and checks.sh are read from: run.sh points this at a copy taken
# when the run starts, so that editing the tree during a long run cannot mix two versions.
E2E_HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_SCENARIOS=$E2E_HARNESS/scenarios

# The overlay every scenario gets: the installed product, the driver, the test profile.
scenario_overlay() {
    local sc=$1 dir=$2 hold=$3 timeout_sec=$4
    mkdir -p "$dir"
    cp -a "$E2E_PRODUCT/." "$dir/"
    e2e_payload_driver "$dir"
    install -m 0755 "$sc/guest.sh" "$dir/usr/local/libexec/e2e/scenario"
    install -m 0644 "$E2E_SCENARIOS/common/guest-common.sh" "$dir/usr/local/libexec/e2e/scenario-common.sh"
    install -m 0755 "$E2E_SCENARIOS/common/finalize-write" "$dir/usr/local/libexec/e2e/finalize-write"
    mkdir -p "$dir/etc/boothold/boothold.conf.d"
    sed -e "s/@HOLD@/$hold/" -e "s/@TIMEOUT_SEC@/$timeout_sec/" "$E2E_SCENARIOS/common/profile.conf.in" > "$dir/etc/boothold/boothold.conf.d/e2e.conf"
}

# Seconds (kernel clock) of the first serial line matching PATTERN.
serial_time() {
    grep -m1 -- "$2" "$1" 2>/dev/null | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}

run_scenario() (
    local sc=$1 machine hold=auto boots=1 timeout=180 timeout_sec=30s b rc
    OUT=$2
    mkdir -p "$OUT"
    # shellcheck source=/dev/null
    . "$sc/scenario.conf"
    # shellcheck source=/dev/null
    . "$E2E_HARNESS/machines/$machine.sh"

    scenario_overlay "$sc" "$OUT/overlay" "$hold" "$timeout_sec"
    machine_overlay "$OUT/overlay"
    e2e_payload_disk "$OUT/overlay" "$OUT/payload.img"
    machine_disks "$OUT"
    machine_qemu_args "$OUT" "$OUT/payload.img"

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

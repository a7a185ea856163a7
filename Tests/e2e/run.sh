#!/usr/bin/env bash
# End-to-end boots under QEMU: a real Debian guest (bookworm: systemd 252; trixie: systemd 257)
# with boothold installed by meson-install.sh, one throw-away disk per scenario, results read
# from the disks after the guest powered off.
#
#   Tests/e2e/run.sh [--suite SUITE] [--repeat N] [--keep-disks] [SCENARIO…]
#   Tests/e2e/run.sh --recheck RUN_DIR…    judge finished runs again with the current checks
#
# --suite bookworm (the default, or $E2E_SUITE) or trixie: the Debian suite of the base guest
# (lib/base-rootfs.sh builds and caches one per suite); the scenarios are the same.
# SCENARIO is a scenario directory name or its number (default: all). Prints one line per
# scenario run and "SUITE: N passed, N failed". Exit 0 all passed, 1 a scenario failed, 2 only
# infrastructure failures (hung guest, missing tools, the base guest could not be built).
# Logs and results: $BOOTHOLD_E2E_CACHE/runs/<time>-<suite>/ (default .build-e2e/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/qemu.sh"
. "$here/lib/payload.sh"
. "$here/lib/results.sh"
. "$here/run-scenario.sh"

repeat=1 keep=no selected=()
if [ "${1:-}" = --recheck ]; then
    shift
    for out in "$@"; do
        name=$(basename "$out"); name=${name%-*}
        rc=0
        judge_scenario "$E2E_SCENARIOS/$name" "$out" || rc=$?
        printf '%-5s %-22s %s\n' "$([ "$rc" = 0 ] && echo PASS || echo FAIL)" "$name" "$(cat "$out/result")"
    done
    exit 0
fi
while [ $# -gt 0 ]; do
    case $1 in
        --repeat) repeat=${2:?--repeat needs a count}; shift ;;
        --suite) e2e_set_suite "${2:?--suite needs bookworm or trixie}" || exit 2; shift ;;
        --keep-disks) keep=yes ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) selected+=("$1") ;;
    esac
    shift
done

scenarios=()
# In number order (1-control … 24-vendor-dropin-esp).
for name in $(cd "$E2E_SCENARIOS" && printf '%s\n' [0-9]*/ | tr -d / | sort -n); do
    if [ ${#selected[@]} -eq 0 ]; then scenarios+=("$name"); continue; fi
    for want in "${selected[@]}"; do
        [ "$want" = "$name" ] || [ "$want" = "${name%%-*}" ] && scenarios+=("$name")
    done
done
[ ${#scenarios[@]} -gt 0 ] || { echo "run.sh: no scenario matches: ${selected[*]}" >&2; exit 2; }

for tool in qemu-system-x86_64 qemu-img debootstrap mkfs.ext4 mkfs.vfat mtype mcopy debugfs sfdisk journalctl timeout; do
    command -v "$tool" >/dev/null || { echo "e2e: missing $tool (install the packages .ci/run names)" >&2; exit 2; }
done

started=$SECONDS
rootfs=$("$here/lib/base-rootfs.sh") || exit 2
E2E_BASE=$(dirname "$rootfs")
e2e_log "base guest ($E2E_SUITE): $E2E_BASE (built in $(cat "$E2E_BASE/build-seconds") s), accelerator: $(e2e_accel)"

runs=$E2E_CACHE/runs/$(date -u +%Y%m%dT%H%M%S)-$E2E_SUITE
mkdir -p "$runs"
E2E_PRODUCT=$runs/product
mkdir -p "$runs/harness"
cp -a "$here/scenarios" "$here/machines" "$here/checks.sh" "$runs/harness/"
# shellcheck disable=SC2034 # read by the functions of run-scenario.sh
E2E_HARNESS=$runs/harness E2E_SCENARIOS=$runs/harness/scenarios
e2e_log "installing boothold with meson-install.sh into $E2E_PRODUCT"
if ! (cd "$E2E_REPO" && ./meson-install.sh --destdir "$E2E_PRODUCT" --prefix /usr) > "$runs/install.log" 2>&1; then
    tail -n 20 "$runs/install.log" >&2
    echo "FAIL install: meson-install.sh failed (see $runs/install.log)"
    echo "0 passed, ${#scenarios[@]} failed"
    exit 1
fi
e2e_payload_merge_usr "$E2E_PRODUCT"

# A scenario whose scenario.conf names a known_gap= is a fault boothold does not handle yet:
# it runs like any other, and a failure is reported as GAP with that text instead of failing
# the run (a pass is a PASS). The gap stays visible in every run's summary.
# shellcheck source=/dev/null
known_gap() { (known_gap=""; . "$E2E_SCENARIOS/$1/scenario.conf"; printf '%s' "$known_gap"); }
# A scenario whose scenario.conf names suites= runs only on those (systemctl soft-reboot needs
# systemd >= 254: trixie); on another suite it is listed as SKIP and counts as neither.
# shellcheck source=/dev/null
scenario_suites() { (suites=""; . "$E2E_SCENARIOS/$1/scenario.conf"; printf '%s' "$suites"); }
passed=0 failed=0 infra=0 gaps=0 skipped=0
for i in $(seq 1 "$repeat"); do
    for name in "${scenarios[@]}"; do
        only=$(scenario_suites "$name")
        if [ -n "$only" ] && [[ " $only " != *" $E2E_SUITE "* ]]; then
            printf '%-5s %-22s %s\n' SKIP "$name" "runs on $only only"
            skipped=$((skipped + 1))
            continue
        fi
        out=$runs/$name-$i
        rc=0
        run_scenario "$E2E_SCENARIOS/$name" "$out" || rc=$?
        case $rc in
            0) verdict=PASS; passed=$((passed + 1)) ;;
            2) verdict=INFRA; failed=$((failed + 1)); infra=$((infra + 1)) ;;
            *) verdict=FAIL; failed=$((failed + 1)) ;;
        esac
        gap=$(known_gap "$name")
        if [ "$verdict" = FAIL ] && [ -n "$gap" ]; then
            verdict=GAP; failed=$((failed - 1)); gaps=$((gaps + 1))
            echo "known gap: $gap; $(cat "$out/result" 2>/dev/null)" > "$out/result"
        fi
        echo "$verdict" > "$out/verdict"
        printf '%-5s %-22s %s\n' "$verdict" "$name" "$(cat "$out/result" 2>/dev/null || echo "no result (see $out)")"
        [ "$keep" = yes ] || rm -f "$out"/*.img "$out"/*.qcow2 "$out"/*.fd
    done
done
if [ "$repeat" -gt 1 ]; then
    # Per scenario: passes, and the range of boot (to multi-user), shutdown and qemu times.
    for name in "${scenarios[@]}"; do
        n=$(grep -l . "$runs/$name"-*/result 2>/dev/null | wc -l)
        ok=$(grep -h '^PASS' "$runs/$name"-*/verdict 2>/dev/null | wc -l)
        cat "$runs/$name"-*/timing 2>/dev/null | awk -v name="$name" -v ok="$ok" -v n="$n" '
            NR == 1 { b0 = b1 = $1; s0 = s1 = $2; q0 = q1 = $3 }
            { if ($1 < b0) b0 = $1; if ($1 > b1) b1 = $1; if ($2 < s0) s0 = $2; if ($2 > s1) s1 = $2
              if ($3 < q0) q0 = $3; if ($3 > q1) q1 = $3 }
            END { printf "  %-22s %d/%d passed; multi-user %s-%s s, shutdown %s-%s s, qemu %s-%s s\n", name, ok, n, b0, b1, s0, s1, q0, q1 }'
    done
fi
echo "$E2E_SUITE: $passed passed, $failed failed$([ "$infra" -gt 0 ] && echo " ($infra infrastructure)")$([ "$gaps" -gt 0 ] && echo ", $gaps known gap(s)")$([ "$skipped" -gt 0 ] && echo ", $skipped skipped") in $((SECONDS - started)) s; logs: $runs"
[ "$failed" -eq 0 ] && exit 0
[ "$failed" -eq "$infra" ] && exit 2
exit 1

#!/usr/bin/env bash
# The whole test suite: unit and golden tests, helper tests in namespaces, the install test,
# the fuzz smoke run and the end-to-end boots. Prints a summary line per stage.
set -euo pipefail
cd "$(dirname "$0")/.."

failed=()
stage() {
    local name=$1; shift
    echo "=== $name"
    if "$@"; then echo "=== $name: ok"; else echo "=== $name: FAILED"; failed+=("$name"); fi
}

# The guests' images from nothing, in the background while the stages below use the cores:
# each suite's base guest and its ostree package layer (debootstrap, apt and dracut: mostly the
# network and dpkg). The guest streams find them in the cache (the scripts wait on their locks).
images=$(mktemp)
(
    for suite in bookworm trixie; do
        Tests/e2e/ostree/run.sh --suite "$suite" --print-packages
    done
) > "$images" 2>&1 &
images_pid=$!

stage build swift build
# What gets installed, built as Embedded Swift (.build/embedded/boothold, as meson-install.sh
# builds it), and the same with the output fault hook (DEBUG, .build/embedded-debug) for the
# interrupted-write tests. Every test below that runs an executable runs these.
stage "embedded build" ./meson-install.sh --build-only
stage "embedded debug build" ./build-embedded.sh --debug
export BOOTHOLD_TEST_PRODUCTS=$PWD/.build/embedded BOOTHOLD_TEST_HOOK_PRODUCTS=$PWD/.build/embedded-debug
# The sources in the normal mode; the executables they start are the Embedded ones.
stage "swift test" swift test
# libFuzzer targets (fuzz/targets/) briefly on their committed corpus; long runs: fuzz/run.sh.
stage "fuzz smoke" fuzz/smoke.sh

# Real boots under QEMU (needs root; see README "End-to-end tests"), in two streams side by
# side, each guest with one vCPU (lib/qemu.sh): the stand-in guests, bookworm's and then
# trixie's, and then trixie's ostree guest; beside them bookworm's ostree guests, the longest
# set (about 45 minutes here), and then trixie's soft-reboot, so that the two end together.
# Under TCG a guest is CPU-bound most of its life, so two of them use the two cores; a third
# stream only slows the others (README "Platforms"). The ostree
# guests build their image on the package layer of their suite and install boothold from its
# Debian package (the one the deb stage built, Tests/e2e/lib/deb-package.sh). Each stream's
# output is kept and printed whole when it is done, stream by stream.
# On trixie, what fits beside bookworm's whole sets: of the stand-in set the control,
# predicted, fstab and UEFI gpt-auto scenarios, the drop-in scenario and the soft-reboot; of
# the ostree set the held staging with its synchronous start. The rest (the stand-in controls
# and faults, the ostree control, the hold failing and stalling at that start, the ostree
# faults, the staging benchmark) runs with `Tests/e2e/run.sh --suite trixie` and
# `Tests/e2e/ostree/run.sh --suite trixie`.
trixie_standin=(1 2 3 6 14)
trixie_late=(16)
trixie_ostree=(hold)
streams=$(mktemp -d)
trap 'rm -rf "$streams"' EXIT
stream() {  # stream NAME: the stages below, with their output in $streams/NAME.log
    local name=$1
    shift
    (
        # This stream's own list, handed back through a file (read below).
        # shellcheck disable=SC2030
        failed=()
        started=$SECONDS
        "$@"
        echo "=== stream $name: $((SECONDS - started)) s"
        printf '%s\n' "${failed[@]}" > "$streams/$name.failed"
    ) > "$streams/$name.log" 2>&1 &
    echo "$!" > "$streams/$name.pid"
}
# Beside another guest stream a stand-in boot gets 360 s instead of 180 (a bookworm guest at
# load 10 was still powering off at 180 s).
standin_stages() {
    stage e2e env BOOTHOLD_E2E_BOOT_TIMEOUT=360 Tests/e2e/run.sh --suite bookworm
    stage "e2e trixie" env BOOTHOLD_E2E_BOOT_TIMEOUT=360 Tests/e2e/run.sh --suite trixie "${trixie_standin[@]}"
    # boothold-generator beside ostree's own generator (seconds), then the boots.
    stage "ostree generators trixie" Tests/e2e/ostree/generators.sh --suite trixie
    stage "e2e ostree trixie" Tests/e2e/ostree/run.sh --suite trixie "${trixie_ostree[@]}"
}
ostree_stages() {
    stage "ostree generators" Tests/e2e/ostree/generators.sh
    stage "e2e ostree" Tests/e2e/ostree/run.sh --suite bookworm
    # The soft-reboot, here rather than in the stand-in stream, which is the longer one.
    stage "e2e trixie soft-reboot" env BOOTHOLD_E2E_BOOT_TIMEOUT=360 Tests/e2e/run.sh --suite trixie "${trixie_late[@]}"
}
# The stand-in guests need only the Embedded build: they start now, beside the stages below;
# the ostree guests start once the deb stage has built the package they install (trixie's
# ostree guest comes after the stand-in guests, long after that).
stream standin standin_stages

stage install Tests/install/run.sh
# systemd 257's verify (Debian trixie, debootstrapped once and cached) over every golden
# fixture's expected tree, with the Embedded build installed where the units name it.
stage "verify 257" Tests/verify-257.sh
# The Debian package, built from a clean copy of the checkout (its own Embedded build), linted,
# and installed, upgraded, removed and purged in an overlay copy of this machine.
stage deb Tests/deb/run.sh
# The installed executable needs libc and libm only; libmount and libsystemd are dlopen'ed.
stage "embedded link" Tests/embedded-link.sh
stream ostree ostree_stages
# shellcheck disable=SC2031 # the main shell's list, not a stream's
wait "$images_pid" || { echo "=== guest images: FAILED"; cat "$images"; failed+=("guest images"); }
rm -f "$images"
for name in standin ostree; do
    wait "$(cat "$streams/$name.pid")" || true
    cat "$streams/$name.log"
    while IFS= read -r stage_name; do
        # shellcheck disable=SC2031 # the main shell's list, not the stream's
        [ -n "$stage_name" ] && failed+=("$stage_name")
    done < "$streams/$name.failed"
done

if [ ${#failed[@]} -gt 0 ]; then
    # What failed, again at the end (a long log is often read from its tail): each failed
    # scenario's line and the reasons its checks gave.
    for name in standin ostree; do
        grep -E '^(FAIL|INFRA|GAP)|: FAILED$' "$streams/$name.log" | sed "s/^/[$name] /" || true
    done
    echo "failed stages: ${failed[*]}"
    exit 1
fi
echo "all stages passed"

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

stage build swift build
stage "swift test" swift test
# libFuzzer targets (fuzz/targets/) briefly on their committed corpus; long runs: fuzz/run.sh.
stage "fuzz smoke" fuzz/smoke.sh
# One release build of what gets installed, for the install test (and anyone else who
# needs release executables: .build/release/boothold).
stage "release build" ./meson-install.sh --build-only
stage install Tests/install/run.sh
# systemd 257's verify (Debian trixie, debootstrapped once and cached) over every golden
# fixture's expected tree, with the release build installed where the units name it.
stage "verify 257" Tests/verify-257.sh
# The Debian package, built from a clean copy of the checkout (its own release build), linted,
# and installed, upgraded, removed and purged in an overlay copy of this machine.
stage deb Tests/deb/run.sh
stage "generator static link" Tests/generator-static-link.sh
# Real boots of a Debian guest under QEMU (needs root; see README "End-to-end tests").
stage e2e Tests/e2e/run.sh
# ostree guest (reuses the plain e2e stage's cached base; the release build is the one above):
# first boothold-generator beside ostree's own generator (seconds), then the boots.
stage "ostree generators" Tests/e2e/ostree/generators.sh
stage "e2e ostree" env BOOTHOLD_E2E_NO_BUILD=1 Tests/e2e/ostree/run.sh

if [ ${#failed[@]} -gt 0 ]; then
    echo "failed stages: ${failed[*]}"
    exit 1
fi
echo "all stages passed"

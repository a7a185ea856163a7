#!/usr/bin/env bash
# CI's fuzz stage: every target briefly (FUZZ_SMOKE_SECONDS, default 10) on the committed
# corpus. Long runs: fuzz/run.sh TARGET SECONDS.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
seconds=${FUZZ_SMOKE_SECONDS:-10}
failed=()
for file in fuzz/targets/*.swift; do
    target=$(basename "$file" .swift)
    # A fresh working corpus, so the smoke run replays exactly the committed seeds first.
    rm -rf "${FUZZ_BUILD_DIR:-$PWD/.build/fuzz}/corpus/$target"
    fuzz/run.sh "$target" "$seconds" || failed+=("$target")
done
if [ ${#failed[@]} -gt 0 ]; then echo "fuzz smoke failed: ${failed[*]}" >&2; exit 1; fi

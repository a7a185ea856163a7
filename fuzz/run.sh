#!/usr/bin/env bash
# Runs one libFuzzer target: fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#
# Starts from the committed seeds in fuzz/corpus/TARGET/ (never written to) plus what earlier
# runs found in .build/fuzz/corpus/TARGET/; a crash, leak, timeout or violated property is
# saved under .build/fuzz/artifacts/TARGET/ and makes the script fail. Prints one summary
# line: executions, speed, new corpus size.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: fuzz/run.sh TARGET SECONDS [libFuzzer options...]" >&2; exit 2; }
target=$1 seconds=$2; shift 2
out=${FUZZ_BUILD_DIR:-$PWD/.build/fuzz}

fuzz/build.sh "$target"
work=$out/corpus/$target artifacts=$out/artifacts/$target
mkdir -p "$work" "$artifacts" "fuzz/corpus/$target"
options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
         -artifact_prefix="$artifacts/" -max_len="$(cat "fuzz/corpus/$target.max_len" 2>/dev/null || echo 4096)")
[ -f "fuzz/dict/$target.dict" ] && options+=(-dict="fuzz/dict/$target.dict")

log=$out/$target.log
# The Swift runtime's own crash backtracer fights with ASan's; libFuzzer reports crashes.
status=0
SWIFT_BACKTRACE=enable=no "$out/$target" "${options[@]}" "$@" "$work" "fuzz/corpus/$target" >"$log" 2>&1 || status=$?

executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
echo "fuzz $target: ${executions:-?} executions in ${seconds}s (${speed:-?}/s), corpus $(find "$work" -type f | wc -l) new + $(find "fuzz/corpus/$target" -type f | wc -l) seeds, exit $status"
if [ "$status" -ne 0 ]; then
    grep -E 'PROPERTY VIOLATED|ERROR: (AddressSanitizer|libFuzzer)|Fatal error|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
    echo "fuzz $target: FAILED, full log in $log" >&2
fi
exit "$status"

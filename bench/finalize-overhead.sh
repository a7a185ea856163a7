#!/usr/bin/env bash
# What boothold-finalize adds around a finalize command: `boothold-finalize … -- /bin/true`
# against `/bin/true` alone, both measured in the same run (hyperfine -N, no shell), as
# median differences and ratios. Goal: ≤ 5 ms added at shutdown.
#
# Cases (SwiftPM's release boothold-finalize unless named otherwise; all with a staged file,
# so every step runs; records go to a directory on the disk that holds /var/tmp, so the
# fsyncs are real, except in the "tmpfs records" cases):
#   run            --name --staged --timeout -- /bin/true
#   run, tmpfs records   the same with --state-dir on /dev/shm: what the wrapper costs
#                  without the disk flushes (the durable records take 4 fsyncs: file and
#                  directory for "started", file and directory for "result")
#   run+require    … --require / --require /proc   (open + fstatfs + statx per path)
#   run+lock       … --lock FILE                   (OFD lock)
#   nothing staged the early exit when no deployment is staged
#   multi-call     the run case, and the run case with tmpfs records, through the SwiftPM
#                  multi-call executable (boothold-finalize as a link to `boothold`), when
#                  that product exists
#   Embedded       the run case, and the run case with tmpfs records, through the Embedded
#                  Swift build (build-embedded.sh: .build/embedded/boothold-finalize, the
#                  installed executable)
# The journal socket is absent here (no journald), so sd_journal_sendv fails fast and the
# messages go to stderr (discarded); under journald that is one datagram per record instead.
#
# Needs hyperfine and python3:  apt-get install -y hyperfine python3
# Usage: bench/finalize-overhead.sh [RUNS]   (default 300)
# With BENCH_RESULTS=FILE the figures are also appended to FILE as "key value" lines.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-300}

for tool in hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "finalize-overhead: $tool is missing (see the header)" >&2; exit 1; }
done

echo "building boothold-finalize (release, --static-swift-stdlib)…" >&2
swift build -c release --static-swift-stdlib --product boothold-finalize >&2
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
multi=
if swift build -c release --static-swift-stdlib --product boothold >&2 2>/dev/null; then multi=$bin/boothold; fi
echo "building the Embedded boothold (build-embedded.sh)…" >&2
./build-embedded.sh >&2
embedded=$PWD/.build/embedded/boothold-finalize

work=$(mktemp -d /var/tmp/boothold-finalize-overhead.XXXXXX)
trap 'rm -rf "$work"' EXIT
touch "$work/staged"
finalize=$bin/boothold-finalize
common=(--name bench --staged "$work/staged" --timeout "1min" --state-dir "$work/state")
shm=$(mktemp -d /dev/shm/boothold-finalize-overhead.XXXXXX)
trap 'rm -rf "$work" "$shm"' EXIT
if [ -n "$multi" ]; then
    mkdir "$work/installed"
    ln -s "$multi" "$work/installed/boothold-finalize"
fi

quote() { printf '%q ' "$@"; }
commands=(
    "/bin/true"
    "$(quote "$finalize" "${common[@]}" -- /bin/true)"
    "$(quote "$finalize" --name bench --staged "$work/staged" --timeout 1min --state-dir "$shm" -- /bin/true)"
    "$(quote "$finalize" "${common[@]}" --require / --require /proc -- /bin/true)"
    "$(quote "$finalize" "${common[@]}" --lock "$work/lock" -- /bin/true)"
    "$(quote "$finalize" --name bench --staged "$work/not-staged" --timeout 1min --state-dir "$work/state" -- /bin/true)"
)
names=("/bin/true (anchor)" "run" "run, tmpfs records" "run+require" "run+lock" "nothing staged")
if [ -n "$multi" ]; then
    commands+=(
        "$(quote "$work/installed/boothold-finalize" "${common[@]}" -- /bin/true)"
        "$(quote "$work/installed/boothold-finalize" --name bench --staged "$work/staged" --timeout 1min --state-dir "$shm" -- /bin/true)"
    )
    names+=("multi-call" "multi-call, tmpfs records")
fi
commands+=(
    "$(quote "$embedded" "${common[@]}" -- /bin/true)"
    "$(quote "$embedded" --name bench --staged "$work/staged" --timeout 1min --state-dir "$shm" -- /bin/true)"
)
names+=("Embedded" "Embedded, tmpfs records")

hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/result.json" "${commands[@]}" >&2

python3 - "$work/result.json" "${BENCH_RESULTS:-}" "${names[@]}" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
record = sys.argv[2]
names = sys.argv[3:]
anchor = results[0]["median"]
cpu_anchor = results[0]["user"] + results[0]["system"]
print(f"{'case':<24} {'median ms':>10} {'min ms':>8} {'added ms':>9} {'× /bin/true':>12} {'cpu ms':>7} {'added cpu':>10}")
for name, r in zip(names, results):
    cpu = r["user"] + r["system"]
    print(f"{name:<24} {r['median']*1e3:>10.3f} {r['min']*1e3:>8.3f} {(r['median']-anchor)*1e3:>9.3f} "
          f"{r['median']/anchor:>12.2f} {cpu*1e3:>7.3f} {(cpu-cpu_anchor)*1e3:>10.3f}")
print("(cpu ms: mean user+system time, which waiting for the disk does not inflate)")
added = results[1]["median"] - anchor
added_tmpfs = results[2]["median"] - anchor
print(f"run overhead: {added*1e3:.3f} ms median with records on disk, {added_tmpfs*1e3:.3f} ms with records on tmpfs (goal ≤ 5 ms)")
by_name = dict(zip(names, results))
if "multi-call" in by_name:
    print(f"multi-call run overhead: {(by_name['multi-call']['median'] - anchor)*1e3:.3f} ms median with records on disk, "
          f"{(by_name['multi-call, tmpfs records']['median'] - anchor)*1e3:.3f} ms with records on tmpfs")
print(f"Embedded run overhead: {(by_name['Embedded']['median'] - anchor)*1e3:.3f} ms median with records on disk, "
      f"{(by_name['Embedded, tmpfs records']['median'] - anchor)*1e3:.3f} ms with records on tmpfs (goal ≤ 5 ms)")
if record:
    keys = {"/bin/true (anchor)": "anchor", "run": "standalone", "run, tmpfs records": "standalone.tmpfs",
            "multi-call": "normal", "multi-call, tmpfs records": "normal.tmpfs", "Embedded": "embedded", "Embedded, tmpfs records": "embedded.tmpfs"}
    with open(record, "a") as out:
        for name, key in keys.items():
            if name in by_name:
                out.write(f"finalize.median.{key} {by_name[name]['median']*1e3:.4f}\n")
PY

#!/usr/bin/env bash
# Every benchmark in one run on one machine, then one table: the SwiftPM release build
# ("normal mode", --static-swift-stdlib, the multi-call `boothold`) beside the Embedded Swift
# build (build-embedded.sh, the installed `boothold`) beside the anchors measured in the same
# run, each figure also as a ratio against its anchor, and whether it meets its goal.
# A benchmark, not a test: the exit status says only whether the scripts ran.
#
# Runs, in order: generator.sh, generator-growth.sh, hold-memory.sh, finalize-overhead.sh,
# size.sh (variants multi and embedded). The repetition counts are small by default, so the
# whole run takes minutes; raise them for steadier numbers:
#   BENCH_GENERATOR_RUNS  hyperfine runs of the generators (generator.sh, size.sh)  default 100
#   BENCH_RSS_RUNS        peak RSS runs of the generators (generator.sh)             default 11
#   BENCH_GROWTH_RUNS     hyperfine runs per growth case (generator-growth.sh)       default 10
#   BENCH_HOLD_RUNS       samples per hold (hold-memory.sh)                          default 5
#   BENCH_FINALIZE_RUNS   hyperfine runs per finalize case (finalize-overhead.sh)    default 100
#   BENCH_SIZE_VARIANTS   size.sh variants                             default "multi embedded"
#
# Needs what the scripts need (root, swift, hyperfine, patchelf, ostree, gcc,
# libsystemd-dev, python3, GNU time): on Debian
#   apt-get install -y hyperfine patchelf ostree gcc libsystemd-dev python3 time binutils
# Usage: bench/all.sh
set -euo pipefail
cd "$(dirname "$0")/.."

generator_runs=${BENCH_GENERATOR_RUNS:-100}
rss_runs=${BENCH_RSS_RUNS:-11}
growth_runs=${BENCH_GROWTH_RUNS:-10}
hold_runs=${BENCH_HOLD_RUNS:-5}
finalize_runs=${BENCH_FINALIZE_RUNS:-100}
read -r -a size_variants <<< "${BENCH_SIZE_VARIANTS:-multi embedded}"

for tool in swift hyperfine patchelf ostree gcc python3 unshare strip /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench/all.sh: $tool is missing (see the header)" >&2; exit 1; }
done

results=$(mktemp /tmp/boothold-bench-all.XXXXXX)
trap 'rm -f "$results"' EXIT
export BENCH_RESULTS=$results

# What the builds are made of, to tell when it changed while the scripts ran (each script
# builds before it measures, so the figures would then come from different builds).
sources_stamp() { find Sources build-embedded.sh Package.swift -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16; }
stamp_before=$(sources_stamp)
failed=()
# step SCRIPT ARG...: run one benchmark, its output as it comes; a failure is noted, and the
# others still run.
step() {
    local script=$1 started=$SECONDS
    shift
    echo
    echo "################ bench/$script $*"
    if "bench/$script" "$@" 2>&1; then
        echo "(bench/$script: $((SECONDS - started)) s)"
    else
        echo "(bench/$script FAILED after $((SECONDS - started)) s)"
        failed+=("$script")
    fi
}

echo "boothold benchmarks: $(uname -srm), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo -)$(git diff --quiet HEAD -- Sources 2>/dev/null || echo ' (Sources changed)')"
step generator.sh "$generator_runs" "$rss_runs"
step generator-growth.sh "$growth_runs"
step hold-memory.sh "$hold_runs"
step finalize-overhead.sh "$finalize_runs"
BENCH_GENERATOR_RUNS=$generator_runs step size.sh "${size_variants[@]}"

echo
echo "################ summary (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$results" <<'PY'
import sys

figures = {}
for line in open(sys.argv[1]):
    key, _, value = line.rstrip("\n").partition(" ")
    figures[key] = value.strip()

def number(key):
    try:
        return float(figures[key])
    except (KeyError, ValueError):
        return None

MB = 1024 * 1024  # as for the VmRSS figures: 1 MB = 1024 kB

def percent(p):
    return f"{p:.0f}%" if p >= 10 else f"{p:.1f}%"

def verdict(value, goal):  # "missed by N%": the figure is N% above the goal
    if value is None:
        return "not measured"
    if value <= goal:
        return f"met ({percent((1 - value / goal) * 100)} under)"
    return f"missed by {percent((value / goal - 1) * 100)}"

rows = []
def row(figure, normal, embedded, anchor, goal):
    rows.append((figure, normal, embedded, anchor, goal))

def cell(value, unit, anchor, digits=2):
    if value is None:
        return "n/a"
    ratio = f" ({value / anchor:.2f}×)" if anchor else ""
    return f"{value:.{digits}f} {unit}{ratio}"

def goal_text(text, normal, embedded, goal):
    return f"{text}; normal {verdict(normal, goal)}, Embedded {verdict(embedded, goal)}"

# Generator: median wall time and peak RSS against systemd-fstab-generator, same hyperfine run.
ta, tn, te = (number(f"generator.time.{b}") for b in ("anchor", "normal", "embedded"))
ratio = lambda v, a: v / a if v is not None and a else None
row("generator wall time (median)", cell(tn, "ms", ta), cell(te, "ms", ta),
    cell(ta, "ms", None) + " systemd-fstab-generator",
    goal_text("≤ 0.50×", ratio(tn, ta), ratio(te, ta), 0.5))
ra, rn, re_ = (number(f"generator.rss.{b}") for b in ("anchor", "normal", "embedded"))
row("generator peak RSS (median)", cell(rn, "kB", ra, 0), cell(re_, "kB", ra, 0),
    cell(ra, "kB", None, 0) + " systemd-fstab-generator",
    goal_text("≤ 0.60×", ratio(rn, ra), ratio(re_, ra), 0.6))

# Hold: VmRSS while holding, against the C hold and ostree's --hold.
hn, he = number("hold.VmRSS.normal"), number("hold.VmRSS.embedded")
kb = lambda v: v * 1024 if v is not None else None
for name, key in (("C hold", "c"), ("ostree --hold", "ostree")):
    a = number(f"hold.VmRSS.{key}")
    row(f"hold VmRSS while holding, vs {name}", cell(hn, "kB", a, 0), cell(he, "kB", a, 0),
        cell(a, "kB", None, 0) + " " + name,
        goal_text("≤ 1.5 MB (1536 kB)", kb(hn), kb(he), 1.5 * MB))

# Size: the stripped installed executables, against systemd-fstab-generator and the
# libraries it needs beyond libc/libm.
sa, sn, se = number("size.bytes.anchor"), number("size.bytes.multi"), number("size.bytes.embedded")
def size_verdict(value, needed):
    if value is None:
        return "not measured"
    extra = [n for n in needed.split() if not n.startswith(("libc.so", "libm.so", "ld-linux"))]
    text = verdict(value, MB)
    return text + (", needs " + " ".join(extra) if extra else ", libc/libm only")
def size_cell(value):
    if value is None:
        return "n/a"
    return f"{value:,.0f} B" + (f" ({value / sa:.2f}×)" if sa else "")
row("installed executables, stripped", size_cell(sn), size_cell(se),
    (f"{sa:,.0f} B" if sa else "n/a") + " systemd-fstab-generator + libraries",
    "≤ 1 MB, libc/libm only; normal " + size_verdict(sn, figures.get("size.needed.multi", ""))
    + ", Embedded " + size_verdict(se, figures.get("size.needed.embedded", "")))

# Finalize: median added to /bin/true, durable records on the disk.
fa, fn, fe = (number(f"finalize.median.{b}") for b in ("anchor", "normal", "embedded"))
added = lambda v: v - fa if v is not None and fa is not None else None
row("finalize overhead (durable records)", cell(added(fn), "ms", None) + (f" ({fn / fa:.2f}× total)" if fn and fa else ""),
    cell(added(fe), "ms", None) + (f" ({fe / fa:.2f}× total)" if fe and fa else ""),
    cell(fa, "ms", None) + " /bin/true",
    goal_text("≤ 5 ms added", added(fn), added(fe), 5.0))

header = ("figure", "normal mode", "Embedded", "anchor", "goal")
widths = [max(len(r[i]) for r in rows + [header]) for i in range(5)]
def line(r):
    return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
print(line(header))
print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
for r in rows:
    print(line(r))

print()
print("normal mode: the SwiftPM release build (--static-swift-stdlib), its multi-call `boothold`;")
print("Embedded: .build/embedded/boothold from build-embedded.sh. (×) is against the anchor of the")
print("same run; for the finalize row, the command with the wrapper against /bin/true alone.")
print("missed by N%: the figure is N% above the goal; met (N% under): N% below it.")
print("1 MB = 1024 × 1024 bytes, as for VmRSS (kB = 1024 bytes).", end="")
if se is not None:
    print(f" Against 10^6 bytes, Embedded's {se:.0f} bytes is "
          + (f"{(se / 1e6 - 1) * 100:.1f}% over." if se > 1e6 else f"{(1 - se / 1e6) * 100:.1f}% under."))
else:
    print()
for b, label in (("normal", "normal mode (standalone boothold-generator)"), ("embedded", "Embedded")):
    wall, user, missing = (figures.get(f"growth.{k}.{b}") for k in ("wall", "user", "missing"))
    if wall is not None:
        print(f"growth, {label}, {figures.get('growth.case', '')}: cost(P,F) / (cost(P,10) + cost(1,F)) = "
              f"{wall} by wall time, {user} by user CPU (goal ≤ 1.20: {verdict(float(user), 1.2)} by CPU, "
              f"{verdict(float(wall), 1.2)} by wall); third path missing / all present = {missing}")
for b, label in (("normal", "normal mode"), ("embedded", "Embedded")):
    t = number(f"finalize.median.{b}.tmpfs")
    if t is not None and fa is not None:
        print(f"finalize overhead with the records on tmpfs (no disk flushes), {label}: {t - fa:.2f} ms")
PY
if [ "$(sources_stamp)" != "$stamp_before" ]; then
    echo "NOTE: the sources changed while the benchmarks ran: the scripts may have measured different builds"
fi
if [ ${#failed[@]} -gt 0 ]; then
    echo "did not finish: ${failed[*]} (their figures are n/a above)"
    exit 1
fi

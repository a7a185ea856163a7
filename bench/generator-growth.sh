#!/usr/bin/env bash
# How boothold-generator's cost grows with its input: P profiles (three paths each) and F fstab
# lines (ordinary mounts), median of RUNS runs each with a fresh output directory (hyperfine
# -N), for both builds: the SwiftPM release generator (--static-swift-stdlib, "normal") and
# the Embedded Swift build (build-embedded.sh, "embedded"). A benchmark, not a test.
#   goal: cost(P, F) ≤ 1.2 × (cost(P, 10) + cost(1, F)), i.e. linear in the input
# Also: the same P profiles with their third path missing on the machine, against all present.
# Usage: bench/generator-growth.sh [RUNS] [P] [F]   (default 60 runs, P=100, F=1000)
# With BENCH_RESULTS=FILE the figures are also appended to FILE as "key value" lines.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-60} profiles=${2:-100} lines=${3:-1000}
command -v hyperfine >/dev/null || apt-get install -y -qq --no-install-recommends hyperfine >/dev/null
record() { [ -z "${BENCH_RESULTS:-}" ] || echo "$*" >>"$BENCH_RESULTS"; }

echo "=== release build (--static-swift-stdlib) of boothold-generator"
swift build -c release --static-swift-stdlib --product boothold-generator 2>&1 | tail -1
echo "=== Embedded Swift build (build-embedded.sh)"
./build-embedded.sh
builds=(normal embedded)
declare -A bin=(
    [normal]=$(swift build -c release --static-swift-stdlib --show-bin-path)/boothold-generator
    [embedded]=$PWD/.build/embedded/boothold-generator
)

work=$(mktemp -d /tmp/boothold-growth-XXXXXX)
trap 'rm -rf "$work"' EXIT

# machine NAME P F [missing]: a root with P profiles and an fstab of F lines; with "missing"
# the third path of every profile does not exist.
machine() {
    local p=$2 f=$3 missing=${4:-} root=$work/$1 i
    mkdir -p "$root/proc/self" "$root/etc/boothold/boothold.conf.d" "$root/boot"
    cat /proc/self/mountinfo > "$root/proc/self/mountinfo"
    {
        echo "UUID=6f1c0c0e-0b0b-4d6a-9d54-8a1e0f0e9a11 / ext4 errors=remount-ro 0 1"
        echo "UUID=ABCD-1234 /boot vfat umask=0077,x-systemd.automount,x-systemd.idle-timeout=1min 0 2"
        for ((i = 2; i < f; i++)); do echo "UUID=0b1e2c3d-aaaa-4bbb-8ccc-$(printf '%012d' "$i") /srv/data$i ext4 defaults 0 2"; done
    } > "$root/etc/fstab"
    for ((i = 0; i < p; i++)); do
        mkdir -p "$root/srv/p$i/a"
        [ -n "$missing" ] || mkdir -p "$root/srv/p$i/b"
        printf '[bench%d]\nDescription=Benchmark profile %d\nStaged=/run/bench/%d/staged\nFinalize=/bin/true\nPaths=/boot/p%d /srv/p%d/a /srv/p%d/b\n' \
            "$i" "$i" "$i" "$i" "$i" "$i"
    done > "$root/etc/boothold/boothold.conf.d/bench.conf"
    echo "$root"
}
cases=("1 10" "$profiles 10" "1 $lines" "$profiles $lines")
names=("P=1 F=10" "P=$profiles F=10" "P=1 F=$lines" "P=$profiles F=$lines" "P=$profiles F=10 third path missing")
roots=()
for c in "${cases[@]}"; do
    read -r p f <<< "$c"
    roots+=("$(machine "p$p-f$f" "$p" "$f")")
done
roots+=("$(machine "p$profiles-missing" "$profiles" 10 missing)")
fresh="/bin/sh -c 'rm -rf $work/out && mkdir $work/out'"
args=()
for build in "${builds[@]}"; do
    for i in "${!names[@]}"; do
        args+=(--prepare "$fresh" -n "$build ${names[i]}"
               "env BOOTHOLD_ROOT=${roots[i]} SYSTEMD_FSTAB=${roots[i]}/etc/fstab ${bin[$build]} $work/out $work/out $work/out")
    done
done
export SYSTEMD_PROC_CMDLINE="root=UUID=6f1c0c0e quiet" SYSTEMD_IN_INITRD=0 SYSTEMD_LOG_LEVEL=err \
    BOOTHOLD_LIBEXECDIR=/usr/libexec/boothold
# The machines are real generator inputs: the largest one pairs its profiles, in both builds.
for build in "${builds[@]}"; do
    rm -rf "$work/out" && mkdir "$work/out"
    BOOTHOLD_ROOT=$work/p$profiles-f$lines SYSTEMD_FSTAB=$work/p$profiles-f$lines/etc/fstab "${bin[$build]}" "$work/out" "$work/out" "$work/out"
    [ -f "$work/out/bench0-hold.service" ] || { echo "FAIL: the $build generator wrote no hold unit for bench0" >&2; exit 1; }
done
echo "=== hyperfine -N, $runs runs each, fresh output directory per run"
hyperfine -N --style basic --warmup 3 --runs "$runs" --export-csv "$work/times.csv" "${args[@]}" >/dev/null
# CSV columns: command,mean,stddev,median,user,system,min,max (seconds; user and system are means)
column() { awk -F, -v name="$1" -v col="$2" '$1 == name { print $col * 1000 }' "$work/times.csv"; }
for build in "${builds[@]}"; do
    echo
    echo "--- $build build: ${bin[$build]}"
    printf '%-36s %10s %9s %9s %9s\n' "" "median ms" "ratio" "user ms" "sys ms"
    for name in "${names[@]}"; do
        awk -v n="$name" -v t="$(column "$build $name" 4)" -v a="$(column "$build ${names[0]}" 4)" \
            -v u="$(column "$build $name" 5)" -v s="$(column "$build $name" 6)" \
            'BEGIN { printf "%-36s %10.2f %8.2f× %9.2f %9.2f\n", n, t, t / a, u, s }'
    done
    growth() {  # growth COLUMN: cost(P, F) / (cost(P, 10) + cost(1, F))
        awk -v b="$(column "$build ${names[1]}" "$1")" -v c="$(column "$build ${names[2]}" "$1")" \
            -v d="$(column "$build ${names[3]}" "$1")" 'BEGIN { printf "%.2f", d / (b + c) }'
    }
    wall=$(growth 4) user=$(growth 5)
    missing=$(awk -v b="$(column "$build ${names[1]}" 4)" -v m="$(column "$build ${names[4]}" 4)" 'BEGIN { printf "%.2f", m / b }')
    echo "growth: cost(P, F) / (cost(P, 10) + cost(1, F)) = $wall by wall time, $user by user CPU (goal ≤ 1.20)"
    echo "third path missing / all present = $missing"
    record "growth.wall.$build" "$wall"
    record "growth.user.$build" "$user"
    record "growth.missing.$build" "$missing"
done
record growth.case "P=$profiles F=$lines"

#!/usr/bin/env bash
# Speed and memory of boothold-generator against the host's systemd-fstab-generator, measured
# in one run on the same machine and the same fstab (a benchmark, not a test), for both
# builds: the SwiftPM release build (--static-swift-stdlib; standalone and as the multi-call
# executable) and the Embedded Swift build (build-embedded.sh, the installed one).
#   goal: wall time ≤ 0.5× and peak RSS ≤ 0.6× systemd-fstab-generator
# Usage: bench/generator.sh [RUNS] [RSS_RUNS]   (default 300 hyperfine runs, 21 RSS runs)
# With BENCH_RESULTS=FILE the figures are also appended to FILE as "key value" lines.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-300}
rss_runs=${2:-21}
record() { [ -z "${BENCH_RESULTS:-}" ] || echo "$*" >>"$BENCH_RESULTS"; }
anchor=/lib/systemd/system-generators/systemd-fstab-generator

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v strip >/dev/null || need+=(binutils)
if [ ${#need[@]} -gt 0 ]; then
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

echo "=== release builds (--static-swift-stdlib): the standalone generator and the multi-call executable"
swift build -c release --static-swift-stdlib --product boothold-generator 2>&1 | tail -1
swift build -c release --static-swift-stdlib --product boothold 2>&1 | tail -1
products=$(swift build -c release --static-swift-stdlib --show-bin-path)
echo "=== Embedded Swift build (build-embedded.sh): the installed multi-call executable"
./build-embedded.sh
embedded=$PWD/.build/embedded/boothold-generator

work=$(mktemp -d /tmp/boothold-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

# Both stripped, as installed; the multi-call one under the name it dispatches on.
mkdir -p "$work/standalone" "$work/multi-call"
standalone=$work/standalone/boothold-generator
installed=$work/multi-call/boothold-generator
strip -o "$standalone" "$products/boothold-generator"
strip -o "$installed" "$products/boothold"
for bin in "$standalone" "$installed"; do
    # The executable must run on a machine without the Swift toolchain.
    if ldd "$bin" | grep -E 'libswift|libFoundation|lib_FoundationICU|libdispatch'; then
        echo "FAIL: $bin links Swift runtime libraries dynamically" >&2
        exit 1
    fi
    echo "${bin#"$work"/}: $(stat -c %s "$bin") bytes stripped, $(ldd "$bin" | wc -l) shared objects, no Swift runtime library"
done
echo "embedded: $(stat -c %s "$(readlink -f "$embedded")") bytes, needs $(readelf -d "$embedded" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"


# One machine for both: the shipped ostree profile, this host's mount table, an fstab whose
# /boot is an automount (both generators then write units).
root=$work/root
mkdir -p "$root/proc/self" "$root/usr/lib/boothold" "$root/boot" "$root/etc"
cp generator/boothold.conf "$root/usr/lib/boothold/boothold.conf"
cat /proc/self/mountinfo >"$root/proc/self/mountinfo"
cat >"$work/fstab" <<'FSTAB'
# /etc/fstab: static file system information.
UUID=6f1c0c0e-0b0b-4d6a-9d54-8a1e0f0e9a11 /          ext4 errors=remount-ro 0 1
UUID=ABCD-1234                            /boot      vfat umask=0077,x-systemd.automount,x-systemd.idle-timeout=1min 0 2
UUID=0b1e2c3d-aaaa-4bbb-8ccc-0123456789ab /home      ext4 defaults 0 2
tmpfs                                     /tmp       tmpfs mode=1777,nosuid,nodev 0 0
FSTAB

export SYSTEMD_FSTAB=$work/fstab SYSTEMD_PROC_CMDLINE="root=UUID=6f1c0c0e quiet" SYSTEMD_IN_INITRD=0 \
    SYSTEMD_SYSFS_CHECK=no BOOTHOLD_ROOT=$root BOOTHOLD_LIBEXECDIR=/usr/libexec/boothold SYSTEMD_LOG_LEVEL=err

out=$work/out
fresh="/bin/sh -c 'rm -rf $out && mkdir $out'"
echo "=== wall time: hyperfine -N, $runs runs each, fresh output directory per run"
hyperfine -N --style basic --warmup 20 --runs "$runs" --export-csv "$work/times.csv" \
    --prepare "$fresh" -n systemd-fstab-generator "$anchor $out $out $out" \
    --prepare "$fresh" -n standalone "$standalone $out $out $out" \
    --prepare "$fresh" -n installed "$installed $out $out $out" \
    --prepare "$fresh" -n embedded "$embedded $out $out $out" >/dev/null
# CSV columns: command,mean,stddev,median,user,system,min,max (seconds)
median_of() { awk -F, -v name="$1" '$1 == name { print $4 }' "$work/times.csv"; }
t_anchor=$(median_of systemd-fstab-generator)
t_standalone=$(median_of standalone)
t_installed=$(median_of installed)
t_embedded=$(median_of embedded)

rss_median() {
    local i values=()
    for ((i = 0; i < rss_runs; i++)); do
        rm -rf "$out" && mkdir "$out"
        values+=("$(/usr/bin/time -f %M "$@" "$out" "$out" "$out" 2>&1 >/dev/null | tail -1)")
    done
    printf '%s\n' "${values[@]}" | sort -n | sed -n "$(((rss_runs + 1) / 2))p"
}
echo "=== peak RSS: /usr/bin/time -f %M, median of $rss_runs runs each"
r_anchor=$(rss_median "$anchor")
r_standalone=$(rss_median "$standalone")
r_installed=$(rss_median "$installed")
r_embedded=$(rss_median "$embedded")

# Sanity: both builds really wrote the paired ostree units on this fstab.
for bin in "$installed" "$embedded"; do
    rm -rf "$out" && mkdir "$out" && "$bin" "$out"
    [ -f "$out/ostree-finalize-staged-hold.service" ] || { echo "FAIL: $bin wrote no hold unit" >&2; exit 1; }
done

awk -v ta="$t_anchor" -v ts="$t_standalone" -v ti="$t_installed" -v te="$t_embedded" \
    -v ra="$r_anchor" -v rs="$r_standalone" -v ri="$r_installed" -v re="$r_embedded" 'BEGIN {
    printf "%-44s %10s %13s %11s %10s\n", "", "median ms", "peak RSS KiB", "time ratio", "RSS ratio"
    printf "%-44s %10.3f %13d %11s %10s\n", "systemd-fstab-generator (anchor)", ta * 1000, ra, "1.00", "1.00"
    printf "%-44s %10.3f %13d %10.2f× %9.2f×\n", "boothold-generator, standalone", ts * 1000, rs, ts / ta, rs / ra
    printf "%-44s %10.3f %13d %10.2f× %9.2f×\n", "boothold-generator, multi-call", ti * 1000, ri, ti / ta, ri / ra
    printf "%-44s %10.3f %13d %10.2f× %9.2f×\n", "boothold-generator, Embedded (installed)", te * 1000, re, te / ta, re / ra
    print "goal: time ratio ≤ 0.50, RSS ratio ≤ 0.60"
}'
record generator.time.anchor "$(awk -v t="$t_anchor" 'BEGIN { print t * 1000 }')"
record generator.time.normal "$(awk -v t="$t_installed" 'BEGIN { print t * 1000 }')"
record generator.time.embedded "$(awk -v t="$t_embedded" 'BEGIN { print t * 1000 }')"
record generator.rss.anchor "$r_anchor"
record generator.rss.normal "$r_installed"
record generator.rss.embedded "$r_embedded"

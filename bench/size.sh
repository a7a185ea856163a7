#!/usr/bin/env bash
# How to build what gets installed: size of the installed executables against the hold's
# resident memory and the generator's run time, for each way of building boothold.
#
# Variants (each a clean static SwiftPM release build in its own scratch directory, but
# embedded):
#   separate        three executables (boothold-generator, -hold, -finalize)
#   multi           one multi-call executable `boothold`
#   multi-Osize     the same with -Osize
#   multi-gc        the same with the linker's --gc-sections
#   multi-Osize-gc  both
#   embedded        the multi-call `boothold` built as Embedded Swift by build-embedded.sh
#                   (.build/embedded, up to date or rebuilt): what meson-install.sh installs
# For the multi-call variants the hold is measured twice: as built, and with libmount and
# libsystemd forced into DT_NEEDED (patchelf --add-needed), which is what linking them
# instead of loading them with dlopen(3) costs the hold.
#
# Time and memory are printed as ratios against anchors measured in the same run:
# `sleep infinity` (a process that only waits) for the hold; Debian's
# systemd-fstab-generator, timed in the same hyperfine run as each variant's generator, for
# the generator. Absolute numbers are printed too, but only the ratios compare across
# machines (and wall time suffers from anything else running: compare the CPU ratio too).
#
# The anchor for the size: the host's systemd-fstab-generator together with every shared
# library it needs beyond libc and libm (ldd, libsystemd-shared and what that loads).
#
# Usage: bench/size.sh [VARIANT]...   (default: all)
# Needs: swift, strip, patchelf, hyperfine, python3, unshare, GNU time
# (Debian: binutils patchelf hyperfine python3 util-linux time).
# BENCH_GENERATOR_RUNS=N times the generators N runs each (default 200).
# With BENCH_RESULTS=FILE the figures are also appended to FILE as "key value" lines.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

for tool in swift strip patchelf hyperfine python3 unshare /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench/size.sh: $tool is missing" >&2; exit 1; }
done

all_variants=(separate multi multi-Osize multi-gc multi-Osize-gc embedded)
variants=("$@"); [ ${#variants[@]} -gt 0 ] || variants=("${all_variants[@]}")
scratch=${BENCH_SCRATCH:-$repo/.build-bench}
generator_runs=${BENCH_GENERATOR_RUNS:-200}
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
record() { [ -z "${BENCH_RESULTS:-}" ] || echo "$*" >>"$BENCH_RESULTS"; }

flags_of() {
    case $1 in
        separate|multi|embedded) ;;
        multi-Osize) echo "-Xswiftc -Osize" ;;
        multi-gc) echo "-Xlinker --gc-sections" ;;
        multi-Osize-gc) echo "-Xswiftc -Osize -Xlinker --gc-sections" ;;
        *) echo "unknown variant $1" >&2; exit 1 ;;
    esac
}

# "VmRSS RssAnon" (kB) of COMMAND… 0.3 s after it started, then SIGTERM; "exited" if it did
# not wait. It runs in a new PID and mount namespace: boothold-hold only holds from PID 1's
# mount namespace, and there the shell is PID 1.
resident_kb() {
    local rss
    # shellcheck disable=SC2016 # expanded by the inner shell
    rss=$(unshare --mount --pid --fork --mount-proc sh -c '
        "$@" >/dev/null 2>&1 & pid=$!
        sleep 0.3
        awk "/^VmRSS:/ { rss = \$2 } /^RssAnon:/ { anon = \$2 } END { if (rss) print rss, anon }" \
            "/proc/$pid/status" 2>/dev/null
        kill -TERM "$pid" 2>/dev/null; wait "$pid"' sh "$@" 2>/dev/null) || true
    echo "${rss:-exited -}"
}

# Median (by VmRSS) over 5 runs of resident_kb.
median_resident_kb() {
    local _
    for _ in 1 2 3 4 5; do resident_kb "$@"; done | sort -n | sed -n 3p
}

# "ours_median_ms anchor_median_ms ours_cpu_ms anchor_cpu_ms": the generator and
# systemd-fstab-generator in one hyperfine run, each writing into a fresh directory.
generator_pair_ms() {
    local generator=$1 out=$work/generator-out
    hyperfine -N --warmup 10 --runs "$generator_runs" --style none \
        --prepare "sh -c 'rm -rf $out && mkdir $out'" \
        --export-json "$work/hyperfine.json" \
        "env BOOTHOLD_ROOT=$fixture $generator $out $out $out" \
        "env SYSTEMD_PROC_CMDLINE=root=/dev/vda1 SYSTEMD_FSTAB=$fixture/etc/fstab /lib/systemd/system-generators/systemd-fstab-generator $out $out $out" \
        >/dev/null 2>&1
    python3 - "$work/hyperfine.json" <<'EOF'
import json, sys
ours, anchor = json.load(open(sys.argv[1]))["results"]
print("%.2f %.2f %.2f %.2f" % (ours["median"] * 1000, anchor["median"] * 1000,
      (ours["user"] + ours["system"]) * 1000, (anchor["user"] + anchor["system"]) * 1000))
EOF
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2f", a / b; else print "-" }'; }

# A machine root for the generator: the shipped profiles, this machine's mount table and an
# fstab that automounts /boot, so the generator decides for a paired hold + finalize.
fixture=$work/root
mkdir -p "$fixture/usr/lib/boothold" "$fixture/proc/self" "$fixture/etc" "$fixture/boot"
cp generator/boothold.conf "$fixture/usr/lib/boothold/"
cp /proc/self/mountinfo "$fixture/proc/self/mountinfo"
echo "BOOT_IMAGE=/vmlinuz root=/dev/vda1 rw" > "$fixture/proc/cmdline"
echo "/dev/vda2 /boot vfat umask=0077,x-systemd.automount 0 2" > "$fixture/etc/fstab"
held=$work/held; mkdir -p "$held"

read -r sleep_kb sleep_anon <<< "$(median_resident_kb sleep infinity)"
echo "anchor: sleep infinity VmRSS ${sleep_kb} kB (RssAnon ${sleep_anon} kB)"
echo "swift: $(swift --version 2>&1 | sed -n 1p)"
fstab_generator=/lib/systemd/system-generators/systemd-fstab-generator
mapfile -t anchor_files < <(echo "$fstab_generator"; ldd "$fstab_generator" | awk '$3 ~ /^\// { print $3 }' \
    | { grep -v -E '/(libc|libm)\.so' || true; })
anchor_bytes=$(stat -L -c %s "${anchor_files[@]}" | awk '{ s += $1 } END { print s }')
echo "anchor: systemd-fstab-generator and the $((${#anchor_files[@]} - 1)) libraries it needs beyond libc/libm: $anchor_bytes bytes"
record size.bytes.anchor "$anchor_bytes"
echo

format='%-15s %9s %-22s %8s %6s %6s %8s %6s %7s %7s %6s %7s %7s %6s\n'
# shellcheck disable=SC2059 # the format is the table's
printf "$format" variant bytes "NEEDED (+libc/m/stdc++)" "hold kB" "/sleep" "anon" \
    "+libs kB" "/sleep" "gen ms" "fstab" "wall" "gen cpu" "fstab" "cpu"
needs=()
for variant in "${variants[@]}"; do
    read -r -a flags <<< "$(flags_of "$variant")"
    build=$scratch/$variant
    bin=$work/$variant; mkdir -p "$bin"
    case $variant in
        separate) products=(boothold-generator boothold-hold boothold-finalize) ;;
        *) products=(boothold) ;;
    esac
    if [ "$variant" = embedded ]; then
        ./build-embedded.sh >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
        strip --strip-all -o "$bin/boothold" .build/embedded/boothold
    else
        rm -rf "$build"
        for product in "${products[@]}"; do
            swift build -c release --static-swift-stdlib --disable-local-rpath --scratch-path "$build" --product "$product" \
                ${flags[@]+"${flags[@]}"} >"$work/build.log" 2>&1 \
                || { cat "$work/build.log" >&2; exit 1; }
            strip --strip-all -o "$bin/$product" "$build/release/$product"
        done
    fi
    if [ "$variant" != separate ]; then
        for tool in boothold-generator boothold-hold boothold-finalize; do ln -s boothold "$bin/$tool"; done
    fi
    bytes=$(stat -c %s "${products[@]/#/$bin/}" | awk '{ s += $1 } END { print s }')
    needed=$(for product in "${products[@]}"; do readelf -d "$bin/$product" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; done \
        | { grep -v -E '^(libc|libm|libstdc\+\+|libgcc_s|ld-linux-x86-64)\.so' || true; } | sed 's/\.so\.[0-9]*$//' | sort -u | tr '\n' ' ')
    read -r hold_kb hold_anon <<< "$(median_resident_kb "$bin/boothold-hold" "$held")"
    linked_kb=-
    if [ "$variant" != separate ]; then
        mkdir -p "$bin/linked"
        cp "$bin/boothold" "$bin/linked/boothold"
        for library in libmount.so.1 libsystemd.so.0; do
            readelf -d "$bin/linked/boothold" | grep -q "\[$library\]" \
                || patchelf --add-needed "$library" "$bin/linked/boothold"
        done
        ln -s boothold "$bin/linked/boothold-hold"
        read -r linked_kb _ <<< "$(median_resident_kb "$bin/linked/boothold-hold" "$held")"
    fi
    read -r gen_ms fstab_ms gen_cpu fstab_cpu <<< "$(generator_pair_ms "$bin/boothold-generator")"
    # shellcheck disable=SC2059
    printf "$format" "$variant" "$bytes" "${needed:--}" \
        "$hold_kb" "$(ratio "$hold_kb" "$sleep_kb")" "$hold_anon" \
        "$linked_kb" "$(ratio "$linked_kb" "$sleep_kb")" \
        "$gen_ms" "$fstab_ms" "$(ratio "$gen_ms" "$fstab_ms")" \
        "$gen_cpu" "$fstab_cpu" "$(ratio "$gen_cpu" "$fstab_cpu")"
    all_needed=$(for product in "${products[@]}"; do readelf -d "$bin/$product" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; done | sort -u | tr '\n' ' ')
    needs+=("$(printf '%-15s %9s bytes, %5s× the anchor; needs %s' "$variant" "$bytes" "$(ratio "$bytes" "$anchor_bytes")" "$all_needed")")
    record "size.bytes.$variant" "$bytes"
    record "size.needed.$variant" "$all_needed"
done
echo
echo "bytes against the anchor ($anchor_bytes bytes), and all of DT_NEEDED:"
for line in "${needs[@]}"; do echo "$line"; done
cat <<EOF

bytes: stripped, all installed executables together. hold kB: VmRSS of the waiting hold,
median of 5 (anon: its RssAnon); /sleep: against \`sleep infinity\`. +libs: the same
executable with libmount and libsystemd in DT_NEEDED. gen ms / fstab: median wall time of
$generator_runs runs of the generator (fixture root: fstab automounts /boot) and of
systemd-fstab-generator in the same hyperfine run; cpu: mean user+system ms of the same runs.
EOF

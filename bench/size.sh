#!/usr/bin/env bash
# How to build what gets installed: size of the installed executables against the hold's
# resident memory and the generator's run time, for each way of building boothold.
#
# Variants (each a clean static release build in its own scratch directory):
#   separate        three executables (boothold-generator, -hold, -finalize)
#   multi           one multi-call executable `boothold`
#   multi-Osize     the same with -Osize
#   multi-gc        the same with the linker's --gc-sections
#   multi-Osize-gc  both
# For the multi-call variants the hold is measured twice: as built, and with libmount and
# libsystemd forced into its DT_NEEDED (patchelf --add-needed), which is what linking them
# costs the hold when the tools do not load them with dlopen().
#
# Time and memory are printed as ratios against anchors measured in the same run:
# `sleep infinity` (a process that only waits) for the hold, Debian's
# systemd-fstab-generator for the generator. Absolute numbers are printed too, but only
# the ratios compare across machines.
#
# Usage: bench/size.sh [VARIANT]...   (default: all)
# Needs: swift, strip, patchelf, hyperfine, GNU time (Debian: binutils patchelf hyperfine time).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

for tool in swift strip patchelf hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench/size.sh: $tool is missing" >&2; exit 1; }
done

all_variants=(separate multi multi-Osize multi-gc multi-Osize-gc)
variants=("$@"); [ ${#variants[@]} -gt 0 ] || variants=("${all_variants[@]}")
scratch=${BENCH_SCRATCH:-$repo/.build-bench}
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

flags_of() {
    case $1 in
        separate|multi) ;;
        multi-Osize) echo "-Xswiftc -Osize" ;;
        multi-gc) echo "-Xlinker --gc-sections" ;;
        multi-Osize-gc) echo "-Xswiftc -Osize -Xlinker --gc-sections" ;;
        *) echo "unknown variant $1" >&2; exit 1 ;;
    esac
}

# VmRSS (kB) of COMMAND… 0.3 s after it started, then SIGTERM; "exited" if it did not wait.
resident_kb() {
    local pid rss
    "$@" >/dev/null 2>&1 &
    pid=$!
    sleep 0.3
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "${rss:-exited}"
}

# Median over 5 runs of resident_kb.
median_resident_kb() {
    local samples=() _
    for _ in 1 2 3 4 5; do samples+=("$(resident_kb "$@")"); done
    printf '%s\n' "${samples[@]}" | sort -n | sed -n 3p
}

# Peak RSS (kB), median of 5 runs: for a program that does not wait.
peak_kb() {
    local _
    for _ in 1 2 3 4 5; do
        { /usr/bin/time -f %M "$@" 2>&1 >/dev/null || true; } | tail -n 1
    done | sort -n | sed -n 3p
}

# Median wall time (ms) of a generator writing into a fresh directory each run.
generator_ms() {
    local out=$work/generator-out
    hyperfine -N --warmup 10 --runs 200 --style none \
        --prepare "sh -c 'rm -rf $out && mkdir $out'" \
        --export-json "$work/hyperfine.json" "$* $out $out $out" >/dev/null 2>&1
    python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' \
        "$work/hyperfine.json"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2f", a / b; else print "-" }'; }

# A machine root for the generator: the shipped profiles, this machine's mount table and an
# fstab that automounts /boot, so the generator decides for a paired hold + finalize.
fixture=$work/root
mkdir -p "$fixture/usr/lib/boothold" "$fixture/proc/self" "$fixture/etc" "$fixture/boot"
[ -f generator/boothold.conf ] && cp generator/boothold.conf "$fixture/usr/lib/boothold/"
cp /proc/self/mountinfo "$fixture/proc/self/mountinfo"
echo "BOOT_IMAGE=/vmlinuz root=/dev/vda1 rw" > "$fixture/proc/cmdline"
echo "/dev/vda2 /boot vfat umask=0077,x-systemd.automount 0 2" > "$fixture/etc/fstab"
held=$work/held; mkdir -p "$held" "$work/peak"

anchor_sleep=$(median_resident_kb sleep infinity)
anchor_fstab_ms=$(SYSTEMD_PROC_CMDLINE="root=/dev/vda1" SYSTEMD_FSTAB=$fixture/etc/fstab \
    generator_ms /lib/systemd/system-generators/systemd-fstab-generator)
anchor_fstab_kb=$(peak_kb env SYSTEMD_FSTAB="$fixture/etc/fstab" \
    /lib/systemd/system-generators/systemd-fstab-generator "$work/peak" "$work/peak" "$work/peak")
echo "anchors: sleep infinity VmRSS ${anchor_sleep} kB; systemd-fstab-generator ${anchor_fstab_ms} ms, peak ${anchor_fstab_kb} kB"
echo "swift: $(swift --version 2>&1 | sed -n 1p)"
echo

printf '%-15s %12s %-34s %10s %10s %10s %10s %9s %9s\n' \
    variant "bytes" "NEEDED (besides libc/libm/libstdc++/libgcc_s)" "hold kB" "hold/sleep" \
    "+libs kB" "+libs/sleep" "gen ms" "gen/fstab"
for variant in "${variants[@]}"; do
    read -r -a flags <<< "$(flags_of "$variant")"
    build=$scratch/$variant
    bin=$work/$variant; mkdir -p "$bin"
    case $variant in
        separate) products=(boothold-generator boothold-hold boothold-finalize) ;;
        *) products=(boothold) ;;
    esac
    rm -rf "$build"
    for product in "${products[@]}"; do
        swift build -c release --static-swift-stdlib --scratch-path "$build" --product "$product" \
            ${flags[@]+"${flags[@]}"} >"$work/build.log" 2>&1 \
            || { cat "$work/build.log" >&2; exit 1; }
        strip --strip-all -o "$bin/$product" "$build/release/$product"
    done
    if [ "$variant" = separate ]; then
        generator=$bin/boothold-generator hold=$bin/boothold-hold
    else
        ln -s boothold "$bin/boothold-generator"; ln -s boothold "$bin/boothold-hold"
        ln -s boothold "$bin/boothold-finalize"
        generator=$bin/boothold-generator hold=$bin/boothold-hold
    fi
    bytes=$(stat -c %s "${products[@]/#/$bin/}" | awk '{ s += $1 } END { print s }')
    needed=$(for product in "${products[@]}"; do readelf -d "$bin/$product" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; done \
        | grep -v -E '^(libc|libm|libstdc\+\+|libgcc_s|ld-linux-x86-64)\.so' | sort -u | tr '\n' ' ')
    hold_kb=$(median_resident_kb "$hold" "$held")
    [ "$hold_kb" = exited ] && hold_kb="peak:$(peak_kb "$hold" "$held")"
    linked_kb=-
    if [ "$variant" != separate ]; then
        cp "$bin/boothold" "$bin/boothold-linked"
        for library in libmount.so.1 libsystemd.so.0; do
            readelf -d "$bin/boothold-linked" | grep -q "\[$library\]" \
                || patchelf --add-needed "$library" "$bin/boothold-linked"
        done
        mkdir -p "$bin/linked"; ln -s ../boothold-linked "$bin/linked/boothold-hold"
        linked_kb=$(median_resident_kb "$bin/linked/boothold-hold" "$held")
        [ "$linked_kb" = exited ] && linked_kb="peak:$(peak_kb "$bin/linked/boothold-hold" "$held")"
    fi
    gen_ms=$(BOOTHOLD_ROOT=$fixture generator_ms "$generator")
    printf '%-15s %12s %-34s %10s %10s %10s %10s %9s %9s\n' "$variant" "$bytes" "${needed:--}" \
        "$hold_kb" "$(ratio "${hold_kb#peak:}" "$anchor_sleep")" \
        "$linked_kb" "$(ratio "${linked_kb#peak:}" "$anchor_sleep")" \
        "$gen_ms" "$(ratio "$gen_ms" "$anchor_fstab_ms")"
done
echo
echo "bytes: stripped, all installed executables together. hold kB: VmRSS of the waiting hold"
echo "(peak: = peak RSS when the hold did not wait). +libs: the same executable with libmount and"
echo "libsystemd in DT_NEEDED. gen ms: median of 200 runs against a fixture root."

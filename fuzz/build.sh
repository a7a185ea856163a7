#!/usr/bin/env bash
# Builds libFuzzer targets: fuzz/build.sh [TARGET...] (default: every fuzz/targets/*.swift).
#
# SwiftPM cannot link a library target into a libFuzzer binary (libFuzzer brings its own
# main), so the sources are compiled here module by module with swiftc, each with
# -sanitize=fuzzer,address (coverage + ASan), into .build/fuzz/. The core-only targets link
# BootHoldCore alone; `whole-decision` also links the I/O modules and libmount.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${FUZZ_BUILD_DIR:-$root/.build/fuzz}
mkdir -p "$out/modules/CBootHold"
swiftc=${SWIFTC:-swiftc}
clang=${CLANG:-$(dirname "$(command -v "$swiftc")")/clang}
# -O: the fuzzer spends its time in our code, not in the compiler; -g for readable reports.
swiftflags=("-sanitize=fuzzer,address" -parse-as-library -O -g -use-ld=lld -swift-version 6 -I "$out/modules")
mountflags=$(pkg-config --cflags mount | sed 's/-I/-Xcc -I/g')

# Recompile a module only when one of its inputs is newer than its object.
stale() { local obj=$1; shift; [ ! -e "$obj" ] || [ -n "$(find "$@" -newer "$obj" -print -quit)" ]; }

swift_module() {
    local name=$1; shift
    # Every .swift file of the target, in its subfolders too (as SwiftPM takes them).
    local sources
    mapfile -t sources < <(find "$root/Sources/$name" -name '*.swift' | LC_ALL=C sort)
    stale "$out/$name.o" "${sources[@]}" || return 0
    echo "fuzz/build: $name"
    # shellcheck disable=SC2086
    "$swiftc" "${swiftflags[@]}" "$@" -module-name "$name" -wmo -c \
        -emit-module -emit-module-path "$out/modules/$name.swiftmodule" \
        -o "$out/$name.o" "${sources[@]}"
}

# -enable-testing: the unit-setting target reaches the renderer's internal escaping.
core() { swift_module BootHoldCore -enable-testing; }

io() {
    # The C shims (GNU-only calls) as a Clang module plus an object.
    local cfiles=("$root/Sources/CBootHold"/*.c)
    if stale "$out/CBootHold.a" "${cfiles[@]}" "$root/Sources/CBootHold/include"; then
        echo "fuzz/build: CBootHold"
        printf 'module CBootHold {\n  umbrella "%s"\n  export *\n}\n' "$root/Sources/CBootHold/include" \
            >"$out/modules/CBootHold/module.modulemap"
        rm -f "$out/CBootHold.a"
        local objects=()
        for c in "${cfiles[@]}"; do
            "$clang" -c -O1 -g -fsanitize=fuzzer-no-link,address -I "$root/Sources/CBootHold/include" \
                -o "$out/$(basename "$c" .c).c.o" "$c"
            objects+=("$out/$(basename "$c" .c).c.o")
        done
        ar rcs "$out/CBootHold.a" "${objects[@]}"
    fi
    # shellcheck disable=SC2086
    swift_module BootHoldSystem -I "$out/modules/CBootHold"
    # shellcheck disable=SC2086
    swift_module BootHoldMachine -I "$out/modules/CBootHold" -I "$root/Sources/CMount" $mountflags
}

target() {
    local name=$1
    local file=$root/fuzz/targets/$name.swift
    [ -f "$file" ] || { echo "fuzz/build: no target '$name' (fuzz/targets/$name.swift)" >&2; return 1; }
    # The targets share the independent systemd syntax reader with the robustness tests.
    local shared=("$root/Tests/RobustnessTests/SystemdUnitSyntax.swift" "$root/fuzz/support"/*.swift)
    local objects=("$out/BootHoldCore.o") extra=()
    core
    if grep -q '^import BootHoldMachine' "$file"; then
        io
        objects+=("$out/BootHoldSystem.o" "$out/BootHoldMachine.o" "$out/CBootHold.a")
        # shellcheck disable=SC2206
        extra=(-I "$out/modules/CBootHold" -I "$root/Sources/CMount" $mountflags -lmount)
    fi
    stale "$out/$name" "$file" "${shared[@]}" "${objects[@]}" || return 0
    echo "fuzz/build: $name"
    "$swiftc" "${swiftflags[@]}" "${extra[@]}" -module-name "Fuzz_${name//-/_}" \
        -o "$out/$name" "$file" "${shared[@]}" "${objects[@]}"
}

if [ $# -eq 0 ]; then
    targets=()
    for file in "$root"/fuzz/targets/*.swift; do targets+=("$(basename "$file" .swift)"); done
    set -- "${targets[@]}"
fi
for t in "$@"; do target "$t"; done

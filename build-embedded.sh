#!/usr/bin/env bash
# Builds what is installed: the multi-call executable `boothold` (the generator, the hold, the
# finalize helper and bootholdctl) from the same sources as the SwiftPM build, compiled as
# Embedded Swift. Only the standard library code the program uses is compiled into it, and it
# needs no Swift runtime: libc and libm at run time, plus libmount and libsystemd loaded with
# dlopen(3) by the tools that call them.
#
#   build-embedded.sh [--out DIR] [--debug]
#
# DIR (default .build/embedded, or .build/embedded-debug with --debug) gets `boothold`, the
# links `boothold-generator`, `boothold-hold`, `boothold-finalize` and `bootholdctl` beside
# it, and the objects. --debug compiles without optimization and with DEBUG, which adds the
# generator's output fault hook (BOOTHOLD_TEST_KILL_AFTER_WRITES) for the tests; what is
# installed is the default build.
set -euo pipefail
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=
optimize=-Osize
c_optimize=-Os
defines=()
while [ $# -gt 0 ]; do
    case $1 in
        --out) out=${2:?--out needs a directory}; shift ;;
        --out=*) out=${1#*=} ;;
        --debug) optimize=-Onone; c_optimize=-O0; defines=(-D DEBUG) ;;
        -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-embedded.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$out" ]; then
    out=$source_dir/.build/embedded
    [ ${#defines[@]} -gt 0 ] && out=$source_dir/.build/embedded-debug
fi
case $out in /*) ;; *) out=$PWD/$out ;; esac

swiftc=$(command -v swiftc) || { echo "build-embedded.sh: swiftc is missing" >&2; exit 1; }
toolchain=$(dirname "$(dirname "$(readlink -f "$swiftc")")")
clang=$toolchain/bin/clang
[ -x "$clang" ] || clang=$(command -v clang) || { echo "build-embedded.sh: clang is missing" >&2; exit 1; }
triple=x86_64-unknown-linux-gnu
embedded_lib=$toolchain/lib/swift/embedded/$triple
[ -f "$embedded_lib/libswiftUnicodeDataTables.a" ] \
    || { echo "build-embedded.sh: $embedded_lib/libswiftUnicodeDataTables.a is missing (no Embedded Swift in this toolchain?)" >&2; exit 1; }

work=$out/obj
mkdir -p "$work"
# Up to date when nothing it is built from changed (the sources, this script, the compiler,
# the mode): the test stages and the installer each call this, and the compile takes a while.
stamp=$( {
    find "$source_dir/Sources" -type f \( -name '*.swift' -o -name '*.c' -o -name '*.h' -o -name '*.modulemap' \) -print0 \
        | sort -z | xargs -0 sha256sum
    sha256sum "${BASH_SOURCE[0]}"
    "$swiftc" --version 2>&1
    echo "$optimize ${defines[*]}"
} | sha256sum | cut -c1-32)
if [ -x "$out/boothold" ] && [ "$(cat "$work/stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "build-embedded.sh: $out/boothold is up to date"
    exit 0
fi
rm -f "$work/stamp"
# CBootHold as a clang module for swiftc (SwiftPM generates the same umbrella map).
cat > "$work/CBootHold.modulemap" <<MAP
module CBootHold {
    umbrella "$source_dir/Sources/CBootHold/include"
    export *
}
MAP

objects=()
for c in "$source_dir"/Sources/CBootHold/*.c; do
    o=$work/CBootHold-$(basename "$c" .c).o
    "$clang" -target "$triple" "$c_optimize" -gline-tables-only -fPIC -ffunction-sections -fdata-sections -Wall -Werror \
        -I "$source_dir/Sources/CBootHold/include" -c "$c" -o "$o"
    objects+=("$o")
done

# Every Swift target the executable is made of (Package.swift's, in dependency order) is
# compiled as one whole-program module. Embedded Swift compiles the code a module uses from
# another module into the user (the standard library's too, specialized), so module by
# module the same code would be compiled again into each of the nine objects: 3.7 MB of
# text, against 1.0 MB as one. The sources' `import BootHoldCore` and the like then name
# empty modules, made here, since their declarations are all in this one.
libraries=(BootHoldCore BootHoldSystem BootHoldMachine BootHoldJournal GeneratorTool HoldTool FinalizeTool CtlTool)
mkdir -p "$work/imports"
: > "$work/imports/empty.swift"
for module in "${libraries[@]}"; do
    "$swiftc" -frontend -emit-module -target "$triple" -enable-experimental-feature Embedded -parse-as-library \
        -module-name "$module" "$work/imports/empty.swift" -o "$work/imports/$module.swiftmodule"
done
sources=()
for module in "${libraries[@]}" boothold; do
    mapfile -t -O "${#sources[@]}" sources < <(find "$source_dir/Sources/$module" -name '*.swift' | sort)
done
"$swiftc" -target "$triple" -enable-experimental-feature Embedded -wmo -parse-as-library "$optimize" "${defines[@]}" \
    -swift-version 6 -module-name boothold -I "$work/imports" -I "$source_dir/Sources/CMount" \
    -Xcc "-fmodule-map-file=$work/CBootHold.modulemap" -Xcc -fPIC -Xfrontend -function-sections -warnings-as-errors \
    "${sources[@]}" -c -o "$work/boothold.o"
objects+=("$work/boothold.o")

"$clang" -target "$triple" -pie -Wl,--gc-sections -Wl,--as-needed -Wl,--build-id=sha1 -Wl,-z,relro -Wl,-z,now -o "$out/boothold.new" "${objects[@]}" \
    "$embedded_lib/libswiftUnicodeDataTables.a" -lm
mv -f "$out/boothold.new" "$out/boothold"
for link in boothold-generator boothold-hold boothold-finalize bootholdctl; do
    ln -sfn boothold "$out/$link"
done
echo "$stamp" > "$work/stamp"
echo "build-embedded.sh: $out/boothold ($(stat -c %s "$out/boothold") bytes)"

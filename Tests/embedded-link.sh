#!/usr/bin/env bash
# What is installed, the Embedded build of `boothold` (build-embedded.sh, as meson-install.sh
# builds it), needs nothing of the Swift toolchain at run time: ldd lists libc and libm only
# (no Swift runtime library, no libstdc++), libmount and libsystemd are not DT_NEEDED but
# named in the .note.dlopen note, and no log line can print "(cannot print value in embedded
# Swift)" (the standard library links that text only when some interpolated value does not
# describe itself). Prints "N passed, N failed" last.
set -euo pipefail
cd "$(dirname "$0")/.."
./build-embedded.sh | tail -n 1
bin=.build/embedded/boothold
passed=0 failed=0
check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then passed=$((passed + 1)); echo "ok   $name"
    else failed=$((failed + 1)); echo "FAIL $name"; [ -z "$out" ] || sed 's/^/     /' <<< "$out"; fi
}

only_libc_and_libm() {
    local needed
    needed=$(ldd "$bin" | awk '{print $1}' | sort)
    echo "$needed"
    ! grep -vE '^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6)$' <<< "$needed"
}
check "ldd lists libc and libm only (no libswift*, no libstdc++)" only_libc_and_libm
no_needed_c_libraries() { ! readelf -d "$bin" | grep -E 'NEEDED.*(libmount|libsystemd|libswift|libstdc)'; }
check "libmount and libsystemd are not DT_NEEDED (loaded with dlopen(3))" no_needed_c_libraries
dlopen_note() {
    local note
    note=$(readelf -p .note.dlopen "$bin") || return 1
    grep -q 'libmount\.so\.1' <<< "$note" && grep -q 'libsystemd\.so\.0' <<< "$note" || { echo "$note"; return 1; }
}
check ".note.dlopen names libmount.so.1 and libsystemd.so.0" dlopen_note
every_value_prints() { ! strings "$bin" | grep -F '(cannot print value in embedded Swift)'; }
check "no interpolated value lacks a description" every_value_prints
no_runpath() { ! readelf -d "$bin" | grep -E 'RUNPATH|RPATH'; }
check "no RUNPATH or RPATH" no_runpath
runs() {
    local tool out
    for tool in boothold-generator boothold-hold boothold-finalize bootholdctl; do
        out=$(".build/embedded/$tool" --version) || { echo "$tool --version failed"; return 1; }
        grep -q "^$tool " <<< "$out" || { echo "$tool --version: $out"; return 1; }
    done
}
check "each tool runs through its link (--version)" runs
stripped=$(mktemp)
trap 'rm -f "$stripped"' EXIT
strip --strip-all -o "$stripped" "$bin"
echo "     $bin: $(stat -c %s "$bin") bytes, stripped $(stat -c %s "$stripped") bytes"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

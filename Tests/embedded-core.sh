#!/usr/bin/env bash
# BootHoldCore, the pure core every tool is built on, compiled as Embedded Swift
# (-enable-experimental-feature Embedded, whole module, x86_64-unknown-linux-gnu): no error and
# no warning, so that nothing added to the core needs what Embedded Swift lacks (untyped throws,
# existentials of non-class protocols, key paths, dynamic casts). The tools and the I/O layers
# are still built in the normal mode only.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mapfile -t sources < <(find Sources/BootHoldCore -name '*.swift' | sort)
if ! swiftc -target x86_64-unknown-linux-gnu -enable-experimental-feature Embedded -wmo -parse-as-library \
        -module-name BootHoldCore "${sources[@]}" -c -o "$out/core.o" > "$out/log" 2>&1; then
    cat "$out/log"
    echo "FAIL: BootHoldCore does not compile as Embedded Swift" >&2
    exit 1
fi
if grep -E '(error|warning):' "$out/log"; then
    echo "FAIL: BootHoldCore compiles as Embedded Swift only with the diagnostics above" >&2
    exit 1
fi
echo "ok: BootHoldCore (${#sources[@]} files) compiles as Embedded Swift without a diagnostic"

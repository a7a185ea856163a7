#!/usr/bin/env bash
# The release generator is built with --static-swift-stdlib and must not need the Swift
# toolchain at run time: fail when ldd lists any Swift runtime library, for the standalone
# boothold-generator and for the installed multi-call boothold.
set -euo pipefail
cd "$(dirname "$0")/.."
bin_dir=$(swift build -c release --show-bin-path)
for product in boothold-generator boothold; do
    swift build -c release --static-swift-stdlib --product "$product" 2>&1 | tail -1
    bin=$bin_dir/$product
    if ldd "$bin" | grep -E 'libswift|libFoundation|lib_FoundationICU|libdispatch|libBlocksRuntime'; then
        echo "FAIL: $bin links Swift runtime libraries dynamically" >&2
        exit 1
    fi
    echo "ok: $product needs only: $(ldd "$bin" | awk '{print $1}' | tr '\n' ' ')"
done

#!/usr/bin/env bash
# The release generator is built with --static-swift-stdlib and must not need the Swift
# toolchain at run time: fail when ldd lists any Swift runtime library.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product boothold-generator 2>&1 | tail -1
bin=$(swift build -c release --show-bin-path)/boothold-generator
if ldd "$bin" | grep -E 'libswift|libFoundation|lib_FoundationICU|libdispatch|libBlocksRuntime'; then
    echo "FAIL: $bin links Swift runtime libraries dynamically" >&2
    exit 1
fi
echo "ok: $bin needs only: $(ldd "$bin" | awk '{print $1}' | tr '\n' ' ')"

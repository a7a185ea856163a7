#!/usr/bin/env bash
# Build boothold's Debian package once per source tree and print the path of the .deb.
#
#   Tests/e2e/lib/deb-package.sh      → prints  $E2E_CACHE/deb-<key>/boothold_VERSION_ARCH.deb
#   Tests/e2e/lib/deb-package.sh --adopt DEB SECONDS
#                                     keeps DEB (built from this tree in SECONDS, as below: the
#                                     package test's build) as this tree's package, unless one is
#                                     there already; so the guests do not build it a second time
#
# As Tests/deb/run.sh builds it: the files git knows of (tracked, and new ones not ignored) are
# copied into a clean directory, and `dpkg-buildpackage -us -uc -b` runs there (debian/rules:
# the project's Embedded build and installer with Debian's paths). <key> hashes the names and
# contents of the files the package is built from (Package.swift, Sources/, debian/,
# generator/, man/, units/, build-embedded.sh, meson-install.sh, meson.build, meson_options.txt), so a change to
# the tests or the docs reuses the package. Beside the .deb: build.log, build-seconds, version.
# Needs dpkg-dev, debhelper, scdoc, pkg-config and the Swift toolchain on PATH. Concurrent
# callers wait on a lock; progress goes to stderr. Exit 0 done, 1 the build failed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cd "$E2E_REPO"
# NUL-separated names of the files git knows of that exist in the worktree.
known_files() {
    git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
        if [ -e "$file" ] || [ -L "$file" ]; then printf '%s\0' "$file"; fi
    done
}
package_key() {
    known_files | grep -z -E '^(Package\.swift|Sources/|debian/|generator/|man/|units/|build-embedded\.sh|meson-install\.sh|meson\.build|meson_options\.txt)' \
        | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
}

version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/BootHoldCore/PackageVersion.swift)
arch=$(dpkg --print-architecture)
key=$(package_key)
dir=$E2E_CACHE/deb-$key
deb=$dir/boothold_${version}_${arch}.deb
if [ -f "$deb" ]; then echo "$deb"; exit 0; fi

mkdir -p "$E2E_CACHE"
exec 9>"$E2E_CACHE/.deb.lock"
flock 9
if [ -f "$deb" ]; then echo "$deb"; exit 0; fi
if [ "${1:-}" = --adopt ]; then
    given=${2:?--adopt needs the .deb}
    [ "$(basename "$given")" = "$(basename "$deb")" ] || { echo "e2e: $given is not boothold_${version}_${arch}.deb" >&2; exit 1; }
    rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
    cp "$given" "$dir.tmp/"
    echo "${3:-0}" > "$dir.tmp/build-seconds"
    echo "$version" > "$dir.tmp/version"
    echo "adopted from $given" > "$dir.tmp/build.log"
    rm -rf "$dir"; mv "$dir.tmp" "$dir"
    e2e_log "kept $(basename "$deb") ($key) from $given"
    echo "$deb"; exit 0
fi
for tool in dpkg-buildpackage dh swift pkg-config scdoc; do
    command -v "$tool" >/dev/null || { echo "e2e: missing $tool (see .ci/run; Swift on PATH)" >&2; exit 1; }
done

work=$dir.tmp
rm -rf "$work"
src=$work/boothold-$version
mkdir -p "$src"
known_files | tar --null -T - -cf - | tar -xf - -C "$src"
e2e_log "building boothold_${version}_${arch}.deb ($key) with dpkg-buildpackage (log: $work/build.log)"
started=$SECONDS
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1; then
    tail -n 30 "$work/build.log" >&2
    echo "e2e: dpkg-buildpackage failed (see $work/build.log)" >&2
    exit 1
fi
echo $((SECONDS - started)) > "$work/build-seconds"
echo "$version" > "$work/version"
rm -rf "$src" "$work"/*.buildinfo "$work"/*.changes "$work"/boothold-dbgsym_*.deb
# Packages of other trees, unused for an hour (another checkout may still be using its own).
find "$E2E_CACHE" -maxdepth 1 -name 'deb-????????????????' ! -name "deb-$key" -mmin +60 -exec rm -rf {} +
rm -rf "$dir"; mv "$work" "$dir"
e2e_log "built $(basename "$deb") in $(cat "$dir/build-seconds") s: $(stat -c %s "$deb") bytes"
echo "$deb"

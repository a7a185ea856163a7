#!/usr/bin/env bash
# Quick start: install the build dependencies if missing, build, and show what
# boothold-generator decides — on this machine and on a bundled example machine.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v swift >/dev/null && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH=/opt/swift/usr/bin:$PATH
fi
command -v swift >/dev/null || { echo "quickstart: a Swift 6 toolchain must be on PATH (swift.org)" >&2; exit 1; }

missing=()
for package in pkg-config libmount-dev libsystemd-dev; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "=== installing ${missing[*]}"
    sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
    # A fresh machine has no package lists yet: without them apt cannot locate libmount-dev.
    $sudo apt-get update
    $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

echo "=== building (Embedded Swift, as installed)"
./build-embedded.sh | tail -n 1
generator=$PWD/.build/embedded/boothold-generator

echo
echo "=== this machine (profiles come from /usr/lib/boothold and /etc/boothold once installed)"
"$generator" --explain

# A machine booted with systemd-boot: the boot loader names the ESP (LoaderDevicePartUUID),
# fstab does not mention /boot and /boot is empty, so systemd-gpt-auto-generator will
# automount the ESP at /boot and the ostree profile gets a hold.
example=$(mktemp -d /tmp/boothold-example-XXXXXX)
trap 'rm -rf "$example"' EXIT
cp -a Tests/Fixtures/generator/gpt-auto-esp-systemd-boot/root/. "$example/"
mkdir -p "$example/usr/lib/boothold" "$example/boot"
cp generator/boothold.conf "$example/usr/lib/boothold/boothold.conf"
echo
echo "=== example machine: Tests/Fixtures/generator/gpt-auto-esp-systemd-boot"
BOOTHOLD_ROOT=$example BOOTHOLD_LIBEXECDIR=/usr/libexec/boothold "$generator" --explain

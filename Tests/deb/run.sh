#!/usr/bin/env bash
# Builds the Debian package (debian/) from a clean copy of the checkout and checks what an
# administrator gets: the build itself (no network, nothing written outside the copy, a
# `clean` that restores the copy), the package's fields and file list, the executable in it,
# lintian, the maintainer scripts, and a real `dpkg -i` / reinstall / `dpkg -r` / `dpkg -P`
# in a throwaway copy-on-write copy of this machine (an overlay of / in a private mount
# namespace, entered with chroot): installing into the host itself would put a generator
# into its boot.
#
# Usage: Tests/deb/run.sh   (root; needs dpkg-dev, debhelper, lintian, shellcheck, systemd's
# pkg-config file and the Swift toolchain on PATH). Prints "deb: N passed, N failed" last.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
nspid=
cleanup() {
    if [ -n "$nspid" ]; then kill "$nspid" 2>/dev/null || true; wait "$nspid" 2>/dev/null || true; fi
    rm -rf -- "$work"
}
trap cleanup EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ $# -lt 2 ] || printf '%s\n' "$2" | sed 's/^/     /'; }
# check NAME COMMAND...: passes when COMMAND (often a function below) exits 0; its output
# is shown on failure.
check() {
    local name=$1 output; shift
    if output=$("$@" 2>&1); then pass "$name"; else fail "$name" "$output"; fi
}
finish() { echo "deb: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; }

missing=()
for tool in dpkg-buildpackage dh lintian shellcheck pkg-config swift unshare nsenter; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    fail "the tools the test needs are installed" "missing: ${missing[*]} (apt-get install dpkg-dev debhelper lintian shellcheck pkg-config; Swift on PATH)"
    finish; exit 1
fi
[ "$(id -u)" = 0 ] || { fail "runs as root (mount namespaces, chroot)"; finish; exit 1; }

version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/BootHoldCore/PackageVersion.swift)
arch=$(dpkg --print-architecture)
generatordir=$(pkg-config --variable=systemdsystemgeneratordir systemd)
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
exe=/usr/libexec/boothold/boothold-generator

# ------------------------------------------------------------------ versions
check "debian/changelog's version is the project's ($version, PackageVersion.swift)" \
    test "$(dpkg-parsechangelog -S Version)" = "$version"
check "meson.build's project version is the same" grep -qF "version: '$version'" meson.build

# ------------------------------------------------------------------ a clean copy
# The files git knows of (tracked, and new ones not ignored), as they are in the worktree:
# no .build*, no products of an earlier in-place package build.
src=$work/boothold-$version
mkdir "$src"
copy_checkout() {
    git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
        if [ -e "$file" ] || [ -L "$file" ]; then printf '%s\0' "$file"; fi
    done | tar --null -T - -cf - | tar -xf - -C "$src"
    [ -x "$src/debian/rules" ] && [ ! -e "$src/.build" ]
}
check "a clean copy of the checkout (files git knows of, no build products)" copy_checkout
tree_of() { (cd "$1" && find . -mindepth 1 -printf '%y %m %p -> %l\n' | sed 's/ -> $//' | sort); }
tree_of "$src" > "$work/copy-before.list"

# ------------------------------------------------------------------ build
# In a private mount and network namespace: no network at all, and every mount read-only
# except $work (the copy, and where dpkg-buildpackage writes the .deb), /proc, /sys and /dev.
# HOME, /tmp and the Swift toolchain are read-only, so a build that writes outside the
# tree fails here.
build_log=$work/build.log
sandboxed() {  # COMMAND...: run in $src, in that sandbox
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --mount --propagation private --net sh -c '
        set -e
        work=$1 src=$2
        shift 2
        mount --bind "$work" "$work"
        while read -r _ _ _ _ target _; do
            target=$(printf "%b" "$target")
            case $target in
                "$work"|/proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;;
            esac
            mount -o remount,bind,ro "$target" || { echo "cannot make $target read-only"; exit 1; }
        done < /proc/self/mountinfo
        if [ -w / ] || [ -w /tmp ]; then echo "the root file system is still writable"; exit 1; fi
        cd "$src"
        exec "$@"' sh "$work" "$src" "$@"
}
# Controls: the sandbox refuses a write outside $work and has no network device but lo, and
# it is not merely broken (a write into $work works).
sandbox_refuses() {
    if sandboxed touch /var/tmp/boothold-deb-probe; then rm -f /var/tmp/boothold-deb-probe; return 1; fi
    sandboxed sh -c '! grep -v -e "^ *lo:" -e "|" /proc/net/dev'
}
check "control: the build sandbox refuses a write outside the copy and has no network" sandbox_refuses
check "control: … and writing into the build directory works there" sandboxed touch "$work/probe"
build_package() { sandboxed dpkg-buildpackage -us -uc -b; }
start=$(date +%s%N)
if build_package > "$build_log" 2>&1; then
    build_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    pass "dpkg-buildpackage -us -uc -b builds it with no network and nothing writable outside the copy"
else
    build_ms=
    fail "dpkg-buildpackage -us -uc -b builds it with no network and nothing writable outside the copy" "$(tail -n 40 "$build_log")"
fi
deb=$work/boothold_${version}_${arch}.deb
dbgsym=$work/boothold-dbgsym_${version}_${arch}.deb
changes=$work/boothold_${version}_${arch}.changes
if [ ! -f "$deb" ]; then
    fail "it wrote boothold_${version}_${arch}.deb" "$(ls -l "$work")"
    finish; exit 1
fi
pass "it wrote boothold_${version}_${arch}.deb"
# The end-to-end guests install boothold from this tree's package: give them this one.
Tests/e2e/lib/deb-package.sh --adopt "$deb" "$(( ${build_ms:-0} / 1000 ))" >/dev/null \
    || echo "     (the end-to-end cache did not take the package; the guests build their own)"
deb_size=$(stat -c %s "$deb")
installed_size=$(dpkg-deb -f "$deb" Installed-Size)
echo "     build time: $(( build_ms / 1000 )).$(( build_ms % 1000 / 100 )) s (dpkg-buildpackage, Embedded build from scratch)"
echo "     boothold_${version}_${arch}.deb: $deb_size bytes ($(( deb_size / 1024 )) KiB), Installed-Size: $installed_size KiB"
[ ! -f "$dbgsym" ] || echo "     boothold-dbgsym_${version}_${arch}.deb: $(stat -c %s "$dbgsym") bytes"

rules_clean() {
    (cd "$src" && debian/rules clean) || return 1
    tree_of "$src" | diff -u "$work/copy-before.list" -
}
check "debian/rules clean leaves the copy as it was (SwiftPM's directories included)" rules_clean

# ------------------------------------------------------------------ fields
field() { dpkg-deb -f "$deb" "$1"; }
identity() {
    [ "$(field Package)" = boothold ] && [ "$(field Version)" = "$version" ] && [ "$(field Architecture)" = "$arch" ]
}
check "Package: boothold, Version: $version, Architecture: $arch" identity
# depends_on PACKAGE...: each is in Depends (with or without a version).
depends_on() {
    local depends package
    depends=$(field Depends)
    for package in "$@"; do
        grep -qE "(^|, )$package( \(|,|$)" <<< "$depends" || { echo "Depends: $depends"; return 1; }
    done
}
check "Depends names libmount1 and libsystemd0 (loaded with dlopen(3): dh_shlibdeps cannot see them)" \
    depends_on libmount1 libsystemd0
check "Depends has libc6 (dh_shlibdeps)" depends_on libc6
# The Embedded build needs no Swift runtime and no C++ library: nothing else is linked.
no_cxx_runtime() {
    local depends
    depends=$(field Depends)
    if grep -E 'libstdc\+\+|libgcc-s|libswift' <<< "$depends"; then return 1; fi
}
check "Depends has no libstdc++6, libgcc-s1 or Swift runtime (Embedded Swift)" no_cxx_runtime
no_conffiles() { if dpkg-deb -I "$deb" conffiles 2>/dev/null; then return 1; fi; }
check "no conffiles: the shipped configuration is a vendor file under /usr/lib" no_conffiles

# ------------------------------------------------------------------ file list
root=$work/extracted
dpkg-deb -x "$deb" "$root"
link_target() {  # Debian policy: relative within one top-level directory (dh_link), else absolute
    case $generatordir in
        /usr/*) realpath -m --relative-to="$generatordir" "$exe" ;;
        *) echo "$exe" ;;
    esac
}
expected_files() {
    local path dir part parts unit page name
    {
        for path in /usr/libexec/boothold /usr/lib/boothold/boothold.conf.d "$generatordir" "$unitdir" /usr/bin \
                    /usr/share/man/man5 /usr/share/man/man8 /usr/share/doc/boothold \
                    /usr/share/lintian/overrides; do
            dir=
            IFS=/ read -r -a parts <<< "${path#/}"
            for part in "${parts[@]}"; do dir=$dir/$part; echo "d 755 $dir"; done
        done
        echo "f 755 $exe"
        echo "l 777 /usr/libexec/boothold/boothold-hold -> boothold-generator"
        echo "l 777 /usr/libexec/boothold/boothold-finalize -> boothold-generator"
        echo "l 777 $generatordir/boothold-generator -> $(link_target)"
        echo "l 777 /usr/bin/bootholdctl -> ../libexec/boothold/boothold-generator"
        echo "f 644 /usr/lib/boothold/boothold.conf"
        for dropin in generator/boothold.conf.d/*.conf; do
            [ -f "$dropin" ] && echo "f 644 /usr/lib/boothold/boothold.conf.d/${dropin##*/}"
        done
        for unit in units/*; do
            [ -f "$unit" ] || continue
            name=${unit##*/}; echo "f 644 $unitdir/${name%.in}"
        done
        for page in man/*.scd; do
            name=${page##*/}; name=${name%.scd}
            echo "f 644 /usr/share/man/man${name##*.}/$name.gz"
        done
        echo "f 644 /usr/share/doc/boothold/changelog.gz"
        echo "f 644 /usr/share/doc/boothold/copyright"
        echo "f 644 /usr/share/lintian/overrides/boothold"
    } | sort -u
}
package_files() { (cd "$root" && find . -mindepth 1 -printf '%y %m /%P -> %l\n') | sed 's/ -> $//' | sort; }
check "the package's files: paths, modes, link targets" diff -u <(expected_files) <(package_files)
owned_by_root() { dpkg-deb -c "$deb" | awk '$2 != "root/root" { print; bad = 1 } END { exit bad }'; }
check "every file is owned by root:root" owned_by_root
echo "     files and links (directories left out):"
package_files | grep -v '^d ' | sed 's/^/       /'

# ------------------------------------------------------------------ what is in it
stripped_with_note() {
    local note
    if readelf -S "$root$exe" | grep -q '\.symtab'; then echo "not stripped"; return 1; fi
    note=$(readelf -p .note.dlopen "$root$exe") || return 1
    grep -q '"libmount.so.1"' <<< "$note" && grep -q '"libsystemd.so.0"' <<< "$note"
}
check "the executable is stripped and keeps its .note.dlopen (libmount.so.1, libsystemd.so.0)" stripped_with_note
no_swift_library() {
    local out
    out=$(ldd "$root$exe") || return 1
    if grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|not found' <<< "$out"; then return 1; fi
}
check "it needs no Swift library (ldd)" no_swift_library
versions() {
    local tool
    for tool in boothold-generator boothold-hold boothold-finalize; do
        [ "$("$root/usr/libexec/boothold/$tool" --version)" = "$tool $version" ] || return 1
    done
}
check "each tool reports version $version (--version)" versions
symbols_in_dbgsym() {
    local id debug=$work/dbgsym
    id=$(readelf -n "$root$exe" | sed -n 's/.*Build ID: //p')
    if [ -z "$id" ] || [ ! -f "$dbgsym" ]; then echo "no build id or no $dbgsym"; return 1; fi
    dpkg-deb -x "$dbgsym" "$debug"
    readelf -S "$debug/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" | grep -q '\.symtab'
}
check "boothold-dbgsym holds the symbols, by build id" symbols_in_dbgsym
report_unit() {
    local unit=$root$unitdir/boothold-report@.service
    grep -qxF "ExecStart=/usr/libexec/boothold/boothold-finalize --report --name %i" "$unit" || return 1
    if grep -n '@[A-Za-z_]*@' "$unit"; then return 1; fi
}
check "the report template unit runs the packaged boothold-finalize; no @placeholder@ left" report_unit
nothing_else() {
    local extra
    extra=$(cd "$root" && find etc var usr/lib/boothold/install-manifest 2>/dev/null) || true
    [ -z "$extra" ] || { echo "$extra"; return 1; }
}
check "nothing under /etc or /var, no install manifest (dpkg tracks the files)" nothing_else

# ------------------------------------------------------------------ maintainer scripts
control=$work/control
dpkg-deb -e "$deb" "$control"
for script in postinst postrm; do
    check "$script: sh -n" sh -n "$control/$script"
    check "$script: shellcheck" shellcheck -s sh "$control/$script"
done
for script in preinst prerm config; do
    check "no $script (nothing to do before unpacking or removing)" test ! -e "$control/$script"
done

# ------------------------------------------------------------------ lintian
lintian_log=$work/lintian.log
# lintian_clean FILE: lintian reports no error and no warning that is not overridden.
lintian_clean() {
    local status=0
    lintian --fail-on error,warning --display-info --show-overrides "$1" > "$lintian_log" 2>&1 || status=$?
    if grep -E '^[EW]: ' "$lintian_log"; then return 1; fi
    # 1: a tag at error or warning level; 2: lintian itself failed (e.g. an unreadable file).
    [ "$status" = 0 ] || { echo "lintian exited $status"; grep -v '^N:' "$lintian_log"; return 1; }
}
# Control: the same check fails on the package repacked without its copyright file.
lintian_catches() {
    local broken=$work/broken
    dpkg-deb -R "$deb" "$broken" && rm "$broken/usr/share/doc/boothold/copyright" \
        && sed -i '/usr\/share\/doc\/boothold\/copyright$/d' "$broken/DEBIAN/md5sums" \
        && dpkg-deb -b "$broken" "$work/broken.deb" >/dev/null || return 1
    if lintian_clean "$work/broken.deb"; then return 1; fi
    grep -q '^E: boothold: no-copyright-file' "$lintian_log"
}
check "control: the lintian check fails on the package repacked without debian/copyright" lintian_catches
check "lintian: no error and no warning that is not overridden" lintian_clean "$changes"
echo "     lintian ($(lintian --version)):"
grep -E '^[EWIPXO]: ' "$lintian_log" | sed 's/^/       /' || echo "       (no tags)"

# ------------------------------------------------------------------ install, upgrade, remove, purge
# A copy-on-write copy of this machine: / as the lower layer of an overlay whose upper layer
# is in $work, in a private mount namespace kept open by a sleeping process, entered with
# nsenter + chroot. /run and /tmp are fresh tmpfs there; /run/systemd/system makes the
# maintainer scripts believe systemd runs, and a systemctl stub in /usr/local/sbin records
# what they ask of it (the host's PID 1 is never asked anything).
if dpkg-query -W -f='${Status}' boothold 2>/dev/null | grep -q ' installed$'; then
    fail "the host has no boothold package installed (the purge checks need a clean machine)"
    finish; exit 1
fi
upper=$work/upper merged=$work/merged
mkdir -p "$upper" "$work/overlay-work" "$merged"
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount --propagation private sh -c '
    set -e
    work=$1 upper=$2 merged=$3
    mount -t overlay overlay -o "lowerdir=/,upperdir=$upper,workdir=$work/overlay-work" "$merged"
    mount -t proc proc "$merged/proc"
    mount --rbind /dev "$merged/dev"
    mount -t tmpfs tmpfs "$merged/run"
    mount -t tmpfs tmpfs "$merged/tmp"
    mkdir -p "$merged/run/systemd/system"
    touch "$work/namespace-ready"
    exec sleep infinity' sh "$work" "$upper" "$merged" > "$work/namespace.log" 2>&1 &
nspid=$!
for _ in $(seq 100); do [ -e "$work/namespace-ready" ] || ! kill -0 "$nspid" 2>/dev/null && break; sleep 0.1; done
in_namespace() { nsenter -t "$nspid" -m -- "$@"; }
inside() {  # COMMAND...: run in the machine copy, with a plain environment
    in_namespace chroot "$merged" \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}
if [ ! -e "$work/namespace-ready" ]; then
    fail "a copy-on-write copy of this machine (overlay on /)" "$(cat "$work/namespace.log")"
    finish; exit 1
fi
pass "a copy-on-write copy of this machine (overlay on /, private mount namespace)"
inside sh -c 'mkdir -p /usr/local/sbin && cat > /usr/local/sbin/systemctl && chmod 0755 /usr/local/sbin/systemctl' <<'EOF'
#!/bin/sh
echo "$*" >> /run/systemctl.log
EOF
inside touch /run/systemctl.log
in_namespace cp "$deb" "$merged/tmp/boothold.deb"
# calls EXPECTED: the systemctl calls since the last look, one per line, then forget them.
calls() {
    local got
    got=$(inside cat /run/systemctl.log); inside sh -c ': > /run/systemctl.log'
    [ "$got" = "$1" ] || { echo "systemctl calls: ${got:-none}, expected: ${1:-none}"; return 1; }
}

check "dpkg -i installs it (its dependencies are met here)" inside dpkg -i /tmp/boothold.deb
check "postinst ran systemctl daemon-reload, once" calls daemon-reload
installed_files() {
    local path
    for path in "$exe" "$generatordir/boothold-generator" /usr/lib/boothold/boothold.conf "$unitdir/boothold-report@.service"; do
        inside test -e "$path" || { echo "missing: $path"; return 1; }
    done
    # shellcheck disable=SC2016 # a dpkg-query format
    [ -z "$(inside dpkg-query -W -f='${Conffiles}' boothold)" ]
}
check "dpkg installed the files; no conffiles recorded" installed_files
# The generator as PID 1 runs it, through the generators directory link, on a machine root
# whose fstab automounts /boot (the configuration is the package's): the units name the
# helpers where the package put them, and systemd-analyze verify finds them there.
machine=$work/machine
mkdir -p "$machine/proc/self" "$machine/etc" "$machine/boot" "$machine/sysroot" "$machine/usr/lib"
printf '%s\n' '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw' \
    '23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:2 - proc proc rw' > "$machine/proc/self/mountinfo"
echo "root=/dev/vda1 rw ostree=/ostree/boot.1/debian/0" > "$machine/proc/cmdline"
echo "/dev/vda2 /boot vfat umask=0077,x-systemd.automount 0 2" > "$machine/etc/fstab"
packaged_generator() {
    in_namespace cp -a "$machine" "$merged/tmp/machine" || return 1
    inside cp -a /usr/lib/boothold /tmp/machine/usr/lib/ || return 1
    inside mkdir /tmp/out || return 1
    inside env BOOTHOLD_ROOT=/tmp/machine "$generatordir/boothold-generator" /tmp/out /tmp/out /tmp/out || return 1
    inside grep -qxF 'ExecStart=+"/usr/libexec/boothold/boothold-hold" "--release-when-gone" "/run/ostree/staged-deployment" "--finalize-unit" "ostree-finalize-staged.service" "/sysroot" "/boot"' \
        /tmp/out/ostree-finalize-staged-hold.service || { echo "unexpected hold unit"; return 1; }
    inside grep -q '^ExecStop="/usr/libexec/boothold/boothold-finalize" ' /tmp/out/ostree-finalize-staged.service \
        || { echo "unexpected finalize unit"; return 1; }
    inside env SYSTEMD_UNIT_PATH="/tmp/out:$unitdir:" systemd-analyze verify --man=no \
        /tmp/out/ostree-finalize-staged.service /tmp/out/ostree-finalize-staged-hold.service
}
check "the installed generator (through $generatordir) writes units naming the packaged helpers" packaged_generator

check "dpkg -i again (an upgrade to the same version) succeeds" inside dpkg -i /tmp/boothold.deb
check "the upgrade ran daemon-reload once (postinst configure; postrm upgrade does not)" calls daemon-reload
# Records as boothold-finalize leaves them.
inside sh -c 'mkdir -p /var/lib/boothold/ostree-finalize-staged && echo OUTCOME=succeeded > /var/lib/boothold/ostree-finalize-staged/result'
check "dpkg -r removes it" inside dpkg -r boothold
check "postrm remove ran daemon-reload once: the generator's units go away" calls daemon-reload
removed_keeps_state() {
    if inside test -e "$exe" || inside test -L "$generatordir/boothold-generator"; then echo "files left"; return 1; fi
    inside test -f /var/lib/boothold/ostree-finalize-staged/result
}
check "after dpkg -r: the files are gone, the records in /var/lib/boothold stay" removed_keeps_state
check "dpkg -P purges it" inside dpkg -P boothold
check "purge asks nothing more of systemd" calls ""
nothing_left() {
    local left
    inside test ! -e /var/lib/boothold || { echo "/var/lib/boothold is still there"; return 1; }
    inside test -z "$(dpkg-query -W -f='${Status}' boothold 2>/dev/null)" \
        || { echo "dpkg still knows boothold"; return 1; }
    # Everything the machine copy changed is in the upper layer: no boothold name is left
    # there (whiteouts, character devices, are deletions of the lower layer's files).
    left=$(find "$upper" -name '*boothold*' ! -type c)
    [ -z "$left" ] || { echo "$left"; return 1; }
}
check "after dpkg -P: nothing left, /var/lib/boothold included" nothing_left
# Control: without a running systemd (no /run/systemd/system), no systemctl call at all.
inside rmdir /run/systemd/system
check "control: with no systemd running, dpkg -i installs it" inside dpkg -i /tmp/boothold.deb
check "control: … and the maintainer scripts leave systemctl alone" calls ""
check "control: … dpkg -P purges it" inside dpkg -P boothold
check "control: … still without systemctl" calls ""

finish

#!/usr/bin/env bash
# systemd 257's `systemd-analyze verify` over every golden fixture's expected tree
# (Tests/Fixtures/generator/*/expected/), as Debian trixie's systemd sees them. 252's verify
# (the host's) runs in `swift test` (GoldenTreeTests.systemdAnalyzeVerifyAccepts).
#
#   Tests/verify-257.sh        one line per fixture, then "verify-257: N passed, N failed"
#
# 257 checks every command of every Exec*= line exists and is executable (252 checked only the
# first of each list): the units name /usr/libexec/boothold/boothold-hold and -finalize, so the
# Embedded build is installed into the tree with meson-install.sh --destdir, as a package would
# install it. The trixie tree (`debootstrap --variant=minbase --include=systemd trixie` from the
# mirror this machine's apt sources name) is built once into
# ${BOOTHOLD_E2E_CACHE:-.build-e2e}/verify-trixie-<key>/rootfs (<key> hashes the recipe below;
# build.log and build-seconds beside it) and never written afterwards: each run works on an
# overlay over it (or, where overlayfs is refused, a copy), in a private mount namespace.
# Needs root, debootstrap, chroot and unshare. Exit 0 all passed, 1 a fixture failed, 2 the
# tree or the install could not be made.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=Tests/e2e/lib/common.sh
. "$repo/Tests/e2e/lib/common.sh"

suite=trixie
include=systemd
key=$(printf '%s\n' "$suite" "$include" minbase | sha256sum | cut -c1-12)
cache=$E2E_CACHE/verify-$suite-$key
log() { printf 'verify-257: %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { log "needs root (debootstrap, chroot, mount)"; exit 2; }
for tool in debootstrap chroot unshare; do
    command -v "$tool" >/dev/null || { log "missing $tool (see .ci/run)"; exit 2; }
done

# The tree, once.
if [ ! -e "$cache/.complete" ]; then
    mkdir -p "$E2E_CACHE"
    exec 9>"$E2E_CACHE/.verify-$suite.lock"
    flock 9
    if [ ! -e "$cache/.complete" ]; then
        mirror=$(e2e_mirror) || exit 2
        debs=$E2E_CACHE/debs-$suite
        mkdir -p "$debs"
        cold=warm; [ -n "$(ls -A "$debs")" ] || cold=cold
        rm -rf "$cache.tmp"
        mkdir -p "$cache.tmp"
        log "building the $suite tree from $mirror ($cold package cache; log: $cache.tmp/build.log)"
        started=$(date +%s%N)
        if ! debootstrap --variant=minbase --include="$include" --cache-dir="$debs" \
                "$suite" "$cache.tmp/rootfs" "$mirror" >"$cache.tmp/build.log" 2>&1; then
            tail -n 20 "$cache.tmp/build.log" >&2
            log "debootstrap failed"
            exit 2
        fi
        seconds=$(( ($(date +%s%N) - started) / 1000000 ))
        seconds=$(printf '%d.%03d' $((seconds / 1000)) $((seconds % 1000)))
        echo "$seconds $cold" >"$cache.tmp/build-seconds"
        log "debootstrap took ${seconds} s ($cold package cache)"
        touch "$cache.tmp/.complete"
        mv "$cache.tmp" "$cache"
    fi
    exec 9>&-
fi
version=$(chroot "$cache/rootfs" systemd-analyze --version | head -n1)
log "$version"

# The Embedded build, installed as a package installs it (trixie's paths).
run=$(mktemp -d /tmp/verify-257.XXXXXX)
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/upper" "$run/work" "$run/merged"
if ! "$repo/meson-install.sh" --destdir "$run/upper" --prefix /usr \
        --generatordir /usr/lib/systemd/system-generators --unitdir /usr/lib/systemd/system \
        >"$run/install.log" 2>&1; then
    cat "$run/install.log" >&2
    log "meson-install.sh failed"
    exit 2
fi
[ -x "$run/upper/usr/libexec/boothold/boothold-finalize" ] || { log "no boothold-finalize installed"; exit 2; }

# The fixtures' expected trees, each its own unit directory.
fixtures=()
for expected in "$repo"/Tests/Fixtures/generator/*/expected; do
    name=$(basename "$(dirname "$expected")")
    mkdir -p "$run/upper/verify/$name"
    cp -a "$expected/." "$run/upper/verify/$name/"
    fixtures+=("$name")
done

# In a private mount namespace: the merged tree, /proc, then verify per fixture.
cat >"$run/verify-in-namespace.sh" <<'EOF'
set -euo pipefail
run=$1; lower=$2; shift 2
if ! mount -t overlay overlay -o "lowerdir=$lower,upperdir=$run/upper,workdir=$run/work" "$run/merged" 2>/dev/null; then
    # overlayfs refused (nested in some containers): a copy of the tree instead.
    echo "verify-257: overlayfs refused, working on a copy of the tree" >&2
    cp -a "$lower/." "$run/merged/"
    cp -a "$run/upper/." "$run/merged/"
fi
mount -t proc proc "$run/merged/proc"
passed=0 failed=0
for name in "$@"; do
    units=()
    for unit in "$run/merged/verify/$name"/*.service "$run/merged/verify/$name"/*.path; do
        [ -e "$unit" ] && units+=("/verify/$name/${unit##*/}")
    done
    if [ ${#units[@]} = 0 ]; then
        echo "ok   $name (no units)"
        passed=$((passed + 1))
        continue
    fi
    if output=$(chroot "$run/merged" env SYSTEMD_UNIT_PATH="/verify/$name:" SYSTEMD_LOG_LEVEL=notice \
            systemd-analyze verify --man=no "${units[@]}" 2>&1) && [ -z "$output" ]; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        printf '%s\n' "$output" | sed 's/^/     /'
        failed=$((failed + 1))
    fi
done
# Control: the same verify refuses a unit whose helper is missing, so the passes above mean
# that 257 found every command the units name.
control=/verify/gpt-auto-esp-systemd-boot/ostree-finalize-staged.service
mv "$run/merged/usr/libexec/boothold/boothold-finalize" "$run/merged/usr/libexec/boothold/boothold-finalize.away"
if output=$(chroot "$run/merged" env SYSTEMD_UNIT_PATH="/verify/gpt-auto-esp-systemd-boot:" SYSTEMD_LOG_LEVEL=notice         systemd-analyze verify --man=no "$control" 2>&1) || ! grep -q 'boothold-finalize' <<<"$output"; then
    echo "FAIL control: verify accepted $control without /usr/libexec/boothold/boothold-finalize"
    printf '%s\n' "$output" | sed 's/^/     /'
    failed=$((failed + 1))
else
    echo "ok   control: without boothold-finalize, verify refuses it ($(grep -m1 boothold-finalize <<<"$output"))"
    passed=$((passed + 1))
fi
mv "$run/merged/usr/libexec/boothold/boothold-finalize.away" "$run/merged/usr/libexec/boothold/boothold-finalize"
echo "verify-257: $passed passed, $failed failed"
[ "$failed" = 0 ]
EOF
unshare -m --propagation private bash "$run/verify-in-namespace.sh" "$run" "$cache/rootfs" "${fixtures[@]}"

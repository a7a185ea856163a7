#!/usr/bin/env bash
# generators.sh [--suite SUITE] [PKGROOT]
#
# boothold-generator beside ostree's own generator, in one generator output directory, as
# systemd runs them (in parallel, so either may finish first): both must succeed and ostree's
# output must be complete — var.mount (the stateroot's /var), its local-fs.target.requires link
# and multi-user.target.wants/ostree-boot-complete.service — next to boothold's units.
# ostree-system-generator (Debian ostree-boot 2022.7) gives up with "symlinkat: File exists" on
# the first link that already exists, and whatever it has not written by then is missing.
#
# ostree 2025.2 (trixie) links no path unit (and boothold, Trigger=auto, writes none there) but
# ostree-remount.service from local-fs.target.requires/.
#
# PKGROOT is the suite's ostree package layer (build-packages.sh; `run.sh --suite SUITE
# --print-packages` builds and prints it). boothold comes from `meson-install.sh --no-build`.
# No VM: seconds. Both generators run in a chroot of PKGROOT (read-only, in a private mount
# namespace, with /proc, a fake /proc/cmdline naming an ostree= deployment, an empty /run with
# /run/ostree, and the work directory at /mnt), so ostree's generator runs against its own
# libraries. Needs root. Prints one line per order and `SUITE: N passed, N failed`.
# Exit 0 / 1, 2 when it cannot run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=Tests/e2e/lib/common.sh
. "$here/../lib/common.sh"
if [ "${1:-}" = --suite ]; then e2e_set_suite "${2:?--suite bookworm|trixie}" || exit 2; shift 2; fi
pkgroot=${1:-$("$here/run.sh" --suite "$E2E_SUITE" --print-packages)} || { echo "0 passed, 0 failed (no package layer)"; exit 2; }
ostree_gen=$pkgroot/usr/lib/systemd/system-generators/ostree-system-generator
[ -x "$ostree_gen" ] || { echo "0 passed, 0 failed (no $ostree_gen)"; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
"$repo/meson-install.sh" --destdir "$root" --prefix /usr --no-build >/dev/null 2>&1 ||
    { echo "0 passed, 0 failed (meson-install.sh --no-build failed)"; exit 2; }
boothold_gen=/mnt/root/usr/libexec/boothold/boothold-generator
# The guest's ostree units beside it: Trigger=auto writes a path unit because ostree 2022.7
# ships ostree-finalize-staged.path (2025.2 does not).
mkdir -p "$root/usr/lib/systemd/system"
cp "$pkgroot"/usr/lib/systemd/system/ostree-finalize-staged* "$root/usr/lib/systemd/system/"
cmdline="root=/dev/vda rw ostree=/ostree/boot.1/debian/0123/0"
echo "$cmdline" > "$work/cmdline"

# run_generators ORDER OUT: boothold reads the installed configuration under BOOTHOLD_ROOT;
# ostree's generator reads /proc/cmdline, so it runs where that names a deployment. Paths
# are the chroot's: the work directory is /mnt.
run_generators() {
    local order=$1 out=/mnt/${2#"$work"/}
    mkdir -p "$2/normal" "$2/early" "$2/late"
    # shellcheck disable=SC2016  # the inner script expands its own arguments
    unshare -m --propagation private bash -c '
        pkgroot=$1 work=$2 boothold_gen=$3 ostree_gen=$4 cmdline=$5 out=$6 order=$7
        mount --bind "$pkgroot" "$pkgroot" && mount -o remount,bind,ro "$pkgroot" || exit 2
        mount -t proc proc "$pkgroot/proc" && mount --bind "$work/cmdline" "$pkgroot/proc/cmdline" || exit 2
        mount -t tmpfs tmpfs "$pkgroot/run" && mkdir "$pkgroot/run/ostree" || exit 2
        mount --bind "$work" "$pkgroot/mnt" || exit 2
        exec chroot "$pkgroot" /bin/bash -c '"'"'
        boothold_gen=$1 ostree_gen=$2 cmdline=$3 out=$4 order=$5 root=/mnt/root
        boothold() {
            BOOTHOLD_ROOT=$root SYSTEMD_PROC_CMDLINE=$cmdline "$boothold_gen" \
                "$out/normal" "$out/early" "$out/late" 2>"$out/boothold.err"
            echo $? > "$out/boothold.rc"
        }
        ostree() {
            "$ostree_gen" "$out/normal" "$out/early" "$out/late" 2>"$out/ostree.err"
            echo $? > "$out/ostree.rc"
        }
        case $order in
            boothold-first) boothold; ostree ;;
            ostree-first) ostree; boothold ;;
            parallel) boothold & ostree & wait ;;
        esac'"'"' _ "$boothold_gen" "$ostree_gen" "$cmdline" "$out" "$order"' \
        _ "$pkgroot" "$work" "$boothold_gen" "/${ostree_gen#"$pkgroot"/}" "$cmdline" "$out" "$order"
}

passed=0 failed=0
for order in boothold-first ostree-first parallel; do
    out=$work/$order problems=()
    run_generators "$order" "$out"
    [ "$(cat "$out/boothold.rc")" = 0 ] || problems+=("boothold-generator exit $(cat "$out/boothold.rc"): $(head -c 200 "$out/boothold.err")")
    [ "$(cat "$out/ostree.rc")" = 0 ] || problems+=("ostree-system-generator exit $(cat "$out/ostree.rc"): $(head -c 200 "$out/ostree.err")")
    expected=(var.mount local-fs.target.requires/var.mount multi-user.target.wants/ostree-boot-complete.service
              ostree-finalize-staged.service)
    if [ -e "$pkgroot/usr/lib/systemd/system/ostree-finalize-staged.path" ]; then
        expected+=(multi-user.target.wants/ostree-finalize-staged.path ostree-finalize-staged.path)
    else
        expected+=(local-fs.target.requires/ostree-remount.service)
        paths=$(cd "$out/normal" && find . -name 'ostree-finalize-staged.path' | head -n 3 | tr '\n' ' ')
        [ -z "$paths" ] || problems+=("a path unit without ostree's: $paths")
    fi
    for f in "${expected[@]}"; do
        [ -e "$out/normal/$f" ] || [ -L "$out/normal/$f" ] || problems+=("missing $f")
    done
    if [ ${#problems[@]} = 0 ]; then
        passed=$((passed + 1)); echo "PASS generators $order"
    else
        failed=$((failed + 1)); echo "FAIL generators $order -- $(printf '%s | ' "${problems[@]}")"
    fi
done
echo "$E2E_SUITE: $passed passed, $failed failed"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# Installs boothold with meson-install.sh (and through meson) into temporary DESTDIRs from an
# already built release tree, and checks what a packager gets: the installed tree (paths,
# modes, link targets), self-contained executables, rendered man pages, a generator that
# runs from the staging tree and writes units systemd-analyze accepts, a dry run that
# changes nothing, an uninstall that leaves nothing behind, and README pictures of a shutdown
# that are exactly what Tests/e2e/timeline.sh draws from the excerpts in Tests/e2e/timeline/.
#
# Usage: Tests/install/run.sh   (after ./meson-install.sh --build-only; BOOTHOLD_BUILD_DIR
# names another products directory). Prints "N passed, N failed" last.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/../.."
repo=$PWD
build_dir=${BOOTHOLD_BUILD_DIR:-$repo/.build/embedded}
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ $# -lt 2 ] || printf '%s\n' "$2" | sed 's/^/     /'; }
# check NAME COMMAND...: passes when COMMAND (often a function below) exits 0; its output
# is shown on failure.
check() {
    local name=$1 output; shift
    if output=$("$@" 2>&1); then pass "$name"; else fail "$name" "$output"; fi
}

[ -x "$build_dir/boothold" ] || { echo "no Embedded build at $build_dir (run ./meson-install.sh --build-only)"; exit 1; }

generatordir=$(pkg-config --variable=systemdsystemgeneratordir systemd)
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
installer() { "$repo/meson-install.sh" --no-build --build-dir "$build_dir" "$@"; }

# "TYPE MODE PATH[ -> TARGET]" for everything below DIR, sorted: the installed tree.
tree() {
    (cd "$1" && find . -mindepth 1 -printf '%y %m /%P -> %l\n') | sed 's/ -> $//' | sort
}
empty() { local left; left=$(find "$1" -mindepth 1); [ -z "$left" ] || { echo "left behind:"; echo "$left"; return 1; }; }

# What a /usr install must produce; systemd's directories are the ones pkg-config names.
expected_tree() {
    local path dir part parts unit page name dirs
    dirs=(/usr/libexec/boothold /usr/lib/boothold/boothold.conf.d "$generatordir" /usr/bin
          /usr/share/man/man5 /usr/share/man/man8)
    [ -z "$(ls units 2>/dev/null)" ] || dirs+=("$unitdir")
    {
        for path in "${dirs[@]}"; do
            dir=
            IFS=/ read -r -a parts <<< "${path#/}"
            for part in "${parts[@]}"; do dir=$dir/$part; echo "d 755 $dir"; done
        done
        echo "f 755 /usr/libexec/boothold/boothold-generator"
        echo "l 777 /usr/libexec/boothold/boothold-hold -> boothold-generator"
        echo "l 777 /usr/libexec/boothold/boothold-finalize -> boothold-generator"
        echo "l 777 $generatordir/boothold-generator -> /usr/libexec/boothold/boothold-generator"
        echo "l 777 /usr/bin/bootholdctl -> /usr/libexec/boothold/boothold-generator"
        echo "f 644 /usr/lib/boothold/boothold.conf"
        for dropin in generator/boothold.conf.d/*.conf; do
            [ -f "$dropin" ] && echo "f 644 /usr/lib/boothold/boothold.conf.d/${dropin##*/}"
        done
        echo "f 644 /usr/lib/boothold/install-manifest"
        for unit in units/*; do
            [ -f "$unit" ] || continue
            name=${unit##*/}; echo "f 644 $unitdir/${name%.in}"
        done
        for page in man/*.scd; do
            name=${page##*/}; name=${name%.scd}
            echo "f 644 /usr/share/man/man${name##*.}/$name"
        done
    } | sort -u
}

# ------------------------------------------------------------------ dry run
dry=$work/dry
mkdir "$dry"
dry_log=$work/dry.log
dry_run_prints() { installer --dry-run --destdir "$dry" > "$dry_log" && grep "/usr/libexec/boothold/boothold-generator" "$dry_log"; }
check "--dry-run prints the paths it would install" dry_run_prints
check "--dry-run installs nothing" empty "$dry"

# ------------------------------------------------------------------ install
stage=$work/stage
install_log=$work/install.log
if installer --destdir "$stage" > "$install_log" 2>&1; then
    pass "meson-install.sh installs into DESTDIR"
else
    fail "meson-install.sh installs into DESTDIR" "$(cat "$install_log")"
fi
every_path_printed() {
    local path
    while read -r path; do
        grep -qF -- "$stage$path" "$install_log" || { echo "not printed: $path"; return 1; }
    done < <(cd "$stage" && find . -mindepth 1 ! -type d -printf '/%P\n')
}
check "every installed path is printed" every_path_printed
same_as_dry_run() { diff -u <(sed "1d; s|$dry||" "$dry_log") <(sed "s|$stage||" "$install_log"); }
check "--dry-run printed exactly what the install did" same_as_dry_run
check "installed tree: paths, modes, link targets" diff -u <(expected_tree) <(tree "$stage")

libexec=$stage/usr/libexec/boothold
no_swift_runtime() {
    local tool out
    for tool in "$libexec"/*; do
        out=$(ldd "$tool") || { echo "ldd $tool failed"; return 1; }
        if grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|libstdc\+\+' <<< "$out"; then return 1; fi
    done
}
check "no installed executable needs a Swift runtime library or libstdc++ (ldd)" no_swift_runtime
small_and_stripped() {
    local size
    size=$(stat -c %s "$libexec/boothold-generator"); echo "size $size bytes"
    if readelf -S "$libexec/boothold-generator" | grep -q '\.symtab'; then echo "not stripped"; return 1; fi
    [ "$size" -le 8000000 ]
}
check "the executable is stripped and at most 8 MB" small_and_stripped
no_runpath() { if readelf -d "$libexec/boothold-generator" | grep -E 'RUNPATH|RPATH'; then return 1; fi; }
check "the executable has no RUNPATH or RPATH" no_runpath
answers_help() { "$libexec/$1" --help | grep -q -- "$1"; }
for tool in boothold-generator boothold-hold boothold-finalize; do
    check "$tool runs as itself through its installed name (--help)" answers_help "$tool"
done
check "the generators directory link points into libexec, without DESTDIR" \
    test "$(readlink "$stage$generatordir/boothold-generator")" = /usr/libexec/boothold/boothold-generator
no_placeholder() { ! grep -rn '@[A-Za-z_]*@' "$stage$unitdir"; }
check "no @placeholder@ is left in an installed unit" no_placeholder

groff_clean() {
    local out
    out=$(groff -ww -z -man "$1" 2>&1) || { echo "$out"; return 1; }
    [ -z "$out" ] || { echo "$out"; return 1; }
}
man_renders() { MANWIDTH=80 MANPAGER=cat man -l "$1" 2>&1 | grep -q '^NAME'; }
for page in "$stage"/usr/share/man/man*/*; do
    check "man page ${page##*/}: groff -ww -z -man is clean" groff_clean "$page"
    check "man page ${page##*/}: man -l renders it" man_renders "$page"
done

# boothold-finalize(8) documents exactly the MESSAGE_IDs the code sends.
message_ids_documented() {
    diff -u <(grep -oE '"[0-9a-f]{32}"' Sources/BootHoldCore/Finalize/FinalizeMessages.swift | tr -d '"' | sort -u) \
            <(grep -oE '^\*[0-9a-f]{32}\*$' man/boothold-finalize.8.scd | tr -d '*' | sort -u)
}
check "boothold-finalize(8) lists exactly the MESSAGE_IDs of the code" message_ids_documented

# Every environment variable the code reads is documented in a man page.
environment_documented() {
    local name missing=0
    while read -r name; do
        grep -q "\*$name\*" man/*.scd || { echo "not in man/: $name"; missing=1; }
    done < <(grep -rhoE '(Environment\.value|getenv)\("[A-Z_]+"\)' Sources | grep -oE '[A-Z_]{2,}' | sort -u)
    return "$missing"
}
check "every environment variable the code reads is in a man page" environment_documented

# ------------------------------------------------------------------ the installed generator
# A machine root: the installed configuration and units, plus a mount table without autofs
# and an fstab that automounts /boot, so the ostree profile must be paired with a hold.
root=$work/root
mkdir -p "$root/proc/self" "$root/etc" "$root/boot" "$root/sysroot"
[ -d "$stage" ] && cp -a "$stage/." "$root/"
cat > "$root/proc/self/mountinfo" <<'EOF'
22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:2 - proc proc rw
24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:3 - sysfs sysfs rw
25 22 0:5 / /dev rw,nosuid shared:4 - devtmpfs devtmpfs rw,size=4096k
26 22 0:23 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,mode=755
EOF
echo "BOOT_IMAGE=/vmlinuz root=/dev/vda1 rw ostree=/ostree/boot.1/debian/0" > "$root/proc/cmdline"
echo "/dev/vda2 /boot vfat umask=0077,x-systemd.automount 0 2" > "$root/etc/fstab"
out=$work/generator
mkdir "$out"
run_generator() {
    env -u BOOTHOLD_LIBEXECDIR -u SYSTEMD_FSTAB -u SYSTEMD_PROC_CMDLINE -u SYSTEMD_IN_INITRD \
        BOOTHOLD_ROOT="$root" SYSTEMD_LOG_LEVEL=debug "$libexec/boothold-generator" "$out" "$out" "$out"
}
check "the installed generator runs against a fixture root" run_generator
finalize_unit=$out/ostree-finalize-staged.service
hold_unit=$out/ostree-finalize-staged-hold.service
check "it pairs the shipped ostree profile with a hold (fstab automounts /boot)" \
    test -f "$finalize_unit" -a -f "$hold_unit"
# The first word of KEY= in UNIT must be the installed TOOL (a link to the executable).
runs_installed() {
    local unit=$1 key=$2 tool=$3 line exe
    line=$(grep "^$key=" "$unit") || { echo "no $key= in $unit"; return 1; }
    # KEY=[+]"PATH" "ARG"…, or unquoted.
    exe=${line#"$key"=}; exe=${exe#+}; exe=${exe%% *}; exe=${exe#\"}; exe=${exe%\"}
    if [ "$exe" != "$libexec/$tool" ] || [ "$(readlink -f "$exe")" != "$libexec/boothold-generator" ]; then
        echo "$line"; return 1
    fi
}
check "hold ExecStart= runs the installed boothold-hold" runs_installed "$hold_unit" ExecStart boothold-hold
check "finalize ExecStop= runs the installed boothold-finalize" runs_installed "$finalize_unit" ExecStop boothold-finalize
check "SourcePath= names the installed configuration" \
    grep -q '^SourcePath=/usr/lib/boothold/boothold.conf' "$finalize_unit"
# systemd-analyze verify resolves the units against the generator output and the installed
# unit directory, and fails on an executable that does not exist.
verify_units() {
    local units=() unit output
    for unit in "$out"/*.service "$out"/*.path; do [ -f "$unit" ] && units+=("$unit"); done
    [ ${#units[@]} -gt 0 ] || { echo "no units written"; return 1; }
    output=$(SYSTEMD_UNIT_PATH="$out:$root$unitdir:" systemd-analyze verify --man=no "${units[@]}" 2>&1) \
        || { echo "$output"; return 1; }
    # Warnings about our own units fail too; the host's unrelated units may warn.
    ! grep -E "$out|boothold|ostree-finalize" <<< "$output"
}
check "systemd-analyze verify accepts every unit it wrote" verify_units

# As PID 1 runs it: through the generators directory link, with the staged libexec mounted
# at its real place (a private mount namespace), the units name /usr/libexec/boothold/… and
# systemd-analyze finds those executables there.
through_generators_link() {
    local out3=$work/through-link
    mkdir -p "$out3"
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --mount sh -c '
        stage=$1 out=$2 root=$3 link=$4 unitdir=$5
        mount -t tmpfs tmpfs /usr/libexec && mkdir /usr/libexec/boothold &&
        mount --bind "$stage/usr/libexec/boothold" /usr/libexec/boothold || exit 1
        env -u BOOTHOLD_LIBEXECDIR BOOTHOLD_ROOT="$root" "$stage$link" "$out" "$out" "$out" || exit 1
        grep -qxF "ExecStart=+\"/usr/libexec/boothold/boothold-hold\" \"--release-when-gone\" \"/run/ostree/staged-deployment\" \"--finalize-unit\" \"ostree-finalize-staged.service\" \"/sysroot\" \"/boot\"" \
            "$out/ostree-finalize-staged-hold.service" || { echo "unexpected ExecStart="; exit 1; }
        grep -q "^ExecStop=\"/usr/libexec/boothold/boothold-finalize\" " "$out/ostree-finalize-staged.service" \
            || { echo "unexpected ExecStop="; exit 1; }
        SYSTEMD_UNIT_PATH="$out:$root$unitdir:" systemd-analyze verify --man=no \
            "$out/ostree-finalize-staged.service" "$out/ostree-finalize-staged-hold.service"
    ' sh "$stage" "$out3" "$root" "$generatordir/boothold-generator" "$unitdir"
}
check "run through the generators directory link, the units name /usr/libexec/boothold" through_generators_link

# The man page shows real output: its `systemctl cat` example is what the installed
# generator writes for this root, with the helpers at their installed place.
man_example_is_real() {
    local example=$work/example out2=$work/example-out unit first=yes
    mkdir -p "$out2"
    BOOTHOLD_LIBEXECDIR=/usr/libexec/boothold BOOTHOLD_ROOT=$root "$libexec/boothold-generator" "$out2" 2>/dev/null \
        || { echo "generator failed"; return 1; }
    for unit in ostree-finalize-staged.service ostree-finalize-staged-hold.service; do
        [ "$first" = yes ] || echo
        first=no
        echo "# /run/systemd/generator/$unit"
        cat "$out2/$unit"
    done > "$example"
    diff -u <(sed -n '/^\$ systemctl cat ostree-finalize-staged.service/,/^```/p' man/boothold-generator.8.scd | sed '1d;$d') "$example" \
        || return 1
    # The helpers' pages quote lines of the same units.
    grep -h '^Exec' man/boothold-hold.8.scd man/boothold-finalize.8.scd | while IFS= read -r line; do
        grep -qxF -- "$line" "$example" || { echo "not in the generated units: $line"; return 1; }
    done
}
check "the systemctl cat example in boothold-generator(8) is the generator's real output" man_example_is_real
# libmount and libsystemd are loaded with dlopen(3) by the tool that calls them, so the
# long-running hold maps neither (the three tools are one executable).
library_path() { readlink -f "$(ldconfig -p | awk -v so="$1" '$1 == so && /x86-64/ { print $NF; exit }')"; }
hold_maps_no_library() {
    local maps
    mkdir -p "$work/held"
    # shellcheck disable=SC2016 # expanded by the inner shell
    maps=$(unshare --mount --pid --fork --mount-proc sh -c '
        "$1" "$2" & pid=$!
        sleep 0.3
        cat "/proc/$pid/maps"; grep -q boothold "/proc/$pid/cmdline" || echo "hold not running"
        kill -TERM "$pid"; wait "$pid"' sh "$libexec/boothold-hold" "$work/held" 2>&1)
    if grep -E 'libmount|libsystemd|hold not running' <<< "$maps"; then return 1; fi
}
check "the running hold maps neither libmount nor libsystemd" hold_maps_no_library
no_needed_library() {
    if readelf -d "$libexec/boothold-generator" | grep -E 'NEEDED.*(libmount|libsystemd)'; then return 1; fi
}
check "the executable links neither libmount nor libsystemd (DT_NEEDED)" no_needed_library
# Packagers find the libraries DT_NEEDED no longer shows in the ELF .note.dlopen note.
dlopen_note_names_libraries() {
    local note
    note=$(readelf -p .note.dlopen "$libexec/boothold-generator") || return 1
    echo "$note"
    grep -q '"libmount.so.1"' <<< "$note" && grep -q '"libsystemd.so.0"' <<< "$note"
}
check "the .note.dlopen ELF note names libmount.so.1 and libsystemd.so.0" dlopen_note_names_libraries
# Without libmount (hidden in a private mount namespace) the generator names the missing
# library and still writes the paired units: what it cannot read, it holds.
generator_without_libmount() {
    local lib output
    lib=$(library_path libmount.so.1)
    [ -f "$lib" ] || { echo "libmount.so.1 not found with ldconfig -p"; return 1; }
    rm -rf "$work/no-libmount"; mkdir "$work/no-libmount"
    # shellcheck disable=SC2016 # expanded by the inner shell
    output=$(unshare --mount sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$lib" \
        env BOOTHOLD_ROOT="$root" "$libexec/boothold-generator" "$work/no-libmount" 2>&1) || true
    echo "$output"
    grep -q 'libmount.so.1' <<< "$output" && [ -f "$work/no-libmount/ostree-finalize-staged-hold.service" ]
}
check "without libmount the generator names it and holds to be safe" generator_without_libmount

# Without libsystemd boothold-finalize still finalizes and records the outcome in its
# files; the journal entry goes to stderr instead, and it says why.
finalize_without_libsystemd() {
    local lib output state=$work/no-libsystemd
    lib=$(library_path libsystemd.so.0)
    [ -f "$lib" ] || { echo "libsystemd.so.0 not found with ldconfig -p"; return 1; }
    mkdir -p "$state"; touch "$state/staged"
    # shellcheck disable=SC2016 # expanded by the inner shell
    output=$(unshare --mount sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$lib" \
        env SYSTEMD_LOG_LEVEL=debug "$libexec/boothold-finalize" --name demo --staged "$state/staged" \
        --timeout 10s --state-dir "$state" -- rm "$state/staged" 2>&1) || { echo "$output"; return 1; }
    echo "$output"
    grep -q 'libsystemd.so.0' <<< "$output" && [ -f "$state/demo/result" ] && [ ! -e "$state/staged" ]
}
check "without libsystemd boothold-finalize still records the outcome and names it" finalize_without_libsystemd

# ------------------------------------------------------------------ reinstall and uninstall
same_tree_again() {
    local before
    before=$(tree "$stage")
    installer --destdir "$stage" >/dev/null || return 1
    diff <(echo "$before") <(tree "$stage")
}
check "installing again over the same DESTDIR gives the same tree" same_tree_again
uninstall_dry_run() { installer --uninstall --dry-run --destdir "$stage" && [ -f "$libexec/boothold-generator" ]; }
check "--uninstall --dry-run removes nothing" uninstall_dry_run
uninstall() { installer --uninstall --destdir "$stage" && empty "$stage"; }
check "--uninstall leaves nothing behind" uninstall
check "--uninstall without an install is an error" bash -c '! "$@"' _ installer --uninstall --destdir "$stage"

# ------------------------------------------------------------------ options and errors
custom=$work/custom
custom_directories() {
    installer --destdir "$custom" --prefix /opt/bh --generatordir /opt/gen --unitdir /opt/units || return 1
    test -x "$custom/opt/bh/libexec/boothold/boothold-generator" &&
    test "$(readlink "$custom/opt/gen/boothold-generator")" = /opt/bh/libexec/boothold/boothold-generator &&
    test -f "$custom/opt/bh/lib/boothold/boothold.conf" &&
    test -f "$custom/opt/bh/share/man/man5/boothold.conf.5" || return 1
    installer --destdir "$custom" --prefix /opt/bh --uninstall && empty "$custom"
}
check "--prefix and directory options place every part; uninstall finds them" custom_directories
missing_pkg_config() {
    local output
    mkdir -p "$work/no-pc"
    if output=$(PKG_CONFIG_PATH='' PKG_CONFIG_LIBDIR="$work/no-pc" installer --destdir "$work/nopc-dest" 2>&1); then
        echo "succeeded without systemd.pc"; return 1
    fi
    echo "$output"
    grep -q systemdsystemgeneratordir <<< "$output" && grep -q -- --generatordir <<< "$output" \
        && [ ! -e "$work/nopc-dest" ]
}
check "a missing pkg-config variable is an error naming it and its option" missing_pkg_config
relative_prefix() { ! installer --destdir "$work/rel" --prefix usr && [ ! -e "$work/rel" ]; }
check "a relative --prefix is an error" relative_prefix
# debian/rules builds in debian/.build with --scratch-path; the products are read from there.
scratch_path_dry_run() {
    local output
    output=$("$repo/meson-install.sh" --dry-run --scratch-path "$work/scratch" --destdir "$work/scratch-dest") || return 1
    grep -qF -- "build-embedded.sh --out $work/scratch/embedded" <<< "$output" || { echo "$output"; return 1; }
    [ ! -e "$work/scratch" ] && [ ! -e "$work/scratch-dest" ]
}
check "--scratch-path goes to build-embedded.sh (dry run)" scratch_path_dry_run
relative_scratch_path() { ! "$repo/meson-install.sh" --build-only --dry-run --scratch-path build; }
check "a relative --scratch-path is an error" relative_scratch_path

# ------------------------------------------------------------------ meson
if command -v meson >/dev/null; then
    mesondir=$work/meson
    meson_install() {
        meson setup "$mesondir/build" "$repo" -Dprefix=/usr -Dbuild_swift=false -Dproducts_dir="$build_dir" &&
        DESTDIR=$mesondir/dest meson install -C "$mesondir/build" --no-rebuild
    }
    check "meson setup && meson install runs meson-install.sh" meson_install
    check "meson install gives the same tree" diff -u <(expected_tree) <(tree "$mesondir/dest")
else
    fail "meson is installed (Debian package meson)"
fi

# ------------------------------------------------------------------ README's shutdown pictures
# README.md ("End-to-end tests") shows what Tests/e2e/timeline.sh draws from the serial log
# excerpts in Tests/e2e/timeline/: each picture is the fenced block after the line
# `<!-- Tests/e2e/timeline.sh EXCERPT -->`, and must be exactly the script's output, so that
# a change to the script or to the excerpts cannot leave a stale picture behind.
readme_picture() {
    awk -v marker="<!-- Tests/e2e/timeline.sh $1 -->" '
        $0 == marker { found = 1; next }
        found && /^```/ { if (inside) exit; inside = 1; next }
        inside { print }' README.md
}
excerpts=(Tests/e2e/timeline/*.log)
check "two serial log excerpts for the README's pictures (Tests/e2e/timeline/*.log)" test ${#excerpts[@]} -eq 2
for excerpt in "${excerpts[@]}"; do
    check "README.md's picture of $excerpt is what Tests/e2e/timeline.sh prints" \
        diff -u <(readme_picture "$excerpt") <(Tests/e2e/timeline.sh "$excerpt")
done

# ------------------------------------------------------------------ shell scripts
# Every shell script of the repository: no warning or error (following what they source);
# the install scripts and this test also without the notes.
scripts=()
while IFS= read -r -d '' file; do
    head -n 1 "$file" | grep -qE '^#!.*(/|env )(ba)?sh\b' && scripts+=("$file")
done < <(find . \( -path './.build*' -o -path ./.git \) -prune -o -type f -print0)
check "shellcheck -S warning is clean on all ${#scripts[@]} shell scripts" shellcheck -x -S warning "${scripts[@]}"
check "shellcheck is clean on the install scripts" \
    shellcheck meson-install.sh Tests/install/run.sh bench/size.sh Tests/run-all.sh .ci/run \
        Tests/deb/run.sh debian/boothold.postinst debian/boothold.postrm

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Install boothold: build the executable (unless told not to), then install it, the
# shipped profile configuration, the static units and the man pages. DESTDIR/prefix aware;
# also runs as a meson install script (meson.build: meson.add_install_script).
#
# What goes where (DESIGN.md "Install layout"):
#   $libexecdir/boothold/boothold-generator    the executable (all three tools, 0755)
#   $libexecdir/boothold/boothold-{hold,finalize}  relative symlinks to it
#   $generatordir/boothold-generator           symlink to the real one (absolute, no DESTDIR)
#   $bindir/bootholdctl                        symlink to the real one (absolute, no DESTDIR)
#   $prefix/lib/boothold/boothold.conf         shipped profiles (0644), boothold.conf.d/ (drop-ins)
#   $prefix/lib/boothold/install-manifest      what this script installed, for --uninstall
#   $unitdir/*                                 units/ (from *.in with @placeholders@ filled)
#   $mandir/man5, $mandir/man8                 man/*.scd rendered with scdoc
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: meson-install.sh [OPTION]...
Build boothold (build-embedded.sh: Embedded Swift, libc only) and install it.

  --prefix DIR        installation prefix (PREFIX; default /usr)
  --destdir DIR       staging root prepended to every path (DESTDIR)
  --libexecdir DIR    (LIBEXECDIR; default PREFIX/libexec)
  --bindir DIR        where bootholdctl goes (BINDIR; default PREFIX/bin)
  --mandir DIR        (MANDIR; default PREFIX/share/man)
  --generatordir DIR  systemd system generator directory (SYSTEMD_SYSTEM_GENERATOR_DIR;
                      default: pkg-config --variable=systemdsystemgeneratordir systemd)
  --unitdir DIR       systemd system unit directory (SYSTEMD_SYSTEM_UNIT_DIR;
                      default: pkg-config --variable=systemdsystemunitdir systemd)
  --scratch-path DIR  the build directory (BOOTHOLD_SCRATCH_PATH; default .build in the
                      source directory), e.g. one inside a package build tree
  --build-dir DIR     where the built executable is (BOOTHOLD_BUILD_DIR;
                      default: SCRATCH-PATH/embedded)
  --no-build          install what is already built (NOBUILD=1)
  --build-only        build the executable, install nothing
  --no-strip          keep symbols, e.g. for a packager's debug package (NOSTRIP=1)
  --dry-run           print what would be installed or removed, change nothing (DRYRUN=1)
  --uninstall         remove exactly what the install recorded in its manifest
  -h, --help          show this help

Under `meson install` the prefix and DESTDIR come from MESON_INSTALL_PREFIX and
MESON_INSTALL_DESTDIR_PREFIX.
EOF
}

die() { echo "meson-install.sh: $*" >&2; exit 1; }

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

prefix=${PREFIX:-/usr}
destdir=${DESTDIR:-}
libexecdir=${LIBEXECDIR:-}
bindir=${BINDIR:-}
mandir=${MANDIR:-}
generatordir=${SYSTEMD_SYSTEM_GENERATOR_DIR:-}
unitdir=${SYSTEMD_SYSTEM_UNIT_DIR:-}
build_dir=${BOOTHOLD_BUILD_DIR:-}
scratch_path=${BOOTHOLD_SCRATCH_PATH:-}
build=yes; [ "${NOBUILD:-0}" = 1 ] && build=no
strip_symbols=yes; [ "${NOSTRIP:-0}" = 1 ] && strip_symbols=no
dry_run=no; [ "${DRYRUN:-0}" = 1 ] && dry_run=yes
action=install

# meson passes the final prefix and DESTDIR+prefix; DESTDIR is their difference.
if [ -n "${MESON_INSTALL_PREFIX:-}" ]; then
    prefix=$MESON_INSTALL_PREFIX
    destdir_prefix=${MESON_INSTALL_DESTDIR_PREFIX:-$MESON_INSTALL_PREFIX}
    destdir=${destdir_prefix%"$prefix"}
fi

while [ $# -gt 0 ]; do
    case $1 in
        --prefix) prefix=${2:?--prefix needs a directory}; shift ;;
        --prefix=*) prefix=${1#*=} ;;
        --destdir) destdir=${2:?--destdir needs a directory}; shift ;;
        --destdir=*) destdir=${1#*=} ;;
        --libexecdir) libexecdir=${2:?--libexecdir needs a directory}; shift ;;
        --libexecdir=*) libexecdir=${1#*=} ;;
        --bindir) bindir=${2:?--bindir needs a directory}; shift ;;
        --bindir=*) bindir=${1#*=} ;;
        --mandir) mandir=${2:?--mandir needs a directory}; shift ;;
        --mandir=*) mandir=${1#*=} ;;
        --generatordir) generatordir=${2:?--generatordir needs a directory}; shift ;;
        --generatordir=*) generatordir=${1#*=} ;;
        --unitdir) unitdir=${2:?--unitdir needs a directory}; shift ;;
        --unitdir=*) unitdir=${1#*=} ;;
        --scratch-path) scratch_path=${2:?--scratch-path needs a directory}; shift ;;
        --scratch-path=*) scratch_path=${1#*=} ;;
        --build-dir) build_dir=${2:?--build-dir needs a directory}; shift ;;
        --build-dir=*) build_dir=${1#*=} ;;
        --no-build) build=no ;;
        --build-only) action=build ;;
        --no-strip) strip_symbols=no ;;
        --dry-run) dry_run=yes ;;
        --uninstall) action=uninstall ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
done

# Every installed path is absolute and DESTDIR-free; only the writes prepend DESTDIR.
absolute() { case $2 in /*) ;; *) die "$1 must be an absolute path, not '$2'" ;; esac; }
absolute prefix "$prefix"
prefix=${prefix%/}
[ -n "$destdir" ] && absolute DESTDIR "$destdir"
destdir=${destdir%/}
libexecdir=${libexecdir:-$prefix/libexec}
bindir=${bindir:-$prefix/bin}
mandir=${mandir:-$prefix/share/man}
confdir=$prefix/lib/boothold
manifest=$confdir/install-manifest

# systemd's directories are not under the prefix: ask systemd.pc, like every generator does.
systemd_dir() {
    local variable=$1 option=$2 environment=$3 value
    command -v pkg-config >/dev/null \
        || die "pkg-config is missing: install it or pass $option (or set $environment)"
    value=$(pkg-config --variable="$variable" systemd 2>/dev/null) || value=
    [ -n "$value" ] \
        || die "pkg-config knows no '$variable' for systemd (is systemd.pc installed?): pass $option or set $environment"
    echo "$value"
}

say() { echo "$*"; }
[ "$dry_run" = yes ] && say "dry run: nothing is changed"

# ---------------------------------------------------------------------------- uninstall
# The manifest lists, in install order, "file PATH", "link PATH" and "dir PATH" (a directory
# the install created). Files and links go first, then the directories that are empty again.
if [ "$action" = uninstall ]; then
    [ -f "$destdir$manifest" ] \
        || die "no install manifest at $destdir$manifest: nothing to uninstall with this --prefix/DESTDIR"
    entries=()
    while IFS= read -r line; do entries+=("$line"); done < "$destdir$manifest"
    for entry in "${entries[@]}"; do
        kind=${entry%% *} path=${entry#* }
        case $kind in
            file|link)
                [ "$path" = "$manifest" ] && continue
                if [ -e "$destdir$path" ] || [ -L "$destdir$path" ]; then
                    say "remove $destdir$path"
                    [ "$dry_run" = yes ] || rm -f -- "$destdir$path"
                fi ;;
            dir) ;;
            *) die "$destdir$manifest: unknown entry '$entry'" ;;
        esac
    done
    say "remove $destdir$manifest"
    [ "$dry_run" = yes ] || rm -f -- "$destdir$manifest"
    for (( i = ${#entries[@]} - 1; i >= 0; i-- )); do
        entry=${entries[i]}
        [ "${entry%% *}" = dir ] || continue
        path=${entry#* }
        [ -d "$destdir$path" ] || continue
        if [ "$dry_run" = yes ]; then say "remove directory $destdir$path (if empty)"; continue; fi
        if rmdir -- "$destdir$path" 2>/dev/null; then
            say "remove directory $destdir$path"
        else
            say "keep directory $destdir$path (not empty)"
        fi
    done
    exit 0
fi

# ---------------------------------------------------------------------------- build
# The installed executable is the multi-call `boothold`, built as Embedded Swift by
# build-embedded.sh: no Swift runtime, libc and libm only (bench/size.md has the numbers
# behind one executable for the tools). No RUNPATH: libmount and libsystemd are loaded with
# dlopen(3) from the system's library directories only, never from beside the executable.
if [ -n "$scratch_path" ]; then
    absolute --scratch-path "$scratch_path"
fi
embedded_build=("$source_dir/build-embedded.sh" --out "${scratch_path:-$source_dir/.build}/embedded")
if [ "$build" = yes ]; then
    say "build: ${embedded_build[*]}"
    if [ "$dry_run" = no ]; then
        "${embedded_build[@]}" || die "build failed: ${embedded_build[*]}"
    fi
fi
[ "$action" = build ] && exit 0

[ -n "$generatordir" ] || generatordir=$(systemd_dir systemdsystemgeneratordir --generatordir SYSTEMD_SYSTEM_GENERATOR_DIR)
[ -n "$unitdir" ] || unitdir=$(systemd_dir systemdsystemunitdir --unitdir SYSTEMD_SYSTEM_UNIT_DIR)
absolute generatordir "$generatordir"
absolute unitdir "$unitdir"
absolute libexecdir "$libexecdir"
absolute bindir "$bindir"
absolute mandir "$mandir"
build_dir=${build_dir:-${scratch_path:-$source_dir/.build}/embedded}
executable=$build_dir/boothold
if [ "$dry_run" = no ]; then
    [ -x "$executable" ] || die "no built executable at $executable: build first or pass --build-dir"
fi

# ---------------------------------------------------------------------------- man pages
man_pages=()
for page in "$source_dir"/man/*.scd; do
    [ -e "$page" ] || continue
    man_pages+=("$page")
done
if [ ${#man_pages[@]} -gt 0 ] && [ "$dry_run" = no ]; then
    command -v scdoc >/dev/null || die "scdoc is missing: it renders the man pages (Debian package scdoc)"
fi

# ---------------------------------------------------------------------------- install
[ -z "$destdir" ] || [ "$dry_run" = yes ] || mkdir -p -- "$destdir"
staging=$(mktemp -d)
trap 'rm -rf -- "$staging"' EXIT

recorded=()
# Keep directories an earlier install created, so a re-install still removes them.
if [ -f "$destdir$manifest" ]; then
    while IFS= read -r line; do
        [ "${line%% *}" = dir ] && recorded+=("$line")
    done < "$destdir$manifest"
fi
record() {
    local entry
    for entry in "${recorded[@]}"; do [ "$entry" = "$1 $2" ] && return 0; done
    recorded+=("$1 $2")
}

made=()  # directories this run created (or, in a dry run, would have)
exists() {
    local entry
    [ -d "$destdir$1/" ] && return 0
    for entry in "${made[@]}"; do [ "$entry" = "$1" ] && return 0; done
    return 1
}
make_dir() {  # DIR (DESTDIR-free); records each level it creates
    local dir=$1 missing=() level
    level=$dir
    while [ -n "$level" ] && ! exists "$level"; do
        missing=("$level" "${missing[@]}")
        level=${level%/*}
    done
    for level in "${missing[@]}"; do
        say "dir  $destdir$level"
        record dir "$level"
        made+=("$level")
        [ "$dry_run" = yes ] || mkdir -m 0755 -- "$destdir$level"
    done
    return 0
}

install_file() {  # MODE SOURCE DEST (DEST is DESTDIR-free)
    local mode=$1 source=$2 dest=$3
    make_dir "${dest%/*}"
    say "file $mode $destdir$dest"
    record file "$dest"
    [ "$dry_run" = yes ] && return 0
    rm -f -- "$destdir$dest"
    install -m "$mode" -- "$source" "$destdir$dest"
}

install_link() {  # TARGET DEST
    local target=$1 dest=$2
    make_dir "${dest%/*}"
    say "link $destdir$dest -> $target"
    record link "$dest"
    [ "$dry_run" = yes ] && return 0
    rm -f -- "$destdir$dest"
    ln -s -- "$target" "$destdir$dest"
}

# Executable: all three tools in one file, named for the generator; the helpers are links
# beside it, because the generator writes the helper paths beside its resolved /proc/self/exe.
pkglibexecdir=$libexecdir/boothold
if [ "$dry_run" = no ]; then
    cp -- "$executable" "$staging/boothold"
    if [ "$strip_symbols" = yes ]; then
        command -v strip >/dev/null || die "strip is missing (binutils), or pass --no-strip"
        strip --strip-all "$staging/boothold"
    fi
fi
install_file 0755 "$staging/boothold" "$pkglibexecdir/boothold-generator"
install_link boothold-generator "$pkglibexecdir/boothold-hold"
install_link boothold-generator "$pkglibexecdir/boothold-finalize"
install_link "$pkglibexecdir/boothold-generator" "$generatordir/boothold-generator"
# The administrator's command: the same executable, picked by the name bootholdctl.
install_link "$pkglibexecdir/boothold-generator" "$bindir/bootholdctl"

# Shipped profiles, and the vendor drop-in directory packages add to (with boothold's own
# drop-ins for updaters other than ostree, each maskable by name from /etc).
install_file 0644 "$source_dir/generator/boothold.conf" "$confdir/boothold.conf"
make_dir "$confdir/boothold.conf.d"
for dropin in "$source_dir"/generator/boothold.conf.d/*.conf; do
    [ -f "$dropin" ] || continue
    install_file 0644 "$dropin" "$confdir/boothold.conf.d/${dropin##*/}"
done

# Static units: *.in get their @placeholders@ filled; a placeholder left over is an error.
for unit in "$source_dir"/units/*; do
    [ -f "$unit" ] || continue
    name=${unit##*/}
    case $name in
        *.in)
            name=${name%.in}
            sed -e "s|@prefix@|$prefix|g" \
                -e "s|@libexecdir@|$libexecdir|g" \
                -e "s|@pkglibexecdir@|$pkglibexecdir|g" \
                -e "s|@confdir@|$confdir|g" \
                -e "s|@unitdir@|$unitdir|g" \
                -e "s|@generatordir@|$generatordir|g" \
                "$unit" > "$staging/$name"
            if left=$(grep -o '@[A-Za-z_]*@' "$staging/$name" | sort -u | tr '\n' ' ') && [ -n "$left" ]; then
                die "$unit: unknown placeholder(s) $left"
            fi
            install_file 0644 "$staging/$name" "$unitdir/$name" ;;
        *) install_file 0644 "$unit" "$unitdir/$name" ;;
    esac
done

# Man pages: boothold.conf.5.scd → man5/boothold.conf.5.
for page in "${man_pages[@]}"; do
    name=${page##*/}; name=${name%.scd}
    section=${name##*.}
    case $section in [1-8]) ;; *) die "$page: the name must end in .SECTION.scd" ;; esac
    [ "$dry_run" = yes ] || scdoc < "$page" > "$staging/$name"
    install_file 0644 "$staging/$name" "$mandir/man$section/$name"
done

if [ "$prefix" != /usr ]; then
    say "note: the generator reads its shipped profiles from /usr/lib/boothold, not $confdir"
fi

# The manifest lists itself, so --uninstall removes it like everything else.
record file "$manifest"
say "file 0644 $destdir$manifest"
if [ "$dry_run" = no ]; then
    printf '%s\n' "${recorded[@]}" > "$staging/install-manifest"
    install -m 0644 -- "$staging/install-manifest" "$destdir$manifest"
fi

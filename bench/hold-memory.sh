#!/usr/bin/env bash
# Resident memory of boothold-hold while it holds a mount, measured in one run against
# `sleep infinity`, a C hold (open the directory, send READY=1, pause) and
# `ostree admin finalize-staged --hold` (Debian's ostree), for the SwiftPM release build
# (standalone, multi-call and fully static) and the Embedded Swift build (build-embedded.sh,
# the installed one), plus what
# linking libsystemd for sd_notify(3) costs against sending the notify datagram directly
# (two small C probes that differ only in that). Numbers: VmRSS from /proc/PID/status, Rss
# and Pss from /proc/PID/smaps_rollup, median of RUNS samples, each taken once the process
# has told the notify socket READY=1 (or has its descriptors open, for ostree and sleep).
#
# Needs root (mount and PID namespaces), gcc, libsystemd-dev, python3 and ostree:
#   apt-get install -y gcc libsystemd-dev python3 ostree
# Usage: bench/hold-memory.sh [RUNS]   (default 5)
# With BENCH_RESULTS=FILE the figures are also appended to FILE as "key value" lines.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
record() { [ -z "${BENCH_RESULTS:-}" ] || echo "$*" >>"$BENCH_RESULTS"; }

for tool in gcc python3 ostree unshare; do
    command -v "$tool" >/dev/null || { echo "hold-memory: $tool is missing (see the header)" >&2; exit 1; }
done

echo "building boothold-hold and the multi-call boothold (release, --static-swift-stdlib)…" >&2
swift build -c release --static-swift-stdlib --product boothold-hold >&2
swift build -c release --static-swift-stdlib --product boothold >&2
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
hold=$bin/boothold-hold
# Fully static (glibc and libstdc++ linked in): then every code page is the hold's own, so
# the idle page-out can hand nearly all of them back.
echo "building boothold-hold fully static (-static-executable)…" >&2
# (The linker's warning about dlopen in libswiftCore does not concern the hold, which loads nothing.)
swift build -c release --product boothold-hold -Xswiftc -static-executable --build-path .build-hold-static 2>&1 \
    | grep -v "Using 'dlopen' in statically linked" >&2
static_hold=$(swift build -c release --product boothold-hold -Xswiftc -static-executable --build-path .build-hold-static --show-bin-path)/boothold-hold
echo "building the Embedded boothold (build-embedded.sh)…" >&2
./build-embedded.sh >&2
embedded_hold=$PWD/.build/embedded/boothold-hold

work=$(mktemp -d /tmp/boothold-hold-memory.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The SwiftPM multi-call executable, run through a link named boothold-hold.
mkdir "$work/installed"
ln -s "$bin/boothold" "$work/installed/boothold-hold"

# Two C probes, identical but for how they say READY=1: both open the directory and pause().
cat >"$work/probe.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#ifdef WITH_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif
int main(int argc, char **argv) {
    if (argc < 2 || open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC) < 0) return 3;
#ifdef WITH_LIBSYSTEMD
    if (sd_notify(0, "READY=1") < 0) return 5;
#else
    const char *address = getenv("NOTIFY_SOCKET");
    if (address) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t n = strlen(address);
        memcpy(sa.sun_path, address, n);
        if (sa.sun_path[0] == '@') sa.sun_path[0] = 0;
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *) &sa,
                   offsetof(struct sockaddr_un, sun_path) + n + (address[0] == '/')) < 0) return 5;
        close(fd);
    }
#endif
    pause();
    return 0;
}
C
gcc -O2 -o "$work/probe-datagram" "$work/probe.c"
# shellcheck disable=SC2046 # pkg-config prints one flag per word
gcc -O2 -DWITH_LIBSYSTEMD -o "$work/probe-libsystemd" "$work/probe.c" $(pkg-config --cflags --libs libsystemd)

# Everything below runs as PID 1 of a throwaway mount + PID namespace: the hold's namespace
# check passes, and the tmpfs /run that ostree needs never touches the host's.
cat >"$work/inner.sh" <<'INNER'
set -euo pipefail
work=$1 hold=$2 runs=$3 static_hold=$4 embedded_hold=$5
mkdir -p "$work/boot"
mount -t tmpfs -o size=1m bench-boot "$work/boot"
mount -t tmpfs -o size=8m bench-run /run
touch /run/ostree-booted
mkdir "$work/sysroot"
ostree admin init-fs "$work/sysroot" >/dev/null 2>&1
ostree admin os-init --sysroot="$work/sysroot" bench >/dev/null 2>&1

# The service manager's end of the notify protocol: count READY=1 datagrams.
python3 - "$work/notify" "$work/ready-count" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
count = 0
open(sys.argv[2], "w").write("0")
while True:
    if b"READY=1" in s.recv(4096):
        count += 1
        open(sys.argv[2] + ".tmp", "w").write(str(count))
        os.rename(sys.argv[2] + ".tmp", sys.argv[2])
PY
listener=$!
while [ ! -S "$work/notify" ] || [ ! -f "$work/ready-count" ]; do sleep 0.01; done

# sample NAME WAIT COMMAND...: start it RUNS times, take the figures once it is holding.
sample() {
    local name=$1 wait=$2; shift 2
    local i pid before
    for ((i = 0; i < runs; i++)); do
        before=$(cat "$work/ready-count")
        NOTIFY_SOCKET="$work/notify" "$@" >/dev/null 2>&1 &
        pid=$!
        if [ "$wait" = ready ]; then
            for _ in $(seq 500); do [ "$(cat "$work/ready-count")" -gt "$before" ] && break; sleep 0.01; done
            [ "$(cat "$work/ready-count")" -gt "$before" ] || { echo "$name never sent READY=1" >&2; exit 1; }
        else
            # Processes that do not notify: wait until they have the held directory open (or
            # as their working directory).
            for _ in $(seq 500); do
                ls -l /proc/$pid/fd/ /proc/$pid/cwd 2>/dev/null | grep -q -- "$work/.*boot\$" && break
                sleep 0.01
            done
        fi
        sleep 0.2  # let start-up settle, as the hold sits idle for the whole session
        awk -v n="$name" '/^VmRSS:/ { rss = $2 } END { printf "%s VmRSS %d\n", n, rss }' /proc/$pid/status
        awk -v n="$name" '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } /^Anonymous:/ { a = $2 }
            END { printf "%s Rss %d\n%s Pss %d\n%s Anon %d\n", n, r, n, p, n, a }' /proc/$pid/smaps_rollup
        kill -TERM $pid
        wait $pid 2>/dev/null || true
    done
}

# As after a boot: the executables come from disk, not from the page cache the build left
# (pages the linker wrote are small folios; read back they are large ones, and how much a
# fault maps back in depends on that).
for file in "$hold" "$(readlink -f "$work/installed/boothold-hold")" "$static_hold" "$(readlink -f "$embedded_hold")"; do
    dd if="$file" iflag=nocache count=0 status=none
done
sample boothold-hold ready "$hold" "$work/boot"
sample multi-call-hold ready "$work/installed/boothold-hold" "$work/boot"
sample static-hold ready "$static_hold" "$work/boot"
sample embedded-hold ready "$embedded_hold" "$work/boot"
sample sleep-infinity settle sh -c "cd '$work/boot' && exec sleep infinity"
sample ostree-hold settle ostree admin finalize-staged --hold --sysroot="$work/sysroot"
sample c-datagram ready "$work/probe-datagram" "$work/boot"
sample c-libsystemd ready "$work/probe-libsystemd" "$work/boot"
kill $listener
INNER

unshare --mount --propagation private --pid --fork --mount-proc \
    bash ${BENCH_TRACE:+-x} "$work/inner.sh" "$work" "$hold" "$runs" "$static_hold" "$embedded_hold" >"$work/samples"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
figure() { awk -v n="$1" -v k="$2" '$1 == n && $2 == k { print $3 }' "$work/samples" | median; }

echo
echo "resident memory while holding, kB (median of $runs; $(uname -r), $(date -u +%FT%TZ))"
printf '%-16s %8s %8s %8s %8s\n' process VmRSS Rss Pss Anon
for name in boothold-hold multi-call-hold static-hold embedded-hold sleep-infinity ostree-hold c-datagram c-libsystemd; do
    printf '%-16s %8s %8s %8s %8s\n' "$name" "$(figure $name VmRSS)" "$(figure $name Rss)" \
        "$(figure $name Pss)" "$(figure $name Anon)"
done

hold_rss=$(figure boothold-hold VmRSS)
ostree_rss=$(figure ostree-hold VmRSS)
sleep_rss=$(figure sleep-infinity VmRSS)
datagram_rss=$(figure c-datagram VmRSS)
libsystemd_rss=$(figure c-libsystemd VmRSS)
echo
awk -v h="$hold_rss" -v o="$ostree_rss" -v s="$sleep_rss" -v d="$datagram_rss" -v l="$libsystemd_rss" \
    -v m="$(figure multi-call-hold VmRSS)" -v st="$(figure static-hold VmRSS)" -v e="$(figure embedded-hold VmRSS)" -v hp="$(figure boothold-hold Pss)" -v op="$(figure ostree-hold Pss)" 'BEGIN {
    printf "boothold-hold / ostree --hold  VmRSS %.2fx (goal <= 0.33x)   Pss %.2fx\n", h / o, hp / op
    printf "boothold-hold / sleep infinity VmRSS %.2fx\n", h / s
    printf "boothold-hold VmRSS %.2f MB (moonshot <= 1.5 MB)\n", h / 1024
    printf "multi-call boothold as boothold-hold / ostree --hold  VmRSS %.2fx\n", m / o
    printf "fully static boothold-hold / ostree --hold  VmRSS %.2fx, %.2f MB (moonshot <= 1.5 MB)\n", st / o, st / 1024
    printf "Embedded boothold as boothold-hold / ostree --hold  VmRSS %.2fx, / C hold %.2fx, %.2f MB (goal <= 1.5 MB)\n", e / o, e / d, e / 1024
    printf "sd_notify through libsystemd costs %+d kB VmRSS over the datagram (C probes: %.2fx)\n", l - d, l / d
}'
strip -o "$work/stripped" "$hold"
echo "boothold-hold: $(stat -c %s "$hold") bytes, $(stat -c %s "$work/stripped") stripped; needs: $(ldd "$hold" | awk '{ print $1 }' | tr '\n' ' ')"
strip -o "$work/stripped-static" "$static_hold"
echo "fully static boothold-hold: $(stat -c %s "$static_hold") bytes, $(stat -c %s "$work/stripped-static") stripped"
strip -o "$work/stripped-multi" "$bin/boothold"
echo "multi-call boothold: $(stat -c %s "$work/stripped-multi") bytes stripped"
strip -o "$work/stripped-embedded" "$(readlink -f "$embedded_hold")"
echo "Embedded boothold: $(stat -c %s "$work/stripped-embedded") bytes stripped; needs: $(ldd "$embedded_hold" | awk '{ print $1 }' | tr '\n' ' ')"
for key in VmRSS Pss; do
    record "hold.$key.standalone" "$(figure boothold-hold "$key")"
    record "hold.$key.normal" "$(figure multi-call-hold "$key")"
    record "hold.$key.static" "$(figure static-hold "$key")"
    record "hold.$key.embedded" "$(figure embedded-hold "$key")"
    record "hold.$key.sleep" "$(figure sleep-infinity "$key")"
    record "hold.$key.c" "$(figure c-datagram "$key")"
    record "hold.$key.ostree" "$(figure ostree-hold "$key")"
done

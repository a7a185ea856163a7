# Shared settings of the end-to-end harness. Source it; it defines no side effects beyond
# variables and functions:
#   E2E_REPO      the repository root
#   E2E_LIB       this directory
#   E2E_CACHE     cache root: ${BOOTHOLD_E2E_CACHE:-$E2E_REPO/.build-e2e}
#   E2E_SUITE     Debian suite of the guests: ${E2E_SUITE:-bookworm}; bookworm (systemd 252,
#                 ostree 2022.7) or trixie (systemd 257, ostree 2025.2). The runners' --suite
#                 sets and exports it, so that the image builders they start see the same.
#   E2E_DEBS      debootstrap's package cache of the suite (shared with Tests/verify-257.sh)
#   e2e_set_suite SUITE  sets and exports E2E_SUITE (and E2E_DEBS); fails on an unknown suite
#   e2e_suite_ok  fails (with a message) unless E2E_SUITE is a suite the harness knows
#   e2e_log MSG…  a timestamped progress line on stderr
#   e2e_mirror    prints the Debian mirror named by this machine's apt sources
#   e2e_recipe_key prints the cache key: a hash of every file that shapes the base image
# Exit codes used across the harness: 0 pass, 1 test failure, 2 infrastructure failure.
E2E_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_REPO=$(cd "$E2E_LIB/../../.." && pwd)
E2E_CACHE=${BOOTHOLD_E2E_CACHE:-$E2E_REPO/.build-e2e}
E2E_SUITE=${E2E_SUITE:-bookworm}
E2E_EXIT_PASS=0 E2E_EXIT_FAIL=1 E2E_EXIT_INFRA=2

e2e_suite_ok() {
    case $E2E_SUITE in
        bookworm|trixie) return 0 ;;
        *) echo "e2e: unknown suite '$E2E_SUITE' (bookworm or trixie)" >&2; return 1 ;;
    esac
}

e2e_set_suite() {
    E2E_SUITE=$1
    export E2E_SUITE
    # bookworm's packages stay where they always were.
    if [ "$E2E_SUITE" = bookworm ]; then E2E_DEBS=$E2E_CACHE/debs; else E2E_DEBS=$E2E_CACHE/debs-$E2E_SUITE; fi
    e2e_suite_ok
}
e2e_set_suite "$E2E_SUITE" || true

e2e_log() { printf '[e2e %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# The mirror comes from the machine's own apt configuration (deb822 or one-line format), so the
# repository never names one.
e2e_mirror() {
    local uri
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /debian\/?$/) { print $i; exit } }' \
            /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
    if [ -z "$uri" ]; then
        uri=$(awk '$1 == "deb" && $0 ~ /debian\/? / { for (i = 2; i <= NF; i++) if ($i ~ /^(http|https|file):/) { print $i; exit } }' \
                /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1)
    fi
    [ -n "$uri" ] || { echo "e2e: no Debian mirror in this machine's apt sources" >&2; return 1; }
    printf '%s\n' "$uri"
}

# Every file that decides what the cached base contains; change one and the cache rebuilds.
e2e_recipe_key() {
    (cd "$E2E_LIB" && { echo "$E2E_SUITE"; cat base-rootfs.sh guest-base/*; } | sha256sum | cut -c1-12)
}

# e2e_status_problems TAG VERDICT LINE: what is wrong with a guest's `bootholdctl status --json`
# at step TAG, LINE being "rc=N {json}" (the rest of its E2E-STATUS line), when VERDICT (the
# JSON's spelling: ready, idle, locked, not-applied-last-time, degraded, at-risk, unknown) was
# expected: the verdict, the exit status bootholdctl(8) gives it (0 nothing at risk, 1
# otherwise) and the JSON's exit_status. Prints one line per problem, nothing when all is right.
e2e_status_problems() {
    local tag=$1 want=$2 line=$3 rc json verdict want_rc=0
    case $want in degraded|at-risk|unknown) want_rc=1 ;; esac
    rc=${line%% *} json=${line#* }
    rc=${rc#rc=}
    verdict=$(printf '%s\n' "$json" | grep -o '"verdict":"[^"]*"' | head -n 1 | cut -d'"' -f4)
    [ "$verdict" = "$want" ] || echo "bootholdctl status at '$tag': verdict ${verdict:-<none>}, expected $want"
    [ "$rc" = "$want_rc" ] || echo "bootholdctl status at '$tag': exit status $rc, expected $want_rc ($want)"
    printf '%s\n' "$json" | grep -q "\"exit_status\":$want_rc}\$" \
        || echo "bootholdctl status at '$tag': the JSON's exit_status is not $want_rc"
}

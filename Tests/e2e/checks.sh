# Host-side assertions over one scenario run, after the guest powered off. Sourced by
# run-scenario.sh with OUT (the run directory, holding finalized.txt, journal/, boot-N/) set.
# Every failed expectation appends one line to OUT/failures; the scenario passes when the file
# stays empty. Facts worth printing on the result line go to OUT/facts.

fail() { echo "$*" >> "$OUT/failures"; }
fact() { echo "$*" >> "$OUT/facts"; }

# The scenario's E2E-NOTE lines of boot N, as KEY=VALUE lines.
notes_of_boot() {
    e2e_journal "$OUT/journal" -b "$1" -o cat _SYSTEMD_UNIT=e2e-driver.service \
        | sed -n 's/^E2E-NOTE //p'
}

# note KEY [BOOT]: the value the guest noted (empty when it did not).
note_value() {
    notes_of_boot "${2:-1}" | awk -F= -v k="$1" '$1 == k { sub(/^[^=]*=/, ""); v = $0 } END { print v }'
}

expect_note() {
    local key=$1 want=$2 boot=${3:-1} got
    got=$(note_value "$key" "$boot")
    [ "$got" = "$want" ] || fail "$key: expected '$want', got '${got:-<none>}'"
}

# Lines of /boot/finalized.txt (the finalize command appends one per run).
finalized_lines() { grep -c '^finalized ' "$OUT/finalized.txt" 2>/dev/null || true; }

# Exactly one finalization, and it ran while the system was stopping.
expect_finalized_once_at_shutdown() {
    local n
    n=$(finalized_lines)
    if [ "$n" != 1 ]; then
        fail "/boot/finalized.txt: expected 1 line, got ${n:-0}: $(tr '\n' '|' < "$OUT/finalized.txt")"
        return
    fi
    grep -q 'state=stopping' "$OUT/finalized.txt" \
        || fail "finalized while not stopping: $(cat "$OUT/finalized.txt")"
}

expect_nothing_finalized() {
    [ "$(finalized_lines)" = 0 ] || fail "finalized although nothing was staged: $(tr '\n' '|' < "$OUT/finalized.txt")"
}

# The #2543 fix at work: units paired, /boot (vfat) held and the finalize and hold units
# active past the idle timeout, finalized once at shutdown, in the right stop order.
expect_held_and_finalized_at_shutdown() {
    expect_note units paired
    expect_note waited_boot_fstype vfat
    expect_note waited_boot_mount active
    expect_note waited_finalize active
    expect_note waited_hold active
    expect_finalized_once_at_shutdown
    expect_shutdown_order
}

unit_time() { e2e_journal_time "$OUT/journal" "$1" "$2" "$3"; }

# At shutdown: finalize stopped → hold lets go → hold stopped → boot.mount unmounting, by the
# journal's monotonic timestamps (the order ostree's boot-automount.sh checks too). The hold
# lets go either when systemd stops it ("Stopping", the usual case) or by itself just before:
# the finalize command removed the staged file, and a hold that sees that only after
# finalization ended exits on its own ("Deactivated successfully"). The earlier one counts.
expect_shutdown_order() {
    local boot=${1:-1} fin hold_stopping hold_exited hold_release hold_stopped umount how
    fin=$(unit_time "$boot" "$E2E_MSG_STOPPED" e2e-finalize.service)
    hold_stopping=$(unit_time "$boot" "$E2E_MSG_STOPPING" e2e-finalize-hold.service)
    hold_exited=$(unit_time "$boot" "$E2E_MSG_SUCCEEDED" e2e-finalize-hold.service)
    hold_stopped=$(unit_time "$boot" "$E2E_MSG_STOPPED" e2e-finalize-hold.service)
    umount=$(unit_time "$boot" "$E2E_MSG_STOPPING" boot.mount)
    hold_release=$(printf '%s\n' "$hold_stopping" "$hold_exited" | awk 'NF && (m == "" || $1 < m) { m = $1 } END { print m }')
    how=stopped; [ "$hold_release" = "$hold_stopping" ] || how="exited by itself"
    if [ -z "$fin" ] || [ -z "$hold_release" ] || [ -z "$hold_stopped" ] || [ -z "$umount" ]; then
        fail "shutdown order: missing journal entries (finalize stopped=${fin:-?}, hold stopping=${hold_stopping:-?}, hold exited=${hold_exited:-?}, hold stopped=${hold_stopped:-?}, boot.mount unmounting=${umount:-?})"
        return
    fi
    if awk -v a="$fin" -v b="$hold_release" -v c="$hold_stopped" -v d="$umount" \
            'BEGIN { exit !(a <= b && b <= c && c <= d) }'; then
        fact "order: finalize stopped $fin < hold let go $hold_release ($how) < stopped $hold_stopped < boot.mount unmounting $umount"
    else
        fail "shutdown order wrong: finalize stopped $fin, hold let go $hold_release ($how), hold stopped $hold_stopped, boot.mount unmounting $umount"
    fi
}

# The journal of one unit in boot N (message text only).
unit_log() { e2e_journal "$OUT/journal" -b "$1" -o cat "_SYSTEMD_UNIT=$2" + "UNIT=$2"; }

# Host-side assertions over one scenario run, after the guest powered off. Sourced by
# run-scenario.sh with OUT (the run directory, holding finalized.txt, journal/, boot-N/) set.
# Every failed expectation appends one line to OUT/failures; the scenario passes when the file
# stays empty. Facts worth printing on the result line go to OUT/facts. The profile whose units
# and records the checks read is CHECK_PROFILE (default e2e-finalize, the test profile; a
# check.sh sets it for another one, e.g. bootc's).

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

# At shutdown: finalize stopped → hold lets go → hold stopped → boot.mount (CHECK_MOUNT) unmounting, by the
# journal's monotonic timestamps (the order ostree's boot-automount.sh checks too). The hold
# lets go either when systemd stops it ("Stopping", the usual case) or by itself just before:
# the finalize command removed the staged file, and a hold that sees that only after
# finalization ended exits on its own ("Deactivated successfully"). The earlier one counts.
# Only entries after the power-off request count (note poweroff_at, when the scenario noted
# it; else after staging, note staged_at): a fault scenario stops the hold, and /boot may
# expire, before; and on a UEFI boot systemd 257's systemd-boot-random-seed.service
# (bootctl random-seed) mounts the ESP early in boot, and it expires long before staging.
# expect_shutdown_order [BOOT [AFTER]]: AFTER (seconds) instead of those notes, e.g. a soft-reboot's.
expect_shutdown_order() {
    local boot=${1:-1} fin hold_stopping hold_exited hold_release hold_stopped umount how after=${2:-}
    [ -n "$after" ] || after=$(note_value poweroff_at "$boot")
    [ -n "$after" ] || after=$(note_value staged_at "$boot")
    after=${after:-0}
    local name=${CHECK_PROFILE:-e2e-finalize}
    fin=$(unit_time_after "$boot" "$E2E_MSG_STOPPED" "$name.service" "$after")
    hold_stopping=$(unit_time_after "$boot" "$E2E_MSG_STOPPING" "$name-hold.service" "$after")
    hold_exited=$(unit_time_after "$boot" "$E2E_MSG_SUCCEEDED" "$name-hold.service" "$after")
    hold_stopped=$(unit_time_after "$boot" "$E2E_MSG_STOPPED" "$name-hold.service" "$after")
    umount=$(unit_time_after "$boot" "$E2E_MSG_STOPPING" "${CHECK_MOUNT:-boot.mount}" "$after")
    hold_release=$(printf '%s\n' "$hold_stopping" "$hold_exited" | awk 'NF && (m == "" || $1 < m) { m = $1 } END { print m }')
    how=stopped; [ "$hold_release" = "$hold_stopping" ] || how="exited by itself"
    if [ -z "$fin" ] || [ -z "$hold_release" ] || [ -z "$hold_stopped" ] || [ -z "$umount" ]; then
        fail "shutdown order: missing journal entries (finalize stopped=${fin:-?}, hold stopping=${hold_stopping:-?}, hold exited=${hold_exited:-?}, hold stopped=${hold_stopped:-?}, ${CHECK_MOUNT:-boot.mount} unmounting=${umount:-?})"
        return
    fi
    if awk -v a="$fin" -v b="$hold_release" -v c="$hold_stopped" -v d="$umount" \
            'BEGIN { exit !(a <= b && b <= c && c <= d) }'; then
        fact "order: finalize stopped $fin < hold let go $hold_release ($how) < stopped $hold_stopped < ${CHECK_MOUNT:-boot.mount} unmounting $umount"
    else
        fail "shutdown order wrong: finalize stopped $fin, hold let go $hold_release ($how), hold stopped $hold_stopped, ${CHECK_MOUNT:-boot.mount} unmounting $umount"
    fi
}

# The journal of one unit in boot N (message text only).
unit_log() { e2e_journal "$OUT/journal" -b "$1" -o cat "_SYSTEMD_UNIT=$2" + "UNIT=$2"; }

# Monotonic seconds of the first entry of boot BOOT with MESSAGE_ID for UNIT after AFTER seconds.
unit_time_after() {
    e2e_journal "$OUT/journal" -b "$1" -o short-monotonic "MESSAGE_ID=$2" "UNIT=$3" \
        | awk -F'[][]' -v after="$4" '{ gsub(/ /, "", $2) } $2 + 0 > after + 0 { print $2; exit }'
}

# program_log BOOT IDENTIFIER [MAX_PRIORITY]: what a program logged in boot BOOT (by its
# SYSLOG_IDENTIFIER, at MAX_PRIORITY or more severe: journalctl -p), as "SECONDS message".
program_log() {
    e2e_journal "$OUT/journal" -b "$1" -o short-monotonic ${3:+-p "$3"} "SYSLOG_IDENTIFIER=$2" \
        | sed -n 's/^\[ *\([0-9.]*\)\] [^:]*: /\1 /p'
}

# The hold came back after the fault at note KEY: the guest saw a new main process, and the
# journal has the hold's "Started" after that moment.
expect_hold_back_after() {
    local at back started
    at=$(note_value "$1")
    back=$(note_value hold_back_after)
    started=$(unit_time_after 1 "$E2E_MSG_STARTED" e2e-finalize-hold.service "$at")
    if [ -z "$back" ] || [ "$back" = never ]; then
        fail "the hold did not come back within 15 s of the fault at $at s"
    elif [ -z "$started" ]; then
        fail "no 'Started e2e-finalize-hold.service' in the journal after the fault at $at s"
    else
        fact "hold back ${back} s after the fault at $at s (Started at $started s, pid $(note_value hold_back_pid))"
    fi
}

# The hold's ExecStopPost= said, after the fault at note KEY, that nothing holds /boot while a
# deployment is staged, at warning or more severe (LEVEL warning) or at notice (LEVEL notice,
# a clean stop).
expect_degraded_log() {
    local at line
    at=$(note_value "$1")
    line=$(program_log 1 boothold-hold "${2:-warning}" | awk -v at="$at" '$1 + 0 > at + 0 && /\/boot/ && /staged/ { print; exit }')
    if [ -n "$line" ]; then
        fact "hold after the fault: $line"
    else
        fail "no ${2:-warning} from boothold-hold after the fault at $at s saying nothing holds /boot while staged"
    fi
}
expect_degraded_warning() { expect_degraded_log "$1" warning; }

# The result record of boot BOOT's shutdown (the record itself, or its copy archived by the next
# boot's report).
result_record() {
    local dir=$OUT/boothold/${CHECK_PROFILE:-e2e-finalize}
    cat "$dir/result" 2>/dev/null || cat "$dir/reported/result" 2>/dev/null
}

# record_field RECORD KEY: a record's value (RECORD is "result" or "started").
record_field() {
    local dir=$OUT/boothold/${CHECK_PROFILE:-e2e-finalize}
    { cat "$dir/$1" 2>/dev/null || cat "$dir/reported/$1" 2>/dev/null; } \
        | awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'
}

# How a record says /boot was reached (REQUIRED_N=/boot, REACHED_N=…, CAUSE_N=…), one line.
record_reached() {
    local n=1 path
    while path=$(record_field "$1" "REQUIRED_$n") && [ -n "$path" ]; do
        if [ "$path" = /boot ]; then
            echo "$(record_field "$1" "REACHED_$n")${2:+ $(record_field "$1" "CAUSE_$n")}"
            return
        fi
        n=$((n + 1))
    done
}

# expect_result OUTCOME [REACHED [CAUSE]]: the result record's outcome, and how finalization
# reached /boot as both records say it (REACHED and CAUSE are EREs: "held",
# "mounted-by-boothold-finalize", "automount-refused|not-mounted").
expect_result() {
    local record outcome how started_how
    record=$(result_record)
    [ -n "$record" ] || { fail "no result record"; return; }
    outcome=$(record_field result OUTCOME)
    [ "$outcome" = "$1" ] || fail "result record: expected OUTCOME=$1, got OUTCOME=${outcome:-<none>} ($(record_field result REASON))"
    how=$(record_reached result cause)
    started_how=$(record_reached started cause)
    fact "records: /boot reached: ${how:-<not said>} (started record: ${started_how:-<not said>})"
    [ -n "${2:-}" ] || return 0
    local want="^($2)( |\$)"
    [ -n "${3:-}" ] && want="^($2) ($3)\$"
    printf '%s\n' "$how" | grep -qE "$want" \
        || fail "result record: /boot reached as '${how:-<not said>}', expected '$2${3:+ ($3)}'"
    printf '%s\n' "$started_how" | grep -qE "$want" \
        || fail "started record: /boot reached as '${started_how:-<not said>}', expected '$2${3:+ ($3)}'"
}

# boothold-finalize mounted /boot itself (in its own namespace) and said so, with its own
# MESSAGE_ID.
E2E_MSG_MOUNTED_BY_FINALIZE=f2a78ad7909a4bca8eb2ce6d2d1c16f0
expect_own_mount() {
    local line
    local usec
    line=$(e2e_journal "$OUT/journal" -b 1 -o short-monotonic "MESSAGE_ID=$E2E_MSG_MOUNTED_BY_FINALIZE" | head -n 1)
    if [ -z "$line" ]; then
        fail "boothold-finalize did not log mounting /boot itself (MESSAGE_ID=$E2E_MSG_MOUNTED_BY_FINALIZE)"
        return
    fi
    # From the decision to mount to the mount checked, as boothold-finalize measured it.
    usec=$(e2e_journal "$OUT/journal" -b 1 -o verbose "MESSAGE_ID=$E2E_MSG_MOUNTED_BY_FINALIZE" \
        | sed -n 's/^ *BOOTHOLD_MOUNT_USEC=//p' | head -n 1)
    fact "finalize: ${line#*: } (own mount took ${usec:-?} us)"
}

# Control scenarios: boothold off, the stand-ins of ostree's own units ran.
expect_vendor_units() {
    expect_note units none
    case $(note_value finalize_fragment) in
        /usr/lib/systemd/system/e2e-finalize.service|/lib/systemd/system/e2e-finalize.service) ;;
        *) fail "the finalize unit is not the stand-in of ostree's own: $(note_value finalize_fragment)" ;;
    esac
}

# Control scenarios: the loss shows. Nothing was written at shutdown; what was written early,
# and when the finalize unit was stopped, are facts.
expect_lost() {
    local stopping poweroff
    grep -q 'state=stopping' "$OUT/finalized.txt" \
        && fail "loss not seen: finalized at shutdown: $(tr '\n' '|' < "$OUT/finalized.txt")"
    stopping=$(unit_time 1 "$E2E_MSG_STOPPING" e2e-finalize.service)
    poweroff=$(note_value poweroff_at)
    fact "finalize stopping at ${stopping:-never} s, power-off requested at ${poweroff:-?} s; finalized.txt: [$(tr '\n' '|' < "$OUT/finalized.txt")]"
}

# ---- bootholdctl status at the scenario's steps (ctl_status in the guest) ----------------------
# status_line TAG [BOOT]: the guest's `E2E-STATUS TAG rc=N {json}` line of boot BOOT, without
# its prefix: "rc=N {json}".
status_line() {
    e2e_journal "$OUT/journal" -b "${2:-1}" -o cat _SYSTEMD_UNIT=e2e-driver.service \
        | sed -n "s/^E2E-STATUS $1 //p" | head -n 1
}

# expect_status TAG VERDICT [BOOT]: at step TAG `bootholdctl status` gave VERDICT (the JSON's
# spelling: ready, idle, locked, not-applied-last-time, degraded, at-risk, unknown), exited with
# the status bootholdctl(8) gives it (0 nothing at risk, 1 otherwise), and the JSON's
# exit_status says the same. The JSON goes into the facts, the text form into OUT/status-TAG.txt.
expect_status() {
    local tag=$1 want=$2 boot=${3:-1} line problem
    line=$(status_line "$tag" "$boot")
    e2e_journal "$OUT/journal" -b "$boot" -o cat _SYSTEMD_UNIT=e2e-driver.service \
        | sed -n "s/^E2E-STATUS-TEXT $tag: \{0,1\}//p" > "$OUT/status-$tag.txt"
    if [ -z "$line" ]; then
        fail "bootholdctl status at '$tag' (boot $boot): no E2E-STATUS line"
        return
    fi
    fact "status $tag: $line"
    while IFS= read -r problem; do
        fail "$problem ($(head -n 1 "$OUT/status-$tag.txt"))"
    done < <(e2e_status_problems "$tag" "$want" "$line")
}

# ---- another updater than the test profile (bootc's) -------------------------------------------
# expect_started_before_staged NAME: NAME.service became active (systemd's "Started"/"Finished")
# before the guest noted staged_at, as an updater that starts it synchronously needs.
expect_started_before_staged() {
    local started staged
    started=$(unit_time 1 "$E2E_MSG_STARTED" "$1.service")
    staged=$(note_value staged_at)
    if [ -z "$started" ] || ! awk -v a="$started" -v b="$staged" 'BEGIN { exit !(a < b) }'; then
        fail "$1.service did not become active before the staged file (active at ${started:-never} s, staged at ${staged:-?} s)"
    else
        fact "$1.service active at $started s, staged at $staged s"
    fi
}

# The control of bootc's own unit: its ExecStop= ran at shutdown (after the power-off request)
# and nothing reached /boot; what the command said is a fact. No boothold record.
expect_bootc_lost() {
    local poweroff stopping said
    poweroff=$(note_value poweroff_at)
    stopping=$(unit_time_after 1 "$E2E_MSG_STOPPING" bootc-finalize-staged.service "${poweroff:-0}")
    [ -n "$stopping" ] || fail "bootc-finalize-staged.service was not stopped after the power-off request at ${poweroff:-?} s"
    grep -q '^finalized ' "$OUT/finalized.txt" && fail "loss not seen: finalized on /boot: $(tr '\n' '|' < "$OUT/finalized.txt")"
    [ -z "$(result_record)" ] || fail "a boothold result record with boothold=0"
    said=$(program_log 1 bootc | tail -n 2 | paste -sd'|')
    fact "bootc-finalize-staged stopping at ${stopping:-never} s (power-off requested at ${poweroff:-?} s); bootc said: [$said]; finalized.txt: [$(tr '\n' '|' < "$OUT/finalized.txt")]"
}

# No automount request for /boot was triggered by a process named COMM (systemd logs the
# trigger's comm: "Got automount request for /boot, triggered by 378 (bootholdctl)").
expect_no_automount_request_by() {
    local line
    line=$(e2e_journal "$OUT/journal" -b "${2:-1}" -o cat -u boot.automount | grep -F "($1)" | head -n 1)
    [ -z "$line" ] || fail "$1 triggered the automount: $line"
}

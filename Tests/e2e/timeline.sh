#!/usr/bin/env bash
# timeline.sh [--width N] [--unit NAME] SERIAL_LOG
# timeline.sh --excerpt [--unit NAME] SERIAL_LOG   only the lines the picture is drawn from
#
# Draws what happened to the finalization between staging and the guest's power-off, from
# one boot's serial console (the forwarded journal) of an end-to-end run: one lane each for
# /boot being mounted, the hold unit, the finalize unit, the finalize command and the
# shutdown, on one time axis (seconds after staging). NAME is the profile (default: found
# from the log; e2e-finalize or ostree-finalize-staged). Prints the picture, then every
# event it used with its time. Exit 1 when the log has none of the events. --excerpt prints
# the log's lines that the picture uses instead (the same picture comes from them alone).
set -euo pipefail
width=60 unit="" excerpt=0
while [ $# -gt 1 ]; do
    case $1 in
        --width) width=${2:?--width N}; shift 2 ;;
        --unit) unit=${2:?--unit NAME}; shift 2 ;;
        --excerpt) excerpt=1; shift ;;
        *) echo "timeline.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
log=${1:?usage: timeline.sh [--width N] [--unit NAME] SERIAL_LOG}
if [ -z "$unit" ]; then
    if grep -qaE 'ostree\[[0-9]+\]: |ostree-finalize-staged\.service' "$log"; then unit=ostree-finalize-staged; else unit=e2e-finalize; fi
fi

awk -v width="$width" -v unit="$unit" -v excerpt="$excerpt" '
function t() { return substr($0, 2, index($0, "]") - 2) + 0 }
function msg(   s) { s = $0; sub(/^[^]]*\] [^:]*: /, "", s); return s }
# Before staging only the state is followed (what is mounted, which unit is up); from
# staging on every change is an event. Lanes open before staging start at 0.
function open_(lane, at) { if (!(lane in since)) since[lane] = (t0 == "" ? "pre" : at) }
function close_(lane, at) { if (lane in since) { if (t0 != "") span[lane] = span[lane] sprintf("%s %s,", since[lane] == "pre" ? t0 : since[lane], at); delete since[lane] } }
function mark(lane, at, what) { if (t0 == "") return; marks[lane] = marks[lane] sprintf("%s,", at); note(at, what) }
function note(at, what) { if (excerpt && !(NR in used)) { used[NR]; print } if (t0 == "") return; events[++n] = sprintf("%8.2f  %s", at - t0, what); if (at > last) last = at }
BEGIN {
    esc = unit; gsub(/\./, "\\.", esc)
    lanes = "mount hold finalize command shutdown"
    label["mount"] = "/boot mounted"; label["hold"] = "hold unit"; label["finalize"] = "finalize unit"
    label["command"] = "finalize command"; label["shutdown"] = "shutdown"
}
{ sub(/\r$/, "") }   # the serial console ends its lines with CR LF
!/^\[ *[0-9]+\.[0-9]+\]/ { next }
t0 == "" && /E2E-NOTE staged_at=|E2E: staging version/ { t0 = t(); note(t0, "staged") }
/Mounted boot\.mount/                          { open_("mount", t()); note(t(), "boot.mount mounted") }
/Unmounted boot\.mount/                        { close_("mount", t()); note(t(), "boot.mount unmounted") }
$0 ~ "Started " esc "-hold\\.service"         { open_("hold", t()); note(t(), "hold unit started") }
$0 ~ "Stopping " esc "-hold\\.service"        { mark("hold", t(), "hold unit stopping") }
$0 ~ "Stopped " esc "-hold\\.service|" esc "-hold\\.service: (Main process exited|Failed)" {
    close_("hold", t()); note(t(), "hold unit: " msg()) }
$0 ~ "(Finished|Started) " esc "\\.service"   { open_("finalize", t()); note(t(), "finalize unit active") }
$0 ~ "Stopping " esc "\\.service"             { mark("finalize", t(), "finalize unit stopping (ExecStop= runs)") }
$0 ~ "Stopped " esc "\\.service"              { close_("finalize", t()); note(t(), "finalize unit stopped") }
/boothold-finalize\[[0-9]+\]: .*: running /   { open_("command", t()); note(t(), "boothold-finalize runs the command") }
/boothold-finalize\[[0-9]+\]: .*(mounted .* at |own mount namespace)/ { mark("command", t(), "boothold-finalize mounted the path itself") }
/ostree\[[0-9]+\]: Finalizing staged deployment/ { open_("command", t()); note(t(), "ostree: Finalizing staged deployment") }
/finalize-write: finalized/                     { mark("command", t(), "finalize-write wrote /boot/finalized.txt") }
/ostree\[[0-9]+\]: Bootloader updated/         { mark("command", t(), "ostree: Bootloader updated") }
/boothold-finalize\[[0-9]+\]: (Finalized|Finalizing .* (failed|timed out)|Not finalizing)/ {
    close_("command", t()); note(t(), "boothold-finalize: " msg()) }
/E2E-GUEST-RC=|E2E: (rebooting|powering off)/  { open_("shutdown", t()); note(t(), "reboot or power-off requested") }
/reboot: (Power down|Restarting system)/       { close_("shutdown", t()); note(t(), "the kernel powers off"); end = t() }
END {
    if (excerpt) exit
    if (t0 == "" || n < 2) { print "timeline.sh: no staging or no events in the log" > "/dev/stderr"; exit 1 }
    if (end == "") end = last
    split(lanes, order, " ")
    for (i = 1; i <= 5; i++) if (order[i] in since) close_(order[i], end)
    scale = (end - t0) / width; if (scale <= 0) scale = 1
    axis = sprintf("%-18s", "")
    line = ""; for (c = 0; c <= width; c++) line = line " "
    for (s = 0; s <= end - t0; s += ((end - t0) > 60 ? 30 : (end - t0) > 20 ? 10 : 5)) {
        c = int(s / scale); lab = sprintf("%ds", s)
        line = substr(line, 1, c) lab substr(line, c + length(lab) + 1)
    }
    line = axis line; sub(/ +$/, "", line); print line
    for (i = 1; i <= 5; i++) {
        lane = order[i]; row = ""
        for (c = 0; c <= width; c++) row = row "."
        k = split(span[lane], parts, ",")
        for (j = 1; j < k; j++) {
            split(parts[j], ab, " "); a = int((ab[1] - t0) / scale); b = int((ab[2] - t0) / scale)
            for (c = a; c <= b && c <= width; c++) row = substr(row, 1, c) "=" substr(row, c + 2)
        }
        k = split(marks[lane], ms, ",")
        for (j = 1; j < k; j++) { c = int((ms[j] - t0) / scale); if (c <= width) row = substr(row, 1, c) "|" substr(row, c + 2) }
        printf "%-18s%s\n", label[lane], row
    }
    print ""
    print "  seconds after staging"
    for (i = 1; i <= n; i++) print events[i]
}' "$log"

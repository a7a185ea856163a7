#!/bin/bash
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
stage
sleep 3
note_states staged_
pid=$(hold_pid)
note staged_hold_pid "$pid"
rm "$STAGED"
note unstaged_at "$(uptime_s)"
# The hold releases /boot and keeps running, watching for the next staged deployment.
wait_fstype /boot autofs 15
note released_boot_fstype "$(fstype_at /boot)"
note released_hold "$(systemctl is-active "$HOLD")"
note released_hold_pid "$(hold_pid)"
# Staged again: the same hold pins /boot again.
write_staged
wait_pinned
sleep 3   # past the idle timeout
note_states restaged_
note restaged_hold_pid "$(hold_pid)"
# And unstaged again before the power-off: nothing to finalize.
rm "$STAGED"
wait_fstype /boot autofs 15
note unstaged_boot_fstype "$(fstype_at /boot)"

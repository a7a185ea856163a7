#!/bin/bash
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
stage
sleep 3
note_states staged_
rm "$STAGED"
note unstaged_at "$(uptime_s)"
for _ in $(seq 100); do
    [ "$(systemctl is-active "$PROFILE-hold.service")" = active ] || break
    sleep 0.1
done
note released_hold "$(systemctl is-active "$PROFILE-hold.service")"
wait_fstype /boot autofs 15
note released_boot_fstype "$(fstype_at /boot)"

#!/bin/bash
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
mkdir -p /run/e2e/before
cp "$GENERATED/$PROFILE".service "$GENERATED/$PROFILE"-hold.service /run/e2e/before/ 2>/dev/null
note autofs_before_reload "$(fstype_at /boot)"
systemctl daemon-reload
note_generated reloaded_
same=yes
for unit in "$PROFILE.service" "$PROFILE-hold.service"; do
    # The comment lines carry the reason, which is allowed to change (rule 1 now matches first).
    diff <(grep -v '^#' "/run/e2e/before/$unit") <(grep -v '^#' "$GENERATED/$unit") || same=no
done
note units_identical "$same"
stage
note_states staged_
sleep 4
note_states waited_

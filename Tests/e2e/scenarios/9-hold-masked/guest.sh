#!/bin/bash
# Fault 2, masked (also run by its control, 19-vendor-hold-masked): mask the hold, stage, touch
# /boot once (as an updater writing there does) and let it expire.
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
mask_hold
stage nowait
touch_and_expire
sleep 3
note_states waited_
note poweroff_at "$(uptime_s)"

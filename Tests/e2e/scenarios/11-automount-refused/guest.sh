#!/bin/bash
# Fault 4 (also run by its control, 21-vendor-automount-refused): hold masked, finalize unit
# ordered after boot.automount, stage, /boot touched once and expired.
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
mask_hold
order_after_automount
stage nowait
touch_and_expire
sleep 3
note_states waited_
note poweroff_at "$(uptime_s)"

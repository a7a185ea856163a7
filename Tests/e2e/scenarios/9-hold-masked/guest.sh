#!/bin/bash
# Fault 2, masked (also run by its control, 19-vendor-hold-masked): mask the hold, stage, touch
# /boot once (as an updater writing there does) and let it expire.
. /usr/local/libexec/e2e/scenario-common.sh
later_boot "$@" && exit 0
note_generated ""
ctl_status before_staging
mask_hold
stage nowait
ctl_status staged
touch_and_expire
ctl_status expired
# bootholdctl must not have triggered the automount.
note after_status_boot_fstype "$(fstype_at /boot)"
sleep 3
note_states waited_
note poweroff_at "$(uptime_s)"

#!/bin/bash
. /usr/local/libexec/e2e/scenario-common.sh
later_boot "$@" && exit 0
note_generated ""
ctl_status before_staging
stage
note_states staged_
ctl_status staged
sleep 4   # more than 3x the idle timeout: without a hold, /boot would have expired by now
note_states waited_
ctl_status waited

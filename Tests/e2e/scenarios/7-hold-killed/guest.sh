#!/bin/bash
# Fault 1 (also run by its control, 17-vendor-hold-killed): SIGKILL the hold 1 s after staging,
# then wait well past the idle timeout.
. /usr/local/libexec/e2e/scenario-common.sh
later_boot "$@" && exit 0
note_generated ""
ctl_status before_staging
stage
sleep 1
note_states staged_
ctl_status staged
pid=$(hold_pid)
note killed_pid "$pid"
systemctl kill --signal=SIGKILL "$HOLD"
note killed_at "$(uptime_s)"
# Within 15 s: on trixie beside two other guests the hold's ExecStopPost= took 2.6 s and the
# new hold was active 6.4 s after the kill (at load 2 it is back within a second).
wait_hold_back "$pid" 15
ctl_status hold_back
sleep 5   # past the idle timeout: without a hold /boot expires
note_states waited_
note poweroff_at "$(uptime_s)"

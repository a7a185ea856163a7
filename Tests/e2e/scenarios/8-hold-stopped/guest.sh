#!/bin/bash
# Fault 2, stopped (also run by its control, 18-vendor-hold-stopped): `systemctl stop` the hold
# 1 s after staging, then wait well past the idle timeout.
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
stage
sleep 1
note_states staged_
pid=$(hold_pid)
note stopped_at "$(uptime_s)"
systemctl stop "$HOLD"
note stop_returned_at "$(uptime_s)"
# Within 15 s, as in 7 (there, on trixie beside two other guests, the hold's ExecStopPost=
# took 2.6 s and the new hold was active 6.4 s after the kill).
wait_hold_back "$pid" 15
sleep 5   # past the idle timeout: without a hold /boot expires
note_states waited_
note poweroff_at "$(uptime_s)"

#!/bin/bash
. /usr/local/libexec/e2e/scenario-common.sh
boot=$1
if [ "$boot" = 1 ]; then
    note_generated ""
    stage
    sleep 2
    note_states staged_
    note killed_pid "$(systemctl show -P MainPID "$PROFILE-hold.service")"
    systemctl kill --signal=SIGKILL "$PROFILE-hold.service"
    note killed_at "$(uptime_s)"
    sleep 8   # past the idle timeout, with nothing holding /boot any more
    note_states killed_
    note poweroff_at "$(uptime_s)"
    exit 0
fi
# The next boot: what boothold reports about the previous shutdown's finalization.
note report_state "$(systemctl is-failed "boothold-report@$PROFILE.service")"
note failed_units "$(systemctl --failed --plain --no-legend | awk '{ print $1 }' | paste -sd, -)"
journalctl -b -o cat -u "boothold-report@$PROFILE.service" | sed 's/^/E2E-REPORT /'

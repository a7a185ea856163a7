#!/bin/bash
# Fault 3 (also run by its control, 20-vendor-hold-fails): the hold's first start fails. The
# staged file is written first and the units started after it, as a path unit does, so that
# the failed start happens while a deployment is staged.
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
fail_hold_once
write_staged
note started_at "$(uptime_s)"
start_units
wait_pinned
stop_keeper
note failed_once "$([ -e /run/e2e/failed-once ] && echo yes || echo no)"
note_states staged_
sleep 4   # past the idle timeout
note_states waited_
note poweroff_at "$(uptime_s)"

#!/bin/bash
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
stage
note_states staged_
sleep 8   # well past the idle timeout: the automount expires and stops the finalize unit
note_states waited_
note poweroff_at "$(uptime_s)"

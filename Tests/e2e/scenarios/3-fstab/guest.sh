#!/bin/bash
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
stage
note_states staged_
sleep 4   # more than 3x the idle timeout: without a hold, /boot would have expired by now
note_states waited_

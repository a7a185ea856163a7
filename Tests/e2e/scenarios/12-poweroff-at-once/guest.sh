#!/bin/bash
# Fault 5 (also run by its control, 22-vendor-poweroff-at-once): nothing staged at boot; after
# the driver's report line the staged file is written and the power-off requested at once.
. /usr/local/libexec/e2e/scenario-common.sh
note_generated ""
note path_unit "$(systemctl is-active "$PROFILE.path")"
# Before anything is staged: boothold's start timer has started the finalize unit (and with it
# the hold); the vendor's units of the control have not.
note finalize_unit "$(systemctl is-active "$PROFILE.service")"
note_states boot_
stage_at_poweroff
